/* ops/split.c — Split (opsets 2, 11, 13, 18): cuts the input along `axis`
 * into consecutive blocks, one per output.
 *
 *   output k = x[..., s_k : s_k + split[k], ...],  s_k = split[0] + ... + split[k-1]
 *
 * The sizes come from the `split` attribute (opset < 13) or input (13+, known
 * at compile time); without them, from `num_outputs` (18+: blocks of
 * ceil(dim / num_outputs), the last one smaller) or an equal split into as
 * many blocks as there are outputs (the dimension must divide evenly). Sizes
 * that do not add up to the dimension are refused. Opset 1 (split as a second
 * input) is refused. Any dtype. Each output is a strided copy (a single
 * output is a view of the input). */
#include "glue.h"

#include <inttypes.h>
#include <string.h>

typedef struct split_params {
    int axis;
    int count;
    int64_t size[]; /* count sizes */
} split_params;

/* Sizes from num_outputs, or an equal split over the outputs. */
static int split_default(rc_ctx *c, const ir_graph *g, ir_node *n, int64_t dim, int64_t *size) {
    int64_t num = 0;
    int has = 0;
    if (g->opset >= 18 && rc_attr_int(c, n, "num_outputs", &num, &has))
        return -1;
    if (has) {
        int64_t block;
        if (num != n->n_out)
            return rc_err(c, n, "attribute num_outputs",
                          "is %" PRId64 " but the node has %d outputs", num, n->n_out);
        block = (dim + num - 1) / num; /* ceil */
        for (int k = 0; k < n->n_out; k++) {
            int64_t left = dim - block * k;
            size[k] = left < 0 ? 0 : left < block ? left : block;
        }
        return 0;
    }
    if (dim % n->n_out)
        return rc_err(c, n, "split",
                      "dimension %" PRId64 " does not split into %d equal parts (give 'split')",
                      dim, n->n_out);
    for (int k = 0; k < n->n_out; k++)
        size[k] = dim / n->n_out;
    return 0;
}

/* The given split sizes (attribute or input), *given 0 if there are none. */
static int split_given(rc_ctx *c, const ir_graph *g, ir_node *n, int64_t *size, int *given) {
    int count = 0;
    *given = 0;
    if (g->opset < 13) {
        const int64_t *a;
        if (rc_attr_ints(c, n, "split", &a, &count))
            return -1;
        if (!a)
            return 0;
        if (count != n->n_out)
            return rc_err(c, n, "attribute split", "has %d sizes for %d outputs", count, n->n_out);
        memcpy(size, a, sizeof(int64_t) * (size_t)count);
    } else {
        if (!ir_in(g, n, 1))
            return 0;
        if (gl_const_ints(c, g, n, 1, "input 'split'", size, n->n_out + 1, &count))
            return -1;
        if (count != n->n_out)
            return rc_err(c, n, "input 'split'", "has %d sizes for %d outputs", count, n->n_out);
    }
    *given = 1;
    return 0;
}

