/* ops/qint.c — DynamicQuantizeLinear (opset >= 11) and MatMulInteger (opset >= 10), the
 * default-domain operators of ONNX Runtime's dynamic quantisation of a MatMul:
 *
 *   x -> DynamicQuantizeLinear -> (x_q, x_scale, x_zp)
 *   MatMulInteger(x_q, W_q, x_zp, W_zp) -> Cast(float) -> Mul(x_scale * W_scale) [-> Add(bias)]
 *
 * DynamicQuantizeLinear (uint8 only, as the spec says), in float arithmetic as the spec's
 * function body writes it: lo = min(0, min(x)), hi = max(0, max(x)), y_scale = (hi - lo) / 255,
 * y_zero_point = round_half_to_even(saturate(0 - lo / y_scale)), y = saturate(round_half_to_even(
 * x / y_scale) + y_zero_point). NaN elements do not take part in the range and quantise to the
 * zero point; an all-zero x (hi == lo) gets y_scale 1, as ONNX Runtime gives it (the
 * function body would divide 0 by 0), so zero point 0 and y 0.
 *
 * MatMulInteger: Y (int32) = (A - a_zero_point) x (B - b_zero_point), A and B int8 or uint8
 * (each zero point of its operand's type), with A of any rank >= 1 (its leading dimensions are
 * rows) and B 2-D [K][N]; a_zero_point a scalar (or one element) or, for a 2-D A, one per row
 * [M]; b_zero_point a scalar or one per column [N]. Products are accumulated exactly (64-bit)
 * and the sum wraps to int32 as ONNX Runtime's 32-bit accumulation does. Refused: a batched
 * (N-D) B and the N-D zero point forms of batched operands. */
#include "glue.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* DynamicQuantizeLinear ----------------------------------------------------------------------- */

static int dql_check(rc_ctx *c, ir_graph *g, ir_node *n) {
    const ir_tensor *x;
    static const int64_t none[1] = {0};
    if (gl_arity(c, n, 1, 1, 1, 3) || gl_dtype(c, g, n, 0, "input 'x'", IR_FLOAT) ||
        rc_attr_unused(c, g, n))
        return -1;
    if (n->n_out != 3)
        return rc_err(c, n, "outputs", "has 3 outputs (y, y_scale, y_zero_point), got %d",
                      n->n_out);
    x = ir_in(g, n, 0);
    gl_params_new(n, sizeof(int)); /* nothing to keep, but every checked node has params */
    if (gl_set_out(c, g, n, 0, IR_UINT8, x->rank, x->dims) ||
        gl_set_out(c, g, n, 1, IR_FLOAT, 0, none))
        return -1;
    return gl_set_out(c, g, n, 2, IR_UINT8, 0, none);
}

/* round half to even of a double holding a float value (floor and the fraction are exact) */
static double dql_round(double q) {
    double r = floor(q), f = q - r;
    if (f > 0.5 || (f == 0.5 && fmod(r, 2.0) != 0))
        r += 1;
    return r;
}

static double dql_clamp(double v, double lo, double hi) { return v < lo ? lo : v > hi ? hi : v; }

static int dql_interp(rc_ctx *c, const ir_graph *g, const ir_node *n, rc_values *v) {
    const int xi = n->in[0];
    const int64_t count = ir_numel(&g->t[xi]);
    double lo = 0, hi = 0, s, zf, zp;
    (void)c;
    for (int64_t i = 0; i < count; i++) {
        double x = gl_get(g, v, xi, i);
        lo = x < lo ? x : lo; /* NaN compares false: it does not widen the range */
        hi = x > hi ? x : hi;
    }
    /* each step is one float operation: computed in double, rounded to float */
    s = hi == lo ? 1.0 : (double)(float)((double)(float)(hi - lo) / 255.0);
    zf = (double)(float)(0.0 - (double)(float)(lo / s));
    /* NaN only when the range underflows to a 0 scale with min 0 (0 / 0): zero point 0 */
    zp = zf != zf ? 0 : dql_round(dql_clamp(zf, 0, 255));
    for (int k = 0; k < 3; k++)
        if (n->out[k] >= 0)
            rc_values_alloc(v, g, n->out[k]);
    if (n->out[1] >= 0)
        gl_put(g, v, n->out[1], 0, s);
    if (n->out[2] >= 0)
        gl_put(g, v, n->out[2], 0, zp);
    for (int64_t i = 0; n->out[0] >= 0 && i < count; i++) {
        double q = (double)(float)(gl_get(g, v, xi, i) / s);
        gl_put(g, v, n->out[0], i, dql_clamp(q != q ? zp : dql_round(q) + zp, 0, 255));
    }
    return 0;
}

