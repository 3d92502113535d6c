#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Inside the KUnit VM: load each suite's module, read its KTAP results from
# debugfs and print them as run.sh of the selftests does: the leaf cases
# (every parameter of a parameterised case) behind "# ", then one line per
# suite. A suite whose results are missing fails: insmod returns 0 even when
# cases fail or none ran.
#
# Usage: kunit/run.sh DIR   (DIR holds the tcphs_*_kunit.ko)

set -u

dir=$1
# Every suite whose source is there: one that did not build fails insmod.
suites=()
for c in "$dir"/tcphs_*_kunit.c; do
	c=${c##*/}
	suites+=("${c%_kunit.c}")
done
debugfs=/sys/kernel/debug/kunit

# Print the leaves of a KTAP results file: a result line is a leaf when the
# result line before it was not nested deeper.
leaves() {	# SUITE FILE
	awk -v suite="$1" '
		match($0, /^ *(not )?ok [0-9]+ /) {
			indent = match($0, /[^ ]/) - 1
			line = substr($0, indent + 1)
			if (seen && last > indent) { last = indent; next }
			seen = 1
			last = indent
			n++
			sub(/^ok [0-9]+ /, "ok " n " " suite ": ", line)
			sub(/^not ok [0-9]+ /, "not ok " n " " suite ": ", line)
			print "# " line
		}' "$2"
}

mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug
echo "TAP version 13"
echo "1..${#suites[@]}"
n=0 failed=0
for suite in "${suites[@]}"; do
	n=$((n + 1))
	ko=$dir/${suite}_kunit.ko
	echo "# kunit: $suite"
	if ! insmod "$ko"; then
		echo "not ok $n kunit: $suite # insmod failed"
		failed=$((failed + 1))
		continue
	fi
	results=$debugfs/$suite/results
	[ -r "$results" ] && leaves "$suite" "$results"
	if [ -r "$results" ] && grep -qE "^ *ok [0-9]+ $suite\$" "$results" &&
	    ! grep -qE "^ *not ok " "$results"; then
		echo "ok $n kunit: $suite"
	else
		[ -r "$results" ] && sed 's/^/# | /' "$results"
		echo "not ok $n kunit: $suite"
		failed=$((failed + 1))
	fi
	rmmod "${suite}_kunit"
done
[ "$failed" -eq 0 ]
