#!/bin/sh
# cortex_m.sh - what an inference costs on a Cortex-M4F: executed instructions under QEMU,
# flash and RAM, per workload, unroll mode and weight precision.
#
#   bash bench/cortex_m.sh [--build DIR] [--unroll "auto none full"] [--weights "f32 ..."]
#
# Each workload is compiled with `rnnc compile --unroll U [--weights W]`, built with
# arm-none-eabi-gcc -Os for a Cortex-M4F (hard float) with the portable runtime and run on
# qemu-system-arm -M mps2-an386 by tests/embedded/run_qemu_test.sh, which checks every output
# against the ONNX test data and, with RNNC_QEMU_ICOUNT=1, runs QEMU with -icount shift=0:
# the virtual clock advances 1 ns per executed guest instruction, the firmware reads SysTick
# (25 MHz, 40 ns a tick) around its second net_run and calibrates the ratio with a loop of
# known length. So the figure is executed instructions (to about 40), not cycles: QEMU does
# not model the M4's pipeline, flash wait states or the FPU's multi-cycle ops (vdiv, vsqrt);
# on silicon at zero wait states most Cortex-M4 instructions take one cycle, loads and
# multiply-accumulates into the FPU one or two.
# Flash is the model's share of the linked image (net.o's sections: code + weights), RAM its
# context (sizeof(net_ctx)) plus the measured stack high-water mark.
# A mode rnnc refuses (--unroll full of a large model) shows as "refused".
# Needs what tools/setup-debian.sh installs (gcc-arm-none-eabi, libnewlib-arm-none-eabi,
# qemu-system-arm) and a built rnnc (default build/; cmake --build runs first).
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
BUILD=$ROOT/build
UNROLL="auto none full"
WEIGHTS=f32
while [ $# -gt 0 ]; do
    case $1 in
        --build) BUILD=$2; shift 2 ;;
        --unroll) UNROLL=$2; shift 2 ;;
        --weights) WEIGHTS=$2; shift 2 ;;
        *) echo "usage: $0 [--build DIR] [--unroll \"auto none full\"] [--weights \"f32 f16 bf16 i8\"]" >&2; exit 2 ;;
    esac
done
BUILD=$(cd "$BUILD" && pwd)
cmake --build "$BUILD" --target rnnc rnnc_pb2c >/dev/null
OUT=$HERE/out/cortex_m
mkdir -p "$OUT"
T=$ROOT/testdata
# name|model|data set|extra rnnc args
WORKLOADS="lstm_small|$T/cases/lstm_layout1_bidir_seqlens_inithc/model.onnx|$T/cases/lstm_layout1_bidir_seqlens_inithc/test_data_set_0|
gru_bidir|$T/cases/gru_lbr1_bidir_seqlens/model.onnx|$T/cases/gru_lbr1_bidir_seqlens/test_data_set_0|
lstm_230k|$T/cases/lstm_large_bidir_seqlens/model.onnx|$T/cases/lstm_large_bidir_seqlens/test_data_set_0|
torch_emb_bilstm|$T/torch/lstm_l2_bidir_bf_lastlinlogsoftmax_emb_dynbs_dropmodule_op13/model.onnx|$T/torch/lstm_l2_bidir_bf_lastlinlogsoftmax_emb_dynbs_dropmodule_op13/test_data_set_0|$(cat "$T/torch/lstm_l2_bidir_bf_lastlinlogsoftmax_emb_dynbs_dropmodule_op13/rnnc_args")
silero_v5_frame|$T/silero/silero_vad_v5.onnx|$T/silero/frame_30_bound/test_data_set_0|--const sr=16000 --shape input=1,576 --shape state=2,1,128"

# tolerance of the firmware's comparison per precision (docs/testing.md)
fw_tol() {
    case $1 in
        f32) echo "" ;;
        f16) echo "-DATOL=2e-3f -DRTOL=2e-2f" ;;
        *) echo "-DATOL=2e-2f -DRTOL=1e-1f" ;;
    esac
}

echo "| workload | weights | unroll | instructions / inference | model flash (B) | RAM: context + stack (B) |"
echo "|---|---|---|---:|---:|---:|"
echo "$WORKLOADS" | while IFS='|' read -r name model data args; do
    for w in $WEIGHTS; do
        for u in $UNROLL; do
            log=$OUT/$name.$w.$u.log
            wflag=""
            [ "$w" = f32 ] || wflag="--weights $w"
            # shellcheck disable=SC2086 # args and wflag are word lists
            if RNNC_QEMU_ICOUNT=1 FW_CFLAGS="$(fw_tol "$w")" PB2C="$BUILD/tests/embedded/pb2c" \
                QEMU_TIMEOUT=600 sh "$ROOT/tests/embedded/run_qemu_test.sh" "$BUILD/rnnc" \
                "$model" "$data" "$OUT/work" $args --unroll "$u" $wflag >"$log" 2>&1; then
                ins=$(sed -n 's/^run_instructions=//p' "$log")
                flash=$(sed -n 's/^model_flash_bytes=//p' "$log")
                ctx=$(sed -n 's/^ctx_bytes=//p' "$log")
                stack=$(sed -n 's/^stack_used_bytes=//p' "$log")
                echo "| $name | $w | $u | $ins | $flash | $ctx + $stack |"
            elif grep -qx PASS "$log" && grep -q "footprint is more than 10 % off" "$log"; then
                # correct outputs; only rnnc info's estimate missed the measured footprint
                ins=$(sed -n 's/^run_instructions=//p' "$log")
                flash=$(sed -n 's/^model_flash_bytes=//p' "$log")
                ctx=$(sed -n 's/^ctx_bytes=//p' "$log")
                stack=$(sed -n 's/^stack_used_bytes=//p' "$log")
                echo "| $name | $w | $u | $ins | $flash | $ctx + $stack (rnnc info: $(sed -n 's/.*RAM rnnc info \([0-9]*\) vs.*/\1/p' "$log")) |"
            elif grep -q "rnnc: error" "$log"; then
                # the rule, without the path and node
                echo "| $name | $w | $u | refused: $(grep -m1 'rnnc: error' "$log" | sed 's/.*): //' | sed 's/; full unrolling is limited to \([0-9]*\).*/ (limit \1)/') | | |"
            else
                echo "| $name | $w | $u | FAILED (see $log) | | |"
            fi
        done
    done
done
