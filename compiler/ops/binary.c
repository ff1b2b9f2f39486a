/* ops/binary.c — Add, Sub, Mul, Div (opsets 7, 13, 14): elementwise with
 * multidirectional (numpy) broadcasting, A and B of one element type: float, double and
 * every integer type (int8/16/32/64, uint8/16/32/64); float16/bfloat16 and bool are
 * refused. Integer arithmetic in generated code wraps (two's complement, computed in an
 * unsigned type so it never overflows), division truncates toward zero, a division by zero
 * gives 0 and INT_MIN / -1 gives INT_MIN. The interpreter is exact for every integer type
 * (no detour through double); it wraps like the generated code except for int32/int64,
 * the shape-arithmetic types, where an overflow is an error at the node that overflows,
 * and it refuses an integer division by zero. */
#include "glue.h"

#include <inttypes.h>
#include <stdio.h>

typedef enum bin_kind { BIN_ADD, BIN_SUB, BIN_MUL, BIN_DIV } bin_kind;

typedef struct bin_params {
    bin_kind kind;
} bin_params;

static bin_kind kind_of(const ir_node *n) {
    switch (n->op) {
    case RC_OP_ADD:
        return BIN_ADD;
    case RC_OP_SUB:
        return BIN_SUB;
    case RC_OP_MUL:
        return BIN_MUL;
    case RC_OP_DIV:
        return BIN_DIV;
    default:
        rc_die("binary: op %d", n->op);
    }
}

static int bin_check(rc_ctx *c, ir_graph *g, ir_node *n) {
    const ir_tensor *a, *b;
    bin_params *p;
    int64_t dims[IR_MAX_RANK];
    int rank;
    if (gl_arity(c, n, 2, 2, 2, 1) || gl_dtype(c, g, n, 0, "input 'A'", IR_UNDEFINED) ||
        gl_dtype(c, g, n, 1, "input 'B'", IR_UNDEFINED) || rc_attr_unused(c, g, n))
        return -1;
    a = ir_in(g, n, 0);
    b = ir_in(g, n, 1);
    if (a->dtype != b->dtype)
        return rc_err(c, n, "inputs", "A is %s but B is %s", ir_dtype_name(a->dtype),
                      ir_dtype_name(b->dtype));
    if (a->dtype != IR_FLOAT && a->dtype != IR_DOUBLE && !ir_dtype_is_int(a->dtype))
        return rc_err(c, n, "inputs",
                      "element type %s is not supported (float, double, int8..int64, "
                      "uint8..uint64)",
                      ir_dtype_name(a->dtype));
    if (gl_broadcast(c, n, a, b, &rank, dims))
        return -1;
    p = gl_params_new(n, sizeof *p);
    p->kind = kind_of(n);
    return gl_set_out(c, g, n, 0, a->dtype, rank, dims);
}

/* Whether x op z leaves [lo, hi] (or int64_t itself). Shape arithmetic that overflows is an
 * error at the node that overflows, not a wrapped value some later node trips over. */
static int int_overflows(int kind, int64_t x, int64_t z, int64_t lo, int64_t hi) {
    switch (kind) {
    case BIN_ADD:
        if ((z > 0 && x > INT64_MAX - z) || (z < 0 && x < INT64_MIN - z))
            return 1;
        return x + z < lo || x + z > hi;
    case BIN_SUB:
        if ((z < 0 && x > INT64_MAX + z) || (z > 0 && x < INT64_MIN + z))
            return 1;
        return x - z < lo || x - z > hi;
    case BIN_MUL:
        if (x == 0 || z == 0)
            return 0;
        if (x > 0 ? (z > 0 ? x > INT64_MAX / z : z < INT64_MIN / x)
                  : (z > 0 ? x < INT64_MIN / z : z < INT64_MAX / x))
            return 1;
        return x * z < lo || x * z > hi;
    default: /* division: only INT_MIN / -1 */
        return z == -1 && x == lo;
    }
}

/* x op z on integers of dtype (given as their bits widened to 64, see gl_get_bits), modulo
 * 2^64: the caller's gl_put_bits keeps the low bits, which is the wrapped result. */
static uint64_t int_op(int kind, int dtype, uint64_t x, uint64_t z) {
    switch (kind) {
    case BIN_ADD:
        return x + z;
    case BIN_SUB:
        return x - z;
    case BIN_MUL:
        return x * z;
    default:
        if (!gl_dtype_is_signed(dtype))
            return x / z;
        if ((int64_t)z == -1) /* x / -1 = -x, INT_MIN / -1 wraps to INT_MIN */
            return 0 - x;
        return (uint64_t)((int64_t)x / (int64_t)z);
    }
}

static int int_elem(rc_ctx *c, const ir_graph *g, const ir_node *n, rc_values *v, int64_t i,
                    int64_t ia, int64_t ib) {
    const bin_params *p = n->params;
    const int dtype = g->t[n->out[0]].dtype;
    uint64_t x = gl_get_bits(g, v, n->in[0], ia), z = gl_get_bits(g, v, n->in[1], ib);
    if (p->kind == BIN_DIV && z == 0)
        return rc_err(c, n, "input 'B'", "integer division by zero (element %" PRId64 ")", ib);
    if ((dtype == IR_INT64 || dtype == IR_INT32) &&
        int_overflows(p->kind, (int64_t)x, (int64_t)z, dtype == IR_INT64 ? INT64_MIN : INT32_MIN,
                      dtype == IR_INT64 ? INT64_MAX : INT32_MAX))
        return rc_err(c, n, "output",
                      "%s of %" PRId64 " and %" PRId64 " overflows %s (element %" PRId64 ")",
                      n->op_type, (int64_t)x, (int64_t)z, ir_dtype_name(dtype), i);
    gl_put_bits(g, v, n->out[0], i, int_op(p->kind, dtype, x, z));
    return 0;
}

