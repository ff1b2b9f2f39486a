#!/usr/bin/python3
"""gen_qdq.py: quantised (QDQ) models as ONNX Runtime's quantisation tools write them, made from
this repo's PyTorch exports, with ONNX Runtime's outputs as the expected values.

  /usr/bin/python3 tests/gen/gen_qdq.py [--ort NODE_MODULES] [--out testdata]

Every float weight W of an export becomes DequantizeLinear(W_q, scale, zero_point), W_q an
int8/uint8 initializer (biases int32 with zero point 0, as ORT quantises Conv/Gemm biases), and
some activations get a QuantizeLinear -> DequantizeLinear pair (the input's quantisation).
testdata/qdq/<case>/ holds model.onnx and test_data_set_0 (the source export's input, the
outputs ONNX Runtime computes with graph optimisations off: at the default level ORT fuses
DequantizeLinear -> Conv -> QuantizeLinear into integer kernels that round differently);
testdata/qdq_bad/<case>/ holds models with one bad quantisation parameter and `expect`, the
regex of the error rnnc must give (testdata/qdq_stream_bad/: the same under --stream). Also ONNX Runtime's dynamic quantisation of a MatMul
(DynamicQuantizeLinear -> MatMulInteger -> Cast -> Mul) and single-op cases of those ops. ORT runs from node (tests/gen/ort_run.js, onnxruntime-node:
`mkdir -p /tmp/ortq && cd /tmp/ortq && npm install --ignore-scripts onnxruntime-node`)."""
import argparse
import copy
import json
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

ONNX_TO_JS = {TensorProto.FLOAT: "float32", TensorProto.INT32: "int32",
              TensorProto.UINT8: "uint8", TensorProto.INT8: "int8"}


# Quantisation of a weight: per tensor (axis None) or per axis; symmetric int8 (zero point 0)
# or asymmetric uint8 (zero point from the range), as ORT's quantize_static does.
def quantize(w, dtype, axis=None):
    w = w.astype(np.float32)
    if axis is None:
        red = None
    else:
        axis = axis % w.ndim
        red = tuple(d for d in range(w.ndim) if d != axis)
    lo = np.minimum(w.min(axis=red), 0).astype(np.float64)
    hi = np.maximum(w.max(axis=red), 0).astype(np.float64)
    if dtype == np.int8:
        scale = np.maximum(np.maximum(-lo, hi) / 127.0, 1e-8)
        zp = np.zeros_like(scale)
    else:
        scale = np.maximum((hi - lo) / 255.0, 1e-8)
        zp = np.clip(np.round(-lo / scale), 0, 255)
    scale = np.asarray(scale, np.float32)
    zp = np.asarray(zp).astype(dtype)
    shape = [1] * w.ndim
    if axis is not None:
        shape[axis] = -1
    s = scale.reshape(shape).astype(np.float32)
    z = zp.reshape(shape).astype(np.float64)
    info = np.iinfo(dtype)
    q = np.clip(np.rint(w / s) + z, info.min, info.max).astype(dtype)
    return q, scale, zp


def quantize_bias(b, scale, axis=None):
    """int32, zero point 0 (DequantizeLinear with two inputs), as ORT quantises biases."""
    s = scale if axis is None else scale.reshape(-1)
    q = np.rint(b.astype(np.float64) / s).astype(np.int32)
    return q, np.asarray(scale, np.float32)


