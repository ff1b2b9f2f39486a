#!/usr/bin/env python3
"""report.py - helpers of bench/run.sh (Python standard library only).

  report.py cpu
      One JSON object: CPU model, MHz, SIMD flags and the single-core fp32 peak assumed.
  report.py compare-pb OUT.bin PBDIR NOUT ATOL WORKLOAD
      Compare the rnnc harness's outputs (concatenated float32) with the reference
      interpreter's PBDIR/output_0.pb .. output_{NOUT-1}.pb (`rnnc run`); one JSON line;
      exit 1 if the max abs difference exceeds ATOL.
  report.py table RESULTS.jsonl [--smoke] [--md FILE]
      The results table (markdown) from the JSON lines that run.sh collected.
"""
import json
import math
import os
import struct
import sys
import time

# ---------------------------------------------------------------------------------- cpu ----


def cpu_info():
    model, mhz, flags, vendor, family = "unknown", None, set(), "", None
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if ":" not in line:
                    continue
                k, v = (s.strip() for s in line.split(":", 1))
                if k == "model name" and model == "unknown":
                    model = v
                elif k == "cpu MHz" and mhz is None:
                    mhz = float(v)
                elif k == "flags" and not flags:
                    flags = set(v.split())
                elif k == "vendor_id" and not vendor:
                    vendor = v
                elif k == "cpu family" and family is None:
                    family = int(v)
    except OSError:
        pass
    # Single-core fp32 FLOP per cycle: 2 FMA pipes x lanes x 2 (multiply + add).
    if "avx512f" in flags and not (vendor == "AuthenticAMD" and family is not None and family < 0x1A):
        # Intel server cores with two 512-bit FMA units; AMD Zen 5 (family 0x1A) EPYC, whose
        # FMA pipes are 512 bits wide.
        per_cycle, basis = 64, "AVX-512: 2 FMA units x 16 fp32 lanes x 2 flops"
    elif "avx512f" in flags or ("avx2" in flags and "fma" in flags):
        # AMD Zen 4 (family 0x19) runs 512-bit ops on 256-bit pipes: same rate as AVX2.
        per_cycle, basis = 32, "AVX2/FMA: 2 FMA units x 8 fp32 lanes x 2 flops"
    elif "avx" in flags:
        per_cycle, basis = 16, "AVX: 1 add + 1 mul unit x 8 fp32 lanes"
    else:
        per_cycle, basis = 8, "SSE: 1 add + 1 mul unit x 4 fp32 lanes"
    ghz = (mhz or 0.0) / 1000.0
    simd = [f for f in ("sse4_2", "avx", "fma", "avx2", "avx512f") if f in flags]
    return {
        "model": model, "vendor": vendor, "family": family, "mhz": mhz, "simd": simd,
        "flops_per_cycle": per_cycle, "peak_basis": basis,
        "peak_gflops": per_cycle * ghz, "cpus": os.cpu_count(),
    }


# --------------------------------------------------------------------------- compare-pb ----


def _varint(b, i):
    v = shift = 0
    while True:
        c = b[i]
        i += 1
        v |= (c & 0x7F) << shift
        shift += 7
        if c < 0x80:
            return v, i


