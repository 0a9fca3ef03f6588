#!/usr/bin/env bash
# Tiny tasks end to end (issues 5 and 11): taskfarm against its peers.
#
#   bench/peers/run_all.sh [--runs=3] [--count=1000000] [--small=100000]
#                          [--tiny=200]   [--csv=FILE] [--only=REGEX]
#                          [--workdir=DIR] [--keep] [--results=DIR|none]
#
# Builds what it needs, writes the `fib N` input files once (N = 1 + i mod
# 90), runs every peer --runs times (round-robin, so that a burst of load on
# this shared machine hits every peer alike), checks every output with
# check_output.py (one record per task, each id once, every result exact) and
# prints the table: median wall time of the whole process (start-up, parsing
# and shutdown included), tasks/s, and the ratio to taskfarm (when it builds)
# and to the single-process limit; then issue 11's target line: taskfarm's
# tasks/s and its ratio to the strongest Node.js peer (>= 2.5 M tasks/s and
# >= 2.5x). --csv=FILE writes the table as CSV too.
#
# Task counts: the fast peers run --count tasks; the unbatched Node.js and
# Python peers (the tutorial's literal design, the naive Pool), which would
# take minutes, run --small; GNU Parallel (one process per task, only if
# `parallel` is installed) runs --tiny. The table
# says which count each row used and extrapolates its time to --count;
# tasks/s is comparable across rows only roughly, since start-up weighs more
# on a small count. Each run also records the 1-minute load average at its
# start: the machine is shared, and the table shows the median.
#
# Everything printed also goes to --results (default bench/results/) as
# DATE_peers.txt, with the table as DATE_peers.csv and the raw runs as
# DATE_peers_runs.tsv; --results=none keeps nothing.
set -uo pipefail

runs=3
count=1000000
small=100000
tiny=200
csv=""
only=""
workdir=""
keep=0
results_dir=""
for arg in "$@"; do
  case "$arg" in
    --runs=*) runs="${arg#*=}" ;;
    --count=*) count="${arg#*=}" ;;
    --small=*) small="${arg#*=}" ;;
    --tiny=*) tiny="${arg#*=}" ;;
    --csv=*) csv="$(realpath -m -- "${arg#*=}")" ;;
    --only=*) only="${arg#*=}" ;;
    --workdir=*) workdir="${arg#*=}" ;;
    --keep) keep=1 ;;
    --results=*) results_dir="${arg#*=}" ;;
    -h|--help) sed -n '2,29p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run_all.sh: unknown argument $arg (see --help)" >&2; exit 2 ;;
  esac
done

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here/../.." || exit 1  # the workspace root

# Everything printed from here on is kept in bench/results/DATE_peers.txt.
if [[ "$results_dir" != none ]]; then
  results_dir="${results_dir:-bench/results}"
  mkdir -p "$results_dir"
  stamp="$(date -u +%Y-%m-%d)"
  [[ -z "$csv" ]] && csv="$(realpath -m "$results_dir/${stamp}_peers.csv")"
  exec > >(tee "$results_dir/${stamp}_peers.txt") 2>&1
fi

# ------------------------------------------------------------------ build
have_taskfarm=1
echo "== building (bazel -c opt)"
if ! ./tools/bazel build -c opt //bench/peers:single_process //master //worker \
    //logger >/tmp/run_all_build.$$.log 2>&1; then
  have_taskfarm=0
  grep -m1 'ERROR' /tmp/run_all_build.$$.log | cut -c1-200
  if ! ./tools/bazel build -c opt //bench/peers:single_process; then
    echo "run_all.sh: //bench/peers:single_process does not build" >&2
    exit 1
  fi
fi
rm -f /tmp/run_all_build.$$.log
if [[ $have_taskfarm == 1 && ! -x bazel-bin/master/master ]]; then
  have_taskfarm=0
fi
if [[ $have_taskfarm == 0 ]]; then
  echo "taskfarm: SKIPPED: bazel-bin/master/master cannot be built on this" \
       "branch (//master, //worker, //logger); its row and the x taskfarm" \
       "column stay empty"
fi
single="$(realpath bazel-bin/bench/peers/single_process)"
master="$(realpath -m bazel-bin/master/master)"

# The interpreter itself, not a version manager's shim (pyenv's costs ~0.4 s
# a start here), and -S: this machine's site-packages carries .pth hooks that
# import certifi (~60 ms a start), which a stock Python does not do and which
# the tasks do not need.
py="$(python3 -c 'import sys; print(sys.executable)')"

have_parallel=0
if command -v parallel >/dev/null; then
  have_parallel=1