class Rewriter:
    """Adds DequantizeLinear / QuantizeLinear nodes in front of the consumers of a value."""

    def __init__(self, model):
        self.m = model
        self.g = model.graph
        self.new_nodes = []  # (index to insert before, node)

    def init(self, name):
        for i, t in enumerate(self.g.initializer):
            if t.name == name:
                return i, numpy_helper.to_array(t)
        raise KeyError(name)

    def _add_init(self, arr, name):
        self.g.initializer.append(numpy_helper.from_array(np.asarray(arr), name))

    def dq_weight(self, name, q, scale, zp, axis=None, per_axis_shape=True):
        """Replaces float initializer `name` by DequantizeLinear(name_q, name_scale, name_zp)."""
        i, _ = self.init(name)
        del self.g.initializer[i]
        self._add_init(q, name + "_q")
        self._add_init(scale if axis is not None else np.float32(scale.reshape(())), name + "_scale")
        inputs = [name + "_q", name + "_scale"]
        if zp is not None:
            self._add_init(zp if axis is not None else zp.reshape(()), name + "_zp")
            inputs.append(name + "_zp")
        attrs = {"axis": axis} if axis is not None else {}
        node = helper.make_node("DequantizeLinear", inputs, [name], name="dq_" + name, **attrs)
        self.new_nodes.append((0, node))

    def qdq_value(self, name, scale, zp):
        """Every reader of value `name` reads DequantizeLinear(QuantizeLinear(name)) instead."""
        qn, dqn = name + "_quantized", name + "_dequantized"
        for n in self.g.node:
            for k, x in enumerate(n.input):
                if x == name:
                    n.input[k] = dqn
        self._add_init(np.float32(scale), name + "_act_scale")
        self._add_init(zp, name + "_act_zp")
        at = 0
        for k, n in enumerate(self.g.node):
            if name in n.output:
                at = k + 1
        self.new_nodes.append((at, helper.make_node(
            "QuantizeLinear", [name, name + "_act_scale", name + "_act_zp"], [qn], name="q_" + name)))
        self.new_nodes.append((at, helper.make_node(
            "DequantizeLinear", [qn, name + "_act_scale", name + "_act_zp"], [dqn],
            name="dq_" + name)))

    def done(self):
        nodes = list(self.g.node)
        out = []
        for k in range(len(nodes) + 1):
            out.extend(node for at, node in self.new_nodes if at == k)
            if k < len(nodes):
                out.append(nodes[k])
        del self.g.node[:]
        self.g.node.extend(out)
        onnx.checker.check_model(self.m)
        return self.m


def load_case(src):
    m = onnx.load(os.path.join(ROOT, "testdata", src, "model.onnx"))
    ins = []
    d = os.path.join(ROOT, "testdata", src, "test_data_set_0")
    k = 0
    while os.path.exists(os.path.join(d, "input_%d.pb" % k)):
        t = TensorProto()
        with open(os.path.join(d, "input_%d.pb" % k), "rb") as f:
            t.ParseFromString(f.read())
        ins.append(numpy_helper.to_array(t))
        k += 1
    return m, ins


def act_params(x, dtype):
    q, scale, zp = quantize(x, dtype)
    return np.float32(scale.reshape(())), zp.reshape(())


# ---- the models -----------------------------------------------------------------------------

def case_gru_pertensor():
    """GRU export at opset 11 (no per-axis before 13): W symmetric int8, R asymmetric uint8, the
    bias int32 without zero point, the input x through a uint8 QuantizeLinear/DequantizeLinear."""
    m, ins = load_case("torch/gru_l1_op11")
    r = Rewriter(m)
    w, rr, b = (r.init(n)[1] for n in ("onnx::GRU_92", "onnx::GRU_93", "onnx::GRU_94"))
    q, s, z = quantize(w, np.int8)
    r.dq_weight("onnx::GRU_92", q, s, z)
    q, s, z = quantize(rr, np.uint8)
    r.dq_weight("onnx::GRU_93", q, s, z)
    qb, sb = quantize_bias(b, np.float32(1.0 / 4096))
    r.dq_weight("onnx::GRU_94", qb, sb, None)
    s, z = act_params(ins[0], np.uint8)
    r.qdq_value("x", s, z)
    return r.done(), ins


def case_lstm_peraxis():
    """Bidirectional LSTM + Linear head (MatMul) at opset 14: W per axis 1 (the 4H gate rows) int8,
    R per axis 1 uint8 with per-row zero points, the head's weight per axis -1 (its output
    columns) int8; x through an int8 QuantizeLinear/DequantizeLinear."""
    m, ins = load_case("torch/lstm_l1_bidir_nobias_lin_op14")
    r = Rewriter(m)
    w, rr, h = (r.init(n)[1] for n in ("onnx::LSTM_121", "onnx::LSTM_122", "onnx::MatMul_125"))
    q, s, z = quantize(w, np.int8, axis=1)
    r.dq_weight("onnx::LSTM_121", q, s, z, axis=1)
    q, s, z = quantize(rr, np.uint8, axis=1)
    r.dq_weight("onnx::LSTM_122", q, s, z, axis=1)
    q, s, z = quantize(h, np.int8, axis=1)
    r.dq_weight("onnx::MatMul_125", q, s, z, axis=-1)
    s, z = act_params(ins[0], np.int8)
    r.qdq_value("x", s, z)
    return r.done(), ins


