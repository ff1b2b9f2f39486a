#!/usr/bin/python3
"""Writes testdata/npy/ with real numpy (np.save / np.lib.format.write_array).

  dtypes/*.npy   one array per dtype and header variant, values given by value_of()
                 below (tests/unit/test_compiler.c recomputes them), plus files rnnc
                 must refuse (fortran order, complex, structured, object)
  sets/CASE/     an existing data set (TensorProto .pb) converted to .npy with
                 onnx.numpy_helper: input_N.npy and output_N.npy; `rnnc run` on them
                 must give the same bytes as on the .pb files (tests/npy/npy_run.sh);
                 the Python module's test feeds them (tests/python/test_rnnc_py.py)

Deterministic: rerunning gives byte-identical files.
    /usr/bin/python3 tests/gen/gen_npy.py
"""
import os
import shutil

import numpy as np
from onnx import TensorProto, numpy_helper

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "testdata", "npy")

# dtype name -> numpy dtype; value k of each is value_of(k) converted
DTYPES = {
    "f2": "<f2", "f4": "<f4", "f8": "<f8",
    "i1": "|i1", "i2": "<i2", "i4": "<i4", "i8": "<i8",
    "u1": "|u1", "u2": "<u2", "u4": "<u4", "u8": "<u8",
    "b1": "|b1",
}


def value_of(name, k):
    """Element k: i8 (k - 3) * 2**33 + k, other signed k - 3, u8 k * 2**61 + 1, u1
    (k * 37) % 256, other unsigned k * 37, floats k * 0.25 - 1, bool k % 3 == 1."""
    if name == "i8":
        return (k - 3) * 2**33 + k
    if name == "u8":
        return k * 2**61 + 1
    if name == "u1":
        return (k * 37) % 256
    if name[0] == "i":
        return k - 3
    if name[0] == "u":
        return k * 37
    if name[0] == "b":
        return k % 3 == 1
    return k * 0.25 - 1.0


def arr(name, shape, dtype=None):
    n = int(np.prod(shape)) if shape else 1
    a = np.array([value_of(name, k) for k in range(n)], dtype=dtype or DTYPES[name])
    return a.reshape(shape)


def write(path, a, version=None):
    with open(path, "wb") as f:
        np.lib.format.write_array(f, a, version=version, allow_pickle=False)


def main():
    d = os.path.join(OUT, "dtypes")
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    for name in DTYPES:
        write(os.path.join(d, name + ".npy"), arr(name, (2, 3)))
    # header variants: format 2.0 and 3.0, big-endian, 0-d, 1-d, empty, rank 4
    write(os.path.join(d, "f4_v2.npy"), arr("f4", (2, 3)), (2, 0))
    write(os.path.join(d, "i8_v3.npy"), arr("i8", (2, 3)), (3, 0))
    write(os.path.join(d, "f8_be.npy"), arr("f8", (2, 3), ">f8"))
    write(os.path.join(d, "i4_be.npy"), arr("i4", (2, 3), ">i4"))
    write(os.path.join(d, "f4_scalar.npy"), arr("f4", ()))
    write(os.path.join(d, "i2_1d.npy"), arr("i2", (5,)))
    write(os.path.join(d, "f4_empty.npy"), arr("f4", (0, 3)))
    write(os.path.join(d, "u1_rank4.npy"), arr("u1", (2, 1, 3, 2)))
    # refused
    write(os.path.join(d, "bad_fortran.npy"), np.asfortranarray(arr("f4", (2, 3))))
    write(os.path.join(d, "bad_complex.npy"), np.zeros((2,), dtype="<c8"))
    write(os.path.join(d, "bad_structured.npy"), np.zeros((2,), dtype=[("a", "<f4"), ("b", "<i4")]))
    write(os.path.join(d, "bad_unicode.npy"), np.array(["ab", "c"]))

    # data sets: TensorProto -> numpy -> .npy (float, int32 sequence_lens, int64, float16, bool)
    cases = [
        "cases/lstm_layout1",
        "cases/rnn_seqlens_fwd",
        "glue/cast_int64_roundtrip_op9",
        "glue/cast_float16_roundtrip_op13",
        "glue/if_runtime_then_op13",
        "torch/lstm_l2_bf_h0c0_yhc_droprnn_op13",
        "torch/gru_l3_linsoftmax_dynb_op13",
    ]
    sets = os.path.join(OUT, "sets")
    shutil.rmtree(sets, ignore_errors=True)
    for case in cases:
        src = os.path.join(ROOT, "testdata", case, "test_data_set_0")
        dst = os.path.join(sets, os.path.basename(case))
        os.makedirs(dst)
        for f in sorted(os.listdir(src)):
            if not f.endswith(".pb"):
                continue
            t = TensorProto()
            with open(os.path.join(src, f), "rb") as fh:
                t.ParseFromString(fh.read())
            write(os.path.join(dst, f[:-3] + ".npy"), numpy_helper.to_array(t))


if __name__ == "__main__":
    main()
