#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The guest half of make bench (bench/run.sh boots the VM with it): every
# measurement that needs the kernel, in one boot, over the selftests'
# client / router / server topology (selftests/lib.sh). Whatever is being
# measured sits on the router; the client and the server run plain Linux.
#
# Usage: bench/guest.sh OUT.csv   with, in the environment (bench/run.sh
# sets them): BENCH_ROUNDS, BENCH_SECONDS, BENCH_CLIENTS, BENCH_FLOOD_ROUNDS,
# BENCH_FLOOD_SECONDS, BENCH_FILL, BENCH_FILL_SECONDS, and BENCH_PARTS (which
# of "connrate flood memory" to run, all by default).
#
# Writes CSV rows "section,config,round,metric,value" to OUT.csv as it
# goes; bench/report.sh reads them. Prints its progress on stdout.

. "$(dirname "$0")/../selftests/lib.sh"
set -euo pipefail

OUT=${1:?usage: guest.sh OUT.csv}
ROUNDS=${BENCH_ROUNDS:-5}
SECONDS_PER_RUN=${BENCH_SECONDS:-8}
CLIENTS=${BENCH_CLIENTS:-8}
FLOOD_ROUNDS=${BENCH_FLOOD_ROUNDS:-3}
FLOOD_SECONDS=${BENCH_FLOOD_SECONDS:-10}
FILL=${BENCH_FILL:-1000000}
FILL_SECONDS=${BENCH_FILL_SECONDS:-60}
PARTS=${BENCH_PARTS:-connrate flood memory}

CONNRATE=$TOP/bench/tcphs_connrate
PORT=8000
# Buckets for the connection-rate and established-flow runs: enough that
# max_flows (8 per bucket) never turns a SYN away as table_full.
RUN_BUCKETS=65536
# For the fill: 2^18 buckets, max_flows 2^21, room for 10^6 entries.
FILL_BUCKETS=262144
CONFIGS=${BENCH_CONFIGS:-none track enforce proxy ct synproxy}
FLOOD_CONFIGS="proxy synproxy cookies"
WORK=/tmp/bench

say() {
	echo "bench: $*"
}

row() {	# SECTION CONFIG ROUND METRIC VALUE
	local IFS=,

	echo "$*" >>"$OUT"
}

cleanup() {
	set +e
	[ -n "${flood_pid:-}" ] && kill -INT -- "-$flood_pid" 2>/dev/null
	topo_down
	tcphs_unload
}

# ---- the configurations on the router ----

# Nothing on the router, and no conntrack entry left from an earlier run:
# synproxy lets SYNs skip conntrack, so a new connection on a port an
# earlier one used would meet that one's TIME_WAIT entry with its ACK.
router_plain() {
	tcphs_unload
	r nft flush ruleset
	if [ -e /proc/sys/net/netfilter/nf_conntrack_max ]; then
		r conntrack -F 2>/dev/null || true
	fi
}

# tcphs in one MODE on the router; the client and the server stay off.
router_tcphs() {	# MODE [INSMOD ARGS...]
	local mode=$1

	shift
	router_plain
	tcphs_load "$@"
	c sysctl -qw net.tcphs.mode=off
	s sysctl -qw net.tcphs.mode=off
	[ "$mode" != proxy ] || r sysctl -qw net.tcphs.proxy_ports=$PORT
	r sysctl -qw net.tcphs.mode="$mode"
}

# A stateful firewall: conntrack on every forwarded segment.
router_ct() {
	router_plain
	r nft -f - <<-EOF
	table inet bench {
		chain forward {
			type filter hook forward priority filter; policy accept;
			ct state invalid drop
			ct state established,related,new accept
		}
	}
	EOF
	ct_tuning
}

# Conntrack keeps a closed connection 120 s (TIME_WAIT), and the client
# reuses a port within seconds at these rates (one address, ~3000 ports
# a wrap with Linux's randomised steps). A SYN meeting the old entry
# reopens it, but synproxy lets SYNs skip conntrack: the reused port's
# third ACK meets the old entry, passes to the server as a stray ACK, and
# the connection hangs. So closed entries go after 1 s, for both.
ct_tuning() {
	r sysctl -qw net.netfilter.nf_conntrack_tcp_timeout_time_wait=1 \
		net.netfilter.nf_conntrack_tcp_timeout_close=1
	# Global, and there once nft has loaded conntrack: well above what
	# one run leaves behind, so no SYN is ever refused.
	sysctl -qw net.netfilter.nf_conntrack_max=1048576
}

