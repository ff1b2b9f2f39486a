/* ops/activation.c — elementwise activations with (optional) float attributes, y = f(x):
 *   LeakyRelu(alpha=0.01) (6, 16)        x < 0 ? alpha x : x
 *   Elu(alpha=1) (6)                     x < 0 ? alpha (e^x - 1) : x
 *   Selu(alpha=1.6733, gamma=1.0507) (6) x > 0 ? gamma x : gamma alpha (e^x - 1)
 *   Celu(alpha=1) (12)                   max(0, x) + min(0, alpha (e^(x/alpha) - 1))
 *   HardSigmoid(alpha=0.2, beta=0.5) (6) max(0, min(1, alpha x + beta))
 *   HardSwish (14)                       x hardsigmoid(x) with alpha = 1/6, beta = 0.5
 *   Softplus (1)                         log(1 + e^x)
 *   Softsign (1)                         x / (1 + |x|)
 *   ThresholdedRelu(alpha=1) (10)        x > alpha ? x : 0
 *   Shrink(bias=0, lambd=0.5) (9)        x < -lambd ? x + bias : x > lambd ? x - bias : 0
 *   Mish (18)                            x tanh(softplus(x))
 *   Gelu(approximate="none"|"tanh") (20) x/2 (1 + erf(x/sqrt2)),
 *                                        x/2 (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
 * Element types float and double; refused: float16/bfloat16, and the integer types Shrink
 * allows. Attributes must be finite (Celu's alpha also nonzero). The interpreter evaluates
 * the formulas above in double; the generated code evaluates them in the element type,
 * softplus as max(x, 0) + log1p(e^-|x|) so that e^x cannot overflow. */
#include "glue.h"

#include <math.h>
#include <string.h>

typedef struct act_def {
    rc_op op;
    int since;           /* first opset that defines the op */
    const char *attr[2]; /* float attributes, read into k[0], k[1] */
    double dflt[2];      /* their defaults */
    const char *body;    /* see gl_emit_unary; @A, @B = k[0], k[1] */
} act_def;

/* softplus(x) = log(1 + e^x) = max(x, 0) + log1p(e^-|x|) */
#define SOFTPLUS "(x_ > 0 ? x_ + @log1p(@exp(-x_)) : @log1p(@exp(x_)))"
/* clamp to [0, 1]; NaN stays NaN */
#define UNIT_CLAMP "(v_ < 0 ? 0 : (v_ > 1 ? 1 : v_))"

static const act_def act_defs[] = {
    {RC_OP_LEAKY_RELU, 6, {"alpha"}, {0.01}, "$0 = x_ < 0 ? @A * x_ : x_;"},
    {RC_OP_ELU, 6, {"alpha"}, {1.0}, "$0 = x_ < 0 ? @A * @expm1(x_) : x_;"},
    {RC_OP_SELU,
     6,
     {"alpha", "gamma"},
     {1.67326319217681884765625, 1.05070102214813232421875},
     "$0 = x_ > 0 ? @B * x_ : @B * (@A * @expm1(x_));"},
    {RC_OP_CELU, 12, {"alpha"}, {1.0}, "$0 = x_ > 0 ? x_ : @A * @expm1(x_ / @A);"},
    {RC_OP_HARD_SIGMOID,
     6,
     {"alpha", "beta"},
     {0.2, 0.5},
     "const @T v_ = @A * x_ + @B; $0 = " UNIT_CLAMP ";"},
    {RC_OP_HARD_SWISH,
     14,
     {NULL},
     {1.0 / 6.0, 0.5},
     "const @T v_ = @A * x_ + @B; $0 = x_ * " UNIT_CLAMP ";"},
    {RC_OP_SOFTPLUS, 1, {NULL}, {0}, "$0 = " SOFTPLUS ";"},
    {RC_OP_SOFTSIGN, 1, {NULL}, {0}, "$0 = x_ / (@1 + @fabs(x_));"},
    {RC_OP_THRESHOLDED_RELU, 10, {"alpha"}, {1.0}, "$0 = x_ > @A ? x_ : 0;"},
    {RC_OP_SHRINK,
     9,
     {"bias", "lambd"},
     {0.0, 0.5},
     "$0 = x_ < -@B ? x_ + @A : (x_ > @B ? x_ - @A : 0);"},
    {RC_OP_MISH, 18, {NULL}, {0}, "$0 = x_ * @tanh" SOFTPLUS ";"},
    /* Gelu's body depends on `approximate`, chosen in act_emit */
    {RC_OP_GELU, 20, {NULL}, {0.70710678118654752440, 0.79788456080286535588}, NULL},
};

#define GELU_ERF "$0 = @0.5 * x_ * (@1 + @erf(x_ * @A));"
#define GELU_TANH "$0 = @0.5 * x_ * (@1 + @tanh(@B * (x_ + @0.044715 * x_ * x_ * x_)));"

typedef struct act_params {
    double k[2];
    int tanh_approx; /* Gelu approximate="tanh" */
} act_params;

static const act_def *def_of(rc_op op) {
    for (size_t i = 0; i < sizeof act_defs / sizeof act_defs[0]; i++)
        if (act_defs[i].op == op)
            return &act_defs[i];
    rc_die("activation: op %d", op);
}

