#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Proxy mode, with tcphs in front of a forwarded server (on the router) and
# of a local one (on the server itself): byte-exact transfers both ways over
# IPv4 and IPv6, every ISN policy, cookie-only handshakes, clients without
# timestamps, SACK or window scaling, servers with window scale 0, 7 and 14,
# data on the third ACK (whole and in IP fragments), bad third ACKs, key
# rotation, a full table, and servers that refuse or never answer.

. "$(dirname "$0")/lib.sh"

XFER=$TOP/selftests/tcphs_xfer.py
CRAFT=$TOP/selftests/tcphs_px_craft.py
PORTS=8000-8002,8100-8199

trap 'topo_down; tcphs_unload' EXIT
require_scapy
ktap_header
tcphs_unload
tcphs_load test_mode=1
topo_up
s "$XFER" serve 8000 &
s "$TCPHS_CONN" listen :: 8002 &
wait_for 10 server_listening 8000
wait_for 10 server_listening 8002
# SYNs that reach the server, per crafted port.
for port in 8102 8103 8104 8105 8107 8108; do
	input_rule "$NS_S" tcp dport $port tcp flags syn counter
done
# The crafted client's kernel knows nothing of its handshakes: none of its
# RSTs (window 0, RFC 9293 3.10.7.1 sends no window) may go out; scapy's
# own RSTs carry a window.
c nft add table inet craft
c nft add chain inet craft out '{ type filter hook output priority 0; }'
c nft add rule inet craft out tcp sport 20000-30000 tcp flags rst \
	tcp window 0 drop

# syns_at PORT: SYNs that reached the server for PORT.
syns_at() {
	s nft list chain inet t in | awk -v port="dport $1 " '
		index($0, port) {
			for (i = 1; i < NF; i++)
				if ($i == "packets") print $(i + 1)
		}'
}

# delta NETNS COUNTER BEFORE
delta() { echo $(($(tcphs_stat "$1" "$2") - $3)); }

px_mode() {	# NETNS MODE
	ip netns exec "$1" sysctl -qw net.tcphs.mode="$2" \
		net.tcphs.proxy_ports=$PORTS
}

xfer() {	# ADDR BYTES COUNT
	c "$XFER" send "$1" 8000 "$2" "$3"
}

transfers() {	# WHERE PXNS
	local where=$1 pxns=$2 syn0 open0

	syn0=$(tcphs_stat "$pxns" proxy_synack)
	open0=$(tcphs_stat "$pxns" proxy_open)
	check "$where IPv4: 3 transfers, 1 MB each way, byte-exact" \
		xfer $S4 1000000 3
	check "$where IPv6: 3 transfers, 1 MB each way, byte-exact" \
		xfer $S6 1000000 3
	check_eq "$where: tcphs answered the 6 SYNs" 6 \
		"$(delta "$pxns" proxy_synack "$syn0")"
	check_eq "$where: and opened 6 server sides" 6 \
		"$(delta "$pxns" proxy_open "$open0")"
	check_eq "$where: nothing dropped" 0 "$(tcphs_stat "$pxns" dropped)"
}