static int dql_emit(rc_ctx *c, em_state *e, const ir_graph *g, const ir_node *n) {
    const int64_t count = ir_numel(&g->t[n->in[0]]);
    const char *x = em_tensor(e, n->in[0]);
    (void)c;
    e->has_loops = 1;
    em_printf(e, "{\nfloat lo_ = 0.0f, hi_ = 0.0f, s_, zf_;\nint32_t zp_;\n");
    em_printf(e, "for (int i = 0; i < %" PRId64 "; ++i) {\n", count);
    em_printf(e, "const float v_ = %s[i];\nif (v_ < lo_)\nlo_ = v_;\nif (v_ > hi_)\nhi_ = v_;\n}\n",
              x);
    em_printf(e, "s_ = hi_ == lo_ ? 1.0f : (hi_ - lo_) / 255.0f;\nzf_ = 0.0f - lo_ / s_;\n"
                 "if (zf_ != zf_)\nzf_ = 0.0f;\n"
                 "zf_ = zf_ < 0.0f ? 0.0f : zf_ > 255.0f ? 255.0f : zf_;\n"
                 "zp_ = (int32_t)floorf(zf_);\nzf_ -= (float)zp_;\n"
                 "zp_ += zf_ > 0.5f || (zf_ == 0.5f && zp_ %% 2 != 0);\n");
    if (n->out[1] >= 0)
        em_printf(e, "%s[0] = s_;\n", em_tensor(e, n->out[1]));
    if (n->out[2] >= 0)
        em_printf(e, "%s[0] = (uint8_t)zp_;\n", em_tensor(e, n->out[2]));
    if (n->out[0] >= 0) {
        /* as QuantizeLinear: saturate (integer bounds) before rounding, round by hand */
        em_printf(e, "for (int i = 0; i < %" PRId64 "; ++i) {\n", count);
        em_printf(e,
                  "float v_ = %s[i] / s_, f_;\nint32_t q_;\nif (v_ != v_)\nv_ = 0.0f;\n"
                  "v_ = v_ < (float)(0 - zp_) ? (float)(0 - zp_) : v_ > (float)(255 - zp_) ? "
                  "(float)(255 - zp_) : v_;\n"
                  "f_ = floorf(v_);\nq_ = (int32_t)f_;\nv_ -= f_;\n"
                  "q_ += v_ > 0.5f || (v_ == 0.5f && q_ %% 2 != 0);\n"
                  "%s[i] = (uint8_t)(q_ + zp_);\n}\n",
                  x, em_tensor(e, n->out[0]));
    }
    em_printf(e, "}\n");
    return 0;
}

static int dql_time(rc_ctx *c, const ir_graph *g, const ir_node *n, const int *in, int *out) {
    (void)g;
    if (in[0] >= 0)
        return gl_time_mixes(c, n, "its scale is the range of the whole input");
    out[0] = out[1] = out[2] = -1;
    return 0;
}

const rc_op_def rc_op_dynamic_quantize_linear = {
    .op_type = "DynamicQuantizeLinear",
    .since = 11,
    .check = dql_check,
    .interp = dql_interp,
    .emit = dql_emit,
    .time = dql_time,
    .flops = gl_flops_elems,
    .params = gl_params_consts,
    .free_params = gl_free,
};

/* MatMulInteger ---------------------------------------------------------------------------------
 */

typedef struct mmi_params {
    int64_t p, m, k, n; /* A as [p][k] (p rows, m of them per matrix), B [k][n] */
    int a_rows, b_cols; /* the zero point is per row of A / per column of B */
} mmi_params;