else
  echo "gnu_parallel: skipped (GNU Parallel is not installed)"
fi

# ------------------------------------------------------------------ peers
# name | which task count | command (INPUT and OUTPUT are filled in)
peers=()
[[ $have_taskfarm == 1 ]] && peers+=("taskfarm|count")
peers+=(
  "single_process|count"
  "node_farm|count"
  "node_farm --transport=ipc|count"
  "node_seed (literal)|small"
  "python_pool|count"
  "python_pool --naive|small"
)
[[ $have_parallel == 1 ]] && peers+=("gnu_parallel -j1|tiny")

run_peer() {  # NAME INPUT OUTPUT
  case "$1" in
    taskfarm)
      "$master" --workers=1 --format=jsonl --output="$3" "$2" ;;
    single_process)
      "$single" "$2" "$3" ;;
    node_farm)
      node bench/peers/node_farm.js "$2" "$3" --workers=1 ;;
    "node_farm --transport=ipc")
      node bench/peers/node_farm.js "$2" "$3" --workers=1 --transport=ipc ;;
    "node_seed (literal)")
      node bench/peers/node_seed.js "$2" "$3" --workers=1 --inflight=1 ;;
    python_pool)
      "$py" -S bench/peers/python_pool.py "$2" "$3" --workers=1 ;;
    "python_pool --naive")
      "$py" -S bench/peers/python_pool.py "$2" "$3" --workers=1 --naive ;;
    "gnu_parallel -j1")
      parallel -j1 --colsep ' ' "$py" -S bench/peers/fib_one.py '{#}' '{2}' \
        :::: "$2" >"$3" ;;
    *) echo "run_all.sh: no peer $1" >&2; return 2 ;;
  esac
}

if [[ -n "$only" ]]; then
  kept=()
  for p in "${peers[@]}"; do
    [[ "${p%%|*}" =~ $only ]] && kept+=("$p")
  done
  peers=("${kept[@]}")
fi

# ------------------------------------------------------------------ input
if [[ -z "$workdir" ]]; then
  workdir="$(mktemp -d /tmp/taskfarm-peers.XXXXXX)"
  [[ $keep == 0 ]] && trap 'rm -rf "$workdir"' EXIT
else
  mkdir -p "$workdir"
fi
declare -A input
for size in count small tiny; do
  n="${!size}"
  input[$size]="$workdir/input_$n.txt"
  [[ -f "${input[$size]}" ]] ||
    "$py" bench/peers/gen_input.py "${input[$size]}" --count="$n"
done

# ------------------------------------------------------------------ runs
results="$workdir/runs.tsv"
printf 'peer\ttasks\trun\twall_s\tuser_s\tsys_s\tload1\n' >"$results"
failed=0
echo "== $(nproc) CPUs; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
TIMEFORMAT='%R %U %S'
for ((r = 1; r <= runs; r++)); do
  for p in "${peers[@]}"; do
    name="${p%%|*}"
    size="${p##*|}"
    in="${input[$size]}"
    out="$workdir/out.jsonl"
    log="$workdir/peer.log"
    rm -f "$out"
    load1="$(cut -d' ' -f1 /proc/loadavg)"
    { time run_peer "$name" "$in" "$out" >"$log" 2>&1; } 2>"$workdir/time"
    rc=$?
    read -r wall user sys <"$workdir/time"
    if [[ $rc != 0 ]]; then
      echo "FAILED: $name exited with $rc; its output:" >&2
      tail -n 20 "$log" >&2
      failed=1
      continue
    fi
    if ! check="$("$py" bench/peers/check_output.py "$in" "$out" 2>&1)"; then
      echo "FAILED: $name wrote a wrong output:" >&2
      echo "$check" >&2
      failed=1
      continue
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "${!size}" "$r" "$wall" \
      "$user" "$sys" "$load1" >>"$results"
    printf 'run %d  %-34s %9s tasks  %7.3f s  load %s  (%s)\n' "$r" \
      "$name" "${!size}" "$wall" "$load1" "${check#check_output: }"
  done
done
rm -f "$workdir/out.jsonl"
echo "== load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "Median of $runs runs each, wall time of the whole process; 1 worker;" \
     "$(nproc) CPUs shared; $(date -u +%Y-%m-%d)"
"$py" bench/peers/summarize.py "$results" --full="$count" ${csv:+--csv="$csv"}
[[ $keep == 1 ]] && echo "raw runs kept in $results"
[[ "$results_dir" != none ]] && cp "$results" "$results_dir/${stamp}_peers_runs.tsv"
exit "$failed"
