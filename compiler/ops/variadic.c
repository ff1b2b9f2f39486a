/* ops/variadic.c — Max, Min (opsets 6, 8, 12, 13), Sum, Mean (opsets 6, 8, 13): one output
 * from 1..N inputs of one element type, elementwise with multidirectional (numpy)
 * broadcasting from opset 8 (before that the inputs must have one shape).
 * Max/Min: float, double, float16, and from opset 12 every integer type; a NaN operand
 * makes the result NaN (numpy.maximum/minimum), otherwise the result is one of the
 * operands bit for bit. Sum/Mean: float and double, summed left to right in the element
 * type, Mean = Sum / N. Refused: bfloat16, bool, float16 Sum/Mean, integer Sum/Mean.
 * The interpreter compares exactly (integers as integers) and sums in double. */
#include "glue.h"

#include <math.h>
#include <stdio.h>

typedef enum var_kind { VAR_MAX, VAR_MIN, VAR_SUM, VAR_MEAN } var_kind;

typedef struct var_params {
    var_kind kind;
} var_params;

/* Inputs one generated loop nest reads: gl_emit_map takes at most 4 operands, $0..$3. */
#define VAR_CHUNK 3

static var_kind kind_of(const ir_node *n) {
    switch (n->op) {
    case RC_OP_MAX:
        return VAR_MAX;
    case RC_OP_MIN:
        return VAR_MIN;
    case RC_OP_SUM:
        return VAR_SUM;
    case RC_OP_MEAN:
        return VAR_MEAN;
    default:
        rc_die("variadic: op %d", n->op);
    }
}

static int dtype_ok(rc_ctx *c, const ir_graph *g, ir_node *n, var_kind kind, int dtype) {
    const int minmax = kind == VAR_MAX || kind == VAR_MIN;
    if (dtype == IR_FLOAT || dtype == IR_DOUBLE || (minmax && dtype == IR_FLOAT16))
        return 0;
    if (minmax && ir_dtype_is_int(dtype)) {
        if (g->opset >= 12)
            return 0;
        return rc_err(c, n, "inputs",
                      "integer element types (%s) need opset 12 or later, this model has %d",
                      ir_dtype_name(dtype), (int)g->opset);
    }
    return rc_err(c, n, "inputs", "element type %s is not supported (%s)", ir_dtype_name(dtype),
                  minmax ? "float, double, float16, int8..int64, uint8..uint64" : "float, double");
}

static int var_check(rc_ctx *c, ir_graph *g, ir_node *n) {
    ir_tensor acc; /* the broadcast shape so far */
    var_params *p;
    if (gl_arity(c, n, 1, 1 << 20, n->n_in, 1) || rc_attr_unused(c, g, n))
        return -1;
    if (g->opset < 6)
        return rc_err(c, n, "opset", "opsets before 6 are not supported, got %d", (int)g->opset);
    for (int k = 0; k < n->n_in; k++)
        if (gl_dtype(c, g, n, k, "inputs", IR_UNDEFINED))
            return -1;
    acc = *ir_in(g, n, 0);
    if (dtype_ok(c, g, n, kind_of(n), acc.dtype))
        return -1;
    for (int k = 1; k < n->n_in; k++) {
        const ir_tensor *t = ir_in(g, n, k);
        if (t->dtype != acc.dtype)
            return rc_err(c, n, "inputs", "input 0 is %s but input %d is %s",
                          ir_dtype_name(acc.dtype), k, ir_dtype_name(t->dtype));
        if (g->opset < 8 && !ir_same_type(t, ir_in(g, n, 0)))
            return rc_err(c, n, "inputs",
                          "before opset 8 the inputs must have one shape (no broadcasting); "
                          "input %d differs from input 0 (opset %d)",
                          k, (int)g->opset);
        if (gl_broadcast(c, n, &acc, t, &acc.rank, acc.dims))
            return -1;
    }
    p = gl_params_new(n, sizeof *p);
    p->kind = kind_of(n);
    return gl_set_out(c, g, n, 0, acc.dtype, acc.rank, acc.dims);
}

/* Whether integer x (bits of dtype) is past m in the direction of kind (> for Max). */
static int int_beats(var_kind kind, int dtype, uint64_t x, uint64_t m) {
    if (gl_dtype_is_signed(dtype))
        return kind == VAR_MAX ? (int64_t)x > (int64_t)m : (int64_t)x < (int64_t)m;
    return kind == VAR_MAX ? x > m : x < m;
}

/* Output element i from the input elements at multi-index idx. */
static void var_elem(const ir_graph *g, const ir_node *n, rc_values *v, int64_t i,
                     const int64_t *idx) {
    const var_params *p = n->params;
    const ir_tensor *y = &g->t[n->out[0]];
    if (ir_dtype_is_int(y->dtype)) {
        uint64_t m = gl_get_bits(g, v, n->in[0], gl_bcast_index(&g->t[n->in[0]], y->rank, idx));
        for (int k = 1; k < n->n_in; k++) {
            uint64_t x = gl_get_bits(g, v, n->in[k], gl_bcast_index(&g->t[n->in[k]], y->rank, idx));
            if (int_beats(p->kind, y->dtype, x, m))
                m = x;
        }
        gl_put_bits(g, v, n->out[0], i, m);
        return;
    }
    double m = gl_get(g, v, n->in[0], gl_bcast_index(&g->t[n->in[0]], y->rank, idx));
    for (int k = 1; k < n->n_in; k++) {
        double x = gl_get(g, v, n->in[k], gl_bcast_index(&g->t[n->in[k]], y->rank, idx));
        if (p->kind == VAR_SUM || p->kind == VAR_MEAN)
            m += x;
        else if (isnan(x) || (p->kind == VAR_MAX ? x > m : x < m)) /* NaN sticks */
            m = x;
    }
    gl_put(g, v, n->out[0], i, p->kind == VAR_MEAN ? m / n->n_in : m);
}

