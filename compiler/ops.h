/* ops.h — the one list of operators rnnc implements.
 *
 * Each entry X(ENUM, name, min_since) makes an enum value RC_OP_ENUM, its
 * ONNX op_type string, and a slot in rc_op_defs[] that points at the table
 * defined in ops/<name>.c, which holds all of that op's meaning: attributes,
 * shape rules, reference interpreter and emitter. */
#ifndef RNNC_OPS_H
#define RNNC_OPS_H

#include <stdint.h>

#define RC_OPS(X)                                                                                  \
    X(RNN, rnn)                                                                                    \
    X(LSTM, lstm)                                                                                  \
    X(GRU, gru)                                                                                    \
    X(SHAPE, shape)                                                                                \
    X(CONSTANT, constant)                                                                          \
    X(CONSTANT_OF_SHAPE, constant_of_shape)                                                        \
    X(CAST, cast)                                                                                  \
    X(CAST_LIKE, cast_like)                                                                        \
    X(GATHER, gather)                                                                              \
    X(SQUEEZE, squeeze)                                                                            \
    X(UNSQUEEZE, unsqueeze)                                                                        \
    X(RESHAPE, reshape)                                                                            \
    X(FLATTEN, flatten)                                                                            \
    X(IDENTITY, identity)                                                                          \
    X(DROPOUT, dropout)                                                                            \
    X(CONCAT, concat)                                                                              \
    X(EXPAND, expand)                                                                              \
    X(TRANSPOSE, transpose)                                                                        \
    X(SLICE, slice)                                                                                \
    X(MATMUL, matmul)                                                                              \
    X(GEMM, gemm)                                                                                  \
    X(ADD, add)                                                                                    \
    X(SUB, sub)                                                                                    \
    X(MUL, mul)                                                                                    \
    X(DIV, div)                                                                                    \
    X(SOFTMAX, softmax)                                                                            \
    X(LOG_SOFTMAX, log_softmax)                                                                    \
    X(SIGMOID, sigmoid)                                                                            \
    X(TANH, tanh)                                                                                  \
    X(RELU, relu)                                                                                  \
    X(IF, if)                                                                                      \
    X(IF_SELECT, if_select)                                                                        \
    X(PAD, pad)                                                                                    \
    X(SPLIT, split)                                                                                \
    X(TILE, tile)                                                                                  \
    X(RANGE, range)                                                                                \
    X(SIZE, size)                                                                                  \
    X(TOP_K, top_k)                                                                                \
    X(SCATTER_ELEMENTS, scatter_elements)                                                          \
    X(GATHER_ELEMENTS, gather_elements)                                                            \
    X(TRILU, trilu)                                                                                \
    X(EYE_LIKE, eye_like)                                                                          \
    X(DEPTH_TO_SPACE, depth_to_space)                                                              \
    X(SPACE_TO_DEPTH, space_to_depth)                                                              \
    X(GATHER_ND, gather_nd)                                                                        \
    X(SCATTER_ND, scatter_nd)                                                                      \
    X(ONE_HOT, one_hot)                                                                            \
    X(COMPRESS, compress)                                                                          \
    X(SCATTER, scatter)                                                                            \
    X(SQRT, sqrt)                                                                                  \
    X(EXP, exp)                                                                                    \
    X(LOG, log)                                                                                    \
    X(RECIPROCAL, reciprocal)                                                                      \
    X(FLOOR, floor)                                                                                \
    X(CEIL, ceil)                                                                                  \
    X(ROUND, round)                                                                                \
    X(ABS, abs)                                                                                    \
    X(NEG, neg)                                                                                    \
    X(SIGN, sign)                                                                                  \
    X(ERF, erf)                                                                                    \
    X(SIN, sin)                                                                                    \
    X(COS, cos)                                                                                    \
    X(TAN, tan)                                                                                    \
    X(ASIN, asin)                                                                                  \
    X(ACOS, acos)                                                                                  \
    X(ATAN, atan)                                                                                  \
    X(SINH, sinh)                                                                                  \
    X(COSH, cosh)                                                                                  \
    X(ASINH, asinh)                                                                                \
    X(ACOSH, acosh)                                                                                \
    X(ATANH, atanh)                                                                                \
    X(IS_NAN, is_nan)                                                                              \
    X(IS_INF, is_inf)                                                                              \
    X(NOT, not )                                                                                   \
    X(LEAKY_RELU, leaky_relu)                                                                      \
    X(ELU, elu)                                                                                    \
    X(SELU, selu)                                                                                  \
    X(CELU, celu)                                                                                  \
    X(HARD_SIGMOID, hard_sigmoid)                                                                  \
    X(HARD_SWISH, hard_swish)                                                                      \
    X(SOFTPLUS, softplus)                                                                          \
    X(SOFTSIGN, softsign)                                                                          \
    X(THRESHOLDED_RELU, thresholded_relu)                                                          \
    X(SHRINK, shrink)                                                                              \
    X(MISH, mish)                                                                                  \
    X(GELU, gelu)                                                                                  \
    X(CLIP, clip)                                                                                  \
    X(REDUCE_SUM, reduce_sum)                                                                      \
    X(REDUCE_MEAN, reduce_mean)                                                                    \
    X(REDUCE_MAX, reduce_max)                                                                      \
    X(REDUCE_MIN, reduce_min)                                                                      \
    X(REDUCE_PROD, reduce_prod)                                                                    \
    X(REDUCE_L1, reduce_l1)                                                                        \
    X(REDUCE_L2, reduce_l2)                                                                        \
    X(REDUCE_LOG_SUM, reduce_log_sum)                                                              \
    X(REDUCE_LOG_SUM_EXP, reduce_log_sum_exp)                                                      \
    X(REDUCE_SUM_SQUARE, reduce_sum_square)                                                        \
    X(ARG_MAX, arg_max)                                                                            \
    X(ARG_MIN, arg_min)                                                                            \
    X(CUM_SUM, cum_sum)                                                                            \
    X(LAYER_NORM, layer_norm)                                                                      \
    X(INSTANCE_NORM, instance_norm)                                                                \
    X(MVN, mvn)                                                                                    \
    X(LP_NORM, lp_norm)                                                                            \
    X(EQUAL, equal)                                                                                \
    X(LESS, less)                                                                                  \
    X(GREATER, greater)                                                                            \
    X(LESS_OR_EQUAL, less_or_equal)                                                                \
    X(GREATER_OR_EQUAL, greater_or_equal)                                                          \
    X(AND, and)                                                                                    \
    X(OR, or)                                                                                      \
    X(XOR, xor)                                                                                    \
    X(WHERE, where)                                                                                \
    X(POW, pow)                                                                                    \
    X(MAX, max)                                                                                    \
    X(MIN, min)                                                                                    \
    X(SUM, sum)                                                                                    \
    X(MEAN, mean)                                                                                  \
    X(MOD, mod)                                                                                    \
    X(BIT_SHIFT, bit_shift)                                                                        \
    X(PRELU, prelu)                                                                                \
    X(CONV, conv)                                                                                  \
    X(CONV_TRANSPOSE, conv_transpose)                                                              \
    X(MAX_POOL, max_pool)                                                                          \
    X(AVERAGE_POOL, average_pool)                                                                  \
    X(GLOBAL_AVERAGE_POOL, global_average_pool)                                                    \
    X(GLOBAL_MAX_POOL, global_max_pool)                                                            \
    X(BATCH_NORMALIZATION, batch_normalization)                                                    \
    X(QUANTIZE_LINEAR, quantize_linear)                                                            \
    X(DEQUANTIZE_LINEAR, dequantize_linear)                                                        \
    X(DYNAMIC_QUANTIZE_LINEAR, dynamic_quantize_linear)                                            \
    X(MAT_MUL_INTEGER, mat_mul_integer)                                                            \
    X(DYNAMIC_QUANTIZE_LSTM, dynamic_quantize_lstm)

