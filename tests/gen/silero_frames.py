#!/usr/bin/python3
"""silero_frames.py DUMP_DIR OUT: turns the frame_<i>.json files silero_ort.js wrote (DUMP_FRAMES)
into ONNX test data sets OUT/frame_<i>/test_data_set_0: input_0 = input float[1][576], input_1 =
state float[2][1][128], input_2 = sr int64 scalar 16000; output_0 = ONNX Runtime's output
float[1][1], output_1 = stateN float[2][1][128]."""
import json, os, sys
import numpy as np
from onnx import numpy_helper

src, out = sys.argv[1], sys.argv[2]
for f in sorted(os.listdir(src)):
    if not (f.startswith("frame_") and f.endswith(".json")):
        continue
    d = json.load(open(os.path.join(src, f)))
    ds = os.path.join(out, f[:-5], "test_data_set_0")
    os.makedirs(ds, exist_ok=True)
    tensors = [("input_0", "input", np.array(d["input"], np.float32).reshape(1, 576)),
               ("input_1", "state", np.array(d["state"], np.float32).reshape(2, 1, 128)),
               ("input_2", "sr", np.array(16000, np.int64)),
               ("output_0", "output", np.array(d["output"], np.float32).reshape(1, 1)),
               ("output_1", "stateN", np.array(d["stateN"], np.float32).reshape(2, 1, 128))]
    for file, name, arr in tensors:
        with open(os.path.join(ds, file + ".pb"), "wb") as fh:
            fh.write(numpy_helper.from_array(arr, name).SerializeToString())
