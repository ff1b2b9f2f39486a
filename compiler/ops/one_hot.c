/* ops/one_hot.c — OneHot (opsets 9, 11): inserts an axis of length depth at
 * `axis` (default -1, the end) holding values[1] ("on") where its coordinate
 * is the index and values[0] ("off") elsewhere,
 *
 *   y[a.., j, b..] = j == k(idx[a.., b..]) ? values[1] : values[0]
 *
 * k(v) = v truncated to an integer, plus depth when negative; an index
 * outside [-depth, depth - 1] (or NaN) gives a row of "off" values, as the
 * spec says. depth (a one-element tensor of any numeric type) must be known
 * at compile time; indices and values may be computed at run time. The
 * output has values' dtype. */
#include "glue.h"

#include <inttypes.h>
#include <math.h>

typedef struct one_hot_params {
    int axis;                    /* of the output: the new one */
    int64_t depth, outer, inner; /* indices as [outer][inner] around the new axis */
} one_hot_params;

static int one_hot_check(rc_ctx *c, ir_graph *g, ir_node *n) {
    one_hot_params *p;
    const ir_tensor *ix, *vals;
    int64_t axis = -1, dims[IR_MAX_RANK];
    double depth;
    int has, count, a;
    if (gl_arity(c, n, 3, 3, 3, 1) || gl_dtype(c, g, n, 0, "input 'indices'", IR_UNDEFINED) ||
        gl_dtype(c, g, n, 2, "input 'values'", IR_UNDEFINED) ||
        rc_attr_int(c, n, "axis", &axis, &has) || rc_attr_unused(c, g, n) ||
        gl_const_doubles(c, g, n, 1, "input 'depth'", &depth, 1, &count))
        return -1;
    ix = ir_in(g, n, 0);
    vals = ir_in(g, n, 2);
    if (count != 1)
        return rc_err(c, n, "input 'depth'", "must hold one value, got %d", count);
    if (!(depth >= 1 && depth <= INT32_MAX))
        return rc_err(c, n, "input 'depth'", "must be in 1..%d, got %g", INT32_MAX, depth);
    if (ir_numel(vals) != 2 || vals->rank > 1)
        return rc_err(c, n, "input 'values'", "must hold two values [off, on], got %" PRId64,
                      ir_numel(vals));
    if (ix->dtype == IR_FLOAT16 || ix->dtype == IR_BFLOAT16)
        return rc_err(c, n, "input 'indices'", "%s indices are not supported",
                      ir_dtype_name(ix->dtype));
    if (ix->rank + 1 > IR_MAX_RANK)
        return rc_err(c, n, "output", "rank %d exceeds the maximum %d", ix->rank + 1, IR_MAX_RANK);
    if (gl_axis(c, n, "attribute axis", axis, ix->rank + 1, &a))
        return -1;
    p = gl_params_new(n, sizeof *p);
    p->axis = a;
    p->depth = (int64_t)depth;
    p->outer = p->inner = 1;
    for (int d = 0, r = 0; d <= ix->rank; d++) {
        if (d == a) {
            dims[d] = p->depth;
            continue;
        }
        dims[d] = ix->dims[r];
        *(d < a ? &p->outer : &p->inner) *= ix->dims[r++];
    }
    return gl_set_out(c, g, n, 0, vals->dtype, ix->rank + 1, dims);
}

/* The hot coordinate of index value f, or -1 for none. */
static int64_t hot(double f, int64_t depth) {
    int64_t k;
    if (!(f >= (double)-depth && f < (double)depth))
        return -1;
    k = (int64_t)f;
    return k < 0 ? k + depth : k;
}

static int one_hot_interp(rc_ctx *c, const ir_graph *g, const ir_node *n, rc_values *v) {
    const one_hot_params *p = n->params;
    (void)c;
    rc_values_alloc(v, g, n->out[0]);
    for (int64_t o = 0; o < p->outer; o++)
        for (int64_t i = 0; i < p->inner; i++) {
            int64_t k = hot(gl_get(g, v, n->in[0], o * p->inner + i), p->depth);
            for (int64_t j = 0; j < p->depth; j++)
                gl_copy_elem(g, v, n->out[0], (o * p->depth + j) * p->inner + i, n->in[2], j == k);
        }
    return 0;
}

static int one_hot_emit(rc_ctx *c, em_state *e, const ir_graph *g, const ir_node *n) {
    const one_hot_params *p = n->params;
    const char *ty = em_ctype(ir_in(g, n, 2)->dtype), *vals = em_tensor(e, n->in[2]);
    (void)c;
    if (p->outer * p->inner == 0)
        return 0;
    e->has_loops = 1;
    em_printf(e, "const %s off = %s[0], on = %s[1];\n", ty, vals, vals);
    em_printf(e, "for (int64_t o = 0; o < %" PRId64 "; ++o)\n", p->outer);
    em_printf(e, "for (int64_t i = 0; i < %" PRId64 "; ++i) {\n", p->inner);
    /* compared as double first: the conversion to int64_t is then defined */
    em_printf(e, "const double f = (double)%s[o * %" PRId64 " + i];\n", em_tensor(e, n->in[0]),
              p->inner);
    em_printf(e, "int64_t k = -1;\n");
    em_printf(e, "if (f >= -%" PRId64 ".0 && f < %" PRId64 ".0) {\n", p->depth, p->depth);
    em_printf(e, "k = (int64_t)f;\nif (k < 0)\nk += %" PRId64 ";\n}\n", p->depth);
    em_printf(e, "for (int64_t j = 0; j < %" PRId64 "; ++j)\n", p->depth);
    em_printf(e, "%s[(o * %" PRId64 " + j) * %" PRId64 " + i] = j == k ? on : off;\n}\n",
              em_tensor(e, n->out[0]), p->depth, p->inner);
    return 0;
}

static int one_hot_time(rc_ctx *c, const ir_graph *g, const ir_node *n, const int *in, int *out) {
    const one_hot_params *p = n->params;
    (void)g;
    if (in[1] >= 0 || in[2] >= 0)
        return gl_time_mixes(c, n, "its depth or values carry time");
    /* the new axis shifts those from it on by one */
    out[0] = in[0] < 0 ? -1 : in[0] < p->axis ? in[0] : in[0] + 1;
    return 0;
}

const rc_op_def rc_op_one_hot = {
    .since = 9,
    .op_type = "OneHot",
    .check = one_hot_check,
    .interp = one_hot_interp,
    .emit = one_hot_emit,
    .time = one_hot_time,
    .flops = gl_flops_none,
    .params = gl_params_consts,
    .free_params = gl_free,
};
