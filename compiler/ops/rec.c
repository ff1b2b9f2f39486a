/* ops/rec.c — what RNN, LSTM and GRU share: attributes, shapes, the interpreter's
 * sequence driver and the emitter's sequence driver. The op files hold the
 * cell equations. */
#include "rec.h"

#include "attr.h"
#include "rnnrt.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---------------------------------------------------------------- activations */

typedef struct act_info {
    const char *name; /* ONNX spelling */
    const char *c_fn; /* runtime function */
    int n_params;     /* 0: none, 1: alpha, 2: alpha and beta */
    float def_alpha, def_beta;
} act_info;

/* Defaults are those of the ONNX operators of the same name (and of ONNX
 * Runtime's RNN kernels). */
static const act_info acts[REC_ACT_COUNT] = {
    [REC_RELU] = {"Relu", "rnnrt_relu_f32", 0, 0.0f, 0.0f},
    [REC_TANH] = {"Tanh", "rnnrt_tanh_f32", 0, 0.0f, 0.0f},
    [REC_SIGMOID] = {"Sigmoid", "rnnrt_sigmoid_f32", 0, 0.0f, 0.0f},
    [REC_AFFINE] = {"Affine", "rnnrt_affine_f32", 2, 1.0f, 0.0f},
    [REC_LEAKY_RELU] = {"LeakyRelu", "rnnrt_leaky_relu_f32", 1, 0.01f, 0.0f},
    [REC_THRESHOLDED_RELU] = {"ThresholdedRelu", "rnnrt_thresholded_relu_f32", 1, 1.0f, 0.0f},
    [REC_SCALED_TANH] = {"ScaledTanh", "rnnrt_scaled_tanh_f32", 2, 1.0f, 1.0f},
    [REC_HARD_SIGMOID] = {"HardSigmoid", "rnnrt_hard_sigmoid_f32", 2, 0.2f, 0.5f},
    [REC_ELU] = {"Elu", "rnnrt_elu_f32", 1, 1.0f, 0.0f},
    [REC_SOFTSIGN] = {"Softsign", "rnnrt_softsign_f32", 0, 0.0f, 0.0f},
    [REC_SOFTPLUS] = {"Softplus", "rnnrt_softplus_f32", 0, 0.0f, 0.0f},
};

/* Reference semantics of each activation, in double, straight from the spec. */
double rec_apply(const rec_fn *f, double x) {
    double a = f->alpha, b = f->beta;
    switch (f->kind) {
    case REC_RELU:
        return x > 0 ? x : 0;
    case REC_TANH:
        return tanh(x);
    case REC_SIGMOID:
        return 1.0 / (1.0 + exp(-x));
    case REC_AFFINE:
        return a * x + b;
    case REC_LEAKY_RELU:
        return x >= 0 ? x : a * x;
    case REC_THRESHOLDED_RELU:
        return x > a ? x : 0;
    case REC_SCALED_TANH:
        return a * tanh(b * x);
    case REC_HARD_SIGMOID:
        return fmin(fmax(a * x + b, 0.0), 1.0);
    case REC_ELU:
        return x >= 0 ? x : a * (exp(x) - 1.0);
    case REC_SOFTSIGN:
        return x / (1.0 + fabs(x));
    case REC_SOFTPLUS:
        return x > 30 ? x + log1p(exp(-x)) : log1p(exp(x));
    default:
        rc_die("rec_apply: activation %d", (int)f->kind);
    }
}

double rec_clip(const rec_params *p, double x) {
    if (!p->has_clip)
        return x;
    return x < -p->clip ? -p->clip : x > p->clip ? p->clip : x;
}

double rec_dot(const float *m, int row, int K, const double *v) {
    double s = 0;
    for (int k = 0; k < K; k++)
        s += (double)m[(size_t)row * (size_t)K + (size_t)k] * v[k];
    return s;
}

/* ------------------------------------------------------------------ checking */

static int parse_activations(rc_ctx *c, ir_node *n, rec_params *p) {
    const rec_desc *d = p->desc;
    char *const *names;
    const double *alpha, *beta;
    int n_names, n_alpha, n_beta, ia = 0, ib = 0;
    if (rc_attr_strings(c, n, "activations", &names, &n_names) ||
        rc_attr_floats(c, n, "activation_alpha", &alpha, &n_alpha) ||
        rc_attr_floats(c, n, "activation_beta", &beta, &n_beta))
        return -1;
    if (n_names != 0 && n_names != d->n_act * p->D)
        return rc_err(c, n, "attribute activations",
                      "needs %d names (%d per direction x %d direction%s), got %d", d->n_act * p->D,
                      d->n_act, p->D, p->D > 1 ? "s" : "", n_names);
    for (int dir = 0; dir < p->D; dir++)
        for (int k = 0; k < d->n_act; k++) {
            const char *nm = n_names ? names[dir * d->n_act + k] : d->default_act[k];
            rec_fn *f = &p->act[dir][k];
            int kind = -1;
            for (int a = 0; a < REC_ACT_COUNT; a++)
                if (strcasecmp(nm, acts[a].name) == 0)
                    kind = a;
            if (kind < 0)
                return rc_err(c, n, "attribute activations",
                              "unknown activation function '%s' (known: Relu, Tanh, Sigmoid, "
                              "Affine, LeakyRelu, ThresholdedRelu, ScaledTanh, HardSigmoid, Elu, "
                              "Softsign, Softplus)",
                              nm);
            f->kind = (rec_act)kind;
            f->alpha = acts[kind].def_alpha;
            f->beta = acts[kind].def_beta;
            /* alpha and beta values are consumed in order by the functions
             * that take them; missing ones take the defaults */
            if (acts[kind].n_params >= 1 && ia < n_alpha)
                f->alpha = (float)alpha[ia++];
            if (acts[kind].n_params >= 2 && ib < n_beta)
                f->beta = (float)beta[ib++];
            if (!isfinite(f->alpha) || !isfinite(f->beta))
                return rc_err(c, n, "attribute activation_alpha/activation_beta",
                              "values must be finite, got %g / %g for %s", (double)f->alpha,
                              (double)f->beta, acts[kind].name);
        }
    if (ia < n_alpha)
        return rc_err(c, n, "attribute activation_alpha",
                      "has %d values but the activations take only %d", n_alpha, ia);
    if (ib < n_beta)
        return rc_err(c, n, "attribute activation_beta",
                      "has %d values but the activations take only %d", n_beta, ib);
    return 0;
}

