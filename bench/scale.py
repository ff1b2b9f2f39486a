#!/usr/bin/env python3
"""Compile-time scaling of rnnc in the number of nodes.

usage: scale.py RNNC [--sizes 1000,10000,100000,1000000] [--kinds LIST] [--where LIST]
                     [--out DIR] [--markdown]

Writes models of a small LSTM (input 8, hidden 8, 4 steps) with a chain of N nodes of one
kind in one position, runs `RNNC compile` on each and prints the CPU time (user + system),
the wall time and the peak resident memory of the compile (os.wait4's rusage: the compiler
process alone). The CPU time is the figure to compare: on a busy machine the wall time also
counts waiting for a core.

Kinds (each chain computes the identity, so every model is valid at every size):
  identity   Identity nodes (alias ops: the emitter makes them views)
  dropout    Dropout nodes in inference (removed by the glue passes)
  relu       Relu nodes (elementwise: fused into one loop or kept as loops)
  slice      Concat(Slice(x, first half), Slice(x, second half)) units, 3 nodes each
  transpose  Transpose nodes with perm (1, 0, 2) (pairs cancel)
Positions:
  before     X -> chain -> LSTM -> Y_h
  after      X -> LSTM -> chain -> Y_h
  output     X -> LSTM -> Y_h, and X -> chain -> a second graph output

The models are written with bench/gen_models.py's minimal protobuf writer (standard
library only, no onnx package), to DIR (default bench/out/scale/, git-ignored), and deleted after use.
"""
import argparse
import os
import struct
import subprocess
import sys
import time


# ---- protobuf wire format: bench/gen_models.py's writer ----
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_models import f_bytes as field_bytes  # noqa: E402
from gen_models import f_varint as field_int  # noqa: E402


def field_str(num, s):
    return field_bytes(num, s.encode())


def node(op, inputs, outputs, name, attrs=b""):
    body = b"".join(field_str(1, i) for i in inputs) + b"".join(field_str(2, o) for o in outputs)
    return field_bytes(1, body + field_str(3, name) + field_str(4, op) + attrs)


def attr_int(name, v):
    return field_bytes(5, field_str(1, name) + field_int(3, v) + field_int(20, 2))


def attr_ints(name, vs):
    return field_bytes(5, field_str(1, name) + b"".join(field_int(8, v) for v in vs) +
                       field_int(20, 7))


def tensor_f32(name, dims, values):
    body = b"".join(field_int(1, d) for d in dims) + field_int(2, 1) + field_str(8, name)
    return field_bytes(5, body + field_bytes(9, struct.pack("<%df" % len(values), *values)))


def tensor_i64(name, values):
    body = field_int(1, len(values)) + field_int(2, 7) + field_str(8, name)
    return field_bytes(5, body + field_bytes(9, struct.pack("<%dq" % len(values), *values)))


def value_info(num, name, dims):
    shape = b"".join(field_bytes(1, field_int(1, d)) for d in dims)
    tensor = field_int(1, 1) + field_bytes(2, shape)  # elem_type FLOAT
    return field_bytes(num, field_str(1, name) + field_bytes(2, field_bytes(1, tensor)))


T, B, I, H = 4, 1, 8, 8


