/* ops/reduce.c — the Reduce* family (opsets 1, 11, 13, 18): ReduceSum, ReduceMean,
 * ReduceMax, ReduceMin, ReduceProd, ReduceL1, ReduceL2, ReduceLogSum, ReduceLogSumExp,
 * ReduceSumSquare.
 *
 *   y[kept] = fin(fold(init, x[kept, r] for r over the reduced axes))
 *
 * Axes: attribute `axes` before opset 18 (ReduceSum: before 13), optional input 1 from
 * then on (a compile-time constant). Empty axes reduce every axis, unless
 * noop_with_empty_axes (same opsets as the input form) makes the op a copy. keepdims
 * (default 1) keeps reduced axes as size 1. A zero-size reduction gives the identity:
 * 0 (Sum, L1, L2, SumSquare), 1 (Prod), NaN (Mean of floats; 0 for integers), -inf / the
 * type's minimum (Max), +inf / the type's maximum (Min), -inf (LogSum, LogSumExp).
 *
 * Element types: float and double (accumulated in double), and every integer type for
 * Sum, Mean, Max, Min, Prod, L1, SumSquare (exact, wrapping modulo 2^64 as unsigned
 * arithmetic; Mean truncates toward zero). L2, LogSum, LogSumExp refuse integers; float16,
 * bfloat16 and bool are refused. Streaming: reducing the time axis mixes steps (refused);
 * other reductions keep it. */
#include "glue.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum red_kind {
    RED_SUM,
    RED_MEAN,
    RED_MAX,
    RED_MIN,
    RED_PROD,
    RED_L1,
    RED_L2,
    RED_LOG_SUM,
    RED_LOG_SUM_EXP,
    RED_SUM_SQUARE
} red_kind;

typedef struct red_params {
    red_kind kind;
    int noop;             /* noop_with_empty_axes with empty axes: a copy */
    int red[IR_MAX_RANK]; /* 1 for a reduced axis of the input */
    int64_t count;        /* input elements folded into each output element */
} red_params;

static red_kind kind_of(rc_op op) {
    switch (op) {
    case RC_OP_REDUCE_SUM:
        return RED_SUM;
    case RC_OP_REDUCE_MEAN:
        return RED_MEAN;
    case RC_OP_REDUCE_MAX:
        return RED_MAX;
    case RC_OP_REDUCE_MIN:
        return RED_MIN;
    case RC_OP_REDUCE_PROD:
        return RED_PROD;
    case RC_OP_REDUCE_L1:
        return RED_L1;
    case RC_OP_REDUCE_L2:
        return RED_L2;
    case RC_OP_REDUCE_LOG_SUM:
        return RED_LOG_SUM;
    case RC_OP_REDUCE_LOG_SUM_EXP:
        return RED_LOG_SUM_EXP;
    case RC_OP_REDUCE_SUM_SQUARE:
        return RED_SUM_SQUARE;
    default:
        rc_die("reduce: op %d", op);
    }
}

static int is_signed_int(int dt) {
    return dt == IR_INT8 || dt == IR_INT16 || dt == IR_INT32 || dt == IR_INT64;
}

/* The axes list (attribute or input, by opset) and noop_with_empty_axes. */
static int red_axes(rc_ctx *c, const ir_graph *g, ir_node *n, int64_t *axes, int *count,
                    int64_t *noop) {
    int as_input = g->opset >= 18 || (n->op == RC_OP_REDUCE_SUM && g->opset >= 13);
    int has;
    *count = 0;
    *noop = 0;
    if (gl_arity(c, n, 1, as_input ? 2 : 1, 1, 1))
        return -1;
    if (!as_input) {
        const int64_t *a;
        if (rc_attr_ints(c, n, "axes", &a, count))
            return -1;
        if (*count > IR_MAX_RANK)
            return rc_err(c, n, "attribute axes", "has %d values, at most %d", *count, IR_MAX_RANK);
        if (a)
            memcpy(axes, a, sizeof(int64_t) * (size_t)*count);
        return 0;
    }
    if (rc_attr_int(c, n, "noop_with_empty_axes", noop, &has))
        return -1;
    if (n->n_in > 1 && n->in[1] >= 0)
        return gl_const_ints(c, g, n, 1, "input 'axes'", axes, IR_MAX_RANK, count);
    return 0;
}

