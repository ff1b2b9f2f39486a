/* ops/qdq.c — QuantizeLinear and DequantizeLinear (opsets 10, 13, 19, 21, 23), the two halves
 * of a QDQ model (ONNX Runtime's quantisation tools write every quantised weight as
 * DequantizeLinear(W_q, scale, zero_point) and every quantised activation as a
 * QuantizeLinear/DequantizeLinear pair):
 *
 *   QuantizeLinear:   y = saturate(round_half_to_even(x / y_scale) + y_zero_point)
 *   DequantizeLinear: y = (x - x_zero_point) * x_scale
 *
 * Per tensor (a scalar or one-element scale) or per axis (opset >= 13: a 1-D scale of
 * x.shape[axis] values; element i of x uses the scale and zero point of its coordinate along
 * `axis`). Types: QuantizeLinear float x, float scale, int8/uint8 zero point and output
 * (uint8 without one); DequantizeLinear int8/uint8/int32 x, float scale, zero point of x's
 * type (int32: must be 0, the spec has none), float output. x / y_scale is the float quotient
 * (what ONNX's reference and ONNX Runtime compute; the interpreter gets it exactly from
 * doubles); the product of DequantizeLinear is computed in double and rounded once (exact for
 * 8-bit x, one rounding for int32). A NaN x quantises as 0 does (to the zero point).
 *
 * A scale must be positive and finite. A constant one is checked at compile time; one that
 * arrives at run time is checked before the node writes anything: the interpreter reports it,
 * generated code returns RNNRT_E_ARG. Nodes whose inputs are all constant fold at compile
 * time, so DequantizeLinear of an int8 weight feeding LSTM, GRU, Conv or MatMul becomes the
 * fp32 weight those ops take today. Refused loudly: float16/bfloat16/float8/int4/int16 types
 * (opsets >= 19/21), block quantisation (block_size != 0), an output_dtype or precision other
 * than the one computed. */
#include "glue.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

typedef struct qdq_params {
    int axis;      /* per-axis: the normalised axis; -1: per tensor */
    int64_t outer; /* x viewed as [outer][len][inner] around the axis (len 1 per tensor) */
    int64_t len, inner;
} qdq_params;

static int is_quant(const ir_node *n) { return n->op == RC_OP_QUANTIZE_LINEAR; }

/* The bounds of the 8-bit output types and of the int32 input. */
static void qdq_range(int dt, int64_t *lo, int64_t *hi) {
    *lo = dt == IR_UINT8 ? 0 : dt == IR_INT8 ? -128 : INT32_MIN;
    *hi = dt == IR_UINT8 ? 255 : dt == IR_INT8 ? 127 : INT32_MAX;
}

/* A scale value the operator can divide and multiply by. */
static int scale_ok(float s) { return s > 0 && s - s == 0; }

static const char *scale_what(float s) {
    return s != s ? "NaN" : s - s != 0 ? "infinite" : s == 0 ? "zero" : "negative";
}

/* The attributes of the model's opset; each one rnnc cannot honour is an error. */
static int qdq_attrs(rc_ctx *c, const ir_graph *g, ir_node *n, int64_t *axis, int64_t *out_dt) {
    int has = 0;
    int64_t v = 0;
    *axis = 1, *out_dt = 0;
    if (g->opset >= 13 && rc_attr_int(c, n, "axis", axis, &has))
        return -1;
    if (is_quant(n) && g->opset >= 19 && rc_attr_int(c, n, "saturate", &v, &has))
        return -1; /* only concerns float8 outputs, which are refused below */
    if (g->opset >= 21) {
        v = 0;
        if (rc_attr_int(c, n, "block_size", &v, &has))
            return -1;
        if (v != 0)
            return rc_err(c, n, "attribute block_size",
                          "blocked quantisation is not implemented (only 0, per tensor or per "
                          "axis), got %" PRId64,
                          v);
    }
    if ((is_quant(n) && g->opset >= 21) || (!is_quant(n) && g->opset >= 23))
        if (rc_attr_int(c, n, "output_dtype", out_dt, &has))
            return -1;
    if (is_quant(n) && g->opset >= 23) {
        v = 0;
        if (rc_attr_int(c, n, "precision", &v, &has))
            return -1;
        if (v != 0 && v != IR_FLOAT)
            return rc_err(c, n, "attribute precision",
                          "only float (1) is implemented, got %" PRId64 " (%s)", v,
                          ir_dtype_name((int)v));
    }
    return rc_attr_unused(c, g, n);
}

