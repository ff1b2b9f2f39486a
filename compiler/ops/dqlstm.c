/* ops/dqlstm.c — com.microsoft DynamicQuantizeLSTM (opset 1), ONNX Runtime's dynamically
 * quantised LSTM (what its quantize_dynamic writes for an LSTM).
 *
 * Inputs X, W, R, B, sequence_lens, initial_h, initial_c, P as LSTM, except W [D][I][4H] and
 * R [D][H][4H] (input-major: ONNX LSTM's transposed), int8 or uint8, then W_scale,
 * W_zero_point, R_scale, R_zero_point: each [D] (per direction) or [D][4H] (per column), the
 * zero points of W's type. Outputs Y, Y_h, Y_c; attributes as LSTM without layout. Gate columns
 * i, o, f, c.
 *
 * As ONNX Runtime's CPU kernel computes it with one intra-op thread (tests/gen/gen_dqlstm.py
 * checks this reading of its source against its outputs):
 *   - each direction quantises X[0 .. maxlen) (maxlen = max(sequence_lens), else T; every
 *     batch entry, also the steps past an entry's own length) to uint8 once, as
 *     DynamicQuantizeLinear does in float: lo = min(0, min), hi = max(0, max), scale =
 *     (hi - lo) / 255 (1 when hi == lo), zp = round_half_even(clamp(0 - lo / scale, 0, 255)),
 *     q = round_half_even(clamp(x / scale, -zp, 255 - zp)) + zp;
 *   - the input projection is sum_k (xq_k - zp) * (W[k][j] - W_zp) in integers, times
 *     x_scale * W_scale[j] (a float product) in float;
 *   - at each step the previous h of the whole batch [B][H] is quantised the same way and
 *     multiplied by R likewise, added to the projection;
 *   - an entry past its length takes part in that range as zeros when Y is an output (ORT
 *     reads the previous h from Y, where such rows are zero), and with its last h when Y is
 *     not (ORT reads Y_h, which keeps it); an entry of length 0 with its initial h (ORT: at
 *     step 0; later, without Y, ORT reads memory it never wrote there);
 *   - then the LSTM cell: peepholes, bias Wb + Rb, clip, activations as ONNX LSTM; Y is zero
 *     past each entry's length, Y_h and Y_c are the states after its last step (zero for
 *     length 0).
 * Refused: W, R, scales or zero points that are not constants; a scale that is not positive
 * and finite; per-column int8 zero points that are not all 0 and per-column uint8 zero points
 * that are not all equal (ONNX Runtime refuses both); a zero point shape other than its scale's;
 * W and R of different types; layout; --stream (X is quantised on the whole sequence's range).
 * The interpreter computes the quantisation in float as ORT does, the integer products exactly,
 * the cell in double, and keeps h and c as float between steps (they are float tensors in ORT:
 * h is quantised from the float values). */
#include "attr.h"
#include "glue.h"
#include "rec.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { DQ_WS = 8, DQ_WZ, DQ_RS, DQ_RZ, DQ_NIN };
enum { GI = 0, GO = 1, GF = 2, GC = 3 };

typedef struct dq_params {
    rec_params r;
    int wtype;        /* IR_INT8 or IR_UINT8 (W and R) */
    int wz[2], rz[2]; /* zero point per direction (per-column ones are all equal) */
    float *ws, *rs;   /* scales [D][4H], per-direction ones repeated */
    int in_ws, in_wz, in_rs, in_rz;
} dq_params;

static const rec_desc dq_desc = {
    .op = "DynamicQuantizeLSTM",
    .gates = 4,
    .n_act = 3,
    .default_act = {"Sigmoid", "Tanh", "Tanh"},
    .n_inputs = 12,
    .n_outputs = 3,
    .has_input_forget = 1,
};

static const char *const dq_names[DQ_NIN] = {
    "X",         "W",           "R", "B",       "sequence_lens",
    "initial_h", "initial_c",   "P", "W_scale", "W_zero_point",
    "R_scale",   "R_zero_point"};

static void dq_free(void *pp) {
    dq_params *p = pp;
    if (!p)
        return;
    free(p->ws);
    free(p->rs);
    free(p);
}

static int shape_is(const ir_tensor *t, int rank, const int64_t *dims) {
    if (t->rank != rank)
        return 0;
    for (int i = 0; i < rank; i++)
        if (t->dims[i] != dims[i])
            return 0;
    return 1;
}

/* input k: dtype and exact dims, or an error naming the rule */
static int dq_expect(rc_ctx *c, const ir_graph *g, ir_node *n, int k, int dtype, int rank,
                     const int64_t *dims, const char *rule) {
    const ir_tensor *t = ir_in(g, n, k);
    char what[64], got[256], want[256];
    snprintf(what, sizeof what, "input '%s'", dq_names[k]);
    if (t->dtype == dtype && shape_is(t, rank, dims))
        return 0;
    ir_shape_str(t, got, sizeof got);
    snprintf(want, sizeof want, "%s", ir_dtype_name(dtype));
    for (int i = 0; i < rank; i++)
        snprintf(want + strlen(want), sizeof want - strlen(want), "[%" PRId64 "]", dims[i]);
    return rc_err(c, n, what, "must be %s = %s, got '%s' %s", rule, want, rc_show(t->name), got);
}

