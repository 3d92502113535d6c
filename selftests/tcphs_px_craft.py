#!/usr/bin/python3 -S
# SPDX-License-Identifier: GPL-2.0
"""Crafted client handshakes against a tcphs proxy, for the proxy selftests.

Usage (inside the client namespace, its own RSTs filtered out):

  tcphs_px_craft.py ADDR NAME:PORT[:ARG]...
  tcphs_px_craft.py --serve

runs each scenario in turn and prints "NAME PORT ok" or "NAME PORT fail"
for each. With --serve it reads requests from stdin, one per line, each
"ADDR NAME:PORT[:ARG]..." with its fields separated by tabs, and ends the
answer to each with a line "done": one interpreter serves a whole test.
The scenarios:

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
  between:P:CMD  run CMD between the SYN-ACK and a good ACK
  sh:0:CMD       run CMD
  send:P:N C [CMD]  C transfers of N bytes each way to P, checked byte for
                 byte, as "tcphs_xfer.py send ADDR P N C [CMD]" does
  synmss         send a SYN, print "mss P N": the SYN-ACK's MSS option
  syndata:P:TEXT a SYN carrying TEXT; ok if the SYN-ACK acknowledges the
                 SYN alone and the server, once TEXT is sent again on the
                 third ACK, acknowledges all of it
  tfodata:P:TEXT as syndata, the SYN with a Fast Open cookie option too
  forge:P:DEV MAC TEXT CMD  the third ACK with TEXT, then a SYN-ACK that
                 says it is the server's (ack = ISN + 1) sent from here,
                 out of DEV to the Ethernet address MAC; then CMD; ok if
                 the server then acknowledges all of TEXT
  martian:P:DEV MAC SRC DST  a SYN from SRC to DST ("-": this host's, or
                 ADDR) out of DEV to the Ethernet address MAC; ok if no
                 SYN-ACK comes back within a second

And, run as "tcphs_px_craft.py --answer PORT=MSS...", a server of sorts:
it answers every SYN to each PORT, IPv4 or IPv6, with a SYN-ACK that
announces MSS (its kernel's RSTs filtered out by the test), until killed.

CMD is a shell line, or "sysctl NETNS NAME=VALUE...", which this process
writes into that namespace's /proc/sys itself (setns(2)): on the debug
kernel each process started costs seconds.

Segments go out through raw sockets, built by tcphs_pkt: scapy's import
and its per-call sockets were slow in the test VM. The shell test reads
the counters for what became of them.
"""
import os
import random
import select
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tcphs_pkt as pkt  # noqa: E402
import tcphs_xfer  # noqa: E402

OPTS = [("MSS", 1460), ("SAckOK", b""), ("Timestamp", (1000, 0)),
        ("NOP", None), ("WScale", 7)]


class RawPeer:
    """Raw sockets of one family: one sends whole IP packets, one sees a
    copy of every TCP segment that arrives for this host."""

    def __init__(self, family):
        self.family = family
        self.tx = socket.socket(family, socket.SOCK_RAW, socket.IPPROTO_RAW)
        self.rx = socket.socket(family, socket.SOCK_RAW, socket.IPPROTO_TCP)

    def send(self, packet, dst):
        self.tx.sendto(packet, (dst, 0))

    def drain(self):
        """Forget what arrived before: other tests' traffic, unparsed."""
        try:
            while True:
                self.rx.recv(65535, socket.MSG_DONTWAIT)
        except BlockingIOError:
            pass

    def wait(self, match, timeout):
        """The first arriving segment for which match() holds, or None."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.rx], [], [], left)[0]:
                return None
            seg = pkt.parse(self.rx.recv(65535), self.family)
            if seg is not None and match(seg):
                return seg


PEERS = {}
SOURCES = {}


def peer(addr):
    family = socket.AF_INET6 if ":" in addr else socket.AF_INET
    if family not in PEERS:
        PEERS[family] = RawPeer(family)
    return PEERS[family]


def source(addr):
    if addr not in SOURCES:
        SOURCES[addr] = pkt.source(addr)
    return SOURCES[addr]


def send_tcp(addr, frag=False, **kw):
    """A segment to addr, whole or (frag) in IP fragments of 16 bytes of
    it each (IPv4) or of 80 bytes in all, 32 of it (IPv6)."""
    src = source(addr)
    seg = pkt.tcp(src, addr, **kw)
    if not frag:
        packets = [pkt.ip(src, addr, seg)]
    else:
        packets = pkt.fragments(src, addr, seg, 80 if ":" in addr else 16)
    for packet in packets:
        peer(addr).send(packet, addr)


def handshake_start(addr, port):
    """SYN, then the proxy's SYN-ACK; the client's (sport, isn, synack)."""
    sport = random.randint(20000, 30000)
    isn = random.getrandbits(32)
    peer(addr).drain()
    send_tcp(addr, sport=sport, dport=port, flags="S", seq=isn,
             window=65535, options=OPTS)
    synack = peer(addr).wait(lambda t: t.sport == port and
                             t.dport == sport, 30)
    if synack is None or synack.flags != "SA":
        raise OSError("no SYN-ACK from %s:%d" % (addr, port))
    return sport, isn, synack


def rst(addr, port, sport, seq):
    """A bare RST at seq; its window is not 0, so the client's nft rule
    against its own kernel's RSTs lets it out."""
    send_tcp(addr, sport=sport, dport=port, flags="R", seq=seq, window=1)


