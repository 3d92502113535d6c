#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Proxy mode under bulk transfers and loss: tcphs on the router answers
# every handshake, and the router drops 1 % of what it forwards each way,
# so the flows recover with SACK through tcphs's translation.
#
#   tcphs_xfer   TCPHS_BULK_MB each way, both directions checked by SHA-256
#   curl         TCPHS_BULK_MB from python3 -m http.server over IPv6,
#                compared by sha256sum
#   iperf3       TCPHS_BULK_MB to the server and TCPHS_BULK_MB back (-R)
#
# and then: SACK recoveries happened at both ends, no SACK block was
# discarded as bogus (a mistranslated block would be), and tcphs dropped
# nothing. TCPHS_BULK_MB defaults to 32; the debug kernel's run (KASAN
# under TCG) passes a smaller size to stay in time.

. "${0%/*}/lib.sh"

XFER=$TOP/selftests/tcphs_xfer.py
MB=${TCPHS_BULK_MB:-32}
BYTES=$((MB * 1000000))
WWW=/tmp/tcphs-www

trap 'topo_down; tcphs_unload; rm -rf $WWW' EXIT
for tool in curl iperf3 nstat sha256sum; do
	require_tool $tool command -v $tool
done
ktap_header
tcphs_unload
tcphs_load
topo_up
r sysctl -qw net.tcphs.mode=proxy net.tcphs.proxy_ports=8000-8003

mkdir -p $WWW
head -c $BYTES /dev/urandom >$WWW/blob
s "$XFER" serve 8000 &
s python3 -m http.server --bind :: --directory $WWW 8001 >/dev/null 2>&1 &
s iperf3 -s -p 8003 >/dev/null 2>&1 &
for port in 8000 8001 8003; do
	wait_for 60 server_listening $port
done

# 1 % loss on the router's way to the client and to the server.
r tc qdisc add dev r0 root netem loss 1%
r tc qdisc add dev r1 root netem loss 1%

# sack_stat NAME: a TcpExt counter of the client and the server, summed.
sack_stat() {
	local ns total=0 n

	for ns in "$NS_C" "$NS_S"; do
		n=$(ip netns exec "$ns" nstat -asz "$1" |
			awk -v name="$1" '$1 == name { print $2 }')
		total=$((total + ${n:-0}))
	done
	echo $total
}

# iperf3_run ARGS...: iperf3 sends BYTES; prints how many it sent, or
# nothing if it failed. Its counts are not checksums: xfer and curl are.
iperf3_run() {
	c iperf3 -c $S4 -p 8003 -n $BYTES -J "$@" >/tmp/tcphs-iperf3.json &&
		python3 -c 'import json, sys
end = json.load(open(sys.argv[1]))["end"]
print(end["sum_sent"]["bytes"])
print("# %.0f Mbit/s" % (end["sum_received"]["bits_per_second"] / 1e6),
      file=sys.stderr)' /tmp/tcphs-iperf3.json
}

recov0=$(sack_stat TcpExtTCPSackRecovery)
discard0=$(sack_stat TcpExtTCPSACKDiscard)
open0=$(tcphs_stat "$NS_R" proxy_open)

check "tcphs_xfer: $MB MB each way over IPv4, SHA-256 equal" \
	c "$XFER" send $S4 8000 $BYTES 1
check_eq "curl: $MB MB over IPv6, sha256sum equal" \
	"$(sha256sum <$WWW/blob)" \
	"$(c curl -sS -g "http://[$S6]:8001/blob" | sha256sum)"
check "iperf3: $MB MB to the server" test "$(iperf3_run)" -ge $BYTES
check "iperf3: $MB MB from the server (-R)" \
	test "$(iperf3_run -R)" -ge $BYTES

recov=$(($(sack_stat TcpExtTCPSackRecovery) - recov0))
echo "# SACK recoveries at the client and the server: $recov"
check "the losses were recovered with SACK" test "$recov" -gt 0
check_eq "no SACK block was discarded as bogus" 0 \
	$(($(sack_stat TcpExtTCPSACKDiscard) - discard0))
# xfer 1, curl 1, iperf3 a control and a data connection per run.
check_eq "tcphs opened the server side of all 6 connections" 6 \
	$(($(tcphs_stat "$NS_R" proxy_open) - open0))
check_eq "tcphs dropped nothing that its receiver would take" 0 \
	"$(lost_drops "$NS_R")"
check_eq "no segment of a proxied flow was a stray" 0 \
	"$(tcphs_stat "$NS_R" proxy_stray)"
ktap_finish
