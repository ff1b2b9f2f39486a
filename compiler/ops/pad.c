/* ops/pad.c — Pad (opsets 2, 11, 13, 18, 19, 21): grows (or, with negative
 * pads, crops) each axis by pads[begin] and pads[end] elements.
 *
 *   constant: the new elements are `value` (absent: 0)
 *   edge:     they repeat the first/last element           x[-q] = x[0]
 *   reflect:  they mirror the axis without repeating its edge  x[-q] = x[q]
 *   wrap:     they continue periodically (opset >= 19)     x[-q] = x[L - q]
 *
 * Opset < 11 takes pads and value as attributes; from 11 they are inputs
 * that must be known at compile time, and from 18 an `axes` input names the
 * axes the pads are for. Negative pads crop first; edge/reflect/wrap then pad
 * the cropped axis. Refused: reflect padding wider than L - 1 and wrap wider
 * than L (L: the axis after cropping; NumPy would reflect repeatedly), and
 * edge/reflect/wrap of an empty axis. Any dtype (the elements are copied). */
#include "glue.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

enum { PAD_CONSTANT, PAD_EDGE, PAD_REFLECT, PAD_WRAP };

typedef struct pad_params {
    int mode;
    unsigned char value[8]; /* the constant as one element of the dtype, bit for bit */
    int64_t lo[IR_MAX_RANK], hi[IR_MAX_RANK]; /* pads before / after, negative crops */
} pad_params;

/* Axis d seen from the output: crop start cs in x, interior length L, interior
 * start b in y (the output is [b][L][e] along d). */
typedef struct pad_axis {
    int64_t cs, len, b, e;
} pad_axis;

static pad_axis axis_of(const pad_params *p, const ir_tensor *x, int d) {
    pad_axis a;
    a.cs = p->lo[d] < 0 ? -p->lo[d] : 0;
    a.len = x->dims[d] + (p->lo[d] < 0 ? p->lo[d] : 0) + (p->hi[d] < 0 ? p->hi[d] : 0);
    a.b = p->lo[d] > 0 ? p->lo[d] : 0;
    a.e = p->hi[d] > 0 ? p->hi[d] : 0;
    return a;
}

static int pad_mode(rc_ctx *c, const ir_graph *g, ir_node *n, int *mode) {
    const char *s = "constant";
    int has;
    if (rc_attr_string(c, n, "mode", &s, &has))
        return -1;
    if (!strcmp(s, "constant"))
        *mode = PAD_CONSTANT;
    else if (!strcmp(s, "edge"))
        *mode = PAD_EDGE;
    else if (!strcmp(s, "reflect"))
        *mode = PAD_REFLECT;
    else if (!strcmp(s, "wrap") && g->opset >= 19)
        *mode = PAD_WRAP;
    else
        return rc_err(c, n, "attribute mode",
                      "'%s' is not a padding mode of opset %" PRId64
                      " (constant, edge, reflect; wrap from opset 19)",
                      rc_show(s), g->opset);
    return 0;
}

/* The constant_value input (absent: 0, all bits zero): one element of data's
 * dtype, copied exactly (an int64 or uint64 beyond 2^53 would not survive a
 * double). */
static int pad_value(rc_ctx *c, const ir_graph *g, ir_node *n, pad_params *p) {
    const ir_tensor *t = ir_in(g, n, 2), *x = ir_in(g, n, 0);
    double v;
    int nv;
    if (!t)
        return 0;
    /* through gl_const_doubles for its compile-time rule and messages */
    if (gl_const_doubles(c, g, n, 2, "input 'constant_value'", &v, 1, &nv))
        return -1;
    if (nv != 1)
        return rc_err(c, n, "input 'constant_value'", "must hold one value, got %d", nv);
    if (t->dtype != x->dtype)
        return rc_err(c, n, "input 'constant_value'", "must be %s like the data, got %s",
                      ir_dtype_name(x->dtype), ir_dtype_name(t->dtype));
    memcpy(p->value, t->data, ir_dtype_size(t->dtype));
    return 0;
}

