#!/usr/bin/env bash
# bench/silero.sh - Silero VAD v5 per 512-sample frame at 16 kHz: ONNX Runtime (onnxruntime-node,
# CPU, one thread) against the C rnnc generates, in one run, alternating ROUNDS times.
# Usage: bench/silero.sh [--weights "f32 f16 bf16 i8"] [ROUNDS]
#   (env: RNNC_BUILD, default build; CC, CFLAGS default -O2). --weights: each precision compiled
#   with rnnc --weights P (default f32 only) and timed in the same alternation; its sum of
#   probabilities beside ORT's (the fp32 model's) is what the precision changes.
set -euo pipefail
bench=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$bench")
RNNC_BUILD=${RNNC_BUILD:-$root/build}
CC=${CC:-cc}
CFLAGS=${CFLAGS:--O2}
precs="f32"
if [ "${1:-}" = "--weights" ]; then
    precs=$(echo "$2" | tr ',' ' ')
    shift 2
fi
rounds=${1:-5}
export OPENBLAS_NUM_THREADS=1
data=$root/testdata/silero
out=$bench/out/silero
mkdir -p "$out"
libs="-lm"
grep -q "RNNRT_OPENBLAS:BOOL=ON" "$RNNC_BUILD/CMakeCache.txt" && libs="-lopenblas -lm"
for p in $precs; do
    mkdir -p "$out/$p"
    "$RNNC_BUILD/rnnc" compile "$data/silero_vad_v5.onnx" --name silero --const sr=16000 \
        --shape input=1,576 --shape state=2,1,128 --weights "$p" -o "$out/$p"
    # shellcheck disable=SC2086
    $CC -std=c99 $CFLAGS -I "$out/$p" -I "$root/runtime/include" "$bench/bench_silero.c" \
        "$out/$p/silero.c" "$RNNC_BUILD/librnnrt.a" $libs -o "$out/$p/bench_silero"
    rm -f "$out/rnnc_$p.jsonl"
done
rm -f "$out/ort.jsonl"
[ -d "$bench/node_modules/onnxruntime-node" ] ||
    (cd "$bench" && npm install --ignore-scripts --no-package-lock --no-audit --no-fund >&2)
pin=""
command -v taskset >/dev/null && pin="taskset -c $(($(nproc) - 1))"
for _ in 1 2; do # alternate: each side measured twice, the better kept
    for p in $precs; do
        $pin "$out/$p/bench_silero" "$data/speech.pcm" "$rounds" >>"$out/rnnc_$p.jsonl"
    done
    NODE_PATH=$bench/node_modules $pin node "$bench/bench_silero_ort.js" "$data/silero_vad_v5.onnx" \
        "$data/speech.pcm" "$rounds" >>"$out/ort.jsonl"
done
python3 - "$out" $precs <<'PY'
import json, sys, datetime, platform
out, precs = sys.argv[1], sys.argv[2:]
best = lambda f: min((json.loads(l) for l in open(f)), key=lambda r: r["us_per_frame"])
o = best(f"{out}/ort.jsonl")
r0 = best(f"{out}/rnnc_{precs[0]}.jsonl")
print(f"Silero VAD v5, one 512-sample frame at 16 kHz ({r0['frames']} frames of testdata/silero/speech.pcm, "
      f"{datetime.date.today()}, {platform.machine()}):")
print(f"  ONNX Runtime {o['version']} (1 thread): {o['us_per_frame']:.1f} us/frame, sum of probabilities {o['prob_sum']}")
for p in precs:
    r = best(f"{out}/rnnc_{p}.jsonl")
    print(f"  rnnc --weights {p}: {r['us_per_frame']:.1f} us/frame   ORT/rnnc = {o['us_per_frame'] / r['us_per_frame']:.2f}"
          f"   sum of probabilities {r['prob_sum']}")
PY
