#!/usr/bin/python3
"""Generate the "hostile names" test cases for rnnc.

Small RNN / GRU / LSTM models (ONNX opset 14, layout 0) followed by a little
glue (Add, MatMul, Sigmoid, Tanh, Softmax, Identity, Transpose, Reshape) whose
tensor names, node names, graph name, doc strings, producer and metadata carry
strings that could break or inject into generated C if they reached it
unescaped: comment terminators, newlines, quotes, backslashes, preprocessor
lines, trigraphs, C keywords, names of generated / runtime / libc symbols,
UTF-8 and invalid UTF-8, blank-looking names, 5000-character names and names
that collide after sanitizing.  Writes

    testdata/hostile/<case>/model.onnx
    testdata/hostile/<case>/test_data_set_0/input_<i>.pb   (graph inputs, in order)
    testdata/hostile/<case>/test_data_set_0/output_<i>.pb  (graph outputs, in order)

Expected outputs come from the NumPy reference tests/gen/rnn_ref.py for the
recurrent nodes and plain NumPy for the glue operators (float64 arithmetic,
stored as float32) -- never from rnnc.  tests/hostile/check_hostile.sh runs
each case (ctest hostile_<case>).

Deterministic: each case draws its data from a RandomState seeded with
crc32(case name); re-running reproduces identical bytes.

Usage:
    /usr/bin/python3 tests/gen/gen_hostile_names.py [--out testdata/hostile]
"""

import argparse
import os
import shutil
import sys
import zlib

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import rnn_ref  # noqa: E402

OPSET = 14
F32 = np.float32

# ---------------------------------------------------------------------------
# hostile strings
# ---------------------------------------------------------------------------

# Planted inside names: check_hostile.sh greps the generated code (outside
# comments and string literals) for these, so they must stay recognisable.
INJECT_DEFINE = "#define X 1"
INJECT_RETURN = "return 1;"
INJECT_INCLUDE = "#include <stdio.h>"
INJECT_DECL = "int injected_"  # + a suffix


def long_name(ch, n=5000, tail=""):
    """n characters: ch repeated, with C-hostile bits around the 120-byte
    comment truncation and the 100-byte identifier truncation, then tail."""
    s = ch * 98 + "*/" + ch * 17 + "/*\\" + ch * 100 + "\n" + INJECT_DEFINE + "\n"
    s += ch * (n - len(s) - len(tail)) + tail
    assert len(s) == n, (len(s), n)
    return s


# ---------------------------------------------------------------------------
# model building helpers
# ---------------------------------------------------------------------------

