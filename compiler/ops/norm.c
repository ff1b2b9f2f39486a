/* ops/norm.c — LayerNormalization (opset 17), InstanceNormalization (opsets 1, 6),
 * LpNormalization (opset 1). Each normalises rows of a [outer][n][inner] view:
 *
 *   LayerNormalization: rows are X[d0..d(axis-1)] over dims[axis:] (axis default -1);
 *     mean = E[x], inv = 1 / sqrt(E[(x - mean)^2] + epsilon) (epsilon default 1e-5),
 *     Y = (x - mean) * inv * Scale + B; optional outputs Mean and InvStdDev (shape
 *     dims[:axis] + [1]*, in the stash type). Scale and B must hold either one value or
 *     exactly dims[axis:] (leading 1s allowed); other broadcasts are refused. stash_type
 *     must be 1 (float); statistics are computed in double either way.
 *   InstanceNormalization: rows are X[n][c] over the spatial dims; Y = Scale[c] * (x - mean)
 *     / sqrt(var + epsilon) + B[c].
 *   LpNormalization: y = x / ||x||_p along axis (default -1), p 1 or 2 (default 2).
 *
 * float and double only. Streaming: normalising over the time axis mixes steps (refused);
 * a LayerNormalization over later axes is step-local. InstanceNormalization also refuses a
 * time axis on the channels (its Scale is indexed by them). */
#include "glue.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>

typedef struct norm_params {
    int axis;
    int64_t outer, n, inner;
    int64_t channels;        /* InstanceNormalization: C */
    double eps;              /* LpNormalization: p */
    int scale_one, bias_one; /* LayerNormalization: Scale / B hold one value */
} norm_params;

static int float_type(rc_ctx *c, ir_node *n, const ir_tensor *t, const char *what) {
    if (t->dtype != IR_FLOAT && t->dtype != IR_DOUBLE)
        return rc_err(c, n, what, "element type %s is not supported (float, double)",
                      ir_dtype_name(t->dtype));
    return 0;
}

/* LayerNormalization ------------------------------------------------------- */

/* Scale or B: one value, or exactly the normalised shape dims[axis:] (leading 1s allowed):
 * then it holds the n elements of a row in order. */
static int ln_param(rc_ctx *c, ir_node *n, const ir_tensor *x, const ir_tensor *t, int axis,
                    int64_t rowlen, const char *what, int *one) {
    int lead = t->rank - (x->rank - axis);
    int ok = ir_numel(t) == rowlen;
    if (t->dtype != x->dtype)
        return rc_err(c, n, what, "is %s but X is %s", ir_dtype_name(t->dtype),
                      ir_dtype_name(x->dtype));
    *one = ir_numel(t) == 1;
    for (int d = 0; d < t->rank && ok && !*one; d++)
        ok = d < lead ? t->dims[d] == 1 : t->dims[d] == x->dims[axis + d - lead];
    if (!ok && !*one)
        return rc_err(c, n, what,
                      "must hold one value or have the normalised shape X.shape[%d:] (other "
                      "broadcasts are not supported)",
                      axis);
    return 0;
}

