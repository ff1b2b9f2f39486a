/* ops/conv.c — Conv (opsets 1, 11, 22) and ConvTranspose (opsets 1, 11, 22), float32,
 * 1-D, 2-D and 3-D (held as [N][C][D][H][W], missing spatial dims of size 1).
 *
 *   Conv:          Y[n][m][o] = B[m] + sum_{c < C/G, i} X[n][g*C/G + c][o*s - pb + i*d]
 *                                                   * W[m][c][i],   g = m / (M/G)
 *   ConvTranspose: Y[n][g*M/G + m][p*s - pb + i*d] += X[n][c][p] * W[c][m][i],  g = c / (C/G)
 *
 * Window: strides, dilations, pads, auto_pad (NOTSET, VALID, SAME_UPPER, SAME_LOWER);
 * kernel_shape optional (must match W). ConvTranspose also: output_padding, output_shape.
 *
 * Emission: a Conv with constant W that is not depthwise goes through the runtime's packed
 * product (W packed at compile time per group as [M/G][C/G * k] rows): im2col of one group
 * into scratch, rnnrt_pgemm_f32 (bias as its bias), then the [positions][M/G] result is
 * transposed into NCHW. Depthwise convs, run-time W and ConvTranspose are direct loop nests.
 * Refused: other dtypes, rank < 3 or > 5, inconsistent shapes/attributes. */
#include "conv.h"

#include "rnnrt.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- window geometry (shared with pool.c) ------------------------------------------- */

static int cv_ints(rc_ctx *c, ir_node *n, const char *name, int want, int64_t *out, int64_t dflt,
                   int64_t min) {
    const int64_t *v;
    char what[64];
    int cnt;
    if (rc_attr_ints(c, n, name, &v, &cnt))
        return -1;
    if (!v) {
        for (int i = 0; i < want; i++)
            out[i] = dflt;
        return 0;
    }
    snprintf(what, sizeof what, "attribute %s", name);
    if (cnt != want)
        return rc_err(c, n, what, "needs %d values for this input, got %d", want, cnt);
    for (int i = 0; i < cnt; i++) {
        if (v[i] < min || v[i] > INT32_MAX)
            return rc_err(c, n, what, "value %d must be in [%" PRId64 ", 2^31), got %" PRId64, i,
                          min, v[i]);
        out[i] = v[i];
    }
    return 0;
}

int cv_window(rc_ctx *c, ir_node *n, const ir_tensor *x, int nsp, const int64_t *kernel,
              const cv_window_opts *o, cv_geom *gm) {
    int64_t s[CV_SP], d[CV_SP], pads[2 * CV_SP];
    const char *ap = "NOTSET";
    int has, off = CV_SP - nsp;
    if (cv_ints(c, n, "strides", nsp, s, 1, 1) ||
        (o->dilations && cv_ints(c, n, "dilations", nsp, d, 1, 1)) ||
        cv_ints(c, n, "pads", 2 * nsp, pads, 0, 0) || rc_attr_string(c, n, "auto_pad", &ap, &has))
        return -1;
    if (!o->dilations)
        for (int i = 0; i < nsp; i++)
            d[i] = 1;
    if (strcmp(ap, "NOTSET") && strcmp(ap, "VALID") && strcmp(ap, "SAME_UPPER") &&
        strcmp(ap, "SAME_LOWER"))
        return rc_err(c, n, "attribute auto_pad",
                      "must be NOTSET, VALID, SAME_UPPER or SAME_LOWER, got '%.40s'", ap);
    if (strcmp(ap, "NOTSET") && ir_attr_get(n, "pads")) {
        for (int i = 0; i < 2 * nsp; i++)
            if (pads[i])
                return rc_err(c, n, "attribute pads", "given together with auto_pad %s", ap);
    }
    memset(gm, 0, sizeof *gm);
    gm->nsp = nsp;
    for (int i = 0; i < CV_SP; i++)
        gm->in[i] = gm->k[i] = gm->s[i] = gm->d[i] = gm->out[i] = 1;
    for (int i = 0; i < nsp; i++) {
        int64_t in = x->dims[2 + i], ek, span, out;
        int j = off + i;
        gm->in[j] = in, gm->k[j] = kernel[i], gm->s[j] = s[i], gm->d[j] = d[i];
        ek = (kernel[i] - 1) * d[i] + 1; /* the dilated kernel's extent */
        if (!strcmp(ap, "SAME_UPPER") || !strcmp(ap, "SAME_LOWER")) {
            /* out = ceil(in / s); total pad = max(0, (out - 1) * s + ek - in) */
            int64_t total;
            out = (in + s[i] - 1) / s[i];
            total = (out - 1) * s[i] + ek - in;
            total = total > 0 ? total : 0;
            gm->pb[j] = !strcmp(ap, "SAME_UPPER") ? total / 2 : total - total / 2;
            gm->pe[j] = total - gm->pb[j];
        } else {
            if (!strcmp(ap, "NOTSET"))
                gm->pb[j] = pads[i], gm->pe[j] = pads[nsp + i];
            span = in + gm->pb[j] + gm->pe[j] - ek;
            if (span < 0)
                return rc_err(c, n, "kernel",
                              "dilated kernel %" PRId64 " is larger than padded input %" PRId64
                              " along spatial dim %d",
                              ek, in + gm->pb[j] + gm->pe[j], i);
            /* floor: span / s + 1; ceil mode: ceil(span / s) + 1, but the last window must
             * start inside the input or the begin pad */
            out = span / s[i] + 1;
            if (o->ceil_mode && span % s[i]) {
                out++;
                if ((out - 1) * s[i] >= in + gm->pb[j])
                    out--;
            }
        }
        if (out < 1)
            return rc_err(c, n, "output", "spatial dim %d would be empty", i);
        gm->out[j] = out;
    }
    return 0;
}

