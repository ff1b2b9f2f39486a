/* glue.h — what the graph ("glue") operators share: arity and dtype checks,
 * axes, compile-time constant inputs, output shapes, broadcasting, and the
 * emitter's strided loop nests. The op files (the files in compiler/ops/ other than the recurrent
 * ones) hold each operator's meaning; this holds only the mechanics. */
#ifndef RNNC_GLUE_H
#define RNNC_GLUE_H

#include "attr.h"
#include "emit.h"
#include "interp.h"
#include "ir.h"

/* Input count in [in_min, in_max], output count in [1, out_max], and the
 * first `required` inputs present. */
int gl_arity(rc_ctx *c, ir_node *n, int in_min, int in_max, int required, int out_max);
/* Input k must have dtype `dtype` (IR_UNDEFINED: any numeric dtype rnnc holds). */
int gl_dtype(rc_ctx *c, const ir_graph *g, ir_node *n, int k, const char *what, int dtype);
/* Normalises axis (negative counts from the end) into [0, rank). */
int gl_axis(rc_ctx *c, ir_node *n, const char *what, int64_t axis, int rank, int *out);
/* Input k as a compile-time constant int64/int32 vector (a scalar counts as
 * one value): at most max values into out, *count set. Errors name `what`. */
int gl_const_ints(rc_ctx *c, const ir_graph *g, ir_node *n, int k, const char *what, int64_t *out,
                  int max, int *count);
/* Records that graph input t (or the one graph input t is computed from) is needed at compile
 * time (before the error that says so): `rnnc run`/`check` then bind it from the data set and
 * try again. Returns that input's tensor index, or -1. */
int gl_want_const(rc_ctx *c, const ir_graph *g, const ir_tensor *t);
/* The same for a constant of any numeric dtype, as doubles (Clip's min/max, Pad's value). */
int gl_const_doubles(rc_ctx *c, const ir_graph *g, ir_node *n, int k, const char *what, double *out,
                     int max, int *count);
/* Sets output k's dtype and shape, refusing element counts past INT32_MAX. */
int gl_set_out(rc_ctx *c, ir_graph *g, ir_node *n, int k, int dtype, int rank, const int64_t *dims);
/* Multidirectional (numpy) broadcast of a and b into out; -1 with an error if
 * they do not broadcast. */
int gl_broadcast(rc_ctx *c, ir_node *n, const ir_tensor *a, const ir_tensor *b, int *rank,
                 int64_t *dims);
/* Row-major strides of dims. */
void gl_strides(int rank, const int64_t *dims, int64_t *strides);
/* Strides of t read as a tensor of rank `rank` broadcast to dims: 0 along
 * broadcast dimensions (t right-aligned). */
void gl_bcast_strides(const ir_tensor *t, int rank, const int64_t *dims, int64_t *strides);
/* Multi-index of flat index i in dims. */
void gl_unravel(int64_t i, int rank, const int64_t *dims, int64_t *idx);
/* Interpreter: the flat index of the element of t (right-aligned, numpy broadcasting) that
 * multi-index idx of a rank-yrank result reads. */
int64_t gl_bcast_index(const ir_tensor *t, int yrank, const int64_t *idx);
/* 1 if the tensor is read by a node or is a graph output. */
int gl_used(const ir_graph *g, int ti);
/* Node i folding into the node before it (BatchNormalization into a Conv, an activation fused
 * into one): the index of the producer of node i's float input 0 when that value is its output
 * 0, is computed at run time, is no graph output, has no other reader and runs under the same
 * If guard; else -1. gl_absorb then makes the producer write node i's output 0 and removes
 * node i. */
int gl_absorbable(const ir_graph *g, int i);
void gl_absorb(ir_graph *g, int i, int j);

/* Interpreter: element ti[i] as double (every numeric dtype, see ir_get). */
double gl_get(const ir_graph *g, const rc_values *v, int ti, int64_t i);
/* Copies element si of src to element di of dst (same dtype), bit for bit. */
void gl_copy_elem(const ir_graph *g, rc_values *v, int dst, int64_t di, int src, int64_t si);
/* Stores x into element i of ti in its dtype (see ir_put). */
void gl_put(const ir_graph *g, rc_values *v, int ti, int64_t i, double x);

