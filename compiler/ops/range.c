/* ops/range.c — Range (opset 11): the sequence start, start + delta, ...
 * up to (not including) limit,
 *
 *   y[i] = start + i * delta,  count = max(ceil((limit - start) / delta), 0)
 *
 * in the dtype of the inputs (float, double, int16, int32, int64). The three
 * scalars must be known at compile time, so the node always folds; a value
 * computed at run time is refused by name, as is delta = 0. Integer inputs
 * are read and computed exactly in int64 (wrapping as the type does). */
#include "glue.h"

#include <inttypes.h>
#include <math.h>

typedef struct range_params {
    int64_t count;
} range_params;

static const char *const range_names[3] = {"input 'start'", "input 'limit'", "input 'delta'"};

static int range_check(rc_ctx *c, ir_graph *g, ir_node *n) {
    range_params *p;
    int dt, cnt;
    if (gl_arity(c, n, 3, 3, 3, 1) || rc_attr_unused(c, g, n))
        return -1;
    dt = ir_in(g, n, 0)->dtype;
    for (int k = 0; k < 3; k++) {
        const ir_tensor *t = ir_in(g, n, k);
        if (gl_dtype(c, g, n, k, range_names[k], k ? dt : IR_UNDEFINED))
            return -1;
        if (ir_numel(t) != 1 || t->rank > 1)
            return rc_err(c, n, range_names[k], "must be a scalar, got %" PRId64 " elements",
                          ir_numel(t));
    }
    if (dt != IR_FLOAT && dt != IR_DOUBLE && dt != IR_INT16 && dt != IR_INT32 && dt != IR_INT64)
        return rc_err(c, n, "input 'start'", "must be float, double, int16, int32 or int64, got %s",
                      ir_dtype_name(dt));
    p = gl_params_new(n, sizeof *p);
    if (ir_dtype_is_int(dt)) {
        int64_t v[3];
        uint64_t span, step;
        for (int k = 0; k < 3; k++) {
            double d; /* int16 is not an index type: read it as a number */
            if (dt == IR_INT16 ? gl_const_doubles(c, g, n, k, range_names[k], &d, 1, &cnt)
                               : gl_const_ints(c, g, n, k, range_names[k], &v[k], 1, &cnt))
                return -1;
            if (dt == IR_INT16)
                v[k] = (int64_t)d;
        }
        if (v[2] == 0)
            return rc_err(c, n, "input 'delta'", "is 0");
        /* ceil(|limit - start| / |delta|) in unsigned arithmetic: no overflow */
        if (v[2] > 0 ? v[1] <= v[0] : v[1] >= v[0])
            p->count = 0;
        else {
            span = v[2] > 0 ? (uint64_t)v[1] - (uint64_t)v[0] : (uint64_t)v[0] - (uint64_t)v[1];
            step = v[2] > 0 ? (uint64_t)v[2] : 0 - (uint64_t)v[2];
            span = span / step + (span % step != 0);
            if (span > INT32_MAX)
                return rc_err(c, n, "output", "would have %" PRIu64 " elements", span);
            p->count = (int64_t)span;
        }
    } else {
        double v[3], m;
        for (int k = 0; k < 3; k++)
            if (gl_const_doubles(c, g, n, k, range_names[k], &v[k], 1, &cnt))
                return -1;
        if (v[2] == 0 || v[2] != v[2])
            return rc_err(c, n, "input 'delta'", "is %g", v[2]);
        m = ceil((v[1] - v[0]) / v[2]);
        if (m != m || m > INT32_MAX)
            return rc_err(c, n, "output", "would have %g elements (start %g, limit %g, delta %g)",
                          m, v[0], v[1], v[2]);
        p->count = m > 0 ? (int64_t)m : 0;
    }
    return gl_set_out(c, g, n, 0, dt, 1, &p->count);
}

static int range_interp(rc_ctx *c, const ir_graph *g, const ir_node *n, rc_values *v) {
    const range_params *p = n->params;
    int dt = g->t[n->out[0]].dtype;
    (void)c;
    rc_values_alloc(v, g, n->out[0]);
    if (dt == IR_INT64 || dt == IR_INT32) {
        int64_t s, d;
        s = dt == IR_INT64 ? *(const int64_t *)v->data[n->in[0]]
                           : *(const int32_t *)v->data[n->in[0]];
        d = dt == IR_INT64 ? *(const int64_t *)v->data[n->in[2]]
                           : *(const int32_t *)v->data[n->in[2]];
        for (int64_t i = 0; i < p->count; i++) {
            uint64_t y = (uint64_t)s + (uint64_t)i * (uint64_t)d; /* wraps, never overflows */
            if (dt == IR_INT64)
                ((int64_t *)v->data[n->out[0]])[i] = (int64_t)y;
            else
                ((int32_t *)v->data[n->out[0]])[i] = (int32_t)(uint32_t)y;
        }
        return 0;
    }
    for (int64_t i = 0; i < p->count; i++)
        gl_put(g, v, n->out[0], i,
               gl_get(g, v, n->in[0], 0) + (double)i * gl_get(g, v, n->in[2], 0));
    return 0;
}

const rc_op_def rc_op_range = {
    .since = 11,
    .op_type = "Range",
    .check = range_check,
    .interp = range_interp,
    .emit = gl_emit_folded,
    .flops = gl_flops_none,
    .params = gl_params_consts,
    .free_params = gl_free,
};
