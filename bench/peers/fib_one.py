#!/usr/bin/env python3
"""One task, one process: what a GNU Parallel user writes for each job.

    parallel -j1 --colsep ' ' python3 fib_one.py {#} {2} :::: INPUT > OUTPUT

Prints the task's record as one JSON line: {"id":ID,"task":"fib",
"args":[N],...}; GNU Parallel's job number {#} is the input line number.
"""
import json
import os
import sys
import time


def fib(n):
    a, b = 0, 1
    for _ in range(n):
        a, b = b, a + b
    return a


def main():
    task_id, n = int(sys.argv[1]), int(sys.argv[2])
    start = time.perf_counter_ns()
    result = fib(n)
    elapsed_us = (time.perf_counter_ns() - start) // 1000
    print(json.dumps({"id": task_id, "task": "fib", "args": [n],
                      "status": "ok", "result": str(result),
                      "worker": os.getpid(), "attempts": 1,
                      "elapsed_us": elapsed_us}, separators=(",", ":")))


if __name__ == "__main__":
    main()
