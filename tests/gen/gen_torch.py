#!/usr/bin/python3
"""Export real PyTorch RNN / LSTM / GRU models to ONNX as rnnc test cases.

Each case is a small torch.nn model (optionally an nn.Embedding in front, one
or two recurrent modules, and a head), exported with torch.onnx.export and
written in ONNX backend-test layout with PyTorch's own outputs as the
expected values:

    <out>/<case>/model.onnx
    <out>/<case>/test_data_set_0/input_<i>.pb    graph inputs, graph-input order
    <out>/<case>/test_data_set_0/output_<i>.pb   graph outputs (PyTorch, float32)
    <out>/<case>/rnnc_args                        extra rnnc CLI args (--dim ...), may be empty
    <out>/<case>/stream_expect                    'ok K...' (chunks for rnnc check --stream) or
                                                  'error REGEX' (the model cannot be streamed)
    <out>/README.md                               origin, layout and the case table

Modes:
    /usr/bin/python3 tests/gen/gen_torch.py
        the fixed matrix: deletes and rewrites testdata/torch/ (only that
        directory), deterministic (every case seeds torch / NumPy / its size
        draw with crc32(case name)).
    /usr/bin/python3 tests/gen/gen_torch.py --random --seed S --count N --out DIR
        N configurations drawn at random from the same space (fuzz-style
        acceptance testing); the same layout under DIR.

--sidecar DIR additionally writes DIR/<case>.json (inputs + expected outputs)
for tests/gen/ort_check.js (never into the repo):
    /usr/bin/python3 tests/gen/gen_torch.py --sidecar /tmp/ortcheck_torch
    NODE_PATH=/tmp/ortnode/node_modules node tests/gen/ort_check.js \\
        /tmp/ortcheck_torch --atol 1e-4 --rtol 1e-3
Every written model is also checked with onnx.checker.check_model (full).
"""

import argparse
import json
import os
import random
import shutil
import sys
import warnings
import zlib

import numpy as np
import onnx
from onnx import numpy_helper
import torch
from torch import nn

OPSETS = [9, 11, 13, 14, 17]
CELLS = ["rnn_tanh", "rnn_relu", "lstm", "gru"]
HEADS = ["none", "linear", "linear_softmax", "linear_sigmoid",
         "last", "last_linear", "last_linear_logsoftmax"]
DROPOUT_P = 0.3

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.normpath(os.path.join(HERE, "..", "..", "testdata", "torch"))


class Cfg:
    """One model configuration.

    cell     rnn_tanh | rnn_relu | lstm | gru
    layers   num_layers of the (first) recurrent module
    bidir, batch_first, bias   the nn.RNN/LSTM/GRU arguments (bias also for the Linear head)
    h0       initial state(s) passed as graph inputs (h0, and c0 for LSTM)
    outs     y (output only) | y_h ((output, h_n)) | y_hc (LSTM: (output, (h_n, c_n)))
    head     see HEADS; 'last' = y[:, -1, :] (batch_first) or y[-1]
    vocab    0 or the nn.Embedding vocabulary (int64 token-id input, embedding dim = I)
    dyn      tuple of dynamic axes: 'batch', 'seq'
    drop     '' | 'rnn' (dropout=p inside the multi-layer module) |
             'module' (second 1-layer recurrent module after an nn.Dropout)
    """

    def __init__(self, cell, layers=1, bidir=False, batch_first=False, bias=True, h0=False,
                 outs="y", head="none", emb=False, dyn=(), drop="", opset=13, sizes=None):
        if cell != "lstm" and outs == "y_hc":
            outs = "y_h"
        if drop == "rnn" and layers < 2:
            raise ValueError("dropout inside the module needs num_layers > 1")
        self.cell, self.layers, self.bidir, self.bf, self.bias = cell, layers, bidir, batch_first, bias
        self.h0, self.outs, self.head, self.emb = h0, outs, head, emb
        self.dyn, self.drop, self.opset = tuple(d for d in ("batch", "seq") if d in dyn), drop, opset
        self.sizes = dict(sizes or {})
        self.tag = ""  # extra name part (random mode)

    def name(self):
        p = [self.cell, "l%d" % self.layers]
        if self.bidir:
            p.append("bidir")
        if self.bf:
            p.append("bf")
        if not self.bias:
            p.append("nobias")
        if self.h0:
            p.append("h0c0" if self.cell == "lstm" else "h0")
        if self.outs != "y":
            p.append({"y_h": "yh", "y_hc": "yhc"}[self.outs])
        if self.head != "none":
            p.append({"linear": "lin", "linear_softmax": "linsoftmax", "linear_sigmoid": "linsigmoid",
                      "last": "last", "last_linear": "lastlin",
                      "last_linear_logsoftmax": "lastlinlogsoftmax"}[self.head])
        if self.emb:
            p.append("emb")
        if self.dyn:
            p.append("dyn" + "".join(d[0] for d in self.dyn))  # dynb, dyns, dynbs
        if self.drop:
            p.append("drop" + self.drop)
        if self.tag:
            p.append(self.tag)
        p.append("op%d" % self.opset)
        return "_".join(p)

    def draw_sizes(self, rng):
        """Small sizes; the weight count is kept down for deep/bidirectional models."""
        s = {}
        s["I"] = rng.randint(1, 8)
        deep = self.layers * (2 if self.bidir else 1) + (1 if self.drop == "module" else 0)
        s["H"] = rng.randint(1, 16 if deep <= 2 else 8)
        s["T"] = rng.randint(1, 7)
        s["B"] = rng.randint(1, 3)
        s["O"] = rng.randint(2, 6) if "softmax" in self.head else rng.randint(1, 6)
        s["V"] = rng.randint(5, 20)
        s.update(self.sizes)
        self.sizes = s


