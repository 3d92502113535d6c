#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Proxy mode on the router, what the two ends negotiate: every isn_policy
# carries a transfer and fixed gives the ISN fffffff0; clients without
# timestamps, SACK or window scaling; servers with window scale 0, 7 and
# 14, where a second client needs no window rewritten and is told the
# server's own shift; a server with a smaller MSS and no SACK, whose next
# client is told its MSS and no SACK.

. "${0%/*}/lib.sh"
. "${0%/*}/proxy_lib.sh"

proxy_setup
px_mode "$NS_R" proxy
r sysctl -qw net.tcphs.proxy_halfopen_max=1000

for policy in random rfc6528 cookie fixed; do
	r sysctl -qw net.tcphs.isn_policy=$policy
	check "isn_policy $policy: transfers byte-exact" xfer $S4 500000 2
done
out=$(craft $S4 synack:8106)
check_eq "isn_policy fixed: the SYN-ACK's ISN is the fixed one" fffffff0 \
	"${out%%$'\n'*}"
r sysctl -qw net.tcphs.isn_policy=rfc6528

for opt in tcp_timestamps tcp_sack tcp_window_scaling; do
	c sysctl -qw net.ipv4.$opt=0
	check "client without $opt: transfer byte-exact" xfer $S4 2000000 1
	c sysctl -qw net.ipv4.$opt=1
done

rmem_max=$(sysctl -n net.core.rmem_max)
tcp_rmem=$(s sysctl -n net.ipv4.tcp_rmem)
for shift in 0 7 14; do
	server_wscale forwarded $shift
done
sysctl -qw net.core.rmem_max="$rmem_max"
s sysctl -qw net.ipv4.tcp_rmem="$tcp_rmem"
server_learned

proxy_finish
