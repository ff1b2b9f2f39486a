/* ops/elements.c — GatherElements (opsets 11, 13) and ScatterElements
 * (opsets 11, 13, 16, 18; and its older name Scatter, opsets 9, 11): indexing
 * element by element along `axis`; and
 * GatherND (opsets 11, 12, 13) and ScatterND (opsets 11, 13, 16, 18):
 * indexing slices by tuples of m indices (see the ND part below).
 *
 *   GatherElements:  y[i..] = data[i.. with i_axis := idx[i..]]       (y: idx's shape)
 *   ScatterElements: y = data;  y[i.. with i_axis := idx[i..]] (op)= updates[i..]
 *
 * idx (int32/int64) has data's rank and no larger dimensions off the axis;
 * negative indices count from the end (valid: [-s, s-1], s = dims[axis]).
 * Constant indices are checked at compile time; run-time ones in generated
 * code, which returns RNNRT_E_INDEX before using one. ScatterElements'
 * `reduction` (16+): none, add, mul; max, min (18+). Duplicated indices with
 * reduction none: the last update wins. Reductions are refused for bool,
 * float16 and bfloat16; integer ones wrap. The interpreter reduces in double
 * (exact for every integer up to 2^53). */
#include "glue.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

enum { RED_NONE, RED_ADD, RED_MUL, RED_MAX, RED_MIN };

typedef struct elements_params {
    int axis, reduction;
} elements_params;

static int reduction_of(rc_ctx *c, const ir_graph *g, ir_node *n, int *red) {
    const char *s = "none";
    int has;
    *red = RED_NONE;
    if ((n->op != RC_OP_SCATTER_ELEMENTS && n->op != RC_OP_SCATTER_ND) || g->opset < 16)
        return 0;
    if (rc_attr_string(c, n, "reduction", &s, &has))
        return -1;
    if (!strcmp(s, "none"))
        *red = RED_NONE;
    else if (!strcmp(s, "add"))
        *red = RED_ADD;
    else if (!strcmp(s, "mul"))
        *red = RED_MUL;
    else if (!strcmp(s, "max") && g->opset >= 18)
        *red = RED_MAX;
    else if (!strcmp(s, "min") && g->opset >= 18)
        *red = RED_MIN;
    else
        return rc_err(c, n, "attribute reduction",
                      "'%s' is not a reduction of opset %" PRId64
                      " (none, add, mul; max, min from opset 18)",
                      rc_show(s), g->opset);
    return 0;
}

/* Index element j, exactly (int64 values beyond 2^53 must not round into range). */
static int64_t index_at(int dtype, const void *data, int64_t j) {
    return dtype == IR_INT64 ? ((const int64_t *)data)[j] : ((const int32_t *)data)[j];
}

/* Constant indices: every one in range. */
static int check_indices(rc_ctx *c, ir_node *n, const ir_tensor *ix, int axis, int64_t s) {
    if (!ix->data)
        return 0;
    for (int64_t j = 0; j < ir_numel(ix); j++) {
        int64_t k = index_at(ix->dtype, ix->data, j);
        if (k < -s || k >= s)
            return rc_err(c, n, "input 'indices'",
                          "index %" PRId64 " (element %" PRId64
                          ") is out of range for axis %d of size %" PRId64,
                          k, j, axis, s);
    }
    return 0;
}