int rec_parse_attrs(rc_ctx *c, const ir_graph *g, ir_node *n, rec_params *p, int64_t *hidden,
                    int *has_hidden) {
    const rec_desc *d = p->desc;
    const char *dir = "forward";
    int64_t layout = 0, flag = 0;
    double clip = 0;
    int present;
    if (rc_attr_int(c, n, "hidden_size", hidden, has_hidden))
        return -1;
    if (*has_hidden && (*hidden < 1 || *hidden > 1 << 20))
        return rc_err(c, n, "attribute hidden_size", "must be in 1..%d, got %" PRId64, 1 << 20,
                      *hidden);
    if (rc_attr_string(c, n, "direction", &dir, &present))
        return -1;
    if (strcmp(dir, "forward") == 0) {
        p->D = 1;
    } else if (strcmp(dir, "reverse") == 0) {
        p->D = 1;
        p->reverse[0] = 1;
    } else if (strcmp(dir, "bidirectional") == 0) {
        p->D = 2;
        p->reverse[1] = 1;
    } else {
        return rc_err(c, n, "attribute direction",
                      "must be forward, reverse or bidirectional, got '%s'", dir);
    }
    if (g->opset >= 14) {
        if (rc_attr_int(c, n, "layout", &layout, &present))
            return -1;
        if (layout != 0 && layout != 1)
            return rc_err(c, n, "attribute layout", "must be 0 or 1, got %" PRId64, layout);
        p->layout = (int)layout;
    }
    if (rc_attr_float(c, n, "clip", &clip, &p->has_clip))
        return -1;
    if (p->has_clip && !(clip > 0 && isfinite(clip)))
        return rc_err(c, n, "attribute clip", "must be a positive finite number, got %g", clip);
    p->clip = (float)clip;
    if (d->has_input_forget) {
        if (rc_attr_int(c, n, "input_forget", &flag, &present))
            return -1;
        if (flag != 0 && flag != 1)
            return rc_err(c, n, "attribute input_forget", "must be 0 or 1, got %" PRId64, flag);
        p->input_forget = (int)flag;
    }
    if (d->has_linear_before_reset) {
        flag = 0;
        if (rc_attr_int(c, n, "linear_before_reset", &flag, &present))
            return -1;
        if (flag != 0 && flag != 1)
            return rc_err(c, n, "attribute linear_before_reset", "must be 0 or 1, got %" PRId64,
                          flag);
        p->linear_before_reset = (int)flag;
    }
    if (parse_activations(c, n, p))
        return -1;
    return rc_attr_unused(c, g, n);
}

static const char *const in_names[REC_NIN] = {"X",         "W",         "R", "B", "sequence_lens",
                                              "initial_h", "initial_c", "P"};

/* Checks that input slot k has dtype and exactly the expected dims. */
static int expect_shape(rc_ctx *c, const ir_graph *g, ir_node *n, const rec_params *p, int k,
                        int dtype, int rank, const int64_t *dims, const char *rule) {
    const ir_tensor *t = &g->t[p->in[k]];
    char got[256], want[256];
    int ok = t->dtype == dtype && t->rank == rank;
    for (int i = 0; ok && i < rank; i++)
        ok = t->dims[i] == dims[i];
    if (ok)
        return 0;
    if (t->dtype != dtype && (k != REC_LENS && t->dtype != IR_FLOAT))
        return rc_err(c, n, in_names[k], "element type %s is not supported (rnnc supports float)",
                      ir_dtype_name(t->dtype));
    ir_shape_str(t, got, sizeof got);
    snprintf(want, sizeof want, "%s", ir_dtype_name(dtype));
    for (int i = 0; i < rank; i++)
        snprintf(want + strlen(want), sizeof want - strlen(want), "[%" PRId64 "]", dims[i]);
    return rc_err(c, n, in_names[k], "must be %s = %s, got '%s' %s", rule, want, t->name, got);
}

static void set_out(ir_graph *g, const rec_params *p, int k, int rank, const int64_t *dims) {
    ir_tensor *t;
    if (p->out[k] < 0)
        return;
    t = &g->t[p->out[k]];
    t->dtype = IR_FLOAT;
    t->rank = rank;
    for (int i = 0; i < rank; i++)
        t->dims[i] = dims[i];
}

static int check_shapes(rc_ctx *c, ir_graph *g, ir_node *n, rec_params *p, int64_t hidden,
                        int has_hidden) {
    const ir_tensor *x = &g->t[p->in[REC_X]], *r = &g->t[p->in[REC_R]];
    int64_t T, B, I, H, D = p->D, G = p->desc->gates;
    int64_t s[4];
    char got[256];
    if (x->dtype != IR_FLOAT)
        return rc_err(c, n, "X", "element type %s is not supported (rnnc supports float)",
                      ir_dtype_name(x->dtype));
    if (x->rank != 3) {
        ir_shape_str(x, got, sizeof got);
        return rc_err(c, n, "X", "must have rank 3 (%s), got %s",
                      p->layout ? "[batch, seq, input]" : "[seq, batch, input]", got);
    }
    T = x->dims[p->layout ? 1 : 0];
    B = x->dims[p->layout ? 0 : 1];
    I = x->dims[2];
    /* graph inputs already have dims >= 1; these come out of glue ops (Slice, Expand) */
    if (T < 1 || B < 1 || I < 1) {
        ir_shape_str(x, got, sizeof got);
        return rc_err(c, n, "X",
                      "sequence length, batch size and input size must be >= 1, got %s (layout %d)",
                      got, p->layout);
    }
    /* hidden_size is optional in ONNX; R's last dimension says it too */
    if (r->rank != 3) {
        ir_shape_str(r, got, sizeof got);
        return rc_err(c, n, "R",
                      "must have rank 3 [num_directions, %d*hidden_size, hidden_size], "
                      "got %s",
                      (int)G, got);
    }
    H = has_hidden ? hidden : r->dims[2];
    if (H < 1)
        return rc_err(c, n, "R", "hidden size must be >= 1, got %" PRId64, H);
    if (T * B * G * H * D > (int64_t)1 << 31 || I * G * H * D > (int64_t)1 << 31)
        return rc_err(c, n, "shape",
                      "the node is too large (T=%" PRId64 " B=%" PRId64 " I=%" PRId64 " H=%" PRId64
                      ")",
                      T, B, I, H);
    p->T = (int)T, p->B = (int)B, p->I = (int)I, p->H = (int)H, p->G = (int)G;
    s[0] = D, s[1] = G * H, s[2] = I;
    if (expect_shape(c, g, n, p, REC_W, IR_FLOAT, 3, s,
                     "[num_directions, gates*hidden_size, input_size]"))
        return -1;
    s[2] = H;
    if (expect_shape(c, g, n, p, REC_R, IR_FLOAT, 3, s,
                     "[num_directions, gates*hidden_size, hidden_size]"))
        return -1;
    s[1] = 2 * G * H;
    if (p->in[REC_B] >= 0 &&
        expect_shape(c, g, n, p, REC_B, IR_FLOAT, 2, s, "[num_directions, 2*gates*hidden_size]"))
        return -1;
    s[0] = B;
    if (p->in[REC_LENS] >= 0 &&
        expect_shape(c, g, n, p, REC_LENS, IR_INT32, 1, s, "[batch_size] of int32"))
        return -1;
    if (p->layout)
        s[0] = B, s[1] = D, s[2] = H;
    else
        s[0] = D, s[1] = B, s[2] = H;
    if (p->in[REC_H0] >= 0 && expect_shape(c, g, n, p, REC_H0, IR_FLOAT, 3, s,
                                           p->layout ? "[batch_size, num_directions, hidden_size]"
                                                     : "[num_directions, batch_size, hidden_size]"))
        return -1;
    if (p->in[REC_C0] >= 0 && expect_shape(c, g, n, p, REC_C0, IR_FLOAT, 3, s,
                                           p->layout ? "[batch_size, num_directions, hidden_size]"
                                                     : "[num_directions, batch_size, hidden_size]"))
        return -1;
    set_out(g, p, REC_YH, 3, s);
    set_out(g, p, REC_YC, 3, s);
    s[0] = D, s[1] = 3 * H;
    if (p->in[REC_P] >= 0 &&
        expect_shape(c, g, n, p, REC_P, IR_FLOAT, 2, s, "[num_directions, 3*hidden_size]"))
        return -1;
    if (p->layout)
        s[0] = B, s[1] = T, s[2] = D, s[3] = H;
    else
        s[0] = T, s[1] = D, s[2] = B, s[3] = H;
    set_out(g, p, REC_Y, 4, s);
    /* constant sequence lengths are checked now; runtime ones by the generated code */
    if (p->in[REC_LENS] >= 0 && g->t[p->in[REC_LENS]].data) {
        const int32_t *L = g->t[p->in[REC_LENS]].data;
        for (int b = 0; b < p->B; b++)
            if (L[b] < 0 || L[b] > p->T)
                return rc_err(c, n, "sequence_lens",
                              "value %d for batch entry %d is outside 0..%d (seq_length)",
                              (int)L[b], b, p->T);
    }
    return 0;
}

