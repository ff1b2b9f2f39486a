#!/usr/bin/env bash
# tests/fuzz/run.sh - builds the libFuzzer target (clang, ASan + UBSan) and runs it.
#
# Usage: tests/fuzz/run.sh [--seconds S] [--replay] [--build DIR] [--work DIR] [-- LIBFUZZER ARGS]
#   --seconds S  fuzz for S seconds (default 60), seeded from every model in testdata/ and
#                bench/models/, tests/fuzz/corpus/ (the minimised corpus of the long runs) and
#                tests/fuzz/regressions/ (the crashers found so far); the corpus it grows
#                is kept in the work directory between runs
#   --replay     only run every file of tests/fuzz/regressions/, tests/fuzz/corpus/ and the
#                seeds once (CI)
#   --build DIR  build directory (default build-fuzz)
#   --work DIR   corpus and crash artifacts (default build-fuzz/fuzz-work)
# Exit status non-zero when the target crashed, leaked, timed out or broke its contract; the
# input that did is left in the work directory (crash-*, leak-*, timeout-*, oom-*). Add it to
# tests/fuzz/regressions/ once fixed.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
seconds=60 replay=0 build="$root/build-fuzz" work=""
extra=()
while [ $# -gt 0 ]; do
    case "$1" in
    --seconds) seconds=$2; shift ;;
    --replay) replay=1 ;;
    --build) build=$2; shift ;;
    --work) work=$2; shift ;;
    --) shift; extra=("$@"); break ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
    esac
    shift
done
work=${work:-$build/fuzz-work}
command -v clang >/dev/null || { echo "run.sh: clang is needed (apt-get install clang libclang-rt-14-dev)" >&2; exit 1; }
CC=clang cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRNNC_FUZZ=ON \
    -DRNNC_TESTS=OFF -DRNNC_EXAMPLES=OFF \
    -DCMAKE_C_FLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all" >/dev/null
cmake --build "$build" -j2 --target fuzz_compile >/dev/null
fuzz="$build/fuzz_compile"
seeds="$work/seeds"
rm -rf "$seeds"
mkdir -p "$seeds" "$work/corpus"
# every model below 200 KB (larger ones only slow the mutations down)
find "$root/testdata" "$root/bench/models" -name '*.onnx' -size -200k | while read -r f; do
    cp "$f" "$seeds/$(echo "${f#"$root"/}" | tr '/' '_')"
done
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
if [ "$replay" = 1 ]; then
    # each file once: the kept crashers and every seed
    "$fuzz" -rss_limit_mb=2048 -timeout=20 "$here"/regressions/* "$here"/corpus/* "$seeds"/* 2>&1 |
        tail -3
    exit "${PIPESTATUS[0]}"
fi
cd "$work"
"$fuzz" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=20 -max_len=65536 \
    -print_final_stats=1 "${extra[@]}" corpus "$seeds" "$here/corpus" "$here/regressions" 2>&1 |
    tail -12
exit "${PIPESTATUS[0]}"
