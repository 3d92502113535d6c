#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# net.tcphs.*: a new namespace starts from the defaults; every class of bad
# value is refused with EINVAL and changes nothing; good values take; only
# CAP_NET_ADMIN over the namespace's own user namespace may write.

. "${0%/*}/lib.sh"

NS=tcphs-sysctl-$$
DIR=/proc/sys/net/tcphs

trap 'ip netns del $NS 2>/dev/null; tcphs_unload' EXIT
ktap_header
tcphs_unload
tcphs_load
ip netns add "$NS"

n() { ip netns exec "$NS" "$@"; }

# One python3 in the namespace serves every read and write, so that each
# costs no fork, no exec and no interpreter start (the KASAN kernel makes
# those slow). Requests: "get NAME" or "put NAME HEX", HEX the value's
# bytes, written with one write(2) as an admin's echo would; the reply is the
# value read, or OK or the errno's name.
SERVE='
import binascii, errno, os, sys
for line in sys.stdin:
    op, name, *val = line.split()
    path = os.path.join(sys.argv[1], name)
    try:
        if op == "get":
            with open(path) as f:
                print(f.read().rstrip("\n"), flush=True)
            continue
        fd = os.open(path, os.O_WRONLY)
        try:
            os.write(fd, binascii.unhexlify(val[0] if val else ""))
        finally:
            os.close(fd)
        print("OK", flush=True)
    except OSError as e:
        print(errno.errorcode[e.errno], flush=True)
'
serve_start() {
	coproc SYSCTL { n /usr/bin/python3 -c "$SERVE" "$DIR"; }
}

ask() {	# REQUEST...: one request, its one-line reply
	echo "$*" >&"${SYSCTL[1]}"
	IFS= read -r reply <&"${SYSCTL[0]}" || reply="(no reply)"
	echo "$reply"
}

get() { ask get "$1"; }