# nft synproxy in front of the server's port, the usual way: SYNs skip
# conntrack, synproxy answers them with cookies and opens the server side.
router_synproxy() {
	router_plain
	r nft -f - <<-EOF
	table inet bench {
		chain prerouting {
			type filter hook prerouting priority raw; policy accept;
			iifname "r0" tcp dport $PORT tcp flags syn notrack
		}
		chain forward {
			type filter hook forward priority filter; policy accept;
			iifname "r0" tcp dport $PORT ct state invalid,untracked synproxy mss 1460 wscale 7 timestamp sack-perm
			ct state invalid drop
		}
	}
	EOF
	r sysctl -qw net.netfilter.nf_conntrack_tcp_loose=0
	ct_tuning
}

use() {	# CONFIG
	case $1 in
	none)		router_plain ;;
	track|enforce|proxy) router_tcphs "$1" buckets=$RUN_BUCKETS ;;
	ct)		router_ct ;;
	synproxy)	router_synproxy ;;
	*)		echo "unknown configuration $1" >&2; return 1 ;;
	esac
}

# ---- 1. connection rate ----

# "connections N failed F seconds S rate R" -> the value after NAME.
field() {	# NAME LINE
	awk -v k="$1" '{ for (i = 1; i < NF; i++) if ($i == k) print $(i + 1) }' \
		<<<"$2"
}

connrate_run() {	# CONFIG ROUND
	local out full=0

	use "$1"
	out=$(c "$CONNRATE" client -c "$CLIENTS" -t "$SECONDS_PER_RUN" \
		-w 3000 "$S4" "$PORT")
	row connrate "$1" "$2" conn_per_s "$(field rate "$out")"
	row connrate "$1" "$2" failed "$(field failed "$out")"
	row connrate "$1" "$2" connect_failed "$(field connect_failed "$out")"
	if grep -q '^tcphs ' /proc/modules; then
		full=$(tcphs_stat "$NS_R" table_full)
	fi
	row connrate "$1" "$2" table_full "$full"
	say "connrate round $2/$ROUNDS, $1: $(field rate "$out") conn/s" \
	    "($(field failed "$out") failed)"
}

connrate() {
	local round cfg

	say "connection rate: $ROUNDS rounds of $CONFIGS," \
	    "${SECONDS_PER_RUN}s each, $CLIENTS clients"
	for round in $(seq "$ROUNDS"); do
		for cfg in $CONFIGS; do
			connrate_run "$cfg" "$round"
		done
	done
	router_plain
}

# ---- 2. SYN flood ----

# A trafgen packet: a bare SYN from 198.18.x.y (RFC 2544's benchmark
# range: never a martian, never one of ours) with a random port and ISN,
# to the server's port, as the client's link would carry it.
flood_cfg() {
	local dst src

	dst=$(r cat /sys/class/net/r0/address | sed 's/^/0x/; s/:/, 0x/g')
	src=$(c cat /sys/class/net/c0/address | sed 's/^/0x/; s/:/, 0x/g')
	cat >"$WORK/syn.cfg" <<-EOF
	{
		$dst, $src, 0x08, 0x00,
		0x45, 0x00, const16(40), drnd(2), 0x40, 0x00, 64, 6,
		csumip(14, 33),
		198, 18, drnd(2), 10, 0, 2, 2,
		drnd(2), const16($PORT), drnd(4), const32(0),
		0x50, 0x02, const16(64240), csumtcp(14, 34), const16(0)
	}
	EOF
}

