#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What tcphs keeps is paid for and bounded (admin-guide.rst, Memory):
#
# 1. A namespace made by a task in a memory cgroup charges that cgroup for
#    its flows, which tcphs allocates in softirq as SYNs arrive. A flood of
#    SYNs forwarded through the namespace to a blackhole (each leaves a
#    SYN_SENT flow behind) raises the cgroup's memory.current by at least
#    128 bytes a flow; once memory.max is set just above it, flows stop
#    being made (alloc_failed counts the SYNs that went untracked; once
#    the pages each CPU had charged ahead are used, fewer SYNs get one
#    than not, as reclaim frees room), the limit holds (softirq
#    allocations with GFP_ATOMIC would be charged past it), and the rest
#    of the host is untouched: handshakes through the main topology
#    complete. Before, nothing of a flow was charged.
#
#      F 10.8.1.2 --- 10.8.1.1 M (blackhole 10.8.9.0/24)
#
# 2. What proxy mode holds for servers being opened is capped per namespace
#    (proxy_held_max, here 4 KiB: a few segments). The server's replies
#    are delayed by 1 s (netem), so 20 connections sit in CONNECTING while
#    each sends its number: most segments find the cap reached and are
#    dropped (proxy_held_capped), and their clients send them again. All
#    20 numbers reach the server, and every connection closes cleanly.

. "${0%/*}/lib.sh"

NS_M=tcphs-m-$$
NS_F=tcphs-f-$$
CGROOT=/sys/fs/cgroup
CG=$CGROOT/tcphs-memory-$$
REC=/tmp/tcphs-memory-rec-$$
PORT=9100

cleanup() {
	local ns

	for ns in "$NS_F" "$NS_M"; do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
	[ ! -d "$CG" ] || rmdir "$CG"
	topo_down
	tcphs_unload
	rm -f "$REC"
}

# A cgroup v2 hierarchy with the memory controller, or the reason there is
# none.
memcg_up() {
	[ -f $CGROOT/cgroup.controllers ] ||
		mount -t cgroup2 cgroup2 $CGROOT 2>/dev/null ||
		{ echo "no cgroup2"; return 1; }
	[[ " $(<$CGROOT/cgroup.controllers) " == *" memory "* ]] ||
		{ echo "no memory controller (CONFIG_MEMCG)"; return 1; }
	echo +memory >$CGROOT/cgroup.subtree_control && mkdir "$CG"
}

require_memcg() {
	local why

	why=$(memcg_up) && return 0
	unmet "$why" "$why"
}

# M is made by a task in the cgroup, so M's tcphs is charged to it.
doomed_up() {
	bash -c "echo \$\$ >$CG/cgroup.procs && exec ip netns add $NS_M"
	ip -b - <<-EOF
	netns add $NS_F
	link add f0 netns $NS_F type veth peer name m0 netns $NS_M
	EOF
	ip -n "$NS_F" -b - <<-EOF
	link set lo up
	link set f0 up
	addr add 10.8.1.2/24 dev f0
	route add default via 10.8.1.1
	EOF
	ip -n "$NS_M" -b - <<-EOF
	link set lo up
	link set m0 up
	addr add 10.8.1.1/24 dev m0
	route add blackhole 10.8.9.0/24
	EOF
	# A holder reads M's counters with no exec (lib.sh).
	agents_start "$NS_M"
	ns_sysctl "$NS_M" net.ipv4.ip_forward=1 net.tcphs.timeout_syn_sent=3600
}

cg_read() { local v; read -r v <"$CG/$1"; echo "$v"; }

flows_settled() {	# no new flow in M for a second
	local before

	before=$(tcphs_entries "$NS_M")
	nap 1
	[ "$(tcphs_entries "$NS_M")" -eq "$before" ]
}

flows_at_least() { [ "$(tcphs_entries "$NS_M")" -ge "$1" ]; }
alloc_failed() { [ "$(tcphs_stat "$NS_M" alloc_failed)" -gt 0 ]; }

trap cleanup EXIT
tcphs_unload
tcphs_load
require_tool tc command -v tc
require_memcg
ktap_header

# ---- 1. The cgroup of a namespace's creator pays for its flows ----

doomed_up
base=$(cg_read memory.current)
ip netns exec "$NS_F" "$TCPHS_CONN" syns 10.8.9.1 80 200 &
flood=$!
check "the flood leaves 500 flows in the cgroup's namespace" \
	wait_for 60 flows_at_least 500
flows=$(tcphs_entries "$NS_M")
grown=$(($(cg_read memory.current) - base))
echo "# memory.current grew by $grown bytes with $flows flows"
check "the cgroup was charged at least 128 bytes a flow" \
	test "$grown" -ge $((flows * 128))

echo $(($(cg_read memory.current) + 65536)) >"$CG/memory.max"
check "at memory.max, SYNs go untracked (alloc_failed)" \
	wait_for 60 alloc_failed
# Pages each CPU had charged ahead (the memcg's per-CPU stock, up to 64)
# still serve a few flows after the first failure: until none is left.
check "then flows stop being made" wait_for 60 flows_settled
flows=$(tcphs_entries "$NS_M") failed=$(tcphs_stat "$NS_M" alloc_failed)
nap 2
flows=$(($(tcphs_entries "$NS_M") - flows))
failed=$(($(tcphs_stat "$NS_M" alloc_failed) - failed))
echo "# in 2 s at the limit: $flows flows made, $failed SYNs untracked"
# Reclaim at the limit (the cgroup's page cache, the slabs' partial
# pages) frees room now and then, more so on a loaded host: a few flows
# still come, but most SYNs go untracked, and the limit holds.
check "at the limit, most SYNs get no flow" test "$flows" -le "$failed"
check "the limit holds: memory.current <= memory.max" \
	test "$(cg_read memory.current)" -le "$(cg_read memory.max)"
kill "$flood"

topo_up
server_start $PORT
check "the rest of the host is untouched: 5 handshakes through the router" \
	c "$TCPHS_CONN" connect $S4 $PORT 5

# ---- 2. Held data is capped per namespace ----

r sysctl -qw net.tcphs.mode=proxy net.tcphs.proxy_ports=$((PORT + 1)) \
	net.tcphs.proxy_held_max=4096
s "$TCPHS_CONN" record :: $((PORT + 1)) >"$REC" &
wait_for 10 server_listening $((PORT + 1))
s tc qdisc add dev s0 root netem delay 1s
capped=$(tcphs_stat "$NS_R" proxy_held_capped)
coproc HOLD { c "$TCPHS_CONN" hold $S4 $((PORT + 1)) 20; }
read -r line <&"${HOLD[0]}"
check_eq "20 connections opened to the proxy" "held 20" "$line"
exec {HOLD[1]}>&-	# each sends its number now, its server not yet open
check "each connection closed cleanly" wait "$HOLD_PID"
s tc qdisc del dev s0 root
got=$(sort -n "$REC" | tr '\n' ' ')
check_eq "all 20 numbers reached the server" \
	"$(seq 0 19 | tr '\n' ' ')" "$got"
capped=$(($(tcphs_stat "$NS_R" proxy_held_capped) - capped))
echo "# segments refused at the cap: $capped"
check "the cap refused segments (proxy_held_capped)" test "$capped" -gt 0
ktap_finish
