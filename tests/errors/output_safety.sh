#!/usr/bin/env bash
# output_safety.sh RNNC GOOD_MODEL BAD_MODEL - where `rnnc compile` writes, and what it never
# touches: the input model, files of an earlier compile when a later one fails, leftovers.
set -u
rnnc=$1 good=$2 bad=$3
tmp=$(mktemp -d "${TMPDIR:-/tmp}/rnnc-out.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
fail=0
no() { echo "FAIL: $*" >&2; fail=1; }

# 1. an input model that is also the output's name is refused and left as it was
mkdir "$tmp/in"
cp "$good" "$tmp/in/net.c"
if "$rnnc" compile "$tmp/in/net.c" -o "$tmp/in" 2>"$tmp/err1"; then no "overwrote its input"; fi
grep -q "refusing to overwrite the input model" "$tmp/err1" || no "no 'refusing to overwrite' message"
cmp -s "$good" "$tmp/in/net.c" || no "the input model changed"
[ ! -e "$tmp/in/net.h" ] || no "net.h written next to the refused input"

# 2. an output directory that cannot be created (a path below a regular file)
: >"$tmp/file"
if "$rnnc" compile "$good" -o "$tmp/file/sub" 2>"$tmp/err2"; then no "compiled into a path below a file"; fi
grep -q "output directory: cannot create '$tmp/file/sub': Not a directory" "$tmp/err2" ||
    no "unclear error for an uncreatable directory: $(cat "$tmp/err2")"
# ... and -o naming an existing regular file
if "$rnnc" compile "$good" -o "$tmp/file" 2>"$tmp/err3"; then no "compiled into a regular file"; fi
grep -q "output directory" "$tmp/err3" || no "unclear error for -o FILE: $(cat "$tmp/err3")"

# 3. missing directories are created, several levels deep
"$rnnc" compile "$good" -o "$tmp/a/b/c" || no "could not create a/b/c"
[ -s "$tmp/a/b/c/net.c" ] && [ -s "$tmp/a/b/c/net.h" ] || no "no files in the created directory"

# 4. a failing compile leaves an earlier good output as it was, and no temporary files
cp "$tmp/a/b/c/net.c" "$tmp/net.c.before"
cp "$tmp/a/b/c/net.h" "$tmp/net.h.before"
if "$rnnc" compile "$bad" -o "$tmp/a/b/c" 2>/dev/null; then no "the bad model compiled"; fi
cmp -s "$tmp/net.c.before" "$tmp/a/b/c/net.c" || no "net.c changed by a failed compile"
cmp -s "$tmp/net.h.before" "$tmp/a/b/c/net.h" || no "net.h changed by a failed compile"
left=$(find "$tmp/a/b/c" -type f ! -name net.c ! -name net.h)
[ -z "$left" ] || no "files left behind: $left"

[ "$fail" = 0 ] && echo "PASS"
exit $fail