def ack(addr, port, sport, seq, ack_no, payload=b"", fin=False,
        frag=False):
    send_tcp(addr, frag, sport=sport, dport=port,
             flags="A" + ("P" if payload else "") + ("F" if fin else ""),
             seq=seq, ack=ack_no, window=502, payload=payload,
             options=[("NOP", None), ("NOP", None),
                      ("Timestamp", (1001, 0))])


def acked(addr, port, sport, seq, ack_no, payload, fin=False, frag=False):
    """Send payload at seq; True once the server acknowledges all of it."""
    want = (seq + len(payload) + fin) & 0xFFFFFFFF

    ack(addr, port, sport, seq, ack_no, payload, fin, frag)
    return peer(addr).wait(lambda t: t.sport == port and t.dport == sport
                           and t.ack == want, 60) is not None


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


def send_l2(dev, mac, src, dst, seg):
    """The IP packet of seg out of dev to the Ethernet address mac, past
    this host's routing (which would keep a packet to its own address)."""
    proto = 0x86DD if ":" in dst else 0x0800
    with socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, 0) as s:
        s.sendto(pkt.ip(src, dst, seg),
                 (dev, proto, 0, 0, bytes.fromhex(mac.replace(":", ""))))


def syn_data(addr, port, payload, tfo):
    """True if the SYN-ACK to a SYN with payload acknowledges the SYN alone
    and the server takes payload sent again after the handshake."""
    sport = random.randint(20000, 30000)
    isn = random.getrandbits(32)
    opts = OPTS + ([(34, os.urandom(8))] if tfo else [])
    peer(addr).drain()
    send_tcp(addr, sport=sport, dport=port, flags="S", seq=isn,
             window=65535, options=opts, payload=payload)
    sa = peer(addr).wait(lambda t: t.sport == port and t.dport == sport, 30)
    if sa is None or sa.flags != "SA":
        raise OSError("no SYN-ACK from %s:%d" % (addr, port))
    if sa.ack != (isn + 1) & 0xFFFFFFFF:
        print("# syndata: the SYN-ACK acknowledged %d bytes of data" %
              ((sa.ack - isn - 1) & 0xFFFFFFFF), file=sys.stderr)
        return False
    return acked(addr, port, sport, isn + 1, sa.seq + 1, payload)


def forge(addr, port, arg):
    """The third ACK with TEXT; a server SYN-ACK forged from this side; a
    bare ACK while the server is still asked; then CMD: True once the
    server acknowledges TEXT."""
    dev, mac, text, cmd = arg.split(" ", 3)
    payload = text.encode()
    sport, isn, sa = handshake_start(addr, port)
    ack(addr, port, sport, isn + 1, sa.seq + 1, payload)
    send_l2(dev, mac, addr, source(addr), pkt.tcp(
        addr, source(addr), sport=port, dport=sport, flags="SA",
        seq=random.getrandbits(32), ack=isn + 1, window=65535,
        options=OPTS))
    ack(addr, port, sport, isn + 1 + len(payload), sa.seq + 1)
    time.sleep(0.5)
    if not run_cmd(cmd):
        return False
    want = (isn + 1 + len(payload)) & 0xFFFFFFFF
    return peer(addr).wait(lambda t: t.sport == port and t.dport == sport
                           and t.ack == want, 30) is not None


def martian(addr, port, arg):
    """A SYN from SRC to DST, at Ethernet address MAC: True if no SYN-ACK
    comes back."""
    dev, mac, src, dst = arg.split(" ")
    src = source(addr) if src == "-" else src
    dst = addr if dst == "-" else dst
    sport = random.randint(20000, 30000)
    peer(addr).drain()
    send_l2(dev, mac, src, dst, pkt.tcp(
        src, dst, sport=sport, dport=port, flags="S",
        seq=random.getrandbits(32), window=65535, options=OPTS))
    return peer(addr).wait(lambda t: t.sport == port and t.dport == sport,
                           1) is None


