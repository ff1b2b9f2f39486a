/* ir.h — rnnc's intermediate representation.
 *
 * One graph of tensors and nodes. Tensors carry an ONNX dtype code and a fully
 * static shape; constants (initializers) own their dense row-major data.
 * Nodes refer to tensors by index (-1 for an absent optional input/output) and
 * keep their attributes in typed form until the op's check pass parses them
 * into node->params. Nothing here knows about protobuf. */
#ifndef RNNC_IR_H
#define RNNC_IR_H

#include "ops.h"
#include "util.h"

#include <stddef.h>
#include <stdint.h>

#define IR_MAX_RANK 8

/* --weights: the precision constant weights are stored at (quant.c). */
typedef enum rc_wprec { RC_W_F32, RC_W_F16, RC_W_BF16, RC_W_I8 } rc_wprec;
const char *rc_wprec_name(rc_wprec p);
/* "f32", "f16", "bf16", "i8" (quant.c); -1 for anything else. */
int rc_wprec_parse(const char *s, rc_wprec *p);

/* A float weight rounded by the weights pass: data holds the rounded values (what the
 * interpreter computes with), orig the model's values (for check's error against fp32);
 * for i8, q the integers as floats in data's layout and scale one factor per kernel row
 * (data[e] == q[e] * scale[row of e], in float). */
typedef struct ir_quant {
    rc_wprec prec;
    float *orig;
    float *q;
    float *scale;
    int64_t n_scale;
    /* a DequantizeLinear of constant integers folded here (qdq.c): q holds x - zero_point and
     * elem_scale each element's scale until the weights pass keeps them (8-bit rows with one
     * scale: exact, orig NULL) or drops them; prec is RC_W_I8 */
    float *elem_scale;
} ir_quant;

/* ONNX TensorProto.DataType codes that rnnc names. */
enum {
    IR_UNDEFINED = 0,
    IR_FLOAT = 1,
    IR_UINT8 = 2,
    IR_INT8 = 3,
    IR_UINT16 = 4,
    IR_INT16 = 5,
    IR_INT32 = 6,
    IR_INT64 = 7,
    IR_STRING = 8,
    IR_BOOL = 9,
    IR_FLOAT16 = 10,
    IR_DOUBLE = 11,
    IR_UINT32 = 12,
    IR_UINT64 = 13,
    IR_BFLOAT16 = 16,
};

const char *ir_dtype_name(int dtype);
/* Bytes per element for the numeric dtypes rnnc can hold; 0 otherwise. */
size_t ir_dtype_size(int dtype);
/* 1 for the integer dtypes (signed and unsigned, not bool). */
int ir_dtype_is_int(int dtype);
/* 1 for float, double, float16, bfloat16. */
int ir_dtype_is_float(int dtype);

/* Element i of dense data of this dtype, as double (float16/bfloat16 widened exactly;
 * int64/uint64 beyond 2^53 rounded: ops that must be exact on them read the integers). */
double ir_get(int dtype, const void *p, int64_t i);
/* Stores x into element i: floats round to nearest (even), integers truncate toward zero
 * and wrap modulo 2^bits (as a C conversion through int64 would), bool is x != 0. */
void ir_put(int dtype, void *p, int64_t i, double x);
/* IEEE binary16 and bfloat16 <-> float; to_* round to nearest even, NaN stays NaN. */
float ir_half_to_float(uint16_t h);
uint16_t ir_float_to_half(float f);
float ir_bf16_to_float(uint16_t h);
uint16_t ir_float_to_bf16(float f);

typedef struct ir_tensor {
    char *name;
    int dtype; /* IR_* code, IR_UNDEFINED until known */
    int rank;  /* -1 until known */
    int64_t dims[IR_MAX_RANK];
    void *data;    /* constants only: dense row-major, owned */
    int is_init;   /* an initializer of the model (not a folded value) */
    int is_input;  /* runtime graph input */
    int is_output; /* graph output */
    int is_bound;  /* a graph input bound to a constant (--const): data set, is_input 0 */
    int is_outer;  /* subgraphs: a value of an enclosing graph, read by name */
    int producer;  /* node index, or -1 */
    char *doc;     /* doc_string, may be NULL */
    /* Graph inputs: the dim_param of each symbolic dimension (dims[i] == -1
     * until the bind pass), "" for an unnamed unknown one; NULL otherwise. */
    char *dim_param[IR_MAX_RANK];
    /* Declared shape of a graph output, checked against the inferred one. */
    int decl_rank; /* -1: not declared */
    int64_t decl_dims[IR_MAX_RANK];
    int decl_dtype;
    ir_quant *quant; /* float weights rounded by --weights (quant.c), else NULL */
} ir_tensor;

typedef enum ir_attr_type {
    IR_ATTR_FLOAT,
    IR_ATTR_INT,
    IR_ATTR_STRING,
    IR_ATTR_FLOATS,
    IR_ATTR_INTS,
    IR_ATTR_STRINGS,
    IR_ATTR_TENSOR,
    IR_ATTR_GRAPH, /* a subgraph (If's branches) */
    IR_ATTR_OTHER  /* sparse, type: kept only to be rejected by name */
} ir_attr_type;

