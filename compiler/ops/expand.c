/* ops/expand.c — Expand (opsets 8, 13): input broadcast (numpy rules, both
 * ways) against a shape known at compile time. The exporter's zero initial
 * states come this way in some opsets; with a constant input it folds. */
#include "glue.h"

typedef struct expand_params {
    int unused;
} expand_params;

static int expand_check(rc_ctx *c, ir_graph *g, ir_node *n) {
    ir_tensor shape_t = {0};
    int64_t dims[IR_MAX_RANK];
    int rank, count;
    if (gl_arity(c, n, 2, 2, 2, 1) || gl_dtype(c, g, n, 0, "input", IR_UNDEFINED) ||
        rc_attr_unused(c, g, n) ||
        gl_const_ints(c, g, n, 1, "input 'shape'", shape_t.dims, IR_MAX_RANK, &count))
        return -1;
    shape_t.rank = count;
    shape_t.dtype = ir_in(g, n, 0)->dtype;
    for (int d = 0; d < count; d++)
        if (shape_t.dims[d] < 0)
            return rc_err(c, n, "input 'shape'", "dimension %d is negative", d);
    if (gl_broadcast(c, n, ir_in(g, n, 0), &shape_t, &rank, dims))
        return -1;
    gl_params_new(n, sizeof(expand_params));
    return gl_set_out(c, g, n, 0, ir_in(g, n, 0)->dtype, rank, dims);
}

static int expand_interp(rc_ctx *c, const ir_graph *g, const ir_node *n, rc_values *v) {
    const ir_tensor *x = &g->t[n->in[0]], *y = &g->t[n->out[0]];
    int64_t idx[IR_MAX_RANK];
    (void)c;
    rc_values_alloc(v, g, n->out[0]);
    for (int64_t i = 0; i < ir_numel(y); i++) {
        int64_t s = 0;
        gl_unravel(i, y->rank, y->dims, idx);
        for (int d = 0; d < x->rank; d++) {
            int dy = d + (y->rank - x->rank);
            s = s * x->dims[d] + (x->dims[d] == 1 ? 0 : idx[dy]);
        }
        gl_copy_elem(g, v, n->out[0], i, n->in[0], s);
    }
    return 0;
}

static int expand_emit(rc_ctx *c, em_state *e, const ir_graph *g, const ir_node *n) {
    const ir_tensor *x = &g->t[n->in[0]], *y = &g->t[n->out[0]];
    gl_operand dst = {em_tensor(e, n->out[0]), 0, {0}};
    gl_operand src = {em_tensor(e, n->in[0]), 0, {0}};
    (void)c;
    gl_strides(y->rank, y->dims, dst.st);
    gl_bcast_strides(x, y->rank, y->dims, src.st);
    gl_emit_copy(e, y->rank, y->dims, &dst, &src, em_ctype(y->dtype));
    return 0;
}

static int expand_time(rc_ctx *c, const ir_graph *g, const ir_node *n, const int *in, int *out) {
    const ir_tensor *x = ir_in(g, n, 0), *y = ir_out(g, n, 0);
    (void)c;
    out[0] = in[0] < 0 ? -1 : in[0] + (y->rank - x->rank);
    return 0;
}

const rc_op_def rc_op_expand = {
    .since = 8,
    .op_type = "Expand",
    .check = expand_check,
    .interp = expand_interp,
    .emit = expand_emit,
    .time = expand_time,
    .flops = gl_flops_none,
    .params = gl_params_consts,
    .free_params = gl_free,
};