def make_rnn(cell, I, H, layers, bias, bf, bidir, dropout):
    kw = dict(input_size=I, hidden_size=H, num_layers=layers, bias=bias,
              batch_first=bf, bidirectional=bidir, dropout=dropout)
    if cell.startswith("rnn_"):
        return nn.RNN(nonlinearity=cell[4:], **kw)
    return {"lstm": nn.LSTM, "gru": nn.GRU}[cell](**kw)


class Net(nn.Module):
    def __init__(self, c):
        super().__init__()
        s = c.sizes
        self.c = c
        D = 2 if c.bidir else 1
        self.emb = nn.Embedding(s["V"], s["I"]) if c.emb else None
        self.rnn = make_rnn(c.cell, s["I"], s["H"], c.layers, c.bias, c.bf, c.bidir,
                            DROPOUT_P if c.drop == "rnn" else 0.0)
        if c.drop == "module":
            self.drop = nn.Dropout(DROPOUT_P)
            self.rnn2 = make_rnn(c.cell, D * s["H"], s["H"], 1, c.bias, c.bf, c.bidir, 0.0)
        else:
            self.drop = self.rnn2 = None
        self.lin = nn.Linear(D * s["H"], s["O"], bias=c.bias) if "linear" in c.head else None

    def forward(self, *inp):
        c = self.c
        x = inp[0]
        if self.emb is not None:
            x = self.emb(x)
        if c.h0:
            hx = (inp[1], inp[2]) if c.cell == "lstm" else inp[1]
            y, st = self.rnn(x, hx)
        else:
            y, st = self.rnn(x)
        if self.rnn2 is not None:
            y, st = self.rnn2(self.drop(y))
        if c.head.startswith("last"):
            y = y[:, -1, :] if c.bf else y[-1]
        if self.lin is not None:
            y = self.lin(y)
        if c.head.endswith("logsoftmax"):
            y = torch.log_softmax(y, dim=-1)
        elif c.head.endswith("softmax"):
            y = torch.softmax(y, dim=-1)
        elif c.head.endswith("sigmoid"):
            y = torch.sigmoid(y)
        if c.outs == "y":
            return y
        h = st[0] if c.cell == "lstm" else st
        if c.outs == "y_h":
            return y, h
        return y, (st[0], st[1])


