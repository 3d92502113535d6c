# SPDX-License-Identifier: GPL-2.0
#
# Shared by the proxy-mode selftests (proxy.sh, proxy_local.sh,
# proxy_options.sh, proxy_edges.sh): the set-up, with tcphs loaded in test
# mode and the servers up; the crafting helper; each group of checks.
# Sourced after lib.sh.

XFER=$TOP/selftests/tcphs_xfer.py
PX_CRAFT=$TOP/selftests/tcphs_px_craft.py
PORTS=8000-8002,8100-8199
# Ports whose SYNs the server counts.
COUNTED="8102 8103 8104 8105 8107 8108"

proxy_setup() {
	trap 'topo_down; tcphs_unload' EXIT
	ktap_header
	tcphs_unload
	tcphs_load test_mode=1
	topo_up
	# 8000 checks and answers transfers; 8101, 8109 and 8110 record what
	# the crafted clients send (/tmp/tcphs-rec-PORT).
	s "$XFER" serve 8000 8101 8109 8110 &
	s "$TCPHS_CONN" listen :: 8002 &
	# SYNs that reach the server, per crafted port. The crafted client's
	# kernel knows nothing of its handshakes: none of its RSTs (window 0,
	# RFC 9293 3.10.7.1 sends no window) may go out; the crafted RSTs
	# carry a window.
	{
		echo "add table inet t"
		echo "add chain inet t in { type filter hook input priority 0; }"
		for port in $COUNTED; do
			echo "add rule inet t in tcp dport $port tcp flags syn counter"
		done
	} | s nft -f -
	c nft -f - <<-'NFT'
	add table inet craft
	add chain inet craft out { type filter hook output priority 0; }
	add rule inet craft out tcp sport 20000-30000 tcp flags rst tcp window 0 drop
	NFT
	wait_for 60 server_listening 8000
	wait_for 60 server_listening 8002
	# One crafting process for the whole test: python is slow to start on
	# the debug kernel; -S: no site packages to look through.
	coproc PX { c /usr/bin/python3 -S "$PX_CRAFT" --serve; }
}

# craft ADDR NAME:PORT[:ARG]...: run the scenarios in the crafting helper;
# print what it says of them.
craft() {
	coproc_ask PX "$@" && return 0
	echo "# craft: the crafting helper died"
	return 1
}

proxy_finish() {
	exec {PX[1]}>&-
	wait "$PX_PID"
	ktap_finish
}

# record_of PORT: what the server recorded of the last connection to PORT.
record_of() {
	local f=/tmp/tcphs-rec-$1

	[ -f "$f" ] && echo "$(<"$f")"
}

recorded() { [ "$(record_of "$1")" = "$2" ]; }	# PORT TEXT