# One scapy run per family and place: each scenario on its own port.
crafted() {	# WHERE PXNS ADDR FAMILY
	local where=$1 pxns=$2 addr=$3 fam=$4 ack0 cookie0 stray0 payload rec out
	local frag frec
	local -a n0
	local px="ip netns exec $pxns sysctl -qw net.tcphs"

	payload="third-ack-data-$fam-$where"
	rm -f /tmp/tcphs-rec
	s timeout 60 "$XFER" record 8101 ${#payload} /tmp/tcphs-rec &
	rec=$!
	wait_for 10 server_listening 8101
	frag="fragmented-third-ack-$fam-$where"
	rm -f /tmp/tcphs-rec-frag
	s timeout 60 "$XFER" record 8109 ${#frag} /tmp/tcphs-rec-frag &
	frec=$!
	wait_for 10 server_listening 8109
	for port in 8102 8103 8104 8105 8107; do
		n0[port]=$(syns_at $port)
	done
	ack0=$(tcphs_stat "$pxns" proxy_ack_bad)
	cookie0=$(tcphs_stat "$pxns" proxy_cookie_bad)
	stray0=$(tcphs_stat "$pxns" proxy_stray)
	out=$(c "$CRAFT" "$addr" "data3:8101:$payload" fin3:8002:bye \
		"frag3:8109:$frag" \
		badack:8102 rstbad:8107 \
		"sh:0:$px.proxy_halfopen_max=0" tamper:8103 \
		"between:8104:$px.rotate_keys=1" \
		"between:8105:$px.rotate_keys=1; $px.rotate_keys=1" \
		"sh:0:$px.proxy_halfopen_max=1000")
	wait $rec $frec
	echo "$out" | sed 's/^/# /'
	check_eq "$where $fam: data on the third ACK is acknowledged" \
		"data3 8101 ok" "$(echo "$out" | grep ^data3)"
	check_eq "$where $fam: and reaches the server intact" "$payload" \
		"$(cat /tmp/tcphs-rec 2>/dev/null)"
	check_eq "$where $fam: data and FIN before any bare third ACK connect" \
		"fin3 8002 ok" "$(echo "$out" | grep ^fin3)"
	check_eq "$where $fam: a third ACK in IP fragments is acknowledged" \
		"frag3 8109 ok" "$(echo "$out" | grep ^frag3)"
	check_eq "$where $fam: and reaches the server whole" "$frag" \
		"$(cat /tmp/tcphs-rec-frag 2>/dev/null)"
	check_eq "$where $fam: a wrong third ACK is counted" 1 \
		"$(delta "$pxns" proxy_ack_bad "$ack0")"
	check_eq "$where $fam: and reaches no server" "${n0[8102]}" \
		"$(syns_at 8102)"
	check_eq "$where $fam: a RST off the expected sequence is a counted stray" \
		1 "$(delta "$pxns" proxy_stray "$stray0")"
	wait_for 5 test "$(syns_at 8107)" -gt "${n0[8107]}"
	check_eq "$where $fam: and leaves the half-open flow to its third ACK" \
		$((n0[8107] + 1)) "$(syns_at 8107)"
	check_eq "$where $fam: a tampered cookie reaches no server" \
		"${n0[8103]}" "$(syns_at 8103)"
	wait_for 5 test "$(syns_at 8104)" -gt "${n0[8104]}"
	check_eq "$where $fam: a cookie of the previous key still opens" \
		$((n0[8104] + 1)) "$(syns_at 8104)"
	check_eq "$where $fam: two rotations later it reaches no server" \
		"${n0[8105]}" "$(syns_at 8105)"
	check_eq "$where $fam: both bad cookies are counted" 2 \
		"$(delta "$pxns" proxy_cookie_bad "$cookie0")"
}

cookies_only() {	# WHERE PXNS
	local where=$1 pxns=$2 syn0 cookie0

	ip netns exec "$pxns" sysctl -qw net.tcphs.proxy_halfopen_max=0
	syn0=$(tcphs_stat "$pxns" proxy_synack)
	cookie0=$(tcphs_stat "$pxns" proxy_cookie)
	check "$where: cookie-only handshakes, IPv4 transfers" \
		xfer $S4 500000 2
	check "$where: cookie-only handshakes, IPv6 transfers" \
		xfer $S6 500000 2
	check_eq "$where: no half-open flow was kept" 0 \
		"$(delta "$pxns" proxy_synack "$syn0")"
	check_eq "$where: 4 SYN-ACKs carried a cookie" 4 \
		"$(delta "$pxns" proxy_cookie "$cookie0")"
	ip netns exec "$pxns" sysctl -qw net.tcphs.proxy_halfopen_max=1000
}

refusal() {	# WHERE PXNS
	local where=$1 pxns=$2 ref0

	ref0=$(tcphs_stat "$pxns" proxy_refused)
	check "$where: a refusing server resets the client" \
		eval '! c "$XFER" send $S4 8001 10 1 2>/dev/null'
	check_eq "$where: counted" 1 "$(delta "$pxns" proxy_refused "$ref0")"
}

# Both ends' view of the client's connection to :8002 (ss -i).
server_view() { s ss -tniH state established '( sport = :8002 )'; }
client_view() { c ss -tniH state established '( dport = :8002 )'; }

# In ss -i, "wscale:SND,RCV": SND the shift the other end announced, RCV
# this end's own.
snd_wscale_of() { echo "$1" | sed -n 's/.*wscale:\([0-9]*\),.*/\1/p'; }
rcv_wscale_of() { echo "$1" | sed -n 's/.*wscale:[0-9]*,\([0-9]*\).*/\1/p'; }

# hold_second: a connection to :8002 that teaches tcphs the server's
# options, then one held for 5 s that tcphs answers with what it learned.
hold_second() {
	c python3 -c "import socket, time
socket.create_connection(('$S4', 8002)).close(); time.sleep(1)
s = socket.create_connection(('$S4', 8002)); time.sleep(8)" &
	wait_for 7 test -n "$(server_view)"
}

# Server window scale 0, 7, 14 (RFC 7323 2.3): from its receive buffers.
# No sysctl tells tcphs: a client after the first is answered with the
# server's own shift, and its windows need no rewriting.
server_wscale() {	# WHERE SHIFT
	local where=$1 shift=$2 max resc0

	case $shift in
	0) max=65535 ;;
	7) max=6291456 ;;
	14) max=1073741824 ;;
	esac
	sysctl -qw net.core.rmem_max=$((max < 212992 ? max : 212992))
	s sysctl -qw net.ipv4.tcp_rmem="4096 $((max < 131072 ? max : 131072)) $max"
	check "$where: server window scale $shift, transfer byte-exact" \
		xfer $S4 2000000 1
	resc0=$(tcphs_stat "$NS_R" proxy_rescaled)
	check "$where: server window scale $shift, a second transfer" \
		xfer $S4 2000000 1
	check_eq "$where: the second needs no window rewritten" 0 \
		"$(delta "$NS_R" proxy_rescaled "$resc0")"
	hold_second
	check_eq "$where: the server did announce $shift" "$shift" \
		"$(rcv_wscale_of "$(server_view)")"
	check_eq "$where: and tcphs told the client $shift" "$shift" \
		"$(snd_wscale_of "$(client_view)")"
	wait $!
}

