#!/usr/bin/env bash
# Every performance target of issue 11 (and issue 5's memory bound), measured
# in one go, printed side by side in one table.
#
#   bench/run_all.sh [--runs=3] [--count=1000000] [--rate=20000]
#                    [--mem_tasks=100000000] [--skip=REGEX] [--out=DIR]
#                    [--results=DIR|none]
#
# Sections (--skip=REGEX leaves out those whose name matches):
#   tiny     --count tasks `fib N` from a file, one worker, jsonl to a file,
#            whole process: taskfarm, the strongest Node.js peers and the
#            single-process limit, --runs times round-robin, outputs checked
#            (bench/peers/run_all.sh): tasks/s and the ratio to the
#            strongest Node.js peer
#   latency  //bench:latency: a lone task against a bare ipc round trip, a
#            one-task batch as a whole process, worker start-up and RSS
#   swarm    //bench:swarm: the real master against N simulated remote
#            workers over tcp + CURVE: N = 1, 10, 100, 1,000, 5,000 at
#            --rate tasks/s offered in all (tasks/s routed, master CPU per
#            task, RSS, result latency, workers lost); N = 1 and 1,000 again
#            with one task a message (--max_batch=1), so both pay per message
#            alike; and 1 ms tasks for N = 10, 30, 100 (how many such
#            workers one master core feeds)
#   scaling  //bench:scaling: 200 x `pi 10000000 1`, W = 1 .. 2 x cores,
#            against the same task in `cores` plain processes
#   routing  //bench:routing_benchmark: the master's cost per task in-process
#   memory   --mem_tasks tasks `fibmod 1..N 1000000007` (one range line,
#            streamed), csv to /dev/null; RSS of the master, its workers and
#            logger every 0.5 s (bench/rss_sampler.sh)
#
# Everything printed also goes to --results (default bench/results/) as
# DATE_run_all.txt; --results=none keeps nothing. The machine should be
# quiet: each section prints the 1-minute load average, and the figures are
# only worth quoting when it stays low (< 1).
set -uo pipefail

runs=3
count=1000000
rate=20000
mem_tasks=100000000
out=""
skip='^$'
results_dir=""
for arg in "$@"; do
  case "$arg" in
    --runs=*) runs="${arg#*=}" ;;
    --count=*) count="${arg#*=}" ;;
    --rate=*) rate="${arg#*=}" ;;
    --mem_tasks=*) mem_tasks="${arg#*=}" ;;
    --out=*) out="$(realpath -m -- "${arg#*=}")" ;;
    --skip=*) skip="${arg#*=}" ;;
    --results=*) results_dir="${arg#*=}" ;;
    -h|--help) sed -n '2,34p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run_all.sh: unknown argument $arg (see --help)" >&2; exit 2 ;;
  esac
done

cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1  # the workspace root
[[ -z "$out" ]] && out="$(mktemp -d /tmp/taskfarm-bench.XXXXXX)"
mkdir -p "$out"
if [[ "$results_dir" != none ]]; then
  results_dir="${results_dir:-bench/results}"
  mkdir -p "$results_dir"
  exec > >(tee "$results_dir/$(date -u +%Y-%m-%d)_run_all.txt") 2>&1
fi
py="$(python3 -c 'import sys; print(sys.executable)')"
cores="$(nproc)"
summary="$out/summary.tsv"
: >"$summary"
load() { cut -d' ' -f1 /proc/loadavg; }
# Keeps the "summary" lines (target, goal, measured, verdict) of a tool.
keep() { grep $'^summary\t' | cut -f2- >>"$summary"; }
wants() { ! [[ "$1" =~ $skip ]]; }

echo "== building (bazel -c opt)"
./tools/bazel build -c opt //master //worker //logger //bench:scaling \
  //bench:latency //bench:swarm //bench:routing_benchmark \
  //bench/peers:single_process >"$out/build.log" 2>&1 ||
  { tail -20 "$out/build.log"; exit 1; }
master="$(realpath bazel-bin/master/master)"

echo "== $cores CPUs,$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-)," \
     "load $(cut -d' ' -f1-3 /proc/loadavg); $(date -u '+%Y-%m-%d %H:%M UTC');" \
     "commit $(git rev-parse --short HEAD 2>/dev/null)"