/* Number of elements of a scale or zero point, which must be a scalar or 1-D. */
static int qdq_param_len(rc_ctx *c, ir_node *n, const ir_tensor *t, const char *what,
                         int64_t *len) {
    if (t->rank > 1)
        return rc_err(c, n, what, "'%s' must be a scalar or 1-D, got rank %d", rc_show(t->name),
                      t->rank);
    *len = ir_numel(t);
    if (*len < 1)
        return rc_err(c, n, what, "'%s' is empty", rc_show(t->name));
    return 0;
}

static int qdq_check(rc_ctx *c, ir_graph *g, ir_node *n) {
    const int quant = is_quant(n);
    const char *sw = quant ? "input 'y_scale'" : "input 'x_scale'";
    const char *zw = quant ? "input 'y_zero_point'" : "input 'x_zero_point'";
    const ir_tensor *x, *s, *z;
    qdq_params *p;
    int64_t axis, out_dt, slen = 0, zlen = 0;
    int ydt;
    if (gl_arity(c, n, 2, 3, 2, 1) || gl_dtype(c, g, n, 0, "input 'x'", IR_UNDEFINED) ||
        gl_dtype(c, g, n, 1, sw, IR_UNDEFINED) || gl_dtype(c, g, n, 2, zw, IR_UNDEFINED) ||
        qdq_attrs(c, g, n, &axis, &out_dt))
        return -1;
    x = ir_in(g, n, 0), s = ir_in(g, n, 1), z = ir_in(g, n, 2);
    if (quant && x->dtype != IR_FLOAT)
        return rc_err(c, n, "input 'x'",
                      "element type %s is not supported (float; int32, float16 and bfloat16 "
                      "inputs are not implemented)",
                      ir_dtype_name(x->dtype));
    if (!quant && x->dtype != IR_INT8 && x->dtype != IR_UINT8 && x->dtype != IR_INT32)
        return rc_err(c, n, "input 'x'", "element type %s is not supported (int8, uint8, int32)",
                      ir_dtype_name(x->dtype));
    if (s->dtype != IR_FLOAT)
        return rc_err(c, n, sw, "'%s' must be float, got %s", rc_show(s->name),
                      ir_dtype_name(s->dtype));
    ydt = quant ? (z ? z->dtype : out_dt ? (int)out_dt : IR_UINT8) : IR_FLOAT;
    if (z && quant && z->dtype != IR_INT8 && z->dtype != IR_UINT8)
        return rc_err(c, n, zw, "'%s' must be int8 or uint8 (the output's type), got %s",
                      rc_show(z->name), ir_dtype_name(z->dtype));
    if (z && !quant && z->dtype != x->dtype)
        return rc_err(c, n, zw, "'%s' must have x's type %s, got %s", rc_show(z->name),
                      ir_dtype_name(x->dtype), ir_dtype_name(z->dtype));
    if (quant && ydt != IR_INT8 && ydt != IR_UINT8)
        return rc_err(c, n, "attribute output_dtype", "only int8 (3) and uint8 (2), got %d (%s)",
                      ydt, ir_dtype_name(ydt));
    if (out_dt && (int)out_dt != ydt)
        return rc_err(c, n, "attribute output_dtype",
                      "%" PRId64 " (%s) contradicts the output type %s the inputs give", out_dt,
                      ir_dtype_name((int)out_dt), ir_dtype_name(ydt));
    if (qdq_param_len(c, n, s, sw, &slen) || (z && qdq_param_len(c, n, z, zw, &zlen)))
        return -1;
    /* one value each is per tensor whatever the ranks (a scalar and a [1] mix in exports) */
    if (z && (zlen != slen || (slen != 1 && z->rank != s->rank)))
        return rc_err(c, n, zw,
                      "'%s' must have the scale's shape [%" PRId64 "], got %d-D of %" PRId64,
                      rc_show(z->name), slen, z->rank, zlen);
    p = gl_params_new(n, sizeof *p);
    p->axis = -1;
    if (s->rank == 1 && slen != 1) { /* per axis; a one-element scale is per tensor (as ORT) */
        int a;
        if (g->opset < 13)
            return rc_err(c, n, sw,
                          "'%s' has %" PRId64 " values: per-axis quantisation needs opset 13, the "
                          "model imports opset %" PRId64 " (scalar scales only)",
                          rc_show(s->name), slen, g->opset);
        if (gl_axis(c, n, "attribute axis", axis, x->rank, &a))
            return -1;
        if (x->dims[a] != slen)
            return rc_err(c, n, sw,
                          "'%s' has %" PRId64 " values, per-axis along axis %" PRId64
                          " needs x.shape[%d] = %" PRId64,
                          rc_show(s->name), slen, axis, a, x->dims[a]);
        p->axis = a;
    }
    ir_split_axis(x, p->axis, &p->outer, &p->len, &p->inner);
    /* constant parameters are checked now; run-time ones where they are used */
    for (int64_t i = 0; s->data && i < slen; i++) {
        float v = ((const float *)s->data)[i];
        if (!scale_ok(v))
            return rc_err(c, n, sw,
                          "'%s' element %" PRId64 " is %s (%.9g): a scale must be positive and "
                          "finite",
                          rc_show(s->name), i, scale_what(v), (double)v);
    }
    /* an 8-bit zero point holds its type's range by construction (the loader refuses an
     * int32_data value that does not fit); int32 has none */
    for (int64_t i = 0; z && z->data && !quant && x->dtype == IR_INT32 && i < zlen; i++) {
        int32_t v = ((const int32_t *)z->data)[i];
        if (v != 0)
            return rc_err(c, n, zw,
                          "'%s' element %" PRId64 " is %" PRId32
                          ": an int32 x has no zero point (it must be 0)",
                          rc_show(z->name), i, v);
    }
    return gl_set_out(c, g, n, 0, ydt, x->rank, x->dims);
}