static int ln_check(rc_ctx *c, ir_graph *g, ir_node *n) {
    norm_params *p;
    const ir_tensor *x;
    int64_t axis = -1, stash = 1, dims[IR_MAX_RANK];
    double eps = 1e-5;
    int has;
    if (g->opset < 17)
        return rc_err(c, n, "opset", "LayerNormalization exists from opset 17, got %" PRId64,
                      g->opset);
    if (gl_arity(c, n, 2, 3, 2, 3) || gl_dtype(c, g, n, 0, "input 'X'", IR_UNDEFINED) ||
        gl_dtype(c, g, n, 1, "input 'Scale'", IR_UNDEFINED) ||
        rc_attr_int(c, n, "axis", &axis, &has) || rc_attr_float(c, n, "epsilon", &eps, &has) ||
        rc_attr_int(c, n, "stash_type", &stash, &has) || rc_attr_unused(c, g, n))
        return -1;
    x = ir_in(g, n, 0);
    p = gl_params_new(n, sizeof *p);
    if (float_type(c, n, x, "input 'X'"))
        return -1;
    if (stash != 1)
        return rc_err(c, n, "attribute stash_type", "only 1 (float) is supported, got %" PRId64,
                      stash);
    if (x->rank == 0)
        return rc_err(c, n, "input 'X'", "must have rank >= 1, got a scalar");
    if (gl_axis(c, n, "attribute axis", axis, x->rank, &p->axis))
        return -1;
    p->eps = eps;
    p->outer = 1, p->n = 1;
    for (int d = 0; d < x->rank; d++)
        *(d < p->axis ? &p->outer : &p->n) *= x->dims[d];
    if (p->n == 0)
        return rc_err(c, n, "input 'X'", "the normalised dimensions X.shape[%d:] are empty",
                      p->axis);
    if (ln_param(c, n, x, ir_in(g, n, 1), p->axis, p->n, "input 'Scale'", &p->scale_one))
        return -1;
    p->bias_one = -1; /* no B */
    if (ir_in(g, n, 2) &&
        (gl_dtype(c, g, n, 2, "input 'B'", IR_UNDEFINED) ||
         ln_param(c, n, x, ir_in(g, n, 2), p->axis, p->n, "input 'B'", &p->bias_one)))
        return -1;
    for (int d = 0; d < x->rank; d++)
        dims[d] = d < p->axis ? x->dims[d] : 1;
    if (gl_set_out(c, g, n, 0, x->dtype, x->rank, x->dims) ||
        gl_set_out(c, g, n, 1, IR_FLOAT, x->rank, dims) ||
        gl_set_out(c, g, n, 2, IR_FLOAT, x->rank, dims))
        return -1;
    return 0;
}

static int has_out(const ir_node *n, int k) { return k < n->n_out && n->out[k] >= 0; }

static int ln_interp(rc_ctx *c, const ir_graph *g, const ir_node *n, rc_values *v) {
    const norm_params *p = n->params;
    int xi = n->in[0], si = n->in[1], bi = p->bias_one >= 0 ? n->in[2] : -1;
    (void)c;
    for (int k = 0; k < n->n_out; k++)
        if (n->out[k] >= 0)
            rc_values_alloc(v, g, n->out[k]);
    for (int64_t o = 0; o < p->outer; o++) {
        double s = 0, q = 0, m, inv;
        for (int64_t k = 0; k < p->n; k++)
            s += gl_get(g, v, xi, o * p->n + k);
        m = s / (double)p->n;
        for (int64_t k = 0; k < p->n; k++) {
            double d = gl_get(g, v, xi, o * p->n + k) - m;
            q += d * d;
        }
        inv = 1.0 / sqrt(q / (double)p->n + p->eps);
        for (int64_t k = 0; k < p->n; k++) {
            double y =
                (gl_get(g, v, xi, o * p->n + k) - m) * inv * gl_get(g, v, si, p->scale_one ? 0 : k);
            if (bi >= 0)
                y += gl_get(g, v, bi, p->bias_one ? 0 : k);
            gl_put(g, v, n->out[0], o * p->n + k, y);
        }
        if (has_out(n, 1))
            gl_put(g, v, n->out[1], o, m);
        if (has_out(n, 2))
            gl_put(g, v, n->out[2], o, inv);
    }
    return 0;
}