def io_spec(c):
    """(input names, output names, dynamic_axes)"""
    bax, sax = (0, 1) if c.bf else (1, 0)
    ins = ["tokens" if c.emb else "x"]
    if c.h0:
        ins += ["h0", "c0"] if c.cell == "lstm" else ["h0"]
    outs = ["y"] + {"y": [], "y_h": ["h_n"], "y_hc": ["h_n", "c_n"]}[c.outs]
    dyn = {}
    if c.dyn:
        dx = {}
        if "batch" in c.dyn:
            dx[bax] = "batch"
        if "seq" in c.dyn:
            dx[sax] = "seq"
        dyn[ins[0]] = dict(dx)
        if c.head.startswith("last"):
            dyn["y"] = {0: "batch"} if "batch" in c.dyn else None
        else:
            dyn["y"] = dict(dx)
        if "batch" in c.dyn:
            for n in ins[1:] + outs[1:]:
                dyn[n] = {1: "batch"}
        dyn = {k: v for k, v in dyn.items() if v}
    return ins, outs, dyn


def make_inputs(c, rs):
    s = c.sizes
    D = 2 if c.bidir else 1
    shp = (s["B"], s["T"]) if c.bf else (s["T"], s["B"])
    if c.emb:
        x = rs.randint(0, s["V"], size=shp).astype(np.int64)
    else:
        x = rs.randn(*shp, s["I"]).astype(np.float32)
    feeds = [x]
    if c.h0:
        n = 2 if c.cell == "lstm" else 1
        for _ in range(n):
            feeds.append(rs.randn(c.layers * D, s["B"], s["H"]).astype(np.float32))
    return feeds


def _tjson(a):
    a = np.asarray(a)
    t = {np.dtype(np.float32): "float32", np.dtype(np.int64): "int64"}[a.dtype]
    return {"type": t, "dims": list(a.shape), "data": a.ravel().tolist()}


def stream_expect(c):
    """What `rnnc check --stream` must do with this model, from its configuration:
    'ok K...' (the chunk sizes to test, each dividing the sequence length) when every
    layer runs forward and each output is per time step, else 'error REGEX'."""
    T = c.sizes["T"]
    if T < 2:
        # one time step: the step API is the model with its state kept; a layer that is not
        # causal is still refused, its message then saying that the length is 1
        if c.bidir or c.head.startswith("last"):
            return "error sequence length is 1"
        return "ok 1"
    if c.bidir:
        return "error direction 'bidirectional'"
    if c.head.startswith("last"):
        return "error (selects along|slices) the time axis"
    chunks = [1] + [k for k in (2, 3) if T % k == 0][:1] + [T]
    return "ok " + " ".join(str(k) for k in sorted(set(chunks)))


def write_case(c, out, sidecar=None):
    name = c.name()
    seed = zlib.crc32(name.encode())
    if set(c.sizes) != {"I", "H", "T", "B", "O", "V"}:
        c.draw_sizes(random.Random(seed))
    torch.manual_seed(seed)
    model = Net(c).eval()
    feeds = make_inputs(c, np.random.RandomState(seed))
    ins, outs, dyn = io_spec(c)
    cdir = os.path.join(out, name)
    ddir = os.path.join(cdir, "test_data_set_0")
    if os.path.exists(cdir):
        shutil.rmtree(cdir)
    os.makedirs(ddir)
    mpath = os.path.join(cdir, "model.onnx")
    targs = tuple(torch.from_numpy(f) for f in feeds)
    with torch.no_grad():
        res = model(*targs)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(model, targs, mpath, opset_version=c.opset,
                              input_names=ins, output_names=outs,
                              dynamic_axes=dyn or None, do_constant_folding=True)
    flat = []

    def _flatten(r):
        if isinstance(r, (tuple, list)):
            for e in r:
                _flatten(e)
        else:
            flat.append(r.detach().numpy().astype(np.float32))
    _flatten(res)
    assert len(flat) == len(outs), (name, len(flat), outs)
    m = onnx.load(mpath)
    onnx.checker.check_model(m, full_check=True)
    gin = [i.name for i in m.graph.input]
    gout = [o.name for o in m.graph.output]
    assert gin == ins, (name, gin, ins)
    assert gout == outs, (name, gout, outs)
    for i, (n, a) in enumerate(zip(ins, feeds)):
        with open(os.path.join(ddir, "input_%d.pb" % i), "wb") as f:
            f.write(numpy_helper.from_array(a, n).SerializeToString())
    for i, (n, a) in enumerate(zip(outs, flat)):
        with open(os.path.join(ddir, "output_%d.pb" % i), "wb") as f:
            f.write(numpy_helper.from_array(a, n).SerializeToString())
    s = c.sizes
    bind = []
    if "batch" in c.dyn:
        bind.append("--dim batch=%d" % s["B"])
    if "seq" in c.dyn:
        bind.append("--dim seq=%d" % s["T"])
    with open(os.path.join(cdir, "rnnc_args"), "w") as f:
        f.write(" ".join(bind) + "\n")
    with open(os.path.join(cdir, "stream_expect"), "w") as f:
        f.write(stream_expect(c) + "\n")
    if sidecar:
        obj = {"model": os.path.abspath(mpath), "skip": None, "note": None,
               "inputs": {n: _tjson(a) for n, a in zip(ins, feeds)},
               "outputs": {n: _tjson(a) for n, a in zip(outs, flat)}}
        with open(os.path.join(sidecar, name + ".json"), "w") as f:
            json.dump(obj, f)
    return name


