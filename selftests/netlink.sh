#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The generic netlink family "tcphs", driven in the router by the kernel's
# own ynl CLI (tools/net/ynl/cli.py, from linux-source-6.12) and library
# (through tcphs_nl.py, which loads it once) with tcphs's spec
# (Documentation/netlink/specs/tcphs.yaml), validated against the
# kernel's schema:
#
#   stats-get   every counter of /proc/net/stat/tcphs, the same value;
#               the histograms, those of /proc/net/stat/tcphs_rtt
#   flow-get    a dump: the flows of /proc/net/tcphs, tuple, state, ISNs
#               and legs alike, IPv4 and IPv6; each filter (family,
#               state, port, address, proxied) the matching ones only;
#               one flow by its tuple, in either direction; an unknown
#               tuple ENOENT, a bad family EINVAL
#   resumable   1500 flows, read 4000 bytes at a time: each exactly once
#   events      a handshake: flow-new, then flow-change to syn-rcvd and
#               to established; a reset one: its change to closed and
#               its flow-del; in enforce mode a SYN-ACK of no SYN: a
#               flow-drop with its reason; a listener that reads nothing
#               while 1500 flows come sees ENOBUFS, and events_lost counts
#               what it missed (it asked for NETLINK_BROADCAST_ERROR)
#   rights      uid 65534 gets EPERM for dumps and the events group; root
#               of a user namespace gets EPERM in the router's netns, which
#               that namespace does not own, and in a netns of its own an
#               empty table: nothing of another namespace shows.

. "${0%/*}/lib.sh"

YNL=$TOP/build/ynl
CLI=$YNL/tools/net/ynl/cli.py
SPEC=$TOP/Documentation/netlink/specs/tcphs.yaml
SCHEMA=$YNL/Documentation/netlink/genetlink-legacy.yaml
OUT=/tmp/tcphs-netlink-$$

trap 'topo_down; tcphs_unload; rm -rf $OUT' EXIT
require_tool "ynl (make helpers)" test -f "$CLI"
require_tool "python3-yaml" python3 -c "import yaml"
require_tool "hping3" command -v hping3
tcphs_unload
tcphs_load
ktap_header
topo_up
mkdir -p $OUT
c sysctl -qw net.tcphs.mode=off
s sysctl -qw net.tcphs.mode=off
# No flow may expire between a dump and the proc file it is compared with.
r sysctl -qw net.tcphs.timeout_syn_sent=3600

# ynl NETNS ARGS...: cli.py in NETNS, JSON out, the spec unchecked (the
# first call checks it).
ynl() {
	local ns=$1

	shift
	ip netns exec "$ns" python3 "$CLI" --spec "$SPEC" --no-schema \
		--output-json "$@"
}

# nl do|dump|dump-small OP JSON: a request through the router's helper,
# which loads ynl's library and the spec once (tcphs_nl.py); its JSON.
coproc NL { ip netns exec "$NS_R" python3 "$TOP/selftests/tcphs_nl.py" \
	"$YNL/tools/net/ynl" "$SPEC"; }
# The answer goes to $OUT/nl: a pipe or $(...) would be a subshell, where
# bash closes a coprocess's descriptors.
nl() {
	coproc_ask NL "$@" >$OUT/nl
}

# The dump's flows as /proc/net/tcphs writes them, without age and idle.
as_proc() {
	python3 -c '
import json, sys
for f in json.load(sys.stdin):
    fam = "ipv4" if f["family"] == 2 else "ipv6"
    v = "ipv4" if fam == "ipv4" else "ipv6"
    s, d = f["saddr-" + v], f["daddr-" + v]
    if fam == "ipv6":
        s, d = "[%s]" % s, "[%s]" % d
    isn = ",".join("%08x" % f[k] if k in f else "-"
                   for k in ("isn-orig", "isn-reply"))
    rtt = ",".join(str(f.get(k, "-")) for k in ("rtt-server", "rtt-client"))
    print("%s %s:%d %s:%d %s isn=%s rtt=%s%s" % (fam, s, f["sport"], d,
          f["dport"], f["state"].upper().replace("-", "_"), isn, rtt,
          " closing" if f.get("closing") else ""))
' | sort
}

