#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Track mode drops nothing: a burst of odd segments (bad flag sets, odd and
# malformed options, bad data offsets, SYNs with data) crafted with scapy
# all reach the receiver, and tcphs counts each under its reason. The
# kernel reassembles fragments for tcphs while its mode is not off.

. "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3

trap 'topo_down; tcphs_unload' EXIT
ktap_header
require_scapy
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

sent4=$(c $PY "$TOP/selftests/odd_segments.py" $S4 7777)
sent6=$(c $PY "$TOP/selftests/odd_segments.py" $S6 7777)
check "scapy sent IPv4 segments" test "${sent4:-0}" -gt 20
check "scapy sent IPv6 segments" test "${sent6:-0}" -gt 20
check_eq "every IPv4 segment reached the server" "$sent4" "$(arrived ip)"
check_eq "every IPv6 segment reached the server" "$sent6" "$(arrived ip6)"

for ns in "$NS_C" "$NS_R" "$NS_S"; do
	role=$(ns_role "$ns")
	check_eq "$role: nothing dropped" 0 "$(tcphs_stat "$ns" dropped)"
	check_eq "$role: bad flag sets counted" 18 \
		"$(tcphs_stat "$ns" bad_flags)"
	check_eq "$role: malformed headers counted" 18 \
		"$(tcphs_stat "$ns" malformed)"
	check_eq "$role: SYN data without Fast Open counted" 2 \
		"$(tcphs_stat "$ns" syn_data)"
	check_eq "$role: SYN-ACK with no SYN counted" 2 \
		"$(tcphs_stat "$ns" synack_no_syn)"
done

# Defragmentation follows the mode: on, tcphs sees whole segments; off,
# the namespace is left as it was (no conntrack here to ask for it).
reasm_oks() {	# NETNS: IPv4 datagrams reassembled (RFC 4293's ReasmOKs)
	ip netns exec "$1" awk '$1 == "Ip:" && !f {
		for (i = 2; i <= NF; i++) if ($i == "ReasmOKs") f = i; next }
		$1 == "Ip:" { print $f }' /proc/net/snmp
}
frag_syn() {
	c $PY -c "from scapy.all import IP, TCP, Raw, conf, fragment, send
conf.verb = 0
send(fragment(IP(dst='$S4') / TCP(dport=7778, flags='S') / Raw(b'x' * 64), 24))"
}
reasm0=$(reasm_oks "$NS_R")
frag_syn
check "track mode: the router reassembles fragments for tcphs" \
	test "$(reasm_oks "$NS_R")" -gt "$reasm0"
r sysctl -qw net.tcphs.mode=off
reasm0=$(reasm_oks "$NS_R")
frag_syn
check_eq "mode off: it reassembles nothing" "$reasm0" "$(reasm_oks "$NS_R")"
r sysctl -qw net.tcphs.mode=track

ktap_finish
