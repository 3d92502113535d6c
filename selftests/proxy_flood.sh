#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tcphs proxy side by side with nft synproxy (and with neither: the server's
# own SYN cookies), on the router, in front of the forwarded server:
#
#  - the time from the client's connect() to the first byte of the server's
#    answer, over a link with 20 ms of delay each way: SYNPROXY announces a
#    zero window and the client waits for the window update, one round trip
#    more; tcphs announces a real window and holds the request. Asserted
#    without timing: every SYN-ACK of tcphs's the client receives has an
#    open window, none a zero one. Then in whole round trips (the median's
#    floor in 40 ms units): the delay makes 2 the least an exchange takes
#    and 3 SYNPROXY's least, and the guest's own time (about 15 ms when
#    idle) would have to pass 40 ms to count as one more. tcphs takes 2 or
#    more (the delay is in its path), fewer than SYNPROXY, no more than no
#    proxy;
#  - a spoofed-source SYN flood (hping3) while a legitimate client keeps
#    connecting: how many of its exchanges complete, and whether the server
#    ever holds a half-open connection of a spoofed source.
#
# The figures of all three are printed; tcphs's are asserted, and of
# SYNPROXY's under the flood, that they were measured: every probe was
# counted and the flood went through its rule.

. "${0%/*}/lib.sh"

XFER=$TOP/selftests/tcphs_xfer.py
PROBES=${PROBES:-100}
# hping3 -i u200: up to 5000 SYNs per second (TCG makes about 800);
# bench/ measures the highest rate the VM can make.
FLOOD_US=${FLOOD_US:-200}
DELAY_MS=20

trap 'topo_down; tcphs_unload' EXIT
require_tool hping3 command -v hping3
require_tool nft command -v nft
require_tool tc command -v tc
require_tool python3 test -x /usr/bin/python3
# A flood means nothing where KASAN makes every packet cost 10 times more;
# the stock kernel's run measures it.
[ -z "${TCPHS_DEBUG_KERNEL:-}" ] ||
	skip_all "times and flood rates mean nothing under KASAN;" \
		"make check's stock-kernel run has them"
ktap_header
tcphs_unload
tcphs_load
topo_up
# Backscatter to spoofed sources leaves towards the client, which drops it.
r ip route add default via $C4
s "$XFER" serve 8000 &
wait_for 10 server_listening 8000

use_none() {
	r sysctl -qw net.tcphs.mode=off
	r nft flush ruleset
}

use_tcphs() {
	r nft flush ruleset
	r sysctl -qw net.tcphs.mode=proxy net.tcphs.proxy_ports=8000 \
		net.tcphs.proxy_halfopen_max=256
}

# As the kernel's own nft_synproxy.sh sets it up.
use_synproxy() {
	r sysctl -qw net.tcphs.mode=off
	r nft -f - <<-EOF
	table inet sp {
		chain prerouting {
			type filter hook prerouting priority -300; policy accept;
			iif r0 tcp dport 8000 tcp flags syn notrack
		}
		chain forward {
			type filter hook forward priority 0; policy accept;
			ct state new,established accept
			iif r0 meta l4proto tcp ct state untracked,invalid counter synproxy mss 1460 wscale 7 timestamp sack-perm
			ct state invalid drop
		}
	}
	EOF
	# nft loaded conntrack: only now does this sysctl exist.
	r sysctl -qw net.netfilter.nf_conntrack_tcp_loose=0
}

probe() {	# COUNT TIMEOUT: prints "OK/COUNT MEDIAN_MS"
	c "$XFER" probe $S4 8000 "$1" "$2"
}

# In the client: count the SYN-ACKs of port 8000, by their window.
synack_counters() {
	c nft -f - <<-EOF
	table inet w {
		counter zero { }
		counter open { }
		chain in {
			type filter hook input priority 0; policy accept;
			tcp sport 8000 tcp flags & (syn | ack) == syn | ack tcp window 0 counter name zero
			tcp sport 8000 tcp flags & (syn | ack) == syn | ack tcp window != 0 counter name open
		}
	}
	EOF
}

synacks() {	# zero|open
	c nft list counter inet w "$1" | awk '$1 == "packets" { print $2 }'
}

# round_trips MS: whole round trips in MS.
round_trips() {
	awk -v ms="$1" -v rtt=$((2 * DELAY_MS)) 'BEGIN { print int(ms / rtt) }'
}

declare -A rts zero open ratio halfopen sent_by

