#!/usr/bin/env bash
# Several "hosts" on one machine, made of network namespaces.
#
#   netns.sh up N           master tf-m (10.77.0.1) + workers tf-w1..tf-wN
#                           (10.77.0.11, .12, ...) on a bridge that lives in
#                           its own namespace tf-br; cleans leftovers first
#   netns.sh down           kills what still runs inside, removes everything
#   netns.sh status         lists the hosts, addresses and link states
#   netns.sh addr HOST      prints HOST's address (for scripts)
#   netns.sh cut HOST       takes HOST's link down: its peers see silence
#   netns.sh heal HOST      brings it back with the same address
#   netns.sh loss HOST PCT  drops PCT% of the packets HOST receives and of
#                           those the other hosts receive from it (0 = off)
#   netns.sh exec HOST CMD...  runs CMD in HOST's network namespace, where
#                           `hostname` is HOST's name (tf-m, tf-w1...)
#   netns.sh selftest       up 2, proves connectivity, cut, heal, loss; down
#
# HOST is m | master | wK, with or without the prefix (tf-m, tf-w2).
# Environment: TF_NETNS_PREFIX (default tf; another prefix gives a separate,
# parallel set of hosts), TF_NETNS_SUBNET (default 10.77.0, always a /24).
# Nothing here touches the machine's own network: every link, address and
# firewall rule lives inside the prefix's namespaces. Needs root.
set -euo pipefail

PREFIX=${TF_NETNS_PREFIX:-tf}
SUBNET=${TF_NETNS_SUBNET:-10.77.0}
BRNS="$PREFIX-br"
# each host also has its own UTS namespace, so `hostname` says tf-m, tf-w1...
UTSDIR=/run/taskfarm-netns/$PREFIX
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
MAX_WORKERS=200

die() {
  echo "netns.sh: error: $*" >&2
  exit 1
}
say() { echo "netns.sh: $*" >&2; }

[[ $PREFIX =~ ^[a-z][a-z0-9]{0,7}$ ]] ||
  die "TF_NETNS_PREFIX must be 1-8 lowercase letters/digits, starting with a letter (got '$PREFIX')"
[[ $SUBNET =~ ^[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}$ ]] ||
  die "TF_NETNS_SUBNET must be three octets like 10.77.0 (got '$SUBNET')"

elapsed() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN{printf "%.2f", b - a}'; }

need_root() {
  [[ $(id -u) -eq 0 ]] || die "must run as root (network namespaces need CAP_SYS_ADMIN/CAP_NET_ADMIN)"
  command -v ip >/dev/null || die "'ip' not found: apt-get install iproute2"
  command -v nsenter >/dev/null || die "'nsenter' not found: apt-get install util-linux"
}

# Our namespaces, and only ours: exactly PREFIX-br, PREFIX-m, PREFIX-wK.
our_namespaces() {
  ip netns list 2>/dev/null | awk '{print $1}' |
    grep -E "^${PREFIX}-(br|m|w[0-9]+)\$" || true
}
worker_namespaces() {
  our_namespaces | grep -E "^${PREFIX}-w[0-9]+\$" | sort -V || true
}
host_namespaces() {
  if ip netns list | awk '{print $1}' | grep -qx "$PREFIX-m"; then echo "$PREFIX-m"; fi
  worker_namespaces
}

# resolve HOST -> sets NS, ADDR, SHORT (m or wK)
resolve() {
  local h=$1
  h=${h#"$PREFIX"-}
  case $h in
    m | master) SHORT=m ADDR="$SUBNET.1" ;;
    w[0-9]*)
      [[ $h =~ ^w([1-9][0-9]*)$ ]] || die "bad host '$1'"
      ((BASH_REMATCH[1] <= MAX_WORKERS)) || die "bad host '$1' (at most w$MAX_WORKERS)"
      SHORT=$h ADDR="$SUBNET.$((10 + BASH_REMATCH[1]))"
      ;;
    *) die "unknown host '$1' (use m, master, wK or $PREFIX-m, $PREFIX-wK)" ;;
  esac
  NS="$PREFIX-$SHORT"
  [[ -e /run/netns/$NS ]] || die "host $NS does not exist (run: netns.sh up N)"
}