class Case:
    """Collects graph pieces and NumPy values for one model."""

    def __init__(self, name):
        self.name = name
        self.rng = np.random.RandomState(zlib.crc32(name.encode()))
        self.nodes = []
        self.inits = []
        self.inputs = []      # (name, array)
        self.outputs = []     # (name, array)
        self.value_info = []
        self.vals = {}        # tensor name -> float64 value (reference)
        self.graph_name = name
        self.doc = ""
        self.producer = "rnnc-gen_hostile_names"
        self.metadata = []
        self.check_fixup = None   # applied to a copy checked in place of the model
        self.patches = []     # (placeholder bytes, replacement bytes) for invalid UTF-8

    def rand(self, *shape, scale=0.5):
        return (self.rng.uniform(-scale, scale, size=shape)).astype(F32)

    def add_input(self, name, arr, doc=""):
        arr = np.asarray(arr, dtype=F32)
        vi = helper.make_tensor_value_info(name, TensorProto.FLOAT, list(arr.shape))
        vi.doc_string = doc
        self.inputs.append((name, arr, vi))
        self.vals[name] = arr.astype(np.float64)

    def add_init(self, name, arr, doc="", dtype=F32):
        arr = np.asarray(arr, dtype=dtype)
        t = numpy_helper.from_array(arr, name)
        t.doc_string = doc
        self.inits.append(t)
        self.vals[name] = arr.astype(np.float64) if dtype == F32 else arr

    def add_output(self, name, doc=""):
        arr = self.vals[name].astype(F32)
        vi = helper.make_tensor_value_info(name, TensorProto.FLOAT, list(arr.shape))
        vi.doc_string = doc
        self.outputs.append((name, arr, vi))

    def add_value_info(self, name, doc=""):
        vi = helper.make_tensor_value_info(name, TensorProto.FLOAT, list(self.vals[name].shape))
        vi.doc_string = doc
        self.value_info.append(vi)

    def node(self, op, ins, outs, name="", doc="", **attrs):
        n = helper.make_node(op, ins, outs, name=name, doc_string=doc or None, **attrs)
        self.nodes.append(n)
        return n

    # -- recurrent nodes --------------------------------------------------

    def recurrent(self, op, x, outs, hidden, name="", doc="", w="W", r="R", b="B",
                  initial_h="", initial_c="", direction="forward", init_doc="",
                  inputs_doc=""):
        """An RNN / GRU / LSTM node; x (and initial_h / initial_c if named)
        must already have values; W, R, B become initializers.  outs lists the
        output names (Y, Y_h[, Y_c]); '' skips an output."""
        G = rnn_ref.GATES[op]
        X = self.vals[x]
        D = 2 if direction == "bidirectional" else 1
        T, Bt, I = X.shape
        self.add_init(w, self.rand(D, G * hidden, I), doc=init_doc)
        self.add_init(r, self.rand(D, G * hidden, hidden), doc=init_doc)
        self.add_init(b, self.rand(D, 2 * G * hidden), doc=init_doc)
        ins = [x, w, r, b]
        kw = dict(hidden_size=hidden, direction=direction)
        if initial_h:
            ins += ["", initial_h]
            kw["initial_h"] = self.vals[initial_h]
        if initial_c:
            assert op == "LSTM" and initial_h
            ins += [initial_c]
            kw["initial_c"] = self.vals[initial_c]
        f = rnn_ref.OPS[op]
        res = f(X, self.vals[w], self.vals[r], self.vals[b], **kw)
        for o, v in zip(outs, res):
            if o:
                self.vals[o] = np.asarray(v, dtype=np.float64)
        attrs = dict(hidden_size=hidden, layout=0)
        if direction != "forward":
            attrs["direction"] = direction
        self.node(op, ins, list(outs), name=name, doc=doc, **attrs)

    # -- glue, with NumPy references -------------------------------------

    def unary(self, op, x, y, name="", doc=""):
        v = self.vals[x]
        if op == "Tanh":
            r = np.tanh(v)
        elif op == "Sigmoid":
            r = 1.0 / (1.0 + np.exp(-v))
        elif op == "Identity":
            r = v.copy()
        else:
            raise ValueError(op)
        self.vals[y] = r
        self.node(op, [x], [y], name=name, doc=doc)

    def add(self, a, b, y, name="", doc=""):
        self.vals[y] = self.vals[a] + self.vals[b]
        self.node("Add", [a, b], [y], name=name, doc=doc)

    def matmul(self, a, b, y, name="", doc=""):
        self.vals[y] = np.matmul(self.vals[a], self.vals[b])
        self.node("MatMul", [a, b], [y], name=name, doc=doc)

    def softmax(self, x, y, axis=-1, name="", doc=""):
        v = self.vals[x]
        e = np.exp(v - v.max(axis=axis, keepdims=True))
        self.vals[y] = e / e.sum(axis=axis, keepdims=True)
        self.node("Softmax", [x], [y], name=name, doc=doc, axis=axis)

    def transpose(self, x, y, perm, name="", doc=""):
        self.vals[y] = np.transpose(self.vals[x], perm)
        self.node("Transpose", [x], [y], name=name, doc=doc, perm=list(perm))

    def reshape(self, x, shape_name, y, shape, name="", doc="", shape_doc=""):
        self.add_init(shape_name, np.array(shape, dtype=np.int64), doc=shape_doc, dtype=np.int64)
        self.vals[y] = np.reshape(self.vals[x], shape)
        self.node("Reshape", [x, shape_name], [y], name=name, doc=doc)

    # -- output ------------------------------------------------------------

    def model(self):
        g = helper.make_graph(self.nodes, self.graph_name, [vi for _, _, vi in self.inputs],
                              [vi for _, _, vi in self.outputs], initializer=self.inits,
                              doc_string=self.doc, value_info=self.value_info)
        opsets = [helper.make_opsetid("", OPSET)]
        m = helper.make_model(g, producer_name=self.producer, opset_imports=opsets)
        m.ir_version = helper.find_min_ir_version_for(opsets)
        m.doc_string = self.doc
        for k, v in self.metadata:
            p = m.metadata_props.add()
            p.key, p.value = k, v
        return m