def read_tensor_pb(path):
    """Float TensorProto -> (dims, list of floats). Handles raw_data and float_data."""
    with open(path, "rb") as f:
        b = f.read()
    i, dims, data = 0, [], []
    while i < len(b):
        key, i = _varint(b, i)
        field, wt = key >> 3, key & 7
        if wt == 0:
            v, i = _varint(b, i)
            if field == 1:
                dims.append(v)
        elif wt == 2:
            n, i = _varint(b, i)
            chunk = b[i:i + n]
            i += n
            if field == 9:  # raw_data, little-endian
                data = list(struct.unpack("<%df" % (n // 4), chunk))
            elif field == 4:  # packed float_data
                data = list(struct.unpack("<%df" % (n // 4), chunk))
            elif field == 1:  # packed dims
                j = 0
                while j < len(chunk):
                    v, j = _varint(chunk, j)
                    dims.append(v)
        elif wt == 5:
            if field == 4:
                data.append(struct.unpack("<f", b[i:i + 4])[0])
            i += 4
        elif wt == 1:
            i += 8
        else:
            raise ValueError("%s: unsupported wire type %d" % (path, wt))
    return dims, data


def compare_pb(out_bin, pbdir, nout, atol, workload):
    with open(out_bin, "rb") as f:
        raw = f.read()
    got = struct.unpack("<%df" % (len(raw) // 4), raw)
    off, worst, per = 0, 0.0, []
    ok = True
    for k in range(nout):
        _, ref = read_tensor_pb(os.path.join(pbdir, "output_%d.pb" % k))
        seg = got[off:off + len(ref)]
        off += len(ref)
        if len(seg) != len(ref):
            ok = False
            per.append(None)
            continue
        m = 0.0
        for a, e in zip(seg, ref):
            d = abs(a - e)
            if not d <= m:
                m = d if d == d else math.inf
        per.append(m)
        worst = max(worst, m)
    if off != len(got):
        ok = False
    ok = ok and worst <= atol
    print(json.dumps({"kind": "interp_check", "workload": workload, "max_abs_diff": worst,
                      "max_abs_diff_per_output": per, "atol": atol, "match": ok}))
    return 0 if ok else 1


# -------------------------------------------------------------------------------- table ----


def load(path):
    rows = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line.startswith("{"):
                rows.append(json.loads(line))
    return rows


def best(rows, kind, workload, tag):
    """The repetition with the lowest median (the best of the alternated repetitions)."""
    c = [r for r in rows if r.get("kind") == kind and r.get("workload") == workload
         and r.get("tag", "") == tag and "median_us" in r]
    return min(c, key=lambda r: r["median_us"]) if c else None


def fmt_us(x):
    if x is None:
        return "—"
    if x >= 1000:
        return "%.0f" % x
    if x >= 100:
        return "%.1f" % x
    if x >= 10:
        return "%.2f" % x
    return "%.3f" % x


def fmt_int(n):
    return "{:,}".format(n).replace(",", " ")


def packed_r_size(gates, hidden):
    """Bytes of one direction's R in the runtime's packed layout (rows padded to 16, as
    RNNRT_PACKED_SIZE), and the KB membw.c measures for it."""
    rbytes = (gates * hidden + 15) // 16 * 16 * hidden * 4
    return rbytes, max(1, (rbytes + 1023) // 1024)


def floor_table(rows, builds, mpeak, out):
    """How far each rnnc time is from what this machine allows: per step the packed R (one
    direction) is read from wherever it fits, at the read bandwidth membw.c measured for that
    size, or the step's multiply-adds run at the measured FMA peak, whichever is slower; plus
    the input projection of all steps at the measured peak."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import gen_models
    bw = {r["kb"]: r["gbps"] for r in rows if r.get("kind") == "membw"}
    if not bw or not mpeak:
        return
    out("Distance from the machine's limits (recurrence: packed R per direction read once per step "
        "at the read bandwidth `membw.c` measures for that size, or the step's products at the measured "
        "FMA peak if slower; plus the input projection at the measured peak):")
    out("")
    out("| name | packed R / direction | read GB/s at that size | step floor µs | floor µs | rnnc µs | rnnc / floor |")
    out("|---|---:|---:|---:|---:|---:|---:|")
    shapes = {w[0]: w for w in gen_models.WORKLOADS}
    for b in builds:
        w = b["workload"]
        rr = best(rows, "rnnc_run", w, "")
        if w not in shapes or not rr:
            continue
        _, op, inp, hid, seq, batch, direction, _ = shapes[w]
        g, d = gen_models.GATES[op], (2 if direction == "bidirectional" else 1)
        rbytes, kb = packed_r_size(g, hid)
        if kb not in bw:
            continue
        step = max(rbytes / (bw[kb] * 1e3), 2.0 * batch * g * hid * hid / (mpeak * 1e3))
        floor = seq * d * step + 2.0 * seq * batch * g * hid * inp * d / (mpeak * 1e3)
        out("| %s | %s KB | %.0f | %s | %s | %s | %.2f |" % (
            w, fmt_int(kb), bw[kb], fmt_us(step), fmt_us(floor), fmt_us(rr["median_us"]),
            rr["median_us"] / floor))
    out("")


WEIGHT_TAGS = ("f16", "bf16", "i8")  # run.sh --weights: the same workload at a reduced precision


def tag_build(rows, b, tag):
    """The build record of a --weights tag (its own .text+.rodata), else the workload's."""
    return next((r for r in rows if r.get("kind") == "build_weights" and r.get("workload") == b["workload"]
                 and r.get("tag") == tag), b)


def table(path, smoke, md_out):
    rows = load(path)
    env = next((r for r in rows if r.get("kind") == "env"), {})
    cpu = env.get("cpu") or cpu_info()
    builds = [r for r in rows if r.get("kind") == "build"]
    peak = cpu.get("peak_gflops") or 0.0
    measured = next((r for r in rows if r.get("kind") == "peak"), None)
    mpeak = measured["measured_gflops"] if measured else None
    lines = []
    out = lines.append

    def tag_label(b, tag):
        if tag == "":
            return b["workload"]
        if tag in WEIGHT_TAGS:
            return "%s (--weights %s)" % (b["workload"], tag)
        info = next((r for r in rows if r.get("kind") == "rnnc_info" and r.get("workload") == b["workload"]
                     and r.get("tag") == tag), {})
        return "%s (%s: %s)" % (b["workload"], tag, info.get("openblas_corename", "?"))

    if smoke:
        out("| name | rnnc vs interpreter max abs diff | rnnc vs ORT max abs diff | step vs run max abs diff |")
        out("|---|---|---|---|")
    else:
        out("| name | rnnc µs | ORT µs | ORT/rnnc | rnnc GFLOP/s | % of peak | % of measured peak | ORT identity µs "
            "| step µs | step×T / run | .text+.rodata bytes | --unroll policy | products | max abs diff vs ORT |")
        out("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---:|")
    for b in builds:
        tags = [""] + [t for t in b.get("extra_tags", [])]
        for tag in tags:
            w = b["workload"]
            rr = best(rows, "rnnc_run", w, tag)
            oo = best(rows, "ort_run", w, tag)
            ii = best(rows, "ort_identity", w, tag)
            ss = best(rows, "rnnc_step", w, tag)
            diffs = [r["max_abs_diff"] for r in rows if r.get("kind") == "ort_run" and r.get("workload") == w
                     and r.get("tag", "") == tag and "max_abs_diff" in r]
            idiff = [r["max_abs_diff"] for r in rows if r.get("kind") == "interp_check" and r.get("workload") == w]
            sdiff = [r["step_vs_run_max_abs_diff"] for r in rows if r.get("kind") == "rnnc_step"
                     and r.get("workload") == w and r.get("tag", "") == tag]
            dmax = "%.2g" % max(diffs) if diffs else "ORT skipped"
            if smoke:
                out("| %s | %s | %s | %s |" % (tag_label(b, tag), "%.2g" % max(idiff) if idiff else "—", dmax,
                                               "%.2g" % max(sdiff) if sdiff else "— (not streamable)"))
                continue
            r_us = rr["median_us"] if rr else None
            o_us = oo["median_us"] if oo else None
            gflops = b["flops"] / (r_us * 1e3) if r_us else None
            step = ss["median_us"] if ss else None
            seq = ss.get("seq") if ss else None
            out("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                tag_label(b, tag), fmt_us(r_us), fmt_us(o_us),
                "%.2f" % (o_us / r_us) if (r_us and o_us) else "—",
                "%.2f" % gflops if gflops is not None else "—",
                "%.1f" % (100.0 * gflops / peak) if (gflops is not None and peak) else "—",
                "%.1f" % (100.0 * gflops / mpeak) if (gflops is not None and mpeak) else "—",
                fmt_us(ii["median_us"] if ii else None),
                fmt_us(step) if step is not None else "— (bidirectional)",
                "%.2f" % (step * seq / r_us) if (step is not None and r_us) else "—",
                fmt_int(tag_build(rows, b, tag)["text_rodata"]), b["policy"], b["gemm"], dmax))
    out("")
    if not smoke:
        out("Medians are the best of %s alternated repetitions; p10–p90 of that repetition:" % env.get("reps", "?"))
        out("")
        out("| name | rnnc run p10–p90 µs | ORT run p10–p90 µs | ORT identity p10–p90 µs | step p10–p90 µs | samples (rnnc/ORT) |")
        out("|---|---|---|---|---|---|")
        for b in builds:
            for tag in [""] + b.get("extra_tags", []):
                w = b["workload"]
                cells = []
                for kind in ("rnnc_run", "ort_run", "ort_identity", "rnnc_step"):
                    r = best(rows, kind, w, tag)
                    cells.append("%s–%s" % (fmt_us(r["p10_us"]), fmt_us(r["p90_us"])) if r else "—")
                rr, oo = best(rows, "rnnc_run", w, tag), best(rows, "ort_run", w, tag)
                cells.append("%s/%s" % (rr["samples"] if rr else "—", oo["samples"] if oo else "—"))
                out("| %s | %s |" % (tag_label(b, tag), " | ".join(cells)))
        out("")
    if not smoke:
        floor_table(rows, builds, mpeak, out)
    infos = {}
    for r in rows:
        if r.get("kind") == "rnnc_info":
            if r.get("tag", "") not in WEIGHT_TAGS:  # the same OpenBLAS as the fp32 run
                infos.setdefault(r.get("tag", ""), r)
    ortv = next((r.get("ort_version") for r in rows if r.get("kind") == "ort_run"), None)
    out("- Date: %s; machine: %s, %s cores, %s MHz (/proc/cpuinfo); SIMD: %s." % (
        env.get("date", time.strftime("%Y-%m-%d")), cpu.get("model"), cpu.get("cpus"), cpu.get("mhz"),
        ", ".join(cpu.get("simd", []))))
    out("- Peak (assumed): %.1f GFLOP/s = %d flop/cycle (%s) × %.3f GHz." % (
        peak, cpu.get("flops_per_cycle", 0), cpu.get("peak_basis", "?"), (cpu.get("mhz") or 0) / 1000.0))
    if measured:
        ghz = (cpu.get("mhz") or 0) / 1000.0
        note = ""
        if ghz and cpu.get("flops_per_cycle") and mpeak > 1.05 * peak:
            note = (" — more than the assumed %d flop/cycle allow at %.3f GHz: the core runs at about "
                    "%.2f GHz (boost), above the clock /proc/cpuinfo reports" % (
                        cpu["flops_per_cycle"], ghz, mpeak / cpu["flops_per_cycle"]))
        out("- Measured peak (bench/peak.c: 12 independent chains of %s FMAs in registers, best of 7, "
            "`-O2 -march=native`): %.1f GFLOP/s = %.1f flop per /proc/cpuinfo cycle%s." % (
                measured["isa"], mpeak, mpeak / ghz if ghz else 0.0, note))
    out("- rnnc %s (%s): generated code and harness built with `%s %s` (%s); runtime librnnrt.a %s build, "
        "backend %s; OPENBLAS_NUM_THREADS=1." % (
            env.get("rnnc_revision", "?"), env.get("rnnc_source", "?"), env.get("cc", "cc"), env.get("cflags", "?"),
            env.get("cc_version", "?"), env.get("runtime_build_type", "?"), infos.get("", {}).get("backend", "?")))
    out("- rnnc's own kernels (packed products and cells, chosen per call from the CPU): %s." %
        infos.get("", {}).get("kernel_isa", "?"))
    for tag, r in sorted(infos.items()):
        if "openblas_config" in r:
            out("- OpenBLAS (%s): %s; kernel %s; threads %s." % (
                tag or env.get("openblas_env", "environment as is"), r["openblas_config"],
                r["openblas_corename"], r["openblas_threads"]))
    out("- ONNX Runtime: %s (onnxruntime-node, CPU EP, intra-op 1, inter-op 1, sequential, "
        "graph optimization 'all')%s." % (ortv or "not run", "" if ortv else " — skipped"))
    if env.get("pin"):
        out("- Both harnesses pinned with `%s`." % env["pin"])
    text = "\n".join(lines)
    print(text)
    if md_out:
        with open(md_out, "w") as f:
            f.write(text + "\n")
    return 0


def main(argv):
    if len(argv) >= 2 and argv[1] == "r-kb":
        # the packed-R sizes (KB) of the workloads named, for membw.c
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        import gen_models
        for w in gen_models.WORKLOADS:
            if w[0] in argv[2:]:
                print(packed_r_size(gen_models.GATES[w[1]], w[3])[1])
        return 0
    if len(argv) >= 2 and argv[1] == "cpu":
        print(json.dumps(cpu_info()))
        return 0
    if len(argv) == 7 and argv[1] == "compare-pb":
        return compare_pb(argv[2], argv[3], int(argv[4]), float(argv[5]), argv[6])
    if len(argv) >= 3 and argv[1] == "table":
        smoke = "--smoke" in argv[3:]
        md = None
        if "--md" in argv[3:]:
            md = argv[argv.index("--md") + 1]
        return table(argv[2], smoke, md)
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
