#!/usr/bin/env bash
# The Slurm path of taskfarm, end to end, for CI: brings up a single-node
# Slurm (slurm.sh up), runs batches whose workers Slurm starts, checks their
# output, and tears Slurm down.
#
#   tests/cluster/slurm_batch_test.sh [BAZEL_BIN]    (default: ./bazel-bin)
#
#   1. master --launcher=slurm: the master starts its workers with srun; the
#      Slurm job ends with the batch.
#   2. examples/slurm/taskfarm.sbatch: sbatch runs the master, which starts
#      the workers inside the job's allocation.
#
# Prints PASS/FAIL per check and "N passed, M failed" last; exits non-zero
# on any failure, or when Slurm cannot start (slurm.sh says why). Every step
# is bounded (about 3 minutes in all). Needs root, //master, //worker and
# //logger built (they are after `bazel test //...`), and nothing listening
# on Slurm's ports 6817/6818.
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BIN=$(cd "${1:-$ROOT/bazel-bin}" 2>/dev/null && pwd) || {
  echo "FAIL: no bazel-bin at ${1:-$ROOT/bazel-bin} (build //master //worker //logger first)"
  echo "0 passed, 1 failed"
  exit 1
}
MASTER=$BIN/master/master
WORK=$(mktemp -d /tmp/taskfarm-slurm-test.XXXXXX)
chmod 0755 "$WORK"
passed=0
failed=0

cleanup() {
  "$HERE/slurm.sh" down >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

check() { # description command...
  local desc=$1
  shift
  if "$@"; then
    echo "PASS: $desc"
    passed=$((passed + 1))
  else
    echo "FAIL: $desc"
    failed=$((failed + 1))
  fi
}

# fib 0..N-1 in jsonl: every id once, all ok, and known values right.
good_fib_output() { # file n
  local file=$1 n=$2 ids ok
  [[ -s $file ]] || { echo "  $file is empty or missing"; return 1; }
  ids=$(grep -o '"id":[0-9]*' "$file" | sort -u | wc -l)
  ok=$(grep -c '"status":"ok"' "$file")
  [[ $(wc -l <"$file") -eq $n && $ids -eq $n && $ok -eq $n ]] || {
    echo "  $file: $(wc -l <"$file") lines, $ids distinct ids, $ok ok; want $n"
    return 1
  }
  grep -q '"args":\[90\],"status":"ok","result":"2880067194370816120"' "$file" || {
    echo "  $file: fib(90) is wrong or missing"
    return 1
  }
}

# The job named $1 completed and nothing of ours is left in the queue.
job_completed() { # name
  local info
  info=$(scontrol show job -o 2>/dev/null | grep "JobName=$1 ") || {
    echo "  Slurm knows no job named $1"
    return 1
  }
  grep -q 'JobState=COMPLETED' <<<"$info" || {
    echo "  job $1: $(grep -o 'JobState=[A-Z_]*' <<<"$info")"
    return 1
  }
  [[ -z $(squeue -h -n "$1" 2>/dev/null) ]] || {
    echo "  job $1 is still in the queue"
    return 1
  }
}

if [[ ! -x $MASTER ]]; then
  echo "FAIL: $MASTER is not built (bazel build //master //worker //logger)"
  echo "0 passed, 1 failed"
  exit 1
fi

t0=$SECONDS
if ! env_line=$(timeout 300 "$HERE/slurm.sh" up); then
  echo "FAIL: Slurm did not start (slurm.sh up failed; its messages are above)"
  echo "0 passed, 1 failed"
  exit 1
fi
eval "$env_line"
echo "slurm up in $((SECONDS - t0)) s ($SLURM_CONF)"

# 1. The master starts the workers with srun, outside any allocation.
t0=$SECONDS
(cd "$WORK" && timeout 120 "$MASTER" --workers=0 --launcher=slurm --nodes=1 \
  --listen=tcp://127.0.0.1:0 --format=jsonl --output=launcher.jsonl \
  --tasks='fib 0..1999' >launcher.out 2>launcher.err)
code=$?
echo "master --launcher=slurm: exit $code in $((SECONDS - t0)) s"
sed 's/^/  | /' "$WORK/launcher.err"
check "master --launcher=slurm exits 0" test "$code" -eq 0
check "its output holds fib 0..1999, each id once" good_fib_output "$WORK/launcher.jsonl" 2000
check "its workers joined through srun" grep -q ' joined: worker ' "$WORK/launcher.err"
check "the Slurm job of the workers ended with the batch" job_completed taskfarm-workers

# 2. sbatch runs the master; the workers run in the job's allocation.
printf 'fib %s\n' 0..999 >"$WORK/tasks.txt"
t0=$SECONDS
(cd "$WORK" && TASKFARM_BIN=$BIN TASKFARM_ARGS=--listen=tcp://127.0.0.1:0 \
  timeout 150 sbatch --wait --nodes=1 --job-name=taskfarm-sbatch -Q \
  "$ROOT/examples/slurm/taskfarm.sbatch" tasks.txt >sbatch.out 2>&1)
code=$?
echo "sbatch --wait examples/slurm/taskfarm.sbatch: exit $code in $((SECONDS - t0)) s"
sed 's/^/  | /' "$WORK"/sbatch.out "$WORK"/taskfarm-*.log 2>/dev/null
check "sbatch examples/slurm/taskfarm.sbatch exits 0" test "$code" -eq 0
# shellcheck disable=SC2012 # one file, named by Slurm
check "its output holds fib 0..999, each id once" \
  good_fib_output "$(ls "$WORK"/taskfarm-*.jsonl 2>/dev/null | head -n 1)" 1000
check "the batch job and its worker step completed" job_completed taskfarm-sbatch

echo "$passed passed, $failed failed"
((failed == 0))