# A server with a smaller MSS and no SACK: the next client hears so.
server_learned() {
	local learned0 view

	s ip route change default via 10.0.2.1 advmss 1200
	s sysctl -qw net.ipv4.tcp_sack=0
	learned0=$(tcphs_stat "$NS_R" proxy_learned)
	hold_second
	view=$(client_view)
	echo "# client: $view"
	# 1200 less the 12 bytes of the timestamps option in every segment.
	check_eq "the client is told the server's MSS" mss:1188 \
		"$(echo "$view" | grep -oE '(^| )mss:[0-9]+' | tr -d ' ')"
	check "and that it does no SACK" eval '! echo "$view" | grep -qw sack'
	check "proxy_learned counted it" \
		test "$(delta "$NS_R" proxy_learned "$learned0")" -ge 1
	wait $!
	s ip route change default via 10.0.2.1
	s sysctl -qw net.ipv4.tcp_sack=1
	check "the server's SACK back: transfer byte-exact" xfer $S4 2000000 1
}

for where in forwarded local; do
	if [ $where = forwarded ]; then
		pxns=$NS_R
	else
		pxns=$NS_S
		px_mode "$NS_R" track
	fi
	px_mode "$pxns" proxy
	ip netns exec "$pxns" sysctl -qw net.tcphs.proxy_halfopen_max=1000
	transfers $where "$pxns"
	crafted $where "$pxns" $S4 IPv4
	crafted $where "$pxns" $S6 IPv6
	cookies_only $where "$pxns"
	refusal $where "$pxns"
done

# The rest with tcphs on the router, in front of the forwarded server.
px_mode "$NS_S" track
px_mode "$NS_R" proxy

for policy in random rfc6528 cookie fixed; do
	r sysctl -qw net.tcphs.isn_policy=$policy
	check "isn_policy $policy: transfers byte-exact" xfer $S4 500000 2
done
check_eq "isn_policy fixed: the SYN-ACK's ISN is the fixed one" fffffff0 \
	"$(c "$CRAFT" $S4 synack:8106 | head -n 1)"
r sysctl -qw net.tcphs.isn_policy=rfc6528

for opt in tcp_timestamps tcp_sack tcp_window_scaling; do
	c sysctl -qw net.ipv4.$opt=0
	check "client without $opt: transfer byte-exact" xfer $S4 2000000 1
	c sysctl -qw net.ipv4.$opt=1
done

rmem_max=$(sysctl -n net.core.rmem_max)
tcp_rmem=$(s sysctl -n net.ipv4.tcp_rmem)
for shift in 0 7 14; do
	server_wscale forwarded $shift
done
sysctl -qw net.core.rmem_max="$rmem_max"
s sysctl -qw net.ipv4.tcp_rmem="$tcp_rmem"
server_learned

# Proxy mode left for enforce: a connection proxied before goes on,
# translated; a new one goes to the server itself.
open0=$(tcphs_stat "$NS_R" proxy_open)
check "proxy mode left while connected: 1 MB each way byte-exact" \
	c "$XFER" send $S4 8000 1000000 1 \
	"ip netns exec $NS_R sysctl -qw net.tcphs.mode=enforce"
check_eq "that connection was proxied" $((open0 + 1)) \
	"$(tcphs_stat "$NS_R" proxy_open)"
check "enforce mode: a new connection, byte-exact" xfer $S4 100000 1
check_eq "enforce mode: tcphs answered no SYN" $((open0 + 1)) \
	"$(tcphs_stat "$NS_R" proxy_open)"
r sysctl -qw net.tcphs.mode=proxy

