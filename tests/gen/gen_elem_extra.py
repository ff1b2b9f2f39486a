#!/usr/bin/python3
"""Single-node tests of the elementwise unary ops beyond ONNX 1.12's node tests.

onnx 1.12 has no Gelu (opset 20) or Mish (opset 18) generators, its node tests use
float only (no double or integer Abs/Neg/Sign/Relu/Clip), give Clip's bounds as graph
inputs, and some are written at opsets below rnnc's minimum.  This script writes
models in the layout of ONNX's node tests,

    testdata/onnx-node-extra/test_<case>/model.onnx
    testdata/onnx-node-extra/test_<case>/test_data_set_0/{input,output}_<i>.pb

with expected outputs from the operator specs' formulas in NumPy (float64, rounded to
the element type at the end; integers exactly, wrapping as two's complement).
tests/onnx_node.cmake runs each as ctest node_extra_<case>.  Deterministic: data from
RandomState(crc32(case name)).

It also writes models rnnc must refuse, testdata/onnx-node-extra-bad/<case>/{model.onnx,
expect} (expect: the regex the error line must match), run as node_extra_bad_<case>.

Usage: /usr/bin/python3 tests/gen/gen_elem_extra.py [--out testdata/onnx-node-extra]
           [--bad testdata/onnx-node-extra-bad]
"""

import argparse
import math
import os
import shutil
import zlib

import numpy as np
from onnx import TensorProto, helper, numpy_helper


F32, F64 = np.float32, np.float64
DT = {np.float32: TensorProto.FLOAT, np.float64: TensorProto.DOUBLE, np.int8: TensorProto.INT8,
      np.int16: TensorProto.INT16, np.int32: TensorProto.INT32, np.int64: TensorProto.INT64,
      np.uint8: TensorProto.UINT8, np.uint16: TensorProto.UINT16, np.uint32: TensorProto.UINT32,
      np.uint64: TensorProto.UINT64, np.bool_: TensorProto.BOOL}

erf = np.vectorize(math.erf)


def softplus(x):
    return np.where(x > 30, x, np.log1p(np.exp(np.minimum(x, 30))))


def gelu(x, approximate):
    if approximate == "tanh":
        return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))
    return 0.5 * x * (1 + erf(x / math.sqrt(2)))


def rand_float(rng, dtype, shape, lo=-4.0, hi=4.0):
    x = rng.uniform(lo, hi, size=shape).astype(dtype)
    return x


def int_edge(dtype, rng, n=12):
    """Values of an integer type including both ends of its range."""
    info = np.iinfo(dtype)
    mid = rng.randint(max(info.min, -100), min(info.max, 100) + 1, size=n - 3)
    return np.array([int(info.min), int(info.max), 0] + [int(v) for v in mid], dtype=dtype)


def write_case(out, name, opset, op, inputs, outputs, attrs=None, node_inputs=None,
               initializers=()):
    """inputs/outputs: lists of (name, array); node_inputs: the node's input names when
    they differ from the graph inputs (initializers, empty names)."""
    d = os.path.join(out, "test_" + name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(os.path.join(d, "test_data_set_0"))
    node = helper.make_node(op, node_inputs if node_inputs is not None else [n for n, _ in inputs],
                            [n for n, _ in outputs], **(attrs or {}))
    vi = lambda n, a: helper.make_tensor_value_info(n, DT[a.dtype.type], list(a.shape))
    graph = helper.make_graph([node], name, [vi(n, a) for n, a in inputs],
                              [vi(n, a) for n, a in outputs],
                              initializer=[numpy_helper.from_array(a, n) for n, a in initializers])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)],
                              producer_name="gen_elem_extra")
    model.ir_version = 8
    with open(os.path.join(d, "model.onnx"), "wb") as f:
        f.write(model.SerializeToString())
    for kind, arrs in (("input", inputs), ("output", outputs)):
        for i, (n, a) in enumerate(arrs):
            with open(os.path.join(d, "test_data_set_0", "%s_%d.pb" % (kind, i)), "wb") as f:
                f.write(numpy_helper.from_array(a, n).SerializeToString())


def unary(out, name, opset, op, x, y, **attrs):
    write_case(out, name, opset, op, [("x", x)], [("y", y)], attrs)


def wrap(a, dtype):
    """Integer results computed in int64/uint64 wrapped to dtype."""
    return np.asarray(a).astype(dtype)


