#!/usr/bin/python3
"""Data sets that `rnnc check` must reject: the expected outputs of
testdata/cases/lstm_peepholes with one element of Y moved by 0.01 (far outside
atol 1e-5 + rtol 1e-3), so the comparison itself is shown able to fail."""
import os
import shutil

import numpy as np
import onnx
from onnx import numpy_helper

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
src = os.path.join(root, "testdata", "cases", "lstm_peepholes", "test_data_set_0")
dst = os.path.join(root, "testdata", "check_negative", "lstm_peepholes_perturbed")
if os.path.exists(dst):
    shutil.rmtree(dst)
os.makedirs(dst)
for name in sorted(os.listdir(src)):
    shutil.copy(os.path.join(src, name), dst)
t = onnx.load_tensor(os.path.join(src, "output_0.pb"))
y = numpy_helper.to_array(t).copy()
y.flat[len(y.flat) // 2] += np.float32(0.01)
out = numpy_helper.from_array(y, t.name)
with open(os.path.join(dst, "output_0.pb"), "wb") as f:
    f.write(out.SerializeToString())
print("wrote", dst)
