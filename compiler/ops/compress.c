/* ops/compress.c — Compress (opsets 9, 11): keeps the slices along `axis`
 * whose condition is true (without axis: the elements of the flattened
 * input), in order.
 *
 *   y = x[..., {i : condition[i]}, ...]
 *
 * The output's shape depends on the condition's values, so it must be known
 * at compile time (any numeric type, nonzero = true). A condition shorter
 * than the axis keeps nothing beyond its end; a longer one is refused. The
 * kept slices become one strided copy per run of consecutive ones. Any
 * dtype. */
#include "glue.h"

#include <inttypes.h>
#include <stdlib.h>

typedef struct compress_params {
    int axis;                  /* -1: the flattened input */
    int64_t outer, len, inner; /* x as [outer][len][inner] */
    int64_t count;             /* kept indices */
    int64_t keep[];            /* count ascending indices */
} compress_params;

static int compress_check(rc_ctx *c, ir_graph *g, ir_node *n) {
    compress_params *p;
    const ir_tensor *x, *cond;
    int64_t axis = 0, dims[IR_MAX_RANK], len;
    double *cv;
    int has_axis, nc, a = -1;
    if (gl_arity(c, n, 2, 2, 2, 1) || gl_dtype(c, g, n, 0, "input 'input'", IR_UNDEFINED) ||
        gl_dtype(c, g, n, 1, "input 'condition'", IR_UNDEFINED) ||
        rc_attr_int(c, n, "axis", &axis, &has_axis) || rc_attr_unused(c, g, n))
        return -1;
    x = ir_in(g, n, 0);
    cond = ir_in(g, n, 1);
    if (has_axis && gl_axis(c, n, "attribute axis", axis, x->rank, &a))
        return -1;
    len = a < 0 ? ir_numel(x) : x->dims[a];
    if (ir_numel(cond) > len)
        return rc_err(c, n, "input 'condition'",
                      "has %" PRId64 " values, more than the %" PRId64 " it selects from",
                      ir_numel(cond), len);
    cv = rc_xmalloc(sizeof(double) * ((size_t)ir_numel(cond) + 1));
    if (gl_const_doubles(c, g, n, 1, "input 'condition'", cv, (int)ir_numel(cond), &nc)) {
        free(cv);
        return -1;
    }
    p = gl_params_new(n, sizeof *p + sizeof(int64_t) * ((size_t)nc + 1));
    for (int i = 0; i < nc; i++)
        if (cv[i] != 0)
            p->keep[p->count++] = i;
    free(cv);
    p->axis = a;
    if (a < 0) {
        p->outer = p->inner = 1, p->len = len;
        return gl_set_out(c, g, n, 0, x->dtype, 1, &p->count);
    }
    ir_split_axis(x, a, &p->outer, &p->len, &p->inner);
    for (int d = 0; d < x->rank; d++)
        dims[d] = d == a ? p->count : x->dims[d];
    return gl_set_out(c, g, n, 0, x->dtype, x->rank, dims);
}

static int compress_interp(rc_ctx *c, const ir_graph *g, const ir_node *n, rc_values *v) {
    const compress_params *p = n->params;
    (void)c;
    rc_values_alloc(v, g, n->out[0]);
    for (int64_t o = 0; o < p->outer; o++)
        for (int64_t j = 0; j < p->count; j++)
            for (int64_t i = 0; i < p->inner; i++)
                gl_copy_elem(g, v, n->out[0], (o * p->count + j) * p->inner + i, n->in[0],
                             (o * p->len + p->keep[j]) * p->inner + i);
    return 0;
}

static int compress_emit(rc_ctx *c, em_state *e, const ir_graph *g, const ir_node *n) {
    const compress_params *p = n->params;
    const char *ty = em_ctype(ir_in(g, n, 0)->dtype);
    (void)c;
    for (int64_t j = 0, r; j < p->count; j += r) {
        /* the run keep[j] .. keep[j] + r - 1 */
        int64_t dims[2];
        gl_operand dst = {em_tensor(e, n->out[0]), j * p->inner, {p->count * p->inner, 1}};
        gl_operand src = {em_tensor(e, n->in[0]), p->keep[j] * p->inner, {p->len * p->inner, 1}};
        for (r = 1; j + r < p->count && p->keep[j + r] == p->keep[j] + r; r++)
            ;
        dims[0] = p->outer, dims[1] = r * p->inner;
        gl_emit_copy(e, 2, dims, &dst, &src, ty);
    }
    return 0;
}

static int compress_time(rc_ctx *c, const ir_graph *g, const ir_node *n, const int *in, int *out) {
    const compress_params *p = n->params;
    (void)g;
    out[0] = in[0];
    if (in[0] >= 0 && (p->axis < 0 || p->axis == in[0]))
        return gl_time_mixes(c, n, "it selects along the time axis");
    return 0;
}

const rc_op_def rc_op_compress = {
    .since = 9,
    .op_type = "Compress",
    .check = compress_check,
    .interp = compress_interp,
    .emit = compress_emit,
    .time = compress_time,
    .flops = gl_flops_none,
    .params = gl_params_consts,
    .free_params = gl_free,
};
