#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Flows leave the table: a RST during the handshake removes the flow at
# once; half-open flows expire after their timeout.

. "${0%/*}/lib.sh"

trap 'topo_down; tcphs_unload' EXIT
ktap_header
tcphs_unload
tcphs_load
topo_up

no_flow_on() {	# NETNS PORT
	[ "$(tcphs_flows "$1" ":$2 ")" -eq 0 ]
}

one_flow() {	# NETNS REGEX
	[ "$(tcphs_flows "$1" "$2")" -eq 1 ]
}

# hold_connect PORT: a client connecting to PORT in the background, which
# gets no answer it can use; its pid in HOLD. Polled for what it made, not
# given a time to make it in: a loaded debug kernel takes seconds to start
# a program.
hold_connect() {
	# exec: HOLD is the client itself, and kill ends its SYN retries.
	(exec ip netns exec "$NS_C" "$TCPHS_CONN" connect $S4 "$1" 1 \
		2>/dev/null) &
	HOLD=$!
}

# Nobody listens on 9000: the server's RST answers the SYN.
check "connect to a closed port is refused" \
	bash -c "! ip netns exec $NS_C $TCPHS_CONN connect $S4 9000 1 2>/dev/null"
check "IPv6 too" \
	bash -c "! ip netns exec $NS_C $TCPHS_CONN connect $S6 9000 1 2>/dev/null"
for ns in "$NS_C" "$NS_R" "$NS_S"; do
	role=$(ns_role "$ns")
	# A SYN retransmitted before the RST came back (a slow guest) makes
	# one more flow, reset the same way: every flow is, two at least.
	check "$role: both flows reset" \
		test "$(tcphs_stat "$ns" flows_reset)" -ge 2
	check_eq "$role: every flow begun was reset" \
		"$(tcphs_stat "$ns" flows_new)" "$(tcphs_stat "$ns" flows_reset)"
	check "$role: no flow left" no_flow_on "$ns" 9000
	check_eq "$role: the RST was in window" 0 \
		"$(tcphs_stat "$ns" rst_synsent_bad_ack)"
done

# A SYN nobody answers: SYN_SENT everywhere, then gone after 1 s idle. The
# GC reads the timeouts on each pass, so shortening them now applies to
# flows already there (and a slow kernel cannot expire one before it is
# seen).
input_rule "$NS_S" tcp dport 9001 drop
hold_connect 9001
check "router: the SYN made a SYN_SENT flow" \
	wait_for 30 one_flow "$NS_R" ":9001 SYN_SENT"
kill "$HOLD"
wait "$HOLD" 2>/dev/null
tcphs_sysctl_all timeout_syn_sent 1
for ns in "$NS_C" "$NS_R" "$NS_S"; do
	role=$(ns_role "$ns")
	check "$role: the SYN_SENT flow expires" \
		wait_for 5 no_flow_on "$ns" 9001
	check_eq "$role: counted as expired" 1 "$(tcphs_stat "$ns" flows_expired)"
done

# A SYN-ACK the client never gets: SYN_RCVD, then gone. SYN_SENT may last
# again, or the flow could expire before a slow server's SYN-ACK.
tcphs_sysctl_all timeout_syn_sent 3600
server_start 9002
input_rule "$NS_C" tcp sport 9002 drop
hold_connect 9002
check "router: the SYN-ACK made a SYN_RCVD flow" \
	wait_for 30 one_flow "$NS_R" ":9002 SYN_RCVD"
kill "$HOLD"
wait "$HOLD" 2>/dev/null
tcphs_sysctl_all timeout_syn_rcvd 1
# The server retransmits its SYN-ACK at 1, 3, 7 s: the gaps outlast 1 s.
check "router: the SYN_RCVD flow expires" wait_for 10 no_flow_on "$NS_R" 9002
check "router: counted as expired" \
	test "$(tcphs_stat "$NS_R" flows_expired)" -ge 2
ktap_finish
