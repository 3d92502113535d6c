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
  badack         answer the SYN-ACK with an ACK of ISN + 2
  rstbad         a RST with the wrong sequence number, then the good ACK
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

from scapy.all import IP, IPv6, TCP, Raw, conf, sr1, sniff, send

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


def ack(addr, port, sport, seq, ack_no, payload=b"", fin=False):
    pkt = ip_to(addr) / TCP(sport=sport, dport=port, flags="A" + (
        "P" if payload else "") + ("F" if fin else ""),
        seq=seq & MASK, ack=ack_no & MASK,
        window=502,
        options=[("NOP", None), ("NOP", None), ("Timestamp", (1001, 0))])
    if payload:
        pkt = pkt / Raw(payload)
    send(pkt)


def data3(addr, port, payload, fin=False):
    """True once the server acknowledges all of payload (and the FIN)."""
    sport, isn, sa = handshake_start(addr, port)
    want = (isn + 1 + len(payload) + fin) & 0xFFFFFFFF

    def acked(p):
        return TCP in p and p[TCP].dport == sport and p[TCP].ack == want

    got = []
    t = threading.Thread(target=lambda: got.extend(
        sniff(lfilter=acked, count=1, timeout=15)))
    t.start()
    time.sleep(0.5)
    ack(addr, port, sport, isn + 1, sa.seq + 1, payload, fin)
    t.join()
    return bool(got)


def scenario(name, addr, port, arg):
    """One scenario; False if it could not do its part."""
    if name in ("data3", "fin3"):
        return data3(addr, port, arg.encode(), name == "fin3")
    if name == "sh":
        return subprocess.run(arg, shell=True).returncode == 0
    sport, isn, sa = handshake_start(addr, port)
    if name == "synack":
        print("%08x" % sa.seq)
    elif name == "badack":
        ack(addr, port, sport, isn + 1, sa.seq + 2)
    elif name == "rstbad":
        send(ip_to(addr) / TCP(sport=sport, dport=port, flags="R",
                               seq=(isn + 1001) & MASK, window=1))
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
