#!/usr/bin/python3
"""Export the model patterns real users ship around recurrent layers (PyTorch -> ONNX).

Where tests/gen/gen_torch.py covers nn.RNN / nn.LSTM / nn.GRU themselves, this
script covers what surrounds them in practice: cells in a Python loop
(unrolled by tracing), hand-written gate equations, convolutional front ends
(keyword spotting, CRNN/OCR), LayerNorm, residual stacks, attention / mean /
max pooling over time, a decoder step model with explicit state, activation
heads, bool masking, float16 weights and pack_padded_sequence.  PyTorch's own
outputs are the expected values.

    /usr/bin/python3 tests/gen/gen_torch_patterns.py [--out DIR] [--sidecar DIR] [--only SUBSTR]

deletes and rewrites testdata/torch_patterns/ (only that directory; --out
elsewhere), one directory per case in ONNX backend-test layout:

    <case>/model.onnx
    <case>/test_data_set_0/input_<i>.pb    graph inputs, graph-input order
    <case>/test_data_set_0/output_<i>.pb   graph outputs (PyTorch's outputs)
    <case>/rnnc_args                        extra rnnc CLI args (--dim ...), may be empty
    README.md                               the case table with each model's ONNX op counts

Deterministic: each case seeds torch (weights, BatchNorm statistics) and NumPy
(inputs) with crc32(case name); models run in eval() under torch.no_grad().
Every model passes onnx.checker.check_model (full).  --sidecar DIR writes
DIR/<case>.json (inputs + expected outputs) for tests/gen/ort_check_torchpat.js:

    /usr/bin/python3 tests/gen/gen_torch_patterns.py --sidecar /tmp/torchpat_ort
    NODE_PATH=/work/main/bench/node_modules node tests/gen/ort_check_torchpat.js /tmp/torchpat_ort
"""

import argparse
import collections
import json
import os
import shutil
import sys
import warnings
import zlib

import numpy as np
import onnx
from onnx import helper, numpy_helper, TensorProto
import torch
from torch import nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.normpath(os.path.join(HERE, "..", "..", "testdata", "torch_patterns"))


# ---------------------------------------------------------------------------
# models
# ---------------------------------------------------------------------------

class CellLoop(nn.Module):
    """nn.LSTMCell / GRUCell / RNNCell stepped in a Python loop over x [T, B, I];
    tracing unrolls the loop (T cell instances sharing one set of weights).
    Outputs: y [T, B, H] (the stacked hidden states) and the last h."""

    def __init__(self, kind, I, H):
        super().__init__()
        self.kind, self.H = kind, H
        self.cell = {"lstm": nn.LSTMCell, "gru": nn.GRUCell, "rnn": nn.RNNCell}[kind](I, H)

    def forward(self, x):
        h = torch.zeros(x.shape[1], self.H)
        c = torch.zeros(x.shape[1], self.H)
        ys = []
        for t in range(x.shape[0]):
            if self.kind == "lstm":
                h, c = self.cell(x[t], (h, c))
            else:
                h = self.cell(x[t], h)
            ys.append(h)
        return torch.stack(ys, 0), h


class ManualLSTM(nn.Module):
    """LSTM written out by hand, batch-first x [B, T, I]:
    gates = Wx x_t + Wh h; i,f,g,o = chunk(4); c = f*c + i*g; h = o*tanh(c)."""

    def __init__(self, I, H):
        super().__init__()
        self.H = H
        self.wx = nn.Linear(I, 4 * H)
        self.wh = nn.Linear(H, 4 * H, bias=False)

    def forward(self, x):
        B, T = x.shape[0], x.shape[1]
        h = torch.zeros(B, self.H)
        c = torch.zeros(B, self.H)
        ys = []
        for t in range(T):
            i, f, g, o = (self.wx(x[:, t]) + self.wh(h)).chunk(4, dim=1)
            i, f, g, o = torch.sigmoid(i), torch.sigmoid(f), torch.tanh(g), torch.sigmoid(o)
            c = f * c + i * g
            h = o * torch.tanh(c)
            ys.append(h)
        return torch.stack(ys, 1), h, c


def randomize_bn(bn):
    """Non-trivial eval statistics and affine parameters (torch's defaults are 0/1)."""
    with torch.no_grad():
        bn.running_mean.uniform_(-0.5, 0.5)
        bn.running_var.uniform_(0.5, 2.0)
        bn.weight.uniform_(0.5, 1.5)
        bn.bias.uniform_(-0.3, 0.3)


