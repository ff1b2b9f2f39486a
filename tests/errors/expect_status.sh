#!/bin/sh
# expect_status.sh STATUS SUBSTRING COMMAND [ARGS...]
#
# Runs COMMAND and passes only if it exits with STATUS and its combined
# stdout+stderr contains SUBSTRING (an empty SUBSTRING matches anything).
set -u
if [ $# -lt 3 ]; then
    echo "usage: $0 STATUS SUBSTRING COMMAND [ARGS...]" >&2
    exit 2
fi
want_status=$1
want=$2
shift 2
out=$("$@" 2>&1)
status=$?
printf '%s\n' "$out"
if [ "$status" -ne "$want_status" ]; then
    echo "FAIL: exit status $status, expected $want_status" >&2
    exit 1
fi
if [ -n "$want" ] && ! printf '%s' "$out" | grep -qF -- "$want"; then
    echo "FAIL: output lacks: $want" >&2
    exit 1
fi
exit 0
