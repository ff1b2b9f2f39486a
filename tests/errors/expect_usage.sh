#!/bin/sh
# expect_usage.sh SUBSTRING COMMAND [ARGS...]
#
# A usage error as rnnc reports one: exit status 2, a message containing SUBSTRING (which
# names the offending argument), a pointer to --help, and not the help text itself.
set -u
if [ $# -lt 2 ]; then
    echo "usage: $0 SUBSTRING COMMAND [ARGS...]" >&2
    exit 2
fi
want=$1
shift
out=$("$@" 2>&1)
status=$?
printf '%s\n' "$out"
[ "$status" -eq 2 ] || { echo "FAIL: exit status $status, expected 2" >&2; exit 1; }
printf '%s' "$out" | grep -qF -- "$want" || { echo "FAIL: output lacks: $want" >&2; exit 1; }
printf '%s' "$out" | grep -qF -- "--help' for the options." ||
    { echo "FAIL: no pointer to --help" >&2; exit 1; }
if printf '%s' "$out" | grep -q '^usage:'; then
    echo "FAIL: the help text was printed" >&2
    exit 1
fi
exit 0
