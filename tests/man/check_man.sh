#!/bin/sh
# check_man.sh - ctest man_page: the man page the build generated (tools/gen-man.sh) is
# current, valid roff, and mentions every command and every option of rnnc's help texts.
#
# usage: check_man.sh RNNC MANPAGE GEN_MAN
#   1. MANPAGE equals what GEN_MAN writes from RNNC now (the build step ran and is current);
#   2. groff -man -ww (every warning) renders it without a diagnostic (man -l when groff is
#      missing; exit 77, skipped, when neither is installed);
#   3. the rendered text holds every command listed under "commands:" in `RNNC --help` as a
#      section, and every option (-x, --xyz) that appears in `RNNC --help` or
#      `RNNC COMMAND --help`.
# Exit 0 when all pass, 1 with "FAIL: ..." lines otherwise.
set -u
if [ $# -ne 3 ]; then
    echo "usage: $0 RNNC MANPAGE GEN_MAN" >&2
    exit 2
fi
rnnc=$1 man=$2 gen=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() {
    echo "FAIL: $*" >&2
    fail=1
}

[ -s "$man" ] || { echo "FAIL: $man missing or empty" >&2; exit 1; }
sh "$gen" "$rnnc" "$tmp/fresh.1" || bad "gen-man.sh failed"
cmp -s "$man" "$tmp/fresh.1" || bad "$man is stale: it differs from the help texts of $rnnc now"

if command -v groff >/dev/null 2>&1; then
    groff -man -ww -Tutf8 "$man" >/dev/null 2>"$tmp/warn" || bad "groff exited non-zero"
    # plain ASCII text (\- as '-', no overstriking) for the content checks
    groff -man -Tascii -P-cbou "$man" >"$tmp/text" 2>>"$tmp/warn"
elif command -v man >/dev/null 2>&1; then
    MANWIDTH=100 man --warnings -l "$man" >"$tmp/text" 2>"$tmp/warn" || bad "man -l failed"
else
    echo "neither groff nor man is installed: skipped"
    exit 77
fi
if [ -s "$tmp/warn" ]; then
    bad "roff diagnostics:"
    cat "$tmp/warn" >&2
fi

commands=$("$rnnc" --help | sed -n '/^commands:/,/^$/p' | sed -n 's/^  \([a-z][a-z]*\) .*/\1/p')
[ -n "$commands" ] || bad "no commands in '$rnnc --help'"
"$rnnc" --help >"$tmp/help"
for cmd in $commands; do
    "$rnnc" "$cmd" --help >>"$tmp/help" || bad "'$rnnc $cmd --help' failed"
    # a subsection per command: its name alone on a line, indented by 3
    grep -qx "   $cmd" "$tmp/text" || bad "no section for command '$cmd'"
done
n=0
for opt in $(grep -oE '(^|[^A-Za-z0-9_-])--?[a-z][a-z0-9-]*' "$tmp/help" |
    sed 's/^[^-]*//' | sort -u); do
    n=$((n + 1))
    grep -qE -- "(^|[^A-Za-z0-9_-])$opt([^A-Za-z0-9_-]|\$)" "$tmp/text" || bad "option '$opt' of the help texts is not in the man page"
done
[ "$n" -gt 10 ] || bad "only $n options found in the help texts"
[ "$fail" -eq 0 ] &&
    echo "man page: commands $(echo $commands), $n options of the help texts, all present"
exit $fail
