#!/usr/bin/env python3
"""Writes the issue-5 input: COUNT lines `fib N`, N = 1 + i mod 90 (i from 0).

    python3 bench/peers/gen_input.py OUT [--count=1000000]
"""
import argparse


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--count", type=int, default=1_000_000)
    args = ap.parse_args()
    with open(args.out, "w") as f:
        f.writelines(f"fib {1 + i % 90}\n" for i in range(args.count))


if __name__ == "__main__":
    main()
