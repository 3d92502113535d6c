#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ICMP errors across proxy mode: tcphs on the router answers the handshake
# and translates the flow, so an error the router sends about a segment
# quotes it in the numbers tcphs gave it; tcphs must translate the quote
# back, or the endpoint ignores the error as out of window (RFC 5927 4.1).
#
# Path MTU discovery (RFC 1191, RFC 8201), per family: once a connection
# is up (its MSS agreed for 1500-byte links), one link beyond tcphs drops to
# 1280 bytes, both its ends, so the router has to send "fragmentation
# needed" or "packet too big" for each too large segment it forwards:
#
#   the client's link: the server's segments are too big (the quote is
#                      of a server segment, its seq translated)
#   the server's link: the client's segments are too big (the quote is
#                      of a client segment, its ack translated)
#
# Each time TCPHS_PMTU_BYTES (2 MB) go each way byte-exact, the sender's
# route holds the path MTU it learned (mtu 1280), no error was out of
# window at the sender (TcpExtOutOfWindowIcmps), and proxy_icmp counted.
# Untranslated, the server's transfers stall. Then an unreachable: the
# router rejects the server's segments to the client with a host (address)
# unreachable, which the server takes in its window too.

. "${0%/*}/lib.sh"

XFER=$TOP/selftests/tcphs_xfer.py
# The debug kernel (KASAN under TCG) moves less, and is given longer.
BYTES=${TCPHS_PMTU_BYTES:-$((DEBUG_KERNEL ? 1000000 : 2000000))}
LIMIT=$((DEBUG_KERNEL ? 300 : 90))
SMALL=1280

trap 'topo_down; tcphs_unload' EXIT
for tool in nft nstat; do
	require_tool $tool command -v $tool
done
ktap_header
tcphs_unload
tcphs_load
topo_up
r sysctl -qw net.tcphs.mode=proxy net.tcphs.proxy_ports=8000
r nft -f - <<-'NFT'
add table inet pmtu
add chain inet pmtu pass { type filter hook forward priority 0; }
NFT
s "$XFER" serve 8000 &
wait_for 60 server_listening 8000

# oow_icmps NETNS: the ICMP errors its TCP ignored as out of window.
oow_icmps() {
	ip netns exec "$1" nstat -asz TcpExtOutOfWindowIcmps |
		awk '$1 == "TcpExtOutOfWindowIcmps" { print $2 }'
}

proxy_icmp() {
	local n

	n=$(tcphs_stat "$NS_R" proxy_icmp)
	echo "${n:-0}"
}

icmp_above() { [ "$(proxy_icmp)" -gt "$1" ]; }	# N

# route_mtu NETNS ADDR: the path MTU NETNS's route to ADDR holds, if any.
route_mtu() {
	ip -n "$1" route get "$2" | sed -n 's/.* mtu \([0-9]*\).*/\1/p'
}

# link_mtu MTU NETNS DEV NETNS DEV: both ends of a link, as a shell line
# (for tcphs_xfer.py to run once its connection is up).
link_mtu() {
	echo "ip -n $2 link set dev $3 mtu $1 && ip -n $4 link set dev $5 mtu $1"
}

# too_big FAMILY ADDR SENDER SENDER_NS PEER_ADDR NETNS DEV NETNS DEV: the
# link NETNS DEV - NETNS DEV shrinks under a transfer to ADDR, so SENDER's
# segments (in SENDER_NS) are too big for it.
too_big() {
	local fam=$1 addr=$2 who=$3 ns=$4 peer=$5 shrink oow0 icmp0
	local what="$fam, the $who's segments too big for a link beyond"

	shift 5
	shrink=$(link_mtu $SMALL "$@")
	oow0=$(oow_icmps "$ns")
	icmp0=$(proxy_icmp)
	check "$what: $BYTES bytes each way, byte-exact" \
		c timeout $LIMIT "$XFER" send "$addr" 8000 "$BYTES" 1 "$shrink"
	eval "$(link_mtu 1500 "$@")"
	check_eq "$what: the $who learned the path MTU" $SMALL \
		"$(route_mtu "$ns" "$peer")"
	check_eq "$what: no ICMP error was out of window at the $who" 0 \
		$(($(oow_icmps "$ns") - oow0))
	check "$what: proxy_icmp counted the errors" \
		test "$(proxy_icmp)" -gt "$icmp0"
}

too_big IPv4 $S4 server "$NS_S" $C4 "$NS_R" r0 "$NS_C" c0
too_big IPv4 $S4 client "$NS_C" $S4 "$NS_R" r1 "$NS_S" s0
too_big IPv6 $S6 server "$NS_S" $C6 "$NS_R" r0 "$NS_C" c0
too_big IPv6 $S6 client "$NS_C" $S6 "$NS_R" r1 "$NS_S" s0

# unreachable FAMILY ADDR REJECT: the router rejects the server's segments
# to the client once the connection is up, with the nft statement REJECT.
# A kernel without nft's reject expression (CONFIG_NFT_REJECT) cannot: the
# rule would fail in the client's connection-up command, unseen, and no
# error would ever be sent; nft -c has the kernel check the rule first.
unreachable() {
	local fam=$1 addr=$2 reject=$3 oow0 icmp0 xfer
	local rule="add rule inet pmtu pass tcp sport 8000 $reject"
	local what="$fam, unreachable: the router's error is translated"
	local why="no nft reject in this kernel (CONFIG_NFT_REJECT)"

	if ! r nft -c "$rule" 2>/dev/null; then
		echo "# $fam, unreachable: $why"
		# make check's kernels have it (kernel/debug.config): there,
		# its absence is a failure, as a missing tool's is.
		if tcphs_strict; then
			ktap_not_ok "$what"
			return
		fi
		ktap_skip "$what"
		ktap_skip "$fam, unreachable: and in the server's window"
		return
	fi
	oow0=$(oow_icmps "$NS_S")
	icmp0=$(proxy_icmp)
	c "$XFER" send "$addr" 8000 100000 1 "ip netns exec $NS_R nft $rule" &
	xfer=$!
	check "$what" wait_for 30 icmp_above "$icmp0"
	nap 1	# for the server to take it
	check_eq "$fam, unreachable: and in the server's window" 0 \
		$(($(oow_icmps "$NS_S") - oow0))
	kill $xfer 2>/dev/null
	wait $xfer 2>/dev/null
	r nft flush chain inet pmtu pass
}

unreachable IPv4 $S4 "reject with icmp type host-unreachable"
unreachable IPv6 $S6 "reject with icmpv6 type addr-unreachable"
ktap_finish