class KWS(nn.Module):
    """Keyword spotting: features x [B, F, T] -> Conv1d(k=3, pad=1) + BatchNorm1d + ReLU
    + MaxPool1d(2) -> [B, T/2, C] -> GRU(batch_first) -> last step -> Linear (logits).
    bn_after_relu: Conv1d -> ReLU -> BatchNorm1d instead (the exporter cannot fold that
    BatchNorm into the Conv, so a BatchNormalization node stays)."""

    def __init__(self, F_, C, H, O, bn_after_relu=False, pool=True):
        super().__init__()
        self.bn_after_relu = bn_after_relu
        self.conv = nn.Conv1d(F_, C, 3, padding=1)
        self.bn = nn.BatchNorm1d(C)
        randomize_bn(self.bn)
        self.pool = nn.MaxPool1d(2) if pool else nn.Identity()
        self.gru = nn.GRU(C, H, batch_first=True)
        self.lin = nn.Linear(H, O)

    def forward(self, x):
        if self.bn_after_relu:
            z = self.pool(self.bn(torch.relu(self.conv(x))))
        else:
            z = self.pool(torch.relu(self.bn(self.conv(x))))
        y, _ = self.gru(z.transpose(1, 2))
        return self.lin(y[:, -1])


class CRNN(nn.Module):
    """OCR / CRNN: image [B, 1, 32, W] -> (Conv2d + BN + ReLU + MaxPool2d(2)) x 2
    -> [B, C, 8, W/4] -> permute/reshape to [W/4, B, C*8] -> bidirectional LSTM
    -> Linear -> log_softmax over classes (CTC-style per-column scores)."""

    def __init__(self, C1, C2, H, O):
        super().__init__()
        self.c1, self.b1 = nn.Conv2d(1, C1, 3, padding=1), nn.BatchNorm2d(C1)
        self.c2, self.b2 = nn.Conv2d(C1, C2, 3, padding=1), nn.BatchNorm2d(C2)
        randomize_bn(self.b1)
        randomize_bn(self.b2)
        self.lstm = nn.LSTM(C2 * 8, H, bidirectional=True)
        self.lin = nn.Linear(2 * H, O)

    def forward(self, x):
        z = F.max_pool2d(torch.relu(self.b1(self.c1(x))), 2)
        z = F.max_pool2d(torch.relu(self.b2(self.c2(z))), 2)
        B, C, Hh, W = z.shape
        seq = z.permute(3, 0, 1, 2).reshape(W, B, C * Hh)
        y, _ = self.lstm(seq)
        return torch.log_softmax(self.lin(y), dim=-1)


class LNLSTM(nn.Module):
    """nn.LayerNorm before and after an LSTM (batch_first), then Linear."""

    def __init__(self, I, H, O):
        super().__init__()
        self.ln_in = nn.LayerNorm(I)
        self.lstm = nn.LSTM(I, H, batch_first=True)
        self.ln_out = nn.LayerNorm(H)
        with torch.no_grad():
            for ln in (self.ln_in, self.ln_out):
                ln.weight.uniform_(0.5, 1.5)
                ln.bias.uniform_(-0.3, 0.3)
        self.lin = nn.Linear(H, O)

    def forward(self, x):
        y, _ = self.lstm(self.ln_in(x))
        return self.lin(self.ln_out(y))


class ResidualLSTM(nn.Module):
    """y = x + LSTM1(x); y = y + LSTM2(y) (input size = hidden size), then Linear."""

    def __init__(self, H, O):
        super().__init__()
        self.l1 = nn.LSTM(H, H)
        self.l2 = nn.LSTM(H, H)
        self.lin = nn.Linear(H, O)

    def forward(self, x):
        x = x + self.l1(x)[0]
        x = x + self.l2(x)[0]
        return self.lin(x)


class AttnPool(nn.Module):
    """Attention pooling over time of an RNN's outputs h [B, T, H] (batch_first):
    scores = Linear(h).squeeze(-1); w = softmax(scores, dim=1); ctx = sum(w[..., None] * h, 1);
    Outputs: Linear(ctx) and the attention weights w."""

    def __init__(self, cell, I, H, O):
        super().__init__()
        self.rnn = {"lstm": nn.LSTM, "gru": nn.GRU}[cell](I, H, batch_first=True)
        self.score = nn.Linear(H, 1)
        self.lin = nn.Linear(H, O)

    def forward(self, x):
        h, _ = self.rnn(x)
        w = torch.softmax(self.score(h).squeeze(-1), dim=1)
        ctx = torch.sum(w.unsqueeze(-1) * h, dim=1)
        return self.lin(ctx), w


