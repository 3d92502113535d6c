#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A namespace's exit frees every flow of its table and nothing else, while
# traffic still crosses it. Two routers in a row, A and B, are deleted while
# they carry traffic between F and G, two namespaces that outlive them:
#
#   F 10.9.1.2 --- 10.9.1.1 A 10.9.2.1 --- 10.9.2.2 B 10.9.3.1 --- 10.9.3.2 G
#
# At the deletion A and B each hold 30 closed flows, 11 established ones (10
# idle, one moving 1 KiB from F to G every 25 ms, paced by F's sender so
# that nothing queues behind it) and SYN_SENT ones to 10.9.9.0/24, which
# B blackholes (no answer, no reset), and to which F adds a SYN every
# 10 ms from the moment the others are in place. No process or socket is in A or
# B: `ip netns del` drops their last reference and returns at once;
# cleanup_net runs later on a workqueue, unregisters their devices (which
# ends the traffic), then calls tcphs's exit. The test waits for what only
# those exits do: the tcphs_flow slab (a cache of its own, counted exactly)
# falls to exactly the flows of the namespaces left alive, and by at least
# the doomed tables' counts seen before the deletion.
# A's and B's timeouts are an hour, so no GC frees a flow of theirs first;
# F and G run tcphs in mode off: they make traffic, not flows.
#
# The main topology's flows stay as they were, its flow dump shows none of
# the doomed ones, and its 10 held connections still deliver: each sends its
# number, and the server prints what it read. The final rmmod, slub_debug
# and the runner's log checks catch a flow freed twice or never.

. "${0%/*}/lib.sh"

NS_F=tcphs-f-$$
NS_A=tcphs-a-$$
NS_B=tcphs-b-$$
NS_G=tcphs-g-$$
G4=10.9.3.2
SLAB=/sys/kernel/slab/tcphs_flow
REC=/tmp/tcphs-netns-exit-$$

f() { ip netns exec "$NS_F" "$@"; }
g() { ip netns exec "$NS_G" "$@"; }

cleanup() {
	local ns

	for ns in "$NS_F" "$NS_A" "$NS_B" "$NS_G"; do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
	topo_down
	tcphs_unload
	rm -f "$REC"
}

# A count of tcphs_flow objects that only tcphs's flows make: a cache no
# other one is merged into (slub_debug=...,tcphs_flow keeps it apart).
own_slab() {
	[ -r $SLAB/objects ] && [ "$(cat $SLAB/aliases)" = 0 ]
}

# Without it the exits cannot be seen: skip, or fail as require_tool does.
require_own_slab() {
	local why="tcphs_flow has no slab cache of its own"

	own_slab && return 0
	why+=" (boot with slub_debug=FZPU,tcphs_flow)"
	unmet "$why" "$why"
}

# tcphs_flow objects allocated, linked or waiting for their grace period.
# The shrink first flushes the per-CPU slabs (and KASAN's quarantine) into
# the count, which is exact then.
slab_flows() {
	local n rest

	echo 1 >$SLAB/shrink
	read -r n rest <$SLAB/objects
	echo "$n"
}

