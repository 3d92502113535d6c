#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# From one run's CSV (bench/run.sh), the markdown table and the plot.
#
# Usage: bench/report.sh RUN.csv OUT.md OUT.png
#
# The CSV has rows "section,config,round,metric,value" (bench/README.md).
# Medians over rounds are quoted; each connection rate is also given as a
# ratio to the median with no module, from the same VM run. Goals are
# reported as met or missed, never asserted.

set -euo pipefail

CSV=${1:?usage: report.sh RUN.csv OUT.md OUT.png}
MD=${2:?}
PNG=${3:?}

# The goals of issue 7.
GOAL_HALFOPEN_BYTES=64
GOAL_SEGMENT_NS=50
GOAL_COOKIE_NS=30

LABELS='none=no module
track=tcphs track
enforce=tcphs enforce
proxy=tcphs proxy
ct=nft ct state
synproxy=nft synproxy
cookies=kernel SYN cookies'

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Shared awk: median of a space-separated list, and the labels.
AWK_LIB='
function median(list,	v, n, i, j, x) {
	n = split(list, v, " ")
	for (i = 2; i <= n; i++) {	# insertion sort: a handful of values
		x = v[i] + 0
		for (j = i - 1; j >= 1 && v[j] + 0 > x; j--)
			v[j + 1] = v[j]
		v[j + 1] = x
	}
	if (!n)
		return ""
	return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
}
function lo(list,	v, n, i, m) {
	n = split(list, v, " ")
	m = v[1] + 0
	for (i = 2; i <= n; i++)
		if (v[i] + 0 < m)
			m = v[i] + 0
	return m
}
function hi(list,	v, n, i, m) {
	n = split(list, v, " ")
	m = v[1] + 0
	for (i = 2; i <= n; i++)
		if (v[i] + 0 > m)
			m = v[i] + 0
	return m
}
function verdict(value, goal) {
	if (value == "")
		return "not measured"
	if (value + 0 <= goal)
		return sprintf("**met** (%.0f%% of the goal)", 100 * value / goal)
	return sprintf("**missed** (%.2fx the goal)", value / goal)
}
'

# Everything the tables need, as "key<TAB>value" lines.
facts() {
	awk -F, -v labels="$LABELS" "$AWK_LIB"'
	BEGIN {
		n = split(labels, l, "\n")
		for (i = 1; i <= n; i++) {
			split(l[i], kv, "=")
			label[kv[1]] = kv[2]
		}
	}
	{ key = $1 SUBSEP $2 SUBSEP $4 }
	$1 == "connrate" || $1 == "flood" {
		vals[key] = vals[key] " " $5
		if (!(($1, $2) in seen)) {
			seen[$1, $2] = 1
			order[$1] = order[$1] " " $2
		}
		next
	}
	{ one[key] = $5 }
	END {
		base = median(vals["connrate", "none", "conn_per_s"])
		n = split(order["connrate"], cfg, " ")
		for (i = 1; i <= n; i++) {
			c = cfg[i]
			v = vals["connrate", c, "conn_per_s"]
			m = median(v)
			printf "conn\t%s\t%s\t%.0f\t%.0f\t%.0f\t%.2f\t%d\t%d\t%d\t%d\n",
				c, label[c], m, lo(v), hi(v),
				(base > 0 ? m / base : 0),
				split(v, tmp, " "),
				median(vals["connrate", c, "failed"]),
				hi(vals["connrate", c, "table_full"]),
				median(vals["connrate", c, "connect_failed"])
		}
		n = split(order["flood"], cfg, " ")
		for (i = 1; i <= n; i++) {
			c = cfg[i]
			printf "flood\t%s\t%s", c, label[c]
			split("offered_per_s answered_per_s dropped_per_s " \
			      "vm_cpu_pct softirq_pct cpu_us_per_syn legit_pct",
			      metric, " ")
			for (j = 1; j <= 7; j++)
				printf "\t%s", median(vals["flood", c, metric[j]])
			printf "\t%d\n", split(vals["flood", c, "legit_pct"], tmp, " ")
		}
		for (k in one) {
			split(k, p, SUBSEP)
			printf "one\t%s\t%s\t%s\t%s\n", p[1], p[2], p[3], one[k]
		}
	}' "$CSV"
}