# ---------------------------------------------------------------------------
# the fixed matrix
# ---------------------------------------------------------------------------

# 16 feature combinations.  Case (opset k, cell j, slot i) uses combination
# (4*j + i + 3*k) mod 16, so every opset sees all 16 combinations (spread over
# the four cells) and every cell sees all 16 (spread over the five opsets).
COMBOS = [
    dict(layers=1),
    dict(layers=2, batch_first=True, h0=True, outs="y_h", drop="rnn"),
    dict(layers=1, bidir=True, bias=False, head="linear"),
    dict(layers=3, head="linear_softmax", dyn=("batch",)),
    dict(layers=1, batch_first=True, h0=True, head="last"),
    dict(layers=2, bidir=True, batch_first=True, head="last_linear", dyn=("seq",)),
    dict(layers=1, outs="y_hc", head="last_linear_logsoftmax", emb=True),
    dict(layers=2, bidir=True, h0=True, outs="y_hc", dyn=("batch", "seq")),
    dict(layers=1, batch_first=True, bias=False, head="linear_sigmoid", emb=True, dyn=("batch",)),
    dict(layers=2, drop="module"),
    dict(layers=3, bidir=True, batch_first=True, h0=True, outs="y_h", head="linear", drop="rnn"),
    dict(layers=1, bidir=True, outs="y_h", head="last", emb=True, dyn=("seq",)),
    dict(layers=2, batch_first=True, bias=False, h0=True, outs="y_hc", head="linear_softmax",
         dyn=("batch", "seq")),
    dict(layers=1, h0=True, head="last", dyn=("batch",)),
    dict(layers=2, bidir=True, batch_first=True, head="last_linear_logsoftmax", emb=True,
         dyn=("batch", "seq"), drop="module"),
    dict(layers=1, bidir=True, batch_first=True, h0=True, outs="y_hc", head="linear_sigmoid"),
]

# a few explicit extra cases on top (degenerate sizes, rarer combinations)
EXTRA = [
    dict(cell="lstm", layers=1, opset=13, sizes=dict(I=1, H=1, T=1, B=1, O=1)),
    dict(cell="gru", layers=2, bidir=True, outs="y_h", opset=17, sizes=dict(I=1, H=1, T=7, B=3)),
    dict(cell="rnn_relu", layers=3, batch_first=True, h0=True, outs="y_h", opset=11,
         sizes=dict(I=8, H=1, T=1, B=1)),
    dict(cell="rnn_tanh", layers=1, head="last_linear", emb=True, dyn=("batch", "seq"), opset=9,
         sizes=dict(T=1, B=1, V=20)),
    # a Linear without bias on the last timestep, and a bias-free LSTM with states
    dict(cell="gru", layers=1, batch_first=True, bias=False, head="last_linear", opset=13, tag=""),
    dict(cell="lstm", layers=2, bidir=True, bias=False, h0=True, outs="y_hc", dyn=("batch",),
         opset=9, tag=""),
]


