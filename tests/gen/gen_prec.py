#!/usr/bin/python3
"""Writes testdata/prec: test data for `rnnc --weights f16|bf16|i8`, from an implementation of
the rounding that shares nothing with rnnc's (NumPy here, quant.c there).

testdata/prec/<case>/model.onnx with one data directory per precision, <prec>/input_N.pb and
<prec>/output_N.pb:
  readout_*   a product whose input is an identity matrix, so the output IS the weights as the
              kernel holds them: the expected output is NumPy's rounding of the fp32 weights
              (checked with --atol 0 --rtol 0: the weight equals the rounding, bit for bit);
  the others  PyTorch exports from testdata/torch*, and models made here (GRU with
              linear_before_reset = 0, several kernel panels): the expected output is ONNX
              Runtime's on a copy of the model whose weights NumPy rounded, so the generated code
              and the interpreter must match an independent engine given the same weights
              (default tolerances); f32 is ONNX Runtime on the model as it is.

Which weights are rounded (rnnc's rule, docs/precision.md): W and R of RNN/LSTM/GRU, B of
MatMul/Gemm (2-D constant), W of Conv (C/G * kernel taps >= 4, not depthwise), each as the
kernel's rows (one output each): i8 keeps one scale per row, s = max|row| / 127, q =
round-half-even(w / s) clamped to [-127, 127], w' = float(q) * s.

Dev tool (needs onnx, numpy and onnxruntime-node, see tests/gen/ort_run.js):
  /usr/bin/python3 tests/gen/gen_prec.py [--ort /tmp/ortq/node_modules]
"""
import argparse
import os
import shutil
import sys
import tempfile

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from gen_qdq import run_ort as run_ort_file, write_pb  # noqa: E402 (through ort_run.js)
ROOT = os.path.dirname(os.path.dirname(HERE))
PRECS = ["f32", "f16", "bf16", "i8"]


# ---- the rounding ---------------------------------------------------------------------------

def round_f16(w):
    return w.astype(np.float16).astype(np.float32)  # IEEE round to nearest even


def round_bf16(w):
    u = np.ascontiguousarray(w, np.float32).view(np.uint32).astype(np.uint64)
    r = ((u + 0x7FFF + ((u >> 16) & 1)) >> 16) << 16  # to nearest, ties to even
    return r.astype(np.uint32).view(np.float32).reshape(w.shape)


def round_i8_rows(m):
    """m: [rows][k] float32, one scale per row."""
    amax = np.abs(m.astype(np.float64)).max(axis=1) if m.shape[1] else np.zeros(m.shape[0])
    s = np.where(amax > 0, amax / 127.0, 1.0).astype(np.float32)
    q = np.clip(np.rint(m.astype(np.float64) / s[:, None].astype(np.float64)), -127, 127)
    return (q.astype(np.float32) * s[:, None]).astype(np.float32)


def round_rows(m, prec):
    """m as [rows][k] (a view is fine): the rounded copy."""
    if prec == "f32":
        return m.copy()
    if prec == "f16":
        return round_f16(m)
    if prec == "bf16":
        return round_bf16(m)
    return round_i8_rows(m)


def attr(node, name, default):
    for a in node.attribute:
        if a.name == name:
            return helper.get_attribute_value(a)
    return default


def weight_rows(node, k, arr):
    """The kernel-row view of input k of node (a function arr -> [rows][k] and back), or None
    when rnnc's kernels do not read it as a weight."""
    op = node.op_type
    if op in ("LSTM", "GRU", "RNN") and k in (1, 2):
        return (lambda a: a.reshape(-1, a.shape[-1])), (lambda r: r.reshape(arr.shape))
    if op == "Gemm" and k == 1 and arr.ndim == 2:
        if attr(node, "transA", 0) or attr(node, "alpha", 1.0) != 1.0:
            return None
        if attr(node, "transB", 0):
            return (lambda a: a), (lambda r: r)
        return (lambda a: a.T), (lambda r: r.T)
    if op == "MatMul" and k == 1 and arr.ndim == 2:
        return (lambda a: a.T), (lambda r: r.T)
    if op == "Conv" and k == 1:
        group = attr(node, "group", 1)
        kg = int(np.prod(arr.shape[1:]))
        if kg < 4 or (arr.shape[1] == 1 and group > 1):
            return None
        return (lambda a: a.reshape(arr.shape[0], -1)), (lambda r: r.reshape(arr.shape))
    return None


