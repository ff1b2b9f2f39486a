#!/usr/bin/python3
"""Train the parity RNN, export it to ONNX and write its held-out test set.

    /usr/bin/python3 examples/parity/train.py [--sidecar FILE]

Model (one input bit x_t per step, batch 1, zero initial state unless h0 says otherwise):

    h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)      nn.RNN(1, HIDDEN), tanh
    y_t = sigmoid(w_y . h_t + b_y)                          nn.Linear(HIDDEN, 1) + sigmoid

and y_t > 0.5 must be the parity (XOR) of x_1..x_t. The recurrent state is exposed as an
input (h0) and an output (h_n), so a program can feed arbitrarily long bit strings through
a model compiled for a fixed number of steps, one chunk at a time.

Writes, next to this script:
  parity.onnx     inputs  bits  float[seq][1][1]   (seq is the symbolic axis "seq")
                          h0    float[1][1][HIDDEN]
                  outputs parity float[seq][1][1]  y_t, the probability that the parity is 1
                          h_n   float[1][1][HIDDEN]
  test_set.txt    held-out bit strings with their running parity, one per line

Training: random bit strings, a loss on every step, lengths growing from 2 to 16 (a short
curriculum; a plain RNN started on long strings often gets stuck at predicting the majority).
Some initialisations still get stuck, so training restarts from the next seed until the
model gets every step of a validation set of 64-bit strings right (in practice the first or
second seed; a few seconds each). Everything is seeded: same script, same bytes.

--sidecar FILE also writes PyTorch's outputs on the test set as JSON for
examples/tools/ort_check.js (a cross-check against ONNX Runtime; not needed to build).
"""

import argparse
import json
import os
import sys
import time

import numpy as np
import onnx
import torch
from torch import nn

HIDDEN = 8
TRAIN_LEN = 16          # longest training string
BATCH = 128
ITERS = 6000
LR = 0.01
CURRICULUM_STEP = 300   # the training length grows by 1 every this many iterations
SEED = 1                # first seed tried
MAX_ATTEMPTS = 8
DATA_SEED = 20240611    # test and validation strings
OPSET = 13

HERE = os.path.dirname(os.path.abspath(__file__))


class ParityNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.RNN(1, HIDDEN, nonlinearity="tanh")
        self.out = nn.Linear(HIDDEN, 1)

    def logits(self, bits, h0):
        y, h_n = self.rnn(bits, h0)
        return self.out(y), h_n

    def forward(self, bits, h0):
        z, h_n = self.logits(bits, h0)
        return torch.sigmoid(z), h_n


def running_parity(bits):
    return np.cumsum(bits) % 2


def make_test_set(rng):
    """Held-out strings: 100 of the training length (never drawn in training), 60 longer
    ones (17..128 bits, longer than anything seen in training) and a few edge cases."""
    full = set()
    while len(full) < 100:
        full.add(tuple(int(b) for b in rng.integers(0, 2, TRAIN_LEN)))
    strings = sorted(full)
    for n in rng.integers(TRAIN_LEN + 1, 129, 60):
        strings.append(tuple(int(b) for b in rng.integers(0, 2, n)))
    strings += [(0,), (1,), (1,) * 16, (0,) * 16, (1,) * 100, (0,) * 99 + (1,), (0, 1) * 50]
    return strings, full


def batch_of(g, length, held_out):
    """Random bit strings [length, BATCH, 1]; rows equal to a held-out string are redrawn."""
    x = torch.randint(0, 2, (length, BATCH, 1), generator=g)
    if length == TRAIN_LEN:
        for j in range(BATCH):
            while tuple(x[:, j, 0].tolist()) in held_out:
                x[:, j, 0] = torch.randint(0, 2, (length,), generator=g)
    return x.float()


def accuracy(model, x):
    """Fraction of steps right on x [len, n, 1] (a batch of equal-length strings)."""
    with torch.no_grad():
        z, _ = model.logits(x, torch.zeros(1, x.shape[1], HIDDEN))
    want = torch.remainder(torch.cumsum(x, 0), 2) > 0.5
    return ((z > 0) == want).float().mean().item()


