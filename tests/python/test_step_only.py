#!/usr/bin/python3
"""python_module_step_only: a model exported with one time step, compiled with --step-only
and called through rnnc.py step by step, gives PyTorch's loop (the expected.h that
tests/gen/gen_step_only.py wrote from the torch module); run() is refused.

usage: test_step_only.py RNNC CASE_DIR WORK_DIR
"""
import os
import re
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python"))
import rnnc  # noqa: E402


def expected(path):
    text = open(path).read()
    arrays = {m.group(1): np.array([float(v.rstrip("f")) for v in m.group(2).split(",")],
                                   dtype=np.float32)
              for m in re.finditer(r"static const float (\w+)\[\d+\] = \{(.*?)\};", text)}
    per = {m.group(1): int(m.group(2))
           for m in re.finditer(r"#define ((?:IN|OUT)\d+)_PER_STEP (\d+)", text)}
    steps = int(re.search(r"#define T_STEPS (\d+)", text).group(1))
    return arrays, per, steps


def main():
    exe, case, work = sys.argv[1:4]
    subprocess.run([exe, "compile", os.path.join(case, "model.onnx"), "--step-only", "-o", work],
                   check=True)
    m = rnnc.Model(rnnc.build_shared(work, "net"), "net")
    arrays, per, steps = expected(os.path.join(case, "expected.h"))
    worst = 0.0
    m.reset()
    for t in range(steps):
        ins = []
        for i, info in enumerate(m.step_inputs):
            a, n = arrays["in%d" % i], per["IN%d" % i]
            ins.append((a[t * n:(t + 1) * n] if n else a).reshape(info.shape))
        outs = m.step(*ins)
        for k, y in enumerate(outs):
            n = per["OUT%d" % k]
            if n == 0 and t != steps - 1:
                continue
            want = arrays["out%d" % k][t * n:(t + 1) * n] if n else arrays["out%d" % k]
            err = float(np.max(np.abs(y.ravel() - want)))
            worst = max(worst, err)
            if not np.allclose(y.ravel(), want, atol=1e-5, rtol=1e-4):
                print("FAIL: step %d output %d: max abs error %g vs PyTorch" % (t, k, err))
                return 1
    try:
        m.run(*ins)
        print("FAIL: run() of a --step-only build did not raise")
        return 1
    except rnnc.ArgumentError as e:
        print("run() refused: %s" % e)
    print("%d steps, max abs error %.3g vs PyTorch\nPASS" % (steps, worst))
    return 0


if __name__ == "__main__":
    sys.exit(main())