proc_flows() {	# [GREP-E]: the router's /proc/net/tcphs, as as_proc writes
	r cat /proc/net/tcphs | sed 's/ age=[0-9]* idle=[0-9]*//' |
		grep -E -- "${1:-.}" | sort
}

# The dump with filter JSON equals /proc/net/tcphs's lines matching RE.
dump_is() {	# JSON RE
	nl dump flow-get "$1"
	as_proc <$OUT/nl >$OUT/dump
	proc_flows "$2" >$OUT/proc
	[ -s $OUT/proc ] && cmp -s $OUT/dump $OUT/proc || {
		diff $OUT/proc $OUT/dump | head -n 5 | sed 's/^/# /'
		false
	}
}

# The router holds more than N flows (read with no exec).
entries_over() {	# N
	[ "$(tcphs_entries "$NS_R")" -gt "$1" ]
}

# ---- counters ----------------------------------------------------------
server_start 7100
server_start 7110
c "$TCPHS_CONN" connect "$S4" 7100 3 >/dev/null
ip netns exec "$NS_R" python3 "$CLI" --spec "$SPEC" --schema "$SCHEMA" \
	--do stats-get --output-json >$OUT/stats
check "the spec validates against the kernel's schema and drives stats-get" \
	test $? -eq 0
# Each counter "name value" as netlink has it, then as the proc file has it.
python3 -c '
import json, sys
for c in json.load(open(sys.argv[1]))["counter"]:
    print(c["name"], c["value"])' $OUT/stats | sort >$OUT/nl_counters
tcphs_stats "$NS_R"
for name in "${!STAT[@]}"; do
	[ "$name" = entries ] || echo "$name ${STAT[$name]}"
done | sort >$OUT/proc_counters
check "stats-get: every counter of /proc/net/stat/tcphs, equal" \
	cmp $OUT/nl_counters $OUT/proc_counters
check_eq "stats-get: the flows the table holds" "${STAT[entries]}" \
	"$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["entries"])' $OUT/stats)"
python3 -c '
import json, sys
fam = {2: "ipv4", 10: "ipv6"}
for h in json.load(open(sys.argv[1]))["hist"]:
    print(h["leg"], fam[h["family"]], *h["bucket"])' $OUT/stats | sort >$OUT/nl_hist
r cat /proc/net/stat/tcphs_rtt | tail -n +2 | sort >$OUT/proc_hist
check "stats-get: the histograms of /proc/net/stat/tcphs_rtt" \
	cmp $OUT/nl_hist $OUT/proc_hist

# ---- dumps and filters -------------------------------------------------
# Established flows of both families, half-open ones to a silent address,
# and proxied ones.
# hold ADDR PORT COUNT: COUNT connections held open until the end.
holds=()
hold() {
	c bash -c "sleep 3600 | '$TCPHS_CONN' hold $1 $2 $3" >"$OUT/held-$2" &
	holds+=($!)
	wait_for 60 grep -q held "$OUT/held-$2"
}
hold "$S4" 7100 4
hold "$S6" 7110 3
# Straight from ip netns exec, which execs it: $! is the sender itself.
ip netns exec "$NS_C" "$TCPHS_CONN" syns 10.0.2.99 7300 20000 &
syns=$!
wait_for 30 entries_over $(($(tcphs_entries "$NS_R") + 4))
kill $syns
wait $syns
r sysctl -qw net.tcphs.mode=proxy net.tcphs.proxy_ports=7101
server_start 7101
hold "$S4" 7101 2
nap 0.5

check "dump: the flows of /proc/net/tcphs" dump_is '{}' .
check "dump, family AF_INET6: the IPv6 flows" dump_is '{"family": 10}' '^ipv6 '
check "dump, state established: the established flows" \
	dump_is '{"state": "established"}' ' ESTABLISHED '
check "dump, state syn-sent: the half-open flows" \
	dump_is '{"state": "syn-sent"}' ' SYN_SENT '
check "dump, port 7300: the flows to or from it" dump_is '{"port": 7300}' ':7300 '
check "dump, address 10.0.2.99: the flows to or from it" \
	dump_is "{\"addr-ipv4\": $((10 << 24 | 2 << 8 | 99))}" ' 10\.0\.2\.99:'