def case_conv_gru_peraxis():
    """Conv1d -> Relu -> MaxPool -> GRU -> Gemm (a keyword spotter) at opset 13: the Conv weight
    per output channel (axis 0) int8 and its bias int32 per axis (input scale x weight scale, as
    ORT writes it), the GRU's W/R per tensor uint8, the Gemm weight per axis 0 int8, the Relu's
    output through a uint8 QuantizeLinear/DequantizeLinear."""
    m, ins = load_case("torch_patterns/kws_conv_gru_op13")
    r = Rewriter(m)
    cw, cb = r.init("onnx::Conv_100")[1], r.init("onnx::Conv_101")[1]
    q, s, z = quantize(cw, np.int8, axis=0)
    r.dq_weight("onnx::Conv_100", q, s, z, axis=0)
    bs = (s * np.float32(0.02)).astype(np.float32)
    qb, sb = quantize_bias(cb, bs, axis=0)
    r.dq_weight("onnx::Conv_101", qb, sb, None, axis=0)
    for n in ("onnx::GRU_119", "onnx::GRU_120"):
        q, s, z = quantize(r.init(n)[1], np.uint8)
        r.dq_weight(n, q, s, z)
    q, s, z = quantize(r.init("lin.weight")[1], np.int8, axis=0)
    r.dq_weight("lin.weight", q, s, z, axis=0)
    relu = [n for n in m.graph.node if n.op_type == "Relu"][0]
    r.qdq_value(relu.output[0], np.float32(6.0 / 255), np.uint8(0))
    return r.done(), ins


def case_quant_edges():
    """QuantizeLinear alone on the values where rounding and saturation decide: ties (x.5) to
    even, both bounds of int8 and uint8, a per-axis scale on the middle axis, -0; and back
    through DequantizeLinear (per axis, and per tensor with a [1] scale and a scalar zero point)."""
    x = np.array([[-2.5, -1.5, -0.5, -0.0, 0.5, 1.5, 2.5, 3.5],
                  [126.5, 127.5, 128.5, -128.5, -129.5, 1e30, -1e30, 0.25]],
                 np.float32).reshape(2, 2, 4)
    g = helper.make_graph(
        [helper.make_node("QuantizeLinear", ["x", "s", "z8"], ["y_i8"], name="q_int8", axis=1),
         helper.make_node("QuantizeLinear", ["x", "s1"], ["y_u8"], name="q_uint8"),
         helper.make_node("DequantizeLinear", ["y_i8", "s", "z8"], ["y_back"], name="dq_int8",
                          axis=1),
         # a [1] scale with a scalar zero point: per tensor (exporters mix the two)
         helper.make_node("DequantizeLinear", ["y_u8", "s1v", "zu"], ["y_u8_back"],
                          name="dq_uint8")],
        "quant_edges",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 2, 4])],
        [helper.make_tensor_value_info("y_i8", TensorProto.INT8, [2, 2, 4]),
         helper.make_tensor_value_info("y_u8", TensorProto.UINT8, [2, 2, 4]),
         helper.make_tensor_value_info("y_back", TensorProto.FLOAT, [2, 2, 4]),
         helper.make_tensor_value_info("y_u8_back", TensorProto.FLOAT, [2, 2, 4])],
        [numpy_helper.from_array(np.array([1.0, 0.5], np.float32), "s"),
         numpy_helper.from_array(np.array([0, -3], np.int8), "z8"),
         numpy_helper.from_array(np.float32(1.0), "s1"),
         numpy_helper.from_array(np.array([0.25], np.float32), "s1v"),
         numpy_helper.from_array(np.uint8(100), "zu")])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
    onnx.checker.check_model(m)
    return m, [x]


