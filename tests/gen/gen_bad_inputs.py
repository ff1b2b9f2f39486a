#!/usr/bin/python3
"""Models rnnc must refuse with a clear error (issue 11's list beside the ones in
gen_glue_cases.py and gen_conv_cases.py): reflect padding wider than the input allows and
Split sizes that do not add up. Written to testdata/onnx-node-extra-bad/bad_<case>/{model.onnx,
expect}; tests/onnx_node.cmake runs each as node_extra_bad_bad_<case> (exit 1, one error line
matching expect, nothing written).

Usage: /usr/bin/python3 tests/gen/gen_bad_inputs.py
"""
import os
import sys

import numpy as np
from onnx import helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nodetest  # noqa: E402
from nodetest import write_bad  # noqa: E402

nodetest.PRODUCER = "gen_bad_inputs"
BAD = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "testdata",
                   "onnx-node-extra-bad")
F32, I64 = np.float32, np.int64


def main():
    # reflect mirrors without repeating the edge: at most dim - 1 on each side
    write_bad(BAD, "bad_pad_reflect_wider_than_input", 13,
              [helper.make_node("Pad", ["x", "p"], ["y"], name="pad", mode="reflect")],
              [("x", F32, [1, 3])], [("y", F32, [1, 11])],
              r"node 'pad' \('Pad'\): pads: reflect pad 4 on axis 1 is wider than the "
              r"dimension 3 minus 1", [("p", np.array([0, 4, 0, 4], I64))])
    write_bad(BAD, "bad_split_sizes_do_not_add_up", 13,
              [helper.make_node("Split", ["x", "s"], ["a", "b"], name="split", axis=1)],
              [("x", F32, [2, 6])], [("a", F32, [2, 2]), ("b", F32, [2, 3])],
              r"node 'split' \('Split'\): split: the sizes add up to 5, but axis 1 has 6 "
              r"elements", [("s", np.array([2, 3], I64))])


if __name__ == "__main__":
    main()