def rounded_model(m, prec):
    """A copy of m with every weight initializer rounded (each read only as a weight)."""
    m = onnx.ModelProto.FromString(m.SerializeToString())
    inits = {t.name: t for t in m.graph.initializer}
    uses = {}
    for node in m.graph.node:
        for k, name in enumerate(node.input):
            if name in inits:
                uses.setdefault(name, []).append((node, k))
    outputs = {o.name for o in m.graph.output}
    n = 0
    for name, us in uses.items():
        t = inits[name]
        if t.data_type != TensorProto.FLOAT or name in outputs:
            continue
        arr = numpy_helper.to_array(t).astype(np.float32)
        views = [weight_rows(node, k, arr) for node, k in us]
        if any(v is None for v in views):
            continue
        to_rows, back = views[0]
        r = back(round_rows(np.ascontiguousarray(to_rows(arr)), prec))
        t.CopyFrom(numpy_helper.from_array(np.ascontiguousarray(r, np.float32), name))
        n += 1
    return m, n


# ---- models ---------------------------------------------------------------------------------

def load(src):
    d = os.path.join(ROOT, "testdata", src)
    m = onnx.load(os.path.join(d, "model.onnx"))
    ins, k = [], 0
    while os.path.exists(os.path.join(d, "test_data_set_0", "input_%d.pb" % k)):
        t = TensorProto()
        with open(os.path.join(d, "test_data_set_0", "input_%d.pb" % k), "rb") as f:
            t.ParseFromString(f.read())
        ins.append(numpy_helper.to_array(t))
        k += 1
    return m, ins


def gru_lbr0(rng):
    """GRU, linear_before_reset = 0 (R's rows cut in two segments), hidden 80 (240 gate rows:
    four panels, the last of 48), bidirectional, batch 3, initial state."""
    T, B, I, H = 7, 3, 37, 80
    w = (rng.standard_normal((2, 3 * H, I)) * 0.2).astype(np.float32)
    r = (rng.standard_normal((2, 3 * H, H)) * 0.1).astype(np.float32)
    b = (rng.standard_normal((2, 6 * H)) * 0.1).astype(np.float32)
    node = helper.make_node("GRU", ["x", "W", "R", "B", "", "h0"], ["y", "yh"], hidden_size=H,
                            direction="bidirectional", linear_before_reset=0)
    g = helper.make_graph(
        [node], "gru_lbr0",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [T, B, I]),
         helper.make_tensor_value_info("h0", TensorProto.FLOAT, [2, B, H])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [T, 2, B, H]),
         helper.make_tensor_value_info("yh", TensorProto.FLOAT, [2, B, H])],
        [numpy_helper.from_array(w, "W"), numpy_helper.from_array(r, "R"),
         numpy_helper.from_array(b, "B")])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 14)], producer_name="gen_prec")
    ins = [rng.uniform(-1, 1, (T, B, I)).astype(np.float32),
           rng.uniform(-0.5, 0.5, (2, B, H)).astype(np.float32)]
    return m, ins


def lstm_mlp(rng):
    """LSTM (hidden 96: 384 gate rows) then MatMul (B [96][70]) + Add and Gemm (transB = 0):
    a layer wider than one panel, MatMul's column rows, Gemm without transB."""
    T, B, I, H, N = 6, 2, 50, 96, 70
    w = (rng.standard_normal((1, 4 * H, I)) * 0.15).astype(np.float32)
    r = (rng.standard_normal((1, 4 * H, H)) * 0.08).astype(np.float32)
    mb = (rng.standard_normal((H, N)) * 0.3).astype(np.float32)
    gb = (rng.standard_normal((N, 9)) * 0.3).astype(np.float32)
    gc = (rng.standard_normal((9,)) * 0.1).astype(np.float32)
    nodes = [helper.make_node("LSTM", ["x", "W", "R"], ["y", "yh"], hidden_size=H),
             helper.make_node("Squeeze", ["yh", "ax"], ["h"]),
             helper.make_node("MatMul", ["h", "MB"], ["z"]),
             helper.make_node("Tanh", ["z"], ["zt"]),
             helper.make_node("Gemm", ["zt", "GB", "GC"], ["out"])]
    g = helper.make_graph(
        nodes, "lstm_mlp", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [T, B, I])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [T, 1, B, H]),
         helper.make_tensor_value_info("out", TensorProto.FLOAT, [B, 9])],
        [numpy_helper.from_array(w, "W"), numpy_helper.from_array(r, "R"),
         numpy_helper.from_array(mb, "MB"), numpy_helper.from_array(gb, "GB"),
         numpy_helper.from_array(gc, "GC"), numpy_helper.from_array(np.array([0], np.int64), "ax")])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 14)], producer_name="gen_prec")
    return m, [rng.uniform(-1, 1, (T, B, I)).astype(np.float32)]