static int want_const(rc_ctx *c, const ir_graph *g, ir_node *n, int k) {
    const ir_tensor *t = ir_in(g, n, k);
    if (t->data)
        return 0;
    return rc_err(c, n,
                  k == REC_W   ? "input 'W'"
                  : k == REC_R ? "input 'R'"
                               : dq_names[k],
                  "'%s' must be a constant (an initializer): rnnc keeps the quantised weights and "
                  "their scales and zero points in the generated code",
                  rc_show(t->name));
}

static int64_t zp_at(const ir_tensor *z, int64_t i) {
    return z->dtype == IR_INT8 ? (int64_t)((const int8_t *)z->data)[i]
                               : (int64_t)((const uint8_t *)z->data)[i];
}

/* W_scale/W_zero_point (ks = DQ_WS) or R's: shapes, values; fills scales and zero points */
static int dq_quant_params(rc_ctx *c, const ir_graph *g, ir_node *n, dq_params *p, int ks,
                           float *scales, int *zps) {
    const int D = p->r.D, GH = 4 * p->r.H;
    const ir_tensor *s = ir_in(g, n, ks), *z = ir_in(g, n, ks + 1);
    const char *wn = ks == DQ_WS ? "W" : "R";
    char sw[64], zw[64], got[256];
    int64_t dims[2] = {D, GH};
    int per_col;
    snprintf(sw, sizeof sw, "input '%s'", dq_names[ks]);
    snprintf(zw, sizeof zw, "input '%s'", dq_names[ks + 1]);
    if (want_const(c, g, n, ks) || want_const(c, g, n, ks + 1))
        return -1;
    ir_shape_str(s, got, sizeof got);
    if (s->dtype != IR_FLOAT)
        return rc_err(c, n, sw, "'%s' must be float, got %s", rc_show(s->name), got);
    if (!shape_is(s, 1, dims) && !shape_is(s, 2, dims))
        return rc_err(c, n, sw,
                      "'%s' is %s: must be [%d] (per direction) or [%d][%d] (per column), as ONNX "
                      "Runtime requires",
                      rc_show(s->name), got, D, D, GH);
    per_col = s->rank == 2;
    ir_shape_str(z, got, sizeof got);
    if (z->dtype != p->wtype)
        return rc_err(c, n, zw, "'%s' is %s: must have %s's type %s", rc_show(z->name), got, wn,
                      ir_dtype_name(p->wtype));
    if (!shape_is(z, s->rank, s->dims)) {
        char sg[256];
        ir_shape_str(s, sg, sizeof sg);
        return rc_err(c, n, zw, "'%s' is %s, must have %s's shape (%s)", rc_show(z->name), got,
                      dq_names[ks], sg);
    }
    for (int64_t i = 0; i < ir_numel(s); i++) {
        float v = ((const float *)s->data)[i];
        if (!(v > 0 && v - v == 0))
            return rc_err(c, n, sw,
                          "'%s' element %" PRId64 " is %s (%.9g): a scale must be positive and "
                          "finite",
                          rc_show(s->name), i,
                          v != v       ? "NaN"
                          : v - v != 0 ? "infinite"
                          : v == 0     ? "zero"
                                       : "negative",
                          (double)v);
    }
    /* ONNX Runtime's rules for per-column zero points: it subtracts one per direction */
    for (int64_t i = 0; per_col && i < ir_numel(z); i++) {
        int64_t v = zp_at(z, i), v0 = zp_at(z, 0);
        if (p->wtype == IR_INT8 && v != 0)
            return rc_err(c, n, zw,
                          "'%s' element %" PRId64 " is %" PRId64
                          ": per-column int8 zero points must all be 0 (ONNX Runtime's rule)",
                          rc_show(z->name), i, v);
        if (p->wtype == IR_UINT8 && v != v0)
            return rc_err(c, n, zw,
                          "'%s' element %" PRId64 " is %" PRId64 ", element 0 is %" PRId64
                          ": per-column uint8 zero points must all be equal (ONNX Runtime's rule)",
                          rc_show(z->name), i, v, v0);
    }
    for (int d = 0; d < D; d++) {
        zps[d] = (int)zp_at(z, per_col ? (int64_t)d * GH : d);
        for (int j = 0; j < GH; j++)
            scales[d * GH + j] = ((const float *)s->data)[per_col ? d * GH + j : d];
    }
    return 0;
}