/* ---- check ------------------------------------------------------------------------- */

/* Common input checks: X, W (and B) float, ranks; *nsp set. */
static int conv_inputs(rc_ctx *c, ir_graph *g, ir_node *n, int *nsp) {
    const ir_tensor *x, *w;
    if (gl_arity(c, n, 2, 3, 2, 1) || gl_dtype(c, g, n, 0, "input 'X'", IR_FLOAT) ||
        gl_dtype(c, g, n, 1, "input 'W'", IR_FLOAT) || gl_dtype(c, g, n, 2, "input 'B'", IR_FLOAT))
        return -1;
    x = ir_in(g, n, 0), w = ir_in(g, n, 1);
    if (x->rank < 3 || x->rank > 5)
        return rc_err(c, n, "input 'X'",
                      "%s over %d spatial dims is not implemented (1-D, 2-D and 3-D are)",
                      n->op_type, x->rank - 2);
    if (w->rank != x->rank)
        return rc_err(c, n, "input 'W'", "must have rank %d like X, got %d", x->rank, w->rank);
    *nsp = x->rank - 2;
    return 0;
}

/* kernel_shape, when given, must be W's spatial dims. */
static int conv_kernel(rc_ctx *c, ir_node *n, const ir_tensor *w, int nsp, int64_t *k) {
    const int64_t *ks;
    int cnt;
    if (rc_attr_ints(c, n, "kernel_shape", &ks, &cnt))
        return -1;
    for (int i = 0; i < nsp; i++) {
        k[i] = w->dims[2 + i];
        if (k[i] < 1)
            return rc_err(c, n, "input 'W'", "kernel dim %d is empty", i);
    }
    if (ks && cnt != nsp)
        return rc_err(c, n, "attribute kernel_shape", "needs %d values, got %d", nsp, cnt);
    for (int i = 0; ks && i < nsp; i++)
        if (ks[i] != k[i])
            return rc_err(c, n, "attribute kernel_shape",
                          "value %d is %" PRId64 " but W's kernel is %" PRId64, i, ks[i], k[i]);
    return 0;
}

static int conv_group(rc_ctx *c, ir_node *n, int64_t C, int64_t *G) {
    int has;
    *G = 1;
    if (rc_attr_int(c, n, "group", G, &has))
        return -1;
    if (*G < 1 || *G > INT32_MAX || C % *G)
        return rc_err(c, n, "attribute group",
                      "must be >= 1 and divide the %" PRId64 " input channels, got %" PRId64, C,
                      *G);
    return 0;
}

static int conv_bias(rc_ctx *c, ir_graph *g, ir_node *n, conv_params *p) {
    const ir_tensor *b = ir_in(g, n, 2);
    p->has_bias = b != NULL;
    if (b && (b->rank != 1 || b->dims[0] != p->M)) {
        char sh[128];
        ir_shape_str(b, sh, sizeof sh);
        return rc_err(c, n, "input 'B'",
                      "must be a vector of the %" PRId64 " output channels, got %s", p->M, sh);
    }
    return 0;
}

static int conv_out(rc_ctx *c, ir_graph *g, ir_node *n, const conv_params *p) {
    int64_t dims[2 + CV_SP];
    dims[0] = p->N, dims[1] = p->M;
    for (int i = 0; i < p->gm.nsp; i++)
        dims[2 + i] = p->gm.out[CV_SP - p->gm.nsp + i];
    return gl_set_out(c, g, n, 0, IR_FLOAT, 2 + p->gm.nsp, dims);
}

