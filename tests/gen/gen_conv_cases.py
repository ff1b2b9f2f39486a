#!/usr/bin/python3
"""Tests of Conv, ConvTranspose, the pools and BatchNormalization beyond ONNX 1.12's node
tests (ops/conv.c, pool.c, batchnorm.c): 1-D and 3-D windows, groups and depthwise convs,
auto_pad with strides and odd sizes, dilations, the packed im2col path, ConvTranspose's
output_padding/output_shape/auto_pad, ceil_mode and count_include_pad, MaxPool's Indices,
the Global pools at an opset rnnc accepts, BatchNormalization at opsets 7..15, and the
compile-time fold of BatchNormalization into a Conv/Gemm/MatMul before it (multi-node
graphs, with the cases that must not fold). Written in the layout of ONNX's node tests,

    testdata/onnx-node-extra/test_<case>/model.onnx
    testdata/onnx-node-extra/test_<case>/test_data_set_0/{input,output}_<i>.pb

with expected outputs from a NumPy reference written here from the operator specs: the
direct sliding-window definitions (no im2col), summed in float64 and rounded to the output
type at the end. tests/onnx_node.cmake runs each as ctest node_extra_<case>. Deterministic:
data from RandomState(crc32(case name)).

Models rnnc must refuse go to testdata/onnx-node-extra-bad/<case>/{model.onnx,expect}
(expect: the regex the error line must match), run as node_extra_bad_<case>.

Case names start with conv_, convtranspose_, pool_ or bn_.

Usage: /usr/bin/python3 tests/gen/gen_conv_cases.py [--out testdata/onnx-node-extra]
           [--bad testdata/onnx-node-extra-bad]
"""

import argparse
import sys
import itertools
import math
import os
import shutil
import zlib

import numpy as np
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

F32, F64 = np.float32, np.float64


import nodetest  # noqa: E402
from nodetest import DT, write_bad, write_case, write_graph  # noqa: E402

nodetest.PRODUCER = "gen_conv_cases"


# ---- the reference: direct definitions from the ONNX operator specs ----------------------

def _ilist(v, n, dflt):
    return list(v) if v is not None else [dflt] * n


