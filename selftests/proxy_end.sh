#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# When tcphs ends a proxied connection itself, both ends hear it at once
# (admin-guide.rst, Limits): each is sent a RST it accepts, and no process
# waits on a connection whose numbers mean nothing any more. Four ways it
# happens, over IPv4 and over IPv6:
#
#   idle   an idle connection outlives timeout_established (here 2 s)
#   off    the router's mode is set to off, during a transfer
#   rmmod  the module is unloaded, during a transfer
#   netns  the router's namespace is deleted, during a transfer
#
# A transfer is 1 KiB each way every 20 ms, so data is in flight both ways
# when it ends. Each end is a tcphs_conn stream, which prints "reset" only
# if its connection ended in ECONNRESET (and "timeout" after 120 s); the
# checks give them 15 s. Before tcphs sent these resets, both ends of every
# scenario ran to their timeout: each "reset" check below failed.

. "${0%/*}/lib.sh"

PORT=9000
OUT=/tmp/tcphs-end-$$
MS=20

cleanup() {
	topo_down
	tcphs_unload
	rm -f "$OUT".*
}

router_up() {
	tcphs_load
	r sysctl -qw net.tcphs.mode=proxy \
		net.tcphs.proxy_ports=$PORT-$((PORT + 99))
}

said() { [ -f "$1" ] && [[ $(<"$1") == *"$2"* ]]; }	# FILE WORD
both_said() { said "$OUT.c$1" "$2" && said "$OUT.s$1" "$2"; }	# PORT WORD

# stream_up ADDR PORT MS: a stream from the client to the server through the
# router's proxy, open at both ends (the server's end opens only once tcphs
# translates the flow).
stream_up() {
	s "$TCPHS_CONN" streamed :: "$2" "$3" >"$OUT.s$2" &
	wait_for 20 server_listening "$2" || return 1
	c "$TCPHS_CONN" stream "$1" "$2" "$3" >"$OUT.c$2" &
	wait_for 30 both_said "$2" up
}

# ends_reset WHAT PORT: both ends of the stream on PORT were reset in time.
ends_reset() {
	local c s

	if wait_for 15 both_said "$2" reset; then
		ktap_ok "$1: both ends reset"
		return
	fi
	c=$(<"$OUT.c$2") s=$(<"$OUT.s$2")
	echo "# $1: the client said '${c//$'\n'/ }', the server '${s//$'\n'/ }'"
	ktap_not_ok "$1: both ends reset"
}

# scenario FAMILY ADDR WHAT: one stream, ended the way WHAT says.
scenario() {
	local what="$1 $3" port=$PORT ended

	PORT=$((PORT + 1))
	[ "$3" != idle ] || r sysctl -qw net.tcphs.timeout_established=2
	check "$what: a stream is open through the proxy" \
		stream_up "$2" "$port" "$([ "$3" = idle ] && echo 0 || echo $MS)"
	ended=$(tcphs_stat "$NS_R" proxy_ended)
	case $3 in
	off)	r sysctl -qw net.tcphs.mode=off ;;
	rmmod)	tcphs_unload ;;
	netns)	kill "${HOLDER[$NS_R]}"
		ip netns del "$NS_R" ;;
	esac
	ends_reset "$what" "$port"
	case $3 in
	idle | off)
		check_eq "$what: counted as ended" 1 \
			$(($(tcphs_stat "$NS_R" proxy_ended) - ended))
		r sysctl -qw net.tcphs.timeout_established=432000
		router_up ;;
	rmmod)	router_up ;;
	netns)	topo_down
		topo_up
		router_up ;;
	esac
}

trap cleanup EXIT
ktap_header
tcphs_unload
tcphs_load
topo_up
router_up
for what in idle off rmmod netns; do
	scenario IPv4 "$S4" "$what"
	scenario IPv6 "$S6" "$what"
done
ktap_finish