static int conv_check(rc_ctx *c, ir_graph *g, ir_node *n) {
    const ir_tensor *x, *w;
    conv_params *p;
    int64_t k[CV_SP];
    int nsp;
    cv_window_opts o = {1, 0};
    if (conv_inputs(c, g, n, &nsp))
        return -1;
    x = ir_in(g, n, 0), w = ir_in(g, n, 1);
    p = gl_params_new(n, sizeof *p);
    p->N = x->dims[0], p->C = x->dims[1], p->M = w->dims[0];
    if (conv_kernel(c, n, w, nsp, k) || conv_group(c, n, p->C, &p->G) ||
        cv_window(c, n, x, nsp, k, &o, &p->gm) || rc_attr_unused(c, g, n))
        return -1;
    if (w->dims[1] * p->G != p->C || p->M % p->G || p->M < 1)
        return rc_err(c, n, "input 'W'",
                      "shape [%" PRId64 "][%" PRId64 "] does not fit %" PRId64
                      " input channels in %" PRId64 " groups (want [M][C/group], M divisible)",
                      w->dims[0], w->dims[1], p->C, p->G);
    if (conv_bias(c, g, n, p))
        return -1;
    return conv_out(c, g, n, p);
}

/* ConvTranspose: out = s * (in - 1) + output_padding + ek - pb - pe, or output_shape given
 * and the pads derived: total = s * (in - 1) + output_padding + ek - out, split by auto_pad
 * (SAME_UPPER: pb = total / 2, else pe = total / 2). */
static int convt_window(rc_ctx *c, ir_node *n, const ir_tensor *x, const int64_t *k,
                        conv_params *p) {
    int64_t s[CV_SP], d[CV_SP], pads[2 * CV_SP], op[CV_SP];
    const int64_t *osv;
    const char *ap = "NOTSET";
    int nsp = x->rank - 2, off = CV_SP - nsp, cnt, has;
    cv_geom *gm = &p->gm;
    if (cv_ints(c, n, "strides", nsp, s, 1, 1) || cv_ints(c, n, "dilations", nsp, d, 1, 1) ||
        cv_ints(c, n, "pads", 2 * nsp, pads, 0, 0) ||
        cv_ints(c, n, "output_padding", nsp, op, 0, 0) ||
        rc_attr_ints(c, n, "output_shape", &osv, &cnt) ||
        rc_attr_string(c, n, "auto_pad", &ap, &has))
        return -1;
    if (strcmp(ap, "NOTSET") && strcmp(ap, "VALID") && strcmp(ap, "SAME_UPPER") &&
        strcmp(ap, "SAME_LOWER"))
        return rc_err(c, n, "attribute auto_pad",
                      "must be NOTSET, VALID, SAME_UPPER or SAME_LOWER, got '%.40s'", ap);
    if (osv && cnt != nsp && cnt != nsp + 2)
        return rc_err(c, n, "attribute output_shape", "needs %d values, got %d", nsp, cnt);
    /* as for Conv, explicit pads contradict auto_pad; with output_shape the spec says the
     * pads are ignored (they are derived from it) */
    for (int i = 0; i < 2 * nsp && strcmp(ap, "NOTSET"); i++)
        if (pads[i] != 0)
            return rc_err(c, n, "attribute pads", "given together with auto_pad %s", ap);
    for (int i = 0; i < CV_SP; i++)
        gm->in[i] = gm->k[i] = gm->s[i] = gm->d[i] = gm->out[i] = 1, gm->pb[i] = gm->pe[i] = 0;
    gm->nsp = nsp;
    for (int i = 0; i < nsp; i++) {
        int j = off + i;
        int64_t in = x->dims[2 + i], ek = (k[i] - 1) * d[i] + 1;
        int64_t full = s[i] * (in - 1) + op[i] + ek; /* the output before cropping pads */
        if (op[i] >= s[i] && op[i] >= d[i])
            return rc_err(c, n, "attribute output_padding",
                          "value %d (%" PRId64 ") must be smaller than the stride or dilation", i,
                          op[i]);
        gm->in[j] = in, gm->k[j] = k[i], gm->s[j] = s[i], gm->d[j] = d[i];
        if (osv || !strcmp(ap, "SAME_UPPER") || !strcmp(ap, "SAME_LOWER")) {
            /* a total below 0 (output_shape beyond the full output) pads the end with the
             * bias: the halves are floored as in the spec's reference, so -1 gives 0 and -1 */
            int64_t out = osv ? osv[cnt - nsp + i] : in * s[i], total = full - out;
            int64_t half = total >= 0 ? total / 2 : -((-total + 1) / 2);
            if (out < 1 || out > INT32_MAX)
                return rc_err(c, n, "attribute output_shape",
                              "output %" PRId64 " along spatial dim %d must be in [1, 2^31)", out,
                              i);
            if (!strcmp(ap, "SAME_UPPER"))
                gm->pb[j] = half, gm->pe[j] = total - half;
            else
                gm->pe[j] = half, gm->pb[j] = total - half;
        } else if (!strcmp(ap, "NOTSET")) {
            gm->pb[j] = pads[i], gm->pe[j] = pads[nsp + i];
        }
        gm->out[j] = full - gm->pb[j] - gm->pe[j];
        if (gm->out[j] < 1)
            return rc_err(c, n, "attribute pads", "crop away the whole output along dim %d", i);
    }
    return 0;
}