class MeanMaxPool(nn.Module):
    """GRU (batch_first) outputs pooled over time: cat(y.mean(1), y.max(1).values) -> Linear."""

    def __init__(self, I, H, O, bidir):
        super().__init__()
        self.gru = nn.GRU(I, H, batch_first=True, bidirectional=bidir)
        self.lin = nn.Linear(2 * H * (2 if bidir else 1), O)

    def forward(self, x):
        y, _ = self.gru(x)
        return self.lin(torch.cat([y.mean(dim=1), y.max(dim=1).values], dim=1))


class DecoderStepCell(nn.Module):
    """One decoder step with explicit state: (x_t [B, I], h [B, H], c [B, H])
    -> (Linear(h') [B, O], h', c') with an nn.LSTMCell."""

    def __init__(self, I, H, O):
        super().__init__()
        self.cell = nn.LSTMCell(I, H)
        self.lin = nn.Linear(H, O)

    def forward(self, x, h, c):
        h2, c2 = self.cell(x, (h, c))
        return self.lin(h2), h2, c2


class DecoderStepLSTM(nn.Module):
    """One decoder step with an nn.LSTM of sequence length 1 and a token embedding:
    (token [B, 1] int64, h [1, B, H], c [1, B, H]) -> (log_softmax(Linear(y)) [B, V], h', c')."""

    def __init__(self, V, E, H):
        super().__init__()
        self.emb = nn.Embedding(V, E)
        self.lstm = nn.LSTM(E, H, batch_first=True)
        self.lin = nn.Linear(H, V)

    def forward(self, tok, h, c):
        y, (h2, c2) = self.lstm(self.emb(tok), (h, c))
        return torch.log_softmax(self.lin(y[:, 0]), dim=-1), h2, c2


HEADS = {
    "gelu": nn.GELU(),
    "leakyrelu": nn.LeakyReLU(0.1),
    "elu": nn.ELU(),
    "hardtanh": nn.Hardtanh(-1.0, 1.0),
}


class ActHead(nn.Module):
    """LSTM -> Linear -> activation (scaled so the activation sees both signs and |x| > 1)."""

    def __init__(self, act, I, H, O):
        super().__init__()
        self.lstm = nn.LSTM(I, H)
        self.lin = nn.Linear(H, O)
        with torch.no_grad():
            self.lin.weight.mul_(6.0)
        self.act = HEADS[act]

    def forward(self, x):
        return self.act(self.lin(self.lstm(x)[0]))


class MaskedGRU(nn.Module):
    """GRU (batch_first) outputs zeroed where mask [B, T, 1] (bool) is False:
    torch.where(mask, y, torch.zeros_like(y)), then a masked mean over time -> Linear."""

    def __init__(self, I, H, O):
        super().__init__()
        self.gru = nn.GRU(I, H, batch_first=True)
        self.lin = nn.Linear(H, O)

    def forward(self, x, mask):
        y, _ = self.gru(x)
        y = torch.where(mask, y, torch.zeros_like(y))
        n = mask.to(torch.float32).sum(dim=1).clamp(min=1.0)
        return y, self.lin(y.sum(dim=1) / n)


class PlainLSTM(nn.Module):
    """2-layer LSTM -> Linear (the float16-weights case)."""

    def __init__(self, I, H, O):
        super().__init__()
        self.lstm = nn.LSTM(I, H, num_layers=2)
        self.lin = nn.Linear(H, O)

    def forward(self, x):
        y, (h, c) = self.lstm(x)
        return self.lin(y), h


class PackedGRU(nn.Module):
    """pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False) -> GRU
    -> pad_packed_sequence(total_length=T): padded steps are 0, h_n is each sequence's last
    valid step.  Outputs: y [B, T, H], h_n [1, B, H]."""

    def __init__(self, I, H):
        super().__init__()
        self.gru = nn.GRU(I, H, batch_first=True)

    def forward(self, x, lengths):
        T = x.shape[1]
        p = nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        y, h = self.gru(p)
        y, _ = nn.utils.rnn.pad_packed_sequence(y, batch_first=True, total_length=T)
        return y, h


# ---------------------------------------------------------------------------
# cases
# ---------------------------------------------------------------------------