static int red_dtype_ok(red_kind k, int dt) {
    if (dt == IR_FLOAT || dt == IR_DOUBLE)
        return 1;
    if (!ir_dtype_is_int(dt))
        return 0;
    return k != RED_L2 && k != RED_LOG_SUM && k != RED_LOG_SUM_EXP;
}

static int red_check(rc_ctx *c, ir_graph *g, ir_node *n) {
    red_params *p;
    const ir_tensor *x;
    int64_t axes[IR_MAX_RANK], keep = 1, noop, dims[IR_MAX_RANK];
    int count, has, rank = 0;
    if (red_axes(c, g, n, axes, &count, &noop) ||
        gl_dtype(c, g, n, 0, "input 'data'", IR_UNDEFINED) ||
        rc_attr_int(c, n, "keepdims", &keep, &has) || rc_attr_unused(c, g, n))
        return -1;
    x = ir_in(g, n, 0);
    p = gl_params_new(n, sizeof *p);
    p->kind = kind_of(n->op);
    if (!red_dtype_ok(p->kind, x->dtype))
        return rc_err(c, n, "input 'data'", "element type %s is not supported (float, double%s)",
                      ir_dtype_name(x->dtype), red_dtype_ok(p->kind, IR_INT32) ? ", integers" : "");
    if (keep != 0 && keep != 1)
        return rc_err(c, n, "attribute keepdims", "must be 0 or 1, got %" PRId64, keep);
    if (noop != 0 && noop != 1)
        return rc_err(c, n, "attribute noop_with_empty_axes", "must be 0 or 1, got %" PRId64, noop);
    p->noop = count == 0 && noop;
    for (int k = 0; k < count; k++) {
        int a;
        if (gl_axis(c, n, "axes", axes[k], x->rank, &a))
            return -1;
        if (p->red[a])
            return rc_err(c, n, "axes", "axis %d is given twice", a);
        p->red[a] = 1;
    }
    p->count = 1;
    for (int d = 0; d < x->rank; d++) {
        if (count == 0 && !p->noop)
            p->red[d] = 1; /* empty axes: every axis */
        if (p->red[d])
            p->count *= x->dims[d];
        if (!p->red[d])
            dims[rank++] = x->dims[d];
        else if (keep)
            dims[rank++] = 1;
    }
    return gl_set_out(c, g, n, 0, x->dtype, rank, dims);
}

/* Interpreter ------------------------------------------------------------- */

/* Integer element i as its 64 bits (signed types sign-extended). */
static uint64_t int_get(int dt, const void *p, int64_t i) {
    switch (dt) {
    case IR_INT8:
        return (uint64_t)(int64_t)((const int8_t *)p)[i];
    case IR_UINT8:
        return ((const uint8_t *)p)[i];
    case IR_INT16:
        return (uint64_t)(int64_t)((const int16_t *)p)[i];
    case IR_UINT16:
        return ((const uint16_t *)p)[i];
    case IR_INT32:
        return (uint64_t)(int64_t)((const int32_t *)p)[i];
    case IR_UINT32:
        return ((const uint32_t *)p)[i];
    case IR_INT64:
        return (uint64_t)((const int64_t *)p)[i];
    default:
        return ((const uint64_t *)p)[i];
    }
}

/* Stores the low bits of u into integer element i. */
static void int_put(int dt, void *p, int64_t i, uint64_t u) {
    switch (dt) {
    case IR_INT8:
    case IR_UINT8:
        ((uint8_t *)p)[i] = (uint8_t)u;
        break;
    case IR_INT16:
    case IR_UINT16:
        ((uint16_t *)p)[i] = (uint16_t)u;
        break;
    case IR_INT32:
    case IR_UINT32:
        ((uint32_t *)p)[i] = (uint32_t)u;
        break;
    default:
        ((uint64_t *)p)[i] = u;
    }
}