static int convt_check(rc_ctx *c, ir_graph *g, ir_node *n) {
    const ir_tensor *x, *w;
    conv_params *p;
    int64_t k[CV_SP];
    int nsp;
    if (conv_inputs(c, g, n, &nsp))
        return -1;
    x = ir_in(g, n, 0), w = ir_in(g, n, 1);
    p = gl_params_new(n, sizeof *p);
    p->transpose = 1;
    p->N = x->dims[0], p->C = x->dims[1];
    if (conv_kernel(c, n, w, nsp, k) || conv_group(c, n, p->C, &p->G) ||
        convt_window(c, n, x, k, p) || rc_attr_unused(c, g, n))
        return -1;
    if (w->dims[0] != p->C || w->dims[1] < 1)
        return rc_err(c, n, "input 'W'",
                      "must be [C][M/group][k...] with C = %" PRId64 ", got [%" PRId64 "][%" PRId64
                      "]",
                      p->C, w->dims[0], w->dims[1]);
    p->M = w->dims[1] * p->G;
    if (conv_bias(c, g, n, p))
        return -1;
    return conv_out(c, g, n, p);
}

/* ---- interpreter ------------------------------------------------------------------- */

/* Flat index of [a][b][i0][i1][i2] in a tensor of dims [*][B][e0][e1][e2]. */
static int64_t cv_at(int64_t a, int64_t B, int64_t b, const int64_t *e, const int64_t *i) {
    return (((a * B + b) * e[0] + i[0]) * e[1] + i[1]) * e[2] + i[2];
}

/* Input position of output o, tap t along dim j; -1 if in the padding. */
static int64_t cv_src(const cv_geom *gm, int j, int64_t o, int64_t t) {
    int64_t q = o * gm->s[j] - gm->pb[j] + t * gm->d[j];
    return q >= 0 && q < gm->in[j] ? q : -1;
}

/* A fused activation (ir_node.post_act) on the float the Conv would have written. */
static float fused_act(ir_act a, float v) {
    double x = v;
    return a == IR_ACT_RELU      ? (float)(x > 0 ? x : 0.0)
           : a == IR_ACT_SIGMOID ? (float)(1.0 / (1.0 + exp(-x)))
           : a == IR_ACT_TANH    ? (float)tanh(x)
                                 : v;
}

static int conv_interp(rc_ctx *c, const ir_graph *g, const ir_node *n, rc_values *v) {
    const conv_params *p = n->params;
    const cv_geom *gm = &p->gm;
    const float *x = v->data[n->in[0]], *w = v->data[n->in[1]];
    const float *b = p->has_bias ? v->data[n->in[2]] : NULL;
    float *y = rc_values_alloc(v, g, n->out[0]);
    int64_t Cg = p->C / p->G, Mg = p->M / p->G, o[3], t[3], q[3];
    (void)c;
    for (int64_t nn = 0; nn < p->N; nn++)
        for (int64_t m = 0; m < p->M; m++)
            for (o[0] = 0; o[0] < gm->out[0]; o[0]++)
                for (o[1] = 0; o[1] < gm->out[1]; o[1]++)
                    for (o[2] = 0; o[2] < gm->out[2]; o[2]++) {
                        double acc = b ? b[m] : 0.0;
                        for (int64_t ci = 0; ci < Cg; ci++)
                            for (t[0] = 0; t[0] < gm->k[0]; t[0]++)
                                for (t[1] = 0; t[1] < gm->k[1]; t[1]++)
                                    for (t[2] = 0; t[2] < gm->k[2]; t[2]++) {
                                        int inside = 1;
                                        for (int j = 0; j < 3; j++)
                                            inside &= (q[j] = cv_src(gm, j, o[j], t[j])) >= 0;
                                        if (inside)
                                            acc += (double)x[cv_at(nn, p->C, m / Mg * Cg + ci,
                                                                   gm->in, q)] *
                                                   w[cv_at(m, Cg, ci, gm->k, t)];
                                    }
                        y[cv_at(nn, p->M, m, gm->out, o)] = fused_act(n->post_act, (float)acc);
                    }
    return 0;
}

