/* ops/argmax.c — ArgMax and ArgMin (opsets 1, 11, 12, 13): the int64 index of the largest
 * (smallest) element along `axis` (default 0), kept as a size-1 axis unless keepdims=0.
 * Ties give the first index, or the last with select_last_index=1 (opset 12+). A NaN
 * counts as the extreme (the first NaN wins, as numpy). float, double and every integer
 * type; float16, bfloat16 and bool are refused, and so is a zero-size axis (no index to
 * return). Streaming: the axis must not be the time axis. */
#include "glue.h"

#include <inttypes.h>
#include <math.h>

typedef struct arg_params {
    int axis, keep, last, max;
    int64_t outer, n, inner;
} arg_params;

static int arg_check(rc_ctx *c, ir_graph *g, ir_node *n) {
    arg_params *p;
    const ir_tensor *x;
    int64_t axis = 0, keep = 1, last = 0, dims[IR_MAX_RANK];
    int has, rank = 0;
    if (gl_arity(c, n, 1, 1, 1, 1) || gl_dtype(c, g, n, 0, "input 'data'", IR_UNDEFINED) ||
        rc_attr_int(c, n, "axis", &axis, &has) || rc_attr_int(c, n, "keepdims", &keep, &has))
        return -1;
    if (g->opset >= 12 && rc_attr_int(c, n, "select_last_index", &last, &has))
        return -1;
    if (rc_attr_unused(c, g, n))
        return -1;
    x = ir_in(g, n, 0);
    p = gl_params_new(n, sizeof *p);
    p->max = n->op == RC_OP_ARG_MAX;
    if (!ir_dtype_is_int(x->dtype) && x->dtype != IR_FLOAT && x->dtype != IR_DOUBLE)
        return rc_err(c, n, "input 'data'",
                      "element type %s is not supported (float, double, integers)",
                      ir_dtype_name(x->dtype));
    if (keep != 0 && keep != 1)
        return rc_err(c, n, "attribute keepdims", "must be 0 or 1, got %" PRId64, keep);
    if (last != 0 && last != 1)
        return rc_err(c, n, "attribute select_last_index", "must be 0 or 1, got %" PRId64, last);
    if (x->rank == 0)
        return rc_err(c, n, "input 'data'", "must have rank >= 1, got a scalar");
    if (gl_axis(c, n, "attribute axis", axis, x->rank, &p->axis))
        return -1;
    p->keep = (int)keep, p->last = (int)last;
    ir_split_axis(x, p->axis, &p->outer, &p->n, &p->inner);
    if (p->n == 0)
        return rc_err(c, n, "input 'data'", "axis %d has size 0: there is no index to return",
                      p->axis);
    for (int d = 0; d < x->rank; d++)
        if (d != p->axis)
            dims[rank++] = x->dims[d];
        else if (keep)
            dims[rank++] = 1;
    return gl_set_out(c, g, n, 0, IR_INT64, rank, dims);
}

/* Whether v replaces the current best b. */
static int arg_better(const arg_params *p, double v, double b) {
    if (isnan(b))
        return 0;
    if (isnan(v))
        return 1;
    return p->max ? (v > b || (p->last && v == b)) : (v < b || (p->last && v == b));
}

static int arg_interp(rc_ctx *c, const ir_graph *g, const ir_node *n, rc_values *v) {
    const arg_params *p = n->params;
    int64_t *y = rc_values_alloc(v, g, n->out[0]);
    (void)c;
    for (int64_t o = 0; o < p->outer; o++)
        for (int64_t i = 0; i < p->inner; i++) {
            int64_t base = o * p->n * p->inner + i, bi = 0;
            double b = gl_get(g, v, n->in[0], base);
            for (int64_t k = 1; k < p->n; k++) {
                double xv = gl_get(g, v, n->in[0], base + k * p->inner);
                if (arg_better(p, xv, b))
                    b = xv, bi = k;
            }
            y[o * p->inner + i] = bi;
        }
    return 0;
}

static int arg_emit(rc_ctx *c, em_state *e, const ir_graph *g, const ir_node *n) {
    const arg_params *p = n->params;
    const ir_tensor *x = ir_in(g, n, 0);
    const char *ct = em_ctype(x->dtype), *op = p->max ? ">" : "<";
    int fl = !ir_dtype_is_int(x->dtype);
    (void)c;
    if (p->outer == 0 || p->inner == 0)
        return 0;
    e->has_loops = 1;
    em_printf(e, "for (int o = 0; o < %" PRId64 "; ++o)\n", p->outer);
    em_printf(e, "for (int i = 0; i < %" PRId64 "; ++i) {\n", p->inner);
    em_printf(e, "const %s *x_ = %s + o * %" PRId64 " + i;\n", ct, em_tensor(e, n->in[0]),
              p->n * p->inner);
    em_printf(e, "%s b_ = x_[0];\nint64_t bi_ = 0;\n", ct);
    em_printf(e, "for (int k = 1; k < %" PRId64 "; ++k) {\n", p->n);
    em_printf(e, "const %s v_ = x_[k * %" PRId64 "];\n", ct, p->inner);
    /* a NaN wins over numbers, and the first NaN stays */
    if (fl)
        em_printf(e, "if (!isnan(b_) && (isnan(v_) || v_ %s%s b_))\n", op, p->last ? "=" : "");
    else
        em_printf(e, "if (v_ %s%s b_)\n", op, p->last ? "=" : "");
    em_printf(e, "b_ = v_, bi_ = k;\n}\n%s[o * %" PRId64 " + i] = bi_;\n}\n",
              em_tensor(e, n->out[0]), p->inner);
    return 0;
}

static int arg_time(rc_ctx *c, const ir_graph *g, const ir_node *n, const int *in, int *out) {
    const arg_params *p = n->params;
    (void)g;
    out[0] = in[0];
    if (in[0] < 0)
        return 0;
    if (in[0] == p->axis)
        return gl_time_mixes(c, n, "it searches along the time axis");
    if (!p->keep && in[0] > p->axis)
        out[0]--;
    return 0;
}

#define ARG_OP(sym, name)                                                                          \
    const rc_op_def rc_op_##sym = {                                                                \
        .op_type = name,                                                                           \
        .check = arg_check,                                                                        \
        .interp = arg_interp,                                                                      \
        .emit = arg_emit,                                                                          \
        .time = arg_time,                                                                          \
        .flops = gl_flops_none,                                                                    \
        .params = gl_params_consts,                                                                \
        .free_params = gl_free,                                                                    \
    };

ARG_OP(arg_max, "ArgMax")
ARG_OP(arg_min, "ArgMin")