/* a < b in the integer dtype's order. */
static int int_less(int dt, uint64_t a, uint64_t b) {
    return is_signed_int(dt) ? (int64_t)a < (int64_t)b : a < b;
}

/* The smallest and largest value of an integer dtype, as 64 bits. */
static uint64_t int_lowest(int dt) {
    return dt == IR_INT8    ? (uint64_t)(int64_t)INT8_MIN
           : dt == IR_INT16 ? (uint64_t)(int64_t)INT16_MIN
           : dt == IR_INT32 ? (uint64_t)(int64_t)INT32_MIN
           : dt == IR_INT64 ? (uint64_t)INT64_MIN
                            : 0;
}
static uint64_t int_highest(int dt) {
    switch (dt) {
    case IR_INT8:
        return INT8_MAX;
    case IR_UINT8:
        return UINT8_MAX;
    case IR_INT16:
        return INT16_MAX;
    case IR_UINT16:
        return UINT16_MAX;
    case IR_INT32:
        return INT32_MAX;
    case IR_UINT32:
        return UINT32_MAX;
    case IR_INT64:
        return INT64_MAX;
    default:
        return UINT64_MAX;
    }
}

/* Flat input offsets of output element o's first input element (base) and of the reduced
 * elements relative to it: offs[r] for the r-th reduced element in row-major order. */
static int64_t red_base(const ir_tensor *x, const red_params *p, int64_t o) {
    int64_t xs[IR_MAX_RANK], base = 0;
    gl_strides(x->rank, x->dims, xs);
    for (int d = x->rank - 1; d >= 0; d--)
        if (!p->red[d]) {
            base += (o % x->dims[d]) * xs[d];
            o /= x->dims[d];
        }
    return base;
}
static int64_t red_off(const ir_tensor *x, const red_params *p, int64_t r) {
    int64_t xs[IR_MAX_RANK], off = 0;
    gl_strides(x->rank, x->dims, xs);
    for (int d = x->rank - 1; d >= 0; d--)
        if (p->red[d]) {
            off += (r % x->dims[d]) * xs[d];
            r /= x->dims[d];
        }
    return off;
}

/* One output element of a float reduction, in double. */
static double red_float(const red_params *p, const ir_graph *g, const rc_values *v, int xi,
                        int64_t base, const int64_t *offs) {
    double a = p->kind == RED_PROD  ? 1
               : p->kind == RED_MAX ? -INFINITY
               : p->kind == RED_MIN ? INFINITY
                                    : 0;
    double m = -INFINITY;
    if (p->kind == RED_LOG_SUM_EXP) { /* log(sum exp(x)) = m + log(sum exp(x - m)) */
        for (int64_t r = 0; r < p->count; r++) {
            double xv = gl_get(g, v, xi, base + offs[r]);
            m = isnan(xv) || xv > m ? xv : m;
        }
        if (isinf(m) || isnan(m))
            return m;
    }
    for (int64_t r = 0; r < p->count; r++) {
        double xv = gl_get(g, v, xi, base + offs[r]);
        switch (p->kind) {
        case RED_MAX:
            a = isnan(xv) || xv > a ? xv : a;
            break;
        case RED_MIN:
            a = isnan(xv) || xv < a ? xv : a;
            break;
        case RED_PROD:
            a *= xv;
            break;
        case RED_L1:
            a += fabs(xv);
            break;
        case RED_L2:
        case RED_SUM_SQUARE:
            a += xv * xv;
            break;
        case RED_LOG_SUM_EXP:
            a += exp(xv - m);
            break;
        default:
            a += xv;
        }
    }
    switch (p->kind) {
    case RED_MEAN:
        return a / (double)p->count; /* empty: 0 / 0 = NaN, as numpy */
    case RED_L2:
        return sqrt(a);
    case RED_LOG_SUM:
        return log(a);
    case RED_LOG_SUM_EXP:
        return m + log(a);
    default:
        return a;
    }
}

