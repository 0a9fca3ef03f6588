#!/usr/bin/env bash
# Issue 5's performance targets, measured in one go, with one summary table.
#
#   bench/run_all.sh [--runs=3] [--count=1000000] [--mem_tasks=100000000]
#                    [--out=DIR] [--skip=REGEX]
#
# Sections (--skip=REGEX leaves out those whose name matches):
#   tiny     --count tasks `fib N` from a file, --workers=1, jsonl to a file,
#            whole process: taskfarm and bench/peers/single_process
#            alternately --runs times, fastest of each; outputs checked
#   latency  //bench:latency: bare ipc round trip vs one task in flight,
#            worker start-up and RSS
#   routing  //bench:routing_benchmark: the master's cost per task
#   scaling  //bench:scaling: 200 x `primes 3000000`, W = 1 .. 2 x cores
#   memory   --mem_tasks tasks `fibmod 1..N 1000000007` (one range line,
#            streamed), default workers, csv to /dev/null; RSS of the master,
#            its workers and logger sampled every 0.5 s (bench/rss_sampler.sh)
# The machine is shared: each section prints the 1-minute load average, and
# the figures are only worth quoting when it is low (< 1).
set -uo pipefail

runs=3
count=1000000
mem_tasks=100000000
out=""
skip='^$'
for arg in "$@"; do
  case "$arg" in
    --runs=*) runs="${arg#*=}" ;;
    --count=*) count="${arg#*=}" ;;
    --mem_tasks=*) mem_tasks="${arg#*=}" ;;
    --out=*) out="$(realpath -m -- "${arg#*=}")" ;;
    --skip=*) skip="${arg#*=}" ;;
    -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run_all.sh: unknown argument $arg (see --help)" >&2; exit 2 ;;
  esac
done

cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1  # the workspace root
[[ -z "$out" ]] && out="$(mktemp -d /tmp/taskfarm-bench.XXXXXX)"
mkdir -p "$out"
py="$(python3 -c 'import sys; print(sys.executable)')"
cores="$(nproc)"
summary="$out/summary.tsv"
: >"$summary"
load() { cut -d' ' -f1 /proc/loadavg; }
row() {  # TARGET GOAL MEASURED COMMAND
  printf '%s\t%s\t%s\t%s\n' "$@" >>"$summary"
}
wants() { ! [[ "$1" =~ $skip ]]; }

echo "== building (bazel -c opt)"
./tools/bazel build -c opt //master //worker //logger //bench:scaling \
  //bench:latency //bench:routing_benchmark //bench/peers:single_process \
  >"$out/build.log" 2>&1 || { tail -20 "$out/build.log"; exit 1; }
master="$(realpath bazel-bin/master/master)"

echo "== $cores CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-)," \
     "load $(cut -d' ' -f1-3 /proc/loadavg)"

# ------------------------------------------------------------------ tiny
if wants tiny; then
  echo "== tiny: $count x fib N, --workers=1, best of $runs (load $(load))"
  input="$out/fib_$count.txt"
  [[ -f "$input" ]] || "$py" -S bench/peers/gen_input.py "$input" --count="$count"
  TIMEFORMAT='%R'
  best_tf=""; best_sp=""
  for ((r = 1; r <= runs; r++)); do
    rm -f "$out/tf.jsonl" "$out/tf.jsonl.taskfarm" "$out/sp.jsonl"
    tf="$( { time "$master" --workers=1 --format=jsonl --output="$out/tf.jsonl" \
               "$input" 2>/dev/null; } 2>&1 )"
    sp="$( { time bazel-bin/bench/peers/single_process "$input" "$out/sp.jsonl"; } 2>&1 )"
    echo "  run $r: taskfarm $tf s, single_process $sp s (load $(load))"
    best_tf="$(printf '%s\n' $best_tf $tf | sort -g | head -1)"
    best_sp="$(printf '%s\n' $best_sp $sp | sort -g | head -1)"
  done
  "$py" -S bench/peers/check_output.py "$input" "$out/tf.jsonl" --sample=10000 |
    sed 's/^/  taskfarm output: /'
  read -r rate ratio < <(echo "$count $best_tf $best_sp" |
    awk '{printf "%.0f %.2f", $1 / $2, $2 / $3}')
  echo "  taskfarm $best_tf s = $rate tasks/s; single_process $best_sp s; ratio $ratio"
  row "tiny tasks, 1 worker, end to end" ">= 2,000,000 tasks/s" \
    "$rate tasks/s ($best_tf s)" "master --workers=1 --format=jsonl --output=F in.txt"
  row "  vs single-process limit" "<= 3x" "${ratio}x ($best_sp s)" \
    "bench/peers/single_process in.txt out.jsonl"
