#!/usr/bin/python3
"""Generate malformed / unsupported ONNX models for rnnc's error-path tests.

Writes testdata/bad/<name>.onnx, one file per case. Each is registered in
tests/CMakeLists.txt as a ctest that runs `rnnc compile` through
tests/errors/expect_error.sh and checks exit status 1, the expected message
substrings and that no output file was written.

Deterministic: no randomness; weights are small fixed patterns, so re-running
reproduces identical bytes.

Usage:
    /usr/bin/python3 tests/gen/gen_bad_models.py [--out testdata/bad]
"""

import argparse
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

# the benchmark's minimal protobuf writer, for the one model onnx's serialiser cannot build
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench"))
from gen_models import f_bytes, f_varint  # noqa: E402

T, B, I, H = 2, 1, 2, 3
GATES = {"RNN": 1, "GRU": 3, "LSTM": 4}


def weights(name, shape):
    n = int(np.prod(shape))
    return numpy_helper.from_array(
        (np.arange(n, dtype=np.float32).reshape(shape) * 0.01 - 0.05).astype(np.float32), name)


def model(op="RNN", attrs=None, opset=14, D=1, h=H, x_shape=None, x_type=TensorProto.FLOAT,
          inputs=None, extra_inits=(), extra_graph_inputs=(), out_shape=None, node_name=None,
          domain="", raw_model=False):
    """A single-node RNN/GRU/LSTM model; the keyword arguments break one thing."""
    G = GATES.get(op, 1)
    attrs = dict(attrs if attrs is not None else {"hidden_size": h})
    inits = [weights("W", [D, G * h, I]), weights("R", [D, G * h, h])]
    inits += list(extra_inits)
    x_shape = x_shape if x_shape is not None else [T, B, I]
    graph_inputs = [helper.make_tensor_value_info("X", x_type, x_shape)]
    graph_inputs += list(extra_graph_inputs)
    node = helper.make_node(op, inputs if inputs is not None else ["X", "W", "R"],
                            ["", "Y_h"], name=node_name or ("bad_" + op.lower()),
                            domain=domain or None, **attrs)
    out = helper.make_tensor_value_info("Y_h", TensorProto.FLOAT,
                                        out_shape if out_shape is not None else [D, B, h])
    graph = helper.make_graph([node], "bad", graph_inputs, [out], initializer=inits)
    opsets = [helper.make_opsetid("", opset)]
    if domain:
        opsets.append(helper.make_opsetid(domain, 1))
    m = helper.make_model(graph, producer_name="rnnc-gen_bad_models", opset_imports=opsets)
    m.ir_version = 8
    return m


