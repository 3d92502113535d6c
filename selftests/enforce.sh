#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Enforce mode: each drop reason, crafted in python from the client and the
# server namespaces, is dropped by the router in enforce mode (it never
# reaches the peer, the reason's counter and dropped go up) and passed in
# track mode (the reason is counted, the segment arrives). Correct
# handshakes (retransmitted SYN and SYN-ACK, simultaneous open, with data
# on its SYNs too, data on the third ACK, data on a SYN or a SYN-ACK, a
# SYN-ACK that takes part of the SYN's data, RSTs at and in the window,
# real connections with and without TCP Fast Open, with and without its
# cookie) pass in enforce mode with no drop.

. "${0%/*}/lib.sh"

PY=/usr/bin/python3
BASE=20000

trap 'topo_down; tcphs_unload' EXIT
ktap_header
tcphs_unload
tcphs_load
topo_up

# The endpoints count, then drop, what arrives on the crafted ports, so
# their own stacks never answer; tcphs's hook runs before this chain. The
# crafted flows run from client port 40000 to server port BASE + i.
# Each run takes the 100 ports from its base; its scenarios use the first
# 19 (tcphs_craft.py's SCENARIOS): rules for 20 of each hundred.
rules() {	# sport|dport
	local base i

	for base in $BASE $((BASE + 100)) $((BASE + 200)) $((BASE + 300)); do
		for ((i = 0; i < 20; i++)); do
			echo "add rule inet t in tcp $1 $((base + i)) counter drop"
		done
	done
}
input_chain "$NS_C"
input_chain "$NS_S"
rules sport | c nft -f -
rules dport | s nft -f -

# snapshot: what every crafted port of both peers counted, read in one
# nft listing per peer into arrived[client:PORT] and arrived[server:PORT].
# A rule lists as "tcp sport|dport PORT counter packets N bytes B drop".
declare -A arrived
snapshot() {
	arrived=()
	counted client < <(c nft list chain inet t in)
	counted server < <(s nft list chain inet t in)
}

counted() {	# SIDE: a chain's listing on stdin
	local proto dir port packets

	while read -r proto dir port _ _ packets _; do
		[[ $port =~ ^[0-9]+$ ]] && arrived[$1:$port]=$packets
	done
}

# run MODE FAMILY BASE_PORT: every scenario once, then a check of each.
run() {
	local mode=$1 fam=$2 base=$3 caddr saddr name port side before
	local want got line

	if [ "$fam" = ipv4 ]; then caddr=$C4 saddr=$S4; else caddr=$C6 saddr=$S6; fi
	r sysctl -qw net.tcphs.mode="$mode"
	echo "$caddr $saddr $base" >&"${CRAFT[1]}"
	: >/tmp/tcphs-craft.out
	while IFS= read -r line <&"${CRAFT[0]}" && [ "$line" != done ]; do
		echo "$line" >>/tmp/tcphs-craft.out
	done
	[ "$line" = done ] || {
		ktap_not_ok "$mode $fam: crafting failed"
		return
	}
	# The last segments may still be on their way: poll for at most 2 s
	# until every counter shows what it should, then check each.
	local tries=20
	while snapshot && ! all_arrived "$mode" && [ $((tries -= 1)) -gt 0 ]; do
		sleep 0.1
	done
	while read -r name port side before; do
		wanted "$mode" "$name" "$before"
		got=${arrived[$side:$port]:-}
		check_eq "$mode $fam $name: $((want - before)) last segment to the $side" \
			"$want" "$got"
	done </tmp/tcphs-craft.out
}

# What a scenario's last segment should leave on its peer's counter, in
# want (no subshell: on the debug kernel each fork counts).
wanted() {	# MODE NAME BEFORE
	case $1:$2 in
	track:* | *:good_* | *:syn_on_established) want=$(($3 + 1)) ;;
	*) want=$3 ;;
	esac
}

all_arrived() {	# MODE
	local name port side before want

	while read -r name port side before; do
		wanted "$1" "$name" "$before"
		[ "${arrived[$side:$port]:-}" = "$want" ] || return 1
	done </tmp/tcphs-craft.out
}

reason_sum() {
	local r total=0

	for r in bad_flags synack_no_syn synack_bad_ack ack_bad \
		 rst_out_of_window rst_synsent_bad_ack seq_out_of_window \
		 ack_out_of_window malformed; do
		total=$((total + $(tcphs_stat "$NS_R" "$r")))
	done
	echo "$total"
}

