#!/usr/bin/env bash
# Makes testdata/silero/speech.pcm (espeak-ng + sox, Debian packages) and ort_probs.f32 (ONNX Runtime via
# onnxruntime-node: bench/node_modules, as bench/run.sh installs it). See testdata/silero/ORIGIN.md.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out=$root/testdata/silero
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
espeak-ng -v en-us -s 150 -w a.wav "The quick brown fox jumps over the lazy dog. Voice activity detection finds the parts of a recording where someone speaks."
espeak-ng -v en-gb -s 170 -p 30 -w b.wav "Silence follows, and then a second speaker says a few more words to end the test."
sox a.wav -r 16000 -c 1 -b 16 a16.wav
sox b.wav -r 16000 -c 1 -b 16 b16.wav
sox -n -r 16000 -c 1 -b 16 s1.wav trim 0 0.8
sox -n -r 16000 -c 1 -b 16 s2.wav trim 0 1.5
sox s1.wav a16.wav s2.wav b16.wav s1.wav speech.wav
len=$(soxi -D speech.wav)
sox -n -r 16000 -c 1 -b 16 noise.wav synth "$len" pinknoise vol 0.004
sox -m speech.wav noise.wav -b 16 speechn.wav
sox speechn.wav -t raw -e signed -b 16 "$out/speech.pcm"
NODE_PATH=$root/bench/node_modules node "$root/tests/gen/silero_ort.js" "$out/silero_vad_v5.onnx" \
    "$out/speech.pcm" "$out/ort_probs.f32" "$out/ort_segments.txt"
# four single-call data sets (silence at the start, speech, the pause, speech again)
mkdir -p "$tmp/dump"
DUMP_FRAMES=0,30,200,400 DUMP_DIR=$tmp/dump NODE_PATH=$root/bench/node_modules \
    node "$root/tests/gen/silero_ort.js" "$out/silero_vad_v5.onnx" "$out/speech.pcm" "$tmp/p.f32"
/usr/bin/python3 "$root/tests/gen/silero_frames.py" "$out/silero_vad_v5.onnx" "$tmp/dump" "$out"
# Silero VAD v6 (the same interface) and v4 (silero_vad_legacy.onnx: 512 samples, h and c)
NODE_PATH=$root/bench/node_modules node "$root/tests/gen/silero_ort.js" "$out/v6/silero_vad_v6.onnx" \
    "$out/speech.pcm" "$out/v6/ort_probs.f32" "$out/v6/ort_segments.txt"
mkdir -p "$tmp/dump4"
LEGACY=1 DUMP_FRAMES=0,30,200,400 DUMP_DIR=$tmp/dump4 NODE_PATH=$root/bench/node_modules \
    node "$root/tests/gen/silero_ort.js" "$out/v4/silero_vad_legacy.onnx" "$out/speech.pcm" \
    "$out/v4/ort_probs.f32"
/usr/bin/python3 "$root/tests/gen/silero_frames.py" "$out/v4/silero_vad_legacy.onnx" "$tmp/dump4" "$out/v4"
