#!/usr/bin/python3
"""check_info_json.py - ctest info_json_*: `rnnc info --json` parsed with Python's json module.

usage: check_info_json.py RNNC MODE MODEL [RNNC OPTIONS...]

Every mode runs `RNNC info --json MODEL OPTIONS` and checks that stdout is one valid JSON
document with the keys in the documented order, that the model block matches the file
(base name, sha256) and that the totals are the sums of the nodes. Then:

  lstm      MODEL is one LSTM node (layout 0, W, R and B constant, 4*hidden a multiple of
            16): its MACs, FLOPs, parameters, weight and scratch bytes computed here from
            the dims of X and Y; the text form's lines and its node table agree with the
            JSON.
  lstm=T,B,I,H,D  the same for the one LSTM node among others, with these dims (its
            outputs are intermediates: they count as its scratch).
  sums      the text form agrees with the JSON (as for lstm), and two runs, and a copy of
            the model under another directory, give byte-identical output.
  names     MODEL is a hostile-names case: the graph, input, output and node names, the
            op types and the producer read from the model's protobuf bytes here (a minimal
            wire-format reader) equal the JSON strings, ill-formed UTF-8 replaced as
            bytes.decode('utf-8', 'replace') does.
  nofootprint  OPTIONS name a compiler that fails (--cc false): footprint null and the
            reason, everything else still there, exit status 0.
  unbound   MODEL has unbound symbolic dims: compiled false with the reason, symbolic dims
            by name, every figure null, exit status 0.

Exit 0 when every check passes, 1 with "FAIL: ..." lines otherwise.
"""
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

TOP_KEYS = ["format", "format_version", "rnnc_version", "model", "compiled", "not_compiled",
            "unroll", "weights", "inputs", "outputs", "nodes", "totals", "footprint", "footprint_error"]
MODEL_KEYS = ["file", "sha256", "ir_version", "opset", "producer", "graph"]
INPUT_KEYS = ["name", "dtype", "shape", "dim_params"]
OUTPUT_KEYS = ["name", "dtype", "shape", "shape_from"]
NODE_KEYS = ["index", "name", "op_type", "supported", "fused_activation", "macs", "flops", "parameters",
             "weight_bytes", "scratch_bytes"]
TOTAL_KEYS = ["parameters", "parameters_in_model", "parameters_at_run_time", "macs", "flops",
              "weight_bytes", "weight_bytes_outside_nodes", "scratch_bytes",
              "scratch_bytes_outside_nodes", "context_bytes", "source_bytes", "has_loops",
              "uses_gemm"]
FOOTPRINT_KEYS = ["compiler", "flash_bytes", "code_bytes", "weight_bytes", "ram_bytes",
                  "context_bytes", "stack_bytes"]

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL: " + what, file=sys.stderr)
    return cond


def run(rnnc, args, cwd=None):
    p = subprocess.run([rnnc] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd)
    return p.returncode, p.stdout, p.stderr.decode("utf-8", "replace")


def info_json(rnnc, model, opts, cwd=None):
    status, out, err = run(rnnc, ["info", "--json", model] + opts, cwd)
    if not check(status == 0, "rnnc info --json exited %d: %s" % (status, err.strip())):
        sys.exit(1)
    try:
        text = out.decode("ascii")  # rnnc writes ASCII only
    except UnicodeDecodeError as e:
        check(False, "output is not ASCII: %s" % e)
        sys.exit(1)
    try:
        doc = json.loads(text, object_pairs_hook=ordered_unique)
    except ValueError as e:
        check(False, "output is not valid JSON: %s" % e)
        sys.exit(1)
    return out, doc


def ordered_unique(pairs):
    keys = [k for k, _ in pairs]
    check(len(keys) == len(set(keys)), "duplicate keys in an object: %s" % keys)
    return dict(pairs)


def keys_are(obj, keys, where):
    return check(isinstance(obj, dict) and list(obj.keys()) == keys,
                 "%s: keys %s, expected %s" % (where, list(obj.keys()) if isinstance(obj, dict)
                                               else type(obj).__name__, keys))