static int mmi_zero_point(rc_ctx *c, const ir_graph *g, ir_node *n, int k, const char *what,
                          int dtype, int64_t per, int *per_out) {
    const ir_tensor *z = ir_in(g, n, k);
    *per_out = 0;
    if (!z)
        return 0;
    if (z->dtype != dtype)
        return rc_err(c, n, what, "'%s' must have its operand's type %s, got %s", rc_show(z->name),
                      ir_dtype_name(dtype), ir_dtype_name(z->dtype));
    if (ir_numel(z) == 1 && z->rank <= 1)
        return 0;
    if (z->rank == 1 && per > 0 && z->dims[0] == per) {
        *per_out = 1;
        return 0;
    }
    {
        char sz[256];
        ir_shape_str(z, sz, sizeof sz);
        if (per > 0)
            return rc_err(c, n, what, "'%s' must be a scalar or 1-D of %" PRId64 " values, got %s",
                          rc_show(z->name), per, sz);
        return rc_err(c, n, what,
                      "'%s' must be a scalar for a batched operand (per-row zero points of "
                      "N-D operands are not implemented), got %s",
                      rc_show(z->name), sz);
    }
}

static int mmi_check(rc_ctx *c, ir_graph *g, ir_node *n) {
    const ir_tensor *a, *b;
    mmi_params *p;
    int64_t dims[IR_MAX_RANK];
    if (gl_arity(c, n, 2, 4, 2, 1) || gl_dtype(c, g, n, 0, "input 'A'", IR_UNDEFINED) ||
        gl_dtype(c, g, n, 1, "input 'B'", IR_UNDEFINED) ||
        gl_dtype(c, g, n, 2, "input 'a_zero_point'", IR_UNDEFINED) ||
        gl_dtype(c, g, n, 3, "input 'b_zero_point'", IR_UNDEFINED) || rc_attr_unused(c, g, n))
        return -1;
    a = ir_in(g, n, 0), b = ir_in(g, n, 1);
    if (a->dtype != IR_INT8 && a->dtype != IR_UINT8)
        return rc_err(c, n, "input 'A'", "must be int8 or uint8, got %s", ir_dtype_name(a->dtype));
    if (b->dtype != IR_INT8 && b->dtype != IR_UINT8)
        return rc_err(c, n, "input 'B'", "must be int8 or uint8, got %s", ir_dtype_name(b->dtype));
    if (a->rank < 1)
        return rc_err(c, n, "input 'A'", "must have rank >= 1, got a scalar");
    if (b->rank != 2)
        return rc_err(c, n, "input 'B'",
                      "must be 2-D [K][N] (batched or 1-D B is not implemented), got rank %d",
                      b->rank);
    if (a->dims[a->rank - 1] != b->dims[0])
        return rc_err(c, n, "inputs",
                      "A's last dimension %" PRId64 " must equal B's first dimension %" PRId64,
                      a->dims[a->rank - 1], b->dims[0]);
    p = gl_params_new(n, sizeof *p);
    p->k = b->dims[0], p->n = b->dims[1];
    p->p = p->k ? ir_numel(a) / p->k : 0;
    if (p->k == 0) { /* rows of an empty reduction: the product of A's leading dims */
        p->p = 1;
        for (int d = 0; d < a->rank - 1; d++)
            p->p *= a->dims[d];
    }
    p->m = a->rank >= 2 ? a->dims[a->rank - 2] : 1;
    if (mmi_zero_point(c, g, n, 2, "input 'a_zero_point'", a->dtype, a->rank == 2 ? p->m : 0,
                       &p->a_rows) ||
        mmi_zero_point(c, g, n, 3, "input 'b_zero_point'", b->dtype, p->n, &p->b_cols))
        return -1;
    for (int d = 0; d < a->rank - 1; d++)
        dims[d] = a->dims[d];
    dims[a->rank - 1] = p->n;
    return gl_set_out(c, g, n, 0, IR_INT32, a->rank, dims);
}

static int mmi_interp(rc_ctx *c, const ir_graph *g, const ir_node *n, rc_values *v) {
    const mmi_params *p = n->params;
    const int za = n->n_in > 2 ? n->in[2] : -1, zb = n->n_in > 3 ? n->in[3] : -1;
    (void)c;
    rc_values_alloc(v, g, n->out[0]);
    for (int64_t r = 0; r < p->p; r++)
        for (int64_t j = 0; j < p->n; j++) {
            int64_t acc = 0; /* exact: |each product| <= 255 * 255 */
            const int64_t az = za >= 0 ? (int64_t)gl_get(g, v, za, p->a_rows ? r % p->m : 0) : 0;
            const int64_t bz = zb >= 0 ? (int64_t)gl_get(g, v, zb, p->b_cols ? j : 0) : 0;
            for (int64_t k = 0; k < p->k; k++)
                acc += ((int64_t)gl_get(g, v, n->in[0], r * p->k + k) - az) *
                       ((int64_t)gl_get(g, v, n->in[1], k * p->n + j) - bz);
            gl_put_bits(g, v, n->out[0], r * p->n + j, (uint64_t)acc); /* wraps to int32 */
        }
    return 0;
}

