/* ops/eye_like.c — EyeLike (opset 9, 22): a matrix of input 0's shape (rank
 * 2) with ones on the k-th diagonal and zeros elsewhere,
 *
 *   y[i][j] = j - i == k ? 1 : 0
 *
 * in `dtype` (default: input 0's). It depends only on the input's shape, so
 * it always folds. */
#include "glue.h"

#include <inttypes.h>

typedef struct eye_like_params {
    int64_t k;
} eye_like_params;

static int eye_like_check(rc_ctx *c, ir_graph *g, ir_node *n) {
    eye_like_params *p;
    const ir_tensor *x;
    int64_t dtype = 0, k = 0;
    int has_dt, has_k;
    if (gl_arity(c, n, 1, 1, 1, 1) || gl_dtype(c, g, n, 0, "input 'input'", IR_UNDEFINED) ||
        rc_attr_int(c, n, "dtype", &dtype, &has_dt) || rc_attr_int(c, n, "k", &k, &has_k) ||
        rc_attr_unused(c, g, n))
        return -1;
    x = ir_in(g, n, 0);
    if (x->rank != 2)
        return rc_err(c, n, "input 'input'", "must have rank 2, got %d", x->rank);
    if (!has_dt)
        dtype = x->dtype;
    if (dtype < 0 || dtype > IR_BFLOAT16 || ir_dtype_size((int)dtype) == 0)
        return rc_err(c, n, "attribute dtype", "%" PRId64 " is not a supported element type",
                      dtype);
    p = gl_params_new(n, sizeof *p);
    p->k = k;
    return gl_set_out(c, g, n, 0, (int)dtype, 2, x->dims);
}

static int eye_like_interp(rc_ctx *c, const ir_graph *g, const ir_node *n, rc_values *v) {
    const eye_like_params *p = n->params;
    const ir_tensor *y = ir_out(g, n, 0);
    (void)c;
    rc_values_alloc(v, g, n->out[0]);
    for (int64_t i = 0; i < y->dims[0]; i++)
        for (int64_t j = 0; j < y->dims[1]; j++)
            gl_put(g, v, n->out[0], i * y->dims[1] + j, j - i == p->k);
    return 0;
}

const rc_op_def rc_op_eye_like = {
    .since = 9,
    .op_type = "EyeLike",
    .check = eye_like_check,
    .interp = eye_like_interp,
    .emit = gl_emit_folded,
    .flops = gl_flops_none,
    .params = gl_params_consts,
    .free_params = gl_free,
    .shape_only = 1,
};
