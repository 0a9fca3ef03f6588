#!/usr/bin/env python3
"""Checks a peer's jsonl output against its input file.

    python3 bench/peers/check_output.py INPUT OUTPUT [--sample=N]

Every line of OUTPUT must be a record {"id","task","args","status","result",
"worker","attempts","elapsed_us"} (in that key order) with task "fib",
status "ok", attempts 1, a positive worker pid and elapsed_us >= 0. The ids
must be the input's line numbers (counted from 1, or from 0: the base under
which the records agree wins), each present exactly once, in any order, and
args must be [N] from that input line. The results of --sample random records
(default 0: all of them) are compared with the exact fib(N), computed here
with Python ints. Exit status 0 when all is right; 1 otherwise, with the
first problems printed.
"""
import argparse
import json
import random
import re
import sys

# The compact layout every peer here writes, matched without building a dict
# (json.loads of a million lines takes seconds); any other line is parsed as
# JSON and checked field by field.
NUM = rb"(0|[1-9][0-9]*)"
COMPACT = re.compile(
    rb'\{"id":' + NUM + rb',"task":"fib","args":\[' + NUM +
    rb'\],"status":"ok","result":"' + NUM + rb'","worker":([1-9][0-9]*),'
    rb'"attempts":1,"elapsed_us":' + NUM + rb'\}\r?\n?')

KEYS = ["id", "task", "args", "status", "result", "worker", "attempts",
        "elapsed_us"]


def fib(n):
    a, b = 0, 1
    for _ in range(n):
        a, b = b, a + b
    return a


def read_input(path):
    ns = []
    with open(path) as f:
        for lineno, line in enumerate(f, 1):
            kind, arg = line.split()
            if kind != "fib":
                sys.exit(f"{path}:{lineno}: not a fib task")
            ns.append(int(arg))
    return ns


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--sample", type=int, default=0,
                    help="check the result of this many random records "
                         "(0: all of them)")
    args = ap.parse_args()

    ns = read_input(args.input)
    count = len(ns)
    problems = []

    def problem(msg):
        problems.append(msg)
        if len(problems) >= 10:
            report(problems, count)

    table = [str(fib(n)) for n in range(max(ns, default=0) + 1)]
    # Results of a random sample (or of all records: --sample=0) are
    # compared with exact values computed independently here.
    rng = random.Random(5)
    p_check = 1.0 if not args.sample else min(1.0, args.sample / max(count, 1))
    checked = 0
    seen = bytearray(count + 1)  # ids 0..count
    written = 0
    bad_args = [0, 0]  # records whose args disagree with id base 0, 1
    first_bad = [None, None]
    with open(args.output, "rb") as f:
        for lineno, line in enumerate(f, 1):
            written += 1
            m = COMPACT.fullmatch(line)
            if m:
                i, n, result = int(m[1]), int(m[2]), m[3].decode()
            else:
                try:
                    r = json.loads(line)
                except ValueError as e:
                    problem(f"{args.output}:{lineno}: not JSON: {e}")
                    continue
                if not isinstance(r, dict) or list(r) != KEYS:
                    problem(f"{args.output}:{lineno}: keys {list(r)}")
                    continue
                i = r["id"]
                n = r["args"][0] if isinstance(r["args"], list) and \
                    len(r["args"]) == 1 else r["args"]
                result = r["result"]
                if (r["task"] != "fib" or r["status"] != "ok"
                        or r["attempts"] != 1 or not isinstance(result, str)
                        or not isinstance(r["worker"], int)
                        or r["worker"] <= 0
                        or not isinstance(r["elapsed_us"], int)
                        or r["elapsed_us"] < 0):
                    problem(f"{args.output}:{lineno}: bad record {r}")
                    continue
            # Ids are the input's line numbers, counted from 1 or from 0:
            # check both and keep the base under which all records agree.
            if not isinstance(i, int) or not 0 <= i <= count:
                problem(f"{args.output}:{lineno}: id {i!r} out of range")
                continue
            if seen[i]:
                problem(f"{args.output}:{lineno}: id {i} written twice")
            seen[i] = 1
            if not (i >= 1 and ns[i - 1] == n):
                if not bad_args[1]:
                    first_bad[1] = f"{args.output}:{lineno}: id {i} has " \
                        f"args [{n}]; line {i} of the input does not"
                bad_args[1] += 1
            if not (i < count and ns[i] == n):
                if not bad_args[0]:
                    first_bad[0] = f"{args.output}:{lineno}: id {i} has " \
                        f"args [{n}]; line {i + 1} of the input does not"
                bad_args[0] += 1
            if not isinstance(n, int) or not 0 <= n < len(table):
                continue
            if p_check >= 1.0 or rng.random() < p_check:
                checked += 1
                if result != table[n]:
                    problem(f"{args.output}:{lineno}: fib({n}) = {table[n]},"
                            f" got {result!r}")
    if written != count:
        problem(f"{written} lines for {count} tasks")
    base = 1 if bad_args[1] <= bad_args[0] else 0
    if bad_args[base]:
        problem(f"{bad_args[base]} records whose args are not their input "
                f"line's (ids from {base}); first: {first_bad[base]}")
    missing = count - sum(seen[base:base + count])
    if missing:
        problem(f"{missing} ids missing (ids from {base})")
    report(problems, count, checked)


def report(problems, count, checked=0):
    if problems:
        for p in problems:
            print("check_output: " + p, file=sys.stderr)
        sys.exit(1)
    print(f"check_output: ok, {count} records, {checked} results checked")
    sys.exit(0)


if __name__ == "__main__":
    main()