/* One output element of an integer reduction, exact modulo 2^64. */
static uint64_t red_int(const red_params *p, int dt, const void *x, int64_t base,
                        const int64_t *offs) {
    uint64_t a = p->kind == RED_PROD  ? 1
                 : p->kind == RED_MAX ? int_lowest(dt)
                 : p->kind == RED_MIN ? int_highest(dt)
                                      : 0;
    for (int64_t r = 0; r < p->count; r++) {
        uint64_t xv = int_get(dt, x, base + offs[r]);
        switch (p->kind) {
        case RED_MAX:
            a = int_less(dt, a, xv) ? xv : a;
            break;
        case RED_MIN:
            a = int_less(dt, xv, a) ? xv : a;
            break;
        case RED_PROD:
            a *= xv;
            break;
        case RED_L1:
            a += is_signed_int(dt) && (int64_t)xv < 0 ? 0u - xv : xv;
            break;
        case RED_SUM_SQUARE:
            a += xv * xv;
            break;
        default:
            a += xv;
        }
    }
    if (p->kind == RED_MEAN && p->count > 0)
        a = is_signed_int(dt) ? (uint64_t)((int64_t)a / p->count) : a / (uint64_t)p->count;
    return a;
}

static int red_interp(rc_ctx *c, const ir_graph *g, const ir_node *n, rc_values *v) {
    const red_params *p = n->params;
    const ir_tensor *x = &g->t[n->in[0]], *y = &g->t[n->out[0]];
    int64_t *offs;
    void *yd = rc_values_alloc(v, g, n->out[0]);
    (void)c;
    if (p->noop) {
        memcpy(yd, v->data[n->in[0]], (size_t)ir_numel(x) * ir_dtype_size(x->dtype));
        return 0;
    }
    offs = rc_xcalloc((size_t)(p->count ? p->count : 1), sizeof *offs);
    for (int64_t r = 0; r < p->count; r++)
        offs[r] = red_off(x, p, r);
    for (int64_t o = 0; o < ir_numel(y); o++) {
        int64_t base = red_base(x, p, o);
        if (ir_dtype_is_int(x->dtype))
            int_put(x->dtype, yd, o, red_int(p, x->dtype, v->data[n->in[0]], base, offs));
        else
            gl_put(g, v, n->out[0], o, red_float(p, g, v, n->in[0], base, offs));
    }
    free(offs);
    return 0;
}

/* Emitter ---------------------------------------------------------------- */

/* Loop dimensions with the input stride (and output stride) of each; neighbours that are
 * contiguous for both merge, so a LayerNorm-style mean over the last axis is one row loop
 * around one contiguous inner loop. */
typedef struct red_loops {
    int n;
    int64_t dim[IR_MAX_RANK], xs[IR_MAX_RANK], ys[IR_MAX_RANK];
} red_loops;

static void loops_add(red_loops *l, int64_t dim, int64_t xs, int64_t ys) {
    if (dim == 1)
        return;
    if (l->n && l->xs[l->n - 1] == xs * dim && l->ys[l->n - 1] == ys * dim) {
        l->dim[l->n - 1] *= dim, l->xs[l->n - 1] = xs, l->ys[l->n - 1] = ys;
        return;
    }
    l->dim[l->n] = dim, l->xs[l->n] = xs, l->ys[l->n] = ys, l->n++;
}

/* "i0 * 12 + i1" for the loops' strides (xs or ys); "0" when none. */
static void idx_expr(char *buf, size_t cap, const red_loops *l, const int64_t *st, char var) {
    size_t len = 0;
    buf[0] = 0;
    for (int d = 0; d < l->n; d++) {
        if (st[d] == 0)
            continue;
        len += (size_t)snprintf(buf + len, cap - len, "%s%c%d", len ? " + " : "", var, d);
        if (st[d] != 1)
            len += (size_t)snprintf(buf + len, cap - len, " * %" PRId64, st[d]);
    }
    if (!len)
        snprintf(buf, cap, "0");
}

