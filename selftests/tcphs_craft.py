#!/usr/bin/python3 -S
# SPDX-License-Identifier: GPL-2.0
"""Crafted handshakes for the enforce-mode selftests.

Usage: tcphs_craft.py NS_CLIENT NS_SERVER

Reads requests "CLIENT_ADDR SERVER_ADDR BASE_PORT" from stdin, one per line,
and runs every scenario below once for each, so that one interpreter serves
a whole test (tcphs_pkt builds the segments). A scenario sends segments
from the client and the server namespaces (raw sockets opened in each
through setns(2)), ending with the one under test; port BASE_PORT + i
belongs to scenario i.
For each it prints one line:

    NAME PORT SIDE BEFORE

SIDE (client or server) is where the last segment goes, BEFORE how many of
the scenario's segments went to that side before it. The shell test reads
the peers' per-port arrival counters against that. A line "done" ends the
answer to each request.
"""
import ctypes
import os
import socket
import sys

import tcphs_pkt as pkt

CLONE_NEWNET = 0x40000000
ISN_C, ISN_S = 0xFFFFFF00, 0x10000000


def raw_socket_in(netns, family):
    """A header-including raw socket that lives in netns."""
    libc = ctypes.CDLL(None, use_errno=True)
    own = os.open("/proc/self/ns/net", os.O_RDONLY)
    target = os.open("/run/netns/" + netns, os.O_RDONLY)
    try:
        if libc.setns(target, CLONE_NEWNET):
            raise OSError(ctypes.get_errno(), "setns " + netns)
        sock = socket.socket(family, socket.SOCK_RAW, socket.IPPROTO_RAW)
    finally:
        libc.setns(own, CLONE_NEWNET)
        os.close(own)
        os.close(target)
    return sock


class Flow:
    """One crafted connection between the client and the server."""

    def __init__(self, peers, port):
        self.peers = peers
        self.port = port
        self.sent = {"client": 0, "server": 0}
        self.last = None

    def _send(self, to, flags, seq, ack=0, payload=b"", options=None,
              dataofs=None, window=8192):
        p = self.peers
        src, dst = (p.caddr, p.saddr) if to == "server" else (p.saddr, p.caddr)
        sport, dport = ((40000, self.port) if to == "server"
                        else (self.port, 40000))
        seg = pkt.tcp(src, dst, sport, dport, flags, seq, ack, window,
                      options or (), payload, dataofs)
        sock = p.csock if to == "server" else p.ssock
        sock.sendto(pkt.ip(src, dst, seg), (dst, 0))
        self.sent[to] += 1
        self.last = to

    def to_server(self, *a, **kw):
        self._send("server", *a, **kw)

    def to_client(self, *a, **kw):
        self._send("client", *a, **kw)

    def handshake(self):
        self.to_server("S", ISN_C)
        self.to_client("SA", ISN_S, ISN_C + 1)
        self.to_server("A", ISN_C + 1, ISN_S + 1)


# Each scenario: setup segments, then the one under test, last.
def bad_flags(f):
    f.to_server("SF", ISN_C)


def synack_no_syn(f):
    f.to_client("SA", ISN_S, ISN_C + 1)


def synack_bad_ack(f):
    f.to_server("S", ISN_C)
    f.to_client("SA", ISN_S, ISN_C)


def ack_bad(f):
    f.to_server("S", ISN_C)
    f.to_client("SA", ISN_S, ISN_C + 1)
    f.to_server("A", ISN_C + 1, ISN_S)


def rst_out_of_window(f):
    f.handshake()
    f.to_server("R", ISN_C + 1 + 1000000)


def rst_synsent_bad_ack(f):
    f.to_server("S", ISN_C)
    f.to_client("RA", 0, ISN_C)


def syn_on_established(f):
    f.handshake()
    f.to_server("S", ISN_C + 5000)