static int elements_check(rc_ctx *c, ir_graph *g, ir_node *n) {
    elements_params *p;
    const ir_tensor *x, *ix, *up;
    int64_t axis = 0;
    int has, scatter = n->op != RC_OP_GATHER_ELEMENTS, red;
    if (gl_arity(c, n, 2 + scatter, 2 + scatter, 2 + scatter, 1) ||
        gl_dtype(c, g, n, 0, "input 'data'", IR_UNDEFINED) ||
        gl_dtype(c, g, n, 1, "input 'indices'", IR_UNDEFINED) ||
        rc_attr_int(c, n, "axis", &axis, &has) || reduction_of(c, g, n, &red) ||
        rc_attr_unused(c, g, n))
        return -1;
    x = ir_in(g, n, 0);
    ix = ir_in(g, n, 1);
    if (ix->dtype != IR_INT64 && ix->dtype != IR_INT32)
        return rc_err(c, n, "input 'indices'", "must be int64 or int32, got %s",
                      ir_dtype_name(ix->dtype));
    if (x->rank < 1 || ix->rank != x->rank)
        return rc_err(c, n, "input 'indices'", "must have the rank of data (%d >= 1), got %d",
                      x->rank, ix->rank);
    p = gl_params_new(n, sizeof *p);
    p->reduction = red;
    if (gl_axis(c, n, "attribute axis", axis, x->rank, &p->axis))
        return -1;
    for (int d = 0; d < x->rank; d++)
        if (d != p->axis && ix->dims[d] > x->dims[d])
            return rc_err(c, n, "input 'indices'",
                          "dimension %d is %" PRId64 ", larger than data's %" PRId64, d,
                          ix->dims[d], x->dims[d]);
    if (check_indices(c, n, ix, p->axis, x->dims[p->axis]))
        return -1;
    if (!scatter)
        return gl_set_out(c, g, n, 0, x->dtype, ix->rank, ix->dims);
    if (gl_dtype(c, g, n, 2, "input 'updates'", x->dtype))
        return -1;
    up = ir_in(g, n, 2);
    if (up->rank != ix->rank || memcmp(up->dims, ix->dims, sizeof(int64_t) * (size_t)ix->rank))
        return rc_err(c, n, "input 'updates'", "must have the shape of indices");
    if (red != RED_NONE &&
        (x->dtype == IR_BOOL || x->dtype == IR_FLOAT16 || x->dtype == IR_BFLOAT16))
        return rc_err(c, n, "attribute reduction", "reducing %s elements is not supported",
                      ir_dtype_name(x->dtype));
    return gl_set_out(c, g, n, 0, x->dtype, x->rank, x->dims);
}

/* Flat offset in data of index element j (ix's multi-index idx) with the
 * axis coordinate replaced by k. */
static int64_t data_offset(const ir_tensor *x, int axis, const int64_t *idx, int64_t k) {
    int64_t xs[IR_MAX_RANK], off = 0;
    gl_strides(x->rank, x->dims, xs);
    for (int d = 0; d < x->rank; d++)
        off += (d == axis ? k : idx[d]) * xs[d];
    return off;
}

static double reduce(int red, double y, double u) {
    switch (red) {
    case RED_ADD:
        return y + u;
    case RED_MUL:
        return y * u;
    case RED_MAX:
        return u > y ? u : y;
    case RED_MIN:
        return u < y ? u : y;
    default:
        return u;
    }
}

static int elements_interp(rc_ctx *c, const ir_graph *g, const ir_node *n, rc_values *v) {
    const elements_params *p = n->params;
    const ir_tensor *x = ir_in(g, n, 0), *ix = ir_in(g, n, 1);
    int64_t s = x->dims[p->axis], idx[IR_MAX_RANK];
    int scatter = n->op != RC_OP_GATHER_ELEMENTS, y = n->out[0];
    rc_values_alloc(v, g, y);
    if (scatter)
        memcpy(v->data[y], v->data[n->in[0]], (size_t)ir_numel(x) * ir_dtype_size(x->dtype));
    for (int64_t j = 0; j < ir_numel(ix); j++) {
        int64_t k0 = index_at(ix->dtype, v->data[n->in[1]], j), k = k0 < 0 ? k0 + s : k0, off;
        if (k < 0 || k >= s)
            return rc_err(c, n, "input 'indices'",
                          "index %" PRId64 " (element %" PRId64
                          ") is out of range for axis %d of size %" PRId64,
                          k0, j, p->axis, s);
        gl_unravel(j, ix->rank, ix->dims, idx);
        off = data_offset(x, p->axis, idx, k);
        if (!scatter)
            gl_copy_elem(g, v, y, j, n->in[0], off);
        else if (p->reduction == RED_NONE)
            gl_copy_elem(g, v, y, off, n->in[2], j);
        else
            gl_put(g, v, y, off,
                   reduce(p->reduction, gl_get(g, v, y, off), gl_get(g, v, n->in[2], j)));
    }
    return 0;
}

