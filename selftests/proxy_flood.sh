#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tcphs proxy side by side with nft synproxy (and with neither: the server's
# own SYN cookies), on the router, in front of the forwarded server:
#
#  - the time from the client's connect() to the first byte of the server's
#    answer, over a link with 20 ms of delay each way: SYNPROXY announces a
#    zero window and the client waits for the window update, one round trip
#    more; tcphs announces a real window and holds the request;
#  - a spoofed-source SYN flood (hping3) while a legitimate client keeps
#    connecting: how many of its exchanges complete, and whether the server
#    ever holds a half-open connection.
#
# The figures of all three are printed; tcphs's are asserted.

. "$(dirname "$0")/lib.sh"

XFER=$TOP/selftests/tcphs_xfer.py
PROBES=${PROBES:-100}
# hping3 -i u200: up to 5000 SYNs per second (TCG makes about 800);
# bench/ measures the highest rate the VM can make.
FLOOD_US=${FLOOD_US:-200}
DELAY_MS=20

trap 'topo_down; tcphs_unload' EXIT
command -v hping3 >/dev/null || skip_all "hping3 missing"
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
			iif r0 meta l4proto tcp ct state untracked,invalid synproxy mss 1460 wscale 7 timestamp sack-perm
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

declare -A ttfb ratio halfopen

# Time to first byte, no flood, 20 ms each way on the client's link.
c tc qdisc add dev c0 root netem delay ${DELAY_MS}ms
r tc qdisc add dev r0 root netem delay ${DELAY_MS}ms
for cfg in none tcphs synproxy; do
	"use_$cfg"
	read -r ok ms <<<"$(probe 20 5)"
	ttfb[$cfg]=$ms
	echo "# $cfg: $ok exchanges, median time to first byte $ms ms"
	check_eq "$cfg: 20 exchanges over the delayed link" 20/20 "$ok"
done
c tc qdisc del dev c0 root
r tc qdisc del dev r0 root

rtt=$((2 * DELAY_MS))
check "tcphs saves SYNPROXY's extra round trip (at least ${DELAY_MS} ms)" \
	awk -v t="${ttfb[tcphs]}" -v s="${ttfb[synproxy]}" -v d=$DELAY_MS \
	'BEGIN { exit !(t + d <= s) }'
check "tcphs adds under half a round trip to no proxy" \
	awk -v t="${ttfb[tcphs]}" -v n="${ttfb[none]}" -v h=$((rtt / 2)) \
	'BEGIN { exit !(t < n + h) }'

# The most SYN-RECV sockets the server held while sampled every 0.5 s.
sample_halfopen() {
	local most=0 n

	while [ -e /tmp/tcphs-flooding ]; do
		n=$(s ss -Htn state syn-recv | wc -l)
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
	echo "# flood, $cfg: $ok legitimate exchanges completed" \
	     "(median ${ms} ms), ${sent:-?} spoofed SYNs in $secs s," \
	     "server SYN-RECV at most ${halfopen[$cfg]}"
done

check "tcphs under flood: at least 99% of legitimate exchanges complete" \
	awk -v r="${ratio[tcphs]}" \
	'BEGIN { split(r, a, "/"); exit !(a[1] * 100 >= a[2] * 99) }'
check_eq "tcphs under flood: the server never held a half-open connection" \
	0 "${halfopen[tcphs]}"
check "tcphs under flood: SYN-ACKs fell back to cookies" \
	test "$(tcphs_stat "$NS_R" proxy_cookie)" -gt 0
check "synproxy under flood: measured" test -n "${ratio[synproxy]}"
ktap_finish