static int convt_interp(rc_ctx *c, const ir_graph *g, const ir_node *n, rc_values *v) {
    const conv_params *p = n->params;
    const cv_geom *gm = &p->gm;
    const float *x = v->data[n->in[0]], *w = v->data[n->in[1]];
    const float *b = p->has_bias ? v->data[n->in[2]] : NULL;
    int64_t ny = ir_numel(&g->t[n->out[0]]), Cg = p->C / p->G, Mg = p->M / p->G;
    int64_t per = gm->out[0] * gm->out[1] * gm->out[2], q[3], t[3], o[3];
    double *acc = rc_xcalloc((size_t)(ny ? ny : 1), sizeof(double));
    float *y = rc_values_alloc(v, g, n->out[0]);
    (void)c;
    for (int64_t i = 0; i < ny; i++)
        acc[i] = b ? b[(i / per) % p->M] : 0.0;
    for (int64_t nn = 0; nn < p->N; nn++)
        for (int64_t ci = 0; ci < p->C; ci++)
            for (q[0] = 0; q[0] < gm->in[0]; q[0]++)
                for (q[1] = 0; q[1] < gm->in[1]; q[1]++)
                    for (q[2] = 0; q[2] < gm->in[2]; q[2]++) {
                        double xv = x[cv_at(nn, p->C, ci, gm->in, q)];
                        for (int64_t m = 0; m < Mg; m++)
                            for (t[0] = 0; t[0] < gm->k[0]; t[0]++)
                                for (t[1] = 0; t[1] < gm->k[1]; t[1]++)
                                    for (t[2] = 0; t[2] < gm->k[2]; t[2]++) {
                                        int inside = 1;
                                        /* o = q * s - pb + t * d */
                                        for (int j = 0; j < 3; j++) {
                                            o[j] = q[j] * gm->s[j] - gm->pb[j] + t[j] * gm->d[j];
                                            inside &= o[j] >= 0 && o[j] < gm->out[j];
                                        }
                                        if (inside)
                                            acc[cv_at(nn, p->M, ci / Cg * Mg + m, gm->out, o)] +=
                                                xv * w[cv_at(ci, Mg, m, gm->k, t)];
                                    }
                    }
    for (int64_t i = 0; i < ny; i++)
        y[i] = (float)acc[i];
    free(acc);
    return 0;
}

/* ---- emitter ----------------------------------------------------------------------- */

/* Packed product pays when W is constant, the reduction is not tiny and the conv is not
 * depthwise (one input channel per group, several groups), and sizes fit the kernel's int
 * fields and the --max-mb budget for the im2col buffer. */
static int conv_packable(rc_ctx *c, const ir_graph *g, const ir_node *n, const conv_params *p) {
    const cv_geom *gm = &p->gm;
    int64_t Cg = p->C / p->G, Kg = Cg * gm->k[0] * gm->k[1] * gm->k[2];
    int64_t P = gm->out[0] * gm->out[1] * gm->out[2];
    if (!g->t[n->in[1]].data || Kg < 4 || (Cg == 1 && p->G > 1))
        return 0;
    if ((double)P * (double)Kg > INT32_MAX / 2 || (double)P * (double)p->M > INT32_MAX / 2)
        return 0;
    return (double)P * (double)(Kg + p->M / p->G) * 4.0 <= (double)rc_max_bytes(c);
}

/* Opens for (int v = 0; v < n; ++v) */
static void loop(em_state *e, const char *v, int64_t n) {
    em_printf(e, "for (int %s = 0; %s < %" PRId64 "; ++%s)\n", v, v, n, v);
}

/* Emits "const int qJ = oJ * s - pb + tJ * d;" for the three dims. */
static void src_pos(em_state *e, const cv_geom *gm, int j) {
    em_printf(e, "const int q%d = o%d * %" PRId64 " - %" PRId64 " + t%d * %" PRId64 ";\n", j, j,
              gm->s[j], gm->pb[j], j, gm->d[j]);
}

/* The runtime's function for a fused activation, with its opening parenthesis. */
static const char *act_open(ir_act a) {
    return a == IR_ACT_RELU      ? "rnnrt_relu_f32("
           : a == IR_ACT_SIGMOID ? "rnnrt_sigmoid_f32("
           : a == IR_ACT_TANH    ? "rnnrt_tanh_f32("
                                 : "";
}

