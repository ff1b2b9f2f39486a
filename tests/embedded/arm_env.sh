# shellcheck shell=sh
# arm_env.sh - sourced by the Cortex-M4F test drivers (run_qemu_test.sh, run_package_test.sh):
# what they need (the cross toolchain, newlib, QEMU) and running a firmware under QEMU.
#
# Sets ARM_CC (arm-none-eabi-gcc), ARM_SIZE (arm-none-eabi-size), QEMU (qemu-system-arm) and
# QEMU_TIMEOUT (seconds, 60) unless the environment does, and defines
#   arm_require_tools [TOOL...]  exits 77 with "SKIPPED: missing ..." (a ctest skip, not a
#                                failure) unless the cross compiler and size, newlib for the
#                                Cortex-M4F hard-float multilib, QEMU with -M mps2-an386,
#                                timeout and the further TOOLs are there
#   qemu_run ELF LOG             runs ELF on qemu-system-arm -M mps2-an386 with semihosting
#                                (the firmware's exit status becomes QEMU's), writes and
#                                prints LOG, sets qemu_status; returns 1 on a timeout
# ARM_M4F_FLAGS holds the target flags of every compile and link.

ARM_CC=${ARM_CC:-arm-none-eabi-gcc}
ARM_SIZE=${ARM_SIZE:-arm-none-eabi-size}
QEMU=${QEMU:-qemu-system-arm}
QEMU_TIMEOUT=${QEMU_TIMEOUT:-60}
# RNNC_QEMU_ICOUNT=1: -icount shift=0 (1 ns of virtual time per executed instruction), so
# the firmware's SysTick counts are instruction counts (run_qemu_test.sh prints them)
QEMU_EXTRA=""
if [ "${RNNC_QEMU_ICOUNT:-0}" = 1 ]; then
    QEMU_EXTRA="-icount shift=0"
fi
ARM_M4F_FLAGS="-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16"

arm_require_tools() {
    missing=""
    for tool in "$ARM_CC" "$ARM_SIZE" "$QEMU" timeout "$@"; do
        command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"
    done
    if [ -z "$missing" ]; then
        # newlib (libnewlib-arm-none-eabi): libm for expf/tanhf, libc for memcpy/memset
        # shellcheck disable=SC2086 # ARM_M4F_FLAGS is a word list
        libm=$("$ARM_CC" $ARM_M4F_FLAGS -print-file-name=libm.a 2>/dev/null || true)
        case $libm in
            /*) [ -f "$libm" ] || missing="$missing newlib(libm.a)" ;;
            *) missing="$missing newlib(libm.a)" ;;
        esac
        if ! "$QEMU" -machine help 2>/dev/null | grep -q '^mps2-an386 '; then
            missing="$missing $QEMU(-M mps2-an386)"
        fi
    fi
    if [ -n "$missing" ]; then
        echo "SKIPPED: missing${missing} (Debian: apt-get install gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm)"
        exit 77
    fi
}

qemu_run() { # ELF LOG
    echo "== $QEMU -M mps2-an386 $1 (timeout ${QEMU_TIMEOUT}s)"
    set +e
    # shellcheck disable=SC2086 # QEMU_EXTRA is a word list
    timeout "$QEMU_TIMEOUT" "$QEMU" -M mps2-an386 -nographic -monitor none -serial none \
        -semihosting-config enable=on,target=native $QEMU_EXTRA -kernel "$1" >"$2" 2>&1
    qemu_status=$?
    set -e
    cat "$2"
    if [ "$qemu_status" -eq 124 ]; then
        echo "error: QEMU did not finish within ${QEMU_TIMEOUT}s" >&2
        return 1
    fi
    return 0
}
