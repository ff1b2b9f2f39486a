/* ops/reshape.c — the operators that only relabel a tensor's shape and keep
 * its elements in order: Reshape, Flatten, Squeeze, Unsqueeze, Identity and
 * (at inference) Dropout. The emitter lets their output share the input's
 * storage, so in generated code they cost nothing; only a graph output that
 * aliases is copied.
 *
 *   Reshape   (5, 13, 14, 19, 21): shape input known at compile time; 0 copies
 *             the input dimension (unless allowzero=1, opset >= 14), one -1 is
 *             inferred.
 *   Flatten   (1, 9, 11, 13, 21): [prod(dims[:axis]), prod(dims[axis:])], axis
 *             in [-r, r], default 1.
 *   Squeeze   axes as attribute (opset < 13) or optional input (>= 13); without
 *             axes, every dimension of size 1 is removed.
 *   Unsqueeze axes as attribute (opset < 13) or input (>= 13), counted in the
 *             output's rank.
 *   Dropout   ratio attribute (opset 7..11) or input (>= 12), training_mode
 *             input (>= 12) which must be a constant false; the mask output
 *             is not supported. At inference Dropout is the identity. */
#include "glue.h"

#include <inttypes.h>
#include <string.h>

typedef struct alias_params {
    /* Squeeze/Unsqueeze: where each input axis lands in the output (-1: removed). Exact where
     * matching dims is not: a 1-long time axis (a model exported with one time step) among
     * other 1-long axes. */
    int has_map;
    int map[IR_MAX_RANK];
} alias_params;

static int set_map(int ret, ir_node *n, const int *map, int rank) {
    alias_params *p = n->params;
    if (ret == 0 && p) {
        p->has_map = 1;
        memcpy(p->map, map, sizeof(int) * (size_t)rank);
    }
    return ret;
}

/* Squeeze/Unsqueeze move the time axis exactly where their axes say; removing it means the
 * result depends on the length of time. */
static int time_axes_map(rc_ctx *c, const ir_graph *g, const ir_node *n, const int *in, int *out) {
    const alias_params *p = n->params;
    out[0] = -1;
    if (in[0] < 0)
        return 0;
    if (!p || !p->has_map)
        return gl_time_reshape(c, g, n, in, out);
    out[0] = p->map[in[0]];
    if (out[0] < 0)
        return gl_time_mixes(c, n, "the Squeeze removes the time axis");
    return 0;
}

static int finish(rc_ctx *c, ir_graph *g, ir_node *n, int rank, const int64_t *dims) {
    const ir_tensor *x = ir_in(g, n, 0);
    int64_t count = 1;
    gl_params_new(n, sizeof(alias_params));
    for (int d = 0; d < rank; d++)
        count *= dims[d];
    if (count != ir_numel(x))
        rc_die("%s: element count changed", n->op_type);
    return gl_set_out(c, g, n, 0, x->dtype, rank, dims);
}

/* Reads axes from the attribute (opset < 13) or input 1 (opset >= 13). */
static int get_axes(rc_ctx *c, const ir_graph *g, ir_node *n, int64_t *axes, int *count,
                    int *given) {
    *count = 0;
    *given = 0;
    if (g->opset >= 13 && ir_attr_get(n, "axes"))
        return rc_err(c, n, "attribute axes",
                      "axes are an input from opset 13 on, not an attribute (model opset %" PRId64
                      ")",
                      g->opset);
    if (g->opset < 13) {
        const int64_t *a;
        if (rc_attr_ints(c, n, "axes", &a, count))
            return -1;
        if (*count > IR_MAX_RANK)
            return rc_err(c, n, "attribute axes", "has %d values, at most %d are supported", *count,
                          IR_MAX_RANK);
        *given = a != NULL;
        if (a)
            memcpy(axes, a, sizeof(int64_t) * (size_t)*count);
        return 0;
    }
    if (n->n_in < 2 || n->in[1] < 0)
        return 0;
    *given = 1;
    return gl_const_ints(c, g, n, 1, "input 'axes'", axes, IR_MAX_RANK, count);
}