# --stream expectation of each case (written to <case>/stream_expect, run by
# tests/torch_patterns.cmake): "ok K..." = the step API with K steps per call matches
# PyTorch; "error REGEX" = --stream must be refused for that reason.
STREAM_EXPECT = {
    "attnpool_gru_dyn_op14": "error it normalises across the time axis, so",
    "attnpool_lstm_op13": "error it normalises across the time axis, so",
    "crnn_ocr_bilstm_op13": "error no graph input has an axis of this",
    "decoder_step_lstm_emb_op13": "error the sequence length is 1: if the graph makes",
    "decoder_step_lstmcell_op13": "error the graph has no RNN, LSTM or GRU node",
    "fp16_weights_lstm2_op13": "ok 1 7",
    "fp16_weights_residual_lstm_op13": "ok 1 3",
    "grucell_loop_op11": "error the graph has no RNN, LSTM or GRU node",
    "grucell_loop_op13": "error the graph has no RNN, LSTM or GRU node",
    "grucell_loop_op14": "error the graph has no RNN, LSTM or GRU node",
    "head_elu_op13": "ok 1 2",
    "head_gelu_op13": "ok 1 2",
    "head_hardtanh_op13": "ok 1 2",
    "head_hardtanh_op9": "ok 1 2",
    "head_leakyrelu_op13": "ok 1 2",
    "kws_conv_gru_dyn_op13": "error no graph input has an axis of this",
    "kws_conv_gru_op11": "error no graph input has an axis of this",
    "kws_conv_gru_op13": "error no graph input has an axis of this",
    "kws_conv_gru_op17": "error no graph input has an axis of this",
    "kws_conv_gru_op9": "error no graph input has an axis of this",
    "kws_conv_relu_bn_gru_op13": "error no graph input has an axis of this",
    "layernorm_lstm_op11": "ok 1 7",
    "layernorm_lstm_op13": "ok 1 7",
    "layernorm_lstm_op14": "ok 1 7",
    "layernorm_lstm_op17": "ok 1 7",
    "lstmcell_loop_op13": "error the graph has no RNN, LSTM or GRU node",
    "lstmcell_loop_op17": "error the graph has no RNN, LSTM or GRU node",
    "lstmcell_loop_op9": "error the graph has no RNN, LSTM or GRU node",
    "manual_lstm_gates_op13": "error the graph has no RNN, LSTM or GRU node",
    "mask_where_gru_op13": "error it reduces over the time axis",
    "meanmax_pool_bigru_op11": "error direction 'bidirectional' reads the",
    "meanmax_pool_gru_op13": "error it reduces over the time axis, so the",
    "packed_gru_op13": "error sequence_lens is not supported when",
    "residual_lstm_x2_op13": "ok 1 3",
    "rnncell_loop_op13": "error the graph has no RNN, LSTM or GRU node",
    "rnncell_loop_op17": "error the graph has no RNN, LSTM or GRU node",
    "rnncell_loop_op9": "error the graph has no RNN, LSTM or GRU node",
    "kws_conv_nopool_gru_op13": "error the convolution mixes neighbouring time steps",
}


class Case:
    """name; make() -> nn.Module; inputs(rs) -> list of np arrays; input/output names;
    dyn: dynamic_axes; dims: {dim name: size} bound in rnnc_args; fp16: float16 surgery."""

    def __init__(self, name, what, make, inputs, ins, outs, opset=13, dyn=None, dims=None,
                 fp16=False):
        self.name, self.what, self.make, self.inputs = name, what, make, inputs
        self.ins, self.outs, self.opset = ins, outs, opset
        self.dyn, self.dims, self.fp16 = dyn or {}, dims or {}, fp16


def randn(*shape):
    return lambda rs: rs.randn(*shape).astype(np.float32)


def feeds(*fs):
    return lambda rs: [f(rs) for f in fs]


def mask_input(B, T, lengths):
    def f(rs):
        m = np.zeros((B, T, 1), dtype=bool)
        for b, n in enumerate(lengths):
            m[b, :n, 0] = True
        return m
    return f


def const(a):
    return lambda rs: a


