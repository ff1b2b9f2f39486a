/* ops/lstm.c — ONNX LSTM (opsets 7, 14, 22).
 *
 *   it = f(Xt·Wiᵀ + Ht-1·Riᵀ + Pi⊙Ct-1 + Wbi + Rbi)
 *   ft = f(Xt·Wfᵀ + Ht-1·Rfᵀ + Pf⊙Ct-1 + Wbf + Rbf)     (input_forget=1: ft = 1 - it)
 *   ct = g(Xt·Wcᵀ + Ht-1·Rcᵀ + Wbc + Rbc)
 *   Ct = ft⊙Ct-1 + it⊙ct
 *   ot = f(Xt·Woᵀ + Ht-1·Roᵀ + Po⊙Ct + Wbo + Rbo)
 *   Ht = ot⊙h(Ct)                                   defaults f=Sigmoid g=Tanh h=Tanh
 *
 * Gate rows in W, R and B are ordered i, o, f, c; P is ordered i, o, f. clip
 * bounds every gate's pre-activation (i, f, c, o), not the argument of h(Ct),
 * as ONNX Runtime does. Inputs X, W, R, B, sequence_lens, initial_h,
 * initial_c, P; outputs Y, Y_h, Y_c; attributes as RNN plus input_forget. */
#include "rec.h"

enum { GI = 0, GO = 1, GF = 2, GC = 3 };

static double pre(const rec_params *p, const rec_step *s, int gate, int j) {
    int row = gate * p->H + j;
    double a = rec_dot(s->w, row, p->I, s->x) + rec_dot(s->r, row, p->H, s->h_prev);
    if (s->wb)
        a += (double)s->wb[row] + (double)s->rb[row];
    return a;
}

static void lstm_step(const rec_params *p, int d, const rec_step *s) {
    const rec_fn *f = &p->act[d][0], *g = &p->act[d][1], *h = &p->act[d][2];
    const int H = p->H;
    for (int j = 0; j < H; j++) {
        double cp = s->c_prev[j];
        double pi = s->p ? s->p[j] : 0, po = s->p ? s->p[H + j] : 0,
               pf = s->p ? s->p[2 * H + j] : 0;
        double it = rec_apply(f, rec_clip(p, pre(p, s, GI, j) + pi * cp));
        double ft =
            p->input_forget ? 1.0 - it : rec_apply(f, rec_clip(p, pre(p, s, GF, j) + pf * cp));
        double ct = rec_apply(g, rec_clip(p, pre(p, s, GC, j)));
        double cn = ft * cp + it * ct;
        double ot = rec_apply(f, rec_clip(p, pre(p, s, GO, j) + po * cn));
        s->c[j] = cn;
        s->h[j] = ot * rec_apply(h, cn);
    }
}

static int lstm_rows(const rec_params *p) { return 4 * p->H; }

typedef struct lstm_arg {
    const rec_emit *re;
} lstm_arg;

/* gate pre-activation text: x_[k] + g_[k] (+ peephole) */
static void gate_text(rc_buf *b, const rec_params *p, const rec_emit *re, int gate, int pgate,
                      const char *j, const char *cell) {
    rc_buf_printf(b, "x_[%s] + g_[%s]", rec_ix(gate * p->H, j), rec_ix(gate * p->H, j));
    if (re->has_p && pgate >= 0)
        rc_buf_printf(b, " + p_[%s] * %s", rec_ix(pgate * p->H, j), cell);
}

static void lstm_cell_j(em_state *e, const rec_params *p, const char *j, void *arg) {
    const rec_emit *re = ((lstm_arg *)arg)->re;
    const rec_fn *f = &p->act[re->dir][0], *g = &p->act[re->dir][1], *h = &p->act[re->dir][2];
    rc_buf a = {0}, x = {0};
    em_printf(e, "{\n    const float cp = c_[%s];\n", j);
    gate_text(&x, p, re, GI, 0, j, "cp");
    rec_emit_act(&a, p, f, x.p, 1);
    em_printf(e, "    const float it = %s;\n", a.p);
    if (p->input_forget) {
        em_printf(e, "    const float ft = 1.0f - it;\n");
    } else {
        a.len = x.len = 0;
        gate_text(&x, p, re, GF, 2, j, "cp");
        rec_emit_act(&a, p, f, x.p, 1);
        em_printf(e, "    const float ft = %s;\n", a.p);
    }
    a.len = x.len = 0;
    gate_text(&x, p, re, GC, -1, j, "cp");
    rec_emit_act(&a, p, g, x.p, 1);
    em_printf(e, "    const float ct = %s;\n", a.p);
    em_printf(e, "    const float cn = ft * cp + it * ct;\n");
    a.len = x.len = 0;
    gate_text(&x, p, re, GO, 1, j, "cn");
    rec_emit_act(&a, p, f, x.p, 1);
    em_printf(e, "    const float ot = %s;\n", a.p);
    a.len = 0;
    rec_emit_act(&a, p, h, "cn", 0);
    em_printf(e, "    c_[%s] = cn;\n    h_[%s] = ot * %s;\n}\n", j, j, a.p);
    rc_buf_free(&a);
    rc_buf_free(&x);
}

static void lstm_emit_cell(em_state *e, const rec_params *p, const rec_emit *re) {
    lstm_arg arg = {re};
    rec_emit_elementwise(e, re, p->H, lstm_cell_j, p, &arg);
}

static const rec_desc lstm_desc = {
    .op = "LSTM",
    .gates = 4,
    .n_act = 3,
    .default_act = {"Sigmoid", "Tanh", "Tanh"},
    .n_inputs = 8,
    .n_outputs = 3,
    .has_input_forget = 1,
    .step = lstm_step,
    .batched_rows = lstm_rows,
    .emit_cell = lstm_emit_cell,
};

static int lstm_check(rc_ctx *c, ir_graph *g, ir_node *n) { return rec_check(c, g, n, &lstm_desc); }

REC_OP_DEF(lstm, "LSTM", lstm_check)
