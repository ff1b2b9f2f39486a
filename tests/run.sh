#!/usr/bin/env bash
# The whole rnnc test suite, from a clean checkout on Debian 12:
#   1. installs the build dependencies (tools/setup-debian.sh; needs root if any are missing),
#   2. builds and runs every ctest with the OpenBLAS runtime backend,
#   3. the same with the portable C backend (-DRNNRT_OPENBLAS=OFF),
#   4. builds everything with clang (-Werror) under AddressSanitizer + UndefinedBehavior-
#      Sanitizer and runs the whole ctest suite once more, the generated code that the tests
#      compile (rnnc check, clang) sanitized as well,
#   5. replays the fuzzer's kept crashers and seeds through the libFuzzer target, then fuzzes
#      for 60 s (tests/fuzz/run.sh),
#   6. runs the benchmark's smoke mode (every workload once, rnnc checked against its
#      interpreter and, when onnxruntime-node is installed, ONNX Runtime).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
bash tools/setup-debian.sh

for backend in openblas portable; do
    dir="build-test-$backend"
    opt=ON
    [ "$backend" = portable ] && opt=OFF
    echo "==== rnnc tests: runtime backend $backend ($dir) ===="
    cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRNNRT_OPENBLAS="$opt" >/dev/null
    cmake --build "$dir" -j2
    (cd "$dir" && ctest -j2 --output-on-failure)
done

echo "==== rnnc tests: everything built with clang + ASan + UBSan (build-test-asan) ===="
san="-fsanitize=address,undefined -fno-sanitize-recover=all"
CC=clang cmake -S . -B build-test-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_FLAGS="$san -fno-omit-frame-pointer" >/dev/null
cmake --build build-test-asan -j2
# rnnc check links the generated code and its harness with these (sanitized too)
(cd build-test-asan && CC=clang RNNC_RUNTIME_LIBS="-lopenblas -lm $san" \
    ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest -j2 --output-on-failure)

echo "==== fuzzing: replay of tests/fuzz/regressions and the seeds, then 60 s ===="
bash tests/fuzz/run.sh --replay
bash tests/fuzz/run.sh --seconds 60

echo "==== bench/: smoke run (one iteration per workload, outputs checked, no timing claims) ===="
bash bench/run.sh --smoke --out build-test-bench
