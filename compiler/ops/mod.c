/* ops/mod.c — the integer-flavoured binary ops, elementwise with multidirectional (numpy)
 * broadcasting, A and B of one element type:
 *   Mod (opsets 10, 13): fmod = 0 (the default) is numpy.mod for integers, the remainder
 *     taking the divisor's sign; fmod = 1 is C's fmod for floating types and the truncated
 *     remainder (C's %) for integers. Types: float, double, float16 (fmod = 1 only, as ONNX
 *     requires), int8..int64, uint8..uint64. x mod 0 gives 0 in generated code (an error in
 *     the interpreter), x mod -1 gives 0 (so INT_MIN % -1 never traps).
 *   BitShift (opset 11): direction "LEFT" or "RIGHT", uint8..uint64; a shift by the width
 *     or more gives 0 (C leaves it undefined).
 * Refused: bool, bfloat16, Mod fmod = 0 on floating types, signed types for BitShift.
 * The interpreter is exact (integers as integers, fmod in double on the widened values,
 * which is exact). */
#include "glue.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

typedef struct mod_params {
    int fmod;  /* Mod: 1 = truncated remainder, 0 = the divisor's sign */
    int right; /* BitShift: 1 = RIGHT */
} mod_params;

/* Arity, one dtype for both inputs, broadcast output of that dtype. */
static int pair_check(rc_ctx *c, ir_graph *g, ir_node *n) {
    const ir_tensor *a, *b;
    int64_t dims[IR_MAX_RANK];
    int rank;
    if (gl_arity(c, n, 2, 2, 2, 1) || gl_dtype(c, g, n, 0, "input 'A'", IR_UNDEFINED) ||
        gl_dtype(c, g, n, 1, "input 'B'", IR_UNDEFINED))
        return -1;
    a = ir_in(g, n, 0);
    b = ir_in(g, n, 1);
    if (a->dtype != b->dtype)
        return rc_err(c, n, "inputs", "A is %s but B is %s", ir_dtype_name(a->dtype),
                      ir_dtype_name(b->dtype));
    if (gl_broadcast(c, n, a, b, &rank, dims))
        return -1;
    return gl_set_out(c, g, n, 0, a->dtype, rank, dims);
}

static int mod_check(rc_ctx *c, ir_graph *g, ir_node *n) {
    mod_params *p;
    int64_t fm = 0;
    int has, dtype;
    if (rc_attr_int(c, n, "fmod", &fm, &has) || rc_attr_unused(c, g, n) || pair_check(c, g, n))
        return -1;
    if (g->opset < 10)
        return rc_err(c, n, "opset", "Mod is defined from opset 10, this model has %d",
                      (int)g->opset);
    if (fm != 0 && fm != 1)
        return rc_err(c, n, "fmod", "must be 0 or 1, got %" PRId64, fm);
    dtype = ir_in(g, n, 0)->dtype;
    if (!ir_dtype_is_int(dtype) && dtype != IR_FLOAT && dtype != IR_DOUBLE && dtype != IR_FLOAT16)
        return rc_err(c, n, "inputs",
                      "element type %s is not supported (float, double, float16, int8..int64, "
                      "uint8..uint64)",
                      ir_dtype_name(dtype));
    if (!ir_dtype_is_int(dtype) && fm == 0)
        return rc_err(c, n, "fmod", "must be 1 for the floating type %s, got 0",
                      ir_dtype_name(dtype));
    p = gl_params_new(n, sizeof *p);
    p->fmod = (int)fm;
    return 0;
}

static int shift_check(rc_ctx *c, ir_graph *g, ir_node *n) {
    mod_params *p;
    const char *dir = NULL;
    int has, dtype;
    if (rc_attr_string(c, n, "direction", &dir, &has) || rc_attr_unused(c, g, n) ||
        pair_check(c, g, n))
        return -1;
    if (g->opset < 11)
        return rc_err(c, n, "opset", "BitShift is defined from opset 11, this model has %d",
                      (int)g->opset);
    if (!has || (strcmp(dir, "LEFT") && strcmp(dir, "RIGHT")))
        return rc_err(c, n, "direction", "must be \"LEFT\" or \"RIGHT\", got %s",
                      has ? rc_show(dir) : "none");
    dtype = ir_in(g, n, 0)->dtype;
    if (!ir_dtype_is_int(dtype) || gl_dtype_is_signed(dtype))
        return rc_err(c, n, "inputs", "element type %s is not supported (uint8..uint64)",
                      ir_dtype_name(dtype));
    p = gl_params_new(n, sizeof *p);
    p->right = !strcmp(dir, "RIGHT");
    return 0;
}

/* Integer x mod z on the bits of dtype (z != 0). */
static uint64_t int_mod(int fmod, int dtype, uint64_t x, uint64_t z) {
    int64_t sx = (int64_t)x, sz = (int64_t)z, r;
    if (!gl_dtype_is_signed(dtype))
        return x % z;
    if (sz == -1)
        return 0;
    r = sx % sz; /* truncated: the dividend's sign */
    if (!fmod && r != 0 && (r < 0) != (sz < 0))
        r += sz; /* numpy: the divisor's sign; |r| < |z| with opposite signs, no overflow */
    return (uint64_t)r;
}

