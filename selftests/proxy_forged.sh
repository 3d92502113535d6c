#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Proxy mode on the router against what a client may forge or send
# unasked, IPv4 and IPv6: the server's SYN-ACK forged from the client's
# side; a server announcing an MSS of 0, 1 or 65535, which must not reach
# its next clients as such; SYNs from or to no single host; SYNs that
# carry data, with a Fast Open option, without, and from Linux's own
# tcp_fastopen=5 client.

. "${0%/*}/lib.sh"
. "${0%/*}/proxy_lib.sh"

proxy_setup
px_mode "$NS_R" proxy
r sysctl -qw net.tcphs.proxy_halfopen_max=1000
R0_MAC=$(ip -n "$NS_R" link show r0 | awk '/link\/ether/ { print $2 }')

# The server's SYN-ACK forged from the client's side: the client knows the
# ISN that SYN-ACK must acknowledge. The server's SYNs to 8101 are dropped
# until the forged one is in, so that it comes first; then tcphs's SYN,
# sent again, reaches the server, whose real SYN-ACK opens the flow.
hold_syns() {
	s nft -f - <<-'NFT'
	add table inet hold
	add chain inet hold in { type filter hook input priority -10; }
	add rule inet hold in tcp dport 8101 tcp flags syn drop
	NFT
}

forged() {	# FAMILY ADDR
	local fam=$1 addr=$2 forged0 absorbed0 text=forged-synack-$1 out

	rm -f /tmp/tcphs-rec-8101
	forged0=$(tcphs_stat "$NS_R" proxy_synack_forged)
	absorbed0=$(tcphs_stat "$NS_R" proxy_absorbed)
	hold_syns
	out=$(craft "$addr" "forge:8101:c0 $R0_MAC $text ip netns exec $NS_S nft delete table inet hold")
	comment "$out"
	check_eq "$fam: a server SYN-ACK forged by the client is refused, counted" \
		1 "$(delta "$NS_R" proxy_synack_forged "$forged0")"
	check_eq "$fam: the client's bare ACK meanwhile is taken, counted" \
		1 "$(delta "$NS_R" proxy_absorbed "$absorbed0")"
	check_eq "$fam: the real server's SYN-ACK then opens the connection" \
		"forge 8101 ok" "$out"
	wait_for 30 recorded 8101 "$text"
	check_eq "$fam: and the server has the data of the third ACK" \
		"$text" "$(record_of 8101)"
}

forged IPv4 $S4
forged IPv6 $S6

# Servers of sorts on 8113-8115 that announce MSS 0, 1 and 65535; their
# kernel's RSTs (nothing listens there) kept in.
s nft -f - <<-'NFT'
add table inet mute
add chain inet mute out { type filter hook output priority 0; }
add rule inet mute out tcp sport 8113-8115 tcp flags rst drop
NFT
rm -f /tmp/tcphs-answering
s /usr/bin/python3 -S "$PX_CRAFT" --answer 8113=0 8114=1 8115=65535 &
answerer=$!
wait_for 60 test -e /tmp/tcphs-answering

opened() { [ "$(delta "$NS_R" proxy_open "$1")" -ge "$2" ]; }  # BEFORE N

# The first client of each teaches tcphs what the server announced; the
# next is answered with it: the default for an MSS below 88, 65495 for
# one above what a packet of 65535 bytes carries.
mss_learned() {	# FAMILY ADDR DEFAULT
	local fam=$1 addr=$2 dflt=$3 refused0 open0 out

	refused0=$(tcphs_stat "$NS_R" proxy_mss_refused)
	open0=$(tcphs_stat "$NS_R" proxy_open)
	out=$(craft "$addr" between:8113:true between:8114:true \
		between:8115:true)
	comment "$out"
	wait_for 30 opened "$open0" 3
	out=$(craft "$addr" synmss:8113 synmss:8114 synmss:8115)
	comment "$out"
	check_eq "$fam: after a server's MSS 0 the next client hears $dflt" \
		"mss 8113 $dflt" "$(lines_of "mss 8113" "$out")"
	check_eq "$fam: after a server's MSS 1 the next client hears $dflt" \
		"mss 8114 $dflt" "$(lines_of "mss 8114" "$out")"
	check_eq "$fam: after a server's MSS 65535 the next one hears 65495" \
		"mss 8115 65495" "$(lines_of "mss 8115" "$out")"
	check_eq "$fam: the two MSS refused are counted" 2 \
		"$(delta "$NS_R" proxy_mss_refused "$refused0")"
}

mss_learned IPv4 $S4 1460
mss_learned IPv6 $S6 1440
kill "$answerer"
wait "$answerer" 2>/dev/null

# SYNs from or to no single host (RFC 1122 3.2.1.3, RFC 6890, RFC 4291),
# sent past the client's routing, each as DEV MAC SRC DST ("-": the
# client's address, the server's). IPv6 drops a loopback address and a
# multicast source before PRE_ROUTING itself.
answered() {	# NETNS: SYN-ACKs tcphs sent for new flows, kept or not
	tcphs_stats "$1"
	echo $((STAT[proxy_synack] + STAT[proxy_cookie]))
}

