#!/usr/bin/env bash
# tests/fuzz/replay_cli.sh RNNC DIR RUNTIME_INCLUDE - every model in DIR (the fuzzer's kept
# crashers, and ext_*: hostile models from an independent catalogue that once broke rnnc)
# through `rnnc compile`: exit 0 with both files that then build with
# ${CC:-cc} -std=c99 -Wall -Wextra -Werror -pedantic, or exit 1 with one message naming the
# file and no files; never a crash, a sanitizer report or another exit status.
set -u
rnnc=$1 dir=$2 rtinc=$3
fail=0 n=0
for f in "$dir"/*; do
    [ -f "$f" ] || continue
    n=$((n + 1))
    out=$(mktemp -d)
    "$rnnc" compile "$f" -o "$out/gen" >"$out/stdout" 2>"$out/stderr"
    rc=$?
    files=$(find "$out/gen" -type f 2>/dev/null | wc -l)
    if [ "$rc" = 0 ] && [ "$files" = 2 ]; then
        if ! ${CC:-cc} -std=c99 -Wall -Wextra -Werror -pedantic -I "$out/gen" -I "$rtinc" \
            -c "$out/gen/net.c" -o "$out/net.o" 2>"$out/cc"; then
            echo "FAIL $f: the generated code does not build:" >&2
            head -5 "$out/cc" >&2
            fail=1
        fi
    elif [ "$rc" = 1 ] && [ "$files" = 0 ] && [ "$(wc -l <"$out/stderr")" = 1 ] &&
        grep -q "^rnnc: error: $f" "$out/stderr"; then
        :
    else
        echo "FAIL $f: exit $rc, $files files, stderr:" >&2
        head -5 "$out/stderr" >&2
        fail=1
    fi
    rm -rf "$out"
done
echo "replayed $n models"
[ "$n" -gt 0 ] || { echo "no models in $dir" >&2; exit 1; }
exit $fail