def gen(out):
    def rng_for(name):
        return np.random.RandomState(zlib.crc32(name.encode()))

    # Gelu, opset 20: both approximations, float and double
    for dtype, tag in ((F32, "float"), (F64, "double")):
        for approx in ("none", "tanh"):
            name = "gelu_%s_%s" % (approx, tag)
            x = rand_float(rng_for(name), dtype, (3, 4, 5))
            attrs = {} if approx == "none" and dtype == F32 else {"approximate": approx}
            unary(out, name, 20, "Gelu", x, gelu(x.astype(F64), approx).astype(dtype), **attrs)
    # Mish, opset 18
    for dtype, tag in ((F32, "float"), (F64, "double")):
        name = "mish_" + tag
        x = rand_float(rng_for(name), dtype, (3, 4, 5), -30, 40)
        unary(out, name, 18, "Mish", x, (x.astype(F64) * np.tanh(softplus(x.astype(F64)))).astype(dtype))

    # double versions of the float math and activations
    math_ops = {
        "Sigmoid": lambda x: 1 / (1 + np.exp(-x)), "Tanh": np.tanh,
        "Relu": lambda x: np.maximum(x, 0), "Exp": np.exp, "Sqrt": np.sqrt, "Log": np.log,
        "Abs": np.abs, "Neg": np.negative, "Sign": np.sign, "Round": np.round, "Erf": erf,
        "Floor": np.floor, "Ceil": np.ceil, "Reciprocal": lambda x: 1 / x,
        "Sin": np.sin, "Cos": np.cos, "Tan": np.tan, "Atan": np.arctan, "Sinh": np.sinh,
        "Cosh": np.cosh, "Asinh": np.arcsinh,
    }
    for op, fn in math_ops.items():
        name = op.lower() + "_double"
        lo = 0.1 if op in ("Sqrt", "Log") else -4.0
        x = rand_float(rng_for(name), F64, (2, 3, 4), lo, 4.0)
        if op == "Round":
            x = np.array([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 0.49, -0.51, 3.7, -3.2], F64)
        unary(out, name, 13, op, x, fn(x))
    for op, fn, lo, hi in (("Asin", np.arcsin, -1, 1), ("Acos", np.arccos, -1, 1),
                           ("Acosh", np.arccosh, 1, 5), ("Atanh", np.arctanh, -0.9, 0.9)):
        name = op.lower() + "_double"
        x = rand_float(rng_for(name), F64, (2, 3, 4), lo, hi)
        unary(out, name, 13, op, x, fn(x))
    # the activation tests ONNX writes at opsets below rnnc's minimum, at opset 13 instead
    acts = [
        ("elu", "Elu", {"alpha": 2.0}, lambda x: np.where(x < 0, 2.0 * (np.exp(x) - 1), x)),
        ("elu_default", "Elu", {}, lambda x: np.where(x < 0, np.exp(x) - 1, x)),
        ("selu", "Selu", {"alpha": 2.0, "gamma": 3.0},
         lambda x: np.where(x > 0, 3.0 * x, 3.0 * (2.0 * np.exp(x) - 2.0))),
        ("selu_default", "Selu", {},
         lambda x: np.where(x > 0, 1.0507009873554804934193349852946 * x,
                            1.0507009873554804934193349852946 * 1.6732632423543772848170429916717
                            * (np.exp(x) - 1))),
        ("hardsigmoid", "HardSigmoid", {"alpha": 0.5, "beta": 0.6},
         lambda x: np.clip(0.5 * x + 0.6, 0, 1)),
        ("hardsigmoid_default", "HardSigmoid", {}, lambda x: np.clip(0.2 * x + 0.5, 0, 1)),
        ("softplus", "Softplus", {}, softplus),
        ("softsign", "Softsign", {}, lambda x: x / (1 + np.abs(x))),
        ("leakyrelu", "LeakyRelu", {"alpha": 0.1}, lambda x: np.where(x < 0, 0.1 * x, x)),
        ("thresholdedrelu", "ThresholdedRelu", {"alpha": 2.0}, lambda x: np.where(x > 2.0, x, 0)),
        ("celu", "Celu", {"alpha": 2.0},
         lambda x: np.maximum(0, x) + np.minimum(0, 2.0 * (np.exp(x / 2.0) - 1))),
        ("hardswish", "HardSwish", {}, lambda x: x * np.clip(x / 6 + 0.5, 0, 1)),
        ("shrink", "Shrink", {"bias": 1.5, "lambd": 1.0},
         lambda x: np.where(x < -1.0, x + 1.5, np.where(x > 1.0, x - 1.5, 0))),
    ]
    for tag, op, attrs, fn in acts:
        for dtype, dt in ((F32, "float"), (F64, "double")):
            name = "%s_%s_op13" % (tag, dt)
            x = rand_float(rng_for(name), dtype, (3, 4, 5), -5, 5)
            if op == "Softplus":
                x = np.concatenate([x.ravel(), np.array([-100, 100, 0], dtype)])
            opset = max(13, {"HardSwish": 14}.get(op, 13))
            unary(out, name, opset, op, x, fn(x.astype(F64)).astype(dtype), **attrs)

    # integer Abs, Neg, Sign, Relu: both ends of each range (Abs/Neg(INT_MIN) wraps)
    signed = (np.int8, np.int16, np.int32, np.int64)
    unsigned = (np.uint8, np.uint16, np.uint32, np.uint64)
    for dtype in signed + unsigned:
        tn = np.dtype(dtype).name
        x = int_edge(dtype, rng_for("int_" + tn))
        wide = x.astype(np.int64) if dtype in signed else x.astype(np.uint64)
        unary(out, "abs_" + tn, 13, "Abs", x, np.abs(x))
        unary(out, "sign_" + tn, 13, "Sign", x, np.sign(wide).astype(dtype))
        if dtype in signed:
            unary(out, "neg_" + tn, 13, "Neg", x, np.negative(x))
            unary(out, "relu_" + tn, 14, "Relu", x, np.maximum(x, 0).astype(dtype))

    # predicates
    xf = np.array([-np.inf, -1.5, 0.0, np.nan, 2.0, np.inf, -np.nan], F32)
    for dtype, dt in ((F32, "float"), (F64, "double")):
        x = xf.astype(dtype)
        unary(out, "isnan_" + dt, 13, "IsNaN", x, np.isnan(x))
        unary(out, "isinf_" + dt, 10, "IsInf", x, np.isinf(x))
        unary(out, "isinf_none_" + dt, 10, "IsInf", x, np.zeros(x.shape, bool),
              detect_negative=0, detect_positive=0)
        unary(out, "isinf_negative_" + dt, 10, "IsInf", x, np.isneginf(x), detect_positive=0)
    xb = rng_for("not").randint(0, 2, size=(3, 4)).astype(bool)
    unary(out, "not_op13", 13, "Not", xb, np.logical_not(xb))

    # Clip: opset 7 attributes, opset 11/13 constant inputs, empty names, integer types
    x = rand_float(rng_for("clip"), F32, (3, 4, 5), -5, 5)
    unary(out, "clip_attr_op7", 7, "Clip", x, np.clip(x, -1.5, 2.0), min=-1.5, max=2.0)
    unary(out, "clip_attr_min_op7", 7, "Clip", x, np.maximum(x, -1.5), min=-1.5)
    unary(out, "clip_none_op11", 11, "Clip", x, x)
    for dtype in (F32, F64, np.int8, np.int32, np.int64, np.uint8, np.uint64):
        tn = np.dtype(dtype).name
        if dtype in (F32, F64):
            xv = rand_float(rng_for("clip_" + tn), dtype, (4, 5), -5, 5)
            lo, hi = np.array(-1.25, dtype), np.array(3.5, dtype)
        else:
            xv = int_edge(dtype, rng_for("clip_" + tn), 20)
            info = np.iinfo(dtype)
            lo = np.array(info.min + 1 if dtype != np.uint8 else 3, dtype)
            hi = np.array(info.max - 7, dtype)
        opset = 13 if dtype not in (F32, F64) else 11
        write_case(out, "clip_const_" + tn, opset, "Clip", [("x", xv)],
                   [("y", np.clip(xv, lo, hi).astype(dtype))], node_inputs=["x", "lo", "hi"],
                   initializers=[("lo", lo), ("hi", hi)])
        write_case(out, "clip_const_max_only_" + tn, opset, "Clip", [("x", xv)],
                   [("y", np.minimum(xv, hi).astype(dtype))], node_inputs=["x", "", "hi"],
                   initializers=[("hi", hi)])
    # lo > hi: every element becomes hi
    write_case(out, "clip_crossed", 13, "Clip", [("x", x)],
               [("y", np.full(x.shape, -1.0, F32))], node_inputs=["x", "lo", "hi"],
               initializers=[("lo", np.array(1.0, F32)), ("hi", np.array(-1.0, F32))])
    # integer bound at the end of the type's range (no comparison emitted)
    xv = int_edge(np.int8, rng_for("clip_int8_full"), 20)
    write_case(out, "clip_const_int8_full_range", 13, "Clip", [("x", xv)], [("y", xv)],
               node_inputs=["x", "lo", "hi"],
               initializers=[("lo", np.array(-128, np.int8)), ("hi", np.array(127, np.int8))])