def case_runtime_scale():
    """Scales and zero points that arrive at run time (graph inputs): the generated code checks
    the scales and quantises per axis 0 with them; DequantizeLinear of int32 per axis."""
    g = helper.make_graph(
        [helper.make_node("QuantizeLinear", ["x", "s", "z"], ["q"], name="q_rt", axis=0),
         helper.make_node("DequantizeLinear", ["q", "s", "z"], ["y"], name="dq_rt", axis=0),
         helper.make_node("DequantizeLinear", ["acc", "s"], ["y32"], name="dq_int32", axis=0)],
        "runtime_scale",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [3, 5]),
         helper.make_tensor_value_info("s", TensorProto.FLOAT, [3]),
         helper.make_tensor_value_info("z", TensorProto.UINT8, [3]),
         helper.make_tensor_value_info("acc", TensorProto.INT32, [3, 2])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [3, 5]),
         helper.make_tensor_value_info("y32", TensorProto.FLOAT, [3, 2])], [])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
    onnx.checker.check_model(m)
    rng = np.random.default_rng(7)
    return m, [rng.standard_normal((3, 5)).astype(np.float32) * 4,
               np.array([0.03125, 0.1, 7.0], np.float32), np.array([128, 3, 250], np.uint8),
               np.array([[-2147483647, 2147483647], [123456789, -5], [16777217, 0]], np.int32)]


def case_dynamic_matmul():
    """ONNX Runtime's dynamic quantisation of the Linear head (MatMul) of a bidirectional LSTM, as
    quantize_dynamic(per_channel=True, weight_type=QInt8) writes it: DynamicQuantizeLinear of
    the activation, MatMulInteger with the int8 weight and per-column zero points, Cast to
    float, Mul by x_scale * W_scale (per column). The LSTM stays float (ORT would make it its
    com.microsoft DynamicQuantizeLSTM)."""
    m, ins = load_case("torch/lstm_l1_bidir_nobias_lin_op14")
    g = m.graph
    mm = [n for n in g.node if n.op_type == "MatMul"][0]
    a, wname, y = mm.input[0], mm.input[1], mm.output[0]
    i = [k for k, t in enumerate(g.initializer) if t.name == wname][0]
    w = numpy_helper.to_array(g.initializer[i])
    del g.initializer[i]
    q, s, z = quantize(w, np.int8, axis=1)
    g.initializer.extend([numpy_helper.from_array(q, wname + "_quantized"),
                          numpy_helper.from_array(s, wname + "_scale"),
                          numpy_helper.from_array(z, wname + "_zero_point")])
    k = list(g.node).index(mm)
    new = [
        helper.make_node("DynamicQuantizeLinear", [a], [a + "_quantized", a + "_scale",
                                                        a + "_zero_point"],
                         name=a + "_QuantizeLinear"),
        helper.make_node("MatMulInteger", [a + "_quantized", wname + "_quantized",
                                           a + "_zero_point", wname + "_zero_point"],
                         [y + "_output_quantized"], name="/lin/MatMul_quant"),
        helper.make_node("Mul", [a + "_scale", wname + "_scale"], [y + "_scales_mul"],
                         name="/lin/MatMul_quant_scales_mul"),
        helper.make_node("Cast", [y + "_output_quantized"], [y + "_output_quantized_cast"],
                         name="/lin/MatMul_quant_output_quantized_cast", to=TensorProto.FLOAT),
        helper.make_node("Mul", [y + "_output_quantized_cast", y + "_scales_mul"], [y],
                         name="/lin/MatMul_quant_output_scale_mul"),
    ]
    nodes = list(g.node)
    nodes[k:k + 1] = new
    del g.node[:]
    g.node.extend(nodes)
    onnx.checker.check_model(m)
    return m, ins


