#!/usr/bin/python3
"""Train the gesture classifier, export it to ONNX and write its test set.

    /usr/bin/python3 examples/gesture/train.py [--sidecar FILE]

Data: synthetic 3-axis accelerometer windows, 32 steps at 50 Hz (0.64 s), in mg (1/1000 g)
as a +-8 g sensor with 1 mg resolution reports them, from the seeded generator below; four
classes:

  0 idle    the device held still: gravity, hand tremor, slow drift, sensor noise
  1 shake   back-and-forth along a mostly horizontal axis, 2.5-7 Hz, 0.25-2.5 g
  2 circle  the device moved in a circle or ellipse, 0.8-2.5 turns/s, 0.15-1 g
  3 tap     one or two short damped impulses, mostly along z, 0.3-3.5 g, anywhere in the window

Every window has a random orientation (gravity tilted up to 40 degrees, random yaw), tremor,
drift and noise of random strength; the weakest gestures are hard to tell from idle.

Model: nn.LSTM(3, 32, num_layers=2, batch_first=True) over the window (in g), the output of
the last step through nn.Linear(32, 4) and a softmax:

  gesture.onnx   input  accel float[1][32][3]   (batch 1, steps, x/y/z in g)
                 output probs float[1][4]       class probabilities

Writes, next to this script, gesture.onnx and test_set.txt (200 windows, 50 per class, from
their own seed, so never seen in training, with PyTorch's predicted class and probabilities
for each). Training: 4000 windows, 30 epochs, Adam with a one-cycle learning rate; under a
minute on two cores. Everything is seeded: same script, same bytes.

--sidecar FILE also writes PyTorch's outputs on the test set as JSON for
examples/tools/ort_check.js (a cross-check against ONNX Runtime; not needed to build).
"""

import argparse
import json
import os
import time

import numpy as np
import onnx
import torch
from torch import nn

CLASSES = ["idle", "shake", "circle", "tap"]
RATE = 50.0             # Hz
STEPS = 32              # samples per window
HIDDEN = 32
LAYERS = 2
N_TRAIN = 4000
N_VAL = 2000            # a larger held-out set, for the accuracy reported in the log
N_TEST = 200            # the committed test set
EPOCHS = 30
BATCH = 64
LR = 0.01
TRAIN_SEED, VAL_SEED, TEST_SEED, TORCH_SEED = 7, 8, 9, 0
OPSET = 13

HERE = os.path.dirname(os.path.abspath(__file__))


# ---- synthetic accelerometer data ----------------------------------------------------------

def rotation(rng, max_tilt_deg):
    """A random yaw followed by a tilt of up to max_tilt_deg about a random horizontal axis."""
    yaw = rng.uniform(0, 2 * np.pi)
    c, s = np.cos(yaw), np.sin(yaw)
    rz = np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]])
    tilt = np.radians(rng.uniform(0, max_tilt_deg))
    ax = rng.uniform(0, 2 * np.pi)
    k = np.array([np.cos(ax), np.sin(ax), 0.0])
    kx = np.array([[0, -k[2], k[1]], [k[2], 0, -k[0]], [-k[1], k[0], 0]])
    return (np.eye(3) + np.sin(tilt) * kx + (1 - np.cos(tilt)) * kx @ kx) @ rz


def window(rng, cls):
    """One window of class cls: int32 [STEPS, 3] in mg."""
    t = np.arange(STEPS) / RATE
    a = np.zeros((STEPS, 3))
    for k in range(3):  # hand tremor and slow drift, in every class
        a[:, k] += rng.uniform(0.005, 0.03) * np.sin(
            2 * np.pi * rng.uniform(6, 12) * t + rng.uniform(0, 2 * np.pi))
        a[:, k] += rng.uniform(-0.05, 0.05) * t / t[-1]
    if cls == 1:  # shake
        f, amp, ph = rng.uniform(2.5, 7.0), rng.uniform(0.25, 2.5), rng.uniform(0, 2 * np.pi)
        d = np.array([1.0, rng.uniform(-0.4, 0.4), rng.uniform(-0.3, 0.3)])
        d /= np.linalg.norm(d)
        wave = np.sin(2 * np.pi * f * t + ph) + rng.uniform(0, 0.3) * np.sin(
            4 * np.pi * f * t + rng.uniform(0, 2 * np.pi))
        env = np.clip(rng.uniform(0.6, 1.0) + rng.uniform(-0.4, 0.4) * t / t[-1], 0.2, 1.2)
        a += np.outer(amp * env * wave, d)
    elif cls == 2:  # circle (or ellipse) in a tilted plane
        f = rng.uniform(0.8, 2.5) * rng.choice([-1, 1])
        amp, ph, ecc = rng.uniform(0.15, 1.0), rng.uniform(0, 2 * np.pi), rng.uniform(0.6, 1.0)
        a[:, 0] += amp * np.cos(2 * np.pi * f * t + ph)
        a[:, 1] += amp * ecc * np.sin(2 * np.pi * f * t + ph)
        a = a @ rotation(rng, 35).T
    elif cls == 3:  # tap(s)
        for _ in range(rng.integers(1, 3)):
            t0 = rng.integers(0, STEPS - 3)
            amp = rng.uniform(0.3, 3.5) * rng.choice([-1, 1], p=[0.2, 0.8])
            d = np.array([rng.uniform(-0.3, 0.3), rng.uniform(-0.3, 0.3), 1.0])
            d /= np.linalg.norm(d)
            ring, tau = rng.uniform(12, 20), rng.uniform(0.015, 0.04)
            tt = t[t0:] - t[t0]
            a[t0:] += np.outer(amp * np.exp(-tt / tau) * np.cos(2 * np.pi * ring * tt), d)
    a += rotation(rng, 40) @ np.array([0.0, 0.0, 1.0])           # gravity
    a += rng.normal(0, rng.uniform(0.01, 0.04), a.shape)          # sensor noise
    return np.clip(np.round(a * 1000), -8000, 8000).astype(np.int32)


