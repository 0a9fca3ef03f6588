#!/usr/bin/env bash
# Builds one libFuzzer target of //fuzz with --config=fuzz (clang, ASan,
# UBSan) and runs it for SECONDS over a scratch copy of its seed corpus
# fuzz/corpus/TARGET/. Exits non-zero on a crash, leak, timeout or
# out-of-memory, and then leaves the input that did it in OUT_DIR (default
# .ci/out/fuzz/TARGET/, emptied first). Installs nothing: it names the
# missing Debian package instead.
#
#   fuzz/run.sh codec_fuzzer 30
#   fuzz/run.sh input_fuzzer 30 -- -dict=fuzz/input.dict   (extra libFuzzer
#                                                          flags after --)
set -euo pipefail

usage() {
  echo "usage: fuzz/run.sh TARGET SECONDS [-- LIBFUZZER_FLAGS...]" >&2
  exit 2
}

(($# >= 2)) || usage
target=$1 seconds=$2
shift 2
if (($#)); then
  [[ $1 == -- ]] || usage
  shift
fi
[[ $target =~ ^[a-z0-9_]+$ && $seconds =~ ^[1-9][0-9]*$ ]] || usage

cd "$(dirname "$0")/.."
corpus="fuzz/corpus/$target"
out="${OUT_DIR:-.ci/out/fuzz/$target}"
[[ -d $corpus ]] || { echo "fuzz/run.sh: no seed corpus $corpus" >&2; exit 2; }

missing() {
  echo "fuzz/run.sh: $1 is missing; install the Debian package: $2" >&2
  echo "  sudo apt-get install -y $2" >&2
  exit 1
}
# Debian's Bazel itself, not tools/bazel (which installs what is missing).
bazel="${BAZEL_REAL:-/usr/bin/bazel}"
[[ -x $bazel ]] || missing "$bazel" bazel-bootstrap
command -v clang++ >/dev/null || missing "clang++" clang
command -v ld.lld >/dev/null || missing "ld.lld" lld

# libFuzzer and the sanitizer runtimes ship apart from clang itself.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cat >"$scratch/probe.cc" <<'EOF'
extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) {
  return 0;
}
EOF
if ! clang++ -fsanitize=fuzzer,address,undefined -fuse-ld=lld \
  "$scratch/probe.cc" -o "$scratch/probe" 2>"$scratch/probe.log"; then
  cat "$scratch/probe.log" >&2
  missing "clang's libFuzzer or sanitizer runtime" \
    "libclang-rt-$(clang++ -dumpversion | cut -d. -f1)-dev"
fi

if ! "$bazel" build --config=fuzz "//fuzz:$target"; then
  echo "fuzz/run.sh: the build failed; if a library is missing," \
    "./tools/bazel build //... installs the Debian packages it needs" >&2
  exit 1
fi
binary="$("$bazel" info --config=fuzz bazel-bin)/fuzz/$target"

cp -r "$corpus" "$scratch/corpus"
rm -rf "$out"
mkdir -p "$out"
echo "fuzz/run.sh: $target for ${seconds}s over $(ls "$corpus" | wc -l) seeds"
status=0
"$binary" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
  -print_final_stats=1 -artifact_prefix="$out/" "$@" "$scratch/corpus" ||
  status=$?
if ((status != 0)); then
  echo "fuzz/run.sh: $target FAILED (exit $status); reproduce with:" >&2
  for f in "$out"/*; do [[ -e $f ]] && echo "  $binary $f" >&2; done
fi
exit "$status"