typedef enum rc_op {
#define RC_OP_ENUM(E, n) RC_OP_##E,
    RC_OPS(RC_OP_ENUM)
#undef RC_OP_ENUM
        RC_OP_COUNT,
    RC_OP_NONE = -1
} rc_op;

struct rc_ctx;
struct ir_graph;
struct ir_node;
struct rc_values;
struct em_state;

/* A constant float weight that the op's packed kernels read (--weights, quant.c): n_mat
 * matrices of rows x k, element (m, r, kk) at data[m * mat_stride + r * rs + kk * ks]; kernel
 * row m * rows + r is one output of the product (an i8 row shares one scale). */
typedef struct rc_wslot {
    int in; /* input slot of the node */
    int64_t n_mat, rows, k, mat_stride, rs, ks;
} rc_wslot;
#define RC_MAX_WSLOTS 4

/* What an operator file provides. */
typedef struct rc_op_def {
    const char *op_type;
    /* NULL: the default ONNX domain; else the op's domain ("com.microsoft"), and since/until
     * below count that domain's opsets (ir_graph.ms_opset). */
    const char *domain;
    /* The default-domain opsets that define the op: from `since` (0: every opset rnnc
     * loads) up to `until` (0: still current); a model outside them is refused by name. */
    int since, until;
    /* The op's interpreter and emitter apply node->post_act to output 0, so a Relu, Sigmoid
     * or Tanh that alone reads it folds into the node (unary.c's expand). */
    int fuses_act;
    /* Parses and validates attributes, checks input shapes and dtypes, infers
     * output shapes; stores the parsed form in node->params. */
    int (*check)(struct rc_ctx *c, struct ir_graph *g, struct ir_node *n);
    /* Reference semantics: naive, double accumulation. */
    int (*interp)(struct rc_ctx *c, const struct ir_graph *g, const struct ir_node *n,
                  struct rc_values *v);
    /* Emits the C that computes the node. */
    int (*emit)(struct rc_ctx *c, struct em_state *e, const struct ir_graph *g,
                const struct ir_node *n);
    /* Floating-point operations of one inference, for `rnnc info`. */
    double (*flops)(const struct ir_graph *g, const struct ir_node *n);
    /* Optional: multiply-adds of one inference in the op's products (recurrences, MatMul,
     * Gemm, convolutions), for `rnnc info`; NULL: the op has none (flops counts them twice,
     * plus the rest of its arithmetic). */
    double (*macs)(const struct ir_graph *g, const struct ir_node *n);
    /* Learned parameters (elements), split into those stored in the model
     * and those supplied as graph inputs at run time. */
    void (*params)(const struct ir_graph *g, const struct ir_node *n, int64_t *in_model,
                   int64_t *at_run_time);
    void (*free_params)(void *params);
    /* Output 0 holds input 0's elements in the same order (Reshape and
     * kin): the emitter lets it share input 0's storage instead of copying. */
    int alias;
    /* Output depends only on input shapes (Shape): folded at compile time
     * even when the inputs are computed at run time. */
    int shape_only;
    /* Optional: 1 if output 0 is input 0's elements [off, off + numel) in
     * order (a contiguous Slice or Gather), so the emitter can point into
     * the input instead of copying. */
    int (*view)(const struct ir_graph *g, const struct ir_node *n, int64_t *off);
    /* Streaming analysis: given the time axis of each input (-1: none),
     * sets that of each output, or fails with an error when the op mixes
     * time steps (it needs the whole sequence). NULL: the op accepts no input
     * with a time axis. */
    int (*time)(struct rc_ctx *c, const struct ir_graph *g, const struct ir_node *n, const int *in,
                int *out);
    /* Optional: called right after a successful check, may replace node i of g by other
     * nodes (If inlines the branch its constant condition selects; BatchNormalization folds
     * into the Conv before it): 1 when it did (the check pass then visits the replacements),
     * 0 when node i stays as it is, -1 on error. */
    int (*expand)(struct rc_ctx *c, struct ir_graph *g, int i);
    /* Optional: the constant weights the op's packed kernels read (at most RC_MAX_WSLOTS),
     * which --weights stores at reduced precision; returns how many it wrote. */
    int (*weights)(const struct ir_graph *g, const struct ir_node *n, rc_wslot *w);
    /* Optional: called when the node has folded to constants (its outputs' data set), to
     * note what the weights pass should know of them (DequantizeLinear: the integers). */
    void (*folded)(struct ir_graph *g, const struct ir_node *n);
} rc_op_def;

#define RC_OP_DECL(E, n) extern const rc_op_def rc_op_##n;
RC_OPS(RC_OP_DECL)
#undef RC_OP_DECL

extern const rc_op_def *const rc_op_defs[RC_OP_COUNT];

/* Looks up an op_type in the default ONNX domain; RC_OP_NONE if unknown. */
rc_op rc_op_lookup(const char *op_type);
/* Looks up an op_type of another domain ("com.microsoft"); RC_OP_NONE if unknown. */
rc_op rc_op_lookup_domain(const char *domain, const char *op_type);
/* "RNN, LSTM, ..." — every supported default-domain op_type, for messages. */
const char *rc_op_names(void);

#endif
