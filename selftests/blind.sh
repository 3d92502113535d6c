#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Blind attackers move nothing. A sender that knows a live connection's
# 4-tuple but not its numbers forges segments at it, from the client's
# side and from the server's, in track, enforce and proxy mode, IPv4 and
# IPv6, through the router and to a listener on tcphs's own host:
#
#  - on a crafted connection (tcphs_blind.py knows both sides' numbers):
#    an ACK, a FIN and a RST with numbers outside the window, each way;
#    the three-packet teardown (a FIN each way, then a SYN); the
#    ACK-then-RST attack (the server "acks" X, then a RST at X). After each,
#    data at the right numbers must reach the server and be acknowledged,
#    and the flow's record stays ESTABLISHED and not closing. Then RFC
#    5961 3.2 in the window: a RST off RCV.NXT passes for the server's
#    challenge ACK and the flow lives; the exact RST and FIN with a bad
#    checksum end nothing; the exact RST ends the flow;
#  - on a real transfer (tcphs_xfer, checked by SHA-256 both ways): batches
#    of random-number ACKs, FINs, RSTs, SYNs and ACK-then-RSTs from both
#    sides for as long as it runs; it completes byte-exact;
#  - the counters of the new reasons moved;
#  - proxy mode: a SYN with a bad checksum to a proxied port gets no
#    SYN-ACK, the same SYN with a good one does.

. "${0%/*}/lib.sh"

BLIND=$TOP/selftests/tcphs_blind.py
XFER=$TOP/selftests/tcphs_xfer.py
# Less on the debug kernel, whose cost is per segment.
BYTES=${TCPHS_BLIND_BYTES:-$((DEBUG_KERNEL ? 2000000 : 3000000))}
ROUNDS=5

trap 'topo_down; tcphs_unload' EXIT
require_tool python3 test -x /usr/bin/python3
ktap_header
tcphs_unload
tcphs_load
topo_up
s "$TCPHS_CONN" listen :: 8001 &
s "$XFER" serve 8000 &
r "$TCPHS_CONN" listen :: 8101 &
wait_for 60 server_listening 8000
wait_for 60 server_listening 8001
# The crafted client's own kernel resets what it knows nothing of: those
# RSTs (window 0) stay home; tcphs_blind.py's carry a window.
c nft -f - <<-'NFT'
add table inet craft
add chain inet craft out { type filter hook output priority 0; }
add rule inet craft out tcp sport 20000-30000 tcp flags rst tcp window 0 drop
NFT
# The real transfer slowed to last while it is attacked.
r tc qdisc add dev r1 root netem rate 8mbit
coproc BLINDER { c /usr/bin/python3 -S "$BLIND" --serve "$NS_S"; }

# blind REQUEST...: what the helper says of it.
blind() { coproc_ask BLINDER "$@" || echo "helper fail"; }

# steps PREFIX LINES: each "STEP ok|fail" a check of its own.
steps() {
	local step verdict

	while read -r step verdict; do
		case $step in
		'#') echo "# $verdict" ;;
		*) check_eq "$1: $step" ok "$verdict" ;;
		esac
	done <<<"$2"
}

REASONS="seq_out_of_window ack_out_of_window rst_out_of_window bad_checksum
	 rst_in_window"
declare -A before
count_before() {	# NS
	local x

	for x in $REASONS; do
		before[$x]=$(tcphs_stat "$1" "$x")
	done
}

counters_moved() {	# NS PREFIX
	local x

	for x in $REASONS; do
		check "$2: $x counted" \
			test "$(tcphs_stat "$1" "$x")" -gt "${before[$x]}"
	done
}

# transfer_attacked PREFIX ADDR: a real transfer, forged at while it runs,
# in batches of ROUNDS rounds for as long as it runs (at most 20).
transfer_attacked() {
	local sport xfer batches=0 out=

	c "$XFER" send "$2" 8000 "$BYTES" 1 &
	xfer=$!
	wait_for 30 xfer_port >/dev/null
	sport=$(xfer_port)
	while [ $batches -lt 20 ] && kill -0 $xfer 2>/dev/null; do
		out=$(blind forge "$2" 8000 "${sport:-1}" $ROUNDS)
		[ "$out" = "forge ok" ] || break
		kill -0 $xfer 2>/dev/null && batches=$((batches + 1))
	done
	echo "# $1: $batches batches of $ROUNDS rounds while it ran"
	check_eq "$1: the forger's helper did its part" "forge ok" "$out"
	check "$1: forgeries hit the live transfer" test $batches -ge 1
	check "$1: the attacked transfer completed byte-exact" wait $xfer
}

# The client port of the transfer to port 8000, once it is established:
# read with no exec, for the transfer must not be over before the first
# batch.
xfer_port() {
	tcp_local_port "$NS_C" 01 remote 8000
}

for mode in track enforce proxy; do
	r sysctl -qw net.tcphs.mode=$mode net.tcphs.proxy_ports=8000-8001
	for addr in $S4 $S6; do
		fam=ipv4
		[[ $addr != *:* ]] || fam=ipv6
		count_before "$NS_R"
		steps "$mode $fam crafted" "$(blind crafted "$NS_R" "$addr" 8001)"
		transfer_attacked "$mode $fam transfer" "$addr"
		counters_moved "$NS_R" "$mode $fam"
	done
done
steps "proxy ipv4" "$(blind badsyn $S4 8001)"
steps "proxy ipv6" "$(blind badsyn $S6 8001)"

# A listener on tcphs's own host: the router is the server now.
r sysctl -qw net.tcphs.mode=off
for mode in enforce proxy; do
	r sysctl -qw net.tcphs.mode=$mode net.tcphs.proxy_ports=8101
	for addr in 10.0.1.1 fd00:1::1; do
		fam=ipv4
		[[ $addr != *:* ]] || fam=ipv6
		steps "local $mode $fam crafted" \
			"$(blind crafted "$NS_R" "$addr" 8101)"
	done
done
ktap_finish
