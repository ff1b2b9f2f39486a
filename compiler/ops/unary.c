/* ops/unary.c — elementwise math without attributes, y = f(x), same shape and dtype:
 *   Sigmoid, Tanh, Relu (6, 13, 14), Sqrt, Exp, Log, Reciprocal, Floor, Ceil (6, 13),
 *   Abs, Neg (6, 13), Sign (9, 13), Round (11), Erf (9, 13), Sin, Cos, Tan, Asin, Acos,
 *   Atan (7), Sinh, Cosh, Asinh, Acosh, Atanh (9).
 * Element types: float and double for all; Abs and Sign also every integer type, Neg the
 * signed ones, Relu the signed ones from opset 14. Integer Abs/Neg wrap (Abs(INT_MIN) =
 * INT_MIN, as two's complement arithmetic gives) through unsigned arithmetic, never
 * overflow. Refused: float16/bfloat16 and bool, and integer types elsewhere.
 * The interpreter evaluates the textbook formulas in double (integers exactly); the
 * generated code calls <math.h> in the element type (expf for float), and the runtime's
 * float activations for float Sigmoid/Tanh/Relu (the ones the recurrent cells use). */
#include "glue.h"

#include <math.h>

typedef struct unary_def {
    rc_op op;
    const char *f32;  /* body for float when it differs from `fp` (the runtime's functions) */
    const char *fp;   /* body for float and double, see gl_emit_unary */
    const char *sint; /* body for the signed integer types, NULL: refused */
    const char *uint; /* body for the unsigned integer types, NULL: refused */
    int int_opset;    /* integer types accepted from this opset on */
    int since;        /* first opset that defines the op (0: before rnnc's minimum) */
} unary_def;

/* Integer bodies compute in uint64_t, where wrap-around is defined, and convert back. */
#define ABS_S "$0 = (@T)(x_ < 0 ? (uint64_t)0 - (uint64_t)x_ : (uint64_t)x_);"
#define NEG_S "$0 = (@T)((uint64_t)0 - (uint64_t)x_);"

static const unary_def unary_defs[] = {
    {RC_OP_SIGMOID, "$0 = rnnrt_sigmoid_f32(x_);", "$0 = @1 / (@1 + @exp(-x_));", NULL, NULL, 0, 0},
    {RC_OP_TANH, "$0 = rnnrt_tanh_f32(x_);", "$0 = @tanh(x_);", NULL, NULL, 0, 0},
    {RC_OP_RELU, "$0 = rnnrt_relu_f32(x_);", "$0 = x_ > 0 ? x_ : 0;", "$0 = x_ > 0 ? x_ : 0;", NULL,
     14, 0},
    {RC_OP_SQRT, NULL, "$0 = @sqrt(x_);", NULL, NULL, 0, 0},
    {RC_OP_EXP, NULL, "$0 = @exp(x_);", NULL, NULL, 0, 0},
    {RC_OP_LOG, NULL, "$0 = @log(x_);", NULL, NULL, 0, 0},
    {RC_OP_RECIPROCAL, NULL, "$0 = @1 / x_;", NULL, NULL, 0, 0},
    {RC_OP_FLOOR, NULL, "$0 = @floor(x_);", NULL, NULL, 0, 0},
    {RC_OP_CEIL, NULL, "$0 = @ceil(x_);", NULL, NULL, 0, 0},
    /* nearbyint rounds in the default mode, to nearest with ties to even as ONNX wants */
    {RC_OP_ROUND, NULL, "$0 = @nearbyint(x_);", NULL, NULL, 0, 11},
    {RC_OP_ABS, NULL, "$0 = @fabs(x_);", ABS_S, "$0 = x_;", 0, 0},
    {RC_OP_NEG, NULL, "$0 = -x_;", NEG_S, NULL, 0, 0},
    /* sign(NaN) = NaN, sign(0) = 0 */
    {RC_OP_SIGN, NULL, "$0 = x_ > 0 ? 1 : (x_ < 0 ? -1 : x_);", "$0 = (@T)((x_ > 0) - (x_ < 0));",
     "$0 = (@T)(x_ > 0);", 0, 9},
    {RC_OP_ERF, NULL, "$0 = @erf(x_);", NULL, NULL, 0, 9},
    {RC_OP_SIN, NULL, "$0 = @sin(x_);", NULL, NULL, 0, 0},
    {RC_OP_COS, NULL, "$0 = @cos(x_);", NULL, NULL, 0, 0},
    {RC_OP_TAN, NULL, "$0 = @tan(x_);", NULL, NULL, 0, 0},
    {RC_OP_ASIN, NULL, "$0 = @asin(x_);", NULL, NULL, 0, 0},
    {RC_OP_ACOS, NULL, "$0 = @acos(x_);", NULL, NULL, 0, 0},
    {RC_OP_ATAN, NULL, "$0 = @atan(x_);", NULL, NULL, 0, 0},
    {RC_OP_SINH, NULL, "$0 = @sinh(x_);", NULL, NULL, 0, 9},
    {RC_OP_COSH, NULL, "$0 = @cosh(x_);", NULL, NULL, 0, 9},
    {RC_OP_ASINH, NULL, "$0 = @asinh(x_);", NULL, NULL, 0, 9},
    {RC_OP_ACOSH, NULL, "$0 = @acosh(x_);", NULL, NULL, 0, 9},
    {RC_OP_ATANH, NULL, "$0 = @atanh(x_);", NULL, NULL, 0, 9},
};

