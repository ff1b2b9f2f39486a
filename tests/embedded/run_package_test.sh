#!/bin/sh
# run_package_test.sh - ctest embedded_package: an installed rnnc used by a Cortex-M4F firmware
# project, as a user with a cross toolchain would, with CMake and with a plain Makefile.
#   1. builds rnnc (a no-op when up to date), installs it with `cmake --install --prefix`
#      into WORK/stage and moves that to WORK/prefix; the portable runtime's sources must be
#      in <prefix>/share/rnnc/runtime,
#   2. turns the test data sets into C headers with pb2c (a host tool of this build),
#   3. CMake: configures cmake_project/ with the toolchain file cmake_project/cortex-m4f.cmake
#      and CMAKE_PREFIX_PATH=<prefix> (find_package(rnnc) with and without a version,
#      rnnc_add_runtime(), rnnc_add_model(... RUNTIME)), builds it (the installed rnnc, the
#      runtime compiled from the installed sources with the cross compiler, no librnnrt.a),
#      and runs the firmware on QEMU: it must print PASS (LSTM large enough for the runtime's
#      GEMM); then rnnc_add_model() without RUNTIME must fail to configure with a message
#      naming rnnc_add_runtime, and a toolchain with CMAKE_FIND_ROOT_PATH finds the package
#      with -Drnnc_DIR,
#   4. Makefile: the README's recipe (the make block of its "Cortex-M" section, taken from
#      the README as written) builds the firmware for lstm_symbolic_dims with --dim, which
#      must print PASS, and for a data set whose expected value is off by 0.01, which must
#      print the mismatch and FAIL and exit 1.
# The firmware (fw_main.c) compares every output element (1e-4 + 1e-3 * |expected|).
#
# usage: run_package_test.sh CMAKE BUILD_DIR SOURCE_DIR WORK_DIR CONFIG LIBDIR PB2C
#   LIBDIR is CMAKE_INSTALL_LIBDIR (relative to the prefix), PB2C the pb2c executable.
# Environment: ARM_CC, ARM_SIZE, QEMU, QEMU_TIMEOUT (see arm_env.sh).
# Exit status: 0 PASS, 1 FAIL, 77 when the cross toolchain, newlib, QEMU or make is missing.
set -eu

if [ $# -ne 7 ]; then
    echo "usage: $0 CMAKE BUILD_DIR SOURCE_DIR WORK_DIR CONFIG LIBDIR PB2C" >&2
    exit 2
fi
cmake=$1 build=$2 src=$3 work=$4 config=$5 libdir=$6 pb2c=$7
HERE=$(cd "$(dirname "$0")" && pwd)
# ARM_CC, ARM_SIZE, QEMU, QEMU_TIMEOUT, arm_require_tools, qemu_run
# shellcheck source=SCRIPTDIR/arm_env.sh
. "$HERE/arm_env.sh"
arm_require_tools make

test_name="embedded package test"
# step, run, fail, install_moved, require_installed, configure_finds_package,
# build_with_package
# shellcheck source=SCRIPTDIR/../install/package_steps.sh
. "$HERE/../install/package_steps.sh"

# run_fw ELF LOG EXPECT: run on QEMU; EXPECT PASS (exit 0, PASS printed) or FAIL (exit 1,
# a mismatch and FAIL printed)
run_fw() {
    qemu_run "$1" "$2" || fail "$1 timed out on QEMU"
    case $3 in
        PASS)
            if [ "$qemu_status" -ne 0 ] || ! grep -qx PASS "$2"; then
                fail "$1: expected PASS and exit 0, got exit $qemu_status"
            fi
            ;;
        FAIL)
            if [ "$qemu_status" -ne 1 ] || ! grep -qx FAIL "$2" ||
                ! grep -q '^  mismatch \[' "$2"; then
                fail "$1: expected a mismatch, FAIL and exit 1, got exit $qemu_status"
            fi
            echo "== expected failure: the firmware reported the mismatch and exited 1"
            ;;
    esac
}

cases=$src/testdata/cases
gemm_case=$cases/lstm_large_bidir_seqlens
dims_case=$cases/lstm_symbolic_dims
bad_model=$cases/lstm_peepholes/model.onnx
bad_data=$src/testdata/check_negative/lstm_peepholes_perturbed
toolchain=$HERE/cmake_project/cortex-m4f.cmake

rm -rf "$work"
mkdir -p "$work"
work=$(cd "$work" && pwd -P)
prefix=$work/prefix
rt=$prefix/share/rnnc/runtime

step "1. build and install rnnc (config $config), then move the installed tree"
install_moved "$cmake" "$build" "$config" "$work" "$prefix" rnnc rnnrt rnnc_pb2c
require_installed "$prefix" bin/rnnc "$libdir/cmake/rnnc/rnncConfig.cmake" \
    "$libdir/cmake/rnnc/rnncConfigVersion.cmake" "$libdir/cmake/rnnc/rnncFunctions.cmake" \
    share/rnnc/runtime/include/rnnrt.h share/rnnc/runtime/src/rnnrt.c \
    share/rnnc/runtime/src/rnnrt_kernels.c share/rnnc/runtime/src/rnnrt_gemm_portable.c \
    share/rnnc/runtime/src/rnnrt_internal.h
[ ! -e "$rt/src/rnnrt_gemm_openblas.c" ] || fail "the OpenBLAS backend is in $rt/src"