def patch(data, patches):
    for old, new in patches:
        assert len(old) == len(new), (old, new)  # protobuf length prefixes stay valid
        assert old in data, old
        data = data.replace(old, new)
    for old, _ in patches:
        assert old not in data
    return data


def write_case(c, out_root):
    d = os.path.join(out_root, c.name)
    ds = os.path.join(d, "test_data_set_0")
    os.makedirs(ds)
    m = c.model()
    data = patch(m.SerializeToString(), c.patches)
    if c.patches:
        # the C++ checker takes the serialized (patched) bytes as they are
        onnx.checker.check_model(data, full_check=True)
    else:
        mc = m
        if c.check_fixup:
            mc = onnx.ModelProto()
            mc.CopyFrom(m)
            c.check_fixup(mc)
        onnx.checker.check_model(mc, full_check=True)
    with open(os.path.join(d, "model.onnx"), "wb") as f:
        f.write(data)
    for kind, lst in (("input", c.inputs), ("output", c.outputs)):
        for i, (n, a, _) in enumerate(lst):
            t = numpy_helper.from_array(a, n).SerializeToString()
            with open(os.path.join(ds, "%s_%d.pb" % (kind, i)), "wb") as f:
                f.write(patch(t, [(o, r) for o, r in c.patches if o in t]))


# ---------------------------------------------------------------------------
# the cases
# ---------------------------------------------------------------------------

def case_comment_breakers():
    """Comment terminators / openers, newlines, CR, quotes, backslashes,
    preprocessor lines, trigraphs and line splices in every string field."""
    c = Case("comment_breakers")
    c.graph_name = "*/ int injected_graph = 1; /*"
    c.doc = ("*/\n" + INJECT_DEFINE + "\n" + INJECT_RETURN + " /* ??/ \\ \" ' \r\n"
             "#pragma once\n#error boom\n// \\\nint injected_doc;\n")
    c.producer = "prod */ " + INJECT_DEFINE + " /*"
    c.metadata = [("key */\n" + INJECT_DEFINE, "value \"\\\n" + INJECT_RETURN)]
    X = "X*/ " + INJECT_DEFINE + " /*"
    H0 = "h0 /* unterminated comment"
    C0 = "c0 \\"                                     # ends in a backslash (line splice)
    c.add_input(X, c.rand(3, 2, 3), doc="*/ " + INJECT_DECL + "x; /*")
    c.add_input(H0, c.rand(1, 2, 5), doc="doc\nwith\nnewlines\r\n")
    c.add_input(C0, c.rand(1, 2, 5))
    Y, YH, YC = ("Y // line comment \\", "yh */\n" + INJECT_INCLUDE + "\n/*",
                 "Yc */ static int injected_yc; /*")
    c.recurrent("LSTM", X, [Y, YH, YC], 5, name="lstm */ " + INJECT_RETURN + " /*",
                doc="node doc */ " + INJECT_DEFINE + "\n/*",
                w="W\n" + INJECT_DEFINE + "\n", r="R\r\n" + INJECT_RETURN + "\r\n",
                b="B\"quoted\" 'single' \\ backslash \\", initial_h=H0, initial_c=C0,
                init_doc="init doc */\n" + INJECT_DEFINE + "\n??/\n")
    T = "t ??/\n??= ??' ??( ??) trigraphs \\\n continued"
    c.unary("Tanh", YH, T, name="tanh ??/\n??=define X 1", doc="\"); " + INJECT_RETURN)
    OUT = "out\"); system(\"rm -rf /\"); (\""
    c.unary("Identity", T, OUT, name="'\\'' quote'\"", doc="\\x2a/ \\\\ \\n")
    c.add_value_info(T, doc="vi doc */ " + INJECT_DEFINE)
    c.add_output(Y, doc="*/ " + INJECT_DECL + "y; /*")
    c.add_output(OUT)
    c.add_output(YC)
    return c