static const unary_def *def_of(rc_op op) {
    for (size_t i = 0; i < sizeof unary_defs / sizeof unary_defs[0]; i++)
        if (unary_defs[i].op == op)
            return &unary_defs[i];
    rc_die("unary: op %d", op);
}

static int unary_check(rc_ctx *c, ir_graph *g, ir_node *n) {
    const unary_def *d = def_of(n->op);
    const ir_tensor *x;
    int dt, ok;
    if (gl_arity(c, n, 1, 1, 1, 1) || gl_dtype(c, g, n, 0, "input 'X'", IR_UNDEFINED) ||
        rc_attr_unused(c, g, n))
        return -1;
    if (g->opset < d->since)
        return rc_err(c, n, "opset", "%s is defined from opset %d, the model imports opset %d",
                      n->op_type, d->since, (int)g->opset);
    x = ir_in(g, n, 0);
    dt = x->dtype;
    ok = dt == IR_FLOAT || dt == IR_DOUBLE;
    if (g->opset >= d->int_opset)
        ok = ok || (gl_dtype_is_signed(dt) && d->sint) ||
             (ir_dtype_is_int(dt) && !gl_dtype_is_signed(dt) && d->uint);
    if (!ok)
        return rc_err(c, n, "input 'X'", "element type %s is not supported (float, double%s%s)",
                      ir_dtype_name(dt),
                      d->sint && g->opset >= d->int_opset ? ", int8/16/32/64" : "",
                      d->uint && g->opset >= d->int_opset ? ", uint8/16/32/64" : "");
    gl_params_new(n, 1); /* nothing to parse, but every checked node has params */
    return gl_set_out(c, g, n, 0, dt, x->rank, x->dims);
}

/* Round half to even, written out (the interpreter does not lean on the rounding mode). */
static double round_even(double x) {
    double r = floor(x), d = x - r;
    if (d > 0.5 || (d == 0.5 && fmod(r, 2.0) != 0))
        r += 1;
    return r;
}

static double unary_fn(rc_op op, double x) {
    switch (op) {
    case RC_OP_SIGMOID:
        return 1.0 / (1.0 + exp(-x)); /* sigmoid(x) = 1 / (1 + e^-x) */
    case RC_OP_TANH:
        return tanh(x);
    case RC_OP_RELU:
        return x > 0 ? x : 0;
    case RC_OP_SQRT:
        return sqrt(x);
    case RC_OP_EXP:
        return exp(x);
    case RC_OP_LOG:
        return log(x);
    case RC_OP_RECIPROCAL:
        return 1.0 / x;
    case RC_OP_FLOOR:
        return floor(x);
    case RC_OP_CEIL:
        return ceil(x);
    case RC_OP_ROUND:
        return round_even(x);
    case RC_OP_ABS:
        return fabs(x);
    case RC_OP_NEG:
        return -x;
    case RC_OP_SIGN:
        return x > 0 ? 1 : x < 0 ? -1 : x;
    case RC_OP_ERF:
        return erf(x);
    case RC_OP_SIN:
        return sin(x);
    case RC_OP_COS:
        return cos(x);
    case RC_OP_TAN:
        return tan(x);
    case RC_OP_ASIN:
        return asin(x);
    case RC_OP_ACOS:
        return acos(x);
    case RC_OP_ATAN:
        return atan(x);
    case RC_OP_SINH:
        return sinh(x);
    case RC_OP_COSH:
        return cosh(x);
    case RC_OP_ASINH:
        return asinh(x);
    case RC_OP_ACOSH:
        return acosh(x);
    case RC_OP_ATANH:
        return atanh(x);
    default:
        rc_die("unary: op %d", op);
    }
}