static void emit_loops(em_state *e, const red_loops *l, char var) {
    for (int d = 0; d < l->n; d++)
        em_printf(e, "for (int %c%d = 0; %c%d < %" PRId64 "; ++%c%d)\n", var, d, var, d, l->dim[d],
                  var, d);
}

static const char *int_min_lit(int dt) {
    return dt == IR_INT8    ? "INT8_MIN"
           : dt == IR_INT16 ? "INT16_MIN"
           : dt == IR_INT32 ? "INT32_MIN"
           : dt == IR_INT64 ? "INT64_MIN"
                            : "0";
}
static const char *int_max_lit(int dt) {
    switch (dt) {
    case IR_INT8:
        return "INT8_MAX";
    case IR_UINT8:
        return "UINT8_MAX";
    case IR_INT16:
        return "INT16_MAX";
    case IR_UINT16:
        return "UINT16_MAX";
    case IR_INT32:
        return "INT32_MAX";
    case IR_UINT32:
        return "UINT32_MAX";
    case IR_INT64:
        return "INT64_MAX";
    default:
        return "UINT64_MAX";
    }
}

/* The accumulator's C type and initial value. */
static void acc_init(red_kind k, int dt, const char **type, const char **init) {
    int fl = !ir_dtype_is_int(dt);
    if (k == RED_MAX || k == RED_MIN) {
        *type = fl ? "double" : em_ctype(dt);
        *init = fl ? (k == RED_MAX ? "-INFINITY" : "INFINITY")
                   : (k == RED_MAX ? int_min_lit(dt) : int_max_lit(dt));
        return;
    }
    *type = fl ? "double" : "uint64_t";
    *init = k == RED_PROD ? (fl ? "1.0" : "1u") : (fl ? "0.0" : "0u");
}

/* The fold statement of one element v_ into a_. */
static const char *acc_step(red_kind k, int dt) {
    int fl = !ir_dtype_is_int(dt);
    switch (k) {
    case RED_MAX:
        return fl ? "a_ = isnan(v_) || v_ > a_ ? v_ : a_;" : "a_ = v_ > a_ ? v_ : a_;";
    case RED_MIN:
        return fl ? "a_ = isnan(v_) || v_ < a_ ? v_ : a_;" : "a_ = v_ < a_ ? v_ : a_;";
    case RED_PROD:
        return fl ? "a_ *= v_;" : "a_ *= (uint64_t)v_;";
    case RED_L1:
        return fl                  ? "a_ += fabs(v_);"
               : is_signed_int(dt) ? "a_ += v_ < 0 ? 0u - (uint64_t)v_ : (uint64_t)v_;"
                                   : "a_ += (uint64_t)v_;";
    case RED_L2:
    case RED_SUM_SQUARE:
        return fl ? "a_ += v_ * v_;" : "a_ += (uint64_t)v_ * (uint64_t)v_;";
    case RED_LOG_SUM_EXP:
        return "a_ += exp(v_ - m_);";
    default:
        return fl ? "a_ += v_;" : "a_ += (uint64_t)v_;";
    }
}

/* The value stored for accumulator a_, in the output's type. */
static void acc_final(char *buf, size_t cap, const red_params *p, int dt) {
    const char *ct = em_ctype(dt);
    if (!ir_dtype_is_int(dt)) {
        const char *f = p->kind == RED_MEAN          ? "a_ / %" PRId64 ".0"
                        : p->kind == RED_L2          ? "sqrt(a_)"
                        : p->kind == RED_LOG_SUM     ? "log(a_)"
                        : p->kind == RED_LOG_SUM_EXP ? "m_ + log(a_)"
                                                     : "a_";
        char tmp[64];
        snprintf(tmp, sizeof tmp, f, p->count);
        snprintf(buf, cap, "(%s)(%s)", ct, tmp);
    } else if (p->kind == RED_MAX || p->kind == RED_MIN) {
        snprintf(buf, cap, "a_");
    } else if (p->kind == RED_MEAN) {
        if (is_signed_int(dt))
            snprintf(buf, cap, "(%s)((int64_t)a_ / %" PRId64 ")", ct, p->count);
        else
            snprintf(buf, cap, "(%s)(a_ / %" PRId64 "u)", ct, p->count);
    } else {
        /* the low bits: the conversion to a signed type is the usual wrap */
        snprintf(buf, cap, is_signed_int(dt) ? "(%s)(int64_t)a_" : "(%s)a_", ct);
    }
}