martians() {	# FAMILY ADDR CASE...
	local fam=$1 addr=$2 m0 a0 out spec

	shift 2
	for spec; do
		m0=$(tcphs_stat "$NS_R" proxy_martian)
		a0=$(answered "$NS_R")
		out=$(craft "$addr" "martian:8000:c0 $spec")
		check_eq "$fam: SYN at MAC SRC DST $spec: unanswered, counted martian" \
			"martian 8000 ok, 1 martian, 0 answered" \
			"$out, $(delta "$NS_R" proxy_martian "$m0") martian, $(($(answered "$NS_R") - a0)) answered"
	done
}

martians IPv4 $S4 "$R0_MAC 0.0.0.0 -" "$R0_MAC 0.1.2.3 -" \
	"$R0_MAC 127.0.0.1 -" "$R0_MAC 224.0.0.1 -" \
	"$R0_MAC 255.255.255.255 -" "$R0_MAC - 0.0.0.0" \
	"$R0_MAC - 0.1.2.3" "$R0_MAC - 127.0.0.1" "$R0_MAC - 224.0.0.1" \
	"$R0_MAC - 255.255.255.255" "ff:ff:ff:ff:ff:ff - -" \
	"01:00:5e:00:00:01 - -"
martians IPv6 $S6 "$R0_MAC :: -" "$R0_MAC - ::" "$R0_MAC - ff02::1" \
	"$R0_MAC - ff0e::1" "33:33:00:00:00:01 - -"
check "and a good SYN after them is answered: transfer byte-exact" \
	xfer $S4 10000 1

# Data on the SYN (RFC 9293 3.10.7.2): answered like any SYN, its data
# not taken; the client sends it again after the handshake. The server
# would take it itself (Fast Open with no cookie): an answer that
# acknowledges the data would be the server's, not tcphs's.
s sysctl -qw net.ipv4.tcp_fastopen=1538
c sysctl -qw net.ipv4.tcp_fastopen=5

# A Linux client that sends data on its SYN (tcp_fastopen=5: no cookie, no
# option); "unacked": its SYN-ACK acknowledged the SYN alone.
fastopen_client() {	# ADDR PORT TEXT
	c python3 - "$@" <<-'EOF'
	import socket, sys
	addr, port, text = sys.argv[1], int(sys.argv[2]), sys.argv[3].encode()
	fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
	with socket.socket(fam, socket.SOCK_STREAM) as s:
	    s.settimeout(30)
	    s.sendto(text, 0x20000000, (addr, port))  # MSG_FASTOPEN
	    s.shutdown(socket.SHUT_WR)
	    while s.recv(100):
	        pass
	    info = s.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 8)
	    print("acked" if info[5] & 32 else "unacked")  # TCPI_OPT_SYN_DATA
	EOF
}

syn_data() {	# FAMILY ADDR
	local fam=$1 addr=$2 data0 syn0 out plain tfo linux

	plain=syn-data-$fam
	tfo=syn-data-fastopen-$fam
	linux=syn-data-linux-$fam
	rm -f /tmp/tcphs-rec-8101 /tmp/tcphs-rec-8109 /tmp/tcphs-rec-8110
	data0=$(tcphs_stat "$NS_R" proxy_syn_data)
	syn0=$(tcphs_stat "$NS_R" proxy_synack)
	out=$(craft "$addr" "syndata:8110:$plain" "tfodata:8109:$tfo")
	comment "$out"
	check_eq "$fam: a SYN with data: its SYN-ACK acks the SYN alone, the data sent again is acked" \
		"syndata 8110 ok" "$(lines_of "syndata" "$out")"
	wait_for 30 recorded 8110 "$plain"
	check_eq "$fam: and the server has it byte-exact" "$plain" \
		"$(record_of 8110)"
	check_eq "$fam: the same with a Fast Open option" \
		"tfodata 8109 ok" "$(lines_of "tfodata" "$out")"
	wait_for 30 recorded 8109 "$tfo"
	check_eq "$fam: and the server has it byte-exact" "$tfo" \
		"$(record_of 8109)"
	out=$(fastopen_client "$addr" 8101 "$linux")
	check_eq "$fam: tcp_fastopen=5: the SYN-ACK acked the SYN alone" \
		unacked "$out"
	wait_for 30 recorded 8101 "$linux"
	check_eq "$fam: and the server has the data byte-exact" "$linux" \
		"$(record_of 8101)"
	check_eq "$fam: tcphs answered the 3 SYNs" 3 \
		"$(delta "$NS_R" proxy_synack "$syn0")"
	check_eq "$fam: all 3 counted as SYNs with data" 3 \
		"$(delta "$NS_R" proxy_syn_data "$data0")"
}

syn_data IPv4 $S4
syn_data IPv6 $S6
check_eq "nothing dropped" 0 "$(tcphs_stat "$NS_R" dropped)"
proxy_finish
