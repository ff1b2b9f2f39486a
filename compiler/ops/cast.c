/* ops/cast.c — Cast (opsets 6, 9, 13, 19, 21): element type conversion
 * between float, double, int32, int64 and bool. Float to integer truncates
 * toward zero and saturates: NaN gives 0, values beyond the integer type its
 * minimum or maximum (ONNX leaves them undefined; C makes the plain conversion
 * undefined behaviour). Integer to integer keeps the low bits (two's
 * complement), as NumPy does. To bool is x != 0. `saturate` (opset >= 19)
 * only concerns float8 types and so has no effect here.
 *
 * CastLike (opsets 15, 19, 21): the same conversion, to the dtype of input 1
 * (whose values are not read). */
#include "glue.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>

typedef struct cast_params {
    int to;
} cast_params;

static int cast_supported(int dt) {
    return dt == IR_FLOAT || dt == IR_DOUBLE || dt == IR_INT32 || dt == IR_INT64 || dt == IR_BOOL;
}

static int cast_check(rc_ctx *c, ir_graph *g, ir_node *n) {
    cast_params *p;
    const ir_tensor *x;
    int64_t to = 0, sat = 1;
    int has_to = 0, has_sat = 0;
    if (gl_arity(c, n, 1, 1, 1, 1) || gl_dtype(c, g, n, 0, "input", IR_UNDEFINED) ||
        rc_attr_int(c, n, "to", &to, &has_to))
        return -1;
    if (g->opset >= 19 && rc_attr_int(c, n, "saturate", &sat, &has_sat))
        return -1;
    if (rc_attr_unused(c, g, n))
        return -1;
    x = ir_in(g, n, 0);
    if (!has_to)
        return rc_err(c, n, "attribute to", "is required");
    if (!cast_supported((int)to))
        return rc_err(c, n, "attribute to", "casting to %s (%" PRId64 ") is not supported",
                      ir_dtype_name((int)to), to);
    if (!cast_supported(x->dtype))
        return rc_err(c, n, "input", "casting from %s is not supported", ir_dtype_name(x->dtype));
    p = gl_params_new(n, sizeof *p);
    p->to = (int)to;
    return gl_set_out(c, g, n, 0, p->to, x->rank, x->dims);
}

static int castlike_check(rc_ctx *c, ir_graph *g, ir_node *n) {
    cast_params *p;
    const ir_tensor *x, *like;
    int64_t sat = 1;
    int has_sat = 0;
    if (gl_arity(c, n, 2, 2, 2, 1) || gl_dtype(c, g, n, 0, "input 'input'", IR_UNDEFINED) ||
        gl_dtype(c, g, n, 1, "input 'target_type'", IR_UNDEFINED))
        return -1;
    if (g->opset >= 19 && rc_attr_int(c, n, "saturate", &sat, &has_sat))
        return -1;
    if (rc_attr_unused(c, g, n))
        return -1;
    x = ir_in(g, n, 0);
    like = ir_in(g, n, 1);
    if (!cast_supported(like->dtype))
        return rc_err(c, n, "input 'target_type'", "casting to %s is not supported",
                      ir_dtype_name(like->dtype));
    if (!cast_supported(x->dtype))
        return rc_err(c, n, "input 'input'", "casting from %s is not supported",
                      ir_dtype_name(x->dtype));
    p = gl_params_new(n, sizeof *p);
    p->to = like->dtype;
    return gl_set_out(c, g, n, 0, p->to, x->rank, x->dims);
}

static int is_int(int dt) { return dt == IR_INT32 || dt == IR_INT64; }

