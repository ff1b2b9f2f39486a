/* ops/gather.c — Gather (opsets 1, 11, 13): the exporter's embedding lookup
 * (weights[V][E] indexed by token ids) and its "last timestep" y[:, -1].
 *
 *   out[a..., j..., b...] = data[a..., idx[j...], b...]   along `axis`
 *
 * with q = rank(indices): output rank r + q - 1. Negative indices count from
 * the end (valid range [-s, s-1], s = data.shape[axis]). Constant indices are
 * checked at compile time and become fixed offsets; run-time indices are
 * checked in generated code, which returns RNNRT_E_INDEX before using one. */
#include "glue.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

typedef struct gather_params {
    int axis;
    int64_t outer, s, inner, count; /* data as [outer][s][inner]; count indices */
} gather_params;

/* Constant indices with more values than this use the run-time loop. */
#define GATHER_MAX_FIXED 16

static int gather_check(rc_ctx *c, ir_graph *g, ir_node *n) {
    gather_params *p;
    const ir_tensor *x, *ix;
    int64_t axis = 0, dims[IR_MAX_RANK];
    int has_axis, rank = 0;
    if (gl_arity(c, n, 2, 2, 2, 1) || gl_dtype(c, g, n, 0, "input 'data'", IR_UNDEFINED) ||
        gl_dtype(c, g, n, 1, "input 'indices'", IR_UNDEFINED) ||
        rc_attr_int(c, n, "axis", &axis, &has_axis) || rc_attr_unused(c, g, n))
        return -1;
    x = ir_in(g, n, 0);
    ix = ir_in(g, n, 1);
    if (ix->dtype != IR_INT64 && ix->dtype != IR_INT32)
        return rc_err(c, n, "input 'indices'", "must be int64 or int32, got %s",
                      ir_dtype_name(ix->dtype));
    if (x->rank < 1)
        return rc_err(c, n, "input 'data'", "must have rank >= 1, got a scalar");
    p = gl_params_new(n, sizeof *p);
    if (gl_axis(c, n, "attribute axis", axis, x->rank, &p->axis))
        return -1;
    if (x->rank + ix->rank - 1 > IR_MAX_RANK)
        return rc_err(c, n, "output", "rank %d exceeds the maximum %d", x->rank + ix->rank - 1,
                      IR_MAX_RANK);
    ir_split_axis(x, p->axis, &p->outer, &p->s, &p->inner);
    p->count = ir_numel(ix);
    /* output dims: data's before axis, then indices', then data's after axis */
    for (int d = 0; d < p->axis; d++)
        dims[rank++] = x->dims[d];
    for (int d = 0; d < ix->rank; d++)
        dims[rank++] = ix->dims[d];
    for (int d = p->axis + 1; d < x->rank; d++)
        dims[rank++] = x->dims[d];
    if (ix->data)
        for (int64_t j = 0; j < p->count; j++) {
            int64_t k = ix->dtype == IR_INT64 ? ((const int64_t *)ix->data)[j]
                                              : ((const int32_t *)ix->data)[j];
            if (k < -p->s || k >= p->s)
                return rc_err(c, n, "input 'indices'",
                              "index %" PRId64 " (element %" PRId64
                              ") is out of range for dimension %d of size %" PRId64,
                              k, j, p->axis, p->s);
        }
    return gl_set_out(c, g, n, 0, x->dtype, rank, dims);
}

static int gather_interp(rc_ctx *c, const ir_graph *g, const ir_node *n, rc_values *v) {
    const gather_params *p = n->params;
    size_t esz = ir_dtype_size(g->t[n->in[0]].dtype);
    const unsigned char *x = v->data[n->in[0]];
    unsigned char *y = rc_values_alloc(v, g, n->out[0]);
    for (int64_t j = 0; j < p->count; j++) {
        /* read exactly: an int64 beyond 2^53 must not round (2^63 would not convert back) */
        const int64_t k0 = g->t[n->in[1]].dtype == IR_INT64
                               ? ((const int64_t *)v->data[n->in[1]])[j]
                               : ((const int32_t *)v->data[n->in[1]])[j];
        int64_t k = k0;
        if (k < 0)
            k += p->s;
        if (k < 0 || k >= p->s)
            return rc_err(c, n, "input 'indices'",
                          "index %" PRId64 " (element %" PRId64
                          ") is out of range for dimension %d of size %" PRId64,
                          k0, j, p->axis, p->s);
        for (int64_t o = 0; o < p->outer; o++)
            for (int64_t i = 0; i < p->inner; i++)
                memcpy(y + (size_t)(((o * p->count) + j) * p->inner + i) * esz,
                       x + (size_t)((o * p->s + k) * p->inner + i) * esz, esz);
    }
    return 0;
}