static int dq_check(rc_ctx *c, ir_graph *g, ir_node *n) {
    dq_params *p = rc_xcalloc(1, sizeof *p);
    rec_params *r = &p->r;
    const ir_tensor *x, *w, *rt;
    int64_t hidden = 0, s[4], T, B, I, H, D;
    int has_hidden = 0;
    char got[256];
    n->params = p;
    r->desc = &dq_desc;
    if (n->n_in != DQ_NIN)
        return rc_err(c, n, "inputs",
                      "takes 12 inputs (X, W, R, B, sequence_lens, initial_h, initial_c, P, "
                      "W_scale, W_zero_point, R_scale, R_zero_point; empty names for absent "
                      "optional ones), got %d",
                      n->n_in);
    if (n->n_out > 3)
        return rc_err(c, n, "outputs", "has at most 3 outputs (Y, Y_h, Y_c), got %d", n->n_out);
    for (int k = 0; k < REC_NIN; k++)
        r->in[k] = n->in[k];
    for (int k = 0; k < REC_NOUT; k++)
        r->out[k] = k < n->n_out ? n->out[k] : -1;
    p->in_ws = n->in[DQ_WS], p->in_wz = n->in[DQ_WZ];
    p->in_rs = n->in[DQ_RS], p->in_rz = n->in[DQ_RZ];
    for (int k = 0; k < DQ_NIN; k++)
        if ((k <= REC_R || k >= DQ_WS) && n->in[k] < 0) {
            char what[64];
            snprintf(what, sizeof what, "input '%s'", dq_names[k]);
            return rc_err(c, n, what, "required input is missing");
        }
    for (int a = 0; a < n->n_attr; a++)
        if (strcmp(n->attr[a].name, "layout") == 0)
            return rc_err(c, n, "attribute layout",
                          "is not an attribute of DynamicQuantizeLSTM (ONNX Runtime computes "
                          "[seq, batch, input] only)");
    if (rec_parse_attrs(c, g, n, r, &hidden, &has_hidden))
        return -1;
    x = ir_in(g, n, REC_X), w = ir_in(g, n, REC_W), rt = ir_in(g, n, REC_R);
    if (x->dtype != IR_FLOAT || x->rank != 3) {
        ir_shape_str(x, got, sizeof got);
        return rc_err(c, n, "input 'X'", "must be float [seq, batch, input], got %s", got);
    }
    T = x->dims[0], B = x->dims[1], I = x->dims[2], D = r->D;
    if (T < 1 || B < 1 || I < 1) {
        ir_shape_str(x, got, sizeof got);
        return rc_err(c, n, "input 'X'", "dimensions must be >= 1, got %s", got);
    }
    if (w->dtype != IR_INT8 && w->dtype != IR_UINT8)
        return rc_err(c, n, "input 'W'", "'%s' must be int8 or uint8, got %s", rc_show(w->name),
                      ir_dtype_name(w->dtype));
    p->wtype = w->dtype;
    if (rt->dtype != w->dtype)
        return rc_err(c, n, "input 'R'", "'%s' must have W's type %s, got %s", rc_show(rt->name),
                      ir_dtype_name(w->dtype), ir_dtype_name(rt->dtype));
    if (rt->rank != 3 || rt->dims[1] < 1) {
        ir_shape_str(rt, got, sizeof got);
        return rc_err(c, n, "input 'R'",
                      "must be [num_directions, hidden_size, 4*hidden_size], "
                      "got %s",
                      got);
    }
    H = has_hidden ? hidden : rt->dims[1];
    /* int32 sums of (255 * 255)-bounded products, as ORT's, must not overflow */
    if (I > 33025 || H > 33025 || T * B * 4 * H * D > (int64_t)1 << 31 ||
        I * 4 * H * D > (int64_t)1 << 31)
        return rc_err(c, n, "shape",
                      "the node is too large (T=%" PRId64 " B=%" PRId64 " I=%" PRId64 " H=%" PRId64
                      "; at most 33025 inputs and hidden units)",
                      T, B, I, H);
    r->T = (int)T, r->B = (int)B, r->I = (int)I, r->H = (int)H, r->G = 4;
    s[0] = D, s[1] = I, s[2] = 4 * H;
    if (dq_expect(c, g, n, REC_W, w->dtype, 3, s, "[num_directions, input_size, 4*hidden_size]"))
        return -1;
    s[1] = H;
    if (dq_expect(c, g, n, REC_R, w->dtype, 3, s, "[num_directions, hidden_size, 4*hidden_size]"))
        return -1;
    if (want_const(c, g, n, REC_W) || want_const(c, g, n, REC_R))
        return -1;
    s[1] = 8 * H;
    if (r->in[REC_B] >= 0 &&
        dq_expect(c, g, n, REC_B, IR_FLOAT, 2, s, "[num_directions, 8*hidden_size]"))
        return -1;
    s[0] = B;
    if (r->in[REC_LENS] >= 0 &&
        dq_expect(c, g, n, REC_LENS, IR_INT32, 1, s, "[batch_size] of int32"))
        return -1;
    s[0] = D, s[1] = B, s[2] = H;
    for (int k = REC_H0; k <= REC_C0; k++)
        if (r->in[k] >= 0 &&
            dq_expect(c, g, n, k, IR_FLOAT, 3, s, "[num_directions, batch_size, hidden_size]"))
            return -1;
    for (int k = REC_YH; k <= REC_YC; k++)
        if (r->out[k] >= 0 && gl_set_out(c, g, n, k, IR_FLOAT, 3, s))
            return -1;
    s[1] = 3 * H;
    if (r->in[REC_P] >= 0 &&
        dq_expect(c, g, n, REC_P, IR_FLOAT, 2, s, "[num_directions, 3*hidden_size]"))
        return -1;
    s[0] = T, s[1] = D, s[2] = B, s[3] = H;
    if (r->out[REC_Y] >= 0 && gl_set_out(c, g, n, REC_Y, IR_FLOAT, 4, s))
        return -1;
    if (r->in[REC_LENS] >= 0 && g->t[r->in[REC_LENS]].data) {
        const int32_t *L = g->t[r->in[REC_LENS]].data;
        for (int b = 0; b < r->B; b++)
            if (L[b] < 0 || L[b] > r->T)
                return rc_err(c, n, "input 'sequence_lens'",
                              "value %d for batch entry %d is outside 0..%d (seq_length)",
                              (int)L[b], b, r->T);
    }
    p->ws = rc_xmalloc(sizeof(float) * (size_t)(D * 4 * H));
    p->rs = rc_xmalloc(sizeof(float) * (size_t)(D * 4 * H));
    return dq_quant_params(c, g, n, p, DQ_WS, p->ws, p->wz) ||
           dq_quant_params(c, g, n, p, DQ_RS, p->rs, p->rz);
}