# trafgen on CPU 0 until flood_stop. It maps a file in its working
# directory, which must not be the 9p checkout: it runs from $WORK. Its
# own process group (setsid), so that the stop reaches the worker it
# forks; SIGINT, which background jobs ignore but trafgen catches, lets it
# end cleanly.
flood_start() {
	(cd "$WORK" && exec setsid ip netns exec "$NS_C" taskset -c 0 \
		trafgen -o c0 -i "$WORK/syn.cfg" -P 1 -C \
		>"$WORK/trafgen.log" 2>&1) &
	flood_pid=$!
	sleep 0.5
	kill -0 "$flood_pid" 2>/dev/null || {
		cat "$WORK/trafgen.log" >&2
		echo "bench: trafgen did not start" >&2
		return 1
	}
}

flood_stop() {
	kill -INT -- "-$flood_pid" 2>/dev/null || true
	wait "$flood_pid" 2>/dev/null || true
	flood_pid=
}

# Ticks busy, in softirq and in all, over every CPU; packets trafgen (and
# the legitimate client) sent; SYN-ACKs that came back to spoofed sources;
# packets the CPUs' backlogs dropped.
sample() {
	awk '/^cpu[0-9]/ {
		busy += $2 + $3 + $4 + $7 + $8 + $9
		soft += $8
		all += $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9
	} END { print busy, soft, all }' /proc/stat
	c cat /sys/class/net/c0/statistics/tx_packets
	c nft list chain ip bench backscatter |
		awk '{ for (i = 1; i < NF; i++) if ($i == "packets") print $(i + 1) }'
	softnet_dropped
}

# Packets the CPUs' backlogs dropped (column 2, hexadecimal), summed.
softnet_dropped() {
	local d=0 x

	while read -r _ x _; do
		d=$((d + 16#$x))
	done </proc/net/softnet_stat
	echo "$d"
}

# The client counts, and drops, what comes back to the spoofed sources.
backscatter_counter() {
	c nft -f - <<-EOF
	table ip bench {
		chain backscatter {
			type filter hook prerouting priority filter; policy accept;
			ip daddr 198.18.0.0/15 counter drop
		}
	}
	EOF
}

# Under a flood each defence runs with its defaults: tcphs keeps up to
# proxy_halfopen_max half-open flows and answers with cookies past that.
flood_use() {	# CONFIG
	case $1 in
	proxy)		router_tcphs proxy ;;
	synproxy)	router_synproxy ;;
	cookies)	router_plain ;;	# the server's own SYN cookies
	*)		echo "unknown configuration $1" >&2; return 1 ;;
	esac
}

flood_run() {	# CONFIG ROUND
	local a b ca cb t0 t1 dt legit ok failed

	flood_use "$1"
	flood_start
	sleep 1
	mapfile -t a < <(sample)
	t0=$(date +%s.%N)
	c "$CONNRATE" client -c 2 -t "$FLOOD_SECONDS" -w 3000 "$S4" "$PORT" \
		>"$WORK/legit.out" &
	legit=$!
	sleep "$FLOOD_SECONDS"
	mapfile -t b < <(sample)
	t1=$(date +%s.%N)
	wait "$legit"
	flood_stop
	dt=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
	ok=$(field connections "$(cat "$WORK/legit.out")")
	failed=$(field failed "$(cat "$WORK/legit.out")")
	read -r -a ca <<<"${a[0]}"
	read -r -a cb <<<"${b[0]}"
	# USER_HZ is 100: a tick is 10 ms of one CPU.
	awk -v dt="$dt" -v cfg="$1" -v round="$2" \
	    -v busy=$((cb[0] - ca[0])) -v soft=$((cb[1] - ca[1])) \
	    -v all=$((cb[2] - ca[2])) \
	    -v off=$((b[1] - a[1])) -v ans=$((b[2] - a[2])) \
	    -v drop=$((b[3] - a[3])) -v ok="$ok" -v bad="$failed" 'BEGIN {
		p = "flood," cfg "," round ","
		printf "%soffered_per_s,%.0f\n", p, off / dt
		printf "%sanswered_per_s,%.0f\n", p, ans / dt
		printf "%sdropped_per_s,%.0f\n", p, drop / dt
		printf "%svm_cpu_pct,%.1f\n", p, all ? 100 * busy / all : 0
		printf "%ssoftirq_pct,%.1f\n", p, all ? 100 * soft / all : 0
		printf "%scpu_us_per_syn,%.2f\n", p, off ? busy * 1e4 / off : 0
		printf "%slegit_done,%d\n", p, ok
		printf "%slegit_failed,%d\n", p, bad
		printf "%slegit_pct,%.1f\n", p, ok + bad ? 100 * ok / (ok + bad) : 0
	}' >>"$OUT"
	[ "$1" != proxy ] || flood_counters "$2"
	say "flood round $2/$FLOOD_ROUNDS, $1: $(grep "^flood,$1,$2," "$OUT" |
		cut -d, -f4,5 | tr '\n' ' ')"
}