facts >"$tmp/facts"

get() {	# SECTION CONFIG METRIC: one value, or nothing
	awk -F'\t' -v s="$1" -v c="$2" -v m="$3" \
		'$1 == "one" && $2 == s && $3 == c && $4 == m { print $5 }' \
		"$tmp/facts"
}

# ---- the plot ----

awk -F'\t' '$1 == "conn" { printf "\"%s\" %s %s %s %s\n", $3, $4, $5, $6, $7 }' \
	"$tmp/facts" >"$tmp/conn.dat"
awk -F'\t' '$1 == "flood" { printf "\"%s\" %s %s %s %s\n", $3, $4, $5, $9, $10 }' \
	"$tmp/facts" >"$tmp/flood.dat"

plot() {
	gnuplot <<-EOF
	set terminal pngcairo size 1500,500 font "sans,10"
	set output "$PNG"
	set multiplot layout 1,3 title "tcphs make bench, $(date -u +%Y-%m-%d) (QEMU TCG guest: compare within the run)"
	set style data histograms
	set style fill solid 0.8 border -1
	set boxwidth 0.7
	set grid ytics
	set xtics rotate by -30 left
	set yrange [0:*]
	set key off
	set title "Connections per second (median, min-max; ratio to no module)"
	plot "$tmp/conn.dat" using 0:2:xtic(1) with boxes lc rgb "#4a7ab5", \
	     "" using 0:2:3:4 with yerrorbars lc rgb "black" pt -1, \
	     "" using 0:(\$2 / 2):(sprintf("%.2f", \$5)) with labels tc rgb "white" font "sans,11"
	set title "SYN flood: SYNs offered and answered per second"
	set xrange [-0.6:$(($(wc -l <"$tmp/flood.dat") - 1)).6]
	set key top right
	set style histogram clustered gap 1
	plot "$tmp/flood.dat" using 2:xtic(1) title "offered" lc rgb "#b0b0b0", \
	     "" using 3 title "answered" lc rgb "#c0504d"
	set title "SYN flood: VM CPU per SYN (us); label: legitimate completed"
	set key off
	set autoscale x
	plot "$tmp/flood.dat" using 0:4:xtic(1) with boxes lc rgb "#8064a2", \
	     "" using 0:4:(sprintf("%.1f%%", \$5)) with labels offset 0,1
	unset multiplot
	EOF
}

# ---- the markdown ----

conn_table() {
	echo "| configuration | conn/s (median) | min | max | vs no module | runs | failed (median) | table_full |"
	echo "|---|---:|---:|---:|---:|---:|---:|---:|"
	awk -F'\t' '$1 == "conn" {
		printf "| %s | %s | %s | %s | %s | %s | %s | %s |\n",
			$3, $4, $5, $6, $7, $8, $9, $10
	}' "$tmp/facts"
	# A failed connection costs its client 3 s: then the rate measures
	# the failures more than the cost of the configuration.
	awk -F'\t' '$1 == "conn" && $9 > 0 {
		printf "\n%s: failed connections per run, median %d, in " \
			"connect() %d. Each failure waits out the 3 s timeout, " \
			"so its rate shows the failures as well as its " \
			"cost.\n", $3, $9, $11
	}' "$tmp/facts"
}

flood_table() {
	echo "| defence | SYNs offered/s | answered/s | answered | backlog drops/s | VM CPU busy | in softirq | CPU µs per SYN | legitimate completed | runs |"
	echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
	awk -F'\t' '$1 == "flood" {
		printf "| %s | %.0f | %.0f | %.0f%% | %.0f | %.0f%% | %.0f%% | %.1f | %.1f%% | %s |\n",
			$3, $4, $5, ($4 > 0 ? 100 * $5 / $4 : 0), $6, $7, $8,
			$9, $10, $11
	}' "$tmp/facts"
	# tcphs's own count of the flood, summed over its rounds.
	awk -F, '$1 == "flood" && $2 == "proxy" && $4 ~ /^tcphs_/ {
		n[substr($4, 7)] += $5
	}
	END {
		if (!n["syn"])
			exit
		printf "\ntcphs counted %d SYNs over its rounds: %.1f%% " \
			"answered with a half-open flow kept (`proxy_synack`, " \
			"up to `proxy_halfopen_max`), %.1f%% with a cookie only " \
			"(`proxy_cookie`); %d segments of its own could not be " \
			"sent (`proxy_xmit_failed`).\n", n["syn"],
			100 * n["proxy_synack"] / n["syn"],
			100 * n["proxy_cookie"] / n["syn"], n["proxy_xmit_failed"]
	}' "$CSV"
}

