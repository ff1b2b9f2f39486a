/* ops/unary.c — Sigmoid, Tanh, Relu (opsets 6, 13, 14): elementwise float
 * activations, as in a Linear + sigmoid head. The interpreter evaluates the
 * textbook formulas in double; generated code calls the runtime's float
 * activations (the same ones the recurrent cells use). */
#include "glue.h"

#include <math.h>

typedef struct unary_params {
    int unused;
} unary_params;

static int unary_check(rc_ctx *c, ir_graph *g, ir_node *n) {
    const ir_tensor *x;
    if (gl_arity(c, n, 1, 1, 1, 1) || gl_dtype(c, g, n, 0, "input 'X'", IR_FLOAT) ||
        rc_attr_unused(c, g, n))
        return -1;
    x = ir_in(g, n, 0);
    gl_params_new(n, sizeof(unary_params));
    return gl_set_out(c, g, n, 0, IR_FLOAT, x->rank, x->dims);
}

static double unary_fn(rc_op op, double x) {
    switch (op) {
    case RC_OP_SIGMOID:
        return 1.0 / (1.0 + exp(-x));
    case RC_OP_TANH:
        return tanh(x);
    case RC_OP_RELU:
        return x > 0 ? x : 0;
    default:
        rc_die("unary: op %d", op);
    }
}

static int unary_interp(rc_ctx *c, const ir_graph *g, const ir_node *n, rc_values *v) {
    const float *x = v->data[n->in[0]];
    float *y = rc_values_alloc(v, g, n->out[0]);
    (void)c;
    for (int64_t i = 0; i < ir_numel(&g->t[n->out[0]]); i++)
        y[i] = (float)unary_fn(n->op, x[i]);
    return 0;
}

static int unary_emit(rc_ctx *c, em_state *e, const ir_graph *g, const ir_node *n) {
    int64_t dims[1] = {ir_numel(&g->t[n->out[0]])};
    gl_operand ops[2] = {{em_tensor(e, n->out[0]), 0, {1}}, {em_tensor(e, n->in[0]), 0, {1}}};
    (void)c;
    gl_emit_map(e, 1, dims, ops, 2,
                n->op == RC_OP_SIGMOID ? "$0 = rnnrt_sigmoid_f32($1);"
                : n->op == RC_OP_TANH  ? "$0 = rnnrt_tanh_f32($1);"
                                       : "$0 = rnnrt_relu_f32($1);");
    return 0;
}

#define UNARY_OP(sym, name)                                                                        \
    const rc_op_def rc_op_##sym = {                                                                \
        .op_type = name,                                                                           \
        .check = unary_check,                                                                      \
        .interp = unary_interp,                                                                    \
        .emit = unary_emit,                                                                        \
        .flops = gl_flops_elems,                                                                   \
        .params = gl_params_consts,                                                                \
        .free_params = gl_free,                                                                    \
        .time = gl_time_same,                                                                      \
    };

UNARY_OP(sigmoid, "Sigmoid")
UNARY_OP(tanh, "Tanh")
UNARY_OP(relu, "Relu")