/* The identity a zero-size reduction gives (see the header). */
static const char *red_identity(red_kind k, int dt) {
    int fl = !ir_dtype_is_int(dt);
    switch (k) {
    case RED_MEAN:
        return fl ? "NAN" : "0";
    case RED_MAX:
        return fl ? "-INFINITY" : int_min_lit(dt);
    case RED_MIN:
        return fl ? "INFINITY" : int_max_lit(dt);
    case RED_PROD:
        return "1";
    case RED_LOG_SUM:
    case RED_LOG_SUM_EXP:
        return "-INFINITY";
    default:
        return "0";
    }
}

static int red_emit(rc_ctx *c, em_state *e, const ir_graph *g, const ir_node *n) {
    const red_params *p = n->params;
    const ir_tensor *x = &g->t[n->in[0]], *y = &g->t[n->out[0]];
    const char *xp = em_tensor(e, n->in[0]), *yp = em_tensor(e, n->out[0]);
    const char *at, *init;
    int64_t xs[IR_MAX_RANK], ys = 1, ny = ir_numel(y);
    red_loops kept = {0}, red = {0};
    char xi[256], xr[256], yi[256], fin[128];
    (void)c;
    if (p->noop)
        return gl_emit_alias(c, e, g, n);
    if (ny == 0)
        return 0;
    e->has_loops = 1;
    if (p->count == 0) {
        em_printf(e, "for (int o = 0; o < %" PRId64 "; ++o)\n%s[o] = %s;\n", ny, yp,
                  red_identity(p->kind, x->dtype));
        return 0;
    }
    gl_strides(x->rank, x->dims, xs);
    /* output strides of the kept axes: the output is dense over them */
    {
        int64_t yst[IR_MAX_RANK];
        for (int d = x->rank - 1; d >= 0; d--)
            if (!p->red[d])
                yst[d] = ys, ys *= x->dims[d];
        for (int d = 0; d < x->rank; d++) {
            if (p->red[d])
                loops_add(&red, x->dims[d], xs[d], 0);
            else
                loops_add(&kept, x->dims[d], xs[d], yst[d]);
        }
    }
    idx_expr(xi, sizeof xi, &kept, kept.xs, 'i');
    idx_expr(yi, sizeof yi, &kept, kept.ys, 'i');
    idx_expr(xr, sizeof xr, &red, red.xs, 'j');
    acc_init(p->kind, x->dtype, &at, &init);
    acc_final(fin, sizeof fin, p, x->dtype);
    emit_loops(e, &kept, 'i');
    em_printf(e, "{\nconst %s *x_ = %s + %s;\n%s a_ = %s;\n", em_ctype(x->dtype), xp, xi, at, init);
    if (p->kind == RED_LOG_SUM_EXP) { /* m_ + log(sum exp(x - m_)), m_ the maximum */
        em_printf(e, "double m_ = -INFINITY;\n");
        emit_loops(e, &red, 'j');
        em_printf(e, "{\nconst double v_ = x_[%s];\nm_ = isnan(v_) || v_ > m_ ? v_ : m_;\n}\n", xr);
        /* all -inf, or an inf or NaN present: the maximum is the answer */
        em_printf(e, "if (isinf(m_) || isnan(m_))\n%s[%s] = (%s)m_;\nelse {\n", yp, yi,
                  em_ctype(y->dtype));
    }
    emit_loops(e, &red, 'j');
    em_printf(e, "{\nconst %s v_ = x_[%s];\n%s\n}\n",
              ir_dtype_is_int(x->dtype) ? em_ctype(x->dtype) : "double", xr,
              acc_step(p->kind, x->dtype));
    em_printf(e, "%s[%s] = %s;\n}\n%s", yp, yi, fin, p->kind == RED_LOG_SUM_EXP ? "}\n" : "");
    return 0;
}

