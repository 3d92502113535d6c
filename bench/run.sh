#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: speed and memory of tcphs, side by side with no module,
# conntrack and nft synproxy, in one run (bench/README.md tells what each
# number means).
#
#   1. the native micro-benchmark of the pure core, on the host;
#   2. one VM boot (scripts/vm, Debian's stock kernel, slab_nomerge) that
#      runs bench/guest.sh: connection rates, SYN flood, memory;
#   3. bench/results/DATE.csv, latest.md and latest.png (bench/report.sh).
#
# Exits non-zero if a measurement could not be taken; a missed goal is
# reported, not a failure. The durations below keep the whole run within
# 20 minutes on 2 cores; each may be set in the environment.

set -euo pipefail

. "$(dirname "$0")/../scripts/lib.sh"

BENCH=$TCPHS_TOP/bench
RESULTS=$BENCH/results

export BENCH_ROUNDS=${BENCH_ROUNDS:-5}		# connection-rate rounds
export BENCH_SECONDS=${BENCH_SECONDS:-8}	# per connection-rate run
export BENCH_CLIENTS=${BENCH_CLIENTS:-8}
export BENCH_FLOOD_ROUNDS=${BENCH_FLOOD_ROUNDS:-3}
export BENCH_FLOOD_SECONDS=${BENCH_FLOOD_SECONDS:-10}
export BENCH_FILL=${BENCH_FILL:-1000000}	# half-open entries to reach
export BENCH_FILL_SECONDS=${BENCH_FILL_SECONDS:-60}

CONFIGS="none track enforce proxy ct synproxy"
FLOOD_CONFIGS="proxy synproxy cookies"

start=$SECONDS
step_no=0

step() {
	step_no=$((step_no + 1))
	echo "bench: [$step_no/5 $((SECONDS - start))s] $*"
}

