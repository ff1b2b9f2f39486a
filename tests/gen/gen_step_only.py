#!/usr/bin/python3
"""Models exported with ONE time step, the way a streaming model is often exported from
PyTorch (a fixed [1, 1, features] input and the state as inputs and outputs, then called in a
Python loop), for `rnnc --step-only` (tests/step_only/).

For each case writes testdata/step_only/<case>/:
  model.onnx    torch.onnx.export with fixed shapes (no dynamic axes)
  expected.h    PyTorch's outputs when the module is called step by step for T steps with the
                state fed back, from a random initial state; the C test feeds the same inputs
                to <name>_step (the state kept by rnnc, the initial state read on the first
                step after a reset) and compares every step's output and the final state.
Deterministic (fixed seeds). Usage: /usr/bin/python3 tests/gen/gen_step_only.py
"""

import os

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "testdata", "step_only")
T = 24


class LstmHead(torch.nn.Module):
    def __init__(self, i, h, o):
        super().__init__()
        self.rnn = torch.nn.LSTM(i, h)
        self.lin = torch.nn.Linear(h, o)

    def forward(self, x, h, c):
        y, (h, c) = self.rnn(x, (h, c))
        return torch.tanh(self.lin(y)), h, c


class GruBatchFirst(torch.nn.Module):
    def __init__(self, i, h, o):
        super().__init__()
        self.rnn = torch.nn.GRU(i, h, num_layers=2, batch_first=True)
        self.lin = torch.nn.Linear(h, o)

    def forward(self, x, h):
        y, h = self.rnn(x, h)
        return torch.softmax(self.lin(y), dim=-1), h


def c_array(name, a):
    flat = ", ".join(np.format_float_positional(np.float32(v), unique=True, trim="0") + "f"
                     if np.isfinite(v) else "0.0f" for v in a.ravel())
    return f"static const float {name}[{max(a.size, 1)}] = {{{flat}}};\n"


def write(case, model, step_inputs, state_inputs, n_state_outputs, names_in, names_out):
    d = os.path.join(OUT, case)
    os.makedirs(d, exist_ok=True)
    model.eval()
    first = [s[0] for s in step_inputs] + state_inputs
    torch.onnx.export(model, tuple(torch.from_numpy(a) for a in first),
                      os.path.join(d, "model.onnx"), input_names=names_in,
                      output_names=names_out, opset_version=13)
    # PyTorch, step by step, the state fed back
    ys = [[] for _ in range(len(names_out) - n_state_outputs)]
    state = [torch.from_numpy(a) for a in state_inputs]
    with torch.no_grad():
        for t in range(T):
            outs = model(*[torch.from_numpy(s[t]) for s in step_inputs], *state)
            for k in range(len(ys)):
                ys[k].append(outs[k].numpy().copy())
            state = list(outs[len(ys):])
    with open(os.path.join(d, "expected.h"), "w") as f:
        f.write(f"/* {case}: written by tests/gen/gen_step_only.py (torch {torch.__version__}); "
                "do not edit. */\n")
        f.write(f"#define T_STEPS {T}\n#define N_IN {len(names_in)}\n"
                f"#define N_OUT {len(names_out)}\n")
        for i, s in enumerate(step_inputs):
            f.write(c_array(f"in{i}", np.stack(s)))
            f.write(f"#define IN{i}_PER_STEP {s[0].size}\n")
        for j, a in enumerate(state_inputs):
            i = len(step_inputs) + j
            f.write(c_array(f"in{i}", a))
            f.write(f"#define IN{i}_PER_STEP 0\n")
        for k, y in enumerate(ys):
            f.write(c_array(f"out{k}", np.stack(y)))
            f.write(f"#define OUT{k}_PER_STEP {y[0].size}\n")
        for j, s in enumerate(state):
            k = len(ys) + j
            f.write(c_array(f"out{k}", s.numpy()))
            f.write(f"#define OUT{k}_PER_STEP 0\n")


def main():
    torch.manual_seed(7)
    rs = np.random.RandomState(7)
    I, H, O = 5, 8, 3
    xs = [rs.randn(1, 1, I).astype(np.float32) for _ in range(T)]
    h0 = rs.randn(1, 1, H).astype(np.float32) * 0.5
    c0 = rs.randn(1, 1, H).astype(np.float32) * 0.5
    write("lstm_seq1_op13", LstmHead(I, H, O), [xs], [h0, c0], 2,
          ["x", "h0", "c0"], ["y", "hn", "cn"])
    torch.manual_seed(8)
    I, H, O = 4, 6, 5
    xs = [rs.randn(1, 1, I).astype(np.float32) for _ in range(T)]
    h0 = rs.randn(2, 1, H).astype(np.float32) * 0.5
    write("gru2_batch_first_seq1_op13", GruBatchFirst(I, H, O), [xs], [h0], 1,
          ["x", "h0"], ["p", "hn"])


if __name__ == "__main__":
    main()