static int all_zero(const ir_tensor *t) {
    if (!t->data || t->dtype != IR_FLOAT)
        return 0;
    for (int64_t i = 0; i < ir_numel(t); i++)
        if (((const float *)t->data)[i] != 0.0f)
            return 0;
    return 1;
}

int rec_check(rc_ctx *c, ir_graph *g, ir_node *n, const rec_desc *desc) {
    rec_params *p = rc_xcalloc(1, sizeof *p);
    int64_t hidden = 0;
    int has_hidden = 0;
    n->params = p;
    p->desc = desc;
    if (n->n_in < 3 || n->n_in > desc->n_inputs)
        return rc_err(c, n, "inputs", "takes 3 to %d inputs, got %d", desc->n_inputs, n->n_in);
    if (n->n_out > desc->n_outputs)
        return rc_err(c, n, "outputs", "has at most %d outputs, got %d", desc->n_outputs, n->n_out);
    for (int k = 0; k < REC_NIN; k++)
        p->in[k] = k < n->n_in ? n->in[k] : -1;
    for (int k = 0; k < REC_NOUT; k++)
        p->out[k] = k < n->n_out ? n->out[k] : -1;
    for (int k = REC_X; k <= REC_R; k++)
        if (p->in[k] < 0)
            return rc_err(c, n, in_names[k], "required input is missing");
    if (rec_parse_attrs(c, g, n, p, &hidden, &has_hidden) ||
        check_shapes(c, g, n, p, hidden, has_hidden))
        return -1;
    /* A constant all-zero initial state (the exporter's default h0/c0) means
     * the same as none: drop it, so no zeros are stored or read. */
    for (int k = REC_H0; k <= REC_C0; k++)
        if (p->in[k] >= 0 && all_zero(&g->t[p->in[k]]))
            p->in[k] = n->in[k] = -1;
    return 0;
}

void rec_free_params(void *p) { free(p); }

int rec_time(rc_ctx *c, const ir_graph *g, const ir_node *n, const int *in, int *out) {
    const rec_params *p = n->params;
    int tax = p->layout ? 1 : 0;
    (void)g;
    if (p->D != 1 || p->reverse[0])
        return rc_err(c, n, "--stream",
                      "direction '%s' reads the sequence backwards, so the node needs the whole "
                      "sequence and cannot be streamed (only forward layers can)",
                      p->D == 2 ? "bidirectional" : "reverse");
    /* a rule of the node itself, before any about where time is: no axis assignment helps */
    if (p->in[REC_LENS] >= 0)
        return rc_err(c, n, "--stream", "sequence_lens is not supported when streaming");
    if (in[REC_X] < 0) {
        c->no_time = 1;
        return rc_err(c, n, "--stream", "input X does not carry the streamed time axis");
    }
    if (in[REC_X] != tax)
        return rc_err(c, n, "--stream",
                      "input X has the streamed time axis as dimension %d, the node reads time "
                      "along dimension %d",
                      in[REC_X], tax);
    for (int k = REC_W; k < n->n_in && k < REC_NIN; k++)
        if (in[k] >= 0)
            return rc_err(c, n, "--stream", "input %d carries time; only X may", k);
    for (int k = 0; k < n->n_out; k++)
        out[k] = k == REC_Y ? tax : -1; /* Y_h/Y_c: the state after the last step fed */
    return 0;
}

void rec_params_count(const ir_graph *g, const ir_node *n, int64_t *in_model,
                      int64_t *at_run_time) {
    static const int slots[] = {REC_W, REC_R, REC_B, REC_P};
    const rec_params *p = n->params;
    for (size_t k = 0; k < sizeof slots / sizeof slots[0]; k++) {
        const ir_tensor *t = p->in[slots[k]] >= 0 ? &g->t[p->in[slots[k]]] : NULL;
        if (t)
            *(t->data ? in_model : at_run_time) += ir_numel(t);
    }
}

double rec_macs(const ir_graph *g, const ir_node *n) {
    const rec_params *p = n->params;
    (void)g;
    return (double)p->T * p->B * p->D * p->G * p->H * (p->I + p->H);
}

double rec_flops(const ir_graph *g, const ir_node *n) {
    const rec_params *p = n->params;
    /* two flops per multiply-add, plus roughly ten per gate element for the
     * bias, activations and state update */
    return 2 * rec_macs(g, n) + 10.0 * p->T * p->B * p->D * p->G * p->H;
}

/* --------------------------------------------------------------- interpreter */

int rec_interp(rc_ctx *c, const ir_graph *g, const ir_node *n, rc_values *v) {
    const rec_params *p = n->params;
    const int T = p->T, B = p->B, I = p->I, H = p->H, D = p->D, G = p->G;
    const float *X = v->data[p->in[REC_X]], *W = v->data[p->in[REC_W]];
    const float *R = v->data[p->in[REC_R]];
    const float *Bias = p->in[REC_B] >= 0 ? v->data[p->in[REC_B]] : NULL;
    const int32_t *L = p->in[REC_LENS] >= 0 ? v->data[p->in[REC_LENS]] : NULL;
    const float *H0 = p->in[REC_H0] >= 0 ? v->data[p->in[REC_H0]] : NULL;
    const float *C0 = p->in[REC_C0] >= 0 ? v->data[p->in[REC_C0]] : NULL;
    const float *P = p->in[REC_P] >= 0 ? v->data[p->in[REC_P]] : NULL;
    float *Y = p->out[REC_Y] >= 0 ? rc_values_alloc(v, g, p->out[REC_Y]) : NULL;
    float *Yh = p->out[REC_YH] >= 0 ? rc_values_alloc(v, g, p->out[REC_YH]) : NULL;
    float *Yc = p->out[REC_YC] >= 0 ? rc_values_alloc(v, g, p->out[REC_YC]) : NULL;
    double *x = rc_xcalloc((size_t)I, sizeof(double));
    double *h = rc_xcalloc((size_t)H, sizeof(double)), *hn = rc_xcalloc((size_t)H, sizeof(double));
    double *cs = rc_xcalloc((size_t)H, sizeof(double)), *cn = rc_xcalloc((size_t)H, sizeof(double));
    int rc = 0;
    for (int b = 0; b < B && L; b++)
        if (L[b] < 0 || L[b] > T) {
            rc = rc_err(c, n, "sequence_lens",
                        "value %d for batch entry %d is outside 0..%d (seq_length)", (int)L[b], b,
                        T);
            goto done;
        }
    for (int d = 0; d < D; d++) {
        rec_step st = {x,
                       h,
                       cs,
                       hn,
                       cn,
                       W + (size_t)d * G * H * I,
                       R + (size_t)d * G * H * H,
                       Bias ? Bias + (size_t)d * 2 * G * H : NULL,
                       Bias ? Bias + (size_t)d * 2 * G * H + (size_t)G * H : NULL,
                       P ? P + (size_t)d * 3 * H : NULL};
        for (int b = 0; b < B; b++) {
            int len = L ? L[b] : T;
            /* initial_h/initial_c are [D][B][H] (layout 0) or [B][D][H] (layout 1) */
            size_t s0 = p->layout ? ((size_t)b * D + d) * H : ((size_t)d * B + b) * H;
            /* an entry of length 0 reports zero states, as ONNX Runtime does */
            for (int j = 0; j < H; j++) {
                h[j] = H0 && len > 0 ? H0[s0 + j] : 0.0;
                cs[j] = C0 && len > 0 ? C0[s0 + j] : 0.0;
            }
            for (int s = 0; s < len; s++) {
                /* the reverse direction starts at this entry's own last valid step */
                int t = p->reverse[d] ? len - 1 - s : s;
                size_t xr = p->layout ? (size_t)b * T + t : (size_t)t * B + b;
                size_t yo = p->layout ? (((size_t)b * T + t) * D + d) * H
                                      : (((size_t)t * D + d) * B + b) * H;
                for (int i = 0; i < I; i++)
                    x[i] = X[xr * I + i];
                p->desc->step(p, d, &st);
                memcpy(h, hn, sizeof(double) * (size_t)H);
                memcpy(cs, cn, sizeof(double) * (size_t)H);
                for (int j = 0; Y && j < H; j++)
                    Y[yo + j] = (float)h[j];
            }
            /* steps past this entry's length stay zero in Y (calloc'd) */
            for (int j = 0; j < H; j++) {
                if (Yh)
                    Yh[s0 + j] = (float)h[j];
                if (Yc)
                    Yc[s0 + j] = (float)cs[j];
            }
        }
    }
done:
    free(x);
    free(h);
    free(hn);
    free(cs);
    free(cn);
    return rc;
}

