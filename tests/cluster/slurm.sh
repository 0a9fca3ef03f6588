#!/usr/bin/env bash
# A throw-away Slurm cluster on this machine, for tests and CI.
#
#   eval "$(tests/cluster/slurm.sh up)"   single node: this machine, all CPUs
#                                         and memory, partition "debug"
#   eval "$(tests/cluster/slurm.sh up --netns N)"
#                                         slurmctld on namespace host tf-m,
#                                         one slurmd on each of tf-w1..tf-wN
#                                         (made with netns.sh if missing);
#                                         run clients there:
#                                         tests/cluster/netns.sh exec m srun ...
#   tests/cluster/slurm.sh status         exit 0 when up, 1 when not
#   tests/cluster/slurm.sh down           stops what up started, removes state
#   tests/cluster/slurm.sh selftest [--netns N]   up, srun/sbatch proofs, down
#
# `up` prints only shell code on stdout (export SLURM_CONF=...); messages go
# to stderr. It always starts a fresh cluster (a running one is stopped
# first), fails at once if a package is missing (tools/bazel installs them:
# TASKFARM_PACKAGES=cluster), and fails with a
# non-zero exit, a clear message and the daemons' last log lines if Slurm is
# not idle within TF_SLURM_DEADLINE seconds (default 60). Nothing is written
# to /etc/slurm: the config lives in the state directory and reaches every
# client through SLURM_CONF, every daemon through -f.
#
# Environment: TF_SLURM_DIR (state directory, default /run/taskfarm-slurm),
# TF_SLURM_DEADLINE (60), TF_SLURM_CTLD_PORT (6817), TF_SLURM_SLURMD_PORT
# (6818), TF_MUNGE_KEY (/etc/munge/munge.key, created if missing),
# TF_SLURM_EXTRA_CONF (lines appended to slurm.conf), TF_NETNS_PREFIX (tf).
set -euo pipefail
# remember the last failing command (also inside functions) for the report;
# `fail` messages say it better, so they clear it
set -E
FAILED_AT=
trap 'FAILED_AT="line $LINENO: $BASH_COMMAND"' ERR

DIR=${TF_SLURM_DIR:-/run/taskfarm-slurm}
DEADLINE=${TF_SLURM_DEADLINE:-60}
CTLD_PORT=${TF_SLURM_CTLD_PORT:-6817}
SLURMD_PORT=${TF_SLURM_SLURMD_PORT:-6818}
MUNGE_KEY=${TF_MUNGE_KEY:-/etc/munge/munge.key}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
NETNS="$HERE/netns.sh"
PACKAGES=(slurmctld slurmd slurm-client munge iproute2 procps)
MARKER=.taskfarm-slurm
CONF="$DIR/slurm.conf"
MUNGE_SOCKET="$DIR/munge/munge.socket"

say() { echo "slurm.sh: $*" >&2; }
die() {
  echo "slurm.sh: error: $*" >&2
  exit 1
}
elapsed() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.1f", b - a}'; }

[[ $DIR == /?* && $DIR != *..* && $DIR != */ ]] ||
  die "TF_SLURM_DIR must be an absolute path without '..' or a trailing / (got '$DIR')"
[[ $DEADLINE =~ ^[1-9][0-9]*$ ]] || die "TF_SLURM_DEADLINE must be a positive integer (got '$DEADLINE')"

# ---------------------------------------------------------------- install

missing_packages() {
  local p
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || echo "$p"
  done
}

