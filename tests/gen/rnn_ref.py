"""Independent NumPy reference implementation of the ONNX RNN, LSTM and GRU
operators (float64 arithmetic).

Written from the ONNX operator specification and cross-checked against the
ONNX Runtime CPU kernels (see tests/gen/ort_check.js and testdata/cases/README.md).

Conventions (layout 0):
    X [T,B,I]; W [D,G*H,I]; R [D,G*H,H]; B [D,2*G*H] (Wb then Rb);
    sequence_lens int [B]; initial_h / initial_c [D,B,H]; P [D,3H]
    Y [T,D,B,H]; Y_h / Y_c [D,B,H]
Gate order: RNN i; GRU z,r,h; LSTM i,o,f,c; peepholes i,o,f.
Direction index 0 = forward, 1 = reverse.

layout=1 is implemented purely by transposition around the layout-0 code:
    X [B,T,I] -> [T,B,I]; initial_h/c [B,D,H] -> [D,B,H]
    Y [T,D,B,H] -> [B,T,D,H]; Y_h/Y_c [D,B,H] -> [B,D,H]

Activation alpha/beta handling (matches ONNX Runtime, see README):
the activation_alpha / activation_beta lists are consumed in order, one value
per activation function that *uses* that parameter (across both directions);
when a list runs out the per-function default is used.  The defaults differ
between the ONNX spec and ONNX Runtime for Affine, ThresholdedRelu and
ScaledTanh; select with activation_defaults="onnx" (default) or "ort".

Other ONNX Runtime (1.30) behaviours reproduced here:
  * clip clamps every gate pre-activation (incl. bias / peephole terms), not
    the LSTM cell state fed to h();
  * LSTM input_forget=1 -> f_t = 1 - i_t;
  * a bidirectional node must name activations for both directions;
  * sequence_lens[b] == 0 -> Y_h / Y_c are zero (see ZERO_LENGTH_STATE).
Not reproduced: ORT's RNN (not GRU/LSTM) op matches activation names
case-sensitively; this module accepts any case.
"""

import numpy as np

# ---------------------------------------------------------------------------
# activation functions
# ---------------------------------------------------------------------------

# name (lower case) -> (uses_alpha, uses_beta, default_alpha, default_beta)
# Defaults per the ONNX spec ("default values are the same as of the
# corresponding ONNX operators"): LeakyRelu 0.01, ThresholdedRelu 1.0,
# HardSigmoid 0.2/0.5, Elu 1.0, Affine 1.0/0.0 (removed experimental op).
# ScaledTanh has no default in ONNX (experimental op, optional attrs); we use
# 1.0/1.0.
ACTIVATIONS = {
    "relu": (False, False, None, None),
    "tanh": (False, False, None, None),
    "sigmoid": (False, False, None, None),
    "affine": (True, True, 1.0, 0.0),
    "leakyrelu": (True, False, 0.01, None),
    "thresholdedrelu": (True, False, 1.0, None),
    "scaledtanh": (True, True, 1.0, 1.0),
    "hardsigmoid": (True, True, 0.2, 0.5),
    "elu": (True, False, 1.0, None),
    "softsign": (False, False, None, None),
    "softplus": (False, False, None, None),
}

# ONNX Runtime (checked with 1.30.0, onnxruntime/core/providers/cpu/rnn/
# rnn_helpers.cc NameToArgDefaultsMap) only has defaults for LeakyRelu,
# HardSigmoid and Elu; every other alpha/beta that is not supplied is 0.0.
# Differences from the spec: Affine -> 0*x+0, ThresholdedRelu alpha 0 (== Relu
# for x != 0), ScaledTanh -> 0*tanh(0*x) = 0.
ORT_DEFAULTS = {
    "affine": (0.0, 0.0),
    "thresholdedrelu": (0.0, None),
    "scaledtanh": (0.0, 0.0),
}


def _sigmoid(x):
    # numerically stable logistic
    out = np.empty_like(x)
    pos = x >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-x[pos]))
    e = np.exp(x[~pos])
    out[~pos] = e / (1.0 + e)
    return out