# "cache:NAME" rows of one kind: "NAME (objsize B, bytes/obj B per slab)".
caches() {	# KIND
	awk -F'\t' -v k="$1" '$1 == "one" && $2 == "memory" && $3 == k &&
	    $4 ~ /^cache:/ {
		split($5, v, "/")
		printf "%s (object %s B, %s B of slab)\n", substr($4, 7), v[1], v[2]
	}' "$tmp/facts" | sort -r | awk '{ printf "%s%s", (NR > 1 ? " + " : ""), $0 }'
}

memory_table() {
	local kind

	echo "| entry | entries measured | bytes per entry | caches |"
	echo "|---|---:|---:|---|"
	for kind in halfopen established_track established_proxy \
		    anchor_request_sock_TCP anchor_nf_conntrack; do
		printf '| %s | %s | %s | %s |\n' \
			"$(case $kind in
			   halfopen) echo "IPv4 half-open (proxy)" ;;
			   established_track) echo "established (track, enforce)" ;;
			   established_proxy) echo "established (proxy)" ;;
			   anchor_request_sock_TCP) echo "anchor: Linux's half-open request sock" ;;
			   anchor_nf_conntrack) echo "anchor: a conntrack entry" ;;
			   esac)" \
			"$(get memory "$kind" entries)" \
			"$(get memory "$kind" bytes_per_entry)" \
			"$(caches "$kind")"
	done
}

# The total for 10^6 half-open entries, and how it was reached.
million() {
	local n per buckets max
	n=$(get memory halfopen entries)
	per=$(get memory halfopen bytes_per_entry)
	buckets=$(get memory halfopen buckets)
	max=$(get memory halfopen max_flows)
	awk -v n="$n" -v per="$per" -v b="$buckets" -v max="$max" \
	    -v added="$(get memory halfopen slab_bytes_added)" \
	    -v dmax="$(get memory limits max_flows_default)" \
	    -v dho="$(get memory limits halfopen_max_default)" \
	    -v ceil="$(get memory limits max_flows_ceiling)" \
	    -v memkb="$(get memory limits mem_total_kb)" 'BEGIN {
		mib = 1048576
		printf "10^6 IPv4 half-open entries: **%.1f MiB** of slab " \
			"(%s B each) + %.1f MiB of buckets (%d, 8 B each) = %.1f MiB",
			1e6 * per / mib, per, b * 8 / mib, b,
			(1e6 * per + b * 8) / mib
		if (n + 0 >= 1e6)
			printf ", measured with %d entries in the table " \
				"(their slabs grew by %.1f MiB).\n", n, added / mib
		else
			printf "; **extrapolated** from %d entries (not 10^6: " \
				"the SYN flood did not get there in time; their " \
				"slabs grew by %.1f MiB).\n", n, added / mib
		printf "\nTable limits: max_flows is %d by default in this " \
			"guest of %.1f GiB (8 per bucket) and at most %d; half-open " \
			"proxy entries stop at proxy_halfopen_max, %d by " \
			"default (a quarter of max_flows), after which SYN-ACKs " \
			"carry a cookie and keep no entry. The fill raised both " \
			"to %d (%d buckets).\n", dmax, memkb / 1048576, ceil, dho,
			max, b
	}'
}

