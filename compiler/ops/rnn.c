/* ops/rnn.c — ONNX RNN (opsets 7, 14, 22): the simple recurrent cell.
 *
 *   Ht = f(Xt·Wiᵀ + Ht-1·Riᵀ + Wbi + Rbi)          default f = Tanh
 *
 * Attributes: activation_alpha, activation_beta, activations (1 per
 * direction), clip, direction, hidden_size, layout (opset >= 14). Inputs X, W,
 * R, B, sequence_lens, initial_h; outputs Y, Y_h. Shared rules live in rec.c. */
#include "rec.h"

static void rnn_step(const rec_params *p, int d, const rec_step *s) {
    for (int j = 0; j < p->H; j++) {
        double a = rec_dot(s->w, j, p->I, s->x) + rec_dot(s->r, j, p->H, s->h_prev);
        if (s->wb)
            a += (double)s->wb[j] + (double)s->rb[j];
        s->h[j] = rec_apply(&p->act[d][0], rec_clip(p, a));
    }
}

static int rnn_rows(const rec_params *p) { return p->H; }

static void rnn_cell_j(em_state *e, const rec_params *p, const char *j, void *arg) {
    const rec_fn *f = arg;
    rc_buf b = {0}, x = {0};
    /* h_[j] = f(x_[j] + g_[j]), x_ holding X·Wᵀ + Wb + Rb and g_ holding R·h */
    rc_buf_printf(&x, "x_[%s] + g_[%s]", j, j);
    rec_emit_act(&b, p, f, x.p, 1);
    em_printf(e, "h_[%s] = %s;\n", j, b.p);
    rc_buf_free(&b);
    rc_buf_free(&x);
}

static void rnn_emit_cell(em_state *e, const rec_params *p, const rec_emit *re) {
    rec_emit_elementwise(e, re, p->H, rnn_cell_j, p, (void *)&p->act[re->dir][0]);
}

static const rec_desc rnn_desc = {
    .op = "RNN",
    .gates = 1,
    .n_act = 1,
    .default_act = {"Tanh"},
    .n_inputs = 6,
    .n_outputs = 2,
    .step = rnn_step,
    .batched_rows = rnn_rows,
    .emit_cell = rnn_emit_cell,
};

static int rnn_check(rc_ctx *c, ir_graph *g, ir_node *n) { return rec_check(c, g, n, &rnn_desc); }

REC_OP_DEF(rnn, "RNN", rnn_check)