# put NAME VALUE: write VALUE; print OK or the error's name. The hex is
# made in bash itself: no fork per write.
put() {
	local hex= i

	for ((i = 0; i < ${#2}; i++)); do
		printf -v hex '%s%02x' "$hex" "'${2:i:1}"
	done
	ask put "$1" "$hex"
}

serve_start

check_eq "default mode" track "$(get mode)"
check_eq "default timeout_syn_sent" 128 "$(get timeout_syn_sent)"
check_eq "default timeout_syn_rcvd" 64 "$(get timeout_syn_rcvd)"
check_eq "default timeout_established: 5 days" 432000 \
	"$(get timeout_established)"
check_eq "default timeout_close" 60 "$(get timeout_close)"
check "default max_flows is positive" test "$(get max_flows)" -gt 0

for word in off enforce proxy track; do
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
	    timeout_close max_flows proxy_halfopen_max proxy_held_max; do
	before=$(get $name)
	check_eq "$name accepts 17" OK "$(put $name 17)"
	check_eq "$name reads back 17" 17 "$(get $name)"
	for bad in -1 abc 12abc "" 99999999999 2073601x; do
		check_eq "$name refuses '$bad'" EINVAL "$(put $name "$bad")"
		check_eq "$name unchanged after '$bad'" 17 "$(get $name)"
	done
	put $name "$before" >/dev/null
done
for name in timeout_syn_sent timeout_syn_rcvd timeout_established \
	    timeout_close; do
	check_eq "$name refuses 0" EINVAL "$(put $name 0)"
	check_eq "$name accepts 2073600 (24 days)" OK "$(put $name 2073600)"
	check_eq "$name refuses 2073601 (24 days + 1 s)" EINVAL \
		"$(put $name 2073601)"
	put $name 60 >/dev/null
done
check_eq "max_flows accepts 0 (track no new flow)" OK "$(put max_flows 0)"

# Proxy mode's settings.
check_eq "default isn_policy" rfc6528 "$(get isn_policy)"
check_eq "default proxy_ports: none" "" "$(get proxy_ports)"
check "default proxy_halfopen_max is positive" \
	test "$(get proxy_halfopen_max)" -gt 0
check_eq "default proxy_held_max: 4 MiB" 4194304 "$(get proxy_held_max)"
for word in random cookie rfc6528; do
	check_eq "isn_policy accepts $word" OK "$(put isn_policy "$word")"
	check_eq "isn_policy reads back $word" "$word" "$(get isn_policy)"
done
for bad in fixed bogus "" " random" "rfc6528 x" $'cookie\n\n'; do
	check_eq "isn_policy refuses '$bad'" EINVAL "$(put isn_policy "$bad")"
	check_eq "isn_policy unchanged after '$bad'" rfc6528 \
		"$(get isn_policy)"
done
check_eq "proxy_ports accepts a list" OK "$(put proxy_ports 443,80,8000-8010)"
check_eq "proxy_ports reads it back" 443,80,8000-8010 "$(get proxy_ports)"
for bad in 0 65536 10-5 80, ,80 a " 80" 80-90-100 "80 443" 1-2-3 \
	   1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17 $'80\n,81' "" -80; do
	check_eq "proxy_ports refuses '$bad'" EINVAL "$(put proxy_ports "$bad")"
	check_eq "proxy_ports unchanged after '$bad'" 443,80,8000-8010 \
		"$(get proxy_ports)"
done
check_eq "proxy_ports takes 16 ranges" OK \
	"$(put proxy_ports 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16-65535)"
check_eq "proxy_ports: a lone newline empties it" OK \
	"$(put proxy_ports $'\n')"
check_eq "proxy_ports is empty" "" "$(get proxy_ports)"
check_eq "rotate_keys accepts 1" OK "$(put rotate_keys 1)"
check_eq "rotate_keys reads 0" 0 "$(get rotate_keys)"
for bad in 0 2 "" x "1 1"; do
	check_eq "rotate_keys refuses '$bad'" EINVAL "$(put rotate_keys "$bad")"
done

check_eq "max_flows refuses 16777217" EINVAL "$(put max_flows 16777217)"

check_eq "another namespace keeps its own mode" track \
	"$(cat $DIR/mode)"

# Permissions: an unprivileged user, and root of a user namespace that does
# not own this network namespace, may not write; root of the user namespace
# that owns a network namespace may.
nobody_write=$(n setpriv --reuid=65534 --regid=65534 --clear-groups \
	sh -c "echo off > $DIR/mode" 2>&1)
echo "# $nobody_write"
check "an unprivileged user cannot write (EACCES)" \
	eval '[[ $nobody_write == *"Permission denied" ]]'
check_eq "mode unchanged by the unprivileged user" enforce "$(get mode)"
userns_write=$(n setpriv --reuid=65534 --regid=65534 --clear-groups \
	unshare -U -r sh -c "echo off > $DIR/mode" 2>&1)
echo "# $userns_write"
check "root of a foreign user namespace cannot write (EACCES)" \
	eval '[[ $userns_write == *"Permission denied" ]]'
check_eq "mode unchanged by the foreign user namespace" enforce "$(get mode)"
own=$(setpriv --reuid=65534 --regid=65534 --clear-groups \
	unshare -U -r -n sh -c "echo enforce > $DIR/mode && cat $DIR/mode" 2>&1)
check_eq "root of the owning user namespace can write" enforce "$own"

# Root of a user namespace owns the network namespaces it makes, not the
# host's memory (admin-guide.rst, Memory): their limits start at most at
# init_net's, and may go lower, never higher. Printed per limit: the value
# a new namespace starts with, then each write of 16777216, that value + 1
# and 100 that took ("-" for one refused). Before, an unprivileged user's
# namespace took 16777216 flows: 2 GiB, charged to no one.
LIMITS="max_flows proxy_halfopen_max proxy_held_max"
userns_limits() {
	setpriv --reuid=65534 --regid=65534 --clear-groups unshare -U -r -n \
		sh -c 'for name in '"$LIMITS"'; do
			f='$DIR'/$name v=$(cat $f)
			printf "%s=%s" $name $v
			for w in 16777216 $((v + 1)) 100; do
				echo $w >$f 2>/dev/null && printf " %s" $w ||
					printf " -"
			done
			echo
		done' 2>&1
}
declare -A HOST_LIMIT
for name in $LIMITS; do
	HOST_LIMIT[$name]=$(<$DIR/$name)
done
echo 1000 >$DIR/max_flows
echo 200 >$DIR/proxy_halfopen_max
echo 65536 >$DIR/proxy_held_max
got=$(userns_limits)
for name in $LIMITS; do
	echo "${HOST_LIMIT[$name]}" >$DIR/$name
done
check_eq "a user namespace's limits start at init_net's, and only go down" \
	"max_flows=1000 - - 100
proxy_halfopen_max=200 - - 100
proxy_held_max=65536 - - 100" "$got"

# isn_policy fixed is for tests only: the module parameter test_mode.
exec {SYSCTL[1]}>&-
wait "$SYSCTL_PID"
ip netns del "$NS"
tcphs_unload
tcphs_load test_mode=1
ip netns add "$NS"
serve_start
check_eq "isn_policy accepts fixed with test_mode=1" OK \
	"$(put isn_policy fixed)"
check_eq "isn_policy reads back fixed" fixed "$(get isn_policy)"
ktap_finish
