/* ops/pow.c — Pow (opsets 7, 12, 13, 15): Z = X ^ Y elementwise with multidirectional
 * (numpy) broadcasting; Z has X's element type.
 * X: float, double, and from opset 12 int32 and int64. Y: X's type before opset 12, from
 * then on any of float, double, float16, int8..int64, uint8..uint64. Refused: float16 and
 * bfloat16 X, bfloat16 Y.
 * float X: powf for a float Y, else pow in double rounded to float (as numpy computes
 * float32 ** int64); a constant Y of one value takes a fast path: 2 -> x*x, 1 -> x,
 * 0 -> 1, 0.5 -> sqrt (which differs from pow only at -0 and -inf). Integer X with an
 * integer Y: exact by repeated squaring, wrapping modulo 2^bits; a negative Y gives the
 * truncated 1 / x^-y (1 for x = 1, +-1 for x = -1, else 0). Integer X with a floating Y:
 * pow in double truncated toward zero, 0 when that is NaN or outside int64, wrapped
 * to X's width. The interpreter follows the same rules (in double for floating X). */
#include "glue.h"

#include <math.h>
#include <stdio.h>

/* How the exponent is applied at run time. */
typedef enum pow_path { POW_GENERAL, POW_ONE, POW_SQUARE, POW_SQRT, POW_ZERO } pow_path;

typedef struct pow_params {
    pow_path path;
} pow_params;

static int exponent_ok(int dtype) {
    return dtype == IR_FLOAT || dtype == IR_DOUBLE || dtype == IR_FLOAT16 || ir_dtype_is_int(dtype);
}

/* The fast path a constant exponent of a single value allows (floating X only). */
static pow_path const_path(const ir_tensor *x, const ir_tensor *y) {
    double k;
    if (!y->data || ir_dtype_is_int(x->dtype) || ir_numel(y) == 0)
        return POW_GENERAL;
    k = ir_get(y->dtype, y->data, 0);
    for (int64_t i = 1; i < ir_numel(y); i++)
        if (ir_get(y->dtype, y->data, i) != k)
            return POW_GENERAL;
    return k == 1     ? POW_ONE
           : k == 2   ? POW_SQUARE
           : k == 0.5 ? POW_SQRT
           : k == 0   ? POW_ZERO
                      : POW_GENERAL;
}

static int pow_check(rc_ctx *c, ir_graph *g, ir_node *n) {
    const ir_tensor *x, *y;
    pow_params *p;
    int64_t dims[IR_MAX_RANK];
    int rank;
    if (gl_arity(c, n, 2, 2, 2, 1) || gl_dtype(c, g, n, 0, "input 'X'", IR_UNDEFINED) ||
        gl_dtype(c, g, n, 1, "input 'Y'", IR_UNDEFINED) || rc_attr_unused(c, g, n))
        return -1;
    x = ir_in(g, n, 0);
    y = ir_in(g, n, 1);
    if (x->dtype != IR_FLOAT && x->dtype != IR_DOUBLE &&
        !(g->opset >= 12 && (x->dtype == IR_INT32 || x->dtype == IR_INT64)))
        return rc_err(c, n, "input 'X'",
                      "element type %s is not supported (float, double; int32, int64 from "
                      "opset 12; this model has opset %d)",
                      ir_dtype_name(x->dtype), (int)g->opset);
    if (g->opset < 12 && y->dtype != x->dtype)
        return rc_err(c, n, "input 'Y'",
                      "before opset 12 Y must have X's type %s, got %s (opset %d)",
                      ir_dtype_name(x->dtype), ir_dtype_name(y->dtype), (int)g->opset);
    if (!exponent_ok(y->dtype))
        return rc_err(c, n, "input 'Y'",
                      "element type %s is not supported (float, double, float16, int8..int64, "
                      "uint8..uint64)",
                      ir_dtype_name(y->dtype));
    if (gl_broadcast(c, n, x, y, &rank, dims))
        return -1;
    p = gl_params_new(n, sizeof *p);
    p->path = const_path(x, y);
    return gl_set_out(c, g, n, 0, x->dtype, rank, dims);
}

/* b ^ e modulo 2^64 for the integer b (its bits sign-extended) and e >= 0:
 * b^e = prod over the set bits k of e of b^(2^k). */
static uint64_t ipow(uint64_t b, uint64_t e) {
    uint64_t r = 1;
    for (; e != 0; e /= 2) {
        if (e % 2)
            r *= b;
        b *= b;
    }
    return r;
}

/* x ^ e for e < 0, truncated toward zero: 1 / x^|e| is 0 unless |x| = 1. */
static uint64_t ipow_neg(uint64_t b, int64_t e) {
    if (b == 1)
        return 1;
    if (b == UINT64_MAX) /* -1 */
        return e % 2 ? b : 1;
    return 0;
}

/* A double truncated toward zero into int64 bits; 0 for NaN or outside int64. */
static uint64_t trunc_bits(double r) {
    if (!(r >= -9223372036854775808.0 && r < 9223372036854775808.0))
        return 0;
    return (uint64_t)(int64_t)r;
}

static void int_elem(const ir_graph *g, rc_values *v, const ir_node *n, int64_t i, int64_t ix,
                     int64_t iy) {
    const int ty = g->t[n->in[1]].dtype;
    uint64_t b = gl_get_bits(g, v, n->in[0], ix), r;
    if (!ir_dtype_is_int(ty)) {
        r = trunc_bits(pow((double)(int64_t)b, gl_get(g, v, n->in[1], iy)));
    } else {
        uint64_t e = gl_get_bits(g, v, n->in[1], iy);
        r = gl_dtype_is_signed(ty) && (int64_t)e < 0 ? ipow_neg(b, (int64_t)e) : ipow(b, e);
    }
    gl_put_bits(g, v, n->out[0], i, r);
}

