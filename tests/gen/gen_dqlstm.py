#!/usr/bin/python3
"""gen_dqlstm.py: ONNX Runtime's com.microsoft DynamicQuantizeLSTM, with ONNX Runtime's outputs as
the expected values.

  /usr/bin/python3 tests/gen/gen_dqlstm.py [--ort NODE_MODULES] [--out testdata]

Each case is one DynamicQuantizeLSTM node whose float weights come from a seeded torch nn.LSTM
(torch gate order i, f, g, o reordered to ONNX's i, o, f, c), transposed to the op's input-major
layout W [D][I][4H], R [D][H][4H] and quantised to int8 (symmetric, per column [D][4H] or per
direction [D]) or uint8 (asymmetric per direction, or per column with one zero point for all
columns, as ORT requires). testdata/dqlstm/<case>/ holds model.onnx and test_data_set_0 (inputs
and ONNX Runtime's outputs, tests/gen/ort_run.js: one intra-op thread, optimisations off).
testdata/dqlstm_bad/<case>/ holds models rnnc must refuse and `expect`, the regex of the error.

The script also computes the op with NumPy as this repo reads ORT's kernel (ref() below) and
prints the largest difference from ORT per case: the check that the semantics are understood
(X quantised once per direction over its first max(sequence_lens) steps, h quantised at each
step over the whole batch, integer products, float scale multipliers)."""
import argparse
import os
import shutil
import sys

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from gen_qdq import run_ort, write_pb  # noqa: E402 (ONNX Runtime through ort_run.js)
ROOT = os.path.dirname(os.path.dirname(HERE))
F32 = np.float32


def rhe(v):
    return np.rint(v)  # numpy rounds half to even


def dyn_params(v):
    """DynamicQuantizeLinear's (ORT GetQuantizationParameter) scale and zero point, in float."""
    v = np.asarray(v, F32).ravel()
    lo = F32(min(F32(0), v.min())) if v.size else F32(0)
    hi = F32(max(F32(0), v.max())) if v.size else F32(0)
    s = F32(1) if hi == lo else F32(F32(hi - lo) / F32(255))
    zp = rhe(np.clip(F32(F32(0) - F32(lo / s)), 0, 255))
    return s, int(zp)


def dyn_quant(v, s, zp):
    """MlasQuantizeLinear: x / scale clamped to [-zp, 255 - zp], rounded half to even, + zp."""
    q = (np.asarray(v, F32) / s).astype(F32)
    q = np.clip(q, F32(-zp), F32(255 - zp))
    return (rhe(q) + zp).astype(np.int64)


def quant_weight(w, kind):
    """w [D][K][4H] float -> (q, scale, zero_point) for kind i8col, i8dir, i8dirzp, u8dir, u8col."""
    D = w.shape[0]
    if kind == "i8col":
        m = np.maximum(np.abs(w).max(axis=1), 1e-8)  # [D][4H]
        s = (m / 127).astype(F32)
        q = np.clip(np.rint(w / s[:, None, :]), -127, 127).astype(np.int8)
        return q, s, np.zeros(s.shape, np.int8)
    if kind in ("i8dir", "i8dirzp"):
        m = np.maximum(np.abs(w).reshape(D, -1).max(axis=1), 1e-8)
        zp = np.zeros(D, np.int8) if kind == "i8dir" else np.array([3, -5][:D], np.int8)
        s = (m / 120).astype(F32)
        q = np.clip(np.rint(w / s[:, None, None]) + zp[:, None, None], -128, 127).astype(np.int8)
        return q, s, zp
    if kind == "u8dir":
        lo = np.minimum(w.reshape(D, -1).min(axis=1), 0)
        hi = np.maximum(w.reshape(D, -1).max(axis=1), 0)
        s = np.maximum((hi - lo) / 255, 1e-8).astype(F32)
        zp = np.clip(np.rint(-lo / s), 0, 255).astype(np.uint8)
        q = np.clip(np.rint(w / s[:, None, None]) + zp[:, None, None], 0, 255).astype(np.uint8)
        return q, s, zp
    if kind == "u8col":  # per column scales, one zero point (128) for every column
        m = np.maximum(np.abs(w).max(axis=1), 1e-8)
        s = (m / 127).astype(F32)
        zp = np.full(s.shape, 128, np.uint8)
        q = np.clip(np.rint(w / s[:, None, :]) + 128, 0, 255).astype(np.uint8)
        return q, s, zp
    raise ValueError(kind)