/* Interpreter ----------------------------------------------------------------------------- */

static float dq_rhe(float v) { /* round half to even of a finite float */
    float r = floorf(v), f = v - r;
    if (f > 0.5f || (f == 0.5f && fmodf(r, 2.0f) != 0))
        r += 1;
    return r;
}

/* DynamicQuantizeLinear's scale and zero point of v[0..n), in float as ORT computes them */
static void dq_range(const float *v, size_t n, float *scale, int *zp) {
    float lo = 0.0f, hi = 0.0f, s, zf;
    for (size_t i = 0; i < n; i++) {
        lo = v[i] < lo ? v[i] : lo; /* NaN compares false: it does not widen the range */
        hi = v[i] > hi ? v[i] : hi;
    }
    s = hi == lo ? 1.0f : (hi - lo) / 255.0f;
    zf = 0.0f - lo / s;
    if (zf != zf)
        zf = 0.0f;
    zf = zf < 0.0f ? 0.0f : zf > 255.0f ? 255.0f : zf;
    *scale = s;
    *zp = (int)dq_rhe(zf);
}

/* q - zp for one value: x / scale clamped to [-zp, 255 - zp], rounded half to even */
static int dq_quant(float x, float s, int zp) {
    float v = x / s;
    if (v != v)
        v = 0.0f;
    v = v < (float)-zp ? (float)-zp : v > (float)(255 - zp) ? (float)(255 - zp) : v;
    return (int)dq_rhe(v);
}

static int64_t w_at(const ir_tensor *t, size_t i) {
    return t->dtype == IR_INT8 ? (int64_t)((const int8_t *)t->data)[i]
                               : (int64_t)((const uint8_t *)t->data)[i];
}

