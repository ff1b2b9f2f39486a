/* quant.c — the weights pass (--weights f16|bf16|i8): the float weights the packed kernels
 * read are rounded once, here, to the precision they will be stored at. The tensor's data
 * then holds the rounded values, so the interpreter, constant reuse and every emitter path
 * compute with exactly the numbers the generated code holds; the emitter stores those it
 * packs for the runtime's kernels in 16 or 8 bits (emit.c, em_weights). The model's values
 * stay beside them (ir_quant.orig) for `rnnc check`'s error against the fp32 model.
 *
 *   f16:  w' = binary16(w), round to nearest even (|w'| <= 65504 or the model is refused)
 *   bf16: w' = bfloat16(w), round to nearest even (the top 16 bits of the float)
 *   i8:   per kernel row r (one output of the product): s_r = max_k |w[r][k]| / 127
 *         (1 for an all-zero row), q = round_half_even(w / s_r) in [-127, 127],
 *         w' = q * s_r (in float); the kernel computes s_r * sum_k x_k q_k.
 *
 * Which tensors: those every reader of which reads them as a weight (rc_op_def.weights)
 * with one layout; a weight that is also a graph output, read by another op or by a
 * subgraph keeps its fp32 values.
 *
 * A weight that arrives quantised (DequantizeLinear of constant int8/uint8, per tensor or per
 * axis, folded: qdq.c notes the integers) is stored at 8 bits as it is, without rounding, when
 * each kernel row has one scale and x - zero_point fits int8 (symmetric int8 weights, per
 * tensor or per output row), at every --weights; otherwise as float values. */
#include "driver.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *rc_wprec_name(rc_wprec p) {
    static const char *const names[] = {"f32", "f16", "bf16", "i8"};
    return names[p];
}

int rc_wprec_parse(const char *s, rc_wprec *p) {
    for (int k = RC_W_F32; k <= RC_W_I8; k++)
        if (strcmp(s, rc_wprec_name((rc_wprec)k)) == 0) {
            *p = (rc_wprec)k;
            return 0;
        }
    return -1;
}

enum { W_UNSEEN, W_WEIGHT, W_KEEP };

typedef struct {
    int state;
    int node; /* first reader, for messages */
    rc_wslot slot;
} w_use;

static int same_layout(const rc_wslot *a, const rc_wslot *b) {
    return a->n_mat == b->n_mat && a->rows == b->rows && a->k == b->k &&
           a->mat_stride == b->mat_stride && a->rs == b->rs && a->ks == b->ks;
}

/* Which tensors are weights only, and their layout. */
static void find_weights(const ir_graph *g, w_use *u) {
    for (int i = 0; i < g->n_node; i++) {
        const ir_node *n = &g->node[i];
        rc_wslot ws[RC_MAX_WSLOTS];
        int nw = 0;
        if (n->op != RC_OP_NONE && rc_op_defs[n->op]->weights)
            nw = rc_op_defs[n->op]->weights(g, n, ws);
        for (int k = 0; k < n->n_in; k++) {
            int ti = n->in[k], w = -1;
            if (ti < 0)
                continue;
            for (int s = 0; s < nw; s++)
                if (ws[s].in == k)
                    w = s;
            if (w < 0 || u[ti].state == W_KEEP) {
                u[ti].state = W_KEEP;
            } else if (u[ti].state == W_UNSEEN) {
                u[ti].state = W_WEIGHT, u[ti].node = i, u[ti].slot = ws[w];
            } else if (!same_layout(&u[ti].slot, &ws[w])) {
                u[ti].state = W_KEEP;
            }
        }
        for (int k = 0; k < n->n_implicit; k++)
            u[n->implicit[k]].state = W_KEEP;
    }
    for (int ti = 0; ti < g->n_tensor; ti++) {
        const ir_tensor *t = &g->t[ti];
        if (t->is_output || t->is_input || !t->data || t->dtype != IR_FLOAT)
            u[ti].state = W_KEEP;
    }
}

static int round_16(rc_ctx *c, const ir_node *n, ir_tensor *t, rc_wprec prec) {
    float *v = t->data;
    const int64_t count = ir_numel(t);
    for (int64_t e = 0; e < count; e++) {
        float r = prec == RC_W_F16 ? ir_half_to_float(ir_float_to_half(v[e]))
                                   : ir_bf16_to_float(ir_float_to_bf16(v[e]));
        if (isinf(r) && !isinf(v[e]))
            return rc_err(c, n, prec == RC_W_F16 ? "--weights f16" : "--weights bf16",
                          "weight '%s' element %" PRId64 " is %.9g, beyond the largest finite "
                          "%s (%s)",
                          t->name, e, (double)v[e],
                          prec == RC_W_F16 ? "float16, 65504" : "bfloat16",
                          prec == RC_W_F16 ? "use --weights bf16 or f32" : "use --weights f32");
        v[e] = r;
    }
    return 0;
}

/* element (m, r, kk) of the slot's layout */
static int64_t at(const rc_wslot *s, int64_t m, int64_t r, int64_t kk) {
    return m * s->mat_stride + r * s->rs + kk * s->ks;
}