static int bin_interp(rc_ctx *c, const ir_graph *g, const ir_node *n, rc_values *v) {
    const bin_params *p = n->params;
    const ir_tensor *a = &g->t[n->in[0]], *b = &g->t[n->in[1]], *y = &g->t[n->out[0]];
    int64_t idx[IR_MAX_RANK];
    rc_values_alloc(v, g, n->out[0]);
    for (int64_t i = 0; i < ir_numel(y); i++) {
        int64_t ia, ib;
        gl_unravel(i, y->rank, y->dims, idx);
        ia = gl_bcast_index(a, y->rank, idx);
        ib = gl_bcast_index(b, y->rank, idx);
        if (ir_dtype_is_int(y->dtype)) {
            /* integers stay integers: shape arithmetic must be exact */
            if (int_elem(c, g, n, v, i, ia, ib))
                return -1;
        } else {
            double x = gl_get(g, v, n->in[0], ia), z = gl_get(g, v, n->in[1], ib);
            double r = p->kind == BIN_ADD   ? x + z
                       : p->kind == BIN_SUB ? x - z
                       : p->kind == BIN_MUL ? x * z
                                            : x / z;
            gl_put(g, v, n->out[0], i, r);
        }
    }
    return 0;
}

/* The unsigned C type of dtype's width. */
static const char *utype(int dtype) {
    switch (ir_dtype_size(dtype)) {
    case 1:
        return "uint8_t";
    case 2:
        return "uint16_t";
    case 4:
        return "uint32_t";
    default:
        return "uint64_t";
    }
}

/* The body for an integer dtype. Operands are widened to W (uint32_t, or uint64_t for the
 * 64-bit types) before the operator: an unsigned type at least as wide as int, so neither
 * integer promotion to int (uint16 * uint16 overflows int) nor signed overflow can occur;
 * the result is narrowed to the unsigned type of the width (the wrap) and then to T. */
static void int_body(int kind, int dtype, char *buf, size_t size) {
    static const char opc[] = {'+', '-', '*'};
    const char *t = em_ctype(dtype), *u = utype(dtype);
    const char *w = ir_dtype_size(dtype) == 8 ? "uint64_t" : "uint32_t";
    if (kind != BIN_DIV)
        snprintf(buf, size, "$0 = (%s)(%s)((%s)$1 %c (%s)$2);", t, u, w, opc[kind], w);
    else if (gl_dtype_is_signed(dtype)) /* x / 0 = 0; x / -1 = -x, wrapping for INT_MIN */
        snprintf(buf, size,
                 "$0 = $2 == 0 ? 0 : ($2 == -1 ? (%s)(%s)(0u - (%s)$1) : (%s)($1 / $2));", t, u, w,
                 t);
    else
        snprintf(buf, size, "$0 = $2 == 0 ? 0 : (%s)($1 / $2);", t);
}

static int bin_emit(rc_ctx *c, em_state *e, const ir_graph *g, const ir_node *n) {
    const bin_params *p = n->params;
    const ir_tensor *a = &g->t[n->in[0]], *b = &g->t[n->in[1]], *y = &g->t[n->out[0]];
    gl_operand ops[3] = {{em_tensor(e, n->out[0]), 0, {0}},
                         {em_tensor(e, n->in[0]), 0, {0}},
                         {em_tensor(e, n->in[1]), 0, {0}}};
    static const char *const body[] = {"$0 = $1 + $2;", "$0 = $1 - $2;", "$0 = $1 * $2;",
                                       "$0 = $1 / $2;"};
    char ibody[192];
    (void)c;
    gl_strides(y->rank, y->dims, ops[0].st);
    gl_bcast_strides(a, y->rank, y->dims, ops[1].st);
    gl_bcast_strides(b, y->rank, y->dims, ops[2].st);
    if (!ir_dtype_is_int(y->dtype)) {
        gl_emit_map(e, y->rank, y->dims, ops, 3, body[p->kind]);
        return 0;
    }
    int_body(p->kind, y->dtype, ibody, sizeof ibody);
    gl_emit_map(e, y->rank, y->dims, ops, 3, ibody);
    return 0;
}

#define BIN_OP(sym, name)                                                                          \
    const rc_op_def rc_op_##sym = {                                                                \
        .op_type = name,                                                                           \
        .check = bin_check,                                                                        \
        .interp = bin_interp,                                                                      \
        .emit = bin_emit,                                                                          \
        .flops = gl_flops_elems,                                                                   \
        .params = gl_params_consts,                                                                \
        .free_params = gl_free,                                                                    \
        .time = gl_time_bcast,                                                                     \
    };

BIN_OP(add, "Add")
BIN_OP(sub, "Sub")
BIN_OP(mul, "Mul")
BIN_OP(div, "Div")
