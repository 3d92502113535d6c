#!/usr/bin/python3 -S
# SPDX-License-Identifier: GPL-2.0
"""Blind attacks on live flows through tcphs, for selftests/blind.sh.

Usage (inside the client namespace, its own RSTs filtered out):

  tcphs_blind.py --serve SERVER_NS

reads requests from stdin, one per line, fields separated by tabs, and
ends the answer to each with a line "done":

  crafted NS ADDR PORT
                      a crafted connection to the server at ADDR:PORT,
                      then each attack below with numbers outside the
                      window, each followed by data at the right sequence
                      number that the server must acknowledge; then the
                      RFC 5961 cases in the window. Prints "STEP ok|fail".
  badsyn ADDR PORT    a SYN with a bad checksum: "badsyn ok" if nothing
                      answers it, then "goodsyn ok" if the same SYN with a
                      good checksum is answered
  forge ADDR PORT SPORT ROUNDS
                      ROUNDS of random-number forgeries, both ways, at the
                      real connection ADDR:PORT <- SPORT; "forge ok"
  ackflood ADDR PORT COUNT
                      COUNT ACKs of no connection, random ports and
                      numbers, from the client's address: "ackflood ok"
  synflood ADDR PORT COUNT US
                      COUNT SYNs to ADDR:PORT, US microseconds apart, each
                      from a random address of the client's subnet (/24
                      or /64) and port: "synflood ok"

The forgeries a host on the server's side would make (src: the server) go
out of a raw socket opened in SERVER_NS; the record of the flow is read
from NS's /proc/net/tcphs (where tcphs runs: the router, or the server).
"""
import ctypes
import os
import random
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tcphs_pkt as pkt  # noqa: E402
import tcphs_px_craft as px  # noqa: E402

CLONE_NEWNET = 0x40000000
FAR = 1 << 30		# this far off, no window of these tests holds it
LIBC = ctypes.CDLL(None, use_errno=True)


class InNetns:
    """with InNetns(name): the calling thread is in that namespace."""

    def __init__(self, name):
        self.name = name

    def __enter__(self):
        self.own = os.open("/proc/self/ns/net", os.O_RDONLY)
        target = os.open("/run/netns/" + self.name, os.O_RDONLY)
        try:
            if LIBC.setns(target, CLONE_NEWNET):
                raise OSError(ctypes.get_errno(), "setns " + self.name)
        finally:
            os.close(target)

    def __exit__(self, *exc):
        LIBC.setns(self.own, CLONE_NEWNET)
        os.close(self.own)


class Side:
    """Raw sending sockets opened in another namespace (the server's)."""

    def __init__(self, netns):
        self.netns = netns
        self.tx = {}

    def send(self, src, dst, bad_csum=False, **kw):
        family = socket.AF_INET6 if ":" in dst else socket.AF_INET
        if family not in self.tx:
            with InNetns(self.netns):
                self.tx[family] = socket.socket(family, socket.SOCK_RAW,
                                                socket.IPPROTO_RAW)
        seg = segment(src, dst, bad_csum, **kw)
        self.tx[family].sendto(pkt.ip(src, dst, seg), (dst, 0))


def segment(src, dst, bad_csum=False, **kw):
    seg = pkt.tcp(src, dst, **kw)
    if bad_csum:
        seg = seg[:16] + bytes([seg[16] ^ 0x5a]) + seg[17:]
    return seg


def send_client(addr, bad_csum=False, **kw):
    """From the client (the crafted one or the real one's address)."""
    src = px.source(addr)
    px.peer(addr).send(pkt.ip(src, addr, segment(src, addr, bad_csum, **kw)),
                       addr)


def flow_line(router_ns, sport):
    """The router's record of the flow from client port sport, or ""."""
    with InNetns(router_ns):
        with open("/proc/net/tcphs") as f:
            lines = f.read().splitlines()
    for line in lines:
        if (":%d " % sport) in line.split(" ", 2)[1] + " ":
            return line
    return ""


class Conn:
    """A crafted connection: the client's numbers, and the server's as it
    sees them (tcphs's, in proxy mode)."""

    def __init__(self, addr, port):
        self.addr, self.port = addr, port
        self.sport, isn, synack = px.handshake_start(addr, port)
        self.seq = (isn + 1) & 0xFFFFFFFF
        self.rcv = (synack.seq + 1) & 0xFFFFFFFF
        self.n = 0

    def data(self, size=100):
        """size bytes at the right sequence number; True once acked."""
        self.n += 1
        payload = bytes([0x61 + self.n % 26]) * size
        want = (self.seq + size) & 0xFFFFFFFF
        px.ack(self.addr, self.port, self.sport, self.seq, self.rcv,
               payload)
        self.seq = want
        return px.peer(self.addr).wait(
            lambda t: t.sport == self.port and t.dport == self.sport and
            t.ack == want, 10) is not None

    def orig(self, flags, seq, ack=None, bad_csum=False):
        send_client(self.addr, bad_csum, sport=self.sport, dport=self.port,
                    flags=flags, seq=seq,
                    ack=self.rcv if ack is None else ack, window=502)

    def reply(self, side, flags, seq, ack=None):
        side.send(self.addr, px.source(self.addr), sport=self.port,
                  dport=self.sport, flags=flags, seq=seq,
                  ack=self.seq if ack is None else ack, window=502)