def common(doc, model):
    keys_are(doc, TOP_KEYS, "document")
    check(doc["format"] == "rnnc-info" and doc["format_version"] == 1, "format/format_version")
    keys_are(doc["model"], MODEL_KEYS, "model")
    check(doc["model"]["file"] == os.path.basename(model),
          "model.file %r, expected %r" % (doc["model"]["file"], os.path.basename(model)))
    with open(model, "rb") as f:
        sha = hashlib.sha256(f.read()).hexdigest()
    check(doc["model"]["sha256"] == sha, "model.sha256 %s, expected %s" %
          (doc["model"]["sha256"], sha))
    for i, t in enumerate(doc["inputs"]):
        keys_are(t, INPUT_KEYS, "inputs[%d]" % i)
        check(t["shape"] is None or len(t["dim_params"]) == len(t["shape"]),
              "inputs[%d]: dim_params and shape differ in length" % i)
    for i, t in enumerate(doc["outputs"]):
        keys_are(t, OUTPUT_KEYS, "outputs[%d]" % i)
    for i, n in enumerate(doc["nodes"]):
        keys_are(n, NODE_KEYS, "nodes[%d]" % i)
        check(n["index"] == i, "nodes[%d].index is %r" % (i, n["index"]))
    keys_are(doc["totals"], TOTAL_KEYS, "totals")
    if not doc["compiled"]:
        return
    nodes, tot = doc["nodes"], doc["totals"]
    for key in ["macs", "flops", "parameters"]:
        s = sum(n[key] for n in nodes)
        check(tot[key] == s, "totals.%s %r != sum over the nodes %r" % (key, tot[key], s))
    for key in ["weight_bytes", "scratch_bytes"]:
        s = sum(n[key] for n in nodes) + tot[key + "_outside_nodes"]
        check(tot[key] == s, "totals.%s %r != nodes + outside_nodes %r" % (key, tot[key], s))
        check(tot[key + "_outside_nodes"] >= 0, "totals.%s_outside_nodes < 0" % key)
    check(tot["parameters"] == tot["parameters_in_model"] + tot["parameters_at_run_time"],
          "totals.parameters is not in_model + at_run_time")
    for n in nodes:
        check(n["flops"] >= 2 * n["macs"], "node %d: flops < 2 * macs" % n["index"])
    fp = doc["footprint"]
    if fp is None:
        check(isinstance(doc["footprint_error"], str) and doc["footprint_error"],
              "footprint null without a reason")
    else:
        keys_are(fp, FOOTPRINT_KEYS, "footprint")
        check(doc["footprint_error"] is None, "footprint_error set with a footprint")
        check(fp["flash_bytes"] == fp["code_bytes"] + fp["weight_bytes"],
              "footprint: flash != code + weights")
        check(fp["weight_bytes"] == tot["weight_bytes"], "footprint.weight_bytes != totals'")
        check(fp["context_bytes"] == tot["context_bytes"], "footprint.context_bytes != totals'")
        if fp["stack_bytes"] is not None:
            check(fp["ram_bytes"] == fp["context_bytes"] + fp["stack_bytes"],
                  "footprint: ram != context + stack")


def text_figures(rnnc, model, opts):
    status, out, err = run(rnnc, ["info", model] + opts)
    check(status == 0, "rnnc info exited %d: %s" % (status, err))
    text = out.decode("ascii", "replace")

    def num(pattern):
        m = re.search(pattern, text, re.M)
        check(m is not None, "text form lacks /%s/" % pattern)
        return int(m.group(1)) if m else None

    fig = {
        "parameters": num(r"^parameters: (\d+) "),
        "flops": num(r"^flops per inference: (\d+)$"),
        "weight_bytes": num(r"weights \(flash\) (\d+) bytes"),
        "context_bytes": num(r"context \(RAM\) (\d+) bytes"),
    }
    m = re.search(r"^  total +(\d+) +(\d+) +(\d+) +(\d+)$", text, re.M)
    check(m is not None, "text form lacks the table's total line")
    if m:
        fig["table"] = [int(x) for x in m.groups()]
    rows = re.findall(r"^ +(\d+)  (\S+) +(\d+) +(\d+) +(\d+) +(\d+)  '", text, re.M)
    fig["rows"] = [(int(r[0]), r[1], int(r[2]), int(r[3]), int(r[4]), int(r[5])) for r in rows]
    return fig