def case_c_keywords():
    """C keywords, reserved and predefined identifiers as every kind of name."""
    c = Case("c_keywords")
    c.graph_name = "int main(void) { " + INJECT_RETURN + " }"
    c.doc = "static"
    c.add_input("int", c.rand(4, 2, 3))
    c.add_input("return", c.rand(1, 2, 4))
    c.recurrent("GRU", "int", ["while", "struct"], 4, name="for", doc="goto",
                w="static", r="main", b="void", initial_h="return", init_doc="extern")
    c.unary("Sigmoid", "struct", "const", name="sizeof")
    c.add_init("unsigned", c.rand(1, 2, 4))
    c.add("const", "unsigned", "typedef", name="default")
    c.unary("Tanh", "while", "_Bool", name="__attribute__")
    c.unary("Identity", "typedef", "defined", name="_Pragma")
    c.add_output("_Bool")     # [4,1,2,4]
    c.add_output("defined")   # [1,2,4]
    c.add_output("typedef")
    # more reserved and predefined words: graph outputs, each an Identity of "struct"
    for i, kw in enumerate(["if", "NULL", "bool", "true", "asm", "__func__", "__LINE__",
                            "restrict", "inline", "errno", "stdin", "EOF", "free"]):
        c.unary("Identity", "struct", kw, name=kw + "_node" if i % 2 else kw)
        c.add_output(kw)
    return c


def case_generated_symbols():
    """Names equal to symbols rnnc generates (net_*, NET_*), runtime symbols
    (rnnrt_*) and libc functions, and to the harness's own names."""
    c = Case("generated_symbols")
    c.graph_name = "net"
    c.doc = "net_run"
    c.add_input("net_run", c.rand(3, 2, 3))            # X
    c.add_input("net_ctx", c.rand(1, 2, 6))            # initial_h
    c.add_input("NET_NUM_INPUTS", c.rand(3, 2, 4))     # added to the head
    c.recurrent("RNN", "net_run", ["net_node0", "NET_H_INCLUDED"], 6, name="net_node0",
                doc="net_init", w="rnnrt_tanh_f32", r="memcpy", b="net_init",
                initial_h="net_ctx")
    c.reshape("net_node0", "RNNRT_ALIGN64", "uint32_t", [3, 2, 6], name="net_run",
              shape_doc="NET_IN_X")
    c.add_init("net_c0", c.rand(6, 4))
    c.matmul("uint32_t", "net_c0", "rnnrt_pgemm_f32", name="rnnrt_sigmoid_f32")
    c.add_init("net_n0_bias", c.rand(4))
    c.add("rnnrt_pgemm_f32", "net_n0_bias", "memset", name="net_n0_wp")
    c.softmax("memset", "outputs", name="main")
    c.add("memset", "NET_NUM_INPUTS", "inputs", name="NET_IN_inputs")
    c.unary("Identity", "NET_H_INCLUDED", "ctx", name="ctx")
    c.unary("Tanh", "NET_H_INCLUDED", "NET_INPUT_0_COUNT", name="strlen")
    c.unary("Sigmoid", "NET_H_INCLUDED", "rc", name="in0")
    c.unary("Identity", "NET_H_INCLUDED", "argv", name="io")
    c.add_output("inputs")
    c.add_output("outputs")
    c.add_output("ctx")
    c.add_output("NET_INPUT_0_COUNT")
    c.add_output("rc")
    c.add_output("argv")
    return c