def dataset(seed, n):
    """n windows, classes balanced and shuffled: (int32 [n, STEPS, 3] mg, int64 [n])."""
    rng = np.random.default_rng(seed)
    y = np.arange(n) % len(CLASSES)
    rng.shuffle(y)
    return np.stack([window(rng, c) for c in y]), y.astype(np.int64)


def to_g(mg):
    """mg -> float32 g, exactly as gesture.c does it: (float)mg / 1000.0f."""
    return torch.from_numpy(mg.astype(np.float32) / np.float32(1000.0))


# ---- model ---------------------------------------------------------------------------------

class GestureNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(3, HIDDEN, num_layers=LAYERS, batch_first=True)
        self.fc = nn.Linear(HIDDEN, len(CLASSES))

    def logits(self, x):
        y, _ = self.lstm(x)
        return self.fc(y[:, -1])

    def forward(self, x):
        return torch.softmax(self.logits(x), dim=-1)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sidecar", help="write PyTorch's test-set outputs as JSON here")
    args = ap.parse_args()

    t0 = time.time()
    x_train, y_train = dataset(TRAIN_SEED, N_TRAIN)
    x_val, y_val = dataset(VAL_SEED, N_VAL)
    x_test, y_test = dataset(TEST_SEED, N_TEST)
    xt, yt, xv = to_g(x_train), torch.from_numpy(y_train), to_g(x_val)

    torch.manual_seed(TORCH_SEED)
    g = torch.Generator().manual_seed(TORCH_SEED + 1)
    model = GestureNet()
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    sched = torch.optim.lr_scheduler.OneCycleLR(
        opt, max_lr=LR, total_steps=EPOCHS * ((N_TRAIN + BATCH - 1) // BATCH))
    for epoch in range(EPOCHS):
        model.train()
        perm = torch.randperm(N_TRAIN, generator=g)
        for i in range(0, N_TRAIN, BATCH):
            idx = perm[i:i + BATCH]
            loss = nn.functional.cross_entropy(model.logits(xt[idx]), yt[idx])
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
        if epoch % 5 == 4 or epoch == EPOCHS - 1:
            model.eval()
            with torch.no_grad():
                acc = (model.logits(xv).argmax(1).numpy() == y_val).mean()
            print(f"epoch {epoch + 1:2d}: loss {loss.item():.4f}, validation accuracy "
                  f"{100 * acc:.2f} % ({N_VAL} windows), {time.time() - t0:.1f} s", flush=True)
    model.eval()

    with torch.no_grad():
        p_test = model(to_g(x_test)).numpy()
    pred = p_test.argmax(1)
    right = int((pred == y_test).sum())
    print(f"PyTorch on the test set: {right}/{N_TEST} ({100 * right / N_TEST:.2f} %)")
    conf = np.zeros((len(CLASSES), len(CLASSES)), dtype=int)
    for a, b in zip(y_test, pred):
        conf[a, b] += 1
    print("confusion (rows: true class, columns: predicted):\n" + "\n".join(
        f"  {CLASSES[i]:>6} " + " ".join(f"{v:4d}" for v in conf[i]) for i in range(len(CLASSES))))
    top2 = np.sort(p_test, axis=1)[:, -2:]
    gap = np.min(top2[:, 1] - top2[:, 0])
    print(f"smallest gap between the two most probable classes: {gap:.4f}")

    with open(os.path.join(HERE, "test_set.txt"), "w") as f:
        f.write(f"# gesture test set, written by train.py (seed {TEST_SEED}): {N_TEST} windows of "
                f"{STEPS} steps x 3 axes at {RATE:g} Hz, in mg\n")
        f.write("# classes: " + ", ".join(f"{i} {c}" for i, c in enumerate(CLASSES)) + "\n")
        f.write("# first line: pytorch_accuracy <right> <total>; then one window per line:\n")
        f.write("# <true class> <PyTorch's class> <PyTorch's probabilities> "
                "<x y z of step 0> ... <x y z of step 31>\n")
        f.write(f"pytorch_accuracy {right} {N_TEST}\n")
        for i in range(N_TEST):
            f.write(f"{y_test[i]} {pred[i]} " + " ".join(f"{v:.8f}" for v in p_test[i]) + " " +
                    " ".join(str(v) for v in x_test[i].reshape(-1)) + "\n")

    path = os.path.join(HERE, "gesture.onnx")
    torch.onnx.export(model, to_g(x_test[:1]), path, input_names=["accel"],
                      output_names=["probs"], opset_version=OPSET, do_constant_folding=True)
    m = onnx.load(path)
    onnx.checker.check_model(m, full_check=True)
    print(f"wrote {path}: opset {OPSET}, ops {' '.join(n.op_type for n in m.graph.node)}")

    if args.sidecar:
        cases = [{"inputs": {"accel": {"type": "float32", "dims": [1, STEPS, 3],
                                       "data": [float(v) for v in to_g(x_test[i]).reshape(-1)]}},
                  "outputs": {"probs": {"dims": [1, len(CLASSES)],
                                        "data": [float(v) for v in p_test[i]]}}}
                 for i in range(N_TEST)]
        with open(args.sidecar, "w") as f:
            json.dump({"model": path, "cases": cases}, f)
        print(f"wrote {args.sidecar}")
    print(f"total {time.time() - t0:.1f} s")


if __name__ == "__main__":
    main()