static int dq_interp(rc_ctx *c, const ir_graph *g, const ir_node *n, rc_values *v) {
    const dq_params *p = n->params;
    const rec_params *r = &p->r;
    const int T = r->T, B = r->B, I = r->I, H = r->H, D = r->D, GH = 4 * H;
    const float *X = v->data[r->in[REC_X]];
    const ir_tensor *W = &g->t[r->in[REC_W]], *R = &g->t[r->in[REC_R]];
    const float *Bias = r->in[REC_B] >= 0 ? v->data[r->in[REC_B]] : NULL;
    const int32_t *L = r->in[REC_LENS] >= 0 ? v->data[r->in[REC_LENS]] : NULL;
    const float *H0 = r->in[REC_H0] >= 0 ? v->data[r->in[REC_H0]] : NULL;
    const float *C0 = r->in[REC_C0] >= 0 ? v->data[r->in[REC_C0]] : NULL;
    const float *P = r->in[REC_P] >= 0 ? v->data[r->in[REC_P]] : NULL;
    float *Y = r->out[REC_Y] >= 0 ? rc_values_alloc(v, g, r->out[REC_Y]) : NULL;
    float *Yh = r->out[REC_YH] >= 0 ? rc_values_alloc(v, g, r->out[REC_YH]) : NULL;
    float *Yc = r->out[REC_YC] >= 0 ? rc_values_alloc(v, g, r->out[REC_YC]) : NULL;
    double *xw = rc_xcalloc((size_t)T * B * GH, sizeof(double));
    float *h = rc_xcalloc((size_t)B * H, sizeof(float)), *cs = rc_xcalloc((size_t)B * H, 4);
    int *hq = rc_xcalloc((size_t)B * H, sizeof(int)), *xq = rc_xcalloc((size_t)I, sizeof(int));
    int maxlen = T;
    if (L) {
        maxlen = 0;
        for (int b = 0; b < B; b++) {
            if (L[b] < 0 || L[b] > T) {
                free(xw), free(h), free(cs), free(hq), free(xq);
                return rc_err(c, n, "input 'sequence_lens'",
                              "value %d for batch entry %d is outside 0..%d (seq_length)",
                              (int)L[b], b, T);
            }
            maxlen = L[b] > maxlen ? L[b] : maxlen;
        }
    }
    for (int d = 0; d < D; d++) {
        const int rev = r->reverse[d];
        const float *ws = p->ws + (size_t)d * GH, *rs = p->rs + (size_t)d * GH;
        float xs;
        int xz;
        /* X's rows t < maxlen, quantised once, projected exactly */
        dq_range(X, (size_t)maxlen * B * I, &xs, &xz);
        for (size_t row = 0; row < (size_t)maxlen * B; row++) {
            for (int k = 0; k < I; k++)
                xq[k] = dq_quant(X[row * I + k], xs, xz);
            for (int j = 0; j < GH; j++) {
                int64_t acc = 0;
                for (int k = 0; k < I; k++)
                    acc += (int64_t)xq[k] * (w_at(W, ((size_t)d * I + k) * GH + j) - p->wz[d]);
                xw[row * GH + j] = (double)acc * (double)xs * (double)ws[j];
            }
        }
        for (int i = 0; i < B * H; i++) {
            h[i] = H0 ? H0[(size_t)d * B * H + i] : 0.0f;
            cs[i] = C0 ? C0[(size_t)d * B * H + i] : 0.0f;
        }
        for (int s = 0; s < maxlen; s++) {
            float hs;
            int hz;
            dq_range(h, (size_t)B * H, &hs, &hz);
            for (int i = 0; i < B * H; i++)
                hq[i] = dq_quant(h[i], hs, hz);
            for (int b = 0; b < B; b++) {
                const int len = L ? L[b] : T;
                int t;
                double gt[4];
                if (s >= len)
                    continue;
                t = rev ? len - 1 - s : s;
                for (int j = 0; j < H; j++) {
                    const double cp = cs[b * H + j];
                    double it, ft, ct, cn, ot;
                    for (int q = 0; q < 4; q++) {
                        const int col = q * H + j;
                        int64_t acc = 0;
                        for (int k = 0; k < H; k++)
                            acc += (int64_t)hq[b * H + k] *
                                   (w_at(R, ((size_t)d * H + k) * GH + col) - p->rz[d]);
                        gt[q] = xw[((size_t)t * B + b) * GH + col] +
                                (double)acc * (double)hs * (double)rs[col];
                        if (Bias)
                            gt[q] += (double)Bias[(size_t)d * 2 * GH + col] +
                                     (double)Bias[(size_t)d * 2 * GH + GH + col];
                    }
                    if (P) {
                        gt[GI] += (double)P[(size_t)d * 3 * H + j] * cp;
                        gt[GF] += (double)P[(size_t)d * 3 * H + 2 * H + j] * cp;
                    }
                    it = rec_apply(&r->act[d][0], rec_clip(r, gt[GI]));
                    ft = r->input_forget ? 1.0 - it : rec_apply(&r->act[d][0], rec_clip(r, gt[GF]));
                    ct = rec_apply(&r->act[d][1], rec_clip(r, gt[GC]));
                    cn = ft * cp + it * ct;
                    if (P)
                        gt[GO] += (double)P[(size_t)d * 3 * H + H + j] * cn;
                    ot = rec_apply(&r->act[d][0], rec_clip(r, gt[GO]));
                    cs[b * H + j] = (float)cn;
                    h[b * H + j] = (float)(ot * rec_apply(&r->act[d][2], cn));
                }
                for (int j = 0; j < H; j++) {
                    const size_t o = ((size_t)d * B + b) * H + j;
                    if (Y)
                        Y[(((size_t)t * D + d) * B + b) * H + j] = h[b * H + j];
                    if (Yh)
                        Yh[o] = h[b * H + j];
                    if (Yc)
                        Yc[o] = cs[b * H + j];
                }
            }
            /* rows past their length: zeros in the next range when Y is an output */
            for (int b = 0; Y && b < B; b++)
                if (s >= (L ? L[b] : T))
                    memset(h + (size_t)b * H, 0, sizeof(float) * (size_t)H);
        }
    }
    free(xw), free(h), free(cs), free(hq), free(xq);
    return 0;
}

/* Emitter -------------------------------------------------------------------------------- */

/* printf into one of a ring of static buffers: text for a few arguments of one call */
static const char *tmpf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static const char *tmpf(const char *fmt, ...) {
    static char ring[4][64];
    static int next;
    char *b = ring[next++ & 3];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(b, sizeof ring[0], fmt, ap);
    va_end(ap);
    return b;
}