def attacks(c, side):
    """Each forgery: (name, what it sends). None of its numbers fits."""
    far = (c.seq + FAR) & 0xFFFFFFFF
    rfar = (c.rcv + FAR) & 0xFFFFFFFF
    return [
        ("ack_seq_far", lambda: c.orig("A", far)),
        ("ack_ack_far", lambda: c.orig("A", c.seq, rfar)),
        ("fin_far", lambda: c.orig("FA", far)),
        ("reply_fin_far", lambda: c.reply(side, "FA", rfar)),
        ("rst_far", lambda: c.orig("R", far)),
        ("reply_rst_far", lambda: c.reply(side, "R", rfar)),
        # One FIN each way, then a SYN: the three-packet teardown.
        ("teardown3", lambda: (c.orig("FA", far), c.reply(side, "FA", rfar),
                               time.sleep(0.05),
                               c.orig("S", far - 12345, 0))),
        # The server "acks" X, then a RST at X: "at RCV.NXT".
        ("ack_then_rst", lambda: (c.reply(side, "A", rfar, far),
                                  time.sleep(0.05), c.orig("R", far))),
    ]


def crafted(router_ns, side, addr, port):
    """router_ns: where tcphs keeps the flow's record."""
    c = Conn(addr, port)
    report("handshake_and_data", c.data())
    for name, send in attacks(c, side):
        send()
        time.sleep(0.1)
        report(name, c.data())
    line = flow_line(router_ns, c.sport)
    report("record_kept", " ESTABLISHED " in line and "closing" not in line)
    # RFC 5961 3.2 in the window: the endpoint challenges, the flow lives.
    c.orig("R", (c.seq + 100) & 0xFFFFFFFF)
    time.sleep(0.1)
    report("rst_in_window", c.data() and bool(flow_line(router_ns, c.sport)))
    # The exact RST and FIN, but with a bad checksum: they end nothing.
    c.orig("R", c.seq, bad_csum=True)
    c.orig("FA", c.seq, bad_csum=True)
    time.sleep(0.1)
    line = flow_line(router_ns, c.sport)
    report("bad_checksum_rst_fin", c.data() and "closing" not in line and
           " ESTABLISHED " in line)
    # And the exact RST ends the flow.
    c.orig("R", c.seq)
    deadline = time.monotonic() + 5
    while flow_line(router_ns, c.sport) and time.monotonic() < deadline:
        time.sleep(0.05)
    report("rst_exact_ends_it", not flow_line(router_ns, c.sport))


def badsyn(addr, port):
    sport = random.randint(20000, 30000)
    isn = random.getrandbits(32)

    def answered(bad):
        px.peer(addr).drain()
        send_client(addr, bad, sport=sport, dport=port, flags="S", seq=isn,
                    window=65535, options=px.OPTS)
        return px.peer(addr).wait(lambda t: t.sport == port and
                                  t.dport == sport, 2) is not None
    report("badsyn", not answered(True))
    report("goodsyn", answered(False))
    # Let the flow go: the server may have answered it.
    send_client(addr, sport=sport, dport=port, flags="R", seq=isn + 1,
                window=1)


def forge(side, addr, port, sport, rounds):
    """Random numbers, both ways: all but a 2^-14 or so of them fall
    outside the connection's windows."""
    src = px.source(addr)

    def rand():
        return random.getrandbits(32)
    for _ in range(rounds):
        x = rand()
        for flags in ("A", "FA", "R", "S"):
            send_client(addr, sport=sport, dport=port, flags=flags,
                        seq=rand(), ack=rand(), window=502)
        for flags in ("A", "FA", "R", "SA"):
            side.send(addr, src, sport=port, dport=sport, flags=flags,
                      seq=rand(), ack=rand(), window=502)
        side.send(addr, src, sport=port, dport=sport, flags="A", seq=rand(),
                  ack=x, window=502)
        send_client(addr, sport=sport, dport=port, flags="R", seq=x,
                    window=1)
    report("forge", True)


def synflood(addr, port, count, gap_us):
    """Spoofed sources on the client's link: the router's neighbour
    lookup for their SYN-ACKs fails, so nothing answers tcphs or the
    server for them."""
    mine = px.source(addr)
    family = socket.AF_INET6 if ":" in addr else socket.AF_INET
    net = socket.inet_pton(family, mine)
    keep = 3 if family == socket.AF_INET else 8
    for _ in range(count):
        host = net[:keep] + os.urandom(len(net) - keep)
        src = socket.inet_ntop(family, host)
        if src == mine:
            continue
        px.peer(addr).send(pkt.ip(src, addr, pkt.tcp(
            src, addr, sport=random.randint(1024, 65535), dport=port,
            flags="S", seq=random.getrandbits(32), window=65535,
            options=px.OPTS)), addr)
        time.sleep(gap_us / 1e6)
    report("synflood", True)


def ackflood(addr, port, count):
    # Below the kernel's ephemeral ports: no ACK is of a real connection.
    for _ in range(count):
        send_client(addr, sport=random.randint(1024, 32767), dport=port,
                    flags="A", seq=random.getrandbits(32),
                    ack=random.getrandbits(32), window=502)
    report("ackflood", True)


def report(name, good):
    print("%s %s" % (name, "ok" if good else "fail"), flush=True)


def main():
    if len(sys.argv) != 3 or sys.argv[1] != "--serve":
        sys.exit(2)
    side = Side(sys.argv[2])
    for line in sys.stdin:
        what, *args = line.rstrip("\n").split("\t")
        try:
            if what == "crafted":
                crafted(args[0], side, args[1], int(args[2]))
            elif what == "badsyn":
                badsyn(args[0], int(args[1]))
            elif what == "ackflood":
                ackflood(args[0], int(args[1]), int(args[2]))
            elif what == "synflood":
                synflood(args[0], int(args[1]), int(args[2]), int(args[3]))
            elif what == "forge":
                forge(side, args[0], int(args[1]), int(args[2]),
                      int(args[3]))
            else:
                report(what, False)
        except Exception as e:  # one request's failure, not the helper's
            print("# %s: %s" % (what, e), flush=True)
            report(what, False)
        print("done", flush=True)


if __name__ == "__main__":
    main()
