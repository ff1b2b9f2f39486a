/* ops/compare.c — comparisons Equal (opsets 7, 11, 13, 19), Less, Greater (7, 9, 13),
 * LessOrEqual, GreaterOrEqual (12, 16); logic And, Or, Xor (7) on bool; and Where (9, 16).
 * All broadcast multidirectionally (numpy). Comparisons take two inputs of one numeric dtype
 * (every integer type, float, double, float16, bfloat16; Equal also bool) and give bool; NaN
 * compares unequal to everything, as in IEEE and numpy. Where(condition bool, X, Y) picks X
 * where condition is true, any dtype for X and Y (the same). bool is uint8_t 0/1 in generated
 * code. The interpreter compares integers exactly (never through double). */
#include "glue.h"

#include <stdio.h>
#include <string.h>

typedef struct cmp_params {
    int unused;
} cmp_params;

static int is_logic(rc_op op) { return op == RC_OP_AND || op == RC_OP_OR || op == RC_OP_XOR; }

static int cmp_check(rc_ctx *c, ir_graph *g, ir_node *n) {
    const ir_tensor *a, *b;
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
    if (is_logic(n->op) && a->dtype != IR_BOOL)
        return rc_err(c, n, "inputs", "must be bool, got %s", ir_dtype_name(a->dtype));
    if (a->dtype == IR_BOOL && !is_logic(n->op) && n->op != RC_OP_EQUAL)
        return rc_err(c, n, "inputs", "%s of bool is not defined", n->op_type);
    if (gl_broadcast(c, n, a, b, &rank, dims))
        return -1;
    gl_params_new(n, sizeof(cmp_params));
    return gl_set_out(c, g, n, 0, IR_BOOL, rank, dims);
}

/* -1, 0, 1 for a < b, a == b, a > b; 2 when unordered (a NaN). */
static int compare_elems(int dt, const void *pa, int64_t ia, const void *pb, int64_t ib) {
    if (dt == IR_INT64 || dt == IR_UINT64) { /* exact beyond 2^53 */
        if (dt == IR_INT64) {
            int64_t x = ((const int64_t *)pa)[ia], y = ((const int64_t *)pb)[ib];
            return x < y ? -1 : x > y;
        } else {
            uint64_t x = ((const uint64_t *)pa)[ia], y = ((const uint64_t *)pb)[ib];
            return x < y ? -1 : x > y;
        }
    } else {
        double x = ir_get(dt, pa, ia), y = ir_get(dt, pb, ib);
        return x < y ? -1 : x > y ? 1 : x == y ? 0 : 2;
    }
}

static int cmp_result(rc_op op, int r, int x, int y) {
    switch (op) {
    case RC_OP_EQUAL:
        return r == 0;
    case RC_OP_LESS:
        return r == -1;
    case RC_OP_GREATER:
        return r == 1;
    case RC_OP_LESS_OR_EQUAL:
        return r == -1 || r == 0;
    case RC_OP_GREATER_OR_EQUAL:
        return r == 1 || r == 0;
    case RC_OP_AND:
        return x && y;
    case RC_OP_OR:
        return x || y;
    case RC_OP_XOR:
        return !x != !y;
    default:
        rc_die("compare: op %d", op);
    }
}

static int cmp_interp(rc_ctx *c, const ir_graph *g, const ir_node *n, rc_values *v) {
    const ir_tensor *a = &g->t[n->in[0]], *b = &g->t[n->in[1]], *y = &g->t[n->out[0]];
    const void *pa = v->data[n->in[0]], *pb = v->data[n->in[1]];
    unsigned char *out = rc_values_alloc(v, g, n->out[0]);
    int64_t idx[IR_MAX_RANK];
    (void)c;
    for (int64_t i = 0; i < ir_numel(y); i++) {
        int64_t ia, ib;
        gl_unravel(i, y->rank, y->dims, idx);
        ia = gl_bcast_index(a, y->rank, idx);
        ib = gl_bcast_index(b, y->rank, idx);
        if (is_logic(n->op))
            out[i] = (unsigned char)cmp_result(n->op, 0, ((const unsigned char *)pa)[ia] != 0,
                                               ((const unsigned char *)pb)[ib] != 0);
        else
            out[i] =
                (unsigned char)cmp_result(n->op, compare_elems(a->dtype, pa, ia, pb, ib), 0, 0);
    }
    return 0;
}

