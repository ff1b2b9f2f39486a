#!/usr/bin/env bash
# bench/policy.sh - the measurements behind `--unroll auto`: small recurrent nodes compiled
# with each --unroll mode, timed with bench_rnnc.c, with the code size of each. No ONNX
# Runtime. See bench/README.md ("Unroll policy").
#
# Usage: bench/policy.sh [--out DIR] [--iters N]
# Environment: CC (default cc), CFLAGS (default -O2), RNNC_BUILD (default <repo>/build, built
# first), PYTHON (default python3), BENCH_PIN=0 to not pin to one CPU.
set -euo pipefail

bench=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$bench")
out="$bench/out-policy" iters=100
while [ $# -gt 0 ]; do
    case "$1" in
    --out) out=$2; shift ;;
    --iters) iters=$2; shift ;;
    -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) echo "policy.sh: unknown argument $1" >&2; exit 2 ;;
    esac
    shift
done
PYTHON=${PYTHON:-python3}
CC=${CC:-cc}
CFLAGS=${CFLAGS:--O2}
RNNC_BUILD=${RNNC_BUILD:-$root/build}
export OPENBLAS_NUM_THREADS=1
if [ ! -f "$RNNC_BUILD/CMakeCache.txt" ]; then
    cmake -S "$root" -B "$RNNC_BUILD" -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build "$RNNC_BUILD" -j2 --target rnnc rnnrt >/dev/null
rnnc="$RNNC_BUILD/rnnc"
libs="-lm"
grep -q '^RNNRT_OPENBLAS:BOOL=ON' "$RNNC_BUILD/CMakeCache.txt" && libs="-lopenblas -lm"
pin=""
if [ "${BENCH_PIN:-1}" != 0 ] && command -v taskset >/dev/null; then
    pin="taskset -c $(($(nproc) - 1))"
fi
rm -rf "${out:?}"
mkdir -p "$out"

# name, op, input, hidden, seq, batch, direction, attributes (as in gen_models.py)
"$PYTHON" - "$bench" "$out" <<'EOF'
import sys
sys.path.insert(0, sys.argv[1])
import gen_models
for op, inp, hid, seq in [("LSTM", 16, 4, 1), ("LSTM", 16, 8, 1), ("LSTM", 16, 16, 1),
                          ("LSTM", 16, 32, 1), ("LSTM", 16, 8, 50), ("LSTM", 16, 16, 50),
                          ("LSTM", 16, 32, 50), ("GRU", 16, 16, 50), ("GRU", 16, 32, 50),
                          ("RNN", 8, 16, 50), ("RNN", 8, 32, 50)]:
    name = "%s_i%d_h%d_t%d" % (op.lower(), inp, hid, seq)
    extra = {"linear_before_reset": 1} if op == "GRU" else {}
    gen_models.generate((name, op, inp, hid, seq, 1, "forward", extra), sys.argv[2])
EOF

printf '| model | flops per run | auto chooses | full µs | none µs | auto µs | full bytes | none bytes | auto bytes |\n'
printf '|---|---:|---|---:|---:|---:|---:|---:|---:|\n'
for m in "$out"/*_t*.onnx; do
    case "$m" in *.identity.onnx | *.stream.onnx) continue ;; esac
    w=$(basename "$m" .onnx)
    declare -A us=() bytes=()
    for mode in full none auto; do
        g="$out/$w.$mode"
        mkdir -p "$g"
        if ! "$rnnc" compile "$m" --name net --unroll "$mode" -o "$g" 2>/dev/null; then
            us[$mode]="—" bytes[$mode]="(refused)"
            continue
        fi
        # shellcheck disable=SC2086
        $CC -std=c99 $CFLAGS -I "$root/runtime/include" -c "$g/net.c" -o "$g/net.o"
        # shellcheck disable=SC2086
        $CC -std=c99 $CFLAGS -I "$g" -I "$root/runtime/include" "$bench/bench_rnnc.c" "$g/net.o" \
            "$RNNC_BUILD/librnnrt.a" $libs -o "$g/bench"
        # shellcheck disable=SC2086
        us[$mode]=$($pin "$g/bench" --input "$out/$w.x.bin" --iters "$iters" --workload "$w" |
            "$PYTHON" -c 'import json,sys
for l in sys.stdin:
    r = json.loads(l)
    if r.get("kind") == "rnnc_run": print("%.3g" % r["median_us"])')
        bytes[$mode]=$(size -A "$g/net.o" | awk '$1 == ".text" || $1 ~ /^\.rodata/ { s += $2 } END { print s }')
    done
    flops=$("$rnnc" info "$m" | sed -n 's/^flops per inference: \([0-9]*\).*/\1/p')
    choice=$(sed -n 's/.*Unrolling: \([a-z]*\)\..*/\1/p' "$out/$w.auto/net.c" | head -1)
    if grep -q 'rnnrt_pgemm_f32' "$out/$w.auto/net.c"; then
        choice="loops + kernels"
    elif grep -q 'for (int s = 0' "$out/$w.auto/net.c"; then
        choice="time loop, straight-line step"
    else
        choice="straight-line"
    fi
    printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$w" "$flops" "$choice" \
        "${us[full]}" "${us[none]}" "${us[auto]}" "${bytes[full]}" "${bytes[none]}" "${bytes[auto]}"
    unset us bytes
done
