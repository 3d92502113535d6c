#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Proxy mode, tcphs on the router in front of a forwarded server: three
# byte-exact 1 MB transfers each way (a quarter on the debug kernel) over
# IPv4 and IPv6, with exactly 6 SYN-ACKs from tcphs, 6 server sides opened
# and nothing dropped; per family, crafted: data on the third ACK (whole
# and in IP fragments), data and a FIN before it, a wrong third ACK, a
# client RST off the sequence number, a tampered cookie, cookies across key
# rotations; cookie-only handshakes; a server that refuses. proxy_local.sh:
# the same with tcphs in the server's own namespace.

. "${0%/*}/lib.sh"
. "${0%/*}/proxy_lib.sh"

proxy_setup
proxy_place forwarded "$NS_R"
proxy_finish
