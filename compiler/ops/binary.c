/* ops/binary.c — Add, Sub, Mul, Div (opsets 7, 13, 14): elementwise with
 * multidirectional (numpy) broadcasting. float at run time (a Linear head's
 * bias add); int64 too, mostly for shape arithmetic that folds away. Integer
 * division truncates toward zero; an integer division by zero gives 0 in
 * generated code and is an error in the interpreter. */
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
    if (a->dtype != IR_FLOAT && a->dtype != IR_INT64 && a->dtype != IR_INT32)
        return rc_err(c, n, "inputs", "element type %s is not supported (float, int64, int32)",
                      ir_dtype_name(a->dtype));
    if (gl_broadcast(c, n, a, b, &rank, dims))
        return -1;
    p = gl_params_new(n, sizeof *p);
    p->kind = kind_of(n);
    return gl_set_out(c, g, n, 0, a->dtype, rank, dims);
}

/* Index of the element of t that broadcasts to multi-index idx of y. */
static int64_t bcast_index(const ir_tensor *t, const ir_tensor *y, const int64_t *idx) {
    int64_t s = 0;
    for (int d = 0; d < t->rank; d++) {
        int dy = d + (y->rank - t->rank);
        s = s * t->dims[d] + (t->dims[d] == 1 ? 0 : idx[dy]);
    }
    return s;
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

static int bin_interp(rc_ctx *c, const ir_graph *g, const ir_node *n, rc_values *v) {
    const bin_params *p = n->params;
    const ir_tensor *a = &g->t[n->in[0]], *b = &g->t[n->in[1]], *y = &g->t[n->out[0]];
    int64_t idx[IR_MAX_RANK];
    rc_values_alloc(v, g, n->out[0]);
    for (int64_t i = 0; i < ir_numel(y); i++) {
        int64_t ia, ib;
        gl_unravel(i, y->rank, y->dims, idx);
        ia = bcast_index(a, y, idx);
        ib = bcast_index(b, y, idx);
        if (y->dtype == IR_FLOAT) {
            double x = ((const float *)v->data[n->in[0]])[ia];
            double z = ((const float *)v->data[n->in[1]])[ib];
            double r = p->kind == BIN_ADD   ? x + z
                       : p->kind == BIN_SUB ? x - z
                       : p->kind == BIN_MUL ? x * z
                                            : x / z;
            ((float *)v->data[n->out[0]])[i] = (float)r;
        } else {
            /* integers stay integers: shape arithmetic must be exact */
            int64_t x = y->dtype == IR_INT64 ? ((const int64_t *)v->data[n->in[0]])[ia]
                                             : ((const int32_t *)v->data[n->in[0]])[ia];
            int64_t z = y->dtype == IR_INT64 ? ((const int64_t *)v->data[n->in[1]])[ib]
                                             : ((const int32_t *)v->data[n->in[1]])[ib];
            int64_t r;
            if (p->kind == BIN_DIV && z == 0)
                return rc_err(c, n, "input 'B'", "integer division by zero (element %" PRId64 ")",
                              ib);
            if (int_overflows(p->kind, x, z, y->dtype == IR_INT64 ? INT64_MIN : INT32_MIN,
                              y->dtype == IR_INT64 ? INT64_MAX : INT32_MAX))
                return rc_err(c, n, "output",
                              "%s of %" PRId64 " and %" PRId64 " overflows %s (element %" PRId64
                              ")",
                              n->op_type, x, z, ir_dtype_name(y->dtype), i);
            r = p->kind == BIN_ADD   ? x + z
                : p->kind == BIN_SUB ? x - z
                : p->kind == BIN_MUL ? x * z
                                     : x / z;
            if (y->dtype == IR_INT64)
                ((int64_t *)v->data[n->out[0]])[i] = r;
            else
                ((int32_t *)v->data[n->out[0]])[i] = (int32_t)r;
        }
    }
    return 0;
}

static int bin_emit(rc_ctx *c, em_state *e, const ir_graph *g, const ir_node *n) {
    const bin_params *p = n->params;
    const ir_tensor *a = &g->t[n->in[0]], *b = &g->t[n->in[1]], *y = &g->t[n->out[0]];
    gl_operand ops[3] = {{em_tensor(e, n->out[0]), 0, {0}},
                         {em_tensor(e, n->in[0]), 0, {0}},
                         {em_tensor(e, n->in[1]), 0, {0}}};
    static const char *const body[] = {"$0 = $1 + $2;", "$0 = $1 - $2;", "$0 = $1 * $2;",
                                       "$0 = $1 / $2;"};
    (void)c;
    gl_strides(y->rank, y->dims, ops[0].st);
    gl_bcast_strides(a, y->rank, y->dims, ops[1].st);
    gl_bcast_strides(b, y->rank, y->dims, ops[2].st);
    /* integers at run time wrap (two's complement) instead of overflowing, which would be
     * undefined behaviour: arithmetic in the unsigned type, division guarded */
    static const char *const ibody[2][4] = {
        {"$0 = (int64_t)((uint64_t)$1 + (uint64_t)$2);",
         "$0 = (int64_t)((uint64_t)$1 - (uint64_t)$2);",
         "$0 = (int64_t)((uint64_t)$1 * (uint64_t)$2);",
         "$0 = $2 == 0 ? 0 : ($2 == -1 ? (int64_t)(0u - (uint64_t)$1) : $1 / $2);"},
        {"$0 = (int32_t)((uint32_t)$1 + (uint32_t)$2);",
         "$0 = (int32_t)((uint32_t)$1 - (uint32_t)$2);",
         "$0 = (int32_t)((uint32_t)$1 * (uint32_t)$2);",
         "$0 = $2 == 0 ? 0 : ($2 == -1 ? (int32_t)(0u - (uint32_t)$1) : $1 / $2);"}};
    if (y->dtype == IR_FLOAT)
        gl_emit_map(e, y->rank, y->dims, ops, 3, body[p->kind]);
    else
        gl_emit_map(e, y->rank, y->dims, ops, 3, ibody[y->dtype == IR_INT32][p->kind]);
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
