/* ops/predicate.c — elementwise tests with a bool result, same shape:
 *   IsNaN (9, 13, 20): x != x;   IsInf (10, 20): |x| = inf, with detect_negative and
 *   detect_positive (default 1) choosing which signs count;   Not (1): !x on bool.
 * IsNaN/IsInf take float or double (float16/bfloat16 refused); Not takes bool only. */
#include "glue.h"

#include <math.h>

typedef struct pred_params {
    int neg, pos; /* IsInf: which infinities count */
} pred_params;

static int pred_check(rc_ctx *c, ir_graph *g, ir_node *n) {
    pred_params *p;
    const ir_tensor *x;
    int64_t neg = 1, pos = 1;
    int has;
    if (gl_arity(c, n, 1, 1, 1, 1) || gl_dtype(c, g, n, 0, "input 'X'", IR_UNDEFINED))
        return -1;
    if (n->op == RC_OP_IS_INF && (rc_attr_int(c, n, "detect_negative", &neg, &has) ||
                                  rc_attr_int(c, n, "detect_positive", &pos, &has)))
        return -1;
    if (rc_attr_unused(c, g, n))
        return -1;
    if (g->opset < (n->op == RC_OP_IS_INF ? 10 : n->op == RC_OP_IS_NAN ? 9 : 1))
        return rc_err(c, n, "opset", "%s is defined from opset %d, the model imports opset %d",
                      n->op_type, n->op == RC_OP_IS_INF ? 10 : 9, (int)g->opset);
    x = ir_in(g, n, 0);
    if (n->op == RC_OP_NOT ? x->dtype != IR_BOOL : x->dtype != IR_FLOAT && x->dtype != IR_DOUBLE)
        return rc_err(c, n, "input 'X'", "element type %s is not supported (%s)",
                      ir_dtype_name(x->dtype), n->op == RC_OP_NOT ? "bool" : "float, double");
    if ((neg != 0 && neg != 1) || (pos != 0 && pos != 1))
        return rc_err(c, n, "attributes",
                      "detect_negative and detect_positive must be 0 or 1, "
                      "got %d and %d",
                      (int)neg, (int)pos);
    p = gl_params_new(n, sizeof *p);
    p->neg = (int)neg;
    p->pos = (int)pos;
    return gl_set_out(c, g, n, 0, IR_BOOL, x->rank, x->dims);
}

static int pred_fn(const ir_node *n, double x) {
    const pred_params *p = n->params;
    switch (n->op) {
    case RC_OP_IS_NAN:
        return x != x;
    case RC_OP_IS_INF:
        return (p->pos && x == INFINITY) || (p->neg && x == -INFINITY);
    case RC_OP_NOT:
        return x == 0;
    default:
        rc_die("predicate: op %d", n->op);
    }
}

static int pred_interp(rc_ctx *c, const ir_graph *g, const ir_node *n, rc_values *v) {
    (void)c;
    rc_values_alloc(v, g, n->out[0]);
    for (int64_t i = 0; i < ir_numel(&g->t[n->out[0]]); i++)
        gl_put(g, v, n->out[0], i, pred_fn(n, gl_get(g, v, n->in[0], i)));
    return 0;
}

static int pred_emit(rc_ctx *c, em_state *e, const ir_graph *g, const ir_node *n) {
    const pred_params *p = n->params;
    const char *body;
    (void)c;
    switch (n->op) {
    case RC_OP_IS_NAN:
        body = "$0 = (uint8_t)(isnan(x_) != 0);";
        break;
    case RC_OP_IS_INF:
        body = p->pos && p->neg ? "$0 = (uint8_t)(isinf(x_) != 0);"
               : p->pos         ? "$0 = (uint8_t)(isinf(x_) && x_ > 0);"
               : p->neg         ? "$0 = (uint8_t)(isinf(x_) && x_ < 0);"
                                : "$0 = 0; (void)x_;";
        break;
    default: /* Not */
        body = "$0 = (uint8_t)!x_;";
    }
    gl_emit_unary(e, g, n, body, NULL);
    return 0;
}

#define PRED_OP(sym, name)                                                                         \
    const rc_op_def rc_op_##sym = {                                                                \
        .op_type = name,                                                                           \
        .check = pred_check,                                                                       \
        .interp = pred_interp,                                                                     \
        .emit = pred_emit,                                                                         \
        .flops = gl_flops_elems,                                                                   \
        .params = gl_params_consts,                                                                \
        .free_params = gl_free,                                                                    \
        .time = gl_time_same,                                                                      \
    };

PRED_OP(is_nan, "IsNaN")
PRED_OP(is_inf, "IsInf")
PRED_OP(not, "Not")
