/* ops/gru.c — ONNX GRU (opsets 7, 14, 22).
 *
 *   zt = f(Xt·Wzᵀ + Ht-1·Rzᵀ + Wbz + Rbz)
 *   rt = f(Xt·Wrᵀ + Ht-1·Rrᵀ + Wbr + Rbr)
 *   linear_before_reset = 0:  ht = g(Xt·Whᵀ + (rt⊙Ht-1)·Rhᵀ + Rbh + Wbh)
 *   linear_before_reset = 1:  ht = g(Xt·Whᵀ + rt⊙(Ht-1·Rhᵀ + Rbh) + Wbh)
 *   Ht = (1 - zt)⊙ht + zt⊙Ht-1                      defaults f=Sigmoid g=Tanh
 *
 * Gate rows in W, R and B are ordered z, r, h. clip bounds each gate's whole
 * pre-activation. Inputs X, W, R, B, sequence_lens, initial_h; outputs Y, Y_h;
 * attributes as RNN plus linear_before_reset. */
#include "rec.h"

#include <stdio.h>
#include <stdlib.h>

enum { GZ = 0, GR = 1, GH = 2 };

static void gru_step(const rec_params *p, int d, const rec_step *s) {
    const rec_fn *f = &p->act[d][0], *g = &p->act[d][1];
    const int H = p->H, I = p->I;
    double *r = rc_xcalloc((size_t)H, sizeof(double));
    double *rh = rc_xcalloc((size_t)H, sizeof(double));
    for (int j = 0; j < H; j++) {
        double a = rec_dot(s->w, GR * H + j, I, s->x) + rec_dot(s->r, GR * H + j, H, s->h_prev);
        if (s->wb)
            a += (double)s->wb[GR * H + j] + (double)s->rb[GR * H + j];
        r[j] = rec_apply(f, rec_clip(p, a));
        rh[j] = r[j] * s->h_prev[j];
    }
    for (int j = 0; j < H; j++) {
        double wbz = s->wb ? (double)s->wb[j] + (double)s->rb[j] : 0;
        double wbh = s->wb ? s->wb[GH * H + j] : 0, rbh = s->wb ? s->rb[GH * H + j] : 0;
        double z = rec_apply(
            f, rec_clip(p, rec_dot(s->w, j, I, s->x) + rec_dot(s->r, j, H, s->h_prev) + wbz));
        double xh = rec_dot(s->w, GH * H + j, I, s->x) + wbh, n;
        if (p->linear_before_reset)
            n = rec_apply(g,
                          rec_clip(p, xh + r[j] * (rec_dot(s->r, GH * H + j, H, s->h_prev) + rbh)));
        else
            n = rec_apply(g, rec_clip(p, xh + rec_dot(s->r, GH * H + j, H, rh) + rbh));
        s->h[j] = (1.0 - z) * n + z * s->h_prev[j];
    }
    free(r);
    free(rh);
}

/* linear_before_reset=0 multiplies Rh by r⊙h, known only after the r gate */
static int gru_rows(const rec_params *p) { return (p->linear_before_reset ? 3 : 2) * p->H; }

typedef struct gru_arg {
    const rec_emit *re;
} gru_arg;

static void act_line(em_state *e, const rec_params *p, const rec_fn *f, const char *lhs,
                     const char *expr) {
    rc_buf a = {0};
    rec_emit_act(&a, p, f, expr, 1);
    em_printf(e, "    %s = %s;\n", lhs, a.p);
    rc_buf_free(&a);
}

static void gru_lbr1_j(em_state *e, const rec_params *p, const char *j, void *arg) {
    const rec_emit *re = ((gru_arg *)arg)->re;
    const rec_fn *f = &p->act[re->dir][0], *g = &p->act[re->dir][1];
    const int H = p->H;
    char x[256];
    em_printf(e, "{\n");
    snprintf(x, sizeof x, "x_[%s] + g_[%s]", j, j);
    act_line(e, p, f, "const float zt", x);
    snprintf(x, sizeof x, "x_[%s] + g_[%s]", rec_ix(H, j), rec_ix(H, j));
    act_line(e, p, f, "const float rt", x);
    snprintf(x, sizeof x, "x_[%s] + rt * (g_[%s]%s%s%s)", rec_ix(2 * H, j), rec_ix(2 * H, j),
             re->has_rbh ? " + rbh_[" : "", re->has_rbh ? j : "", re->has_rbh ? "]" : "");
    act_line(e, p, g, "const float nt", x);
    em_printf(e, "    h_[%s] = (1.0f - zt) * nt + zt * h_[%s];\n}\n", j, j);
}

static void gru_lbr0_zr(em_state *e, const rec_params *p, const char *j, void *arg) {
    const rec_emit *re = ((gru_arg *)arg)->re;
    const rec_fn *f = &p->act[re->dir][0];
    char x[256], lhs[64];
    em_printf(e, "{\n");
    snprintf(x, sizeof x, "x_[%s] + g_[%s]", rec_ix(p->H, j), rec_ix(p->H, j));
    act_line(e, p, f, "const float rt", x);
    /* z replaces its own pre-activation in g_ */
    snprintf(x, sizeof x, "x_[%s] + g_[%s]", j, j);
    snprintf(lhs, sizeof lhs, "g_[%s]", j);
    act_line(e, p, f, lhs, x);
    em_printf(e, "    rh_[%s] = rt * h_[%s];\n}\n", j, j);
}

static void gru_lbr0_h(em_state *e, const rec_params *p, const char *j, void *arg) {
    const rec_emit *re = ((gru_arg *)arg)->re;
    const rec_fn *g = &p->act[re->dir][1];
    char x[256];
    em_printf(e, "{\n");
    snprintf(x, sizeof x, "x_[%s] + g_[%s]", rec_ix(2 * p->H, j), rec_ix(2 * p->H, j));
    act_line(e, p, g, "const float nt", x);
    em_printf(e, "    h_[%s] = (1.0f - g_[%s]) * nt + g_[%s] * h_[%s];\n}\n", j, j, j, j);
}

static void gru_emit_cell(em_state *e, const rec_params *p, const rec_emit *re) {
    gru_arg arg = {re};
    char dst[32];
    if (p->linear_before_reset) {
        rec_emit_elementwise(e, re, p->H, gru_lbr1_j, p, &arg);
        return;
    }
    rec_emit_elementwise(e, re, p->H, gru_lbr0_zr, p, &arg);
    /* g_[2H..3H) = Rh · (r⊙h) */
    snprintf(dst, sizeof dst, "(g_ + %d)", 2 * p->H);
    rec_emit_matvec(e, re, dst, re->r_expr, 2 * p->H, p->H, p->H, "rh_");
    rec_emit_elementwise(e, re, p->H, gru_lbr0_h, p, &arg);
}

static const rec_desc gru_desc = {
    .op = "GRU",
    .gates = 3,
    .n_act = 2,
    .default_act = {"Sigmoid", "Tanh"},
    .n_inputs = 6,
    .n_outputs = 2,
    .has_linear_before_reset = 1,
    .step = gru_step,
    .batched_rows = gru_rows,
    .emit_cell = gru_emit_cell,
};

static int gru_check(rc_ctx *c, ir_graph *g, ir_node *n) { return rec_check(c, g, n, &gru_desc); }

REC_OP_DEF(gru, "GRU", gru_check)