def cases():
    cl = []
    # 1. cells in a Python loop (unrolled by tracing): x [T, B, I] -> y [T, B, H], h
    for kind, opsets in (("lstm", (13, 9, 17)), ("gru", (13, 11, 14)), ("rnn", (13, 9, 17))):
        for op in opsets:
            T, B, I, H = {13: (6, 2, 5, 12), 9: (5, 1, 4, 8), 11: (7, 2, 3, 10),
                          14: (5, 1, 6, 16), 17: (8, 2, 4, 9)}[op]
            cl.append(Case("%scell_loop_op%d" % (kind, op),
                           "nn.%sCell in a Python loop over time (T=%d unrolled)" %
                           ({"lstm": "LSTM", "gru": "GRU", "rnn": "RNN"}[kind], T),
                           lambda kind=kind, I=I, H=H: CellLoop(kind, I, H),
                           feeds(randn(T, B, I)), ["x"], ["y", "h"], opset=op))
    # 2. hand-written LSTM gate equations
    cl.append(Case("manual_lstm_gates_op13",
                   "Linear -> chunk(4) -> sigmoid/tanh -> mul/add LSTM in a loop (T=6)",
                   lambda: ManualLSTM(5, 10), feeds(randn(2, 6, 5)), ["x"], ["y", "h", "c"]))
    # 3. keyword spotting: Conv1d + BN + ReLU + MaxPool1d -> GRU -> Linear
    for op in (13, 9, 11, 17):
        cl.append(Case("kws_conv_gru_op%d" % op,
                       "Conv1d(k3,p1)+BatchNorm1d+ReLU+MaxPool1d(2) -> GRU(batch_first) -> "
                       "last step -> Linear (the exporter folds the BN into the Conv)",
                       lambda: KWS(10, 16, 24, 6), feeds(randn(2, 10, 16)), ["x"], ["logits"],
                       opset=op))
    cl.append(Case("kws_conv_gru_dyn_op13",
                   "kws_conv_gru with dynamic batch and time axes (Shape-based graph)",
                   lambda: KWS(10, 16, 24, 6), feeds(randn(2, 10, 16)), ["x"], ["logits"],
                   dyn={"x": {0: "batch", 2: "time"}, "logits": {0: "batch"}},
                   dims={"batch": 2, "time": 16}))
    cl.append(Case("kws_conv_relu_bn_gru_op13",
                   "Conv1d -> ReLU -> BatchNorm1d (not foldable: BatchNormalization) -> "
                   "MaxPool1d(2) -> GRU(batch_first) -> last step -> Linear",
                   lambda: KWS(10, 16, 24, 6, bn_after_relu=True), feeds(randn(2, 10, 16)),
                   ["x"], ["logits"]))
    cl.append(Case("kws_conv_nopool_gru_op13",
                   "Conv1d(k3,p1)+BatchNorm1d+ReLU -> GRU(batch_first) -> last step -> Linear: "
                   "time keeps its length, so --stream reaches the Conv and must refuse it",
                   lambda: KWS(10, 16, 24, 6, pool=False), feeds(randn(2, 10, 16)), ["x"],
                   ["logits"]))
    # 4. CRNN / OCR
    cl.append(Case("crnn_ocr_bilstm_op13",
                   "Conv2d+BN+ReLU+MaxPool2d x2 on [1,1,32,40] (BN folded into the Conv) -> "
                   "permute/reshape to [10,1,64] -> bidirectional LSTM -> Linear -> log_softmax",
                   lambda: CRNN(4, 8, 16, 11), feeds(randn(1, 1, 32, 40)), ["image"],
                   ["logprobs"]))
    # 5. LayerNorm around an LSTM
    for op in (13, 11, 14, 17):
        cl.append(Case("layernorm_lstm_op%d" % op,
                       "LayerNorm -> LSTM(batch_first) -> LayerNorm -> Linear%s" %
                       (" (LayerNormalization op)" if op >= 17 else " (ReduceMean/Pow/Sqrt chain)"),
                       lambda: LNLSTM(12, 16, 5), feeds(randn(2, 7, 12)), ["x"], ["y"], opset=op))
    # 6. residual stack
    cl.append(Case("residual_lstm_x2_op13", "x + LSTM(x), twice (I = H = 16) -> Linear",
                   lambda: ResidualLSTM(16, 4), feeds(randn(9, 2, 16)), ["x"], ["y"]))
    # 7. attention pooling
    cl.append(Case("attnpool_lstm_op13",
                   "LSTM -> scores Linear(h).squeeze(-1) -> softmax over time -> weighted sum "
                   "-> Linear; outputs logits and weights",
                   lambda: AttnPool("lstm", 6, 16, 3), feeds(randn(2, 10, 6)), ["x"],
                   ["logits", "attn"]))
    cl.append(Case("attnpool_gru_dyn_op14",
                   "attention pooling after a GRU, dynamic batch and seq",
                   lambda: AttnPool("gru", 6, 12, 3), feeds(randn(1, 12, 6)), ["x"],
                   ["logits", "attn"], opset=14,
                   dyn={"x": {0: "batch", 1: "seq"}, "logits": {0: "batch"},
                        "attn": {0: "batch", 1: "seq"}},
                   dims={"batch": 1, "seq": 12}))
    # 8. mean + max pooling over time
    cl.append(Case("meanmax_pool_gru_op13",
                   "GRU -> cat(y.mean(1), y.max(1).values) -> Linear",
                   lambda: MeanMaxPool(5, 12, 4, False), feeds(randn(2, 8, 5)), ["x"], ["y"]))
    cl.append(Case("meanmax_pool_bigru_op11",
                   "bidirectional GRU -> cat(mean, max over time) -> Linear",
                   lambda: MeanMaxPool(5, 8, 4, True), feeds(randn(2, 8, 5)), ["x"], ["y"],
                   opset=11))
    # 9. decoder step models with explicit state
    cl.append(Case("decoder_step_lstmcell_op13",
                   "one step: (x_t, h, c) -> (Linear(h'), h', c') with nn.LSTMCell",
                   lambda: DecoderStepCell(6, 16, 10),
                   feeds(randn(2, 6), randn(2, 16), randn(2, 16)), ["x_t", "h", "c"],
                   ["y_t", "h_out", "c_out"]))
    cl.append(Case("decoder_step_lstm_emb_op13",
                   "one step: (token, h, c) -> (log_softmax(Linear(y)), h', c') with "
                   "Embedding + nn.LSTM of seq 1",
                   lambda: DecoderStepLSTM(20, 8, 16),
                   feeds(const(np.array([[3], [17]], dtype=np.int64)), randn(1, 2, 16),
                         randn(1, 2, 16)),
                   ["token", "h", "c"], ["logprobs", "h_out", "c_out"]))
    # 10. activation heads
    for act in ("gelu", "leakyrelu", "elu", "hardtanh"):
        cl.append(Case("head_%s_op13" % act, "LSTM -> Linear -> %s" % repr(HEADS[act]),
                       lambda act=act: ActHead(act, 5, 12, 6), feeds(randn(6, 2, 5)), ["x"],
                       ["y"]))
    cl.append(Case("head_hardtanh_op9", "LSTM -> Linear -> Hardtanh(-1,1) (Clip attribute form)",
                   lambda: ActHead("hardtanh", 5, 12, 6), feeds(randn(6, 2, 5)), ["x"], ["y"],
                   opset=9))
    # 11. masking with a bool input
    cl.append(Case("mask_where_gru_op13",
                   "GRU -> torch.where(mask, y, zeros_like(y)) with a bool mask [B,T,1] -> "
                   "masked mean over time -> Linear",
                   lambda: MaskedGRU(4, 10, 3),
                   feeds(randn(2, 9, 4), mask_input(2, 9, (9, 5))), ["x", "mask"],
                   ["y_masked", "logits"]))
    # 12. float16 weights
    cl.append(Case("fp16_weights_lstm2_op13",
                   "2-layer LSTM -> Linear, every float initializer stored as float16 + Cast "
                   "to float (graph surgery after export)",
                   lambda: PlainLSTM(6, 16, 5), feeds(randn(7, 2, 6)), ["x"], ["y", "h_n"],
                   fp16=True))
    cl.append(Case("fp16_weights_residual_lstm_op13",
                   "the residual_lstm_x2 model with float16 initializers + Cast",
                   lambda: ResidualLSTM(16, 4), feeds(randn(9, 2, 16)), ["x"], ["y"], fp16=True))
    # 13. pack_padded_sequence
    cl.append(Case("packed_gru_op13",
                   "pack_padded_sequence(enforce_sorted=False) -> GRU -> pad_packed_sequence "
                   "with lengths as an input",
                   lambda: PackedGRU(4, 10),
                   feeds(randn(2, 8, 4), const(np.array([5, 8], dtype=np.int64))),
                   ["x", "lengths"], ["y", "h_n"]))
    return cl


