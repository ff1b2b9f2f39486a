/* ops/top_k.c — TopK (opsets 1, 10, 11): the k largest (largest = 1) or
 * smallest elements along `axis`, in order, with their int64 indices.
 * Equal elements keep their order: the lower index comes first, as the spec
 * asks. k is an attribute (opset 1) or a one-element input (10+) that must be
 * known at compile time, 0 <= k <= dims[axis]. sorted = 0 allows any order;
 * the sorted one is as good. Element types: float, double and the integers
 * (float16/bfloat16 and bool are refused). NaN ranks after every number,
 * largest or smallest (the spec leaves it open). */
#include "glue.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct top_k_params {
    int axis, largest;
    int64_t k;
    int64_t outer, len, inner; /* x as [outer][len][inner] around axis */
} top_k_params;

static int top_k_k(rc_ctx *c, const ir_graph *g, ir_node *n, int64_t *k) {
    int has, count;
    if (g->opset < 10) {
        if (rc_attr_int(c, n, "k", k, &has))
            return -1;
        return has ? 0 : rc_err(c, n, "attribute k", "is required");
    }
    if (gl_const_ints(c, g, n, 1, "input 'K'", k, 1, &count))
        return -1;
    return count == 1 ? 0 : rc_err(c, n, "input 'K'", "must hold one value, got %d", count);
}

static int top_k_check(rc_ctx *c, ir_graph *g, ir_node *n) {
    top_k_params *p;
    const ir_tensor *x;
    int64_t axis = -1, largest = 1, sorted = 1, k, dims[IR_MAX_RANK];
    int has;
    if (gl_arity(c, n, g->opset < 10 ? 1 : 2, g->opset < 10 ? 1 : 2, g->opset < 10 ? 1 : 2, 2) ||
        gl_dtype(c, g, n, 0, "input 'X'", IR_UNDEFINED) || top_k_k(c, g, n, &k) ||
        rc_attr_int(c, n, "axis", &axis, &has))
        return -1;
    if (g->opset >= 11 && (rc_attr_int(c, n, "largest", &largest, &has) ||
                           rc_attr_int(c, n, "sorted", &sorted, &has)))
        return -1;
    if (rc_attr_unused(c, g, n))
        return -1;
    x = ir_in(g, n, 0);
    if (!ir_dtype_is_int(x->dtype) && x->dtype != IR_FLOAT && x->dtype != IR_DOUBLE)
        return rc_err(c, n, "input 'X'", "element type %s is not supported",
                      ir_dtype_name(x->dtype));
    if (x->rank < 1)
        return rc_err(c, n, "input 'X'", "must have rank >= 1, got a scalar");
    p = gl_params_new(n, sizeof *p);
    if (gl_axis(c, n, "attribute axis", axis, x->rank, &p->axis))
        return -1;
    if (k < 0 || k > x->dims[p->axis])
        return rc_err(c, n, "k", "%" PRId64 " is out of range for axis %d of size %" PRId64, k,
                      p->axis, x->dims[p->axis]);
    p->k = k;
    p->largest = largest != 0;
    ir_split_axis(x, p->axis, &p->outer, &p->len, &p->inner);
    for (int d = 0; d < x->rank; d++)
        dims[d] = d == p->axis ? k : x->dims[d];
    if (gl_set_out(c, g, n, 0, x->dtype, x->rank, dims))
        return -1;
    return gl_set_out(c, g, n, 1, IR_INT64, x->rank, dims);
}

/* Selection: k passes, each taking the best element not taken yet; on ties the
 * first one, so equal elements come out in index order. */
static int top_k_interp(rc_ctx *c, const ir_graph *g, const ir_node *n, rc_values *v) {
    const top_k_params *p = n->params;
    unsigned char *taken = rc_xcalloc((size_t)p->len + 1, 1);
    int iv = n->out[0], ii = n->n_out > 1 ? n->out[1] : -1;
    (void)c;
    if (iv >= 0)
        rc_values_alloc(v, g, iv);
    if (ii >= 0)
        rc_values_alloc(v, g, ii);
    for (int64_t o = 0; o < p->outer; o++)
        for (int64_t i = 0; i < p->inner; i++) {
            int64_t base = o * p->len * p->inner + i, obase = o * p->k * p->inner + i;
            for (int64_t j = 0; j < p->len; j++)
                taken[j] = 0;
            for (int64_t r = 0; r < p->k; r++) {
                int64_t best = -1;
                double bv = 0;
                for (int64_t j = 0; j < p->len; j++) {
                    double x = gl_get(g, v, n->in[0], base + j * p->inner);
                    if (taken[j])
                        continue;
                    if (best < 0 || (p->largest ? x > bv : x < bv) || (bv != bv && x == x))
                        best = j, bv = x;
                }
                taken[best] = 1;
                if (iv >= 0)
                    gl_copy_elem(g, v, iv, obase + r * p->inner, n->in[0], base + best * p->inner);
                if (ii >= 0)
                    ((int64_t *)v->data[ii])[obase + r * p->inner] = best;
            }
        }
    free(taken);
    return 0;
}

