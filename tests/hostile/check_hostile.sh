#!/bin/bash
# usage: check_hostile.sh RNNC CASE_DIR [REPO_ROOT]
#
# One "hostile names" case (tests/gen/gen_hostile_names.py -> testdata/hostile/<case>):
# a model whose tensor / node / graph names and doc strings are built to break or
# inject into generated C. Checks, in order:
#   1. `RNNC compile CASE_DIR/model.onnx -o TMP/gen --name net` exits 0;
#   2. TMP/gen/net.c builds with ${CC:-cc} -std=c99 -Wall -Wextra -Werror -pedantic -c,
#      every global symbol it defines starts with net_ and every symbol it needs is
#      the runtime's (rnnrt_*), memcpy/memset/memmove, a libm float function or a
#      compiler helper (__*);
#   3. net.h: NET_NUM_INPUTS / NET_NUM_OUTPUTS equal the number of input_*.pb /
#      output_*.pb files in CASE_DIR/test_data_set_0 (one per graph input / output),
#      one NET_IN_* / NET_OUT_* macro per graph input / output, numbered in order, no
#      macro defined twice; tests/hostile/c_lex.py on net.c and net.h: the
#      only preprocessor lines are rnnc's own (PP_ALLOW_C: #include "net.h", "rnnrt.h",
#      <stdint.h>, <string.h>, the big-endian guard; PP_ALLOW_H: the include guard, <stdint.h>,
#      #define NET_<MACRO> <int>, #ifdef __cplusplus, #endif), also where a comment
#      precedes the '#'; printable ASCII only, no line splice, no
#      trigraph, well-formed comments and literals, and none of the strings planted
#      in the model (MARKERS below) outside comments and literals (the NET_IN_* /
#      NET_OUT_* macro names, built from the names' letters and digits, excepted);
#   4. `RNNC check CASE_DIR/model.onnx CASE_DIR/test_data_set_0` exits 0 (generated
#      code and the interpreter against the NumPy-reference outputs).
# Exit 0 when all pass, 1 with "FAIL: ..." lines otherwise.
#
# Environment: CC, NM, PYTHON (default python3; plain text processing only),
# HOSTILE_KEEP=1 keeps the temporary directory. Two NET_* macro names that agree in their
# first 63 characters fail the case (C99 5.2.4.1 only guarantees 63 significant initial
# characters in a macro name; rnnc keeps its macros within them); HOSTILE_STRICT_IDENT=0
# reports that as a NOTE only.

