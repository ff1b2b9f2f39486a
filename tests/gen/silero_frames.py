#!/usr/bin/python3
"""silero_frames.py MODEL DUMP_DIR OUT: turns the frame_<i>.json files silero_ort.js wrote
(DUMP_FRAMES) into ONNX test data sets OUT/frame_<i>/test_data_set_0, inputs and outputs in
MODEL's graph order: `input` float[1][N], `sr` int64 scalar 16000, the recurrent state (v5:
`state` -> `stateN` float[2][1][128]; v4: `h`, `c` -> `hn`, `cn` float[2][1][64]) and
`output` float[1][1] as ONNX Runtime gave them."""
import json, os, sys
import numpy as np
import onnx
from onnx import numpy_helper

model, src, out = sys.argv[1], sys.argv[2], sys.argv[3]
g = onnx.load(model).graph


def tensor(name, d):
    if name == "sr":
        return np.array(16000, np.int64)
    a = np.array(d[name], np.float32)
    if name == "input":
        return a.reshape(1, -1)
    if name == "output":
        return a.reshape(1, 1)
    return a.reshape(2, 1, -1)  # state, stateN, h, c, hn, cn


for f in sorted(os.listdir(src)):
    if not (f.startswith("frame_") and f.endswith(".json")):
        continue
    d = json.load(open(os.path.join(src, f)))
    ds = os.path.join(out, f[:-5], "test_data_set_0")
    os.makedirs(ds, exist_ok=True)
    for kind, vis in (("input", g.input), ("output", g.output)):
        for i, vi in enumerate(vis):
            with open(os.path.join(ds, "%s_%d.pb" % (kind, i)), "wb") as fh:
                fh.write(numpy_helper.from_array(tensor(vi.name, d), vi.name).SerializeToString())