/* A float value as an integer type: truncated, saturated, NaN -> 0. */
static int64_t sat_int(double x, int dt) {
    const double hi = dt == IR_INT32 ? 2147483647.0 : 9223372036854775807.0;
    const double lo = dt == IR_INT32 ? -2147483648.0 : -9223372036854775808.0;
    if (x != x)
        return 0;
    if (x >= hi) /* 2^63 - 1 rounds up to 2^63 in double: >= catches it */
        return dt == IR_INT32 ? INT32_MAX : INT64_MAX;
    if (x <= lo)
        return dt == IR_INT32 ? INT32_MIN : INT64_MIN;
    return (int64_t)x;
}

static int cast_interp(rc_ctx *c, const ir_graph *g, const ir_node *n, rc_values *v) {
    const int from = g->t[n->in[0]].dtype, to = g->t[n->out[0]].dtype;
    int64_t count = ir_numel(&g->t[n->out[0]]);
    (void)c;
    rc_values_alloc(v, g, n->out[0]);
    for (int64_t i = 0; i < count; i++) {
        int64_t k;
        if (!is_int(to)) {
            gl_put(g, v, n->out[0], i, gl_get(g, v, n->in[0], i));
            continue;
        }
        /* integers never pass through double (2^53 and beyond would round) */
        if (from == IR_INT64)
            k = ((const int64_t *)v->data[n->in[0]])[i];
        else if (from == IR_INT32)
            k = ((const int32_t *)v->data[n->in[0]])[i];
        else if (from == IR_BOOL)
            k = ((const uint8_t *)v->data[n->in[0]])[i] != 0;
        else
            k = sat_int(gl_get(g, v, n->in[0], i), to);
        if (to == IR_INT64)
            ((int64_t *)v->data[n->out[0]])[i] = k;
        else /* the low 32 bits, as two's complement */
            ((int32_t *)v->data[n->out[0]])[i] = (int32_t)(uint32_t)(uint64_t)k;
    }
    return 0;
}

static int cast_emit(rc_ctx *c, em_state *e, const ir_graph *g, const ir_node *n) {
    const ir_tensor *y = &g->t[n->out[0]];
    int64_t dims[1] = {ir_numel(y)};
    gl_operand ops[2] = {{em_tensor(e, n->out[0]), 0, {1}}, {em_tensor(e, n->in[0]), 0, {1}}};
    char body[96];
    (void)c;
    const int from = g->t[n->in[0]].dtype;
    if (y->dtype == IR_BOOL)
        snprintf(body, sizeof body, "$0 = (uint8_t)($1 != 0);");
    else if (is_int(y->dtype) && (from == IR_FLOAT || from == IR_DOUBLE))
        /* a plain C conversion of NaN or an out-of-range value is undefined behaviour */
        snprintf(body, sizeof body, "$0 = rnnrt_sat_%s((double)$1);",
                 y->dtype == IR_INT32 ? "i32" : "i64");
    else if (y->dtype == IR_INT32 && from == IR_INT64)
        snprintf(body, sizeof body, "$0 = (int32_t)(uint32_t)$1;"); /* low bits */
    else
        snprintf(body, sizeof body, "$0 = (%s)$1;", em_ctype(y->dtype));
    gl_emit_map(e, 1, dims, ops, 2, body);
    return 0;
}

const rc_op_def rc_op_cast = {
    .op_type = "Cast",
    .check = cast_check,
    .interp = cast_interp,
    .emit = cast_emit,
    .time = gl_time_same,
    .flops = gl_flops_none,
    .params = gl_params_consts,
    .free_params = gl_free,
};

/* Only input 0 carries data: a time axis on input 1 (read for its dtype) is
 * irrelevant. */
static int castlike_time(rc_ctx *c, const ir_graph *g, const ir_node *n, const int *in, int *out) {
    (void)c, (void)g, (void)n;
    out[0] = in[0];
    return 0;
}

const rc_op_def rc_op_cast_like = {
    .op_type = "CastLike",
    .check = castlike_check,
    .interp = cast_interp,
    .emit = cast_emit,
    .time = castlike_time,
    .flops = gl_flops_none,
    .params = gl_params_consts,
    .free_params = gl_free,
};
