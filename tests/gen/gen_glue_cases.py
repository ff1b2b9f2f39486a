#!/usr/bin/python3
"""Generate test vectors for the "glue" operators around RNN/LSTM/GRU nodes.

torch.onnx.export surrounds recurrent nodes with Transpose, Squeeze,
Unsqueeze, Reshape, Slice, Gather, Concat, Shape, ConstantOfShape, Gemm,
MatMul, Softmax, ...  This script writes small single-op (or tiny multi-op)
models for them, with expected outputs from the straightforward NumPy
implementation of the ONNX operator specs below (independent of rnnc and of
ONNX Runtime; onnx.reference does not exist in onnx 1.12):

    testdata/glue/<case>/model.onnx
    testdata/glue/<case>/test_data_set_0/input_<i>.pb   (graph inputs, in order)
    testdata/glue/<case>/test_data_set_0/output_<i>.pb  (graph outputs, in order)
    testdata/glue/README.md
    testdata/glue_bad/<case>/model.onnx   models rnnc must reject
    testdata/glue_bad/<case>/expect       regex the error message must match

Every good model has at least one runtime graph input, so the op is computed
at run time; the fold_* cases (and a few others) feed an op from initializers
and Constant nodes only, so that constant folding is exercised too.  Every
good model passes onnx.checker (full check) and ONNX shape inference, and
the inferred output shapes must agree with the reference's.

Deterministic: each case draws its data from a RandomState seeded with
crc32(case name), so re-running reproduces identical bytes.

Usage:
    /usr/bin/python3 tests/gen/gen_glue_cases.py [--out testdata] [--sidecar /tmp/gluecheck]
    NODE_PATH=/tmp/ortnode/node_modules node tests/gen/ort_check.js /tmp/gluecheck
--sidecar DIR additionally writes DIR/<case>.json (inputs, expected outputs,
tolerances; for glue_bad cases "expect_error") for tests/gen/ort_check.js.
"""

import argparse
import json
import os
import shutil
import sys
import zlib

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

ORT_VERSION = "1.30.0"  # onnxruntime-node version used for the cross-check
ATOL, RTOL = 1e-6, 1e-5  # tolerances for the ORT cross-check

INT64_MAX = np.iinfo(np.int64).max
INT64_MIN = np.iinfo(np.int64).min
F32, I64 = np.float32, np.int64


# ---------------------------------------------------------------------------
# NumPy reference: the ONNX operator specs, written out directly.
# Each function takes (opset, attrs, *inputs) and returns a list of outputs.
# Arithmetic is done in float64 and rounded to float32 at the end.
# ---------------------------------------------------------------------------

class SpecError(Exception):
    pass


def need(cond, msg):
    if not cond:
        raise SpecError(msg)


def prod(xs):
    p = 1
    for v in xs:
        p *= int(v)
    return p


def norm_axis(a, r, what="axis"):
    """Axis a in [-r, r-1] -> [0, r-1]."""
    need(-r <= a < r, "%s %d out of range for rank %d" % (what, a, r))
    return a + r if a < 0 else a


def bcast_shape(a, b):
    """Multidirectional (numpy-style) broadcast of two shapes."""
    r = max(len(a), len(b))
    a = [1] * (r - len(a)) + list(a)
    b = [1] * (r - len(b)) + list(b)
    out = []
    for x, y in zip(a, b):
        need(x == y or x == 1 or y == 1, "shapes not broadcastable")
        out.append(y if x == 1 else x)
    return out


def f32(x):
    return np.asarray(x, dtype=np.float64).astype(F32)


def ref_transpose(opset, at, x):
    perm = at.get("perm", list(range(x.ndim))[::-1])
    need(sorted(perm) == list(range(x.ndim)), "perm is not a permutation")
    out_shape = [x.shape[p] for p in perm]
    y = np.empty(out_shape, dtype=x.dtype)
    for idx in np.ndindex(*out_shape):
        src = [0] * x.ndim
        for k, p in enumerate(perm):
            src[p] = idx[k]
        y[idx] = x[tuple(src)]
    return [y]


def ref_squeeze(opset, at, x, axes=None):
    if opset >= 13:
        need("axes" not in at, "axes is an input at opset 13")
    else:
        need(axes is None, "axes is an attribute before opset 13")
        axes = at.get("axes")
    if axes is None:
        axes = [i for i, d in enumerate(x.shape) if d == 1]
    axes = [norm_axis(int(a), x.ndim) for a in np.asarray(axes).ravel()]
    need(len(set(axes)) == len(axes), "duplicate axes")
    need(all(x.shape[a] == 1 for a in axes), "squeezed dim is not 1")
    return [x.reshape([d for i, d in enumerate(x.shape) if i not in axes])]


def ref_unsqueeze(opset, at, x, axes=None):
    if opset >= 13:
        need("axes" not in at, "axes is an input at opset 13")
    else:
        need(axes is None, "axes is an attribute before opset 13")
        axes = at["axes"]
    axes = [int(a) for a in np.asarray(axes).ravel()]
    r = x.ndim + len(axes)
    axes = [norm_axis(a, r) for a in axes]  # relative to the OUTPUT rank
    need(len(set(axes)) == len(axes), "duplicate axes")
    src = iter(x.shape)
    return [x.reshape([1 if i in axes else next(src) for i in range(r)])]


def ref_reshape(opset, at, x, shape):
    allowzero = at.get("allowzero", 0)
    out = []
    for i, s in enumerate(int(v) for v in shape):
        out.append(x.shape[i] if (s == 0 and not allowzero) else s)
    need(out.count(-1) <= 1, "more than one -1")
    if -1 in out:
        known = prod(d for d in out if d != -1)
        need(known and x.size % known == 0, "cannot infer -1")
        out[out.index(-1)] = x.size // known
    need(prod(out) == x.size, "element count changes")
    return [x.reshape(out)]


def ref_flatten(opset, at, x):
    axis = at.get("axis", 1)
    r = x.ndim
    need(-r <= axis <= r, "axis out of range")
    if axis < 0:
        need(opset >= 11, "negative axis needs opset 11")
        axis += r
    return [x.reshape(prod(x.shape[:axis]), prod(x.shape[axis:]))]


def ref_concat(opset, at, *xs):
    r = xs[0].ndim
    need(all(x.ndim == r for x in xs), "rank mismatch")
    axis = at["axis"]
    if axis < 0:
        need(opset >= 11, "negative axis needs opset 11")
    axis = norm_axis(axis, r)
    for x in xs:
        need(all(x.shape[d] == xs[0].shape[d] for d in range(r) if d != axis), "dim mismatch")
    return [np.concatenate(xs, axis=axis)]


def ref_slice(opset, at, x, starts=None, ends=None, axes=None, steps=None):
    if opset < 10:
        need(starts is None, "starts/ends/axes are attributes before opset 10")
        starts, ends, axes = at["starts"], at["ends"], at.get("axes")
    else:
        need(not at and starts is not None and ends is not None, "starts/ends are inputs from opset 10")
    starts = [int(v) for v in starts]
    ends = [int(v) for v in ends]
    axes = list(range(len(starts))) if axes is None else [int(v) for v in axes]
    steps = [1] * len(starts) if steps is None else [int(v) for v in steps]
    need(len(starts) == len(ends) == len(axes) == len(steps), "length mismatch")
    sel = [list(range(d)) for d in x.shape]
    seen = set()
    for st, en, ax, sp in zip(starts, ends, axes, steps):
        ax = norm_axis(ax, x.ndim)
        need(ax not in seen, "repeated axis")
        seen.add(ax)
        need(sp != 0, "step 0")
        d = x.shape[ax]
        if st < 0:
            st += d
        if en < 0:
            en += d
        if sp > 0:
            st = min(max(st, 0), d)
            en = min(max(en, 0), d)
        else:
            st = min(max(st, 0), d - 1)
            en = min(max(en, -1), d - 1)
        idx = []
        i = st
        while (sp > 0 and i < en) or (sp < 0 and i > en):
            idx.append(i)
            i += sp
        sel[ax] = idx
    need(all(sel), "empty result (not used in these tests)")
    return [x[np.ix_(*sel)]]


def ref_gather(opset, at, data, indices):
    axis = at.get("axis", 0)
    if axis < 0:
        need(opset >= 11, "negative axis needs opset 11")
    axis = norm_axis(axis, data.ndim)
    d = data.shape[axis]
    idx = np.asarray(indices, dtype=np.int64)
    need(((idx >= -d) & (idx < d)).all(), "index out of range")
    if (idx < 0).any():
        need(opset >= 11, "negative indices need opset 11")
    idx = np.where(idx < 0, idx + d, idx)
    # out[i_0..i_{axis-1}, j..., k...] = data[i_0.., idx[j...], k...]
    out_shape = list(data.shape[:axis]) + list(idx.shape) + list(data.shape[axis + 1:])
    y = np.empty(out_shape, dtype=data.dtype)
    q = idx.ndim
    for o in np.ndindex(*out_shape):
        pre, mid, post = o[:axis], o[axis:axis + q], o[axis + q:]
        y[o] = data[pre + (int(idx[mid]),) + post]
    return [y]


def ref_expand(opset, at, x, shape):
    out = bcast_shape(x.shape, [int(v) for v in shape])
    return [np.broadcast_to(x, out).copy()]


def ref_constantofshape(opset, at, shape):
    v = at.get("value")
    val = numpy_helper.to_array(v) if v is not None else np.zeros([1], dtype=F32)
    need(val.size == 1, "value must have one element")
    return [np.full([int(s) for s in shape], val.ravel()[0], dtype=val.dtype)]


def ref_constant(opset, at):
    need(len(at) == 1, "Constant needs exactly one value attribute")
    (k, v), = at.items()
    if k == "value":
        return [numpy_helper.to_array(v)]
    need(opset >= 12, "value_* forms need opset 12")
    return [{"value_float": lambda: np.array(v, dtype=F32),
             "value_floats": lambda: np.array(v, dtype=F32),
             "value_int": lambda: np.array(v, dtype=I64),
             "value_ints": lambda: np.array(v, dtype=I64)}[k]()]


def ref_shape(opset, at, x):
    r = x.ndim
    start, end = at.get("start", 0), at.get("end", r)
    if "start" in at or "end" in at:
        need(opset >= 15, "start/end need opset 15")
    if start < 0:
        start += r
    if end < 0:
        end += r
    start, end = min(max(start, 0), r), min(max(end, 0), r)
    return [np.array(x.shape[start:end], dtype=I64)]