static int squeeze_check(rc_ctx *c, ir_graph *g, ir_node *n) {
    const ir_tensor *x;
    int64_t axes[IR_MAX_RANK], dims[IR_MAX_RANK];
    int count, given, rank = 0, drop[IR_MAX_RANK] = {0};
    if (gl_arity(c, n, 1, g->opset < 13 ? 1 : 2, 1, 1) ||
        gl_dtype(c, g, n, 0, "input 'data'", IR_UNDEFINED) ||
        get_axes(c, g, n, axes, &count, &given) || rc_attr_unused(c, g, n))
        return -1;
    x = ir_in(g, n, 0);
    for (int k = 0; k < count; k++) {
        int a;
        if (gl_axis(c, n, "axes", axes[k], x->rank, &a))
            return -1;
        if (x->dims[a] != 1)
            return rc_err(c, n, "axes", "dimension %d has size %" PRId64 ", not 1", a, x->dims[a]);
        if (drop[a])
            return rc_err(c, n, "axes", "axis %d is given twice", a);
        drop[a] = 1;
    }
    int map[IR_MAX_RANK];
    for (int d = 0; d < x->rank; d++) {
        map[d] = -1;
        if (!(given ? drop[d] : x->dims[d] == 1))
            map[d] = rank, dims[rank++] = x->dims[d];
    }
    return set_map(finish(c, g, n, rank, dims), n, map, x->rank);
}

static int unsqueeze_check(rc_ctx *c, ir_graph *g, ir_node *n) {
    const ir_tensor *x;
    int64_t axes[IR_MAX_RANK], dims[IR_MAX_RANK];
    int count, given, rank, add[IR_MAX_RANK] = {0};
    if ((g->opset >= 13 && ir_attr_get(n, "axes") && get_axes(c, g, n, axes, &count, &given)) ||
        gl_arity(c, n, g->opset < 13 ? 1 : 2, g->opset < 13 ? 1 : 2, g->opset < 13 ? 1 : 2, 1) ||
        gl_dtype(c, g, n, 0, "input 'data'", IR_UNDEFINED) ||
        get_axes(c, g, n, axes, &count, &given) || rc_attr_unused(c, g, n))
        return -1;
    x = ir_in(g, n, 0);
    if (!given)
        return rc_err(c, n, "axes", "are required");
    rank = x->rank + count;
    if (rank > IR_MAX_RANK)
        return rc_err(c, n, "output", "rank %d exceeds the maximum %d", rank, IR_MAX_RANK);
    for (int k = 0; k < count; k++) {
        int a;
        if (gl_axis(c, n, "axes", axes[k], rank, &a))
            return -1;
        if (add[a])
            return rc_err(c, n, "axes", "axis %d is given twice", a);
        add[a] = 1;
    }
    int map[IR_MAX_RANK];
    for (int d = 0, s = 0; d < rank; d++) {
        if (!add[d])
            map[s] = d;
        dims[d] = add[d] ? 1 : x->dims[s++];
    }
    return set_map(finish(c, g, n, rank, dims), n, map, x->rank);
}

static int reshape_check(rc_ctx *c, ir_graph *g, ir_node *n) {
    const ir_tensor *x;
    int64_t shape[IR_MAX_RANK], allowzero = 0, known = 1;
    int rank, has_az = 0, infer = -1;
    if (gl_arity(c, n, 2, 2, 2, 1) || gl_dtype(c, g, n, 0, "input 'data'", IR_UNDEFINED))
        return -1;
    if (g->opset >= 14 && rc_attr_int(c, n, "allowzero", &allowzero, &has_az))
        return -1;
    if (rc_attr_unused(c, g, n) ||
        gl_const_ints(c, g, n, 1, "input 'shape'", shape, IR_MAX_RANK, &rank))
        return -1;
    x = ir_in(g, n, 0);
    for (int d = 0; d < rank; d++) {
        if (shape[d] == 0 && !allowzero) {
            if (d >= x->rank)
                return rc_err(c, n, "input 'shape'",
                              "value 0 at position %d copies an input dimension that does "
                              "not exist (input rank %d)",
                              d, x->rank);
            shape[d] = x->dims[d];
        }
        if (shape[d] == -1) {
            if (infer >= 0)
                return rc_err(c, n, "input 'shape'", "has more than one -1 (positions %d, %d)",
                              infer, d);
            infer = d;
        } else if (shape[d] < 0) {
            return rc_err(c, n, "input 'shape'", "value %" PRId64 " at position %d is invalid",
                          shape[d], d);
        } else if (!rc_mul_ok(known, shape[d], &known)) {
            return rc_err(c, n, "input 'shape'", "element count overflows");
        }
    }
    if (infer >= 0) {
        if (known == 0 || ir_numel(x) % known)
            return rc_err(c, n, "input 'shape'",
                          "cannot infer the -1 dimension: %" PRId64
                          " elements do not divide into the other dimensions' %" PRId64,
                          ir_numel(x), known);
        shape[infer] = ir_numel(x) / known;
    } else if (known != ir_numel(x)) {
        return rc_err(c, n, "input 'shape'",
                      "asks for %" PRId64 " elements, the input has %" PRId64, known, ir_numel(x));
    }
    return finish(c, g, n, rank, shape);
}