def make_activation(name, alpha=None, beta=None, defaults="onnx"):
    """Return a float64 elementwise function for activation `name`.
    defaults: "onnx" (spec defaults) or "ort" (ONNX Runtime's defaults)."""
    key = name.lower()
    if key not in ACTIVATIONS:
        raise ValueError("unknown activation %r" % name)
    ua, ub, da, db = ACTIVATIONS[key]
    if defaults == "ort" and key in ORT_DEFAULTS:
        da, db = ORT_DEFAULTS[key]
    elif defaults not in ("onnx", "ort"):
        raise ValueError(defaults)
    a = float(alpha) if (ua and alpha is not None) else da
    b = float(beta) if (ub and beta is not None) else db
    if key == "relu":
        return lambda x: np.maximum(x, 0.0)
    if key == "tanh":
        return np.tanh
    if key == "sigmoid":
        return _sigmoid
    if key == "affine":
        return lambda x: a * x + b
    if key == "leakyrelu":
        return lambda x: np.where(x >= 0, x, a * x)
    if key == "thresholdedrelu":
        return lambda x: np.where(x > a, x, 0.0)
    if key == "scaledtanh":
        return lambda x: a * np.tanh(b * x)
    if key == "hardsigmoid":
        return lambda x: np.minimum(np.maximum(a * x + b, 0.0), 1.0)
    if key == "elu":
        return lambda x: np.where(x >= 0, x, a * (np.exp(np.minimum(x, 0.0)) - 1.0))
    if key == "softsign":
        return lambda x: x / (1.0 + np.abs(x))
    if key == "softplus":
        return lambda x: np.logaddexp(0.0, x)  # log(1+e^x), stable
    raise AssertionError


def parse_activations(names, alphas, betas, defaults="onnx"):
    """Consume alpha/beta lists in order, only for functions that use them.
    Returns a list of callables, one per name."""
    alphas = list(alphas or [])
    betas = list(betas or [])
    ai = bi = 0
    funcs = []
    for n in names:
        ua, ub, _, _ = ACTIVATIONS[n.lower()]
        a = b = None
        if ua and ai < len(alphas):
            a = alphas[ai]
            ai += 1
        if ub and bi < len(betas):
            b = betas[bi]
            bi += 1
        funcs.append(make_activation(n, a, b, defaults))
    return funcs


def _resolve_activations(activations, defaults, num_dirs, activation_alpha, activation_beta,
                         param_defaults="onnx"):
    per_dir = len(defaults)
    if activations is None:
        names = list(defaults) * num_dirs
    else:
        # A bidirectional node must list the activations of both directions
        # (forward ones first); ONNX Runtime rejects a list holding only one
        # direction's worth (it does not duplicate it), and so do we.
        names = list(activations)
    if len(names) != per_dir * num_dirs:
        raise ValueError("expected %d activations, got %d" % (per_dir * num_dirs, len(names)))
    funcs = parse_activations(names, activation_alpha, activation_beta, param_defaults)
    return [funcs[d * per_dir:(d + 1) * per_dir] for d in range(num_dirs)]


# ---------------------------------------------------------------------------
# common driver
# ---------------------------------------------------------------------------

def _num_dirs(direction):
    if direction in ("forward", "reverse"):
        return 1
    if direction == "bidirectional":
        return 2
    raise ValueError(direction)


def _prep(X, W, R, B, sequence_lens, initial_states, hidden_size, gates, direction):
    X = np.asarray(X, dtype=np.float64)
    T, Bt, I = X.shape
    D = _num_dirs(direction)
    H = int(hidden_size) if hidden_size is not None else np.asarray(R).shape[-1]
    W = np.asarray(W, dtype=np.float64)
    R = np.asarray(R, dtype=np.float64)
    assert W.shape == (D, gates * H, I), W.shape
    assert R.shape == (D, gates * H, H), R.shape
    if B is None:
        B = np.zeros((D, 2 * gates * H))
    B = np.asarray(B, dtype=np.float64)
    assert B.shape == (D, 2 * gates * H), B.shape
    if sequence_lens is None:
        sequence_lens = np.full((Bt,), T, dtype=np.int64)
    sequence_lens = np.asarray(sequence_lens).astype(np.int64)
    assert sequence_lens.shape == (Bt,)
    states = []
    for s in initial_states:
        if s is None:
            s = np.zeros((D, Bt, H))
        s = np.asarray(s, dtype=np.float64)
        assert s.shape == (D, Bt, H), s.shape
        states.append(s)
    return X, W, R, B, sequence_lens, states, T, Bt, I, H, D


