#!/usr/bin/env python3
"""gen_models.py - the benchmark's ONNX models and inputs, from fixed seeds.

Python standard library only (the ONNX protobuf is written by hand below), so the benchmark
and its --smoke mode run on a machine without the onnx or numpy packages. Output is
byte-for-byte deterministic: the same command writes the same files on any machine.

For each workload NAME (see WORKLOADS) it writes to OUT:
  NAME.onnx            one RNN/LSTM/GRU node, opset 14, layout 0; W, R, B as initializers
                       (uniform in [-1/sqrt(H), 1/sqrt(H)], as PyTorch initialises them), X as
                       the only graph input, outputs Y, Y_h (and Y_c for LSTM)
  NAME.stream.onnx     only when seq < 2: the same model with seq 16, for `rnnc compile --stream`
  NAME.identity.onnx   Y = Identity(X) with X of the same shape (ONNX Runtime's per-call floor)
  NAME.x.bin           X, uniform in [-1, 1], float32 little-endian, dense row-major
  NAME/input_0.pb      X as an ONNX TensorProto (for `rnnc run --input-dir`)
  NAME.json            the workload's shapes (read by run.sh, bench_ort.js and report.py)

Usage: gen_models.py --out DIR [--only NAME[,NAME...]] [--list]
"""
import argparse
import array
import json
import math
import os
import random
import struct
import sys

# name, op, input, hidden, seq, batch, direction, extra attributes
WORKLOADS = [
    ("lstm_tiny_step", "LSTM", 16, 32, 1, 1, "forward", {}),
    ("rnn_small", "RNN", 32, 64, 100, 1, "forward", {}),
    ("lstm_speech", "LSTM", 40, 128, 100, 1, "forward", {}),
    ("gru_mid", "GRU", 64, 256, 50, 1, "forward", {"linear_before_reset": 1}),
    ("bilstm", "LSTM", 64, 128, 50, 1, "bidirectional", {}),
    ("lstm_batch", "LSTM", 256, 512, 32, 32, "forward", {}),
]
GATES = {"RNN": 1, "LSTM": 4, "GRU": 3}
OPSET = 14
IR_VERSION = 7  # opset 14 needs IR >= 7
STREAM_MIN_SEQ = 16  # sequence length of the --stream copy of a model whose seq is below 2

# ---- minimal protobuf writer (wire types 0: varint, 2: length-delimited, 5: fixed32) ----


def _varint(v):
    if v < 0:
        v += 1 << 64  # int64 two's complement, as protobuf encodes negative int64
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        if v:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def f_varint(field, v):
    return _varint(field << 3) + _varint(v)