check "dump, address fd00:1::2: the flows to or from it" \
	dump_is '{"addr-ipv6": "fd000001000000000000000000000002"}' '\[fd00:1::2\]:'
check "dump, proxied: the proxied flows" dump_is '{"proxied": true}' ':7101 '

# One flow, by its tuple, both ways round.
read -r _ src dst _ < <(proc_flows ' ESTABLISHED ' | grep '^ipv4 .*:7100 ' | head -n 1)
tuple() {	# SADDR:SPORT DADDR:DPORT
	local s=${1%:*} d=${2%:*}

	printf '{"family": 2, "saddr-ipv4": %d, "daddr-ipv4": %d, ' \
		"$(ip4_int "$s")" "$(ip4_int "$d")"
	printf '"sport": %d, "dport": %d}' "${1##*:}" "${2##*:}"
}
ip4_int() {
	local IFS=. a b c d

	read -r a b c d <<<"$1"
	echo $((a << 24 | b << 16 | c << 8 | d))
}
for way in forward reverse; do
	[ $way = forward ] && t=$(tuple "$src" "$dst") || t=$(tuple "$dst" "$src")
	nl do flow-get "$t"
	got=$(sed 's/^/[/; s/$/]/' $OUT/nl | as_proc)
	check_eq "get, tuple $way: that flow" \
		"$(proc_flows ' ESTABLISHED ' | grep -F "ipv4 $src $dst ")" "$got"
done
nl do flow-get "$(tuple 10.9.9.9:1 10.9.9.8:2)"
check "get, an unknown tuple: ENOENT" grep -q "No such file" $OUT/nl
nl do flow-get '{"family": 3, "sport": 1, "dport": 2}'
check "get, family 3: EINVAL" grep -q "Invalid argument" $OUT/nl

# ---- rights ------------------------------------------------------------
as_nobody() {
	ip netns exec "$NS_R" setpriv --reuid=65534 --regid=65534 \
		--clear-groups "$@"
}
# uid 65534 may not read the checkout (a clone in a 0700 directory): its
# own copy of the CLI and the spec, where it can.
mkdir -p $OUT/pub
cp -r "$YNL/tools/net/ynl" "$SPEC" $OUT/pub/
chmod -R a+rX $OUT
ynl_args=(python3 $OUT/pub/ynl/cli.py --spec $OUT/pub/tcphs.yaml --no-schema
	  --output-json)
as_nobody "${ynl_args[@]}" --dump flow-get >$OUT/err 2>&1
check "uid 65534: a dump is refused, EPERM" \
	grep -q "not permitted" $OUT/err
as_nobody "${ynl_args[@]}" --subscribe events --sleep 1 >$OUT/err 2>&1
check "uid 65534: the events group is refused" \
	grep -q "not permitted" $OUT/err
as_nobody unshare -Ur "${ynl_args[@]}" --dump flow-get >$OUT/err 2>&1
check "root of a user namespace, in the router's netns: EPERM" \
	grep -q "not permitted" $OUT/err
check_eq "root of a user namespace, in a netns of its own: an empty table" \
	"[]" "$(as_nobody unshare -Urn "${ynl_args[@]}" --dump flow-get)"

# ---- events ------------------------------------------------------------
# events NAME SECONDS: listen in the router for SECONDS into $OUT/NAME,
# once subscribed (cli.py's start-up takes seconds on a debug kernel).
events() {
	local before

	before=$(ip netns exec "$NS_R" grep -c . /proc/net/netlink)
	ynl "$NS_R" --subscribe events --sleep "$2" >"$OUT/$1" 2>&1 &
	listener=$!
	wait_for 60 bash -c "[ \$(ip netns exec $NS_R grep -c . /proc/net/netlink) -gt $before ]"
	nap 2		# and its subscription, right after
}

# The events of flows to PORT as "NAME STATE [OLD EVENT DIR | REASON]".
events_of() {	# FILE PORT
	python3 -c '
import json, sys
try:
    json.load(open(sys.argv[1]))
except ValueError:
    for line in open(sys.argv[1]).readlines()[:3]:
        print("#", line.rstrip(), file=sys.stderr)' "$1"
	python3 -c '
import json, sys
for m in json.load(open(sys.argv[1])):
    f = m["msg"]
    if f.get("dport") != int(sys.argv[2]) and f.get("sport") != int(sys.argv[2]):
        continue
    print(m["name"], *[f[k] for k in ("state", "old-state", "event", "dir",
                                      "reason") if k in f])' "$@"
}

