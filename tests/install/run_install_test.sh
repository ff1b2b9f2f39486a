#!/usr/bin/env bash
# run_install_test.sh - ctest install_package: install this build of rnnc and use it as a user
# would.
#   1. builds rnnc and the runtime (a no-op when up to date) and installs them with
#      `cmake --install --prefix` into WORK/stage, then moves that to WORK/prefix (the
#      installed tree must not depend on where it was installed),
#   2. the installed `rnnc check` must use the installed runtime (no RNNC_RUNTIME_* set),
#   3. configures, builds and runs tests/install/project (find_package(rnnc) and
#      rnnc_add_model(), both as a new library and added to an existing executable),
#   4. compiles the model with the installed rnnc and builds the same main.c with
#      `cc $(pkg-config --cflags --libs rnnrt)`, then runs it.
# The programs compare every output with the expected values (atol 1e-5 + rtol 1e-3).
#
# usage: run_install_test.sh CMAKE BUILD_DIR SOURCE_DIR WORK_DIR CONFIG LIBDIR CC
#   LIBDIR is CMAKE_INSTALL_LIBDIR (relative to the prefix), CC the C compiler.
set -euo pipefail

if [ $# -ne 7 ]; then
    echo "usage: $0 CMAKE BUILD_DIR SOURCE_DIR WORK_DIR CONFIG LIBDIR CC" >&2
    exit 2
fi
cmake=$1 build=$2 src=$3 work=$4 config=$5 libdir=$6 cc=$7

test_name="install test"
# step, run, fail, install_moved, require_installed, configure_finds_package,
# build_with_package
# shellcheck source=SCRIPTDIR/package_steps.sh
. "$(dirname "$0")/package_steps.sh"

case_dir=$src/testdata/cases/lstm_symbolic_dims
project=$src/tests/install/project
unset RNNC_RUNTIME_INCLUDE RNNC_RUNTIME_LIB RNNC_RUNTIME_LIBS

rm -rf "$work"
mkdir -p "$work"
work=$(cd "$work" && pwd -P)
prefix=$work/prefix

step "1. build and install rnnc (config $config), then move the installed tree"
install_moved "$cmake" "$build" "$config" "$work" "$prefix" rnnc rnnrt
require_installed "$prefix" bin/rnnc "$libdir/librnnrt.a" include/rnnrt.h \
    "$libdir/cmake/rnnc/rnncConfig.cmake" "$libdir/cmake/rnnc/rnncConfigVersion.cmake" \
    "$libdir/cmake/rnnc/rnncTargets.cmake" "$libdir/cmake/rnnc/rnncRuntimeTargets.cmake" \
    "$libdir/cmake/rnnc/rnncFunctions.cmake" "$libdir/pkgconfig/rnnrt.pc" \
    share/rnnc/runtime/include/rnnrt.h share/rnnc/runtime/src/rnnrt.c \
    share/man/man1/rnnc.1 share/doc/rnnc/LICENSE share/doc/rnnc/CHANGELOG.md \
    share/rnnc/python/rnnc.py
if grep -rl -- "$work/stage" "$prefix" >/dev/null 2>&1; then
    fail "installed files name the install directory: $(grep -rl -- "$work/stage" "$prefix")"
fi
echo "installed: $(cd "$prefix" && find . -type f | sort | tr '\n' ' ')"

step "2. the installed rnnc check uses the installed runtime"
run "$prefix/bin/rnnc" check -v "$case_dir/model.onnx" "$case_dir/test_data_set_0" \
    >"$work/check.log" 2>&1 || {
    cat "$work/check.log"
    fail "installed rnnc check failed"
}
cat "$work/check.log"
# (rnnc names them relative to its own directory: <prefix>/bin/../include)
grep -qF -- "-I$prefix/bin/../include " "$work/check.log" ||
    fail "rnnc check did not use -I$prefix/bin/../include"
grep -qF -- " $prefix/bin/../$libdir/librnnrt.a " "$work/check.log" ||
    fail "rnnc check did not link $prefix/bin/../$libdir/librnnrt.a"
grep -q '^PASS$' "$work/check.log" || fail "rnnc check did not print PASS"

step "3. out-of-tree project: find_package(rnnc) + rnnc_add_model()"
configure_finds_package "$cmake" "$work/project-build" "$prefix" "$libdir" -S "$project" \
    -DCMAKE_BUILD_TYPE="$config" -DCMAKE_C_COMPILER="$cc"
build_with_package "$cmake" "$work/project-build" "$work/project-build.log" "$prefix" \
    --config "$config"
grep -qF -- "$prefix/$libdir/librnnrt.a" "$work/project-build.log" ||
    fail "the project did not link the installed librnnrt.a"
(cd "$work/project-build" && run ctest -C "$config" --output-on-failure -V) ||
    fail "the project's programs failed"

step "4. pkg-config: installed rnnc compile + cc \$(pkg-config --cflags --libs rnnrt)"
command -v pkg-config >/dev/null || fail "pkg-config is not installed (Debian: pkgconf)"
export PKG_CONFIG_PATH=$prefix/$libdir/pkgconfig
run pkg-config --cflags --libs rnnrt
pc_inc=$(cd "$(pkg-config --variable=includedir rnnrt)" && pwd -P)
[ "$pc_inc" = "$prefix/include" ] || fail "rnnrt.pc includedir is $pc_inc, not $prefix/include"
run "$prefix/bin/rnnc" compile "$case_dir/model.onnx" --name net -o "$work/pc" \
    --dim seq=5 --dim batch=3
# shellcheck disable=SC2046 # pkg-config output is a list of options
run "$cc" -std=c99 -O2 -Wall -Wextra -Werror -pedantic -I "$work/pc" \
    $(pkg-config --cflags rnnrt) "$project/main.c" "$work/pc/net.c" \
    $(pkg-config --libs rnnrt) -o "$work/pc/app"
run "$work/pc/app" || fail "the pkg-config program failed"

step "5. the installed Python module builds a shared object from the installed runtime"
if pkg-config --libs rnnrt | grep -q -- -fsanitize; then
    # a sanitized runtime cannot go into a shared object that a plain python3 loads
    echo "the runtime is built with sanitizers: step 5 skipped"
elif /usr/bin/python3 -c "import numpy" 2>/dev/null; then
    env -u RNNC_RUNTIME_INCLUDE -u RNNC_RUNTIME_LIB -u RNNC_RUNTIME_LIBS \
        PYTHONPATH="$prefix/share/rnnc/python" /usr/bin/python3 -c "
import numpy as np, rnnc
m = rnnc.Model(rnnc.build_shared('$work/pc', 'net'))
outs = m.run(*[np.zeros(t.shape, t.dtype) for t in m.inputs])
assert [o.shape for o in outs] == [t.shape for t in m.outputs]
print(m)" || fail "the installed Python module failed"
else
    echo "python3-numpy is not installed: step 5 skipped (tools/setup-debian.sh installs it)"
fi

echo
echo "install test: PASS"
