/* ops/batchnorm.c — BatchNormalization, inference form (opsets 7, 9, 14, 15):
 *
 *   Y[n][c][...] = (X[n][c][...] - mean[c]) / sqrt(var[c] + epsilon) * scale[c] + B[c]
 *                = X * s[c] + t[c],  s = scale / sqrt(var + eps),  t = B - mean * s
 *
 * X is [N][C][spatial...] (rank >= 2), float or double; scale, B, mean, var are [C].
 * epsilon defaults to 1e-5; momentum only updates the running statistics of training and is
 * accepted and unused. Refused: training_mode 1 and the training outputs (running or saved
 * mean and variance), spatial 0 (opset 7's per-element form), opsets below 7.
 *
 * Folding: when every parameter is a constant and X comes straight from a Conv (or a Gemm,
 * or a 2-D MatMul) whose weights and bias are constants and whose output nothing else reads,
 * the expand hook rewrites that node's weights as W * s per output channel and its bias as
 * B * s + t, and the BatchNormalization node disappears: the standard inference fold, which
 * costs one rounding of the products (the interpreter checks the folded graph like any). */
#include "conv.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct bn_params {
    int64_t N, C, inner; /* X viewed as [N][C][inner] */
    double eps;
} bn_params;

static int bn_float(rc_ctx *c, ir_node *n, const ir_tensor *t, const char *what) {
    if (t->dtype != IR_FLOAT && t->dtype != IR_DOUBLE)
        return rc_err(c, n, what, "element type %s is not supported (float, double)",
                      ir_dtype_name(t->dtype));
    return 0;
}

static int bn_check(rc_ctx *c, ir_graph *g, ir_node *n) {
    static const char *const names[] = {"input 'scale'", "input 'B'", "input 'mean'",
                                        "input 'var'"};
    const ir_tensor *x;
    bn_params *p;
    double eps = 1e-5, momentum = 0.9;
    int64_t train = 0, spatial = 1;
    int has;
    if (g->opset < 7)
        return rc_err(c, n, "opset",
                      "BatchNormalization before opset 7 (is_test, consumed_inputs) is not "
                      "supported; the model's opset is %" PRId64,
                      g->opset);
    if (gl_arity(c, n, 5, 5, 5, 5) || rc_attr_float(c, n, "epsilon", &eps, &has) ||
        rc_attr_float(c, n, "momentum", &momentum, &has))
        return -1;
    if (g->opset < 9 && rc_attr_int(c, n, "spatial", &spatial, &has))
        return -1;
    if (g->opset >= 14 && rc_attr_int(c, n, "training_mode", &train, &has))
        return -1;
    if (rc_attr_unused(c, g, n))
        return -1;
    if (train != 0)
        return rc_err(c, n, "attribute training_mode",
                      "only inference (0) is supported, got %" PRId64, train);
    if (spatial != 1)
        return rc_err(c, n, "attribute spatial",
                      "only 1 (per-channel statistics) is supported, got %" PRId64, spatial);
    for (int k = 1; k < n->n_out; k++)
        if (n->out[k] >= 0 && gl_used(g, n->out[k]))
            return rc_err(c, n, "outputs",
                          "output %d (a training statistic) is read, but only inference is "
                          "supported",
                          k);
    if (!(eps >= 0) || eps > 1e30)
        return rc_err(c, n, "attribute epsilon", "must be a finite value >= 0, got %g", eps);
    x = ir_in(g, n, 0);
    if (bn_float(c, n, x, "input 'X'"))
        return -1;
    if (x->rank < 2)
        return rc_err(c, n, "input 'X'", "must be [N][C][...], got rank %d", x->rank);
    for (int k = 1; k < 5; k++) {
        const ir_tensor *t = ir_in(g, n, k);
        if (bn_float(c, n, t, names[k - 1]))
            return -1;
        if (t->rank != 1 || t->dims[0] != x->dims[1]) {
            char sh[128];
            ir_shape_str(t, sh, sizeof sh);
            return rc_err(c, n, names[k - 1],
                          "must be a vector of the %" PRId64 " channels of X, got %s", x->dims[1],
                          sh);
        }
    }
    p = gl_params_new(n, sizeof *p);
    p->eps = eps;
    p->N = x->dims[0], p->C = x->dims[1], p->inner = 1;
    for (int d = 2; d < x->rank; d++)
        p->inner *= x->dims[d];
    return gl_set_out(c, g, n, 0, x->dtype, x->rank, x->dims);
}