# What tcphs made of the flood: SYNs seen, SYN-ACKs with a flow kept and
# with a cookie only, and segments of its own it could not send. The
# module was loaded for this run: the counters are this run's.
flood_counters() {	# ROUND
	local name

	for name in syn proxy_synack proxy_cookie proxy_xmit_failed; do
		row flood proxy "$1" "tcphs_$name" "$(tcphs_stat "$NS_R" "$name")"
	done
}

flood() {
	local round cfg

	say "SYN flood: $FLOOD_ROUNDS rounds of $FLOOD_CONFIGS," \
	    "${FLOOD_SECONDS}s each"
	flood_cfg
	for round in $(seq "$FLOOD_ROUNDS"); do
		for cfg in $FLOOD_CONFIGS; do
			flood_run "$cfg" "$round"
		done
	done
	router_plain
}

# ---- 3. memory ----

# NAME ACTIVE_OBJS OBJSIZE OBJPERSLAB PAGESPERSLAB NUM_SLABS of tcphs's
# caches (tcphs_flow, tcphs_proxy) and of every kmalloc cache.
slabs() {
	awk '$1 ~ /^tcphs_/ || $1 ~ /^kmalloc-/ {
		print $1, $2, $4, $5, $6, $15
	}' /proc/slabinfo
}

# From two slabs() snapshots and the entries added: the caches that grew
# by at least 9 objects in 10 entries, and what one entry costs in each:
# a slab's bytes over its objects. Prints "cache objsize bytes_per_obj
# objs_per_entry slab_bytes_added".
slab_growth() {	# BEFORE AFTER ENTRIES
	awk -v n="$3" -v page=4096 '
	NR == FNR { before[$1] = $2; slabs[$1] = $6; next }
	{
		grown = $2 - before[$1]
		if (n > 0 && grown >= 0.9 * n)
			printf "%s %d %.2f %.3f %d\n", $1, $3,
				$5 * page / $4, grown / n,
				($6 - slabs[$1]) * $5 * page
	}' "$1" "$2"
}

# Rows for one kind of entry, from a fill of ENTRIES of them.
memory_rows() {	# KIND ENTRIES BEFORE AFTER
	local kind=$1 n=$2 total=0 added=0 name size per objs bytes

	row memory "$kind" "" entries "$n"
	while read -r name size per objs bytes; do
		row memory "$kind" "" "cache:$name" "$size/$per"
		total=$(awk -v t="$total" -v p="$per" -v o="$objs" \
			'BEGIN { printf "%.2f", t + p * int(o + 0.5) }')
		added=$((added + bytes))
	done < <(slab_growth "$3" "$4" "$n" | sort -r)
	row memory "$kind" "" bytes_per_entry "$total"
	row memory "$kind" "" slab_bytes_added "$added"
	say "memory, $kind: $n entries, $total bytes each" \
	    "($(grep "^memory,$kind,,cache:" "$OUT" | cut -d, -f4,5 |
		tr '\n' ' '))"
}

