#!/usr/bin/env bash
# The whole rnnc test suite, from a clean checkout on Debian 12:
#   1. installs the build dependencies (tools/setup-debian.sh; needs root if any are missing),
#   2. builds and runs every ctest with the OpenBLAS runtime backend,
#   3. the same with the portable C backend (-DRNNRT_OPENBLAS=OFF),
#   4. re-checks every model with the generated code built by clang instead of gcc,
#   5. builds rnnc itself, the runtime and the examples with clang (-Werror) and runs
#      their unit and example tests,
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

echo "==== rnnc tests: generated code built with clang (portable backend) ===="
(cd build-test-portable &&
    CC=clang ctest -j2 --output-on-failure -R '^(onnx|case|torch|glue)_' -E '_unroll_')

echo "==== rnnc tests: everything built with clang (build-test-clang) ===="
CC=clang cmake -S . -B build-test-clang -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build-test-clang -j2
(cd build-test-clang && ctest -j2 --output-on-failure -R '^(unit|generated|example|cli|dims)_')

echo "==== bench/: smoke run (one iteration per workload, outputs checked, no timing claims) ===="
bash bench/run.sh --smoke --out build-test-bench