# syn_counts: the SYNs that reached the server, per counted port, into
# SYNS[PORT], from one listing of its chain.
declare -A SYNS
syn_counts() {
	local -a word
	local i port

	SYNS=()
	while read -r -a word; do
		port=
		for ((i = 0; i + 1 < ${#word[@]}; i++)); do
			case ${word[i]} in
			dport) port=${word[i + 1]} ;;
			packets) [ -z "$port" ] || SYNS[$port]=${word[i + 1]} ;;
			esac
		done
	done < <(s nft list chain inet t in)
}

# syns_at PORT: SYNs that reached the server for PORT.
syns_at() {
	syn_counts
	echo "${SYNS[$1]:-}"
}

# syns_above PORT N: more than N SYNs reached the server for PORT.
syns_above() {
	syn_counts
	[ "${SYNS[$1]:-0}" -gt "$2" ]
}

# delta NETNS COUNTER BEFORE
delta() { echo $(($(tcphs_stat "$1" "$2") - $3)); }

px_mode() {	# NETNS MODE
	ns_sysctl "$1" net.tcphs.mode="$2" net.tcphs.proxy_ports=$PORTS
}

# On the debug kernel, whose cost is per segment, a transfer moves a
# quarter of its bytes (still hundreds of segments, through slow start,
# window updates and scaling): TCPHS_XFER_DIV.
XFER_DIV=${TCPHS_XFER_DIV:-$((DEBUG_KERNEL ? 4 : 1))}

# xfer_bytes BYTES: what a transfer of BYTES moves on this kernel.
xfer_bytes() { echo $(($1 / XFER_DIV)); }

# xfer ADDR BYTES COUNT [PORT [COMMAND]]: COUNT byte-exact transfers of
# xfer_bytes BYTES each way, made by the crafting helper; COMMAND (a shell
# line) runs once each connection is up.
xfer() {
	local port=${4:-8000}

	[[ $(craft "$1" "send:$port:$(xfer_bytes "$2") $3${5:+ $5}") == \
		"send $port ok" ]]
}

transfers() {	# WHERE PXNS
	local where=$1 pxns=$2 syn0 open0 drops each

	syn0=$(tcphs_stat "$pxns" proxy_synack)
	open0=$(tcphs_stat "$pxns" proxy_open)
	each="$(xfer_bytes 1000000) bytes each way"
	check "$where IPv4: 3 transfers, $each, byte-exact" xfer $S4 1000000 3
	check "$where IPv6: 3 transfers, $each, byte-exact" xfer $S6 1000000 3
	check_eq "$where: tcphs answered the 6 SYNs" 6 \
		"$(delta "$pxns" proxy_synack "$syn0")"
	check_eq "$where: and opened 6 server sides" 6 \
		"$(delta "$pxns" proxy_open "$open0")"
	drops=$(lost_drops "$pxns")
	check_eq "$where: nothing dropped that its receiver would take" 0 \
		"$drops"
	[ "$drops" = 0 ] || tcphs_nonzero "$pxns"
}

# One request to the crafting helper per family and place: each scenario
# on its own port.
crafted() {	# WHERE PXNS ADDR FAMILY
	local where=$1 pxns=$2 addr=$3 fam=$4 ack0 cookie0 stray0 payload out
	local frag
	local -a n0
	local px="sysctl $pxns net.tcphs"

	payload="third-ack-data-$fam-$where"
	frag="fragmented-third-ack-$fam-$where"
	rm -f /tmp/tcphs-rec-8101 /tmp/tcphs-rec-8109
	syn_counts
	for port in 8102 8103 8104 8105 8107; do
		n0[port]=${SYNS[$port]}
	done
	ack0=$(tcphs_stat "$pxns" proxy_ack_bad)
	cookie0=$(tcphs_stat "$pxns" proxy_cookie_bad)
	stray0=$(tcphs_stat "$pxns" proxy_stray)
	out=$(craft "$addr" "data3:8101:$payload" fin3:8002:bye \
		"frag3:8109:$frag" \
		badack:8102 rstbad:8107 \
		"sh:0:$px.proxy_halfopen_max=0" tamper:8103 \
		"between:8104:$px.rotate_keys=1" \
		"between:8105:$px.rotate_keys=1 net.tcphs.rotate_keys=1" \
		"sh:0:$px.proxy_halfopen_max=1000")
	wait_for 30 recorded 8101 "$payload"
	wait_for 30 recorded 8109 "$frag"
	comment "$out"
	check_eq "$where $fam: data on the third ACK is acknowledged" \
		"data3 8101 ok" "$(lines_of "data3" "$out")"
	check_eq "$where $fam: and reaches the server intact" "$payload" \
		"$(record_of 8101)"
	check_eq "$where $fam: data and FIN before any bare third ACK connect" \
		"fin3 8002 ok" "$(lines_of "fin3" "$out")"
	check_eq "$where $fam: a third ACK in IP fragments is acknowledged" \
		"frag3 8109 ok" "$(lines_of "frag3" "$out")"
	check_eq "$where $fam: and reaches the server whole" "$frag" \
		"$(record_of 8109)"
	check_eq "$where $fam: a wrong third ACK is counted" 1 \
		"$(delta "$pxns" proxy_ack_bad "$ack0")"
	# The good third ACKs open their server sides: wait for both, then
	# read every count at once.
	wait_for 30 syns_above 8107 "${n0[8107]}"
	wait_for 30 syns_above 8104 "${n0[8104]}"
	syn_counts
	check_eq "$where $fam: and reaches no server" "${n0[8102]}" \
		"${SYNS[8102]}"
	check_eq "$where $fam: a RST off the expected sequence is a counted stray" \
		1 "$(delta "$pxns" proxy_stray "$stray0")"
	check_eq "$where $fam: and leaves the half-open flow to its third ACK" \
		$((n0[8107] + 1)) "${SYNS[8107]}"
	check_eq "$where $fam: a tampered cookie reaches no server" \
		"${n0[8103]}" "${SYNS[8103]}"
	check_eq "$where $fam: a cookie of the previous key still opens" \
		$((n0[8104] + 1)) "${SYNS[8104]}"
	check_eq "$where $fam: two rotations later it reaches no server" \
		"${n0[8105]}" "${SYNS[8105]}"
	check_eq "$where $fam: both bad cookies are counted" 2 \
		"$(delta "$pxns" proxy_cookie_bad "$cookie0")"
}

cookies_only() {	# WHERE PXNS
	local where=$1 pxns=$2 syn0 cookie0

	ns_sysctl "$pxns" net.tcphs.proxy_halfopen_max=0
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
	ns_sysctl "$pxns" net.tcphs.proxy_halfopen_max=1000
}

refusal() {	# WHERE PXNS
	local where=$1 pxns=$2 ref0

	ref0=$(tcphs_stat "$pxns" proxy_refused)
	check "$where: a refusing server resets the client" \
		eval '! xfer $S4 10 1 8001 2>/dev/null'
	check_eq "$where: counted" 1 "$(delta "$pxns" proxy_refused "$ref0")"
}

# Both ends' view of the client's connection to :8002 (ss -i).
# Of the held connection alone (hold_second): the one before it may not
# have closed yet.
server_view() {
	s ss -tniH state established "( sport = :8002 and dport = :$held_port )"
}
client_view() {
	c ss -tniH state established "( dport = :8002 and sport = :$held_port )"
}

# In ss -i, "wscale:SND,RCV": SND the shift the other end announced, RCV
# this end's own.
snd_wscale_of() { [[ $1 =~ wscale:([0-9]+),([0-9]+) ]] && echo "${BASH_REMATCH[1]}"; }
rcv_wscale_of() { [[ $1 =~ wscale:([0-9]+),([0-9]+) ]] && echo "${BASH_REMATCH[2]}"; }

# has_word WORD TEXT: WORD stands alone in TEXT, as grep -qw finds it.
has_word() {
	[[ $2 =~ (^|[^[:alnum:]_])$1([^[:alnum:]_]|$) ]]
}

# hold_second: a connection to :8002 that teaches tcphs the server's
# options, then one, held until release_second, that tcphs answers with
# what it learned.
hold_second() {
	rm -f /tmp/tcphs-held
	c python3 -c "import socket, time
socket.create_connection(('$S4', 8002)).close(); time.sleep(1)
s = socket.create_connection(('$S4', 8002))
with open('/tmp/tcphs-held.tmp', 'w') as f: f.write(str(s.getsockname()[1]))
import os; os.rename('/tmp/tcphs-held.tmp', '/tmp/tcphs-held'); time.sleep(60)" &
	held=$!
	wait_for 60 test -e /tmp/tcphs-held
	held_port=$(cat /tmp/tcphs-held)
	wait_for 5 has_server_view
}

has_server_view() { [ -n "$(server_view)" ]; }

release_second() {
	kill "$held"
	wait "$held" 2>/dev/null
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
	release_second
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
		"$([[ $view =~ (^|[[:space:]])(mss:[0-9]+) ]] &&
			echo "${BASH_REMATCH[2]}")"
	check "and that it does no SACK" eval '! has_word sack "$view"'
	check "proxy_learned counted it" \
		test "$(delta "$NS_R" proxy_learned "$learned0")" -ge 1
	release_second
	s ip route change default via 10.0.2.1
	s sysctl -qw net.ipv4.tcp_sack=1
	check "the server's SACK back: transfer byte-exact" xfer $S4 2000000 1
}


# The checks of one place of tcphs: in front of a forwarded server (on the
# router) or of a local one (in the server's own namespace).
proxy_place() {	# WHERE PXNS
	local where=$1 pxns=$2

	px_mode "$pxns" proxy
	ns_sysctl "$pxns" net.tcphs.proxy_halfopen_max=1000
	transfers "$where" "$pxns"
	crafted "$where" "$pxns" $S4 IPv4
	crafted "$where" "$pxns" $S6 IPv6
	cookies_only "$where" "$pxns"
	refusal "$where" "$pxns"
}