/* emits the quantisation of N floats at SRC into DST (uint8): scale s_, zero point zp_ */
static void emit_quant(em_state *e, const char *src, const char *nexpr, const char *dst) {
    em_printf(e, "{\nfloat lo_ = 0.0f, hi_ = 0.0f, zf_;\nconst int n_ = %s;\n", nexpr);
    em_printf(e,
              "for (int i = 0; i < n_; ++i) {\nconst float v_ = %s[i];\nif (v_ < lo_)\n"
              "lo_ = v_;\nif (v_ > hi_)\nhi_ = v_;\n}\n",
              src);
    em_printf(e, "s_ = hi_ == lo_ ? 1.0f : (hi_ - lo_) / 255.0f;\nzf_ = 0.0f - lo_ / s_;\n"
                 "if (zf_ != zf_)\nzf_ = 0.0f;\n"
                 "zf_ = zf_ < 0.0f ? 0.0f : zf_ > 255.0f ? 255.0f : zf_;\n"
                 "zp_ = (int32_t)floorf(zf_);\nzf_ -= (float)zp_;\n"
                 "zp_ += zf_ > 0.5f || (zf_ == 0.5f && zp_ %% 2 != 0);\n");
    em_printf(e,
              "for (int i = 0; i < n_; ++i) {\nfloat v_ = %s[i] / s_, f_;\nint32_t q_;\n"
              "if (v_ != v_)\nv_ = 0.0f;\n"
              "v_ = v_ < (float)(0 - zp_) ? (float)(0 - zp_) : v_ > (float)(255 - zp_) ? "
              "(float)(255 - zp_) : v_;\n"
              "f_ = floorf(v_);\nq_ = (int32_t)f_;\nv_ -= f_;\n"
              "q_ += v_ > 0.5f || (v_ == 0.5f && q_ %% 2 != 0);\n"
              "%s[i] = (uint8_t)(q_ + zp_);\n}\n}\n",
              src, dst);
}

/* gate pre-activation text for gate q of unit j: g_[..] (+ peephole) + bias */
static void gate_text(rc_buf *b, const dq_params *p, int d, int q, int pq, const char *cell,
                      int has_bias) {
    const int H = p->r.H, GH = 4 * H;
    rc_buf_printf(b, "g_[%d + j]", q * H);
    if (p->r.in[REC_P] >= 0 && pq >= 0)
        rc_buf_printf(b, " + P[%d + j] * %s", d * 3 * H + pq * H, cell);
    if (has_bias)
        rc_buf_printf(b, " + bias[%d + j]", d * GH + q * H);
}

