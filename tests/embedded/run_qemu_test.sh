#!/bin/sh
# run_qemu_test.sh - compile an ONNX model with rnnc for a Cortex-M4F, run it on QEMU's MPS2
# AN386 board against an ONNX test data set, and report PASS/FAIL, sizes and stack use.
#
#   run_qemu_test.sh RNNC MODEL DATADIR WORKDIR [rnnc compile args...]
#
#   RNNC     the rnnc executable
#   MODEL    model.onnx
#   DATADIR  a test data set: input_N.pb, output_N.pb
#   WORKDIR  build directory (created; emptied of earlier results): gen/net.[ch],
#            test_data.h, *.o, fw.elf, fw.map, qemu.log
#   extra arguments go to `rnnc compile` (e.g. --dim batch=1 --unroll none); the model is
#   always compiled with --name net, so do not pass --name.
#
# Environment: PB2C (default: <dir of RNNC>/tests/embedded/pb2c), ARM_CC (arm-none-eabi-gcc),
# ARM_SIZE (arm-none-eabi-size), QEMU (qemu-system-arm), QEMU_TIMEOUT (seconds, 60),
# RNNC_QEMU_ICOUNT=1 (QEMU counts instructions: prints run_instructions, the executed
# instructions of one net_run, timed on the firmware's second run), FW_CFLAGS (more flags
# for the firmware, e.g. -DATOL=1e-3f -DRTOL=1e-2f for reduced-precision weights).
#
# Exit status: the firmware's (0 PASS, 1 FAIL, 3 fault), 1 for a build error or timeout,
# 77 when the cross toolchain, newlib or QEMU is missing (printed as "SKIPPED: ...").
# With RNNC_QEMU_EXPECT=FAIL (a data set with a perturbed expected value) it is inverted:
# 0 when the firmware ran, reported a mismatch and FAIL and exited 1; otherwise 1.
set -eu