def ref_cast(opset, at, x):
    to = at["to"]
    if to == TensorProto.FLOAT:
        return [x.astype(np.float64).astype(F32)]
    if to == TensorProto.INT64:
        # float -> integer: truncation toward zero (C conversion; values in range)
        return [np.trunc(x.astype(np.float64)).astype(I64)]
    raise SpecError("cast target %d not used here" % to)


def ref_matmul(opset, at, a, b):
    # numpy.matmul semantics: 1-D operands promoted and the added dim removed,
    # batch dims broadcast
    if a.ndim >= 2 and b.ndim >= 2:
        need(a.shape[-1] == b.shape[-2], "inner dims")
    return [f32(np.matmul(a.astype(np.float64), b.astype(np.float64)))]


def ref_gemm(opset, at, a, b, c=None):
    alpha, beta = at.get("alpha", 1.0), at.get("beta", 1.0)
    ta, tb = at.get("transA", 0), at.get("transB", 0)
    need(ta in (0, 1) and tb in (0, 1), "transA/transB must be 0 or 1")
    need(a.ndim == 2 and b.ndim == 2, "A and B must be 2-D")
    a2 = a.T if ta else a
    b2 = b.T if tb else b
    need(a2.shape[1] == b2.shape[0], "K mismatch")
    y = np.float64(F32(alpha)) * (a2.astype(np.float64) @ b2.astype(np.float64))
    if c is None:
        need(opset >= 11, "C is optional from opset 11")
    else:
        # unidirectional broadcast of C to [M, N]
        need(bcast_shape(c.shape, y.shape) == list(y.shape), "C not broadcastable to [M,N]")
        y = y + np.float64(F32(beta)) * c.astype(np.float64)
    return [f32(y)]


def _binary(fn):
    def ref(opset, at, a, b):
        shape = bcast_shape(a.shape, b.shape)
        aa = np.broadcast_to(a.astype(np.float64), shape)
        bb = np.broadcast_to(b.astype(np.float64), shape)
        return [f32(fn(aa, bb))]
    return ref


def _softmax(log):
    def ref(opset, at, x):
        r = x.ndim
        if opset < 13:
            # coerce to 2-D [prod(dims[:axis]), prod(dims[axis:])], normalise rows
            axis = norm_axis(at.get("axis", 1), r)
            x2 = x.astype(np.float64).reshape(prod(x.shape[:axis]), -1)
            ax = 1
        else:
            axis = norm_axis(at.get("axis", -1), r)
            x2 = x.astype(np.float64)
            ax = axis
        m = x2.max(axis=ax, keepdims=True)
        e = np.exp(x2 - m)
        s = e.sum(axis=ax, keepdims=True)
        y = (x2 - m - np.log(s)) if log else e / s
        return [f32(y.reshape(x.shape))]
    return ref


def sigmoid64(x):
    with np.errstate(over="ignore"):  # exp(3e38) = inf -> 0, as it should
        return 1.0 / (1.0 + np.exp(-x.astype(np.float64)))


def ref_dropout(opset, at, x, ratio=None, training_mode=None):
    if opset >= 12:
        need(not at.keys() - {"seed"}, "ratio is an input from opset 12")
    else:
        need(ratio is None and training_mode is None, "ratio is an attribute before opset 12")
    if training_mode is not None:
        need(not bool(training_mode), "training_mode must be false")
    return [x.copy()]  # inference: identity (ratio is irrelevant)


OPS = {
    "Transpose": ref_transpose,
    "Squeeze": ref_squeeze,
    "Unsqueeze": ref_unsqueeze,
    "Reshape": ref_reshape,
    "Flatten": ref_flatten,
    "Concat": ref_concat,
    "Slice": ref_slice,
    "Gather": ref_gather,
    "Expand": ref_expand,
    "ConstantOfShape": ref_constantofshape,
    "Constant": ref_constant,
    "Shape": ref_shape,
    "Cast": ref_cast,
    "MatMul": ref_matmul,
    "Gemm": ref_gemm,
    "Add": _binary(lambda a, b: a + b),
    "Sub": _binary(lambda a, b: a - b),
    "Mul": _binary(lambda a, b: a * b),
    "Div": _binary(lambda a, b: a / b),
    "Softmax": _softmax(False),
    "LogSoftmax": _softmax(True),
    "Sigmoid": lambda o, at, x: [f32(sigmoid64(x))],
    "Tanh": lambda o, at, x: [f32(np.tanh(x.astype(np.float64)))],
    "Relu": lambda o, at, x: [np.maximum(x, F32(0))],
    "Dropout": ref_dropout,
    "Identity": lambda o, at, x: [x.copy()],
}

# attributes each op has (at the opsets used here); anything else is a bug in a case
ATTRS = {
    "Transpose": {"perm"}, "Squeeze": {"axes"}, "Unsqueeze": {"axes"}, "Reshape": {"allowzero"},
    "Flatten": {"axis"}, "Concat": {"axis"}, "Slice": {"starts", "ends", "axes"},
    "Gather": {"axis"}, "Expand": set(), "ConstantOfShape": {"value"},
    "Constant": {"value", "value_float", "value_floats", "value_int", "value_ints"},
    "Shape": {"start", "end"}, "Cast": {"to"}, "MatMul": set(),
    "Gemm": {"alpha", "beta", "transA", "transB"}, "Add": set(), "Sub": set(), "Mul": set(),
    "Div": set(), "Softmax": {"axis"}, "LogSoftmax": {"axis"}, "Sigmoid": set(), "Tanh": set(),
    "Relu": set(), "Dropout": {"ratio", "seed"}, "Identity": set(),
}


def run_reference(graph_nodes, opset, values):
    """Evaluates the nodes in order with the NumPy reference."""
    vals = dict(values)
    for n in graph_nodes:
        at = {a.name: helper.get_attribute_value(a) for a in n.attribute}
        need(set(at) <= ATTRS[n.op_type], "%s: unexpected attributes %s" % (n.op_type, sorted(at)))
        ins = [vals[i] if i else None for i in n.input]
        outs = OPS[n.op_type](opset, at, *ins)
        for name, v in zip(n.output, outs):
            if name:
                vals[name] = v
    return vals


# ---------------------------------------------------------------------------
# case construction
# ---------------------------------------------------------------------------

def tensor_type(a):
    return {np.dtype(F32): TensorProto.FLOAT, np.dtype(I64): TensorProto.INT64,
            np.dtype(np.bool_): TensorProto.BOOL}[a.dtype]


class Builder:
    def __init__(self, name, opset):
        self.name, self.opset = name, opset
        self.rng = np.random.RandomState(zlib.crc32(name.encode()) & 0x7FFFFFFF)
        self.nodes, self.inputs, self.inits, self.outputs = [], [], [], []
        self.extra_opsets = []

    def u(self, *shape, scale=1.0):
        return self.rng.uniform(-scale, scale, size=shape).astype(F32)

    def input(self, name, arr):
        arr = np.asarray(arr)
        self.inputs.append((name, arr))
        return name

    def init(self, name, arr):
        self.inits.append((name, np.asarray(arr)))
        return name

    def node(self, op, ins, outs, domain=None, **attrs):
        outs = [outs] if isinstance(outs, str) else outs
        nm = "%s_%d" % (op.lower(), len(self.nodes))
        self.nodes.append(helper.make_node(op, ins, outs, name=nm, domain=domain, **attrs))
        return outs[0]

    def const(self, out, **attr):
        """A Constant node; attr is value=TensorProto or value_float= etc."""
        return self.node("Constant", [], out, **attr)

    def out(self, *names):
        self.outputs.extend(names)


def tensor(name, arr):
    return numpy_helper.from_array(np.asarray(arr), name)


GOOD, BAD = [], []


def case(name, opset, desc):
    def deco(fn):
        GOOD.append((name, opset, desc, fn))
        return fn
    return deco


def bad(name, opset, desc, expect, ort=None, culprit=-1, ort_at_run=False):
    """expect: regex rnnc's error must match; ort: None if ONNX Runtime also
    rejects the model, else why it accepts it (ort_at_run: ORT only rejects
    it when run, its load-time checks miss it); culprit: index of the node
    rnnc must reject (renamed 'bad')."""
    if ort_at_run:
        ort = False
    def deco(fn):
        BAD.append((name, opset, desc, expect, ort, culprit, fn))
        return fn
    return deco


# ---------------------------------------------------------------- Transpose
@case("transpose_perm_op13", 13, "perm=[2,0,1] on [2,3,4]")
def _(b):
    b.input("X", b.u(2, 3, 4))
    b.node("Transpose", ["X"], "Y", perm=[2, 0, 1])
    b.out("Y")


@case("transpose_default_reverse_op13", 13, "no perm: reverses the dims, [2,3,4] -> [4,3,2]")
def _(b):
    b.input("X", b.u(2, 3, 4))
    b.node("Transpose", ["X"], "Y")
    b.out("Y")


@case("transpose_batch_first_op9", 9, "perm=[1,0,2] (batch_first X [B,T,I] -> [T,B,I]), opset 9")
def _(b):
    b.input("X", b.u(2, 3, 4))
    b.node("Transpose", ["X"], "Y", perm=[1, 0, 2])
    b.out("Y")


@case("transpose_reshape_bidir_y_op14", 14,
      "Y [T,D,B,H] -Transpose [0,2,1,3]-> Reshape [0,0,-1] -> [T,B,D*H] (torch bidirectional output)")
def _(b):
    b.input("Y", b.u(3, 2, 2, 3))
    b.init("shape", np.array([0, 0, -1], dtype=I64))
    b.node("Transpose", ["Y"], "T", perm=[0, 2, 1, 3])
    b.node("Reshape", ["T", "shape"], "Z")
    b.out("Z")


# ---------------------------------------------------------------- Squeeze / Unsqueeze
@case("squeeze_axes_attr_op11", 11, "axes attribute [1] on [3,1,2]")
def _(b):
    b.input("X", b.u(3, 1, 2))
    b.node("Squeeze", ["X"], "Y", axes=[1])
    b.out("Y")


@case("squeeze_neg_axes_attr_op11", 11, "axes attribute [-1,1] (negative, unsorted) on [3,1,2,1]")
def _(b):
    b.input("X", b.u(3, 1, 2, 1))
    b.node("Squeeze", ["X"], "Y", axes=[-1, 1])
    b.out("Y")


@case("squeeze_axes_input_op13", 13, "axes as initializer input [0,-2] on [1,3,1,2]")
def _(b):
    b.input("X", b.u(1, 3, 1, 2))
    b.init("axes", np.array([0, -2], dtype=I64))
    b.node("Squeeze", ["X", "axes"], "Y")
    b.out("Y")