def _dir_of(direction, d):
    if direction == "bidirectional":
        return "forward" if d == 0 else "reverse"
    return direction


def _time_steps(dirname, L):
    return range(L) if dirname == "forward" else range(L - 1, -1, -1)


# Batch entries with sequence_lens == 0: ONNX Runtime (1.30) outputs zeros in
# Y_h / Y_c for them (not initial_h / initial_c).  The ONNX spec does not say;
# set to "initial" to return the initial state instead.
ZERO_LENGTH_STATE = "zeros"


def _final(state, L):
    if L == 0 and ZERO_LENGTH_STATE == "zeros":
        return np.zeros_like(state)
    return state


def _clipper(clip):
    if clip is None:
        return lambda x: x
    c = float(clip)
    return lambda x: np.clip(x, -c, c)


def _to_layout0(X, states, layout):
    if layout == 0:
        return X, states
    X = None if X is None else np.transpose(np.asarray(X), (1, 0, 2))
    states = [None if s is None else np.transpose(np.asarray(s), (1, 0, 2)) for s in states]
    return X, states


def _from_layout0(Y, finals, layout):
    if layout == 0:
        return (Y,) + tuple(finals)
    return (np.transpose(Y, (2, 0, 1, 3)),) + tuple(np.transpose(f, (1, 0, 2)) for f in finals)


# ---------------------------------------------------------------------------
# RNN
# ---------------------------------------------------------------------------

def rnn(X, W, R, B=None, sequence_lens=None, initial_h=None, hidden_size=None,
        direction="forward", activations=None, activation_alpha=None,
        activation_beta=None, clip=None, layout=0, activation_defaults="onnx"):
    """Returns (Y, Y_h) in the requested layout (float64)."""
    X, (initial_h,) = _to_layout0(X, [initial_h], layout)
    X, W, R, B, seq, (h0,), T, Bt, I, H, D = _prep(
        X, W, R, B, sequence_lens, [initial_h], hidden_size, 1, direction)
    acts = _resolve_activations(activations, ["Tanh"], D, activation_alpha, activation_beta,
                                activation_defaults)
    cl = _clipper(clip)
    Y = np.zeros((T, D, Bt, H))
    Y_h = np.zeros((D, Bt, H))
    for d in range(D):
        f, = acts[d]
        Wi, Ri = W[d], R[d]
        Wb, Rb = B[d, :H], B[d, H:]
        for b in range(Bt):
            h = h0[d, b].copy()
            for t in _time_steps(_dir_of(direction, d), int(seq[b])):
                h = f(cl(X[t, b] @ Wi.T + h @ Ri.T + Wb + Rb))
                Y[t, d, b] = h
            Y_h[d, b] = _final(h, int(seq[b]))
    return _from_layout0(Y, [Y_h], layout)


# ---------------------------------------------------------------------------
# GRU
# ---------------------------------------------------------------------------

def gru(X, W, R, B=None, sequence_lens=None, initial_h=None, hidden_size=None,
        direction="forward", activations=None, activation_alpha=None,
        activation_beta=None, clip=None, linear_before_reset=0, layout=0,
        activation_defaults="onnx"):
    """Returns (Y, Y_h) in the requested layout (float64)."""
    X, (initial_h,) = _to_layout0(X, [initial_h], layout)
    X, W, R, B, seq, (h0,), T, Bt, I, H, D = _prep(
        X, W, R, B, sequence_lens, [initial_h], hidden_size, 3, direction)
    acts = _resolve_activations(activations, ["Sigmoid", "Tanh"], D,
                                activation_alpha, activation_beta,
                                activation_defaults)
    cl = _clipper(clip)
    Y = np.zeros((T, D, Bt, H))
    Y_h = np.zeros((D, Bt, H))
    for d in range(D):
        f, g = acts[d]
        Wz, Wr, Wh = W[d, :H], W[d, H:2 * H], W[d, 2 * H:]
        Rz, Rr, Rh = R[d, :H], R[d, H:2 * H], R[d, 2 * H:]
        Wbz, Wbr, Wbh = B[d, :H], B[d, H:2 * H], B[d, 2 * H:3 * H]
        Rbz, Rbr, Rbh = B[d, 3 * H:4 * H], B[d, 4 * H:5 * H], B[d, 5 * H:]
        for b in range(Bt):
            h = h0[d, b].copy()
            for t in _time_steps(_dir_of(direction, d), int(seq[b])):
                x = X[t, b]
                z = f(cl(x @ Wz.T + h @ Rz.T + Wbz + Rbz))
                r = f(cl(x @ Wr.T + h @ Rr.T + Wbr + Rbr))
                if linear_before_reset:
                    hh = g(cl(x @ Wh.T + r * (h @ Rh.T + Rbh) + Wbh))
                else:
                    hh = g(cl(x @ Wh.T + (r * h) @ Rh.T + Rbh + Wbh))
                h = (1.0 - z) * hh + z * h
                Y[t, d, b] = h
            Y_h[d, b] = _final(h, int(seq[b]))
    return _from_layout0(Y, [Y_h], layout)


