#!/bin/sh
# check_vs_interp.sh RNNC MODEL DATADIR PREC [rnnc check args...]
#
# `rnnc check --weights PREC` of MODEL on DATADIR's inputs only (copied to a temporary
# directory without the output_N files): the generated code against the interpreter, both
# with the same rounded weights, at check's default tolerances. DATADIR's expected outputs
# are the fp32 model's, which a reduced precision is not expected to meet at those.
set -u
if [ $# -lt 4 ]; then
    echo "usage: $0 RNNC MODEL DATADIR PREC [rnnc check args...]" >&2
    exit 2
fi
rnnc=$1 model=$2 data=$3 prec=$4
shift 4
tmp=$(mktemp -d "${TMPDIR:-/tmp}/rnnc-prec.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT HUP INT TERM
for f in "$data"/input_*; do
    cp "$f" "$tmp/" || exit 2
done
"$rnnc" check --weights "$prec" "$model" "$tmp" "$@"