@case("squeeze_no_axes_op13", 13, "no axes: removes every 1-dim, [1,3,1,2,1] -> [3,2]")
def _(b):
    b.input("X", b.u(1, 3, 1, 2, 1))
    b.node("Squeeze", ["X"], "Y")
    b.out("Y")


@case("squeeze_no_axes_op11", 11, "no axes attribute at opset 11: [2,1,3] -> [2,3]")
def _(b):
    b.input("X", b.u(2, 1, 3))
    b.node("Squeeze", ["X"], "Y")
    b.out("Y")


@case("unsqueeze_axes_attr_op11", 11, "axes attribute [0] on [2,3] -> [1,2,3]")
def _(b):
    b.input("X", b.u(2, 3))
    b.node("Unsqueeze", ["X"], "Y", axes=[0])
    b.out("Y")


@case("unsqueeze_neg_axes_attr_op11", 11,
      "axes attribute [-1,0]: negative axes count in the OUTPUT rank, [2,3] -> [1,2,3,1]")
def _(b):
    b.input("X", b.u(2, 3))
    b.node("Unsqueeze", ["X"], "Y", axes=[-1, 0])
    b.out("Y")


@case("unsqueeze_axes_input_op13", 13, "axes from a Constant node [3,1] (unsorted) on [2,3] -> [2,1,3,1]")
def _(b):
    b.input("X", b.u(2, 3))
    b.const("axes", value=tensor("axes_v", np.array([3, 1], dtype=I64)))
    b.node("Unsqueeze", ["X", "axes"], "Y")
    b.out("Y")


@case("unsqueeze_neg_axes_input_op13", 13, "axes initializer [-2] on [2,3,4] -> [2,3,1,4]")
def _(b):
    b.input("X", b.u(2, 3, 4))
    b.init("axes", np.array([-2], dtype=I64))
    b.node("Unsqueeze", ["X", "axes"], "Y")
    b.out("Y")


# ---------------------------------------------------------------- Reshape
@case("reshape_zero_copies_dim_op13", 13, "shape [0,-1]: 0 copies input dim 0, -1 inferred; [2,3,4] -> [2,12]")
def _(b):
    b.input("X", b.u(2, 3, 4))
    b.init("shape", np.array([0, -1], dtype=I64))
    b.node("Reshape", ["X", "shape"], "Y")
    b.out("Y")


@case("reshape_infer_middle_op13", 13, "shape [-1,2,0]: -1 first, 0 copies input dim 2 (=4); [2,3,4] -> [3,2,4]")
def _(b):
    # [2,3,4] with [-1, 2, 0] -> 0 copies dim 2 (=4), -1 = 24/(2*4) = 3 -> [3,2,4]
    b.input("X", b.u(2, 3, 4))
    b.init("shape", np.array([-1, 2, 0], dtype=I64))
    b.node("Reshape", ["X", "shape"], "Y")
    b.out("Y")


@case("reshape_allowzero0_op14", 14,
      "opset 14, allowzero=0 given explicitly: shape [0,4,-1] on [2,3,4] -> [2,4,3]")
def _(b):
    b.input("X", b.u(2, 3, 4))
    b.init("shape", np.array([0, 4, -1], dtype=I64))
    b.node("Reshape", ["X", "shape"], "Y", allowzero=0)
    b.out("Y")


@case("reshape_to_1d_op9", 9, "shape [-1] at opset 9 (Reshape-5): [2,3] -> [6]")
def _(b):
    b.input("X", b.u(2, 3))
    b.init("shape", np.array([-1], dtype=I64))
    b.node("Reshape", ["X", "shape"], "Y")
    b.out("Y")


# ---------------------------------------------------------------- Flatten
@case("flatten_default_axis_op13", 13, "no axis (default 1): [2,3,4] -> [2,12]")
def _(b):
    b.input("X", b.u(2, 3, 4))
    b.node("Flatten", ["X"], "Y")
    b.out("Y")


@case("flatten_axis0_op13", 13, "axis=0: [2,3,4] -> [1,24]")
def _(b):
    b.input("X", b.u(2, 3, 4))
    b.node("Flatten", ["X"], "Y", axis=0)
    b.out("Y")


@case("flatten_axis_neg1_op13", 13, "axis=-1: [2,3,4] -> [6,4]")
def _(b):
    b.input("X", b.u(2, 3, 4))
    b.node("Flatten", ["X"], "Y", axis=-1)
    b.out("Y")


@case("flatten_axis_rank_op11", 11, "axis=rank (3): [2,3,2] -> [12,1]")
def _(b):
    b.input("X", b.u(2, 3, 2))
    b.node("Flatten", ["X"], "Y", axis=3)
    b.out("Y")


# ---------------------------------------------------------------- Concat
@case("concat_neg_axis_3inputs_op13", 13, "3 inputs [2,1,3],[2,2,3],[2,3,3] (one initializer), axis=-2")
def _(b):
    b.input("A", b.u(2, 1, 3))
    b.init("B", b.u(2, 2, 3))
    b.input("C", b.u(2, 3, 3))
    b.node("Concat", ["A", "B", "C"], "Y", axis=-2)
    b.out("Y")


@case("concat_axis0_op11", 11, "axis=0, two [1,2,3] inputs (bidirectional h0 pattern)")
def _(b):
    b.input("A", b.u(1, 2, 3))
    b.input("B", b.u(1, 2, 3))
    b.node("Concat", ["A", "B"], "Y", axis=0)
    b.out("Y")


@case("concat_last_axis_op13", 13, "axis=2 (last), [2,2,3] ++ [2,2,1]")
def _(b):
    b.input("A", b.u(2, 2, 3))
    b.input("B", b.u(2, 2, 1))
    b.node("Concat", ["A", "B"], "Y", axis=2)
    b.out("Y")


# ---------------------------------------------------------------- Slice
@case("slice_attr_op9", 9, "opset 9 attribute form: starts [1,1] ends [3,1000] axes [0,1] (end clamped)")
def _(b):
    b.input("X", b.u(3, 6))
    b.node("Slice", ["X"], "Y", starts=[1, 1], ends=[3, 1000], axes=[0, 1])
    b.out("Y")


@case("slice_attr_noaxes_neg_op9", 9,
      "opset 9 attributes, axes omitted, negative starts/ends: starts [0,-4] ends [-1,100]")
def _(b):
    b.input("X", b.u(3, 6))
    b.node("Slice", ["X"], "Y", starts=[0, -4], ends=[-1, 100])
    b.out("Y")


@case("slice_neg_starts_ends_op13", 13, "inputs: starts [-4] ends [-1] axes [1] on [3,6]")
def _(b):
    b.input("X", b.u(3, 6))
    b.init("starts", np.array([-4], dtype=I64))
    b.init("ends", np.array([-1], dtype=I64))
    b.init("axes", np.array([1], dtype=I64))
    b.node("Slice", ["X", "starts", "ends", "axes"], "Y")
    b.out("Y")


@case("slice_end_int64max_op13", 13, "ends INT64_MAX (torch x[1:]): starts [1] ends [INT64_MAX] axes [0]")
def _(b):
    b.input("X", b.u(4, 3))
    b.init("starts", np.array([1], dtype=I64))
    b.init("ends", np.array([INT64_MAX], dtype=I64))
    b.init("axes", np.array([0], dtype=I64))
    b.node("Slice", ["X", "starts", "ends", "axes"], "Y")
    b.out("Y")


@case("slice_steps2_op13", 13, "steps [2,2] on two axes: starts [0,1] ends [3,6] of [3,6] -> rows 0,2 cols 1,3,5")
def _(b):
    b.input("X", b.u(3, 6))
    b.init("starts", np.array([0, 1], dtype=I64))
    b.init("ends", np.array([3, 6], dtype=I64))
    b.init("axes", np.array([0, 1], dtype=I64))
    b.init("steps", np.array([2, 2], dtype=I64))
    b.node("Slice", ["X", "starts", "ends", "axes", "steps"], "Y")
    b.out("Y")


@case("slice_neg_step_reverse_op13", 13,
      "step -1, starts [-1] ends [INT64_MIN] axes [1]: full reversal (torch.flip)")
def _(b):
    b.input("X", b.u(2, 5))
    b.init("starts", np.array([-1], dtype=I64))
    b.init("ends", np.array([INT64_MIN], dtype=I64))
    b.init("axes", np.array([1], dtype=I64))
    b.init("steps", np.array([-1], dtype=I64))
    b.node("Slice", ["X", "starts", "ends", "axes", "steps"], "Y")
    b.out("Y")


@case("slice_neg_step2_clamp_op11", 11,
      "step -2, starts [10] (clamped to dim-1) ends [0] (exclusive) on dim 6 -> 5,3,1")
def _(b):
    b.input("X", b.u(6, 2))
    b.init("starts", np.array([10], dtype=I64))
    b.init("ends", np.array([0], dtype=I64))
    b.init("axes", np.array([0], dtype=I64))
    b.init("steps", np.array([-2], dtype=I64))
    b.node("Slice", ["X", "starts", "ends", "axes", "steps"], "Y")
    b.out("Y")


@case("slice_omitted_axes_op10", 10,
      "opset 10 inputs, axes omitted (-> [0,1]): starts [0,1] ends [1,3] on [2,3,4]")
def _(b):
    b.input("X", b.u(2, 3, 4))
    b.init("starts", np.array([0, 1], dtype=I64))
    b.init("ends", np.array([1, 3], dtype=I64))
    b.node("Slice", ["X", "starts", "ends"], "Y")
    b.out("Y")


@case("slice_empty_axes_name_steps_op13", 13,
      "axes skipped with '' but steps given: inputs [X,starts,ends,'',steps], step 3")
def _(b):
    b.input("X", b.u(7, 2))
    b.init("starts", np.array([0], dtype=I64))
    b.init("ends", np.array([7], dtype=I64))
    b.init("steps", np.array([3], dtype=I64))
    b.node("Slice", ["X", "starts", "ends", "", "steps"], "Y")
    b.out("Y")


@case("slice_neg_axis_op13", 13, "axes [-1], starts [1] ends [-1] on [2,3,5] (Constant-node inputs)")
def _(b):
    b.input("X", b.u(2, 3, 5))
    b.const("starts", value=tensor("s", np.array([1], dtype=I64)))
    b.const("ends", value=tensor("e", np.array([-1], dtype=I64)))
    b.const("axes", value=tensor("a", np.array([-1], dtype=I64)))
    b.node("Slice", ["X", "starts", "ends", "axes"], "Y")
    b.out("Y")


