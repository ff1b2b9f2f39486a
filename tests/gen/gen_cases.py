#!/usr/bin/python3
"""Generate RNN / GRU / LSTM test cases for rnnc.

Writes, for every case,
    testdata/cases/<case>/model.onnx
    testdata/cases/<case>/test_data_set_0/input_<i>.pb   (graph inputs, in order)
    testdata/cases/<case>/test_data_set_0/output_<i>.pb  (graph outputs, in order)
plus testdata/cases/README.md.  Expected outputs come from the NumPy reference
tests/gen/rnn_ref.py (float64 arithmetic, stored as float32).

Deterministic: every case draws its data from its own RandomState seeded
with crc32(case name), so re-running reproduces identical bytes.

Usage:
    /usr/bin/python3 tests/gen/gen_cases.py [--out testdata/cases] [--sidecar /tmp/ortcheck]
--sidecar DIR additionally writes DIR/<case>.json (inputs + expected outputs)
for tests/gen/ort_check.js.  The sidecar is never written into the repo.
"""

import argparse
import copy
import json
import os
import shutil
import sys
import zlib

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rnn_ref  # noqa: E402

ORT_VERSION = "1.30.0"  # onnxruntime-node version used for the cross-check

# Defaults for omitted activation_alpha/beta values used for the committed
# expected outputs: "onnx" (the spec: same defaults as the ONNX operators, i.e.
# Affine 1.0/0.0, ThresholdedRelu 1.0, ScaledTanh 1.0/1.0 (no spec default))
# or "ort" (ONNX Runtime: 0.0 for everything except LeakyRelu/HardSigmoid/Elu).
# Cases whose outputs depend on this choice are marked in the README, and the
# sidecar carries the ORT-variant outputs so ort_check.js can still verify them.
ACTIVATION_DEFAULTS = "onnx"

INPUT_SLOTS = {
    "RNN": ["X", "W", "R", "B", "sequence_lens", "initial_h"],
    "GRU": ["X", "W", "R", "B", "sequence_lens", "initial_h"],
    "LSTM": ["X", "W", "R", "B", "sequence_lens", "initial_h", "initial_c", "P"],
}
OUTPUT_SLOTS = {
    "RNN": ["Y", "Y_h"],
    "GRU": ["Y", "Y_h"],
    "LSTM": ["Y", "Y_h", "Y_c"],
}
# default placement of each input: graph input ('input') or initializer ('init')
DEFAULT_WHERE = {
    "X": "input", "W": "init", "R": "init", "B": "init", "sequence_lens": "input",
    "initial_h": "input", "initial_c": "input", "P": "init",
}


