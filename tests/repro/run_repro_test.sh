#!/bin/sh
# run_repro_test.sh RNNC MODEL WORKDIR [rnnc compile args...] - the generated files do not depend
# on where rnnc, the model or the output live: MODEL is copied to two directories of different
# depth and compiled from each (once by absolute path with an absolute -o, once by a relative
# path from inside that directory with a relative -o); both .c and .h must be byte-identical,
# name the model by its file name with its sha256, and hold neither directory.
set -eu
RNNC=$1 MODEL=$2 WORK=$3
shift 3
rm -rf "$WORK"
mkdir -p "$WORK/first/deeper/dir" "$WORK/second"
base=$(basename "$MODEL")
cp "$MODEL" "$WORK/first/deeper/dir/$base"
cp "$MODEL" "$WORK/second/$base"
WORK=$(cd "$WORK" && pwd)
"$RNNC" compile "$WORK/first/deeper/dir/$base" --name net -o "$WORK/first/out" "$@"
(cd "$WORK/second" && "$RNNC" compile "$base" --name net -o gen/here "$@")
for f in net.c net.h; do
    if ! cmp "$WORK/first/out/$f" "$WORK/second/gen/here/$f"; then
        echo "FAIL: $f differs between the two directories" >&2
        diff "$WORK/first/out/$f" "$WORK/second/gen/here/$f" | head -5 >&2
        exit 1
    fi
    if grep -q -e "$WORK" -e "first/" -e "gen/here" "$WORK/first/out/$f"; then
        echo "FAIL: $f names a directory" >&2
        grep -n -e "$WORK" -e "first/" -e "gen/here" "$WORK/first/out/$f" | head -3 >&2
        exit 1
    fi
done
sum=$(sha256sum "$MODEL" | cut -d' ' -f1)
if ! grep -q "Model: '$base', sha256 $sum" "$WORK/first/out/net.h"; then
    echo "FAIL: net.h does not name the model as '$base', sha256 $sum" >&2
    exit 1
fi
echo "PASS: identical bytes from both directories; model '$base' sha256 $sum"