fi

# ------------------------------------------------------------------ latency
if wants latency; then
  echo "== latency (load $(load))"
  bazel-bin/bench/latency | tee "$out/latency.txt" | grep -v '^summary'
  grep '^summary' "$out/latency.txt" | while IFS=$'\t' read -r _ t g m; do
    row "$t" "$g" "$m" "bazel run -c opt //bench:latency"
  done
fi

# ------------------------------------------------------------------ routing
if wants routing; then
  echo "== routing (load $(load))"
  bazel-bin/bench/routing_benchmark \
    --benchmark_filter='BM_MasterHotPath|BM_FakePeers' \
    --benchmark_repetitions=3 --benchmark_report_aggregates_only=true \
    --benchmark_format=json >"$out/routing.json" 2>/dev/null
  "$py" -S - "$out/routing.json" >"$out/routing.txt" <<'PY'
import json, sys
runs = json.load(open(sys.argv[1]))["benchmarks"]
ns = {b["run_name"]: b["ns_per_task"] * 1e9 for b in runs
      if b.get("aggregate_name") == "median"}
for name, v in ns.items():
    print(f"  {name}: {v:.1f} ns/task")
hot = ns.get("BM_MasterHotPath/0", 0)
fake = ns.get("BM_FakePeers", 0)
print(f"master\t{hot:.0f}\t{hot - fake:.0f}")
PY
  grep -v '^master' "$out/routing.txt"
  read -r _ hot net < <(grep '^master' "$out/routing.txt")
  row "master cost per task (in-process)" "<= 150 ns" \
    "$hot ns with the fake peers, $net ns without" \
    "bazel run -c opt //bench:routing_benchmark"
fi

# ------------------------------------------------------------------ scaling
if wants scaling; then
  echo "== scaling (load $(load))"
  bazel-bin/bench/scaling --out="$out/scaling" | tee "$out/scaling.txt"
  read -r sp eff < <(awk -F, -v w="$cores" '$1 == w {print $5, $6}' \
    "$out/scaling/scaling.csv")
  row "CPU scaling at W = cores = $cores" ">= $(echo "0.97 * $cores" | bc) x" \
    "${sp}x, efficiency $eff" "bazel run -c opt //bench:scaling"
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
  printf '%.1f' "$(echo "$(date +%s.%N) - $t0" | bc)" >"$out/memory.time"
  read -r m w l n < <(awk 'NR > 1 {
      if ($2 > m) m = $2; if ($3 > w) w = $3; if ($4 > l) l = $4; n++ }
      END {printf "%.1f %.1f %.1f %d", m / 1024, w / 1024, l / 1024, n}' "$out/rss.tsv")
  echo "  $(cat "$out/memory.time") s; peak RSS MB: master $m, worker $w," \
       "logger $l ($n samples, $out/rss.tsv)"
  awk 'NR > 1 && (NR - 2) % 20 == 0 {printf "  t=%5.1f s master %6.1f MB\n", $1, $2 / 1024}' \
    "$out/rss.tsv"
  row "master RSS, $mem_tasks tasks" "<= 64 MB" "$m MB peak ($(cat "$out/memory.time") s)" \
    "master --tasks='fibmod 1..$mem_tasks 1000000007' >/dev/null"
  row "worker RSS (running)" "<= 8 MB" "$w MB peak" "(same run)"
fi

echo
echo "== summary: $cores CPUs,$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-);" \
     "load now $(cut -d' ' -f1-3 /proc/loadavg); $(date -u '+%Y-%m-%d %H:%M UTC')"
awk -F'\t' 'BEGIN {printf "%-40s %-22s %s\n", "target", "goal", "measured"}
            {printf "%-40s %-22s %s\n", $1, $2, $3}' "$summary"
echo "(raw figures in $out)"