def case_dynamic_edges():
    """DynamicQuantizeLinear of an all-zero input (scale 0: 0 / 0 taken as 0) and of a row that
    is all negative, and MatMulInteger with uint8 x int8 and both zero points (scalars: ORT refuses per-row a
    zero points, which the spec allows and rnnc implements)."""
    g = helper.make_graph(
        [helper.make_node("DynamicQuantizeLinear", ["z"], ["zq", "zs", "zz"], name="dql_zero"),
         helper.make_node("DynamicQuantizeLinear", ["n"], ["nq", "ns", "nz"], name="dql_neg"),
         helper.make_node("MatMulInteger", ["a", "b", "az", "bz"], ["y"], name="mmi")],
        "dynamic_edges",
        [helper.make_tensor_value_info("z", TensorProto.FLOAT, [2, 3]),
         helper.make_tensor_value_info("n", TensorProto.FLOAT, [5]),
         helper.make_tensor_value_info("a", TensorProto.UINT8, [3, 4])],
        [helper.make_tensor_value_info(v, t, d) for v, t, d in (
            ("zq", TensorProto.UINT8, [2, 3]), ("zs", TensorProto.FLOAT, []),
            ("zz", TensorProto.UINT8, []), ("nq", TensorProto.UINT8, [5]),
            ("ns", TensorProto.FLOAT, []), ("nz", TensorProto.UINT8, []),
            ("y", TensorProto.INT32, [3, 2]))],
        [numpy_helper.from_array(np.array([[-128, 127], [5, -7], [0, 1], [127, -128]], np.int8),
                                 "b"),
         numpy_helper.from_array(np.uint8(128), "az"),
         numpy_helper.from_array(np.int8(-3), "bz")])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
    onnx.checker.check_model(m)
    return m, [np.zeros((2, 3), np.float32), np.array([-3.0, -1.5, -0.25, -2.75, -1e-3],
                                                        np.float32),
               np.array([[0, 255, 128, 7], [255, 255, 255, 255], [1, 2, 3, 4]], np.uint8)]


def case_matmulinteger_rows():
    """MatMulInteger with one zero point per row of A and per column of B, which the spec allows
    and ONNX Runtime refuses (for A): expected values from NumPy (exact integers), not ORT."""
    b = np.array([[-128, 127], [5, -7], [0, 1], [127, -128]], np.int8)
    az, bz = np.array([0, 128, 255], np.uint8), np.array([-3, 4], np.int8)
    g = helper.make_graph(
        [helper.make_node("MatMulInteger", ["a", "b", "az", "bz"], ["y"], name="mmi_rows")],
        "matmulinteger_rows", [helper.make_tensor_value_info("a", TensorProto.UINT8, [3, 4])],
        [helper.make_tensor_value_info("y", TensorProto.INT32, [3, 2])],
        [numpy_helper.from_array(b, "b"), numpy_helper.from_array(az, "az"),
         numpy_helper.from_array(bz, "bz")])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
    onnx.checker.check_model(m)
    a = np.array([[0, 255, 128, 7], [255, 255, 255, 255], [1, 2, 3, 4]], np.uint8)
    y = (a.astype(np.int64) - az[:, None]) @ (b.astype(np.int64) - bz[None, :])
    return m, [a], [y.astype(np.int32)]


def case_dynamic_nan_tiny():
    """DynamicQuantizeLinear and QuantizeLinear where ONNX leaves the result open and rnnc fixes
    it: NaN elements (no part in the range, quantised to the zero point), a range so small
    that the scale underflows to 0 (zero point 0, the tiny element saturates). No expected
    outputs (JSON cannot carry NaN to ORT): `rnnc check` compares generated code with the
    interpreter."""
    g = helper.make_graph(
        [helper.make_node("DynamicQuantizeLinear", ["x"], ["q", "s", "z"], name="dql_nan_tiny"),
         helper.make_node("QuantizeLinear", ["x", "qs", "qz"], ["q2"], name="q_nan")],
        "dynamic_nan_tiny", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [4])],
        [helper.make_tensor_value_info("q", TensorProto.UINT8, [4]),
         helper.make_tensor_value_info("s", TensorProto.FLOAT, []),
         helper.make_tensor_value_info("z", TensorProto.UINT8, []),
         helper.make_tensor_value_info("q2", TensorProto.INT8, [4])],
        [numpy_helper.from_array(np.float32(1e-45), "qs"),
         numpy_helper.from_array(np.int8(-5), "qz")])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
    onnx.checker.check_model(m)
    return m, [np.array([1e-44, 0.0, np.nan, -0.0], np.float32)], []


CASES = {
    "qdq_gru_pertensor_op11": case_gru_pertensor,
    "qdq_lstm_bidir_peraxis_op14": case_lstm_peraxis,
    "qdq_conv_gru_peraxis_op13": case_conv_gru_peraxis,
    "qdq_quant_edges_op13": case_quant_edges,
    "qdq_runtime_scale_op13": case_runtime_scale,
    "qdq_dynamic_matmul_lstm_op14": case_dynamic_matmul,
    "qdq_dynamic_edges_op13": case_dynamic_edges,
    "qdq_matmulinteger_rows_op13": case_matmulinteger_rows,
    "qdq_dynamic_nan_tiny_op13": case_dynamic_nan_tiny,
}


