#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tcphs's tracepoints and drop reasons, read from a tracefs instance, with
# tcphs on in the router only (the ends' mode is off), per family:
#  - track mode: the three transitions of one handshake, in order, with
#    their events and directions;
#  - enforce mode: a SYN-ACK with no SYN and a SYN+FIN each traced as
#    tcphs_drop with tcphs's reason, and by skb:kfree_skb, from tcphs,
#    with the kernel's (TCP_INVALID_SYN, TCP_FLAGS);
#  - proxy mode: a kept flow's phases (new, synack, connecting, open); a
#    cookie-only one's (new, connecting, open) with its cookie sent and
#    accepted; a forged cookie refused and an ACK to a port that sent no
#    cookie, each a drop with its reason (TCP_INVALID_ACK_SEQUENCE; 6.1:
#    TCP_ACK_UNSENT_DATA).

. "${0%/*}/lib.sh"

TRACEFS=/sys/kernel/tracing
INST=$TRACEFS/instances/tcphs-selftest

trace_down() {
	[ -d "$INST" ] || return 0
	echo 0 >"$INST/tracing_on"
	rmdir "$INST" 2>/dev/null || :
}

trap 'trace_down; topo_down; tcphs_unload' EXIT
tcphs_unload
tcphs_load
grep -qw tracefs /proc/filesystems ||
	unmet "the kernel has no tracefs" "the kernel has no tracefs"
[ -d "$TRACEFS/events" ] || mount -t tracefs nodev "$TRACEFS"
require_tool hping3 command -v hping3
ktap_header
check "the tcphs trace system has its four events" \
	test -d "$TRACEFS/events/tcphs/tcphs_transition" -a \
	     -d "$TRACEFS/events/tcphs/tcphs_drop" -a \
	     -d "$TRACEFS/events/tcphs/tcphs_proxy_phase" -a \
	     -d "$TRACEFS/events/tcphs/tcphs_cookie"
trace_down
mkdir "$INST"
echo 1 >"$INST/events/tcphs/enable"
echo 1 >"$INST/events/skb/kfree_skb/enable"

topo_up
c sysctl -qw net.tcphs.mode=off
s sysctl -qw net.tcphs.mode=off

# What the instance traced since the last call: the event lines, their
# "task-pid [cpu] flags time: " prefix cut.
TRACED=
traced() {
	TRACED=$(sed -n 's/^.*: \(tcphs_[a-z_]*\|kfree_skb\): /\1: /p' \
		"$INST/trace")
	echo >"$INST/trace"
}

# The lines of TRACED of EVENT whose destination port is PORT, with the
# addresses and the source port cut: "EVENT: :PORT REST".
about() {	# EVENT PORT
	grep -E "^$1: .* > [^ ]*:$2 " <<<"$TRACED" |
		sed -E 's/^([a-z_]+): .* > [^ ]*(:[0-9]+) /\1: \2 /'
}

# craft DST: send, from the client, the segments "SPORT DPORT FLAGS SEQ
# ACK" of stdin's lines (raw, tcphs_pkt builds them), one process for all.
craft() {	# DST
	c /usr/bin/python3 -c '
import socket
import sys
sys.path.insert(0, sys.argv[1])
import tcphs_pkt as pkt
dst = sys.argv[2]
src = pkt.source(dst)
fam = socket.AF_INET6 if ":" in dst else socket.AF_INET
sock = socket.socket(fam, socket.SOCK_RAW, socket.IPPROTO_RAW)
for line in sys.stdin:
    sport, dport, flags, seq, ack = line.split()
    seg = pkt.tcp(src, dst, int(sport), int(dport), flags, int(seq),
                  int(ack))
    sock.sendto(pkt.ip(src, dst, seg), (dst, 0))
' "$TOP/selftests" "$1"
}

# The kernel's reason for each drop tcphs traced: that of the kfree_skb
# of the same skbaddr after it.
core_reasons() {
	awk '/^tcphs_drop: / { want[$2] = 1; next }
	     /^kfree_skb: / && ($2 in want) {
		delete want[$2]; sub(/.* reason: /, ""); print $1 }' <<<"$TRACED"
}

server_start 7400
server_start 7403