static int mmi_emit(rc_ctx *c, em_state *e, const ir_graph *g, const ir_node *n) {
    const mmi_params *p = n->params;
    const int za = n->n_in > 2 ? n->in[2] : -1, zb = n->n_in > 3 ? n->in[3] : -1;
    char az[512], bz[512];
    (void)c, (void)g;
    if (za >= 0 && p->a_rows) /* the row within its matrix */
        snprintf(az, sizeof az, "(int32_t)%s[r %% %" PRId64 "]", em_tensor(e, za), p->m);
    else if (za >= 0)
        snprintf(az, sizeof az, "(int32_t)%s[0]", em_tensor(e, za));
    else
        snprintf(az, sizeof az, "0");
    if (zb >= 0)
        snprintf(bz, sizeof bz, "(int32_t)%s[%s]", em_tensor(e, zb), p->b_cols ? "j" : "0");
    else
        snprintf(bz, sizeof bz, "0");
    e->has_loops = 1;
    em_printf(e, "for (int r = 0; r < %" PRId64 "; ++r)\n", p->p);
    em_printf(e, "for (int j = 0; j < %" PRId64 "; ++j) {\n", p->n);
    em_printf(e, "int64_t acc_ = 0;\n");
    em_printf(e, "for (int k = 0; k < %" PRId64 "; ++k)\n", p->k);
    em_printf(e,
              "acc_ += (int64_t)((int32_t)%s[r * %" PRId64 " + k] - %s) * ((int32_t)%s[k * %" PRId64
              " + j] - %s);\n",
              em_tensor(e, n->in[0]), p->k, az, em_tensor(e, n->in[1]), p->n, bz);
    /* the low 32 bits (ONNX Runtime accumulates in int32) */
    em_printf(e, "%s[r * %" PRId64 " + j] = (int32_t)(uint32_t)(uint64_t)acc_;\n}\n",
              em_tensor(e, n->out[0]), p->n);
    return 0;
}

static double mmi_macs(const ir_graph *g, const ir_node *n) {
    const mmi_params *p = n->params;
    (void)g;
    return (double)p->p * (double)p->n * (double)p->k;
}

static double mmi_flops(const ir_graph *g, const ir_node *n) { return 2 * mmi_macs(g, n); }

/* The weight B (int8/uint8, which gl_params_consts does not count) is the learned part. */
static void mmi_params_count(const ir_graph *g, const ir_node *n, int64_t *in_model,
                             int64_t *at_run_time) {
    const ir_tensor *b = ir_in(g, n, 1);
    *(b->data ? in_model : at_run_time) += ir_numel(b);
}

/* Streaming: the rows of A carry time when its time axis is not the reduced last one. */
static int mmi_time(rc_ctx *c, const ir_graph *g, const ir_node *n, const int *in, int *out) {
    const ir_tensor *a = ir_in(g, n, 0);
    const mmi_params *p = n->params;
    if (in[1] >= 0 || (n->n_in > 2 && in[2] >= 0) || (n->n_in > 3 && in[3] >= 0))
        return gl_time_mixes(c, n, "its B or a zero point carries time");
    if (in[0] >= 0 && in[0] == a->rank - 1)
        return gl_time_mixes(c, n, "it reduces along the time axis");
    if (in[0] >= 0 && p->a_rows && in[0] == a->rank - 2)
        return gl_time_mixes(c, n, "its per-row zero points vary along the time axis");
    out[0] = in[0];
    return 0;
}

const rc_op_def rc_op_mat_mul_integer = {
    .op_type = "MatMulInteger",
    .since = 10,
    .check = mmi_check,
    .interp = mmi_interp,
    .emit = mmi_emit,
    .time = mmi_time,
    .flops = mmi_flops,
    .macs = mmi_macs,
    .params = mmi_params_count,
    .free_params = gl_free,
};
