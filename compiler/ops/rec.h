/* ops/rec.h — what RNN, LSTM and GRU share: attribute parsing, shape rules, the
 * reference interpreter's sequence driver and the emitter's sequence driver.
 * Each op file (rnn.c, lstm.c, gru.c) supplies a rec_desc with its
 * gate count, attributes, defaults and the cell equations. */
#ifndef RNNC_REC_H
#define RNNC_REC_H

#include "emit.h"
#include "interp.h"
#include "ir.h"

typedef enum rec_act {
    REC_RELU,
    REC_TANH,
    REC_SIGMOID,
    REC_AFFINE,
    REC_LEAKY_RELU,
    REC_THRESHOLDED_RELU,
    REC_SCALED_TANH,
    REC_HARD_SIGMOID,
    REC_ELU,
    REC_SOFTSIGN,
    REC_SOFTPLUS,
    REC_ACT_COUNT
} rec_act;

/* One activation function with its parameters (the spec's defaults filled in). */
typedef struct rec_fn {
    rec_act kind;
    float alpha, beta;
} rec_fn;

/* Input slots, in ONNX order (LSTM has all 8, RNN/GRU the first 6). */
enum { REC_X, REC_W, REC_R, REC_B, REC_LENS, REC_H0, REC_C0, REC_P, REC_NIN };
/* Output slots. */
enum { REC_Y, REC_YH, REC_YC, REC_NOUT };

struct rec_params;
struct rec_emit;

/* Interpreter: one step of one batch entry, in double. Given x [I] and the
 * previous h and c [H], writes the new h and c. w/r/wb/rb/p point at this
 * direction's slices (wb/rb/p NULL when absent). */
typedef struct rec_step {
    const double *x, *h_prev, *c_prev;
    double *h, *c;
    const float *w, *r, *wb, *rb, *p;
} rec_step;

typedef struct rec_desc {
    const char *op;
    int gates; /* G: rows of W per hidden unit */
    int n_act; /* activations per direction */
    const char *default_act[3];
    int n_inputs;  /* maximum inputs */
    int n_outputs; /* maximum outputs */
    int has_input_forget;
    int has_linear_before_reset;
    void (*step)(const struct rec_params *p, int dir, const rec_step *s);
    /* Emitter: rows of R multiplied by h for all batch entries before the cell. */
    int (*batched_rows)(const struct rec_params *p);
    /* Emitter: the cell for one batch entry (see rec_emit). */
    void (*emit_cell)(em_state *e, const struct rec_params *p, const struct rec_emit *re);
} rec_desc;

typedef struct rec_params {
    const rec_desc *desc;
    int T, B, I, H, D, G;
    int layout;
    int reverse[2]; /* per direction index */
    int has_clip;
    float clip;
    int input_forget;
    int linear_before_reset;
    rec_fn act[2][3];
    int in[REC_NIN];   /* tensor index or -1 */
    int out[REC_NOUT]; /* tensor index or -1 */
} rec_params;

/* What the emitted cell code may refer to, inside the per-batch-entry block:
 *   x_[k]   input projection + folded bias for this entry's step, k < G*H
 *   g_[k]   recurrent product R·h for the rows batched_rows() covers
 *   h_[j]   state, to be updated in place; c_[j] the LSTM cell state
 *   rh_[j]  GRU scratch [H]; p_ peepholes [3H] or NULL; rbh_ GRU Rbh [H] or NULL
 * Indices are strings (a loop variable or a literal) via rec_idx. */