class Case:
    def __init__(self, name, op, desc, opset=13, T=3, batch=2, I=3, H=4,
                 direction="forward", bias=True, seq=None, init_h=False,
                 init_c=False, peep=False, attrs=None, outputs=None,
                 where=None, layout=0, scale=None, x_scale=1.0, c_scale=1.0, sym=None):
        self.name, self.op, self.desc = name, op, desc
        self.opset, self.T, self.batch, self.I, self.H = opset, T, batch, I, H
        self.direction, self.bias, self.seq = direction, bias, seq
        self.init_h, self.init_c, self.peep = init_h, init_c, peep
        self.attrs = dict(attrs or {})
        self.outputs = list(outputs or OUTPUT_SLOTS[op])
        self.where = dict(DEFAULT_WHERE)
        if opset < 9:
            # IR version 3 (opset 7) requires every initializer to also be a
            # graph input; keep those models initializer-free instead.
            self.where = {k: "input" for k in self.where}
        self.where.update(where or {})
        self.layout = layout
        # graph-input dims written as dim_param names instead of numbers:
        # {"X": ["seq", "batch", None], ...} (None keeps the number)
        self.sym = dict(sym or {})
        self.scale = 0.5 if scale is None else scale
        self.x_scale, self.c_scale = x_scale, c_scale
        if layout:
            assert opset >= 14
        assert op in OUTPUT_SLOTS

    # ---- data ------------------------------------------------------------
    def make_data(self):
        rng = np.random.RandomState(zlib.crc32(self.name.encode()) & 0x7FFFFFFF)
        D = 2 if self.direction == "bidirectional" else 1
        G = rnn_ref.GATES[self.op]
        T, Bt, I, H, s = self.T, self.batch, self.I, self.H, self.scale

        def u(shape, scale):
            return rng.uniform(-scale, scale, size=shape).astype(np.float32)

        data = {}
        xs = (Bt, T, I) if self.layout else (T, Bt, I)
        sts = (Bt, D, H) if self.layout else (D, Bt, H)
        data["X"] = u(xs, self.x_scale)
        data["W"] = u((D, G * H, I), s)
        data["R"] = u((D, G * H, H), s)
        if self.bias:
            data["B"] = u((D, 2 * G * H), s)
        if self.seq is not None:
            data["sequence_lens"] = np.array(self.seq, dtype=np.int32)
            assert data["sequence_lens"].shape == (Bt,)
        if self.init_h:
            data["initial_h"] = u(sts, 0.5)
        if self.init_c:
            data["initial_c"] = u(sts, self.c_scale)
        if self.peep:
            data["P"] = u((D, 3 * H), s)
        return data

    def reference(self, data, activation_defaults=None):
        kw = dict(hidden_size=self.H, direction=self.direction, layout=self.layout,
                  activation_defaults=activation_defaults or ACTIVATION_DEFAULTS)
        for k in ("activations", "activation_alpha", "activation_beta", "clip",
                  "linear_before_reset", "input_forget"):
            if k in self.attrs:
                kw[k] = self.attrs[k]
        for k in INPUT_SLOTS[self.op][1:]:
            if k in data:
                kw[k] = data[k]
        outs = rnn_ref.OPS[self.op](data["X"], **kw)
        return {n: v.astype(np.float32) for n, v in zip(OUTPUT_SLOTS[self.op], outs)}

    # ---- model -----------------------------------------------------------
    def build(self):
        data = self.make_data()
        expected = self.reference(data)
        other = "ort" if ACTIVATION_DEFAULTS == "onnx" else "onnx"
        variant = self.reference(data, other)
        self.defaults_matter = any(
            not np.allclose(variant[k], expected[k], atol=1e-5, rtol=1e-4) for k in expected)
        ort_expected = variant if (self.defaults_matter and other == "ort") else expected
        slots = INPUT_SLOTS[self.op]
        present = [s for s in slots if s in data]
        last = max(slots.index(s) for s in present)
        node_inputs = [s if s in data else "" for s in slots[:last + 1]]
        oslots = OUTPUT_SLOTS[self.op]
        lasto = max(oslots.index(o) for o in self.outputs)
        node_outputs = [o if o in self.outputs else "" for o in oslots[:lasto + 1]]

        attrs = {"hidden_size": self.H}
        if self.direction != "forward" or "direction" in self.attrs:
            attrs["direction"] = self.direction
        if self.layout:
            attrs["layout"] = self.layout
        for k, v in self.attrs.items():
            if k != "direction":
                attrs[k] = v
        node = helper.make_node(self.op, node_inputs, node_outputs, name=self.name, **attrs)

        graph_inputs, initializers, feeds = [], [], []
        for s in present:
            arr = data[s]
            etype = TensorProto.INT32 if arr.dtype == np.int32 else TensorProto.FLOAT
            if self.where[s] == "init":
                initializers.append(numpy_helper.from_array(arr, s))
            else:
                shape = [n if n is not None else d
                         for n, d in zip(self.sym.get(s, [None] * arr.ndim), arr.shape)]
                graph_inputs.append(helper.make_tensor_value_info(s, etype, shape))
                feeds.append((s, arr))
        graph_outputs = []
        out_arrays = []
        for o in oslots:
            if o in self.outputs:
                graph_outputs.append(helper.make_tensor_value_info(
                    o, TensorProto.FLOAT, list(expected[o].shape)))
                out_arrays.append((o, expected[o]))
        graph = helper.make_graph([node], self.name, graph_inputs, graph_outputs,
                                  initializer=initializers)
        opsets = [helper.make_opsetid("", self.opset)]
        model = helper.make_model(graph, producer_name="rnnc-gen_cases", opset_imports=opsets)
        model.ir_version = helper.find_min_ir_version_for(opsets)
        onnx.checker.check_model(model)
        self.ort_outputs = [(o, ort_expected[o]) for o, _ in out_arrays]
        return model, feeds, out_arrays

    def write(self, outdir, sidecar=None):
        model, feeds, outs = self.build()
        cdir = os.path.join(outdir, self.name)
        if os.path.isdir(cdir):
            shutil.rmtree(cdir)
        ddir = os.path.join(cdir, "test_data_set_0")
        os.makedirs(ddir)
        with open(os.path.join(cdir, "model.onnx"), "wb") as f:
            f.write(model.SerializeToString())
        for i, (n, a) in enumerate(feeds):
            with open(os.path.join(ddir, "input_%d.pb" % i), "wb") as f:
                f.write(numpy_helper.from_array(a, n).SerializeToString())
        for i, (n, a) in enumerate(outs):
            with open(os.path.join(ddir, "output_%d.pb" % i), "wb") as f:
                f.write(numpy_helper.from_array(a, n).SerializeToString())
        if sidecar and self.layout:
            self.write_layout0_twin(sidecar, feeds, outs)
        elif sidecar:
            write_sidecar(sidecar, self.name, os.path.abspath(os.path.join(cdir, "model.onnx")),
                          feeds, outs,
                          ort_outputs=self.ort_outputs if self.defaults_matter else None)

    def write_layout0_twin(self, sidecar, feeds, outs):
        """ORT's CPU kernels reject layout=1.  To still check the committed
        layout-1 expectations against ORT, write (outside the repo) a layout-0
        twin model with the same weights, feed it the transposed inputs and
        compare ORT's outputs with the committed outputs transposed to layout 0."""
        twin = copy.copy(self)
        twin.layout = 0
        data1 = self.make_data()
        data0 = dict(data1)
        data0["X"] = np.ascontiguousarray(np.transpose(data1["X"], (1, 0, 2)))
        for k in ("initial_h", "initial_c"):
            if k in data1:
                data0[k] = np.ascontiguousarray(np.transpose(data1[k], (1, 0, 2)))
        twin.make_data = lambda: data0
        model0, feeds0, _ = twin.build()
        tdir = os.path.join(sidecar, "layout0_twins", self.name)
        os.makedirs(tdir, exist_ok=True)
        mpath = os.path.join(tdir, "model.onnx")
        with open(mpath, "wb") as f:
            f.write(model0.SerializeToString())
        outs0 = []
        for n, a in outs:  # committed layout-1 outputs -> layout 0
            perm = (1, 2, 0, 3) if n == "Y" else (1, 0, 2)  # Y [B,T,D,H] -> [T,D,B,H]
            outs0.append((n, np.ascontiguousarray(np.transpose(a, perm))))
        write_sidecar(sidecar, self.name, os.path.abspath(mpath), feeds0, outs0,
                      ort_outputs=None, note="layout=1 checked via layout-0 twin model")


