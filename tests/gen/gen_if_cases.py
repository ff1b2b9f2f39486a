#!/usr/bin/python3
"""If and float16 cases: testdata/glue/<case> (run by tests/glue.cmake through `rnnc check`) and
testdata/glue_bad/<case> (must be refused with a message matching `expect`).

Expected outputs come from NumPy (the branch the condition takes, computed directly), never from
rnnc. Usage: /usr/bin/python3 tests/gen/gen_if_cases.py [--out testdata]
"""
import argparse
import os
import shutil

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

F32 = np.float32


def save(root, case, model, inputs, outputs):
    d = os.path.join(root, "glue", case)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(os.path.join(d, "test_data_set_0"))
    onnx.checker.check_model(model, full_check=True)
    onnx.save(model, os.path.join(d, "model.onnx"))
    for kind, vals in (("input", inputs), ("output", outputs)):
        for i, (name, v) in enumerate(vals):
            t = numpy_helper.from_array(np.asarray(v), name)
            with open(os.path.join(d, "test_data_set_0", "%s_%d.pb" % (kind, i)), "wb") as f:
                f.write(t.SerializeToString())


def save_bad(root, case, model, expect):
    d = os.path.join(root, "glue_bad", case)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    onnx.save(model, os.path.join(d, "model.onnx"))
    with open(os.path.join(d, "expect"), "w") as f:
        f.write(expect + "\n")


def vi(name, elem, shape):
    return helper.make_tensor_value_info(name, elem, shape)


def const(name, arr):
    return helper.make_node("Constant", [], [name], value=numpy_helper.from_array(np.asarray(arr)))


def model(nodes, inputs, outputs, inits=(), opset=13):
    g = helper.make_graph(nodes, "g", inputs, outputs, initializer=list(inits))
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)])


def branches(tag, else_shape=None):
    """then: Y = Relu(X) * 2, else: Y = Sigmoid(X) + 1 (or a [3] constant, else_shape)."""
    then = helper.make_graph(
        [const(tag + "two", F32(2)), helper.make_node("Relu", ["X"], [tag + "r"]),
         helper.make_node("Mul", [tag + "r", tag + "two"], [tag + "ty"])],
        tag + "then", [], [vi(tag + "ty", TensorProto.FLOAT, [2, 3])])
    if else_shape:
        els = helper.make_graph([const(tag + "ey", np.zeros(else_shape, F32))], tag + "else", [],
                                [vi(tag + "ey", TensorProto.FLOAT, else_shape)])
    else:
        els = helper.make_graph(
            [const(tag + "one", F32(1)), helper.make_node("Sigmoid", ["X"], [tag + "s"]),
             helper.make_node("Add", [tag + "s", tag + "one"], [tag + "ey"])],
            tag + "else", [], [vi(tag + "ey", TensorProto.FLOAT, [2, 3])])
    return then, els


def then_ref(x):
    return (np.maximum(x.astype(np.float64), 0) * 2).astype(F32)


