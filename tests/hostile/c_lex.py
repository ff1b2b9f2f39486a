#!/usr/bin/env python3
"""Lexical checks on rnnc-generated C for tests/hostile/check_hostile.sh.

usage: c_lex.py [--ident-prefix P]... [--pp-allow REGEX]... FILE... -- MARKER...

For every FILE (net.c, net.h):
  * only printable ASCII, space and newline (no CR, tab, control or non-ASCII
    byte), except the em dash rnnc writes on line 1 ("net.c — generated ...");
  * no line ends in a backslash (line splice) and no trigraph (??= ??/ ...);
  * comments and literals are well formed: no '/*' inside a block comment, no
    newline inside a string or character literal, nothing left open at the end;
  * with --pp-allow: every preprocessor line, read after comments became
    spaces (so '/* x */ #define X' counts) and with runs of blanks squeezed,
    fully matches one of the REGEXes;
  * after removing comments and the contents of string and character literals,
    none of the MARKERs (strings planted inside the model's names and doc
    strings) occurs in the remaining code.  Identifiers starting with an
    --ident-prefix (NET_IN_ / NET_OUT_: rnnc's macros named after the
    sanitized input / output names, which keep a name's letters and digits by
    design) count as the prefix alone for the marker search.
Prints one line per problem and exits 1 if there is any; python3 from PATH
is enough (plain text processing, no onnx needed).
"""

import re
import sys

EM_DASH = "\u2014".encode()
TRIGRAPH_TAIL = set("=(/)'<!>-")


def lex(path, data, problems):
    """Returns the code with comments blanked and literal contents removed."""
    def bad(line, msg):
        problems.append("%s:%d: %s" % (path, line, msg))

    lines = data.split(b"\n")
    for i, ln in enumerate(lines, 1):
        body = ln.replace(EM_DASH, b"", 1) if i == 1 else ln
        for ch in body:
            if not (0x20 <= ch <= 0x7E):
                bad(i, "byte 0x%02x (only printable ASCII is expected)" % ch)
                break
        if ln.endswith(b"\\"):
            bad(i, "line ends in a backslash (line splice)")
    text = data.replace(EM_DASH, b"-").decode("ascii", "replace")
    for k in range(len(text) - 2):
        if text[k] == "?" and text[k + 1] == "?" and text[k + 2] in TRIGRAPH_TAIL:
            bad(text.count("\n", 0, k) + 1, "trigraph '%s'" % text[k:k + 3])

    out = []    # comments blanked, literal contents removed
    keep = []   # comments blanked, literals kept (for preprocessor lines)
    i, n, line = 0, len(text), 1
    state, start = "code", 1
    while i < n:
        c = text[i]
        nx = text[i + 1] if i + 1 < n else ""
        if c == "\n":
            line += 1
        if state == "code":
            if c == "/" and nx == "*":
                state, start = "block", line
                out.append(" ")
                keep.append(" ")
                i += 2
                continue
            if c == "/" and nx == "/":
                state, start = "linec", line
                out.append(" ")
                keep.append(" ")
                i += 2
                continue
            if c in "\"'":
                state, quote, start = "lit", c, line
            out.append(c)
            keep.append(c)
        elif state == "block":
            if c == "*" and nx == "/":
                state = "code"
                i += 2
                continue
            if c == "/" and nx == "*":
                bad(line, "'/*' inside the comment opened on line %d" % start)
            if c == "\n":
                out.append("\n")
                keep.append("\n")
        elif state == "linec":
            if c == "\n":
                state = "code"
                out.append("\n")
                keep.append("\n")
        elif state == "lit":
            if c == "\\":
                if nx == "\n":
                    bad(line, "line splice inside a literal")
                keep.append(text[i:i + 2])
                i += 2
                continue
            keep.append(c)
            if c == "\n":
                bad(line - 1, "newline inside the literal opened on line %d" % start)
                state = "code"
                out.append("\n")
            elif c == quote:
                state = "code"
                out.append(c)
        i += 1
    if state != "code":
        bad(start, "%s opened here is not closed at the end of the file" %
            {"block": "comment", "linec": "comment", "lit": "literal"}[state])
    return "".join(out), "".join(keep)


def main(argv):
    if "--" not in argv:
        sys.stderr.write("usage: c_lex.py [--ident-prefix P]... [--pp-allow REGEX]... "
                         "FILE... -- MARKER...\n")
        return 2
    sep = argv.index("--")
    files, markers = argv[1:sep], argv[sep + 1:]
    prefixes, pp_allow = [], None
    while len(files) >= 2 and files[0] in ("--ident-prefix", "--pp-allow"):
        if files[0] == "--ident-prefix":
            prefixes.append(files[1])
        else:
            pp_allow = (pp_allow or []) + [re.compile(files[1])]
        files = files[2:]
    ident = re.compile(r"\b(%s)[A-Za-z0-9_]*" % "|".join(map(re.escape, prefixes))) \
        if prefixes else None
    problems = []
    for path in files:
        with open(path, "rb") as f:
            data = f.read()
        code, keep = lex(path, data, problems)
        # preprocessor lines as the preprocessor sees them (after comments
        # became spaces): each must match one of the --pp-allow patterns
        for ln_no, ln in enumerate(keep.split("\n"), 1):
            if ln.lstrip(" \t\f\v").startswith("#"):
                norm = " ".join(ln.split())
                if pp_allow is not None and not any(r.fullmatch(norm) for r in pp_allow):
                    problems.append("%s:%d: preprocessor line not produced by rnnc: %r" % (
                        path, ln_no, norm[:200]))
        if ident:
            code = ident.sub(lambda m: m.group(1), code)
        for m in markers:
            k = code.find(m)
            if k >= 0:
                problems.append("%s:%d: marker %r outside comments and literals: %r" % (
                    path, code.count("\n", 0, k) + 1, m,
                    code[max(0, k - 40):k + len(m) + 40]))
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