/* The assignment to the target t (an lvalue) from u, in C. */
static void reduce_stmt(int red, int dtype, char *buf, size_t size) {
    const char *ty = em_ctype(dtype);
    int integer = ir_dtype_is_int(dtype);
    if (red == RED_NONE)
        snprintf(buf, size, "*t = u;");
    else if ((red == RED_ADD || red == RED_MUL) && integer) /* wraps, as unsigned */
        snprintf(buf, size, "*t = (%s)((uint64_t)*t %s (uint64_t)u);", ty,
                 red == RED_ADD ? "+" : "*");
    else if (red == RED_ADD || red == RED_MUL)
        snprintf(buf, size, "*t = *t %s u;", red == RED_ADD ? "+" : "*");
    else
        snprintf(buf, size, "if (u %s *t)\n*t = u;", red == RED_MAX ? ">" : "<");
}

/* One loop nest over the index elements: $0 the index, $1 the update or the
 * output element, $2 the data (or output) element with axis coordinate 0. */
static int elements_emit(rc_ctx *c, em_state *e, const ir_graph *g, const ir_node *n) {
    const elements_params *p = n->params;
    const ir_tensor *x = ir_in(g, n, 0), *ix = ir_in(g, n, 1);
    int scatter = n->op != RC_OP_GATHER_ELEMENTS;
    const char *ty = em_ctype(x->dtype);
    gl_operand ops[3] = {{em_tensor(e, n->in[1]), 0, {0}},
                         {em_tensor(e, scatter ? n->in[2] : n->out[0]), 0, {0}},
                         {em_tensor(e, scatter ? n->out[0] : n->in[0]), 0, {0}}};
    int64_t xs[IR_MAX_RANK], s = x->dims[p->axis];
    char body[512], stmt[256];
    (void)c;
    gl_strides(ix->rank, ix->dims, ops[0].st);
    gl_strides(ix->rank, ix->dims, ops[1].st);
    gl_strides(x->rank, x->dims, xs);
    for (int d = 0; d < x->rank; d++)
        ops[2].st[d] = d == p->axis ? 0 : xs[d];
    if (scatter && ir_numel(x))
        em_printf(e, "memcpy(%s, %s, %" PRId64 " * sizeof(%s));\n", em_tensor(e, n->out[0]),
                  em_tensor(e, n->in[0]), ir_numel(x), ty);
    if (scatter) {
        char red[96];
        reduce_stmt(p->reduction, x->dtype, red, sizeof red);
        snprintf(stmt, sizeof stmt, "{\n%s *t = &(&$2)[k * %" PRId64 "];\nconst %s u = $1;\n%s\n}",
                 ty, xs[p->axis], ty, red);
    } else {
        snprintf(stmt, sizeof stmt, "$1 = (&$2)[k * %" PRId64 "];", xs[p->axis]);
    }
    snprintf(body, sizeof body,
             "{\nint64_t k = (int64_t)$0;\nif (k < 0)\nk += %" PRId64 ";\n"
             "if (k < 0 || k >= %" PRId64 ")\nreturn RNNRT_E_INDEX;\n%s\n}",
             s, s, stmt);
    gl_emit_map(e, ix->rank, ix->dims, ops, 3, body);
    return 0;
}

