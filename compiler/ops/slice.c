/* ops/slice.c — Slice (opsets 1 and 10, 11, 13): along each listed axis,
 * elements start, start+step, ... up to (not including) end. Opset < 10
 * takes starts/ends/axes as attributes; from 10 they are inputs (with
 * steps), which must be known at compile time. Negative starts/ends count
 * from the end; both are clamped to [0, dim] for step > 0 and [-1, dim-1]
 * for step < 0 (so INT64_MAX means "to the end"). The exporter uses it to
 * take each layer's slice of h0/c0. */
#include "glue.h"

#include <inttypes.h>
#include <string.h>

typedef struct slice_params {
    int64_t start[IR_MAX_RANK], step[IR_MAX_RANK];
} slice_params;

static int slice_args(rc_ctx *c, const ir_graph *g, ir_node *n, int64_t *st, int64_t *en,
                      int64_t *ax, int64_t *sp, int *count, int *has_axes) {
    int ne, na = 0, ns;
    *has_axes = 0;
    if (g->opset < 10) {
        const int64_t *a, *b, *x;
        if (rc_attr_ints(c, n, "starts", &a, count) || rc_attr_ints(c, n, "ends", &b, &ne) ||
            rc_attr_ints(c, n, "axes", &x, &na))
            return -1;
        if (!a || !b)
            return rc_err(c, n, "attributes", "starts and ends are required");
        if (*count > IR_MAX_RANK || ne != *count || (x && na != *count))
            return rc_err(c, n, "attributes",
                          "starts, ends (and axes) must have the same length, at most %d",
                          IR_MAX_RANK);
        memcpy(st, a, sizeof(int64_t) * (size_t)*count);
        memcpy(en, b, sizeof(int64_t) * (size_t)*count);
        if (x)
            memcpy(ax, x, sizeof(int64_t) * (size_t)*count), *has_axes = 1;
        for (int k = 0; k < *count; k++)
            sp[k] = 1;
        return 0;
    }
    if (gl_const_ints(c, g, n, 1, "input 'starts'", st, IR_MAX_RANK, count) ||
        gl_const_ints(c, g, n, 2, "input 'ends'", en, IR_MAX_RANK, &ne))
        return -1;
    if (ne != *count)
        return rc_err(c, n, "input 'ends'", "has %d values, starts has %d", ne, *count);
    if (n->n_in > 3 && n->in[3] >= 0) {
        if (gl_const_ints(c, g, n, 3, "input 'axes'", ax, IR_MAX_RANK, &na))
            return -1;
        if (na != *count)
            return rc_err(c, n, "input 'axes'", "has %d values, starts has %d", na, *count);
        *has_axes = 1;
    }
    for (int k = 0; k < *count; k++)
        sp[k] = 1;
    if (n->n_in > 4 && n->in[4] >= 0) {
        if (gl_const_ints(c, g, n, 4, "input 'steps'", sp, IR_MAX_RANK, &ns))
            return -1;
        if (ns != *count)
            return rc_err(c, n, "input 'steps'", "has %d values, starts has %d", ns, *count);
    }
    return 0;
}

static int64_t clamp(int64_t v, int64_t lo, int64_t hi) { return v < lo ? lo : v > hi ? hi : v; }

