#!/usr/bin/python3
"""Zero-size tensors in every position (issue 14), as node tests in the ONNX layout:

    testdata/onnx-node-extra/test_zero_<case>/{model.onnx, test_data_set_0/}

graph inputs with a 0 dimension, an empty operand of Concat (initializer, Constant, computed
at run time), a Slice or Gather that selects nothing (as an intermediate and as a graph
output), elementwise ops and a reduction over empty tensors; expected outputs from NumPy. Each runs as ctest
node_extra_zero_<case> (tests/onnx_node.cmake): rnnc check compiles it, builds the C with
-Werror (an unused empty constant once broke that) and compares. Models rnnc must refuse go to
testdata/onnx-node-extra-bad/zero_<case>/{model.onnx, expect}: a tensor with two encodings
(raw_data beside float_data or int64_data).

Usage: /usr/bin/python3 tests/gen/gen_zero_size.py
"""
import os
import sys

import numpy as np
from onnx import helper, numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nodetest  # noqa: E402
from nodetest import write_bad, write_graph  # noqa: E402

nodetest.PRODUCER = "gen_zero_size"
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "testdata")
GOOD, BAD = os.path.join(ROOT, "onnx-node-extra"), os.path.join(ROOT, "onnx-node-extra-bad")
F32 = np.float32


def good(name, nodes, feeds, expected, inits=()):
    """feeds/expected: lists of (name, array)."""
    write_graph(GOOD, "zero_" + name, 13, nodes, feeds, expected, inits)


def bad(name, nodes, inputs, outputs, expect, inits=()):
    write_bad(BAD, "zero_" + name, 13, nodes, inputs, outputs, expect, inits)


def i64(*v):
    return np.array(v, np.int64)


def main():
    x = np.arange(6, dtype=F32).reshape(2, 3) - 2.5
    node = helper.make_node
    # Concat with an empty initializer operand (the generated C once defined it and never
    # used it: -Werror=unused-const-variable)
    good("concat_empty_initializer", [node("Concat", ["x", "e"], ["y"], axis=1)],
         [("x", x)], [("y", x)], inits=[("e", np.zeros((2, 0), F32))])
    # ... from a Constant node, in the middle
    good("concat_empty_constant", [
        node("Constant", [], ["e"], value=numpy_helper.from_array(np.zeros((0, 3), F32))),
        node("Concat", ["e", "x", "e"], ["y"], axis=0)], [("x", x)], [("y", x)])
    # ... computed at run time: Slice selects nothing, Relu of nothing, Concat
    good("concat_empty_at_run_time", [
        node("Slice", ["x", "s", "s", "a"], ["z"]), node("Relu", ["z"], ["r"]),
        node("Concat", ["r", "x"], ["y"], axis=0)], [("x", x)], [("y", x)],
        inits=[("s", i64(1)), ("a", i64(0))])
    # an empty graph output beside a full one
    good("slice_empty_output", [node("Slice", ["x", "s", "s", "a"], ["e"]),
                                node("Neg", ["x"], ["y"])],
         [("x", x)], [("e", np.zeros((2, 0), F32)), ("y", -x)],
         inits=[("s", i64(2)), ("a", i64(1))])
    # Gather with no indices: an empty output
    good("gather_no_indices", [node("Gather", ["x", "i"], ["y"], axis=0)], [("x", x)],
         [("y", np.zeros((0, 3), F32))], inits=[("i", np.zeros((0,), np.int64))])
    # elementwise with broadcasting on an empty operand, then a reduction over the empty axis
    # (the sum of nothing is 0) added to x
    good("reduce_over_empty", [
        node("Slice", ["x", "s", "s", "a"], ["z"]), node("Mul", ["z", "k"], ["m"]),
        node("ReduceSum", ["m", "a"], ["r"], keepdims=1), node("Add", ["x", "r"], ["y"])],
         [("x", x)], [("y", x)], inits=[("s", i64(0)), ("a", i64(1)),
                                        ("k", np.full((1, 1), 3, F32))])

    # graph inputs with a 0 dimension (as ONNX's node tests give ReduceSum an empty axes
    # input): an empty input, and one beside a full input that a reduction empties out
    e = np.zeros((0, 3), F32)
    good("graph_input_zero_dim", [node("Relu", ["e"], ["r"]), node("Concat", ["r", "x"], ["y"],
                                                                   axis=0)],
         [("e", e), ("x", x)], [("y", x)])
    good("graph_input_zero_dim_empty_output", [node("Neg", ["e"], ["y"])], [("e", e)],
         [("y", e)])
    good("graph_input_zero_dim_reduce", [node("ReduceMax", ["e"], ["m"], axes=[0], keepdims=0),
                                         node("Max", ["m", "z"], ["y"])],
         [("e", np.zeros((0, 3), np.int64))], [("y", np.zeros(3, np.int64))],
         inits=[("z", np.zeros(3, np.int64))])

    # two encodings of one tensor: raw_data beside typed data
    t = numpy_helper.from_array(np.ones((2, 3), F32), "w")
    t.float_data.extend([2.0] * 6)
    bad("raw_and_float_data", [node("Add", ["x", "w"], ["y"])], [("x", F32, [2, 3])],
        [("y", F32, [2, 3])],
        r"initializer 'w': holds both raw_data \(24 bytes\) and typed data \(6 values\)",
        [("w", t)])
    t = numpy_helper.from_array(i64(3, 2), "shape")
    t.int64_data.extend([3, 2])
    bad("raw_and_int64_data", [node("Reshape", ["x", "shape"], ["y"])], [("x", F32, [2, 3])],
        [("y", F32, [3, 2])],
        r"initializer 'shape': holds both raw_data \(16 bytes\) and typed data \(2 values\)",
        [("shape", t)])


if __name__ == "__main__":
    main()