def matrix():
    cl = []
    for k, opset in enumerate(OPSETS):
        for j, cell in enumerate(CELLS):
            for i in range(4):
                idx = (4 * j + i + 3 * k) % 16
                kw = dict(COMBOS[idx])
                if cell == "lstm" and kw.get("outs", "y") != "y":
                    # LSTM alternates (output, h_n) and (output, (h_n, c_n))
                    kw["outs"] = "y_hc" if idx % 2 else "y_h"
                cl.append(Cfg(cell, opset=opset, **kw))
    for e in EXTRA:
        e = dict(e)
        cell, tag = e.pop("cell"), e.pop("tag", "edge")
        cl.append(Cfg(cell, **e))
        cl[-1].tag = tag
    return cl


def random_cfgs(seed, count):
    rng = random.Random(seed)
    cl = []
    for n in range(count):
        cell = rng.choice(CELLS)
        layers = rng.randint(1, 3)
        drop = rng.choice(["", "", "", "module"] + (["rnn"] if layers > 1 else []))
        c = Cfg(cell, layers=layers, bidir=rng.random() < 0.5, batch_first=rng.random() < 0.5,
                bias=rng.random() < 0.75, h0=rng.random() < 0.4,
                outs=rng.choice(["y", "y_h"] + (["y_hc"] if cell == "lstm" else [])),
                head=rng.choice(HEADS), emb=rng.random() < 0.3,
                dyn=rng.choice([(), (), ("batch",), ("seq",), ("batch", "seq")]),
                drop=drop, opset=rng.choice(OPSETS))
        c.tag = "s%dn%d" % (seed, n)
        c.draw_sizes(rng)
        cl.append(c)
    return cl


# ---------------------------------------------------------------------------
# README
# ---------------------------------------------------------------------------

README_HEAD = """# PyTorch-exported RNN / LSTM / GRU test cases

Generated by `tests/gen/gen_torch.py` (do not edit by hand): small
`torch.nn` models built around `nn.RNN` (tanh and relu), `nn.LSTM` and
`nn.GRU`, exported with `torch.onnx.export` (`do_constant_folding=True`,
models in `eval()`, `torch.no_grad()`), with PyTorch's own outputs as the
expected values (float32).

Origin: torch {torch}, onnx {onnx}, NumPy {numpy}; command:

    {cmd}

Deterministic: each case seeds torch (weights), NumPy (inputs: `randn` for
float inputs, random ints for token ids) and its size draw with
crc32(case name).  Every model passes `onnx.checker.check_model`
(full check) and was cross-checked against ONNX Runtime (onnxruntime-node,
CPU) with `tests/gen/ort_check.js` (atol 1e-4 + rtol 1e-3).

Layout: ONNX backend-test layout, one directory per case:

    <case>/model.onnx
    <case>/test_data_set_0/input_<i>.pb    graph inputs (graph-input order; weights are initializers)
    <case>/test_data_set_0/output_<i>.pb   graph outputs (graph-output order; PyTorch's outputs)
    <case>/rnnc_args                       extra rnnc arguments, one line (--dim for the dynamic
                                           axes, bound to the sizes of the test data), may be empty
    <case>/stream_expect                   `ok K...`: `rnnc check --stream --chunk K` must pass for
                                           each K; `error REGEX`: --stream must be refused (a
                                           bidirectional layer, a last-timestep head, or a
                                           sequence of length 1), with a message matching REGEX

Run one with

    rnnc check $(cat <case>/rnnc_args) <case>/model.onnx <case>/test_data_set_0 --atol 1e-4 --rtol 1e-3

Inputs are named `x` (float, [seq, batch, I] or [batch, seq, I] with
batch_first) or `tokens` (int64 ids, [seq, batch] / [batch, seq], with an
`nn.Embedding` in front), then `h0` (and `c0` for LSTM) [layers*dirs, batch, H]
when the initial state is a graph input.  Outputs: `y`, then `h_n`
(and `c_n`).  Dynamic axes are named `batch` and `seq`.

Columns: outputs `y` = output only, `y,h` = (output, h_n), `y,(h,c)` =
(output, (h_n, c_n)); head `last` = `y[:, -1, :]` (batch_first) or `y[-1]`;
dropout `rnn` = `dropout={p}` inside the multi-layer module, `module` = a
second 1-layer recurrent module after an `nn.Dropout({p})` (both are no-ops
in eval mode); sizes I/H/T/B = input size / hidden size / seq length /
batch of the test data, O = head output features, V = vocabulary.

| case | cell | layers | bidir | batch_first | bias | h0 given | outputs | head | embedding | dynamic dims | opset | dropout | sizes |
|---|---|---|---|---|---|---|---|---|---|---|---|---|---|
"""