static int bn_interp(rc_ctx *c, const ir_graph *g, const ir_node *n, rc_values *v) {
    const bn_params *p = n->params;
    int64_t i = 0;
    (void)c;
    rc_values_alloc(v, g, n->out[0]);
    for (int64_t b = 0; b < p->N; b++)
        for (int64_t ch = 0; ch < p->C; ch++) {
            double scale = gl_get(g, v, n->in[1], ch), bias = gl_get(g, v, n->in[2], ch);
            double mean = gl_get(g, v, n->in[3], ch), var = gl_get(g, v, n->in[4], ch);
            for (int64_t k = 0; k < p->inner; k++, i++)
                gl_put(g, v, n->out[0], i,
                       (gl_get(g, v, n->in[0], i) - mean) / sqrt(var + p->eps) * scale + bias);
        }
    return 0;
}

int bn_affine(const ir_graph *g, const ir_node *n, double *s, double *t) {
    const bn_params *p = n->params;
    const ir_tensor *sc = ir_in(g, n, 1), *b = ir_in(g, n, 2), *m = ir_in(g, n, 3),
                    *var = ir_in(g, n, 4);
    if (!sc->data || !b->data || !m->data || !var->data)
        return -1;
    for (int64_t ch = 0; ch < p->C; ch++) {
        s[ch] = ir_get(sc->dtype, sc->data, ch) / sqrt(ir_get(var->dtype, var->data, ch) + p->eps);
        t[ch] = ir_get(b->dtype, b->data, ch) - ir_get(m->dtype, m->data, ch) * s[ch];
    }
    return 0;
}

/* Constant parameters: s and t are computed here and emitted as two [C] arrays; otherwise the
 * formula runs per channel on the run-time values. */
static int bn_emit(rc_ctx *c, em_state *e, const ir_graph *g, const ir_node *n) {
    const bn_params *p = n->params;
    const int dt = ir_out(g, n, 0)->dtype;
    const char *ty = em_ctype(dt);
    const char *x = em_tensor(e, n->in[0]), *y = em_tensor(e, n->out[0]);
    double *s = rc_xcalloc((size_t)p->C, sizeof(double)),
           *t = rc_xcalloc((size_t)p->C, sizeof(double));
    (void)c;
    e->has_loops = 1;
    if (dt == IR_FLOAT && bn_affine(g, n, s, t) == 0) {
        const char *se, *te;
        float *sf = rc_xcalloc((size_t)p->C, sizeof(float));
        float *tf = rc_xcalloc((size_t)p->C, sizeof(float));
        for (int64_t ch = 0; ch < p->C; ch++)
            sf[ch] = (float)s[ch], tf[ch] = (float)t[ch];
        se = em_const_f32(e, "bn_s", sf, (size_t)p->C);
        te = em_const_f32(e, "bn_t", tf, (size_t)p->C);
        free(sf);
        free(tf);
        em_printf(
            e,
            "for (int b = 0; b < %" PRId64 "; ++b)\nfor (int ch = 0; ch < %" PRId64
            "; ++ch)\nfor (int k = 0; k < %" PRId64 "; ++k) {\n"
            "const int i = (b * %" PRId64 " + ch) * %" PRId64 " + k;\n"
            "%s[i] = %s[i] * %s[ch] + %s[ch]; /* (x - mean) / sqrt(var + eps) * scale + B */\n}\n",
            p->N, p->C, p->inner, p->C, p->inner, y, x, se, te);
    } else {
        const char *sc = em_tensor(e, n->in[1]), *b = em_tensor(e, n->in[2]);
        const char *m = em_tensor(e, n->in[3]), *var = em_tensor(e, n->in[4]);
        char eps[64];
        gl_float_lit(dt, p->eps, eps, sizeof eps);
        em_printf(
            e,
            "for (int b = 0; b < %" PRId64 "; ++b)\nfor (int ch = 0; ch < %" PRId64 "; ++ch) {\n"
            "const %s s = (%s)%s[ch] / %s((%s)%s[ch] + %s), t = (%s)%s[ch] - (%s)%s[ch] * s;\n"
            "for (int k = 0; k < %" PRId64 "; ++k) {\n"
            "const int i = (b * %" PRId64 " + ch) * %" PRId64 " + k;\n"
            "%s[i] = %s[i] * s + t;\n}\n}\n",
            p->N, p->C, ty, ty, sc, dt == IR_FLOAT ? "sqrtf" : "sqrt", ty, var, eps, ty, b, ty, m,
            p->inner, p->C, p->inner, y, x);
    }
    free(s);
    free(t);
    return 0;
}

