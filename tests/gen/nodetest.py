"""Writers of ONNX node tests in the layout of ONNX's backend tests, shared by the generators
in tests/gen/ (gen_conv_cases.py, gen_zero_size.py):

    OUT/test_<name>/model.onnx, OUT/test_<name>/test_data_set_0/{input,output}_<i>.pb
    BAD/<name>/model.onnx, BAD/<name>/expect      (a model rnnc must refuse, and the regex
                                                   its error line must match)
"""
import os
import shutil

import numpy as np
from onnx import TensorProto, helper, numpy_helper

DT = {np.float32: TensorProto.FLOAT, np.float64: TensorProto.DOUBLE, np.int8: TensorProto.INT8,
      np.uint8: TensorProto.UINT8, np.int32: TensorProto.INT32, np.int64: TensorProto.INT64,
      np.bool_: TensorProto.BOOL}
PRODUCER = "rnnc tests/gen"


def _init(n, a):
    """An initializer from (name, array), or a TensorProto given as it is (odd encodings)."""
    return a if isinstance(a, TensorProto) else numpy_helper.from_array(a, n)


def _model(name, opset, nodes, graph_inputs, graph_outputs, initializers):
    graph = helper.make_graph(nodes, name, graph_inputs, graph_outputs,
                              initializer=[_init(n, a) for n, a in initializers])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)],
                              producer_name=PRODUCER)
    model.ir_version = 8
    return model


def write_graph(out, name, opset, nodes, inputs, outputs, initializers=()):
    """A multi-node case. inputs/outputs: lists of (name, array) (outputs = expected values);
    initializers: (name, array) constants the nodes read."""
    d = os.path.join(out, "test_" + name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(os.path.join(d, "test_data_set_0"))
    vi = lambda n, a: helper.make_tensor_value_info(n, DT[a.dtype.type], list(a.shape))
    model = _model(name, opset, nodes, [vi(n, a) for n, a in inputs],
                   [vi(n, a) for n, a in outputs], initializers)
    with open(os.path.join(d, "model.onnx"), "wb") as f:
        f.write(model.SerializeToString())
    for kind, arrs in (("input", inputs), ("output", outputs)):
        for i, (n, a) in enumerate(arrs):
            with open(os.path.join(d, "test_data_set_0", "%s_%d.pb" % (kind, i)), "wb") as f:
                f.write(numpy_helper.from_array(a, n).SerializeToString())


def write_case(out, name, opset, op, inputs, outputs, attrs=None, node_inputs=None,
               initializers=()):
    """A single-node case; node_inputs: the node's input names when they differ from the
    graph inputs (initializers, empty names)."""
    node = helper.make_node(op, node_inputs if node_inputs is not None else [n for n, _ in inputs],
                            [n for n, _ in outputs], name=name, **(attrs or {}))
    write_graph(out, name, opset, [node], inputs, outputs, initializers)


def write_bad(out, name, opset, nodes, inputs, outputs, expect, initializers=()):
    """A model rnnc must refuse; `expect` is the regex its error line must match.
    inputs/outputs: (name, numpy dtype or TensorProto code, shape)."""
    assert expect and ";" not in expect
    d = os.path.join(out, name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    vi = lambda n, t, sh: helper.make_tensor_value_info(n, t if isinstance(t, int) else DT[t], sh)
    model = _model(name, opset, nodes, [vi(*i) for i in inputs], [vi(*o) for o in outputs],
                   initializers)
    with open(os.path.join(d, "model.onnx"), "wb") as f:
        f.write(model.SerializeToString())
    with open(os.path.join(d, "expect"), "w") as f:
        f.write(expect + "\n")
