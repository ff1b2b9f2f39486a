/* ops/prelu.c — PRelu (opsets 6, 7, 9, 16): y = x < 0 ? slope * x : x, with slope
 * unidirectionally broadcast to X (it broadcasts to X's shape; Y has X's shape). Before
 * opset 7 slope had to be one element or X's shape, a special case of the same rule.
 * Types: float and double. Refused: float16/bfloat16 and the integer types opset 9 added.
 * The interpreter computes in double. */
#include "glue.h"

#include <stdio.h>

static int prelu_check(rc_ctx *c, ir_graph *g, ir_node *n) {
    const ir_tensor *x, *s;
    int64_t dims[IR_MAX_RANK];
    int rank;
    if (gl_arity(c, n, 2, 2, 2, 1) || gl_dtype(c, g, n, 0, "input 'X'", IR_UNDEFINED) ||
        gl_dtype(c, g, n, 1, "input 'slope'", IR_UNDEFINED) || rc_attr_unused(c, g, n))
        return -1;
    x = ir_in(g, n, 0);
    s = ir_in(g, n, 1);
    if (x->dtype != IR_FLOAT && x->dtype != IR_DOUBLE)
        return rc_err(c, n, "input 'X'", "element type %s is not supported (float, double)",
                      ir_dtype_name(x->dtype));
    if (s->dtype != x->dtype)
        return rc_err(c, n, "input 'slope'", "must have X's type %s, got %s",
                      ir_dtype_name(x->dtype), ir_dtype_name(s->dtype));
    if (gl_broadcast(c, n, x, s, &rank, dims))
        return -1;
    for (int d = 0; d < rank; d++)
        if (rank != x->rank || dims[d] != x->dims[d]) {
            char sx[256], ss[256];
            ir_shape_str(x, sx, sizeof sx);
            ir_shape_str(s, ss, sizeof ss);
            return rc_err(c, n, "input 'slope'",
                          "must broadcast to X's shape %s (unidirectionally), got %s", sx, ss);
        }
    gl_params_new(n, sizeof(int)); /* nothing to keep, but every checked node has params */
    return gl_set_out(c, g, n, 0, x->dtype, x->rank, x->dims);
}

static int prelu_interp(rc_ctx *c, const ir_graph *g, const ir_node *n, rc_values *v) {
    const ir_tensor *s = &g->t[n->in[1]], *y = &g->t[n->out[0]];
    int64_t idx[IR_MAX_RANK];
    (void)c;
    rc_values_alloc(v, g, n->out[0]);
    for (int64_t i = 0; i < ir_numel(y); i++) {
        double x = gl_get(g, v, n->in[0], i), k;
        gl_unravel(i, y->rank, y->dims, idx);
        k = gl_get(g, v, n->in[1], gl_bcast_index(s, y->rank, idx));
        gl_put(g, v, n->out[0], i, x < 0 ? k * x : x);
    }
    return 0;
}

static int prelu_emit(rc_ctx *c, em_state *e, const ir_graph *g, const ir_node *n) {
    const ir_tensor *s = &g->t[n->in[1]], *y = &g->t[n->out[0]];
    gl_operand ops[3] = {{em_tensor(e, n->out[0]), 0, {0}},
                         {em_tensor(e, n->in[0]), 0, {0}},
                         {em_tensor(e, n->in[1]), 0, {0}}};
    (void)c;
    gl_strides(y->rank, y->dims, ops[0].st);
    gl_strides(y->rank, y->dims, ops[1].st);
    gl_bcast_strides(s, y->rank, y->dims, ops[2].st);
    gl_emit_map(e, y->rank, y->dims, ops, 3, "$0 = $1 < 0 ? $2 * $1 : $1;");
    return 0;
}

const rc_op_def rc_op_prelu = {
    .op_type = "PRelu",
    .check = prelu_check,
    .interp = prelu_interp,
    .emit = prelu_emit,
    .flops = gl_flops_elems,
    .params = gl_params_consts,
    .free_params = gl_free,
    .time = gl_time_bcast,
};
