#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Send odd TCP segments to DST:PORT, one of each; print how many of them
the receiver's "tcp dport PORT" counter must see.

Usage: odd_segments.py DST PORT

Each segment is one a correct peer never sends, or one with odd options,
IPv6 extension headers or fragments; track mode must let every one of them
through untouched.
"""
import sys

import socket

from scapy.all import IP, IPv6, TCP, Raw, conf, fragment, fragment6
from scapy.layers.inet6 import (IPv6ExtHdrDestOpt, IPv6ExtHdrFragment,
                                IPv6ExtHdrHopByHop)

conf.verb = 0


def segments(port):
    sport = 40000
    flags = ["", "F", "SF", "SR", "FR", "SFRPAU", "U", "P", "FPU", "SA"]
    for f in flags:
        sport += 1
        yield TCP(sport=sport, dport=port, flags=f, seq=1000)
    odd_options = [
        [("MSS", 1460), ("WScale", 15)],          # wscale above 14
        [("NOP", None)] * 20,                      # nothing but NOPs
        [("EOL", None), ("MSS", 1)],               # EOL first
        [(99, b"\x01\x02\x03")],                   # unknown kind
        [("SAckOK", b""), ("Timestamp", (1, 0))],
        [("SAck", (1, 2, 3, 4, 5, 6, 7, 8))],
    ]
    for opts in odd_options:
        sport += 1
        yield TCP(sport=sport, dport=port, flags="S", seq=2000, options=opts)
    raw_options = [
        b"\x02\x00\x00\x00",          # option length 0
        b"\x02\x01\x00\x00",          # option length 1
        b"\x01\x01\x01\x02",          # MSS cut off by the header's end
        b"\x08\x0a\x00\x00",          # timestamps longer than the header
        b"\x02\x03\x05\xb4",          # MSS with length 3
        b"\x05\x04\x00\x00",          # SACK with length 4
    ]
    for opt in raw_options:
        sport += 1
        yield TCP(sport=sport, dport=port, flags="S", seq=3000, dataofs=6) / Raw(opt)
    for doff in (0, 4, 15):                   # below 5; past the segment
        sport += 1
        yield TCP(sport=sport, dport=port, flags="S", seq=4000, dataofs=doff)
    sport += 1                                  # SYN with data, no Fast Open
    yield TCP(sport=sport, dport=port, flags="S", seq=5000) / Raw(b"hello")
    sport += 1                                  # SYN with data and Fast Open
    yield TCP(sport=sport, dport=port, flags="S", seq=6000,
              options=[(34, b"\x11" * 8)]) / Raw(b"hello")


def network_oddities(ip, port):
    """Packets whose oddity is below TCP; each counts once at the server."""
    # Fast Open data, so that only the network layer is odd here.
    syn = TCP(sport=41000, dport=port, flags="S", seq=7000,
              options=[(34, b"")]) / Raw(b"x" * 64)
    if isinstance(ip, IPv6):
        # Hop-by-hop and destination options before TCP: tracked as usual.
        yield [ip / IPv6ExtHdrHopByHop() / IPv6ExtHdrDestOpt() / syn]
        # A SYN in two fragments: only the first has a TCP header.
        yield fragment6(ip / IPv6ExtHdrFragment() / syn, 80)
    else:
        # A SYN in fragments: the server reassembles it before counting.
        yield fragment(ip / syn, 24)


def main():
    dst, port = sys.argv[1], int(sys.argv[2])
    family = socket.AF_INET6 if ":" in dst else socket.AF_INET
    ip = IPv6(dst=dst) if family == socket.AF_INET6 else IP(dst=dst)
    # A raw socket with the header included (IPPROTO_RAW implies it in both
    # families): the kernel routes the segment and resolves the neighbour,
    # so it leaves through the client's own stack and hooks as a real
    # peer's would. scapy only builds the bytes and the checksums.
    sock = socket.socket(family, socket.SOCK_RAW, socket.IPPROTO_RAW)
    n = 0
    for seg in segments(port):
        sock.sendto(bytes(ip / seg), (dst, 0))
        n += 1
    for packets in network_oddities(ip, port):
        for pkt in packets:
            sock.sendto(bytes(pkt), (dst, 0))
        n += 1
    print(n)


if __name__ == "__main__":
    main()
