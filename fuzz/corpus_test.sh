#!/usr/bin/env bash
# Checks that a committed seed corpus is what its generator writes today.
#   corpus_test.sh GENERATOR CORPUS_DIR   (paths relative to the runfiles)
set -euo pipefail
generator=$1 corpus=$2
fresh="${TEST_TMPDIR:-$(mktemp -d)}/corpus"
"$generator" "$fresh"
if ! diff -r "$fresh" "$corpus"; then
  echo "The seeds in $corpus are stale; regenerate them with" >&2
  echo "  ./tools/bazel run //fuzz:$(basename "$generator") -- $corpus" >&2
  exit 1
fi
echo "$(ls "$corpus" | wc -l) seeds up to date"
