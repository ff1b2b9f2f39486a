#!/bin/sh
# torch_folded.sh RNNC TORCH_DIR WORK_DIR
#
# Shape arithmetic must vanish at compile time: for every PyTorch export in
# TORCH_DIR, the generated code may contain no node that computes Shape,
# Constant, ConstantOfShape, Unsqueeze, Expand or Cast, and no int64 scratch
# (shape vectors are int64). Also checks the graph actually had such nodes, so
# the test cannot pass vacuously.
set -u
rnnc=$1
dir=$2
work=$3
had_glue=0
fail=0
for case in "$dir"/*/; do
    name=$(basename "$case")
    out="$work/$name"
    rm -rf "$out"
    # shellcheck disable=SC2046
    if ! "$rnnc" compile $(cat "$case/rnnc_args") "$case/model.onnx" -o "$out" >/dev/null 2>&1; then
        echo "FAIL: $name does not compile"
        fail=1
        continue
    fi
    if grep -Eq "^/\* node [0-9]+: (Shape|Constant|ConstantOfShape|Unsqueeze|Expand|Cast) " "$out/net.c"; then
        echo "FAIL: $name: generated code computes shape glue:"
        grep -E "^/\* node [0-9]+: (Shape|Constant|ConstantOfShape|Unsqueeze|Expand|Cast) " "$out/net.c"
        fail=1
    fi
    if grep -Eq "int64_t n[0-9]+_" "$out/net.h"; then
        echo "FAIL: $name: int64 scratch in the context"
        fail=1
    fi
    if "$rnnc" info $(cat "$case/rnnc_args") "$case/model.onnx" --dump-ir 2>&1 >/dev/null |
        grep -Eq "^  node [0-9]+ '.*' (Shape|ConstantOfShape)\("; then
        had_glue=$((had_glue + 1))
    fi
done
if [ "$had_glue" -eq 0 ]; then
    echo "FAIL: no model had Shape/ConstantOfShape nodes to fold"
    fail=1
fi
echo "models with shape glue folded away: $had_glue"
exit $fail