static int cmp_emit(rc_ctx *c, em_state *e, const ir_graph *g, const ir_node *n) {
    const ir_tensor *a = &g->t[n->in[0]], *b = &g->t[n->in[1]], *y = &g->t[n->out[0]];
    gl_operand ops[3] = {{em_tensor(e, n->out[0]), 0, {0}},
                         {em_tensor(e, n->in[0]), 0, {0}},
                         {em_tensor(e, n->in[1]), 0, {0}}};
    const char *cop = n->op == RC_OP_EQUAL           ? "=="
                      : n->op == RC_OP_LESS          ? "<"
                      : n->op == RC_OP_GREATER       ? ">"
                      : n->op == RC_OP_LESS_OR_EQUAL ? "<="
                                                     : ">=";
    char body[160];
    (void)c;
    gl_strides(y->rank, y->dims, ops[0].st);
    gl_bcast_strides(a, y->rank, y->dims, ops[1].st);
    gl_bcast_strides(b, y->rank, y->dims, ops[2].st);
    if (n->op == RC_OP_AND)
        snprintf(body, sizeof body, "$0 = (uint8_t)($1 && $2);");
    else if (n->op == RC_OP_OR)
        snprintf(body, sizeof body, "$0 = (uint8_t)($1 || $2);");
    else if (n->op == RC_OP_XOR)
        snprintf(body, sizeof body, "$0 = (uint8_t)(!$1 != !$2);");
    else if (a->dtype == IR_FLOAT16 || a->dtype == IR_BFLOAT16) /* bit patterns: widen */
        snprintf(body, sizeof body, "$0 = (uint8_t)(rnnrt_%s_to_f32($1) %s rnnrt_%s_to_f32($2));",
                 a->dtype == IR_FLOAT16 ? "f16" : "bf16", cop,
                 a->dtype == IR_FLOAT16 ? "f16" : "bf16");
    else
        snprintf(body, sizeof body, "$0 = (uint8_t)($1 %s $2);", cop);
    gl_emit_map(e, y->rank, y->dims, ops, 3, body);
    return 0;
}

/* ---- Where ---------------------------------------------------------------------------- */

static int where_check(rc_ctx *c, ir_graph *g, ir_node *n) {
    const ir_tensor *cond, *x, *y;
    ir_tensor xy;
    int64_t dims[IR_MAX_RANK];
    int rank;
    if (gl_arity(c, n, 3, 3, 3, 1) || gl_dtype(c, g, n, 0, "input 'condition'", IR_BOOL) ||
        gl_dtype(c, g, n, 1, "input 'X'", IR_UNDEFINED) ||
        gl_dtype(c, g, n, 2, "input 'Y'", IR_UNDEFINED) || rc_attr_unused(c, g, n))
        return -1;
    cond = ir_in(g, n, 0);
    x = ir_in(g, n, 1);
    y = ir_in(g, n, 2);
    if (x->dtype != y->dtype)
        return rc_err(c, n, "inputs", "X is %s but Y is %s", ir_dtype_name(x->dtype),
                      ir_dtype_name(y->dtype));
    memset(&xy, 0, sizeof xy);
    if (gl_broadcast(c, n, x, y, &xy.rank, xy.dims) || gl_broadcast(c, n, cond, &xy, &rank, dims))
        return -1;
    gl_params_new(n, sizeof(cmp_params));
    return gl_set_out(c, g, n, 0, x->dtype, rank, dims);
}

static int where_interp(rc_ctx *c, const ir_graph *g, const ir_node *n, rc_values *v) {
    const ir_tensor *y = &g->t[n->out[0]];
    int64_t idx[IR_MAX_RANK];
    (void)c;
    rc_values_alloc(v, g, n->out[0]);
    for (int64_t i = 0; i < ir_numel(y); i++) {
        int take;
        gl_unravel(i, y->rank, y->dims, idx);
        take = ((const unsigned char *)
                    v->data[n->in[0]])[gl_bcast_index(&g->t[n->in[0]], y->rank, idx)]
                   ? 1
                   : 2;
        gl_copy_elem(g, v, n->out[0], i, n->in[take],
                     gl_bcast_index(&g->t[n->in[take]], y->rank, idx));
    }
    return 0;
}

static int where_emit(rc_ctx *c, em_state *e, const ir_graph *g, const ir_node *n) {
    const ir_tensor *y = &g->t[n->out[0]];
    gl_operand ops[4];
    (void)c;
    memset(ops, 0, sizeof ops);
    ops[0].ptr = em_tensor(e, n->out[0]);
    gl_strides(y->rank, y->dims, ops[0].st);
    for (int k = 0; k < 3; k++) {
        ops[k + 1].ptr = em_tensor(e, n->in[k]);
        gl_bcast_strides(&g->t[n->in[k]], y->rank, y->dims, ops[k + 1].st);
    }
    gl_emit_map(e, y->rank, y->dims, ops, 4, "$0 = $1 ? $2 : $3;");
    return 0;
}

#define CMP_OP(sym, name, from)                                                                    \
    const rc_op_def rc_op_##sym = {                                                                \
        .op_type = name,                                                                           \
        .since = from,                                                                             \
        .check = cmp_check,                                                                        \
        .interp = cmp_interp,                                                                      \
        .emit = cmp_emit,                                                                          \
        .flops = gl_flops_elems,                                                                   \
        .params = gl_params_consts,                                                                \
        .free_params = gl_free,                                                                    \
        .time = gl_time_bcast,                                                                     \
    };

CMP_OP(equal, "Equal", 0)
CMP_OP(less, "Less", 0)
CMP_OP(greater, "Greater", 0)
CMP_OP(less_or_equal, "LessOrEqual", 12)
CMP_OP(greater_or_equal, "GreaterOrEqual", 12)
CMP_OP(and, "And", 0)
CMP_OP(or, "Or", 0)
CMP_OP(xor, "Xor", 0)

const rc_op_def rc_op_where = {
    .since = 9,
    .op_type = "Where",
    .check = where_check,
    .interp = where_interp,
    .emit = where_emit,
    .flops = gl_flops_none,
    .params = gl_params_consts,
    .free_params = gl_free,
    .time = gl_time_bcast,
};