def dequant(q, s, zp):
    D = q.shape[0]
    s = s.reshape(D, 1, -1)
    zp = zp.astype(np.int64).reshape(D, 1, -1)
    return (q.astype(np.int64) - zp), s


def sig(x):
    return 1 / (1 + np.exp(-x))


def ref(c, ins):
    """NumPy DynamicQuantizeLSTM as ORT computes it (one thread). Returns Y, Y_h, Y_c."""
    X = ins["X"].astype(F32)
    T, B, I = X.shape
    H, D = c["H"], c["D"]
    L = ins.get("seq_lens", np.full(B, T, np.int32))
    maxlen = int(L.max())
    H0 = ins.get("initial_h", np.zeros((D, B, H), F32))
    C0 = ins.get("initial_c", np.zeros((D, B, H), F32))
    has_y = c.get("outputs", "Y,Y_h,Y_c").startswith("Y,")
    Y = np.zeros((T, D, B, H), F32)
    Yh = np.zeros((D, B, H), F32)
    Yc = np.zeros((D, B, H), F32)
    for d in range(D):
        rev = c["direction"] == "reverse" or d == 1
        wq, ws = dequant(c["Wq"][d:d + 1], c["Ws"][d:d + 1], c["Wz"][d:d + 1])
        rq, rs = dequant(c["Rq"][d:d + 1], c["Rs"][d:d + 1], c["Rz"][d:d + 1])
        wq, ws, rq, rs = wq[0], ws[0, 0], rq[0], rs[0, 0]
        xs, xz = dyn_params(X[:maxlen])
        bias = np.zeros(4 * H) if "B" not in c else (c["B"][d, :4 * H].astype(F32) +
                                                      c["B"][d, 4 * H:].astype(F32))
        P = c.get("P")
        h = H0[d].astype(F32).copy()
        cs = C0[d].astype(F32).copy()
        for s in range(maxlen):
            hsc, hz = dyn_params(h)
            hq = dyn_quant(h, hsc, hz) - hz
            for b in range(B):
                if s >= L[b]:
                    continue
                t = L[b] - 1 - s if rev else s
                xq = dyn_quant(X[t, b], xs, xz) - xz
                g = (F32(xq @ wq) * F32(xs * ws)).astype(F32)
                g = g + (F32(hq[b] @ rq) * F32(hsc * rs)).astype(F32)
                g = g.astype(np.float64) + bias
                cp = cs[b].astype(np.float64)
                gi, go, gf, gc = g[:H], g[H:2 * H], g[2 * H:3 * H], g[3 * H:]
                if P is not None:
                    gi = gi + P[d, :H] * cp
                    gf = gf + P[d, 2 * H:] * cp
                cl = c.get("clip")
                clip = (lambda v: np.clip(v, -cl, cl)) if cl else (lambda v: v)
                it = sig(clip(gi))
                ft = 1 - it if c.get("input_forget") else sig(clip(gf))
                ct = np.tanh(clip(gc))
                cn = ft * cp + it * ct
                if P is not None:
                    go = go + P[d, H:2 * H] * cn
                ot = sig(clip(go))
                cs[b] = cn
                h[b] = ot * np.tanh(cn)
                Y[t, d, b] = h[b]
                Yh[d, b] = h[b]
                Yc[d, b] = cs[b]
            for b in range(B):  # rows past their length: 0 when Y is an output, else kept
                if s >= L[b] and has_y:
                    h[b] = 0
    return Y, Yh, Yc


def torch_lstm_weights(I, H, D, seed):
    torch.manual_seed(seed)
    m = torch.nn.LSTM(I, H, bidirectional=D == 2)
    order = [0, 3, 1, 2]  # torch i, f, g, o -> ONNX i, o, f, c

    def re(w):
        w = w.detach().numpy().astype(F32)
        return np.concatenate([w[k * H:(k + 1) * H] for k in order], axis=0)

    sfx = ["", "_reverse"][:D]
    W = np.stack([re(getattr(m, "weight_ih_l0" + x)) for x in sfx])  # [D][4H][I]
    R = np.stack([re(getattr(m, "weight_hh_l0" + x)) for x in sfx])
    Bb = np.stack([np.concatenate([re(getattr(m, "bias_ih_l0" + x)[:, None])[:, 0],
                                   re(getattr(m, "bias_hh_l0" + x)[:, None])[:, 0]]) for x in sfx])
    return W, R, Bb


