#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Deleting a namespace frees its table and nothing else: the flows of the
# other namespaces stay. The runner's slub_debug and the final rmmod catch a
# flow freed twice or never.

. "$(dirname "$0")/lib.sh"

NS_A=tcphs-a-$$
NS_B=tcphs-b-$$

cleanup() {
	topo_down
	ip netns del "$NS_A" 2>/dev/null
	ip netns del "$NS_B" 2>/dev/null
	tcphs_unload
}
trap cleanup EXIT
ktap_header
tcphs_unload
tcphs_load
topo_up
server_start 7100

coproc HOLD { c "$TCPHS_CONN" hold $S4 7100 10; }
read -r line <&"${HOLD[0]}"
check_eq "10 connections held in the main topology" "held 10" "$line"

# A second, short-lived pair of namespaces with its own flows.
ip netns add "$NS_A"
ip netns add "$NS_B"
veth_pair "$NS_A" a0 "$NS_B" b0
ip -n "$NS_A" addr add 10.9.0.1/24 dev a0
ip -n "$NS_B" addr add 10.9.0.2/24 dev b0
ip netns exec "$NS_B" "$TCPHS_CONN" listen 0.0.0.0 7200 &
wait_for 10 bash -c "ip netns exec $NS_B ss -Hltn | grep -q :7200"
check "30 handshakes in the doomed pair" \
	ip netns exec "$NS_A" "$TCPHS_CONN" connect 10.9.0.2 7200 30
check_eq "the doomed client holds 30 flows" 30 "$(tcphs_entries "$NS_A")"

before_c=$(tcphs_entries "$NS_C")
before_r=$(tcphs_entries "$NS_R")
before_s=$(tcphs_entries "$NS_S")
ip netns pids "$NS_B" | xargs -r kill
ip netns del "$NS_A"
ip netns del "$NS_B"
check "the doomed namespaces are gone" \
	wait_for 10 bash -c "! ip netns list | grep -q tcphs-[ab]-$$"

check_eq "client flows untouched" "$before_c" "$(tcphs_entries "$NS_C")"
check_eq "router flows untouched" "$before_r" "$(tcphs_entries "$NS_R")"
check_eq "server flows untouched" "$before_s" "$(tcphs_entries "$NS_S")"
check_eq "still 10 established in the router" 10 \
	"$(tcphs_flows "$NS_R" ':7100 ESTABLISHED')"
check "the flow dump of one namespace shows none of another" \
	bash -c "! ip netns exec $NS_C grep -q 10.9.0 /proc/net/tcphs"

fd=${HOLD[1]}
exec {fd}>&-
check "held connections still work" wait "$HOLD_PID"
topo_down
check "rmmod after namespace exits" rmmod tcphs
ktap_finish