micro_table() {
	local seg cookie

	seg=$(get micro segment ns_per_op)
	cookie=$(get micro cookie_roundtrip ns_per_op)
	echo "| operation | ns | goal |"
	echo "|---|---:|---|"
	echo "| parse + hash + bucket walk + state step, per segment | $seg | ≤ $GOAL_SEGMENT_NS ns: $(goal "$seg" $GOAL_SEGMENT_NS) |"
	echo "| cookie make + check (round trip) | $cookie | ≤ $GOAL_COOKIE_NS ns: $(goal "$cookie" $GOAL_COOKIE_NS) |"
	echo "| parse alone | $(get micro parse ns_per_op) | |"
	echo "| SipHash of the table key (12 B for IPv4) | $(get micro table_hash ns_per_op) | |"
	echo "| one cookie MAC (SipHash of 20 B for IPv4) | $(get micro cookie_mac ns_per_op) | |"
	echo "| Linux's cookie make + check, same SipHash (anchor) | $(get micro linux_cookie_roundtrip ns_per_op) | |"
	awk -v cookie="$cookie" -v mac="$(get micro cookie_mac ns_per_op)" \
	    -v linux="$(get micro linux_cookie_roundtrip ns_per_op)" 'BEGIN {
		if (!cookie || !mac || !linux)
			exit
		printf "\nA tcphs cookie round trip takes %.2fx the time of " \
			"Linux'"'"'s (net/ipv4/syncookies.c: four SipHashes of " \
			"16 B, and only the MSS in the ISN), and carries window " \
			"scale and SACK as well. Its floor is its two MACs, " \
			"%.0f ns of the %.0f.\n", cookie / linux, 2 * mac, cookie
	}'
}

goal() {	# VALUE GOAL
	awk -v v="$1" -v g="$2" "$AWK_LIB"'BEGIN { print verdict(v, g) }'
}

markdown() {
	local per

	per=$(get memory halfopen bytes_per_entry)
	cat <<-EOF
	# tcphs benchmark

	\`make bench\` of $(get meta run date) UTC, commit $(get meta run commit),
	in $(get meta run seconds) s. Host: $(get meta host cpu), $(get meta host cores) cores.
	Guest: Debian $(get meta guest kernel) under QEMU TCG, $(get meta guest vcpus) vCPUs.
	Under TCG absolute rates are noise: compare each figure with the
	others of the same run. What each number means: [bench/README.md](../README.md).
	Raw data: [$(get meta run csv)]($(get meta run csv)).

	## Goals

	- Memory per IPv4 half-open entry: $per B; ≤ $GOAL_HALFOPEN_BYTES B: $(goal "$per" $GOAL_HALFOPEN_BYTES)
	- Per segment (parse + state step + table lookup): $(get micro segment ns_per_op) ns; ≤ $GOAL_SEGMENT_NS ns: $(goal "$(get micro segment ns_per_op)" $GOAL_SEGMENT_NS)
	- Cookie round trip: $(get micro cookie_roundtrip ns_per_op) ns; ≤ $GOAL_COOKIE_NS ns: $(goal "$(get micro cookie_roundtrip ns_per_op)" $GOAL_COOKIE_NS)

	## Connection rate

	$(get meta params clients) clients, each one whole connection at a time
	(connect, one byte from the server, close), for $(get meta params seconds) s;
	$(get meta params rounds) rounds with the configurations interleaved.
	Whatever is measured sits on the router between client and server.

	$(conn_table)

	## SYN flood

	trafgen, pinned to one vCPU, sends spoofed-source SYNs to the server's
	port as fast as it can, for $(get meta params flood_seconds) s per run, while 2 clients
	keep connecting (3 s timeout). The defence's work runs in trafgen's
	own sends (veth hands each packet on at once), so a cheaper defence
	lets more SYNs through per second. Medians of $(get meta params flood_rounds) rounds.

	$(flood_table)

	## Memory

	From /proc/slabinfo in the guest (booted with slab_nomerge), before and
	after adding the entries: per cache, a slab's bytes over its objects.

	$(memory_table)

	$(million)

	## Native micro-benchmark

	The pure core built on the host with gcc -O2 from module/*.c
	(bench/tcphs_microbench.c); median of 15 runs.

	$(micro_table)

	![connection rates and SYN flood](latest.png)
	EOF
}

markdown >"$MD"
plot