# ------------------------------------------------------------------ tiny
if wants tiny; then
  echo "== tiny: $count x fib N, one worker, whole process (load $(load))"
  bench/peers/run_all.sh --runs="$runs" --count="$count" --results=none \
    --only='^(taskfarm|single_process|node_farm.*)$' --csv="$out/peers.csv" \
    2>&1 | tee "$out/tiny.txt" | grep -v $'^summary\t'
  keep <"$out/tiny.txt"
fi

# ------------------------------------------------------------------ latency
if wants latency; then
  echo "== latency (load $(load))"
  bazel-bin/bench/latency 2>&1 | tee "$out/latency.txt" | grep -v $'^summary\t'
  keep <"$out/latency.txt"
fi

# ------------------------------------------------------------------ swarm
if wants swarm; then
  echo "== swarm: N workers at $rate tasks/s offered in all (load $(load))"
  bazel-bin/bench/swarm --workers=1,10,100,1000,5000 --rate="$rate" \
    --out="$out/swarm" 2>&1 | tee "$out/swarm.txt" | grep -v $'^summary\t'
  keep <"$out/swarm.txt"
  echo "== swarm: one task a message, N = 1 and 1,000 (load $(load))"
  bazel-bin/bench/swarm --workers=1,1000 --rate="$rate" \
    --master_args=--max_batch=1 --out="$out/swarm_b1" 2>&1 |
    tee "$out/swarm_b1.txt" | grep -v $'^summary\t'
  grep $'^summary\tmaster CPU/task' "$out/swarm_b1.txt" | keep
  echo "== swarm: 1 ms tasks (load $(load))"
  bazel-bin/bench/swarm --workers=10,30,100 --task_us=1000 \
    --out="$out/swarm_1ms" 2>&1 | tee "$out/swarm_1ms.txt" | grep -v $'^summary\t'
  grep $'^summary\tworkers one master core' "$out/swarm_1ms.txt" | keep
fi

# ------------------------------------------------------------------ scaling
if wants scaling; then
  echo "== scaling (load $(load))"
  bazel-bin/bench/scaling --task='pi 10000000 1' --tasks=200 \
    --out="$out/scaling" 2>&1 | tee "$out/scaling.txt" | grep -v $'^summary\t'
  keep <"$out/scaling.txt"
fi

# ------------------------------------------------------------------ routing
if wants routing; then
  echo "== routing, in-process (load $(load))"
  bazel-bin/bench/routing_benchmark \
    --benchmark_filter='BM_MasterHotPath' --benchmark_repetitions=3 \
    --benchmark_report_aggregates_only=true 2>/dev/null |
    grep -E 'median|^Benchmark' | tee "$out/routing.txt"
fi

# ------------------------------------------------------------------ memory
if wants memory; then
  echo "== memory: $mem_tasks tasks, streamed (load $(load))"
  t0="$(date +%s.%N)"
  "$master" --format=csv --tasks="fibmod 1..$mem_tasks 1000000007" \
    >/dev/null 2>"$out/memory.log" &
  pid=$!
  bench/rss_sampler.sh "$pid" "$out/rss.tsv" 0.5
  wait "$pid"
  seconds="$(printf '%.1f' "$(echo "$(date +%s.%N) - $t0" | bc)")"
  read -r m w l n < <(awk 'NR > 1 {
      if ($2 > m) m = $2; if ($3 > w) w = $3; if ($4 > l) l = $4; n++ }
      END {printf "%.1f %.1f %.1f %d", m / 1024, w / 1024, l / 1024, n}' "$out/rss.tsv")
  echo "  $seconds s; peak RSS MB: master $m, worker $w, logger $l ($n samples)"
  verdict="$(awk -v m="$m" 'BEGIN {print (m <= 64) ? "met" : "NOT MET"}')"
  printf '%s\t%s\t%s\t%s\n' "master RSS, $mem_tasks tasks streamed" "<= 64 MB" \
    "$m MB peak ($seconds s)" "$verdict" >>"$summary"
fi

echo
echo "== summary: $cores CPUs,$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-);" \
     "load now $(cut -d' ' -f1-3 /proc/loadavg); $(date -u '+%Y-%m-%d %H:%M UTC')"
awk -F'\t' 'BEGIN {printf "%-62s %-16s %-8s %s\n", "target", "goal", "verdict", "measured"}
            {printf "%-62s %-16s %-8s %s\n", $1, $2, $4, $3}' "$summary"
echo "(raw figures in $out)"
