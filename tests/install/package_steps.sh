# shellcheck shell=sh
# package_steps.sh - sourced by the tests that use an installed rnnc as a user would
# (tests/install/run_install_test.sh, tests/embedded/run_package_test.sh). Set test_name
# (for messages) before sourcing. Defines
#   step TEXT...                 prints a step heading
#   run CMD...                   prints and runs a command
#   fail TEXT...                 "<test_name>: FAIL: TEXT" on stderr, exit 1
#   install_moved CMAKE BUILD CONFIG WORK PREFIX TARGET...
#                                builds TARGETs, installs BUILD with --prefix WORK/stage and
#                                moves that to PREFIX (the tree must not depend on where it
#                                was installed)
#   require_installed PREFIX FILE...   fails unless every PREFIX/FILE is a file
#   configure_finds_package CMAKE BINARY_DIR PREFIX LIBDIR CMAKE_ARGS...
#                                configures; find_package(rnnc) must have found the package
#                                installed in PREFIX
#   build_with_package CMAKE BINARY_DIR LOG PREFIX BUILD_ARGS...
#                                builds verbosely into LOG (printed); the build must run
#                                PREFIX/bin/rnnc

step() { printf '\n==> %s\n' "$*"; }
run() {
    printf '$ %s\n' "$*"
    "$@"
}
fail() {
    echo "${test_name:-test}: FAIL: $*" >&2
    exit 1
}

install_moved() {
    _cmake=$1 _build=$2 _config=$3 _work=$4 _prefix=$5
    shift 5
    run "$_cmake" --build "$_build" --config "$_config" --target "$@"
    run "$_cmake" --install "$_build" --config "$_config" --prefix "$_work/stage"
    run mv "$_work/stage" "$_prefix"
}

require_installed() {
    _prefix=$1
    shift
    for _f in "$@"; do
        [ -f "$_prefix/$_f" ] || fail "not installed: $_f"
    done
}

configure_finds_package() {
    _cmake=$1 _bin=$2 _prefix=$3 _libdir=$4
    shift 4
    run "$_cmake" -B "$_bin" -DCMAKE_PREFIX_PATH="$_prefix" \
        -DCMAKE_FIND_PACKAGE_NO_PACKAGE_REGISTRY=ON "$@"
    _found=$(sed -n 's/^rnnc_DIR:PATH=//p' "$_bin/CMakeCache.txt")
    [ "$_found" = "$_prefix/$_libdir/cmake/rnnc" ] ||
        fail "find_package(rnnc) found '$_found', not the installed $_prefix/$_libdir/cmake/rnnc"
}

build_with_package() {
    _cmake=$1 _bin=$2 _log=$3 _prefix=$4
    shift 4
    run "$_cmake" --build "$_bin" --verbose "$@" >"$_log" 2>&1 || {
        cat "$_log"
        fail "the project in $_bin did not build"
    }
    cat "$_log"
    grep -qF -- "$_prefix/bin/rnnc compile" "$_log" ||
        fail "the project in $_bin did not run the installed rnnc"
}
