#!/usr/bin/python3
"""test_rnnc_py.py RNNC MODEL NPYDIR WORK [RNNC OPTIONS...]

The Python module (python/rnnc.py) against the reference interpreter: compiles MODEL with
`rnnc compile` (plus the options, e.g. --stream --chunk 2), builds the shared object with
rnnc.build_shared, calls Model.run with the numpy-written inputs NPYDIR/input_N.npy and
compares with `rnnc run --output-format npy` (the interpreter). With --stream it also feeds
the sequence chunk by chunk through Model.reset/Model.step (twice), which must give
Model.run's outputs. Wrong dtypes, shapes and counts must raise rnnc.ArgumentError.
The runtime comes from RNNC_RUNTIME_INCLUDE / RNNC_RUNTIME_LIB / RNNC_RUNTIME_LIBS.
"""
import os
import shutil
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                "python"))
import rnnc  # noqa: E402

ATOL, RTOL = 1e-5, 1e-3


def main():
    exe, model, npydir, work = sys.argv[1:5]
    opts = sys.argv[5:]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    gen, ref = os.path.join(work, "gen"), os.path.join(work, "ref")
    dims = [a for i, a in enumerate(opts) if a == "--dim" or (i and opts[i - 1] == "--dim")]
    subprocess.run([exe, "compile", model, "-o", gen, "--name", "m"] + opts, check=True,
                   stdout=subprocess.DEVNULL)
    subprocess.run([exe, "run", model, "--input-dir", npydir, "--output-dir", ref,
                    "--output-format", "npy"] + dims, check=True, stdout=subprocess.DEVNULL)
    m = rnnc.Model(rnnc.build_shared(gen, "m"), "m")
    print(m)
    ins = [np.load(os.path.join(npydir, "input_%d.npy" % i)) for i in range(len(m.inputs))]
    want = [np.load(os.path.join(ref, "output_%d.npy" % k)) for k in range(len(m.outputs))]
    got = m.run(*ins)
    assert len(got) == len(want)
    for k, (g, w) in enumerate(zip(got, want)):
        assert g.dtype == w.dtype and g.shape == w.shape, (k, g.dtype, g.shape, w.dtype, w.shape)
        if g.dtype.kind == "f":
            err = float(np.max(np.abs(g.astype(np.float64) - w))) if g.size else 0.0
            ok = np.allclose(g, w, atol=ATOL, rtol=RTOL, equal_nan=True)
        else:
            err, ok = None, np.array_equal(g, w)
        print("output %d %r %s%s: run vs interpreter max_abs %s: %s"
              % (k, m.outputs[k].name, g.dtype, g.shape, err, "ok" if ok else "FAIL"))
        assert ok, "output %d differs from the interpreter" % k
    # by name
    again = m.run({t.name: a for t, a in zip(m.inputs, ins)})
    assert all(np.array_equal(a, b, equal_nan=True) for a, b in zip(again, got))
    if "--stream" in opts or "--chunk" in opts:
        assert m.has_step
        check_steps(m, ins, got)
    else:
        assert not m.has_step
        try:
            m.step(*ins)
            raise AssertionError("step without --stream did not raise")
        except rnnc.RnncError as e:
            print("raised as it should:", e)
    check_errors(m, ins)
    print("PASS")


def check_steps(m, ins, whole):
    """Chunks along each input's time axis through step, twice (after reset)."""
    axes = [t.time_axis for t in m.step_inputs]
    t_in = next(i for i, a in enumerate(axes) if a >= 0)
    seq = m.inputs[t_in].shape[axes[t_in]]
    chunk = m.step_inputs[t_in].shape[axes[t_in]]
    for rep in range(2):
        m.reset()
        parts = [[] for _ in m.outputs]
        last = None
        for c in range(seq // chunk):
            args = []
            for a, ax in zip(ins, axes):
                if ax < 0:
                    args.append(a)
                else:
                    args.append(np.take(a, range(c * chunk, (c + 1) * chunk), axis=ax))
            last = m.step(*args)
            for k, o in enumerate(last):
                parts[k].append(o)
        for k, t in enumerate(m.step_outputs):
            got = np.concatenate(parts[k], axis=t.time_axis) if t.time_axis >= 0 else last[k]
            assert np.allclose(got, whole[k], atol=1e-6, rtol=0), \
                "step output %d differs from run (pass %d)" % (k, rep)
        print("steps pass %d (chunk %d of %d): match run" % (rep, chunk, seq))


def expect_arg_error(what, f, want):
    try:
        f()
    except rnnc.ArgumentError as e:
        assert want in str(e), "%s: message %r lacks %r" % (what, str(e), want)
        print("raised as it should:", e)
        return
    raise AssertionError("%s: no ArgumentError" % what)


def check_errors(m, ins):
    t0 = m.inputs[0]
    other = np.float64 if t0.dtype != np.float64 else np.float32
    expect_arg_error("dtype", lambda: m.run(ins[0].astype(other), *ins[1:]),
                     "input 0 %r has dtype %s, the model takes %s"
                     % (t0.name, np.dtype(other), t0.dtype))
    bad = np.zeros(t0.shape + (1,), dtype=t0.dtype)
    expect_arg_error("shape", lambda: m.run(bad, *ins[1:]),
                     "has shape %s, the model takes %s" % (bad.shape, t0.shape))
    expect_arg_error("count", lambda: m.run(*ins[:-1]),
                     "run takes %d input(s)" % len(m.inputs))
    expect_arg_error("type", lambda: m.run([1, 2], *ins[1:]), "must be a numpy array")
    expect_arg_error("name", lambda: m.run({"no such input": ins[0]}),
                     "no input named 'no such input'")
    for i, t in enumerate(m.inputs):
        if t.name == "sequence_lens":
            bad = [a.copy() for a in ins]
            bad[i][0] = 1000
            try:
                m.run(*bad)
                raise AssertionError("sequence_lens 1000 did not raise")
            except rnnc.RunError as e:
                assert e.status == 2 and "RNNRT_E_SEQ_LEN" in str(e), str(e)
                print("raised as it should:", e)


if __name__ == "__main__":
    main()