/* ------------------------------------------------------------------- emitter */

/* Index text: "j", "j + 12", or the folded literal when j is itself a literal,
 * so unrolled code reads x_[15] rather than x_[12 + 3]. */
const char *rec_ix(int off, const char *j) {
    static char ring[16][48];
    static int next;
    char *b = ring[next++ & 15];
    if (j[0] >= '0' && j[0] <= '9')
        snprintf(b, sizeof ring[0], "%d", off + atoi(j));
    else if (off == 0)
        snprintf(b, sizeof ring[0], "%s", j);
    else
        snprintf(b, sizeof ring[0], "%s + %d", j, off);
    return b;
}

void rec_emit_act(rc_buf *b, const rec_params *p, const rec_fn *f, const char *expr, int clip) {
    char lit[2][64], cl[64];
    const act_info *ai = &acts[f->kind];
    em_float_lit(f->alpha, lit[0], sizeof lit[0]);
    em_float_lit(f->beta, lit[1], sizeof lit[1]);
    rc_buf_printf(b, "%s(", ai->c_fn);
    if (clip && p->has_clip) {
        em_float_lit(p->clip, cl, sizeof cl);
        rc_buf_printf(b, "rnnrt_clip_f32(%s, %s)", expr, cl);
    } else {
        rc_buf_puts(b, expr);
    }
    if (ai->n_params >= 1)
        rc_buf_printf(b, ", %s", lit[0]);
    if (ai->n_params >= 2)
        rc_buf_printf(b, ", %s", lit[1]);
    rc_buf_puts(b, ")");
}

void rec_emit_elementwise(em_state *e, const rec_emit *re, int n,
                          void (*body)(em_state *e, const rec_params *p, const char *j, void *arg),
                          const rec_params *p, void *arg) {
    char j[16];
    if (re->unroll_elem || n == 1) {
        for (int k = 0; k < n; k++) {
            snprintf(j, sizeof j, "%d", k);
            body(e, p, j, arg);
        }
        return;
    }
    e->has_loops = 1;
    em_printf(e, "for (int j = 0; j < %d; ++j) {\n", n);
    body(e, p, "j", arg);
    em_printf(e, "}\n");
}

/* sum_k w[wrow + k] * src[k], as one expression (unrolled) */
static void dot_expr(rc_buf *b, const char *w, const char *wrow, int K, const char *src) {
    for (int k = 0; k < K; k++)
        rc_buf_printf(b, "%s%s[%s] * %s[%d]", k ? (k % 4 ? " + " : "\n    + ") : "", w,
                      rec_ix(k, wrow), src, k);
}

/* dst[j] = sum_k wt[k * ld + row0 + j] * src[k]: the weights packed k-major at compile
 * time, so the inner loop runs over j with unit stride and independent accumulators. A C
 * compiler vectorises it without reordering any sum (a dot product over k would need
 * -ffast-math): each dst[j] still adds its terms in k order. U rows of the weights are
 * taken per pass, written as one left-to-right sum, so dst is loaded and stored once per U
 * terms instead of once per term (the store was the bottleneck). */
static void emit_matvec_packed(em_state *e, const char *dst, const char *wt, int ld, int row0,
                               int rows, int K, const char *src, const char *init) {
    /* measured: 8 rows per pass while the block fits L1 (the store bound), 2 beyond (the
     * weights stream from L2 and more streams only cost prefetch slots) */
    const int U = (double)rows * K <= 16384.0 ? (K >= 8 ? 8 : K >= 4 ? 4 : 1) : (K >= 2 ? 2 : 1);
    const int KU = K / U * U;
    e->has_loops = 1;
    if (init)
        em_printf(e, "for (int j = 0; j < %d; ++j)\n    %s[j] = %s[j];\n", rows, dst, init);
    else
        em_printf(e, "for (int j = 0; j < %d; ++j)\n    %s[j] = 0.0f;\n", rows, dst);
    em_printf(e, "for (int k = 0; k < %d; k += %d) {\n", KU, U);
    em_printf(e, "const float *wk = %s + k * %d + %d;\n", wt, ld, row0);
    for (int u = 0; u < U; u++)
        em_printf(e, "const float s%d = %s[k + %d];\n", u, src, u);
    em_printf(e, "for (int j = 0; j < %d; ++j)\n%s[j] = %s[j]", rows, dst, dst);
    for (int u = 0; u < U; u++)
        em_printf(e, " + wk[%d + j] * s%d", u * ld, u);
    em_printf(e, ";\n}\n");
    if (KU < K)
        em_printf(e,
                  "for (int k = %d; k < %d; ++k) {\n    const float sk = %s[k];\n"
                  "    const float *wk = %s + k * %d + %d;\n    for (int j = 0; j < %d; ++j)\n"
                  "        %s[j] += wk[j] * sk;\n}\n",
                  KU, K, src, wt, ld, row0, rows, dst);
}

static void emit_packed(em_state *e, const char *name, const char *tag, const ir_tensor *m, int D,
                        int rows, int K) {
    const float *v = m->data;
    float *t = rc_xmalloc(sizeof(float) * (size_t)D * rows * K);
    for (int d = 0; d < D; d++)
        for (int j = 0; j < rows; j++)
            for (int k = 0; k < K; k++)
                t[((size_t)d * K + k) * rows + j] = v[((size_t)d * rows + j) * K + k];
    em_printf(e, "const float *%s = %s; /* transposed: [D][%d][%d] */\n", name,
              em_const_f32(e, tag, t, (size_t)D * rows * K), K, rows);
    free(t);
}

/* W [D][rows][K] in the runtime's packed layout (rnnrt.h, em_packed_size), each
 * direction cut into row segments packed one after the other (GRU with
 * linear_before_reset = 0 multiplies rows 2H..3H by a different vector). Returns the
 * floats per direction. */
static int emit_panels(em_state *e, const char *name, const char *tag, const ir_tensor *m, int D,
                       int rows, int K, const int *seg, int nseg) {
    const float *v = em_wvalues(m);
    size_t per_dir = 0, o = 0;
    for (int s = 0; s < nseg; s++)
        per_dir += em_packed_size(m, (size_t)seg[s], (size_t)K);
    float *t = rc_xcalloc((size_t)D * per_dir, sizeof(float));
    for (int d = 0; d < D; d++)
        for (int s = 0, r0 = 0; s < nseg; r0 += seg[s++])
            o += em_pack_panels(m, t + o, v + ((size_t)d * rows + r0) * K, seg[s], K, (size_t)K, 1);
    em_printf(e, "const %s *%s = %s; /* packed panels (rnnrt_pgemm_%s): [D][%zu] */\n",
              em_wctype(m), name, em_packed_weights(e, tag, m, t, (size_t)D * per_dir),
              em_wsuffix(m), per_dir);
    if (m->quant && m->quant->prec == RC_W_I8) { /* the scale of each row, [D][rows] */
        char stag[32];
        snprintf(stag, sizeof stag, "%ss", tag);
        em_printf(e, "const float *%sS = %s;\n", name,
                  em_const_f32(e, stag, m->quant->scale, (size_t)m->quant->n_scale));
    }
    free(t);
    return (int)per_dir;
}