# bench/packages, one Debian package a line, installed if missing.
install_packages() {
	local p missing=()

	while read -r p _; do
		[ -n "$p" ] && [ "${p#\#}" = "$p" ] || continue
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
			grep -q 'install ok installed' || missing+=("$p")
	done <"$BENCH/packages"
	[ ${#missing[@]} -eq 0 ] && return 0
	echo "bench: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null ||
		{ apt-get update -q >/dev/null &&
		  apt-get install -y -q --no-install-recommends "${missing[@]}" \
			>/dev/null; } || die "apt-get install ${missing[*]} failed"
}

# The VM needs a bit more than the guest's own durations add up to.
vm_timeout() {
	local runs=$((BENCH_ROUNDS * 6 * (BENCH_SECONDS + 5)))
	local flood=$((BENCH_FLOOD_ROUNDS * 3 * (BENCH_FLOOD_SECONDS + 8)))

	echo $((runs + flood + BENCH_FILL_SECONDS + 180))
}

run_guest() {	# OUT.tmp
	scripts/vm --timeout "$(vm_timeout)" --append slab_nomerge -- \
		env BENCH_ROUNDS="$BENCH_ROUNDS" BENCH_SECONDS="$BENCH_SECONDS" \
		BENCH_CLIENTS="$BENCH_CLIENTS" \
		BENCH_FLOOD_ROUNDS="$BENCH_FLOOD_ROUNDS" \
		BENCH_FLOOD_SECONDS="$BENCH_FLOOD_SECONDS" \
		BENCH_FILL="$BENCH_FILL" BENCH_FILL_SECONDS="$BENCH_FILL_SECONDS" \
		BENCH_PARTS="${BENCH_PARTS:-connrate flood memory}" \
		bench/guest.sh "$1"
}

meta_rows() {	# CSV_NAME
	local cpu

	cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1 |
		tr -s ' ,' ' ')
	echo "meta,run,,date,$(date -u '+%Y-%m-%d %H:%M')"
	echo "meta,run,,commit,$(git -C "$TCPHS_TOP" describe --always --dirty \
		2>/dev/null || echo unknown)"
	echo "meta,run,,csv,$1"
	echo "meta,run,,seconds,$((SECONDS - start))"
	echo "meta,host,,cpu,$cpu"
	echo "meta,host,,cores,$(nproc)"
	echo "meta,params,,rounds,$BENCH_ROUNDS"
	echo "meta,params,,seconds,$BENCH_SECONDS"
	echo "meta,params,,clients,$BENCH_CLIENTS"
	echo "meta,params,,flood_rounds,$BENCH_FLOOD_ROUNDS"
	echo "meta,params,,flood_seconds,$BENCH_FLOOD_SECONDS"
}

# Every figure the report quotes must be there and be a number; prints
# what is missing and fails if anything is.
check_complete() {	# CSV
	awk -F, -v configs="$CONFIGS" -v floods="$FLOOD_CONFIGS" \
	    -v rounds="$BENCH_ROUNDS" -v frounds="$BENCH_FLOOD_ROUNDS" '
	function need(key, what) {
		if (!(key in got)) {
			print "bench: not measured: " what > "/dev/stderr"
			bad = 1
		}
	}
	$5 ~ /^[0-9]+(\.[0-9]+)?$/ && !($1 == "connrate" && $4 == "conn_per_s" && $5 == 0) {
		n[$1, $2, $4]++
		got[$1, $2, $4] = 1
	}
	END {
		split(configs, c, " ")
		for (i in c)
			if (n["connrate", c[i], "conn_per_s"] < rounds) {
				print "bench: not measured: connection rate, " c[i] \
					" (" n["connrate", c[i], "conn_per_s"] + 0 "/" rounds \
					" runs)" > "/dev/stderr"
				bad = 1
			}
		split(floods, f, " ")
		split("offered_per_s answered_per_s vm_cpu_pct cpu_us_per_syn " \
		      "legit_pct", m, " ")
		for (i in f)
			for (j in m)
				if (n["flood", f[i], m[j]] < frounds) {
					print "bench: not measured: flood, " f[i] ", " \
						m[j] > "/dev/stderr"
					bad = 1
				}
		# section, config, metric: what
		nw = split("memory halfopen bytes_per_entry:memory per half-open entry;" \
			  "memory established_track bytes_per_entry:memory per established entry (track);" \
			  "memory established_proxy bytes_per_entry:memory per established entry (proxy);" \
			  "micro segment ns_per_op:ns per segment;" \
			  "micro cookie_roundtrip ns_per_op:ns per cookie round trip;" \
			  "micro linux_cookie_roundtrip ns_per_op:ns per Linux cookie round trip",
			  want, ";")
		for (i = 1; i <= nw; i++) {
			split(want[i], kw, ":")
			split(kw[1], k, " ")
			need(k[1] SUBSEP k[2] SUBSEP k[3], kw[2])
		}
		exit bad
	}' "$1"
}

main() {
	local stamp csv guest rc=0

	cd "$TCPHS_TOP"
	step "packages and builds"
	install_packages
	[ -f tcphs.ko ] || die "tcphs.ko not built: run make bench"
	make -s -C bench
	make -s -C selftests >/dev/null

	mkdir -p "$RESULTS"
	stamp=$(date -u +%Y-%m-%d-%H%M%S)
	csv=$RESULTS/$stamp.csv
	guest=$RESULTS/guest-$$.tmp
	: >"$csv.tmp"

	step "native micro-benchmark of the pure core (host)"
	bench/tcphs_microbench | tee -a "$csv.tmp" || rc=1

	step "VM: connection rates, SYN flood, memory (about" \
	     "$(( (BENCH_ROUNDS * 6 * (BENCH_SECONDS + 2) + BENCH_FLOOD_ROUNDS * 3 * (BENCH_FLOOD_SECONDS + 3) + BENCH_FILL_SECONDS + 60) / 60 )) min)"
	run_guest "$guest" || { rc=$?; echo "bench: the VM run failed ($rc)" >&2; }
	cat "$guest" >>"$csv.tmp" 2>/dev/null || true
	rm -f "$guest"

	step "results: $csv"
	meta_rows "$stamp.csv" >"$csv"
	cat "$csv.tmp" >>"$csv"
	rm -f "$csv.tmp"
	bench/report.sh "$csv" "$RESULTS/latest.md" "$RESULTS/latest.png" || rc=1

	step "done in $((SECONDS - start))s"
	cat "$RESULTS/latest.md"
	check_complete "$csv" || rc=1
	[ "$rc" -eq 0 ] || echo "bench: FAILED: a measurement is missing" >&2
	return "$rc"
}

main "$@"
