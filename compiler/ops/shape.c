/* ops/shape.c — Shape (opsets 1, 13, 15, 19, 21): the input's dimensions as
 * an int64 vector, optionally dims[start:end] (opset >= 15, Python slice
 * rules with clamping). Known at compile time once input shapes are bound,
 * so it is always folded: generated code never computes a shape. */
#include "glue.h"

typedef struct shape_params {
    int start, end;
} shape_params;

static int shape_check(rc_ctx *c, ir_graph *g, ir_node *n) {
    shape_params *p;
    int64_t start = 0, end = 0, dims[1];
    int has_start = 0, has_end = 0, r;
    if (gl_arity(c, n, 1, 1, 1, 1) || gl_dtype(c, g, n, 0, "input 'data'", IR_UNDEFINED))
        return -1;
    if (g->opset >= 15 && (rc_attr_int(c, n, "start", &start, &has_start) ||
                           rc_attr_int(c, n, "end", &end, &has_end)))
        return -1;
    if (rc_attr_unused(c, g, n))
        return -1;
    r = ir_in(g, n, 0)->rank;
    if (!has_end)
        end = r;
    start = start < 0 ? start + r : start;
    end = end < 0 ? end + r : end;
    start = start < 0 ? 0 : start > r ? r : start;
    end = end < 0 ? 0 : end > r ? r : end;
    p = gl_params_new(n, sizeof *p);
    p->start = (int)start;
    p->end = (int)(end > start ? end : start);
    dims[0] = p->end - p->start;
    return gl_set_out(c, g, n, 0, IR_INT64, 1, dims);
}

static int shape_interp(rc_ctx *c, const ir_graph *g, const ir_node *n, rc_values *v) {
    const shape_params *p = n->params;
    int64_t *out = rc_values_alloc(v, g, n->out[0]);
    (void)c;
    for (int d = p->start; d < p->end; d++)
        out[d - p->start] = g->t[n->in[0]].dims[d];
    return 0;
}

const rc_op_def rc_op_shape = {
    .op_type = "Shape",
    .check = shape_check,
    .interp = shape_interp,
    .emit = gl_emit_folded,
    .flops = gl_flops_none,
    .params = gl_params_consts,
    .free_params = gl_free,
    .shape_only = 1,
};
