#!/usr/bin/env bash
# bench/silero.sh - Silero VAD v5 per 512-sample frame at 16 kHz: ONNX Runtime (onnxruntime-node,
# CPU, one thread) against the C rnnc generates, in one run, alternating ROUNDS times.
# Usage: bench/silero.sh [ROUNDS]   (env: RNNC_BUILD, default build; CC, CFLAGS default -O2)
set -euo pipefail
bench=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$bench")
RNNC_BUILD=${RNNC_BUILD:-$root/build}
CC=${CC:-cc}
CFLAGS=${CFLAGS:--O2}
rounds=${1:-5}
export OPENBLAS_NUM_THREADS=1
data=$root/testdata/silero
out=$bench/out/silero
mkdir -p "$out"
"$RNNC_BUILD/rnnc" compile "$data/silero_vad_v5.onnx" --name silero --const sr=16000 \
    --shape input=1,576 --shape state=2,1,128 -o "$out"
libs="-lm"
grep -q "RNNRT_OPENBLAS:BOOL=ON" "$RNNC_BUILD/CMakeCache.txt" && libs="-lopenblas -lm"
# shellcheck disable=SC2086
$CC -std=c99 $CFLAGS -I "$out" -I "$root/runtime/include" "$bench/bench_silero.c" "$out/silero.c" \
    "$RNNC_BUILD/librnnrt.a" $libs -o "$out/bench_silero"
[ -d "$bench/node_modules/onnxruntime-node" ] ||
    (cd "$bench" && npm install --ignore-scripts --no-package-lock --no-audit --no-fund >&2)
pin=""
command -v taskset >/dev/null && pin="taskset -c $(($(nproc) - 1))"
for _ in 1 2; do # alternate: each side measured twice, the better kept
    $pin "$out/bench_silero" "$data/speech.pcm" "$rounds" >>"$out/rnnc.jsonl"
    NODE_PATH=$bench/node_modules $pin node "$bench/bench_silero_ort.js" "$data/silero_vad_v5.onnx" \
        "$data/speech.pcm" "$rounds" >>"$out/ort.jsonl"
done
python3 - "$out" <<'PY'
import json, sys, datetime, platform
out = sys.argv[1]
best = {k: min((json.loads(l) for l in open(f"{out}/{k}.jsonl")), key=lambda r: r["us_per_frame"]) for k in ("rnnc", "ort")}
r, o = best["rnnc"], best["ort"]
print(f"Silero VAD v5, one 512-sample frame at 16 kHz ({r['frames']} frames of testdata/silero/speech.pcm, "
      f"{datetime.date.today()}, {platform.machine()}):")
print(f"  ONNX Runtime {o['version']} (1 thread): {o['us_per_frame']:.1f} us/frame   "
      f"rnnc: {r['us_per_frame']:.1f} us/frame   ORT/rnnc = {o['us_per_frame'] / r['us_per_frame']:.2f}")
print(f"  sum of probabilities: rnnc {r['prob_sum']}, ONNX Runtime {o['prob_sum']}")
PY
rm -f "$out/rnnc.jsonl" "$out/ort.jsonl"
