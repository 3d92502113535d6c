# SPDX-License-Identifier: GPL-2.0
#
# Shared by the tcphs selftests: TAP output, the module, the topology, the
# counters. Sourced by bash scripts that run inside the test VM as root.
#
#   client netns             router netns                 server netns
#  +-------------+     +--------------------------+     +-------------+
#  | c0          |-----| r0                    r1 |-----| s0          |
#  | 10.0.1.2/24 |     | 10.0.1.1/24  10.0.2.1/24 |     | 10.0.2.2/24 |
#  | fd00:1::2   |     | fd00:1::1      fd00:2::1 |     | fd00:2::2   |
#  +-------------+     +--------------------------+     +-------------+
#
# The client reaches the server through the router; tcphs runs in all three.

set -u

# Without an exec of dirname: on the debug kernel each exec costs.
case ${BASH_SOURCE[0]} in
*/*)	TOP=${BASH_SOURCE[0]%/*}/.. ;;
*)	TOP=.. ;;
esac
TOP=$(cd "$TOP" && pwd)
TCPHS_KO=${TCPHS_KO:-$TOP/tcphs.ko}
TCPHS_CONN=$TOP/selftests/tcphs_conn
# make check's debug-kernel run: some tests move fewer bytes there.
DEBUG_KERNEL=${TCPHS_DEBUG_KERNEL:-0}
KSFT_PASS=0
KSFT_FAIL=1
KSFT_SKIP=4

NS_C=tcphs-c-$$
NS_R=tcphs-r-$$
NS_S=tcphs-s-$$
C4=10.0.1.2
S4=10.0.2.2
C6=fd00:1::2
S6=fd00:2::2

ksft_n=0
ksft_failed=0

# ns_role NETNS: client, router or server, for test descriptions.
ns_role() {
	case $1 in
	"$NS_C") echo client ;;
	"$NS_R") echo router ;;
	"$NS_S") echo server ;;
	*) echo "$1" ;;
	esac
}

c() { ns_run "$NS_C" "$@"; }
r() { ns_run "$NS_R" "$@"; }
s() { ns_run "$NS_S" "$@"; }

# ns_run NETNS COMMAND...: COMMAND in NETNS. sysctl -qw KEY=VALUE... and
# sysctl -n KEY go to the namespace's agent (topo_up) and cost no exec.
ns_run() {
	local ns=$1

	shift
	if [ "${1:-}" = sysctl ] && [ "${2:-}" = -qw ]; then
		shift 2
		ns_sysctl "$ns" "$@"
	elif [ "${1:-}" = sysctl ] && [ "${2:-}" = -n ] && [ $# -eq 3 ]; then
		ns_sysctl_get "$ns" "$3"
	else
		ip netns exec "$ns" "$@"
	fi
}

ktap_header() {
	echo "TAP version 13"
}

ktap_ok() {
	ksft_n=$((ksft_n + 1))
	echo "ok $ksft_n $*"
}

ktap_not_ok() {
	ksft_n=$((ksft_n + 1))
	ksft_failed=$((ksft_failed + 1))
	echo "not ok $ksft_n $*"
}

ktap_skip() {
	ksft_n=$((ksft_n + 1))
	echo "ok $ksft_n $* # SKIP"
}

# check_eq DESCRIPTION EXPECTED ACTUAL
check_eq() {
	if [ "$2" = "$3" ]; then
		ktap_ok "$1"
	else
		echo "# $1: expected '$2', got '$3'"
		ktap_not_ok "$1"
	fi
}

# check DESCRIPTION COMMAND...: passes when COMMAND exits 0.
check() {
	local desc=$1

	shift
	if "$@"; then
		ktap_ok "$desc"
	else
		echo "# $desc: '$*' failed"
		ktap_not_ok "$desc"
	fi
}

ktap_finish() {
	echo "1..$ksft_n"
	[ "$ksft_failed" -eq 0 ] && exit "$KSFT_PASS"
	exit "$KSFT_FAIL"
}

skip_all() {
	echo "1..0 # SKIP $*"
	exit "$KSFT_SKIP"
}

# insmod, after the modules tcphs.ko needs (on an installed system,
# modprobe tcphs loads them itself); built in or loaded, they need nothing.
tcphs_insmod() {
	[ -d /sys/module/nf_defrag_ipv4 ] && [ -d /sys/module/nf_defrag_ipv6 ] ||
		modprobe -qa nf_defrag_ipv4 nf_defrag_ipv6 || true
	insmod "$TCPHS_KO" "$@"
}

# Loaded or not, told by sysfs rather than by a grep of /proc/modules.
tcphs_loaded() {
	[ -d /sys/module/tcphs ]
}

tcphs_load() {
	tcphs_loaded || tcphs_insmod "$@"
}

tcphs_unload() {
	! tcphs_loaded || rmmod tcphs
}

# Each namespace of the topology has a holder, a process that lives in it
# (topo_up): /proc/HOLDER/net/ is that namespace's /proc/net, which bash
# reads with no fork and no exec, much cheaper than ip netns exec cat on the
# debug kernel (an exec costs about half a second there, ip netns exec more
# than one). The holder is also an agent, a bash in the namespace that
# reads and writes its sysctls for the test's shell (ns_sysctl), over two
# FIFOs. Other namespaces go through ip netns exec.
declare -A HOLDER AGENT_IN AGENT_OUT
AGENT_FIFOS=/tmp/tcphs-agent-$$

# The agent's loop: "w PATH VALUE" writes VALUE to PATH, "r PATH" reads
# its first line; each answers "ok [VALUE]" or "fail".
AGENT='while read -r op path value; do
	case $op in
	w) { printf "%s\n" "$value" >"$path"; } 2>/dev/null &&
		echo ok || echo fail ;;
	r) IFS= read -r value <"$path" 2>/dev/null &&
		echo "ok $value" || echo fail ;;
	esac
done'

# agents_start NETNS...: a holder and agent in each, started side by side
# (their FIFOs made by one mkfifo); it returns once each answers from its
# namespace (the FIFOs open before ip netns exec enters it).
agents_start() {
	local ns fifos=()

	for ns in "$@"; do
		fifos+=("$AGENT_FIFOS-$ns.in" "$AGENT_FIFOS-$ns.out")
	done
	mkfifo "${fifos[@]}"
	for ns in "$@"; do
		# <> opens a FIFO without waiting for its other end.
		ip netns exec "$ns" bash --norc --noprofile -c "$AGENT" \
			<>"$AGENT_FIFOS-$ns.in" >"$AGENT_FIFOS-$ns.out" \
			2>/dev/null &
		HOLDER[$ns]=$!
	done
	for ns in "$@"; do
		exec {AGENT_IN[$ns]}>"$AGENT_FIFOS-$ns.in" \
			{AGENT_OUT[$ns]}<"$AGENT_FIFOS-$ns.out"
		agent_ask "$ns" "r /proc/sys/kernel/ostype"
	done
}

# holder_up NETNS: its holder (and agent) runs, in that very namespace (a
# name may have been deleted and made again).
holder_up() {
	local pid=${HOLDER[$1]:-}

	[ -n "$pid" ] && [ /proc/$pid/ns/net -ef "/run/netns/$1" ]
}

# agent_ask NETNS REQUEST: the agent's answer, in AGENT_REPLY.
agent_ask() {
	echo "$2" >&"${AGENT_IN[$1]}" &&
		IFS= read -r AGENT_REPLY <&"${AGENT_OUT[$1]}"
}

# ns_sysctl NETNS KEY=VALUE...: as sysctl -qw in NETNS.
ns_sysctl() {
	local ns=$1 kv key rc=0

	shift
	holder_up "$ns" || { ip netns exec "$ns" sysctl -qw "$@"; return; }
	for kv in "$@"; do
		key=${kv%%=*}
		agent_ask "$ns" "w /proc/sys/${key//.//} ${kv#*=}" &&
			[ "$AGENT_REPLY" = ok ] && continue
		echo "sysctl: setting key \"$key\" in $ns failed" >&2
		rc=1
	done
	return $rc
}

# ns_sysctl_get NETNS KEY: as sysctl -n KEY in NETNS.
ns_sysctl_get() {
	holder_up "$1" || { ip netns exec "$1" sysctl -n "$2"; return; }
	agent_ask "$1" "r /proc/sys/${2//.//}" &&
		[ "${AGENT_REPLY%% *}" = ok ] || {
		echo "sysctl: cannot read key \"$2\" in $1" >&2
		return 1
	}
	echo "${AGENT_REPLY#ok }"
}

# ns_read NETNS FILE: the namespace's /proc/net/FILE on stdin of the caller's
# next read, as text in NS_TEXT.
ns_read() {
	if holder_up "$1"; then
		NS_TEXT=$(<"/proc/${HOLDER[$1]}/net/$2")
	else
		NS_TEXT=$(ip netns exec "$1" cat "/proc/net/$2")
	fi
}

# tcphs_stats NETNS: every counter of /proc/net/stat/tcphs, summed over
# CPUs, into the array STAT (STAT[syn], ...), from one read of the file.
# The first column, entries, is the namespace's (each CPU's line repeats it).
declare -A STAT
tcphs_stats() {
	local -a hdr val
	local i

	STAT=()
	ns_read "$1" stat/tcphs
	{
		read -r -a hdr
		while read -r -a val; do
			STAT[entries]=$((16#${val[0]}))
			for i in "${!hdr[@]}"; do
				[ "$i" -gt 0 ] || continue
				STAT[${hdr[i]}]=$((${STAT[${hdr[i]}]:-0} + 16#${val[i]}))
			done
		done
	} <<<"$NS_TEXT"
}

# tcphs_nonzero NETNS: every counter that is not 0, as TAP comments (what
# a failed check on a counter prints, to tell why).
tcphs_nonzero() {
	local k

	tcphs_stats "$1"
	for k in "${!STAT[@]}"; do
		[ "${STAT[$k]}" = 0 ] || echo "# $k=${STAT[$k]}"
	done | sort
}

# lost_drops NETNS: what tcphs dropped of real traffic that its receiver
# would have taken: every drop but the RSTs outside the window. A peer
# whose socket is gone answers a late duplicate with a RST at that
# segment's old ack (RFC 9293 3.10.7.1), which its receiver ignores (RFC
# 5961 3.2): a loaded guest's retransmissions make one now and then, and
# dropping it costs no one anything.
lost_drops() {
	tcphs_stats "$1"
	echo $((${STAT[dropped]:-0} - ${STAT[rst_out_of_window]:-0}))
}

# tcphs_stat NETNS NAME: a counter of /proc/net/stat/tcphs, summed over CPUs.
tcphs_stat() {
	tcphs_stats "$1"
	echo "${STAT[$2]:-}"
}

# tcphs_entries NETNS: how many flows the namespace's table holds.
tcphs_entries() {
	tcphs_stats "$1"
	echo "${STAT[entries]:-}"
}

# tcphs_flows NETNS REGEX: how many lines of /proc/net/tcphs match (an
# extended regular expression, as grep -E takes).
tcphs_flows() {
	local line n=0

	ns_read "$1" tcphs
	while IFS= read -r line; do
		[[ $line =~ $2 ]] && n=$((n + 1))
	done <<<"$NS_TEXT"
	echo "$n"
}

tcphs_sysctl_all() {
	local ns

	for ns in "$NS_C" "$NS_R" "$NS_S"; do
		ns_sysctl "$ns" "net.tcphs.$1=$2"
	done
}

# wait_for SECONDS COMMAND...: poll until COMMAND succeeds.
wait_for() {
	local deadline=$((SECONDS + $1))

	shift
	until "$@"; do
		[ "$SECONDS" -ge "$deadline" ] && return 1
		nap 0.1
	done
}

# nap SECONDS: sleep without an exec (read times out on a pipe that no one
# writes): a poll must not take the CPU from what it waits for.
nap() {
	[ -n "${NAP_FD:-}" ] || exec {NAP_FD}<> <(:)
	read -rt "$1" -u "$NAP_FD" || :
}

# One ip batch per namespace: on the debug kernel each exec costs seconds.
topo_up() {
	ip -b - <<-EOF
	netns add $NS_C
	netns add $NS_R
	netns add $NS_S
	link add c0 netns $NS_C type veth peer name r0 netns $NS_R
	link add r1 netns $NS_R type veth peer name s0 netns $NS_S
	EOF
	ip -n "$NS_C" -b - <<-EOF
	link set lo up
	link set c0 up
	addr add $C4/24 dev c0
	addr add $C6/64 dev c0 nodad
	route add default via 10.0.1.1
	route add default via fd00:1::1
	EOF
	ip -n "$NS_R" -b - <<-EOF
	link set lo up
	link set r0 up
	link set r1 up
	addr add 10.0.1.1/24 dev r0
	addr add fd00:1::1/64 dev r0 nodad
	addr add 10.0.2.1/24 dev r1
	addr add fd00:2::1/64 dev r1 nodad
	EOF
	ip -n "$NS_S" -b - <<-EOF
	link set lo up
	link set s0 up
	addr add $S4/24 dev s0
	addr add $S6/64 dev s0 nodad
	route add default via 10.0.2.1
	route add default via fd00:2::1
	EOF
	agents_start "$NS_C" "$NS_R" "$NS_S"
	r sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
}

# ns_pids NETNS...: the processes in those namespaces, found by bash alone
# (test -ef on their namespace files), as ip netns pids would.
ns_pids() {
	local p ns pids=()

	for p in /proc/[0-9]*; do
		for ns in "$@"; do
			[ "$p/ns/net" -ef "/run/netns/$ns" ] 2>/dev/null &&
				pids+=("${p#/proc/}")
		done
	done
	echo "${pids[*]}"
}

topo_down() {
	local pids

	pids=$(ns_pids "$NS_C" "$NS_R" "$NS_S")
	[ -z "$pids" ] || kill $pids 2>/dev/null
	printf 'netns del %s\n' "$NS_C" "$NS_R" "$NS_S" |
		ip -force -b - 2>/dev/null || :
	rm -f "$AGENT_FIFOS"-*
}

# input_chain NETNS: an nftables input chain, inet t in, in NETNS. It runs
# after tcphs's PRE_ROUTING hook: what it counts is what tcphs let through
# to the host. Adding it again is harmless.
input_chain() {
	input_rule "$1"
}

# input_rule NETNS [RULE...]: add RULE to that chain, in one exec of nft.
input_rule() {
	local ns=$1

	shift
	ip netns exec "$ns" nft -f - <<-EOF
	add table inet t
	add chain inet t in { type filter hook input priority 0; }
	${*:+add rule inet t in $*}
	EOF
}

# comment TEXT: each line of TEXT as a TAP comment, with no exec of sed.
comment() {
	local line

	while IFS= read -r line; do
		echo "# $line"
	done <<<"$1"
}

# lines_of PREFIX TEXT: the lines of TEXT that start with PREFIX, as grep
# "^PREFIX" prints them (none: it fails).
lines_of() {
	local line found=1

	while IFS= read -r line; do
		[[ $line == "$1"* ]] && echo "$line" && found=0
	done <<<"$2"
	return $found
}

# coproc_ask COPROC REQUEST...: a request (its fields joined by tabs) to
# the long-lived helper coprocess COPROC; what it answers, up to its line
# "done", on stdout. Fails if the helper died first.
coproc_ask() {
	local -n helper_fds=$1
	local IFS=$'\t' line

	shift
	echo "$*" >&"${helper_fds[1]}"
	while IFS= read -r line <&"${helper_fds[0]}"; do
		[ "$line" = done ] && return 0
		echo "$line"
	done
	return 1
}

# Under make check (TCPHS_STRICT=1) or CI (CI=true), where what a test
# needs was set up, and its absence is a failure, not a skip.
tcphs_strict() {
	[ -n "${TCPHS_STRICT:-}" ] || [ "${CI:-}" = true ]
}

# require_tool NAME COMMAND...: without NAME (COMMAND fails), skip the whole
# test, saying why; but where tcphs_strict, the set-up should have
# installed it, and its absence is a failure.
require_tool() {
	local name=$1

	shift
	"$@" >/dev/null 2>&1 && return 0
	! tcphs_strict ||
		echo "# $name missing: scripts/setup should have installed it"
	unmet "$name present" "$name missing"
}

# unmet FAILED SKIPPED: what the whole test needs is not here. Where
# tcphs_strict that is its one test, FAILED, failing; else the test is
# skipped, saying SKIPPED.
unmet() {
	if tcphs_strict; then
		echo "not ok 1 $1"
		echo "1..1"
		exit "$KSFT_FAIL"
	fi
	skip_all "$2"
}


# server_start PORT: a dual-stack listener in the server namespace.
server_start() {
	s "$TCPHS_CONN" listen :: "$1" &
	wait_for 10 server_listening "$1"
}

# tcp_local_port NETNS STATE local|remote PORT: the local port of the first
# TCP socket of NETNS in STATE (as /proc/net/tcp and tcp6 write it: 01
# established, 0A listening) whose local or remote port is PORT. Read with
# no exec; fails if there is none.
tcp_local_port() {
	local f sl laddr raddr st rest addr

	for f in tcp tcp6; do
		ns_read "$1" $f
		while read -r sl laddr raddr st rest; do
			addr=$laddr
			[ "$3" = local ] || addr=$raddr
			[ "$st" = "$2" ] && [ $((16#${addr##*:})) -eq "$4" ] &&
				echo $((16#${laddr##*:})) && return 0
		done <<<"$NS_TEXT"
	done
	return 1
}

# server_listening PORT: the server namespace has a TCP listener on PORT.
server_listening() {
	tcp_local_port "$NS_S" 0A local "$1" >/dev/null
}