def answer(specs):
    """Answer each SYN to a PORT of specs (PORT=MSS) with a SYN-ACK that
    announces MSS, for ever."""
    mss = {int(p): int(m) for p, m in (spec.split("=") for spec in specs)}
    rx = {socket.socket(fam, socket.SOCK_RAW, socket.IPPROTO_TCP): fam
          for fam in (socket.AF_INET, socket.AF_INET6)}
    with open("/tmp/tcphs-answering", "w"):
        pass
    while True:
        for sock in select.select(list(rx), [], [])[0]:
            data, frm = sock.recvfrom(65535)
            seg = pkt.parse(data, rx[sock])
            if seg is None or seg.flags != "S" or seg.dport not in mss:
                continue
            src = frm[0]
            me = source(src)
            opts = [("MSS", mss[seg.dport])] + OPTS[1:]
            peer(src).send(pkt.ip(me, src, pkt.tcp(
                me, src, sport=seg.dport, dport=seg.sport, flags="SA",
                seq=random.getrandbits(32), ack=seg.seq + 1,
                window=65535, options=opts)), src)


CLONE_NEWNET = 0x40000000


def sysctl_in(netns, settings):
    """Write each NAME=VALUE of settings into netns's /proc/sys, in turn, as
    sysctl -w would (/proc/sys/net answers for the opener's namespace)."""
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    own = os.open("/proc/self/ns/net", os.O_RDONLY)
    target = os.open("/run/netns/" + netns, os.O_RDONLY)
    try:
        if libc.setns(target, CLONE_NEWNET):
            raise OSError(ctypes.get_errno(), "setns " + netns)
        for setting in settings:
            name, value = setting.split("=", 1)
            with open("/proc/sys/" + name.replace(".", "/"), "w") as f:
                f.write(value)
    finally:
        libc.setns(own, CLONE_NEWNET)
        os.close(own)
        os.close(target)


def run_cmd(cmd):
    """True if CMD (see above) succeeded."""
    if cmd.startswith("sysctl "):
        words = cmd.split()
        sysctl_in(words[1], words[2:])
        return True
    return subprocess.run(cmd, shell=True).returncode == 0


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
        return run_cmd(arg)
    if name in ("syndata", "tfodata"):
        return syn_data(addr, port, arg.encode(), name == "tfodata")
    if name == "forge":
        return forge(addr, port, arg)
    if name == "martian":
        return martian(addr, port, arg)
    if name == "send":
        n, count, *then = arg.split(" ", 2)
        return all(tcphs_xfer.send_one(addr, port, int(n), *then)
                   for _ in range(int(count)))
    sport, isn, sa = handshake_start(addr, port)
    if name == "synack":
        print("%08x" % sa.seq)
    elif name == "synmss":
        print("mss %d %s" % (port, sa.mss))
    elif name == "badack":
        ack(addr, port, sport, isn + 1, sa.seq + 2)
    elif name == "rstbad":
        rst(addr, port, sport, isn + 1001)
        time.sleep(0.2)
        ack(addr, port, sport, isn + 1, sa.seq + 1)
    elif name == "tamper":
        ack(addr, port, sport, isn + 1, (sa.seq ^ 0x100) + 1)
    elif name == "between":
        if not run_cmd(arg):
            return False
        ack(addr, port, sport, isn + 1, sa.seq + 1)
    else:
        raise ValueError("unknown scenario " + name)
    return True


def run(addr, specs):
    """Run each NAME:PORT[:ARG] in turn; print "NAME PORT ok|fail"."""
    failed = 0
    for spec in specs:
        name, port, arg = (spec.split(":", 2) + [""])[:3]
        try:
            good = scenario(name, addr, int(port), arg)
        except Exception as e:  # one scenario's failure, not the helper's
            print("# %s: %s" % (name, e), file=sys.stderr)
            good = False
        print("%s %s %s" % (name, port, "ok" if good else "fail"),
              flush=True)
        failed += not good
    return failed


def main():
    if sys.argv[1:2] == ["--answer"]:
        answer(sys.argv[2:])
    if sys.argv[1:] != ["--serve"]:
        sys.exit(1 if run(sys.argv[1], sys.argv[2:]) else 0)
    for line in sys.stdin:
        fields = line.rstrip("\n").split("\t")
        run(fields[0], fields[1:])
        print("done", flush=True)


if __name__ == "__main__":
    main()
