/* ops/cumsum.c — CumSum (opsets 11, 14): running sums along the axis given by input 1
 * (a compile-time constant int32/int64 scalar or 1-element vector).
 *
 *   y[k] = sum_{j <= k} x[j]            (exclusive=1: j < k; reverse=1: j >= k / j > k)
 *
 * float and double sum in double; int32, int64, uint32, uint64 wrap modulo 2^bits
 * (unsigned arithmetic). Other types are refused. Streaming: a running sum along the time
 * axis carries state across steps and is refused. */
#include "glue.h"

#include <inttypes.h>
#include <stdio.h>

typedef struct cum_params {
    int axis, exclusive, reverse;
    int64_t outer, n, inner;
} cum_params;

static int cum_check(rc_ctx *c, ir_graph *g, ir_node *n) {
    cum_params *p;
    const ir_tensor *x;
    int64_t axis[1], ex = 0, rev = 0;
    int count, has;
    if (gl_arity(c, n, 2, 2, 2, 1) || gl_dtype(c, g, n, 0, "input 'x'", IR_UNDEFINED) ||
        rc_attr_int(c, n, "exclusive", &ex, &has) || rc_attr_int(c, n, "reverse", &rev, &has) ||
        rc_attr_unused(c, g, n) || gl_const_ints(c, g, n, 1, "input 'axis'", axis, 1, &count))
        return -1;
    x = ir_in(g, n, 0);
    p = gl_params_new(n, sizeof *p);
    if (x->dtype != IR_FLOAT && x->dtype != IR_DOUBLE && x->dtype != IR_INT32 &&
        x->dtype != IR_INT64 && x->dtype != IR_UINT32 && x->dtype != IR_UINT64)
        return rc_err(c, n, "input 'x'",
                      "element type %s is not supported (float, double, int32, int64, uint32, "
                      "uint64)",
                      ir_dtype_name(x->dtype));
    if (count != 1)
        return rc_err(c, n, "input 'axis'", "must hold one value, got %d", count);
    if (ex != 0 && ex != 1)
        return rc_err(c, n, "attribute exclusive", "must be 0 or 1, got %" PRId64, ex);
    if (rev != 0 && rev != 1)
        return rc_err(c, n, "attribute reverse", "must be 0 or 1, got %" PRId64, rev);
    if (x->rank == 0)
        return rc_err(c, n, "input 'x'", "must have rank >= 1, got a scalar");
    if (gl_axis(c, n, "input 'axis'", axis[0], x->rank, &p->axis))
        return -1;
    p->exclusive = (int)ex, p->reverse = (int)rev;
    ir_split_axis(x, p->axis, &p->outer, &p->n, &p->inner);
    return gl_set_out(c, g, n, 0, x->dtype, x->rank, x->dims);
}

/* Position of the k-th element visited along the axis. */
static int64_t cum_pos(const cum_params *p, int64_t k) { return p->reverse ? p->n - 1 - k : k; }

static int cum_interp(rc_ctx *c, const ir_graph *g, const ir_node *n, rc_values *v) {
    const cum_params *p = n->params;
    int dt = g->t[n->in[0]].dtype, fl = dt == IR_FLOAT || dt == IR_DOUBLE;
    rc_values_alloc(v, g, n->out[0]);
    (void)c;
    for (int64_t o = 0; o < p->outer; o++)
        for (int64_t i = 0; i < p->inner; i++) {
            double s = 0;
            uint64_t u = 0; /* integers: exact, wrapping */
            for (int64_t k = 0; k < p->n; k++) {
                int64_t at = (o * p->n + cum_pos(p, k)) * p->inner + i;
                const void *x = v->data[n->in[0]];
                uint64_t xu = dt == IR_INT32    ? (uint64_t)(int64_t)((const int32_t *)x)[at]
                              : dt == IR_UINT32 ? ((const uint32_t *)x)[at]
                              : fl              ? 0
                                                : ((const uint64_t *)x)[at];
                double xd = fl ? gl_get(g, v, n->in[0], at) : 0;
                if (!p->exclusive)
                    s += xd, u += xu;
                if (fl)
                    gl_put(g, v, n->out[0], at, s);
                else if (dt == IR_INT32 || dt == IR_UINT32)
                    ((uint32_t *)v->data[n->out[0]])[at] = (uint32_t)u;
                else
                    ((uint64_t *)v->data[n->out[0]])[at] = u;
                if (p->exclusive)
                    s += xd, u += xu;
            }
        }
    return 0;
}

static int cum_emit(rc_ctx *c, em_state *e, const ir_graph *g, const ir_node *n) {
    const cum_params *p = n->params;
    int dt = g->t[n->in[0]].dtype, fl = dt == IR_FLOAT || dt == IR_DOUBLE;
    const char *ct = em_ctype(dt);
    const char *ut = fl ? "double" : dt == IR_INT32 || dt == IR_UINT32 ? "uint32_t" : "uint64_t";
    char step[32];
    (void)c;
    if (p->outer == 0 || p->inner == 0 || p->n == 0)
        return 0;
    e->has_loops = 1;
    snprintf(step, sizeof step, "%s%" PRId64, p->reverse ? "-" : "", p->inner);
    em_printf(e, "for (int o = 0; o < %" PRId64 "; ++o)\n", p->outer);
    em_printf(e, "for (int i = 0; i < %" PRId64 "; ++i) {\n", p->inner);
    em_printf(e, "const %s *x_ = %s + o * %" PRId64 " + i + %" PRId64 ";\n", ct,
              em_tensor(e, n->in[0]), p->n * p->inner, p->reverse ? (p->n - 1) * p->inner : 0);
    em_printf(e, "%s *y_ = %s + o * %" PRId64 " + i + %" PRId64 ";\n", ct, em_tensor(e, n->out[0]),
              p->n * p->inner, p->reverse ? (p->n - 1) * p->inner : 0);
    em_printf(e, "%s s_ = 0;\n", ut);
    em_printf(e, "for (int k = 0; k < %" PRId64 "; ++k) {\n", p->n);
    if (p->exclusive)
        em_printf(e, "y_[k * %s] = (%s)s_;\ns_ += (%s)x_[k * %s];\n}\n}\n", step, ct, ut, step);
    else
        em_printf(e, "s_ += (%s)x_[k * %s];\ny_[k * %s] = (%s)s_;\n}\n}\n", ut, step, step, ct);
    return 0;
}

static int cum_time(rc_ctx *c, const ir_graph *g, const ir_node *n, const int *in, int *out) {
    const cum_params *p = n->params;
    (void)g;
    out[0] = in[0];
    if (in[0] >= 0 && in[0] == p->axis)
        return gl_time_mixes(c, n, "it sums along the time axis, carrying state across steps");
    return 0;
}

const rc_op_def rc_op_cum_sum = {
    .since = 11,
    .op_type = "CumSum",
    .check = cum_check,
    .interp = cum_interp,
    .emit = cum_emit,
    .time = cum_time,
    .flops = gl_flops_elems,
    .params = gl_params_consts,
    .free_params = gl_free,
};
