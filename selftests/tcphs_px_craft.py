#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Crafted client handshakes against a tcphs proxy, for proxy.sh.

Usage (inside the client namespace, its own RSTs filtered out):

  tcphs_px_craft.py synack ADDR PORT
      send a SYN, print the SYN-ACK's ISN as 8 hex digits
  tcphs_px_craft.py data3 ADDR PORT PAYLOAD
      complete the handshake with PAYLOAD on the third ACK; exit 0 once
      the server acknowledges all of it
  tcphs_px_craft.py badack ADDR PORT
      answer the SYN-ACK with an ACK of ISN + 2
  tcphs_px_craft.py tamper ADDR PORT
      answer with ISN + 1 but one bit of the ISN's MAC flipped
  tcphs_px_craft.py between ADDR PORT COMMAND
      run COMMAND (a shell line) between the SYN-ACK and a correct ACK

Every scenario but data3 exits 0 once it has sent its segments; the shell
test reads the counters for what became of them.
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
        sys.exit("no SYN-ACK")
    return sport, isn, synack[TCP]


def ack(addr, port, sport, seq, ack_no, payload=b""):
    pkt = ip_to(addr) / TCP(sport=sport, dport=port, flags="A" + (
        "P" if payload else ""), seq=seq & MASK, ack=ack_no & MASK,
        window=502,
        options=[("NOP", None), ("NOP", None), ("Timestamp", (1001, 0))])
    if payload:
        pkt = pkt / Raw(payload)
    send(pkt)


def data3(addr, port, payload):
    sport, isn, sa = handshake_start(addr, port)
    want = (isn + 1 + len(payload)) & 0xFFFFFFFF

    def acked(p):
        return TCP in p and p[TCP].dport == sport and p[TCP].ack == want

    got = []
    t = threading.Thread(target=lambda: got.extend(
        sniff(lfilter=acked, count=1, timeout=15)))
    t.start()
    time.sleep(0.5)
    ack(addr, port, sport, isn + 1, sa.seq + 1, payload)
    t.join()
    sys.exit(0 if got else "the server never acknowledged the data")


def main():
    scenario, addr, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    if scenario == "data3":
        data3(addr, port, sys.argv[4].encode())
    sport, isn, sa = handshake_start(addr, port)
    if scenario == "synack":
        print("%08x" % sa.seq)
    elif scenario == "badack":
        ack(addr, port, sport, isn + 1, sa.seq + 2)
    elif scenario == "tamper":
        ack(addr, port, sport, isn + 1, (sa.seq ^ 0x100) + 1)
    elif scenario == "between":
        subprocess.run(sys.argv[4], shell=True, check=True)
        ack(addr, port, sport, isn + 1, sa.seq + 1)
    else:
        sys.exit("unknown scenario " + scenario)


if __name__ == "__main__":
    main()