def f_bytes(field, data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    return _varint((field << 3) | 2) + _varint(len(data)) + data


def f_float(field, v):
    return _varint((field << 3) | 5) + struct.pack("<f", v)


# onnx.proto field numbers
def tensor_proto(name, dims, raw):
    """TensorProto: dims=1, data_type=2 (FLOAT=1), name=8, raw_data=9."""
    b = b"".join(f_varint(1, d) for d in dims)
    return b + f_varint(2, 1) + f_bytes(8, name) + f_bytes(9, raw)


def value_info(name, dims):
    """ValueInfoProto{name=1, type=2: TypeProto{tensor_type=1: {elem_type=1, shape=2}}}."""
    shape = b"".join(f_bytes(1, f_varint(1, d)) for d in dims)  # Dimension.dim_value=1
    tensor_type = f_varint(1, 1) + f_bytes(2, shape)
    return f_bytes(1, name) + f_bytes(2, f_bytes(1, tensor_type))


def attr_int(name, v):
    """AttributeProto: name=1, i=3, type=20 (INT=2)."""
    return f_bytes(1, name) + f_varint(3, v) + f_varint(20, 2)


def attr_str(name, s):
    """AttributeProto: name=1, s=4, type=20 (STRING=3)."""
    return f_bytes(1, name) + f_bytes(4, s) + f_varint(20, 3)


def node_proto(op, name, inputs, outputs, attrs):
    """NodeProto: input=1, output=2, name=3, op_type=4, attribute=5."""
    b = b"".join(f_bytes(1, i) for i in inputs) + b"".join(f_bytes(2, o) for o in outputs)
    return b + f_bytes(3, name) + f_bytes(4, op) + b"".join(f_bytes(5, a) for a in attrs)


def model_proto(graph_name, nodes, initializers, inputs, outputs):
    """GraphProto{node=1, name=2, initializer=5, input=11, output=12} inside
    ModelProto{ir_version=1, producer_name=2, graph=7, opset_import=8{domain=1, version=2}}."""
    g = b"".join(f_bytes(1, n) for n in nodes) + f_bytes(2, graph_name)
    g += b"".join(f_bytes(5, t) for t in initializers)
    g += b"".join(f_bytes(11, v) for v in inputs) + b"".join(f_bytes(12, v) for v in outputs)
    m = f_varint(1, IR_VERSION) + f_bytes(2, "rnnc bench/gen_models.py")
    return m + f_bytes(7, g) + f_bytes(8, f_bytes(1, "") + f_varint(2, OPSET))


# ---- data ----


def floats_le(values):
    a = array.array("f", values)
    if sys.byteorder != "little":
        a.byteswap()
    return a.tobytes()


def uniform(rng, n, lo, hi):
    return floats_le(rng.uniform(lo, hi) for _ in range(n))


def workload_seed(name, what):
    # Fixed, readable seeds: a stable hash of the workload name and the tensor.
    h = 2166136261
    for c in (name + "/" + what).encode():
        h = ((h ^ c) * 16777619) & 0xFFFFFFFF
    return h


def generate(w, out):
    name, op, inp, hid, seq, batch, direction, extra = w
    d = 2 if direction == "bidirectional" else 1
    g = GATES[op]
    k = 1.0 / math.sqrt(hid)
    init = []
    for tname, dims in (("W", [d, g * hid, inp]), ("R", [d, g * hid, hid]), ("B", [d, 2 * g * hid])):
        n = 1
        for x in dims:
            n *= x
        rng = random.Random(workload_seed(name, tname))
        init.append(tensor_proto(tname, dims, uniform(rng, n, -k, k)))
    attrs = [attr_int("hidden_size", hid), attr_str("direction", direction)]
    for a, v in sorted(extra.items()):
        attrs.append(attr_int(a, v))
    outs = ["Y", "Y_h"] + (["Y_c"] if op == "LSTM" else [])

    def rnn_model(seq):
        x_dims = [seq, batch, inp]
        out_dims = {"Y": [seq, d, batch, hid], "Y_h": [d, batch, hid], "Y_c": [d, batch, hid]}
        node = node_proto(op, name, ["X", "W", "R", "B"], outs, attrs)
        model = model_proto(name, [node], init, [value_info("X", x_dims)],
                            [value_info(o, out_dims[o]) for o in outs])
        return model, x_dims, out_dims

    model, x_dims, out_dims = rnn_model(seq)
    with open(os.path.join(out, name + ".onnx"), "wb") as f:
        f.write(model)
    stream_model = None
    if direction == "forward" and seq < STREAM_MIN_SEQ:
        # `rnnc compile --stream` finds the time axis among the axes as long as the sequence,
        # so it needs seq >= 2: the step function is compiled from this copy (same weights,
        # seq 16); its first `seq` steps must reproduce NAME.onnx's outputs.
        stream_model = name + ".stream.onnx"
        with open(os.path.join(out, stream_model), "wb") as f:
            f.write(rnn_model(STREAM_MIN_SEQ)[0])

    ident = model_proto(name + "_identity", [node_proto("Identity", "identity", ["X"], ["Y"], [])],
                        [], [value_info("X", x_dims)], [value_info("Y", x_dims)])
    with open(os.path.join(out, name + ".identity.onnx"), "wb") as f:
        f.write(ident)

    n_x = seq * batch * inp
    x = uniform(random.Random(workload_seed(name, "X")), n_x, -1.0, 1.0)
    with open(os.path.join(out, name + ".x.bin"), "wb") as f:
        f.write(x)
    os.makedirs(os.path.join(out, name), exist_ok=True)
    with open(os.path.join(out, name, "input_0.pb"), "wb") as f:
        f.write(tensor_proto("X", x_dims, x))

    # FLOPs of the recurrence as the usual formula counts them (matrix products only):
    # 2*(I+H)*G*H*T*B*D. report.py prefers `rnnc info`'s count, which adds elementwise work.
    meta = {
        "name": name, "op": op, "input": inp, "hidden": hid, "seq": seq, "batch": batch,
        "direction": direction, "directions": d, "gates": g, "attributes": extra,
        "x_dims": x_dims, "outputs": outs, "output_dims": [out_dims[o] for o in outs],
        "matmul_flops": 2 * (inp + hid) * g * hid * seq * batch * d,
        "parameters": d * g * hid * (inp + hid + 2),
        "streamable": direction == "forward",
        "stream_model": stream_model or (name + ".onnx" if direction == "forward" else None),
    }
    with open(os.path.join(out, name + ".json"), "w") as f:
        json.dump(meta, f, indent=1, sort_keys=True)
        f.write("\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", help="output directory")
    ap.add_argument("--only", default="", help="comma-separated workload names (default: all)")
    ap.add_argument("--list", action="store_true", help="print the workload names and exit")
    a = ap.parse_args()
    names = [w[0] for w in WORKLOADS]
    if a.list:
        print("\n".join(names))
        return 0
    if not a.out:
        ap.error("--out is required")
    only = [s for s in a.only.split(",") if s]
    for s in only:
        if s not in names:
            ap.error("unknown workload %r (known: %s)" % (s, ", ".join(names)))
    os.makedirs(a.out, exist_ok=True)
    for w in WORKLOADS:
        if not only or w[0] in only:
            generate(w, a.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
