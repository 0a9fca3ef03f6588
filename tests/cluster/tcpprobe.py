#!/usr/bin/env python3
"""Tiny TCP probe for the cluster test scripts (there is no ping here).

  tcpprobe.py listen PORT SECONDS      answer "ok HOST" to every connection
                                       for SECONDS, then exit 0
  tcpprobe.py connect ADDR PORT SECS   exit 0 if ADDR:PORT answered "ok ..."
                                       within SECS, else 1 (prints why)
  tcpprobe.py hold ADDR PORT SECS      connect, then wait SECS for anything
                                       from the peer; prints "silent" when
                                       nothing came (the peer vanished without
                                       FIN or RST), "eof", "reset" or "data"
  tcpprobe.py rate ADDR PORT N SECS    N connects with SECS timeout each;
                                       prints "ok/N" and exits 0

Every wait is bounded; nothing here runs longer than its arguments say.
"""
import socket
import sys
import time


def listen(port, seconds):
    deadline = time.monotonic() + seconds
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("0.0.0.0", port))
    srv.listen(64)
    held = []  # keep accepted sockets open so "hold" sees silence, not EOF
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return 0
        srv.settimeout(left)
        try:
            conn, peer = srv.accept()
        except socket.timeout:
            return 0
        try:
            conn.settimeout(1)
            conn.sendall(("ok %s\n" % socket.gethostname()).encode())
        except OSError:
            pass
        held.append(conn)
        print("accepted %s:%d" % peer, flush=True)


def connect(addr, port, secs):
    try:
        with socket.create_connection((addr, port), timeout=secs) as s:
            s.settimeout(secs)
            line = s.makefile().readline()
    except OSError as e:
        print("connect %s:%d failed: %s" % (addr, port, e))
        return 1
    if not line.startswith("ok"):
        print("connect %s:%d: unexpected answer %r" % (addr, port, line))
        return 1
    print("connect %s:%d: %s" % (addr, port, line.strip()))
    return 0


def hold(addr, port, secs):
    s = socket.create_connection((addr, port), timeout=3)
    s.settimeout(3)
    f = s.makefile("rb")
    f.readline()  # the greeting
    print("held", flush=True)
    # The caller cuts the link now; wait for the peer to say anything.
    s.settimeout(secs)
    try:
        data = s.recv(1)
    except socket.timeout:
        print("silent")
        return 0
    except ConnectionResetError:
        print("reset")
        return 0
    print("eof" if data == b"" else "data")
    return 0


def rate(addr, port, n, secs):
    ok = 0
    for _ in range(n):
        try:
            with socket.create_connection((addr, port), timeout=secs) as s:
                s.settimeout(secs)
                if s.makefile().readline().startswith("ok"):
                    ok += 1
        except OSError:
            pass
    print("%d/%d" % (ok, n))
    return 0


def main(argv):
    if len(argv) >= 3 and argv[1] == "listen":
        return listen(int(argv[2]), float(argv[3]))
    if len(argv) == 5 and argv[1] == "connect":
        return connect(argv[2], int(argv[3]), float(argv[4]))
    if len(argv) == 5 and argv[1] == "hold":
        return hold(argv[2], int(argv[3]), float(argv[4]))
    if len(argv) == 6 and argv[1] == "rate":
        return rate(argv[2], int(argv[3]), int(argv[4]), float(argv[5]))
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