def write_readme(out, cl, cmd):
    lines = [README_HEAD.format(torch=torch.__version__, onnx=onnx.__version__,
                                numpy=np.__version__, cmd=cmd, p=DROPOUT_P)]
    yn = {True: "yes", False: "no"}
    for c in cl:
        s = c.sizes
        sz = "I=%d H=%d T=%d B=%d" % (s["I"], s["H"], s["T"], s["B"])
        if c.head.count("linear"):
            sz += " O=%d" % s["O"]
        if c.emb:
            sz += " V=%d" % s["V"]
        lines.append("| `%s` | %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %d | %s | %s |\n" % (
            c.name(), c.cell, c.layers, yn[c.bidir], yn[c.bf], yn[c.bias],
            ("h0,c0" if c.cell == "lstm" else "h0") if c.h0 else "no",
            {"y": "y", "y_h": "y,h", "y_hc": "y,(h,c)"}[c.outs], c.head,
            "V=%d" % s["V"] if c.emb else "no", ",".join(c.dyn) or "-", c.opset,
            c.drop or "-", sz))
    with open(os.path.join(out, "README.md"), "w") as f:
        f.write("".join(lines))


def prepare_out(out):
    """Create OUT, or empty it if it holds only earlier output of this script."""
    if os.path.isdir(out):
        for e in os.listdir(out):
            p = os.path.join(out, e)
            if e == "README.md":
                continue
            if not (os.path.isdir(p) and os.path.exists(os.path.join(p, "model.onnx"))):
                sys.exit("gen_torch.py: %s holds %s, which is not a generated case; refusing to "
                         "delete it" % (out, e))
        shutil.rmtree(out)
    os.makedirs(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--random", action="store_true", help="random configurations instead of the matrix")
    ap.add_argument("--seed", type=int, default=0, help="random mode: seed")
    ap.add_argument("--count", type=int, default=20, help="random mode: number of cases")
    ap.add_argument("--out", default=None, help="output directory (default testdata/torch; required with --random)")
    ap.add_argument("--sidecar", default=None, help="directory for ort_check.js JSON sidecars (not in repo)")
    ap.add_argument("--only", default=None, help="substring filter on case names (no README, no cleanup)")
    args = ap.parse_args()
    if args.random:
        if not args.out:
            ap.error("--random needs --out DIR")
        cl = random_cfgs(args.seed, args.count)
        cmd = "/usr/bin/python3 tests/gen/gen_torch.py --random --seed %d --count %d --out DIR" % (
            args.seed, args.count)
    else:
        cl = matrix()
        cmd = "/usr/bin/python3 tests/gen/gen_torch.py"
    out = os.path.normpath(args.out or DEFAULT_OUT)
    names = [c.name() for c in cl]
    dup = sorted({n for n in names if names.count(n) > 1})
    assert not dup, "duplicate case names: %s" % dup
    if args.only:
        cl = [c for c in cl if args.only in c.name()]
        os.makedirs(out, exist_ok=True)
    else:
        prepare_out(out)
    if args.sidecar:
        os.makedirs(args.sidecar, exist_ok=True)
        for f in os.listdir(args.sidecar):
            if f.endswith(".json"):
                os.remove(os.path.join(args.sidecar, f))
    torch.set_num_threads(1)
    for c in cl:
        write_case(c, out, args.sidecar)
    if not args.only:
        write_readme(out, cl, cmd)
    print("wrote %d cases to %s" % (len(cl), out))


if __name__ == "__main__":
    main()