def make_case(name, T, B, I, H, direction="forward", kind="i8col", rkind=None, bias=True,
              init=False, lens=None, peep=False, clip=None, input_forget=0,
              outputs="Y,Y_h,Y_c", seed=0, x_scale=1.0):
    D = 2 if direction == "bidirectional" else 1
    W, R, Bb = torch_lstm_weights(I, H, D, seed)
    W = W * 2  # torch's init is small; wider weights make the gates move
    R = R * 2
    c = {"name": name, "H": H, "D": D, "direction": direction, "clip": clip,
         "input_forget": input_forget, "outputs": outputs}
    c["Wq"], c["Ws"], c["Wz"] = quant_weight(np.transpose(W, (0, 2, 1)), kind)
    c["Rq"], c["Rs"], c["Rz"] = quant_weight(np.transpose(R, (0, 2, 1)), rkind or kind)
    rng = np.random.default_rng(seed + 100)
    if bias:
        c["B"] = Bb.astype(F32)
    if peep:
        c["P"] = (rng.standard_normal((D, 3 * H)) * 0.3).astype(F32)
    ins = {"X": (rng.standard_normal((T, B, I)) * x_scale).astype(F32)}
    if lens is not None:
        ins["seq_lens"] = np.array(lens, np.int32)
    if init:
        ins["initial_h"] = (rng.standard_normal((D, B, H)) * 0.5).astype(F32)
        ins["initial_c"] = (rng.standard_normal((D, B, H)) * 0.5).astype(F32)
    return c, ins


def build_model(c, ins, T, B, I, mutate=None):
    H, D = c["H"], c["D"]
    inits = [numpy_helper.from_array(c["Wq"], "W"), numpy_helper.from_array(c["Rq"], "R"),
             numpy_helper.from_array(c["Ws"], "W_scale"),
             numpy_helper.from_array(c["Wz"], "W_zero_point"),
             numpy_helper.from_array(c["Rs"], "R_scale"),
             numpy_helper.from_array(c["Rz"], "R_zero_point")]
    if "B" in c:
        inits.append(numpy_helper.from_array(c["B"], "B"))
    if "P" in c:
        inits.append(numpy_helper.from_array(c["P"], "P"))
    names = ["X", "W", "R", "B" if "B" in c else "", "seq_lens" if "seq_lens" in ins else "",
             "initial_h" if "initial_h" in ins else "", "initial_c" if "initial_c" in ins else "",
             "P" if "P" in c else "", "W_scale", "W_zero_point", "R_scale", "R_zero_point"]
    attrs = {"hidden_size": H, "direction": c["direction"]}
    if c.get("clip"):
        attrs["clip"] = float(c["clip"])
    if c.get("input_forget"):
        attrs["input_forget"] = 1
    outs = c["outputs"].split(",")
    slots = [o if o in outs else "" for o in ("Y", "Y_h", "Y_c")]
    while not slots[-1]:
        slots.pop()
    node = helper.make_node("DynamicQuantizeLSTM", names, slots, name="dqlstm",
                            domain="com.microsoft", **attrs)
    gin = [helper.make_tensor_value_info("X", TensorProto.FLOAT, [T, B, I])]
    if "seq_lens" in ins:
        gin.append(helper.make_tensor_value_info("seq_lens", TensorProto.INT32, [B]))
    for k in ("initial_h", "initial_c"):
        if k in ins:
            gin.append(helper.make_tensor_value_info(k, TensorProto.FLOAT, [D, B, H]))
    shapes = {"Y": [T, D, B, H], "Y_h": [D, B, H], "Y_c": [D, B, H]}
    gout = [helper.make_tensor_value_info(o, TensorProto.FLOAT, shapes[o]) for o in outs]
    g = helper.make_graph([node], c["name"], gin, gout, inits)
    ops = [helper.make_opsetid("", 14), helper.make_opsetid("com.microsoft", 1)]
    if mutate:
        mutate(g, g.node[0], ops)
    m = helper.make_model(g, opset_imports=ops)
    m.ir_version = 8
    return m