# ---- bad models: one broken quantisation parameter each, and the error rnnc must give -------

def set_init(m, name, arr):
    for i, t in enumerate(m.graph.initializer):
        if t.name == name:
            m.graph.initializer[i].CopyFrom(numpy_helper.from_array(np.asarray(arr), name))
            return
    raise KeyError(name)


def node_named(m, name):
    return [n for n in m.graph.node if n.name == name][0]


def bad_cases():
    gru, _ = case_gru_pertensor()
    conv, _ = case_conv_gru_peraxis()
    W = "onnx::GRU_92"
    out = {}

    def variant(base, fn, expect):
        m = copy.deepcopy(base)
        fn(m)
        return m, expect

    for tag, v, what in (("zero", 0.0, "zero"), ("negative", -0.5, "negative"),
                         ("nan", np.nan, "NaN"), ("inf", np.inf, "infinite")):
        out["scale_%s_op11" % tag] = variant(
            gru, lambda m, v=v: set_init(m, W + "_scale", np.float32(v)),
            "node 'dq_onnx::GRU_92' [(]'DequantizeLinear'[)]: input 'x_scale': "
            "'onnx::GRU_92_scale' element 0 is %s .*: a scale must be positive and finite" % what)
    out["act_scale_zero_op11"] = variant(
        gru, lambda m: set_init(m, "x_act_scale", np.float32(0)),
        "node 'q_x' [(]'QuantizeLinear'[)]: input 'y_scale': 'x_act_scale' element 0 is zero")

    def zp_300(m):  # a uint8 zero point of 300 (int32_data keeps what a writer put there)
        t = [t for t in m.graph.initializer if t.name == "onnx::GRU_93_zp"][0]
        t.ClearField("raw_data")
        t.int32_data[:] = [300]
    out["zero_point_out_of_range_op11"] = variant(
        gru, zp_300, "'onnx::GRU_93_zp'.*int32_data element 0 is 300, outside uint8's range 0..255")
    out["zero_point_wrong_type_op11"] = variant(
        gru, lambda m: set_init(m, "onnx::GRU_93_zp", np.int32(5)),
        "node 'dq_onnx::GRU_93' [(]'DequantizeLinear'[)]: input 'x_zero_point': "
        "'onnx::GRU_93_zp' must have x's type uint8, got int32")

    def bias_zp(m):
        m.graph.initializer.append(numpy_helper.from_array(np.int32(3), "bias_zp"))
        node_named(m, "dq_onnx::GRU_94").input.append("bias_zp")
    out["int32_zero_point_nonzero_op11"] = variant(
        gru, bias_zp, "input 'x_zero_point': 'bias_zp' element 0 is 3: an int32 x has no zero "
        "point [(]it must be 0[)]")

    def per_axis_at_11(m):
        set_init(m, W + "_scale", np.full(36, 0.01, np.float32))
        set_init(m, W + "_zp", np.zeros(36, np.int8))
    out["per_axis_at_opset11"] = variant(
        gru, per_axis_at_11, "'onnx::GRU_92_scale' has 36 values: per-axis quantisation needs "
        "opset 13, the model imports opset 11")

    C = "onnx::Conv_100"
    out["per_axis_scale_length_op13"] = variant(
        conv, lambda m: (set_init(m, C + "_scale", np.full(15, 0.01, np.float32)),
                         set_init(m, C + "_zp", np.zeros(15, np.int8))),
        "node 'dq_onnx::Conv_100' [(]'DequantizeLinear'[)]: input 'x_scale': 'onnx::Conv_100_scale'"
        " has 15 values, per-axis along axis 0 needs x.shape.0. = 16")
    out["per_axis_zero_point_length_op13"] = variant(
        conv, lambda m: set_init(m, C + "_zp", np.zeros(8, np.int8)),
        "input 'x_zero_point': 'onnx::Conv_100_zp' must have the scale.s shape .16., got 1-D of 8")

    def axis_3(m):
        n = node_named(m, "dq_" + C)
        n.attribute[0].i = 3
    out["axis_out_of_range_op13"] = variant(
        conv, axis_3, "node 'dq_onnx::Conv_100' [(]'DequantizeLinear'[)]: attribute axis: 3 is out "
        "of range for rank 3")

    def block(m):
        m.opset_import[0].version = 21
        n = node_named(m, "dq_" + C)
        n.attribute.append(helper.make_attribute("block_size", 4))
    out["block_size_op21"] = variant(
        conv, block, "attribute block_size: blocked quantisation is not implemented")

    def float16_scale(m):
        set_init(m, C + "_scale", np.full(16, 0.01, np.float16))
    out["scale_float16_op13"] = variant(
        conv, float16_scale, "input 'x_scale': 'onnx::Conv_100_scale' must be float, got float16")

    def tiny(nodes, ins, outs, inits, opset=13):
        g = helper.make_graph(nodes, "bad", ins, outs, inits)
        return helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)])

    a_in = helper.make_tensor_value_info("a", TensorProto.UINT8, [3, 4])
    y_out = helper.make_tensor_value_info("y", TensorProto.INT32, [3, 2])
    w = numpy_helper.from_array(np.ones((4, 2), np.int8), "w")
    out["matmulinteger_zero_point_type_op13"] = (tiny(
        [helper.make_node("MatMulInteger", ["a", "w", "", "wz"], ["y"], name="mmi")], [a_in],
        [y_out], [w, numpy_helper.from_array(np.uint8(1), "wz")]),
        "node 'mmi' [(]'MatMulInteger'[)]: input 'b_zero_point': 'wz' must have its operand's "
        "type int8, got uint8")
    out["matmulinteger_zero_point_length_op13"] = (tiny(
        [helper.make_node("MatMulInteger", ["a", "w", "", "wz"], ["y"], name="mmi")], [a_in],
        [y_out], [w, numpy_helper.from_array(np.zeros(3, np.int8), "wz")]),
        "input 'b_zero_point': 'wz' must be a scalar or 1-D of 2 values, got int8.3.")
    out["matmulinteger_inner_dims_op13"] = (tiny(
        [helper.make_node("MatMulInteger", ["a", "w3"], ["y"], name="mmi")], [a_in], [y_out],
        [numpy_helper.from_array(np.ones((3, 2), np.int8), "w3")]),
        "node 'mmi' [(]'MatMulInteger'[)]: inputs: A's last dimension 4 must equal B's first "
        "dimension 3")
    out["matmulinteger_float_op13"] = (tiny(
        [helper.make_node("MatMulInteger", ["f", "w"], ["y"], name="mmi")],
        [helper.make_tensor_value_info("f", TensorProto.FLOAT, [3, 4])], [y_out], [w]),
        "input 'A': must be int8 or uint8, got float")
    out["dynamicquantizelinear_double_op13"] = (tiny(
        [helper.make_node("DynamicQuantizeLinear", ["d"], ["q", "s", "z"], name="dql")],
        [helper.make_tensor_value_info("d", TensorProto.DOUBLE, [3])],
        [helper.make_tensor_value_info("q", TensorProto.UINT8, [3]),
         helper.make_tensor_value_info("s", TensorProto.FLOAT, []),
         helper.make_tensor_value_info("z", TensorProto.UINT8, [])], []),
        "node 'dql' [(]'DynamicQuantizeLinear'[)]: input 'x': 'd' must be float, got double")
    return out


