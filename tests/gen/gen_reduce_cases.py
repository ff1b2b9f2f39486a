#!/usr/bin/python3
"""Test vectors for the reductions and normalisations (ops/reduce.c, argmax.c, cumsum.c,
norm.c) beyond ONNX's node tests: integer types, constant axes inputs, opset 18 forms,
noop_with_empty_axes, zero-size reductions, keepdims=0 with the time-free axes, LayerNorm's
optional outputs, LpNormalization, and models rnnc must refuse.

    testdata/glue/red_<case>/{model.onnx,test_data_set_0/{input,output}_<i>.pb}
    testdata/glue_bad/red_<case>/{model.onnx,expect}

Expected outputs from NumPy (float64, rounded to the output type). Deterministic (seeded).
Usage: /usr/bin/python3 tests/gen/gen_reduce_cases.py [--out testdata]
"""

import argparse
import os
import shutil
import zlib

import numpy as np
import onnx
from onnx import helper, numpy_helper

DT = {np.float32: 1, np.uint8: 2, np.int8: 3, np.int32: 6, np.int64: 7, np.float64: 11}


def vi(name, arr):
    return helper.make_tensor_value_info(name, DT[arr.dtype.type], list(arr.shape))


def write(out, name, op, attrs, inputs, outputs, opset, inits=(), bad=None):
    """inputs: [(name, array)] graph inputs; inits: [(name, array)] initializers;
    outputs: [(name, expected array)]."""
    node_in = [n for n, _ in inputs] + [n for n, _ in inits]
    order = attrs.pop("_order", None)
    if order is not None:
        node_in = order
    node = helper.make_node(op, node_in, [n for n, _ in outputs], **attrs)
    g = helper.make_graph([node], name, [vi(n, a) for n, a in inputs],
                          [vi(n, a) for n, a in outputs],
                          [numpy_helper.from_array(a, n) for n, a in inits])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)])
    m.ir_version = 8
    d = os.path.join(out, "glue_bad" if bad else "glue", "red_" + name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    onnx.save(m, os.path.join(d, "model.onnx"))
    if bad:
        with open(os.path.join(d, "expect"), "w") as f:
            f.write(bad + "\n")
        return
    os.makedirs(os.path.join(d, "test_data_set_0"))
    for i, (n, a) in enumerate(inputs):
        onnx.save_tensor(numpy_helper.from_array(a, n),
                         os.path.join(d, "test_data_set_0", "input_%d.pb" % i))
    for i, (n, a) in enumerate(outputs):
        onnx.save_tensor(numpy_helper.from_array(a, n),
                         os.path.join(d, "test_data_set_0", "output_%d.pb" % i))


def write_empty(out, name, op, attrs, x, y, bad=None, opset=13):
    """x [2, 3] -> Slice(axis 1, 0:0) -> [2, 0] -> op -> y."""
    sl = helper.make_node("Slice", ["x", "st", "en", "ax"], ["e"])
    node = helper.make_node(op, ["e"], ["y"], **attrs)
    inits = [numpy_helper.from_array(np.array([v], np.int64), n)
             for n, v in (("st", 0), ("en", 0), ("ax", 1))]
    g = helper.make_graph([sl, node], name, [vi("x", x)], [vi("y", y)], inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)])
    m.ir_version = 8
    d = os.path.join(out, "glue_bad" if bad else "glue", "red_" + name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(os.path.join(d, "test_data_set_0"))
    onnx.save(m, os.path.join(d, "model.onnx"))
    if bad:
        shutil.rmtree(os.path.join(d, "test_data_set_0"))
        with open(os.path.join(d, "expect"), "w") as f:
            f.write(bad + "\n")
        return
    onnx.save_tensor(numpy_helper.from_array(x, "x"), os.path.join(d, "test_data_set_0",
                                                                    "input_0.pb"))
    onnx.save_tensor(numpy_helper.from_array(y, "y"), os.path.join(d, "test_data_set_0",
                                                                    "output_0.pb"))


def rng(name):
    return np.random.RandomState(zlib.crc32(name.encode()))


def data(name, shape, dtype):
    r = rng(name)
    if dtype in (np.float32, np.float64):
        return r.uniform(-2, 2, shape).astype(dtype)
    lo, hi = (0, 20) if dtype == np.uint8 else (-20, 20)
    return r.randint(lo, hi, shape).astype(dtype)


def ref_reduce(op, x, axes, keep):
    ax = tuple(axes) if axes is not None else None
    xd = x.astype(np.float64) if x.dtype.kind == "f" else x.astype(np.int64)
    f = {
        "ReduceSum": lambda: np.sum(xd, axis=ax, keepdims=keep),
        "ReduceMean": lambda: np.mean(xd, axis=ax, keepdims=keep),
        "ReduceMax": lambda: np.max(xd, axis=ax, keepdims=keep),
        "ReduceMin": lambda: np.min(xd, axis=ax, keepdims=keep),
        "ReduceProd": lambda: np.prod(xd, axis=ax, keepdims=keep),
        "ReduceL1": lambda: np.sum(np.abs(xd), axis=ax, keepdims=keep),
        "ReduceL2": lambda: np.sqrt(np.sum(xd * xd, axis=ax, keepdims=keep)),
        "ReduceLogSum": lambda: np.log(np.sum(xd, axis=ax, keepdims=keep)),
        "ReduceLogSumExp": lambda: np.log(np.sum(np.exp(xd), axis=ax, keepdims=keep)),
        "ReduceSumSquare": lambda: np.sum(xd * xd, axis=ax, keepdims=keep),
    }[op]
    y = np.asarray(f())
    if x.dtype.kind != "f" and op == "ReduceMean":
        y = np.trunc(np.sum(xd, axis=ax, keepdims=keep) / (x.size // max(y.size, 1)))
    return y.astype(x.dtype)


def reduce_case(out, name, op, shape, dtype, axes, keep, opset=13, form="attr"):
    x = data(name, shape, dtype)
    if op == "ReduceLogSum":
        x = np.abs(x) + np.asarray(0.5, dtype)
    y = ref_reduce(op, x, axes, keep)
    attrs = {"keepdims": keep}
    inits = []
    if axes is not None and form == "attr":
        attrs["axes"] = list(axes)
    elif axes is not None:
        inits = [("axes", np.array(axes, np.int64))]
    write(out, name, op, attrs, [("x", x)], [("y", y)], opset, inits)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="testdata")
    out = ap.parse_args().out
    f32, f64, i32, i64 = np.float32, np.float64, np.int32, np.int64

    # PyTorch's y.mean(dim=1) and LayerNorm chains (mean over the last axis, keepdims=1)
    reduce_case(out, "mean_dim1_nokeep", "ReduceMean", (2, 5, 4), f32, [1], 0)
    reduce_case(out, "mean_last_keep", "ReduceMean", (3, 4, 16), f32, [-1], 1)
    reduce_case(out, "mean_02_keep", "ReduceMean", (3, 4, 5), f32, [0, 2], 1)
    reduce_case(out, "sum_axes_const_op13", "ReduceSum", (2, 3, 4), f32, [0, 2], 0, 13, "in")
    reduce_case(out, "sum_axes_attr_op11", "ReduceSum", (2, 3, 4), f32, [1], 1, 11)
    reduce_case(out, "max_axes_input_op18", "ReduceMax", (2, 3, 4), f32, [-2], 0, 18, "in")
    reduce_case(out, "l2_axes_input_op18", "ReduceL2", (2, 3, 4), f64, [2], 1, 18, "in")
    reduce_case(out, "all_nokeep", "ReduceSum", (2, 3), f32, None, 0, 13, "in")
    for op in ["ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1",
               "ReduceSumSquare"]:
        for dt in (i32, i64):
            reduce_case(out, "%s_%s" % (op[6:].lower(), dt.__name__), op, (3, 4, 2), dt, [1],
                        0, 13, "in" if op == "ReduceSum" else "attr")
    for dt in (np.uint8, np.int8):
        reduce_case(out, "max_%s" % dt.__name__, "ReduceMax", (3, 5), dt, [1], 1)
        reduce_case(out, "min_%s" % dt.__name__, "ReduceMin", (3, 5), dt, [0], 0)
    reduce_case(out, "lse_f32", "ReduceLogSumExp", (3, 7), f32, [1], 0)
    reduce_case(out, "logsum_f64", "ReduceLogSum", (3, 7), f64, [0], 1)

    # noop_with_empty_axes: a copy
    x = data("sum_noop", (2, 3), f32)
    write(out, "sum_noop", "ReduceSum", {"keepdims": 1, "noop_with_empty_axes": 1},
          [("x", x)], [("y", x)], 13)

    # zero-size reductions give the identity (the empty tensor is a Slice of the input:
    # graph inputs have no zero-size dimensions)
    # (-inf for Max, LogSumExp and +inf for Min are emitted too, but `rnnc check` compares
    # inf with inf as inf - inf = NaN, so they are not cases here)
    ident = {"ReduceSum": 0, "ReduceProd": 1, "ReduceL2": 0, "ReduceMean": np.nan}
    for op, v in ident.items():
        x = data("empty", (2, 3), np.float32)
        write_empty(out, "empty_" + op[6:].lower(), op, {"axes": [1], "keepdims": 0}, x,
                    np.full((2,), v, np.float32), opset=11 if op == "ReduceSum" else 13)

    # ArgMax / ArgMin
    x = data("argmax_i32", (3, 4, 5), i32)
    write(out, "argmax_i32", "ArgMax", {"axis": 1, "keepdims": 0}, [("x", x)],
          [("y", np.argmax(x, 1).astype(i64))], 13)
    last = lambda a, ax: a.shape[ax] - 1 - np.argmin(np.flip(a, ax), ax)
    write(out, "argmin_i64_last", "ArgMin", {"axis": -1, "keepdims": 1, "select_last_index": 1},
          [("x", x.astype(i64))], [("y", np.expand_dims(last(x, 2), 2).astype(i64))], 13)
    x = data("argmax_f64", (4, 6), f64)
    write(out, "argmax_f64", "ArgMax", {}, [("x", x)],
          [("y", np.argmax(x, 0)[None].astype(i64))], 11)

    # CumSum
    for dt in (f32, i32, i64, f64):
        x = data("cumsum_" + dt.__name__, (2, 4, 3), dt)
        c = np.cumsum(np.flip(x, 1), 1)
        c = np.flip(c - np.flip(x, 1), 1).astype(dt)  # reverse, exclusive
        write(out, "cumsum_rev_excl_" + dt.__name__, "CumSum", {"exclusive": 1, "reverse": 1},
              [("x", x)], [("y", c)], 14, [("axis", np.array(1, np.int32))])
    x = data("cumsum_plain", (3, 5), f32)
    write(out, "cumsum_axis_m1", "CumSum", {}, [("x", x)], [("y", np.cumsum(x, -1))], 11,
          [("axis", np.array([-1], np.int64))])

    # LayerNormalization: Mean and InvStdDev outputs, scalar Scale, no B, double
    x = data("ln_x", (2, 3, 4), f32)
    s = data("ln_s", (3, 4), f32)
    b = data("ln_b", (3, 4), f32)
    m = x.astype(f64).mean(axis=(1, 2), keepdims=True)
    inv = 1 / np.sqrt(((x - m) ** 2).mean(axis=(1, 2), keepdims=True) + 1e-3)
    write(out, "layernorm_axis1_stats", "LayerNormalization", {"axis": 1, "epsilon": 1e-3},
          [("x", x)], [("y", ((x - m) * inv * s + b).astype(f32)), ("mean", m.astype(f32)),
                       ("invstd", inv.astype(f32))], 17, [("s", s), ("b", b)])
    x = data("ln_x64", (5, 6), f64)
    m = x.mean(-1, keepdims=True)
    inv = 1 / np.sqrt(((x - m) ** 2).mean(-1, keepdims=True) + 1e-5)
    write(out, "layernorm_f64_noB", "LayerNormalization", {}, [("x", x)],
          [("y", (x - m) * inv * 1.5)], 17, [("s", np.array([1.5], f64))])

    # InstanceNormalization at opset 7, LpNormalization, MeanVarianceNormalization
    x = data("in_x", (2, 3, 4, 5), f32)
    s, b = data("in_s", (3,), f32), data("in_b", (3,), f32)
    m = x.astype(f64).mean(axis=(2, 3), keepdims=True)
    v = ((x - m) ** 2).mean(axis=(2, 3), keepdims=True)
    y = s[None, :, None, None] * (x - m) / np.sqrt(v + 1e-5) + b[None, :, None, None]
    write(out, "instancenorm_op7", "InstanceNormalization", {}, [("x", x)],
          [("y", y.astype(f32))], 7, [("s", s), ("b", b)])
    x = data("lp_x", (3, 4, 2), f32)
    for p in (1, 2):
        nrm = np.sum(np.abs(x.astype(f64)) ** p, axis=1, keepdims=True) ** (1.0 / p)
        write(out, "lpnorm_p%d" % p, "LpNormalization", {"axis": 1, "p": p}, [("x", x)],
              [("y", (x / nrm).astype(f32))], 13)
    x = data("mvn_x", (2, 3, 4), f32)
    m = x.astype(f64).mean(axis=(0, 2), keepdims=True)
    sd = np.sqrt(((x - m) ** 2).mean(axis=(0, 2), keepdims=True))
    write(out, "mvn_axes02", "MeanVarianceNormalization", {"axes": [0, 2]}, [("x", x)],
          [("y", ((x - m) / (sd + 1e-9)).astype(f32))], 13)

    # refused
    x = data("bad", (2, 3), f32)
    write(out, "sum_axes_twice", "ReduceSum", {"keepdims": 1}, [("x", x)], [("y", x)], 13,
          [("axes", np.array([1, -1], np.int64))], bad="'ReduceSum'.*axis 1 is given twice")
    write(out, "l2_int32", "ReduceL2", {"axes": [1]}, [("x", x.astype(np.int32))],
          [("y", x.astype(np.int32))], 13, bad="'ReduceL2'.*int32 is not supported")
    write_empty(out, "argmax_empty_axis", "ArgMax", {"axis": 1}, x, np.zeros((2, 1), i64),
                bad="'ArgMax'.*size 0")
    write(out, "layernorm_stash", "LayerNormalization", {"stash_type": 11}, [("x", x)],
          [("y", x)], 17, [("s", np.ones(3, f32))], bad="'LayerNormalization'.*stash_type")
    write(out, "reduce_axes_attr_op18", "ReduceMean", {"axes": [1]}, [("x", x)], [("y", x)],
          18, bad="'ReduceMean'.*axes")


if __name__ == "__main__":
    main()
