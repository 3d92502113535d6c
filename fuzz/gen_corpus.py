#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Write the seed corpus of fuzz_handshake: a few correct handshakes and
odd segments, in its record format (control byte, length, TCP bytes)."""
import os
import struct

ISN_C, ISN_S = 0xFFFFFFF0, 0x12345678
SYN, ACK, FIN, RST, PSH = 0x02, 0x10, 0x01, 0x04, 0x08


def tcp(seq, ack, flags, opts=b"", payload=b"", win=65535):
    opts += b"\x01" * (-len(opts) % 4)
    doff = (20 + len(opts)) // 4
    hdr = struct.pack("!HHIIBBHHH", 40000, 80, seq & 0xFFFFFFFF,
                      ack & 0xFFFFFFFF, doff << 4, flags, win, 0, 0)
    return hdr + opts + payload


def rec(direction, seg, dropped=False):
    return bytes([direction | (2 if dropped else 0), len(seg)]) + seg


SYN_OPTS = (b"\x02\x04\x05\xb4\x04\x02\x08\x0a\x00\x00\x00\x01\x00\x00\x00\x00"
            b"\x01\x03\x03\x07")
seeds = {
    "handshake": [rec(0, tcp(ISN_C, 0, SYN, SYN_OPTS)),
                  rec(1, tcp(ISN_S, ISN_C + 1, SYN | ACK, SYN_OPTS)),
                  rec(0, tcp(ISN_C + 1, ISN_S + 1, ACK, payload=b"GET /")),
                  rec(1, tcp(ISN_S + 1, ISN_C + 6, ACK | FIN)),
                  rec(0, tcp(ISN_C + 6, ISN_S + 2, ACK | FIN))],
    "rst": [rec(0, tcp(ISN_C, 0, SYN)),
            rec(1, tcp(0, ISN_C + 1, RST | ACK))],
    "simultaneous": [rec(0, tcp(ISN_C, 0, SYN)), rec(1, tcp(ISN_S, 0, SYN)),
                     rec(0, tcp(ISN_C, ISN_S + 1, SYN | ACK)),
                     rec(1, tcp(ISN_S, ISN_C + 1, SYN | ACK))],
    "odd": [rec(0, tcp(1, 0, SYN | FIN)), rec(0, tcp(1, 0, 0)),
            rec(0, tcp(1, 0, SYN, b"\x02\x00")),
            rec(0, tcp(1, 0, SYN, b"\x05\x0a" + b"\x00" * 8)),
            rec(0, tcp(1, 0, SYN, payload=b"data")),
            rec(0, tcp(1, 0, SYN, b"\x22\x02", b"tfo")),
            rec(2, tcp(1, 0, SYN))],
}
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")
os.makedirs(out, exist_ok=True)
for name, recs in seeds.items():
    with open(os.path.join(out, name), "wb") as f:
        f.write(b"".join(recs))