/* Interpreter ------------------------------------------------------------ */

/* round half to even, on a double holding a float quotient (exact: floor and the fraction
 * of a double are exact) */
static double round_even(double q) {
    double r = floor(q), f = q - r;
    if (f > 0.5 || (f == 0.5 && fmod(r, 2.0) != 0))
        r += 1;
    return r;
}

static int qdq_interp(rc_ctx *c, const ir_graph *g, const ir_node *n, rc_values *v) {
    const qdq_params *p = n->params;
    const int quant = is_quant(n), zi = n->n_in > 2 ? n->in[2] : -1;
    const int xi = n->in[0], si = n->in[1], yi = n->out[0];
    const int ydt = g->t[yi].dtype;
    const int64_t slen = ir_numel(&g->t[si]);
    int64_t lo, hi;
    /* run-time scales: every one before anything is written */
    for (int64_t j = 0; j < slen; j++) {
        float s = (float)gl_get(g, v, si, j);
        if (!scale_ok(s))
            return rc_err(c, n, quant ? "input 'y_scale'" : "input 'x_scale'",
                          "'%s' element %" PRId64 " is %s (%.9g) at run time: a scale must be "
                          "positive and finite",
                          rc_show(g->t[si].name), j, scale_what(s), (double)s);
    }
    qdq_range(ydt, &lo, &hi);
    rc_values_alloc(v, g, yi);
    for (int64_t o = 0; o < p->outer; o++)
        for (int64_t j = 0; j < p->len; j++)
            for (int64_t k = 0; k < p->inner; k++) {
                const int64_t i = (o * p->len + j) * p->inner + k;
                const int64_t pj = p->axis < 0 ? 0 : j;
                const double s = gl_get(g, v, si, pj);
                const double z = zi >= 0 ? gl_get(g, v, zi, pj) : 0;
                const double x = gl_get(g, v, xi, i);
                if (quant) {
                    double q = (double)(float)(x / s); /* the float quotient, exactly */
                    double y = q != q ? z : round_even(q) + z;
                    gl_put(g, v, yi, i,
                           y < (double)lo   ? (double)lo
                           : y > (double)hi ? (double)hi
                                            : y);
                } else {
                    gl_put(g, v, yi, i, (x - z) * s); /* exact in double, rounded once */
                }
            }
    return 0;
}

/* Emitter ---------------------------------------------------------------- */