/* Generic direct loop: one output element per iteration, taps in the padding skipped. */
static void conv_emit_direct(em_state *e, const conv_params *p, const char *x, const char *w,
                             const char *b, const char *y, ir_act act) {
    const cv_geom *gm = &p->gm;
    int64_t Cg = p->C / p->G, Mg = p->M / p->G;
    char cin[96];
    if (p->G > 1)
        snprintf(cin, sizeof cin, "m / %" PRId64 " * %" PRId64 " + c", Mg, Cg);
    else
        snprintf(cin, sizeof cin, "c");
    e->has_loops = 1;
    loop(e, "n", p->N);
    loop(e, "m", p->M);
    loop(e, "o0", gm->out[0]);
    loop(e, "o1", gm->out[1]);
    loop(e, "o2", gm->out[2]);
    em_printf(e, "{\nfloat acc = %s%s;\n", b ? b : "0.0f", b ? "[m]" : "");
    loop(e, "c", Cg);
    loop(e, "t0", gm->k[0]);
    em_printf(e, "{\n");
    src_pos(e, gm, 0);
    em_printf(e, "if (q0 < 0 || q0 >= %" PRId64 ")\ncontinue;\n", gm->in[0]);
    loop(e, "t1", gm->k[1]);
    em_printf(e, "{\n");
    src_pos(e, gm, 1);
    em_printf(e, "if (q1 < 0 || q1 >= %" PRId64 ")\ncontinue;\n", gm->in[1]);
    loop(e, "t2", gm->k[2]);
    em_printf(e, "{\n");
    src_pos(e, gm, 2);
    em_printf(e, "if (q2 < 0 || q2 >= %" PRId64 ")\ncontinue;\n", gm->in[2]);
    em_printf(e,
              "acc += %s[(((n * %" PRId64 " + %s) * %" PRId64 " + q0) * %" PRId64
              " + q1) * %" PRId64 " + q2] * %s[(((m * %" PRId64 " + c) * %" PRId64
              " + t0) * %" PRId64 " + t1) * %" PRId64 " + t2];\n}\n}\n}\n",
              x, p->C, cin, gm->in[0], gm->in[1], gm->in[2], w, Cg, gm->k[0], gm->k[1], gm->k[2]);
    em_printf(e,
              "%s[(((n * %" PRId64 " + m) * %" PRId64 " + o0) * %" PRId64 " + o1) * %" PRId64
              " + o2] = %sacc%s;\n}\n",
              y, p->M, gm->out[0], gm->out[1], gm->out[2], act_open(act), act ? ")" : "");
}

/* W of group gi as Mg rows of Kg = Cg * k taps, packed; all groups one after another. */
static const char *conv_pack(em_state *e, const ir_graph *g, const ir_node *n, const conv_params *p,
                             size_t *per_group) {
    const cv_geom *gm = &p->gm;
    const ir_tensor *wt = &g->t[n->in[1]];
    const float *wv = em_wvalues(wt);
    int64_t Mg = p->M / p->G, Kg = p->C / p->G * gm->k[0] * gm->k[1] * gm->k[2];
    size_t ps = em_packed_size(wt, (size_t)Mg, (size_t)Kg);
    float *t = rc_xcalloc(ps * (size_t)p->G, sizeof(float));
    const char *expr;
    for (int64_t gi = 0; gi < p->G; gi++)
        em_pack_panels(wt, t + (size_t)gi * ps, wv + gi * Mg * Kg, (int)Mg, (int)Kg, (size_t)Kg, 1);
    expr = em_packed_weights(e, "wp", wt, t, ps * (size_t)p->G);
    free(t);
    *per_group = ps;
    return expr;
}

/* im2col + packed GEMM per (image, group):
 *   col[p][(c * k0 + t0) * k1k2 + ...] = X[n][g*Cg + c][o(p) * s - pb + t * d] (0 in pads)
 *   out[p][m] = B[g*Mg + m] + sum_kk col[p][kk] W[g*Mg + m][kk]      (rnnrt_pgemm_f32)
 *   Y[n][g*Mg + m][p] = out[p][m] */
