#!/usr/bin/env python3
"""Turns run_all.sh's raw timings into the table (and the CSV).

    python3 summarize.py RUNS_TSV [--full=1000000] [--csv=FILE]

RUNS_TSV has one line per run: peer, tasks, run, wall_s, user_s, sys_s,
load1 (tab-separated, with that header; load1 is the 1-minute load average
when the run started). Per peer: the median wall time over its
runs, tasks/s = tasks / median wall (whole process: start-up, parsing and
shutdown included), the median CPU time (user + sys of the process and all
its children) and tasks per CPU-second, and its throughput relative to taskfarm's and to the
single-process limit's (peer tasks/s / their tasks/s). Rows run on fewer
than --full tasks also get their time extrapolated to --full tasks
(--full / tasks/s).

Last, issue 11's target line: taskfarm's tasks/s against 2.5 M/s, and its
ratio to the strongest Node.js peer (the node_* row with the most tasks/s
among those run on --full tasks) against 2.5x; also as a tab-separated
"summary" line (target, goal, measured) for bench/run_all.sh.
"""
import argparse
import csv
import statistics

TASKFARM = "taskfarm"
LIMIT = "single_process"
TARGET_RATE = 2_500_000  # issue 11: tasks/s, whole process
TARGET_RATIO = 2.5       # issue 11: x the strongest Node.js peer


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("runs")
    ap.add_argument("--full", type=int, default=1_000_000)
    ap.add_argument("--csv")
    args = ap.parse_args()

    peers = {}  # name -> {"tasks": n, "wall": [...], "cpu": [...]}
    with open(args.runs) as f:
        for row in csv.DictReader(f, delimiter="\t"):
            p = peers.setdefault(row["peer"], {"tasks": int(row["tasks"]),
                                               "wall": [], "cpu": [],
                                               "load": []})
            p["wall"].append(float(row["wall_s"]))
            p["cpu"].append(float(row["user_s"]) + float(row["sys_s"]))
            p["load"].append(float(row.get("load1") or "nan"))

    rows = []
    for name, p in peers.items():
        wall = statistics.median(p["wall"])
        rows.append({
            "peer": name,
            "tasks": p["tasks"],
            "runs": len(p["wall"]),
            "median_wall_s": wall,
            "min_wall_s": min(p["wall"]),
            "max_wall_s": max(p["wall"]),
            "median_cpu_s": statistics.median(p["cpu"]),
            "tasks_per_s": p["tasks"] / wall if wall > 0 else float("inf"),
            "median_load1": statistics.median(p["load"]),
        })
        r = rows[-1]
        r["tasks_per_cpu_s"] = (p["tasks"] / r["median_cpu_s"]
                                if r["median_cpu_s"] > 0 else float("inf"))
        r["est_full_s"] = (args.full / r["tasks_per_s"]
                           if r["tasks"] != args.full else None)
    by_name = {r["peer"]: r for r in rows}
    for r in rows:
        for ref, key in ((TASKFARM, "vs_taskfarm"), (LIMIT, "vs_limit")):
            r[key] = (r["tasks_per_s"] / by_name[ref]["tasks_per_s"]
                      if ref in by_name else None)

    header = ["peer", "tasks", "runs", "median wall s", "min-max s",
              "median CPU s", "tasks/s", "tasks/CPU-s", f"est. s for {args.full:,}",
              "x taskfarm", "x single-process", "load"]
    table = [header]
    for r in rows:
        table.append([
            r["peer"], f"{r['tasks']:,}", str(r["runs"]),
            f"{r['median_wall_s']:.3f}",
            f"{r['min_wall_s']:.2f}-{r['max_wall_s']:.2f}",
            f"{r['median_cpu_s']:.2f}",
            f"{r['tasks_per_s']:,.0f}",
            f"{r['tasks_per_cpu_s']:,.0f}",
            "-" if r["est_full_s"] is None else f"{r['est_full_s']:,.0f}",
            "-" if r["vs_taskfarm"] is None else f"{r['vs_taskfarm']:.3g}",
            "-" if r["vs_limit"] is None else f"{r['vs_limit']:.3g}",
            f"{r['median_load1']:.1f}",
        ])
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for k, row in enumerate(table):
        print("  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                        for i, (c, w) in enumerate(zip(row, widths))))
        if k == 0:
            print("  ".join("-" * w for w in widths))
    if TASKFARM not in by_name:
        print("(no taskfarm row: x taskfarm is blank)")
    print("tasks/s = tasks / median wall; x = this row's tasks/s over "
          "taskfarm's or the single-process limit's; CPU = user + sys of the "
          "whole process tree (tasks/CPU-s = tasks / median CPU: less sensitive "
          "to other load than wall time, not immune); load = median 1-minute load average at the "
          "start of the runs")

    node = [r for r in rows
            if r["peer"].startswith("node") and r["tasks"] == args.full]
    if TASKFARM in by_name and node:
        best = max(node, key=lambda r: r["tasks_per_s"])
        tf = by_name[TASKFARM]
        ratio = tf["tasks_per_s"] / best["tasks_per_s"]
        cpu_ratio = tf["tasks_per_cpu_s"] / best["tasks_per_cpu_s"]
        print(f"\ntarget: taskfarm {tf['tasks_per_s']:,.0f} tasks/s "
              f"(goal >= {TARGET_RATE:,}: "
              f"{'met' if tf['tasks_per_s'] >= TARGET_RATE else 'not met'}); "
              f"{ratio:.2f}x the strongest Node.js peer, {best['peer']} "
              f"({best['tasks_per_s']:,.0f} tasks/s; goal >= {TARGET_RATIO}x: "
              f"{'met' if ratio >= TARGET_RATIO else 'not met'}); "
              f"per CPU-second {cpu_ratio:.2f}x")
        verdict = lambda ok: "met" if ok else "NOT MET"
        print(f"summary\ttiny tasks, whole process (tasks/s)\t>= "
              f"{TARGET_RATE:,}\t{tf['tasks_per_s']:,.0f} "
              f"({tf['median_wall_s']:.3f} s, median of {tf['runs']})\t"
              f"{verdict(tf['tasks_per_s'] >= TARGET_RATE)}")
        print(f"summary\t  x the strongest Node.js peer ({best['peer']})\t>= "
              f"{TARGET_RATIO}x\t{ratio:.2f}x ({best['tasks_per_s']:,.0f} "
              f"tasks/s); per CPU-s {cpu_ratio:.2f}x\t{verdict(ratio >= TARGET_RATIO)}")

    if args.csv:
        fields = ["peer", "tasks", "runs", "median_wall_s", "min_wall_s",
                  "max_wall_s", "median_cpu_s", "tasks_per_s", "tasks_per_cpu_s", "est_full_s",
                  "vs_taskfarm", "vs_limit", "median_load1"]
        with open(args.csv, "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=fields)
            w.writeheader()
            for r in rows:
                w.writerow({k: ("" if r[k] is None else
                                round(r[k], 6) if isinstance(r[k], float)
                                else r[k]) for k in fields})
        print(f"CSV written to {args.csv}")


if __name__ == "__main__":
    main()