def stream_bad_cases():
    """Models that compile but cannot be streamed (compiled with --stream): a per-axis scale
    along the time axis would give each chunk the first steps' scales."""
    rng = np.random.default_rng(3)
    T, H = 4, 2
    inits = [numpy_helper.from_array(np.full(T, 0.05, np.float32), "s"),
             numpy_helper.from_array(np.full(T, 128, np.uint8), "z"),
             numpy_helper.from_array(rng.standard_normal((1, 3 * H, 3)).astype(np.float32), "W"),
             numpy_helper.from_array(rng.standard_normal((1, 3 * H, H)).astype(np.float32), "R")]
    g = helper.make_graph(
        [helper.make_node("QuantizeLinear", ["x", "s", "z"], ["xq"], name="q_time", axis=0),
         helper.make_node("DequantizeLinear", ["xq", "s", "z"], ["xd"], name="dq_time", axis=0),
         helper.make_node("GRU", ["xd", "W", "R"], ["y"], name="gru", hidden_size=H)],
        "stream_bad", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [T, 1, 3])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [T, 1, 1, H])], inits)
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)])
    onnx.checker.check_model(m)
    return {"peraxis_time_op13": (m, "node 'q_time' [(]'QuantizeLinear'[)]: .*its per-axis scale "
                                     "varies along the time axis")}