# The flows of every namespace alive but EXCEPT: the VM's own and each
# named one. Through cat, as tcphs_entries reads them: a read of the file
# in parts (bash's read seeks back) can miss its stats line.
live_flows() {	# [EXCEPT...]
	local ns total

	# shellcheck disable=SC2002
	total=$(cat /proc/net/stat/tcphs | {
		read -r _
		read -r val _
		echo $((16#$val))
	})
	for ns in $(ip netns list | cut -d' ' -f1); do
		[[ " $* " == *" $ns "* ]] ||
			total=$((total + $(tcphs_entries "$ns")))
	done
	echo "$total"
}

# The exits ran and their frees completed: the slab holds LIVE flows, those
# of the namespaces left, no more.
only_live_in_slab() {	# LIVE
	[ "$(slab_flows)" -eq "$1" ]
}

# One ip process per namespace: on the debug kernel each costs.
doomed_up() {
	local ns

	ip -b - <<-EOF
	netns add $NS_F
	netns add $NS_A
	netns add $NS_B
	netns add $NS_G
	link add f0 netns $NS_F type veth peer name a0 netns $NS_A
	link add a1 netns $NS_A type veth peer name b0 netns $NS_B
	link add b1 netns $NS_B type veth peer name g0 netns $NS_G
	EOF
	ip -n "$NS_F" -b - <<-EOF
	link set lo up
	link set f0 up
	addr add 10.9.1.2/24 dev f0
	route add default via 10.9.1.1
	EOF
	ip -n "$NS_A" -b - <<-EOF
	link set lo up
	link set a0 up
	link set a1 up
	addr add 10.9.1.1/24 dev a0
	addr add 10.9.2.1/24 dev a1
	route add default via 10.9.2.2
	EOF
	ip -n "$NS_B" -b - <<-EOF
	link set lo up
	link set b0 up
	link set b1 up
	addr add 10.9.2.2/24 dev b0
	addr add 10.9.3.1/24 dev b1
	route add 10.9.1.0/24 via 10.9.2.1
	route add blackhole 10.9.9.0/24
	EOF
	ip -n "$NS_G" -b - <<-EOF
	link set lo up
	link set g0 up
	addr add $G4/24 dev g0
	route add default via 10.9.3.1
	EOF
	for ns in "$NS_A" "$NS_B"; do
		ip netns exec "$ns" sysctl -qw net.ipv4.ip_forward=1 \
			net.tcphs.timeout_syn_sent=3600 \
			net.tcphs.timeout_syn_rcvd=3600 \
			net.tcphs.timeout_close=3600
	done
	f sysctl -qw net.tcphs.mode=off
	g sysctl -qw net.tcphs.mode=off
}

established_on() {	# NETNS COUNT: established flows to 7200, not closing
	[ "$(tcphs_flows "$1" ':7200 ESTABLISHED .*[0-9]$')" -eq "$2" ]
}

# What A or B must hold: 30 closed flows and the 11 open ones; then, once
# the SYNs come, 50 half-open ones (the count first: a dump costs more).
doomed_connected() {	# NETNS
	[ "$(tcphs_flows "$1" ':7200 .* closing$')" -eq 30 ] &&
		established_on "$1" 11
}

# On a failure, what NETNS holds: its flows by port and state, the
# counters that end flows, its timeouts.
doomed_census() {	# NETNS
	local name

	ns_read "$1" tcphs
	echo "# $1 holds:" "$(awk '{ p = $3; sub(/.*:/, "", p)
		n[p " " $4 ($NF == "closing" ? ",closing" : "")]++ }
		END { for (k in n) printf "%s: %d; ", k, n[k] }' <<<"$NS_TEXT")"
	tcphs_stats "$1"
	for name in entries flows_new flows_established flows_closed \
		    flows_reset flows_expired evicted table_full; do
		printf '%s=%s ' "$name" "${STAT[$name]:-?}"
	done | sed 's/^/# /'
	echo
	echo "# $(ip netns exec "$1" sysctl net.tcphs.mode \
		net.tcphs.timeout_close net.tcphs.timeout_syn_sent | paste -sd ' ')"
}

doomed_halfopen() {	# NETNS
	[ "$(tcphs_entries "$1")" -ge $((30 + 11 + 50)) ] &&
		[ "$(tcphs_flows "$1" ':7300 SYN_SENT')" -ge 50 ]
}

segments_since() {	# NETNS COUNT: more segments seen than COUNT
	[ "$(tcphs_stat "$1" segments)" -gt "$2" ]
}

trap cleanup EXIT
tcphs_unload
tcphs_load
require_own_slab
ktap_header
topo_up
s "$TCPHS_CONN" record :: 7100 >>"$REC" &
wait_for 10 server_listening 7100
coproc HOLD { c "$TCPHS_CONN" hold $S4 7100 10; }
read -r line <&"${HOLD[0]}"
check_eq "10 connections held in the main topology" "held 10" "$line"

doomed_up
g "$TCPHS_CONN" listen 0.0.0.0 7200 &
wait_for 30 bash -c "ip netns exec $NS_G ss -Hltn | grep -q :7200"
check "30 handshakes through the doomed routers" \
	f "$TCPHS_CONN" connect $G4 7200 30
f bash -c "sleep 3600 | '$TCPHS_CONN' hold $G4 7200 10 >/dev/null" &
check "the 10 held through the doomed routers" \
	wait_for 60 established_on "$NS_A" 10
f "$TCPHS_CONN" trickle $G4 7200 25 2>/dev/null &
for ns in "$NS_A" "$NS_B"; do
	wait_for 60 doomed_connected "$ns" || doomed_census "$ns"
	check "$ns: 30 closed flows and 11 established" doomed_connected "$ns"
done
check_eq "no process in the doomed routers" "" \
	"$(ip netns pids "$NS_A"; ip netns pids "$NS_B")"
before_c=$(tcphs_entries "$NS_C")
before_r=$(tcphs_entries "$NS_R")
before_s=$(tcphs_entries "$NS_S")
live=$(live_flows "$NS_A" "$NS_B")

# The SYNs last, for the tables to stay small on a slow guest.
f "$TCPHS_CONN" syns 10.9.9.1 7300 10000 &
for ns in "$NS_A" "$NS_B"; do
	wait_for 60 doomed_halfopen "$ns" || doomed_census "$ns"
	check "$ns: 50 half-open flows or more" doomed_halfopen "$ns"
done
segs=$(tcphs_stat "$NS_B" segments)
check "segments still cross B right before the deletion" \
	wait_for 10 segments_since "$NS_B" "$segs"
# In this order: the doomed tables only grow, so the slab holds them all.
doomed=$(($(tcphs_entries "$NS_A") + $(tcphs_entries "$NS_B")))
slab=$(slab_flows)
ip netns del "$NS_A"
ip netns del "$NS_B"
check "the exits freed every doomed flow: the slab holds the live ones only" \
	wait_for 60 only_live_in_slab "$live"
echo "# slab: $slab flows before, $(slab_flows) after;" \
     "$doomed in A and B, $live in the others"
check "the slab fell by at least the doomed tables' flows" \
	test $((slab - $(slab_flows))) -ge "$doomed"
ip netns pids "$NS_F" | xargs -r kill

check_eq "client flows untouched" "$before_c" "$(tcphs_entries "$NS_C")"
check_eq "router flows untouched" "$before_r" "$(tcphs_entries "$NS_R")"
check_eq "server flows untouched" "$before_s" "$(tcphs_entries "$NS_S")"
check_eq "still 10 established in the router" 10 \
	"$(tcphs_flows "$NS_R" ':7100 ESTABLISHED')"
check "the flow dump of one namespace shows none of another" \
	bash -c "! ip netns exec $NS_C grep -qF ' 10.9.' /proc/net/tcphs"

fd=${HOLD[1]}
exec {fd}>&-
check "each held connection sent its byte and saw the server close" \
	wait "$HOLD_PID"
check_eq "the server read each held connection's number" \
	"$(seq -s ' ' 0 9)" "$(sort -n "$REC" | paste -sd ' ')"
for ns in "$NS_F" "$NS_G"; do
	ip netns pids "$ns" | xargs -r kill
	ip netns del "$ns"
done
topo_down
check "rmmod after namespace exits" rmmod tcphs
ktap_finish