# Processes still inside a namespace keep it alive after 'ip netns del':
# end them, politely first, with a deadline.
kill_inside() {
  local ns=$1 pids deadline
  pids=$(ip netns pids "$ns" 2>/dev/null | tr '\n' ' ')
  [[ -n ${pids// /} ]] || return 0
  say "ending processes still inside $ns: $pids"
  # shellcheck disable=SC2086
  kill -TERM $pids 2>/dev/null || true
  deadline=$((SECONDS + 5))
  while ((SECONDS < deadline)); do
    pids=$(ip netns pids "$ns" 2>/dev/null | tr '\n' ' ')
    [[ -n ${pids// /} ]] || return 0
    sleep 0.1
  done
  say "still alive after 5 s, sending KILL: $pids"
  # shellcheck disable=SC2086
  kill -KILL $pids 2>/dev/null || true
}

cmd_down() {
  need_root
  local ns found=0
  for ns in $(our_namespaces); do
    found=1
    kill_inside "$ns"
    ip netns del "$ns" 2>/dev/null || say "could not delete namespace $ns"
  done
  if [[ -d $UTSDIR ]]; then
    local f
    for f in "$UTSDIR"/*; do
      [[ -e $f ]] || continue
      umount "$f" 2>/dev/null || true
      rm -f "$f"
    done
    rmdir "$UTSDIR" "${UTSDIR%/*}" 2>/dev/null || true
  fi
  if [[ -n $(our_namespaces) ]]; then die "namespaces left over: $(our_namespaces | tr '\n' ' ')"; fi
  ((found)) && say "down: removed the $PREFIX-* namespaces"
  return 0
}

in_ns() {
  local ns=$1
  shift
  nsenter --net="/run/netns/$ns" -- "$@"
}

# Bounded wait until the bridge forwards on every port given.
wait_forwarding() {
  local deadline=$((SECONDS + 10)) port state ok
  while :; do
    ok=1
    for port in "$@"; do
      state=$(bridge -n "$BRNS" link show dev "$port" 2>/dev/null | grep -o 'state [a-z]*' | awk '{print $2}')
      [[ $state == forwarding ]] || ok=0
    done
    ((ok)) && return 0
    ((SECONDS < deadline)) || die "bridge ports not forwarding after 10 s: $(bridge -n "$BRNS" link show 2>&1)"
    sleep 0.05
  done
}

# /proc/sys/net is the writer's namespace's: no need for procps' sysctl
no_ipv6() {
  in_ns "$1" sh -c 'echo 1 >/proc/sys/net/ipv6/conf/all/disable_ipv6 &&
    echo 1 >/proc/sys/net/ipv6/conf/default/disable_ipv6' 2>/dev/null || true
}

add_host() {
  local ns=$1 addr=$2 port=$3
  ip netns add "$ns"
  touch "$UTSDIR/$ns"
  unshare --uts="$UTSDIR/$ns" hostname "$ns"
  ip -n "$ns" link set lo up
  # quiet links: no IPv6 (no DAD, no router solicitations), IPv4 only
  no_ipv6 "$ns"
  ip -n "$BRNS" link add "$port" type veth peer name eth0 netns "$ns"
  ip -n "$BRNS" link set "$port" master br0
  ip -n "$BRNS" link set "$port" up
  ip -n "$ns" addr add "$addr/24" dev eth0
  ip -n "$ns" link set eth0 up
}

up_exit() {
  local rc=$1
  trap - EXIT
  if ((rc)); then
    say "up failed (exit $rc), cleaning up"
    cmd_down || true
  fi
  exit "$rc"
}

cmd_up() {
  need_root
  local n=${1:-}
  if ! [[ $n =~ ^[0-9]+$ ]] || ((n < 1 || n > MAX_WORKERS)); then
    die "usage: netns.sh up N (1 <= N <= $MAX_WORKERS)"
  fi
  command -v bridge >/dev/null || die "'bridge' not found: apt-get install iproute2"
  local t0=$SECONDS
  if [[ -n $(our_namespaces) || -d $UTSDIR ]]; then
    say "leftovers from an earlier run: $(our_namespaces | tr '\n' ' ')$UTSDIR - cleaning them first"
    cmd_down
  fi
  # any failure from here on (set -e, a signal) removes what was made
  trap 'up_exit $?' EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  mkdir -p "$UTSDIR"
  ip netns add "$BRNS"
  ip -n "$BRNS" link set lo up
  no_ipv6 "$BRNS"
  ip -n "$BRNS" link add br0 type bridge stp_state 0 forward_delay 0
  ip -n "$BRNS" link set br0 up
  local ports=(v-m) k
  add_host "$PREFIX-m" "$SUBNET.1" v-m
  for ((k = 1; k <= n; k++)); do
    add_host "$PREFIX-w$k" "$SUBNET.$((10 + k))" "v-w$k"
    ports+=("v-w$k")
  done
  wait_forwarding "${ports[@]}"
  trap - EXIT INT TERM
  say "up: $PREFIX-m $SUBNET.1 and $n worker(s) $PREFIX-w1..$PREFIX-w$n ($SUBNET.11..) in $((SECONDS - t0)) s"
  cmd_status
}

cmd_status() {
  need_root
  local ns any=0
  for ns in $(host_namespaces); do
    any=1
    printf '%-10s %s\n' "$ns" "$(ip -n "$ns" -br addr show dev eth0 2>/dev/null | awk '{print $2, $3}')"
  done
  ((any)) || {
    echo "netns.sh: no $PREFIX-* hosts"
    return 1
  }
}

cmd_cut() {
  need_root
  resolve "${1:?usage: netns.sh cut HOST}"
  ip -n "$NS" link set eth0 down
  say "cut $NS ($ADDR)"
}

cmd_heal() {
  need_root
  resolve "${1:?usage: netns.sh heal HOST}"
  ip -n "$NS" link set eth0 up
  ip -n "$NS" addr replace "$ADDR/24" dev eth0
  wait_forwarding "v-$SHORT"
  # the connected route comes back with the link; wait for it (bounded)
  local deadline=$((SECONDS + 5))
  until ip -n "$NS" route get "$SUBNET.254" 2>/dev/null | grep -q 'dev eth0'; do
    ((SECONDS < deadline)) || die "route via eth0 in $NS did not come back within 5 s"
    sleep 0.05
  done
  say "healed $NS ($ADDR)"
}

# iptables is only needed by `loss`; tools/bazel installs it (its "cluster"
# list), never this script.
need_iptables() {
  command -v iptables >/dev/null ||
    die "'iptables' not found (needed by 'loss'): TASKFARM_PACKAGES=cluster ./tools/bazel version, or apt-get install iptables"
}

# Loss is applied on ingress only (INPUT), at HOST for what it receives and
# at every other host for what comes from HOST: a DROP in OUTPUT would make
# the sender's connect()/send() fail with EPERM, which a lossy wire never does.
cmd_loss() {
  need_root
  resolve "${1:?usage: netns.sh loss HOST PERCENT}"
  local pct=${2:?usage: netns.sh loss HOST PERCENT}
  if ! [[ $pct =~ ^[0-9]+(\.[0-9]+)?$ ]] || ! awk -v p="$pct" 'BEGIN{exit !(p <= 100)}'; then
    die "PERCENT must be a number from 0 to 100 (got '$pct')"
  fi
  need_iptables
  local prob chain="TF-LOSS-$SHORT" ns
  prob=$(awk -v p="$pct" 'BEGIN{printf "%.4f", p / 100}')
  for ns in $(host_namespaces); do
    in_ns "$ns" iptables -w 5 -N "$chain" 2>/dev/null || in_ns "$ns" iptables -w 5 -F "$chain"
    in_ns "$ns" iptables -w 5 -C INPUT -j "$chain" 2>/dev/null || in_ns "$ns" iptables -w 5 -A INPUT -j "$chain"
    if [[ $prob != 0.0000 ]]; then
      if [[ $ns == "$NS" ]]; then
        in_ns "$ns" iptables -w 5 -A "$chain" -i eth0 -m statistic --mode random --probability "$prob" -j DROP
      else
        in_ns "$ns" iptables -w 5 -A "$chain" -i eth0 -s "$ADDR" -m statistic --mode random --probability "$prob" -j DROP
      fi
    fi
  done
  say "loss $NS ($ADDR): $pct% of packets to and from it dropped"
}

cmd_exec() {
  need_root
  resolve "${1:?usage: netns.sh exec HOST CMD...}"
  shift
  (($#)) || die "usage: netns.sh exec HOST CMD..."
  # nsenter --net (+ --uts for the host name) leaves the mounts alone: the
  # command keeps /sys/fs/cgroup, which 'ip netns exec' hides (it remounts
  # /sys for the namespace).
  if [[ -e $UTSDIR/$NS ]]; then
    exec nsenter --net="/run/netns/$NS" --uts="$UTSDIR/$NS" -- "$@"
  fi
  exec nsenter --net="/run/netns/$NS" -- "$@"
}

cmd_addr() {
  need_root
  resolve "${1:?usage: netns.sh addr HOST}"
  echo "$ADDR"
}

# Proof that the hosts work: connectivity, cut is silent, heal restores,
# loss drops. Uses its own prefix so it can run beside a real set of hosts.
cmd_selftest() {
  need_root
  local self="$HERE/netns.sh" probe="$HERE/tcpprobe.py" port=7777 fails=0 passes=0 t0 out lpid wpid desc=
  # Debian's python3 first: a pyenv shim on PATH costs ~1 s per start
  local py=/usr/bin/python3
  [[ -x $py ]] || py=$(command -v python3) || die "python3 needed for the self-test"
  export TF_NETNS_PREFIX=${TF_NETNS_SELFTEST_PREFIX:-tfst}
  trap '"$self" down >/dev/null 2>&1 || true' EXIT
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
  "$self" up 2 >/dev/null
  echo "up 2 took $(elapsed "$t0") s"
  local m w1
  m=$("$self" addr m)
  w1=$("$self" addr w1)
  "$self" exec m "$py" "$probe" listen "$port" 120 >/dev/null &
  lpid=$!
  "$self" exec w1 "$py" "$probe" listen "$port" 120 >/dev/null &
  wpid=$!
  # wait (bounded) for the listener
  t0=$EPOCHREALTIME
  local deadline=$((SECONDS + 10))
  until "$self" exec w1 "$py" "$probe" connect "$m" "$port" 0.5 >/dev/null 2>&1; do
    ((SECONDS < deadline)) || die "listener on $m:$port never came up"
    sleep 0.1
  done
  echo "listeners answered after $(elapsed "$t0") s"
  desc="hostname inside w1 is $TF_NETNS_PREFIX-w1" check \
    bash -c "[[ \$('$self' exec w1 hostname) == $TF_NETNS_PREFIX-w1 ]]"
  desc="w1 -> m connects" check "$self" exec w1 "$py" "$probe" connect "$m" "$port" 2
  desc="w2 -> m connects" check "$self" exec w2 "$py" "$probe" connect "$m" "$port" 2
  desc="m -> w1 connects" check "$self" exec m "$py" "$probe" connect "$w1" "$port" 2
  # (never probe from the root namespace: it would send to the real network)
  desc="root namespace has no address in $SUBNET.0/24 (isolated)" check \
    bash -c "! ip -br addr | grep -qF ' $SUBNET.'"
  # an established connection, then cut: the peer must see silence
  out=$(mktemp)
  "$self" exec m "$py" "$probe" hold "$w1" "$port" 3 >"$out" 2>&1 &
  local hpid=$!
  deadline=$((SECONDS + 5))
  until grep -q held "$out"; do
    ((SECONDS < deadline)) || break
    sleep 0.05
  done
  "$self" cut w1 2>/dev/null
  wait "$hpid" || true
  desc="after cut w1, m's connection to w1 is silent (no FIN/RST)" check grep -qx silent "$out"
  rm -f "$out"
  desc="after cut w1, w1 -> m fails" check \
    bash -c "! '$self' exec w1 '$py' '$probe' connect '$m' '$port' 1 >/dev/null"
  desc="after cut w1, m -> w1 fails" check \
    bash -c "! '$self' exec m '$py' '$probe' connect '$w1' '$port' 1 >/dev/null"
  desc="after cut w1, w2 -> m still connects" check "$self" exec w2 "$py" "$probe" connect "$m" "$port" 2
  "$self" heal w1 2>/dev/null
  desc="after heal w1, w1 -> m connects" check "$self" exec w1 "$py" "$probe" connect "$m" "$port" 2
  desc="after heal w1, m -> w1 connects" check "$self" exec m "$py" "$probe" connect "$w1" "$port" 2
  "$self" loss w2 100 2>/dev/null
  desc="loss w2 100%: w2 -> m fails" check \
    bash -c "! '$self' exec w2 '$py' '$probe' connect '$m' '$port' 1 >/dev/null"
  desc="loss w2 100%: w1 -> m still connects" check "$self" exec w1 "$py" "$probe" connect "$m" "$port" 2
  # a connect plus greeting needs SYN, SYN-ACK, ACK and the greeting to get
  # through on the first try: about (1-p)^4 of them succeed within 0.3 s
  "$self" loss w2 20 2>/dev/null
  out=$("$self" exec w2 "$py" "$probe" rate "$m" "$port" 30 0.3)
  echo "loss w2 20%: $out connects within 0.3 s (expect about 0.8^4 = 41%)"
  local got=${out%%/*}
  desc="loss w2 20%: some but not all connects succeed" check test "$got" -gt 0 -a "$got" -lt 30
  "$self" loss w2 0 2>/dev/null
  desc="loss w2 0%: w2 -> m connects" check "$self" exec w2 "$py" "$probe" connect "$m" "$port" 2
  kill "$lpid" "$wpid" 2>/dev/null || true
  wait "$lpid" "$wpid" 2>/dev/null || true
  "$self" down 2>/dev/null
  trap - EXIT
  desc="down leaves no $TF_NETNS_PREFIX-* namespace" check \
    bash -c "! ip netns list | grep -qE '^$TF_NETNS_PREFIX-'"
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
  addr) cmd_addr "${@:2}" ;;
  cut) cmd_cut "${@:2}" ;;
  heal) cmd_heal "${@:2}" ;;
  loss) cmd_loss "${@:2}" ;;
  exec) cmd_exec "${@:2}" ;;
  selftest) cmd_selftest ;;
  *) usage ;;
esac