def edge_weights(rows, k, rng):
    """Random weights with the values where rounding is delicate: ties of each format (f16:
    1 + 2^-11 -> 1, 1 + 3 * 2^-11 -> 1 + 2^-9; bf16: 1 + 2^-8 -> 1, 1 + 3 * 2^-8 -> 1 + 2^-6;
    i8 with scale 1: 0.5 -> 0, 1.5 -> 2, -2.5 -> -2), f16 subnormals, 65504, a zero row."""
    w = (rng.standard_normal((rows, k)) * np.exp(rng.uniform(-6, 3, (rows, 1)))).astype(np.float32)
    w[0, :8] = [1 + 2.0 ** -11, 1 + 3 * 2.0 ** -11, 1 + 2.0 ** -8, 1 + 3 * 2.0 ** -8, 3e-6,
                -6.1e-5, 65504.0, -1e-8]
    w[1, :6] = [127.0, 0.5, 1.5, -2.5, 126.5, -127.0]
    w[2, :] = 0
    return w


def readout_matmul(rng):
    """Y = I . B, B [K][N]: Y is B as the kernel holds it (rows of the kernel: B's columns)."""
    K, N = 9, 70
    b = edge_weights(N, K, rng).T.copy()
    g = helper.make_graph([helper.make_node("MatMul", ["x", "B"], ["y"])], "readout_matmul",
                          [helper.make_tensor_value_info("x", TensorProto.FLOAT, [K, K])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [K, N])],
                          [numpy_helper.from_array(b, "B")])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)], producer_name="gen_prec")
    return m, [np.eye(K, dtype=np.float32)], lambda mm: [numpy_helper.to_array(
        mm.graph.initializer[0])]


def readout_gemm(rng):
    """Y = I . B^T (Gemm transB = 1, B [N][K]): Y^T is B as the kernel holds it."""
    K, N = 12, 33
    b = edge_weights(N, K, rng)
    g = helper.make_graph([helper.make_node("Gemm", ["x", "B"], ["y"], transB=1)], "readout_gemm",
                          [helper.make_tensor_value_info("x", TensorProto.FLOAT, [K, K])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [K, N])],
                          [numpy_helper.from_array(b, "B")])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)], producer_name="gen_prec")
    return m, [np.eye(K, dtype=np.float32)], lambda mm: [numpy_helper.to_array(
        mm.graph.initializer[0]).T.copy()]


def readout_conv(rng):
    """Conv1d, kernel 1, on X[0][c][l] = (c == l): Y[0][m][l] = W[m][l][0]."""
    C, M = 8, 20
    w = edge_weights(M, C, rng).reshape(M, C, 1)
    g = helper.make_graph([helper.make_node("Conv", ["x", "W"], ["y"], kernel_shape=[1])],
                          "readout_conv",
                          [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, C, C])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, M, C])],
                          [numpy_helper.from_array(w, "W")])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)], producer_name="gen_prec")
    return m, [np.eye(C, dtype=np.float32)[None]], lambda mm: [numpy_helper.to_array(
        mm.graph.initializer[0]).reshape(1, M, C)]


TORCH = ["torch/lstm_l2_bidir_bf_lastlin_dyns_op17", "torch/gru_l2_bidir_bf_lastlin_dyns_op13",
         "torch/rnn_tanh_l2_bidir_bf_lastlin_dyns_op11", "torch_patterns/kws_conv_gru_op13",
         "torch_patterns/crnn_ocr_bilstm_op13"]
