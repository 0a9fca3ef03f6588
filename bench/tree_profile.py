#!/usr/bin/env python3
"""CPU shares of a process tree, per process and per thread role.

  bench/tree_profile.py [--tasks=N] [--top=K] [--data=FILE] -- COMMAND...
  bench/tree_profile.py [--tasks=N] [--top=K] --report=FILE

Runs COMMAND under `perf record -e task-clock` (every thread of every
process it starts, sampled every 100 us of CPU) and prints where the CPU
went: one row per process kind (master, worker, logger, anything else, by
executable name) and thread role (main, ZeroMQ I/O, other threads), with
the CPU milliseconds sampled, the share of the whole tree and, with
--tasks=N, nanoseconds per task. --top=K adds each role's K hottest symbols.
--report=FILE reads an earlier recording instead (perf.data of this tool's
--data). perf's own overhead inflates the absolute figures a little
(compare against `perf stat -e task-clock`); the shares are what to quote.

Example (issue 11's tiny tasks):
  bench/tree_profile.py --tasks=1000000 --top=8 -- \\
    bazel-bin/master/master --workers=1 --format=jsonl --output=/tmp/o in.txt
"""

import collections
import os
import re
import subprocess
import sys
import tempfile

PERIOD_NS = 100000  # one sample every 100 us of CPU


def kind_of(name):
    for k in ("master", "worker", "logger"):
        if k in name:
            return k
    return name


def role_of(comm, pid, tid):
    if comm.startswith("ZMQbg/IO"):
        return "zmq I/O"
    if comm.startswith("ZMQbg/"):
        return "zmq other"
    return "main" if pid == tid else "other thread"


def main(argv):
    tasks = 0
    top = 0
    data = None
    report = None
    while argv and argv[0] != "--":
        arg = argv.pop(0)
        if arg.startswith("--tasks="):
            tasks = int(arg.split("=", 1)[1])
        elif arg.startswith("--top="):
            top = int(arg.split("=", 1)[1])
        elif arg.startswith("--data="):
            data = arg.split("=", 1)[1]
        elif arg.startswith("--report="):
            report = arg.split("=", 1)[1]
        else:
            print(__doc__, file=sys.stderr)
            return 2
    if argv:
        argv.pop(0)
    if report is None:
        if not argv:
            print(__doc__, file=sys.stderr)
            return 2
        if data is None:
            data = os.path.join(tempfile.mkdtemp(prefix="tree_profile."), "perf.data")
        rc = subprocess.run(["perf", "record", "-q", "-e", "task-clock",
                             "-c", str(PERIOD_NS), "-o", data, "--"] + argv,
                            stdout=subprocess.DEVNULL).returncode
        if rc != 0:
            print(f"tree_profile: the command exited with {rc}", file=sys.stderr)
        report = data
    out = subprocess.run(
        ["perf", "script", "-i", report, "-F", "comm,pid,tid,period,ip,sym,dso"],
        capture_output=True, text=True).stdout
    # The process kind comes from the main thread's comm (threads of a
    # process may rename themselves; its main thread keeps the exe name).
    rows = []
    main_comm = {}
    line_re = re.compile(r"^\s*(.+?)\s+(\d+)/(\d+)\s+(\d+)\s+[0-9a-f]+\s*(.*)$")
    for line in out.splitlines():
        m = line_re.match(line)
        if not m:
            continue
        comm, pid, tid, period, sym = m.groups()
        pid, tid = int(pid), int(tid)
        if pid == tid:
            main_comm[pid] = comm
        sym = re.sub(r"\s*\((\S*/)?([^/()]*)\)$", r" [\2]", sym.strip())
        rows.append((comm, pid, tid, int(period), sym or "?"))
    by_role = collections.Counter()
    syms = collections.defaultdict(collections.Counter)
    for comm, pid, tid, period, sym in rows:
        key = (kind_of(main_comm.get(pid, comm)), role_of(comm, pid, tid))
        by_role[key] += period
        syms[key][sym] += period
    total = sum(by_role.values()) or 1
    by_kind = collections.Counter()
    for (kind, _), v in by_role.items():
        by_kind[kind] += v
    print(f"{'process':10s} {'thread':13s} {'CPU ms':>8s} {'share':>7s}"
          + (f" {'ns/task':>8s}" if tasks else ""))
    for kind, kv in by_kind.most_common():
        for (k, role), v in sorted(by_role.items(), key=lambda x: -x[1]):
            if k != kind:
                continue
            print(f"{kind:10s} {role:13s} {v / 1e6:8.1f} {100.0 * v / total:6.1f}%"
                  + (f" {v / tasks:8.1f}" if tasks else ""))
        print(f"{kind:10s} {'(all)':13s} {kv / 1e6:8.1f} {100.0 * kv / total:6.1f}%"
              + (f" {kv / tasks:8.1f}" if tasks else ""))
    zmq = sum(v for (k, r), v in by_role.items() if r == "zmq I/O")
    print(f"{'all':10s} {'zmq I/O':13s} {zmq / 1e6:8.1f} {100.0 * zmq / total:6.1f}%"
          + (f" {zmq / tasks:8.1f}" if tasks else ""))
    print(f"{'all':10s} {'(all)':13s} {total / 1e6:8.1f} {100.0:6.1f}%"
          + (f" {total / tasks:8.1f}" if tasks else ""))
    if top:
        for key, v in sorted(by_role.items(), key=lambda x: -x[1]):
            print(f"\n{key[0]} {key[1]}: {v / 1e6:.1f} ms")
            for sym, s in syms[key].most_common(top):
                print(f"  {100.0 * s / total:5.1f}%  {sym[:100]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