/* Pads (2 per listed axis, all begins then all ends) and the axes they are for. */
static int pad_args(rc_ctx *c, const ir_graph *g, ir_node *n, pad_params *p, int rank) {
    int64_t pads[2 * IR_MAX_RANK], axes[IR_MAX_RANK];
    int np = 0, na = rank, seen[IR_MAX_RANK] = {0};
    for (int d = 0; d < rank; d++)
        axes[d] = d;
    if (g->opset < 11) {
        const int64_t *a;
        double value = 0;
        int has_v;
        if (rc_attr_ints(c, n, "pads", &a, &np) || rc_attr_float(c, n, "value", &value, &has_v))
            return -1;
        if (!a)
            return rc_err(c, n, "attribute pads", "is required");
        if (np > 2 * IR_MAX_RANK)
            return rc_err(c, n, "attribute pads", "has %d values, at most %d", np, 2 * IR_MAX_RANK);
        memcpy(pads, a, sizeof(int64_t) * (size_t)np);
        ir_put(ir_in(g, n, 0)->dtype, p->value, 0, value);
    } else {
        if (gl_const_ints(c, g, n, 1, "input 'pads'", pads, 2 * IR_MAX_RANK, &np) ||
            pad_value(c, g, n, p))
            return -1;
        if (ir_in(g, n, 3) && gl_const_ints(c, g, n, 3, "input 'axes'", axes, IR_MAX_RANK, &na))
            return -1;
    }
    if (np != 2 * na)
        return rc_err(c, n, "pads", "has %d values, expected %d (begin and end for %d axes)", np,
                      2 * na, na);
    for (int k = 0; k < na; k++) {
        int a;
        if (gl_axis(c, n, "axes", axes[k], rank, &a))
            return -1;
        if (seen[a]++)
            return rc_err(c, n, "axes", "axis %d is given twice", a);
        if (pads[k] < -INT32_MAX || pads[k] > INT32_MAX || pads[na + k] < -INT32_MAX ||
            pads[na + k] > INT32_MAX) /* keeps the size arithmetic far from overflow */
            return rc_err(c, n, "pads",
                          "axis %d: pads %" PRId64 " and %" PRId64 " must be within +-%d", a,
                          pads[k], pads[na + k], INT32_MAX);
        p->lo[a] = pads[k];
        p->hi[a] = pads[na + k];
    }
    return 0;
}

static const char *mode_name(int mode) {
    return mode == PAD_EDGE ? "edge" : mode == PAD_REFLECT ? "reflect" : "wrap";
}

/* The rule each mode places on how far an axis can grow. */
static int pad_fits(rc_ctx *c, ir_node *n, const pad_params *p, int d, pad_axis a) {
    int64_t w = a.b > a.e ? a.b : a.e;
    if (p->mode == PAD_CONSTANT || w == 0)
        return 0;
    if (a.len == 0)
        return rc_err(c, n, "pads", "%s padding of axis %d, which is empty after cropping",
                      mode_name(p->mode), d);
    if (p->mode == PAD_REFLECT && w > a.len - 1)
        return rc_err(c, n, "pads",
                      "reflect pad %" PRId64 " on axis %d is wider than the dimension %" PRId64
                      " minus 1 (NumPy's repeated reflection is not supported)",
                      w, d, a.len);
    if (p->mode == PAD_WRAP && w > a.len)
        return rc_err(c, n, "pads",
                      "wrap pad %" PRId64 " on axis %d is wider than the dimension %" PRId64, w, d,
                      a.len);
    return 0;
}

static int pad_check(rc_ctx *c, ir_graph *g, ir_node *n) {
    pad_params *p;
    const ir_tensor *x;
    int64_t dims[IR_MAX_RANK];
    int mode = PAD_CONSTANT;
    if (gl_arity(c, n, 1,
                 g->opset < 11   ? 1
                 : g->opset < 18 ? 3
                                 : 4,
                 g->opset < 11 ? 1 : 2, 1) ||
        gl_dtype(c, g, n, 0, "input 'data'", IR_UNDEFINED) || pad_mode(c, g, n, &mode))
        return -1;
    x = ir_in(g, n, 0);
    p = gl_params_new(n, sizeof *p);
    p->mode = mode;
    if (pad_args(c, g, n, p, x->rank) || rc_attr_unused(c, g, n))
        return -1;
    for (int d = 0; d < x->rank; d++) {
        pad_axis a = axis_of(p, x, d);
        if (a.len < 0)
            return rc_err(c, n, "pads",
                          "axis %d of size %" PRId64 " cropped by %" PRId64 " and %" PRId64
                          " would be negative",
                          d, x->dims[d], p->lo[d], p->hi[d]);
        if (pad_fits(c, n, p, d, a))
            return -1;
        dims[d] = a.b + a.len + a.e;
    }
    return gl_set_out(c, g, n, 0, x->dtype, x->rank, dims);
}