const rc_op_def rc_op_gather_elements = {
    .since = 11,
    .op_type = "GatherElements",
    .check = elements_check,
    .interp = elements_interp,
    .emit = elements_emit,
    .flops = gl_flops_none,
    .params = gl_params_consts,
    .free_params = gl_free,
};

const rc_op_def rc_op_scatter_elements = {
    .since = 11,
    .op_type = "ScatterElements",
    .check = elements_check,
    .interp = elements_interp,
    .emit = elements_emit,
    .flops = gl_flops_none,
    .params = gl_params_consts,
    .free_params = gl_free,
};

/* ND ---------------------------------------------------------------------
 *
 *   GatherND:  y[g..][e..] = data[bt..][idx[g..][0]]...[idx[g..][m-1]][e..]
 *   ScatterND: y = data;  y[idx[g..][0]]...[idx[g..][m-1]][e..] (op)= updates[g..][e..]
 *
 * idx's last axis holds the m indices of a tuple; g.. runs over its other
 * axes, e.. over data's axes after the indexed ones. GatherND's batch_dims b
 * (opset 12+): the first b axes of idx and data are shared (bt.. = g's first
 * b coordinates), and the tuple indexes the axes after them. ScatterND takes
 * no batch_dims and updates of shape idx.shape[:-1] + data.shape[m:]. */

typedef struct nd_params {
    int red, b, m;
    int64_t count;                             /* tuples: the elements of idx.shape[:-1] */
    int64_t per_batch;                         /* tuples per batch entry */
    int64_t bstride;                           /* data elements per batch entry */
    int64_t inner;                             /* elements per slice */
    int64_t dim[IR_MAX_RANK], st[IR_MAX_RANK]; /* the indexed axes of data */
} nd_params;

static int nd_shapes(rc_ctx *c, ir_node *n, const ir_tensor *x, const ir_tensor *ix, nd_params *p) {
    int64_t xs[IR_MAX_RANK];
    if (ix->rank < 1 || x->rank < 1)
        return rc_err(c, n, "inputs", "data and indices must have rank >= 1");
    p->m = (int)ix->dims[ix->rank - 1];
    if (p->b < 0 || p->b >= ix->rank || p->b >= x->rank)
        return rc_err(c, n, "attribute batch_dims", "%d must be below both ranks (%d, %d)", p->b,
                      x->rank, ix->rank);
    if (ix->dims[ix->rank - 1] < 1 || ix->dims[ix->rank - 1] > x->rank - p->b)
        return rc_err(c, n, "input 'indices'",
                      "tuples of %" PRId64 " indices for data of rank %d (batch_dims %d)",
                      ix->dims[ix->rank - 1], x->rank, p->b);
    for (int d = 0; d < p->b; d++)
        if (ix->dims[d] != x->dims[d])
            return rc_err(c, n, "input 'indices'",
                          "batch dimension %d is %" PRId64 ", data's is %" PRId64, d, ix->dims[d],
                          x->dims[d]);
    gl_strides(x->rank, x->dims, xs);
    p->count = ir_numel(ix) / ix->dims[ix->rank - 1];
    p->bstride = p->b ? xs[p->b - 1] : ir_numel(x);
    p->per_batch = p->count;
    for (int d = 0; d < p->b; d++)
        p->per_batch = ix->dims[d] ? p->per_batch / ix->dims[d] : 0;
    p->inner = p->b + p->m > 0 ? xs[p->b + p->m - 1] : 1;
    for (int t = 0; t < p->m; t++)
        p->dim[t] = x->dims[p->b + t], p->st[t] = xs[p->b + t];
    if (ix->data) /* constant tuples: every index in range */
        for (int64_t j = 0; j < ir_numel(ix); j++) {
            int64_t k = index_at(ix->dtype, ix->data, j), s = p->dim[j % p->m];
            if (k < -s || k >= s)
                return rc_err(c, n, "input 'indices'",
                              "index %" PRId64 " (element %" PRId64
                              ") is out of range for an axis of size %" PRId64,
                              k, j, s);
        }
    return 0;
}

