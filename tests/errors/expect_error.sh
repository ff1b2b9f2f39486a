#!/bin/sh
# expect_error.sh RNNC MODEL SUBSTRING...
#
# Runs `RNNC compile MODEL -o TMP/out` in a fresh temporary directory and
# passes only if rnnc exits with status 1, its stderr contains every SUBSTRING
# (fixed strings) on a single line, and no file was written under TMP/out.
# RNNC_EXTRA_ARGS (split on spaces) is added to the command line.
set -u
if [ $# -lt 3 ]; then
    echo "usage: $0 RNNC MODEL SUBSTRING..." >&2
    exit 2
fi
rnnc=$1
model=$2
shift 2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/rnnc-err.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT HUP INT TERM
# shellcheck disable=SC2086 # a word list
"$rnnc" compile "$model" -o "$tmp/out/gen" ${RNNC_EXTRA_ARGS:-} >"$tmp/stdout" 2>"$tmp/stderr"
status=$?
fail=0
echo "stderr: $(cat "$tmp/stderr")"
if [ "$status" -ne 1 ]; then
    echo "FAIL: exit status $status, expected 1" >&2
    fail=1
fi
for want in "$@"; do
    if ! grep -qF -- "$want" "$tmp/stderr"; then
        echo "FAIL: stderr lacks: $want" >&2
        fail=1
    fi
done
if [ "$(grep -c . "$tmp/stderr")" -ne 1 ]; then
    echo "FAIL: expected exactly one line of error output" >&2
    fail=1
fi
left=$(find "$tmp/out" -type f 2>/dev/null)
if [ -n "$left" ]; then
    echo "FAIL: files left behind: $left" >&2
    fail=1
fi
exit $fail
