#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the tcphs selftests inside the VM, as the kselftest runner does: one
# TAP line per test script, its own TAP nested behind "# ", a timeout from
# ./settings. Usage: run.sh [TEST...]   (default: every TEST_PROGS)

set -u

dir=$(cd "$(dirname "$0")" && pwd)
timeout=$(sed -n 's/^timeout=//p' "$dir/settings")
read -r -a tests <<<"${*:-$(make -s -C "$dir" list)}"

echo "TAP version 13"
echo "1..${#tests[@]}"
n=0 failed=0
for t in "${tests[@]}"; do
	n=$((n + 1))
	echo "# selftests: tcphs: $t"
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
done
[ "$failed" -eq 0 ]