static int slice_check(rc_ctx *c, ir_graph *g, ir_node *n) {
    slice_params *p;
    const ir_tensor *x;
    int64_t st[IR_MAX_RANK], en[IR_MAX_RANK], ax[IR_MAX_RANK], sp[IR_MAX_RANK], dims[IR_MAX_RANK];
    int count, has_axes, seen[IR_MAX_RANK] = {0};
    if (gl_arity(c, n, g->opset < 10 ? 1 : 3, g->opset < 10 ? 1 : 5, g->opset < 10 ? 1 : 3, 1) ||
        gl_dtype(c, g, n, 0, "input 'data'", IR_UNDEFINED) ||
        slice_args(c, g, n, st, en, ax, sp, &count, &has_axes) || rc_attr_unused(c, g, n))
        return -1;
    x = ir_in(g, n, 0);
    p = gl_params_new(n, sizeof *p);
    for (int d = 0; d < x->rank; d++)
        p->start[d] = 0, p->step[d] = 1, dims[d] = x->dims[d];
    if (count > x->rank)
        return rc_err(c, n, "starts", "has %d values for an input of rank %d", count, x->rank);
    for (int k = 0; k < count; k++) {
        int a = k;
        int64_t dim, s, e;
        if (has_axes && gl_axis(c, n, "axes", ax[k], x->rank, &a))
            return -1;
        if (seen[a])
            return rc_err(c, n, "axes", "axis %d is given twice", a);
        seen[a] = 1;
        if (sp[k] == 0)
            return rc_err(c, n, "steps", "step %d (axis %d) is 0", k, a);
        dim = x->dims[a];
        s = st[k] < 0 ? (st[k] < -dim ? -1 - dim : st[k]) + dim : st[k];
        e = en[k] < 0 ? (en[k] < -dim ? -1 - dim : en[k]) + dim : en[k];
        if (sp[k] == INT64_MIN)
            sp[k] = -INT64_MAX; /* takes the same (at most one) element, and negates */
        /* counts written so that no step, however large, overflows */
        if (sp[k] > 0) {
            s = clamp(s, 0, dim), e = clamp(e, 0, dim);
            dims[a] = e > s ? 1 + (e - s - 1) / sp[k] : 0;
        } else {
            s = clamp(s, 0, dim - 1), e = clamp(e, -1, dim - 1);
            dims[a] = s > e ? 1 + (s - e - 1) / -sp[k] : 0;
        }
        p->start[a] = dims[a] ? s : 0;
        /* one element or none: any step reads the same, and +-1 keeps strides small */
        p->step[a] = dims[a] > 1 ? sp[k] : (sp[k] > 0 ? 1 : -1);
    }
    return gl_set_out(c, g, n, 0, x->dtype, x->rank, dims);
}

/* Source operand of the slice: offset from the starts, strides scaled by steps. */
static void slice_src(const slice_params *p, const ir_tensor *x, gl_operand *src) {
    int64_t xs[IR_MAX_RANK];
    gl_strides(x->rank, x->dims, xs);
    src->off = 0;
    for (int d = 0; d < x->rank; d++) {
        src->off += p->start[d] * xs[d];
        src->st[d] = p->step[d] * xs[d];
    }
}

static int slice_interp(rc_ctx *c, const ir_graph *g, const ir_node *n, rc_values *v) {
    const ir_tensor *x = &g->t[n->in[0]], *y = &g->t[n->out[0]];
    gl_operand src = {0};
    int64_t idx[IR_MAX_RANK];
    (void)c;
    slice_src(n->params, x, &src);
    rc_values_alloc(v, g, n->out[0]);
    for (int64_t i = 0; i < ir_numel(y); i++) {
        int64_t s = src.off;
        gl_unravel(i, y->rank, y->dims, idx);
        for (int d = 0; d < y->rank; d++)
            s += idx[d] * src.st[d];
        gl_copy_elem(g, v, n->out[0], i, n->in[0], s);
    }
    return 0;
}

static int slice_emit(rc_ctx *c, em_state *e, const ir_graph *g, const ir_node *n) {
    const ir_tensor *x = &g->t[n->in[0]], *y = &g->t[n->out[0]];
    gl_operand dst = {em_tensor(e, n->out[0]), 0, {0}};
    gl_operand src = {em_tensor(e, n->in[0]), 0, {0}};
    (void)c;
    gl_strides(y->rank, y->dims, dst.st);
    slice_src(n->params, x, &src);
    gl_emit_copy(e, y->rank, y->dims, &dst, &src, em_ctype(y->dtype));
    return 0;
}

static int slice_view(const ir_graph *g, const ir_node *n, int64_t *off) {
    const ir_tensor *x = &g->t[n->in[0]], *y = &g->t[n->out[0]];
    gl_operand dst = {"", 0, {0}}, src = {"", 0, {0}};
    gl_strides(y->rank, y->dims, dst.st);
    slice_src(n->params, x, &src);
    return gl_contiguous(y->rank, y->dims, &dst, &src, off);
}

static int slice_time(rc_ctx *c, const ir_graph *g, const ir_node *n, const int *in, int *out) {
    const slice_params *p = n->params;
    out[0] = in[0];
    if (in[0] >= 0 && (p->start[in[0]] != 0 || p->step[in[0]] != 1 ||
                       ir_out(g, n, 0)->dims[in[0]] != ir_in(g, n, 0)->dims[in[0]]))
        return gl_time_mixes(c, n, "it slices the time axis");
    return 0;
}

const rc_op_def rc_op_slice = {
    .op_type = "Slice",
    .check = slice_check,
    .interp = slice_interp,
    .emit = slice_emit,
    .time = slice_time,
    .view = slice_view,
    .flops = gl_flops_none,
    .params = gl_params_consts,
    .free_params = gl_free,
};