# A blind sender's numbers: outside the window (RFC 9293 3.10.7.4) and an
# acknowledgment of what was never sent (RFC 5961 5.2).
def seq_out_of_window(f):
    f.handshake()
    f.to_server("A", ISN_C + 1 + 1000000, ISN_S + 1)


def ack_out_of_window(f):
    f.handshake()
    f.to_server("A", ISN_C + 1, ISN_S + 1 + 1000000)


def malformed(f):
    f.to_server("S", ISN_C, payload=b"\x02\x00\x00\x00", dataofs=6)


# Correct handshakes enforce mode must pass: the last segment is counted.
def good_retransmissions(f):
    f.to_server("S", ISN_C)
    f.to_server("S", ISN_C)
    f.to_client("SA", ISN_S, ISN_C + 1)
    f.to_client("SA", ISN_S, ISN_C + 1)
    f.to_server("A", ISN_C + 1, ISN_S + 1)


def good_simultaneous_open(f):
    f.to_server("S", ISN_C)
    f.to_client("S", ISN_S)
    f.to_server("SA", ISN_C, ISN_S + 1)
    f.to_client("SA", ISN_S, ISN_C + 1)


def good_data_on_third_ack(f):
    f.to_server("S", ISN_C)
    f.to_client("SA", ISN_S, ISN_C + 1)
    f.to_server("PA", ISN_C + 1, ISN_S + 1, payload=b"GET / HTTP/1.0\r\n\r\n")


def good_rst_in_window(f):
    f.handshake()
    f.to_server("R", ISN_C + 1)


# RFC 5961 3.2: in the window, not at RCV.NXT: the server challenges it.
def good_rst_challenged(f):
    f.handshake()
    f.to_server("R", ISN_C + 1 + 100)


# RFC 9293 3.10.7: any SYN may carry data, with or without Fast Open.
def good_syn_data(f):
    f.to_server("S", ISN_C, payload=b"early")


def good_synack_data(f):
    f.to_server("S", ISN_C)
    f.to_client("SA", ISN_S, ISN_C + 1, payload=b"hello")


# RFC 7413 4.2: the server took 2 of the 5 bytes; the client sends the rest.
def good_partial_synack(f):
    f.to_server("S", ISN_C, payload=b"early")
    f.to_client("SA", ISN_S, ISN_C + 1 + 2)
    f.to_server("PA", ISN_C + 1 + 2, ISN_S + 1, payload=b"rly")


def good_simultaneous_data(f):
    f.to_server("S", ISN_C, payload=b"ab")
    f.to_client("S", ISN_S, payload=b"cd")
    f.to_server("SA", ISN_C, ISN_S + 1 + 2)
    f.to_client("SA", ISN_S, ISN_C + 1 + 2)


SCENARIOS = [bad_flags, synack_no_syn, synack_bad_ack, ack_bad,
             rst_out_of_window, rst_synsent_bad_ack, syn_on_established,
             seq_out_of_window, ack_out_of_window, malformed,
             good_retransmissions, good_simultaneous_open,
             good_data_on_third_ack, good_rst_in_window, good_rst_challenged,
             good_syn_data, good_synack_data, good_partial_synack,
             good_simultaneous_data]


class Peers:
    def __init__(self, ns_c, ns_s, caddr, saddr):
        self.family = socket.AF_INET6 if ":" in caddr else socket.AF_INET
        self.caddr, self.saddr = caddr, saddr
        self.csock = raw_socket_in(ns_c, self.family)
        self.ssock = raw_socket_in(ns_s, self.family)


def run(ns_c, ns_s, caddr, saddr, base):
    peers = Peers(ns_c, ns_s, caddr, saddr)
    for i, scenario in enumerate(SCENARIOS):
        flow = Flow(peers, int(base) + i)
        scenario(flow)
        print(scenario.__name__, flow.port, flow.last,
              flow.sent[flow.last] - 1)


def main():
    ns_c, ns_s = sys.argv[1:3]
    for line in sys.stdin:
        run(ns_c, ns_s, *line.split())
        print("done", flush=True)

if __name__ == "__main__":
    main()
