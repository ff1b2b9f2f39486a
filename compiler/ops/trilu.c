/* ops/trilu.c — Trilu (opset 14): keeps the upper (upper = 1, the default)
 * or lower triangle of each matrix in the last two axes, zeroing the rest.
 *
 *   upper: y[..., i, j] = j - i >= k ? x[..., i, j] : 0
 *   lower: y[..., i, j] = j - i <= k ? x[..., i, j] : 0
 *
 * The diagonal offset k (an optional int64 scalar input, default 0) must be
 * known at compile time. Any dtype (0 is the all-zero bit pattern, +0.0 for
 * the float types). */
#include "glue.h"

#include <inttypes.h>

typedef struct trilu_params {
    int upper;
    int64_t k; /* clamped to [-rows - 1, cols + 1]: the same triangle */
    int64_t batch, rows, cols;
} trilu_params;

static int trilu_check(rc_ctx *c, ir_graph *g, ir_node *n) {
    trilu_params *p;
    const ir_tensor *x;
    int64_t upper = 1, k = 0;
    int has, count;
    if (gl_arity(c, n, 1, 2, 1, 1) || gl_dtype(c, g, n, 0, "input 'input'", IR_UNDEFINED) ||
        rc_attr_int(c, n, "upper", &upper, &has) || rc_attr_unused(c, g, n))
        return -1;
    if (ir_in(g, n, 1)) {
        if (gl_const_ints(c, g, n, 1, "input 'k'", &k, 1, &count))
            return -1;
        if (count != 1)
            return rc_err(c, n, "input 'k'", "must hold one value, got %d", count);
    }
    x = ir_in(g, n, 0);
    if (x->rank < 2)
        return rc_err(c, n, "input 'input'", "must have rank >= 2, got %d", x->rank);
    p = gl_params_new(n, sizeof *p);
    p->upper = upper != 0;
    p->rows = x->dims[x->rank - 2];
    p->cols = x->dims[x->rank - 1];
    p->batch = p->rows * p->cols > 0 ? ir_numel(x) / (p->rows * p->cols) : 0;
    p->k = k < -p->rows - 1 ? -p->rows - 1 : k > p->cols + 1 ? p->cols + 1 : k;
    return gl_set_out(c, g, n, 0, x->dtype, x->rank, x->dims);
}

static int keep(const trilu_params *p, int64_t i, int64_t j) {
    return p->upper ? j - i >= p->k : j - i <= p->k;
}

static int trilu_interp(rc_ctx *c, const ir_graph *g, const ir_node *n, rc_values *v) {
    const trilu_params *p = n->params;
    (void)c;
    rc_values_alloc(v, g, n->out[0]); /* zeroed */
    for (int64_t b = 0; b < p->batch; b++)
        for (int64_t i = 0; i < p->rows; i++)
            for (int64_t j = 0; j < p->cols; j++)
                if (keep(p, i, j))
                    gl_copy_elem(g, v, n->out[0], (b * p->rows + i) * p->cols + j, n->in[0],
                                 (b * p->rows + i) * p->cols + j);
    return 0;
}

static int trilu_emit(rc_ctx *c, em_state *e, const ir_graph *g, const ir_node *n) {
    const trilu_params *p = n->params;
    const char *ty = em_ctype(ir_in(g, n, 0)->dtype);
    (void)c;
    if (p->batch * p->rows * p->cols == 0)
        return 0;
    e->has_loops = 1;
    em_printf(e, "for (int64_t b = 0; b < %" PRId64 "; ++b)\n", p->batch);
    em_printf(e, "for (int64_t i = 0; i < %" PRId64 "; ++i)\n", p->rows);
    em_printf(e, "for (int64_t j = 0; j < %" PRId64 "; ++j) {\n", p->cols);
    em_printf(e, "const int64_t at = (b * %" PRId64 " + i) * %" PRId64 " + j;\n", p->rows, p->cols);
    em_printf(e, "%s[at] = j - i %s %" PRId64 " ? %s[at] : (%s)0;\n}\n", em_tensor(e, n->out[0]),
              p->upper ? ">=" : "<=", p->k, em_tensor(e, n->in[0]), ty);
    return 0;
}

static int trilu_time(rc_ctx *c, const ir_graph *g, const ir_node *n, const int *in, int *out) {
    out[0] = in[0];
    if (in[0] >= ir_in(g, n, 0)->rank - 2)
        return gl_time_mixes(c, n, "its triangle spans the time axis");
    return 0;
}

const rc_op_def rc_op_trilu = {
    .since = 14,
    .op_type = "Trilu",
    .check = trilu_check,
    .interp = trilu_interp,
    .emit = trilu_emit,
    .time = trilu_time,
    .flops = gl_flops_none,
    .params = gl_params_consts,
    .free_params = gl_free,
};