# Time to first byte, no flood, 20 ms each way on the client's link.
c tc qdisc add dev c0 root netem delay ${DELAY_MS}ms
r tc qdisc add dev r0 root netem delay ${DELAY_MS}ms
synack_counters
for cfg in none tcphs synproxy; do
	"use_$cfg"
	z=$(synacks zero) o=$(synacks open)
	read -r ok ms <<<"$(probe 20 5)"
	rts[$cfg]=$(round_trips "$ms")
	zero[$cfg]=$(($(synacks zero) - z))
	open[$cfg]=$(($(synacks open) - o))
	echo "# $cfg: $ok exchanges, median time to first byte $ms ms" \
	     "(${rts[$cfg]} round trips); SYN-ACKs to the client:" \
	     "${zero[$cfg]} with a zero window, ${open[$cfg]} with an open one"
	check_eq "$cfg: 20 exchanges over the delayed link" 20/20 "$ok"
done
c tc qdisc del dev c0 root
r tc qdisc del dev r0 root
c nft delete table inet w

check_eq "tcphs: no SYN-ACK with a zero window" 0 "${zero[tcphs]}"
check "tcphs: every exchange's SYN-ACK had an open window" \
	test "${open[tcphs]}" -ge 20
check "tcphs: 2 round trips or more to the first byte (the delay applies)" \
	test "${rts[tcphs]}" -ge 2
check "tcphs: fewer round trips than SYNPROXY" \
	test "${rts[tcphs]}" -lt "${rts[synproxy]}"
check "tcphs: no more round trips than no proxy" \
	test "${rts[tcphs]}" -le "${rts[none]}"

# What synproxy's rule has counted since use_synproxy made it.
synproxy_packets() {
	r nft list chain inet sp forward |
		sed -n 's/.* counter packets \([0-9]*\) .*synproxy.*/\1/p'
}

# The most SYN-RECV sockets of spoofed sources the server held while
# sampled every 0.5 s. The legitimate client's are left out: behind tcphs
# each of its connections is SYN-RECV at the server for the round trip
# between tcphs's SYN and its ACK, which a sample may catch.
sample_halfopen() {
	local most=0 n

	while [ -e /tmp/tcphs-flooding ]; do
		n=$(s ss -Htn state syn-recv not dst "$C4" | wc -l)
		[ "$n" -gt "$most" ] && most=$n
		sleep 0.5
	done
	echo "$most"
}

# No proxy last: the half-open connections its flood leaves on the server
# live for a minute of SYN-ACK retries, and would be counted against the
# next.
for cfg in tcphs synproxy none; do
	"use_$cfg"
	touch /tmp/tcphs-flooding
	c hping3 -q -S -p 8000 -i u$FLOOD_US --rand-source $S4 \
		>/tmp/tcphs-hping.out 2>&1 &
	flood=$!
	start=$(date +%s.%N)
	sample_halfopen >/tmp/tcphs-halfopen &
	sampler=$!
	sleep 2
	read -r ok ms <<<"$(probe "$PROBES" 3)"
	# $flood is the subshell of c(), which as a background job ignores
	# SIGINT: the signal goes to hping3 itself, which prints its count.
	pkill -INT -x hping3
	wait $flood
	secs=$(echo "$start $(date +%s.%N)" | awk '{ printf "%.1f", $2 - $1 }')
	rm -f /tmp/tcphs-flooding
	wait $sampler
	halfopen[$cfg]=$(cat /tmp/tcphs-halfopen)
	ratio[$cfg]=$ok
	sent=$(sed -n 's/^\([0-9]*\) packets transmitted.*/\1/p' \
		/tmp/tcphs-hping.out)
	sent_by[$cfg]=${sent:-0}
	[ "$cfg" = synproxy ] && synproxy_seen=$(synproxy_packets)
	echo "# flood, $cfg: $ok legitimate exchanges completed" \
	     "(median ${ms} ms), ${sent:-?} spoofed SYNs in $secs s," \
	     "server SYN-RECV at most ${halfopen[$cfg]}"
done

check "tcphs under flood: at least 99% of legitimate exchanges complete" \
	awk -v r="${ratio[tcphs]}" \
	'BEGIN { split(r, a, "/"); exit !(a[1] * 100 >= a[2] * 99) }'
check_eq "tcphs under flood: the server never held a spoofed half-open" \
	0 "${halfopen[tcphs]}"
check "tcphs under flood: SYN-ACKs fell back to cookies" \
	test "$(tcphs_stat "$NS_R" proxy_cookie)" -gt 0
check "synproxy under flood: each of the $PROBES exchanges was counted" \
	grep -qx "[0-9]*/$PROBES" <<<"${ratio[synproxy]}"
check "synproxy under flood: its rule saw the flood" \
	test "${synproxy_seen:-0}" -ge $((sent_by[synproxy] / 2 + 1))
ktap_finish
