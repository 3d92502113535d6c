#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Proxy mode on the router, at its edges: leaving proxy mode with a
# proxied connection up; a full table; an in-window RST that is not at
# RCV.NXT; client RSTs while the server is yet to answer; a client port
# reused from TIME-WAIT; a server that never answers.

. "${0%/*}/lib.sh"
. "${0%/*}/proxy_lib.sh"

proxy_setup
px_mode "$NS_R" proxy
r sysctl -qw net.tcphs.proxy_halfopen_max=1000

# Proxy mode left for enforce: a connection proxied before goes on,
# translated; a new one goes to the server itself.
open0=$(tcphs_stat "$NS_R" proxy_open)
each="$(xfer_bytes 1000000) bytes each way"
check "proxy mode left while connected: $each byte-exact" \
	xfer $S4 1000000 1 8000 \
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
out=$(craft $S4 "sh:0:sysctl $NS_R net.tcphs.max_flows=0" \
	between:8108:true \
	"sh:0:sysctl $NS_R net.tcphs.max_flows=$max_flows")
comment "$out"
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
rm -f /tmp/tcphs-rec-8110
out=$(craft $S4 rstwin:8110:0123456789)
wait_for 30 recorded 8110 01234567890123456789
check_eq "an in-window RST leaves a proxied connection up" \
	"rstwin 8110 ok" "$out"
check_eq "the server has the data from before and after it" \
	01234567890123456789 "$(record_of 8110)"
check_eq "no flow was reset" "$reset0" "$(tcphs_stat "$NS_R" flows_reset)"

# A client RST while the server is yet to answer: off the sequence number
# it is a stray and the flow waits on; at it, the flow ends.
stray0=$(tcphs_stat "$NS_R" proxy_stray)
reset0=$(tcphs_stat "$NS_R" flows_reset)
out=$(craft 10.0.2.9 rstconn:8000)
comment "$out"
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
	eval '! xfer 10.0.2.9 10 1 2>/dev/null'
check "absent server: within $limit s" test $((SECONDS - start)) -le $limit
check_eq "absent server: counted" 1 "$(delta "$NS_R" proxy_timeout "$t0")"
check_eq "absent server: SYN sent again twice" 2 \
	"$(tcphs_stat "$NS_R" proxy_syn_retrans)"
proxy_finish