def _tjson(a):
    t = {np.dtype(np.float32): "float32", np.dtype(np.int32): "int32",
         np.dtype(np.int64): "int64"}[a.dtype]
    data = [float(v) for v in a.ravel()] if t == "float32" else [int(v) for v in a.ravel()]
    return {"type": t, "dims": list(a.shape), "data": data}


def write_sidecar(sidecar, name, model_path, feeds, outs, skip=None, ort_outputs=None, note=None):
    """ort_outputs: expected outputs under ONNX Runtime's activation defaults,
    only given when they differ from the committed (spec) expectation."""
    os.makedirs(sidecar, exist_ok=True)
    obj = {"model": model_path, "skip": skip, "note": note,
           "inputs": {n: _tjson(a) for n, a in feeds},
           "outputs": {n: _tjson(a) for n, a in outs}}
    if ort_outputs is not None:
        obj["ort_outputs"] = {n: _tjson(a) for n, a in ort_outputs}
    with open(os.path.join(sidecar, name + ".json"), "w") as f:
        json.dump(obj, f)


# ---------------------------------------------------------------------------
# the case list
# ---------------------------------------------------------------------------

def cases():
    C = []
    add = C.append
    # ------------------------------------------------------------------ RNN
    add(Case("rnn_basic_opset7", "RNN", "defaults (Tanh), bias, initial_h; opset 7 / IR 3, W/R/B as graph inputs",
             opset=7, init_h=True))
    add(Case("rnn_reverse", "RNN", "direction=reverse, opset 9", opset=9, batch=3, I=2, H=5, init_h=True))
    add(Case("rnn_bidir", "RNN", "bidirectional, default activations, initial_h", opset=13, T=4, init_h=True))
    add(Case("rnn_act_relu", "RNN", "f=Relu", opset=14, attrs={"activations": ["Relu"]}, init_h=True))
    add(Case("rnn_act_tanh_explicit", "RNN", "f=Tanh named explicitly", opset=17, attrs={"activations": ["Tanh"]}))
    add(Case("rnn_act_sigmoid", "RNN", "f=Sigmoid", opset=13, attrs={"activations": ["Sigmoid"]}, init_h=True))
    add(Case("rnn_act_leakyrelu_alpha", "RNN", "f=LeakyRelu alpha=0.3", opset=13,
             attrs={"activations": ["LeakyRelu"], "activation_alpha": [0.3]}, init_h=True))
    add(Case("rnn_act_leakyrelu_default", "RNN", "f=LeakyRelu, alpha omitted (default 0.01)", opset=14,
             attrs={"activations": ["LeakyRelu"]}, init_h=True))
    add(Case("rnn_act_thresholdedrelu_alpha", "RNN", "f=ThresholdedRelu alpha=0.2", opset=13,
             attrs={"activations": ["ThresholdedRelu"], "activation_alpha": [0.2]}, init_h=True))
    add(Case("rnn_act_thresholdedrelu_default", "RNN", "f=ThresholdedRelu, alpha omitted (default 1.0)",
             opset=17, attrs={"activations": ["ThresholdedRelu"]}, x_scale=2.0, scale=0.8, init_h=True))
    add(Case("rnn_act_elu_alpha", "RNN", "f=Elu alpha=0.5", opset=13,
             attrs={"activations": ["Elu"], "activation_alpha": [0.5]}, init_h=True))
    add(Case("rnn_act_elu_default", "RNN", "f=Elu, alpha omitted (default 1.0)", opset=9,
             attrs={"activations": ["Elu"]}, init_h=True))
    add(Case("rnn_act_softsign", "RNN", "f=Softsign", opset=13, attrs={"activations": ["Softsign"]}, init_h=True))
    add(Case("rnn_act_softplus", "RNN", "f=Softplus", opset=14, attrs={"activations": ["Softplus"]}, init_h=True))
    add(Case("rnn_act_affine_alpha_beta", "RNN", "f=Affine alpha=0.6 beta=0.1", opset=13,
             attrs={"activations": ["Affine"], "activation_alpha": [0.6], "activation_beta": [0.1]}, init_h=True))
    add(Case("rnn_act_affine_default", "RNN", "f=Affine, alpha/beta omitted (identity: 1.0, 0.0)", opset=13,
             attrs={"activations": ["Affine"]}, init_h=True))
    add(Case("rnn_act_scaledtanh_alpha_beta", "RNN", "f=ScaledTanh alpha=1.7 beta=0.6", opset=17,
             attrs={"activations": ["ScaledTanh"], "activation_alpha": [1.7], "activation_beta": [0.6]},
             init_h=True))
    add(Case("rnn_act_hardsigmoid_default", "RNN", "f=HardSigmoid, alpha/beta omitted (0.2, 0.5)", opset=13,
             attrs={"activations": ["HardSigmoid"]}, x_scale=3.0, init_h=True))
    add(Case("rnn_bidir_acts_per_dir", "RNN",
             "bidirectional, fwd f=LeakyRelu(alpha .2), rev f=HardSigmoid(alpha .3, beta .4)",
             opset=13, direction="bidirectional", init_h=True,
             attrs={"activations": ["LeakyRelu", "HardSigmoid"], "activation_alpha": [0.2, 0.3],
                    "activation_beta": [0.4]}))
    add(Case("rnn_clip", "RNN", "clip=0.4 (Tanh)", opset=13, init_h=True, attrs={"clip": 0.4}))
    add(Case("rnn_clip_relu_bidir", "RNN", "clip=0.3 with Relu, bidirectional", opset=14,
             direction="bidirectional", attrs={"clip": 0.3, "activations": ["Relu", "Relu"]}))
    add(Case("rnn_seqlens_fwd", "RNN", "sequence_lens [4,2,1] (T=4), forward", opset=13, T=4, batch=3,
             seq=[4, 2, 1], init_h=True))
    add(Case("rnn_seqlens_reverse", "RNN", "sequence_lens [1,3,2], reverse", opset=13, batch=3,
             direction="reverse", seq=[1, 3, 2], init_h=True))
    add(Case("rnn_seqlens_bidir", "RNN", "sequence_lens [2,5], bidirectional", opset=9, T=5,
             direction="bidirectional", seq=[2, 5], init_h=True))
    add(Case("rnn_layout1", "RNN", "layout=1, no initial_h", opset=14, T=4, batch=3, layout=1))
    add(Case("rnn_layout1_bidir_seqlens_inith", "RNN", "layout=1, bidirectional, sequence_lens [3,1,4], initial_h",
             opset=17, T=4, batch=3, direction="bidirectional", seq=[3, 1, 4], init_h=True, layout=1))
    add(Case("rnn_out_Y_only", "RNN", "outputs: Y only (Y_h omitted)", opset=13, init_h=True, outputs=["Y"]))
    add(Case("rnn_out_Yh_only", "RNN", "outputs: ['', 'Y_h']", opset=13, init_h=True, outputs=["Y_h"]))
    add(Case("rnn_empty_name_inputs", "RNN", "inputs ['X','W','R','','','initial_h'] (B, sequence_lens skipped)",
             opset=13, bias=False, init_h=True))
    add(Case("rnn_no_bias_no_state", "RNN", "inputs ['X','W','R'] only (trailing optionals absent)", opset=13,
             bias=False, batch=1))
    add(Case("rnn_state_seqlens_initializers", "RNN", "initial_h and sequence_lens as initializers", opset=13,
             batch=3, seq=[2, 3, 1], init_h=True, where={"initial_h": "init", "sequence_lens": "init"}))
    # ------------------------------------------------------------------ GRU
    add(Case("gru_basic_opset7", "GRU", "defaults (Sigmoid, Tanh, lbr 0); opset 7 / IR 3, all graph inputs",
             opset=7, init_h=True))
    add(Case("gru_lbr0_bias_inith", "GRU", "linear_before_reset=0 explicit, bias, initial_h", opset=13,
             batch=3, I=2, H=5, init_h=True, attrs={"linear_before_reset": 0}))
    add(Case("gru_lbr1_bias_inith", "GRU", "linear_before_reset=1, bias, initial_h", opset=13,
             batch=3, I=2, H=5, init_h=True, attrs={"linear_before_reset": 1}))
    add(Case("gru_lbr0_bidir", "GRU", "linear_before_reset=0, bidirectional", opset=9,
             direction="bidirectional", init_h=True))
    add(Case("gru_lbr1_bidir_seqlens", "GRU", "linear_before_reset=1, bidirectional, sequence_lens [3,1,2]",
             opset=14, T=3, batch=3, direction="bidirectional", seq=[3, 1, 2], init_h=True,
             attrs={"linear_before_reset": 1}))
    add(Case("gru_seqlens_fwd", "GRU", "sequence_lens [2,4], forward", opset=13, T=4, seq=[2, 4], init_h=True))
    add(Case("gru_seqlens_reverse", "GRU", "sequence_lens [3,1,2], reverse", opset=17, batch=3,
             direction="reverse", seq=[3, 1, 2], init_h=True))
    add(Case("gru_clip", "GRU", "clip=0.3", opset=13, init_h=True, attrs={"clip": 0.3}))
    add(Case("gru_clip_lbr1", "GRU", "clip=0.25 with linear_before_reset=1", opset=14, init_h=True,
             attrs={"clip": 0.25, "linear_before_reset": 1}))
    add(Case("gru_act_hardsigmoid_ab_softsign", "GRU", "f=HardSigmoid(alpha .3, beta .4), g=Softsign",
             opset=13, init_h=True, attrs={"activations": ["HardSigmoid", "Softsign"],
                                           "activation_alpha": [0.3], "activation_beta": [0.4]}))
    add(Case("gru_act_hardsigmoid_scaledtanh_default", "GRU",
             "f=HardSigmoid, g=ScaledTanh, alpha/beta omitted (defaults)", opset=13, init_h=True,
             attrs={"activations": ["HardSigmoid", "ScaledTanh"]}))
    add(Case("gru_act_g_elu_alpha", "GRU", "f=Sigmoid, g=Elu alpha=0.7", opset=13, init_h=True,
             attrs={"activations": ["Sigmoid", "Elu"], "activation_alpha": [0.7]}))
    add(Case("gru_act_g_thresholdedrelu_alpha", "GRU", "f=Sigmoid, g=ThresholdedRelu alpha=0.1", opset=13,
             init_h=True, attrs={"activations": ["Sigmoid", "ThresholdedRelu"], "activation_alpha": [0.1]}))
    add(Case("gru_act_g_relu", "GRU", "f=Sigmoid, g=Relu; bias, initial_h", opset=14,
             init_h=True, attrs={"activations": ["Sigmoid", "Relu"]}))
    add(Case("gru_bidir_acts_per_dir", "GRU",
             "bidirectional: fwd f=Sigmoid g=Tanh, rev f=HardSigmoid(alpha .25 beta .45) g=Affine(alpha .8 beta -.1)",
             opset=13, direction="bidirectional", init_h=True,
             attrs={"activations": ["Sigmoid", "Tanh", "HardSigmoid", "Affine"],
                    "activation_alpha": [0.25, 0.8], "activation_beta": [0.45, -0.1]}))
    add(Case("gru_layout1", "GRU", "layout=1", opset=14, T=2, batch=3, layout=1))
    add(Case("gru_layout1_bidir_seqlens_inith", "GRU",
             "layout=1, bidirectional, sequence_lens [2,3,1], initial_h, linear_before_reset=1",
             opset=17, batch=3, direction="bidirectional", seq=[2, 3, 1], init_h=True,
             attrs={"linear_before_reset": 1}, layout=1))
    add(Case("gru_out_Y_only", "GRU", "outputs: Y only", opset=13, init_h=True, outputs=["Y"]))
    add(Case("gru_out_Yh_only", "GRU", "outputs: ['', 'Y_h']", opset=13, init_h=True, outputs=["Y_h"]))
    add(Case("gru_empty_bias_seqlens", "GRU", "inputs ['X','W','R','','sequence_lens'] (B skipped, no initial_h)",
             opset=13, bias=False, seq=[1, 3]))
    add(Case("gru_wrb_graph_inputs", "GRU", "W, R, B fed as graph inputs (not initializers), opset 17",
             opset=17, init_h=True, where={"W": "input", "R": "input", "B": "input"}))
    # ----------------------------------------------------------------- LSTM
    add(Case("lstm_basic_opset7", "LSTM", "defaults; bias, initial_h, initial_c; opset 7 / IR 3, all graph inputs",
             opset=7, init_h=True, init_c=True))
    add(Case("lstm_peepholes", "LSTM", "peepholes P, bias, initial_h/c", opset=13, batch=3, I=2, H=5,
             init_h=True, init_c=True, peep=True))
    add(Case("lstm_input_forget", "LSTM", "input_forget=1", opset=13, init_h=True, init_c=True,
             attrs={"input_forget": 1}))
    add(Case("lstm_input_forget_peepholes", "LSTM", "input_forget=1 with peepholes (P_f unused)", opset=14,
             init_h=True, init_c=True, peep=True, attrs={"input_forget": 1}))
    add(Case("lstm_clip", "LSTM", "clip=0.3; |initial_c| up to 2 so C_t exceeds clip (h(C_t) arg not clipped)",
             opset=13, init_h=True, init_c=True, c_scale=2.0, attrs={"clip": 0.3}))
    add(Case("lstm_clip_peepholes_bidir", "LSTM", "clip=0.5, peepholes, bidirectional", opset=17,
             direction="bidirectional", init_h=True, init_c=True, c_scale=1.5, peep=True, attrs={"clip": 0.5}))
    add(Case("lstm_seqlens_fwd", "LSTM", "sequence_lens [3,1,2], forward, peepholes", opset=13, batch=3,
             seq=[3, 1, 2], init_h=True, init_c=True, peep=True))
    add(Case("lstm_seqlens_reverse", "LSTM", "sequence_lens [2,4], reverse", opset=9, T=4,
             direction="reverse", seq=[2, 4], init_h=True, init_c=True))
    add(Case("lstm_seqlens_bidir", "LSTM", "sequence_lens [1,3,2], bidirectional", opset=14, batch=3,
             direction="bidirectional", seq=[1, 3, 2], init_h=True, init_c=True))
    add(Case("lstm_reverse", "LSTM", "direction=reverse, no seq lens", opset=13, init_h=True, init_c=True))
    # larger nodes, so that the emitter's loop, GEMV and GEMM paths (not only
    # the fully unrolled one) are exercised by the default --unroll auto
    add(Case("lstm_large_bidir_seqlens", "LSTM", "I=48 H=64 T=12 batch=3, bidirectional, sequence_lens, peepholes, initial_h/c (GEMM paths)",
             opset=14, T=12, batch=3, I=48, H=64, direction="bidirectional", seq=[12, 7, 1],
             init_h=True, init_c=True, peep=True, scale=0.15))
    add(Case("gru_large_lbr0_batch1", "GRU", "I=32 H=96 T=10 batch=1, linear_before_reset=0, reverse (GEMV paths)",
             opset=13, T=10, batch=1, I=32, H=96, direction="reverse", init_h=True, scale=0.12))
    add(Case("gru_large_lbr1_layout1", "GRU", "I=24 H=40 T=9 batch=4, linear_before_reset=1, layout=1, sequence_lens",
             opset=14, T=9, batch=4, I=24, H=40, layout=1, seq=[9, 3, 5, 8], init_h=True,
             attrs={"linear_before_reset": 1}, scale=0.2))
    add(Case("rnn_mid_loops", "RNN", "I=10 H=16 T=30 batch=2, Relu, clip (loops with unrolled dot products)",
             opset=13, T=30, batch=2, I=10, H=16, attrs={"activations": ["Relu"], "clip": 2.0}, scale=0.3))
    add(Case("rnn_large_gemv", "RNN", "I=20 H=160 T=6 batch=1 (GEMV recurrence)",
             opset=17, T=6, batch=1, I=20, H=160, init_h=True, scale=0.1))
    # symbolic input dims (dim_param), bound by `rnnc check` from the data or by --dim
    add(Case("lstm_symbolic_dims", "LSTM", "X [seq, batch, 3], sequence_lens [batch], initial_h/c [1, batch, H] as dim_params",
             opset=14, T=5, batch=3, seq=[5, 2, 4], init_h=True, init_c=True,
             sym={"X": ["seq", "batch", None], "sequence_lens": ["batch"],
                  "initial_h": [None, "batch", None], "initial_c": [None, "batch", None]}))
    add(Case("gru_symbolic_dims_layout1", "GRU", "layout=1, X [batch, seq, 3] as dim_params, linear_before_reset=1",
             opset=14, T=4, batch=2, layout=1, attrs={"linear_before_reset": 1},
             sym={"X": ["batch", "seq", None]}))
    # length 0: Y all zero for that entry and, as ONNX Runtime does, zero Y_h/Y_c
    # (not the initial state); checked against ORT 1.30 by ort_check.js
    add(Case("lstm_seqlens_zero_bidir", "LSTM", "sequence_lens [0,3,2] with initial_h/c, bidirectional (length 0 gives zero states, as ORT)",
             opset=14, batch=3, direction="bidirectional", seq=[0, 3, 2], init_h=True, init_c=True))
    add(Case("rnn_seqlens_zero_reverse", "RNN", "sequence_lens [2,0] with initial_h, reverse (length 0 gives zero state, as ORT)",
             opset=13, T=3, direction="reverse", seq=[2, 0], init_h=True))
    add(Case("gru_seqlens_zero_fwd", "GRU", "sequence_lens [0,4,1] with initial_h, forward (length 0 gives zero state, as ORT)",
             opset=17, T=4, batch=3, seq=[0, 4, 1], init_h=True))
    add(Case("lstm_act_alpha_beta_consumption", "LSTM",
             "f=HardSigmoid g=Affine h=LeakyRelu, alpha [0.3,0.9,0.2], beta [0.45,0.05]: lists consumed in order",
             opset=13, init_h=True, init_c=True,
             attrs={"activations": ["HardSigmoid", "Affine", "LeakyRelu"],
                    "activation_alpha": [0.3, 0.9, 0.2], "activation_beta": [0.45, 0.05]}))
    add(Case("lstm_act_consume_skips_nonparam", "LSTM",
             "f=Sigmoid g=LeakyRelu h=Affine, alpha [0.2,0.7], beta [0.3]: Sigmoid consumes nothing, "
             "LeakyRelu alpha .2, Affine alpha .7 beta .3", opset=13, init_h=True, init_c=True,
             attrs={"activations": ["Sigmoid", "LeakyRelu", "Affine"], "activation_alpha": [0.2, 0.7],
                    "activation_beta": [0.3]}))
    add(Case("lstm_act_defaults_hardsigmoid_softsign_softplus", "LSTM",
             "f=HardSigmoid (default alpha/beta), g=Softsign, h=Softplus", opset=13, init_h=True, init_c=True,
             attrs={"activations": ["HardSigmoid", "Softsign", "Softplus"]}))
    add(Case("lstm_act_partial_alpha_list", "LSTM",
             "f=Sigmoid g=Elu h=ScaledTanh, alpha [0.6] only (Elu), ScaledTanh falls back to defaults",
             opset=14, init_h=True, init_c=True,
             attrs={"activations": ["Sigmoid", "Elu", "ScaledTanh"], "activation_alpha": [0.6]}))
    add(Case("lstm_act_relu_thresholdedrelu", "LSTM",
             "f=Sigmoid g=Relu h=ThresholdedRelu (default alpha 1.0); initial_c up to 3", opset=13,
             init_h=True, init_c=True, c_scale=3.0,
             attrs={"activations": ["Sigmoid", "Relu", "ThresholdedRelu"]}))
    add(Case("lstm_bidir_acts_per_dir", "LSTM",
             "bidirectional: fwd Sigmoid/Tanh/Tanh, rev HardSigmoid(.15,.55)/ScaledTanh(1.2,.8)/Elu(.4)",
             opset=13, direction="bidirectional", init_h=True, init_c=True,
             attrs={"activations": ["Sigmoid", "Tanh", "Tanh", "HardSigmoid", "ScaledTanh", "Elu"],
                    "activation_alpha": [0.15, 1.2, 0.4], "activation_beta": [0.55, 0.8]}))
    add(Case("lstm_layout1", "LSTM", "layout=1", opset=14, T=4, batch=3, I=2, layout=1))
    add(Case("lstm_layout1_bidir_seqlens_inithc", "LSTM",
             "layout=1, bidirectional, sequence_lens [3,2,1], initial_h/c, peepholes", opset=17,
             batch=3, direction="bidirectional", seq=[3, 2, 1], init_h=True, init_c=True, peep=True, layout=1))
    add(Case("lstm_layout1_outputs_Yh_Yc", "LSTM", "layout=1, outputs ['', 'Y_h', 'Y_c'], initial_h/c",
             opset=14, init_h=True, init_c=True, outputs=["Y_h", "Y_c"], layout=1))
    for outs in (["Y"], ["Y_h"], ["Y_c"], ["Y", "Y_h"], ["Y", "Y_c"], ["Y_h", "Y_c"], ["Y", "Y_h", "Y_c"]):
        nm = "lstm_out_" + "_".join(o.replace("_", "") for o in outs)
        full = [o if o in outs else "" for o in ["Y", "Y_h", "Y_c"]]
        while full[-1] == "":
            full.pop()
        add(Case(nm, "LSTM", "outputs: %s" % full, opset=13, init_h=True, init_c=True, outputs=outs))
    add(Case("lstm_empty_name_inputs", "LSTM",
             "inputs ['X','W','R','','','','initial_c'] (B, seq lens, initial_h skipped)", opset=13,
             bias=False, init_c=True))
    add(Case("lstm_empty_names_peephole_only", "LSTM", "inputs ['X','W','R','B','','','','P']", opset=13,
             peep=True))
    add(Case("lstm_state_seqlens_initializers", "LSTM", "initial_h, initial_c, sequence_lens as initializers",
             opset=17, batch=3, seq=[3, 3, 1], init_h=True, init_c=True,
             where={"initial_h": "init", "initial_c": "init", "sequence_lens": "init"}))
    add(Case("lstm_wrbp_graph_inputs", "LSTM", "W, R, B, P fed as graph inputs", opset=13, init_h=True,
             init_c=True, peep=True, where={"W": "input", "R": "input", "B": "input", "P": "input"}))
    names = [c.name for c in C]
    assert len(names) == len(set(names)), "duplicate case names"
    return C


