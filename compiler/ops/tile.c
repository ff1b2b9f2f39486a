/* ops/tile.c — Tile (opsets 6, 13): repeats the input repeats[d] times along
 * each axis d.
 *
 *   y[i_0, ..., i_{r-1}] = x[i_0 mod dims_0, ..., i_{r-1} mod dims_{r-1}],
 *   y.dims[d] = dims[d] * repeats[d]
 *
 * `repeats` (one int64 per axis, >= 0) must be known at compile time. The
 * copy runs over y seen as [repeat][dim] pairs of the repeated axes, so at
 * most 8 loop levels: more (rank > 4 with every axis repeated) is refused. */
#include "glue.h"

#include <inttypes.h>
#include <string.h>

typedef struct tile_params {
    int64_t rep[IR_MAX_RANK];
} tile_params;

static int tile_check(rc_ctx *c, ir_graph *g, ir_node *n) {
    tile_params *p;
    const ir_tensor *x;
    int64_t dims[IR_MAX_RANK];
    int count, levels = 0;
    if (gl_arity(c, n, 2, 2, 2, 1) || gl_dtype(c, g, n, 0, "input 'input'", IR_UNDEFINED) ||
        rc_attr_unused(c, g, n))
        return -1;
    x = ir_in(g, n, 0);
    p = gl_params_new(n, sizeof *p);
    if (gl_const_ints(c, g, n, 1, "input 'repeats'", p->rep, IR_MAX_RANK, &count))
        return -1;
    if (count != x->rank)
        return rc_err(c, n, "input 'repeats'", "has %d values for an input of rank %d", count,
                      x->rank);
    for (int d = 0; d < x->rank; d++) {
        if (p->rep[d] < 0)
            return rc_err(c, n, "input 'repeats'", "repeat %" PRId64 " of axis %d is negative",
                          p->rep[d], d);
        if (!rc_mul_ok(x->dims[d], p->rep[d], &dims[d]))
            return rc_err(c, n, "output", "axis %d would have more than %d elements", d, INT32_MAX);
        levels += 1 + (p->rep[d] != 1);
    }
    if (levels > IR_MAX_RANK)
        return rc_err(c, n, "input 'repeats'",
                      "repeating %d of the %d axes needs %d loop levels, at most %d are supported",
                      levels - x->rank, x->rank, levels, IR_MAX_RANK);
    return gl_set_out(c, g, n, 0, x->dtype, x->rank, dims);
}

static int tile_interp(rc_ctx *c, const ir_graph *g, const ir_node *n, rc_values *v) {
    const ir_tensor *x = ir_in(g, n, 0), *y = ir_out(g, n, 0);
    int64_t xs[IR_MAX_RANK], idx[IR_MAX_RANK];
    (void)c;
    gl_strides(x->rank, x->dims, xs);
    rc_values_alloc(v, g, n->out[0]);
    for (int64_t i = 0; i < ir_numel(y); i++) {
        int64_t s = 0;
        gl_unravel(i, y->rank, y->dims, idx);
        for (int d = 0; d < x->rank; d++)
            s += idx[d] % x->dims[d] * xs[d];
        gl_copy_elem(g, v, n->out[0], i, n->in[0], s);
    }
    return 0;
}

/* y as [rep_0][dims_0][rep_1][dims_1]...: the repeat levels read x with stride 0. */
static int tile_emit(rc_ctx *c, em_state *e, const ir_graph *g, const ir_node *n) {
    const tile_params *p = n->params;
    const ir_tensor *x = ir_in(g, n, 0), *y = ir_out(g, n, 0);
    gl_operand dst = {em_tensor(e, n->out[0]), 0, {0}}, src = {em_tensor(e, n->in[0]), 0, {0}};
    int64_t xs[IR_MAX_RANK], ys[IR_MAX_RANK], dims[IR_MAX_RANK];
    int r = 0;
    (void)c;
    gl_strides(x->rank, x->dims, xs);
    gl_strides(y->rank, y->dims, ys);
    for (int d = 0; d < x->rank; d++) {
        if (p->rep[d] != 1) {
            dims[r] = p->rep[d];
            dst.st[r] = x->dims[d] * ys[d];
            src.st[r++] = 0;
        }
        dims[r] = x->dims[d];
        dst.st[r] = ys[d];
        src.st[r++] = xs[d];
    }
    gl_emit_copy(e, r, dims, &dst, &src, em_ctype(y->dtype));
    return 0;
}

static int tile_time(rc_ctx *c, const ir_graph *g, const ir_node *n, const int *in, int *out) {
    const tile_params *p = n->params;
    (void)g;
    out[0] = in[0];
    if (in[0] >= 0 && p->rep[in[0]] != 1)
        return gl_time_mixes(c, n, "it repeats the time axis");
    return 0;
}

const rc_op_def rc_op_tile = {
    .op_type = "Tile",
    .check = tile_check,
    .interp = tile_interp,
    .emit = tile_emit,
    .time = tile_time,
    .flops = gl_flops_none,
    .params = gl_params_consts,
    .free_params = gl_free,
};