static int is_i8(const ir_tensor *t) { return t->quant && t->quant->prec == RC_W_I8; }

int rec_weights(const ir_graph *g, const ir_node *n, rc_wslot *w) {
    const rec_params *p = n->params;
    int nw = 0;
    if (!p)
        return 0;
    const int GH = p->G * p->H;
    if (g->t[p->in[REC_W]].data && p->I > 0 && GH > 0)
        w[nw++] = (rc_wslot){REC_W, p->D, GH, p->I, (int64_t)GH * p->I, p->I, 1};
    if (g->t[p->in[REC_R]].data && GH > 0)
        w[nw++] = (rc_wslot){REC_R, p->D, GH, p->H, (int64_t)GH * p->H, p->H, 1};
    return nw;
}

/* dst[i][0..rows) = src[i] . W[row0..row0+rows)^T (+ bias) for m rows, through the
 * runtime's packed kernel; w names the packed matrix whose segment starts at row0. */
static void emit_pgemm(em_state *e, const char *dst, int ldd, const char *w, const ir_tensor *wt,
                       const char *scale, int rows, int K, int m, const char *src, int lds,
                       const char *bias) {
    em_printf(e,
              "{\n    static const rnnrt_pgemm_params pp = {%d, %d, %d, %d, %d, 0};\n"
              "    (void)rnnrt_pgemm_%s(&pp, %s, %s%s%s, %s, %s);\n}\n",
              m, rows, K, lds, ldd, em_wsuffix(wt), w, scale ? scale : "", scale ? ", " : "",
              bias ? bias : "NULL", src, dst);
}

void rec_emit_matvec(em_state *e, const rec_emit *re, const char *dst, const char *w, int row0,
                     int rows, int K, const char *src) {
    rc_buf b = {0};
    if (re->rt) {
        /* segments: rows [0, batched rows) first, then the rest (GRU, lbr = 0) */
        char seg[96], sc[96];
        if (row0)
            snprintf(seg, sizeof seg, "%s + %zu", w,
                     em_packed_size(re->rt_t, (size_t)row0, (size_t)K));
        else
            snprintf(seg, sizeof seg, "%s", w);
        snprintf(sc, sizeof sc, "%ss + %d", w, row0); /* i8: the rows' scales */
        emit_pgemm(e, dst, rows, seg, re->rt_t, is_i8(re->rt_t) ? sc : NULL, rows, K, 1, src, K,
                   NULL);
        return;
    }
    if (re->packed_r) {
        emit_matvec_packed(e, dst, w, re->r_ld, row0, rows, K, src, NULL);
        return;
    }
    if (re->use_blas) {
        e->used_gemm = 1;
        em_printf(e,
                  "{\n    static const rnnrt_gemv_params gv = {%d, %d, %d, 1.0f, 0.0f};\n"
                  "    (void)rnnrt_gemv_f32(&gv, %s + %d, %s, %s);\n}\n",
                  rows, K, K, w, row0 * K, src, dst);
        return;
    }
    if (re->unroll_elem && re->unroll_dot) {
        char row[32];
        for (int j = 0; j < rows; j++) {
            snprintf(row, sizeof row, "%d", (row0 + j) * K);
            b.len = 0;
            dot_expr(&b, w, row, K, src);
            em_printf(e, "%s[%d] = %s;\n", dst, j, b.p);
        }
    } else if (re->unroll_dot) {
        e->has_loops = 1;
        dot_expr(&b, "wr", "0", K, src);
        em_printf(e,
                  "for (int j = 0; j < %d; ++j) {\n    const float *wr = %s + (%d + j) * %d;\n"
                  "    %s[j] = %s;\n}\n",
                  rows, w, row0, K, dst, b.p);
    } else {
        e->has_loops = 1;
        em_printf(e,
                  "for (int j = 0; j < %d; ++j) {\n    const float *wr = %s + (%d + j) * %d;\n"
                  "    float acc = 0.0f;\n    for (int k = 0; k < %d; ++k)\n"
                  "        acc += wr[k] * %s[k];\n    %s[j] = acc;\n}\n",
                  rows, w, row0, K, K, src, dst);
    }
    rc_buf_free(&b);
}

/* The bias folded for the input projection: Wb + Rb, except that GRU with
 * linear_before_reset keeps Rbh apart (it is multiplied by r). */
static int fold_rb(const rec_params *p, int j) {
    return !(p->linear_before_reset && j >= 2 * p->H);
}

typedef struct rec_names {
    const char *X, *W, *R, *B, *L, *H0, *C0, *P, *Y, *Yh, *Yc;
    const char *bias, *rbh; /* folded bias [D][G*H], GRU Rbh [D][H] (or NULL) */
    int rbh_stride;         /* distance between directions in rbh */
    const char *xw, *g, *h, *c, *rh;
} rec_names;

/* Loop over n (or unrolled as a sequence of literal indices). Returns the
 * index text; *open tells the caller to close the brace. */
static const char *open_loop(em_state *e, int unrolled, const char *var, int n, int k, int *open) {
    static char lit[8][16];
    static int next;
    if (unrolled || n == 1) {
        char *b = lit[next++ & 7];
        snprintf(b, sizeof lit[0], "%d", k);
        *open = 0;
        return b;
    }
    e->has_loops = 1;
    em_printf(e, "for (int %s = 0; %s < %d; ++%s) {\n", var, var, n, var);
    *open = 1;
    return var;
}