README_HEAD = """# RNN / GRU / LSTM test cases

Generated by `tests/gen/gen_cases.py` (do not edit by hand) from the
independent NumPy reference `tests/gen/rnn_ref.py` (float64 arithmetic,
outputs stored as float32).  Every layout-0 case was cross-checked against
ONNX Runtime {ort} (onnxruntime-node, CPU kernels) with
`tests/gen/ort_check.js` (atol 1e-5 + rtol 1e-4).  ORT's CPU kernels reject
`layout=1` ("Batchwise recurrent operations (layout == 1) are not
supported"), so layout-1 cases are correct by construction (the reference
implements layout 1 by transposing inputs to layout 0, running the layout-0
code and transposing the outputs back) and were additionally checked by
running ORT on a layout-0 twin of each model (same weights, transposed
inputs) and comparing with the committed outputs transposed to layout 0.

Layout: ONNX backend-test layout, one directory per case:

    <case>/model.onnx
    <case>/test_data_set_0/input_<i>.pb    graph inputs, in graph-input order
    <case>/test_data_set_0/output_<i>.pb   graph outputs, in graph-output order

Initializers (by default W, R, B, P) are not graph inputs and have no
input_<i>.pb.  Opset 7 models use IR version 3, which requires initializers
to be graph inputs, so those models have no initializers at all.
ir_version = the minimum onnx 1.12 associates with the opset
(7 -> 3, 9 -> 4, 13/14 -> 7, 17 -> 8).

Regenerate (deterministic, byte-identical):

    /usr/bin/python3 tests/gen/gen_cases.py

Semantics notes (verified against ONNX Runtime {ort}):

* activation_alpha / activation_beta are consumed in order, one value per
  activation that uses the parameter (alpha: Affine, LeakyRelu,
  ThresholdedRelu, ScaledTanh, HardSigmoid, Elu; beta: Affine, ScaledTanh,
  HardSigmoid), across both directions for bidirectional nodes; surplus
  values are ignored.  Once a list runs out, defaults apply.  The committed
  expectations use the ONNX spec defaults ("same as the corresponding ONNX
  operator"): LeakyRelu 0.01, ThresholdedRelu 1.0, HardSigmoid 0.2/0.5,
  Elu 1.0, Affine 1.0/0.0, ScaledTanh 1.0/1.0 (ScaledTanh has no spec
  default).  ONNX Runtime agrees for LeakyRelu, HardSigmoid and Elu but uses
  0.0 for every other omitted alpha/beta (Affine -> 0, ThresholdedRelu
  threshold 0, ScaledTanh -> 0).  Cases affected by this are marked below;
  ort_check.js verifies them against the ORT-defaults variant.  Switch with
  `ACTIVATION_DEFAULTS` in gen_cases.py.
* Bidirectional nodes must list activations for both directions (forward
  first); ORT rejects a list with only one direction's worth.
* clip clamps every gate pre-activation (after bias and peephole terms;
  RNN: the single gate; GRU: z, r and h, for linear_before_reset=1 the whole
  `Xt*Wh + rt*(Ht-1*Rh + Rbh) + Wbh`; LSTM: i, f, c, o) to [-clip, clip];
  the LSTM cell state passed to h() is not clipped.
* LSTM input_forget=1: f_t = 1 - i_t (P_f and the f rows of W/R/B unused).
* sequence_lens: Y is zero for t >= len; Y_h/Y_c hold the state after the
  last valid step; the reverse direction runs t = len-1 .. 0.  For length 0
  the spec is silent; ORT outputs zeros in Y_h/Y_c (not the initial state),
  and rnnc does the same (cases `*_seqlens_zero_*`).

| case | op | opset | covers |
|------|----|-------|--------|
"""


