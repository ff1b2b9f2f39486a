#!/usr/bin/env python3
"""What a million weights cost in generated source and in the C compiler.

usage: source_cost.py RNNC [--hidden 362] [--weights f32[,f16,...]] [--cc gcc,clang]
                           [--out DIR]

Writes an LSTM with input = hidden = 362 (4 * 362 * 724 = 1.05 M weights; the runtime's
packed layout pads the 1448 gate rows to 1456), compiles it with `RNNC compile` (with
--weights W for each precision other than f32, if given) and prints the bytes of NAME.c
per weight, then the CPU time and peak memory of `CC -std=c99 -O2 -Wall -Wextra -Werror
-pedantic -c` on it for each compiler (os.wait4's rusage: the compiler alone).
Standard library only; the model is written with bench/scale.py's protobuf encoder.
"""
import argparse
import os
import random
import struct
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import scale  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def lstm_model(h):
    rng = random.Random(1)

    def normal(n):
        return [rng.gauss(0.0, 0.05) for _ in range(n)]

    def tensor(name, dims, values):
        body = b"".join(scale.field_int(1, d) for d in dims) + scale.field_int(2, 1)
        body += scale.field_str(8, name)
        return scale.field_bytes(5, body + scale.field_bytes(
            9, struct.pack("<%df" % len(values), *values)))

    nodes = scale.node("LSTM", ["X", "W", "R", "B"], ["Y", "Yh"], "lstm",
                       scale.attr_int("hidden_size", h))
    inits = (tensor("W", [1, 4 * h, h], normal(4 * h * h)) +
             tensor("R", [1, 4 * h, h], normal(4 * h * h)) + tensor("B", [1, 8 * h], normal(8 * h)))
    graph = (nodes + scale.field_str(2, "lstm_%d" % h) + inits +
             scale.value_info(11, "X", [4, 1, h]) + scale.value_info(12, "Yh", [1, 1, h]))
    opset = scale.field_bytes(8, scale.field_str(1, "") + scale.field_int(2, 14))
    return scale.field_int(1, 7) + scale.field_str(2, "bench/source_cost.py") + opset + \
        scale.field_bytes(7, graph)


def run(cmd):
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, ru = os.wait4(p.pid, 0)
    err = p.stderr.read().decode(errors="replace")
    p.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit("source_cost.py: %s failed: %s" % (" ".join(cmd), err[:800]))
    return ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("rnnc")
    ap.add_argument("--hidden", type=int, default=362)
    ap.add_argument("--weights", default="f32")
    ap.add_argument("--cc", default="gcc,clang")
    ap.add_argument("--out", default=os.path.join(HERE, "out", "source_cost"))
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    h = a.hidden
    path = os.path.join(a.out, "lstm.onnx")
    with open(path, "wb") as f:
        f.write(lstm_model(h))
    n = 8 * h * h
    inc = os.path.join(os.path.dirname(HERE), "runtime", "include")
    print("LSTM input = hidden = %d: %d weights (%.2f M)" % (h, n, n / 1e6))
    for w in a.weights.split(","):
        gen = os.path.join(a.out, w)
        cmd = [a.rnnc, "compile", path, "-o", gen] + ([] if w == "f32" else ["--weights", w])
        t, mb = run(cmd)
        size = os.path.getsize(os.path.join(gen, "net.c"))
        print("%-4s rnnc compile %.2f s %.0f MB; net.c %d bytes = %.2f bytes/weight"
              % (w, t, mb, size, size / n))
        for cc in a.cc.split(","):
            t, mb = run([cc, "-std=c99", "-O2", "-Wall", "-Wextra", "-Werror", "-pedantic",
                         "-I", inc, "-c", os.path.join(gen, "net.c"), "-o",
                         os.path.join(gen, "net.o")])
            print("     %-5s -O2 -c: %.2f s CPU, %.0f MB peak (%.2f s per million weights)"
                  % (cc, t, mb, t / (n / 1e6)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