static int act_check(rc_ctx *c, ir_graph *g, ir_node *n) {
    const act_def *d = def_of(n->op);
    act_params *p = gl_params_new(n, sizeof *p);
    const ir_tensor *x;
    const char *approx = "none";
    int has;
    if (gl_arity(c, n, 1, 1, 1, 1) || gl_dtype(c, g, n, 0, "input 'X'", IR_UNDEFINED))
        return -1;
    if (g->opset < d->since)
        return rc_err(c, n, "opset", "%s is defined from opset %d, the model imports opset %d",
                      n->op_type, d->since, (int)g->opset);
    for (int k = 0; k < 2; k++) {
        p->k[k] = d->dflt[k];
        if (d->attr[k] && rc_attr_float(c, n, d->attr[k], &p->k[k], &has))
            return -1;
        if (d->attr[k] && !isfinite(p->k[k]))
            return rc_err(c, n, d->attr[k], "must be finite, got %g", p->k[k]);
    }
    if (n->op == RC_OP_GELU && rc_attr_string(c, n, "approximate", &approx, &has))
        return -1;
    if (rc_attr_unused(c, g, n))
        return -1;
    if (strcmp(approx, "none") && strcmp(approx, "tanh"))
        return rc_err(c, n, "approximate", "must be \"none\" or \"tanh\", got \"%s\"", approx);
    p->tanh_approx = !strcmp(approx, "tanh");
    if (n->op == RC_OP_CELU && p->k[0] == 0)
        return rc_err(c, n, "alpha", "must be nonzero (Celu divides by it), got 0");
    x = ir_in(g, n, 0);
    if (x->dtype != IR_FLOAT && x->dtype != IR_DOUBLE)
        return rc_err(c, n, "input 'X'", "element type %s is not supported (float, double)",
                      ir_dtype_name(x->dtype));
    return gl_set_out(c, g, n, 0, x->dtype, x->rank, x->dims);
}

static double clamp01(double v) { return v < 0 ? 0 : v > 1 ? 1 : v; }

static double act_fn(const ir_node *n, double x) {
    const act_params *p = n->params;
    const double a = p->k[0], b = p->k[1];
    switch (n->op) {
    case RC_OP_LEAKY_RELU:
        return x < 0 ? a * x : x;
    case RC_OP_ELU:
        return x < 0 ? a * (exp(x) - 1) : x;
    case RC_OP_SELU:
        return x > 0 ? b * x : b * (a * exp(x) - a);
    case RC_OP_CELU:
        return fmax(0, x) + fmin(0, a * (exp(x / a) - 1));
    case RC_OP_HARD_SIGMOID:
        return clamp01(a * x + b);
    case RC_OP_HARD_SWISH:
        return x * clamp01(x / 6 + 0.5);
    case RC_OP_SOFTPLUS:
        return x > 30 ? x : log(1 + exp(x)); /* past 30, log(1 + e^x) = x in double */
    case RC_OP_SOFTSIGN:
        return x / (1 + fabs(x));
    case RC_OP_THRESHOLDED_RELU:
        return x > a ? x : 0;
    case RC_OP_SHRINK:
        return x < -b ? x + a : x > b ? x - a : 0;
    case RC_OP_MISH:
        return x * tanh(x > 30 ? x : log(1 + exp(x)));
    case RC_OP_GELU:
        if (p->tanh_approx)
            return 0.5 * x *
                   (1 + tanh(sqrt(2 / 3.14159265358979323846) * (x + 0.044715 * x * x * x)));
        return 0.5 * x * (1 + erf(x / sqrt(2.0)));
    default:
        rc_die("activation: op %d", n->op);
    }
}

static int act_interp(rc_ctx *c, const ir_graph *g, const ir_node *n, rc_values *v) {
    (void)c;
    rc_values_alloc(v, g, n->out[0]);
    for (int64_t i = 0; i < ir_numel(&g->t[n->out[0]]); i++)
        gl_put(g, v, n->out[0], i, act_fn(n, gl_get(g, v, n->in[0], i)));
    return 0;
}

static int act_emit(rc_ctx *c, em_state *e, const ir_graph *g, const ir_node *n) {
    const act_params *p = n->params;
    const act_def *d = def_of(n->op);
    (void)c;
    gl_emit_unary(e, g, n, d->body ? d->body : p->tanh_approx ? GELU_TANH : GELU_ERF, p->k);
    return 0;
}

static double act_flops(const ir_graph *g, const ir_node *n) {
    return 4.0 * (double)ir_numel(&g->t[n->out[0]]);
}

#define ACT_OP(sym, name)                                                                          \
    const rc_op_def rc_op_##sym = {                                                                \
        .op_type = name,                                                                           \
        .check = act_check,                                                                        \
        .interp = act_interp,                                                                      \
        .emit = act_emit,                                                                          \
        .flops = act_flops,                                                                        \
        .params = gl_params_consts,                                                                \
        .free_params = gl_free,                                                                    \
        .time = gl_time_same,                                                                      \
    };

ACT_OP(leaky_relu, "LeakyRelu")
ACT_OP(elu, "Elu")
ACT_OP(selu, "Selu")
ACT_OP(celu, "Celu")
ACT_OP(hard_sigmoid, "HardSigmoid")
ACT_OP(hard_swish, "HardSwish")
ACT_OP(softplus, "Softplus")
ACT_OP(softsign, "Softsign")
ACT_OP(thresholded_relu, "ThresholdedRelu")
ACT_OP(shrink, "Shrink")
ACT_OP(mish, "Mish")
ACT_OP(gelu, "Gelu")
