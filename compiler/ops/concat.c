/* ops/concat.c — Concat (opsets 4, 11, 13): inputs joined along `axis`
 * (required; negative from opset 11). All inputs have the same dtype and
 * rank and agree on every other dimension. The exporter uses it for shape
 * vectors (folded) and to stack the final states of the layers (run time). */
#include "glue.h"

#include <inttypes.h>

typedef struct concat_params {
    int axis;
} concat_params;

static int concat_check(rc_ctx *c, ir_graph *g, ir_node *n) {
    concat_params *p;
    const ir_tensor *x0;
    int64_t axis = 0, dims[IR_MAX_RANK];
    int has;
    if (gl_arity(c, n, 1, 4096, 0, 1) || rc_attr_int(c, n, "axis", &axis, &has) ||
        rc_attr_unused(c, g, n))
        return -1;
    if (!has)
        return rc_err(c, n, "attribute axis", "is required");
    for (int k = 0; k < n->n_in; k++)
        if (n->in[k] < 0)
            return rc_err(c, n, "inputs", "input %d is empty", k);
        else if (gl_dtype(c, g, n, k, "inputs", IR_UNDEFINED))
            return -1;
    x0 = ir_in(g, n, 0);
    p = gl_params_new(n, sizeof *p);
    if (x0->rank < 1)
        return rc_err(c, n, "inputs", "cannot concatenate scalars");
    if (gl_axis(c, n, "attribute axis", axis, x0->rank, &p->axis))
        return -1;
    for (int d = 0; d < x0->rank; d++)
        dims[d] = x0->dims[d];
    dims[p->axis] = 0;
    for (int k = 0; k < n->n_in; k++) {
        const ir_tensor *x = ir_in(g, n, k);
        if (x->dtype != x0->dtype)
            return rc_err(c, n, "inputs", "input %d is %s, input 0 is %s", k,
                          ir_dtype_name(x->dtype), ir_dtype_name(x0->dtype));
        if (x->rank != x0->rank)
            return rc_err(c, n, "inputs", "input %d has rank %d, input 0 rank %d", k, x->rank,
                          x0->rank);
        for (int d = 0; d < x0->rank; d++)
            if (d != p->axis && x->dims[d] != x0->dims[d])
                return rc_err(c, n, "inputs",
                              "input %d has dimension %d = %" PRId64 ", input 0 has %" PRId64, k, d,
                              x->dims[d], x0->dims[d]);
        dims[p->axis] += x->dims[p->axis];
    }
    return gl_set_out(c, g, n, 0, x0->dtype, x0->rank, dims);
}

static int concat_interp(rc_ctx *c, const ir_graph *g, const ir_node *n, rc_values *v) {
    const concat_params *p = n->params;
    const ir_tensor *y = &g->t[n->out[0]];
    int64_t idx[IR_MAX_RANK], base = 0;
    (void)c;
    rc_values_alloc(v, g, n->out[0]);
    for (int k = 0; k < n->n_in; k++) {
        const ir_tensor *x = &g->t[n->in[k]];
        int64_t ys[IR_MAX_RANK];
        gl_strides(y->rank, y->dims, ys);
        for (int64_t i = 0; i < ir_numel(x); i++) {
            int64_t o = 0;
            gl_unravel(i, x->rank, x->dims, idx);
            idx[p->axis] += base;
            for (int d = 0; d < y->rank; d++)
                o += idx[d] * ys[d];
            gl_copy_elem(g, v, n->out[0], o, n->in[k], i);
        }
        base += x->dims[p->axis];
    }
    return 0;
}

static int concat_emit(rc_ctx *c, em_state *e, const ir_graph *g, const ir_node *n) {
    const concat_params *p = n->params;
    const ir_tensor *y = &g->t[n->out[0]];
    int64_t ys[IR_MAX_RANK], base = 0;
    (void)c;
    gl_strides(y->rank, y->dims, ys);
    for (int k = 0; k < n->n_in; k++) {
        const ir_tensor *x = &g->t[n->in[k]];
        gl_operand dst = {em_tensor(e, n->out[0]), base * ys[p->axis], {0}};
        gl_operand src = {em_tensor(e, n->in[k]), 0, {0}};
        for (int d = 0; d < y->rank; d++)
            dst.st[d] = ys[d];
        gl_strides(x->rank, x->dims, src.st);
        gl_emit_copy(e, x->rank, x->dims, &dst, &src, em_ctype(x->dtype));
        base += x->dims[p->axis];
    }
    return 0;
}

static int concat_time(rc_ctx *c, const ir_graph *g, const ir_node *n, const int *in, int *out) {
    const concat_params *p = n->params;
    (void)g;
    out[0] = in[0];
    for (int k = 1; k < n->n_in; k++)
        if (in[k] != in[0])
            return gl_time_mixes(c, n, "it joins tensors with and without the same time axis");
    if (in[0] == p->axis)
        return gl_time_mixes(c, n, "it concatenates along the time axis");
    return 0;
}

const rc_op_def rc_op_concat = {
    .op_type = "Concat",
    .check = concat_check,
    .interp = concat_interp,
    .emit = concat_emit,
    .time = concat_time,
    .flops = gl_flops_none,
    .params = gl_params_consts,
    .free_params = gl_free,
};
