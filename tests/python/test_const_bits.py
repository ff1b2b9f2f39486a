#!/usr/bin/python3
"""const_bits_exact: the generated code's constants are the model's bytes exactly. The
model (tests/gen/gen_const_bits.py) returns its initializers, one per dtype, 7 values
(emitted as literal lists) and 1000 (as byte strings), with infinities, -0, subnormals and
bytes a C string must escape; every output must equal expected_N.npy (np.save) byte for
byte, and the generated source must hold the large ones as strings.

usage: test_const_bits.py RNNC CASE_DIR WORK_DIR
"""
import os
import re
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python"))
import rnnc  # noqa: E402


def main():
    exe, case, work = sys.argv[1:4]
    subprocess.run([exe, "compile", os.path.join(case, "model.onnx"), "-o", work], check=True)
    src = open(os.path.join(work, "net.c")).read()
    strings = len(re.findall(r"unsigned char b\[\d+\]\[\d+\];", src))
    if strings != 11:
        print("FAIL: %d constants emitted as byte strings, expected 11 (one per dtype)" % strings)
        return 1
    m = rnnc.Model(rnnc.build_shared(work, "net"), "net")
    outs = m.run()
    bad = 0
    for k, y in enumerate(outs):
        want = np.load(os.path.join(case, "expected_%d.npy" % k))
        if y.dtype != want.dtype or y.tobytes() != want.tobytes():
            diff = np.flatnonzero(y.view(np.uint8) != want.view(np.uint8))
            print("FAIL: output %d (%s x %d): %d bytes differ, first at byte %s"
                  % (k, want.dtype, want.size, diff.size, diff[:1]))
            bad += 1
    if bad:
        return 1
    print("%d outputs (%d bytes) bit-exact\nPASS" % (len(outs), sum(y.nbytes for y in outs)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