def write_readme(outdir, case_list):
    lines = [README_HEAD.format(ort=ORT_VERSION)]
    for c in case_list:
        desc = c.desc.replace("|", "\\|")
        if getattr(c, "defaults_matter", False):
            desc += " **(ORT differs: it uses 0.0 for this omitted alpha/beta, see above)**"
        lines.append("| `%s` | %s | %d | %s |\n" % (c.name, c.op, c.opset, desc))
    with open(os.path.join(outdir, "README.md"), "w") as f:
        f.write("".join(lines))


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(here, "..", "..", "testdata", "cases"))
    ap.add_argument("--sidecar", default=None, help="directory for ort_check.js JSON sidecars (not in repo)")
    ap.add_argument("--only", default=None, help="substring filter on case names")
    args = ap.parse_args()
    out = os.path.normpath(args.out)
    os.makedirs(out, exist_ok=True)
    cl = cases()
    if args.only:
        cl = [c for c in cl if args.only in c.name]
    if args.sidecar:
        os.makedirs(args.sidecar, exist_ok=True)
        for f in os.listdir(args.sidecar):
            if f.endswith(".json"):
                os.remove(os.path.join(args.sidecar, f))
    for c in cl:
        c.write(out, args.sidecar)
    if not args.only:
        write_readme(out, cl)
    print("wrote %d cases to %s" % (len(cl), out))


if __name__ == "__main__":
    main()