static void conv_emit_packed(em_state *e, const ir_graph *g, const ir_node *n, const conv_params *p,
                             const char *x, const char *b, const char *y) {
    const cv_geom *gm = &p->gm;
    int64_t Cg = p->C / p->G, Mg = p->M / p->G, Kg = Cg * gm->k[0] * gm->k[1] * gm->k[2];
    int64_t P = gm->out[0] * gm->out[1] * gm->out[2];
    size_t ps;
    const ir_tensor *wt = &g->t[n->in[1]];
    const char *wp = conv_pack(e, g, n, p, &ps);
    const char *sfx = em_wsuffix(wt);
    const char *col = em_scratch(e, "col", (size_t)(P * Kg));
    const char *out = em_scratch(e, "gout", (size_t)(P * Mg));
    e->used_gemm = 1, e->has_loops = 1;
    em_printf(e,
              "{\nconst %s *wp = %s; /* W per group as [M/G][C/G * k] rows, packed */\n"
              "static const rnnrt_pgemm_params pp = {%" PRId64 ", %" PRId64 ", %" PRId64
              ", %" PRId64 ", %" PRId64 ", 0};\n",
              em_wctype(wt), wp, P, Mg, Kg, Kg, Mg);
    if (wt->quant && wt->quant->prec == RC_W_I8) /* a scale per output channel */
        em_printf(e, "const float *ws = %s;\n",
                  em_const_f32(e, "ws", wt->quant->scale, (size_t)wt->quant->n_scale));
    loop(e, "n", p->N);
    loop(e, "g", p->G);
    em_printf(e, "{\n");
    loop(e, "o0", gm->out[0]);
    loop(e, "o1", gm->out[1]);
    loop(e, "o2", gm->out[2]);
    em_printf(e,
              "{\nfloat *cr = &%s[((o0 * %" PRId64 " + o1) * %" PRId64 " + o2) * %" PRId64 "];\n",
              col, gm->out[1], gm->out[2], Kg);
    loop(e, "c", Cg);
    loop(e, "t0", gm->k[0]);
    em_printf(e, "{\n");
    src_pos(e, gm, 0);
    loop(e, "t1", gm->k[1]);
    em_printf(e, "{\n");
    src_pos(e, gm, 1);
    loop(e, "t2", gm->k[2]);
    em_printf(e, "{\n");
    src_pos(e, gm, 2);
    em_printf(e,
              "*cr++ = q0 >= 0 && q0 < %" PRId64 " && q1 >= 0 && q1 < %" PRId64
              " && q2 >= 0 && q2 < %" PRId64 " ? %s[(((n * %" PRId64 " + g * %" PRId64
              " + c) * %" PRId64 " + q0) * %" PRId64 " + q1) * %" PRId64
              " + q2] : 0.0f;\n}\n}\n}\n}\n",
              gm->in[0], gm->in[1], gm->in[2], x, p->C, Cg, gm->in[0], gm->in[1], gm->in[2]);
    em_printf(e, "(void)rnnrt_pgemm_%s(&pp, &wp[g * %zu], ", sfx, ps);
    if (wt->quant && wt->quant->prec == RC_W_I8)
        em_printf(e, "&ws[g * %" PRId64 "], ", Mg);
    if (b)
        em_printf(e, "&%s[g * %" PRId64 "]", b, Mg);
    else
        em_printf(e, "NULL");
    em_printf(e, ", %s, %s);\n", col, out);
    loop(e, "m", Mg);
    loop(e, "q", P);
    em_printf(e,
              "%s[(n * %" PRId64 " + g * %" PRId64 " + m) * %" PRId64 " + q] = %s%s[q * %" PRId64
              " + m]%s;\n}\n}\n",
              y, p->M, Mg, P, act_open(n->post_act), out, Mg, n->post_act ? ")" : "");
}

/* --weights: W, when the packed kernel may read it (conv_packable but for the im2col budget,
 * which only makes the emitter read the rounded values directly), as M rows of C/G * taps. */
static int conv_weights(const ir_graph *g, const ir_node *n, rc_wslot *w) {
    const conv_params *p = n->params;
    const cv_geom *gm;
    int64_t Cg, Kg;
    if (!p || !g->t[n->in[1]].data)
        return 0;
    gm = &p->gm;
    Cg = p->C / p->G, Kg = Cg * gm->k[0] * gm->k[1] * gm->k[2];
    if (Kg < 4 || (Cg == 1 && p->G > 1) || p->M == 0)
        return 0;
    w[0] = (rc_wslot){1, 1, p->M, Kg, 0, Kg, 1};
    return 1;
}

static int conv_emit(rc_ctx *c, em_state *e, const ir_graph *g, const ir_node *n) {
    const conv_params *p = n->params;
    const int packed = conv_packable(c, g, n, p);
    const char *x = em_tensor(e, n->in[0]);
    const char *w = packed ? NULL : em_tensor(e, n->in[1]);
    const char *b = p->has_bias ? em_tensor(e, n->in[2]) : NULL;
    const char *y = em_tensor(e, n->out[0]);
    if (packed)
        conv_emit_packed(e, g, n, p, x, b, y);
    else
        conv_emit_direct(e, p, x, w, b, y, n->post_act);
    return 0;
}