static int gather_emit(rc_ctx *c, em_state *e, const ir_graph *g, const ir_node *n) {
    const gather_params *p = n->params;
    const ir_tensor *ix = &g->t[n->in[1]];
    const char *ctype = em_ctype(g->t[n->in[0]].dtype);
    const char *y = em_tensor(e, n->out[0]), *x = em_tensor(e, n->in[0]);
    int64_t dims[2] = {p->outer, p->inner};
    (void)c;
    if (ix->data && p->count <= GATHER_MAX_FIXED) {
        /* fixed offsets: one strided copy per index */
        for (int64_t j = 0; j < p->count; j++) {
            int64_t k = ix->dtype == IR_INT64 ? ((const int64_t *)ix->data)[j]
                                              : ((const int32_t *)ix->data)[j];
            gl_operand dst = {y, j * p->inner, {p->count * p->inner, 1}};
            gl_operand src = {x, (k < 0 ? k + p->s : k) * p->inner, {p->s * p->inner, 1}};
            gl_emit_copy(e, 2, dims, &dst, &src, ctype);
        }
        return 0;
    }
    e->has_loops = 1;
    /* every index is checked before anything is written */
    em_printf(e, "for (int j = 0; j < %" PRId64 "; ++j)\n", p->count);
    em_printf(e, "if (%s[j] < -%" PRId64 " || %s[j] >= %" PRId64 ")\nreturn RNNRT_E_INDEX;\n",
              em_tensor(e, n->in[1]), p->s, em_tensor(e, n->in[1]), p->s);
    em_printf(e, "for (int j = 0; j < %" PRId64 "; ++j) {\n", p->count);
    em_printf(e, "int64_t k = (int64_t)%s[j];\n", em_tensor(e, n->in[1]));
    em_printf(e, "if (k < 0)\nk += %" PRId64 ";\n", p->s);
    em_printf(e, "for (int o = 0; o < %" PRId64 "; ++o)\n", p->outer);
    em_printf(e,
              "memcpy(&%s[(o * %" PRId64 " + j) * %" PRId64 "], &%s[(o * %" PRId64
              " + k) * %" PRId64 "], %" PRId64 " * sizeof(%s));\n",
              y, p->count, p->inner, x, p->s, p->inner, p->inner, ctype);
    em_printf(e, "}\n");
    return 0;
}

static int gather_time(rc_ctx *c, const ir_graph *g, const ir_node *n, const int *in, int *out) {
    const gather_params *p = n->params;
    int q = ir_in(g, n, 1)->rank;
    if (in[0] >= 0 && in[1] >= 0)
        return gl_time_mixes(c, n, "both its data and its indices carry time");
    if (in[0] == p->axis)
        return gl_time_mixes(c, n, "it selects along the time axis (e.g. the last time step)");
    if (in[1] >= 0) /* embedding lookup: the token ids carry time */
        out[0] = p->axis + in[1];
    else if (in[0] >= 0)
        out[0] = in[0] < p->axis ? in[0] : in[0] + q - 1;
    else
        out[0] = -1;
    return 0;
}

/* One constant index on the outermost axis (y[-1] of a [T][B][H] output)
 * selects a contiguous block. */
static int gather_view(const ir_graph *g, const ir_node *n, int64_t *off) {
    const gather_params *p = n->params;
    const ir_tensor *ix = &g->t[n->in[1]];
    int64_t k;
    if (!ix->data || p->count != 1 || p->outer != 1)
        return 0;
    k = ix->dtype == IR_INT64 ? ((const int64_t *)ix->data)[0] : ((const int32_t *)ix->data)[0];
    *off = (k < 0 ? k + p->s : k) * p->inner;
    return 1;
}

const rc_op_def rc_op_gather = {
    .op_type = "Gather",
    .check = gather_check,
    .interp = gather_interp,
    .emit = gather_emit,
    .time = gather_time,
    .view = gather_view,
    .flops = gl_flops_none,
    .params = gl_params_consts,
    .free_params = gl_free,
};
