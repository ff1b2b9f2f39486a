/* ops/cast.c — Cast (opsets 6, 9, 13, 19, 21) and CastLike (15, 19, 21): element type
 * conversion between every numeric type rnnc holds (float, double, float16, bfloat16, the
 * signed and unsigned integers, bool); CastLike takes the target type from its second input.
 * Float to integer truncates toward zero and saturates: NaN gives 0, values beyond the
 * integer type its minimum or maximum (ONNX leaves them undefined; C makes the plain
 * conversion undefined behaviour). Integer to integer keeps the low bits (two's complement),
 * as NumPy does. To bool is x != 0. To float16/bfloat16 rounds to nearest even. Casts of
 * constants fold at compile time (fp16 weights of an export, then Cast to float); one that
 * runs in generated code converts with the runtime's rnnrt_f16/bf16 helpers. `saturate`
 * (opset >= 19) only concerns float8 types and so has no effect here. Strings are refused. */
#include "glue.h"

#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef struct cast_params {
    int to;
} cast_params;

static int cast_supported(int dt) { return dt != IR_STRING && ir_dtype_size(dt) > 0; }

static int cast_check(rc_ctx *c, ir_graph *g, ir_node *n) {
    cast_params *p;
    const ir_tensor *x;
    int64_t to = 0, sat = 1;
    int has_to = 0, has_sat = 0, like = n->op == RC_OP_CAST_LIKE;
    if (gl_arity(c, n, like ? 2 : 1, like ? 2 : 1, like ? 2 : 1, 1) ||
        gl_dtype(c, g, n, 0, "input", IR_UNDEFINED) ||
        (!like && rc_attr_int(c, n, "to", &to, &has_to)))
        return -1;
    if (g->opset >= 19 && rc_attr_int(c, n, "saturate", &sat, &has_sat))
        return -1;
    if (rc_attr_unused(c, g, n))
        return -1;
    x = ir_in(g, n, 0);
    if (like)
        to = ir_in(g, n, 1)->dtype, has_to = 1;
    if (!has_to)
        return rc_err(c, n, "attribute to", "is required");
    if (!cast_supported((int)to))
        return rc_err(c, n, like ? "input 'target_type'" : "attribute to",
                      "casting to %s (%" PRId64 ") is not supported", ir_dtype_name((int)to), to);
    if (!cast_supported(x->dtype))
        return rc_err(c, n, "input", "casting from %s is not supported", ir_dtype_name(x->dtype));
    p = gl_params_new(n, sizeof *p);
    p->to = (int)to;
    return gl_set_out(c, g, n, 0, p->to, x->rank, x->dims);
}

/* The range of an integer type, as doubles (the bounds of saturation). */
static void int_range(int dt, double *lo, double *hi) {
    int bits = (int)ir_dtype_size(dt) * 8;
    *lo = gl_dtype_is_signed(dt) ? -ldexp(1.0, bits - 1) : 0;
    *hi = gl_dtype_is_signed(dt) ? ldexp(1.0, bits - 1) - 1 : ldexp(1.0, bits) - 1;
}

static int cast_interp(rc_ctx *c, const ir_graph *g, const ir_node *n, rc_values *v) {
    const int from = g->t[n->in[0]].dtype, to = g->t[n->out[0]].dtype;
    const void *x = v->data[n->in[0]];
    int64_t count = ir_numel(&g->t[n->out[0]]);
    size_t esz = ir_dtype_size(to);
    void *y = rc_values_alloc(v, g, n->out[0]);
    (void)c;
    for (int64_t i = 0; i < count; i++) {
        uint64_t k;
        if (!ir_dtype_is_int(to)) { /* to a float type or bool: through double */
            double d = !ir_dtype_is_int(from)     ? ir_get(from, x, i)
                       : gl_dtype_is_signed(from) ? (double)(int64_t)gl_get_bits(g, v, n->in[0], i)
                                                  : (double)gl_get_bits(g, v, n->in[0], i);
            ir_put(to, y, i, d);
            continue;
        }
        if (ir_dtype_is_int(from) || from == IR_BOOL) {
            k = gl_get_bits(g, v, n->in[0], i); /* integers never pass through double */
        } else {
            double d = ir_get(from, x, i), lo, hi;
            int bits = (int)esz * 8;
            uint64_t max = gl_dtype_is_signed(to) ? ((uint64_t)1 << (bits - 1)) - 1
                           : bits == 64           ? ~(uint64_t)0
                                                  : ((uint64_t)1 << bits) - 1;
            int_range(to, &lo, &hi);
            /* hi of a 64-bit type rounds up to 2^63 or 2^64 in double: >= catches it */
            k = d != d                   ? 0
                : d >= hi                ? max
                : d <= lo                ? (gl_dtype_is_signed(to) ? ~max : 0)
                : gl_dtype_is_signed(to) ? (uint64_t)(int64_t)d
                                         : (uint64_t)d;
        }
        gl_put_bits(g, v, n->out[0], i, k); /* the low bits */
    }
    return 0;
}

