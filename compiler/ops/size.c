/* ops/size.c — Size (opsets 1, 13, 19, 21): the input's element count as an
 * int64 scalar. It depends only on the input's shape, so it always folds. */
#include "glue.h"

static int size_check(rc_ctx *c, ir_graph *g, ir_node *n) {
    if (gl_arity(c, n, 1, 1, 1, 1) || gl_dtype(c, g, n, 0, "input 'data'", IR_UNDEFINED) ||
        rc_attr_unused(c, g, n))
        return -1;
    return gl_set_out(c, g, n, 0, IR_INT64, 0, NULL);
}

static int size_interp(rc_ctx *c, const ir_graph *g, const ir_node *n, rc_values *v) {
    int64_t *out = rc_values_alloc(v, g, n->out[0]);
    (void)c;
    out[0] = ir_numel(&g->t[n->in[0]]);
    return 0;
}

const rc_op_def rc_op_size = {
    .op_type = "Size",
    .check = size_check,
    .interp = size_interp,
    .emit = gl_emit_folded,
    .flops = gl_flops_none,
    .params = gl_params_consts,
    .free_params = NULL,
    .shape_only = 1,
};