/* Output position o of axis a as an index into x, or -1 for the constant. */
static int64_t src_index(int mode, pad_axis a, int64_t o) {
    int64_t q = o - a.b; /* relative to the interior */
    if (q < 0 || q >= a.len) {
        if (mode == PAD_CONSTANT)
            return -1;
        if (mode == PAD_EDGE)
            q = q < 0 ? 0 : a.len - 1;
        else if (mode == PAD_REFLECT)
            q = q < 0 ? -q : 2 * (a.len - 1) - q;
        else
            q = q < 0 ? q + a.len : q - a.len;
    }
    return a.cs + q;
}

static int pad_interp(rc_ctx *c, const ir_graph *g, const ir_node *n, rc_values *v) {
    const pad_params *p = n->params;
    const ir_tensor *x = ir_in(g, n, 0), *y = ir_out(g, n, 0);
    int64_t xs[IR_MAX_RANK], idx[IR_MAX_RANK];
    size_t esz = ir_dtype_size(y->dtype);
    (void)c;
    gl_strides(x->rank, x->dims, xs);
    rc_values_alloc(v, g, n->out[0]);
    for (int64_t i = 0; i < ir_numel(y); i++) {
        int64_t s = 0;
        gl_unravel(i, y->rank, y->dims, idx);
        for (int d = 0; d < y->rank && s >= 0; d++) {
            int64_t k = src_index(p->mode, axis_of(p, x, d), idx[d]);
            s = k < 0 ? -1 : s + k * xs[d];
        }
        if (s < 0)
            memcpy((unsigned char *)v->data[n->out[0]] + (size_t)i * esz, p->value, esz);
        else
            gl_copy_elem(g, v, n->out[0], i, n->in[0], s);
    }
    return 0;
}

/* A C expression of dtype's type whose value has these bits. */
static void elem_lit(int dtype, const unsigned char *bits, char *buf, size_t size) {
    double x = ir_get(dtype, bits, 0);
    switch (dtype) {
    case IR_FLOAT:
        em_float_lit((float)x, buf, size); /* exact: float -> double -> float */
        return;
    case IR_DOUBLE:
        if (x != x || isinf(x))
            snprintf(buf, size, "(double)%s", x != x ? "NAN" : x < 0 ? "(-INFINITY)" : "INFINITY");
        else
            snprintf(buf, size, "%a", x);
        return;
    case IR_FLOAT16:
    case IR_BFLOAT16:
    case IR_UINT16:
        snprintf(buf, size, "(uint16_t)%u", (unsigned)*(const uint16_t *)(const void *)bits);
        return;
    case IR_UINT8:
    case IR_BOOL:
        snprintf(buf, size, "(uint8_t)%u", (unsigned)bits[0]);
        return;
    case IR_UINT32:
        snprintf(buf, size, "(uint32_t)%" PRIu32 "u", *(const uint32_t *)(const void *)bits);
        return;
    case IR_UINT64:
        snprintf(buf, size, "(uint64_t)%" PRIu64 "u", *(const uint64_t *)(const void *)bits);
        return;
    default: { /* signed: the stored value, widened */
        int64_t k = dtype == IR_INT64 ? *(const int64_t *)(const void *)bits : (int64_t)x;
        if (k == INT64_MIN)
            snprintf(buf, size, "INT64_MIN");
        else
            snprintf(buf, size, "(%s)%" PRId64, em_ctype(dtype), k);
    }
    }
}

/* The border of axis d on one side (after = 0/1), copied from inside y: axes
 * before d span the whole output (already padded), axes after d only their
 * interior. The source walks away from the edge (reflect), stays on it (edge)
 * or comes from the other end (wrap). */