typedef struct ir_attr {
    char *name;
    ir_attr_type type;
    const char *type_name; /* for messages */
    double f;
    int64_t i;
    char *s;
    int n;
    double *floats;
    int64_t *ints;
    char **strings;
    struct ir_tensor *tensor; /* IR_ATTR_TENSOR: dtype, shape and data (owned) */
    struct ir_graph *graph;   /* IR_ATTR_GRAPH (owned) */
    int used;                 /* set when an op consumes it; an unconsumed one is an error */
} ir_attr;

/* An activation fused into a node's output 0 (a Relu, Sigmoid or Tanh that read only it):
 * the node's own interpreter and emitter apply it (rc_op_def.fuses_act). */
typedef enum ir_act { IR_ACT_NONE, IR_ACT_RELU, IR_ACT_SIGMOID, IR_ACT_TANH } ir_act;
const char *ir_act_name(ir_act a); /* "Relu", ...; "" for none */

typedef struct ir_node {
    char *name;
    char *op_type;
    char *domain;
    char *doc;
    rc_op op;
    int n_in, n_out, n_attr;
    int *in;  /* tensor index, -1 for "" */
    int *out; /* tensor index, -1 for "" */
    ir_attr *attr;
    void *params; /* op-specific, set by the op's check */
    /* values of this graph that the node's subgraphs read by name (If's branches): they
     * order the node after their producers like inputs do */
    int n_implicit;
    int *implicit;
    /* A branch of an If decided at run time: the node runs only when the one-element bool
     * tensor `guard` is true (guard_neg 0) or false (guard_neg 1); -1: always. */
    int guard, guard_neg;
    ir_act post_act; /* fused into output 0 (IR_ACT_NONE: none) */
} ir_node;

typedef struct ir_graph {
    char *model_path;
    char model_sha256[65]; /* of the model file's bytes ("" for a subgraph) */
    char *graph_name;
    char *producer;
    int64_t ir_version;
    int64_t opset;    /* default-domain opset */
    int64_t ms_opset; /* com.microsoft opset the model imports, 0: none */
    int is_sub;       /* a subgraph (a node's graph attribute) */
    int n_tensor, cap_tensor;
    ir_tensor *t;
    int n_node, cap_node;
    ir_node *node;
    int n_input, n_output;
    int *input;  /* runtime inputs in graph order (initializers excluded) */
    int *output; /* graph outputs in graph order */
    /* every declared graph input (initializers excluded), bound or not: the numbering of
     * data files (input_N.pb) and of --input */
    int n_decl_input;
    int *decl_input;
    /* Streaming (--stream): the time axis of each graph input and output,
     * -1 for none; NULL until the stream analysis has run. */
    int *in_time, *out_time;
    /* name -> tensor index hash table (open addressing) */
    int *map;
    int map_cap;
    rc_wprec weights; /* the --weights pass that ran (RC_W_F32: none) */
} ir_graph;

ir_graph *ir_new(void);
void ir_free(ir_graph *g);
void ir_quant_free(ir_quant *q);
/* Index of the tensor with this name, or -1. */
int ir_find(const ir_graph *g, const char *name);
/* Adds a tensor with this name; the name must not exist yet. */
int ir_add_tensor(ir_graph *g, const char *name);
ir_node *ir_add_node(ir_graph *g);

int64_t ir_numel(const ir_tensor *t);
/* t viewed as [outer][len][inner] around axis (dims before, at and after it);
 * axis < 0 gives outer = len = 1, inner = every element. */
void ir_split_axis(const ir_tensor *t, int axis, int64_t *outer, int64_t *len, int64_t *inner);
/* 1 when a and b have the same dtype, rank and dims. */
int ir_same_type(const ir_tensor *a, const ir_tensor *b);
/* "float[3][2][4]" */
void ir_shape_str(const ir_tensor *t, char *buf, size_t n);
/* Attribute by name, or NULL. */
ir_attr *ir_attr_get(const ir_node *n, const char *name);

/* The tensor of node input k, or NULL if absent (missing or ""). */
const ir_tensor *ir_in(const ir_graph *g, const ir_node *n, int k);
const ir_tensor *ir_out(const ir_graph *g, const ir_node *n, int k);

/* Removes the nodes with drop[i] set, keeping the order of the rest; outputs
 * of removed nodes lose their producer (they must be constants or unused). */
void ir_remove_nodes(ir_graph *g, const unsigned char *drop);
/* Replaces node i by `count` nodes (moved in: their memory now belongs to g), in order, and
 * re-links the producers of every later node's outputs. */
void ir_replace_node(ir_graph *g, int i, ir_node *nodes, int count);
/* Number of node inputs that read tensor ti (graph outputs not counted). */
int ir_consumers(const ir_graph *g, int ti);
/* The same for every tensor at once: an array of g->n_tensor counts (free() it). */
int *ir_consumer_counts(const ir_graph *g);
/* The one graph input tensor ti's value is computed from (its index), or -1: none, or several. */
int ir_sole_input(const ir_graph *g, int ti);

/* Structural verifier: names unique, every node input defined before use,
 * producers consistent, graph outputs defined. With shapes=1 also requires
 * every used tensor to have a dtype and a shape. */
int ir_verify(rc_ctx *c, const ir_graph *g, int shapes);

/* Human-readable IR, for --dump-ir. */
void ir_dump(const ir_graph *g, const char *title, void *file);

#endif