static void emit_projection(em_state *e, const rec_params *p, const rec_emit *re,
                            const rec_names *nm, int d, int blas) {
    const int TB = p->T * p->B, GH = p->G * p->H, I = p->I;
    char w[64], bias[64];
    snprintf(w, sizeof w, "w");
    if (nm->bias)
        snprintf(bias, sizeof bias, "%s + %d", nm->bias, d * GH);
    em_printf(e, "/* xw = X . W%sT%s: the input projection for all %d steps at once */\n",
              p->D > 1 ? (d ? "b" : "f") : "", nm->bias ? " + (Wb + Rb)" : "", p->T);
    if (re->rt_w) {
        char bb[64];
        snprintf(bb, sizeof bb, "(%s + %d)", nm->bias ? nm->bias : "", d * GH);
        emit_pgemm(e, nm->xw, GH, "wp", re->wt, is_i8(re->wt) ? "wps" : NULL, GH, I, TB, nm->X, I,
                   nm->bias ? bb : NULL);
        return;
    }
    if (blas && TB == 1) {
        /* one row (a streaming step): a GEMV, several times faster than an M = 1 GEMM */
        e->used_gemm = 1;
        em_printf(e,
                  "{\n    static const rnnrt_gemv_params gv = {%d, %d, %d, 1.0f, 0.0f};\n"
                  "    (void)rnnrt_gemv_f32(&gv, %s, %s, %s);\n}\n",
                  GH, I, I, w, nm->X, nm->xw);
    } else if (blas) {
        e->used_gemm = 1;
        em_printf(e,
                  "{\n    static const rnnrt_gemm_params gp = {%d, %d, %d, 1, %d, %d, %d, 1.0f, "
                  "0.0f};\n    (void)rnnrt_gemm_f32(&gp, %s, %s, %s);\n}\n",
                  TB, GH, I, I, I, GH, nm->X, w, nm->xw);
    }
    if (blas) {
        if (nm->bias) {
            e->has_loops = 1;
            em_printf(e,
                      "for (int row = 0; row < %d; ++row)\n    for (int j = 0; j < %d; ++j)\n"
                      "        %s[row * %d + j] += (%s)[j];\n",
                      TB, GH, nm->xw, GH, bias);
        }
        return;
    }
    if (re->unroll_steps) {
        rc_buf b = {0};
        char xrow[32];
        for (int row = 0; row < TB; row++)
            for (int j = 0; j < GH; j++) {
                b.len = 0;
                if (b.p)
                    b.p[0] = 0;
                if (nm->bias)
                    rc_buf_printf(&b, "%s[%d] + ", nm->bias, d * GH + j);
                snprintf(xrow, sizeof xrow, "%d", row * I);
                for (int k = 0; k < I; k++)
                    rc_buf_printf(&b, "%sw[%d] * %s[%d]", k ? (k % 4 ? " + " : "\n    + ") : "",
                                  j * I + k, nm->X, row * I + k);
                em_printf(e, "%s[%d] = %s;\n", nm->xw, row * GH + j, b.p);
            }
        rc_buf_free(&b);
        return;
    }
    if (re->packed_w) {
        em_printf(e, "for (int row = 0; row < %d; ++row) {\n", TB);
        em_printf(e, "const float *xr = %s + row * %d;\nfloat *xo = %s + row * %d;\n", nm->X, I,
                  nm->xw, GH);
        if (nm->bias)
            snprintf(bias, sizeof bias, "(%s + %d)", nm->bias, d * GH);
        emit_matvec_packed(e, "xo", "wt", GH, 0, GH, I, "xr", nm->bias ? bias : NULL);
        em_printf(e, "}\n");
        return;
    }
    e->has_loops = 1;
    em_printf(e, "for (int row = 0; row < %d; ++row) {\n    const float *xr = %s + row * %d;\n", TB,
              nm->X, I);
    {
        rc_buf b = {0};
        if (re->unroll_dot)
            dot_expr(&b, "wr", "0", I, "xr");
        em_printf(e, "    for (int j = 0; j < %d; ++j) {\n        const float *wr = %s + j * %d;\n",
                  GH, w, I);
        if (re->unroll_dot) {
            em_printf(e, "        %s[row * %d + j] = %s%s%s%s;\n", nm->xw, GH, nm->bias ? "(" : "",
                      nm->bias ? bias : "", nm->bias ? ")[j] + " : "", b.p);
        } else {
            em_printf(e,
                      "        float acc = %s%s%s;\n        for (int k = 0; k < %d; ++k)\n"
                      "            acc += wr[k] * xr[k];\n        %s[row * %d + j] = acc;\n",
                      nm->bias ? "(" : "0.0f", nm->bias ? bias : "", nm->bias ? ")[j]" : "", I,
                      nm->xw, GH);
        }
        em_printf(e, "    }\n}\n");
        rc_buf_free(&b);
    }
}

/* Whether the runtime's cell computes exactly this node's cell for direction re->dir: the
 * default activations, no clip, no peepholes, no input_forget, GRU with linear_before_reset
 * (else the cell is generated). */
static int rt_cell(const rec_params *p, const rec_emit *re) {
    const rec_fn *a = p->act[re->dir];
    if (!re->rt || p->has_clip)
        return 0;
    if (p->G == 4)
        return !p->input_forget && !re->has_p && a[0].kind == REC_SIGMOID &&
               a[1].kind == REC_TANH && a[2].kind == REC_TANH;
    if (p->G == 3)
        return p->linear_before_reset && a[0].kind == REC_SIGMOID && a[1].kind == REC_TANH;
    return a[0].kind == REC_TANH;
}

static void emit_cell(em_state *e, const rec_params *p, const rec_emit *re) {
    if (!rt_cell(p, re)) {
        p->desc->emit_cell(e, p, re);
    } else if (p->G == 4) {
        em_printf(e, "(void)rnnrt_lstm_cell_f32(%d, x_, g_, c_, h_);\n", p->H);
    } else if (p->G == 3) {
        em_printf(e, "(void)rnnrt_gru_cell_f32(%d, x_, g_, %s, h_);\n", p->H,
                  re->has_rbh ? "rbh_" : "NULL");
    } else {
        em_printf(e, "(void)rnnrt_rnn_cell_f32(%d, x_, g_, h_);\n", p->H);
    }
}

/* The offset of entry (t, b) of direction d in Y, as text. */
static void y_offset(char *buf, size_t n, const rec_params *p, const char *t, const char *b,
                     int d) {
    if (p->layout)
        snprintf(buf, n, "((%s) * %d + %d) * %d + (%s) * %d", b, p->T * p->D, d, p->H, t,
                 p->D * p->H);
    else
        snprintf(buf, n, "((%s) * %d + %d) * %d + (%s) * %d", t, p->D * p->B, d * p->B, p->H, b,
                 p->H);
}