static void emit_border(em_state *e, const ir_graph *g, const ir_node *n, int d, int after) {
    const pad_params *p = n->params;
    const ir_tensor *x = ir_in(g, n, 0), *y = ir_out(g, n, 0);
    const char *yp = em_tensor(e, n->out[0]);
    gl_operand dst = {yp, 0, {0}}, src = {yp, 0, {0}};
    int64_t ys[IR_MAX_RANK], dims[IR_MAX_RANK], base = 0, os;
    pad_axis a = axis_of(p, x, d);
    gl_strides(y->rank, y->dims, ys);
    for (int k = 0; k < y->rank; k++) {
        pad_axis ak = axis_of(p, x, k);
        dims[k] = k < d ? y->dims[k] : ak.len;
        if (k > d)
            base += ak.b * ys[k];
        dst.st[k] = src.st[k] = ys[k];
    }
    dims[d] = after ? a.e : a.b;
    os = ys[d];
    if (!after) { /* y positions 0 .. b-1 (reflect: b-1 down to 0) */
        dst.off = base + (p->mode == PAD_REFLECT ? (a.b - 1) * os : 0);
        dst.st[d] = p->mode == PAD_REFLECT ? -os : os;
        src.off = base + (p->mode == PAD_REFLECT ? (a.b + 1) * os
                          : p->mode == PAD_EDGE  ? a.b * os
                                                 : a.len * os);
        src.st[d] = p->mode == PAD_EDGE ? 0 : os;
    } else { /* y positions b+L .. b+L+e-1 */
        dst.off = base + (a.b + a.len) * os;
        src.off = base + (p->mode == PAD_REFLECT ? (a.b + a.len - 2) * os
                          : p->mode == PAD_EDGE  ? (a.b + a.len - 1) * os
                                                 : a.b * os);
        src.st[d] = p->mode == PAD_REFLECT ? -os : p->mode == PAD_EDGE ? 0 : os;
    }
    gl_emit_copy(e, y->rank, dims, &dst, &src, em_ctype(y->dtype));
}

static int pad_emit(rc_ctx *c, em_state *e, const ir_graph *g, const ir_node *n) {
    const pad_params *p = n->params;
    const ir_tensor *x = ir_in(g, n, 0), *y = ir_out(g, n, 0);
    gl_operand dst = {em_tensor(e, n->out[0]), 0, {0}}, src = {em_tensor(e, n->in[0]), 0, {0}};
    int64_t xs[IR_MAX_RANK], dims[IR_MAX_RANK], inner = 1;
    (void)c;
    gl_strides(y->rank, y->dims, dst.st);
    gl_strides(x->rank, x->dims, xs);
    for (int d = 0; d < x->rank; d++) {
        pad_axis a = axis_of(p, x, d);
        dims[d] = a.len;
        inner *= a.len;
        dst.off += a.b * dst.st[d];
        src.off += a.cs * xs[d];
        src.st[d] = xs[d];
    }
    if (p->mode == PAD_CONSTANT && inner < ir_numel(y)) {
        /* y = value everywhere, then the interior over it */
        char lit[64], body[96];
        int64_t all[1] = {ir_numel(y)};
        gl_operand flat = {dst.ptr, 0, {1}};
        elem_lit(y->dtype, p->value, lit, sizeof lit);
        snprintf(body, sizeof body, "$0 = %s;", lit);
        gl_emit_map(e, 1, all, &flat, 1, body);
    }
    gl_emit_copy(e, x->rank, dims, &dst, &src, em_ctype(y->dtype));
    if (p->mode != PAD_CONSTANT && inner > 0)
        for (int d = 0; d < y->rank; d++) {
            emit_border(e, g, n, d, 0);
            emit_border(e, g, n, d, 1);
        }
    return 0;
}

static int pad_time(rc_ctx *c, const ir_graph *g, const ir_node *n, const int *in, int *out) {
    const pad_params *p = n->params;
    (void)g;
    out[0] = in[0];
    if (in[0] >= 0 && (p->lo[in[0]] != 0 || p->hi[in[0]] != 0))
        return gl_time_mixes(c, n, "it pads or crops the time axis");
    return 0;
}

const rc_op_def rc_op_pad = {
    .op_type = "Pad",
    .check = pad_check,
    .interp = pad_interp,
    .emit = pad_emit,
    .time = pad_time,
    .flops = gl_flops_none,
    .params = gl_params_consts,
    .free_params = gl_free,
};