# ---------------------------------------------------------------- Gather
@case("gather_axis0_op13", 13, "axis 0 (default), indices [2,0] initializer on [4,3]")
def _(b):
    b.input("X", b.u(4, 3))
    b.init("idx", np.array([2, 0], dtype=I64))
    b.node("Gather", ["X", "idx"], "Y")
    b.out("Y")


@case("gather_axis1_neg_indices_op13", 13, "axis 1, negative indices [-1,0,-3] on [2,4]")
def _(b):
    b.input("X", b.u(2, 4))
    b.init("idx", np.array([-1, 0, -3], dtype=I64))
    b.node("Gather", ["X", "idx"], "Y", axis=1)
    b.out("Y")


@case("gather_axis_neg1_op11", 11, "axis=-1 on [2,3,4], indices [3,1]")
def _(b):
    b.input("X", b.u(2, 3, 4))
    b.init("idx", np.array([3, 1], dtype=I64))
    b.node("Gather", ["X", "idx"], "Y", axis=-1)
    b.out("Y")


@case("gather_scalar_index_op13", 13, "scalar index -1 on axis 0 reduces rank: Y[-1] of [3,2,4] -> [2,4]")
def _(b):
    b.input("X", b.u(3, 2, 4))
    b.init("idx", np.array(-1, dtype=I64))
    b.node("Gather", ["X", "idx"], "Y", axis=0)
    b.out("Y")


@case("gather_embedding_op13", 13,
      "embedding: float [V=5,E=3] initializer, int64 runtime indices [B=2,T=3] -> [2,3,3]")
def _(b):
    b.init("emb", b.u(5, 3))
    b.input("tokens", np.array([[0, 4, 2], [1, 1, 3]], dtype=I64))
    b.node("Gather", ["emb", "tokens"], "Y")
    b.out("Y")


@case("gather_runtime_neg_indices_op13", 13, "int64 runtime indices with negative values [[-1,0],[2,-5]] on [5,2]")
def _(b):
    b.init("emb", b.u(5, 2))
    b.input("idx", np.array([[-1, 0], [2, -5]], dtype=I64))
    b.node("Gather", ["emb", "idx"], "Y")
    b.out("Y")


@case("gather_2d_indices_axis1_op11", 11, "2-D indices [[0,4],[-1,2]] on axis 1 of [2,5] -> [2,2,2]")
def _(b):
    b.input("X", b.u(2, 5))
    b.init("idx", np.array([[0, 4], [-1, 2]], dtype=I64))
    b.node("Gather", ["X", "idx"], "Y", axis=1)
    b.out("Y")


# ---------------------------------------------------------------- Expand
@case("expand_from_11h_op13", 13, "[1,1,4] -> shape [2,3,4]")
def _(b):
    b.input("X", b.u(1, 1, 4))
    b.init("shape", np.array([2, 3, 4], dtype=I64))
    b.node("Expand", ["X", "shape"], "Y")
    b.out("Y")


@case("expand_lower_rank_op13", 13, "[4] -> shape [2,3,1]: rank grows, shape's 1 keeps the input's 4 -> [2,3,4]")
def _(b):
    b.input("X", b.u(4))
    b.init("shape", np.array([2, 3, 1], dtype=I64))
    b.node("Expand", ["X", "shape"], "Y")
    b.out("Y")


@case("expand_shape_shorter_op13", 13, "[2,1,3] -> shape [4,1] (shape rank < input rank) -> [2,4,3]")
def _(b):
    b.input("X", b.u(2, 1, 3))
    b.init("shape", np.array([4, 1], dtype=I64))
    b.node("Expand", ["X", "shape"], "Y")
    b.out("Y")


@case("expand_shape_ones_op9", 9, "opset 9 (Expand-8): [2,3] -> shape [1,1] is a copy")
def _(b):
    b.input("X", b.u(2, 3))
    b.init("shape", np.array([1, 1], dtype=I64))
    b.node("Expand", ["X", "shape"], "Y")
    b.out("Y")


# ---------------------------------------------------------------- ConstantOfShape
@case("constantofshape_value_op13", 13, "value=float 0.5 tensor attr, shape initializer [2,3], added to runtime X")
def _(b):
    b.input("X", b.u(2, 3))
    b.init("shape", np.array([2, 3], dtype=I64))
    b.node("ConstantOfShape", ["shape"], "C", value=tensor("value", np.array([0.5], dtype=F32)))
    b.node("Add", ["X", "C"], "Y")
    b.out("Y")


@case("constantofshape_default_op9", 9, "no value attr: float32 zeros; opset 9; Sub from runtime X")
def _(b):
    b.input("X", b.u(3, 2))
    b.init("shape", np.array([3, 2], dtype=I64))
    b.node("ConstantOfShape", ["shape"], "C")
    b.node("Sub", ["C", "X"], "Y")
    b.out("Y")


# ---------------------------------------------------------------- Constant
@case("constant_value_tensor_op13", 13, "value=float tensor [2,3], Added to runtime X")
def _(b):
    b.input("X", b.u(2, 3))
    b.const("C", value=tensor("cv", b.u(2, 3)))
    b.node("Add", ["X", "C"], "Y")
    b.out("Y")


@case("constant_value_tensor_op9", 9, "opset 9 value tensor (scalar) Mul runtime X")
def _(b):
    b.input("X", b.u(2, 3))
    b.const("C", value=tensor("cv", np.array(1.5, dtype=F32)))
    b.node("Mul", ["X", "C"], "Y")
    b.out("Y")


@case("constant_value_float_op13", 13, "value_float=2.5 (a float scalar) Mul runtime X")
def _(b):
    b.input("X", b.u(2, 3))
    b.const("C", value_float=2.5)
    b.node("Mul", ["C", "X"], "Y")
    b.out("Y")


@case("constant_value_floats_op13", 13, "value_floats=[1,-2,0.25] (1-D float) Add runtime X [2,3]")
def _(b):
    b.input("X", b.u(2, 3))
    b.const("C", value_floats=[1.0, -2.0, 0.25])
    b.node("Add", ["X", "C"], "Y")
    b.out("Y")


@case("constant_value_ints_op13", 13, "value_ints=[3,-1] (1-D int64) as Reshape's shape: [2,3,2] -> [3,4]")
def _(b):
    b.input("X", b.u(2, 3, 2))
    b.const("S", value_ints=[3, -1])
    b.node("Reshape", ["X", "S"], "Y")
    b.out("Y")


@case("constant_value_int_op13", 13, "value_int=1 (int64 scalar) as Gather's index on axis 1: [2,3,2] -> [2,2]")
def _(b):
    b.input("X", b.u(2, 3, 2))
    b.const("I", value_int=1)
    b.node("Gather", ["X", "I"], "Y", axis=1)
    b.out("Y")


# ---------------------------------------------------------------- Shape
@case("shape_op13", 13, "Shape of a runtime float [2,3,4] -> int64 [2,3,4] (int64 graph output)")
def _(b):
    b.input("X", b.u(2, 3, 4))
    b.node("Shape", ["X"], "S")
    b.out("S")


@case("shape_start_end_op15", 15, "start=1 end=-1 on rank 4 -> dims 1..2")
def _(b):
    b.input("X", b.u(2, 3, 4, 1))
    b.node("Shape", ["X"], "S", start=1, end=-1)
    b.out("S")


@case("shape_start_neg_end_clamp_op15", 15, "start=-2, end=10 (clamped to rank) on [2,3,4] -> [3,4]")
def _(b):
    b.input("X", b.u(2, 3, 4))
    b.node("Shape", ["X"], "S", start=-2, end=10)
    b.out("S")


# ---------------------------------------------------------------- Cast
@case("cast_int64_to_float_op13", 13, "int64 runtime input -> float (incl. negative and 2^24+1 rounding)")
def _(b):
    b.input("X", np.array([[0, -3, 7], [123456, -98765, 16777217]], dtype=I64))
    b.node("Cast", ["X"], "Y", to=TensorProto.FLOAT)
    b.out("Y")


@case("cast_float_to_int64_op13", 13, "float runtime input -> int64: fractions truncate toward zero")
def _(b):
    b.input("X", np.array([[2.7, -2.7, 0.4, -0.4], [3.0, -1000.5, 123456.9, 0.0]], dtype=F32))
    b.node("Cast", ["X"], "Y", to=TensorProto.INT64)
    b.out("Y")


@case("cast_int64_roundtrip_op9", 9, "opset 9: int64 input -> float, Mul 0.5, -> int64 (sequence-length style)")
def _(b):
    b.input("L", np.array([3, 5, 1, 4], dtype=I64))
    b.init("half", np.array(0.5, dtype=F32))
    b.node("Cast", ["L"], "Lf", to=TensorProto.FLOAT)
    b.node("Mul", ["Lf", "half"], "H")
    b.node("Cast", ["H"], "Y", to=TensorProto.INT64)
    b.out("Y", "H")


# ---------------------------------------------------------------- MatMul
@case("matmul_2d_op13", 13, "[3,4] x [4,5] (B initializer)")
def _(b):
    b.input("A", b.u(3, 4))
    b.init("B", b.u(4, 5))
    b.node("MatMul", ["A", "B"], "Y")
    b.out("Y")


@case("matmul_3d_2d_op13", 13, "[2,3,4] x [4,5] (Linear on [T,B,H])")
def _(b):
    b.input("A", b.u(2, 3, 4))
    b.init("B", b.u(4, 5))
    b.node("MatMul", ["A", "B"], "Y")
    b.out("Y")


@case("matmul_batched_broadcast_op13", 13,
      "batched, both runtime: [1,3,4] x [2,4,2] -> [2,3,2] (batch dim broadcast)")
def _(b):
    b.input("A", b.u(1, 3, 4))
    b.input("B", b.u(2, 4, 2))
    b.node("MatMul", ["A", "B"], "Y")
    b.out("Y")


@case("matmul_batched_rank_broadcast_op9", 9,
      "opset 9, [2,1,2,3] x [3,3,2] -> [2,3,2,2] (rank and batch broadcast)")
def _(b):
    b.input("A", b.u(2, 1, 2, 3))
    b.input("B", b.u(3, 3, 2))
    b.node("MatMul", ["A", "B"], "Y")
    b.out("Y")


@case("matmul_1d_2d_op13", 13, "[4] x [4,5] -> [5] (1-D promoted, added dim removed)")
def _(b):
    b.input("A", b.u(4))
    b.init("B", b.u(4, 5))
    b.node("MatMul", ["A", "B"], "Y")
    b.out("Y")


@case("matmul_2d_1d_op13", 13, "[3,4] x [4] -> [3]")
def _(b):
    b.input("A", b.u(3, 4))
    b.init("B", b.u(4))
    b.node("MatMul", ["A", "B"], "Y")
    b.out("Y")


