/* ops/clip.c — Clip: y = min(max(x, lo), hi), elementwise.
 *   Opset 6..10: bounds are the attributes min and max (absent: no bound); float, double.
 *   Opset 11: bounds are the optional inputs min and max (absent or empty name: no bound),
 *   scalars known at compile time; float, double. Opset 12+: also every integer type.
 * With lo > hi every element becomes hi (max is applied last, as numpy.clip does). NaN
 * passes through. Refused: bounds computed at run time, non-scalar bounds, NaN bounds,
 * float16/bfloat16 and bool. */
#include "glue.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

typedef struct clip_params {
    int has[2];    /* 0: lo, 1: hi */
    double f[2];   /* float bounds */
    uint64_t u[2]; /* integer bounds, two's-complement bits (see gl_get_bits) */
} clip_params;

/* The value range of an integer dtype as two's-complement bit patterns. */
static void int_range(int dt, int64_t *lo, uint64_t *hi) {
    int bits = (int)ir_dtype_size(dt) * 8;
    if (gl_dtype_is_signed(dt)) {
        *lo = bits == 64 ? INT64_MIN : -((int64_t)1 << (bits - 1));
        *hi = bits == 64 ? (uint64_t)INT64_MAX : ((uint64_t)1 << (bits - 1)) - 1;
    } else {
        *lo = 0;
        *hi = bits == 64 ? UINT64_MAX : ((uint64_t)1 << bits) - 1;
    }
}

/* a < b on the values the bit patterns denote in dtype dt. */
static int int_lt(int dt, uint64_t a, uint64_t b) {
    return gl_dtype_is_signed(dt) ? (int64_t)a < (int64_t)b : a < b;
}

/* Reads bound k (0: min, 1: max) from its input (opset >= 11). */
static int clip_bound_input(rc_ctx *c, const ir_graph *g, ir_node *n, int k, clip_params *p) {
    const char *what = k ? "input 'max'" : "input 'min'";
    const ir_tensor *x = ir_in(g, n, 0), *t = ir_in(g, n, k + 1);
    double d;
    int cnt;
    if (!t)
        return 0;
    if (t->dtype != x->dtype)
        return rc_err(c, n, what, "'%s' must have the input's type %s, got %s", t->name,
                      ir_dtype_name(x->dtype), ir_dtype_name(t->dtype));
    if (ir_numel(t) != 1)
        return rc_err(c, n, what, "'%s' must be a scalar, got %" PRId64 " values", t->name,
                      ir_numel(t));
    if (gl_const_doubles(c, g, n, k + 1, what, &d, 1, &cnt))
        return -1;
    p->has[k] = 1;
    p->f[k] = d;
    if (t->dtype == IR_INT64 || t->dtype == IR_UINT64) /* read exactly, also past 2^53 */
        p->u[k] = ((const uint64_t *)t->data)[0];
    else if (ir_dtype_is_int(t->dtype)) /* narrower: the double is exact */
        p->u[k] = gl_dtype_is_signed(t->dtype) ? (uint64_t)(int64_t)d : (uint64_t)d;
    else if (d != d)
        return rc_err(c, n, what, "'%s' is NaN", t->name);
    return 0;
}

static int clip_check(rc_ctx *c, ir_graph *g, ir_node *n) {
    clip_params *p = gl_params_new(n, sizeof *p);
    const ir_tensor *x;
    int dt, legacy = g->opset < 11;
    if (gl_arity(c, n, 1, legacy ? 1 : 3, 1, 1) ||
        gl_dtype(c, g, n, 0, "input 'input'", IR_UNDEFINED))
        return -1;
    x = ir_in(g, n, 0);
    dt = x->dtype;
    if (legacy) {
        const char *names[2] = {"min", "max"};
        for (int k = 0; k < 2; k++) {
            if (rc_attr_float(c, n, names[k], &p->f[k], &p->has[k]))
                return -1;
            if (p->has[k] && p->f[k] != p->f[k])
                return rc_err(c, n, names[k], "is NaN");
        }
    }
    if (rc_attr_unused(c, g, n))
        return -1;
    if (!(dt == IR_FLOAT || dt == IR_DOUBLE || (g->opset >= 12 && ir_dtype_is_int(dt))))
        return rc_err(c, n, "input 'input'", "element type %s is not supported (float, double%s)",
                      ir_dtype_name(dt), g->opset >= 12 ? ", the integer types" : "");
    if (!legacy && (clip_bound_input(c, g, n, 0, p) || clip_bound_input(c, g, n, 1, p)))
        return -1;
    return gl_set_out(c, g, n, 0, dt, x->rank, x->dims);
}