# ---------------------------------------------------------------------------
# float16 surgery
# ---------------------------------------------------------------------------

def round_params_fp16(model):
    """Round every float parameter and buffer to the nearest float16 (in place).  The
    exported float initializers of the fp16 cases (LSTM and Linear weights) are exact
    rearrangements of these (gate reorder, concatenation, transposes), hence float16-exact;
    to_fp16_initializers asserts it."""
    with torch.no_grad():
        for t in list(model.parameters()) + list(model.buffers()):
            if t.dtype == torch.float32:
                t.copy_(t.half().float())


def to_fp16_initializers(m):
    """Every float32 initializer W becomes a float16 initializer W__fp16 and a node
    Cast(to=FLOAT) W__fp16 -> W at the front of the graph.  Asserts the conversion is exact
    (the weights were rounded to float16 in torch before the export), so PyTorch's outputs
    with the rounded weights are exactly the model's outputs."""
    g = m.graph
    casts, keep = [], []
    for init in g.initializer:
        if init.data_type != TensorProto.FLOAT:
            keep.append(init)
            continue
        a = numpy_helper.to_array(init)
        h = a.astype(np.float16)
        assert np.array_equal(h.astype(np.float32), a), ("not float16-exact", init.name)
        keep.append(numpy_helper.from_array(h, init.name + "__fp16"))
        casts.append(helper.make_node("Cast", [init.name + "__fp16"], [init.name],
                                      name="cast_" + init.name, to=TensorProto.FLOAT))
    del g.initializer[:]
    g.initializer.extend(keep)
    nodes = casts + list(g.node)
    del g.node[:]
    g.node.extend(nodes)