# ---- writing -------------------------------------------------------------------------------

def write_pb(arr, path, name=None):
    t = numpy_helper.from_array(np.asarray(arr), name or "")
    with open(path, "wb") as f:
        f.write(t.SerializeToString())


def run_ort(model_path, names, ins, node_path):
    with tempfile.TemporaryDirectory() as tmp:
        spec = {"model": model_path, "inputs": {}}
        for n, x in zip(names, ins):
            spec["inputs"][n] = {"type": str(x.dtype).replace("float32", "float32"),
                                 "dims": list(x.shape), "data": x.ravel().tolist()}
        with open(os.path.join(tmp, "in.json"), "w") as f:
            json.dump(spec, f)
        env = dict(os.environ, NODE_PATH=node_path)
        subprocess.run(["node", os.path.join(HERE, "ort_run.js"), os.path.join(tmp, "in.json"),
                        os.path.join(tmp, "out.json")], check=True, env=env)
        with open(os.path.join(tmp, "out.json")) as f:
            return json.load(f)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--ort", default="/tmp/ortq/node_modules", help="onnxruntime-node's node_modules")
    ap.add_argument("--out", default=os.path.join(ROOT, "testdata"))
    a = ap.parse_args()
    for sub in ("qdq", "qdq_bad", "qdq_stream_bad"):
        shutil.rmtree(os.path.join(a.out, sub), ignore_errors=True)
    for case, fn in CASES.items():
        r = fn()
        m, ins, ref = r if len(r) == 3 else (r[0], r[1], None)  # ref: NumPy's, ORT lacks the case
        d = os.path.join(a.out, "qdq", case)
        os.makedirs(os.path.join(d, "test_data_set_0"))
        mp = os.path.join(d, "model.onnx")
        onnx.save(m, mp)
        init = {t.name for t in m.graph.initializer}
        names = [i.name for i in m.graph.input if i.name not in init]
        if ref is not None:
            res = {o.name: {"type": str(y.dtype), "dims": list(y.shape), "data": y.ravel().tolist()}
                   for o, y in zip(m.graph.output, ref)}
        else:
            res = run_ort(mp, names, ins, a.ort)
        if "error" in res:
            sys.exit("%s: ONNX Runtime: %s" % (case, res["error"]))
        for k, (n, x) in enumerate(zip(names, ins)):
            write_pb(x, os.path.join(d, "test_data_set_0", "input_%d.pb" % k), n)
        for k, o in enumerate(m.graph.output):
            if o.name not in res:  # inputs only: generated code against the interpreter
                continue
            r = res[o.name]
            arr = np.array(r["data"], dtype=r["type"]).reshape(r["dims"])
            write_pb(arr, os.path.join(d, "test_data_set_0", "output_%d.pb" % k), o.name)
        if case == "qdq_runtime_scale_op13":  # scale 0 at run time: rnnc run must refuse it
            os.makedirs(os.path.join(d, "scale_zero"))
            for k, (n, x) in enumerate(zip(names, ins)):
                x = np.array([0.03125, 0.0, 7.0], np.float32) if n == "s" else x
                write_pb(x, os.path.join(d, "scale_zero", "input_%d.pb" % k), n)
        print("qdq/%s: %d outputs from %s" % (case, len(res), "ONNX Runtime" if ref is None
                                               else "NumPy" if ref else "nowhere (inputs only)"))
    for case, (m, expect) in bad_cases().items():
        d = os.path.join(a.out, "qdq_bad", case)
        os.makedirs(d)
        onnx.save(m, os.path.join(d, "model.onnx"))
        with open(os.path.join(d, "expect"), "w") as f:
            f.write(expect + "\n")
    print("qdq_bad: %d models" % len(bad_cases()))
    for case, (m, expect) in stream_bad_cases().items():
        d = os.path.join(a.out, "qdq_stream_bad", case)
        os.makedirs(d)
        onnx.save(m, os.path.join(d, "model.onnx"))
        with open(os.path.join(d, "expect"), "w") as f:
            f.write(expect + "\n")


if __name__ == "__main__":
    main()