def cases():
    c = {}
    good = model()
    good_bytes = good.SerializeToString()

    # ---- file level
    c["empty"] = b""
    c["garbage"] = b"\x0f\xff\xff\xffthis is not a protobuf message\x00\x01\x02"
    c["truncated"] = good_bytes[: len(good_bytes) // 2]
    tp = numpy_helper.from_array(np.zeros([2, 3], dtype=np.float32), "just_a_tensor")
    c["tensorproto"] = tp.SerializeToString()
    m = onnx.ModelProto()
    m.ir_version = 8
    m.opset_import.append(helper.make_opsetid("", 14))
    c["no_graph"] = m

    # ---- attributes
    c["hidden_mismatch"] = model(attrs={"hidden_size": 4})
    c["x_rank2"] = model(x_shape=[T, I])
    c["hidden_zero"] = model(attrs={"hidden_size": 0})
    c["hidden_negative"] = model(attrs={"hidden_size": -3})
    c["direction_unknown"] = model(attrs={"hidden_size": H, "direction": "sideways"})
    c["activation_unknown"] = model(attrs={"hidden_size": H, "activations": ["Tanhh"]})
    c["lstm_activation_count"] = model(op="LSTM", attrs={"hidden_size": H,
                                                         "activations": ["Sigmoid", "Tanh"]})
    c["bidir_one_direction_acts"] = model(D=2, attrs={"hidden_size": H,
                                                      "direction": "bidirectional",
                                                      "activations": ["Tanh"]})
    c["extra_alpha"] = model(attrs={"hidden_size": H, "activations": ["LeakyRelu"],
                                    "activation_alpha": [0.1, 0.2]})
    c["layout2"] = model(attrs={"hidden_size": H, "layout": 2})
    c["layout_opset13"] = model(opset=13, attrs={"hidden_size": H, "layout": 1})
    c["clip_zero"] = model(attrs={"hidden_size": H, "clip": 0.0})
    c["clip_negative"] = model(attrs={"hidden_size": H, "clip": -1.5})
    c["input_forget2"] = model(op="LSTM", attrs={"hidden_size": H, "input_forget": 2})
    c["linear_before_reset5"] = model(op="GRU", attrs={"hidden_size": H,
                                                       "linear_before_reset": 5})
    c["unknown_attr"] = model(op="LSTM", attrs={"hidden_size": H, "foo": 1})
    m = model()
    m.graph.node[0].attribute[0].CopyFrom(helper.make_attribute("hidden_size", 3.0))
    c["hidden_float"] = m

    # ---- operators and opsets
    m = model()
    m.graph.node[0].op_type = "Unique"
    c["unknown_op"] = m
    c["foreign_domain"] = model(domain="com.example")
    c["opset6"] = model(opset=6, attrs={"hidden_size": H})
    c["opset99"] = model(opset=99)

    # ---- inputs and initializers
    c["missing_R"] = model(inputs=["X", "W", ""])
    m = model()
    w = m.graph.initializer[0]
    w.raw_data = w.raw_data[:-4]
    c["raw_data_short"] = m
    m = model()
    m.graph.initializer[0].dims[1] = -3
    c["negative_dims"] = m
    m = model()
    w = m.graph.initializer[0]
    w.ClearField("raw_data")
    w.data_location = TensorProto.EXTERNAL
    e = w.external_data.add()
    e.key, e.value = "location", "weights.bin"
    c["external_data"] = m
    c["x_float16"] = model(x_type=TensorProto.FLOAT16)
    c["x_double"] = model(x_type=TensorProto.DOUBLE)
    c["seqlens_int64"] = model(
        inputs=["X", "W", "R", "", "L"],
        extra_graph_inputs=[helper.make_tensor_value_info("L", TensorProto.INT64, [B])])
    c["seqlens_const_too_long"] = model(
        inputs=["X", "W", "R", "", "L"],
        extra_inits=[numpy_helper.from_array(np.array([7], dtype=np.int32), "L")])

    # ---- graph structure
    m = model()
    n0 = m.graph.node[0]
    n0.input[0] = "Y2"
    n0.output[0] = "Y1"
    n1 = helper.make_node("RNN", ["Y1", "W", "R"], ["Y2", ""], name="cycle_b", hidden_size=H)
    m.graph.node.append(n1)
    c["cycle"] = m
    m = model()
    m.graph.output.append(helper.make_tensor_value_info("Z", TensorProto.FLOAT, [1]))
    c["output_unproduced"] = m
    m = model()
    m.graph.initializer.append(weights("W", [1, H, I]))
    c["duplicate_initializer"] = m
    m = model()
    m.graph.node.append(helper.make_node("RNN", ["X", "W", "R"], ["", "Y_h"], name="second",
                                         hidden_size=H))
    c["duplicate_producer"] = m
    c["declared_shape_mismatch"] = model(out_shape=[1, B, H + 2])
    c["dim_param"] = model(x_shape=["seq", B, I])

    # ---- hostile sizes and encodings (issue 6)
    m = model()
    w = m.graph.initializer[0]
    del w.dims[:]
    w.dims.extend([1 << 40, 1 << 40, 1 << 40])
    c["dims_overflow"] = m
    m = model()
    w = m.graph.initializer[0]
    w.ClearField("raw_data")
    w.data_type = TensorProto.STRING
    w.string_data.extend([b"x"] * int(np.prod(list(w.dims))))
    c["weight_string"] = m
    m = model()
    m.graph.initializer[0].data_type = 99
    c["weight_dtype99"] = m
    for name, loc in (("external_traversal", "../../../../etc/passwd"),
                      ("external_absolute", "/etc/passwd"),
                      ("external_missing", "no_such_weights.bin")):
        m = model()
        w = m.graph.initializer[1]
        w.ClearField("raw_data")
        w.data_location = TensorProto.EXTERNAL
        e = w.external_data.add()
        e.key, e.value = "location", loc
        c[name] = m
    m = model()
    m.graph.output.append(helper.make_tensor_value_info("out\nFAKE LINE\x1b[31mred",
                                                        TensorProto.FLOAT, [1]))
    c["name_terminal_escape"] = m
    c["nested_graph_5000"] = nested_graph_model(5000)
    c["chain_100000"] = chain_model(100000)
    return c


def nested_graph_model(depth):
    """The RNN node gets an attribute 'body' (type GRAPH) whose graph holds a node with such an
    attribute, `depth` levels down. Written as protobuf bytes directly: onnx's Python
    serialiser recurses once per level."""
    graph = f_bytes(2, b"inner")  # GraphProto.name
    for _ in range(depth):
        # AttributeProto: name, type (field 20) = GRAPH (5), g (field 6)
        attr = f_bytes(1, b"body") + f_varint(20, 5) + f_bytes(6, graph)
        node = f_bytes(4, b"If") + f_bytes(5, attr)  # NodeProto.op_type, .attribute
        graph = f_bytes(1, node) + f_bytes(2, b"g")  # GraphProto.node, .name
    m = model()
    data = bytearray(m.SerializeToString())
    # the model's graph (ModelProto field 7) re-serialised with the extra attribute on node 0
    g = m.graph
    node = g.node[0]
    node_bytes = node.SerializeToString() + f_bytes(5, f_bytes(1, b"body") + f_varint(20, 5) +
                                                    f_bytes(6, graph))
    g.ClearField("node")
    rest = g.SerializeToString()
    m.ClearField("graph")
    return m.SerializeToString() + f_bytes(7, f_bytes(1, node_bytes) + rest)


def chain_model(n):
    """X -> Identity -> ... (n nodes) -> RNN: a long but otherwise valid graph."""
    m = model()
    g = m.graph
    prev = "X"
    nodes = []
    for i in range(n):
        nodes.append(helper.make_node("Identity", [prev], ["c%d" % i], name="id%d" % i))
        prev = "c%d" % i
    rnn = g.node[0]
    rnn.input[0] = prev
    del g.node[:]
    g.node.extend(nodes + [rnn])
    return m


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--out", default=os.path.join(here, "..", "..", "testdata", "bad"))
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    for name, m in sorted(cases().items()):
        data = m if isinstance(m, bytes) else m.SerializeToString()
        with open(os.path.join(args.out, name + ".onnx"), "wb") as f:
            f.write(data)
        print(name)


if __name__ == "__main__":
    main()
