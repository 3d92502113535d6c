#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The native micro-benchmark of two revisions, side by side: each built
# from its own module/ and bench/tcphs_microbench.c, run in turns on one
# CPU, RUNS times each. Prints, per figure, both medians and the median of
# the per-turn ratios (this tree over REV): what a change costs, with the
# machine's load shared alike by both.
#
# Usage: bench/native-ab.sh REV [RUNS]   (REV: a commit; RUNS: 21)
#   bench/native-ab.sh da71e11           this tree against da71e11

set -euo pipefail

. "$(dirname "$0")/../scripts/lib.sh"

rev=${1:?usage: bench/native-ab.sh REV [RUNS]}
runs=${2:-21}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

git -C "$TCPHS_TOP" archive "$rev" module bench | tar -x -C "$work"
make -s -C "$work/bench" tcphs_microbench >/dev/null
make -s -C "$TCPHS_TOP/bench" tcphs_microbench >/dev/null
cpu=$(($(nproc) - 1))

# One turn: "NAME BASE NEW" per figure both binaries printed.
turn() {
	join <(taskset -c "$cpu" "$work/bench/tcphs_microbench" |
	       awk -F, '/^micro,/ { print $2, $5 }' | sort) \
	     <(taskset -c "$cpu" "$TCPHS_TOP/bench/tcphs_microbench" |
	       awk -F, '/^micro,/ { print $2, $5 }' | sort)
}

for ((i = 0; i < runs; i++)); do
	turn
done | awk -v rev="$rev" '
function median(list, n,    a, i, j, t) {
	n = split(list, a, " ")
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) {
			t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
		}
	return a[int((n + 1) / 2)]
}
{ base[$1] = base[$1] " " $2; new[$1] = new[$1] " " $3
  ratio[$1] = ratio[$1] " " $3 / $2 }
END {
	printf "%-24s %10s %10s %8s\n", "ns per op", rev, "this tree", "ratio"
	for (k in base)
		printf "%-24s %10.2f %10.2f %8.3f\n", k, median(base[k]),
		       median(new[k]), median(ratio[k])
}'
