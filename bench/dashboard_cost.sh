#!/usr/bin/env bash
# What the dashboard costs the master's hot path (issue 13: within 3%):
# tiny-task throughput with --dashboard on and off, interleaved.
#
#   bench/dashboard_cost.sh [--pairs=7] [--count=1000000] [--out=DIR]
#
# Input: --count lines `fib N`, N = 1 + i mod 90 (bench/peers/gen_input.py).
# Each run: master --workers=1 --format=jsonl --output=F IN, whole process,
# wall time, and CPU time of the master, worker and logger together. Runs go
# in pairs, off then on, the order swapped every other pair so neither side
# always runs second; while "on" runs, a client fetches /status.json and
# /metrics once a second, as the page and a Prometheus scraper would. Prints
# every run, the median of each side and the throughput ratio on/off (of
# wall and of CPU time), with the load average: the machine is shared, so
# quote the ratios (measured interleaved), not the absolute rates; on a
# busy machine the CPU ratio is the steadier one.
set -uo pipefail

pairs=7
count=1000000
out=""
for arg in "$@"; do
  case "$arg" in
    --pairs=*) pairs="${arg#*=}" ;;
    --count=*) count="${arg#*=}" ;;
    --out=*) out="$(realpath -m -- "${arg#*=}")" ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "dashboard_cost.sh: unknown argument $arg (see --help)" >&2; exit 2 ;;
  esac
done

cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1  # the workspace root
[[ -z "$out" ]] && out="$(mktemp -d /tmp/taskfarm-dashboard-cost.XXXXXX)"
mkdir -p "$out"
py=/usr/bin/python3
load() { cut -d' ' -f1-3 /proc/loadavg; }

echo "== building (bazel -c opt)"
./tools/bazel build -c opt //master //worker //logger >"$out/build.log" 2>&1 ||
  { tail -20 "$out/build.log"; exit 1; }
master="$(realpath bazel-bin/master/master)"
input="$out/fib_$count.txt"
[[ -f "$input" ]] || "$py" -S bench/peers/gen_input.py "$input" --count="$count"

# A client of the dashboard, as the page and a Prometheus scraper would be:
# started before a run (Python's start-up is not timed), it waits for the
# master's "dashboard at" line in $1, fetches /status.json and /metrics
# once a second, and stops when the file $2 appears; prints its fetches.
poller() {
  "$py" -S - "$1" "$2" <<'PY'
import os, re, sys, time, urllib.request
err, stop = sys.argv[1], sys.argv[2]
port, fetched = None, 0
while not os.path.exists(stop):
    if port is None:
        m = re.search(r"dashboard at http://[^:]+:(\d+)/", open(err).read())
        port = m and m.group(1)
    for path in ("/status.json", "/metrics") if port else ():
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=2).read()
            fetched += 1
        except Exception:
            pass
    time.sleep(1 if port else 0.005)
print(fetched)
PY
}

# One run; prints its wall time and the CPU time of the master, its worker
# and its logger (user + system, from the shell's `times`), in seconds, and
# the client's fetches.
run() {  # on|off
  rm -f "$out/out.jsonl" "$out/out.jsonl.taskfarm" "$out/stop" "$out/fetched"
  : >"$out/$1.err"
  local args=(--workers=1 --format=jsonl --output="$out/out.jsonl") client=""
  if [[ $1 == on ]]; then
    args+=(--dashboard=127.0.0.1:0)
    poller "$out/$1.err" "$out/stop" >"$out/fetched" &
    client=$!
    sleep 0.5  # its start-up, outside the timed part
  fi
  local t0 t1 cpu
  t0=$(date +%s.%N)
  cpu=$( ( "$master" "${args[@]}" "$input" 2>"$out/$1.err"; times ) |
         awk 'NR == 2 {gsub(/[ms]/, " "); print $1 * 60 + $2 + $3 * 60 + $4}')
  t1=$(date +%s.%N)
  touch "$out/stop"
  [[ -n "$client" ]] && wait "$client"
  echo "$t0 $t1 $cpu $(cat "$out/fetched" 2>/dev/null)" |
    awk '{printf "%.3f %.3f %s", $2 - $1, $3, $4}'
}

echo "== $(nproc) CPUs, load $(load); $pairs pairs of $count tiny tasks"
: >"$out/runs.tsv"
for ((p = 1; p <= pairs; p++)); do
  order=(off on)
  ((p % 2 == 0)) && order=(on off)
  for side in "${order[@]}"; do
    read -r secs cpu fetched < <(run "$side")
    printf '%s\t%s\t%s\n' "$side" "$secs" "$cpu" >>"$out/runs.tsv"
    echo "  pair $p: dashboard $side  wall ${secs} s, CPU ${cpu} s${fetched:+ ($fetched fetches)}  (load $(load))"
  done
done
"$py" -S - "$out/runs.tsv" "$count" <<'PY'
import statistics, sys
runs = [l.split() for l in open(sys.argv[1])]
count = int(sys.argv[2])
def median(side, column):
    return statistics.median(float(r[column]) for r in runs if r[0] == side)
for name, column in (("wall", 1), ("CPU", 2)):
    off, on = median("off", column), median("on", column)
    ratio = off / on  # throughput on / throughput off
    print(f"{name:4}: median off {off:.3f} s ({count / off:,.0f} tasks/s), "
          f"on {on:.3f} s ({count / on:,.0f} tasks/s); on/off throughput "
          f"{ratio:.3f} ({'within' if ratio >= 0.97 else 'NOT within'} 3%)")
PY
echo "== load at the end: $(load); runs in $out/runs.tsv"