def case_unicode():
    """UTF-8 names: accents, CJK, emoji, bidi override, zero-width and BOM,
    Unicode line separators, fullwidth look-alikes of keywords."""
    c = Case("unicode")
    c.graph_name = "グラフ */ 名前"
    c.doc = "doc héllo 名前 🙂\u2028\u2029 */"
    c.add_input("héllo", c.rand(2, 1, 4))
    c.add_input("名前", c.rand(1, 1, 3))
    c.add_input("\ufeffbom\u200bzero\u200dwidth", c.rand(1, 1, 3))
    c.recurrent("LSTM", "héllo", ["🙂emoji🚀", "\u202eevil\u202c", "e\u0301\u0327"], 3,
                name="ｉｎｔ ｍａｉｎ", doc="λ → μ", w="Ünïcödé", r="ɑ", b="Ωmega",
                initial_h="名前", initial_c="\ufeffbom\u200bzero\u200dwidth",
                init_doc="初期化子 \u2028 */")
    c.transpose("🙂emoji🚀", "line\u2028sep\u2029para", [2, 0, 1, 3], name="転置")
    c.softmax("line\u2028sep\u2029para", "ソフトマックス", axis=-1, name="\u00a0nbsp\u00a0")
    c.add_output("ソフトマックス")
    c.add_output("\u202eevil\u202c")
    c.add_output("e\u0301\u0327")
    return c


# invalid UTF-8 byte strings, each patched over a same-length ASCII placeholder
INVALID = [
    (b"@BAD_A@", b"x\xff\xfe\xfd\xfc\x80y"),     # bytes that never occur in UTF-8
    (b"@BAD_B@", b"h\xc3\x28\xc3z\xc3\xa9"),     # truncated 2-byte sequences
    (b"@BAD_C@", b"\xed\xa0\x80W\xed\xbf\xbf"),  # UTF-16 surrogates
    (b"@BAD_D@", b"\xc0\xafR\xe0\x80\xafr"),     # overlong encodings of '/'
    (b"@BAD_E@", b"\xf8\x88\x80\x80\x80B*"),     # 5-byte form (never valid)
    (b"@BAD_F@", b"\x80\x80Y\xbf*/\x01"),     # lone continuations, then */ and a control byte
    (b"@BAD_G@", b"\xf4\x90\x80\x80*/\\"),      # above U+10FFFF, then */ and a backslash
    (b"@BAD_H@", b"\xe2\x80\xa8\xc3\n#d"),       # valid U+2028, truncated, newline
    (b"@BAD_N@", b"n\xff*/\xfe\r\n"),           # node name
    (b"@BAD_S@", b"\xff*/ #d\xfe"),             # graph name / docs
]


def case_invalid_utf8():
    """Names that are not valid UTF-8 (protobuf string fields hold them as
    bytes).  Python's protobuf refuses to set such strings, so the model is
    written with ASCII placeholders of the same length and patched afterwards;
    onnx.checker (C++) is run on the patched bytes and accepts them."""
    c = Case("invalid_utf8")
    c.patches = INVALID
    c.graph_name = "@BAD_S@"
    c.doc = "@BAD_S@ doc"
    c.add_input("@BAD_A@", c.rand(3, 2, 2))
    c.add_input("@BAD_B@", c.rand(1, 2, 4))
    c.recurrent("GRU", "@BAD_A@", ["@BAD_F@", "@BAD_G@"], 4, name="@BAD_N@", doc="@BAD_S@",
                w="@BAD_C@", r="@BAD_D@", b="@BAD_E@", initial_h="@BAD_B@",
                init_doc="@BAD_S@")
    c.unary("Tanh", "@BAD_G@", "@BAD_H@", name="@BAD_S@ tanh")
    c.add_output("@BAD_F@")
    c.add_output("@BAD_H@")
    return c