static double red_flops(const ir_graph *g, const ir_node *n) {
    return (double)ir_numel(&g->t[n->in[0]]);
}

static int red_time(rc_ctx *c, const ir_graph *g, const ir_node *n, const int *in, int *out) {
    const red_params *p = n->params;
    const ir_tensor *x = ir_in(g, n, 0), *y = ir_out(g, n, 0);
    out[0] = in[0];
    if (in[0] < 0 || p->noop)
        return 0;
    if (p->red[in[0]])
        return gl_time_mixes(c, n, "it reduces over the time axis");
    if (y->rank < x->rank) /* keepdims=0: earlier reduced axes are gone */
        for (int d = 0; d < in[0]; d++)
            out[0] -= p->red[d];
    return 0;
}

#define RED_OP(sym, name)                                                                          \
    const rc_op_def rc_op_##sym = {                                                                \
        .op_type = name,                                                                           \
        .check = red_check,                                                                        \
        .interp = red_interp,                                                                      \
        .emit = red_emit,                                                                          \
        .time = red_time,                                                                          \
        .flops = red_flops,                                                                        \
        .params = gl_params_consts,                                                                \
        .free_params = gl_free,                                                                    \
    };

RED_OP(reduce_sum, "ReduceSum")
RED_OP(reduce_mean, "ReduceMean")
RED_OP(reduce_max, "ReduceMax")
RED_OP(reduce_min, "ReduceMin")
RED_OP(reduce_prod, "ReduceProd")
RED_OP(reduce_l1, "ReduceL1")
RED_OP(reduce_l2, "ReduceL2")
RED_OP(reduce_log_sum, "ReduceLogSum")
RED_OP(reduce_log_sum_exp, "ReduceLogSumExp")
RED_OP(reduce_sum_square, "ReduceSumSquare")

/* MeanVarianceNormalization (opsets 9, 13) ----------------------------------
 *
 *   y = (x - E[x]) / (sqrt(E[(x - E[x])^2]) + 1e-9)
 *
 * with the expectations over `axes` (default [0, 2, 3]), as ONNX's function body
 * (which writes the variance E[x^2] - E[x]^2; the centred form is the same number, computed
 * stably). float and double; others refused. It shares the reductions' params and loops. */

static int mvn_check(rc_ctx *c, ir_graph *g, ir_node *n) {
    red_params *p;
    const ir_tensor *x;
    static const int64_t def[3] = {0, 2, 3};
    const int64_t *axes;
    int count;
    if (gl_arity(c, n, 1, 1, 1, 1) || gl_dtype(c, g, n, 0, "input 'X'", IR_UNDEFINED) ||
        rc_attr_ints(c, n, "axes", &axes, &count) || rc_attr_unused(c, g, n))
        return -1;
    x = ir_in(g, n, 0);
    p = gl_params_new(n, sizeof *p);
    p->kind = RED_MEAN;
    if (x->dtype != IR_FLOAT && x->dtype != IR_DOUBLE)
        return rc_err(c, n, "input 'X'", "element type %s is not supported (float, double)",
                      ir_dtype_name(x->dtype));
    if (!axes)
        axes = def, count = 3;
    for (int k = 0; k < count; k++) {
        int a;
        if (gl_axis(c, n, "attribute axes", axes[k], x->rank, &a))
            return -1;
        if (p->red[a])
            return rc_err(c, n, "attribute axes", "axis %d is given twice", a);
        p->red[a] = 1;
    }
    p->count = 1;
    for (int d = 0; d < x->rank; d++)
        if (p->red[d])
            p->count *= x->dims[d];
    return gl_set_out(c, g, n, 0, x->dtype, x->rank, x->dims);
}