static int cast_emit(rc_ctx *c, em_state *e, const ir_graph *g, const ir_node *n) {
    const ir_tensor *y = &g->t[n->out[0]];
    const int from = g->t[n->in[0]].dtype, to = y->dtype;
    int64_t dims[1] = {ir_numel(y)};
    gl_operand ops[2] = {{em_tensor(e, n->out[0]), 0, {1}}, {em_tensor(e, n->in[0]), 0, {1}}};
    char body[256];
    const char *ct = em_ctype(to);
    /* float16/bfloat16 travel as uint16_t bit patterns: widened to float first */
    const char *x = from == IR_FLOAT16    ? "rnnrt_f16_to_f32($1)"
                    : from == IR_BFLOAT16 ? "rnnrt_bf16_to_f32($1)"
                                          : "$1";
    int fr = from == IR_FLOAT16 || from == IR_BFLOAT16 ? IR_FLOAT : from;
    (void)c;
    if (to == IR_FLOAT16 || to == IR_BFLOAT16) {
        snprintf(body, sizeof body, "$0 = rnnrt_f32_to_%s((float)%s);",
                 to == IR_FLOAT16 ? "f16" : "bf16", x);
    } else if (to == IR_BOOL) {
        snprintf(body, sizeof body, "$0 = (uint8_t)(%s != 0);", x);
    } else if (ir_dtype_is_int(to) && (fr == IR_FLOAT || fr == IR_DOUBLE)) {
        /* a plain C conversion of NaN or an out-of-range value is undefined behaviour:
         * saturate first (the bounds as doubles; a 64-bit maximum rounds up, >= catches it) */
        static const char *const lim[][2] = {
            [IR_INT8] = {"INT8_MIN", "INT8_MAX"},    [IR_UINT8] = {"0", "UINT8_MAX"},
            [IR_INT16] = {"INT16_MIN", "INT16_MAX"}, [IR_UINT16] = {"0", "UINT16_MAX"},
            [IR_INT32] = {"INT32_MIN", "INT32_MAX"}, [IR_UINT32] = {"0", "UINT32_MAX"},
            [IR_INT64] = {"INT64_MIN", "INT64_MAX"}, [IR_UINT64] = {"0", "UINT64_MAX"},
        };
        double lo, hi;
        int_range(to, &lo, &hi);
        snprintf(body, sizeof body,
                 "{ double v_ = (double)%s; $0 = v_ != v_ ? (%s)0 : v_ >= %.17g ? (%s)%s : v_ <= "
                 "%.17g ? (%s)%s : (%s)v_; }",
                 x, ct, hi, ct, lim[to][1], lo, ct, lim[to][0], ct);
    } else if (gl_dtype_is_signed(to) && ir_dtype_is_int(from)) {
        /* the low bits, through the unsigned type of the same width */
        snprintf(body, sizeof body, "$0 = (%s)(u%s)$1;", ct, ct);
    } else {
        snprintf(body, sizeof body, "$0 = (%s)%s;", ct, x); /* unsigned: modulo 2^bits */
    }
    gl_emit_map(e, 1, dims, ops, 2, body);
    return 0;
}

#define CAST_OP(sym, name, from)                                                                   \
    const rc_op_def rc_op_##sym = {                                                                \
        .op_type = name,                                                                           \
        .since = from,                                                                             \
        .check = cast_check,                                                                       \
        .interp = cast_interp,                                                                     \
        .emit = cast_emit,                                                                         \
        .time = gl_time_same,                                                                      \
        .flops = gl_flops_none,                                                                    \
        .params = gl_params_consts,                                                                \
        .free_params = gl_free,                                                                    \
    };

CAST_OP(cast, "Cast", 0)
CAST_OP(cast_like, "CastLike", 15)
