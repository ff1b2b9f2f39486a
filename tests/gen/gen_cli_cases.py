#!/usr/bin/python3
"""Models and data files for the command-line tests (tests/cli.cmake).

Writes testdata/cli/:
  unknown_ops_many.onnx   a GRU model around which sit several op types rnnc does not
                          implement (Einsum twice, NonZero, com.microsoft FusedMatMul, and
                          Det inside an If branch): `rnnc info`/`compile` must list them all
  x_rank2.pb              a rank-2 tensor for lstm_symbolic_dims' rank-3 input X
Deterministic (no randomness). Usage: /usr/bin/python3 tests/gen/gen_cli_cases.py
"""

import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "testdata", "cli")


def unknown_ops_many():
    T, B, I, H = 4, 1, 3, 5
    rng = np.arange(3 * H * I, dtype=np.float32).reshape(1, 3 * H, I) / 100.0
    rr = np.arange(3 * H * H, dtype=np.float32).reshape(1, 3 * H, H) / 200.0
    then_g = helper.make_graph(
        [helper.make_node("Det", ["M"], ["d"], name="det_in_branch")], "then",
        [], [helper.make_tensor_value_info("d", TensorProto.FLOAT, [])])
    else_g = helper.make_graph(
        [helper.make_node("ReduceSum", ["M"], ["e"], name="sum_in_branch", keepdims=0)], "else",
        [], [helper.make_tensor_value_info("e", TensorProto.FLOAT, [])])
    nodes = [
        helper.make_node("Einsum", ["X", "X"], ["X2"], name="einsum_1", equation="tbi,tbi->tbi"),
        helper.make_node("GRU", ["X2", "W", "R"], ["Y", "Y_h"], name="gru", hidden_size=H),
        helper.make_node("Einsum", ["Y_h", "Y_h"], ["E"], name="einsum_2",
                         equation="dbh,dbh->dbh"),
        helper.make_node("NonZero", ["E"], ["NZ"], name="nonzero"),
        helper.make_node("FusedMatMul", ["E", "E"], ["F"], name="fused", domain="com.microsoft"),
        helper.make_node("Flatten", ["E"], ["M0"], name="flat", axis=2),
        helper.make_node("Reshape", ["M0", "shape55"], ["M"], name="square"),
        helper.make_node("If", ["cond"], ["D"], name="branch", then_branch=then_g,
                         else_branch=else_g),
    ]
    g = helper.make_graph(
        nodes, "unknown_ops_many",
        [helper.make_tensor_value_info("X", TensorProto.FLOAT, [T, B, I]),
         helper.make_tensor_value_info("cond", TensorProto.BOOL, [])],
        [helper.make_tensor_value_info("D", TensorProto.FLOAT, []),
         helper.make_tensor_value_info("NZ", TensorProto.INT64, None),
         helper.make_tensor_value_info("F", TensorProto.FLOAT, None)],
        [numpy_helper.from_array(rng, "W"), numpy_helper.from_array(rr, "R"),
         numpy_helper.from_array(np.array([1, 5], dtype=np.int64), "shape55")])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 14),
                                            helper.make_opsetid("com.microsoft", 1)],
                          producer_name="gen_cli_cases")
    return m


def main():
    os.makedirs(OUT, exist_ok=True)
    m = unknown_ops_many()
    with open(os.path.join(OUT, "unknown_ops_many.onnx"), "wb") as f:
        f.write(m.SerializeToString())
    x = numpy_helper.from_array(np.ones((5, 3), dtype=np.float32), "X")
    with open(os.path.join(OUT, "x_rank2.pb"), "wb") as f:
        f.write(x.SerializeToString())


if __name__ == "__main__":
    main()
