#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Load and unload tcphs: idle, with live established flows in several
# namespaces, and with half-open ones. The 20 connections held across the
# unload are still established on both ends after it, and still deliver:
# each then sends its number, and the server, which prints what it read on
# each connection, must have read exactly the numbers 0 to 19, one per
# connection. Every flow must be freed exactly once: the VM runner boots
# with slub_debug on the tcphs_flow cache, so a leak (kmem_cache_destroy
# finds objects) or a double free fails the run.

. "${0%/*}/lib.sh"

REC=/tmp/tcphs-load-unload-$$

# established NETNS FILTER: how many TCP sockets there match FILTER.
established() {
	ip netns exec "$1" ss -Htn state established "$2" | wc -l
}

trap 'topo_down; rm -f "$REC"' EXIT
require_tool nft command -v nft
ktap_header
tcphs_unload

check "insmod on an idle system" tcphs_insmod
check "proc files exist" test -r /proc/net/stat/tcphs -a -r /proc/net/tcphs
check "sysctls exist" test -w /proc/sys/net/tcphs/mode
check "rmmod with no flow" rmmod tcphs
check "insmod again" tcphs_insmod

topo_up
s "$TCPHS_CONN" record :: 7000 >>"$REC" &
wait_for 10 server_listening 7000
coproc HOLD { c "$TCPHS_CONN" hold $S4 7000 20; }
read -r line <&"${HOLD[0]}"
check_eq "20 connections held" "held 20" "$line"
check_eq "client table holds 20 flows" 20 "$(tcphs_entries "$NS_C")"
check_eq "router table holds 20 flows" 20 "$(tcphs_entries "$NS_R")"
check_eq "server table holds 20 established flows" 20 \
	"$(tcphs_flows "$NS_S" ESTABLISHED)"

# A half-open flow too: a SYN the server never answers.
input_rule "$NS_S" tcp dport 7001 drop
c timeout 1 "$TCPHS_CONN" connect $S4 7001 1 2>/dev/null
check_eq "half-open flow in the router" 1 "$(tcphs_flows "$NS_R" 'SYN_SENT')"

check "rmmod with live flows" rmmod tcphs
check_eq "the client's 20 connections are still established" 20 \
	"$(established "$NS_C" 'dport = :7000')"
check_eq "the server's 20 connections are still established" 20 \
	"$(established "$NS_S" 'sport = :7000')"
fd=${HOLD[1]}
exec {fd}>&-
check "each held connection sent its number and saw the server close" \
	wait "$HOLD_PID"
check_eq "the server read each number, sent after the unload" \
	"$(seq -s ' ' 0 19)" "$(sort -n "$REC" | paste -sd ' ')"

check "insmod after unload with flows" tcphs_insmod
check_eq "a fresh table in a fresh load" 0 "$(tcphs_entries "$NS_R")"
check "handshakes after reload" c "$TCPHS_CONN" connect $S4 7000 5
check_eq "flows after reload" 5 "$(tcphs_flows "$NS_R" ESTABLISHED)"
check_eq "the server read the 5 bytes after reload" 5 "$(grep -cx x "$REC")"
check "final rmmod" rmmod tcphs
ktap_finish
