#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A full flow table degrades tcphs, never black-holes (hardening II, items
# 1, 2 and 4), IPv4 and IPv6, on a router with max_flows 64:
#
#  - enforce mode: spoofed-source SYNs (sources on the client's link that
#    never answer) fill the table, and a trickle of them keeps it full
#    for as long as a legitimate client makes 100 exchanges (50 on the
#    debug kernel): at least 99% complete, and the oldest unanswered
#    handshakes were evicted for them (evicted);
#  - proxy mode, the same trickle to a tracked port while the client uses
#    a proxied one: its cookie third ACKs find room by eviction too;
#  - a table full of established flows, which are never evicted: in
#    enforce mode a new connection still completes (its SYN-ACK, of no
#    flow, passes: untracked_passed); in proxy mode a proven client that
#    finds no room is reset at once (proxy_full_reset), not left hanging;
#  - the cookie gate (item 3): 500 flowless ACKs to a proxied port that
#    sent no cookie lately are not checked as cookies, and none opens a
#    connection to the server;
#  - the flood back-off (item 5): 64 spoofed SYNs to a proxied port that
#    keeps 16 half-open flows (for 3 s) overflow it, and a pause begins
#    (proxy_paused, one kernel log line): SYNs get cookies alone, a client
#    still completes. Once the flood has stopped, its flows have expired
#    and the pause is over, the next SYN ends it (proxy_resumed) and is
#    kept again (proxy_synack).

. "${0%/*}/lib.sh"

BLIND=$TOP/selftests/tcphs_blind.py
XFER=$TOP/selftests/tcphs_xfer.py
MAX=64
# Half on the debug kernel, where each exchange costs a quarter second:
# of 50, at least 99% is every one.
PROBES=${PROBES:-$((DEBUG_KERNEL ? 50 : 100))}

trap 'topo_down; tcphs_unload' EXIT
require_tool python3 test -x /usr/bin/python3
ktap_header
tcphs_unload
tcphs_load
topo_up
s "$XFER" serve 8000 &
s "$TCPHS_CONN" listen :: 8001 &
wait_for 60 server_listening 8000
wait_for 60 server_listening 8001
coproc FLOOD { c /usr/bin/python3 -S "$BLIND" --serve "$NS_S"; }

# helper REQUEST...: one request to the long-lived helper.
helper() { coproc_ask FLOOD "$@" >/dev/null; }

# flood ADDR PORT COUNT US: spoofed SYNs.
flood() { helper synflood "$@"; }

# trickle ADDR PORT: a second helper keeps the table full in the
# background while the client connects: 50 SYNs a second until
# trickle_end (for at most a minute). ip netns exec becomes python: $! is
# the helper itself.
trickle() {
	ip netns exec "$NS_C" /usr/bin/python3 -S "$BLIND" --serve "$NS_S" \
		<<<$'synflood\t'"$1"$'\t'"$2"$'\t3000\t20000' >/dev/null &
	TRICKLE=$!
}

trickle_end() {
	kill "$TRICKLE" 2>/dev/null
	wait "$TRICKLE" 2>/dev/null
}

probe() {	# ADDR COUNT: prints "OK/COUNT MEDIAN_MS"
	c "$XFER" probe "$1" 8000 "$2" 3
}

most_complete() {	# OK/COUNT: at least 99 %
	awk -v r="$1" 'BEGIN { split(r, a, "/"); exit !(a[1] * 100 >= a[2] * 99) }'
}

limits() {	# MODE PROXY_PORTS
	r sysctl -qw net.tcphs.mode="$1" net.tcphs.proxy_ports="$2" \
		net.tcphs.max_flows=$MAX net.tcphs.timeout_syn_sent=120 \
		net.tcphs.timeout_syn_rcvd=120
}

# filled MODE FAMILY ADDR FLOOD_PORT: the table full of unanswered SYNs.
filled() {
	local mode=$1 fam=$2 addr=$3 port=$4 ok ms

	tcphs_unload
	tcphs_load
	limits "$mode" 8000
	flood "$addr" "$port" $((MAX * 2)) 1000
	check_eq "$mode $fam: spoofed SYNs filled the table" $MAX \
		"$(tcphs_entries "$NS_R")"
	trickle "$addr" "$port"
	read -r ok ms <<<"$(probe "$addr" "$PROBES")"
	trickle_end
	echo "# $mode $fam: $ok exchanges under the trickle (median $ms ms)"
	check "$mode $fam: at least 99% of exchanges complete" most_complete "$ok"
	check "$mode $fam: unanswered handshakes were evicted for them" \
		test "$(tcphs_stat "$NS_R" evicted)" -gt 0
}