# A full table: the SYN is answered with a cookie alone, and its good third
# ACK finds no room either: dropped, counted, and no server sees the client.
full0=$(tcphs_stat "$NS_R" table_full)
cookie0=$(tcphs_stat "$NS_R" proxy_cookie)
n8108=$(syns_at 8108)
max_flows=$(r sysctl -n net.tcphs.max_flows)
c "$CRAFT" $S4 "sh:0:ip netns exec $NS_R sysctl -qw net.tcphs.max_flows=0" \
	between:8108:true \
	"sh:0:ip netns exec $NS_R sysctl -qw net.tcphs.max_flows=$max_flows" |
	sed 's/^/# /'
check_eq "full table: the SYN-ACK carried a cookie" 1 \
	"$(delta "$NS_R" proxy_cookie "$cookie0")"
check_eq "full table: the SYN and the third ACK are counted" 2 \
	"$(delta "$NS_R" table_full "$full0")"
sleep 1
check_eq "full table: no server saw the client" "$n8108" \
	"$(syns_at 8108)"

# RFC 5961 3.2 on a proxied connection: a RST in the window but not at its
# left edge earns a challenge ACK and must not end the flow, whose record
# is the only copy of the translation.
reset0=$(tcphs_stat "$NS_R" flows_reset)
rm -f /tmp/tcphs-rec-rst
s timeout 60 "$XFER" record 8110 20 /tmp/tcphs-rec-rst &
rec=$!
wait_for 10 server_listening 8110
out=$(c "$CRAFT" $S4 rstwin:8110:0123456789)
wait $rec
check_eq "an in-window RST leaves a proxied connection up" \
	"rstwin 8110 ok" "$out"
check_eq "the server has the data from before and after it" \
	01234567890123456789 "$(cat /tmp/tcphs-rec-rst 2>/dev/null)"
check_eq "no flow was reset" "$reset0" "$(tcphs_stat "$NS_R" flows_reset)"

# A client RST while the server is yet to answer: off the sequence number
# it is a stray and the flow waits on; at it, the flow ends.
stray0=$(tcphs_stat "$NS_R" proxy_stray)
reset0=$(tcphs_stat "$NS_R" flows_reset)
c "$CRAFT" 10.0.2.9 rstconn:8000 | sed 's/^/# /'
check_eq "connecting: a RST off the sequence number is a stray" 1 \
	"$(delta "$NS_R" proxy_stray "$stray0")"
check_eq "connecting: the RST at it ends the flow" 1 \
	"$(delta "$NS_R" flows_reset "$reset0")"

# A new SYN on the tuple of a closed proxied connection (the client's port
# reused from TIME-WAIT) is a new connection: tcphs answers it itself, and
# the old translation goes.
reuse_port() {	# ADDR PORT SPORT
	c python3 - "$@" <<-'EOF'
	import socket, sys, time
	addr, port, sport = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
	for _ in range(2):
	    s = socket.socket()
	    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
	    s.bind(("", sport))
	    s.connect((addr, port))
	    s.sendall(b"x" * 1000)
	    s.shutdown(socket.SHUT_WR)
	    s.recv(1)
	    s.close()
	    time.sleep(1.5)
	EOF
}
answered() {
	echo $(($(tcphs_stat "$NS_R" proxy_synack) +
		$(tcphs_stat "$NS_R" proxy_cookie)))
}
c sysctl -qw net.ipv4.tcp_tw_reuse=1
answered0=$(answered)
restarts0=$(tcphs_stat "$NS_R" restarts)
check "one client port, two connections in turn" reuse_port $S4 8002 23456
check_eq "tcphs answered both SYNs" 2 $(($(answered) - answered0))
check_eq "the second one restarted the closed flow" 1 \
	"$(delta "$NS_R" restarts "$restarts0")"
c sysctl -qw net.ipv4.tcp_tw_reuse=2

# A server that never answers: SYN at 0, 1 and 3 s, the client reset at 7
# (each step up to a GC pass late), not at the flow's 64 s timeout. The
# bound holds the client's start too, which the debug kernel slows.
limit=12
[ -z "${TCPHS_DEBUG_KERNEL:-}" ] || limit=20
t0=$(tcphs_stat "$NS_R" proxy_timeout)
start=$SECONDS
check "absent server: the client is reset" \
	eval '! c "$XFER" send 10.0.2.9 8000 10 1 2>/dev/null'
check "absent server: within $limit s" test $((SECONDS - start)) -le $limit
check_eq "absent server: counted" 1 "$(delta "$NS_R" proxy_timeout "$t0")"
check_eq "absent server: SYN sent again twice" 2 \
	"$(tcphs_stat "$NS_R" proxy_syn_retrans)"
ktap_finish