def chain(kind, src, n, tag, out):
    """Appends about n nodes computing the identity of src ([T, B, I]); returns the name of
    the result."""
    cur = src
    if kind == "slice":
        for u in range(max(1, n // 3)):
            a, b, c = "%s_a%d" % (tag, u), "%s_b%d" % (tag, u), "%s_c%d" % (tag, u)
            out.append(node("Slice", [cur, "lo0", "lo1", "ax"], [a], "%s_sa%d" % (tag, u)))
            out.append(node("Slice", [cur, "hi0", "hi1", "ax"], [b], "%s_sb%d" % (tag, u)))
            out.append(node("Concat", [a, b], [c], "%s_cc%d" % (tag, u), attr_int("axis", 2)))
            cur = c
        return cur
    for k in range(n - n % 2 if kind == "transpose" else n):
        nxt = "%s_%d" % (tag, k)
        if kind in ("identity", "dropout"):
            out.append(node(kind.capitalize(), [cur], [nxt], "%s_n%d" % (tag, k)))
        elif kind == "relu":
            out.append(node("Relu", [cur], [nxt], "%s_n%d" % (tag, k)))
        else:
            out.append(node("Transpose", [cur], [nxt], "%s_n%d" % (tag, k),
                            attr_ints("perm", [1, 0, 2])))
        cur = nxt
    return cur


def model(kind, where, n):
    nodes, outs = [], []
    x = "X"
    if where == "before":
        x = chain(kind, "X", n, "pre", nodes)
    nodes.append(node("LSTM", [x, "W", "R", "B"], ["Y", "Yh"], "lstm", attr_int("hidden_size", H)))
    yh = "Yh"
    if where == "after":
        # Y [T, 1, B, H] squeezed to [T, B, H], the chain's shape (H == I)
        nodes.append(node("Squeeze", ["Y", "sq"], ["Ys"], "squeeze"))
        outs.append(value_info(12, chain(kind, "Ys", n, "post", nodes), [T, B, H]))
    else:
        outs.append(value_info(12, yh, [1, B, H]))
    if where == "output":
        outs.append(value_info(12, chain(kind, "X", n, "side", nodes), [T, B, I]))
    inits = [tensor_f32("W", [1, 4 * H, I], [0.01 * ((k * 7) % 13 - 6) for k in range(4 * H * I)]),
             tensor_f32("R", [1, 4 * H, H], [0.01 * ((k * 5) % 11 - 5) for k in range(4 * H * H)]),
             tensor_f32("B", [1, 8 * H], [0.001 * k for k in range(8 * H)]),
             tensor_i64("lo0", [0]), tensor_i64("lo1", [I // 2]), tensor_i64("hi0", [I // 2]),
             tensor_i64("hi1", [I]), tensor_i64("ax", [2]), tensor_i64("sq", [1])]
    graph = (b"".join(nodes) + field_str(2, "scale_%s_%s_%d" % (kind, where, n)) +
             b"".join(inits) + value_info(11, "X", [T, B, I]) + b"".join(outs))
    opset = field_bytes(8, field_str(1, "") + field_int(2, 13))
    return field_int(1, 7) + field_str(2, "bench/scale.py") + opset + field_bytes(7, graph)


def compile_once(rnnc, path, out):
    t0 = time.monotonic()
    p = subprocess.Popen([rnnc, "compile", path, "-o", out], stdout=subprocess.DEVNULL,
                         stderr=subprocess.PIPE)
    _, status, ru = os.wait4(p.pid, 0)
    dt = time.monotonic() - t0
    err = p.stderr.read().decode(errors="replace")
    p.stderr.close()
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        raise SystemExit("scale.py: %s failed (exit %d): %s" % (path, p.returncode, err[:500]))
    return dt, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024.0


def main():
    if len(sys.argv) == 6 and sys.argv[1] == "--write":
        with open(sys.argv[5], "wb") as f:
            f.write(model(sys.argv[2], sys.argv[3], int(sys.argv[4])))
        return 0
    ap = argparse.ArgumentParser()
    ap.add_argument("rnnc")
    ap.add_argument("--sizes", default="1000,10000,100000,1000000")
    ap.add_argument("--kinds", default="identity,dropout,relu,slice,transpose")
    ap.add_argument("--where", default="before,after,output")
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                  "out", "scale"))
    ap.add_argument("--markdown", action="store_true")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    sizes = [int(s) for s in a.sizes.split(",")]
    rows = []
    for kind in a.kinds.split(","):
        for where in a.where.split(","):
            cells = []
            for n in sizes:
                path = os.path.join(a.out, "%s_%s_%d.onnx" % (kind, where, n))
                # written by a child: Linux carries a process's peak RSS across fork and exec
                # into the compiler's, so this process must stay small
                subprocess.run([sys.executable, os.path.abspath(__file__), "--write", kind,
                                where, str(n), path], check=True)
                dt, cpu, mb = compile_once(a.rnnc, path, os.path.join(a.out, "gen"))
                os.unlink(path)
                cells.append((cpu, dt, mb))
                if not a.markdown:
                    print("%-10s %-7s %8d nodes: %7.2f s CPU %7.2f s wall %7.1f MB"
                          % (kind, where, n, cpu, dt, mb))
                    sys.stdout.flush()
            rows.append((kind, where, cells))
    if a.markdown:
        print("| chain | position | " + " | ".join("%s nodes" % f"{n:,}".replace(",", " ")
                                                  for n in sizes) + " |")
        print("|---|---|" + "---:|" * len(sizes))
        for kind, where, cells in rows:
            print("| %s | %s | %s |" % (kind, where, " | ".join(
                "%.2f s (%.2f), %.0f MB" % c for c in cells)))
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