/* Op table helpers ------------------------------------------------------- */
/* Zeroed params of `size` bytes, owned by the node (freed by gl_free). */
void *gl_params_new(ir_node *n, size_t size);
void gl_free(void *params);
double gl_flops_none(const ir_graph *g, const ir_node *n);
/* One operation per element of output 0. */
double gl_flops_elems(const ir_graph *g, const ir_node *n);
/* Float constant inputs count as parameters stored in the model. */
void gl_params_consts(const ir_graph *g, const ir_node *n, int64_t *in_model, int64_t *at_run_time);
/* For ops whose output is always known at compile time (Constant, Shape,
 * ConstantOfShape): the fold pass removes them, so reaching here is a bug. */
int gl_emit_folded(rc_ctx *c, em_state *e, const ir_graph *g, const ir_node *n);
/* Alias ops: output 0 = input 0's elements (interpreter copy; the emitter
 * copies only when output 0 cannot share input 0's storage). */
int gl_interp_alias(rc_ctx *c, const ir_graph *g, const ir_node *n, rc_values *v);
int gl_emit_alias(rc_ctx *c, em_state *e, const ir_graph *g, const ir_node *n);

/* Streaming rules (rc_op_def.time) ------------------------------------- */
/* Every output has input 0's time axis (elementwise ops). */
int gl_time_same(rc_ctx *c, const ir_graph *g, const ir_node *n, const int *in, int *out);
/* Output 0 relabels input 0's shape (Reshape and kin): the time axis must
 * survive as a dimension of its own, found by the element count before it. */
int gl_time_reshape(rc_ctx *c, const ir_graph *g, const ir_node *n, const int *in, int *out);
/* Broadcasting elementwise ops: inputs with a time axis must agree on it and
 * the others must not extend along it. */
int gl_time_bcast(rc_ctx *c, const ir_graph *g, const ir_node *n, const int *in, int *out);
/* The error for an op that combines time steps. */
int gl_time_mixes(rc_ctx *c, const ir_node *n, const char *why);

/* Emitter: one operand of a loop nest, ptr[off + sum_d i_d * st[d]]. */
typedef struct gl_operand {
    const char *ptr;
    int64_t off;
    int64_t st[IR_MAX_RANK];
} gl_operand;

/* Emits a loop nest over dims (constant bounds; dimensions that are
 * contiguous for every operand are merged) whose body is `body` with $0, $1,
 * ... replaced by the element expression of operand 0, 1, ... */
void gl_emit_map(em_state *e, int rank, const int64_t *dims, const gl_operand *ops, int nops,
                 const char *body);
/* 1 if the copy dst <- src over dims reads one contiguous run into a dense
 * dst; *off is where the run starts in src. */
int gl_contiguous(int rank, const int64_t *dims, const gl_operand *dst, const gl_operand *src,
                  int64_t *off);
/* dst <- src over dims with the given strides, as memcpy of the contiguous
 * inner runs where there are any. ctype: the element type. */
void gl_emit_copy(em_state *e, int rank, const int64_t *dims, const gl_operand *dst,
                  const gl_operand *src, const char *ctype);

#endif

/* Elementwise unary templates (elem group) -------------------------------- */
/* Emits, for every element of input 0 (same element count as output 0),
 *   { const T x_ = <input element>; body }
 * where T is input 0's C type and body assigns $0 (the output element). In body,
 * @name( becomes the <math.h> function for T (expf for float, exp for double),
 * @<number> a literal of type T (@1 -> 1.0f), @T the type T itself, and @A..@D
 * the exact literal of k[0..3] rounded to T. Only float and double inputs may use
 * the @ forms other than @T. */
void gl_emit_unary(em_state *e, const ir_graph *g, const ir_node *n, const char *body,
                   const double *k);
/* The C literal of x as a value of the float or double dtype (exact, hex). */
void gl_float_lit(int dtype, double x, char *buf, size_t size);
/* Interpreter: integer element i of ti exactly, as its two's-complement bits widened to
 * 64 (sign-extended for the signed dtypes, zero-extended for the unsigned and bool). */
uint64_t gl_get_bits(const ir_graph *g, const rc_values *v, int ti, int64_t i);
/* Stores the low bits of x into integer element i of ti (wraps, as the C conversion). */
void gl_put_bits(const ir_graph *g, rc_values *v, int ti, int64_t i, uint64_t x);
/* 1 for int8/16/32/64. */
int gl_dtype_is_signed(int dtype);
