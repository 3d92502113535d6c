#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Write the seed corpora: fuzz_handshake's, a few correct handshakes and
odd segments in its record format (control byte, length, TCP bytes), to
corpus/; fuzz_rewrite's, amounts and controls then one TCP header, to
corpus_rewrite/."""
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


def xlate(seq, ack, sack, tsval, tsecr, win_from, win_to, fix=True,
          win=0):
    """fuzz_rewrite's 25 bytes of amounts (host order, little-endian) and
    controls: the shifts, bit 0 mend the checksum, a window to rescale."""
    return (struct.pack("<IIIII", seq & 0xFFFFFFFF, ack & 0xFFFFFFFF,
                        sack & 0xFFFFFFFF, tsval & 0xFFFFFFFF,
                        tsecr & 0xFFFFFFFF) +
            bytes([win_from, win_to, 1 if fix else 0]) +
            struct.pack("!H", win))


TS = b"\x08\x0a\xff\xff\xff\xf0\x00\x00\x12\x34"
rewrite_seeds = {
    "syn": xlate(0x10, 0, 0, 0x1000, 0, 0, 7) + tcp(ISN_C, 0, SYN, SYN_OPTS),
    "ts_sack": xlate(-0x20, 0x7FFFFFFF, 0x12345678, 0x20, -1, 7, 2,
                     win=1000) +
    tcp(ISN_C, ISN_S, ACK, b"\x01\x01" + TS + b"\x01\x01\x05\x1a" +
        bytes(range(24))),
    "odd": xlate(1, 1, 1, 1, 1, 2, 2) +
    tcp(ISN_C, ISN_S, ACK, b"\x01" + TS + b"\x05\x12" + bytes(range(16))),
    "malformed": xlate(5, 5, 5, 5, 5, 0, 14, fix=False) +
    tcp(1, 2, ACK, b"\x1e\x00\x01\x01" + TS),
    "short": xlate(1, 2, 3, 4, 5, 6, 7) + tcp(1, 2, ACK)[:19],
}

here = os.path.dirname(os.path.abspath(__file__))
for sub, files in (("corpus", {name: b"".join(recs)
                               for name, recs in seeds.items()}),
                   ("corpus_rewrite", rewrite_seeds)):
    out = os.path.join(here, sub)
    os.makedirs(out, exist_ok=True)
    for name, data in files.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