/* Integers exactly, on the 64-bit two's-complement pattern (stored back truncated, so
 * Abs/Neg of the most negative value wrap to itself, as the generated code does). */
static uint64_t unary_int(rc_op op, uint64_t u, int is_signed) {
    int neg = is_signed && (int64_t)u < 0;
    switch (op) {
    case RC_OP_RELU:
        return neg ? 0 : u;
    case RC_OP_ABS:
        return neg ? 0 - u : u;
    case RC_OP_NEG:
        return 0 - u;
    case RC_OP_SIGN:
        return neg ? (uint64_t)-1 : u != 0;
    default:
        rc_die("unary: integer op %d", op);
    }
}

static int unary_interp(rc_ctx *c, const ir_graph *g, const ir_node *n, rc_values *v) {
    int x = n->in[0], y = n->out[0], dt = g->t[x].dtype;
    (void)c;
    rc_values_alloc(v, g, y);
    for (int64_t i = 0; i < ir_numel(&g->t[y]); i++) {
        if (ir_dtype_is_int(dt))
            gl_put_bits(g, v, y, i,
                        unary_int(n->op, gl_get_bits(g, v, x, i), gl_dtype_is_signed(dt)));
        else
            gl_put(g, v, y, i, unary_fn(n->op, gl_get(g, v, x, i)));
    }
    return 0;
}

static int unary_emit(rc_ctx *c, em_state *e, const ir_graph *g, const ir_node *n) {
    const unary_def *d = def_of(n->op);
    int dt = g->t[n->in[0]].dtype;
    const char *body = dt == IR_FLOAT && d->f32            ? d->f32
                       : dt == IR_FLOAT || dt == IR_DOUBLE ? d->fp
                       : gl_dtype_is_signed(dt)            ? d->sint
                                                           : d->uint;
    (void)c;
    gl_emit_unary(e, g, n, body, NULL);
    return 0;
}

/* Fusion: a float Relu, Sigmoid or Tanh whose input is output 0 of a node that can apply it
 * (rc_op_def.fuses_act: Conv) and that nothing else reads becomes part of that node, which
 * then writes this node's output: one pass over the data instead of two. */
static int unary_fuse(rc_ctx *c, ir_graph *g, int i) {
    const ir_node *n = &g->node[i];
    const ir_act act = n->op == RC_OP_RELU      ? IR_ACT_RELU
                       : n->op == RC_OP_SIGMOID ? IR_ACT_SIGMOID
                       : n->op == RC_OP_TANH    ? IR_ACT_TANH
                                                : IR_ACT_NONE;
    const int x = n->n_in > 0 ? n->in[0] : -1, p = x >= 0 ? g->t[x].producer : -1;
    int j;
    (void)c;
    /* the cheap test first: gl_absorbable counts x's readers, which in a long chain of
     * activations would cost a pass over the graph per node */
    if (!act || p < 0 || !rc_op_defs[g->node[p].op]->fuses_act)
        return 0;
    j = gl_absorbable(g, i);
    if (j < 0 || g->node[j].post_act)
        return 0;
    g->node[j].post_act = act;
    gl_absorb(g, i, j);
    return 1;
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
        .expand = unary_fuse,                                                                      \
    };

UNARY_OP(sigmoid, "Sigmoid")
UNARY_OP(tanh, "Tanh")
UNARY_OP(relu, "Relu")
UNARY_OP(sqrt, "Sqrt")
UNARY_OP(exp, "Exp")
UNARY_OP(log, "Log")
UNARY_OP(reciprocal, "Reciprocal")
UNARY_OP(floor, "Floor")
UNARY_OP(ceil, "Ceil")
UNARY_OP(round, "Round")
UNARY_OP(abs, "Abs")
UNARY_OP(neg, "Neg")
UNARY_OP(sign, "Sign")
UNARY_OP(erf, "Erf")
UNARY_OP(sin, "Sin")
UNARY_OP(cos, "Cos")
UNARY_OP(tan, "Tan")
UNARY_OP(asin, "Asin")
UNARY_OP(acos, "Acos")
UNARY_OP(atan, "Atan")
UNARY_OP(sinh, "Sinh")
UNARY_OP(cosh, "Cosh")
UNARY_OP(asinh, "Asinh")
UNARY_OP(acosh, "Acosh")
UNARY_OP(atanh, "Atanh")