# Half-open proxy flows: spoofed SYNs to a proxied port, with the limits
# raised so that every SYN keeps an entry, until FILL are kept.
fill_halfopen() {
	local before="$WORK/slab.0" after="$WORK/slab.1" n=0 deadline max

	router_tcphs proxy buckets=$FILL_BUCKETS
	max=$(r sysctl -n net.tcphs.max_flows)
	# A namespace's limits stop at the host's (init_net's) values.
	sysctl -qw net.tcphs.proxy_halfopen_max="$max"
	r sysctl -qw net.tcphs.proxy_halfopen_max="$max" \
		net.tcphs.timeout_syn_rcvd=3600
	flood_cfg
	slabs >"$before"
	flood_start
	deadline=$((SECONDS + FILL_SECONDS))
	while [ "$SECONDS" -lt "$deadline" ]; do
		sleep 2
		n=$(tcphs_entries "$NS_R")
		say "memory: $n half-open entries"
		[ "$n" -lt "$FILL" ] || break
	done
	flood_stop
	sleep 2		# the SYN-ACKs in flight are freed
	n=$(tcphs_entries "$NS_R")
	slabs >"$after"
	memory_rows halfopen "$n" "$before" "$after"
	row memory halfopen "" target "$FILL"
	row memory halfopen "" buckets "$FILL_BUCKETS"
	row memory halfopen "" max_flows "$max"
}

# Flows that completed their handshake (and then closed: the entry is the
# same, and closed ones stay put for timeout_close), made by the
# connection-rate client in MODE.
fill_established() {	# MODE
	local before="$WORK/slab.0" after="$WORK/slab.1" out n

	router_tcphs "$1" buckets=$RUN_BUCKETS
	r sysctl -qw net.tcphs.timeout_close=3600
	slabs >"$before"
	out=$(c "$CONNRATE" client -c "$CLIENTS" -t 4 -w 3000 "$S4" "$PORT")
	sleep 2
	n=$(tcphs_entries "$NS_R")
	slabs >"$after"
	memory_rows "established_$1" "$n" "$before" "$after"
	row memory "established_$1" "" flows_established \
		"$(tcphs_stat "$NS_R" flows_established)"
}

# What the anchors keep per entry, from their own caches: the listener's
# half-open request sock (Linux's SYN-RECV state) and a conntrack entry
# (what ct state keeps per flow, and SYNPROXY per proxied connection).
anchor_sizes() {
	local name objsize per

	while read -r name objsize per; do
		row memory "anchor_$name" "" bytes_per_entry "$per"
		row memory "anchor_$name" "" "cache:$name" "$objsize/$per"
	done < <(awk '$1 == "request_sock_TCP" || $1 == "nf_conntrack" {
		printf "%s %d %.2f\n", $1, $4, $6 * 4096 / $5
	}' /proc/slabinfo)
}

memory() {
	local max

	say "memory: /proc/slabinfo around $FILL half-open entries" \
	    "(at most ${FILL_SECONDS}s of SYNs)"
	# The limits a plain insmod gives in this guest.
	router_tcphs track
	# SLUB merges a cache into any other of its size unless told not to:
	# bench/run.sh boots with slab_nomerge.
	grep -q '^tcphs_flow ' /proc/slabinfo || {
		echo "bench: no tcphs_flow in /proc/slabinfo (slab_nomerge?)" >&2
		return 1
	}
	max=$(r sysctl -n net.tcphs.max_flows)
	row memory limits "" max_flows_default "$max"
	row memory limits "" halfopen_max_default \
		"$(r sysctl -n net.tcphs.proxy_halfopen_max)"
	row memory limits "" max_flows_ceiling 16777216
	row memory limits "" mem_total_kb \
		"$(awk '/^MemTotal:/ { print $2 }' /proc/meminfo)"
	anchor_sizes
	fill_halfopen
	fill_established track
	fill_established proxy
	router_plain
}

main() {
	# bash's <(...) needs /dev/fd, which the guest's devtmpfs lacks.
	[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd
	mkdir -p "$WORK"
	: >"$OUT"
	trap cleanup EXIT
	row meta guest "" kernel "$(uname -r)"
	row meta guest "" vcpus "$(nproc)"
	row meta guest "" clocksource \
		"$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource)"
	topo_up
	# Backscatter to spoofed sources leaves towards the client, which
	# drops it (it forwards nothing).
	r ip route add default via "$C4"
	backscatter_counter
	s "$CONNRATE" server -j 2 0.0.0.0 "$PORT" &
	wait_for 10 server_listening "$PORT"
	for part in $PARTS; do
		"$part"
	done
	say "guest done in ${SECONDS}s"
}

main
