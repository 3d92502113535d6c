#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Handshake round trips, split: netem delays each way of 20 ms on the
# client's link and 8 ms on the server's; the router's tcphs (the ends'
# mode is off) must read each flow's server leg (SYN to SYN-ACK) as about
# 16 ms and its client leg (SYN-ACK to third ACK) as about 40 ms (never
# less; the least of 5 within 20 %, plus the stacks' own time measured
# with no delay, plus a clock step if the clock is the jiffy), per family,
# in track mode and in proxy mode (its own SYN-ACK and SYN: a cookie's
# flow has no client leg), and its histograms (/proc/net/stat/tcphs_rtt)
# must count each leg in its bucket.

. "${0%/*}/lib.sh"

N=5

trap 'topo_down; tcphs_unload' EXIT
tcphs_unload
tcphs_load
require_tool tc command -v tc
ktap_header
topo_up
c sysctl -qw net.tcphs.mode=off
s sysctl -qw net.tcphs.mode=off
# Delays of whole 4 ms jiffies: a kernel whose clock is the jiffy (the
# debug kernel's at times: under TCG, with no ACPI, its TSC may not be
# calibrated, and the watchdog may leave it mid-run) keeps them exactly.
SERVER_MS=8
CLOCK=/sys/devices/system/clocksource/clocksource0/current_clocksource

# What a reading may gain from the clock's step: a jiffy (HZ 250) each
# time the clock is the jiffy, none otherwise.
clock_step_us() {
	grep -q jiffies $CLOCK && echo 4000 || echo 0
}

# The router's "SERVER CLIENT" legs of each IPvFAM flow to PORT, a line
# each.
legs_of() {	# FAM PORT
	r cat /proc/net/tcphs | grep "^ipv$1 .*:$2 " |
		sed -n 's/.* rtt=\([0-9-]*\),\([0-9-]*\) .*/\1 \2/p'
}

# N values, each measured. Delays only add (the guest's clock runs on a
# shared host CPU, netem's timers late at times), so none may read less
# than the netem delays of its path, WANT microseconds, and the least of
# them (the reading a round-trip estimator keeps) no more than 20 % above
# it plus BASE, the least the same leg read with no delay at all: the
# stacks' own time (1 to 3 ms more on the debug kernel than on a stock
# one), and the clock's step.
near() {	# WANT BASE: values on stdin
	sort -n | awk -v want="$1" -v base="$(($2 + $(clock_step_us)))" -v n=$N '
	$1 !~ /^[0-9]+$/ || $1 < want * 0.99 { bad++ } { v[++k] = $1 }
	END { exit !(k == n && !bad && v[1] <= want * 1.2 + base) }'
}

# The least of a column of legs_of's lines.
least() { cut -d' ' -f"$1" | sort -n | head -n 1; }

server_start 7500
server_start 7501
server_start 7502
server_start 7503

# The stacks' own time first, per mode: the least of each leg with no
# delay, on ports of their own (7502 tracked, 7503 proxied).
declare -A base_server base_client
base=
for mode in track proxy; do
	[ $mode = track ] && port=7502 || port=7503
	r sysctl -qw net.tcphs.mode=$mode net.tcphs.proxy_ports=7503
	c "$TCPHS_CONN" connect "$S4" $port $N >/dev/null
	nap 0.5
	legs=$(legs_of 4 $port)
	base+=$legs$'\n'
	base_server[$mode]=$(least 1 <<<"$legs")
	base_client[$mode]=$(least 2 <<<"$legs")
	echo "# $mode, no delay: the least legs ${base_server[$mode]} and" \
	     "${base_client[$mode]} us; clock $(cat $CLOCK)"
done
c tc qdisc add dev c0 root netem delay 20ms
r tc qdisc add dev r0 root netem delay 20ms
r tc qdisc add dev r1 root netem delay ${SERVER_MS}ms
s tc qdisc add dev s0 root netem delay ${SERVER_MS}ms

# The histogram's line "LEG ipvF" equals the buckets of the legs seen
# (the per-flow values of LEG, column COL of legs_of's lines, in FILE).
hist_matches() {	# LEG FAM COL FILE
	local want got

	want=$(awk -v col="$3" '$col ~ /^[0-9]+$/ {
		b = 0; for (v = $col; v >= 1; v = int(v / 2)) b++
		if (b > 23) b = 23; n[b]++ }
		END { for (i = 0; i < 24; i++) printf "%d ", n[i] + 0 }' "$4")
	got=$(r cat /proc/net/stat/tcphs_rtt | awk -v leg="$1" -v fam="ipv$2" '
		$1 == leg && $2 == fam {
			for (i = 3; i <= NF; i++) printf "%d ", $i }')
	[ "$want" = "$got" ] || { echo "# $1 ipv$2: want '$want', got '$got'"; false; }
}

seen=$(mktemp)
for mode in track proxy; do
	r sysctl -qw net.tcphs.mode=$mode net.tcphs.proxy_ports=7501,7503
	[ $mode = track ] && port=7500 || port=7501
	for fam in 4 6; do
		[ $fam = 4 ] && dst=$S4 || dst=$S6
		c "$TCPHS_CONN" connect "$dst" "$port" $N >/dev/null
		nap 0.5
		legs_of $fam "$port" >"$seen.$mode$fam"
		echo "# $mode ipv$fam legs (us): $(paste -sd ' ' \
		     "$seen.$mode$fam"); clock $(cat $CLOCK)"
		check "$mode ipv$fam: server legs about $((2 * SERVER_MS)) ms" \
			near $((2000 * SERVER_MS)) "${base_server[$mode]}" \
			< <(cut -d' ' -f1 "$seen.$mode$fam")
		check "$mode ipv$fam: client legs about 40 ms" \
			near 40000 "${base_client[$mode]}" \
			< <(cut -d' ' -f2 "$seen.$mode$fam")
	done
done
for fam in 4 6; do
	cat "$seen.track$fam" "$seen.proxy$fam" >"$seen.all$fam"
	[ $fam = 6 ] || grep . <<<"$base" >>"$seen.all$fam"
	check "ipv$fam: the server legs' histogram counts each flow's" \
		hist_matches server $fam 1 "$seen.all$fam"
	check "ipv$fam: the client legs' histogram counts each flow's" \
		hist_matches client $fam 2 "$seen.all$fam"
done

# Cookies only: no client leg (nothing was kept), the server leg as ever.
r sysctl -qw net.tcphs.proxy_halfopen_max=0
for fam in 4 6; do
	[ $fam = 4 ] && dst=$S4 || dst=$S6
	r sysctl -qw net.tcphs.mode=off
	r sysctl -qw net.tcphs.mode=proxy
	c "$TCPHS_CONN" connect "$dst" 7501 $N >/dev/null
	nap 0.5
	legs_of $fam 7501 >"$seen.cookie$fam"
	check "cookie ipv$fam: server legs about $((2 * SERVER_MS)) ms" \
		near $((2000 * SERVER_MS)) "${base_server[proxy]}" \
		< <(cut -d' ' -f1 "$seen.cookie$fam")
	check_eq "cookie ipv$fam: no client leg" "$N" \
		"$(grep -c ' -$' "$seen.cookie$fam")"
done
rm -f "$seen"*
ktap_finish