# established MODE FAMILY ADDR: the table full of established flows.
established() {
	local mode=$1 fam=$2 addr=$3 ok ms held

	tcphs_unload
	tcphs_load
	limits "$mode" 8000
	coproc HOLD { c "$TCPHS_CONN" hold "$addr" 8001 $MAX; }
	read -r held <&"${HOLD[0]}"
	check_eq "$mode $fam: $MAX connections established" "held $MAX" "$held"
	check_eq "$mode $fam: they fill the table" $MAX "$(tcphs_entries "$NS_R")"
	read -r ok ms <<<"$(probe "$addr" 5)"
	echo "# $mode $fam: $ok exchanges with the table full of established flows"
	tcphs_stats "$NS_R"
	if [ "$mode" = enforce ]; then
		check_eq "$mode $fam: a new connection still completes" 5/5 "$ok"
		check "$mode $fam: its SYN-ACKs of no flow passed" \
			test "${STAT[untracked_passed]:-0}" -gt 0
	else
		check_eq "$mode $fam: no room for a proven client" 0/5 "$ok"
		check "$mode $fam: which is reset, not left hanging" \
			test "${STAT[proxy_full_reset]:-0}" -ge 5
	fi
	check_eq "$mode $fam: no established flow was evicted" $MAX \
		"$(tcphs_entries "$NS_R")"
	exec {HOLD[1]}>&-
	wait "$HOLD_PID" 2>/dev/null
}

# unsent FAMILY ADDR: flowless ACKs to a proxied port that sent no cookie.
unsent() {
	tcphs_unload
	tcphs_load
	limits proxy 8000
	check "$1: a good exchange first (its SYN-ACK kept, no cookie)" \
		most_complete "$(probe "$2" 1 | cut -d' ' -f1)"
	helper ackflood "$2" 8000 500
	tcphs_stats "$NS_R"
	check_eq "$1: 500 flowless ACKs, no cookie sent: none checked as one" \
		500 "${STAT[proxy_cookie_unsent]:-}"
	check_eq "$1: no MAC was computed for them" 0 \
		"${STAT[proxy_cookie_bad]:-}"
	check_eq "$1: none reached the server" 1 "${STAT[proxy_connect]:-}"
}

# backoff FAMILY ADDR: the flood back-off.
backoff() {
	local synack

	tcphs_unload
	tcphs_load
	r sysctl -qw net.tcphs.mode=proxy net.tcphs.proxy_ports=8000 \
		net.tcphs.proxy_halfopen_max=16 net.tcphs.timeout_syn_rcvd=3
	flood "$2" 8000 64 1000
	tcphs_stats "$NS_R"
	check "$1: the flood began a pause" test "${STAT[proxy_paused]:-0}" -ge 1
	check "$1: SYNs past the 16 kept got cookies alone" \
		test "${STAT[proxy_cookie]:-0}" -ge 40
	check "$1: a client completes meanwhile" \
		most_complete "$(probe "$2" 1 | cut -d' ' -f1)"
	check "$1: the pause was logged" \
		eval 'dmesg | grep -q "SYN flood on proxied ports: cookies only for"'
	nap 6
	tcphs_stats "$NS_R"
	synack=${STAT[proxy_synack]:-0}
	check "$1: after the flood, a client completes" \
		most_complete "$(probe "$2" 1 | cut -d' ' -f1)"
	tcphs_stats "$NS_R"
	check_eq "$1: its SYN ended the pause" "${STAT[proxy_paused]:-}" \
		"${STAT[proxy_resumed]:-}"
	check_eq "$1: and was kept, not answered by a cookie" 1 \
		$((${STAT[proxy_synack]:-0} - synack))
}

for addr in $S4 $S6; do
	fam=ipv4
	[[ $addr != *:* ]] || fam=ipv6
	filled enforce $fam "$addr" 8001
	filled proxy $fam "$addr" 8001
	established enforce $fam "$addr"
	established proxy $fam "$addr"
	unsent $fam "$addr"
	backoff $fam "$addr"
done
ktap_finish