static void emit_direction(em_state *e, const rec_params *p, rec_emit *re, const rec_names *nm,
                           int d, int blas_proj) {
    const int T = p->T, B = p->B, H = p->H, D = p->D, GH = p->G * p->H;
    const int rows = p->desc->batched_rows(p);
    int is_lstm = p->desc->has_input_forget;
    char rexpr[64], yo[256], s0[128], rowtxt[128], t[128];
    snprintf(rexpr, sizeof rexpr, "r");
    re->r_expr = rexpr;
    re->dir = d;
    em_printf(e, "/* ---- direction %d: %s ---- */\n{\n", d, p->reverse[d] ? "reverse" : "forward");
    if (re->rt_w) {
        em_printf(e, "const %s *wp = WP + %d;\n", em_wctype(re->wt), d * re->wp_size);
        if (is_i8(re->wt))
            em_printf(e, "const float *wps = WPS + %d;\n", d * GH);
    } else if (re->packed_w)
        em_printf(e, "const float *wt = WT + %d;\n", d * GH * p->I);
    else
        em_printf(e, "const float *w = W + %d;\n", d * GH * p->I);
    if (re->rt) {
        em_printf(e, "const %s *rp = RP + %d;\n", em_wctype(re->rt_t), d * re->rp_size);
        if (is_i8(re->rt_t))
            em_printf(e, "const float *rps = RPS + %d;\n", d * GH);
        snprintf(rexpr, sizeof rexpr, "rp");
    } else if (re->packed_r) {
        em_printf(e, "const float *rt = RT + %d;\n", d * GH * H);
        snprintf(rexpr, sizeof rexpr, "rt");
    } else {
        em_printf(e, "const float *r = R + %d;\n", d * GH * H);
    }
    emit_projection(e, p, re, nm, d, blas_proj);
    /* initial state; a streaming step keeps the state of the previous call
     * (in the context) unless the sequence starts afresh */
    if (e->stream)
        em_printf(e, "if (ctx->fresh) {\n");
    for (int b = 0; b < B; b++) {
        size_t off = p->layout ? ((size_t)b * D + d) * H : ((size_t)d * B + b) * H;
        if (nm->H0)
            em_printf(e, "memcpy(%s + %d, %s + %zu, %d * sizeof(float));\n", nm->h, b * H, nm->H0,
                      off, H);
        else
            em_printf(e, "memset(%s + %d, 0, %d * sizeof(float));\n", nm->h, b * H, H);
        if (is_lstm && nm->C0)
            em_printf(e, "memcpy(%s + %d, %s + %zu, %d * sizeof(float));\n", nm->c, b * H, nm->C0,
                      off, H);
        else if (is_lstm)
            em_printf(e, "memset(%s + %d, 0, %d * sizeof(float));\n", nm->c, b * H, H);
    }
    if (e->stream)
        em_printf(e, "}\n");
    if (nm->L && (nm->H0 || nm->C0)) {
        /* an entry of length 0 reports zero states, not initial_h/c, as ONNX Runtime does */
        for (int b = 0; b < B; b++) {
            em_printf(e, "if (%s[%d] == 0) {\n", nm->L, b);
            em_printf(e, "memset(%s + %d, 0, %d * sizeof(float));\n", nm->h, b * H, H);
            if (is_lstm)
                em_printf(e, "memset(%s + %d, 0, %d * sizeof(float));\n", nm->c, b * H, H);
            em_printf(e, "}\n");
        }
    }
    for (int si = 0; si < T; si++) {
        int open_s, open_b;
        const char *S = open_loop(e, re->unroll_steps, "s", T, si, &open_s);
        /* recurrent products g = h . R^T for every batch entry */
        if (re->rt) {
            emit_pgemm(e, nm->g, GH, rexpr, re->rt_t, is_i8(re->rt_t) ? "rps" : NULL, rows, H, B,
                       nm->h, H, NULL);
        } else if (re->use_blas && B > 1) {
            e->used_gemm = 1;
            em_printf(e,
                      "{\n    static const rnnrt_gemm_params gp = {%d, %d, %d, 1, %d, %d, %d, "
                      "1.0f, 0.0f};\n    (void)rnnrt_gemm_f32(&gp, %s, %s, %s);\n}\n",
                      B, rows, H, H, H, GH, nm->h, rexpr, nm->g);
        } else {
            for (int bi = 0; bi < B; bi++) {
                char dst[64], src[64];
                const char *b = open_loop(e, re->unroll_elem, "b", B, bi, &open_b);
                if (b[0] == 'b')
                    em_printf(e, "{\nfloat *gb = %s + b * %d;\nconst float *hb = %s + b * %d;\n",
                              nm->g, GH, nm->h, H);
                else
                    em_printf(e, "{\nfloat *gb = %s + %d;\nconst float *hb = %s + %d;\n", nm->g,
                              atoi(b) * GH, nm->h, atoi(b) * H);
                snprintf(dst, sizeof dst, "gb");
                snprintf(src, sizeof src, "hb");
                rec_emit_matvec(e, re, dst, rexpr, 0, rows, H, src);
                em_printf(e, "}\n");
                if (open_b)
                    em_printf(e, "}\n");
                if (open_b)
                    break;
            }
        }
        for (int bi = 0; bi < B; bi++) {
            const char *b = open_loop(e, re->unroll_elem, "b", B, bi, &open_b);
            em_printf(e, "{\n");
            if (nm->L) {
                em_printf(e, "if (%s < %s[%s]) {\n", S, nm->L, b);
                if (p->reverse[d])
                    snprintf(t, sizeof t, "%s[%s] - 1 - %s", nm->L, b, S);
                else
                    snprintf(t, sizeof t, "%s", S);
            } else if (p->reverse[d]) {
                if (S[0] >= '0' && S[0] <= '9')
                    snprintf(t, sizeof t, "%d", T - 1 - atoi(S));
                else
                    snprintf(t, sizeof t, "%d - %s", T - 1, S);
            } else {
                snprintf(t, sizeof t, "%s", S);
            }
            em_printf(e, "const int t = %s;\n", t);
            if (p->layout)
                snprintf(rowtxt, sizeof rowtxt, "(%s) * %d + t", b, T);
            else
                snprintf(rowtxt, sizeof rowtxt, "t * %d + (%s)", B, b);
            em_printf(e, "const float *x_ = %s + (%s) * %d;\n", nm->xw, rowtxt, GH);
            em_printf(e, "float *g_ = %s + (%s) * %d;\n", nm->g, b, GH);
            em_printf(e, "float *h_ = %s + (%s) * %d;\n", nm->h, b, H);
            if (is_lstm)
                em_printf(e, "float *c_ = %s + (%s) * %d;\n", nm->c, b, H);
            if (nm->rh)
                em_printf(e, "float *rh_ = %s + (%s) * %d;\n", nm->rh, b, H);
            if (re->has_p)
                em_printf(e, "const float *p_ = %s + %d;\n", nm->P, d * 3 * H);
            if (re->has_rbh)
                em_printf(e, "const float *rbh_ = %s + %d;\n", nm->rbh, d * nm->rbh_stride);
            emit_cell(e, p, re);
            if (nm->Y) {
                y_offset(yo, sizeof yo, p, "t", b, d);
                em_printf(e, "memcpy(%s + %s, h_, %d * sizeof(float));\n", nm->Y, yo, H);
            }
            if (nm->L) {
                em_printf(e, "} else {\n");
                if (nm->Y) {
                    /* steps past this entry's length are zero in Y */
                    y_offset(yo, sizeof yo, p, S, b, d);
                    em_printf(e, "memset(%s + %s, 0, %d * sizeof(float));\n", nm->Y, yo, H);
                } else {
                    em_printf(e, "/* past this entry's length: state kept */\n");
                }
                em_printf(e, "}\n");
            }
            em_printf(e, "}\n");
            if (open_b) {
                em_printf(e, "}\n");
                break;
            }
        }
        if (open_s) {
            em_printf(e, "}\n");
            break;
        }
    }
    /* final states */
    for (int b = 0; b < B; b++) {
        size_t off = p->layout ? ((size_t)b * D + d) * H : ((size_t)d * B + b) * H;
        snprintf(s0, sizeof s0, "%zu", off);
        if (nm->Yh)
            em_printf(e, "memcpy(%s + %s, %s + %d, %d * sizeof(float));\n", nm->Yh, s0, nm->h,
                      b * H, H);
        if (nm->Yc)
            em_printf(e, "memcpy(%s + %s, %s + %d, %d * sizeof(float));\n", nm->Yc, s0, nm->c,
                      b * H, H);
    }
    em_printf(e, "}\n");
}