# ---------------------------------------------------------------- Gemm
@case("gemm_transb_c_n_op13", 13, "torch Linear: A [2,3], B [4,3] transB=1, C [4]")
def _(b):
    b.input("A", b.u(2, 3))
    b.init("B", b.u(4, 3))
    b.init("C", b.u(4))
    b.node("Gemm", ["A", "B", "C"], "Y", transB=1)
    b.out("Y")


@case("gemm_transa_alpha_beta_c_1n_op11", 11, "transA=1 A [3,2], B [3,4], C [1,4], alpha=0.5 beta=2")
def _(b):
    b.input("A", b.u(3, 2))
    b.init("B", b.u(3, 4))
    b.init("C", b.u(1, 4))
    b.node("Gemm", ["A", "B", "C"], "Y", transA=1, alpha=0.5, beta=2.0)
    b.out("Y")


@case("gemm_transab_c_mn_op13", 13, "transA=1 transB=1, A [3,2], B [4,3] both runtime, C [2,4] runtime")
def _(b):
    b.input("A", b.u(3, 2))
    b.input("B", b.u(4, 3))
    b.input("C", b.u(2, 4))
    b.node("Gemm", ["A", "B", "C"], "Y", transA=1, transB=1)
    b.out("Y")


@case("gemm_c_scalar_op13", 13, "C scalar (shape []), beta=-1")
def _(b):
    b.input("A", b.u(2, 3))
    b.init("B", b.u(3, 4))
    b.init("C", np.array(0.75, dtype=F32))
    b.node("Gemm", ["A", "B", "C"], "Y", beta=-1.0)
    b.out("Y")


@case("gemm_c_m1_op13", 13, "C [M,1] broadcast along N")
def _(b):
    b.input("A", b.u(2, 3))
    b.init("B", b.u(3, 4))
    b.init("C", b.u(2, 1))
    b.node("Gemm", ["A", "B", "C"], "Y")
    b.out("Y")


@case("gemm_no_c_op11", 11, "C absent (optional from opset 11), alpha=2, beta given (unused)")
def _(b):
    b.input("A", b.u(2, 3))
    b.init("B", b.u(4, 3))
    b.node("Gemm", ["A", "B"], "Y", transB=1, alpha=2.0, beta=3.0)
    b.out("Y")


@case("gemm_c_required_op9", 9, "opset 9 (Gemm-9, C required): C [1] broadcast to [M,N]")
def _(b):
    b.input("A", b.u(2, 3))
    b.init("B", b.u(3, 4))
    b.init("C", np.array([0.25], dtype=F32))
    b.node("Gemm", ["A", "B", "C"], "Y")
    b.out("Y")


# ---------------------------------------------------------------- Add/Sub/Mul/Div
@case("add_same_shape_op13", 13, "[2,3] + [2,3], both runtime")
def _(b):
    b.input("A", b.u(2, 3))
    b.input("B", b.u(2, 3))
    b.node("Add", ["A", "B"], "Y")
    b.out("Y")


@case("add_bias_3d_op9", 9, "opset 9 (Add-7): [2,3,4] + [4] bias initializer")
def _(b):
    b.input("A", b.u(2, 3, 4))
    b.init("B", b.u(4))
    b.node("Add", ["A", "B"], "Y")
    b.out("Y")


@case("sub_n_from_mn_op13", 13, "[2,3] - [3]")
def _(b):
    b.input("A", b.u(2, 3))
    b.init("B", b.u(3))
    b.node("Sub", ["A", "B"], "Y")
    b.out("Y")


@case("sub_lhs_broadcast_op14", 14, "opset 14: [3] - [2,3] (left operand broadcast)")
def _(b):
    b.init("A", b.u(3))
    b.input("B", b.u(2, 3))
    b.node("Sub", ["A", "B"], "Y")
    b.out("Y")


@case("mul_scalar_op13", 13, "[2,3] * scalar [] initializer")
def _(b):
    b.input("A", b.u(2, 3))
    b.init("B", np.array(-3.0, dtype=F32))
    b.node("Mul", ["A", "B"], "Y")
    b.out("Y")


@case("mul_m1_1n_op14", 14, "opset 14: [3,1] * [1,4] -> [3,4], both runtime")
def _(b):
    b.input("A", b.u(3, 1))
    b.input("B", b.u(1, 4))
    b.node("Mul", ["A", "B"], "Y")
    b.out("Y")


@case("div_m1_1n_op13", 13, "[3,1] / [1,4] -> [3,4], both runtime")
def _(b):
    b.input("A", b.u(3, 1))
    b.input("B", b.u(1, 4) + np.float32(2.0))
    b.node("Div", ["A", "B"], "Y")
    b.out("Y")


@case("div_scalar_lhs_op14", 14, "opset 14: scalar [] / [2,3] (scalar on the left)")
def _(b):
    b.init("A", np.array(1.0, dtype=F32))
    b.input("B", b.u(2, 3) + np.float32(2.0))
    b.node("Div", ["A", "B"], "Y")
    b.out("Y")


# ---------------------------------------------------------------- Softmax / LogSoftmax
@case("softmax_default_axis_op11", 11,
      "opset 11, no axis (default 1) on [2,3,4]: coerced to [2,12], normalised over 12")
def _(b):
    b.input("X", b.u(2, 3, 4, scale=2.0))
    b.node("Softmax", ["X"], "Y")
    b.out("Y")


@case("softmax_axis0_op11", 11, "opset 11, axis=0 on [2,3]: coerced to [1,6], one softmax over all elements")
def _(b):
    b.input("X", b.u(2, 3, scale=2.0))
    b.node("Softmax", ["X"], "Y", axis=0)
    b.out("Y")


@case("softmax_axis_neg1_op11", 11, "opset 11, axis=-1 on [2,3,4]: per last-dim row")
def _(b):
    b.input("X", b.u(2, 3, 4, scale=2.0))
    b.node("Softmax", ["X"], "Y", axis=-1)
    b.out("Y")


@case("softmax_default_axis_op13", 13, "opset 13, no axis (default -1) on [2,3,4]")
def _(b):
    b.input("X", b.u(2, 3, 4, scale=2.0))
    b.node("Softmax", ["X"], "Y")
    b.out("Y")


@case("softmax_axis0_op13", 13, "opset 13, axis=0 on [2,3,4]: along dim 0 only")
def _(b):
    b.input("X", b.u(2, 3, 4, scale=2.0))
    b.node("Softmax", ["X"], "Y", axis=0)
    b.out("Y")


@case("softmax_axis1_op13", 13, "opset 13, axis=1 on [2,3,4]: along dim 1 only (opset 11 would flatten 1..2)")
def _(b):
    b.input("X", b.u(2, 3, 4, scale=2.0))
    b.node("Softmax", ["X"], "Y", axis=1)
    b.out("Y")


@case("softmax_large_values_op13", 13, "inputs around +-1000: needs max subtraction (no inf/NaN)")
def _(b):
    b.input("X", np.array([[1000.0, 1001.0, 1002.0], [-1000.0, -1001.0, -1003.0]], dtype=F32))
    b.node("Softmax", ["X"], "Y")
    b.out("Y")


@case("logsoftmax_default_axis_op11", 11, "opset 11, no axis (default 1) on [2,3,4]: coerced to [2,12]")
def _(b):
    b.input("X", b.u(2, 3, 4, scale=2.0))
    b.node("LogSoftmax", ["X"], "Y")
    b.out("Y")


@case("logsoftmax_axis2_op11", 11, "opset 11, axis=2 on [2,3,4] (last dim)")
def _(b):
    b.input("X", b.u(2, 3, 4, scale=2.0))
    b.node("LogSoftmax", ["X"], "Y", axis=2)
    b.out("Y")


@case("logsoftmax_default_axis_op13", 13, "opset 13, no axis (default -1) on [2,3,4]")
def _(b):
    b.input("X", b.u(2, 3, 4, scale=2.0))
    b.node("LogSoftmax", ["X"], "Y")
    b.out("Y")


@case("logsoftmax_axis1_op13", 13, "opset 13, axis=1 on [2,3,4]: along dim 1 only")
def _(b):
    b.input("X", b.u(2, 3, 4, scale=2.0))
    b.node("LogSoftmax", ["X"], "Y", axis=1)
    b.out("Y")


@case("logsoftmax_large_values_op13", 13, "inputs spread over +-100: x - max - log(sum exp) (no -inf)")
def _(b):
    b.input("X", np.array([[100.0, 0.0, -100.0], [1000.0, 1000.0, 900.0]], dtype=F32))
    b.node("LogSoftmax", ["X"], "Y")
    b.out("Y")


# ---------------------------------------------------------------- Sigmoid / Tanh / Relu
EXTREMES = np.array([[-1e30, -100.0, -20.0, -5.0, -1.0, -0.25],
                     [0.0, 0.25, 1.0, 5.0, 20.0, 100.0],
                     [1e30, 3e38, -3e38, 0.5, -0.5, 10.0]], dtype=F32)


@case("sigmoid_op13", 13, "large +-values (saturation to 0/1, no NaN) and small ones")
def _(b):
    b.input("X", EXTREMES)
    b.node("Sigmoid", ["X"], "Y")
    b.out("Y")


@case("tanh_op13", 13, "large +-values (saturation to +-1, no NaN) and small ones")
def _(b):
    b.input("X", EXTREMES)
    b.node("Tanh", ["X"], "Y")
    b.out("Y")


@case("relu_op14", 14, "opset 14, large +-values pass through / clamp to 0")
def _(b):
    b.input("X", EXTREMES)
    b.node("Relu", ["X"], "Y")
    b.out("Y")


@case("relu_op9", 9, "opset 9 (Relu-6)")
def _(b):
    b.input("X", b.u(2, 3))
    b.node("Relu", ["X"], "Y")
    b.out("Y")


# ---------------------------------------------------------------- Dropout
@case("dropout_ratio_input_op12", 12, "opset 12, ratio input 0.3 (initializer): inference = identity")
def _(b):
    b.input("X", b.u(2, 3))
    b.init("ratio", np.array(0.3, dtype=F32))
    b.node("Dropout", ["X", "ratio"], "Y")
    b.out("Y")


@case("dropout_training_false_op13", 13, "opset 13, ratio and training_mode=false (Constant) inputs: identity")
def _(b):
    b.input("X", b.u(2, 3))
    b.init("ratio", np.array(0.5, dtype=F32))
    b.const("tm", value=tensor("tmv", np.array(False)))
    b.node("Dropout", ["X", "ratio", "tm"], "Y")
    b.out("Y")