step "2. test data headers (pb2c)"
for d in gemm:$gemm_case/test_data_set_0 dims:$dims_case/test_data_set_0 bad:$bad_data; do
    mkdir -p "$work/data/${d%%:*}"
    run "$pb2c" --prefix NET "${d#*:}" "$work/data/${d%%:*}/test_data.h"
done

step "3a. CMake: find_package(rnnc) + rnnc_add_runtime() + rnnc_add_model() with $toolchain"
cbuild=$work/cmake-build
configure_finds_package "$cmake" "$cbuild" "$prefix" "$libdir" -S "$HERE/cmake_project" \
    -DCMAKE_TOOLCHAIN_FILE="$toolchain" -DCMAKE_C_COMPILER="$ARM_CC" \
    -DCMAKE_BUILD_TYPE=MinSizeRel -DMODEL="$gemm_case/model.onnx" \
    -DTEST_DATA_DIR="$work/data/gemm"
build_with_package "$cmake" "$cbuild" "$work/cmake-build.log" "$prefix" -j2
grep -qF -- "$rt/src/rnnrt_gemm_portable.c" "$work/cmake-build.log" ||
    fail "the project did not compile the installed runtime sources"
if grep -E 'librnnrt\.a|-lopenblas|libopenblas' "$work/cmake-build.log"; then
    fail "the cross build links the host's runtime or OpenBLAS"
fi
run "$ARM_SIZE" "$cbuild/fw.elf"
run_fw "$cbuild/fw.elf" "$work/cmake-qemu.log" PASS

step "3b. CMake: rnnc_add_model() without RUNTIME in a cross build is a configure error"
if run "$cmake" -S "$HERE/cmake_project" -B "$work/cmake-misuse" \
    -DCMAKE_TOOLCHAIN_FILE="$toolchain" -DCMAKE_C_COMPILER="$ARM_CC" \
    -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_FIND_PACKAGE_NO_PACKAGE_REGISTRY=ON \
    -DMODEL="$gemm_case/model.onnx" -DTEST_DATA_DIR="$work/data/gemm" \
    -DRNNC_TEST_MISUSE=ON >"$work/cmake-misuse.log" 2>&1; then
    cat "$work/cmake-misuse.log"
    fail "rnnc_add_model() without RUNTIME configured in a cross build"
fi
cat "$work/cmake-misuse.log"
# (CMake wraps the message: compare it with the line breaks and indents removed)
tr -s ' \n' '  ' <"$work/cmake-misuse.log" |
    grep -qF "no RUNTIME given, and rnnc::rnnrt, the installed librnnrt.a, is built for the host" ||
    fail "rnnc_add_model() without RUNTIME did not explain the missing runtime"

step "3c. CMake: a toolchain with CMAKE_FIND_ROOT_PATH finds the package with -Drnnc_DIR"
run "$cmake" -S "$HERE/cmake_project" -B "$work/cmake-rootpath" \
    -DCMAKE_TOOLCHAIN_FILE="$toolchain" -DCMAKE_C_COMPILER="$ARM_CC" \
    -DCMAKE_FIND_ROOT_PATH="$work/sysroot" -Drnnc_DIR="$prefix/$libdir/cmake/rnnc" \
    -DMODEL="$gemm_case/model.onnx" -DTEST_DATA_DIR="$work/data/gemm" \
    >"$work/cmake-rootpath.log" 2>&1 || {
    cat "$work/cmake-rootpath.log"
    fail "find_package(rnnc) with -Drnnc_DIR and CMAKE_FIND_ROOT_PATH failed"
}
grep -F "rnnc 0.1" "$work/cmake-rootpath.log" ||
    fail "the project did not report the package (log: $work/cmake-rootpath.log)"

# The README's Makefile recipe, as written there: the fenced block after the marker line
readme_makefile=$work/readme.mk
awk '/^<!-- embedded_package: the Makefile below/ { marked = 1; next }
    marked && /^```make$/ { inside = 1; next }
    inside && /^```$/ { exit }
    inside { print }' "$src/README.md" >"$readme_makefile"
grep -q '^fw.elf:' "$readme_makefile" ||
    fail "no Makefile recipe found in $src/README.md (the block after '<!-- embedded_package: ...')"
# make_fw DIR MODEL DATA [RNNC_ARGS]: the recipe in DIR, with the firmware of this directory
# as the application (main.c = fw_main.c, startup.c, semihost.c, board.ld)
make_fw() {
    mkdir -p "$1"
    cp "$2" "$1/model.onnx"
    cp "$HERE/fw_main.c" "$1/main.c"
    cp "$HERE/startup.c" "$HERE/semihost.c" "$HERE/semihost.h" "$3/test_data.h" "$1/"
    cp "$HERE/mps2_an386.ld" "$1/board.ld"
    (cd "$1" && run make -f "$readme_makefile" CC="$ARM_CC" RNNC_PREFIX="$prefix" \
        RNNC_ARGS="${4:-}" APP_OBJS="main.o startup.o semihost.o") ||
        fail "the README's Makefile did not build the firmware in $1"
}

step "4a. Makefile (the README's recipe): rnnc compile + $ARM_CC with the installed runtime sources"
make_fw "$work/make-build" "$dims_case/model.onnx" "$work/data/dims" "--dim seq=5 --dim batch=3"
run_fw "$work/make-build/fw.elf" "$work/make-qemu.log" PASS

step "4b. Makefile (the README's recipe): an expected value off by 0.01 must FAIL"
make_fw "$work/make-bad" "$bad_model" "$work/data/bad"
run_fw "$work/make-bad/fw.elf" "$work/make-bad-qemu.log" FAIL

echo
echo "embedded package test: PASS"