static int nd_check(rc_ctx *c, ir_graph *g, ir_node *n) {
    nd_params *p;
    const ir_tensor *x, *ix, *up;
    int64_t b = 0, dims[2 * IR_MAX_RANK];
    int has, scatter = n->op == RC_OP_SCATTER_ND, red, rank = 0;
    if (gl_arity(c, n, 2 + scatter, 2 + scatter, 2 + scatter, 1) ||
        gl_dtype(c, g, n, 0, "input 'data'", IR_UNDEFINED) ||
        gl_dtype(c, g, n, 1, "input 'indices'", IR_INT64) || reduction_of(c, g, n, &red))
        return -1;
    if (!scatter && g->opset >= 12 && rc_attr_int(c, n, "batch_dims", &b, &has))
        return -1;
    if (rc_attr_unused(c, g, n))
        return -1;
    x = ir_in(g, n, 0);
    ix = ir_in(g, n, 1);
    p = gl_params_new(n, sizeof *p);
    p->red = red;
    p->b = b > IR_MAX_RANK ? IR_MAX_RANK : (int)b;
    if (nd_shapes(c, n, x, ix, p))
        return -1;
    /* idx.shape[:-1] + data.shape[b + m:] */
    for (int d = 0; d < ix->rank - 1; d++)
        dims[rank++] = ix->dims[d];
    for (int d = p->b + p->m; d < x->rank; d++)
        dims[rank++] = x->dims[d];
    if (!scatter)
        return gl_set_out(c, g, n, 0, x->dtype, rank, dims);
    if (gl_dtype(c, g, n, 2, "input 'updates'", x->dtype))
        return -1;
    up = ir_in(g, n, 2);
    if (up->rank != rank || memcmp(up->dims, dims, sizeof(int64_t) * (size_t)rank))
        return rc_err(c, n, "input 'updates'",
                      "must have the shape indices.shape[:-1] + "
                      "data.shape[m:]");
    if (red != RED_NONE &&
        (x->dtype == IR_BOOL || x->dtype == IR_FLOAT16 || x->dtype == IR_BFLOAT16))
        return rc_err(c, n, "attribute reduction", "reducing %s elements is not supported",
                      ir_dtype_name(x->dtype));
    return gl_set_out(c, g, n, 0, x->dtype, x->rank, x->dims);
}

static int nd_interp(rc_ctx *c, const ir_graph *g, const ir_node *n, rc_values *v) {
    const nd_params *p = n->params;
    const ir_tensor *x = ir_in(g, n, 0);
    const int64_t *ix = v->data[n->in[1]];
    int scatter = n->op == RC_OP_SCATTER_ND, y = n->out[0];
    rc_values_alloc(v, g, y);
    if (scatter)
        memcpy(v->data[y], v->data[n->in[0]], (size_t)ir_numel(x) * ir_dtype_size(x->dtype));
    for (int64_t j = 0; j < p->count; j++) {
        int64_t off = (j / p->per_batch) * p->bstride;
        for (int t = 0; t < p->m; t++) {
            int64_t k = ix[j * p->m + t];
            if (k < -p->dim[t] || k >= p->dim[t])
                return rc_err(c, n, "input 'indices'",
                              "index %" PRId64 " (tuple %" PRId64
                              ") is out of range for an axis of size %" PRId64,
                              k, j, p->dim[t]);
            off += (k < 0 ? k + p->dim[t] : k) * p->st[t];
        }
        for (int64_t e = 0; e < p->inner; e++) {
            if (!scatter)
                gl_copy_elem(g, v, y, j * p->inner + e, n->in[0], off + e);
            else if (p->red == RED_NONE)
                gl_copy_elem(g, v, y, off + e, n->in[2], j * p->inner + e);
            else
                gl_put(g, v, y, off + e,
                       reduce(p->red, gl_get(g, v, y, off + e),
                              gl_get(g, v, n->in[2], j * p->inner + e)));
        }
    }
    return 0;
}

