#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Requests to the tcphs netlink family for netlink.sh, one per line on
stdin (fields joined by tabs, as lib.sh's coproc_ask sends them), each
answered by one line of JSON and a line "done" on stdout, so that the
interpreter and the spec load once per script rather than once per
request. It speaks through the kernel's own ynl library (the code under
tools/net/ynl/cli.py), with tcphs's spec:

    do OP JSON              the reply, an object
    dump OP JSON            the replies, a list
    dump-small OP JSON      the same, read 4000 bytes at a time:
                            {"msgs": N reads, "flows": [...]}

A failed request answers {"error": "TEXT"}.

Usage: tcphs_nl.py YNL_DIR SPEC
"""
import json
import sys

sys.path.insert(0, sys.argv[1])
from lib import NlError, YnlFamily  # noqa: E402

SPEC = sys.argv[2]


def dump_small(op, attrs):
    """A dump through a 4000-byte receive buffer, with its read count."""
    ynl = YnlFamily(SPEC, "", recv_size=4000)
    reads = 0
    recv = ynl.sock.recv

    def counted(size, *flags):
        nonlocal reads
        reads += 1
        return recv(size, *flags)

    ynl.sock = _Sock(ynl.sock, counted)
    flows = ynl.dump(op, attrs)
    return {"msgs": reads, "flows": flows}


class _Sock:
    """A socket whose recv() is counted."""

    def __init__(self, sock, recv):
        self._sock = sock
        self.recv = recv

    def __getattr__(self, name):
        return getattr(self._sock, name)


def main():
    ynl = YnlFamily(SPEC, "")
    for line in sys.stdin:
        kind, op, attrs = line.rstrip("\n").split("\t", 2)
        attrs = json.loads(attrs)
        try:
            if kind == "do":
                out = ynl.do(op, attrs)
            elif kind == "dump":
                out = ynl.dump(op, attrs)
            else:
                out = dump_small(op, attrs)
        except NlError as e:
            out = {"error": str(e).split("\n")[0]}
        print(json.dumps(out, default=str))
        print("done", flush=True)


main()