static int round_i8(rc_ctx *c, const ir_node *n, ir_tensor *t, const rc_wslot *s, ir_quant *qu) {
    float *v = t->data;
    qu->n_scale = s->n_mat * s->rows;
    qu->scale = rc_xcalloc((size_t)qu->n_scale + 1, sizeof(float));
    qu->q = rc_xcalloc((size_t)ir_numel(t) + 1, sizeof(float));
    for (int64_t m = 0; m < s->n_mat; m++)
        for (int64_t r = 0; r < s->rows; r++) {
            double amax = 0;
            float sc;
            for (int64_t kk = 0; kk < s->k; kk++) {
                float x = v[at(s, m, r, kk)];
                if (!isfinite(x))
                    return rc_err(c, n, "--weights i8",
                                  "weight '%s' element %" PRId64 " is %g, and 8-bit weights must "
                                  "be finite (use --weights f16, bf16 or f32)",
                                  t->name, at(s, m, r, kk), (double)x);
                amax = fabs(x) > amax ? fabs(x) : amax;
            }
            sc = amax > 0 ? (float)(amax / 127.0) : 1.0f;
            if (!(sc > 0) || !isfinite(sc))
                sc = 1.0f; /* amax below 127 * FLT_TRUE_MIN: every q is 0 */
            qu->scale[m * s->rows + r] = sc;
            for (int64_t kk = 0; kk < s->k; kk++) {
                int64_t e = at(s, m, r, kk);
                double q = nearbyint((double)v[e] / sc);
                q = q > 127 ? 127 : q < -127 ? -127 : q;
                qu->q[e] = (float)q;
                v[e] = (float)q * sc;
            }
        }
    return 0;
}

/* A weight that arrived quantised (DequantizeLinear folded, ir_quant.elem_scale): kept at
 * 8 bits when every kernel row has one scale and its integers fit int8 (then data is
 * float(q * s) already and nothing is rounded); 0 when it cannot be. */
static int keep_exact(ir_tensor *t, const rc_wslot *s) {
    ir_quant *qu = t->quant;
    float *scale = rc_xcalloc((size_t)(s->n_mat * s->rows) + 1, sizeof(float));
    for (int64_t m = 0; m < s->n_mat; m++)
        for (int64_t r = 0; r < s->rows; r++) {
            const float s0 = s->k ? qu->elem_scale[at(s, m, r, 0)] : 1.0f;
            for (int64_t kk = 0; kk < s->k; kk++) {
                const int64_t e = at(s, m, r, kk);
                if (qu->elem_scale[e] != s0 || qu->q[e] < -128 || qu->q[e] > 127) {
                    free(scale);
                    return 0;
                }
            }
            scale[m * s->rows + r] = s0;
        }
    qu->scale = scale;
    qu->n_scale = s->n_mat * s->rows;
    free(qu->elem_scale);
    qu->elem_scale = NULL;
    return 1;
}

int rc_round_weights(rc_ctx *c, ir_graph *g, rc_wprec prec) {
    w_use *u;
    int rc = 0;
    g->weights = prec;
    u = rc_xcalloc((size_t)g->n_tensor + 1, sizeof *u);
    find_weights(g, u);
    /* the model's own 8-bit weights first: exact, whatever --weights says of float ones */
    for (int ti = 0; ti < g->n_tensor; ti++) {
        ir_tensor *t = &g->t[ti];
        if (t->quant && t->quant->elem_scale &&
            (u[ti].state != W_WEIGHT || !keep_exact(t, &u[ti].slot))) {
            ir_quant_free(t->quant);
            t->quant = NULL;
        }
    }
    for (int ti = 0; ti < g->n_tensor && !rc && prec != RC_W_F32; ti++) {
        ir_tensor *t = &g->t[ti];
        const rc_wslot *s = &u[ti].slot;
        const ir_node *n = &g->node[u[ti].node];
        size_t bytes = (size_t)ir_numel(t) * sizeof(float);
        if (u[ti].state != W_WEIGHT || t->quant)
            continue;
        if (s->n_mat < 1 || s->rows < 1 || s->k < 0 ||
            at(s, s->n_mat - 1, s->rows - 1, s->k > 0 ? s->k - 1 : 0) >= ir_numel(t))
            rc_die("weights of node %s (%s): layout outside tensor '%s'", n->name, n->op_type,
                   t->name);
        t->quant = rc_xcalloc(1, sizeof *t->quant);
        t->quant->prec = prec;
        t->quant->orig = rc_xmalloc(bytes + 1);
        memcpy(t->quant->orig, t->data, bytes);
        rc = prec == RC_W_I8 ? round_i8(c, n, t, s, t->quant) : round_16(c, n, t, prec);
    }
    free(u);
    return rc;
}

/* Swaps data and orig of every rounded tensor: the fp32 model and back (check). */
void rc_swap_weights(ir_graph *g) {
    for (int ti = 0; ti < g->n_tensor; ti++)
        if (g->t[ti].quant && g->t[ti].quant->orig) {
            void *d = g->t[ti].data;
            g->t[ti].data = g->t[ti].quant->orig;
            g->t[ti].quant->orig = d;
        }
}