static int var_interp(rc_ctx *c, const ir_graph *g, const ir_node *n, rc_values *v) {
    const ir_tensor *y = &g->t[n->out[0]];
    int64_t idx[IR_MAX_RANK];
    (void)c;
    rc_values_alloc(v, g, n->out[0]);
    for (int64_t i = 0; i < ir_numel(y); i++) {
        gl_unravel(i, y->rank, y->dims, idx);
        var_elem(g, n, v, i, idx);
    }
    return 0;
}

/* The loop body combining operands $1..$m into $0; last: the final pass (Mean divides). */
static void var_body(rc_buf *b, var_kind kind, int dtype, int m, int last, int total) {
    const char *t = em_ctype(dtype);
    if (kind == VAR_SUM || kind == VAR_MEAN) {
        char lit[64];
        rc_buf_puts(b, last && kind == VAR_MEAN ? "$0 = ($1" : "$0 = $1");
        for (int k = 2; k <= m; k++)
            rc_buf_printf(b, " + $%d", k);
        gl_float_lit(dtype, total, lit, sizeof lit);
        rc_buf_printf(b, last && kind == VAR_MEAN ? ") / %s;" : ";", lit);
        return;
    }
    const char *cmp = kind == VAR_MAX ? ">" : "<";
    if (dtype == IR_FLOAT16) { /* compared as float, the chosen operand's bits kept */
        rc_buf_puts(b, "{ uint16_t m_ = $1; float f_ = rnnrt_f16_to_f32(m_);");
        for (int k = 2; k <= m; k++)
            rc_buf_printf(b,
                          " { const float g_ = rnnrt_f16_to_f32($%d); if (isnan(g_) || g_ %s f_) "
                          "{ m_ = $%d; f_ = g_; } }",
                          k, cmp, k);
        rc_buf_puts(b, " $0 = m_; }");
        return;
    }
    rc_buf_printf(b, "{ %s m_ = $1;", t);
    for (int k = 2; k <= m; k++) {
        if (ir_dtype_is_int(dtype))
            rc_buf_printf(b, " if ($%d %s m_) m_ = $%d;", k, cmp, k);
        else /* a NaN operand sticks: every later comparison with it is false */
            rc_buf_printf(b, " if (isnan($%d) || $%d %s m_) m_ = $%d;", k, k, cmp, k);
    }
    rc_buf_puts(b, " $0 = m_; }");
}

/* Passes of at most VAR_CHUNK operands: the first reads inputs 0..2, every later one the
 * output so far ($1) and the next 2 inputs. */
static int var_emit(rc_ctx *c, em_state *e, const ir_graph *g, const ir_node *n) {
    const var_params *p = n->params;
    const ir_tensor *y = &g->t[n->out[0]];
    gl_operand ops[VAR_CHUNK + 1];
    int k = 0;
    (void)c;
    ops[0].ptr = em_tensor(e, n->out[0]);
    ops[0].off = 0;
    gl_strides(y->rank, y->dims, ops[0].st);
    while (k < n->n_in) {
        int m = 0;
        rc_buf b = {0};
        if (k > 0)
            ops[++m] = ops[0];
        for (; m < VAR_CHUNK && k < n->n_in; k++) {
            m++;
            ops[m].ptr = em_tensor(e, n->in[k]);
            ops[m].off = 0;
            gl_bcast_strides(&g->t[n->in[k]], y->rank, y->dims, ops[m].st);
        }
        var_body(&b, p->kind, y->dtype, m, k == n->n_in, n->n_in);
        gl_emit_map(e, y->rank, y->dims, ops, m + 1, b.p);
        rc_buf_free(&b);
    }
    return 0;
}

/* N - 1 operations per output element (a Mean also divides). */
static double var_flops(const ir_graph *g, const ir_node *n) {
    const var_params *p = n->params;
    return (double)ir_numel(&g->t[n->out[0]]) * (n->n_in - (p->kind == VAR_MEAN ? 0 : 1));
}

#define VAR_OP(sym, name)                                                                          \
    const rc_op_def rc_op_##sym = {                                                                \
        .op_type = name,                                                                           \
        .check = var_check,                                                                        \
        .interp = var_interp,                                                                      \
        .emit = var_emit,                                                                          \
        .flops = var_flops,                                                                        \
        .params = gl_params_consts,                                                                \
        .free_params = gl_free,                                                                    \
        .time = gl_time_bcast,                                                                     \
    };

VAR_OP(max, "Max")
VAR_OP(min, "Min")
VAR_OP(sum, "Sum")
VAR_OP(mean, "Mean")