if [ $# -lt 4 ]; then
    echo "usage: $0 RNNC MODEL DATADIR WORKDIR [rnnc compile args...]" >&2
    exit 2
fi
RNNC=$1
MODEL=$2
DATADIR=$3
WORKDIR=$4
shift 4

HERE=$(cd "$(dirname "$0")" && pwd)
SRC_ROOT=$(cd "$HERE/../.." && pwd)
RT=$SRC_ROOT/runtime
PB2C=${PB2C:-$(dirname "$RNNC")/tests/embedded/pb2c}
# ARM_CC, ARM_SIZE, QEMU, QEMU_TIMEOUT, ARM_M4F_FLAGS, arm_require_tools, qemu_run
# shellcheck source=SCRIPTDIR/arm_env.sh
. "$HERE/arm_env.sh"

# ---- what is needed: a missing cross toolchain or emulator is a skip, not a failure ----
# shellcheck disable=SC2119 # no tools beyond the toolchain and QEMU
arm_require_tools
for f in "$RNNC" "$PB2C"; do
    if [ ! -x "$f" ]; then
        echo "run_qemu_test: error: $f is not an executable (set PB2C for pb2c)" >&2
        exit 1
    fi
done

mkdir -p "$WORKDIR"
WORKDIR=$(cd "$WORKDIR" && pwd)
rm -rf "$WORKDIR/gen"
rm -f "$WORKDIR"/*.o "$WORKDIR/fw.elf" "$WORKDIR/fw.map" "$WORKDIR/test_data.h" \
    "$WORKDIR/qemu.log"

CFLAGS="$ARM_M4F_FLAGS -Os -std=c99 -Wall -Wextra -Werror -Wdouble-promotion -ffunction-sections -fdata-sections"
LDFLAGS="-nostartfiles --specs=nano.specs -T $HERE/mps2_an386.ld -Wl,--gc-sections
-Wl,-Map=$WORKDIR/fw.map"

run() {
    echo "+ $*"
    "$@"
}

# ---- generate: the model's C and the test data header ----
run "$RNNC" compile "$MODEL" -o "$WORKDIR/gen" --name net "$@"
run "$PB2C" --prefix NET "$DATADIR" "$WORKDIR/test_data.h"

# ---- build: generated code, portable runtime, firmware (all with the same flags) ----
cc_one() { # OUT SRC [extra flags...]
    out=$1
    src=$2
    shift 2
    # shellcheck disable=SC2086 # CFLAGS is a word list
    run "$ARM_CC" $CFLAGS "$@" -c "$src" -o "$WORKDIR/$out"
}
cc_one net.o "$WORKDIR/gen/net.c" -I "$WORKDIR/gen" -I "$RT/include"
cc_one rnnrt.o "$RT/src/rnnrt.c" -DRNNRT_PORTABLE -I "$RT/include" -I "$RT/src"
cc_one rnnrt_gemm_portable.o "$RT/src/rnnrt_gemm_portable.c" -DRNNRT_PORTABLE \
    -I "$RT/include" -I "$RT/src"
cc_one rnnrt_kernels.o "$RT/src/rnnrt_kernels.c" -I "$RT/include" -I "$RT/src"
cc_one startup.o "$HERE/startup.c"
cc_one semihost.o "$HERE/semihost.c"
# shellcheck disable=SC2086 # FW_CFLAGS is a word list
cc_one fw_main.o "$HERE/fw_main.c" -I "$WORKDIR/gen" -I "$WORKDIR" -I "$RT/include" -I "$HERE" \
    ${FW_CFLAGS:-}
# shellcheck disable=SC2086
run "$ARM_CC" $CFLAGS $LDFLAGS -o "$WORKDIR/fw.elf" \
    "$WORKDIR/startup.o" "$WORKDIR/semihost.o" "$WORKDIR/fw_main.o" "$WORKDIR/net.o" \
    "$WORKDIR/rnnrt.o" "$WORKDIR/rnnrt_gemm_portable.o" "$WORKDIR/rnnrt_kernels.o" -lm

# ---- sizes ----
echo "== sizes (fw.elf; map: $WORKDIR/fw.map)"
"$ARM_SIZE" "$WORKDIR/fw.elf"
"$ARM_SIZE" -A "$WORKDIR/fw.elf" | awk '
    $1 == ".isr_vector" || $1 == ".text" || $1 == ".ARM.exidx" || $1 == ".ARM.extab" { flash += $2 }
    $1 == ".data" { flash += $2; ram += $2 }
    $1 == ".bss" { ram += $2 }
    $1 == ".stack" { stack = $2 }
    END { printf "image_flash_bytes=%d\nimage_ram_static_bytes=%d\nstack_reserved_bytes=%d\n", flash, ram, stack }'
# Per part, from the map file (what --gc-sections kept): input sections by object file.
awk '
    function hex(s,   i, c, v) {
        v = 0; s = tolower(s); sub(/^0x/, "", s)
        for (i = 1; i <= length(s); i++) { c = index("0123456789abcdef", substr(s, i, 1)); v = v * 16 + c - 1 }
        return v
    }
    function part(f) {
        if (f ~ /(^|\/)net\.o$/) return "model (net.o)"
        if (f ~ /(^|\/)rnnrt(_gemm_portable|_kernels)?\.o$/) return "runtime (rnnrt*.o)"
        if (f ~ /(^|\/)fw_main\.o$/) return "harness, data, net_ctx (fw_main.o)"
        if (f ~ /(^|\/)(startup|semihost)\.o$/) return "firmware (startup.o, semihost.o)"
        if (f ~ /libm(_nano)?\.a/) return "newlib libm"
        if (f ~ /libc(_nano)?\.a/ || f ~ /libg(_nano)?\.a/) return "newlib libc"
        if (f ~ /libgcc\.a/) return "libgcc"
        return "other"
    }
    function add(name, size, f,   p) {
        if (size == 0 || name ~ /^\.(debug|comment|ARM\.attributes)/) return
        p = part(f); seen[p] = 1
        if (name ~ /^\.(bss|COMMON)/ || name == "COMMON") ram[p] += size
        else if (name ~ /^\.data/) { ram[p] += size; flash[p] += size }
        else if (name ~ /^\.(text|rodata|isr_vector|ARM\.ex)/) flash[p] += size
    }
    /^Linker script and memory map/ { inmap = 1; next }
    !inmap { next }
    /^ [^ ]+ +0x[0-9a-fA-F]+ +0x[0-9a-fA-F]+ +[^ ]+$/ { add($1, hex($3), $4); pending = ""; next }
    /^ [.A-Z][^ ]*$/ { pending = $1; next }
    /^ +0x[0-9a-fA-F]+ +0x[0-9a-fA-F]+ +[^ ]+$/ { if (pending != "") add(pending, hex($2), $3); pending = ""; next }
    { pending = "" }
    END {
        printf "%-44s %10s %10s\n", "part (after --gc-sections)", "flash", "ram"
        n = split("model (net.o)|runtime (rnnrt*.o)|harness, data, net_ctx (fw_main.o)|firmware (startup.o, semihost.o)|newlib libm|newlib libc|libgcc|other", order, "|")
        for (i = 1; i <= n; i++) if (order[i] in seen) printf "%-44s %10d %10d\n", order[i], flash[order[i]], ram[order[i]]
        printf "model_flash_bytes=%d\n", flash["model (net.o)"]
        printf "runtime_flash_bytes=%d\n", flash["runtime (rnnrt*.o)"]
    }' "$WORKDIR/fw.map" | tee "$WORKDIR/sizes.txt"

# ---- run ----
if ! qemu_run "$WORKDIR/fw.elf" "$WORKDIR/qemu.log"; then
    echo "run_qemu_test: error: QEMU timed out" >&2
    exit 1
fi
status=$qemu_status
if [ "${RNNC_QEMU_EXPECT:-PASS}" = FAIL ]; then
    if [ "$status" -eq 1 ] && grep -qx 'FAIL' "$WORKDIR/qemu.log" &&
        grep -q '^  mismatch \[' "$WORKDIR/qemu.log"; then
        echo "== expected failure: the firmware reported the mismatch and exited 1"
        exit 0
    fi
    echo "run_qemu_test: error: expected the firmware to report a mismatch and exit 1," \
        "got status $status" >&2
    exit 1
fi
if [ "$status" -eq 0 ] && ! grep -qx 'PASS' "$WORKDIR/qemu.log"; then
    echo "run_qemu_test: error: QEMU exited 0 but the firmware did not print PASS" >&2
    exit 1
fi
# ---- executed instructions of one run (only with RNNC_QEMU_ICOUNT=1: see arm_env.sh) ----
if [ "${RNNC_QEMU_ICOUNT:-0}" = 1 ] && [ "$status" -eq 0 ]; then
    ticks=$(sed -n 's/^run_systicks=//p' "$WORKDIR/qemu.log")
    calib=$(sed -n 's/^calib_systicks=//p' "$WORKDIR/qemu.log")
    # the calibration loop executes 2 000 000 instructions
    echo "run_instructions=$(awk -v t="$ticks" -v c="$calib" 'BEGIN { printf "%.0f", t * 2000000 / c }')"
    echo "instructions_per_systick=$(awk -v c="$calib" 'BEGIN { printf "%.3f", 2000000 / c }')"
    # -icount shift=0 and mps2-an386's 25 MHz SysTick: 40 instructions a tick; a run needs at
    # least one instruction per multiply-add (RNNC_QEMU_MIN_INSTRUCTIONS: the model's MACs)
    if ! awk -v t="$ticks" -v c="$calib" -v m="${RNNC_QEMU_MIN_INSTRUCTIONS:-1}" \
        'BEGIN { r = 2000000 / c; exit !(r > 39.5 && r < 40.5 && t * r >= m) }'; then
        echo "run_qemu_test: error: implausible instruction count (ticks $ticks, calibration" \
            "$calib, at least ${RNNC_QEMU_MIN_INSTRUCTIONS:-1} expected)" >&2
        exit 1
    fi
fi
# ---- rnnc info's footprint against the firmware: flash within 10 % of net.o's
# sections in the linked image, RAM (context + stack) within 10 % (or 64 bytes) of
# sizeof(net_ctx) plus the measured stack high-water mark ----
if [ "$status" -eq 0 ]; then
    info=$("$RNNC" info "$MODEL" --target cortex-m4 "$@" | grep '^footprint')
    echo "== rnnc info --target cortex-m4: $info"
    model_flash=$(sed -n 's/^model_flash_bytes=//p' "$WORKDIR/sizes.txt")
    ctx=$(sed -n 's/^ctx_bytes=//p' "$WORKDIR/qemu.log")
    stack=$(sed -n 's/^\(step_\)\{0,1\}stack_used_bytes=//p' "$WORKDIR/qemu.log" | sort -n | tail -1)
    info_flash=$(echo "$info" | sed -n 's/.*: flash \([0-9]*\) bytes.*/\1/p')
    info_ram=$(echo "$info" | sed -n 's/.*RAM \([0-9]*\) bytes.*/\1/p')
    measured_ram=$((ctx + stack))
    echo "footprint: flash rnnc info $info_flash vs image $model_flash;" \
        "RAM rnnc info $info_ram vs measured $measured_ram (context $ctx + stack $stack)"
    within() { # A B: |A - B| <= 10 % of B
        d=$(($1 - $2))
        [ "$d" -lt 0 ] && d=$((-d))
        [ $((d * 10)) -le "$2" ]
    }
    # RAM: or within 64 bytes (the stack figure adds whole frames from -fstack-usage, an
    # upper bound of the runtime's deepest internal function that a small model may not reach)
    if ! within "$info_flash" "$model_flash" ||
        { ! within "$info_ram" "$measured_ram" &&
            [ $((info_ram - measured_ram)) -gt 64 -o $((measured_ram - info_ram)) -gt 64 ]; }; then
        echo "run_qemu_test: error: rnnc info's footprint is more than 10 % off" >&2
        exit 1
    fi
fi
echo "== firmware exit status: $status"
exit "$status"
