#!/usr/bin/env python3
"""The same batch with Python's standard tool for it: multiprocessing.Pool.

    python3 python_pool.py INPUT OUTPUT [--workers=1] [--chunksize=1000]
                                        [--naive]

Written as a skilled Python user writes it for a million tiny tasks: the
main process reads the `fib N` lines, cuts them into chunks of --chunksize
tasks, and hands the chunks to a Pool of worker processes through
Pool.imap (in order; a chunk is one pickled message each way). Each worker
formats the records of its whole chunk into one string; the main process
writes each chunk's string with one write(). No object per record crosses a
process boundary. Python ints are exact, so fib(90) needs nothing special;
as taskfarm's own fib task does (tasks/library/fib.cc), values up to
fib(93) come from a table each worker builds at start.

--naive is the first version most people write, kept to show the
difference: Pool.imap_unordered(run_task, tasks, chunksize) with one task
per call, each worker returning the record as a dict, and the main process
calling json.dumps and write() once per record (--chunksize=1 is its
default there; --chunksize=1000 is the usual first fix).

OUTPUT: one JSON record per task per line, {"id","task","args","status",
"result","worker","attempts","elapsed_us"}, id = input line number from 1.
Only the standard library.
"""
import argparse
import json
import multiprocessing
import os
import sys
import time

FIB_TABLE_MAX = 93


def fib(n):
    a, b = 0, 1
    for _ in range(n):
        a, b = b, a + b
    return a


FIB_TABLE = [str(fib(n)) for n in range(FIB_TABLE_MAX + 1)]


def fib_text(n):
    """fib(n) as a decimal string: from the table up to fib(93)."""
    return FIB_TABLE[n] if n <= FIB_TABLE_MAX else str(fib(n))


def run_chunk(chunk):
    """Runs tasks first, first + 1, ... (a chunk: (first id, bytes of N)) in
    a worker; returns the output text of all their records."""
    first, ns = chunk
    pid = os.getpid()
    clock = time.perf_counter_ns
    lines = []
    append = lines.append
    for i, n in enumerate(ns, first):
        start = clock()
        result = fib_text(n)
        elapsed_us = (clock() - start) // 1000
        append(f'{{"id":{i},"task":"fib","args":[{n}],"status":"ok",'
               f'"result":"{result}","worker":{pid},"attempts":1,'
               f'"elapsed_us":{elapsed_us}}}\n')
    return "".join(lines)


def run_task(task):
    """--naive: runs one task (id, n) in a worker; returns its record."""
    task_id, n = task
    start = time.perf_counter_ns()
    result = fib(n)
    elapsed_us = (time.perf_counter_ns() - start) // 1000
    return {"id": task_id, "task": "fib", "args": [n], "status": "ok",
            "result": str(result), "worker": os.getpid(), "attempts": 1,
            "elapsed_us": elapsed_us}


def read_tasks(path):
    """Returns the N of each `fib N` line (0 <= N <= 255) as bytes; a bad
    line is FILE:LINE, exit 2.

    The tasks are all read before any runs, so that a bad line stops the
    batch before it starts.
    """
    ns = bytearray()
    with open(path, "rb") as f:
        for lineno, line in enumerate(f, 1):
            fields = line.split()
            if (len(fields) != 2 or fields[0] != b"fib"
                    or not fields[1].isdigit() or int(fields[1]) > 255):
                print(f"{path}:{lineno}: expected `fib N` with 0 <= N <= 255",
                      file=sys.stderr)
                sys.exit(2)
            ns.append(int(fields[1]))
    return bytes(ns)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--chunksize", type=int, default=None,
                    help="tasks per chunk (default 1000; --naive: 1)")
    ap.add_argument("--naive", action="store_true",
                    help="one task per call, a dict per record")
    args = ap.parse_args()
    chunksize = args.chunksize or (1 if args.naive else 1000)
    if chunksize < 1 or args.workers < 1:
        ap.error("--chunksize and --workers must be at least 1")

    try:
        ns = read_tasks(args.input)
    except OSError as e:
        print(f"python_pool: {e}", file=sys.stderr)
        sys.exit(2)
    with open(args.output, "w") as out, \
            multiprocessing.Pool(args.workers) as pool:
        if args.naive:
            tasks = [(i, n) for i, n in enumerate(ns, 1)]
            for record in pool.imap_unordered(run_task, tasks,
                                              chunksize=chunksize):
                out.write(json.dumps(record, separators=(",", ":")) + "\n")
        else:
            chunks = ((first + 1, ns[first:first + chunksize])
                      for first in range(0, len(ns), chunksize))
            for text in pool.imap(run_chunk, chunks):
                out.write(text)


if __name__ == "__main__":
    main()