# ---------------------------------------------------------------------------
# LSTM
# ---------------------------------------------------------------------------

def lstm(X, W, R, B=None, sequence_lens=None, initial_h=None, initial_c=None,
         P=None, hidden_size=None, direction="forward", activations=None,
         activation_alpha=None, activation_beta=None, clip=None,
         input_forget=0, layout=0, activation_defaults="onnx"):
    """Returns (Y, Y_h, Y_c) in the requested layout (float64).

    clip is applied to the pre-activations of the i, f, c and o gates
    (after bias and peephole terms); the argument of h() (the cell state C_t)
    is NOT clipped (ONNX Runtime behaviour)."""
    X, (initial_h, initial_c) = _to_layout0(X, [initial_h, initial_c], layout)
    X, W, R, B, seq, (h0, c0), T, Bt, I, H, D = _prep(
        X, W, R, B, sequence_lens, [initial_h, initial_c], hidden_size, 4, direction)
    if P is None:
        P = np.zeros((D, 3 * H))
    P = np.asarray(P, dtype=np.float64)
    assert P.shape == (D, 3 * H), P.shape
    acts = _resolve_activations(activations, ["Sigmoid", "Tanh", "Tanh"], D,
                                activation_alpha, activation_beta,
                                activation_defaults)
    cl = _clipper(clip)
    Y = np.zeros((T, D, Bt, H))
    Y_h = np.zeros((D, Bt, H))
    Y_c = np.zeros((D, Bt, H))
    for d in range(D):
        f, g, hf = acts[d]
        Wi, Wo, Wf, Wc = (W[d, k * H:(k + 1) * H] for k in range(4))
        Ri, Ro, Rf, Rc = (R[d, k * H:(k + 1) * H] for k in range(4))
        Wbi, Wbo, Wbf, Wbc = (B[d, k * H:(k + 1) * H] for k in range(4))
        Rbi, Rbo, Rbf, Rbc = (B[d, (4 + k) * H:(5 + k) * H] for k in range(4))
        Pi, Po, Pf = P[d, :H], P[d, H:2 * H], P[d, 2 * H:]
        for b in range(Bt):
            h = h0[d, b].copy()
            c = c0[d, b].copy()
            for t in _time_steps(_dir_of(direction, d), int(seq[b])):
                x = X[t, b]
                i = f(cl(x @ Wi.T + h @ Ri.T + Pi * c + Wbi + Rbi))
                if input_forget:
                    ft = 1.0 - i
                else:
                    ft = f(cl(x @ Wf.T + h @ Rf.T + Pf * c + Wbf + Rbf))
                ct = g(cl(x @ Wc.T + h @ Rc.T + Wbc + Rbc))
                c = ft * c + i * ct
                o = f(cl(x @ Wo.T + h @ Ro.T + Po * c + Wbo + Rbo))
                h = o * hf(c)
                Y[t, d, b] = h
            Y_h[d, b] = _final(h, int(seq[b]))
            Y_c[d, b] = _final(c, int(seq[b]))
    return _from_layout0(Y, [Y_h, Y_c], layout)


OPS = {"RNN": rnn, "GRU": gru, "LSTM": lstm}
GATES = {"RNN": 1, "GRU": 3, "LSTM": 4}
