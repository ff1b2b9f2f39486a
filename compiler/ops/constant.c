/* ops/constant.c — Constant and ConstantOfShape: tensors fixed at compile
 * time. Both are always folded, so they never reach generated code.
 *
 *   Constant:        value (tensor) | value_float | value_floats | value_int |
 *                    value_ints (opset >= 12); exactly one.
 *   ConstantOfShape: output[shape] = value[0]; value a one-element tensor,
 *                    default float 0. The shape input must be known at
 *                    compile time (it usually comes from Shape arithmetic). */
#include "glue.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

typedef struct const_params {
    ir_tensor value; /* dtype, shape and data of the result (or the fill value) */
} const_params;

static void const_free(void *p) {
    const_params *cp = p;
    if (cp)
        free(cp->value.data);
    free(cp);
}

/* Takes the one value attribute Constant has into p->value. */
static int constant_value(rc_ctx *c, ir_graph *g, ir_node *n, const_params *p) {
    const ir_tensor *t = NULL;
    const double *fs = NULL;
    const int64_t *is = NULL;
    double f = 0;
    int64_t i = 0;
    int has_f = 0, has_i = 0, n_fs = 0, n_is = 0, given;
    if (rc_attr_tensor(c, n, "value", &t))
        return -1;
    if (g->opset >= 12 && (rc_attr_float(c, n, "value_float", &f, &has_f) ||
                           rc_attr_int(c, n, "value_int", &i, &has_i) ||
                           rc_attr_floats(c, n, "value_floats", &fs, &n_fs) ||
                           rc_attr_ints(c, n, "value_ints", &is, &n_is)))
        return -1;
    given = (t != NULL) + has_f + has_i + (fs != NULL) + (is != NULL);
    if (given != 1)
        return rc_err(c, n, "attributes",
                      "needs exactly one of value, value_float, value_floats, value_int, "
                      "value_ints; got %d (sparse_value and string values are not supported)",
                      given);
    if (t) {
        size_t bytes = (size_t)ir_numel(t) * ir_dtype_size(t->dtype);
        p->value.dtype = t->dtype;
        p->value.rank = t->rank;
        memcpy(p->value.dims, t->dims, sizeof t->dims);
        p->value.data = rc_xmalloc(bytes ? bytes : 1);
        memcpy(p->value.data, t->data, bytes);
    } else if (has_f || fs) {
        int count = has_f ? 1 : n_fs;
        float *d = rc_xcalloc((size_t)count + 1, sizeof(float));
        for (int k = 0; k < count; k++)
            d[k] = (float)(has_f ? f : fs[k]);
        p->value.dtype = IR_FLOAT, p->value.rank = has_f ? 0 : 1, p->value.dims[0] = count;
        p->value.data = d;
    } else {
        int count = has_i ? 1 : n_is;
        int64_t *d = rc_xcalloc((size_t)count + 1, sizeof(int64_t));
        for (int k = 0; k < count; k++)
            d[k] = has_i ? i : is[k];
        p->value.dtype = IR_INT64, p->value.rank = has_i ? 0 : 1, p->value.dims[0] = count;
        p->value.data = d;
    }
    return 0;
}

static int constant_check(rc_ctx *c, ir_graph *g, ir_node *n) {
    const_params *p;
    if (gl_arity(c, n, 0, 0, 0, 1))
        return -1;
    p = gl_params_new(n, sizeof *p);
    if (constant_value(c, g, n, p) || rc_attr_unused(c, g, n))
        return -1;
    if (ir_dtype_size(p->value.dtype) == 0)
        return rc_err(c, n, "attribute value", "element type %s is not supported",
                      ir_dtype_name(p->value.dtype));
    return gl_set_out(c, g, n, 0, p->value.dtype, p->value.rank, p->value.dims);
}

static int constant_interp(rc_ctx *c, const ir_graph *g, const ir_node *n, rc_values *v) {
    const const_params *p = n->params;
    (void)c;
    memcpy(rc_values_alloc(v, g, n->out[0]), p->value.data,
           (size_t)ir_numel(&p->value) * ir_dtype_size(p->value.dtype));
    return 0;
}

const rc_op_def rc_op_constant = {
    .op_type = "Constant",
    .check = constant_check,
    .interp = constant_interp,
    .emit = gl_emit_folded,
    .flops = gl_flops_none,
    .params = gl_params_consts,
    .free_params = const_free,
};

static int cos_check(rc_ctx *c, ir_graph *g, ir_node *n) {
    const ir_tensor *t = NULL;
    const_params *p;
    int64_t dims[IR_MAX_RANK];
    int rank;
    if (gl_arity(c, n, 1, 1, 1, 1) || rc_attr_tensor(c, n, "value", &t) ||
        rc_attr_unused(c, g, n) ||
        gl_const_ints(c, g, n, 0, "input 'input' (the shape)", dims, IR_MAX_RANK, &rank))
        return -1;
    p = gl_params_new(n, sizeof *p);
    p->value.rank = 0;
    if (t) {
        size_t esz = ir_dtype_size(t->dtype);
        if (ir_numel(t) != 1)
            return rc_err(c, n, "attribute value", "must hold one element, holds %" PRId64,
                          ir_numel(t));
        if (esz == 0)
            return rc_err(c, n, "attribute value", "element type %s is not supported",
                          ir_dtype_name(t->dtype));
        p->value.dtype = t->dtype;
        p->value.data = rc_xmalloc(esz);
        memcpy(p->value.data, t->data, esz);
    } else {
        p->value.dtype = IR_FLOAT;
        p->value.data = rc_xcalloc(1, sizeof(float));
    }
    if (ir_in(g, n, 0)->rank != 1)
        return rc_err(c, n, "input 'input'", "must be 1-D, got rank %d", ir_in(g, n, 0)->rank);
    return gl_set_out(c, g, n, 0, p->value.dtype, rank, dims);
}

static int cos_interp(rc_ctx *c, const ir_graph *g, const ir_node *n, rc_values *v) {
    const const_params *p = n->params;
    size_t esz = ir_dtype_size(p->value.dtype);
    unsigned char *out = rc_values_alloc(v, g, n->out[0]);
    int64_t count = ir_numel(&g->t[n->out[0]]);
    (void)c;
    for (int64_t i = 0; i < count; i++)
        memcpy(out + (size_t)i * esz, p->value.data, esz);
    return 0;
}

const rc_op_def rc_op_constant_of_shape = {
    .since = 9,
    .op_type = "ConstantOfShape",
    .check = cos_check,
    .interp = cos_interp,
    .emit = gl_emit_folded,
    .flops = gl_flops_none,
    .params = gl_params_consts,
    .free_params = const_free,
};
