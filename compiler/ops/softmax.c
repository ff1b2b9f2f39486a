/* ops/softmax.c — Softmax and LogSoftmax (opsets 1, 11, 13).
 *
 *   softmax(x)_k = exp(x_k - m) / sum_j exp(x_j - m),   m = max_j x_j
 *   logsoftmax(x)_k = x_k - m - log(sum_j exp(x_j - m))
 *
 * Opset < 13 (default axis 1): the input is read as a 2-D matrix
 * [prod(dims[:axis]), prod(dims[axis:])] and normalised per row. Opset >= 13
 * (default axis -1): normalised along the one axis. Both are a loop over
 * [outer][n][inner] with the reduction over n. */
#include "glue.h"

#include <inttypes.h>
#include <math.h>

typedef struct softmax_params {
    int64_t outer, n, inner;
    int log;
    int axis, flat; /* flat: opset < 13, normalises every dimension from axis on */
} softmax_params;

static int softmax_check(rc_ctx *c, ir_graph *g, ir_node *n) {
    softmax_params *p;
    const ir_tensor *x;
    int64_t axis = g->opset < 13 ? 1 : -1;
    int has, a;
    if (gl_arity(c, n, 1, 1, 1, 1) || gl_dtype(c, g, n, 0, "input", IR_FLOAT) ||
        rc_attr_int(c, n, "axis", &axis, &has) || rc_attr_unused(c, g, n))
        return -1;
    x = ir_in(g, n, 0);
    p = gl_params_new(n, sizeof *p);
    p->log = n->op == RC_OP_LOG_SOFTMAX;
    if (x->rank == 0)
        return rc_err(c, n, "input", "must have rank >= 1, got a scalar");
    if (gl_axis(c, n, "attribute axis", axis, x->rank, &a))
        return -1;
    p->axis = a;
    p->flat = g->opset < 13;
    ir_split_axis(x, a, &p->outer, &p->n, &p->inner);
    if (p->flat) /* the 2-D view: everything from axis on is one row */
        p->n *= p->inner, p->inner = 1;
    return gl_set_out(c, g, n, 0, IR_FLOAT, x->rank, x->dims);
}

static int softmax_interp(rc_ctx *c, const ir_graph *g, const ir_node *n, rc_values *v) {
    const softmax_params *p = n->params;
    const float *x = v->data[n->in[0]];
    float *y = rc_values_alloc(v, g, n->out[0]);
    (void)c;
    for (int64_t o = 0; o < p->outer; o++)
        for (int64_t i = 0; i < p->inner; i++) {
            int64_t base = o * p->n * p->inner + i;
            double m = -INFINITY, s = 0;
            for (int64_t k = 0; k < p->n; k++)
                m = fmax(m, (double)x[base + k * p->inner]);
            for (int64_t k = 0; k < p->n; k++)
                s += exp((double)x[base + k * p->inner] - m);
            for (int64_t k = 0; k < p->n; k++) {
                double xk = x[base + k * p->inner];
                y[base + k * p->inner] = (float)(p->log ? xk - m - log(s) : exp(xk - m) / s);
            }
        }
    return 0;
}

static int softmax_emit(rc_ctx *c, em_state *e, const ir_graph *g, const ir_node *n) {
    const softmax_params *p = n->params;
    const char *x = em_tensor(e, n->in[0]), *y = em_tensor(e, n->out[0]);
    (void)c, (void)g;
    if (p->n == 0 || p->outer == 0 || p->inner == 0)
        return 0;
    e->has_loops = 1;
    em_printf(e, "for (int o = 0; o < %" PRId64 "; ++o)\n", p->outer);
    em_printf(e, "for (int i = 0; i < %" PRId64 "; ++i) {\n", p->inner);
    em_printf(e, "const float *x_ = %s + o * %" PRId64 " + i;\n", x, p->n * p->inner);
    em_printf(e, "float *y_ = %s + o * %" PRId64 " + i;\n", y, p->n * p->inner);
    em_printf(e, "float m_ = x_[0], s_ = 0.0f;\n");
    em_printf(e, "for (int k = 1; k < %" PRId64 "; ++k)\n", p->n);
    em_printf(e, "m_ = x_[k * %" PRId64 "] > m_ ? x_[k * %" PRId64 "] : m_;\n", p->inner, p->inner);
    if (p->log) {
        em_printf(e, "for (int k = 0; k < %" PRId64 "; ++k)\n", p->n);
        em_printf(e, "s_ += expf(x_[k * %" PRId64 "] - m_);\n", p->inner);
        em_printf(e, "s_ = m_ + logf(s_);\n");
        em_printf(e, "for (int k = 0; k < %" PRId64 "; ++k)\n", p->n);
        em_printf(e, "y_[k * %" PRId64 "] = x_[k * %" PRId64 "] - s_;\n", p->inner, p->inner);
    } else {
        em_printf(e, "for (int k = 0; k < %" PRId64 "; ++k) {\n", p->n);
        em_printf(e, "y_[k * %" PRId64 "] = expf(x_[k * %" PRId64 "] - m_);\n", p->inner, p->inner);
        em_printf(e, "s_ += y_[k * %" PRId64 "];\n}\n", p->inner);
        em_printf(e, "s_ = 1.0f / s_;\n");
        em_printf(e, "for (int k = 0; k < %" PRId64 "; ++k)\n", p->n);
        em_printf(e, "y_[k * %" PRId64 "] *= s_;\n", p->inner);
    }
    em_printf(e, "}\n");
    return 0;
}

static double softmax_flops(const ir_graph *g, const ir_node *n) {
    return 4.0 * (double)ir_numel(&g->t[n->out[0]]);
}

static int softmax_time(rc_ctx *c, const ir_graph *g, const ir_node *n, const int *in, int *out) {
    const softmax_params *p = n->params;
    (void)g;
    out[0] = in[0];
    if (in[0] >= 0 && (in[0] == p->axis || (p->flat && in[0] > p->axis)))
        return gl_time_mixes(c, n, "it normalises across the time axis");
    return 0;
}

/* Softmax and LogSoftmax share everything; params->log tells them apart. */
#define SOFTMAX_OP(sym, name)                                                                      \
    const rc_op_def rc_op_##sym = {                                                                \
        .op_type = name,                                                                           \
        .check = softmax_check,                                                                    \
        .interp = softmax_interp,                                                                  \
        .emit = softmax_emit,                                                                      \
        .time = softmax_time,                                                                      \
        .flops = softmax_flops,                                                                    \
        .params = gl_params_consts,                                                                \
        .free_params = gl_free,                                                                    \
    };

SOFTMAX_OP(softmax, "Softmax")
SOFTMAX_OP(log_softmax, "LogSoftmax")