static int ln_emit(rc_ctx *c, em_state *e, const ir_graph *g, const ir_node *n) {
    const norm_params *p = n->params;
    const char *ct = em_ctype(ir_in(g, n, 0)->dtype);
    (void)c;
    if (p->outer == 0)
        return 0;
    e->has_loops = 1;
    em_printf(e, "for (int o = 0; o < %" PRId64 "; ++o) {\n", p->outer);
    em_printf(e, "const %s *x_ = %s + o * %" PRId64 ";\n", ct, em_tensor(e, n->in[0]), p->n);
    em_printf(e, "%s *y_ = %s + o * %" PRId64 ";\n", ct, em_tensor(e, n->out[0]), p->n);
    em_printf(e, "const %s *s_ = %s;\n", ct, em_tensor(e, n->in[1]));
    em_printf(e, "double m_ = 0.0, q_ = 0.0, r_;\n");
    /* mean = E[x]; inv = 1 / sqrt(E[(x - mean)^2] + epsilon) */
    em_printf(e, "for (int k = 0; k < %" PRId64 "; ++k)\nm_ += x_[k];\nm_ /= %" PRId64 ".0;\n",
              p->n, p->n);
    em_printf(e, "for (int k = 0; k < %" PRId64 "; ++k) {\n", p->n);
    em_printf(e, "const double d_ = x_[k] - m_;\nq_ += d_ * d_;\n}\n");
    em_printf(e, "r_ = 1.0 / sqrt(q_ / %" PRId64 ".0 + %.17g);\n", p->n, p->eps);
    em_printf(e, "for (int k = 0; k < %" PRId64 "; ++k)\n", p->n);
    if (p->bias_one >= 0)
        em_printf(e, "y_[k] = (%s)((x_[k] - m_) * r_ * s_[%s] + %s[%s]);\n", ct,
                  p->scale_one ? "0" : "k", em_tensor(e, n->in[2]), p->bias_one ? "0" : "k");
    else
        em_printf(e, "y_[k] = (%s)((x_[k] - m_) * r_ * s_[%s]);\n", ct, p->scale_one ? "0" : "k");
    if (has_out(n, 1))
        em_printf(e, "%s[o] = (float)m_;\n", em_tensor(e, n->out[1]));
    if (has_out(n, 2))
        em_printf(e, "%s[o] = (float)r_;\n", em_tensor(e, n->out[2]));
    em_printf(e, "}\n");
    return 0;
}

static int ln_time(rc_ctx *c, const ir_graph *g, const ir_node *n, const int *in, int *out) {
    const norm_params *p = n->params;
    (void)g;
    for (int k = 0; k < n->n_out; k++)
        out[k] = in[0];
    if (in[1] >= 0 || (n->n_in > 2 && in[2] >= 0))
        return gl_time_mixes(c, n, "its Scale or B has a time axis");
    if (in[0] >= 0 && in[0] >= p->axis)
        return gl_time_mixes(c, n, "it normalises over the time axis");
    return 0;
}

static double ln_flops(const ir_graph *g, const ir_node *n) {
    return 7.0 * (double)ir_numel(&g->t[n->in[0]]);
}

const rc_op_def rc_op_layer_norm = {
    .op_type = "LayerNormalization",
    .check = ln_check,
    .interp = ln_interp,
    .emit = ln_emit,
    .time = ln_time,
    .flops = ln_flops,
    .params = gl_params_consts,
    .free_params = gl_free,
};

/* InstanceNormalization ---------------------------------------------------- */

static int in_check(rc_ctx *c, ir_graph *g, ir_node *n) {
    norm_params *p;
    const ir_tensor *x, *s, *b;
    double eps = 1e-5;
    int has;
    if (gl_arity(c, n, 3, 3, 3, 1) || gl_dtype(c, g, n, 0, "input 'input'", IR_UNDEFINED) ||
        gl_dtype(c, g, n, 1, "input 'scale'", IR_UNDEFINED) ||
        gl_dtype(c, g, n, 2, "input 'B'", IR_UNDEFINED) ||
        rc_attr_float(c, n, "epsilon", &eps, &has) || rc_attr_unused(c, g, n))
        return -1;
    x = ir_in(g, n, 0), s = ir_in(g, n, 1), b = ir_in(g, n, 2);
    p = gl_params_new(n, sizeof *p);
    if (float_type(c, n, x, "input 'input'"))
        return -1;
    if (x->rank < 2)
        return rc_err(c, n, "input 'input'", "must be N x C x D1 x ..., got rank %d", x->rank);
    p->channels = x->dims[1];
    if (s->dtype != x->dtype || b->dtype != x->dtype || s->rank != 1 || b->rank != 1 ||
        s->dims[0] != p->channels || b->dims[0] != p->channels)
        return rc_err(c, n, "inputs 'scale' and 'B'",
                      "must be 1-D of the %" PRId64 " channels in the input's element type",
                      p->channels);
    p->eps = eps;
    p->outer = x->dims[0] * x->dims[1];
    p->n = p->outer ? ir_numel(x) / p->outer : 0;
    return gl_set_out(c, g, n, 0, x->dtype, x->rank, x->dims);
}

