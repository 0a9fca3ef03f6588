#!/usr/bin/env bash
# //:install puts a working taskfarm on PATH: install into a prefix, copy it
# to a clean directory outside the Bazel tree, and run the installed binary
# by its path there with an environment that knows nothing of Bazel (no
# runfiles, no bazel-bin on PATH). Also: the man page and bash completion.
set -euo pipefail

fail() { echo "FAIL: $*" >&2; exit 1; }

root="$TEST_SRCDIR/taskfarm"
staged="$TEST_TMPDIR/staged"
"$root/tools/install.sh" --prefix="$staged" >/dev/null

clean=$(mktemp -d /tmp/taskfarm-install-test.XXXXXX)
trap 'rm -rf "$clean"' EXIT
cp -a "$staged" "$clean/prefix"
mkdir "$clean/work" "$clean/home"
cd "$clean/work"
run() {
  env -i PATH=/usr/bin:/bin HOME="$clean/home" LANG=C.UTF-8 \
    "$clean/prefix/bin/taskfarm" "$@"
}

# A template batch, run by the installed binary.
run -j 2 --format=jsonl --output=out.jsonl --keep-order \
  sh -c 'printf "%s" {} | tr a-z A-Z' ::: ab 'c d' 2>err.txt ||
  fail "taskfarm exited $?: $(cat err.txt)"
grep -q '"result":"AB"' out.jsonl || fail "no AB in $(cat out.jsonl)"
grep -q '"result":"C D"' out.jsonl || fail "no C D in $(cat out.jsonl)"
[[ $(wc -l < out.jsonl) -eq 2 ]] || fail "expected 2 records: $(cat out.jsonl)"

# It found its worker and logger beside itself, not through Bazel.
[[ "$(run --dry-run gzip {} ::: 'a b')" == "gzip 'a b'" ]] || fail "--dry-run"
run --version | grep -q '^taskfarm ' || fail "--version"

# Task-language batches work the same.
run --format=csv --tasks='fib 10' 2>/dev/null | grep -q ',55,' || fail "fib 10"

# The man page is made from --help and shows the template form.
man_page="$clean/prefix/share/man/man1/taskfarm.1"
grep -q '^\.TH TASKFARM' "$man_page" || fail "man page header"
grep -q ':::' "$man_page" || fail "man page lacks the template form"

# Bash completion knows the flags of --help.
completion="$clean/prefix/share/bash-completion/completions/taskfarm"
words=$(bash -c "source '$completion'; COMP_WORDS=(taskfarm --dry); COMP_CWORD=1;
  _taskfarm; printf '%s\n' \"\${COMPREPLY[@]}\"")
[[ "$words" == "--dry-run" ]] || fail "completion of --dry gave: $words"
words=$(bash -c "source '$completion'; COMP_WORDS=(taskfarm -j 2 gzi); COMP_CWORD=3;
  _taskfarm; printf '%s\n' \"\${COMPREPLY[@]}\"")
grep -qx gzip <<<"$words" || fail "completion of a command gave: $words"
echo "install test passed"
