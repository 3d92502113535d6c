#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# net.tcphs.*: a new namespace starts from the defaults; every class of bad
# value is refused with EINVAL and changes nothing; good values take; only
# CAP_NET_ADMIN over the namespace's own user namespace may write.

. "$(dirname "$0")/lib.sh"

NS=tcphs-sysctl-$$
DIR=/proc/sys/net/tcphs

trap 'ip netns del $NS 2>/dev/null; tcphs_unload' EXIT
ktap_header
tcphs_unload
tcphs_load
ip netns add "$NS"

n() { ip netns exec "$NS" "$@"; }
get() { n cat "$DIR/$1"; }

# put NAME VALUE: write VALUE with one write(2); print OK or the error.
# bash's printf writes a short line in one go, but flushes at each newline
# and writes nothing for an empty string: those values go through python's
# os.write(), which is slower to start (it matters on the KASAN kernel).
put() {
	local err

	if [ -z "$2" ] || [[ $2 == *$'\n'* ]]; then
		n /usr/bin/python3 -c '
import errno, os, sys
try:
    os.write(os.open(sys.argv[1], os.O_WRONLY), sys.argv[2].encode())
    print("OK")
except OSError as e:
    print(errno.errorcode[e.errno])' "$DIR/$1" "$2"
		return
	fi
	err=$(n bash -c 'printf "%s" "$1" > "$2"' _ "$2" "$DIR/$1" 2>&1)
	case $err in
	"") echo OK ;;
	*"Invalid argument"*) echo EINVAL ;;
	*) echo "$err" ;;
	esac
}

check_eq "default mode" track "$(get mode)"
check_eq "default timeout_syn_sent" 128 "$(get timeout_syn_sent)"
check_eq "default timeout_syn_rcvd" 64 "$(get timeout_syn_rcvd)"
check_eq "default timeout_established" 7200 "$(get timeout_established)"
check_eq "default timeout_close" 60 "$(get timeout_close)"
check "default max_flows is positive" test "$(get max_flows)" -gt 0

for word in off enforce track; do
	check_eq "mode accepts $word" OK "$(put mode "$word")"
	check_eq "mode reads back $word" "$word" "$(get mode)"
done
check_eq "mode accepts a trailing newline" OK "$(put mode $'enforce\n')"
check_eq "mode is enforce" enforce "$(get mode)"
for bad in bogus "" "enforce junk" " track" "tracks" "TRACK" "1" \
	   "enforceenforceenforce" $'track\nx' $'off\n\n'; do
	check_eq "mode refuses '$bad'" EINVAL "$(put mode "$bad")"
	check_eq "mode unchanged after '$bad'" enforce "$(get mode)"
done

for name in timeout_syn_sent timeout_syn_rcvd timeout_established \
	    timeout_close max_flows; do
	before=$(get $name)
	check_eq "$name accepts 17" OK "$(put $name 17)"
	check_eq "$name reads back 17" 17 "$(get $name)"
	for bad in -1 abc 12abc "" 99999999999 2592001x; do
		check_eq "$name refuses '$bad'" EINVAL "$(put $name "$bad")"
		check_eq "$name unchanged after '$bad'" 17 "$(get $name)"
	done
	put $name "$before" >/dev/null
done
for name in timeout_syn_sent timeout_syn_rcvd timeout_established \
	    timeout_close; do
	check_eq "$name refuses 0" EINVAL "$(put $name 0)"
	check_eq "$name refuses 2592001 (30 days + 1 s)" EINVAL \
		"$(put $name 2592001)"
done
check_eq "max_flows accepts 0 (track no new flow)" OK "$(put max_flows 0)"
check_eq "max_flows refuses 16777217" EINVAL "$(put max_flows 16777217)"

check_eq "another namespace keeps its own mode" track \
	"$(cat $DIR/mode)"

# Permissions: an unprivileged user, and root of a user namespace that does
# not own this network namespace, may not write; root of the user namespace
# that owns a network namespace may.
nobody_write=$(n setpriv --reuid=65534 --regid=65534 --clear-groups \
	sh -c "echo off > $DIR/mode" 2>&1)
check "an unprivileged user cannot write" test -n "$nobody_write"
check_eq "mode unchanged by the unprivileged user" enforce "$(get mode)"
userns_write=$(n setpriv --reuid=65534 --regid=65534 --clear-groups \
	unshare -U -r sh -c "echo off > $DIR/mode" 2>&1)
check "root of a foreign user namespace cannot write" test -n "$userns_write"
check_eq "mode unchanged by the foreign user namespace" enforce "$(get mode)"
own=$(setpriv --reuid=65534 --regid=65534 --clear-groups \
	unshare -U -r -n sh -c "echo enforce > $DIR/mode && cat $DIR/mode" 2>&1)
check_eq "root of the owning user namespace can write" enforce "$own"
ktap_finish
