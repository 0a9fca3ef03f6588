#!/usr/bin/env bash
# Samples the resident set size of a taskfarm master and of its children
# until the master exits.
#
#   bench/rss_sampler.sh PID OUT.tsv [INTERVAL_S=0.5]
#
# OUT.tsv: one line per sample: seconds since start, master RSS KiB, the
# largest worker RSS KiB, logger RSS KiB (children told apart by
# /proc/PID/comm). Ends when PID is gone.
set -u
pid="$1"
out="$2"
interval="${3:-0.5}"
rss() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null; }
start="$(date +%s.%N)"
printf 'seconds\tmaster_kib\tworker_max_kib\tlogger_kib\n' >"$out"
while kill -0 "$pid" 2>/dev/null; do
  master="$(rss "$pid")"
  worker=0
  logger=0
  for kid in $(cat /proc/"$pid"/task/*/children 2>/dev/null); do
    r="$(rss "$kid")"
    [[ -z "$r" ]] && continue
    case "$(cat /proc/"$kid"/comm 2>/dev/null)" in
      worker) ((r > worker)) && worker="$r" ;;
      logger) logger="$r" ;;
    esac
  done
  [[ -n "$master" ]] && printf '%.1f\t%s\t%s\t%s\n' \
    "$(echo "$(date +%s.%N) - $start" | bc)" "$master" "$worker" "$logger" >>"$out"
  sleep "$interval"
done