static int mvn_interp(rc_ctx *c, const ir_graph *g, const ir_node *n, rc_values *v) {
    const red_params *p = n->params;
    const ir_tensor *x = &g->t[n->in[0]];
    int64_t *offs, outer = p->count ? ir_numel(x) / p->count : 0;
    (void)c;
    rc_values_alloc(v, g, n->out[0]);
    offs = rc_xcalloc((size_t)(p->count ? p->count : 1), sizeof *offs);
    for (int64_t r = 0; r < p->count; r++)
        offs[r] = red_off(x, p, r);
    for (int64_t o = 0; o < outer; o++) {
        int64_t base = red_base(x, p, o);
        double s = 0, q = 0, m, inv;
        for (int64_t r = 0; r < p->count; r++)
            s += gl_get(g, v, n->in[0], base + offs[r]);
        m = s / (double)p->count;
        for (int64_t r = 0; r < p->count; r++) {
            double d = gl_get(g, v, n->in[0], base + offs[r]) - m;
            q += d * d;
        }
        inv = 1.0 / (sqrt(q / (double)p->count) + 1e-9);
        for (int64_t r = 0; r < p->count; r++)
            gl_put(g, v, n->out[0], base + offs[r],
                   (gl_get(g, v, n->in[0], base + offs[r]) - m) * inv);
    }
    free(offs);
    return 0;
}

static int mvn_emit(rc_ctx *c, em_state *e, const ir_graph *g, const ir_node *n) {
    const red_params *p = n->params;
    const ir_tensor *x = &g->t[n->in[0]];
    const char *ct = em_ctype(x->dtype);
    int64_t xs[IR_MAX_RANK];
    red_loops kept = {0}, red = {0};
    char xi[256], xr[256];
    (void)c;
    if (ir_numel(x) == 0)
        return 0;
    e->has_loops = 1;
    gl_strides(x->rank, x->dims, xs);
    for (int d = 0; d < x->rank; d++)
        loops_add(p->red[d] ? &red : &kept, x->dims[d], xs[d], 0);
    idx_expr(xi, sizeof xi, &kept, kept.xs, 'i');
    idx_expr(xr, sizeof xr, &red, red.xs, 'j');
    emit_loops(e, &kept, 'i');
    em_printf(e, "{\nconst %s *x_ = %s + %s;\n%s *y_ = %s + %s;\n", ct, em_tensor(e, n->in[0]), xi,
              ct, em_tensor(e, n->out[0]), xi);
    em_printf(e, "double s_ = 0.0, q_ = 0.0, m_, r_;\n");
    emit_loops(e, &red, 'j');
    em_printf(e, "s_ += x_[%s];\nm_ = s_ / %" PRId64 ".0;\n", xr, p->count);
    emit_loops(e, &red, 'j');
    em_printf(e, "{\nconst double d_ = x_[%s] - m_;\nq_ += d_ * d_;\n}\n", xr);
    em_printf(e, "r_ = 1.0 / (sqrt(q_ / %" PRId64 ".0) + 1e-9);\n", p->count);
    emit_loops(e, &red, 'j');
    em_printf(e, "y_[%s] = (%s)((x_[%s] - m_) * r_);\n}\n", xr, ct, xr);
    return 0;
}

static int mvn_time(rc_ctx *c, const ir_graph *g, const ir_node *n, const int *in, int *out) {
    const red_params *p = n->params;
    (void)g;
    out[0] = in[0];
    if (in[0] >= 0 && p->red[in[0]])
        return gl_time_mixes(c, n, "it normalises over the time axis");
    return 0;
}

const rc_op_def rc_op_mvn = {
    .since = 9,
    .op_type = "MeanVarianceNormalization",
    .check = mvn_check,
    .interp = mvn_interp,
    .emit = mvn_emit,
    .time = mvn_time,
    .flops = red_flops,
    .params = gl_params_consts,
    .free_params = gl_free,
};
