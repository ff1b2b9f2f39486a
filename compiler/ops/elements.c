/* ops/elements.c — GatherElements (opsets 11, 13) and ScatterElements
 * (opsets 11, 13, 16, 18): indexing element by element along `axis`.
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
    if (n->op != RC_OP_SCATTER_ELEMENTS || g->opset < 16)
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

/* Constant indices: every one in range. */
static int check_indices(rc_ctx *c, ir_node *n, const ir_tensor *ix, int axis, int64_t s) {
    if (!ix->data)
        return 0;
    for (int64_t j = 0; j < ir_numel(ix); j++) {
        int64_t k = (int64_t)ir_get(ix->dtype, ix->data, j);
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
    int has, scatter = n->op == RC_OP_SCATTER_ELEMENTS, red;
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
    int scatter = n->op == RC_OP_SCATTER_ELEMENTS, y = n->out[0];
    rc_values_alloc(v, g, y);
    if (scatter)
        memcpy(v->data[y], v->data[n->in[0]], (size_t)ir_numel(x) * ir_dtype_size(x->dtype));
    for (int64_t j = 0; j < ir_numel(ix); j++) {
        int64_t k0 = (int64_t)gl_get(g, v, n->in[1], j), k = k0 < 0 ? k0 + s : k0, off;
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
    int scatter = n->op == RC_OP_SCATTER_ELEMENTS;
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
    .op_type = "GatherElements",
    .check = elements_check,
    .interp = elements_interp,
    .emit = elements_emit,
    .flops = gl_flops_none,
    .params = gl_params_consts,
    .free_params = gl_free,
};

const rc_op_def rc_op_scatter_elements = {
    .op_type = "ScatterElements",
    .check = elements_check,
    .interp = elements_interp,
    .emit = elements_emit,
    .flops = gl_flops_none,
    .params = gl_params_consts,
    .free_params = gl_free,
};
