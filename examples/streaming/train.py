#!/usr/bin/python3
"""Train the streaming tone detector, export it to ONNX and write its test signal.

    /usr/bin/python3 examples/streaming/train.py [--sidecar FILE]

Data: a synthetic audio-like signal, 16-bit PCM at 8 kHz, from the seeded generator below.
The event to detect is a 1 kHz tone (+-3 %, a beep or a pilot tone) of 3 to 20 ms, 0.03 to
0.3 of full scale, in a background of white noise and mains hum; between events come
distractors that must not be detected: tones of 200-600 Hz and of 1.7-3.5 kHz, bursts of
noise and clicks (a damped ringing spike). Every sample is labelled 1 while the 1 kHz tone is
on, else 0.

Model (batch 1, zero initial state), applied at every sample t:

    x_t = pcm_t / 32768                                    (inside the model)
    h_t = GRU(x_t, h_{t-1})                                nn.GRU(1, HIDDEN)
    p_t = sigmoid(w . h_t + b)                             nn.Linear(HIDDEN, 1) + sigmoid

p_t is the probability that the tone is on at sample t; the detector says "tone" when
p_t > 0.5. Everything after the GRU works step by step, so the graph is causal and rnnc can
compile it to a step function that takes one sample per call (rnnc compile --stream).

Writes, next to this script:
  tone.onnx      input  pcm  float[seq][1][1]   16-bit PCM sample values (seq symbolic)
                 output prob float[seq][1][1]   p_t for every sample
  test_set.txt   a held-out test signal (its own seed): one sample a line with its label and
                 PyTorch's p_t computed over the whole sequence at once

Training: 1000 batches of 32 random signals of 256 samples (each drawn afresh), Adam with a
one-cycle learning rate (peak 0.01), gradient clipping at 1; about 25 s on one core.
Everything is seeded: same script, same bytes.

--sidecar FILE also writes PyTorch's outputs on the test signal as JSON for
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

RATE = 8000.0           # Hz
TONE = 1000.0           # Hz, the event
HIDDEN = 16
TRAIN_LEN = 256         # samples per training signal
BATCH = 32
ITERS = 1000
LR = 0.01
N_VAL, VAL_LEN = 200, 1000  # held-out signals for the metrics printed in the log
TEST_LEN = 2000         # samples in the committed test signal (0.25 s)
TRAIN_SEED, VAL_SEED, TEST_SEED, TORCH_SEED = 11, 12, 13, 0
OPSET = 13

KINDS = ["tone", "low tone", "high tone", "noise burst", "click"]
KIND_P = [0.4, 0.15, 0.15, 0.15, 0.15]
# the test signal cycles through the kinds in this order, so it holds each of them
TEST_ORDER = [0, 1, 0, 2, 0, 3, 0, 4]

HERE = os.path.dirname(os.path.abspath(__file__))


# ---- synthetic signal ------------------------------------------------------------------------

def event(rng, kind, n):
    """n samples of one event of the given kind, in full-scale units."""
    s = np.arange(n)
    phase = rng.uniform(0, 2 * np.pi)
    amp = rng.uniform(0.03, 0.3)
    if kind == 0:
        f = TONE * rng.uniform(0.97, 1.03)
    elif kind == 1:
        f = rng.uniform(200, 600)
    elif kind == 2:
        f = rng.uniform(1700, 3500)
    elif kind == 3:
        return rng.normal(0, 0.7 * amp, n)
    else:  # a click: a spike ringing down at a random frequency within a few ms
        f = rng.uniform(300, 3500)
        return 2 * amp * np.exp(-s / rng.uniform(2, 12)) * np.cos(2 * np.pi * f * s / RATE)
    ramp = np.minimum(1.0, np.minimum(s + 1, n - s) / 4.0)  # 4-sample fade in and out
    return amp * ramp * np.sin(2 * np.pi * f * s / RATE + phase)


def make_signal(rng, n, order=None):
    """int PCM samples [n], labels [n] (1 while the tone is on) and the events (kind, start,
    end). order: a list of kinds to cycle through, else random kinds with KIND_P."""
    t = np.arange(n) / RATE
    x = rng.normal(0, rng.uniform(0.002, 0.03), n)
    x += rng.uniform(0, 0.05) * np.sin(2 * np.pi * rng.choice([50.0, 60.0]) * t
                                       + rng.uniform(0, 2 * np.pi))
    labels = np.zeros(n, dtype=np.int64)
    events = []
    pos = int(rng.integers(0, 160))
    k = 0
    while pos < n:
        kind = order[k % len(order)] if order else int(rng.choice(len(KINDS), p=KIND_P))
        k += 1
        end = min(n, pos + int(rng.integers(24, 161)))
        x[pos:end] += event(rng, kind, end - pos)
        if kind == 0:
            labels[pos:end] = 1
        events.append((kind, pos, end))
        pos = end + int(rng.integers(16, 161))
    pcm = np.clip(np.round(x * 32768), -32768, 32767).astype(np.int64)
    return pcm, labels, events


def batch_of(rng, count, length):
    sigs = [make_signal(rng, length) for _ in range(count)]
    x = torch.tensor(np.stack([s[0] for s in sigs], 1)[:, :, None], dtype=torch.float32)
    y = torch.tensor(np.stack([s[1] for s in sigs], 1)[:, :, None], dtype=torch.float32)
    return x, y, [s[2] for s in sigs]


# ---- model -----------------------------------------------------------------------------------

class ToneNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.GRU(1, HIDDEN)
        self.out = nn.Linear(HIDDEN, 1)

    def logits(self, pcm):
        y, _ = self.rnn(pcm / 32768.0)
        return self.out(y)

    def forward(self, pcm):
        return torch.sigmoid(self.logits(pcm))


def metrics(prob, labels, events):
    """Per-sample accuracy and event-level counts for one signal (prob, labels: [n])."""
    det = prob > 0.5
    tones = [(a, b) for k, a, b in events if k == 0]
    found = [a_ for a_ in (np.flatnonzero(det[a:b]) for a, b in tones) if a_.size]
    lat = [int(a[0]) for a in found]
    # false alarms: runs of detections that touch no tone
    false = 0
    t = 0
    n = len(det)
    while t < n:
        if det[t]:
            u = t
            while u < n and det[u]:
                u += 1
            if not labels[t:u].any() and not (t > 0 and labels[t - 1]):
                false += 1
            t = u
        else:
            t += 1
    return {"right": int((det == (labels > 0)).sum()), "samples": n, "tones": len(tones),
            "found": len(found), "latency": lat, "false": false}


def summarise(ms):
    right = sum(m["right"] for m in ms)
    n = sum(m["samples"] for m in ms)
    tones = sum(m["tones"] for m in ms)
    found = sum(m["found"] for m in ms)
    lat = sorted(x for m in ms for x in m["latency"])
    false = sum(m["false"] for m in ms)
    return (f"samples {right}/{n} ({100 * right / n:.2f} %), tones detected {found}/{tones}, "
            f"latency median {lat[len(lat) // 2] if lat else '-'} samples, "
            f"false alarms {false} ({false / (n / RATE):.1f}/s)")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sidecar", help="write PyTorch's test-signal outputs as JSON here")
    args = ap.parse_args()

    torch.manual_seed(TORCH_SEED)
    rng = np.random.default_rng(TRAIN_SEED)
    model = ToneNet()
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, LR, total_steps=ITERS)
    loss_fn = nn.BCEWithLogitsLoss()
    t0 = time.time()
    for it in range(ITERS):
        x, y, _ = batch_of(rng, BATCH, TRAIN_LEN)
        loss = loss_fn(model.logits(x), y)
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        if (it + 1) % 250 == 0:
            print(f"iteration {it + 1}: loss {loss.item():.4f}, {time.time() - t0:.1f} s",
                  flush=True)
    model.eval()

    vx, vy, vev = batch_of(np.random.default_rng(VAL_SEED), N_VAL, VAL_LEN)
    with torch.no_grad():
        vp = model(vx)[:, :, 0].numpy()
    vl = vy[:, :, 0].numpy()
    print(f"validation ({N_VAL} signals of {VAL_LEN} samples): "
          + summarise([metrics(vp[:, j], vl[:, j], vev[j]) for j in range(N_VAL)]))

    # The test signal, through PyTorch in one call over the whole sequence.
    pcm, labels, events = make_signal(np.random.default_rng(TEST_SEED), TEST_LEN, TEST_ORDER)
    x = torch.tensor(pcm, dtype=torch.float32).reshape(-1, 1, 1)
    with torch.no_grad():
        prob = model(x).reshape(-1).numpy()
    m = metrics(prob, labels, events)
    print("test signal: " + summarise([m]))
    print(f"smallest |p_t - 0.5| on the test signal: {np.min(np.abs(prob - 0.5)):.4f}")

    with open(os.path.join(HERE, "test_set.txt"), "w") as f:
        f.write(f"# tone detector test signal, written by train.py (seed {TEST_SEED}): "
                f"{TEST_LEN} samples of 16-bit PCM at {RATE:.0f} Hz\n")
        f.write("# events (kind start end, samples [start, end)): "
                + ", ".join(f"{KINDS[k]} {a} {b}" for k, a, b in events) + "\n")
        f.write("# first line: pytorch_accuracy <right> <total> (p_t > 0.5 against the labels);"
                " then one sample a line:\n")
        f.write("# <PCM sample> <label: 1 while the 1 kHz tone is on> <PyTorch's p_t over the "
                "whole sequence>\n")
        f.write(f"pytorch_accuracy {m['right']} {m['samples']}\n")
        f.write("".join(f"{int(s)} {int(l)} {float(p):.9g}\n"
                        for s, l, p in zip(pcm, labels, prob)))

    # Export: symbolic sequence axis, batch 1, zero initial state.
    path = os.path.join(HERE, "tone.onnx")
    torch.onnx.export(model, (x[:64],), path, input_names=["pcm"], output_names=["prob"],
                      dynamic_axes={"pcm": {0: "seq"}, "prob": {0: "seq"}},
                      opset_version=OPSET, do_constant_folding=True)
    om = onnx.load(path)
    onnx.checker.check_model(om, full_check=True)
    print(f"wrote {path}: opset {OPSET}, ops {' '.join(n.op_type for n in om.graph.node)}")

    if args.sidecar:
        with open(args.sidecar, "w") as f:
            json.dump({"model": path, "cases": [{
                "inputs": {"pcm": {"type": "float32", "dims": [TEST_LEN, 1, 1],
                                   "data": [float(s) for s in pcm]}},
                "outputs": {"prob": {"dims": [TEST_LEN, 1, 1],
                                     "data": [float(p) for p in prob]}}}]}, f)
        print(f"wrote {args.sidecar}")


if __name__ == "__main__":
    main()
