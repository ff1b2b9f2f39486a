#!/usr/bin/python3
"""Writes testdata/const_bits/: a model whose outputs are its initializers, one per dtype
and size, holding every kind of bit pattern (floats: infinities, -0, subnormals, the
largest finite, bytes that are quotes, backslashes, '?', digits and control characters in a
C string; integers: the extremes; no NaN, which the loader refuses in an initializer), and expected_N.npy, each output as
np.save wrote it. tests/python/test_const_bits.py compiles the model and checks the
generated code's outputs are these bytes exactly: the emitter's constant encodings (byte
strings for large data, literal lists for small) are bit-exact.

Deterministic: rerunning gives byte-identical files.
    /usr/bin/python3 tests/gen/gen_const_bits.py
"""
import os

import numpy as np
import onnx
from onnx import helper, numpy_helper

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "testdata", "const_bits")

SPECIAL32 = [0x00000000, 0x80000000, 0x7f800000, 0xff800000, 0x00000001, 0x807fffff, 0x7f7fffff, 0x3f800000,
             0x22223f3f, 0x5c5c2222, 0x30303030, 0x0a0d0900]
SPECIAL16 = [0x0000, 0x8000, 0x7c00, 0xfc00, 0x0001, 0x3c00, 0x3f3f, 0x5c22]


def bits(rng, dtype, n):
    """n values of dtype: the special patterns first, then uniformly random bits."""
    u = {1: np.uint8, 2: np.uint16, 4: np.uint32, 8: np.uint64}[np.dtype(dtype).itemsize]
    raw = rng.integers(0, np.iinfo(u).max, size=n, dtype=u, endpoint=True)
    if np.dtype(dtype).itemsize == 4:
        k = min(n, len(SPECIAL32))
        raw[:k] = SPECIAL32[:k]
    elif np.dtype(dtype).itemsize == 2:
        k = min(n, len(SPECIAL16))
        raw[:k] = SPECIAL16[:k]
    elif np.dtype(dtype).itemsize == 8:
        raw[:3] = [0x7ff0000000000001, 0x8000000000000000, 0xffffffffffffffff][:n]
    a = raw.view(dtype)
    if np.dtype(dtype).kind == "f":
        a[np.isnan(a)] = -0.0
    return a


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(20261207)
    inits, nodes, outs = [], [], []
    k = 0
    for dtype in ["float32", "float64", "float16", "int64", "int32", "int16", "int8",
                  "uint8", "uint16", "uint32", "uint64"]:
        for n in (7, 1000):
            a = bits(rng, dtype, n).reshape(n)
            name = "C_%s_%d" % (dtype, n)
            inits.append(numpy_helper.from_array(a, name))
            nodes.append(helper.make_node("Identity", [name], ["Y%d" % k]))
            outs.append(helper.make_tensor_value_info(
                "Y%d" % k, onnx.mapping.NP_TYPE_TO_TENSOR_TYPE[a.dtype], [n]))
            np.save(os.path.join(OUT, "expected_%d.npy" % k), a)
            k += 1
    g = helper.make_graph(nodes, "const_bits", [], outs, inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
    m.ir_version = 7
    m.producer_name = "tests/gen/gen_const_bits.py"
    onnx.save(m, os.path.join(OUT, "model.onnx"))


if __name__ == "__main__":
    main()