/* ---- folding into the producer -------------------------------------------------------- */

/* A new constant tensor named after base, unique in g. */
static int bn_new_const(ir_graph *g, const char *base, const char *suffix, int rank,
                        const int64_t *dims, float *data) {
    char name[256];
    int ti;
    snprintf(name, sizeof name, "%.200s/%s", base, suffix);
    for (int k = 1; ir_find(g, name) >= 0; k++)
        snprintf(name, sizeof name, "%.200s/%s%d", base, suffix, k);
    ti = ir_add_tensor(g, name);
    g->t[ti].dtype = IR_FLOAT;
    g->t[ti].rank = rank;
    memcpy(g->t[ti].dims, dims, sizeof(int64_t) * (size_t)rank);
    g->t[ti].data = data;
    return ti;
}

/* The fold's preconditions on the producer node m of X (beside gl_absorbable's). */
static int bn_foldable(const ir_graph *g, const ir_node *n, const ir_node *m) {
    const int xi = n->in[0];
    if ((m->op != RC_OP_CONV && m->op != RC_OP_GEMM && m->op != RC_OP_MATMUL) || m->post_act ||
        ir_out(g, n, 0)->dtype != IR_FLOAT)
        return 0;
    if (!ir_in(g, m, 1)->data || (m->n_in > 2 && m->in[2] >= 0 && !ir_in(g, m, 2)->data))
        return 0;
    if (m->op == RC_OP_CONV)
        return ((const conv_params *)m->params)->transpose == 0;
    /* Gemm and MatMul: Y is [rows][C], the channel axis is the last one */
    return g->t[xi].rank == 2 && (m->op == RC_OP_GEMM || ir_in(g, m, 0)->rank == 2) &&
           ir_in(g, m, 1)->rank == 2;
}

/* Reads an attribute of m that rc_attr_* would mark used; the re-check marks it again. */
static double bn_attr(const ir_node *m, const char *name, double dflt) {
    const ir_attr *a = ir_attr_get(m, name);
    return !a ? dflt : a->type == IR_ATTR_INT ? (double)a->i : a->f;
}

static void bn_set_attr_float(ir_node *m, const char *name, double f) {
    ir_attr *a = ir_attr_get(m, name);
    if (a)
        a->type = IR_ATTR_FLOAT, a->f = f;
}

/* New weights and bias for m: rows (Conv: W[m], Gemm transB: B[m]) or columns (Gemm, MatMul:
 * B[.][m]) scaled by s, bias = beta * C * s + t (C absent: t). */