static int mod_interp(rc_ctx *c, const ir_graph *g, const ir_node *n, rc_values *v) {
    const mod_params *p = n->params;
    const ir_tensor *a = &g->t[n->in[0]], *b = &g->t[n->in[1]], *y = &g->t[n->out[0]];
    const unsigned width = (unsigned)ir_dtype_size(y->dtype) * 8;
    int64_t idx[IR_MAX_RANK];
    rc_values_alloc(v, g, n->out[0]);
    for (int64_t i = 0; i < ir_numel(y); i++) {
        int64_t ia, ib;
        uint64_t x, z;
        gl_unravel(i, y->rank, y->dims, idx);
        ia = gl_bcast_index(a, y->rank, idx);
        ib = gl_bcast_index(b, y->rank, idx);
        if (!ir_dtype_is_int(y->dtype)) { /* Mod, fmod = 1 */
            gl_put(g, v, n->out[0], i,
                   fmod(gl_get(g, v, n->in[0], ia), gl_get(g, v, n->in[1], ib)));
            continue;
        }
        x = gl_get_bits(g, v, n->in[0], ia);
        z = gl_get_bits(g, v, n->in[1], ib);
        if (n->op == RC_OP_BIT_SHIFT) /* bits shifted out past the width are dropped */
            x = z >= width ? 0 : p->right ? x >> z : x << z;
        else if (z == 0)
            return rc_err(c, n, "input 'B'", "integer modulo by zero (element %" PRId64 ")", ib);
        else
            x = int_mod(p->fmod, y->dtype, x, z);
        gl_put_bits(g, v, n->out[0], i, x);
    }
    return 0;
}

/* The loop body of Mod for dtype. */
static void mod_body(int fmod, int dtype, char *buf, size_t size) {
    const char *t = em_ctype(dtype);
    if (dtype == IR_FLOAT16)
        snprintf(buf, size,
                 "$0 = rnnrt_f32_to_f16(fmodf(rnnrt_f16_to_f32($1), rnnrt_f16_to_f32($2)));");
    else if (!ir_dtype_is_int(dtype))
        snprintf(buf, size, "$0 = fmod%s($1, $2);", dtype == IR_FLOAT ? "f" : "");
    else if (!gl_dtype_is_signed(dtype))
        snprintf(buf, size, "$0 = $2 == 0 ? 0 : (%s)($1 %% $2);", t);
    else if (fmod) /* y = 0 and y = -1 (INT_MIN % -1 traps) give 0 */
        snprintf(buf, size,
                 "{ const %s x_ = $1, y_ = $2; $0 = y_ == 0 || y_ == -1 ? 0 : (%s)(x_ %% y_); }", t,
                 t);
    else /* the same, then moved to the divisor's sign */
        snprintf(buf, size,
                 "{ const %s x_ = $1, y_ = $2; %s r_ = y_ == 0 || y_ == -1 ? 0 : (%s)(x_ %% y_); "
                 "if (r_ != 0 && (r_ < 0) != (y_ < 0)) r_ = (%s)(r_ + y_); $0 = r_; }",
                 t, t, t, t);
}

/* The loop body of BitShift: operands widened to at least unsigned int first, so a uint8
 * or uint16 promoted to int is never shifted into its sign bit. */
static void shift_body(int right, int dtype, char *buf, size_t size) {
    const unsigned width = (unsigned)ir_dtype_size(dtype) * 8;
    const char *t = em_ctype(dtype), *w = width == 64 ? "uint64_t" : "uint32_t";
    snprintf(buf, size, "$0 = $2 >= %u ? 0 : (%s)((%s)$1 %s $2);", width, t, w,
             right ? ">>" : "<<");
}

static int mod_emit(rc_ctx *c, em_state *e, const ir_graph *g, const ir_node *n) {
    const mod_params *p = n->params;
    const ir_tensor *a = &g->t[n->in[0]], *b = &g->t[n->in[1]], *y = &g->t[n->out[0]];
    gl_operand ops[3] = {{em_tensor(e, n->out[0]), 0, {0}},
                         {em_tensor(e, n->in[0]), 0, {0}},
                         {em_tensor(e, n->in[1]), 0, {0}}};
    char body[512];
    (void)c;
    gl_strides(y->rank, y->dims, ops[0].st);
    gl_bcast_strides(a, y->rank, y->dims, ops[1].st);
    gl_bcast_strides(b, y->rank, y->dims, ops[2].st);
    if (n->op == RC_OP_BIT_SHIFT)
        shift_body(p->right, y->dtype, body, sizeof body);
    else
        mod_body(p->fmod, y->dtype, body, sizeof body);
    gl_emit_map(e, y->rank, y->dims, ops, 3, body);
    return 0;
}

const rc_op_def rc_op_mod = {
    .op_type = "Mod",
    .check = mod_check,
    .interp = mod_interp,
    .emit = mod_emit,
    .flops = gl_flops_elems,
    .params = gl_params_consts,
    .free_params = gl_free,
    .time = gl_time_bcast,
};

const rc_op_def rc_op_bit_shift = {
    .op_type = "BitShift",
    .check = shift_check,
    .interp = mod_interp,
    .emit = mod_emit,
    .flops = gl_flops_elems,
    .params = gl_params_consts,
    .free_params = gl_free,
    .time = gl_time_bcast,
};