def case_blank_like():
    """Names that look empty or are not identifiers at all: spaces, tabs,
    underscores, digits first, control characters; empty node and graph names
    (empty tensor names mean 'absent' in ONNX, so they are not used)."""
    c = Case("blank_like")
    # onnx.checker requires a non-empty graph name ("Field 'name' of 'graph' is
    # required to be non-empty"): the model keeps the empty name, the checker is
    # run on a copy that differs only in the graph name.
    c.graph_name = ""
    c.check_fixup = lambda m: setattr(m.graph, "name", "g")
    c.add_input(" ", c.rand(2, 2, 3))
    c.add_input("\t", c.rand(2, 2, 5))
    c.recurrent("RNN", " ", ["1abc", "\n"], 5, name="", w="_", r="__", b="0",
                direction="bidirectional", initial_h="\t")
    c.transpose("1abc", "  ", [0, 2, 1, 3], name=" ")
    c.reshape("  ", "\r", "\x01", [2, 2, 10], name="\t")
    c.softmax("\x01", "\x7f", axis=-1, name="_")
    c.unary("Identity", "\n", "\x1b[31m", name="0")
    c.add_output("\x7f")
    c.add_output("\x1b[31m")
    c.add_output("1abc")
    c.add_output("\n")
    return c


def case_long_names():
    """5000-character names everywhere (nodes, tensors, initializers, graph),
    several sharing their first 4999 characters so that they collide after
    any truncation; 5600-character doc strings."""
    c = Case("long_names")
    X, H0, C0 = long_name("x"), long_name("x", tail="h"), long_name("x", tail="c")
    c.graph_name = long_name("g")
    c.doc = (INJECT_DEFINE + "\n*/") * 400
    c.add_input(X, c.rand(2, 1, 3), doc=c.doc)
    c.add_input(H0, c.rand(1, 1, 4))
    c.add_input(C0, c.rand(1, 1, 4))
    Y, YH, YC = long_name("y"), long_name("y", tail="h"), long_name("y", tail="c")
    c.recurrent("LSTM", X, [Y, YH, YC], 4, name=long_name("n"), doc=c.doc,
                w=long_name("w"), r=long_name("w", tail="r"), b=long_name("w", tail="b"),
                initial_h=H0, initial_c=C0, init_doc=c.doc)
    T = long_name("t")
    c.unary("Tanh", YH, T, name=long_name("n", tail="t"))
    c.add(T, YC, long_name("y", tail="s"), name=long_name("n", tail="a"))
    c.add_value_info(T, doc=c.doc)
    c.add_output(Y)
    c.add_output(YH)
    c.add_output(YC)
    c.add_output(long_name("y", tail="s"))
    return c


def case_sanitize_collisions():
    """Graph inputs, outputs, initializers and node names that are distinct in
    ONNX but equal after mapping non-identifier characters to '_', including
    one equal to the '_2' suffix a de-duplicator would pick."""
    c = Case("sanitize_collisions")
    c.graph_name = "a-b"
    c.add_input("a-b", c.rand(3, 1, 2))   # X of the GRU
    c.add_input("a.b", c.rand(3, 1, 2))   # X of the RNN
    c.add_input("a b", c.rand(1, 1, 3))   # initial_h of the GRU
    c.add_input("a_b", c.rand(1, 1, 3))   # initial_h of the RNN
    c.add_input("a_b_2", c.rand(1, 1, 3))
    c.add_input("A-B", c.rand(1, 1, 3))
    c.add_input("a/b", c.rand(1, 1, 3))
    c.recurrent("GRU", "a-b", ["t-0", "y-1"], 3, name="n-1", w="W-1", r="R-1", b="B-1",
                initial_h="a b")
    c.recurrent("RNN", "a.b", ["t.0", "y.1"], 3, name="n.1", w="W.1", r="R.1", b="B.1",
                initial_h="a_b")
    c.add("t-0", "t.0", "t 0", name="n 1")
    c.unary("Sigmoid", "t 0", "y 1", name="n_1")
    c.add("y-1", "a_b_2", "t_0", name="n_1_2")
    c.add("t_0", "A-B", "y_1", name="n:1")
    c.add("y.1", "a/b", "y_1_2", name="n/1")
    c.unary("Identity", "y.1", "y/1", name="n-1 ")
    c.unary("Tanh", "t-0", "Y_1", name="N-1")
    for o in ["y-1", "y.1", "y 1", "y_1", "y_1_2", "y/1", "Y_1"]:
        c.add_output(o)
    return c