CASES = [
    # name, T, B, I, H, options
    ("fwd_i8col_b1", 8, 1, 12, 16, {}),
    ("fwd_i8dir_b3_init", 10, 3, 8, 8, {"kind": "i8dir", "init": True, "seed": 1}),
    ("fwd_i8dirzp_b3", 6, 3, 16, 12, {"kind": "i8dirzp", "seed": 2}),
    ("fwd_u8dir_b3", 12, 3, 20, 24, {"kind": "u8dir", "seed": 3, "init": True}),
    ("fwd_u8col_b1_nobias", 5, 1, 9, 10, {"kind": "u8col", "bias": False, "seed": 4}),
    ("bidi_i8col_b3_lens_init", 9, 3, 10, 16,
     {"direction": "bidirectional", "init": True, "lens": [9, 6, 2], "seed": 5}),
    ("bidi_u8col_b1", 15, 1, 40, 32, {"direction": "bidirectional", "kind": "u8col", "seed": 6}),
    ("bidi_i8dir_i8col_b3", 7, 3, 14, 8,
     {"direction": "bidirectional", "kind": "i8dir", "rkind": "i8col", "seed": 7}),
    ("bidi_u8dir_b3_lens0", 8, 3, 11, 12,
     {"direction": "bidirectional", "kind": "u8dir", "init": True, "lens": [5, 0, 3],
      "seed": 8}),
    ("rev_i8col_b3_peep_clip", 11, 3, 13, 20,
     {"direction": "reverse", "peep": True, "clip": 2.5, "init": True, "seed": 9}),
    ("fwd_i8col_b3_lens_noY", 20, 3, 17, 12,
     {"lens": [20, 13, 7], "outputs": "Y_h,Y_c", "init": True, "seed": 10}),
    ("fwd_i8col_b3_forget", 6, 3, 8, 9, {"input_forget": 1, "seed": 11, "x_scale": 3.0}),
]