static int pow_interp(rc_ctx *c, const ir_graph *g, const ir_node *n, rc_values *v) {
    const ir_tensor *x = &g->t[n->in[0]], *y = &g->t[n->in[1]], *z = &g->t[n->out[0]];
    int64_t idx[IR_MAX_RANK];
    (void)c;
    rc_values_alloc(v, g, n->out[0]);
    for (int64_t i = 0; i < ir_numel(z); i++) {
        int64_t ix, iy;
        gl_unravel(i, z->rank, z->dims, idx);
        ix = gl_bcast_index(x, z->rank, idx);
        iy = gl_bcast_index(y, z->rank, idx);
        if (ir_dtype_is_int(z->dtype))
            int_elem(g, v, n, i, ix, iy);
        else
            gl_put(g, v, n->out[0], i, pow(gl_get(g, v, n->in[0], ix), gl_get(g, v, n->in[1], iy)));
    }
    return 0;
}

/* The body for a float or double X. */
static void float_body(const pow_params *p, int tx, int ty, const char *yexpr, char *buf,
                       size_t size) {
    const char *f = tx == IR_FLOAT ? "f" : "";
    switch (p->path) {
    case POW_ONE:
        snprintf(buf, size, "$0 = $1;");
        return;
    case POW_SQUARE:
        snprintf(buf, size, "$0 = $1 * $1;");
        return;
    case POW_SQRT:
        snprintf(buf, size, "$0 = sqrt%s($1);", f);
        return;
    case POW_ZERO: /* pow(x, 0) = 1 for every x, NaN included */
        snprintf(buf, size, "$0 = 1.0%s;", f);
        return;
    default:
        break;
    }
    if (tx == IR_FLOAT && (ty == IR_FLOAT || ty == IR_FLOAT16))
        snprintf(buf, size, "$0 = powf($1, %s);", yexpr);
    else
        snprintf(buf, size, "$0 = (%s)pow((double)$1, (double)%s);", em_ctype(tx), yexpr);
}

/* The body for an int32/int64 X: the interpreter's ipow/ipow_neg/trunc_bits in C. */
static void int_body(int tx, int ty, const char *yexpr, char *buf, size_t size) {
    const char *t = em_ctype(tx), *u = tx == IR_INT64 ? "uint64_t" : "uint32_t";
    if (!ir_dtype_is_int(ty)) {
        snprintf(buf, size,
                 "{ const double r_ = pow((double)$1, (double)%s); "
                 "$0 = r_ >= -9223372036854775808.0 && r_ < 9223372036854775808.0 ? "
                 "(%s)(%s)(uint64_t)(int64_t)r_ : 0; }",
                 yexpr, t, u);
    } else if (gl_dtype_is_signed(ty)) {
        snprintf(buf, size,
                 "{ uint64_t b_ = (uint64_t)(int64_t)$1, r_ = 1; int64_t e_ = $2; "
                 "if (e_ < 0) r_ = b_ == 1 ? 1 : (b_ == UINT64_MAX ? (e_ %% 2 ? b_ : 1) : 0); "
                 "else for (; e_ != 0; e_ /= 2) { if (e_ %% 2) r_ *= b_; b_ *= b_; } "
                 "$0 = (%s)(%s)r_; }",
                 t, u);
    } else {
        snprintf(buf, size,
                 "{ uint64_t b_ = (uint64_t)(int64_t)$1, r_ = 1; uint64_t e_ = $2; "
                 "for (; e_ != 0; e_ /= 2) { if (e_ %% 2) r_ *= b_; b_ *= b_; } "
                 "$0 = (%s)(%s)r_; }",
                 t, u);
    }
}

static int pow_emit(rc_ctx *c, em_state *e, const ir_graph *g, const ir_node *n) {
    const pow_params *p = n->params;
    const ir_tensor *x = &g->t[n->in[0]], *y = &g->t[n->in[1]], *z = &g->t[n->out[0]];
    /* a fast path does not read Y: its constant is not emitted at all */
    const int nops = p->path == POW_GENERAL ? 3 : 2;
    gl_operand ops[3] = {{em_tensor(e, n->out[0]), 0, {0}},
                         {em_tensor(e, n->in[0]), 0, {0}},
                         {nops == 3 ? em_tensor(e, n->in[1]) : NULL, 0, {0}}};
    /* float16 exponents travel as uint16_t bit patterns */
    const char *yexpr = y->dtype == IR_FLOAT16 ? "rnnrt_f16_to_f32($2)" : "$2";
    char body[512];
    (void)c;
    gl_strides(z->rank, z->dims, ops[0].st);
    gl_bcast_strides(x, z->rank, z->dims, ops[1].st);
    gl_bcast_strides(y, z->rank, z->dims, ops[2].st);
    if (ir_dtype_is_int(x->dtype))
        int_body(x->dtype, y->dtype, yexpr, body, sizeof body);
    else
        float_body(p, x->dtype, y->dtype, yexpr, body, sizeof body);
    gl_emit_map(e, z->rank, z->dims, ops, nops, body);
    return 0;
}

const rc_op_def rc_op_pow = {
    .op_type = "Pow",
    .check = pow_check,
    .interp = pow_interp,
    .emit = pow_emit,
    .flops = gl_flops_elems,
    .params = gl_params_consts,
    .free_params = gl_free,
    .time = gl_time_bcast,
};