static int in_interp(rc_ctx *c, const ir_graph *g, const ir_node *n, rc_values *v) {
    const norm_params *p = n->params;
    int xi = n->in[0];
    (void)c;
    rc_values_alloc(v, g, n->out[0]);
    for (int64_t o = 0; o < p->outer; o++) {
        double s = 0, q = 0, m, inv;
        double sc = gl_get(g, v, n->in[1], o % p->channels);
        double bb = gl_get(g, v, n->in[2], o % p->channels);
        for (int64_t k = 0; k < p->n; k++)
            s += gl_get(g, v, xi, o * p->n + k);
        m = s / (double)p->n;
        for (int64_t k = 0; k < p->n; k++) {
            double d = gl_get(g, v, xi, o * p->n + k) - m;
            q += d * d;
        }
        inv = 1.0 / sqrt(q / (double)p->n + p->eps);
        for (int64_t k = 0; k < p->n; k++)
            gl_put(g, v, n->out[0], o * p->n + k,
                   sc * (gl_get(g, v, xi, o * p->n + k) - m) * inv + bb);
    }
    return 0;
}

static int in_emit(rc_ctx *c, em_state *e, const ir_graph *g, const ir_node *n) {
    const norm_params *p = n->params;
    const char *ct = em_ctype(ir_in(g, n, 0)->dtype);
    (void)c;
    if (p->outer == 0 || p->n == 0)
        return 0;
    e->has_loops = 1;
    em_printf(e, "for (int o = 0; o < %" PRId64 "; ++o) {\n", p->outer);
    em_printf(e, "const %s *x_ = %s + o * %" PRId64 ";\n", ct, em_tensor(e, n->in[0]), p->n);
    em_printf(e, "%s *y_ = %s + o * %" PRId64 ";\n", ct, em_tensor(e, n->out[0]), p->n);
    em_printf(e, "const double sc_ = %s[o %% %" PRId64 "], b_ = %s[o %% %" PRId64 "];\n",
              em_tensor(e, n->in[1]), p->channels, em_tensor(e, n->in[2]), p->channels);
    em_printf(e, "double m_ = 0.0, q_ = 0.0, r_;\n");
    em_printf(e, "for (int k = 0; k < %" PRId64 "; ++k)\nm_ += x_[k];\nm_ /= %" PRId64 ".0;\n",
              p->n, p->n);
    em_printf(e, "for (int k = 0; k < %" PRId64 "; ++k) {\n", p->n);
    em_printf(e, "const double d_ = x_[k] - m_;\nq_ += d_ * d_;\n}\n");
    /* y = scale * (x - mean) / sqrt(var + epsilon) + B */
    em_printf(e, "r_ = sc_ / sqrt(q_ / %" PRId64 ".0 + %.17g);\n", p->n, p->eps);
    em_printf(e, "for (int k = 0; k < %" PRId64 "; ++k)\n", p->n);
    em_printf(e, "y_[k] = (%s)((x_[k] - m_) * r_ + b_);\n}\n", ct);
    return 0;
}

static int in_time(rc_ctx *c, const ir_graph *g, const ir_node *n, const int *in, int *out) {
    (void)g;
    out[0] = in[0];
    if (in[1] >= 0 || in[2] >= 0)
        return gl_time_mixes(c, n, "its scale or B has a time axis");
    if (in[0] >= 2)
        return gl_time_mixes(c, n, "it normalises over the time axis");
    if (in[0] == 1)
        return gl_time_mixes(c, n, "its scale and B are indexed by the time axis (channels)");
    return 0;
}

const rc_op_def rc_op_instance_norm = {
    .op_type = "InstanceNormalization",
    .check = in_check,
    .interp = in_interp,
    .emit = in_emit,
    .time = in_time,
    .flops = ln_flops,
    .params = gl_params_consts,
    .free_params = gl_free,
};

/* LpNormalization ----------------------------------------------------------- */