def bad_cases():
    """(name, mutate(graph, node, opsets), expect regex) on fwd_i8col_b1's model."""
    def init(g, name):
        return [t for t in g.initializer if t.name == name][0]

    def set_init(g, name, arr):
        t = init(g, name)
        t.CopyFrom(numpy_helper.from_array(arr, name))

    def scale_val(v):
        def f(g, n, ops):
            a = numpy_helper.to_array(init(g, "W_scale")).copy()
            a[0, 5] = v
            set_init(g, "W_scale", a)
        return f

    def rzp(g, n, ops):
        a = numpy_helper.to_array(init(g, "R_zero_point")).copy()
        a[0, 3] = 1
        set_init(g, "R_zero_point", a)

    def scale_len(g, n, ops):
        a = numpy_helper.to_array(init(g, "R_scale"))
        set_init(g, "R_scale", a[:, :7].copy())
        set_init(g, "R_zero_point", np.zeros((1, 7), np.int8))

    def zp_shape(g, n, ops):
        set_init(g, "W_zero_point", np.zeros(1, np.int8))

    def zp_type(g, n, ops):
        set_init(g, "W_zero_point", np.zeros((1, 64), np.uint8))

    def w_runtime(g, n, ops):
        t = init(g, "W")
        g.input.append(helper.make_tensor_value_info("W", TensorProto.INT8, list(t.dims)))
        g.initializer.remove(t)

    def no_ms_opset(g, n, ops):
        del ops[1]

    def ms_opset2(g, n, ops):
        ops[1].version = 2

    def other_ms_op(g, n, ops):
        n.op_type = "DynamicQuantizeGRU"

    def other_domain(g, n, ops):
        n.domain = "com.example"
        ops[1].domain = "com.example"

    def layout(g, n, ops):
        n.attribute.append(helper.make_attribute("layout", 1))

    def w_float(g, n, ops):
        a = numpy_helper.to_array(init(g, "W")).astype(F32)
        set_init(g, "W", a)

    def w_shape(g, n, ops):  # ONNX LSTM's [D][4H][I] instead of [D][I][4H]
        a = numpy_helper.to_array(init(g, "W"))
        set_init(g, "W", np.ascontiguousarray(np.transpose(a, (0, 2, 1))))

    def u8_unequal(g, n, ops):
        for nm in ("W", "R"):
            a = numpy_helper.to_array(init(g, nm)).astype(np.int32) + 128
            set_init(g, nm, a.astype(np.uint8))
        for nm in ("W_zero_point", "R_zero_point"):
            a = np.full(numpy_helper.to_array(init(g, nm)).shape, 128, np.uint8)
            if nm == "W_zero_point":
                a[0, 9] = 127
            set_init(g, nm, a)

    nd = r"node 'dqlstm' [(]'DynamicQuantizeLSTM' in domain 'com.microsoft'[)]: "
    return [
        ("w_scale_zero", scale_val(0.0), nd + r"input 'W_scale': 'W_scale' element 5 is zero"),
        ("w_scale_negative", scale_val(-0.5), nd + r"input 'W_scale': 'W_scale' element 5 is negative"),
        ("w_scale_nan", scale_val(np.nan), nd + r"input 'W_scale': 'W_scale' element 5 is NaN"),
        ("w_scale_inf", scale_val(np.inf), nd + r"input 'W_scale': 'W_scale' element 5 is infinite"),
        ("r_zero_point_int8_nonzero", rzp, nd + r"input 'R_zero_point': 'R_zero_point' element 3 "
         r"is 1: per-column int8 zero points must all be 0"),
        ("r_scale_length", scale_len, nd + r"input 'R_scale': .*must be \[1\] .per direction. or "
         r"\[1\]\[64\] .per column"),
        ("w_zero_point_shape", zp_shape, nd + r"input 'W_zero_point': .*must have W_scale's "
         r"shape"),
        ("w_zero_point_type", zp_type, nd + r"input 'W_zero_point': .*must have W's type int8"),
        ("w_runtime", w_runtime, nd + r"input 'W': .*must be a constant"),
        ("no_ms_opset", no_ms_opset, r"does not import the com.microsoft domain"),
        ("ms_opset2", ms_opset2, r"imports com.microsoft opset 2, rnnc implements DynamicQuantizeLSTM of "
         r"com.microsoft opset 1 only"),
        ("other_ms_op", other_ms_op, r"op_type 'DynamicQuantizeGRU' in domain 'com.microsoft' is "
         r"not supported"),
        ("other_domain", other_domain, r"op_type 'DynamicQuantizeLSTM' in domain 'com.example' is "
         r"not supported"),
        ("layout1", layout, nd + r"attribute layout: .*not an attribute of DynamicQuantizeLSTM"),
        ("w_float", w_float, nd + r"input 'W': .*must be int8 or uint8, got float"),
        ("w_onnx_layout", w_shape, nd + r"input 'W': must be .*\[1\]\[12\]\[64\]"),
        ("uint8_zero_points_unequal", u8_unequal, nd + r"input 'W_zero_point': 'W_zero_point' "
         r"element 9 is 127, element 0 is 128: per-column uint8 zero points must all be equal"),
    ]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--ort", default="/tmp/ortq/node_modules")
    ap.add_argument("--out", default=os.path.join(ROOT, "testdata"))
    a = ap.parse_args()
    for sub in ("dqlstm", "dqlstm_bad"):
        shutil.rmtree(os.path.join(a.out, sub), ignore_errors=True)
    for name, T, B, I, H, opt in CASES:
        c, ins = make_case(name, T, B, I, H, **opt)
        m = build_model(c, ins, T, B, I)
        d = os.path.join(a.out, "dqlstm", name)
        os.makedirs(os.path.join(d, "test_data_set_0"))
        mp = os.path.join(d, "model.onnx")
        onnx.save(m, mp)
        res = run_ort(mp, list(ins), list(ins.values()), a.ort)
        if "error" in res:
            sys.exit("%s: ONNX Runtime: %s" % (name, res["error"]))
        for k, (n, x) in enumerate(ins.items()):
            write_pb(x, os.path.join(d, "test_data_set_0", "input_%d.pb" % k), n)
        if name == "bidi_i8col_b3_lens_init":  # a length past T at run time: rnnc run refuses it
            os.makedirs(os.path.join(d, "lens_bad"))
            for k, (n, x) in enumerate(ins.items()):
                x = np.array([9, 10, 2], np.int32) if n == "seq_lens" else x
                write_pb(x, os.path.join(d, "lens_bad", "input_%d.pb" % k), n)
        r = dict(zip(("Y", "Y_h", "Y_c"), ref(c, ins)))
        diffs = []
        for k, o in enumerate(m.graph.output):
            v = res[o.name]
            arr = np.array(v["data"], dtype=v["type"]).reshape(v["dims"])
            write_pb(arr, os.path.join(d, "test_data_set_0", "output_%d.pb" % k), o.name)
            diffs.append("%s %.3g" % (o.name, np.abs(arr - r[o.name]).max()))
        print("dqlstm/%s: NumPy vs ORT max abs: %s" % (name, ", ".join(diffs)))
    for name, mutate, expect in bad_cases():
        c, ins = make_case("bad_" + name, 8, 1, 12, 16)
        m = build_model(c, ins, 8, 1, 12, mutate)
        d = os.path.join(a.out, "dqlstm_bad", name)
        os.makedirs(d)
        onnx.save(m, os.path.join(d, "model.onnx"))
        with open(os.path.join(d, "expect"), "w") as f:
            f.write(expect + "\n")
    print("dqlstm_bad: %d models" % len(bad_cases()))


if __name__ == "__main__":
    main()
