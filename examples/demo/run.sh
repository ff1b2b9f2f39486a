#!/bin/bash
# run.sh - build rnnc, compile the demo LSTM to C, build and run the demo program.
# Run from anywhere: bash examples/demo/run.sh (as root on a fresh Debian 12, or with the
# packages tools/setup-debian.sh lists already installed).
set -eu

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"

step() { printf '\n==> %s\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

step "1/5 install build dependencies"
run sh tools/setup-debian.sh

step "2/5 configure and build rnnc and the runtime"
run cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
run cmake --build build -j2

step "3/5 compile examples/demo/model.onnx to C"
run build/rnnc compile examples/demo/model.onnx -o build/demo --name net
ls -l build/demo/net.h build/demo/net.c

step "4/5 what rnnc knows about the model"
run build/rnnc info examples/demo/model.onnx

step "5/5 build and run the demo program"
run "${CC:-cc}" -std=c99 -O2 -Wall -Wextra -Werror -pedantic -I runtime/include -I build/demo \
    examples/demo/demo.c build/demo/net.c build/librnnrt.a -lopenblas -lm -o build/demo/demo
run build/demo/demo