/* Scatter: Y starts at the bias, each input element adds its weighted kernel. */
static int convt_emit(rc_ctx *c, em_state *e, const ir_graph *g, const ir_node *n) {
    const conv_params *p = n->params;
    const cv_geom *gm = &p->gm;
    const char *x = em_tensor(e, n->in[0]), *w = em_tensor(e, n->in[1]);
    const char *b = p->has_bias ? em_tensor(e, n->in[2]) : NULL;
    const char *y = em_tensor(e, n->out[0]);
    int64_t Cg = p->C / p->G, Mg = p->M / p->G, per = gm->out[0] * gm->out[1] * gm->out[2];
    (void)c, (void)g;
    e->has_loops = 1;
    loop(e, "i", ir_numel(&g->t[n->out[0]]));
    if (b)
        em_printf(e, "%s[i] = %s[i / %" PRId64 " %% %" PRId64 "];\n", y, b, per, p->M);
    else
        em_printf(e, "%s[i] = 0.0f;\n", y);
    loop(e, "n", p->N);
    loop(e, "c", p->C);
    loop(e, "q0", gm->in[0]);
    loop(e, "q1", gm->in[1]);
    loop(e, "q2", gm->in[2]);
    em_printf(e,
              "{\nconst float xv = %s[(((n * %" PRId64 " + c) * %" PRId64 " + q0) * %" PRId64
              " + q1) * %" PRId64 " + q2];\n",
              x, p->C, gm->in[0], gm->in[1], gm->in[2]);
    loop(e, "m", Mg);
    loop(e, "t0", gm->k[0]);
    loop(e, "t1", gm->k[1]);
    loop(e, "t2", gm->k[2]);
    em_printf(e, "{\n");
    for (int j = 0; j < 3; j++)
        em_printf(e, "const int o%d = q%d * %" PRId64 " - %" PRId64 " + t%d * %" PRId64 ";\n", j, j,
                  gm->s[j], gm->pb[j], j, gm->d[j]);
    em_printf(e,
              "if (o0 < 0 || o0 >= %" PRId64 " || o1 < 0 || o1 >= %" PRId64 " || o2 < 0 || o2 >= "
              "%" PRId64 ")\ncontinue;\n",
              gm->out[0], gm->out[1], gm->out[2]);
    em_printf(e,
              "%s[(((n * %" PRId64 " + c / %" PRId64 " * %" PRId64 " + m) * %" PRId64
              " + o0) * %" PRId64 " + o1) * %" PRId64 " + o2] += xv * %s[(((c * %" PRId64
              " + m) * %" PRId64 " + t0) * %" PRId64 " + t1) * %" PRId64 " + t2];\n}\n}\n",
              y, p->M, Cg, Mg, gm->out[0], gm->out[1], gm->out[2], w, Mg, gm->k[0], gm->k[1],
              gm->k[2]);
    return 0;
}

/* ---- the rest of the op table ------------------------------------------------------ */

static double conv_macs(const ir_graph *g, const ir_node *n) {
    const conv_params *p = n->params;
    const cv_geom *gm = &p->gm;
    (void)g;
    int64_t k = gm->k[0] * gm->k[1] * gm->k[2];
    /* Conv: (output element, input channel of its group, tap);
     * ConvTranspose: (input element, output channel of its group, tap). */
    if (p->transpose)
        return (double)p->N * (double)p->C * (double)(gm->in[0] * gm->in[1] * gm->in[2]) *
               (double)(p->M / p->G) * (double)k;
    return (double)p->N * (double)p->M * (double)(gm->out[0] * gm->out[1] * gm->out[2]) *
           (double)(p->C / p->G) * (double)k;
}

/* 2 per multiply-add */
static double conv_flops(const ir_graph *g, const ir_node *n) { return 2.0 * conv_macs(g, n); }

/* Time as the batch axis is fine; along channels or space it mixes steps. */
static int conv_time(rc_ctx *c, const ir_graph *g, const ir_node *n, const int *in, int *out) {
    (void)g;
    out[0] = -1;
    if (in[1] >= 0 || (n->n_in > 2 && in[2] >= 0))
        return gl_time_mixes(c, n, "its weight operand carries time");
    if (in[0] > 0)
        return gl_time_mixes(c, n, "the convolution mixes neighbouring time steps (and channels)");
    out[0] = in[0];
    return 0;
}

const rc_op_def rc_op_conv = {
    .op_type = "Conv",
    .fuses_act = 1,
    .check = conv_check,
    .interp = conv_interp,
    .emit = conv_emit,
    .flops = conv_flops,
    .macs = conv_macs,
    .weights = conv_weights,
    .params = gl_params_consts,
    .free_params = gl_free,
    .time = conv_time,
};

const rc_op_def rc_op_conv_transpose = {
    .op_type = "ConvTranspose",
    .check = convt_check,
    .interp = convt_interp,
    .emit = convt_emit,
    .flops = conv_flops,
    .macs = conv_macs,
    .params = gl_params_consts,
    .free_params = gl_free,
    .time = conv_time,
};
