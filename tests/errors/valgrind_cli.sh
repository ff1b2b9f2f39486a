#!/usr/bin/env bash
# valgrind_cli.sh RNNC ROOT - `rnnc compile` and `rnnc run` under valgrind memcheck on the 18
# ONNX backend vectors, a sample of the PyTorch exports and the bad-model catalogue (compile
# only): no invalid access, no uninitialised use, no definite or indirect leak. Exit 77 (ctest
# skip) when valgrind is not installed.
set -u
rnnc=$1 root=$2
command -v valgrind >/dev/null || { echo "valgrind not installed: skipped"; exit 77; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/rnnc-vg.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
vg=(valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect
    --show-leak-kinds=definite,indirect)
fail=0 n=0
run() { # expected-status args...
    local want=$1
    shift
    n=$((n + 1))
    "${vg[@]}" "$rnnc" "$@" >"$tmp/out" 2>&1
    local st=$?
    if [ "$st" != "$want" ]; then
        echo "FAIL (exit $st, expected $want): rnnc $*" >&2
        head -30 "$tmp/out" >&2
        fail=1
    fi
}
for d in "$root"/testdata/onnx-backend-node/test_*/ $(ls -d "$root"/testdata/torch/*/ | head -12); do
    rm -rf "$tmp/gen" "$tmp/run"
    args=()
    [ -f "$d/rnnc_args" ] && read -r -a args <"$d/rnnc_args"
    run 0 compile "$d/model.onnx" -o "$tmp/gen" "${args[@]}"
    run 0 run "$d/model.onnx" --input-dir "$d/test_data_set_0" --output-dir "$tmp/run" "${args[@]}"
done
for f in "$root"/testdata/bad/*.onnx; do
    case "$f" in *chain_100000*) continue ;; esac # valid, and slow under valgrind
    run 1 compile "$f" -o "$tmp/bad"
done
# .npy inputs, outputs and --print; malformed and refused .npy files
npy=$root/testdata/npy
run 0 run "$root/testdata/cases/lstm_layout1/model.onnx" --input-dir "$npy/sets/lstm_layout1" \
    --output-dir "$tmp/npy" --output-format npy --print
run 0 run "$root/testdata/glue/if_runtime_then_op13/model.onnx" --input-dir \
    "$npy/sets/if_runtime_then_op13" --print
for f in "$npy"/dtypes/bad_*.npy "$npy"/dtypes/f4_empty.npy; do
    run 1 run "$root/testdata/cases/lstm_layout1/model.onnx" --input "$f" --print
done
echo "valgrind: $n runs"
exit $fail