# One listener for a handshake, a reset one and an enforce-mode drop.
r sysctl -qw net.tcphs.mode=track
server_start 7102
[ "$DEBUG_KERNEL" = 1 ] && listen=40 || listen=15
events hs $listen
c "$TCPHS_CONN" connect "$S4" 7102 1 >/dev/null
c "$TCPHS_CONN" connect "$S4" 7103 1 >/dev/null 2>&1	# no listener: RST
r sysctl -qw net.tcphs.mode=enforce
c hping3 -q -c 1 -S -A -p 7104 "$S4" >/dev/null 2>&1
wait $listener
check_eq "events: a handshake, new and its two changes" \
	"flow-new-ntf syn-sent
flow-change-ntf syn-rcvd syn-sent synack reply
flow-change-ntf established syn-rcvd ack orig" \
	"$(events_of $OUT/hs 7102)"
check_eq "events: a reset handshake, its change to closed and its del" \
	"flow-new-ntf syn-sent
flow-change-ntf closed syn-sent rst reply
flow-del-ntf closed" \
	"$(events_of $OUT/hs 7103)"
check_eq "events: a SYN-ACK of no SYN dropped, with its reason" \
	"flow-drop-ntf synack_no_syn" "$(events_of $OUT/hs 7104)"

# A listener that reads nothing while 1500 flows come: its buffer (4 KiB)
# fills. It asked for NETLINK_BROADCAST_ERROR, so netlink tells tcphs of
# each event it could not take, and tcphs counts them; the listener sees
# ENOBUFS, as any netlink listener that falls behind does.
r sysctl -qw net.tcphs.mode=track
lost=$(tcphs_stat "$NS_R" events_lost)
ip netns exec "$NS_R" python3 -c '
import socket, sys, time
sys.path.insert(0, sys.argv[1])
from lib import YnlFamily
ynl = YnlFamily(sys.argv[2], "")
ynl.ntf_subscribe("events")
ynl.sock.setsockopt(270, 4, 1)		# SOL_NETLINK, NETLINK_BROADCAST_ERROR
ynl.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
open(sys.argv[3], "w").write("subscribed\n")
time.sleep(int(sys.argv[4]))
try:
    ynl.check_ntf()
    print("no overrun")
except OSError as e:
    print("overrun", e.errno)' "$YNL/tools/net/ynl" "$SPEC" $OUT/sub 30 \
	>$OUT/lossy 2>&1 &
listener=$!
wait_for 60 test -s $OUT/sub
ip netns exec "$NS_C" "$TCPHS_CONN" syns 10.0.2.98 7301 300 &
syns=$!
check "1500 half-open flows" \
	wait_for 120 entries_over $(($(tcphs_entries "$NS_R") + 1499))
kill $syns
wait $syns $listener
check "events: a listener that reads nothing loses some, counted" \
	test "$(tcphs_stat "$NS_R" events_lost)" -gt "$lost"
check_eq "events: ... and the listener sees ENOBUFS" "overrun 105" \
	"$(cat $OUT/lossy)"

# ---- a resumable dump --------------------------------------------------
nl dump-small flow-get '{"port": 7301}'
mv $OUT/nl $OUT/small
check "a dump read 4000 bytes at a time took many messages" \
	python3 -c 'import json, sys; sys.exit(json.load(open(sys.argv[1]))["msgs"] < 20)' \
	$OUT/small
python3 -c 'import json, sys; print(json.dumps(json.load(open(sys.argv[1]))["flows"]))' \
	$OUT/small | as_proc >$OUT/dump
check_eq "... and held every flow exactly once" \
	"$(proc_flows ':7301 ' | wc -l) 0" \
	"$(wc -l <$OUT/dump) $(uniq -d $OUT/dump | wc -l)"
check "... the flows of /proc/net/tcphs" cmp $OUT/dump <(proc_flows ':7301 ')

kill "${holds[@]}"
fd=${NL[1]}
exec {fd}>&-
topo_down
check "rmmod" rmmod tcphs
ktap_finish