/* Insertion into the outputs themselves: each element of the row moves past
 * those it beats (strictly, so ties keep index order) and the list holds at
 * most k. For the float types a number also beats a NaN (NaNs rank last,
 * as in the interpreter). */
static int top_k_emit(rc_ctx *c, em_state *e, const ir_graph *g, const ir_node *n) {
    const top_k_params *p = n->params;
    const char *x = em_tensor(e, n->in[0]), *cmp = p->largest ? ">" : "<";
    int fl = ir_dtype_is_float(ir_in(g, n, 0)->dtype);
    char beats[2][128]; /* xj beats the last kept / the one before q */
    const char *ty = em_ctype(ir_in(g, n, 0)->dtype), *vals, *idx;
    (void)c;
    if (p->k == 0 || p->outer * p->inner == 0)
        return 0;
    vals = em_tensor(e, n->out[0]); /* present; the emitter gives unused ones scratch */
    idx = n->n_out > 1 && n->out[1] >= 0
              ? em_tensor(e, n->out[1])
              : em_scratch_typed(e, "idx", IR_INT64, (size_t)(p->outer * p->k * p->inner));
    e->has_loops = 1;
    em_printf(e, "for (int64_t o = 0; o < %" PRId64 "; ++o)\n", p->outer);
    em_printf(e, "for (int64_t i = 0; i < %" PRId64 "; ++i) {\n", p->inner);
    em_printf(e, "const %s *xr = &%s[o * %" PRId64 " + i];\n", ty, x, p->len * p->inner);
    em_printf(e, "%s *vr = &%s[o * %" PRId64 " + i];\n", ty, vals, p->k * p->inner);
    em_printf(e, "int64_t *ir = &%s[o * %" PRId64 " + i];\n", idx, p->k * p->inner);
    em_printf(e, "int64_t m = 0;\n");
    em_printf(e, "for (int64_t j = 0; j < %" PRId64 "; ++j) {\n", p->len);
    em_printf(e, "const %s xj = xr[j * %" PRId64 "];\n", ty, p->inner);
    em_printf(e, "int64_t q;\n");
    for (int w = 0; w < 2; w++) {
        char v[64];
        if (w == 0)
            snprintf(v, sizeof v, "vr[%" PRId64 "]", (p->k - 1) * p->inner);
        else
            snprintf(v, sizeof v, "vr[(q - 1) * %" PRId64 "]", p->inner);
        if (fl)
            snprintf(beats[w], sizeof beats[w], "(xj %s %s || (%s != %s && xj == xj))", cmp, v, v,
                     v);
        else
            snprintf(beats[w], sizeof beats[w], "xj %s %s", cmp, v);
    }
    em_printf(e, "if (m == %" PRId64 " && !(%s))\ncontinue;\n", p->k, beats[0]);
    em_printf(e, "if (m < %" PRId64 ")\n++m;\n", p->k);
    em_printf(e, "for (q = m - 1; q > 0 && %s; --q) {\n", beats[1]);
    em_printf(e, "vr[q * %" PRId64 "] = vr[(q - 1) * %" PRId64 "];\n", p->inner, p->inner);
    em_printf(e, "ir[q * %" PRId64 "] = ir[(q - 1) * %" PRId64 "];\n", p->inner, p->inner);
    em_printf(e, "}\n");
    em_printf(e, "vr[q * %" PRId64 "] = xj;\nir[q * %" PRId64 "] = j;\n", p->inner, p->inner);
    em_printf(e, "}\n}\n");
    return 0;
}

static int top_k_time(rc_ctx *c, const ir_graph *g, const ir_node *n, const int *in, int *out) {
    const top_k_params *p = n->params;
    (void)g;
    if (in[0] >= 0 && in[0] == p->axis)
        return gl_time_mixes(c, n, "it ranks elements along the time axis");
    for (int k = 0; k < n->n_out; k++)
        out[k] = in[0];
    return 0;
}

const rc_op_def rc_op_top_k = {
    .op_type = "TopK",
    .check = top_k_check,
    .interp = top_k_interp,
    .emit = top_k_emit,
    .time = top_k_time,
    .flops = gl_flops_none,
    .params = gl_params_consts,
    .free_params = gl_free,
};