def train(seed, held_out, val_x):
    torch.manual_seed(seed)
    g = torch.Generator().manual_seed(seed + 1000)
    model = ParityNet()
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    loss_fn = nn.BCEWithLogitsLoss()
    for it in range(ITERS):
        length = min(TRAIN_LEN, 2 + it // CURRICULUM_STEP)
        x = batch_of(g, length, held_out)
        target = torch.remainder(torch.cumsum(x, 0), 2)
        z, _ = model.logits(x, torch.zeros(1, BATCH, HIDDEN))
        loss = loss_fn(z, target)
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
    return model, loss.item(), accuracy(model, val_x)


def predict(model, bits):
    x = torch.tensor(bits, dtype=torch.float32).reshape(-1, 1, 1)
    with torch.no_grad():
        y, _ = model(x, torch.zeros(1, 1, HIDDEN))
    return y.reshape(-1).numpy()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sidecar", help="write PyTorch's test-set outputs as JSON here")
    args = ap.parse_args()

    rng = np.random.default_rng(DATA_SEED)
    tests, held_out = make_test_set(rng)
    val_x = torch.from_numpy(rng.integers(0, 2, (64, 1000, 1))).float()

    t0 = time.time()
    for attempt in range(MAX_ATTEMPTS):
        seed = SEED + attempt
        model, loss, val_acc = train(seed, held_out, val_x)
        print(f"seed {seed}: final loss {loss:.5f}, validation (1000 x 64 bits) step accuracy "
              f"{val_acc:.4f}, {time.time() - t0:.1f} s")
        if val_acc == 1.0:
            break
    else:
        sys.exit("train.py: no seed solved parity")
    model.eval()

    # Test set: every step of every string, with PyTorch.
    steps = wrong_steps = wrong_lines = 0
    lines, side = [], []
    for bits in tests:
        want = running_parity(np.array(bits))
        y = predict(model, bits)
        got = (y > 0.5).astype(int)
        bad = int((got != want).sum())
        steps += len(bits)
        wrong_steps += bad
        wrong_lines += bad > 0
        lines.append("".join(map(str, bits)) + " " + "".join(map(str, want)))
        side.append({"inputs": {"bits": {"type": "float32", "dims": [len(bits), 1, 1],
                                         "data": [float(b) for b in bits]},
                                "h0": {"type": "float32", "dims": [1, 1, HIDDEN],
                                       "data": [0.0] * HIDDEN}},
                     "outputs": {"parity": {"dims": [len(bits), 1, 1],
                                            "data": [float(v) for v in y]}}})
    acc = 1.0 - wrong_steps / steps
    print(f"PyTorch on the test set: {steps - wrong_steps}/{steps} steps ({100 * acc:.2f} %), "
          f"{len(tests) - wrong_lines}/{len(tests)} strings right")
    margin = min(float(np.min(np.abs(predict(model, b) - 0.5))) for b in tests)
    print(f"smallest |y_t - 0.5| on the test set: {margin:.4f}")

    with open(os.path.join(HERE, "test_set.txt"), "w") as f:
        f.write("# parity test set, written by train.py: <bits> <running parity after each bit>\n")
        f.write(f"# {len(held_out)} strings of {TRAIN_LEN} bits never drawn in training, "
                f"{len(tests) - len(held_out)} longer strings or edge cases\n")
        f.write("".join(line + "\n" for line in lines))

    # Export: symbolic sequence axis, batch 1, state in and out.
    bits = torch.tensor(tests[0], dtype=torch.float32).reshape(-1, 1, 1)
    path = os.path.join(HERE, "parity.onnx")
    torch.onnx.export(model, (bits, torch.zeros(1, 1, HIDDEN)), path,
                      input_names=["bits", "h0"], output_names=["parity", "h_n"],
                      dynamic_axes={"bits": {0: "seq"}, "parity": {0: "seq"}},
                      opset_version=OPSET, do_constant_folding=True)
    m = onnx.load(path)
    onnx.checker.check_model(m, full_check=True)
    print(f"wrote {path}: opset {OPSET}, ops {' '.join(n.op_type for n in m.graph.node)}")

    if args.sidecar:
        with open(args.sidecar, "w") as f:
            json.dump({"model": path, "cases": side}, f)
        print(f"wrote {args.sidecar}")


if __name__ == "__main__":
    main()
