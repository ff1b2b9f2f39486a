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
    X(LP_NORM, lp_norm)

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

/* What an operator file provides. */
typedef struct rc_op_def {
    const char *op_type;
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
} rc_op_def;

#define RC_OP_DECL(E, n) extern const rc_op_def rc_op_##n;
RC_OPS(RC_OP_DECL)
#undef RC_OP_DECL

extern const rc_op_def *const rc_op_defs[RC_OP_COUNT];

/* Looks up an op_type in the default ONNX domain; RC_OP_NONE if unknown. */
rc_op rc_op_lookup(const char *op_type);
/* "RNN, LSTM, ..." — every supported op_type, for messages. */
const char *rc_op_names(void);

#endif