def text_agrees(rnnc, model, opts, doc):
    """The text form's figures and node table say what the JSON does."""
    tot = doc["totals"]
    fig = text_figures(rnnc, model, opts)
    for key in ["parameters", "flops", "weight_bytes", "context_bytes"]:
        check(fig[key] == tot[key], "text %s %r != JSON totals %r" % (key, fig[key], tot[key]))
    check(fig.get("table") == [tot["macs"], tot["flops"], tot["weight_bytes"],
                               tot["scratch_bytes"]],
          "text table total %r != JSON totals" % fig.get("table"))
    want = [(x["index"], x["op_type"] + (("+" + x["fused_activation"])
                                          if x["fused_activation"] else ""),
             x["macs"], x["flops"], x["weight_bytes"], x["scratch_bytes"]) for x in doc["nodes"]]
    check(fig["rows"] == want, "text table rows %r != JSON nodes %r" % (fig["rows"], want))


def mode_lstm(rnnc, model, opts, doc, dims):
    nodes = doc["nodes"]
    lstm = [n for n in nodes if n["op_type"] == "LSTM"]
    if not check(len(lstm) == 1, "expected one LSTM node, got %d" % len(lstm)):
        return
    n = lstm[0]
    if dims:  # an LSTM inside a larger graph: its dims as the test gives them
        T, B, I, H, D = dims
    else:  # the graph is the LSTM: X and Y are graph input 0 and output 0
        T, B, I = doc["inputs"][0]["shape"]  # X [seq][batch][input]
        T2, D, B2, H = doc["outputs"][0]["shape"]  # Y [seq][directions][batch][hidden]
        check((T, B) == (T2, B2), "X and Y disagree on seq/batch")
    G = 4  # gates i, o, f, c
    macs = T * B * D * G * H * (I + H)
    check(n["macs"] == macs, "LSTM macs %r, by hand T*B*D*4H*(I+H) = %d" % (n["macs"], macs))
    flops = 2 * macs + 10 * T * B * D * G * H
    check(n["flops"] == flops, "LSTM flops %r, expected 2*macs + 10*T*B*D*4H = %d" %
          (n["flops"], flops))
    w, r, b = D * G * H * I, D * G * H * H, D * 2 * G * H
    check(n["parameters"] == w + r + b, "LSTM parameters %r, expected W+R+B = %d" %
          (n["parameters"], w + r + b))
    # float32 weights: W and R as they are (4H rows need no padding to the kernels' 16), the
    # bias folded once (Wb + Rb: D*4H floats)
    check((G * H) % 16 == 0, "test model: 4*hidden is not a multiple of 16")
    wb = 4 * (w + r + D * G * H)
    check(n["weight_bytes"] == wb, "LSTM weight_bytes %r, expected 4*(W + R + D*4H) = %d" %
          (n["weight_bytes"], wb))
    check(n["fused_activation"] is None, "LSTM fused_activation not null")
    # scratch: xw [T*B][4H], g [B][4H], h and c [B][H] floats, and the outputs Y [T][D][B][H],
    # Y_h and Y_c [D][B][H] that are not graph outputs (inside a larger graph: all three)
    sb = 4 * (T * B * G * H + B * G * H + 2 * B * H)
    if dims:
        sb += 4 * (T * D * B * H + 2 * D * B * H)
    check(n["scratch_bytes"] == sb, "LSTM scratch_bytes %r, expected %d" %
          (n["scratch_bytes"], sb))
    text_agrees(rnnc, model, opts, doc)


def mode_sums(rnnc, model, opts, out, doc):
    text_agrees(rnnc, model, opts, doc)
    again, _ = info_json(rnnc, model, opts)
    check(again == out, "two runs differ")
    with tempfile.TemporaryDirectory() as tmp:
        os.mkdir(os.path.join(tmp, "elsewhere"))
        copy = os.path.join(tmp, "elsewhere", os.path.basename(model))
        shutil.copyfile(model, copy)
        moved, _ = info_json(rnnc, os.path.join("elsewhere", os.path.basename(model)), opts,
                             cwd=tmp)
        check(moved == out, "the same model from another directory gives other output")


# ---- a minimal protobuf wire-format reader, for the names in the model ----

def varint(buf, i):
    v, shift = 0, 0
    while True:
        b = buf[i]
        i += 1
        v |= (b & 0x7F) << shift
        if not b & 0x80:
            return v, i
        shift += 7


def fields(buf):
    i = 0
    while i < len(buf):
        key, i = varint(buf, i)
        num, wt = key >> 3, key & 7
        if wt == 0:
            v, i = varint(buf, i)
        elif wt == 1:
            v, i = buf[i:i + 8], i + 8
        elif wt == 2:
            n, i = varint(buf, i)
            v, i = buf[i:i + n], i + n
        elif wt == 5:
            v, i = buf[i:i + 4], i + 4
        else:
            raise ValueError("wire type %d" % wt)
        yield num, v