static int qdq_emit(rc_ctx *c, em_state *e, const ir_graph *g, const ir_node *n) {
    const qdq_params *p = n->params;
    const int quant = is_quant(n), zi = n->n_in > 2 ? n->in[2] : -1;
    const ir_tensor *s = &g->t[n->in[1]];
    const int ydt = g->t[n->out[0]].dtype, xdt = g->t[n->in[0]].dtype;
    const int64_t dims[3] = {p->outer, p->len, p->inner};
    const int64_t pst = p->axis < 0 ? 0 : 1;
    gl_operand ops[4] = {{em_tensor(e, n->out[0]), 0, {p->len * p->inner, p->inner, 1}},
                         {em_tensor(e, n->in[0]), 0, {p->len * p->inner, p->inner, 1}},
                         {em_tensor(e, n->in[1]), 0, {0, pst, 0}},
                         {zi >= 0 ? em_tensor(e, zi) : "", 0, {0, pst, 0}}};
    const char *z = zi >= 0 ? "$3" : "0";
    char body[768];
    int64_t lo, hi;
    (void)c;
    if (!s->data) { /* a run-time scale: checked before anything is written */
        e->has_loops = 1;
        em_printf(e,
                  "for (int j = 0; j < %" PRId64 "; ++j)\n"
                  "if (!(%s[j] > 0.0f && %s[j] - %s[j] == 0.0f))\n"
                  "return RNNRT_E_ARG;\n",
                  ir_numel(s), ops[2].ptr, ops[2].ptr, ops[2].ptr);
    }
    if (quant) {
        /* saturating before rounding is the same as after (the bounds are integers) and keeps
         * the float-to-int conversion defined; the rounding is written out, not left to the
         * FPU's current mode */
        qdq_range(ydt, &lo, &hi);
        snprintf(body, sizeof body,
                 "{\nfloat v_ = $1 / $2, f_;\nint32_t q_;\nconst float lo_ = (float)(%" PRId64
                 " - %s), hi_ = (float)(%" PRId64 " - %s);\n"
                 "if (v_ != v_) v_ = 0.0f;\n"
                 "v_ = v_ < lo_ ? lo_ : v_ > hi_ ? hi_ : v_;\n"
                 "f_ = floorf(v_); q_ = (int32_t)f_; v_ -= f_;\n"
                 "q_ += v_ > 0.5f || (v_ == 0.5f && q_ %% 2 != 0);\n"
                 "$0 = (%s)(q_ + %s);\n}",
                 lo, z, hi, z, em_ctype(ydt), z);
    } else if (xdt == IR_INT32) {
        snprintf(body, sizeof body, "$0 = (float)(((double)$1 - (double)%s) * (double)$2);", z);
    } else { /* an 8-bit difference times a float is exact in float's product: one rounding */
        snprintf(body, sizeof body, "$0 = (float)((int32_t)$1 - (int32_t)%s) * $2;", z);
    }
    gl_emit_map(e, 3, dims, ops, zi >= 0 ? 4 : 3, body);
    return 0;
}

/* A folded DequantizeLinear of 8-bit integers: its float output keeps the integers x - zero
 * point and each element's scale (ir_quant), so that the weights pass can store a weight that
 * arrived quantised at 8 bits, exactly, when its kernel rows each share one scale. */
static void dq_folded(ir_graph *g, const ir_node *n) {
    const qdq_params *p = n->params;
    const int zi = n->n_in > 2 ? n->in[2] : -1, xi = n->in[0], si = n->in[1];
    ir_tensor *y = &g->t[n->out[0]];
    const int xdt = g->t[xi].dtype;
    ir_quant *q;
    if ((xdt != IR_INT8 && xdt != IR_UINT8) || y->dtype != IR_FLOAT || y->quant)
        return;
    q = rc_xcalloc(1, sizeof *q);
    q->prec = RC_W_I8;
    q->q = rc_xcalloc((size_t)ir_numel(y) + 1, sizeof(float));
    q->elem_scale = rc_xcalloc((size_t)ir_numel(y) + 1, sizeof(float));
    for (int64_t o = 0; o < p->outer; o++)
        for (int64_t j = 0; j < p->len; j++)
            for (int64_t k = 0; k < p->inner; k++) {
                const int64_t i = (o * p->len + j) * p->inner + k, pj = p->axis < 0 ? 0 : j;
                const double z = zi >= 0 ? ir_get(g->t[zi].dtype, g->t[zi].data, pj) : 0;
                q->q[i] = (float)(ir_get(xdt, g->t[xi].data, i) - z);
                q->elem_scale[i] = (float)ir_get(g->t[si].dtype, g->t[si].data, pj);
            }
    y->quant = q;
}

/* Streaming: elementwise, unless the per-axis parameters vary along the time axis (a chunk
 * would read the wrong steps' scales). */
static int qdq_time(rc_ctx *c, const ir_graph *g, const ir_node *n, const int *in, int *out) {
    const qdq_params *p = n->params;
    (void)g;
    if (in[1] >= 0 || (n->n_in > 2 && in[2] >= 0))
        return gl_time_mixes(c, n, "its scale or zero point carries time");
    if (p->axis >= 0 && in[0] == p->axis)
        return gl_time_mixes(c, n, "its per-axis scale varies along the time axis");
    out[0] = in[0];
    return 0;
}

#define QDQ_OP(sym, name, fold)                                                                    \
    const rc_op_def rc_op_##sym = {                                                                \
        .op_type = name,                                                                           \
        .since = 10,                                                                               \
        .check = qdq_check,                                                                        \
        .interp = qdq_interp,                                                                      \
        .emit = qdq_emit,                                                                          \
        .time = qdq_time,                                                                          \
        .flops = gl_flops_elems,                                                                   \
        .params = gl_params_consts,                                                                \
        .free_params = gl_free,                                                                    \
        .folded = fold,                                                                            \
    };

QDQ_OP(quantize_linear, "QuantizeLinear", NULL)
QDQ_OP(dequantize_linear, "DequantizeLinear", dq_folded)
