#!/usr/bin/env python3
"""The same batch with Python's standard tool for it: multiprocessing.Pool.

    python3 python_pool.py INPUT OUTPUT [--workers=1] [--chunksize=N]

The main process reads the `fib N` lines, hands them to a Pool of worker
processes through imap_unordered (chunksize 1 by default, as a first version
would be; --chunksize=1000 is the usual fix for tiny tasks) and writes one
JSON record per task per line as the results come back, in completion order:
{"id","task","args","status","result","worker","attempts","elapsed_us"},
id = input line number from 1. Python ints are exact, so fib(90) needs
nothing special. Only the standard library.
"""
import argparse
import json
import multiprocessing
import os
import sys
import time


def fib(n):
    a, b = 0, 1
    for _ in range(n):
        a, b = b, a + b
    return a


def run_task(task):
    """Runs one task (id, n) in a worker; returns its record."""
    task_id, n = task
    start = time.perf_counter_ns()
    result = fib(n)
    elapsed_us = (time.perf_counter_ns() - start) // 1000
    return {"id": task_id, "task": "fib", "args": [n], "status": "ok",
            "result": str(result), "worker": os.getpid(), "attempts": 1,
            "elapsed_us": elapsed_us}


def read_tasks(path):
    """Returns [(id, n)] for each `fib N` line; a bad line is FILE:LINE, exit 2.

    The tasks are all read before any runs, so that a bad line stops the
    batch before it starts.
    """
    tasks = []
    with open(path) as f:
        for lineno, line in enumerate(f, 1):
            fields = line.split()
            if (len(fields) != 2 or fields[0] != "fib"
                    or not fields[1].isdigit()):
                print(f"{path}:{lineno}: expected `fib N`", file=sys.stderr)
                sys.exit(2)
            tasks.append((lineno, int(fields[1])))
    return tasks


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--chunksize", type=int, default=1)
    args = ap.parse_args()

    try:
        tasks = read_tasks(args.input)
    except OSError as e:
        print(f"python_pool: {e}", file=sys.stderr)
        sys.exit(2)
    with open(args.output, "w") as out, \
            multiprocessing.Pool(args.workers) as pool:
        for record in pool.imap_unordered(run_task, tasks,
                                          chunksize=args.chunksize):
            out.write(json.dumps(record, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