MADE = {"gru_lbr0": gru_lbr0, "lstm_mlp": lstm_mlp}
READOUT = {"readout_matmul": readout_matmul, "readout_gemm": readout_gemm,
           "readout_conv": readout_conv}


# ---- writing --------------------------------------------------------------------------------

def run_ort(m, ins, node_path):
    """ONNX Runtime's outputs of model m (a ModelProto) on ins, as arrays."""
    with tempfile.TemporaryDirectory() as tmp:
        mp = os.path.join(tmp, "model.onnx")
        onnx.save(m, mp)
        init = {t.name for t in m.graph.initializer}
        names = [i.name for i in m.graph.input if i.name not in init]
        res = run_ort_file(mp, names, ins, node_path)
    if "error" in res:
        sys.exit("ONNX Runtime: " + res["error"])
    return [np.array(res[o.name]["data"], dtype=res[o.name]["type"]).reshape(res[o.name]["dims"])
            for o in m.graph.output]


def write_case(out, case, m, ins, outs_of):
    d = os.path.join(out, case)
    os.makedirs(d)
    onnx.save(m, os.path.join(d, "model.onnx"))
    init = {t.name for t in m.graph.initializer}
    names = [i.name for i in m.graph.input if i.name not in init]
    for prec in PRECS:
        rm, n = rounded_model(m, prec)
        outs = outs_of(rm)
        pd = os.path.join(d, prec)
        os.makedirs(pd)
        for k, (name, x) in enumerate(zip(names, ins)):
            write_pb(x, os.path.join(pd, "input_%d.pb" % k), name)
        for k, (o, y) in enumerate(zip(m.graph.output, outs)):
            write_pb(y, os.path.join(pd, "output_%d.pb" % k), o.name)
        print("prec/%s/%s: %d weights rounded" % (case, prec, n))


def bad_cases():
    """Weights a precision cannot hold: (model, --weights, the error's words)."""
    def mm(val):
        b = np.ones((4, 3), np.float32)
        b[2, 1] = val
        g = helper.make_graph([helper.make_node("MatMul", ["x", "B"], ["y"], name="mm")], "bad",
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 4])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 3])],
                              [numpy_helper.from_array(b, "B")])
        return helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
    return {
        "f16_overflow": (mm(70000.0), "f16", "node 'mm' ('MatMul'): --weights f16: weight 'B' "
                         "element 7 is 70000, beyond the largest finite float16, 65504"),
        "bf16_overflow": (mm(3.4028235e38), "bf16", "node 'mm' ('MatMul'): --weights bf16: weight "
                          "'B' element 7 is 3.40282347e+38, beyond the largest finite bfloat16"),
        "i8_inf": (mm(np.inf), "i8", "node 'mm' ('MatMul'): --weights i8: weight 'B' element 7 is "
                   "inf, and 8-bit weights must be finite"),
        "i8_nan": (mm(np.nan), "i8", "node 'mm' ('MatMul'): --weights i8: weight 'B' element 7 is "
                   "nan, and 8-bit weights must be finite"),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--ort", default="/tmp/ortq/node_modules")
    ap.add_argument("--out", default=os.path.join(ROOT, "testdata", "prec"))
    a = ap.parse_args()
    shutil.rmtree(a.out, ignore_errors=True)
    rng = np.random.default_rng(20261207)
    for src in TORCH:
        m, ins = load(src)
        write_case(a.out, os.path.basename(src), m, ins, lambda rm: run_ort(rm, ins, a.ort))
    for case, fn in MADE.items():
        m, ins = fn(rng)
        write_case(a.out, case, m, ins, lambda rm: run_ort(rm, ins, a.ort))
    for case, fn in READOUT.items():
        m, ins, readout = fn(rng)
        write_case(a.out, case, m, ins, readout)
    bad = a.out + "_bad"
    shutil.rmtree(bad, ignore_errors=True)
    for case, (m, prec, expect) in bad_cases().items():
        os.makedirs(os.path.join(bad, case))
        onnx.save(m, os.path.join(bad, case, "model.onnx"))
        with open(os.path.join(bad, case, "weights"), "w") as f:
            f.write(prec + "\n")
        with open(os.path.join(bad, case, "expect"), "w") as f:
            f.write(expect + "\n")


if __name__ == "__main__":
    main()