static int lp_check(rc_ctx *c, ir_graph *g, ir_node *n) {
    norm_params *p;
    const ir_tensor *x;
    int64_t axis = -1, pp = 2;
    int has;
    if (gl_arity(c, n, 1, 1, 1, 1) || gl_dtype(c, g, n, 0, "input 'input'", IR_UNDEFINED) ||
        rc_attr_int(c, n, "axis", &axis, &has) || rc_attr_int(c, n, "p", &pp, &has) ||
        rc_attr_unused(c, g, n))
        return -1;
    x = ir_in(g, n, 0);
    p = gl_params_new(n, sizeof *p);
    if (float_type(c, n, x, "input 'input'"))
        return -1;
    if (pp != 1 && pp != 2)
        return rc_err(c, n, "attribute p", "must be 1 or 2, got %" PRId64, pp);
    if (x->rank == 0)
        return rc_err(c, n, "input 'input'", "must have rank >= 1, got a scalar");
    if (gl_axis(c, n, "attribute axis", axis, x->rank, &p->axis))
        return -1;
    p->eps = (double)pp;
    ir_split_axis(x, p->axis, &p->outer, &p->n, &p->inner);
    return gl_set_out(c, g, n, 0, x->dtype, x->rank, x->dims);
}

static int lp_interp(rc_ctx *c, const ir_graph *g, const ir_node *n, rc_values *v) {
    const norm_params *p = n->params;
    (void)c;
    rc_values_alloc(v, g, n->out[0]);
    for (int64_t o = 0; o < p->outer; o++)
        for (int64_t i = 0; i < p->inner; i++) {
            int64_t base = o * p->n * p->inner + i;
            double s = 0;
            for (int64_t k = 0; k < p->n; k++) {
                double xv = gl_get(g, v, n->in[0], base + k * p->inner);
                s += p->eps == 1 ? fabs(xv) : xv * xv;
            }
            if (p->eps == 2)
                s = sqrt(s);
            for (int64_t k = 0; k < p->n; k++)
                gl_put(g, v, n->out[0], base + k * p->inner,
                       gl_get(g, v, n->in[0], base + k * p->inner) / s);
        }
    return 0;
}

static int lp_emit(rc_ctx *c, em_state *e, const ir_graph *g, const ir_node *n) {
    const norm_params *p = n->params;
    const char *ct = em_ctype(ir_in(g, n, 0)->dtype);
    (void)c;
    if (p->outer == 0 || p->inner == 0 || p->n == 0)
        return 0;
    e->has_loops = 1;
    em_printf(e, "for (int o = 0; o < %" PRId64 "; ++o)\n", p->outer);
    em_printf(e, "for (int i = 0; i < %" PRId64 "; ++i) {\n", p->inner);
    em_printf(e, "const %s *x_ = %s + o * %" PRId64 " + i;\n", ct, em_tensor(e, n->in[0]),
              p->n * p->inner);
    em_printf(e, "%s *y_ = %s + o * %" PRId64 " + i;\n", ct, em_tensor(e, n->out[0]),
              p->n * p->inner);
    em_printf(e, "double s_ = 0.0;\nfor (int k = 0; k < %" PRId64 "; ++k) {\n", p->n);
    em_printf(e, "const double v_ = x_[k * %" PRId64 "];\ns_ += %s;\n}\n", p->inner,
              p->eps == 1 ? "fabs(v_)" : "v_ * v_");
    /* y = x / ||x||_p */
    em_printf(e, "s_ = 1.0 / %s;\n", p->eps == 1 ? "s_" : "sqrt(s_)");
    em_printf(e, "for (int k = 0; k < %" PRId64 "; ++k)\n", p->n);
    em_printf(e, "y_[k * %" PRId64 "] = (%s)(x_[k * %" PRId64 "] * s_);\n}\n", p->inner, ct,
              p->inner);
    return 0;
}

static int lp_time(rc_ctx *c, const ir_graph *g, const ir_node *n, const int *in, int *out) {
    const norm_params *p = n->params;
    (void)g;
    out[0] = in[0];
    if (in[0] >= 0 && in[0] == p->axis)
        return gl_time_mixes(c, n, "it normalises along the time axis");
    return 0;
}

const rc_op_def rc_op_lp_norm = {
    .op_type = "LpNormalization",
    .check = lp_check,
    .interp = lp_interp,
    .emit = lp_emit,
    .time = lp_time,
    .flops = ln_flops,
    .params = gl_params_consts,
    .free_params = gl_free,
};