static int dq_emit(rc_ctx *c, em_state *e, const ir_graph *g, const ir_node *n) {
    const dq_params *p = n->params;
    const rec_params *r = &p->r;
    const int T = r->T, B = r->B, I = r->I, H = r->H, D = r->D, GH = 4 * H;
    const char *wt = em_ctype(p->wtype);
    const int has_y = r->out[REC_Y] >= 0, has_bias = r->in[REC_B] >= 0;
    rc_buf a = {0}, x = {0};
    (void)c;
    e->has_loops = 1;
    em_printf(e,
              "/* DynamicQuantizeLSTM: T=%d batch=%d input=%d hidden=%d directions=%d, %s "
              "weights */\n",
              T, B, I, H, D, ir_dtype_name(p->wtype));
    em_printf(e, "const float *X = %s;\n", em_tensor(e, r->in[REC_X]));
    em_printf(e, "const %s *W = %s;\n", wt, em_tensor(e, r->in[REC_W]));
    em_printf(e, "const %s *R = %s;\n", wt, em_tensor(e, r->in[REC_R]));
    em_printf(e, "const float *ws = %s;\n", em_const_f32(e, "ws", p->ws, (size_t)D * GH));
    em_printf(e, "const float *rs = %s;\n", em_const_f32(e, "rs", p->rs, (size_t)D * GH));
    if (has_bias) {
        const ir_tensor *bt = &g->t[r->in[REC_B]];
        if (bt->data) {
            const float *bv = bt->data;
            float *f = rc_xmalloc(sizeof(float) * (size_t)D * GH);
            for (int d = 0; d < D; d++)
                for (int j = 0; j < GH; j++)
                    f[d * GH + j] = bv[d * 2 * GH + j] + bv[d * 2 * GH + GH + j];
            em_printf(e, "const float *bias = %s;\n", em_const_f32(e, "bias", f, (size_t)D * GH));
            free(f);
        } else {
            em_printf(e, "const float *Bv = %s;\n", em_tensor(e, r->in[REC_B]));
            em_printf(e, "float *bias = %s;\n", em_scratch(e, "bias", (size_t)D * GH));
            em_printf(e,
                      "for (int d = 0; d < %d; ++d)\nfor (int j = 0; j < %d; ++j)\n"
                      "bias[d * %d + j] = Bv[d * %d + j] + Bv[d * %d + %d + j];\n",
                      D, GH, GH, 2 * GH, 2 * GH, GH);
        }
    }
    if (r->in[REC_LENS] >= 0)
        em_printf(e, "const int32_t *L = %s;\n", em_tensor(e, r->in[REC_LENS]));
    if (r->in[REC_H0] >= 0)
        em_printf(e, "const float *H0 = %s;\n", em_tensor(e, r->in[REC_H0]));
    if (r->in[REC_C0] >= 0)
        em_printf(e, "const float *C0 = %s;\n", em_tensor(e, r->in[REC_C0]));
    if (r->in[REC_P] >= 0)
        em_printf(e, "const float *P = %s;\n", em_tensor(e, r->in[REC_P]));
    if (has_y)
        em_printf(e, "float *Y = %s;\n", em_tensor(e, r->out[REC_Y]));
    if (r->out[REC_YH] >= 0)
        em_printf(e, "float *Yh = %s;\n", em_tensor(e, r->out[REC_YH]));
    if (r->out[REC_YC] >= 0)
        em_printf(e, "float *Yc = %s;\n", em_tensor(e, r->out[REC_YC]));
    em_printf(e, "uint8_t *xq = %s; /* [T*batch][input] */\n",
              em_scratch_typed(e, "xq", IR_UINT8, (size_t)T * B * I));
    em_printf(e, "uint8_t *hq = %s; /* [batch][hidden] */\n",
              em_scratch_typed(e, "hq", IR_UINT8, (size_t)B * H));
    em_printf(e, "int32_t *acc = %s; /* [4*hidden] */\n",
              em_scratch_typed(e, "acc", IR_INT32, (size_t)GH));
    em_printf(e, "float *xw = %s; /* [T*batch][4*hidden] */\n",
              em_scratch(e, "xw", (size_t)T * B * GH));
    em_printf(e, "float *g_ = %s; /* [4*hidden] */\n", em_scratch(e, "g", (size_t)GH));
    em_printf(e, "float *h = %s; /* [batch][hidden] */\n", em_scratch(e, "h", (size_t)B * H));
    em_printf(e, "float *c = %s;\n", em_scratch(e, "c", (size_t)B * H));
    em_printf(e, "int maxlen = %d;\nfloat s_;\nint32_t zp_;\n", T);
    if (r->in[REC_LENS] >= 0) {
        em_printf(e,
                  "if (rnnrt_check_seq_lens(L, %d, %d) != RNNRT_OK)\n    return RNNRT_E_SEQ_LEN;\n",
                  B, T);
        em_printf(e,
                  "maxlen = 0;\nfor (int b = 0; b < %d; ++b)\nif (L[b] > maxlen)\n"
                  "maxlen = L[b];\n",
                  B);
    }
    /* outputs start zero: steps past an entry's length, and entries of length 0 */
    if (has_y)
        em_printf(e, "memset(Y, 0, %zu * sizeof(float));\n", (size_t)T * D * B * H);
    if (r->out[REC_YH] >= 0)
        em_printf(e, "memset(Yh, 0, %zu * sizeof(float));\n", (size_t)D * B * H);
    if (r->out[REC_YC] >= 0)
        em_printf(e, "memset(Yc, 0, %zu * sizeof(float));\n", (size_t)D * B * H);
    for (int d = 0; d < D; d++) {
        const rec_fn *f = &r->act[d][0], *gf = &r->act[d][1], *hf = &r->act[d][2];
        em_printf(e, "/* ---- direction %d: %s ---- */\n{\n", d,
                  r->reverse[d] ? "reverse" : "forward");
        em_printf(e, "float xs_;\nint32_t xz_;\n");
        emit_quant(e, "X", tmpf("maxlen * %d", B * I), "xq");
        em_printf(e, "xs_ = s_;\nxz_ = zp_;\n");
        /* the input projection of rows t < maxlen: integer sums, then the float scales */
        em_printf(e, "for (int row = 0; row < maxlen * %d; ++row) {\n", B);
        em_printf(e, "memset(acc, 0, %d * sizeof(int32_t));\n", GH);
        em_printf(e, "for (int k = 0; k < %d; ++k) {\n", I);
        em_printf(e, "const int32_t a_ = (int32_t)xq[row * %d + k] - xz_;\n", I);
        em_printf(e, "const %s *w_ = W + %zu + (size_t)k * %d;\n", wt, (size_t)d * I * GH, GH);
        em_printf(e, "for (int j = 0; j < %d; ++j)\nacc[j] += a_ * ((int32_t)w_[j] - %d);\n}\n", GH,
                  p->wz[d]);
        em_printf(e,
                  "for (int j = 0; j < %d; ++j)\nxw[row * %d + j] = (float)acc[j] * (xs_ * ws[%d + "
                  "j]);\n}\n",
                  GH, GH, d * GH);
        em_printf(e, "for (int i = 0; i < %d; ++i) {\n", B * H);
        em_printf(e, "h[i] = %s;\n", r->in[REC_H0] >= 0 ? tmpf("H0[%d + i]", d * B * H) : "0.0f");
        em_printf(e, "c[i] = %s;\n}\n",
                  r->in[REC_C0] >= 0 ? tmpf("C0[%d + i]", d * B * H) : "0.0f");
        em_printf(e, "for (int s = 0; s < maxlen; ++s) {\n");
        /* the whole batch's h on one range */
        emit_quant(e, "h", tmpf("%d", B * H), "hq");
        em_printf(e, "for (int b = 0; b < %d; ++b) {\n", B);
        em_printf(e, "const int len = %s;\n", r->in[REC_LENS] >= 0 ? "L[b]" : tmpf("%d", T));
        em_printf(e, "if (s < len) {\n");
        em_printf(e, "const int t = %s;\n", r->reverse[d] ? "len - 1 - s" : "s");
        em_printf(e, "float *hb = h + b * %d, *cb = c + b * %d;\n", H, H);
        em_printf(e, "memset(acc, 0, %d * sizeof(int32_t));\n", GH);
        em_printf(e, "for (int k = 0; k < %d; ++k) {\n", H);
        em_printf(e, "const int32_t a_ = (int32_t)hq[b * %d + k] - zp_;\n", H);
        em_printf(e, "const %s *r_ = R + %zu + (size_t)k * %d;\n", wt, (size_t)d * H * GH, GH);
        em_printf(e, "for (int j = 0; j < %d; ++j)\nacc[j] += a_ * ((int32_t)r_[j] - %d);\n}\n", GH,
                  p->rz[d]);
        em_printf(
            e,
            "for (int j = 0; j < %d; ++j)\ng_[j] = xw[(t * %d + b) * %d + j] + (float)acc[j] * "
            "(s_ * rs[%d + j]);\n",
            GH, B, GH, d * GH);
        em_printf(e, "for (int j = 0; j < %d; ++j) {\nconst float cp = cb[j];\n", H);
        a.len = x.len = 0;
        gate_text(&x, p, d, GI, 0, "cp", has_bias);
        rec_emit_act(&a, r, f, x.p, 1);
        em_printf(e, "const float it = %s;\n", a.p);
        if (r->input_forget) {
            em_printf(e, "const float ft = 1.0f - it;\n");
        } else {
            a.len = x.len = 0;
            gate_text(&x, p, d, GF, 2, "cp", has_bias);
            rec_emit_act(&a, r, f, x.p, 1);
            em_printf(e, "const float ft = %s;\n", a.p);
        }
        a.len = x.len = 0;
        gate_text(&x, p, d, GC, -1, "cp", has_bias);
        rec_emit_act(&a, r, gf, x.p, 1);
        em_printf(e, "const float ct = %s;\nconst float cn = ft * cp + it * ct;\n", a.p);
        a.len = x.len = 0;
        gate_text(&x, p, d, GO, 1, "cn", has_bias);
        rec_emit_act(&a, r, f, x.p, 1);
        em_printf(e, "const float ot = %s;\n", a.p);
        a.len = 0;
        rec_emit_act(&a, r, hf, "cn", 0);
        em_printf(e, "cb[j] = cn;\nhb[j] = ot * %s;\n}\n", a.p);
        if (has_y)
            em_printf(e,
                      "memcpy(Y + ((size_t)t * %d + %d) * %d + (size_t)b * %d, hb, %d * "
                      "sizeof(float));\n",
                      D, d, B * H, H, H);
        if (r->out[REC_YH] >= 0)
            em_printf(e, "memcpy(Yh + %d + b * %d, hb, %d * sizeof(float));\n", d * B * H, H, H);
        if (r->out[REC_YC] >= 0)
            em_printf(e, "memcpy(Yc + %d + b * %d, cb, %d * sizeof(float));\n", d * B * H, H, H);
        em_printf(e, "}\n}\n");
        if (has_y) /* ORT reads the next h from Y, where rows past their length are zero */
            em_printf(e,
                      "for (int b = 0; b < %d; ++b)\nif (s >= %s)\nmemset(h + b * %d, 0, %d * "
                      "sizeof(float));\n",
                      B, r->in[REC_LENS] >= 0 ? "L[b]" : tmpf("%d", T), H, H);
        em_printf(e, "}\n}\n");
    }
    rc_buf_free(&a);
    rc_buf_free(&x);
    return 0;
}

static int dq_time(rc_ctx *c, const ir_graph *g, const ir_node *n, const int *in, int *out) {
    (void)g, (void)out;
    if (in[REC_X] < 0) { /* as LSTM: the assignment where X carries time says why */
        c->no_time = 1;
        return rc_err(c, n, "--stream", "input X does not carry the streamed time axis");
    }
    return gl_time_mixes(c, n, "it quantises X on the range of the whole sequence");
}

const rc_op_def rc_op_dynamic_quantize_lstm = {
    .op_type = "DynamicQuantizeLSTM",
    .domain = "com.microsoft",
    .since = 1,
    .until = 1,
    .check = dq_check,
    .interp = dq_interp,
    .emit = dq_emit,
    .flops = rec_flops,
    .macs = rec_macs,
    .params = rec_params_count,
    .free_params = dq_free,
    .time = dq_time,
};