# ---------------------------------------------------------------------------
# writing
# ---------------------------------------------------------------------------

def op_counts(g, acc=None):
    acc = acc if acc is not None else collections.Counter()
    for n in g.node:
        acc[n.op_type] += 1
        for a in n.attribute:
            if a.type == onnx.AttributeProto.GRAPH:
                op_counts(a.g, acc)
            for sg in a.graphs:
                op_counts(sg, acc)
    return acc


def _tjson(a):
    a = np.asarray(a)
    t = {np.dtype(np.float32): "float32", np.dtype(np.int64): "int64",
         np.dtype(bool): "bool"}[a.dtype]
    data = a.ravel().tolist()
    if t == "int64":
        data = [str(v) for v in data]
    return {"type": t, "dims": list(a.shape), "data": data}


def write_case(c, out, sidecar=None):
    seed = zlib.crc32(c.name.encode())
    torch.manual_seed(seed)
    model = c.make().eval()
    if c.fp16:
        round_params_fp16(model)
    fs = c.inputs(np.random.RandomState(seed))
    cdir = os.path.join(out, c.name)
    ddir = os.path.join(cdir, "test_data_set_0")
    if os.path.exists(cdir):
        shutil.rmtree(cdir)
    os.makedirs(ddir)
    mpath = os.path.join(cdir, "model.onnx")
    targs = tuple(torch.from_numpy(f) for f in fs)
    with torch.no_grad():
        res = model(*targs)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(model, targs, mpath, opset_version=c.opset,
                              input_names=c.ins, output_names=c.outs,
                              dynamic_axes=c.dyn or None, do_constant_folding=True)
    res = res if isinstance(res, (tuple, list)) else (res,)
    flat = [r.detach().numpy() for r in res]
    assert len(flat) == len(c.outs), (c.name, len(flat), c.outs)
    m = onnx.load(mpath)
    if c.fp16:
        to_fp16_initializers(m)
        m.producer_name += " + gen_torch_patterns.py float16 initializers"
        onnx.save(m, mpath)
    onnx.checker.check_model(m, full_check=True)
    gin = [i.name for i in m.graph.input]
    gout = [o.name for o in m.graph.output]
    # an input the traced graph does not use is dropped by the exporter: not wanted here
    assert gin == c.ins, (c.name, gin, c.ins)
    assert gout == c.outs, (c.name, gout, c.outs)
    for i, (n, a) in enumerate(zip(c.ins, fs)):
        with open(os.path.join(ddir, "input_%d.pb" % i), "wb") as f:
            f.write(numpy_helper.from_array(a, n).SerializeToString())
    for i, (n, a) in enumerate(zip(c.outs, flat)):
        with open(os.path.join(ddir, "output_%d.pb" % i), "wb") as f:
            f.write(numpy_helper.from_array(a, n).SerializeToString())
    with open(os.path.join(cdir, "rnnc_args"), "w") as f:
        f.write(" ".join("--dim %s=%d" % kv for kv in sorted(c.dims.items())) + "\n")
    with open(os.path.join(cdir, "stream_expect"), "w") as f:
        f.write(STREAM_EXPECT[c.name] + "\n")
    if sidecar:
        obj = {"model": os.path.abspath(mpath), "skip": None, "note": None,
               "inputs": {n: _tjson(a) for n, a in zip(c.ins, fs)},
               "outputs": {n: _tjson(a) for n, a in zip(c.outs, flat)}}
        with open(os.path.join(sidecar, c.name + ".json"), "w") as f:
            json.dump(obj, f)
    shapes = ", ".join("%s %s%s" % (n, "x".join(map(str, a.shape)) or "scalar",
                                    "" if a.dtype == np.float32 else " " + str(a.dtype))
                       for n, a in zip(c.ins, fs))
    return op_counts(m.graph), shapes