/* One loop over the tuples: the slice offset from the checked indices, then
 * a memcpy of the slice (gather, plain scatter) or the reduction loop. */
static int nd_emit(rc_ctx *c, em_state *e, const ir_graph *g, const ir_node *n) {
    const nd_params *p = n->params;
    const char *ty = em_ctype(ir_in(g, n, 0)->dtype), *ix = em_tensor(e, n->in[1]);
    const char *y = em_tensor(e, n->out[0]), *x = em_tensor(e, n->in[0]);
    int scatter = n->op == RC_OP_SCATTER_ND;
    (void)c;
    if (scatter && ir_numel(ir_in(g, n, 0)))
        em_printf(e, "memcpy(%s, %s, %" PRId64 " * sizeof(%s));\n", y, x, ir_numel(ir_in(g, n, 0)),
                  ty);
    if (p->count == 0 || p->inner == 0)
        return 0;
    e->has_loops = 1;
    em_printf(e, "for (int64_t j = 0; j < %" PRId64 "; ++j) {\n", p->count);
    em_printf(e, "int64_t off = j / %" PRId64 " * %" PRId64 ", k;\n", p->per_batch, p->bstride);
    for (int t = 0; t < p->m; t++) {
        em_printf(e, "k = %s[j * %d + %d];\n", ix, p->m, t);
        em_printf(e, "if (k < -%" PRId64 " || k >= %" PRId64 ")\nreturn RNNRT_E_INDEX;\n",
                  p->dim[t], p->dim[t]);
        em_printf(e, "off += (k < 0 ? k + %" PRId64 " : k) * %" PRId64 ";\n", p->dim[t], p->st[t]);
    }
    if (!scatter) {
        em_printf(e, "memcpy(&%s[j * %" PRId64 "], &%s[off], %" PRId64 " * sizeof(%s));\n", y,
                  p->inner, x, p->inner, ty);
    } else if (p->red == RED_NONE) {
        em_printf(e, "memcpy(&%s[off], &%s[j * %" PRId64 "], %" PRId64 " * sizeof(%s));\n", y,
                  em_tensor(e, n->in[2]), p->inner, p->inner, ty);
    } else {
        char red[96];
        reduce_stmt(p->red, ir_in(g, n, 0)->dtype, red, sizeof red);
        em_printf(e, "for (int64_t q = 0; q < %" PRId64 "; ++q) {\n", p->inner);
        em_printf(e, "%s *t = &%s[off + q];\nconst %s u = %s[j * %" PRId64 " + q];\n%s\n}\n", ty, y,
                  ty, em_tensor(e, n->in[2]), p->inner, red);
    }
    em_printf(e, "}\n");
    return 0;
}

const rc_op_def rc_op_gather_nd = {
    .since = 11,
    .op_type = "GatherND",
    .check = nd_check,
    .interp = nd_interp,
    .emit = nd_emit,
    .flops = gl_flops_none,
    .params = gl_params_consts,
    .free_params = gl_free,
};

const rc_op_def rc_op_scatter_nd = {
    .since = 11,
    .op_type = "ScatterND",
    .check = nd_check,
    .interp = nd_interp,
    .emit = nd_emit,
    .flops = gl_flops_none,
    .params = gl_params_consts,
    .free_params = gl_free,
};

/* Scatter (opsets 9, 11): ScatterElements before it was renamed. */
const rc_op_def rc_op_scatter = {
    .since = 9,
    .until = 10, /* deprecated by ScatterElements in opset 11 */
    .op_type = "Scatter",
    .check = elements_check,
    .interp = elements_interp,
    .emit = elements_emit,
    .flops = gl_flops_none,
    .params = gl_params_consts,
    .free_params = gl_free,
};