static int flatten_check(rc_ctx *c, ir_graph *g, ir_node *n) {
    const ir_tensor *x;
    int64_t axis = 1, dims[2] = {1, 1};
    int has;
    if (gl_arity(c, n, 1, 1, 1, 1) || gl_dtype(c, g, n, 0, "input", IR_UNDEFINED) ||
        rc_attr_int(c, n, "axis", &axis, &has) || rc_attr_unused(c, g, n))
        return -1;
    x = ir_in(g, n, 0);
    if (axis < -x->rank || axis > x->rank)
        return rc_err(c, n, "attribute axis",
                      "%" PRId64 " is out of range for rank %d (valid: %d..%d)", axis, x->rank,
                      -x->rank, x->rank);
    if (axis < 0)
        axis += x->rank;
    for (int d = 0; d < x->rank; d++)
        dims[d < axis ? 0 : 1] *= x->dims[d];
    return finish(c, g, n, 2, dims);
}

static int identity_check(rc_ctx *c, ir_graph *g, ir_node *n) {
    const ir_tensor *x;
    if (gl_arity(c, n, 1, 1, 1, 1) || gl_dtype(c, g, n, 0, "input", IR_UNDEFINED) ||
        rc_attr_unused(c, g, n))
        return -1;
    x = ir_in(g, n, 0);
    return finish(c, g, n, x->rank, x->dims);
}

static int dropout_check(rc_ctx *c, ir_graph *g, ir_node *n) {
    const ir_tensor *x;
    double ratio = 0.5;
    int64_t seed = 0;
    int has;
    if (gl_arity(c, n, 1, g->opset >= 12 ? 3 : 1, 1, 2) ||
        gl_dtype(c, g, n, 0, "input 'data'", IR_UNDEFINED))
        return -1;
    if (g->opset < 12 && rc_attr_float(c, n, "ratio", &ratio, &has))
        return -1;
    if (g->opset >= 12 && rc_attr_int(c, n, "seed", &seed, &has))
        return -1;
    if (rc_attr_unused(c, g, n))
        return -1;
    /* the spec's range [0, 1); a constant ratio input (opset >= 12) is checked the same way */
    if (g->opset >= 12 && n->n_in >= 2 && n->in[1] >= 0) {
        const ir_tensor *r = ir_in(g, n, 1);
        if (r->data && ir_numel(r) == 1 && (r->dtype == IR_FLOAT || r->dtype == IR_DOUBLE))
            ratio = r->dtype == IR_FLOAT ? *(const float *)r->data : *(const double *)r->data;
    }
    if (!(ratio >= 0.0 && ratio < 1.0))
        return rc_err(c, n, "ratio", "must be in [0, 1), got %g", ratio);
    if (n->n_in >= 3 && n->in[2] >= 0) {
        const ir_tensor *tm = ir_in(g, n, 2);
        if (!tm->data || ir_numel(tm) != 1 || tm->dtype != IR_BOOL)
            return rc_err(c, n, "input 'training_mode'",
                          "must be a constant bool scalar known at compile time");
        if (*(const uint8_t *)tm->data)
            return rc_err(c, n, "input 'training_mode'",
                          "is true; rnnc compiles inference only (export the model in eval() "
                          "mode)");
    }
    if (n->n_out > 1 && gl_used(g, n->out[1]))
        return rc_err(c, n, "output 'mask'", "is used, which rnnc does not support");
    x = ir_in(g, n, 0);
    if (gl_set_out(c, g, n, 1, IR_BOOL, x->rank, x->dims))
        return -1;
    return finish(c, g, n, x->rank, x->dims);
}

#define ALIAS_OP(sym, name, chk, tm)                                                               \
    const rc_op_def rc_op_##sym = {                                                                \
        .op_type = name,                                                                           \
        .check = chk,                                                                              \
        .interp = gl_interp_alias,                                                                 \
        .emit = gl_emit_alias,                                                                     \
        .flops = gl_flops_none,                                                                    \
        .params = gl_params_consts,                                                                \
        .free_params = gl_free,                                                                    \
        .alias = 1,                                                                                \
        .time = tm,                                                                                \
    };

ALIAS_OP(squeeze, "Squeeze", squeeze_check, time_axes_map)
ALIAS_OP(unsqueeze, "Unsqueeze", unsqueeze_check, time_axes_map)
ALIAS_OP(reshape, "Reshape", reshape_check, gl_time_reshape)
ALIAS_OP(flatten, "Flatten", flatten_check, gl_time_reshape)
ALIAS_OP(identity, "Identity", identity_check, gl_time_same)
ALIAS_OP(dropout, "Dropout", dropout_check, gl_time_same)
