#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 100 IPv4 and 100 IPv6 handshakes from the client to the server through the
# router. In each of the three namespaces every flow must reach ESTABLISHED
# and the counters must match what was sent, exactly; the router's flow
# dump and counters read in small pieces must match one read.

. "${0%/*}/lib.sh"

N=100

trap 'topo_down; tcphs_unload' EXIT
ktap_header
tcphs_unload
tcphs_load
topo_up
# Keep closed flows for the whole test, however slow the kernel (KASAN).
tcphs_sysctl_all timeout_close 3600
server_start 8000

check "$N IPv4 connections" c "$TCPHS_CONN" connect $S4 8000 $N
check "$N IPv6 connections" c "$TCPHS_CONN" connect $S6 8000 $N

for ns in "$NS_C" "$NS_R" "$NS_S"; do
	role=$(ns_role "$ns")
	check_eq "$role: IPv4 flows established" $N \
		"$(tcphs_flows "$ns" "^ipv4 .*:8000 ESTABLISHED")"
	check_eq "$role: IPv6 flows established" $N \
		"$(tcphs_flows "$ns" "^ipv6 .*:8000 ESTABLISHED")"
	tcphs_stats "$ns"
	check_eq "$role: flows_new" $((2 * N)) "${STAT[flows_new]}"
	check_eq "$role: flows_established" $((2 * N)) \
		"${STAT[flows_established]}"
	check_eq "$role: syn" $((2 * N)) "${STAT[syn]}"
	check_eq "$role: synack" $((2 * N)) "${STAT[synack]}"
	check_eq "$role: no retransmission seen" 0 \
		"$((STAT[syn_retrans] + STAT[synack_retrans]))"
	check_eq "$role: nothing dropped" 0 "${STAT[dropped]}"
	check_eq "$role: no malformed segment" 0 "${STAT[malformed]}"
	check_eq "$role: no flow reset" 0 "${STAT[flows_reset]}"
done

# Both sides closed each connection: every flow shows it.
check_eq "router: all flows closing" $((2 * N)) \
	"$(tcphs_flows "$NS_R" 'ESTABLISHED .* closing$')"
check_eq "the ISNs are recorded both ways" $((2 * N)) \
	"$(tcphs_flows "$NS_R" 'isn=[0-9a-f]{8},[0-9a-f]{8}')"

# Read in pieces, each read(2) resuming where seq_file stopped, the flow
# dump and the counters say what one read says (the times of a flow
# aside: they move between the reads).
pieces() {	# FILE BYTES
	ip netns exec "$NS_R" dd if="/proc/net/$1" bs="$2" status=none
}
ns_read "$NS_R" tcphs
whole=$(sed 's/ age=.*//' <<<"$NS_TEXT" | sort)
parts=$(pieces tcphs 100 | sed 's/ age=.*//' | sort)
check_eq "router: the flow dump read 100 bytes at a time has every flow" \
	$((2 * N)) "$(sort -u <<<"$parts" | wc -l)"
check_eq "router: and the same flows as one read" "$whole" "$parts"
ns_read "$NS_R" stat/tcphs
check_eq "router: the counters read 64 bytes at a time are the same" \
	"$NS_TEXT" "$(pieces stat/tcphs 64)"
ktap_finish