# One crafting process for the whole test (python is slow to start on the
# debug kernel); -S: no site packages to look through.
coproc CRAFT { $PY -S "$TOP/selftests/tcphs_craft.py" "$NS_C" "$NS_S"; }

run enforce ipv4 $BASE
run enforce ipv6 $((BASE + 100))
check_eq "enforce: router dropped one segment per bad scenario" 18 \
	"$(tcphs_stat "$NS_R" dropped)"
check_eq "enforce: each drop has its reason" 18 "$(reason_sum)"
for r in bad_flags synack_no_syn synack_bad_ack ack_bad rst_out_of_window \
	 rst_synsent_bad_ack seq_out_of_window ack_out_of_window malformed \
	 syn_on_established rst_in_window; do
	check_eq "enforce: $r counted once per family" 2 \
		"$(tcphs_stat "$NS_R" "$r")"
done
# Five SYNs with data in each family's correct handshakes: counted only.
check_eq "enforce: syn_data counted, nothing dropped for it" 10 \
	"$(tcphs_stat "$NS_R" syn_data)"

run track ipv4 $((BASE + 200))
run track ipv6 $((BASE + 300))
check_eq "track: the router dropped nothing more" 18 \
	"$(tcphs_stat "$NS_R" dropped)"
check_eq "track: would-drop reasons counted again" 36 "$(reason_sum)"

# Real handshakes through an enforcing router: zero drops.
r sysctl -qw net.tcphs.mode=enforce
server_start 8000
check "enforce: 20 IPv4 connections" c "$TCPHS_CONN" connect $S4 8000 20
check "enforce: 20 IPv6 connections" c "$TCPHS_CONN" connect $S6 8000 20
check_eq "enforce: real traffic dropped nothing" 18 \
	"$(tcphs_stat "$NS_R" dropped)"

# TCP Fast Open: data rides on the SYN with the option, and the SYN-ACK
# acknowledges it (RFC 7413). The first connection of each family only
# fetches the cookie; the server's counter proves the rest used it.
tfo_passive() {
	s awk '/^TcpExt:/ {
		if (!hdr) { hdr = 1; split($0, name); next }
		for (i = 2; i <= NF; i++)
			if (name[i] == "TCPFastOpenPassive") print $i
	}' /proc/net/netstat
}
c sysctl -qw net.ipv4.tcp_fastopen=1
s sysctl -qw net.ipv4.tcp_fastopen=2
tfo_before=$(tfo_passive)
check "enforce: 5 IPv4 Fast Open connections" \
	c "$TCPHS_CONN" fastopen $S4 8000 5
check "enforce: 5 IPv6 Fast Open connections" \
	c "$TCPHS_CONN" fastopen $S6 8000 5
check_eq "the server took data on 8 SYNs" $((tfo_before + 8)) "$(tfo_passive)"
check_eq "enforce: Fast Open dropped nothing" 18 \
	"$(tcphs_stat "$NS_R" dropped)"

# Fast Open without a cookie (Linux: 0x4 at the client, 0x200 at the
# server): the data rides on a SYN with no Fast Open option at all, which
# RFC 9293 3.10.7 allows of any SYN. Counted as syn_data, never dropped.
c sysctl -qw net.ipv4.tcp_fastopen=5
s sysctl -qw net.ipv4.tcp_fastopen=514
tfo_before=$(tfo_passive)
syn_data_before=$(tcphs_stat "$NS_R" syn_data)
check "enforce: 5 IPv4 Fast Open connections without a cookie" \
	c "$TCPHS_CONN" fastopen $S4 8000 5
check "enforce: 5 IPv6 Fast Open connections without a cookie" \
	c "$TCPHS_CONN" fastopen $S6 8000 5
check_eq "the server took data on 10 SYNs without a cookie" \
	$((tfo_before + 10)) "$(tfo_passive)"
check_eq "enforce: the 10 cookieless SYNs counted as syn_data" \
	$((syn_data_before + 10)) "$(tcphs_stat "$NS_R" syn_data)"
check_eq "enforce: cookieless Fast Open dropped nothing" 18 \
	"$(tcphs_stat "$NS_R" dropped)"
exec {CRAFT[1]}>&-
wait "$CRAFT_PID"
ktap_finish