static int clip_interp(rc_ctx *c, const ir_graph *g, const ir_node *n, rc_values *v) {
    const clip_params *p = n->params;
    int x = n->in[0], y = n->out[0], dt = g->t[x].dtype;
    (void)c;
    rc_values_alloc(v, g, y);
    for (int64_t i = 0; i < ir_numel(&g->t[y]); i++) {
        if (ir_dtype_is_int(dt)) {
            uint64_t u = gl_get_bits(g, v, x, i);
            if (p->has[0] && int_lt(dt, u, p->u[0]))
                u = p->u[0];
            if (p->has[1] && int_lt(dt, p->u[1], u))
                u = p->u[1];
            gl_put_bits(g, v, y, i, u);
        } else {
            double d = gl_get(g, v, x, i);
            if (p->has[0] && d < p->f[0])
                d = p->f[0];
            if (p->has[1] && d > p->f[1])
                d = p->f[1];
            gl_put(g, v, y, i, d);
        }
    }
    return 0;
}

/* The C literal of integer bound u in dtype dt. */
static void int_lit(int dt, uint64_t u, char *buf, size_t size) {
    if (!gl_dtype_is_signed(dt))
        snprintf(buf, size, "%" PRIu64 "u", u);
    else if ((int64_t)u == INT64_MIN)
        snprintf(buf, size, "(-INT64_C(9223372036854775807) - 1)");
    else
        snprintf(buf, size, "INT64_C(%" PRId64 ")", (int64_t)u);
}

static int clip_emit(rc_ctx *c, em_state *e, const ir_graph *g, const ir_node *n) {
    const clip_params *p = n->params;
    int dt = g->t[n->in[0]].dtype;
    char lit[2][64], body[256];
    int use[2];
    (void)c;
    if (ir_dtype_is_int(dt)) {
        /* a bound at the end of the type's range clips nothing; leaving it out also keeps
         * the comparison from being always false (which -Wtype-limits rejects) */
        int64_t lo;
        uint64_t hi;
        int_range(dt, &lo, &hi);
        use[0] = p->has[0] && p->u[0] != (uint64_t)lo;
        use[1] = p->has[1] && p->u[1] != hi;
        for (int k = 0; k < 2; k++)
            int_lit(dt, p->u[k], lit[k], sizeof lit[k]);
    } else {
        use[0] = p->has[0] && p->f[0] != -INFINITY;
        use[1] = p->has[1] && p->f[1] != INFINITY;
        for (int k = 0; k < 2; k++) {
            char f[60];
            gl_float_lit(dt, p->f[k], f, sizeof f);
            snprintf(lit[k], sizeof lit[k], "(%s)", f);
        }
    }
    /* y = min(max(x, lo), hi) */
    snprintf(body, sizeof body, "@T v_ = x_; ");
    for (int k = 0; k < 2; k++)
        if (use[k])
            snprintf(body + strlen(body), sizeof body - strlen(body), "if (v_ %s %s) v_ = (@T)%s; ",
                     k ? ">" : "<", lit[k], lit[k]);
    snprintf(body + strlen(body), sizeof body - strlen(body), "$0 = v_;");
    gl_emit_unary(e, g, n, body, NULL);
    return 0;
}

const rc_op_def rc_op_clip = {
    .op_type = "Clip",
    .check = clip_check,
    .interp = clip_interp,
    .emit = clip_emit,
    .flops = gl_flops_elems,
    .params = gl_params_consts,
    .free_params = gl_free,
    .time = gl_time_same,
};