@case("dropout_no_ratio_op13", 13, "opset 13, no ratio input: identity")
def _(b):
    b.input("X", b.u(3, 2))
    b.node("Dropout", ["X"], "Y")
    b.out("Y")


@case("dropout_ratio_attr_op10", 10, "opset 10, ratio attribute 0.2: identity")
def _(b):
    b.input("X", b.u(2, 3))
    b.node("Dropout", ["X"], "Y", ratio=0.2)
    b.out("Y")


# ---------------------------------------------------------------- Identity
@case("identity_op13", 13, "runtime passthrough")
def _(b):
    b.input("X", b.u(2, 3))
    b.node("Identity", ["X"], "Y")
    b.out("Y")


@case("identity_initializer_op14", 14, "opset 14, Identity of an initializer, then Add to runtime X")
def _(b):
    b.input("X", b.u(2, 3))
    b.init("W", b.u(2, 3))
    b.node("Identity", ["W"], "W2")
    b.node("Add", ["X", "W2"], "Y")
    b.out("Y")


# ---------------------------------------------------------------- constant folding chains
@case("fold_zero_h0_op13", 13,
      "torch h0: Shape(X)->Gather(1)->Unsqueeze(axes input)->Concat(Constant [1], b, Constant [5])->"
      "ConstantOfShape->Add to runtime H")
def _(b):
    b.input("X", b.u(3, 2, 4))
    b.input("H", b.u(1, 2, 5))
    b.node("Shape", ["X"], "s")
    b.const("i1", value=tensor("i1v", np.array(1, dtype=I64)))
    b.node("Gather", ["s", "i1"], "bt", axis=0)
    b.init("ax0", np.array([0], dtype=I64))
    b.node("Unsqueeze", ["bt", "ax0"], "bt1")
    b.const("one", value=tensor("onev", np.array([1], dtype=I64)))
    b.const("hid", value=tensor("hidv", np.array([5], dtype=I64)))
    b.node("Concat", ["one", "bt1", "hid"], "shp", axis=0)
    b.node("ConstantOfShape", ["shp"], "h0", value=tensor("zero", np.array([0.0], dtype=F32)))
    b.node("Add", ["h0", "H"], "Y")
    b.out("Y")


@case("fold_zero_h0_op11", 11,
      "opset 11 variant: Shape->Gather(scalar initializer)"
      "->Unsqueeze(axes attr)->Concat->ConstantOfShape(1.0)->Mul runtime")
def _(b):
    b.input("X", b.u(3, 2, 4))
    b.input("H", b.u(2, 2, 5))
    b.node("Shape", ["X"], "s")
    b.init("i1", np.array(1, dtype=I64))
    b.node("Gather", ["s", "i1"], "bt", axis=0)
    b.node("Unsqueeze", ["bt"], "bt1", axes=[0])
    b.init("two", np.array([2], dtype=I64))
    b.init("hid", np.array([5], dtype=I64))
    b.node("Concat", ["two", "bt1", "hid"], "shp", axis=0)
    b.node("ConstantOfShape", ["shp"], "h0", value=tensor("v", np.array([1.0], dtype=F32)))
    b.node("Mul", ["h0", "H"], "Y")
    b.out("Y")


@case("fold_reshape_from_shape_op13", 13,
      "Shape(X)->Slice[0:2]->Concat with Constant [-1]->Reshape runtime X [2,3,2,2] -> [2,3,4]")
def _(b):
    b.input("X", b.u(2, 3, 2, 2))
    b.node("Shape", ["X"], "s")
    b.init("st", np.array([0], dtype=I64))
    b.init("en", np.array([2], dtype=I64))
    b.node("Slice", ["s", "st", "en"], "s01")
    b.const("m1", value_ints=[-1])
    b.node("Concat", ["s01", "m1"], "shp", axis=0)
    b.node("Reshape", ["X", "shp"], "Y")
    b.out("Y")


@case("fold_transpose_weight_op13", 13,
      "initializer W [5,4] -> Transpose (folded) -> MatMul runtime X [2,4] -> Add bias -> Relu")
def _(b):
    b.input("X", b.u(2, 4))
    b.init("W", b.u(5, 4))
    b.init("bias", b.u(5))
    b.node("Transpose", ["W"], "Wt", perm=[1, 0])
    b.node("MatMul", ["X", "Wt"], "M")
    b.node("Add", ["M", "bias"], "A")
    b.node("Relu", ["A"], "Y")
    b.out("Y")


@case("fold_expand_unsqueeze_const_op13", 13,
      "initializer [4] -> Unsqueeze [0,1] -> Expand to Constant shape [2,3,4] -> Sub from runtime X")
def _(b):
    b.input("X", b.u(2, 3, 4))
    b.init("v", b.u(4))
    b.init("axes", np.array([0, 1], dtype=I64))
    b.node("Unsqueeze", ["v", "axes"], "v3")
    b.const("shp", value=tensor("shpv", np.array([2, 3, 4], dtype=I64)))
    b.node("Expand", ["v3", "shp"], "e")
    b.node("Sub", ["X", "e"], "Y")
    b.out("Y")


@case("fold_cast_shape_op13", 13, "Shape(X)->Gather(2)->Cast(float)->Div runtime X by the dim (4)")
def _(b):
    b.input("X", b.u(2, 3, 4))
    b.node("Shape", ["X"], "s")
    b.init("i", np.array(2, dtype=I64))
    b.node("Gather", ["s", "i"], "d")
    b.node("Cast", ["d"], "df", to=TensorProto.FLOAT)
    b.node("Div", ["X", "df"], "Y")
    b.out("Y")


@case("fold_const_math_op13", 13,
      "initializers through Gemm, Softmax(axis 0), Tanh, Sigmoid, Unsqueeze, Flatten(axis 2) (all folded), "
      "then Add to runtime X [1,4] (broadcast to [2,4])")
def _(b):
    b.input("X", b.u(1, 4))
    b.init("A", b.u(2, 3))
    b.init("B", b.u(4, 3))
    b.init("C", b.u(4))
    b.node("Gemm", ["A", "B", "C"], "g", transB=1)      # [2,4]
    b.node("Softmax", ["g"], "sm", axis=0)              # [2,4]
    b.node("Tanh", ["sm"], "t")
    b.node("Sigmoid", ["t"], "sg")
    b.init("ax", np.array([0], dtype=I64))
    b.node("Unsqueeze", ["sg", "ax"], "u")             # [1,2,4]
    b.node("Flatten", ["u"], "f", axis=2)              # [2,4]
    b.node("Add", ["X", "f"], "Y")                     # [1,4] + [2,4]
    b.out("Y")


@case("fold_gather_slice_concat_op13", 13,
      "initializer Gather(axis 1) + Slice(step -1) + Concat + Squeeze, folded, then MatMul with runtime X")
def _(b):
    b.input("X", b.u(2, 3))
    b.init("W", b.u(4, 5))
    b.init("gi", np.array([0, 2, 4], dtype=I64))
    b.node("Gather", ["W", "gi"], "wg", axis=1)         # [4,3]
    b.init("st", np.array([-1], dtype=I64))
    b.init("en", np.array([INT64_MIN], dtype=I64))
    b.init("ax", np.array([0], dtype=I64))
    b.init("sp", np.array([-2], dtype=I64))
    b.node("Slice", ["wg", "st", "en", "ax", "sp"], "ws")  # rows 3,1 -> [2,3]
    b.node("Concat", ["ws", "wg"], "wc", axis=0)        # [6,3]
    b.node("Transpose", ["wc"], "wt")                   # [3,6]
    b.init("sq", np.array([0], dtype=I64))
    b.node("Unsqueeze", ["wt", "sq"], "wu")             # [1,3,6]
    b.node("Squeeze", ["wu", "sq"], "wq")               # [3,6]
    b.node("MatMul", ["X", "wq"], "Y")                  # [2,6]
    b.out("Y")


# ---------------------------------------------------------------------------
# models rnnc must reject (testdata/glue_bad)
# ---------------------------------------------------------------------------

@bad("gemm_transa_2_op13", 13, "Gemm transA=2 (must be 0 or 1)", r"'Gemm'.*transA",
     ort="ORT treats any non-zero transA as 1")
def _(b):
    b.input("A", b.u(3, 2))
    b.init("B", b.u(3, 4))
    b.node("Gemm", ["A", "B"], "Y", transA=2)
    b.out("Y")


@bad("gemm_c_not_broadcastable_op13", 13, "Gemm C [3] cannot broadcast to [M,N]=[2,4]",
     r"'Gemm'.*(C|bias|broadcast)", ort_at_run=True)
def _(b):
    b.input("A", b.u(2, 3))
    b.init("B", b.u(3, 4))
    b.init("C", b.u(3))
    b.node("Gemm", ["A", "B", "C"], "Y")
    b.out("Y")


@bad("gemm_a_rank3_op13", 13, "Gemm A of rank 3", r"'Gemm'.*(rank|2-D)")
def _(b):
    b.input("A", b.u(1, 2, 3))
    b.init("B", b.u(3, 4))
    b.node("Gemm", ["A", "B"], "Y")
    b.out("Y")


@bad("softmax_axis_out_of_range_op13", 13, "Softmax axis=3 on a rank-3 input", r"'Softmax'.*axis")
def _(b):
    b.input("X", b.u(2, 3, 4))
    b.node("Softmax", ["X"], "Y", axis=3)
    b.out("Y")


@bad("logsoftmax_axis_out_of_range_op11", 11, "LogSoftmax axis=-4 on a rank-3 input (opset 11)",
     r"'LogSoftmax'.*axis")
def _(b):
    b.input("X", b.u(2, 3, 4))
    b.node("LogSoftmax", ["X"], "Y", axis=-4)
    b.out("Y")


@bad("gather_const_index_out_of_range_op13", 13, "Gather constant indices [1,4] on a dim of 4",
     r"'Gather'.*(ind|range|bound)", ort_at_run=True)
def _(b):
    b.input("X", b.u(4, 3))
    b.init("idx", np.array([1, 4], dtype=I64))
    b.node("Gather", ["X", "idx"], "Y")
    b.out("Y")


@bad("gather_const_index_too_negative_op13", 13, "Gather constant index -5 on a dim of 4 (axis 1)",
     r"'Gather'.*(ind|range|bound)", ort_at_run=True)
def _(b):
    b.input("X", b.u(2, 4))
    b.init("idx", np.array([-5], dtype=I64))
    b.node("Gather", ["X", "idx"], "Y", axis=1)
    b.out("Y")