static void bn_rewrite(ir_graph *g, ir_node *m, int C, const double *s, const double *t) {
    const ir_tensor *w = ir_in(g, m, 1);
    const ir_tensor *b = m->n_in > 2 && m->in[2] >= 0 ? ir_in(g, m, 2) : NULL;
    const int64_t nw = ir_numel(w), wrank = w->rank;
    int64_t wdims[IR_MAX_RANK], bdim = C;
    const int rows = m->op == RC_OP_CONV || (m->op == RC_OP_GEMM && bn_attr(m, "transB", 0) != 0);
    const double beta = m->op == RC_OP_GEMM ? bn_attr(m, "beta", 1.0) : 1.0;
    const int64_t per = nw / C; /* rows: elements of one channel's row */
    float *wn = rc_xcalloc((size_t)nw, sizeof(float)), *bn = rc_xcalloc((size_t)C, sizeof(float));
    int wi, bi;
    memcpy(wdims, w->dims, sizeof wdims);
    for (int64_t i = 0; i < nw; i++)
        wn[i] = (float)(ir_get(IR_FLOAT, w->data, i) * s[rows ? i / per : i % C]);
    for (int64_t ch = 0; ch < C; ch++) {
        double bv = 0;
        if (b)
            bv = beta * ir_get(IR_FLOAT, b->data, ir_numel(b) == 1 ? 0 : ch);
        bn[ch] = (float)(bv * s[ch] + t[ch]);
    }
    wi = bn_new_const(g, m->name && m->name[0] ? m->name : "bn", "W_bn", (int)wrank, wdims, wn);
    bi = bn_new_const(g, m->name && m->name[0] ? m->name : "bn", "B_bn", 1, &bdim, bn);
    if (m->n_in < 3) {
        m->in = rc_xrealloc(m->in, sizeof(int) * 3);
        m->n_in = 3;
    }
    m->in[1] = wi, m->in[2] = bi;
    if (m->op == RC_OP_MATMUL) {
        free(m->op_type);
        m->op_type = rc_xstrdup("Gemm");
        m->op = RC_OP_GEMM;
    }
    bn_set_attr_float(m, "beta", 1.0);
}

static int bn_expand(rc_ctx *c, ir_graph *g, int i) {
    ir_node *n = &g->node[i], *m;
    const bn_params *p = n->params;
    int j = gl_absorbable(g, i);
    double *s, *t;
    if (j < 0 || !bn_foldable(g, n, &g->node[j]))
        return 0;
    /* a Gemm whose C is a full [rows][C] matrix keeps its own BatchNormalization */
    m = &g->node[j];
    if (m->op == RC_OP_GEMM && m->n_in > 2 && m->in[2] >= 0 && ir_numel(ir_in(g, m, 2)) != 1 &&
        ir_numel(ir_in(g, m, 2)) != p->C)
        return 0;
    if (m->op == RC_OP_GEMM && m->n_in > 2 && m->in[2] >= 0 && ir_numel(ir_in(g, m, 2)) == p->C &&
        ir_in(g, m, 2)->dims[ir_in(g, m, 2)->rank - 1] != p->C)
        return 0;
    s = rc_xcalloc((size_t)p->C, sizeof(double));
    t = rc_xcalloc((size_t)p->C, sizeof(double));
    if (bn_affine(g, n, s, t) == 0) {
        bn_rewrite(g, m, (int)p->C, s, t);
        m = &g->node[j]; /* (tensors may have moved, nodes did not) */
        rc_op_defs[m->op]->free_params(m->params);
        m->params = NULL;
        for (int a = 0; a < m->n_attr; a++)
            m->attr[a].used = 0;
        gl_absorb(g, i, j);
        free(s);
        free(t);
        return rc_op_defs[g->node[j].op]->check(c, g, &g->node[j]) ? -1 : 1;
    }
    free(s);
    free(t);
    return 0;
}

static double bn_flops(const ir_graph *g, const ir_node *n) {
    (void)g;
    return 2.0 * (double)ir_numel(ir_out(g, n, 0));
}

/* Time on the batch axis or a spatial axis is step-local; on the channel axis it is not. */
static int bn_time(rc_ctx *c, const ir_graph *g, const ir_node *n, const int *in, int *out) {
    (void)g;
    for (int k = 0; k < n->n_out; k++)
        out[k] = -1;
    for (int k = 1; k < 5; k++)
        if (in[k] >= 0)
            return gl_time_mixes(c, n, "its statistics carry time");
    if (in[0] == 1)
        return gl_time_mixes(c, n, "time is its channel axis");
    out[0] = in[0];
    return 0;
}

const rc_op_def rc_op_batch_normalization = {
    .op_type = "BatchNormalization",
    .check = bn_check,
    .interp = bn_interp,
    .emit = bn_emit,
    .flops = bn_flops,
    .params = gl_params_consts,
    .free_params = gl_free,
    .time = bn_time,
    .expand = bn_expand,
};
