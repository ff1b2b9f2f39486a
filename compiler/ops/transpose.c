/* ops/transpose.c — Transpose (opsets 1, 13, 21): out[i_0..i_r] =
 * in[j] with j[perm[d]] = i_d; perm defaults to reversing the axes. The
 * exporter writes it for batch_first ([1,0,2]) and bidirectional outputs
 * ([0,2,1,3]). Emitted as strided copies with contiguous runs merged. */
#include "glue.h"

#include <inttypes.h>
#include <string.h>

typedef struct transpose_params {
    int perm[IR_MAX_RANK];
} transpose_params;

static int transpose_check(rc_ctx *c, ir_graph *g, ir_node *n) {
    transpose_params *p;
    const ir_tensor *x;
    const int64_t *perm;
    int64_t dims[IR_MAX_RANK];
    int count, seen[IR_MAX_RANK] = {0};
    if (gl_arity(c, n, 1, 1, 1, 1) || gl_dtype(c, g, n, 0, "input 'data'", IR_UNDEFINED) ||
        rc_attr_ints(c, n, "perm", &perm, &count) || rc_attr_unused(c, g, n))
        return -1;
    x = ir_in(g, n, 0);
    p = gl_params_new(n, sizeof *p);
    if (perm && count != x->rank)
        return rc_err(c, n, "attribute perm", "has %d values for an input of rank %d", count,
                      x->rank);
    for (int d = 0; d < x->rank; d++) {
        int64_t a = perm ? perm[d] : x->rank - 1 - d;
        if (a < 0 || a >= x->rank || seen[a])
            return rc_err(c, n, "attribute perm",
                          "is not a permutation of 0..%d (value %" PRId64 " at position %d)",
                          x->rank - 1, a, d);
        seen[a] = 1;
        p->perm[d] = (int)a;
        dims[d] = x->dims[a];
    }
    return gl_set_out(c, g, n, 0, x->dtype, x->rank, dims);
}

static int transpose_interp(rc_ctx *c, const ir_graph *g, const ir_node *n, rc_values *v) {
    const transpose_params *p = n->params;
    const ir_tensor *x = &g->t[n->in[0]], *y = &g->t[n->out[0]];
    int64_t idx[IR_MAX_RANK], xs[IR_MAX_RANK];
    (void)c;
    gl_strides(x->rank, x->dims, xs);
    rc_values_alloc(v, g, n->out[0]);
    for (int64_t i = 0; i < ir_numel(y); i++) {
        int64_t s = 0;
        gl_unravel(i, y->rank, y->dims, idx);
        for (int d = 0; d < y->rank; d++)
            s += idx[d] * xs[p->perm[d]];
        gl_copy_elem(g, v, n->out[0], i, n->in[0], s);
    }
    return 0;
}

static int transpose_emit(rc_ctx *c, em_state *e, const ir_graph *g, const ir_node *n) {
    const transpose_params *p = n->params;
    const ir_tensor *x = &g->t[n->in[0]], *y = &g->t[n->out[0]];
    gl_operand dst = {em_tensor(e, n->out[0]), 0, {0}};
    gl_operand src = {em_tensor(e, n->in[0]), 0, {0}};
    int64_t xs[IR_MAX_RANK];
    (void)c;
    gl_strides(y->rank, y->dims, dst.st);
    gl_strides(x->rank, x->dims, xs);
    for (int d = 0; d < y->rank; d++)
        src.st[d] = xs[p->perm[d]];
    gl_emit_copy(e, y->rank, y->dims, &dst, &src, em_ctype(y->dtype));
    return 0;
}

static int transpose_time(rc_ctx *c, const ir_graph *g, const ir_node *n, const int *in, int *out) {
    const transpose_params *p = n->params;
    (void)c;
    out[0] = -1;
    for (int d = 0; in[0] >= 0 && d < ir_out(g, n, 0)->rank; d++)
        if (p->perm[d] == in[0])
            out[0] = d;
    return 0;
}

const rc_op_def rc_op_transpose = {
    .op_type = "Transpose",
    .check = transpose_check,
    .interp = transpose_interp,
    .emit = transpose_emit,
    .time = transpose_time,
    .flops = gl_flops_none,
    .params = gl_params_consts,
    .free_params = gl_free,
};