# The handshake's three steps, as the router's record takes them.
transitions_of() {	# ADDR PORT
	traced
	c "$TCPHS_CONN" connect "$1" "$2" 1 >/dev/null
	nap 0.5
	traced
	about tcphs_transition "$2" | head -n 3 | paste -sd '|'
}
for fam in 4 6; do
	[ $fam = 4 ] && dst=$S4 || dst=$S6
	check_eq "track ipv$fam: CLOSED, SYN_SENT, SYN_RCVD, ESTABLISHED" \
		"tcphs_transition: :7400 CLOSED -> SYN_SENT on syn (orig)|tcphs_transition: :7400 SYN_SENT -> SYN_RCVD on synack (reply)|tcphs_transition: :7400 SYN_RCVD -> ESTABLISHED on ack (orig)" \
		"$(transitions_of "$dst" 7400)"
done

# Enforce mode's drops: tcphs's reason, then the kernel's.
r sysctl -qw net.tcphs.mode=enforce
for fam in 4 6; do
	[ $fam = 4 ] && dst=$S4 || dst=$S6
	traced
	craft "$dst" <<-EOF
	41000 7401 SA 1000 2000
	41001 7402 SF 3000 0
	EOF
	nap 0.5
	traced
	check_eq "enforce ipv$fam: a SYN-ACK of no SYN traced as synack_no_syn" \
		"tcphs_drop: :7401 reason=synack_no_syn" \
		"$(about tcphs_drop 7401)"
	check_eq "enforce ipv$fam: a SYN+FIN traced as bad_flags" \
		"tcphs_drop: :7402 reason=bad_flags" "$(about tcphs_drop 7402)"
	check_eq "enforce ipv$fam: kfree_skb says TCP_INVALID_SYN, TCP_FLAGS" \
		"TCP_INVALID_SYN TCP_FLAGS" "$(core_reasons | paste -sd ' ')"
done

# Proxy mode: a kept flow, then (proxy_halfopen_max 0) a cookie's; then a
# forged cookie to the port that just sent one, and an ACK to a port that
# sent none.
case $(uname -r) in
6.1.*) bad_ack=TCP_ACK_UNSENT_DATA ;;
*) bad_ack=TCP_INVALID_ACK_SEQUENCE ;;
esac
r sysctl -qw net.tcphs.mode=proxy net.tcphs.proxy_ports=7403,7404
halfopen=$(r sysctl -n net.tcphs.proxy_halfopen_max)
for fam in 4 6; do
	[ $fam = 4 ] && dst=$S4 || dst=$S6
	r sysctl -qw net.tcphs.proxy_halfopen_max="$halfopen"
	traced
	c "$TCPHS_CONN" connect "$dst" 7403 1 >/dev/null
	nap 0.5
	traced
	check_eq "proxy ipv$fam: a kept flow's phases" \
		"new -> synack|synack -> connecting|connecting -> open" \
		"$(about tcphs_proxy_phase 7403 | cut -d' ' -f3- | paste -sd '|')"
	check_eq "proxy ipv$fam: no cookie for a kept flow" "" \
		"$(about tcphs_cookie 7403)"

	r sysctl -qw net.tcphs.proxy_halfopen_max=0
	c "$TCPHS_CONN" connect "$dst" 7403 1 >/dev/null
	nap 0.5
	traced
	check_eq "proxy ipv$fam: a cookie's flow: new, connecting, open" \
		"new -> connecting|connecting -> open" \
		"$(about tcphs_proxy_phase 7403 | cut -d' ' -f3- | paste -sd '|')"
	check_eq "proxy ipv$fam: its cookie sent, then accepted" \
		"sent|accepted" \
		"$(about tcphs_cookie 7403 | cut -d' ' -f3- | paste -sd '|')"

	craft "$dst" <<-EOF
	41002 7403 A 5000 6000
	41003 7404 A 7000 8000
	EOF
	nap 0.5
	traced
	check_eq "proxy ipv$fam: a forged cookie refused, dropped as proxy_cookie_bad" \
		"tcphs_cookie: :7403 refused|tcphs_drop: :7403 reason=proxy_cookie_bad" \
		"$(about 'tcphs_[a-z]*' 7403 | paste -sd '|')"
	check_eq "proxy ipv$fam: an ACK where no cookie went: proxy_cookie_unsent" \
		"tcphs_cookie: :7404 unsent|tcphs_drop: :7404 reason=proxy_cookie_unsent" \
		"$(about 'tcphs_[a-z]*' 7404 | paste -sd '|')"
	check_eq "proxy ipv$fam: kfree_skb says $bad_ack for both" \
		"$bad_ack $bad_ack" "$(core_reasons | paste -sd ' ')"
done
ktap_finish