int rec_emit_node(rc_ctx *c, em_state *e, const ir_graph *g, const ir_node *n) {
    const rec_params *p = n->params;
    const int T = p->T, B = p->B, I = p->I, H = p->H, D = p->D, G = p->G, GH = G * H;
    double macs = rec_macs(g, n);
    rec_emit re = {0};
    rec_names nm = {0};
    int blas_proj;
    rc_unroll u = e->opts->unroll;
    /* straight-line code past this size takes C compilers minutes to build */
    if (u == RC_UNROLL_FULL && macs > 32768.0)
        return rc_err(c, n, "--unroll full",
                      "the node needs %.0f multiply-adds per run; full unrolling is limited to "
                      "32768 (use --unroll auto)",
                      macs);
    /* measured (bench/policy.sh, gcc -O2): with constant R the runtime's kernels beat
     * straight-line code down to the smallest node measured (400 multiply-adds) and a
     * straight-line step inside a time loop at every size; without (R a graph input) the
     * generated code decides alone */
    const int r_const = g->t[p->in[REC_R]].data != NULL;
    if (u == RC_UNROLL_FULL || (u == RC_UNROLL_AUTO && !r_const && macs <= 2048.0)) {
        re.unroll_steps = re.unroll_elem = re.unroll_dot = 1;
    } else if (u == RC_UNROLL_AUTO && !r_const && (double)B * GH * H <= 1024.0) {
        /* small step, long sequence: loop over time around a straight-line step */
        re.unroll_elem = re.unroll_dot = 1;
    } else {
        re.unroll_dot = u == RC_UNROLL_AUTO && H <= 16;
        /* big products go through the runtime seam; small ones stay inline */
        re.use_blas = (double)B * GH * H >= em_gemm_min(e);
    }
    blas_proj = !re.unroll_steps && (double)T * B * GH * I >= em_gemm_min(e);
    /* a step too big to write out with constant weights: the runtime's packed kernels */
    re.rt = !re.unroll_elem && g->t[p->in[REC_R]].data != NULL;
    re.rt_w = re.rt && g->t[p->in[REC_W]].data != NULL;
    if (re.rt) {
        re.use_blas = 0;
        blas_proj = blas_proj && !re.rt_w;
    }
    /* loops over constant weights read them transposed, packed at compile time */
    re.packed_r = !re.rt && !re.use_blas && !re.unroll_elem && g->t[p->in[REC_R]].data != NULL;
    re.r_ld = GH;
    re.packed_w = !re.rt_w && !blas_proj && !re.unroll_steps && g->t[p->in[REC_W]].data != NULL;
    re.has_p = p->in[REC_P] >= 0;
    re.wt = &g->t[p->in[REC_W]], re.rt_t = &g->t[p->in[REC_R]];
    /* short local names for every pointer the node uses */
    {
        static const struct {
            int slot, out;
            const char *name, *type;
        } decl[] = {
            {REC_X, 0, "X", "const float"},   {REC_W, 0, "W", "const float"},
            {REC_R, 0, "R", "const float"},   {REC_LENS, 0, "L", "const int32_t"},
            {REC_H0, 0, "H0", "const float"}, {REC_C0, 0, "C0", "const float"},
            {REC_P, 0, "P", "const float"},   {REC_Y, 1, "Y", "float"},
            {REC_YH, 1, "Yh", "float"},       {REC_YC, 1, "Yc", "float"},
        };
        const char **slot[] = {&nm.X,  &nm.W, &nm.R, &nm.L,  &nm.H0,
                               &nm.C0, &nm.P, &nm.Y, &nm.Yh, &nm.Yc};
        for (size_t k = 0; k < sizeof decl / sizeof decl[0]; k++) {
            int ti = decl[k].out ? p->out[decl[k].slot] : p->in[decl[k].slot];
            if (ti < 0 || (!decl[k].out && decl[k].slot == REC_W && (re.packed_w || re.rt_w)) ||
                (!decl[k].out && decl[k].slot == REC_R && (re.packed_r || re.rt)))
                continue;
            em_printf(e, "%s *%s = %s;\n", decl[k].type, decl[k].name, em_tensor(e, ti));
            *slot[k] = decl[k].name;
        }
    }
    if (re.rt) {
        const int rows = p->desc->batched_rows(p);
        const int seg[2] = {rows, GH - rows};
        const int nseg = rows < GH ? 2 : 1;
        re.rp_size = emit_panels(e, "RP", "rp", &g->t[p->in[REC_R]], D, GH, H, seg, nseg);
    }
    if (re.rt_w) {
        re.wp_size = emit_panels(e, "WP", "wp", &g->t[p->in[REC_W]], D, GH, I, &GH, 1);
    }
    if (re.packed_w)
        emit_packed(e, "WT", "wt", &g->t[p->in[REC_W]], D, GH, I);
    if (re.packed_r)
        emit_packed(e, "RT", "rt", &g->t[p->in[REC_R]], D, GH, H);
    em_printf(e, "float *xw = %s; /* [T*batch][G*H] */\n", em_scratch(e, "xw", (size_t)T * B * GH));
    em_printf(e, "float *g = %s; /* [batch][G*H] */\n", em_scratch(e, "g", (size_t)B * GH));
    /* streaming: h and c are the state kept between calls, in memory of their own */
    em_printf(e, "float *h = %s; /* [batch][H] */\n",
              e->stream ? em_scratch_state(e, "h", (size_t)B * H)
                        : em_scratch(e, "h", (size_t)B * H));
    nm.xw = "xw", nm.g = "g", nm.h = "h";
    if (p->desc->has_input_forget) {
        em_printf(e, "float *c = %s;\n",
                  e->stream ? em_scratch_state(e, "c", (size_t)B * H)
                            : em_scratch(e, "c", (size_t)B * H));
        nm.c = "c";
    }
    if (p->desc->has_linear_before_reset && !p->linear_before_reset) {
        em_printf(e, "float *rh = %s;\n", em_scratch(e, "rh", (size_t)B * H));
        nm.rh = "rh";
    }
    em_printf(e, "/* %s: T=%d batch=%d input=%d hidden=%d directions=%d layout=%d */\n",
              p->desc->op, T, B, I, H, D, p->layout);
    if (p->in[REC_B] >= 0) {
        const ir_tensor *bt = &g->t[p->in[REC_B]];
        re.has_rbh = p->linear_before_reset;
        if (bt->data) {
            /* constant bias: fold Wb + Rb at compile time */
            const float *bv = bt->data;
            float *f = rc_xmalloc(sizeof(float) * (size_t)D * GH);
            float *rb = rc_xmalloc(sizeof(float) * (size_t)D * H);
            for (int d = 0; d < D; d++) {
                for (int j = 0; j < GH; j++)
                    f[d * GH + j] =
                        bv[d * 2 * GH + j] + (fold_rb(p, j) ? bv[d * 2 * GH + GH + j] : 0.0f);
                /* GRU's Rbh (rows 2H..3H of Rb) only exists when G = 3 */
                for (int j = 0; re.has_rbh && j < H; j++)
                    rb[d * H + j] = bv[d * 2 * GH + GH + 2 * H + j];
            }
            em_printf(e, "const float *bias = %s;\n", em_const_f32(e, "bias", f, (size_t)D * GH));
            nm.bias = "bias";
            if (re.has_rbh) {
                em_printf(e, "const float *rbh = %s;\n", em_const_f32(e, "rbh", rb, (size_t)D * H));
                nm.rbh = "rbh";
                nm.rbh_stride = H;
            }
            free(f);
            free(rb);
        } else {
            /* runtime bias: fold per call (G*H additions) */
            const char *bin = "Bv";
            em_printf(e, "const float *Bv = %s;\n", em_tensor(e, p->in[REC_B]));
            em_printf(e, "float *bias = %s;\n", em_scratch(e, "bias", (size_t)D * GH));
            nm.bias = "bias";
            e->has_loops = 1;
            /* bias = Wb + Rb; with linear_before_reset, Rbh (rows >= 2H) stays apart */
            char rb[96];
            if (p->linear_before_reset)
                snprintf(rb, sizeof rb, "(j < %d ? %s[d * %d + %d + j] : 0.0f)", 2 * H, bin, 2 * GH,
                         GH);
            else
                snprintf(rb, sizeof rb, "%s[d * %d + %d + j]", bin, 2 * GH, GH);
            em_printf(e,
                      "for (int d = 0; d < %d; ++d)\n    for (int j = 0; j < %d; ++j)\n"
                      "        %s[d * %d + j] = %s[d * %d + j] + %s;\n",
                      D, GH, nm.bias, GH, bin, 2 * GH, rb);
            if (re.has_rbh) {
                em_printf(e, "const float *rbh = Bv + %d;\n", GH + 2 * H);
                nm.rbh = "rbh";
                nm.rbh_stride = 2 * GH;
            }
        }
    }
    if (nm.L)
        em_printf(
            e, "if (rnnrt_check_seq_lens(%s, %d, %d) != RNNRT_OK)\n    return RNNRT_E_SEQ_LEN;\n",
            nm.L, B, T);
    for (int d = 0; d < D; d++)
        emit_direction(e, p, &re, &nm, d, blas_proj);
    return 0;
}