# Packages are installed by tools/bazel (its "cluster" list), never here.
need_packages() {
  local missing
  mapfile -t missing < <(missing_packages)
  ((${#missing[@]})) || return 0
  die "missing Debian packages: ${missing[*]}; install them with: TASKFARM_PACKAGES=cluster ./tools/bazel version (or: apt-get install -y --no-install-recommends ${missing[*]})"
}

# ---------------------------------------------------------------- processes

# The pids file holds "name pid starttime" for every process up started.
# starttime (field 22 of /proc/PID/stat) makes a recycled pid harmless.
# Prints nothing for a process that is gone or a zombie.
starttime() {
  awk '{sub(/^.*\) /, ""); if ($1 != "Z") print $20}' "/proc/$1/stat" 2>/dev/null || true
}

alive() { # name pid start
  [[ -n $2 && -n $3 && $(starttime "$2") == "$3" ]]
}

record() { # name pid expected-comm
  local name=$1 pid=$2 comm=$3 deadline=$((SECONDS + 5)) st
  # setsid/nsenter/setpriv exec into the daemon: wait (bounded) until they have
  until [[ $(cat "/proc/$pid/comm" 2>/dev/null) == "$comm" ]]; do
    [[ -n $(starttime "$pid") ]] || fail "$name (pid $pid) exited at once"
    ((SECONDS < deadline)) || fail "$name (pid $pid) did not become $comm within 5 s"
    sleep 0.02
  done
  st=$(starttime "$pid")
  [[ -n $st ]] || fail "$name (pid $pid) exited at once"
  echo "$name $pid $st" >>"$DIR/pids"
}

# Each daemon runs in the foreground of its own session, detached from the
# caller's terminal and pipes (a caller doing $(slurm.sh up) must not hang).
launch() { # name comm cmd...
  local name=$1 comm=$2
  shift 2
  (cd / && exec setsid "$@" </dev/null >/dev/null 2>>"$DIR/log/$name.err") &
  record "$name" $! "$comm"
}

stop_recorded() {
  [[ -f $DIR/pids ]] || return 0
  local name pid st live=() deadline
  # children first: slurmd, then slurmctld, then munged (reverse start order)
  while read -r name pid st; do
    if alive "$name" "$pid" "$st"; then
      kill -TERM "$pid" 2>/dev/null || true
      live+=("$name:$pid:$st")
    fi
  done < <(tac "$DIR/pids")
  deadline=$((SECONDS + 10))
  local e left
  while :; do
    left=()
    for e in "${live[@]}"; do
      IFS=: read -r name pid st <<<"$e"
      alive "$name" "$pid" "$st" && left+=("$e")
    done
    ((${#left[@]})) || break
    if ((SECONDS >= deadline)); then
      for e in "${left[@]}"; do
        IFS=: read -r name pid st <<<"$e"
        say "$name (pid $pid) ignored SIGTERM for 10 s: SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
      done
      break
    fi
    sleep 0.1
  done
  rm -f "$DIR/pids"
}

# slurmstepd processes of this cluster (they carry our SLURM_CONF, which the
# daemons export to them); only these, never the caller's own processes.
our_stepds() {
  local p
  for p in $(pgrep -x slurmstepd || true); do
    tr '\0' '\n' 2>/dev/null <"/proc/$p/environ" | grep -qx "SLURM_CONF=$CONF" && echo "$p"
  done
  return 0
}

# ---------------------------------------------------------------- clients

# Client commands, each bounded: in netns mode they run on the master host.
CLIENT_TIMEOUT=10
client() {
  if [[ -f $DIR/netns ]]; then
    TF_NETNS_PREFIX=$(cat "$DIR/netns") SLURM_CONF=$CONF timeout "$CLIENT_TIMEOUT" "$NETNS" exec m "$@"
  else
    SLURM_CONF=$CONF timeout "$CLIENT_TIMEOUT" "$@"
  fi
}

# ---------------------------------------------------------------- failure

log_tails() {
  local f
  # *.log: the daemons' own logs; *.err: their stderr (which repeats the
  # log under -D, but alone shows what killed a daemon before its log opened)
  for f in "$DIR"/log/*.log "$DIR"/log/*.err; do
    [[ -s $f ]] || continue
    echo "----- last lines of $f" >&2
    tail -n "$([[ $f == *.log ]] && echo 20 || echo 6)" "$f" >&2
  done
}

fail() {
  echo "slurm.sh: error: $*" >&2
  FAILED_AT=
  exit 1
}

# EXIT trap of `up`: whatever ended it early (fail, set -e, a signal), show
# the daemons' last words, keep the logs, stop what was started.
up_exit() {
  local rc=$1
  ((rc)) || return 0
  trap - EXIT INT TERM
  [[ -z $FAILED_AT ]] || echo "slurm.sh: error: up failed (exit $rc; last failing command: $FAILED_AT)" >&2
  if [[ -d $DIR/log ]]; then
    log_tails
    local keep
    keep=$(mktemp -d "${TMPDIR:-/tmp}/taskfarm-slurm-logs.XXXXXX")
    cp -a "$DIR"/log/. "$keep"/ 2>/dev/null || true
    cp -a "$DIR/slurm.conf" "$keep"/ 2>/dev/null || true
    echo "slurm.sh: logs and slurm.conf kept in $keep" >&2
  fi
  teardown >&2 || true
  exit "$rc"
}

# ---------------------------------------------------------------- up

ours() { [[ -f $DIR/$MARKER ]]; }

fresh_state_dir() {
  if [[ -e $DIR ]]; then
    ours || [[ -z $(ls -A "$DIR" 2>/dev/null) ]] ||
      die "$DIR exists and is not a taskfarm-slurm state directory: refusing to touch it (set TF_SLURM_DIR)"
    rm -rf "$DIR"
  fi
  mkdir -p "$DIR"/{ctld,slurmd,log,run,munge}
  chmod 0755 "$DIR"
  touch "$DIR/$MARKER"
  # munged wants its socket directory owned by munge and not writable by others
  chown munge:munge "$DIR/munge"
  chmod 0755 "$DIR/munge"
}

ensure_munge_key() {
  if [[ ! -s $MUNGE_KEY ]]; then
    say "no munge key at $MUNGE_KEY: creating one"
    mkdir -p "$(dirname "$MUNGE_KEY")"
    mungekey --create --keyfile="$MUNGE_KEY"
  fi
  chown munge:munge "$MUNGE_KEY"
  chmod 0400 "$MUNGE_KEY"
}

start_munged() {
  launch munged munged setpriv --reuid=munge --regid=munge --clear-groups \
    munged --foreground --force --key-file="$MUNGE_KEY" --socket="$MUNGE_SOCKET" \
    --pid-file="$DIR/munge/munged.pid" --log-file="$DIR/log/munged.log" \
    --seed-file="$DIR/munge/munged.seed"
  local deadline=$((SECONDS + 10))
  until munge -n -S "$MUNGE_SOCKET" 2>/dev/null | unmunge -S "$MUNGE_SOCKET" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || fail "munged did not answer on $MUNGE_SOCKET within 10 s"
    sleep 0.05
  done
}

port_free() {
  ! ss -Htln "sport = :$1" 2>/dev/null | grep -q .
}

# This machine's resources as slurmd measures them, e.g.
# "CPUs=2 Boards=1 SocketsPerBoard=1 CoresPerSocket=2 ThreadsPerCore=1 RealMemory=24105"
node_resources() {
  local line
  line=$(slurmd -C 2>/dev/null | head -n 1) || true
  if [[ $line == NodeName=* ]]; then
    echo "${line#NodeName=* }"
  else
    echo "CPUs=$(nproc) RealMemory=$(awk '/MemTotal/{print int($2 / 1024)}' /proc/meminfo)"
  fi
}

write_conf() { # nodes-lines ctld-host
  local nodes=$1 ctld=$2
  cat >"$CONF" <<EOF
# Written by tests/cluster/slurm.sh: a throw-away test cluster.
ClusterName=taskfarm
SlurmctldHost=$ctld
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$MUNGE_SOCKET
StateSaveLocation=$DIR/ctld
SlurmdSpoolDir=$DIR/slurmd/%n
SlurmctldPidFile=$DIR/run/slurmctld.pid
SlurmdPidFile=$DIR/run/slurmd-%n.pid
SlurmctldLogFile=$DIR/log/slurmctld.log
SlurmdLogFile=$DIR/log/slurmd-%n.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
MpiDefault=none
MailProg=/bin/true
# a node that stops answering comes back by itself when it answers again
ReturnToService=2
KillWait=5
InactiveLimit=0
TmpFS=/tmp
$nodes
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
${TF_SLURM_EXTRA_CONF:-}
EOF
}

wait_idle() { # expected-node-count
  local want=$1 deadline=$((SECONDS + DEADLINE)) states name pid st n
  while :; do
    while read -r name pid st; do
      alive "$name" "$pid" "$st" || fail "$name (pid $pid) died while starting"
    done <"$DIR/pids"
    states=$(CLIENT_TIMEOUT=3 client sinfo -h -N -o %T 2>/dev/null) || states=
    # every node idle, and as many as configured
    n=$(grep -cx idle <<<"$states" || true)
    ((n >= want && n == $(grep -c . <<<"$states" || true))) && return 0
    if grep -qE '^(drain|drained|draining|fail|failing)' <<<"$states"; then
      fail "node(s) not usable: $(client sinfo -h -R 2>&1 | tr '\n' ';')"
    fi
    ((SECONDS < deadline)) ||
      fail "Slurm not idle within $DEADLINE s (sinfo says: $(tr '\n' ' ' <<<"${states:-nothing}"))"
    sleep 0.2
  done
}

cmd_up() {
  local nhosts=0
  case ${1:-} in
    "") ;;
    --netns)
      nhosts=${2:-}
      [[ $nhosts =~ ^[1-9][0-9]*$ ]] || die "usage: slurm.sh up --netns N (N >= 1)"
      ;;
    *) die "usage: slurm.sh up [--netns N]" ;;
  esac
  need_packages
  [[ $(id -u) -eq 0 ]] || die "slurm.sh up needs root (slurmd runs as root, munged as user munge)"
  local t0=$EPOCHREALTIME
  cd /
  if ours; then
    say "stopping the cluster left by an earlier run"
    teardown >&2
  fi
  local port
  for port in "$CTLD_PORT" "$SLURMD_PORT"; do
    port_free "$port" || die "port $port is in use (another slurmctld/slurmd?); set TF_SLURM_CTLD_PORT/TF_SLURM_SLURMD_PORT"
  done
  trap 'up_exit $?' EXIT
  trap 'echo "slurm.sh: interrupted" >&2; exit 130' INT
  trap 'echo "slurm.sh: terminated" >&2; exit 143' TERM
  fresh_state_dir
  ensure_munge_key
  start_munged
  export SLURM_CONF=$CONF # the daemons pass it on to slurmstepd (see our_stepds)
  local res host
  res=$(node_resources)
  host=$(hostname -s)
  if ((nhosts == 0)); then
    write_conf "NodeName=$host NodeAddr=127.0.0.1 $res State=UNKNOWN" "$host(127.0.0.1)"
    mkdir -p "$DIR/slurmd/$host"
    launch slurmctld slurmctld slurmctld -D -i -f "$CONF"
    launch slurmd slurmd slurmd -D -f "$CONF"
    wait_idle 1
  else
    start_netns_cluster "$nhosts" "$res"
  fi
  trap - EXIT INT TERM
  echo "export SLURM_CONF=$CONF" >"$DIR/env"
  say "up in $(elapsed "$t0") s: $(client sinfo -h -N -o '%N %T %c CPUs %m MB' | tr '\n' ';' | sed 's/;$//')"
  cat "$DIR/env"
  if ((nhosts)); then
    echo "# clients run on the master host: $NETNS exec m srun ..."
  fi
}

start_netns_cluster() { # N resources
  local n=$1 res=$2 k nodes="" prefix=${TF_NETNS_PREFIX:-tf} subnet=${TF_NETNS_SUBNET:-10.77.0}
  local have=1
  for ((k = 1; k <= n; k++)); do [[ -e /run/netns/$prefix-w$k ]] || have=0; done
  [[ -e /run/netns/$prefix-m ]] || have=0
  if ((have)); then
    say "using the existing namespace hosts $prefix-m, $prefix-w1..$prefix-w$n"
  else
    "$NETNS" up "$n" >/dev/null || fail "netns.sh up $n failed"
    touch "$DIR/netns-created"
  fi
  echo "$prefix" >"$DIR/netns"
  for ((k = 1; k <= n; k++)); do
    nodes+="NodeName=$prefix-w$k NodeAddr=$subnet.$((10 + k)) $res State=UNKNOWN"$'\n'
    mkdir -p "$DIR/slurmd/$prefix-w$k"
  done
  write_conf "$nodes" "$prefix-m($subnet.1)"
  # nsenter --net (via netns.sh exec), not 'ip netns exec': the latter
  # remounts /sys and hides /sys/fs/cgroup, and slurmd dies without it
  launch slurmctld slurmctld "$NETNS" exec m slurmctld -D -i -f "$CONF"
  for ((k = 1; k <= n; k++)); do
    launch "slurmd-$prefix-w$k" slurmd "$NETNS" exec "w$k" slurmd -D -N "$prefix-w$k" -f "$CONF"
  done
  wait_idle "$n"
}

# ---------------------------------------------------------------- down

teardown() {
  ours || return 0
  if [[ -f $DIR/pids ]] && client scontrol ping >/dev/null 2>&1; then
    local jobs
    jobs=$(client squeue -h -o %A 2>/dev/null | tr '\n' ' ') || jobs=
    if [[ -n ${jobs// /} ]]; then
      say "cancelling jobs: $jobs"
      # shellcheck disable=SC2086
      client scancel $jobs >/dev/null 2>&1 || true
      local deadline=$((SECONDS + 15))
      while [[ -n $(client squeue -h -o %A 2>/dev/null) ]] && ((SECONDS < deadline)); do sleep 0.2; done
    fi
  fi
  stop_recorded
  local left
  left=$(our_stepds | tr '\n' ' ')
  if [[ -n ${left// /} ]]; then
    say "killing leftover slurmstepd: $left"
    # shellcheck disable=SC2086
    kill -KILL $left 2>/dev/null || true
  fi
  if [[ -f $DIR/netns-created ]]; then
    TF_NETNS_PREFIX=$(cat "$DIR/netns") "$NETNS" down >/dev/null 2>&1 || say "netns.sh down failed"
  fi
  rm -rf "$DIR"
}

cmd_down() {
  if ! ours; then
    say "nothing to stop (no state in $DIR)"
    return 0
  fi
  [[ $(id -u) -eq 0 ]] || die "slurm.sh down needs root"
  teardown
  say "down: stopped and removed $DIR"
}

# ---------------------------------------------------------------- status

cmd_status() {
  if ! ours; then
    echo "slurm.sh: down (no state in $DIR)"
    return 1
  fi
  local name pid st bad=0
  while read -r name pid st; do
    if alive "$name" "$pid" "$st"; then echo "$name: running (pid $pid)"; else
      echo "$name: NOT running (was pid $pid)"
      bad=1
    fi
  done <"$DIR/pids"
  local info
  if info=$(client sinfo -h -N -o '%N %T' 2>&1); then echo "nodes: $(tr '\n' ' ' <<<"$info")"; else
    echo "sinfo failed: $info"
    bad=1
  fi
  if ((bad)); then
    echo "slurm.sh: broken (run: slurm.sh down; slurm.sh up)"
    return 1
  fi
  echo "slurm.sh: up; $(cat "$DIR/env")"
}

# ---------------------------------------------------------------- selftest

cmd_selftest() {
  local args=("$@") fails=0 passes=0 t0 out desc n=1
  [[ ${1:-} == --netns ]] && n=${2:?usage: slurm.sh selftest [--netns N]}
  trap '"$0" down >/dev/null 2>&1 || true' EXIT
  check() {
    local c0=$EPOCHREALTIME
    if "$@"; then
      echo "PASS: $desc ($(elapsed "$c0") s)"
      passes=$((passes + 1))
    else
      echo "FAIL: $desc ($(elapsed "$c0") s)"
      fails=$((fails + 1))
    fi
  }
  t0=$EPOCHREALTIME
  "$0" up "${args[@]}" >/dev/null || die "up failed"
  echo "up ${args[*]} took $(elapsed "$t0") s"
  desc="srun -N1 hostname" check bash -c "out=\$('$0' _client srun -N1 hostname) && echo \"  \$out\" && [[ -n \$out ]]"
  desc="srun -n2: two tasks" check bash -c "out=\$('$0' _client srun -n2 -l hostname | sort) && echo \"\$out\" | sed 's/^/  /' && [[ \$(wc -l <<<\"\$out\") -eq 2 ]]"
  if ((n > 1)); then
    desc="srun -N$n: one task on every node" check bash -c "out=\$('$0' _client srun -N$n hostname | sort -u) && echo \"\$out\" | sed 's/^/  /' && [[ \$(wc -l <<<\"\$out\") -eq $n ]]"
  fi
  out=$(mktemp -d)
  chmod 0755 "$out"
  # shellcheck disable=SC2016 # expanded by the job, not here
  printf '#!/bin/sh\necho "batch on $(hostname) job $SLURM_JOB_ID"\n' >"$out/job.sh"
  desc="sbatch --wait of a tiny script" check bash -c "'$0' _client sbatch -Q --wait -o '$out/job.out' -D '$out' '$out/job.sh' && cat '$out/job.out' | sed 's/^/  /' && grep -q '^batch on' '$out/job.out'"
  rm -rf "$out"
  t0=$EPOCHREALTIME
  "$0" down 2>/dev/null
  echo "down took $(elapsed "$t0") s"
  trap - EXIT
  desc="status says down after down" check bash -c "! '$0' status >/dev/null"
  desc="no slurmctld/slurmd/munged of ours left" check bash -c "[[ ! -e '$DIR' ]]"
  echo "selftest: $passes passed, $fails failed"
  ((fails == 0))
}

usage() {
  sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//' >&2
  exit 2
}

case ${1:-} in
  up) cmd_up "${@:2}" ;;
  down) cmd_down ;;
  status) cmd_status ;;
  selftest) cmd_selftest "${@:2}" ;;
  _client) # run a client command against this cluster (used by selftest)
    ours || die "not up"
    shift
    CLIENT_TIMEOUT=60
    client "$@"
    ;;
  *) usage ;;
esac