def case_format_shell_paths():
    """printf conversions, shell metacharacters, paths and header names as
    names (rnnc prints names in messages and writes files next to them)."""
    c = Case("format_shell_paths")
    c.graph_name = "../../net"
    c.add_input("%s%n%d%%%x", c.rand(2, 2, 3))
    c.add_input("$(touch /tmp/rnnc_pwned)`id`;|&>", c.rand(1, 2, 4))
    c.recurrent("RNN", "%s%n%d%%%x", ["../../etc/passwd", "net.h"], 4,
                name="<stdio.h>", doc="%n%n%n%n", w="/dev/null", r="C:\\Windows\\net.c",
                b="{}[]()<>", initial_h="$(touch /tmp/rnnc_pwned)`id`;|&>")
    c.transpose("../../etc/passwd", "net.c", [1, 2, 0, 3], name="%p%p%p")
    c.reshape("net.c", "rnnrt.h", "~/.bashrc", [2, 8], name="-o", shape_doc="%s")
    c.softmax("~/.bashrc", "--name", axis=1, name="--help")
    c.add_output("--name")
    c.add_output("net.h")
    return c


def case_nul_bytes():
    """Names with an embedded NUL byte (valid UTF-8, accepted by onnx.checker):
    the graph input 'x\\0in' and the initializer 'x' are different tensors in
    ONNX.  A loader that reads names as C strings sees both as 'x'."""
    c = Case("nul_bytes")
    c.graph_name = "nul\0graph"
    c.add_input("x\0in", c.rand(3, 1, 2))
    c.add_init("x", c.rand(3, 1, 2), doc="not the graph input")
    c.add("x\0in", "x", "s\0um", name="add\0node")
    c.recurrent("RNN", "s\0um", ["", "y\0h"], 4, name="rnn\0node", doc="doc\0doc",
                w="W\0", r="R\0", b="B\0")
    c.add_output("y\0h")
    # protobuf-c hands strings over NUL-terminated, so rnnc refuses them before parsing
    c.expect_error = ("model: string field onnx.NodeProto.input contains a NUL byte")
    return c


CASES = [case_comment_breakers, case_c_keywords, case_generated_symbols, case_unicode,
         case_invalid_utf8, case_blank_like, case_long_names, case_sanitize_collisions,
         case_format_shell_paths, case_nul_bytes]


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=os.path.join(here, "..", "..", "testdata", "hostile"))
    args = ap.parse_args()
    out = os.path.normpath(args.out)
    os.makedirs(out, exist_ok=True)
    for f in CASES:
        c = f()
        d = os.path.join(out, c.name)
        if os.path.isdir(d):
            shutil.rmtree(d)
        write_case(c, out)
        if getattr(c, "expect_error", None):
            # rnnc must refuse this one: the message it must print instead of output files
            with open(os.path.join(d, "expect_error"), "w") as fh:
                fh.write(c.expect_error + "\n")
        print("%-22s %d inputs, %d outputs, %d nodes" % (
            c.name, len(c.inputs), len(c.outputs), len(c.nodes)))


if __name__ == "__main__":
    main()
