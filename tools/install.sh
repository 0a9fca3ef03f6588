#!/usr/bin/env bash
# Installs taskfarm: ./tools/bazel run //:install -- --prefix=$HOME/.local
#
#   PREFIX/bin/taskfarm            the master (bazel-bin/master/master)
#   PREFIX/bin/taskfarm-worker     its worker: the master finds it beside
#   PREFIX/bin/taskfarm-logger       itself; run taskfarm-worker on remote hosts
#   PREFIX/share/man/man1/taskfarm.1                  made from --help (help2man)
#   PREFIX/share/bash-completion/completions/taskfarm   flags from --help
#
# --prefix defaults to $HOME/.local; a relative one is taken from where you
# typed the command. Exit codes: 0 installed, 2 usage, 1 a copy failed.
set -euo pipefail

prefix="${HOME:-/usr/local}/.local"
for arg in "$@"; do
  case "$arg" in
    --prefix=*) prefix="${arg#--prefix=}" ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install: unknown argument $arg (use --prefix=DIR)" >&2; exit 2 ;;
  esac
done
if [[ -z "$prefix" ]]; then
  echo "install: --prefix is empty" >&2
  exit 2
fi
if [[ "$prefix" != /* ]]; then
  prefix="${BUILD_WORKING_DIRECTORY:-$PWD}/$prefix"
fi

# The files, from this script's runfiles (bazel run, or a test).
runfiles="${RUNFILES_DIR:-}"
[[ -z "$runfiles" && -n "${TEST_SRCDIR:-}" ]] && runfiles="$TEST_SRCDIR"
[[ -z "$runfiles" ]] && runfiles="$0.runfiles"
root="$runfiles/taskfarm"
for f in master/master worker/worker logger/logger tools/make_completion.sh; do
  if [[ ! -f "$root/$f" ]]; then
    echo "install: $root/$f is missing: run me with ./tools/bazel run //:install" >&2
    exit 1
  fi
done

# coreutils' install by its path: this script is itself named install.
INSTALL=/usr/bin/install
if ! command -v help2man >/dev/null; then
  echo "install: help2man is missing (Debian: apt-get install help2man)" >&2
  exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Made by the binary being installed, named as installed.
ln -s "$(cd "$root/master" && pwd -P)/master" "$work/taskfarm"
help2man --no-info --no-discard-stderr \
  --name='run a batch of jobs or tasks on every core, with crash isolation' \
  "$work/taskfarm" > "$work/taskfarm.1"
"$root/tools/make_completion.sh" "$work/taskfarm" > "$work/taskfarm.bash"

"$INSTALL" -d "$prefix/bin" "$prefix/share/man/man1" \
  "$prefix/share/bash-completion/completions"
"$INSTALL" -m 0755 "$root/master/master" "$prefix/bin/taskfarm"
"$INSTALL" -m 0755 "$root/worker/worker" "$prefix/bin/taskfarm-worker"
"$INSTALL" -m 0755 "$root/logger/logger" "$prefix/bin/taskfarm-logger"
"$INSTALL" -m 0644 "$work/taskfarm.1" "$prefix/share/man/man1/taskfarm.1"
"$INSTALL" -m 0644 "$work/taskfarm.bash" \
  "$prefix/share/bash-completion/completions/taskfarm"

echo "installed taskfarm in $prefix:"
echo "  $prefix/bin/taskfarm, taskfarm-worker, taskfarm-logger"
echo "  $prefix/share/man/man1/taskfarm.1"
echo "  $prefix/share/bash-completion/completions/taskfarm"
case ":$PATH:" in
  *":$prefix/bin:"*) ;;
  *) echo "add $prefix/bin to your PATH: export PATH=\"$prefix/bin:\$PATH\"" ;;
esac