static int split_check(rc_ctx *c, ir_graph *g, ir_node *n) {
    split_params *p;
    const ir_tensor *x;
    int64_t axis = 0, total = 0, dims[IR_MAX_RANK];
    int has_axis, given;
    if (g->opset < 2)
        return rc_err(c, n, "opset", "Split of opset 1 (split as an input) is not supported");
    if (gl_arity(c, n, 1, g->opset < 13 ? 1 : 2, 1, 1 << 16) ||
        gl_dtype(c, g, n, 0, "input 'input'", IR_UNDEFINED) ||
        rc_attr_int(c, n, "axis", &axis, &has_axis))
        return -1;
    x = ir_in(g, n, 0);
    if (x->rank < 1)
        return rc_err(c, n, "input 'input'", "must have rank >= 1, got a scalar");
    p = gl_params_new(n, sizeof *p + sizeof(int64_t) * ((size_t)n->n_out + 1));
    p->count = n->n_out;
    if (gl_axis(c, n, "attribute axis", axis, x->rank, &p->axis) ||
        split_given(c, g, n, p->size, &given))
        return -1;
    if (!given && split_default(c, g, n, x->dims[p->axis], p->size))
        return -1;
    if (rc_attr_unused(c, g, n))
        return -1;
    for (int k = 0; k < p->count; k++) {
        if (p->size[k] < 0)
            return rc_err(c, n, "split", "size %d is %" PRId64 ", must be >= 0", k, p->size[k]);
        if (p->size[k] > x->dims[p->axis] - total) { /* total + size would exceed the axis */
            total = x->dims[p->axis] + 1;
            break;
        }
        total += p->size[k];
    }
    if (total != x->dims[p->axis])
        return rc_err(c, n, "split",
                      "the sizes add up to %s%" PRId64 ", but axis %d has %" PRId64 " elements",
                      total > x->dims[p->axis] ? "more than " : "",
                      total > x->dims[p->axis] ? x->dims[p->axis] : total, p->axis,
                      x->dims[p->axis]);
    memcpy(dims, x->dims, sizeof(int64_t) * (size_t)x->rank);
    for (int k = 0; k < p->count; k++) {
        dims[p->axis] = p->size[k];
        if (gl_set_out(c, g, n, k, x->dtype, x->rank, dims))
            return -1;
    }
    return 0;
}

static int split_interp(rc_ctx *c, const ir_graph *g, const ir_node *n, rc_values *v) {
    const split_params *p = n->params;
    int64_t outer, len, inner, start = 0;
    (void)c;
    ir_split_axis(ir_in(g, n, 0), p->axis, &outer, &len, &inner);
    for (int k = 0; k < p->count; start += p->size[k++]) {
        if (n->out[k] < 0)
            continue;
        rc_values_alloc(v, g, n->out[k]);
        for (int64_t o = 0; o < outer; o++)
            for (int64_t j = 0; j < p->size[k]; j++)
                for (int64_t i = 0; i < inner; i++)
                    gl_copy_elem(g, v, n->out[k], (o * p->size[k] + j) * inner + i, n->in[0],
                                 (o * len + start + j) * inner + i);
    }
    return 0;
}

static int split_emit(rc_ctx *c, em_state *e, const ir_graph *g, const ir_node *n) {
    const split_params *p = n->params;
    const ir_tensor *x = ir_in(g, n, 0);
    int64_t outer, len, inner, start = 0;
    (void)c;
    ir_split_axis(x, p->axis, &outer, &len, &inner);
    for (int k = 0; k < p->count; start += p->size[k++]) {
        /* [outer][size_k * inner] from rows of len * inner, starting at start * inner */
        int64_t dims[2] = {outer, p->size[k] * inner};
        gl_operand dst = {NULL, 0, {dims[1], 1}}, src = {NULL, start * inner, {len * inner, 1}};
        if (!gl_used(g, n->out[k]))
            continue;
        dst.ptr = em_tensor(e, n->out[k]);
        src.ptr = em_tensor(e, n->in[0]);
        gl_emit_copy(e, 2, dims, &dst, &src, em_ctype(x->dtype));
    }
    return 0;
}

/* One output: the whole input. */
static int split_view(const ir_graph *g, const ir_node *n, int64_t *off) {
    (void)g;
    *off = 0;
    return n->n_out == 1;
}

static int split_time(rc_ctx *c, const ir_graph *g, const ir_node *n, const int *in, int *out) {
    const split_params *p = n->params;
    (void)g;
    if (in[0] >= 0 && in[0] == p->axis && p->count > 1)
        return gl_time_mixes(c, n, "it splits the time axis");
    for (int k = 0; k < n->n_out; k++)
        out[k] = in[0];
    return 0;
}

const rc_op_def rc_op_split = {
    .op_type = "Split",
    .check = split_check,
    .interp = split_interp,
    .emit = split_emit,
    .time = split_time,
    .view = split_view,
    .flops = gl_flops_none,
    .params = gl_params_consts,
    .free_params = gl_free,
};
