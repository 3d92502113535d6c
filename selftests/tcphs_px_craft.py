#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Crafted client handshakes against a tcphs proxy, for proxy.sh.

Usage (inside the client namespace, its own RSTs filtered out):

  tcphs_px_craft.py ADDR NAME:PORT[:ARG]...

runs each scenario in turn, in one process (scapy is slow to start), and
prints "NAME PORT ok" or "NAME PORT fail" for each:

  synack         send a SYN, print the SYN-ACK's ISN as 8 hex digits
  data3:P:TEXT   complete the handshake with TEXT on the third ACK; ok once
                 the server acknowledges all of it
  fin3:P:TEXT    as data3, the third ACK lost: TEXT and a FIN come first
  frag3:P:TEXT   as data3, the third ACK sent in IP fragments of 16 bytes
                 (IPv4) or 32 (IPv6)
  badack         answer the SYN-ACK with an ACK of ISN + 2
  rstbad         a RST with the wrong sequence number, then the good ACK
  rstwin:P:TEXT  TEXT, a RST in the window but not at its left edge, TEXT
                 again; ok if the server acknowledges both
  rstconn        the third ACK, then a RST 1000 bytes off and one at the
                 sequence number, before the server answers
  tamper         answer with ISN + 1 but one bit of the ISN's MAC flipped
  between:P:CMD  run the shell line CMD between the SYN-ACK and a good ACK
  sh:0:CMD       run the shell line CMD

The shell test reads the counters for what became of the segments.
"""
import random
import subprocess
import sys
import threading
import time

from scapy.all import (IP, IPv6, TCP, IPv6ExtHdrFragment, Raw, conf,
                       fragment, fragment6, sr1, sniff, send)

conf.verb = 0
MASK = 0xFFFFFFFF
OPTS = [("MSS", 1460), ("SAckOK", b""), ("Timestamp", (1000, 0)),
        ("NOP", None), ("WScale", 7)]


def ip_to(addr):
    return IPv6(dst=addr) if ":" in addr else IP(dst=addr)


def handshake_start(addr, port):
    """SYN, then the proxy's SYN-ACK; the client's (sport, isn, synack)."""
    sport = random.randint(20000, 30000)
    isn = random.getrandbits(32)
    synack = sr1(ip_to(addr) / TCP(sport=sport, dport=port, flags="S",
                                   seq=isn, window=65535, options=OPTS),
                 timeout=10)
    if synack is None or synack[TCP].flags != "SA":
        raise OSError("no SYN-ACK from %s:%d" % (addr, port))
    return sport, isn, synack[TCP]


def rst(addr, port, sport, seq):
    """A bare RST at seq; its window is not 0, so the client's nft rule
    against its own kernel's RSTs lets it out."""
    send(ip_to(addr) / TCP(sport=sport, dport=port, flags="R",
                           seq=seq & MASK, window=1))


def fragments(pkt):
    """pkt in IP fragments whose parts of the TCP segment are small."""
    if IPv6 in pkt:
        return fragment6(IPv6(dst=pkt[IPv6].dst) / IPv6ExtHdrFragment() /
                         pkt[TCP], 80)
    return fragment(pkt, 16)


def ack(addr, port, sport, seq, ack_no, payload=b"", fin=False,
        frag=False):
    pkt = ip_to(addr) / TCP(sport=sport, dport=port, flags="A" + (
        "P" if payload else "") + ("F" if fin else ""),
        seq=seq & MASK, ack=ack_no & MASK,
        window=502,
        options=[("NOP", None), ("NOP", None), ("Timestamp", (1001, 0))])
    if payload:
        pkt = pkt / Raw(payload)
    send(fragments(pkt) if frag else pkt)


def acked(addr, port, sport, seq, ack_no, payload, fin=False, frag=False):
    """Send payload at seq; True once the server acknowledges all of it."""
    want = (seq + len(payload) + fin) & MASK

    def acks(p):
        return TCP in p and p[TCP].dport == sport and p[TCP].ack == want

    got = []
    t = threading.Thread(target=lambda: got.extend(
        sniff(lfilter=acks, count=1, timeout=15)))
    t.start()
    time.sleep(0.5)
    ack(addr, port, sport, seq, ack_no, payload, fin, frag)
    t.join()
    return bool(got)


def data3(addr, port, payload, fin=False, frag=False):
    """True once the server acknowledges all of payload (and the FIN)."""
    sport, isn, sa = handshake_start(addr, port)
    return acked(addr, port, sport, isn + 1, sa.seq + 1, payload, fin, frag)


def rst_in_window(addr, port, payload):
    """payload, a RST 1000 bytes past it, payload again: True if the
    connection outlives the RST and the server takes both."""
    sport, isn, sa = handshake_start(addr, port)
    seq = isn + 1
    if not acked(addr, port, sport, seq, sa.seq + 1, payload):
        return False
    seq += len(payload)
    rst(addr, port, sport, seq + 1000)
    time.sleep(0.2)
    return acked(addr, port, sport, seq, sa.seq + 1, payload)


def rst_connecting(addr, port):
    """The third ACK, then a RST off the sequence and one on it, while the
    server is still to answer: the shell reads what became of them."""
    sport, isn, sa = handshake_start(addr, port)
    ack(addr, port, sport, isn + 1, sa.seq + 1)
    for seq in (isn + 1001, isn + 1):
        time.sleep(0.1)
        rst(addr, port, sport, seq)
    return True


def scenario(name, addr, port, arg):
    """One scenario; False if it could not do its part."""
    if name in ("data3", "fin3", "frag3"):
        return data3(addr, port, arg.encode(), name == "fin3",
                     name == "frag3")
    if name == "rstwin":
        return rst_in_window(addr, port, arg.encode())
    if name == "rstconn":
        return rst_connecting(addr, port)
    if name == "sh":
        return subprocess.run(arg, shell=True).returncode == 0
    sport, isn, sa = handshake_start(addr, port)
    if name == "synack":
        print("%08x" % sa.seq)
    elif name == "badack":
        ack(addr, port, sport, isn + 1, sa.seq + 2)
    elif name == "rstbad":
        rst(addr, port, sport, isn + 1001)
        time.sleep(0.2)
        ack(addr, port, sport, isn + 1, sa.seq + 1)
    elif name == "tamper":
        ack(addr, port, sport, isn + 1, (sa.seq ^ 0x100) + 1)
    elif name == "between":
        subprocess.run(arg, shell=True, check=True)
        ack(addr, port, sport, isn + 1, sa.seq + 1)
    else:
        raise ValueError("unknown scenario " + name)
    return True


def main():
    """Run each NAME:PORT[:ARG] in turn; print "NAME PORT ok|fail"."""
    addr, failed = sys.argv[1], 0
    for spec in sys.argv[2:]:
        name, port, arg = (spec.split(":", 2) + [""])[:3]
        try:
            good = scenario(name, addr, int(port), arg)
        except (OSError, ValueError, SystemExit) as e:
            print("# %s: %s" % (name, e), file=sys.stderr)
            good = False
        print("%s %s %s" % (name, port, "ok" if good else "fail"))
        failed += not good
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