@bad("gather_axis_out_of_range_op13", 13, "Gather axis=2 on a rank-2 input", r"'Gather'.*axis")
def _(b):
    b.input("X", b.u(4, 3))
    b.init("idx", np.array([0], dtype=I64))
    b.node("Gather", ["X", "idx"], "Y", axis=2)
    b.out("Y")


@bad("reshape_two_minus1_op13", 13, "Reshape shape [-1,-1]", r"'Reshape'.*-1")
def _(b):
    b.input("X", b.u(2, 3))
    b.init("shape", np.array([-1, -1], dtype=I64))
    b.node("Reshape", ["X", "shape"], "Y")
    b.out("Y")


@bad("reshape_size_mismatch_op13", 13, "Reshape [2,3] to [4,2]", r"'Reshape'.*(size|element|shape|count)",
     ort_at_run=True)
def _(b):
    b.input("X", b.u(2, 3))
    b.init("shape", np.array([4, 2], dtype=I64))
    b.node("Reshape", ["X", "shape"], "Y")
    b.out("Y")


@bad("slice_step_zero_op13", 13, "Slice steps [0]", r"'Slice'.*step")
def _(b):
    b.input("X", b.u(3, 4))
    b.init("starts", np.array([0], dtype=I64))
    b.init("ends", np.array([2], dtype=I64))
    b.init("axes", np.array([0], dtype=I64))
    b.init("steps", np.array([0], dtype=I64))
    b.node("Slice", ["X", "starts", "ends", "axes", "steps"], "Y")
    b.out("Y")


@bad("slice_attrs_at_op13", 13, "Slice with opset-9 starts/ends attributes at opset 13",
     r"'Slice'.*(starts|ends|attribute|input)")
def _(b):
    b.input("X", b.u(3, 4))
    b.node("Slice", ["X"], "Y", starts=[0], ends=[2])
    b.out("Y")


@bad("transpose_perm_not_permutation_op13", 13, "Transpose perm [0,0,2]", r"'Transpose'.*perm")
def _(b):
    b.input("X", b.u(2, 3, 4))
    b.node("Transpose", ["X"], "Y", perm=[0, 0, 2])
    b.out("Y")


@bad("transpose_perm_wrong_length_op13", 13, "Transpose perm [1,0] on a rank-3 input", r"'Transpose'.*perm",
     ort_at_run=True)
def _(b):
    b.input("X", b.u(2, 3, 4))
    b.node("Transpose", ["X"], "Y", perm=[1, 0])
    b.out("Y")


@bad("matmul_inner_mismatch_op13", 13, "MatMul [2,3] x [4,5]", r"'MatMul'.*(dim|shape|inner|K)")
def _(b):
    b.input("A", b.u(2, 3))
    b.init("B", b.u(4, 5))
    b.node("MatMul", ["A", "B"], "Y")
    b.out("Y")


@bad("concat_rank_mismatch_op13", 13, "Concat of [2,3] and [2,3,1]", r"'Concat'.*rank")
def _(b):
    b.input("A", b.u(2, 3))
    b.input("B", b.u(2, 3, 1))
    b.node("Concat", ["A", "B"], "Y", axis=0)
    b.out("Y")


@bad("concat_axis_out_of_range_op13", 13, "Concat axis=2 on rank-2 inputs", r"'Concat'.*axis")
def _(b):
    b.input("A", b.u(2, 3))
    b.input("B", b.u(2, 3))
    b.node("Concat", ["A", "B"], "Y", axis=2)
    b.out("Y")


@bad("dropout_training_mode_true_op13", 13, "Dropout training_mode = Constant true (training is not supported)",
     r"'Dropout'.*training_mode", ort="ORT runs it (random dropout in training mode)")
def _(b):
    b.input("X", b.u(2, 3))
    b.init("ratio", np.array(0.5, dtype=F32))
    b.const("tm", value=tensor("tmv", np.array(True)))
    b.node("Dropout", ["X", "ratio", "tm"], "Y")
    b.out("Y")


@bad("dropout_ratio_attr_at_op13", 13, "Dropout ratio attribute at opset 13 (it is an input since opset 12)",
     r"'Dropout'.*ratio")
def _(b):
    b.input("X", b.u(2, 3))
    b.node("Dropout", ["X"], "Y", ratio=0.5)
    b.out("Y")


@bad("relu_unknown_attribute_op14", 14, "Relu with an attribute alpha=0.1 Relu does not have",
     r"'Relu'.*alpha")
def _(b):
    b.input("X", b.u(2, 3))
    b.node("Relu", ["X"], "Y", alpha=0.1)
    b.out("Y")


@bad("squeeze_non_one_dim_op13", 13, "Squeeze axes [0] on a dim of 2", r"'Squeeze'.*(ax|dim)")
def _(b):
    b.input("X", b.u(2, 3))
    b.init("axes", np.array([0], dtype=I64))
    b.node("Squeeze", ["X", "axes"], "Y")
    b.out("Y")


@bad("squeeze_axes_input_at_op11", 11, "Squeeze with an axes input at opset 11 (attribute there)",
     r"'Squeeze'.*(input|axes)")
def _(b):
    b.input("X", b.u(1, 3))
    b.init("axes", np.array([0], dtype=I64))
    b.node("Squeeze", ["X", "axes"], "Y")
    b.out("Y")


@bad("unsqueeze_axes_attr_at_op13", 13, "Unsqueeze with an axes attribute at opset 13 (input there)",
     r"'Unsqueeze'.*(axes|input)")
def _(b):
    b.input("X", b.u(2, 3))
    b.node("Unsqueeze", ["X"], "Y", axes=[0])
    b.out("Y")


@bad("unsqueeze_axis_out_of_range_op13", 13, "Unsqueeze axes [3] on rank 1 (output rank 2)",
     r"'Unsqueeze'.*ax")
def _(b):
    b.input("X", b.u(3))
    b.init("axes", np.array([3], dtype=I64))
    b.node("Unsqueeze", ["X", "axes"], "Y")
    b.out("Y")


@bad("flatten_axis_out_of_range_op13", 13, "Flatten axis=4 on a rank-3 input", r"'Flatten'.*axis")
def _(b):
    b.input("X", b.u(2, 3, 4))
    b.node("Flatten", ["X"], "Y", axis=4)
    b.out("Y")


@bad("expand_incompatible_op13", 13, "Expand [3] to shape [2,4]", r"'Expand'.*(shape|broadcast)")
def _(b):
    b.input("X", b.u(3))
    b.init("shape", np.array([2, 4], dtype=I64))
    b.node("Expand", ["X", "shape"], "Y")
    b.out("Y")


@bad("add_broadcast_mismatch_op13", 13, "Add [2,3] + [4]", r"'Add'.*(broadcast|shape|dim)")
def _(b):
    b.input("A", b.u(2, 3))
    b.init("B", b.u(4))
    b.node("Add", ["A", "B"], "Y")
    b.out("Y")


@bad("shape_start_attr_at_op13", 13, "Shape with a start attribute at opset 13 (added in opset 15)",
     r"'Shape'.*start")
def _(b):
    b.input("X", b.u(2, 3))
    b.node("Shape", ["X"], "Y", start=1)
    b.out("Y", dtype=I64)


@bad("det_unsupported_op13", 13, "Det: an op outside rnnc's supported set", r"'Det'.*support",
     ort="ORT implements Det")
def _(b):
    b.input("X", b.u(3, 3))
    b.node("Det", ["X"], "Y")
    b.out("Y")


@bad("gelu_com_microsoft_domain_op13", 13, "Gelu in domain com.microsoft (only the default domain is supported)",
     r"'Gelu'.*com\.microsoft", ort="ORT implements com.microsoft Gelu")
def _(b):
    b.input("X", b.u(2, 3))
    b.extra_opsets.append(helper.make_opsetid("com.microsoft", 1))
    b.node("Gelu", ["X"], "Y", domain="com.microsoft")
    b.out("Y")


# ---------------------------------------------------------------------------
# writing
# ---------------------------------------------------------------------------

def _tjson(a):
    a = np.asarray(a)
    if a.dtype == F32:
        return {"type": "float32", "dims": list(a.shape), "data": [float(v) for v in a.ravel()]}
    if a.dtype == I64:  # as strings: JSON numbers lose precision beyond 2^53
        return {"type": "int64", "dims": list(a.shape), "data": [str(int(v)) for v in a.ravel()]}
    raise ValueError(a.dtype)


def make_model(b, out_types, out_shapes, producer):
    graph_inputs = [helper.make_tensor_value_info(n, tensor_type(a), list(a.shape)) for n, a in b.inputs]
    graph_outputs = [helper.make_tensor_value_info(n, t, s) for n, t, s in zip(b.outputs, out_types, out_shapes)]
    inits = [tensor(n, a) for n, a in b.inits]
    graph = helper.make_graph(b.nodes, b.name, graph_inputs, graph_outputs, initializer=inits)
    opsets = [helper.make_opsetid("", b.opset)] + b.extra_opsets
    model = helper.make_model(graph, producer_name=producer, opset_imports=opsets)
    model.ir_version = helper.find_min_ir_version_for([helper.make_opsetid("", b.opset)])
    return model


def build_good(name, opset, fn):
    b = Builder(name, opset)
    fn(b)
    vals = run_reference(b.nodes, opset, dict(b.inputs + b.inits))
    outs = [(n, vals[n]) for n in b.outputs]
    for n, a in outs:
        assert np.all(np.isfinite(a.astype(np.float64))), (name, n)
    model = make_model(b, [tensor_type(a) for _, a in outs], [list(a.shape) for _, a in outs],
                       "rnnc-gen_glue_cases")
    onnx.checker.check_model(model, full_check=True)
    # ONNX shape inference must agree with the reference's output shapes
    inferred = onnx.shape_inference.infer_shapes(model, strict_mode=True)
    vi = {v.name: v for v in list(inferred.graph.value_info) + list(inferred.graph.output)}
    for n, a in outs:
        dims = vi[n].type.tensor_type.shape.dim
        got = [d.dim_value if d.HasField("dim_value") else None for d in dims]
        assert got == list(a.shape), (name, n, got, a.shape)
    assert b.inputs, name + ": needs a runtime graph input"
    return b, model, outs