typedef struct rec_emit {
    int unroll_steps;           /* the time loop unrolled (straight-line over steps) */
    int unroll_elem;            /* elementwise and batch loops fully unrolled */
    int unroll_dot;             /* dot products fully unrolled */
    int use_blas;               /* recurrent products through the GEMV/GEMM seam */
    const char *r_expr;         /* this direction's R */
    int packed_r;               /* r_expr is R transposed at compile time: [H][G*H] per direction */
    int r_ld;                   /* its row length (G*H) */
    int packed_w;               /* W likewise, [I][G*H] per direction, named "wt" */
    int dir;                    /* direction index being emitted */
    int rt;                     /* R packed in panels (rp), products by rnnrt_pgemm_f32, cells by
                                   the runtime's when standard */
    int rt_w;                   /* W likewise (wp): the input projection by rnnrt_pgemm_f32 */
    int rp_size, wp_size;       /* floats per direction of the packed R and W */
    const ir_tensor *wt, *rt_t; /* W and R (their --weights precision: em_wsuffix) */
    int has_p, has_rbh;
} rec_emit;

int rec_check(rc_ctx *c, ir_graph *g, ir_node *n, const rec_desc *desc);
/* The attributes of p->desc's op (hidden_size, direction, layout from opset 14, clip,
 * input_forget, linear_before_reset, activations): into p (D, reverse, act, ...) and
 * *hidden / *has_hidden; every other attribute is an error. */
int rec_parse_attrs(rc_ctx *c, const ir_graph *g, ir_node *n, rec_params *p, int64_t *hidden,
                    int *has_hidden);
int rec_interp(rc_ctx *c, const ir_graph *g, const ir_node *n, rc_values *v);
int rec_emit_node(rc_ctx *c, em_state *e, const ir_graph *g, const ir_node *n);
double rec_flops(const ir_graph *g, const ir_node *n);
/* T * batch * directions * gates * hidden * (input + hidden) */
double rec_macs(const ir_graph *g, const ir_node *n);
void rec_params_count(const ir_graph *g, const ir_node *n, int64_t *in_model, int64_t *at_run_time);
void rec_free_params(void *p);
/* --weights: constant W and R as D matrices of G*H rows (of I and H). */
int rec_weights(const ir_graph *g, const ir_node *n, rc_wslot *w);
/* Streaming rule: forward only, time along X's sequence axis. */
int rec_time(rc_ctx *c, const ir_graph *g, const ir_node *n, const int *in, int *out);

/* The op table of a recurrent op: everything but its check is shared. */
#define REC_OP_DEF(sym, name, chk)                                                                 \
    const rc_op_def rc_op_##sym = {                                                                \
        .op_type = name,                                                                           \
        .check = chk,                                                                              \
        .interp = rec_interp,                                                                      \
        .emit = rec_emit_node,                                                                     \
        .flops = rec_flops,                                                                        \
        .macs = rec_macs,                                                                          \
        .weights = rec_weights,                                                                    \
        .params = rec_params_count,                                                                \
        .free_params = rec_free_params,                                                            \
        .time = rec_time,                                                                          \
    };

/* Interpreter helpers for the op cells. */
double rec_apply(const rec_fn *f, double x);
double rec_clip(const rec_params *p, double x);
/* sum_k m[row][k] * v[k] for a row-major float matrix with K columns, in double */
double rec_dot(const float *m, int row, int K, const double *v);

/* Emitter helpers for the op cells. */
/* Index text "j", "j + 12", or the folded literal when j is itself a literal. */
const char *rec_ix(int off, const char *j);
/* "rnnrt_tanh_f32(EXPR)" with clip applied to EXPR when the node has clip */
void rec_emit_act(rc_buf *b, const rec_params *p, const rec_fn *f, const char *expr, int clip);
/* Opens an elementwise loop over j < n (or, unrolled, calls body for each j). */
void rec_emit_elementwise(em_state *e, const rec_emit *re, int n,
                          void (*body)(em_state *e, const rec_params *p, const char *j, void *arg),
                          const rec_params *p, void *arg);
/* dst[j] = sum_k w[(row0 + j)*K + k] * src[k] for j < rows: a single matvec. */
void rec_emit_matvec(em_state *e, const rec_emit *re, const char *dst, const char *w, int row0,
                     int rows, int K, const char *src);

#endif
