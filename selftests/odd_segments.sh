#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Track mode drops nothing: a burst of odd segments (bad flag sets, odd and
# malformed options, bad data offsets, SYNs with data) crafted in python
# all reach the receiver, and tcphs counts each under its reason. The
# kernel reassembles fragments for tcphs while its mode is not off.

. "${0%/*}/lib.sh"

PY=/usr/bin/python3

trap 'topo_down; tcphs_unload' EXIT
ktap_header
tcphs_unload
tcphs_load
topo_up

# Count, in the server, what arrives after tcphs's own hook.
input_rule "$NS_S" ip saddr $C4 tcp dport 7777 counter
input_rule "$NS_S" ip6 saddr $C6 tcp dport 7777 counter

arrived() {	# FAMILY: packets the server's counter saw
	s nft list chain inet t in | awk -v f="$1" \
		'$1 == f && /counter/ { for (i = 1; i < NF; i++) if ($i == "packets") print $(i + 1) }'
}

# One crafting process for the whole test: python is slow to start on the
# debug kernel; -S: no site packages to look through.
coproc ODD { c $PY -S "$TOP/selftests/odd_segments.py" --serve; }
odd() {	# REQUEST: its one-line answer
	echo "$*" >&"${ODD[1]}"
	IFS= read -r answer <&"${ODD[0]}"
	echo "$answer"
}

sent4=$(odd odd $S4 7777)
sent6=$(odd odd $S6 7777)
check "the crafter sent IPv4 segments" test "${sent4:-0}" -gt 20
check "the crafter sent IPv6 segments" test "${sent6:-0}" -gt 20
# The last may still be on their way: poll, then check.
arrived_is() { [ "$(arrived "$1")" = "$2" ]; }
wait_for 5 arrived_is ip6 "$sent6"
check_eq "every IPv4 segment reached the server" "$sent4" "$(arrived ip)"
check_eq "every IPv6 segment reached the server" "$sent6" "$(arrived ip6)"

for ns in "$NS_C" "$NS_R" "$NS_S"; do
	role=$(ns_role "$ns")
	tcphs_stats "$ns"
	check_eq "$role: nothing dropped" 0 "${STAT[dropped]}"
	check_eq "$role: bad flag sets counted" 18 "${STAT[bad_flags]}"
	check_eq "$role: malformed headers counted" 18 "${STAT[malformed]}"
	check_eq "$role: SYN data without Fast Open counted" 2 \
		"${STAT[syn_data]}"
	check_eq "$role: SYN-ACK with no SYN counted" 2 \
		"${STAT[synack_no_syn]}"
done

# Defragmentation follows the mode: on, tcphs sees whole segments; off,
# the namespace is left as it was (no conntrack here to ask for it).
reasm_oks() {	# NETNS: IPv4 datagrams reassembled (RFC 4293's ReasmOKs)
	ip netns exec "$1" awk '$1 == "Ip:" && !f {
		for (i = 2; i <= NF; i++) if ($i == "ReasmOKs") f = i; next }
		$1 == "Ip:" { print $f }' /proc/net/snmp
}
# frag_syn: a fragmented SYN, sent once the server has reassembled it
# (it does so in every mode), so that the router's count is final.
frag_syn() {
	local server0

	server0=$(reasm_oks "$NS_S")
	odd frag $S4 7778 >/dev/null
	wait_for 5 reasm_above "$NS_S" "$server0"
}
reasm_above() { [ "$(reasm_oks "$1")" -gt "$2" ]; }
reasm0=$(reasm_oks "$NS_R")
frag_syn
check "track mode: the router reassembles fragments for tcphs" \
	test "$(reasm_oks "$NS_R")" -gt "$reasm0"
r sysctl -qw net.tcphs.mode=off
reasm0=$(reasm_oks "$NS_R")
frag_syn
check_eq "mode off: it reassembles nothing" "$reasm0" "$(reasm_oks "$NS_R")"
r sysctl -qw net.tcphs.mode=track

exec {ODD[1]}>&-
wait "$ODD_PID"
ktap_finish