def first(buf, num, default=b""):
    for k, v in fields(buf):
        if k == num:
            return v
    return default


def every(buf, num):
    return [v for k, v in fields(buf) if k == num]


def mode_names(doc, model):
    def s(raw):
        return raw.decode("utf-8", "replace")

    with open(model, "rb") as f:
        m = f.read()
    graph = first(m, 7)  # ModelProto.graph
    check(doc["model"]["producer"] == s(first(m, 2)), "producer differs")
    check(doc["model"]["graph"] == s(first(graph, 2)), "graph name %r != %r" %
          (doc["model"]["graph"], s(first(graph, 2))))
    inits = {first(t, 8) for t in every(graph, 5)}  # initializer names (TensorProto.name)
    ins = [s(first(v, 1)) for v in every(graph, 11) if first(v, 1) not in inits]
    outs = [s(first(v, 1)) for v in every(graph, 12)]
    check([t["name"] for t in doc["inputs"]] == ins, "input names %r != %r" %
          ([t["name"] for t in doc["inputs"]], ins))
    check([t["name"] for t in doc["outputs"]] == outs, "output names %r != %r" %
          ([t["name"] for t in doc["outputs"]], outs))
    # compiled nodes are the model's (folding and fusion drop some, none is renamed)
    model_nodes = {(s(first(n, 3)), s(first(n, 4))) for n in every(graph, 1)}
    for n in doc["nodes"]:
        check((n["name"], n["op_type"]) in model_nodes,
              "node %d (%r, %r) is not a node of the model" % (n["index"], n["name"],
                                                             n["op_type"]))
    check(len(doc["nodes"]) > 0, "no nodes")


def mode_unbound(doc):
    check(doc["compiled"] is False, "compiled is not false")
    check(isinstance(doc["not_compiled"], str) and "symbolic" in doc["not_compiled"],
          "not_compiled lacks the reason: %r" % doc["not_compiled"])
    sym = [d for t in doc["inputs"] for d in t["shape"] if isinstance(d, str)]
    check(len(sym) > 0, "no symbolic dim given by name")
    for t in doc["inputs"]:
        for d, p in zip(t["shape"], t["dim_params"]):
            check(not isinstance(d, str) or d == p, "shape %r vs dim_params %r" % (d, p))
    for n in doc["nodes"]:
        check(n["supported"] is True, "node %d: supported is not true" % n["index"])
        for key in NODE_KEYS[4:]:
            check(n[key] is None, "node %d: %s is not null" % (n["index"], key))
    for key in TOTAL_KEYS:
        check(doc["totals"][key] is None, "totals.%s is not null" % key)
    check(doc["footprint"] is None and doc["footprint_error"], "footprint not null with reason")
    for t in doc["outputs"]:
        check(t["shape_from"] == "declared", "output shape not the declared one")


def main():
    if len(sys.argv) < 4:
        print(__doc__, file=sys.stderr)
        return 2
    rnnc, mode, model, opts = os.path.abspath(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4:]
    out, doc = info_json(rnnc, model, opts)
    common(doc, model)
    if mode == "lstm" or mode.startswith("lstm="):
        check(doc["compiled"], "not compiled")
        dims = [int(x) for x in mode[5:].split(",")] if "=" in mode else None
        mode_lstm(rnnc, model, opts, doc, dims)
    elif mode == "sums":
        check(doc["compiled"], "not compiled")
        mode_sums(rnnc, model, opts, out, doc)
    elif mode == "nofootprint":
        check(doc["compiled"], "not compiled")
        check(doc["footprint"] is None, "footprint is not null")
        check(isinstance(doc["footprint_error"], str) and
              "could not compile the generated code" in doc["footprint_error"],
              "footprint_error %r" % doc["footprint_error"])
        check(doc["totals"]["weight_bytes"] > 0, "totals missing without a footprint")
    elif mode == "names":
        mode_names(doc, model)
    elif mode == "unbound":
        mode_unbound(doc)
    else:
        print("unknown mode " + mode, file=sys.stderr)
        return 2
    print("%s: %d nodes, totals %s" % (mode, len(doc["nodes"]), json.dumps(doc["totals"])))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
