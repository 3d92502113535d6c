#!/usr/bin/python3 -S
# SPDX-License-Identifier: GPL-2.0
"""Send odd TCP segments to DST:PORT, one of each; print how many of them
the receiver's "tcp dport PORT" counter must see.

Usage: odd_segments.py --serve

Reads requests from stdin, one per line, and answers each with one line:

  odd DST PORT    send every odd segment below; print how many the
                  receiver must count
  frag DST PORT   send one SYN with data in IPv4 fragments; print "sent"

so that one interpreter serves the whole test.
Each segment is one a correct peer never sends, or one with odd options,
IPv6 extension headers or fragments; track mode must let every one of them
through untouched.
"""
import sys

import socket

import tcphs_pkt as pkt


def segments(src, dst, port):
    def tcp(**kw):
        return pkt.tcp(src, dst, dport=port, **kw)

    sport = 40000
    flags = ["", "F", "SF", "SR", "FR", "SFRPAU", "U", "P", "FPU", "SA"]
    for f in flags:
        sport += 1
        yield tcp(sport=sport, flags=f, seq=1000)
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
        yield tcp(sport=sport, flags="S", seq=2000, options=opts)
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
        yield tcp(sport=sport, flags="S", seq=3000, dataofs=6, payload=opt)
    for doff in (0, 4, 15):                   # below 5; past the segment
        sport += 1
        yield tcp(sport=sport, flags="S", seq=4000, dataofs=doff)
    sport += 1                                  # SYN with data, no Fast Open
    yield tcp(sport=sport, flags="S", seq=5000, payload=b"hello")
    sport += 1                                  # SYN with data and Fast Open
    yield tcp(sport=sport, flags="S", seq=6000, options=[(34, b"\x11" * 8)],
              payload=b"hello")


def network_oddities(src, dst, port):
    """Packets whose oddity is below TCP; each counts once at the server."""
    # Fast Open data, so that only the network layer is odd here.
    syn = pkt.tcp(src, dst, sport=41000, dport=port, flags="S", seq=7000,
                  options=[(34, b"")], payload=b"x" * 64)
    if ":" in dst:
        # Hop-by-hop and destination options before TCP: tracked as usual.
        yield [pkt.ip(src, dst, syn, ext=("hbh", "dst"))]
        # A SYN in fragments: only the first has a TCP header.
        yield pkt.fragments(src, dst, syn, 80)
    else:
        # A SYN in fragments: the server reassembles it before counting.
        yield pkt.fragments(src, dst, syn, 24)


def send_odd(dst, port):
    family = socket.AF_INET6 if ":" in dst else socket.AF_INET
    src = pkt.source(dst)
    # A raw socket with the header included (IPPROTO_RAW implies it in both
    # families): the kernel routes the segment and resolves the neighbour,
    # so it leaves through the client's own stack and hooks as a real
    # peer's would. tcphs_pkt only builds the bytes and the checksums.
    sock = socket.socket(family, socket.SOCK_RAW, socket.IPPROTO_RAW)
    n = 0
    for seg in segments(src, dst, port):
        sock.sendto(pkt.ip(src, dst, seg), (dst, 0))
        n += 1
    for packets in network_oddities(src, dst, port):
        for p in packets:
            sock.sendto(p, (dst, 0))
        n += 1
    return n


def send_frag_syn(dst, port):
    sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    src = pkt.source(dst)
    syn = pkt.tcp(src, dst, dport=port, flags="S", payload=b"x" * 64)
    for p in pkt.fragments(src, dst, syn, 24):
        sock.sendto(p, (dst, 0))
    return "sent"


def main():
    for line in sys.stdin:
        what, dst, port = line.split()
        send = send_odd if what == "odd" else send_frag_syn
        print(send(dst, int(port)), flush=True)


if __name__ == "__main__":
    main()