README_HEAD = """# PyTorch-exported model patterns around recurrent layers

Generated by `tests/gen/gen_torch_patterns.py` (do not edit by hand): the
structures real users ship around `nn.LSTM` / `nn.GRU` / the cells, exported
with `torch.onnx.export` (`do_constant_folding=True`, models in `eval()`,
`torch.no_grad()`), PyTorch's own outputs as the expected values.  Many cases
contain operators rnnc does not implement yet; they are meant to pass as the
operators land (tests/torch_patterns.cmake, test names `torchpat_<case>`).

Origin: torch {torch}, onnx {onnx}, NumPy {numpy}; command:

    /usr/bin/python3 tests/gen/gen_torch_patterns.py

Deterministic: each case seeds torch (weights; BatchNorm running statistics
and affine parameters, LayerNorm affine parameters are drawn, not left at
torch's 0/1 defaults) and NumPy (`randn` inputs) with crc32(case name).
Every model passes `onnx.checker.check_model` (full check) and was
cross-checked against ONNX Runtime (onnxruntime-node, CPU) with
`tests/gen/ort_check_torchpat.js` (atol 1e-4 + rtol 1e-3).

Layout (ONNX backend-test layout):

    <case>/model.onnx
    <case>/test_data_set_0/input_<i>.pb    graph inputs (graph-input order)
    <case>/test_data_set_0/output_<i>.pb   graph outputs (PyTorch's outputs)
    <case>/rnnc_args                       extra rnnc arguments (--dim bindings of the
                                           dynamic axes), may be empty
    <case>/stream_expect                   what --stream must do: "ok K..." (the step API
                                           with K steps per call matches) or "error REGEX"

Run one with

    rnnc check $(cat <case>/rnnc_args) <case>/model.onnx <case>/test_data_set_0 --atol 1e-4 --rtol 1e-3

float16 cases (`fp16_*`): before the export every float parameter and buffer
of the torch model is rounded to float16 in place (`t.copy_(t.half().float())`);
the model is then exported in float32 and every float32 initializer `W` is
replaced by a float16 initializer `W__fp16` plus a `Cast(to=FLOAT)` node
producing `W` at the front of the graph.  The script asserts that this
conversion is exact (every exported float initializer is a rearrangement of the
rounded parameters), so the expected outputs are simply PyTorch's float32
outputs of the model with the rounded weights; activations stay float32.

Sizes are small (hidden 8..24, seq 5..20 after any pooling, batch 1..2); the
`inputs` column gives the test data's shapes.

| case | opset | what it exercises | inputs | ONNX ops (count) |
|---|---|---|---|---|
"""


def write_readme(out, rows):
    lines = [README_HEAD.format(torch=torch.__version__, onnx=onnx.__version__,
                                numpy=np.__version__)]
    for c, ops, shapes in rows:
        opstr = ", ".join("%s %d" % kv for kv in sorted(ops.items()))
        args = " (`%s`)" % " ".join("--dim %s=%d" % kv for kv in sorted(c.dims.items())) \
            if c.dims else ""
        lines.append("| `%s` | %d | %s | %s%s | %s |\n" % (c.name, c.opset, c.what, shapes,
                                                          args, opstr))
    tot = collections.Counter()
    for _, ops, _ in rows:
        tot.update({k: 1 for k in ops})
    lines.append("\nOperators over all cases (number of cases containing each):\n\n")
    lines.append(", ".join("%s %d" % kv for kv in sorted(tot.items())) + "\n")
    with open(os.path.join(out, "README.md"), "w") as f:
        f.writelines(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=DEFAULT_OUT)
    ap.add_argument("--sidecar", help="also write DIR/<case>.json for ort_check_torchpat.js")
    ap.add_argument("--only", help="only cases whose name contains this (no README, no cleanup)")
    a = ap.parse_args()
    cl = cases()
    if a.only:
        cl = [c for c in cl if a.only in c.name]
    elif os.path.exists(a.out):
        shutil.rmtree(a.out)
    os.makedirs(a.out, exist_ok=True)
    if a.sidecar:
        os.makedirs(a.sidecar, exist_ok=True)
    rows = []
    for c in cl:
        ops, shapes = write_case(c, a.out, a.sidecar)
        rows.append((c, ops, shapes))
        print("%-36s %s" % (c.name, ", ".join("%s %d" % kv for kv in sorted(ops.items()))))
    if not a.only:
        write_readme(a.out, rows)


if __name__ == "__main__":
    sys.exit(main())