def write_bad(out, name, opset, nodes, inputs, outputs, expect, initializers=()):
    """A model rnnc must refuse; `expect` is the regex its error line must match.
    inputs/outputs: (name, numpy dtype or TensorProto code, shape)."""
    d = os.path.join(out, name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    vi = lambda n, t, sh: helper.make_tensor_value_info(n, t if isinstance(t, int) else DT[t], sh)
    graph = helper.make_graph(nodes, name, [vi(*i) for i in inputs], [vi(*o) for o in outputs],
                              initializer=[numpy_helper.from_array(a, n) for n, a in initializers])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)],
                              producer_name="gen_elem_extra")
    model.ir_version = 8
    with open(os.path.join(d, "model.onnx"), "wb") as f:
        f.write(model.SerializeToString())
    with open(os.path.join(d, "expect"), "w") as f:
        f.write(expect + "\n")


def gen_bad(out):
    def one(name, opset, op, expect, dtype=F32, odtype=None, n_in=None, inits=(), **attrs):
        ins = n_in if n_in is not None else ["x"]
        write_bad(out, name, opset, [helper.make_node(op, ins, ["y"], **attrs)],
                  [("x", dtype, [2, 3])], [("y", odtype or dtype, [2, 3])], expect, inits)

    one("isinf_detect_2", 10, "IsInf", "detect_negative and detect_positive must be 0 or 1",
        odtype=np.bool_, detect_negative=2)
    one("gelu_approximate_erf", 20, "Gelu", 'approximate.*must be "none" or "tanh", got "erf"',
        approximate="erf")
    one("gelu_op18", 18, "Gelu", "Gelu is defined from opset 20")
    one("erf_op8", 8, "Erf", "Erf is defined from opset 9")
    one("isinf_op9", 9, "IsInf", "IsInf is defined from opset 10", odtype=np.bool_)
    one("mish_op17", 17, "Mish", "Mish is defined from opset 18")
    one("celu_alpha_zero", 13, "Celu", "alpha.*must be nonzero", alpha=0.0)
    one("elu_alpha_inf", 13, "Elu", "alpha.*must be finite", alpha=float("inf"))
    one("leakyrelu_unknown_attribute", 16, "LeakyRelu", "beta", beta=1.0)
    one("relu_int32_op13", 13, "Relu", "element type int32 is not supported", dtype=np.int32)
    one("neg_uint8", 13, "Neg", "element type uint8 is not supported", dtype=np.uint8)
    one("sqrt_int32", 13, "Sqrt", "element type int32 is not supported", dtype=np.int32)
    one("softplus_float16", 13, "Softplus", "element type float16 is not supported",
        dtype=TensorProto.FLOAT16)
    one("shrink_int32", 13, "Shrink", "element type int32 is not supported", dtype=np.int32)
    one("not_float", 13, "Not", "element type float is not supported [(]bool[)]",
        odtype=np.bool_)
    one("isnan_int32", 13, "IsNaN", "element type int32 is not supported", dtype=np.int32,
        odtype=np.bool_)
    one("clip_int32_op11", 11, "Clip", "element type int32 is not supported", dtype=np.int32)
    one("clip_bound_not_scalar", 13, "Clip", "'lo' must be a scalar, got 2 values",
        n_in=["x", "lo"], inits=[("lo", np.array([0, 1], F32))])
    one("clip_bound_dtype", 13, "Clip", "'lo' must have the input's type float, got double",
        n_in=["x", "lo"], inits=[("lo", np.array(0, F64))])
    one("clip_bound_nan", 13, "Clip", "'hi' is NaN", n_in=["x", "", "hi"],
        inits=[("hi", np.array(np.nan, F32))])
    one("clip_attr_nan_op7", 7, "Clip", "max.*is NaN", max=float("nan"))
    one("clip_inputs_op7", 7, "Clip", "takes 1 input, got 2", n_in=["x", "lo"],
        inits=[("lo", np.array(0, F32))])
    # a bound computed at run time
    write_bad(out, "clip_bound_at_run_time", 13,
              [helper.make_node("Abs", ["b"], ["lo"]), helper.make_node("Clip", ["x", "lo"], ["y"])],
              [("x", F32, [2, 3]), ("b", F32, [])], [("y", F32, [2, 3])],
              "'lo' must be known at compile time.*computed at run time")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "..",
                                                  "testdata", "onnx-node-extra"))
    ap.add_argument("--bad", default=os.path.join(os.path.dirname(__file__), "..", "..",
                                                  "testdata", "onnx-node-extra-bad"))
    args = ap.parse_args()
    gen(args.out)
    gen_bad(args.bad)


if __name__ == "__main__":
    main()
