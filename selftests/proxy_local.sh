#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Proxy mode with tcphs in the server's own namespace, in front of a local
# server, the router tracking: every check of proxy.sh.

. "${0%/*}/lib.sh"
. "${0%/*}/proxy_lib.sh"

proxy_setup
px_mode "$NS_R" track
proxy_place local "$NS_S"
proxy_finish