def window_pads(auto_pad, ins, k, s, d, pads):
    """Conv/pool begin and end pads. SAME_*: out = ceil(in / s), total pad =
    max(0, (out - 1) * s + (k - 1) * d + 1 - in), the odd one at the end (UPPER) or the
    beginning (LOWER); VALID: none; NOTSET: the pads attribute [b0, b1, .., e0, e1, ..]."""
    n = len(ins)
    if auto_pad in ("SAME_UPPER", "SAME_LOWER"):
        pb, pe = [], []
        for i in range(n):
            out = -(-ins[i] // s[i])
            total = max(0, (out - 1) * s[i] + (k[i] - 1) * d[i] + 1 - ins[i])
            small = total // 2
            pb.append(small if auto_pad == "SAME_UPPER" else total - small)
            pe.append(total - pb[-1])
        return pb, pe
    if auto_pad == "VALID":
        return [0] * n, [0] * n
    p = _ilist(pads, 2 * n, 0)
    return p[:n], p[n:]


def conv_ref(x, w, b=None, strides=None, dilations=None, pads=None, group=1,
             auto_pad="NOTSET"):
    """Y[n][m][o] = B[m] + sum over c < C/group and taps t of
    X[n][g * C/group + c][o * s - pb + t * d] * W[m][c][t] (taps in the padding add 0),
    g = m // (M/group); out = floor((in + pb + pe - ((k - 1) * d + 1)) / s) + 1."""
    x, w = x.astype(F64), w.astype(F64)
    N, C = x.shape[:2]
    M, Cg = w.shape[:2]
    ins, k = list(x.shape[2:]), list(w.shape[2:])
    nsp = len(ins)
    s, d = _ilist(strides, nsp, 1), _ilist(dilations, nsp, 1)
    pb, pe = window_pads(auto_pad, ins, k, s, d, pads)
    assert Cg * group == C and M % group == 0
    Mg = M // group
    outs = [(ins[i] + pb[i] + pe[i] - (k[i] - 1) * d[i] - 1) // s[i] + 1 for i in range(nsp)]
    y = np.zeros([N, M] + outs)
    for n in range(N):
        for g in range(group):
            xs = x[n, g * Cg:(g + 1) * Cg]    # [Cg][in...]
            ws = w[g * Mg:(g + 1) * Mg]       # [Mg][Cg][k...]
            for o in itertools.product(*[range(v) for v in outs]):
                acc = np.zeros(Mg) if b is None else b[g * Mg:(g + 1) * Mg].astype(F64).copy()
                for t in itertools.product(*[range(v) for v in k]):
                    q = [o[i] * s[i] - pb[i] + t[i] * d[i] for i in range(nsp)]
                    if all(0 <= q[i] < ins[i] for i in range(nsp)):
                        # sum over the group's input channels of this one tap
                        acc += ws[(slice(None), slice(None)) + t] @ xs[(slice(None),) + tuple(q)]
                y[(n, slice(g * Mg, (g + 1) * Mg)) + o] = acc
    return y


def convt_pads(auto_pad, ins, k, s, d, op, pads, output_shape):
    """ConvTranspose begin/end pads. output_shape given (or auto_pad SAME_*, where
    output_shape = in * s): total = s * (in - 1) + output_padding + (k - 1) * d + 1 - out,
    SAME_UPPER: pb = total / 2, pe = total - total / 2; else pb = total - total / 2,
    pe = total / 2. Otherwise the pads attribute (VALID: none)."""
    n = len(ins)
    if output_shape is not None or auto_pad in ("SAME_UPPER", "SAME_LOWER"):
        outs = list(output_shape)[-n:] if output_shape is not None else \
            [ins[i] * s[i] for i in range(n)]
        pb, pe = [], []
        for i in range(n):
            total = s[i] * (ins[i] - 1) + op[i] + (k[i] - 1) * d[i] + 1 - outs[i]
            # (a negative total, output_shape beyond the full output, floors the halves)
            if auto_pad == "SAME_UPPER":
                pb.append(total // 2), pe.append(total - total // 2)
            else:
                pb.append(total - total // 2), pe.append(total // 2)
        return pb, pe
    if auto_pad == "VALID":
        return [0] * n, [0] * n
    p = _ilist(pads, 2 * n, 0)
    return p[:n], p[n:]


def convt_ref(x, w, b=None, strides=None, dilations=None, pads=None, group=1,
              output_padding=None, output_shape=None, auto_pad="NOTSET"):
    """Every input element scatters its weighted kernel: Yfull[n][g * M/group + m][q * s +
    t * d] += X[n][g * C/group + c][q] * W[g * C/group + c][m][t]; Yfull has
    s * (in - 1) + output_padding + (k - 1) * d + 1 positions, Y = Yfull[pb : full - pe] + B."""
    x, w = x.astype(F64), w.astype(F64)
    N, C = x.shape[:2]
    _, Mg = w.shape[:2]
    ins, k = list(x.shape[2:]), list(w.shape[2:])
    nsp = len(ins)
    s, d = _ilist(strides, nsp, 1), _ilist(dilations, nsp, 1)
    op = _ilist(output_padding, nsp, 0)
    pb, pe = convt_pads(auto_pad, ins, k, s, d, op, pads, output_shape)
    Cg, M = C // group, Mg * group
    full = [s[i] * (ins[i] - 1) + op[i] + (k[i] - 1) * d[i] + 1 for i in range(nsp)]
    yf = np.zeros([N, M] + full)
    for n in range(N):
        for g in range(group):
            for q in itertools.product(*[range(v) for v in ins]):
                xv = x[(n, slice(g * Cg, (g + 1) * Cg)) + q]            # [Cg]
                for t in itertools.product(*[range(v) for v in k]):
                    o = tuple(q[i] * s[i] + t[i] * d[i] for i in range(nsp))
                    # W[g*Cg + c][m][t] summed over c
                    yf[(n, slice(g * Mg, (g + 1) * Mg)) + o] += \
                        xv @ w[(slice(g * Cg, (g + 1) * Cg), slice(None)) + t]
    # Y[o] = Yfull[o + pb]; positions outside Yfull (negative pads) hold just the bias
    lo = [max(0, -pb[i]) for i in range(nsp)]
    hi = [max(0, -pe[i]) for i in range(nsp)]
    yf = np.pad(yf, [(0, 0), (0, 0)] + list(zip(lo, hi)))
    crop = tuple(slice(pb[i] + lo[i], lo[i] + full[i] - pe[i]) for i in range(nsp))
    y = yf[(slice(None), slice(None)) + crop]
    if b is not None:
        y = y + b.astype(F64).reshape([1, M] + [1] * nsp)
    return y


def pool_ref(x, kind, kernel, strides=None, pads=None, dilations=None, ceil_mode=0,
             count_include_pad=0, auto_pad="NOTSET", storage_order=0):
    """MaxPool / AveragePool. Window o covers o * s - pb + t * d for taps t < k; taps in
    the padding are skipped (MaxPool, and AveragePool with count_include_pad 0, which divides
    by the taps inside X); count_include_pad 1 divides by the taps inside X plus its pads.
    out = floor or ceil((in + pb + pe - ((k - 1) * d + 1)) / s) + 1, and with ceil_mode a
    last window that would start in the end padding is dropped (the current spec's rule).
    Returns Y (float64) and, for MAX, the Indices: flat offsets into X, the spatial dims
    row-major (storage_order 0) or column-major (1)."""
    xf = x.astype(F64)
    N, C = x.shape[:2]
    ins = list(x.shape[2:])
    nsp = len(ins)
    k = list(kernel)
    s, d = _ilist(strides, nsp, 1), _ilist(dilations, nsp, 1)
    pb, pe = window_pads(auto_pad, ins, k, s, d, pads)
    outs = []
    for i in range(nsp):
        span = ins[i] + pb[i] + pe[i] - (k[i] - 1) * d[i] - 1
        if auto_pad in ("SAME_UPPER", "SAME_LOWER"):
            o = -(-ins[i] // s[i])
        elif ceil_mode:
            o = -(-span // s[i]) + 1
            if (o - 1) * s[i] >= ins[i] + pb[i]:
                o -= 1
        else:
            o = span // s[i] + 1
        outs.append(o)
    y = np.zeros([N, C] + outs)
    ind = np.zeros([N, C] + outs, np.int64)
    S = int(np.prod(ins))
    for n in range(N):
        for c in range(C):
            for o in itertools.product(*[range(v) for v in outs]):
                vals, where, cpad = [], [], 1
                for i in range(nsp):
                    cpad *= sum(1 for t in range(k[i])
                                if -pb[i] <= o[i] * s[i] - pb[i] + t * d[i] < ins[i] + pe[i])
                for t in itertools.product(*[range(v) for v in k]):
                    q = [o[i] * s[i] - pb[i] + t[i] * d[i] for i in range(nsp)]
                    if all(0 <= q[i] < ins[i] for i in range(nsp)):
                        vals.append(xf[(n, c) + tuple(q)])
                        where.append(q)
                if kind == "MAX":
                    j = int(np.argmax(vals))  # the first of equal maxima
                    y[(n, c) + o] = vals[j]
                    q = where[j]
                    if storage_order == 0:
                        off = int(np.ravel_multi_index(q, ins))
                    else:
                        off, mul = 0, 1
                        for i in range(nsp):
                            off += q[i] * mul
                            mul *= ins[i]
                    ind[(n, c) + o] = (n * C + c) * S + off
                else:
                    y[(n, c) + o] = sum(vals) / (cpad if count_include_pad else len(vals))
    return y, ind


def bn_ref(x, scale, b, mean, var, eps=1e-5):
    """Y = (X - mean[c]) / sqrt(var[c] + epsilon) * scale[c] + B[c], c = axis 1."""
    sh = [1, x.shape[1]] + [1] * (x.ndim - 2)
    r = lambda a: a.astype(F64).reshape(sh)
    return (x.astype(F64) - r(mean)) / np.sqrt(r(var) + eps) * r(scale) + r(b)


def gemm_ref(a, bm, c=None, alpha=1.0, beta=1.0, transA=0, transB=0):
    a, bm = a.astype(F64), bm.astype(F64)
    a = a.T if transA else a
    bm = bm.T if transB else bm
    y = alpha * (a @ bm)
    if c is not None:
        y = y + beta * c.astype(F64)
    return y


# ---- data --------------------------------------------------------------------------------

def rng_for(name):
    return np.random.RandomState(zlib.crc32(name.encode()))


def uni(rng, shape, lo=-1.0, hi=1.0, dtype=F32):
    return rng.uniform(lo, hi, size=shape).astype(dtype)


def conv_w(rng, shape):
    """Weights scaled by 1/sqrt(fan-in) so outputs stay O(1)."""
    fan = int(np.prod(shape[1:]))
    return uni(rng, shape, -1.0, 1.0) * F32(1.0 / math.sqrt(fan))


def bn_params(rng, C, dtype=F32):
    return (uni(rng, C, 0.5, 1.5, dtype), uni(rng, C, -0.5, 0.5, dtype),
            uni(rng, C, -0.5, 0.5, dtype), uni(rng, C, 0.25, 2.0, dtype))


# ---- cases -------------------------------------------------------------------------------

def gen_conv(out):
    def conv(name, opset, xshape, wshape, bias=True, w_input=False, give_kernel=False, **attrs):
        r = rng_for(name)
        x, w = uni(r, xshape), conv_w(r, wshape)
        b = uni(r, wshape[0], -0.5, 0.5) if bias else None
        if give_kernel:
            attrs["kernel_shape"] = list(wshape[2:])
        y = conv_ref(x, w, b, attrs.get("strides"), attrs.get("dilations"), attrs.get("pads"),
                     attrs.get("group", 1), attrs.get("auto_pad", "NOTSET")).astype(F32)
        inits = [("W", w)] + ([("B", b)] if bias else [])
        inputs = [("x", x)]
        if w_input:
            inputs.append(("W", w))
            inits = inits[1:]
        write_case(out, name, opset, "Conv", inputs, [("y", y)], attrs,
                   node_inputs=["x", "W"] + (["B"] if bias else []), initializers=inits)

    # 1-D: dilation, stride and asymmetric pads together
    conv("conv_1d_dilation_stride_pads", 11, (1, 2, 11), (3, 2, 3), strides=[2], dilations=[2],
         pads=[2, 1])
    conv("conv_1d_batch2_nobias", 13, (2, 3, 9), (4, 3, 4), bias=False, pads=[1, 2])
    # 2-D groups: group 2 (packed per group), depthwise (direct), depthwise with multiplier
    conv("conv_2d_group2", 11, (1, 4, 6, 7), (6, 2, 3, 3), group=2, pads=[1, 1, 1, 1])
    conv("conv_2d_group2_batch2", 13, (2, 4, 5, 5), (4, 2, 2, 3), group=2, strides=[1, 2],
         pads=[0, 1, 1, 0])
    conv("conv_2d_depthwise", 13, (1, 3, 7, 6), (3, 1, 3, 3), group=3, strides=[1, 2],
         pads=[1, 0, 1, 1])
    conv("conv_2d_depthwise_multiplier", 13, (1, 3, 5, 6), (6, 1, 3, 2), group=3, bias=False,
         pads=[1, 1, 1, 0])
    # auto_pad with stride 2 and odd sizes: totals 3 (H) and 1 (W), split unevenly
    for ap in ("SAME_UPPER", "SAME_LOWER", "VALID"):
        conv("conv_2d_%s_stride2" % ap.lower(), 13, (1, 2, 7, 9), (3, 2, 4, 2), bias=False,
             strides=[2, 2], auto_pad=ap)
    conv("conv_2d_same_upper_stride2_bias", 17, (1, 2, 7, 9), (3, 2, 4, 2), strides=[2, 2],
         auto_pad="SAME_UPPER", give_kernel=True)
    # (pads from the dilated kernel, as ONNX's shape inference does; ONNX Runtime 1.30
    # refuses dilations with SAME_* auto_pad)
    conv("conv_2d_same_lower_dilation", 13, (1, 2, 6, 7), (2, 2, 3, 3), strides=[1, 2],
         dilations=[2, 1], auto_pad="SAME_LOWER")
    # kernel_shape attribute given / omitted
    conv("conv_2d_kernel_shape_attr", 11, (1, 3, 6, 5), (4, 3, 3, 2), give_kernel=True,
         pads=[1, 0, 1, 1])
    conv("conv_2d_no_kernel_shape", 11, (1, 3, 6, 5), (4, 3, 3, 2), pads=[1, 0, 1, 1])
    conv("conv_2d_batch2_bias", 12, (2, 3, 6, 6), (5, 3, 3, 3), strides=[2, 2],
         pads=[1, 1, 0, 0])
    conv("conv_2d_batch2_nobias", 14, (2, 3, 6, 6), (5, 3, 3, 3), bias=False,
         dilations=[2, 2], pads=[2, 1, 2, 1])
    conv("conv_2d_1x1", 13, (2, 8, 5, 4), (5, 8, 1, 1))
    conv("conv_2d_1x1_stride2_nobias", 15, (1, 6, 7, 7), (4, 6, 1, 1), bias=False,
         strides=[2, 2])
    # a reduction of 3 taps: below the packed product's threshold (direct loops)
    conv("conv_2d_small_k_direct", 13, (1, 1, 5, 6), (4, 1, 1, 3), pads=[0, 1, 0, 1])
    # W given at run time (direct loops)
    conv("conv_2d_w_input", 13, (1, 3, 6, 6), (4, 3, 3, 3), w_input=True, pads=[1, 1, 1, 1])
    # big enough that the packed im2col product does real work
    conv("conv_2d_big_packed", 13, (1, 16, 20, 20), (32, 16, 3, 3), pads=[1, 1, 1, 1])
    conv("conv_2d_big_packed_stride2", 16, (1, 16, 20, 20), (32, 16, 3, 3), bias=False,
         strides=[2, 2], pads=[0, 0, 1, 1])
    # 3-D
    conv("conv_3d_strides_dilations", 13, (1, 2, 4, 5, 5), (3, 2, 2, 3, 3), strides=[1, 2, 1],
         dilations=[1, 1, 2], pads=[0, 1, 1, 1, 0, 1])
    conv("conv_3d_group2_same_upper", 11, (1, 4, 3, 4, 5), (2, 2, 2, 2, 3), group=2,
         strides=[2, 2, 2], auto_pad="SAME_UPPER")
    # opset 22 (Conv-22 only widens the types)
    conv("conv_2d_op22", 22, (1, 2, 5, 5), (3, 2, 3, 3), pads=[1, 1, 1, 1])


def gen_conv_act(out):
    """Conv followed by an activation: rnnc fuses a Relu, Sigmoid or Tanh that alone reads the
    Conv's output into it (node_extra_conv_act_fused_*_ir checks the IR), and must not when
    something else reads the Conv's output too."""
    acts = {"Relu": lambda y: np.maximum(y, 0), "Sigmoid": lambda y: 1 / (1 + np.exp(-y)),
            "Tanh": np.tanh}
    for act, fn in sorted(acts.items()):
        for packed in (0, 1):  # a 3-tap reduction (direct loops) or the packed im2col path
            name = "conv_act_fused_%s_%s" % (act.lower(), "packed" if packed else "direct")
            r = rng_for(name)
            C, M = (8, 16) if packed else (1, 2)
            x, w, b = uni(r, (2, C, 9)), uni(r, (M, C, 3)), uni(r, (M,))
            y = fn(conv_ref(x.astype(F64), w.astype(F64), b.astype(F64), pads=[1, 1]))
            write_graph(out, name, 13, [
                helper.make_node("Conv", ["x", "w", "b"], ["c"], name="conv", pads=[1, 1]),
                helper.make_node(act, ["c"], ["y"], name="act")],
                [("x", x)], [("y", y.astype(F32))], initializers=[("w", w), ("b", b)])
    # not fusable: the Conv's output is also a graph output / also read by an Add
    name = "conv_act_not_fused_output"
    r = rng_for(name)
    x, w = uni(r, (1, 4, 7)), uni(r, (6, 4, 3))
    c = conv_ref(x.astype(F64), w.astype(F64))
    write_graph(out, name, 13, [helper.make_node("Conv", ["x", "w"], ["c"], name="conv"),
                                helper.make_node("Relu", ["c"], ["y"], name="act")],
                [("x", x)], [("c", c.astype(F32)), ("y", np.maximum(c, 0).astype(F32))],
                initializers=[("w", w)])
    name = "conv_act_not_fused_two_readers"
    r = rng_for(name)
    x, w = uni(r, (1, 4, 7)), uni(r, (6, 4, 3))
    c = conv_ref(x.astype(F64), w.astype(F64))
    write_graph(out, name, 13, [helper.make_node("Conv", ["x", "w"], ["c"], name="conv"),
                                helper.make_node("Tanh", ["c"], ["t"], name="act"),
                                helper.make_node("Add", ["c", "t"], ["y"], name="add")],
                [("x", x)], [("y", (c + np.tanh(c)).astype(F32))], initializers=[("w", w)])


def gen_convtranspose(out):
    def convt(name, opset, xshape, wshape, group=1, bias=True, give_kernel=False, **attrs):
        r = rng_for(name)
        x, w = uni(r, xshape), conv_w(r, wshape)
        M = wshape[1] * group
        b = uni(r, M, -0.5, 0.5) if bias else None
        if group != 1:
            attrs["group"] = group
        if give_kernel:
            attrs["kernel_shape"] = list(wshape[2:])
        y = convt_ref(x, w, b, attrs.get("strides"), attrs.get("dilations"), attrs.get("pads"),
                      group, attrs.get("output_padding"), attrs.get("output_shape"),
                      attrs.get("auto_pad", "NOTSET")).astype(F32)
        inits = [("W", w)] + ([("B", b)] if bias else [])
        write_case(out, name, opset, "ConvTranspose", [("x", x)], [("y", y)], attrs,
                   node_inputs=["x", "W"] + (["B"] if bias else []), initializers=inits)

    convt("convtranspose_1d_stride_pads_output_padding", 11, (1, 2, 5), (2, 3, 3),
          strides=[2], pads=[1, 0], output_padding=[1])
    convt("convtranspose_1d_dilation_nobias", 13, (2, 3, 4), (3, 2, 3), bias=False,
          dilations=[2], strides=[3], pads=[0, 2])
    convt("convtranspose_2d_group2", 11, (1, 4, 3, 4), (4, 2, 3, 3), group=2, strides=[2, 1],
          pads=[1, 1, 0, 1], dilations=[1, 2])
    convt("convtranspose_2d_group2_batch2_nobias", 13, (2, 4, 3, 3), (4, 1, 2, 2), group=2,
          bias=False, strides=[2, 2])
    convt("convtranspose_2d_output_padding", 13, (1, 2, 3, 4), (2, 3, 3, 2), strides=[3, 2],
          output_padding=[2, 1], pads=[1, 0, 0, 1], give_kernel=True)
    convt("convtranspose_2d_output_padding_dilation", 17, (1, 2, 3, 3), (2, 2, 2, 2),
          strides=[3, 2], dilations=[3, 1], output_padding=[2, 1])
    # output_shape: total pads odd, split per the spec (NOTSET: more at the beginning)
    convt("convtranspose_2d_output_shape", 13, (1, 2, 3, 4), (2, 3, 3, 3), strides=[2, 2],
          output_shape=[6, 8])
    convt("convtranspose_2d_output_shape_same_upper", 13, (1, 2, 3, 4), (2, 3, 3, 3),
          strides=[2, 2], output_shape=[6, 8], auto_pad="SAME_UPPER")
    # output_shape one beyond the full output along H (total -1: the extra row is the bias)
    convt("convtranspose_2d_output_shape_beyond_full", 13, (1, 2, 3, 3), (2, 2, 3, 2),
          strides=[2, 2], output_shape=[8, 6])
    convt("convtranspose_2d_output_shape_output_padding", 14, (1, 2, 3, 3), (2, 2, 3, 3),
          strides=[2, 2], output_padding=[1, 1], output_shape=[7, 6])
    # auto_pad: output = in * stride
    convt("convtranspose_2d_same_upper", 11, (1, 2, 3, 4), (2, 2, 3, 3), strides=[2, 2],
          auto_pad="SAME_UPPER")
    convt("convtranspose_2d_same_lower", 11, (1, 2, 3, 4), (2, 2, 3, 3), strides=[2, 2],
          auto_pad="SAME_LOWER")
    convt("convtranspose_2d_same_upper_dilation", 15, (1, 1, 3, 2), (1, 2, 2, 3),
          strides=[2, 1], dilations=[2, 1], auto_pad="SAME_UPPER")
    convt("convtranspose_2d_valid", 13, (1, 2, 3, 3), (2, 2, 2, 3), strides=[2, 1],
          auto_pad="VALID")
    convt("convtranspose_3d_strides_pads", 13, (1, 2, 2, 3, 3), (2, 2, 2, 2, 3),
          strides=[2, 1, 2], pads=[0, 1, 1, 1, 0, 0], output_padding=[1, 0, 1])
    convt("convtranspose_2d_op22", 22, (1, 2, 3, 3), (2, 2, 3, 3), strides=[2, 2],
          pads=[1, 1, 1, 1])


def gen_pool(out):
    # Global pools at opset 13 (onnx 1.12's own tests are at opset 1) and 22
    for op, fn in (("GlobalAveragePool", np.mean), ("GlobalMaxPool", np.max)):
        tag = "avg" if op == "GlobalAveragePool" else "max"
        for shape in ((2, 3, 7), (2, 3, 4, 5), (1, 2, 3, 4, 3)):
            name = "pool_global_%s_%dd" % (tag, len(shape) - 2)
            x = uni(rng_for(name), shape, -3, 3)
            axes = tuple(range(2, len(shape)))
            y = fn(x.astype(F64), axis=axes, keepdims=True).astype(F32)
            write_case(out, name, 13, op, [("x", x)], [("y", y)])
        name = "pool_global_%s_2d_op22" % tag
        x = uni(rng_for(name), (1, 4, 3, 3), -3, 3)
        write_case(out, name, 22, op, [("x", x)],
                   [("y", fn(x.astype(F64), axis=(2, 3), keepdims=True).astype(F32))])

    def pool(name, opset, op, shape, dtype=F32, indices=False, **attrs):
        r = rng_for(name)
        if dtype in (F32, F64):
            x = uni(r, shape, -3, 3, dtype)
        else:
            info = np.iinfo(dtype)
            x = r.randint(int(info.min), int(info.max) + 1, size=shape).astype(dtype)
        kind = "MAX" if op == "MaxPool" else "AVG"
        y, ind = pool_ref(x, kind, attrs["kernel_shape"], attrs.get("strides"), attrs.get("pads"),
                          attrs.get("dilations"), attrs.get("ceil_mode", 0),
                          attrs.get("count_include_pad", 0), attrs.get("auto_pad", "NOTSET"),
                          attrs.get("storage_order", 0))
        outs = [("y", y.astype(dtype))] + ([("indices", ind)] if indices else [])
        write_case(out, name, opset, op, [("x", x)], outs, attrs)

    # 1-D ceil_mode (the last window runs past the end, with and without pads)
    pool("pool_maxpool_1d_ceil", 11, "MaxPool", (1, 2, 10), kernel_shape=[3], strides=[2],
         ceil_mode=1)
    pool("pool_avgpool_1d_ceil", 11, "AveragePool", (1, 2, 10), kernel_shape=[3], strides=[2],
         ceil_mode=1)
    pool("pool_avgpool_1d_ceil_pads", 13, "AveragePool", (2, 1, 9), kernel_shape=[4],
         strides=[3], pads=[1, 1], ceil_mode=1)
    # ceil_mode where the last window would start in the end padding: dropped (the current
    # spec's rule, as PyTorch and ONNX Runtime do; onnx 1.12's formula alone would give one
    # more window, over padding only)
    pool("pool_maxpool_1d_ceil_drop_last", 13, "MaxPool", (1, 2, 5), kernel_shape=[2],
         strides=[2], pads=[1, 1], ceil_mode=1)
    pool("pool_avgpool_1d_ceil_drop_last", 13, "AveragePool", (1, 2, 5), kernel_shape=[2],
         strides=[2], pads=[1, 1], ceil_mode=1, count_include_pad=1)
    # count_include_pad 0 / 1 with asymmetric pads
    for cip in (0, 1):
        pool("pool_avgpool_2d_pads_cip%d" % cip, 11, "AveragePool", (1, 2, 6, 7),
             kernel_shape=[3, 3], strides=[2, 1], pads=[1, 2, 2, 1], count_include_pad=cip)
        pool("pool_avgpool_1d_pads_cip%d" % cip, 13, "AveragePool", (1, 3, 8),
             kernel_shape=[3], pads=[2, 1], count_include_pad=cip)
    # count_include_pad 1 with a ceil-mode window past the end pad: the divisor counts the
    # taps inside X and its pads only
    pool("pool_avgpool_1d_ceil_cip1", 13, "AveragePool", (1, 2, 6), kernel_shape=[3],
         strides=[2], pads=[1, 1], ceil_mode=1, count_include_pad=1)
    pool("pool_avgpool_2d_cip1_op7", 7, "AveragePool", (1, 2, 5, 5), kernel_shape=[2, 3],
         pads=[1, 1, 0, 1], count_include_pad=1)
    pool("pool_avgpool_2d_same_lower_stride2", 11, "AveragePool", (1, 2, 7, 8),
         kernel_shape=[3, 2], strides=[2, 2], auto_pad="SAME_LOWER")
    pool("pool_avgpool_2d_same_upper_stride2_cip1", 11, "AveragePool", (1, 2, 7, 8),
         kernel_shape=[4, 3], strides=[2, 3], auto_pad="SAME_UPPER", count_include_pad=1)
    pool("pool_maxpool_2d_same_upper_stride2", 11, "MaxPool", (1, 2, 7, 8),
         kernel_shape=[4, 3], strides=[2, 2], auto_pad="SAME_UPPER")
    # dilations on MaxPool
    pool("pool_maxpool_2d_dilations", 12, "MaxPool", (1, 2, 7, 8), kernel_shape=[2, 3],
         dilations=[2, 2], strides=[1, 2], pads=[1, 0, 0, 1])
    pool("pool_maxpool_1d_dilations_ceil", 12, "MaxPool", (1, 2, 11), kernel_shape=[3],
         dilations=[2], strides=[3], ceil_mode=1)
    # dilations on AveragePool (opset 19)
    pool("pool_avgpool_2d_dilations_op19", 19, "AveragePool", (1, 2, 7, 7), kernel_shape=[2, 2],
         dilations=[2, 3], pads=[1, 1, 1, 1], count_include_pad=1)
    # 3-D
    pool("pool_maxpool_3d", 11, "MaxPool", (1, 2, 5, 6, 5), kernel_shape=[2, 3, 2],
         strides=[2, 2, 1], pads=[1, 0, 0, 0, 1, 1])
    pool("pool_avgpool_3d_pads_cip1", 11, "AveragePool", (1, 2, 4, 5, 4),
         kernel_shape=[2, 3, 2], strides=[2, 2, 2], pads=[1, 1, 0, 0, 1, 1], count_include_pad=1)
    pool("pool_avgpool_3d_ceil", 11, "AveragePool", (1, 1, 5, 5, 6), kernel_shape=[2, 2, 3],
         strides=[2, 2, 2], ceil_mode=1)
    # Indices, row- and column-major, with pads (indices ignore the padding)
    pool("pool_maxpool_2d_indices", 12, "MaxPool", (2, 2, 5, 6), indices=True,
         kernel_shape=[3, 2], strides=[2, 2], pads=[1, 0, 1, 1])
    pool("pool_maxpool_2d_indices_colmajor", 12, "MaxPool", (2, 2, 5, 6), indices=True,
         kernel_shape=[3, 2], strides=[2, 2], pads=[1, 0, 1, 1], storage_order=1)
    pool("pool_maxpool_3d_indices_colmajor", 12, "MaxPool", (1, 2, 3, 4, 5), indices=True,
         kernel_shape=[2, 2, 2], strides=[1, 2, 2], storage_order=1)
    pool("pool_maxpool_1d_indices_op8", 8, "MaxPool", (2, 3, 7), indices=True,
         kernel_shape=[3], strides=[2])
    # other element types
    pool("pool_maxpool_2d_double", 12, "MaxPool", (1, 2, 5, 5), dtype=F64, kernel_shape=[2, 2],
         pads=[1, 1, 0, 0])
    pool("pool_maxpool_2d_int8", 12, "MaxPool", (1, 2, 5, 5), dtype=np.int8,
         kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1])
    pool("pool_maxpool_1d_uint8", 12, "MaxPool", (1, 2, 9), dtype=np.uint8, kernel_shape=[3],
         strides=[2], pads=[1, 1])
    # opsets 7 and 22
    pool("pool_maxpool_2d_op7", 7, "MaxPool", (1, 2, 5, 6), kernel_shape=[2, 3], strides=[1, 2])
    pool("pool_maxpool_2d_op22", 22, "MaxPool", (1, 2, 5, 6), kernel_shape=[2, 3],
         strides=[2, 1], dilations=[1, 2], ceil_mode=1)
    pool("pool_avgpool_2d_op22", 22, "AveragePool", (1, 2, 5, 6), kernel_shape=[3, 3],
         strides=[2, 2], pads=[1, 1, 1, 1], ceil_mode=1)


def gen_bn(out):
    # BatchNormalization alone: opsets 7 (spatial 1), 9, 14, 15; rank 2, 3, 4 (and 5)
    cases = [("bn_rank2_op9", 9, (4, 3), {}), ("bn_rank3_op9", 9, (2, 3, 5), {"epsilon": 1e-3}),
             ("bn_rank4_op9", 9, (2, 3, 4, 3), {}),
             ("bn_rank2_op14", 14, (5, 4), {"training_mode": 0}),
             ("bn_rank3_op14", 14, (2, 4, 6), {"momentum": 0.5}),
             ("bn_rank4_op14", 14, (1, 3, 4, 5), {"epsilon": 0.1}),
             ("bn_rank2_op15", 15, (3, 6), {}), ("bn_rank3_op15", 15, (2, 2, 7), {}),
             ("bn_rank4_op15", 15, (2, 3, 3, 3), {"training_mode": 0, "epsilon": 1e-4}),
             ("bn_rank5_op15", 15, (1, 2, 2, 3, 2), {}),
             ("bn_rank4_spatial1_op7", 7, (2, 3, 3, 4), {"spatial": 1}),
             ("bn_rank3_op7", 7, (2, 3, 4), {"momentum": 0.99})]
    for name, opset, shape, attrs in cases:
        r = rng_for(name)
        x = uni(r, shape, -3, 3)
        sc, b, m, v = bn_params(r, shape[1])
        y = bn_ref(x, sc, b, m, v, attrs.get("epsilon", 1e-5)).astype(F32)
        write_case(out, name, opset, "BatchNormalization", [("x", x)], [("y", y)], attrs,
                   node_inputs=["x", "scale", "B", "mean", "var"],
                   initializers=[("scale", sc), ("B", b), ("mean", m), ("var", v)])
    # double X, opset 15: scale/B (T1) float, mean/var (T2) double
    name = "bn_double_mixed_types_op15"
    r = rng_for(name)
    x = uni(r, (2, 3, 4), -3, 3, F64)
    sc, b, _, _ = bn_params(r, 3)
    _, _, m, v = bn_params(r, 3, F64)
    write_case(out, name, 15, "BatchNormalization", [("x", x)], [("y", bn_ref(x, sc, b, m, v))],
               node_inputs=["x", "scale", "B", "mean", "var"],
               initializers=[("scale", sc), ("B", b), ("mean", m), ("var", v)])
    name = "bn_double_op9"
    r = rng_for(name)
    x = uni(r, (2, 3, 2, 2), -3, 3, F64)
    prm = bn_params(r, 3, F64)
    write_case(out, name, 9, "BatchNormalization", [("x", x)], [("y", bn_ref(x, *prm))],
               node_inputs=["x", "scale", "B", "mean", "var"],
               initializers=list(zip(("scale", "B", "mean", "var"), prm)))

    # ---- folds into the producer (multi-node graphs) ----
    def bn_node(inp, outp, prefix="bn", name="bn", **attrs):
        ins = [inp] + ["%s_%s" % (prefix, k) for k in ("scale", "B", "mean", "var")]
        return helper.make_node("BatchNormalization", ins, [outp], name=name, **attrs)

    def bn_inits(prm, prefix="bn"):
        return [("%s_%s" % (prefix, k), a) for k, a in zip(("scale", "B", "mean", "var"), prm)]

    def conv_bn(name, opset, xshape, wshape, bias=True, conv_attrs=None, bn_attrs=None,
                conv_out_too=False, second_reader=False, twice=False, transpose=False):
        r = rng_for(name)
        conv_attrs = dict(conv_attrs or {})
        bn_attrs = dict(bn_attrs or {})
        eps = bn_attrs.get("epsilon", 1e-5)
        x, w = uni(r, xshape), conv_w(r, wshape)
        M = wshape[1] * conv_attrs.get("group", 1) if transpose else wshape[0]
        b = uni(r, M, -0.5, 0.5) if bias else None
        ca = lambda k: conv_attrs.get(k)
        if transpose:
            c = convt_ref(x, w, b, ca("strides"), ca("dilations"), ca("pads"),
                          conv_attrs.get("group", 1), ca("output_padding"))
        else:
            c = conv_ref(x, w, b, ca("strides"), ca("dilations"), ca("pads"),
                         conv_attrs.get("group", 1), conv_attrs.get("auto_pad", "NOTSET"))
        prm = bn_params(r, M)
        y = bn_ref(c.astype(F32), *prm, eps=eps)
        nodes = [helper.make_node("ConvTranspose" if transpose else "Conv",
                                  ["x", "W"] + (["B"] if bias else []), ["c"], name="conv",
                                  **conv_attrs),
                 bn_node("c", "y" if not twice else "y1", **bn_attrs)]
        inits = [("W", w)] + ([("B", b)] if bias else []) + bn_inits(prm)
        outs = [("y", None)]
        if twice:
            prm2 = bn_params(r, M)
            nodes.append(bn_node("y1", "y", prefix="bn2", name="bn2"))
            inits += bn_inits(prm2, "bn2")
            y = bn_ref(y.astype(F32), *prm2)
        if second_reader:
            nodes.append(helper.make_node("Relu", ["c"], ["r"], name="relu"))
            outs.append(("r", np.maximum(c, 0).astype(F32)))
        if conv_out_too:
            outs.append(("c", c.astype(F32)))
        outs[0] = ("y", y.astype(F32))
        write_graph(out, name, opset, nodes, [("x", x)], outs, inits)

    conv_bn("bn_fold_conv", 13, (1, 3, 6, 6), (4, 3, 3, 3), conv_attrs={"pads": [1, 1, 1, 1]})
    conv_bn("bn_fold_conv_nobias", 15, (2, 3, 5, 5), (4, 3, 3, 3), bias=False,
            conv_attrs={"strides": [2, 2]}, bn_attrs={"epsilon": 1e-3})
    conv_bn("bn_fold_conv_group2_op9", 9, (1, 4, 5, 5), (6, 2, 3, 3),
            conv_attrs={"group": 2, "pads": [1, 0, 1, 0]})
    conv_bn("bn_fold_conv_depthwise", 14, (1, 3, 5, 5), (3, 1, 3, 3),
            conv_attrs={"group": 3, "pads": [1, 1, 1, 1]}, bn_attrs={"training_mode": 0})
    conv_bn("bn_fold_conv_1d", 13, (2, 3, 8), (4, 3, 3), conv_attrs={"dilations": [2]})
    conv_bn("bn_fold_conv_3d", 13, (1, 2, 3, 4, 4), (3, 2, 2, 2, 2), bias=False)
    conv_bn("bn_fold_conv_twice", 13, (1, 3, 5, 5), (4, 3, 3, 3))
    # must not fold: the Conv's output is also a graph output / has another reader
    conv_bn("bn_nofold_conv_output_is_graph_output", 13, (1, 3, 5, 5), (4, 3, 3, 3),
            conv_out_too=True)
    conv_bn("bn_nofold_conv_two_readers", 13, (1, 3, 5, 5), (4, 3, 3, 3), second_reader=True)
    # must not fold: ConvTranspose (its W is [C][M/group], not per output row)
    conv_bn("bn_nofold_convtranspose", 13, (1, 3, 3, 3), (3, 2, 3, 3), transpose=True,
            conv_attrs={"strides": [2, 2]})

    def gemm_bn(name, opset, N, K, Mo, transA=0, transB=0, alpha=None, beta=None,
                cshape="vec", matmul=False, rank3=False):
        r = rng_for(name)
        if rank3:  # MatMul [B][T][K] @ [K][M]: BN's channel axis is T, no fold
            a = uni(r, (2, N, K))
        else:
            a = uni(r, (K, N) if transA else (N, K))
        wt = uni(r, (Mo, K) if transB else (K, Mo)) * F32(1 / math.sqrt(K))
        attrs = {}
        inits = [("W", wt)]
        node_in = ["a", "W"]
        cval = None
        if matmul:
            c = a.astype(F64) @ wt.astype(F64)
            nodes = [helper.make_node("MatMul", node_in, ["c"], name="matmul")]
        else:
            for k, v in (("transA", transA), ("transB", transB), ("alpha", alpha),
                         ("beta", beta)):
                if v:
                    attrs[k] = v
            if cshape is not None:
                shp = {"vec": (Mo,), "row": (1, Mo), "scalar": (1,), "full": (N, Mo)}[cshape]
                cval = uni(r, shp, -0.5, 0.5)
                inits.append(("C", cval))
                node_in = node_in + ["C"]
            c = gemm_ref(a, wt, cval, alpha or 1.0, 1.0 if beta is None else beta, transA, transB)
            nodes = [helper.make_node("Gemm", node_in, ["c"], name="gemm", **attrs)]
        ch = c.shape[1]
        prm = bn_params(r, ch)
        nodes.append(bn_node("c", "y"))
        y = bn_ref(c.astype(F32), *prm).astype(F32)
        write_graph(out, name, opset, nodes, [("a", a)], [("y", y)], inits + bn_inits(prm))

    gemm_bn("bn_fold_gemm_transb", 13, 4, 6, 5, transB=1)
    gemm_bn("bn_fold_gemm_transb_alpha_beta", 11, 3, 5, 4, transB=1, alpha=0.5, beta=2.0)
    gemm_bn("bn_fold_gemm_nobias", 13, 3, 5, 4, cshape=None)
    gemm_bn("bn_fold_gemm_transa_row_bias", 14, 3, 6, 4, transA=1, cshape="row", beta=0.25)
    gemm_bn("bn_fold_gemm_scalar_bias", 15, 3, 4, 5, transB=1, cshape="scalar", beta=-1.5)
    gemm_bn("bn_nofold_gemm_full_bias", 13, 3, 4, 5, cshape="full")
    gemm_bn("bn_fold_matmul", 13, 4, 6, 5, matmul=True)
    gemm_bn("bn_fold_matmul_op9", 9, 2, 3, 7, matmul=True)
    gemm_bn("bn_nofold_matmul_rank3", 13, 4, 6, 5, matmul=True, rank3=True)

    # statistics given at run time: no fold, the formula runs on the inputs
    name = "bn_nofold_stats_are_inputs"
    r = rng_for(name)
    x, w = uni(r, (1, 3, 5, 5)), conv_w(r, (4, 3, 3, 3))
    b = uni(r, 4, -0.5, 0.5)
    sc, bb, m, v = bn_params(r, 4)
    c = conv_ref(x, w, b, pads=[1, 1, 1, 1])
    y = bn_ref(c.astype(F32), sc, bb, m, v).astype(F32)
    nodes = [helper.make_node("Conv", ["x", "W", "B"], ["c"], name="conv", pads=[1, 1, 1, 1]),
             helper.make_node("BatchNormalization", ["c", "scale", "bn_B", "mean", "bn_var"],
                              ["y"], name="bn")]
    write_graph(out, name, 14, nodes, [("x", x), ("scale", sc), ("mean", m)], [("y", y)],
                [("W", w), ("B", b), ("bn_B", bb), ("bn_var", v)])
    # a Conv whose W is a graph input: no fold
    name = "bn_nofold_conv_w_input"
    r = rng_for(name)
    x, w = uni(r, (1, 2, 5, 5)), conv_w(r, (3, 2, 3, 3))
    prm = bn_params(r, 3)
    c = conv_ref(x, w)
    y = bn_ref(c.astype(F32), *prm).astype(F32)
    nodes = [helper.make_node("Conv", ["x", "W"], ["c"], name="conv"), bn_node("c", "y")]
    write_graph(out, name, 13, nodes, [("x", x), ("W", w)], [("y", y)], bn_inits(prm))


def gen_bad(out):
    def one(name, opset, op, expect, xshape, yshape, n_in=("x",), inits=(), n_out=("y",),
            xdtype=F32, **attrs):
        outs = [(o, xdtype, yshape) for o in n_out]
        write_bad(out, name, opset, [helper.make_node(op, list(n_in), list(n_out), name=name,
                                                      **attrs)],
                  [("x", xdtype, list(xshape))], outs, expect, inits)

    w = lambda *sh: np.full(sh, 0.1, F32)
    one("conv_group_not_dividing", 13, "Conv",
        r"attribute group: must be >= 1 and divide the 3 input channels, got 2",
        (1, 3, 5, 5), [1, 2, 3, 3], n_in=("x", "W"), inits=[("W", w(2, 1, 3, 3))], group=2)
    one("conv_w_channels_mismatch", 13, "Conv",
        r"input 'W': shape \[2\]\[3\] does not fit 4 input channels in 1 groups",
        (1, 4, 5, 5), [1, 2, 3, 3], n_in=("x", "W"), inits=[("W", w(2, 3, 3, 3))])
    one("conv_kernel_larger_than_padded_input", 13, "Conv",
        r"kernel: dilated kernel 5 is larger than padded input 4 along spatial dim 1",
        (1, 1, 6, 3), [1, 1, 2, 1], n_in=("x", "W"), inits=[("W", w(1, 1, 5, 5))],
        pads=[0, 1, 0, 0])
    one("conv_dilated_kernel_larger_than_input", 13, "Conv",
        r"kernel: dilated kernel 7 is larger than padded input 6 along spatial dim 0",
        (1, 1, 6, 6), [1, 1, 1, 4], n_in=("x", "W"), inits=[("W", w(1, 1, 3, 3))],
        dilations=[3, 1])
    one("conv_negative_pads", 13, "Conv",
        r"attribute pads: value 1 must be in \[0, 2\^31\), got -1", (1, 1, 5, 5), [1, 1, 3, 3],
        n_in=("x", "W"), inits=[("W", w(1, 1, 3, 3))], pads=[0, -1, 0, 0])
    one("conv_strides_zero", 13, "Conv",
        r"attribute strides: value 0 must be in \[1, 2\^31\), got 0", (1, 1, 5, 5), [1, 1, 3, 3],
        n_in=("x", "W"), inits=[("W", w(1, 1, 3, 3))], strides=[0, 1])
    one("conv_pads_wrong_count", 13, "Conv", r"attribute pads: needs 4 values for this input, got 2",
        (1, 1, 5, 5), [1, 1, 3, 3], n_in=("x", "W"), inits=[("W", w(1, 1, 3, 3))],
        pads=[1, 1])
    one("conv_kernel_shape_mismatch", 13, "Conv",
        r"attribute kernel_shape: value 1 is 2 but W's kernel is 3", (1, 1, 5, 5),
        [1, 1, 3, 3], n_in=("x", "W"), inits=[("W", w(1, 1, 3, 3))], kernel_shape=[3, 2])
    one("conv_auto_pad_unknown", 13, "Conv",
        r"attribute auto_pad: must be NOTSET, VALID, SAME_UPPER or SAME_LOWER, got 'SAME'",
        (1, 1, 5, 5), [1, 1, 5, 5], n_in=("x", "W"), inits=[("W", w(1, 1, 3, 3))],
        auto_pad="SAME")
    one("conv_bias_wrong_length", 13, "Conv",
        r"input 'B': must be a vector of the 2 output channels, got float\[3\]", (1, 1, 5, 5), [1, 2, 3, 3],
        n_in=("x", "W", "B"), inits=[("W", w(2, 1, 3, 3)), ("B", w(3))])
    one("conv_4d_spatial", 13, "Conv",
        r"Conv over 4 spatial dims is not implemented", (1, 1, 3, 3, 3, 3), [1, 1, 3, 3, 3, 3],
        n_in=("x", "W"), inits=[("W", w(1, 1, 1, 1, 1, 1))])
    one("convtranspose_output_padding_ge_stride", 13, "ConvTranspose",
        r"attribute output_padding: value 0 \(2\) must be smaller than the stride or dilation",
        (1, 1, 3, 3), [1, 1, 7, 7], n_in=("x", "W"), inits=[("W", w(1, 1, 3, 3))],
        strides=[2, 2], output_padding=[2, 0])
    one("convtranspose_group_not_dividing", 13, "ConvTranspose",
        r"attribute group: must be >= 1 and divide the 3 input channels, got 2",
        (1, 3, 3, 3), [1, 2, 5, 5], n_in=("x", "W"), inits=[("W", w(3, 1, 3, 3))], group=2)
    one("bn_training_mode", 14, "BatchNormalization",
        r"attribute training_mode: only inference \(0\) is supported, got 1", (2, 3, 4),
        [2, 3, 4], n_in=("x", "s", "b", "m", "v"),
        inits=[(k, w(3)) for k in ("s", "b", "m", "v")], training_mode=1)
    one("bn_spatial0_op7", 7, "BatchNormalization",
        r"attribute spatial: only 1 \(per-channel statistics\) is supported, got 0", (2, 3, 4),
        [2, 3, 4], n_in=("x", "s", "b", "m", "v"),
        inits=[(k, w(3)) for k in ("s", "b", "m", "v")], spatial=0)
    one("bn_spatial_op9", 9, "BatchNormalization", r"spatial", (2, 3, 4), [2, 3, 4],
        n_in=("x", "s", "b", "m", "v"), inits=[(k, w(3)) for k in ("s", "b", "m", "v")],
        spatial=1)
    one("bn_stats_wrong_length", 15, "BatchNormalization",
        r"input 'mean': must be a vector of the 3 channels of X, got float\[4\]",
        (2, 3, 4), [2, 3, 4],
        n_in=("x", "s", "b", "m", "v"),
        inits=[("s", w(3)), ("b", w(3)), ("m", w(4)), ("v", w(3))])
    one("bn_training_outputs", 9, "BatchNormalization", r"training statistic", (2, 3, 4),
        [2, 3, 4], n_in=("x", "s", "b", "m", "v"), n_out=("y", "rm"),
        inits=[(k, w(3)) for k in ("s", "b", "m", "v")])
    one("pool_maxpool_storage_order_2", 12, "MaxPool",
        r"attribute storage_order: must be 0 or 1, got 2", (1, 1, 4, 4), [1, 1, 2, 2], kernel_shape=[2, 2],
        strides=[2, 2], storage_order=2)
    one("pool_avgpool_unknown_attribute", 11, "AveragePool", r"storage_order", (1, 1, 4, 4),
        [1, 1, 2, 2], kernel_shape=[2, 2], strides=[2, 2], storage_order=0)
    one("pool_avgpool_dilations_op11", 11, "AveragePool", r"dilations", (1, 1, 4, 4),
        [1, 1, 3, 3], kernel_shape=[2, 2], dilations=[1, 1])
    one("pool_maxpool_no_kernel_shape", 12, "MaxPool",
        r"attribute kernel_shape: required, with 2 values", (1, 1, 4, 4), [1, 1, 2, 2],
        strides=[2, 2])
    one("pool_maxpool_ceil_mode_2", 12, "MaxPool", r"attribute ceil_mode: must be 0 or 1, got 2", (1, 1, 4, 4),
        [1, 1, 2, 2], kernel_shape=[2, 2], ceil_mode=2)
    # a window of padding only (AveragePool would divide by no element, MaxPool has no value)
    one("pool_avgpool_pad_as_wide_as_window", 11, "AveragePool",
        r"attribute pads: padding of 2 along spatial dim 0 is not smaller than the window \(2\)",
        (1, 1, 4), [1, 1, 4], kernel_shape=[2], pads=[2, 0])
    one("pool_maxpool_pad_wider_than_window", 12, "MaxPool",
        r"attribute pads: padding of 3 along spatial dim 1 is not smaller than the window \(2\)",
        (1, 1, 4, 4), [1, 1, 4, 5], kernel_shape=[2, 2], pads=[0, 0, 0, 3])
    one("pool_avgpool_int32", 11, "AveragePool", r"AveragePool of int32 is not implemented",
        (1, 1, 4, 4), [1, 1, 2, 2], xdtype=np.int32, kernel_shape=[2, 2], strides=[2, 2])
    one("pool_global_rank2", 13, "GlobalAveragePool",
        r"input 'X': must be \[N\]\[C\]\[spatial...\], got rank 2", (2, 3), [2, 3])


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(here, "..", "..", "testdata", "onnx-node-extra"))
    ap.add_argument("--bad", default=os.path.join(here, "..", "..", "testdata",
                                                  "onnx-node-extra-bad"))
    args = ap.parse_args()
    gen_conv(args.out)
    gen_conv_act(args.out)
    gen_convtranspose(args.out)
    gen_pool(args.out)
    gen_bn(args.out)
    gen_bad(args.bad)


if __name__ == "__main__":
    main()
