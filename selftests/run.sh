#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the tcphs selftests inside the VM, as the kselftest runner does: one
# TAP line per test script, its own TAP nested behind "# ", a timeout from
# ./settings, and the script's wall time as a TAP comment after it.
#
# Usage: run.sh [TEST...]        (default: every TEST_PROGS)
#        run.sh --queue DIR      a worker of scripts/check (below)
#
# --queue DIR: DIR/items holds one item per line, "ID COMMAND...", longest
# first. Several VMs may serve one queue at once: each takes the next item
# no one has taken (mkdir DIR/claim/ID is atomic on the host, whatever the
# VM), runs COMMAND from the checkout with the timeout, and writes its output
# to DIR/out/ID, its own name to DIR/claim/ID/by, the seconds since its
# start before each line to
# DIR/out/ID.ts, and last "RC SECONDS WORKER" to DIR/rc/ID.

set -u

# Without a fork or an exec: each costs seconds on the debug kernel.
case $0 in
*/*)	dir=${0%/*} ;;
*)	dir=. ;;
esac
timeout=
while IFS='=' read -r key value; do
	[ "$key" = timeout ] && timeout=$value
done <"$dir/settings"

# Each line of stdin, after the seconds since START (in tenths) to stdout.
stamp() {	# START
	local line now

	while IFS= read -r line; do
		now=${EPOCHREALTIME/./}
		printf '%6d.%d %s\n' $(((now - $1) / 1000000)) \
			$(((now - $1) / 100000 % 10)) "$line"
	done
}

# The marker in the kernel log says whose warnings follow.
kmsg() {
	echo "tcphs-selftests: $*" >/dev/kmsg 2>/dev/null || :
}

# Claim and run items until none is left.
serve_queue() {	# DIR
	local q=$1 worker=${TCPHS_WORKER:-vm} id cmd start rc

	mkdir -p "$q/claim" "$q/out" "$q/rc"
	while read -r id cmd; do
		mkdir "$q/claim/$id" 2>/dev/null || continue
		echo "$worker" >"$q/claim/$id/by"
		kmsg "begin $id on $worker"
		start=${EPOCHREALTIME/./}
		# shellcheck disable=SC2086
		timeout -k 10 "$timeout" $cmd </dev/null 2>&1 |
			tee "$q/out/$id" | stamp "$start" >"$q/out/$id.ts"
		rc=${PIPESTATUS[0]}
		kmsg "end $id: exit $rc"
		echo "$rc $(((${EPOCHREALTIME/./} - start) / 1000000)) $worker" \
			>"$q/rc/$id"
	done <"$q/items"
}

if [ "${1:-}" = --queue ]; then
	serve_queue "${2:?}"
	exit 0
fi

read -r -a tests <<<"${*:-$(make -s -C "$dir" list)}"

echo "TAP version 13"
echo "1..${#tests[@]}"
n=0 failed=0
for t in "${tests[@]}"; do
	n=$((n + 1))
	echo "# selftests: tcphs: $t"
	start=$SECONDS
	timeout "$timeout" "$dir/$t" 2>&1 | sed -u 's/^/# /'
	rc=${PIPESTATUS[0]}
	case $rc in
	0) echo "ok $n selftests: tcphs: $t" ;;
	4) echo "ok $n selftests: tcphs: $t # SKIP" ;;
	124) echo "not ok $n selftests: tcphs: $t # TIMEOUT ${timeout}s"
	     failed=$((failed + 1)) ;;
	*) echo "not ok $n selftests: tcphs: $t # exit=$rc"
	   failed=$((failed + 1)) ;;
	esac
	echo "# time: $t $((SECONDS - start)) s"
done
[ "$failed" -eq 0 ]