def else_ref(x):
    return (1 / (1 + np.exp(-x.astype(np.float64))) + 1).astype(F32)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "..", "testdata"))
    root = ap.parse_args().out
    rs = np.random.RandomState(11)
    x = rs.uniform(-2, 2, (2, 3)).astype(F32)

    # a condition known only at run time: both branches compiled, the taken one runs
    then, els = branches("b_")
    m = model([helper.make_node("If", ["cond"], ["Y"], then_branch=then, else_branch=els)],
              [vi("X", TensorProto.FLOAT, [2, 3]), vi("cond", TensorProto.BOOL, [])],
              [vi("Y", TensorProto.FLOAT, [2, 3])])
    save(root, "if_runtime_then_op13", m, [("X", x), ("cond", np.array(True))], [("Y", then_ref(x))])
    save(root, "if_runtime_else_op13", m, [("X", x), ("cond", np.array(False))], [("Y", else_ref(x))])

    # a condition computed from constants: folded, the else branch inlined
    then, els = branches("c_")
    m = model([const("k", np.array([3], np.int64)), const("l", np.array([4], np.int64)),
               helper.make_node("Sub", ["k", "l"], ["d"]), helper.make_node("Cast", ["d"], ["dc"], to=TensorProto.BOOL),
               const("z", np.array([0], np.int64)), helper.make_node("Cast", ["z"], ["zc"], to=TensorProto.BOOL),
               helper.make_node("If", ["zc"], ["Y"], then_branch=then, else_branch=els)],
              [vi("X", TensorProto.FLOAT, [2, 3])], [vi("Y", TensorProto.FLOAT, [2, 3])])
    save(root, "if_const_folded_op13", m, [("X", x)], [("Y", else_ref(x))])

    # a run-time If whose then branch holds an If with a constant condition (inlined there)
    inner_then, inner_else = branches("i_")
    outer_then = helper.make_graph(
        [const("t_true", np.array(True)),
         helper.make_node("If", ["t_true"], ["o_y"], then_branch=inner_then, else_branch=inner_else)],
        "outer_then", [], [vi("o_y", TensorProto.FLOAT, [2, 3])])
    outer_else = helper.make_graph([helper.make_node("Tanh", ["X"], ["o_e"])], "outer_else", [],
                                   [vi("o_e", TensorProto.FLOAT, [2, 3])])
    m = model([helper.make_node("If", ["cond"], ["Y"], then_branch=outer_then, else_branch=outer_else)],
              [vi("X", TensorProto.FLOAT, [2, 3]), vi("cond", TensorProto.BOOL, [])],
              [vi("Y", TensorProto.FLOAT, [2, 3])])
    save(root, "if_nested_runtime_then_op13", m, [("X", x), ("cond", np.array(True))], [("Y", then_ref(x))])
    save(root, "if_nested_runtime_else_op13", m, [("X", x), ("cond", np.array(False))],
         [("Y", np.tanh(x.astype(np.float64)).astype(F32))])

    # float16 weights as exporters write them (model.half() then Cast to float)
    w = rs.uniform(-1, 1, (3, 4)).astype(np.float16)
    m = model([helper.make_node("Cast", ["W16"], ["W"], to=TensorProto.FLOAT),
               helper.make_node("MatMul", ["X", "W"], ["Y"])],
              [vi("X", TensorProto.FLOAT, [2, 3])], [vi("Y", TensorProto.FLOAT, [2, 4])],
              inits=[numpy_helper.from_array(w, "W16")])
    save(root, "fp16_weight_cast_matmul_op13", m, [("X", x)],
         [("Y", (x.astype(np.float64) @ w.astype(np.float64)).astype(F32))])

    # a float16 round trip at run time: float -> float16 (round to nearest even) -> float
    xr = np.concatenate([x.ravel(), F32([65504, 65520, 1e-8, 6e-8, -0.0, 2049])]).reshape(3, 4)
    m = model([helper.make_node("Cast", ["X"], ["H"], to=TensorProto.FLOAT16),
               helper.make_node("Cast", ["H"], ["Y"], to=TensorProto.FLOAT)],
              [vi("X", TensorProto.FLOAT, [3, 4])], [vi("Y", TensorProto.FLOAT, [3, 4])])
    with np.errstate(over="ignore"):
        save(root, "cast_float16_roundtrip_op13", m, [("X", xr)],
             [("Y", xr.astype(np.float16).astype(F32))])

    # refused: a run-time If whose branches give different shapes
    then, els = branches("d_", else_shape=[3])
    m = model([helper.make_node("If", ["cond"], ["Y"], then_branch=then, else_branch=els)],
              [vi("X", TensorProto.FLOAT, [2, 3]), vi("cond", TensorProto.BOOL, [])],
              [vi("Y", TensorProto.FLOAT, None)])
    save_bad(root, "if_branch_shapes_differ_op13", m, r"'If'.*float\[2\]\[3\] from then_branch but float\[3\]")
    # refused: a branch reads a name nothing defines
    bad_then = helper.make_graph([helper.make_node("Relu", ["nowhere"], ["u"])], "t", [],
                                 [vi("u", TensorProto.FLOAT, [2, 3])])
    _, els = branches("e_")
    m = model([helper.make_node("If", ["cond"], ["Y"], then_branch=bad_then, else_branch=els)],
              [vi("X", TensorProto.FLOAT, [2, 3]), vi("cond", TensorProto.BOOL, [])],
              [vi("Y", TensorProto.FLOAT, [2, 3])])
    save_bad(root, "if_branch_reads_undefined_op13", m, r"'If'.*nowhere")
    # refused: a float16 weight holding NaN
    wn = w.copy()
    wn[1, 2] = np.float16("nan")
    m = model([helper.make_node("Cast", ["W16"], ["W"], to=TensorProto.FLOAT),
               helper.make_node("MatMul", ["X", "W"], ["Y"])],
              [vi("X", TensorProto.FLOAT, [2, 3])], [vi("Y", TensorProto.FLOAT, [2, 4])],
              inits=[numpy_helper.from_array(wn, "W16")])
    save_bad(root, "fp16_weight_nan_op13", m, r"initializer 'W16'.*float16 element 6 is NaN")


if __name__ == "__main__":
    main()
