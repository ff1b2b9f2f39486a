#!/bin/sh
# npy_run.sh RNNC MODEL PBDIR NPYDIR WORK
# The same data set as TensorProto files (PBDIR) and as numpy-written .npy files (NPYDIR,
# tests/gen/gen_npy.py) must give `rnnc run` the same outputs, bit for bit; outputs written
# with --output-format npy must be what np.save writes for them (numpy reads them back) and
# match the expected output_N.npy; `rnnc check` must pass on the .npy data set.
set -eu
rnnc=$1 model=$2 pbdir=$3 npydir=$4 work=$5
rm -rf "$work"
mkdir -p "$work"
"$rnnc" run "$model" --input-dir "$pbdir" --output-dir "$work/from_pb" >/dev/null
set --
for f in "$npydir"/input_*.npy; do set -- "$@" --input "$f"; done
"$rnnc" run "$model" "$@" --output-dir "$work/from_npy" >/dev/null
n=0
for f in "$work"/from_pb/output_*.pb; do
    b=$(basename "$f")
    cmp "$f" "$work/from_npy/$b"
    n=$((n + 1))
done
[ "$n" -gt 0 ]
echo "$n outputs identical from .pb and from .npy inputs"
"$rnnc" run "$model" --input-dir "$npydir" --output-dir "$work/npy_out" --output-format npy >/dev/null
/usr/bin/python3 - "$work/npy_out" "$npydir" <<'PY'
import io, os, sys
import numpy as np
out, exp = sys.argv[1], sys.argv[2]
names = sorted(f for f in os.listdir(out) if f.endswith(".npy"))
assert names, "no outputs"
for f in names:
    raw = open(os.path.join(out, f), "rb").read()
    a = np.load(io.BytesIO(raw), allow_pickle=False)
    b = io.BytesIO()
    np.save(b, a)
    assert b.getvalue() == raw, f + ": rnnc's .npy differs from np.save's bytes"
    e = np.load(os.path.join(exp, f))
    assert a.dtype == e.dtype and a.shape == e.shape, (f, a.dtype, a.shape, e.dtype, e.shape)
    if a.dtype.kind == "f":
        ok = np.allclose(a, e, atol=1e-5, rtol=1e-3, equal_nan=True)
    else:
        ok = np.array_equal(a, e)
    assert ok, f + ": rnnc run differs from the expected output"
    print(f, a.dtype, a.shape, "ok")
PY
"$rnnc" check "$model" "$npydir" | tail -1 | grep -x PASS
