#!/usr/bin/python3 -S
# SPDX-License-Identifier: GPL-2.0
"""tcphs_xfer: byte-exact transfers both ways, for the proxy selftests.

  tcphs_xfer.py serve PORT [RECORD_PORT...]
      accept forever on [::]:PORT (IPv4 too), one thread per connection;
      and on each RECORD_PORT, where each connection's bytes so far are
      kept in /tmp/tcphs-rec-RECORD_PORT (written anew, whole, after each
      read), for the crafted clients that never close
  tcphs_xfer.py probe ADDR PORT COUNT TIMEOUT
      COUNT short exchanges in a row, each given TIMEOUT seconds; print
      "OK/COUNT MEDIAN_MS": how many completed, and the median time from
      connect() to the first byte of the server's answer
  tcphs_xfer.py send ADDR PORT BYTES [COUNT [COMMAND]]
      COUNT connections in a row (default 1); each sends BYTES, then
      receives BYTES, and both sides check every byte; COMMAND (a shell
      line) runs once each connection is up, before its bytes go

tcphs_px_craft.py imports this file for its "send" scenario, so that one
interpreter serves a whole test.

On each connection the client sends an 8-byte length N and N bytes of one
seeded stream; the server checks them and answers with N bytes of another
stream and a verdict byte. The client exits 0 only if every connection
carried every byte intact both ways.
"""
import hashlib
import os
import random
import socket
import struct
import sys
import threading
import time

CHUNK = 1 << 16


def stream(seed, n):
    """n bytes of the stream named seed, in chunks."""
    rng = random.Random(seed)
    while n > 0:
        k = min(n, CHUNK)
        yield rng.randbytes(k)
        n -= k


def digest(seed, n):
    h = hashlib.sha256()
    for chunk in stream(seed, n):
        h.update(chunk)
    return h.digest()


def recv_exact(sock, n):
    """Read n bytes, hashing them; None on an early EOF."""
    h = hashlib.sha256()
    while n > 0:
        data = sock.recv(min(n, 1 << 20))
        if not data:
            return None
        h.update(data)
        n -= len(data)
    return h.digest()


def recv_small(sock, n):
    buf = b""
    while len(buf) < n:
        data = sock.recv(n - len(buf))
        if not data:
            return None
        buf += data
    return buf


def serve_one(conn):
    with conn:
        hdr = recv_small(conn, 8)
        if hdr is None:
            return
        (n,) = struct.unpack("!Q", hdr)
        good = recv_exact(conn, n) == digest(1, n)
        for chunk in stream(2, n):
            conn.sendall(chunk)
        conn.sendall(b"\x01" if good else b"\x00")


def listener(port):
    srv = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    srv.bind(("::", port))
    srv.listen(128)
    return srv


def accept_loop(srv, handle):
    while True:
        conn, _ = srv.accept()
        threading.Thread(target=handle, args=(conn,), daemon=True).start()


def keep_one(conn, path):
    """Keep what conn sends in path, whole after each read."""
    data = b""
    with conn:
        while True:
            chunk = conn.recv(65536)
            if not chunk:
                return
            data += chunk
            with open(path + ".tmp", "wb") as f:
                f.write(data)
            os.rename(path + ".tmp", path)


def serve(port, record_ports):
    srvs = [(listener(p), p) for p in record_ports]
    main = listener(port)
    for srv, p in srvs:
        path = "/tmp/tcphs-rec-%d" % p
        threading.Thread(target=accept_loop, daemon=True, args=(
            srv, lambda conn, path=path: keep_one(conn, path))).start()
    accept_loop(main, serve_one)


def send_one(addr, port, n, then=None):
    with socket.create_connection((addr, port), timeout=120) as sock:
        if then:
            import subprocess  # only here: slow to import in the VM
            subprocess.run(then, shell=True, check=True)
        sender = threading.Thread(target=lambda: [
            sock.sendall(struct.pack("!Q", n)),
            [sock.sendall(c) for c in stream(1, n)]])
        sender.start()
        got = recv_exact(sock, n)
        sender.join()
        verdict = recv_small(sock, 1)
    if got != digest(2, n):
        print("client: the server's bytes differ", file=sys.stderr)
        return False
    if verdict != b"\x01":
        print("server: the client's bytes differ", file=sys.stderr)
        return False
    return True


def probe_one(addr, port, timeout):
    """Seconds from connect() to the server's first byte; None on failure."""
    start = time.monotonic()
    try:
        with socket.create_connection((addr, port), timeout=timeout) as sock:
            sock.sendall(struct.pack("!Q", 16) + b"".join(stream(1, 16)))
            first = sock.recv(1)
            if not first:
                return None
            elapsed = time.monotonic() - start
            rest = recv_small(sock, 16)
    except OSError:
        return None
    return elapsed if rest is not None and rest[-1:] == b"\x01" else None


def probe(addr, port, count, timeout):
    import statistics  # only here: slow to import in the VM
    times = [t for t in (probe_one(addr, port, timeout)
                         for _ in range(count)) if t is not None]
    median = statistics.median(times) * 1000 if times else 0
    print("%d/%d %.1f" % (len(times), count, median))


def main():
    if sys.argv[1] == "serve":
        serve(int(sys.argv[2]), [int(p) for p in sys.argv[3:]])
    if sys.argv[1] == "probe":
        probe(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]),
              float(sys.argv[5]))
        sys.exit(0)
    addr, port, n = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    count = int(sys.argv[5]) if len(sys.argv) > 5 else 1
    then = sys.argv[6] if len(sys.argv) > 6 else None
    ok = all(send_one(addr, port, n, then) for _ in range(count))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