set -u
if [ $# -lt 2 ] || [ $# -gt 3 ]; then
    echo "usage: $0 RNNC CASE_DIR [REPO_ROOT]" >&2
    exit 2
fi
RNNC=$1
CASE=${2%/}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=${3:-$(cd "$HERE/../.." && pwd)}
CC=${CC:-cc}
NM=${NM:-nm}
PYTHON=${PYTHON:-python3}

# Strings planted inside names / doc strings by gen_hostile_names.py; none may reach
# the generated code outside comments and string literals.
MARKERS=(
    "injected" "define X" "return 1;" "stdio" "#pragma" "#error" "system(" "rm -rf"
    "rnnc_pwned" "unterminated" "trigraphs" "line comment" "quoted" "backslash"
    "passwd" "bashrc" "Windows" "%n" "%s" "%p" "not the graph input" "node doc" "init doc"
    "vi doc" "newlines"
)

TMP=$(mktemp -d "${TMPDIR:-/tmp}/rnnc_hostile.XXXXXX") || exit 1
if [ "${HOSTILE_KEEP:-0}" = 1 ]; then
    echo "keeping $TMP"
else
    trap 'rm -rf "$TMP"' EXIT
fi
GEN=$TMP/gen
fails=0
fail() {
    echo "FAIL: $*"
    fails=$((fails + 1))
}

# ---- a model rnnc must refuse (CASE_DIR/expect_error holds the message): exit 1, that
# message on one line, no files ----
if [ -f "$CASE/expect_error" ]; then
    want=$(cat "$CASE/expect_error")
    echo "== rnnc compile $CASE/model.onnx (must be refused: $want)"
    "$RNNC" compile "$CASE/model.onnx" -o "$GEN" --name net >"$TMP/compile.out" 2>&1
    st=$?
    [ "$st" = 1 ] || fail "exit status $st, expected 1"
    [ "$(grep -c . "$TMP/compile.out")" = 1 ] || fail "expected one line of error output"
    grep -qF -- "$want" "$TMP/compile.out" || fail "message lacks: $want"
    [ -z "$(find "$GEN" -type f 2>/dev/null)" ] || fail "files written"
    cat "$TMP/compile.out"
    [ "$fails" = 0 ] && echo "PASS"
    [ "$fails" = 0 ]
    exit $?
fi

# ---- 1. compile ----
echo "== rnnc compile $CASE/model.onnx"
"$RNNC" compile "$CASE/model.onnx" -o "$GEN" --name net >"$TMP/compile.out" 2>&1
st=$?
cat "$TMP/compile.out"
if [ $st -ne 0 ]; then
    fail "rnnc compile exited with status $st"
    exit 1
fi
for f in net.c net.h; do
    [ -f "$GEN/$f" ] || fail "rnnc compile did not write $f"
done
[ $fails -eq 0 ] || exit 1

# ---- 2. build the object, check its symbols ----
echo "== $CC -std=c99 -Wall -Wextra -Werror -pedantic -c net.c"
if ! $CC -std=c99 -Wall -Wextra -Werror -pedantic -I "$GEN" -I "$ROOT/runtime/include" \
        -c "$GEN/net.c" -o "$TMP/net.o"; then
    fail "net.c does not build with -std=c99 -Wall -Wextra -Werror -pedantic"
else
    # a translation unit that includes the header twice and uses every macro
    {
        echo '#include "net.h"'
        echo '#include "net.h"'
        echo 'int use_macros(void);'
        echo 'int use_macros(void)'
        echo '{'
        echo '    int s = NET_NUM_INPUTS + NET_NUM_OUTPUTS;'
        sed -n 's/^#define \(NET_[A-Za-z0-9_]*\) -\{0,1\}[0-9][0-9]*$/    s += \1;/p' "$GEN/net.h"
        echo '    return s;'
        echo '}'
    } >"$TMP/use.c"
    if ! $CC -std=c99 -Wall -Wextra -Werror -pedantic -I "$GEN" -I "$ROOT/runtime/include" \
            -c "$TMP/use.c" -o "$TMP/use.o"; then
        fail "a file including net.h twice and using its macros does not build"
    fi
    if ! $NM -g --defined-only "$TMP/net.o" >"$TMP/defined.txt"; then
        fail "$NM failed on net.o"
    fi
    echo "defined symbols: $(awk '{print $NF}' "$TMP/defined.txt" | tr '\n' ' ')"
    bad=$(awk '{print $NF}' "$TMP/defined.txt" | grep -v '^net_' || true)
    [ -z "$bad" ] || fail "global symbols without the net_ prefix: $(echo $bad)"
    [ -s "$TMP/defined.txt" ] || fail "net.o defines no global symbol"
    $NM -u "$TMP/net.o" | awk '{print $NF}' >"$TMP/undefined.txt"
    bad=$(grep -Ev '^(rnnrt_[A-Za-z0-9_]+|memcpy|memset|memmove|(exp|expm1|exp2|log|log1p|log2|tanh|sqrt|fabs|fmax|fmin|floor|ceil|round|trunc|rint|nearbyint|pow|erf|sin|cos|atan|cosh|sinh)f|__[A-Za-z0-9_]+)$' \
        "$TMP/undefined.txt" || true)
    [ -z "$bad" ] || fail "net.o refers to unexpected symbols: $(echo $bad)"
fi

# ---- 3. preprocessor lines, macros, comments and literals ----
echo "== preprocessor lines and lexical checks"
nin=$(sed -n 's/^#define NET_NUM_INPUTS \([0-9]*\)$/\1/p' "$GEN/net.h")
nout=$(sed -n 's/^#define NET_NUM_OUTPUTS \([0-9]*\)$/\1/p' "$GEN/net.h")
min=$(grep -c '^#define NET_IN_' "$GEN/net.h")
mout=$(grep -c '^#define NET_OUT_' "$GEN/net.h")
# the data set holds one file per graph input / output of the model
din=$(find "$CASE/test_data_set_0" -maxdepth 1 -name 'input_*.pb' | wc -l)
dout=$(find "$CASE/test_data_set_0" -maxdepth 1 -name 'output_*.pb' | wc -l)
[ "$nin" = "$din" ] || fail "NET_NUM_INPUTS is '$nin' but the model has $din graph inputs (test_data_set_0/input_*.pb)"
[ "$nout" = "$dout" ] || fail "NET_NUM_OUTPUTS is '$nout' but the model has $dout graph outputs (test_data_set_0/output_*.pb)"
[ "$nin" = "$min" ] || fail "NET_NUM_INPUTS is '$nin' but there are $min NET_IN_* macros"
[ "$nout" = "$mout" ] || fail "NET_NUM_OUTPUTS is '$nout' but there are $mout NET_OUT_* macros"
# the NET_IN_ macros hold 0..n-1 in order, so do the NET_OUT_ ones
for kind in IN OUT; do
    vals=$(sed -n "s/^#define NET_${kind}_[A-Za-z0-9_]* \([0-9]*\)$/\1/p" "$GEN/net.h" | tr '\n' ' ')
    want=$(n=$(grep -c "^#define NET_${kind}_" "$GEN/net.h"); i=0; while [ $i -lt $n ]; do printf '%d ' $i; i=$((i + 1)); done)
    [ "$vals" = "$want" ] || fail "NET_${kind}_* values are '$vals', expected '$want'"
done
dups=$(sed -n 's/^#define \(NET_[A-Za-z0-9_]*\).*/\1/p' "$GEN/net.h" | sort | uniq -d)
[ -z "$dups" ] || fail "macros defined twice: $(echo $dups)"
dups63=$(sed -n 's/^#define \(NET_[A-Za-z0-9_]*\).*/\1/p' "$GEN/net.h" | cut -c1-63 | sort | uniq -d)
if [ -n "$dups63" ]; then
    msg="distinct NET_* macro names agree in their first 63 characters (C99 5.2.4.1): $(echo "$dups63" | cut -c1-40 | sed 's/$/.../' | tr '\n' ' ')"
    if [ "${HOSTILE_STRICT_IDENT:-1}" = 1 ]; then
        fail "$msg"
    else
        echo "NOTE: $msg"
    fi
fi
# rnnc's own preprocessor lines (read after comments become spaces, blanks squeezed)
PP_ALLOW_C=('#include "net\.h"' '#include "rnnrt\.h"' '#include <stdint\.h>' '#include <string\.h>'
    '#ifndef RNNC_NO_CTX_SIZE_CHECK' '#ifndef RNNC_NO_METADATA' '#endif'
    '#if defined\(__BYTE_ORDER__\) && defined\(__ORDER_BIG_ENDIAN__\) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__')
PP_ALLOW_H=(
    '#ifndef NET_H_INCLUDED' '#define NET_H_INCLUDED' '#include <stddef\.h>' '#include <stdint\.h>'
    '#ifdef __cplusplus' '#endif' '#define NET_[A-Za-z0-9_]+ -?[0-9]+'
)
lex() {  # lex FILE PP_REGEX...
    local f=$1 re
    local args=(--ident-prefix NET_IN_ --ident-prefix NET_OUT_)
    shift
    for re in "$@"; do
        args+=(--pp-allow "$re")
    done
    if ! "$PYTHON" "$HERE/c_lex.py" "${args[@]}" "$f" -- "${MARKERS[@]}" >"$TMP/lex.txt" 2>&1; then
        fail "lexical checks (tests/hostile/c_lex.py) on $(basename "$f"):"
        sed 's/^/    /' "$TMP/lex.txt" | head -30
    fi
}
lex "$GEN/net.c" "${PP_ALLOW_C[@]}"
lex "$GEN/net.h" "${PP_ALLOW_H[@]}"

# ---- 4. rnnc check: generated code and interpreter against the expected outputs ----
echo "== rnnc check $CASE/model.onnx $CASE/test_data_set_0"
"$RNNC" check "$CASE/model.onnx" "$CASE/test_data_set_0" >"$TMP/check.out" 2>&1
st=$?
# names can hold control characters and 5000 bytes: keep the log readable
LC_ALL=C tr -c '\n -~' '?' <"$TMP/check.out" | cut -c1-400
[ $st -eq 0 ] || fail "rnnc check exited with status $st"

if [ $fails -ne 0 ]; then
    echo "$fails check(s) failed for $CASE"
    exit 1
fi
echo "PASS: $CASE"
exit 0
