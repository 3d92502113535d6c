# SPDX-License-Identifier: GPL-2.0
"""Just enough of IPv4, IPv6 and TCP to craft the selftests' segments.

The crafting helpers used scapy, whose import alone took two minutes on
the debug kernel under TCG; this module needs nothing but the standard
library, and builds the same bytes for what the tests send:

  tcp(src, dst, sport=20, dport=80, flags="S", seq=0, ack=0, window=8192,
      options=(), payload=b"", dataofs=None)
      a TCP segment with its checksum over the pseudo-header of src and
      dst (RFC 9293 3.1; RFC 8200 8.1 for IPv6); flags as letters, FSRPAUEC;
      options as (name, value) pairs: ("MSS", 1460), ("WScale", 7),
      ("SAckOK", b""), ("SAck", (l1, r1, ...)), ("Timestamp", (val, ecr)),
      ("NOP", None), ("EOL", None), or (KIND, bytes) for any other kind;
      padded with zeros (EOL) to a multiple of 4. dataofs, if given, is
      written as the data offset whatever the header's real length.
  ip(src, dst, segment, ext=())
      the segment behind an IPv4 or IPv6 header (by the address family);
      ext: IPv6 extension headers before it, "hbh" or "dst" (each empty,
      8 bytes with a PadN option)
  fragments(src, dst, segment, size)
      the segment in IP fragments of size bytes of it each (IPv4, RFC 791)
      or in fragments of at most size bytes in all (IPv6, RFC 8200 4.5)
  parse(data, family)
      the TCP header of what a raw socket read: a Segment with sport,
      dport, seq, ack, flags (letters), window, and mss: its MSS option's
      value, or None

The addresses are strings; source(dst) gives the one the kernel would use.
"""
import random
import socket
import struct
from collections import namedtuple

FLAGS = "FSRPAUEC"
Segment = namedtuple("Segment", "sport dport seq ack flags window mss")


def source(dst):
    """The address the kernel's route to dst would send from."""
    family = socket.AF_INET6 if ":" in dst else socket.AF_INET
    with socket.socket(family, socket.SOCK_DGRAM) as s:
        s.connect((dst, 9))
        return s.getsockname()[0]


def _family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def _csum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def _pseudo(src, dst, length, proto=6):
    fam = _family(src)
    s, d = socket.inet_pton(fam, src), socket.inet_pton(fam, dst)
    if fam == socket.AF_INET:
        return s + d + struct.pack("!BBH", 0, proto, length)
    return s + d + struct.pack("!IxxxB", length, proto)


def _option(name, value):
    simple = {"MSS": (2, "!H"), "WScale": (3, "!B")}
    if name in simple:
        kind, fmt = simple[name]
        body = struct.pack(fmt, value)
    elif name == "NOP":
        return b"\x01"
    elif name == "EOL":
        return b"\x00"
    elif name == "SAckOK":
        kind, body = 4, b""
    elif name == "SAck":
        kind, body = 5, struct.pack("!%dI" % len(value), *value)
    elif name == "Timestamp":
        kind, body = 8, struct.pack("!II", *value)
    else:
        kind, body = name, bytes(value)
    return struct.pack("!BB", kind, 2 + len(body)) + body


def tcp(src, dst, sport=20, dport=80, flags="S", seq=0, ack=0,
        window=8192, options=(), payload=b"", dataofs=None):
    opts = b"".join(_option(n, v) for n, v in options)
    opts += b"\0" * (-len(opts) % 4)
    doff = dataofs if dataofs is not None else (20 + len(opts)) // 4
    bits = sum(1 << FLAGS.index(f) for f in flags)
    hdr = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF,
                      ack & 0xFFFFFFFF, (doff & 15) << 4, bits, window, 0,
                      0) + opts
    seg = hdr + payload
    csum = _csum(_pseudo(src, dst, len(seg)) + seg)
    return seg[:16] + struct.pack("!H", csum) + seg[18:]


def _ipv4(src, dst, body, ident=1, frag=0, proto=6):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(body), ident, frag,
                      64, proto, 0, socket.inet_aton(src),
                      socket.inet_aton(dst))
    return hdr[:10] + struct.pack("!H", _csum(hdr)) + hdr[12:] + body


def _ipv6(src, dst, nh, body):
    return struct.pack("!IHBB16s16s", 6 << 28, len(body), nh, 64,
                       socket.inet_pton(socket.AF_INET6, src),
                       socket.inet_pton(socket.AF_INET6, dst)) + body


EXT = {"hbh": 0, "dst": 60}


def ip(src, dst, segment, ext=()):
    if _family(dst) == socket.AF_INET:
        return _ipv4(src, dst, segment)
    nh, body = 6, segment
    for name in reversed(ext):
        body = struct.pack("!BB", nh, 0) + b"\x01\x04\0\0\0\0" + body
        nh = EXT[name]
    return _ipv6(src, dst, nh, body)


def fragments(src, dst, segment, size):
    ident = random.getrandbits(16 if _family(dst) == socket.AF_INET else 32)
    if _family(dst) == socket.AF_INET:
        step = size // 8 * 8
        parts = range(0, len(segment), step)
        return [_ipv4(src, dst, segment[o:o + step], ident,
                      o // 8 | (0x2000 if o + step < len(segment) else 0))
                for o in parts]
    step = (size - 40 - 8) // 8 * 8
    return [_ipv6(src, dst, 44, struct.pack(
        "!BBHI", 6, 0, o | (1 if o + step < len(segment) else 0), ident) +
        segment[o:o + step]) for o in range(0, len(segment), step)]


def _mss_of(opts):
    """The MSS option's value in the options opts, or None."""
    i = 0
    while i < len(opts) and opts[i] != 0:
        if opts[i] == 1:
            i += 1
            continue
        if i + 1 >= len(opts) or opts[i + 1] < 2:
            return None
        if opts[i] == 2 and opts[i + 1] == 4 and i + 4 <= len(opts):
            return struct.unpack("!H", opts[i + 2:i + 4])[0]
        i += opts[i + 1]
    return None


def parse(data, family):
    if family == socket.AF_INET:
        data = data[(data[0] & 15) * 4:]
    if len(data) < 20:
        return None
    sport, dport, seq, ack, doff, bits, window = struct.unpack(
        "!HHIIBBH", data[:16])
    flags = "".join(f for i, f in enumerate(FLAGS) if bits & 1 << i)
    return Segment(sport, dport, seq, ack, flags, window,
                   _mss_of(data[20:(doff >> 4) * 4]))