def build_bad(name, opset, culprit, fn):
    b = Builder(name, opset)
    out_dtypes = {}

    def out(*names, dtype=F32):
        for n in names:
            b.outputs.append(n)
            out_dtypes[n] = dtype
    b.out = out
    fn(b)
    b.nodes[culprit].name = "bad"
    types = [tensor_type(np.zeros(0, out_dtypes[n])) for n in b.outputs]
    model = make_model(b, types, [None] * len(types), "rnnc-gen_glue_cases")
    # The graph outputs carry no shape (so that rnnc reports the node, not a
    # declared-shape mismatch), which check_model itself refuses; so ask the
    # checker about each node, and strict shape inference about the graph.
    ctx = onnx.checker.C.CheckerContext()
    ctx.ir_version = model.ir_version
    ctx.opset_imports = {o.domain: o.version for o in model.opset_import}
    try:
        for n in model.graph.node:
            onnx.checker.check_node(n, ctx)
        onnx.shape_inference.infer_shapes(model, check_type=True, strict_mode=True)
        checker = "accepts"
    except Exception:  # noqa: BLE001 - any checker/inference complaint
        checker = "rejects"
    # our own reference must refuse it too (unless it is outside the reference's op set)
    ref = "n/a"
    if all(n.op_type in OPS and n.domain in ("", None) for n in b.nodes):
        try:
            run_reference(b.nodes, opset, dict(b.inputs + b.inits))
            ref = "accepts"
        except (SpecError, KeyError, TypeError):
            ref = "rejects"
    return b, model, checker, ref


def write_pb(path, name, arr):
    with open(path, "wb") as f:
        f.write(numpy_helper.from_array(np.asarray(arr), name).SerializeToString())


def write_sidecar(sidecar, name, obj):
    with open(os.path.join(sidecar, name + ".json"), "w") as f:
        json.dump(obj, f)


def ops_of(b):
    seen = []
    for n in b.nodes:
        if n.op_type not in seen:
            seen.append(n.op_type)
    return seen


README_HEAD = """# Glue-operator test cases

Generated by `tests/gen/gen_glue_cases.py` (do not edit by hand).  These are
the operators torch.onnx.export writes around RNN / LSTM / GRU nodes.
Expected outputs come from the straightforward NumPy implementation of the
ONNX operator specs in that script (float64 arithmetic, stored as float32;
independent of rnnc and of ONNX Runtime).  Every case passes
`onnx.checker.check_model(full_check=True)`, ONNX shape inference agrees with
the reference's output shapes, and every case was cross-checked against ONNX
Runtime {ort} (onnxruntime-node, CPU, graph optimizations disabled) with
`tests/gen/ort_check.js` (atol {atol:g} + rtol {rtol:g}).

Layout: ONNX backend-test layout, one directory per case:

    glue/<case>/model.onnx
    glue/<case>/test_data_set_0/input_<i>.pb    graph inputs (float32 or int64), in order
    glue/<case>/test_data_set_0/output_<i>.pb   graph outputs (float32 or int64), in order

Every model has at least one runtime graph input.  Shape-defining operands
(Reshape/Expand shapes, Slice starts/ends/axes/steps, Squeeze/Unsqueeze
axes) are initializers or Constant nodes, as torch.onnx.export writes them.
`fold_*` cases (and `constantofshape_*`, `identity_initializer_*`) compute
some values purely from initializers / Constant nodes / static shapes before
they meet a runtime op, so constant folding is exercised as well.
ir_version = the minimum onnx 1.12 associates with the opset
(9 -> 4, 10 -> 5, 11 -> 6, 12..14 -> 7, 15 -> 8).  Case names end in
`_op<opset>`.

`glue_bad/<case>/model.onnx` are models rnnc must reject with exit status 1
and one line of error output matching the regex in `glue_bad/<case>/expect`
(the offending node is always named `bad`; rnnc's errors read
`FILE: node 'NAME' ('OP_TYPE'): WHAT: DETAIL`).  Registered by
`tests/glue.cmake`.

Regenerate (deterministic, byte-identical):

    /usr/bin/python3 tests/gen/gen_glue_cases.py
    # cross-check against ONNX Runtime (dev only, see ort_check.js for setup):
    /usr/bin/python3 tests/gen/gen_glue_cases.py --sidecar /tmp/gluecheck
    NODE_PATH=/tmp/ortnode/node_modules node tests/gen/ort_check.js /tmp/gluecheck

Semantics notes (checked against ONNX Runtime {ort}):

* Softmax / LogSoftmax before opset 13 coerce the input to 2-D
  `[prod(dims[:axis]), prod(dims[axis:])]` and normalise each row, default
  axis 1; from opset 13 they normalise along the single `axis`, default -1.
  So `axis=1` on a 3-D input means different things at opsets 11 and 13
  (`softmax_default_axis_op11` vs `softmax_axis1_op13`), and opset-11
  `axis=0` is one softmax over the whole tensor.
* Unsqueeze: negative axes count in the output rank (rank + len(axes));
  axes may be unsorted.  Squeeze without axes removes every 1-dim.
* Reshape: 0 copies the input dim at the same index (allowzero=0), one -1 is
  inferred.
* Slice: negative starts/ends are relative to the dim; then, for step > 0,
  clamped to [0, dim], for step < 0 start to [0, dim-1] and end to [-1, dim-1]
  (so `ends = INT64_MIN` with step -1 runs to index 0 inclusive, and
  `starts = 10` on a dim of 6 starts at 5).  An omitted (or '') axes input
  means axes 0..len(starts)-1.
* Gather: negative indices (constant or at run time) count from the end;
  a scalar index removes the axis.
* Expand: bidirectional broadcast of the input shape and the shape operand,
  so a 1 in the shape keeps the input's dim, and the shape may have lower
  rank than the input.
* Gemm: C broadcasts unidirectionally to [M,N] ([], [1], [N], [1,N], [M,1],
  [M,N]); without C (opset 11+), beta is ignored.
* Cast float -> int64 truncates toward zero (as C does, and ORT); int64 ->
  float rounds to nearest (16777217 -> 16777216).
* Shape (opset 15) start/end: negative values count from the rank, then both
  are clamped to [0, rank].
* Dropout in inference (no training_mode, or training_mode false) is the
  identity whatever the ratio.

| case | ops | opset | pins down |
|------|-----|-------|-----------|
"""


def write_readme(outdir, good_rows, bad_rows):
    lines = [README_HEAD.format(ort=ORT_VERSION, atol=ATOL, rtol=RTOL)]
    for name, ops, opset, desc in good_rows:
        lines.append("| `%s` | %s | %d | %s |\n" % (name, ", ".join(ops), opset, desc.replace("|", "\\|")))
    lines.append("""
## Models that must be rejected (`glue_bad/`)

"ORT" says whether ONNX Runtime {ort} also refuses the model (at session
creation or at run time); "onnx" whether onnx 1.12 flags it
(`onnx.checker.check_node` on every node, then strict shape inference; the
graph outputs carry no shape, so that rnnc reports the node rather than a
declared-shape mismatch).  Where ORT accepts the model, the reason
is given: rnnc is stricter on purpose (unsupported types/ops/domains, training
mode, non-boolean flags).

| case | opset | rejected because | expect (regex) | ORT | onnx |
|------|-------|------------------|----------------|-----|------|
""".format(ort=ORT_VERSION))
    for name, opset, desc, expect, ort, checker in bad_rows:
        lines.append("| `%s` | %d | %s | `%s` | %s | %s |\n" % (
            name, opset, desc, expect.replace("|", "\\|"),
            "rejects" if ort is None else "rejects, at run time" if ort is False else "accepts (%s)" % ort,
            checker))
    with open(os.path.join(outdir, "README.md"), "w") as f:
        f.write("".join(lines))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(here, "..", "..", "testdata"),
                    help="parent directory of glue/ and glue_bad/")
    ap.add_argument("--sidecar", default=None, help="directory for ort_check.js JSON sidecars (not in repo)")
    args = ap.parse_args()
    out = os.path.normpath(args.out)
    gdir, bdir = os.path.join(out, "glue"), os.path.join(out, "glue_bad")
    # other generators (gen_if_cases.py, gen_zero_size.py, ...) write cases here too: only
    # this script's own case directories are replaced
    for d, cases in ((gdir, GOOD), (bdir, BAD)):
        os.makedirs(d, exist_ok=True)
        for c in cases:
            if os.path.isdir(os.path.join(d, c[0])):
                shutil.rmtree(os.path.join(d, c[0]))
    if args.sidecar:
        os.makedirs(args.sidecar, exist_ok=True)
        for f in os.listdir(args.sidecar):
            if f.endswith(".json"):
                os.remove(os.path.join(args.sidecar, f))

    names = [c[0] for c in GOOD] + [c[0] for c in BAD]
    assert len(names) == len(set(names)), "duplicate case names"
    good_rows, bad_rows = [], []
    for name, opset, desc, fn in GOOD:
        assert name.endswith("_op%d" % opset), name
        b, model, outs = build_good(name, opset, fn)
        cdir = os.path.join(gdir, name)
        ddir = os.path.join(cdir, "test_data_set_0")
        os.makedirs(ddir)
        with open(os.path.join(cdir, "model.onnx"), "wb") as f:
            f.write(model.SerializeToString())
        for i, (n, a) in enumerate(b.inputs):
            write_pb(os.path.join(ddir, "input_%d.pb" % i), n, a)
        for i, (n, a) in enumerate(outs):
            write_pb(os.path.join(ddir, "output_%d.pb" % i), n, a)
        good_rows.append((name, ops_of(b), opset, desc))
        if args.sidecar:
            write_sidecar(args.sidecar, "glue_" + name, {
                "model": os.path.abspath(os.path.join(cdir, "model.onnx")), "skip": None, "note": None,
                "atol": ATOL, "rtol": RTOL,
                "inputs": {n: _tjson(a) for n, a in b.inputs},
                "outputs": {n: _tjson(a) for n, a in outs}})
    for name, opset, desc, expect, ort, culprit, fn in BAD:
        assert name.endswith("_op%d" % opset), name
        b, model, checker, ref = build_bad(name, opset, culprit, fn)
        assert ref in ("rejects", "n/a"), (name, "the NumPy reference accepts this bad model")
        cdir = os.path.join(bdir, name)
        os.makedirs(cdir)
        with open(os.path.join(cdir, "model.onnx"), "wb") as f:
            f.write(model.SerializeToString())
        with open(os.path.join(cdir, "expect"), "w") as f:
            f.write(expect + "\n")
        bad_rows.append((name, opset, desc, expect, ort, checker))
        if args.sidecar:
            write_sidecar(args.sidecar, "gluebad_" + name, {
                "model": os.path.abspath(os.path.join(cdir, "model.onnx")), "skip": None, "note": None,
                "expect_error": expect, "ort_accepts": ort or None,
                "inputs": {n: _tjson(a) for n, a in b.inputs}, "outputs": {}})
    write_readme(gdir, good_rows, bad_rows)
    print("wrote %d cases to %s and %d to %s" % (len(GOOD), gdir, len(BAD), bdir))


if __name__ == "__main__":
    sys.exit(main())
