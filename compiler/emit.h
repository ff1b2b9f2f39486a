/* emit.h — the C emitter: generated-file layout, identifiers, constants,
 * context fields, and the unrolling policy. Op files write their compute
 * through this. */
#ifndef RNNC_EMIT_H
#define RNNC_EMIT_H

#include "ir.h"

typedef enum rc_unroll { RC_UNROLL_AUTO, RC_UNROLL_NONE, RC_UNROLL_FULL } rc_unroll;
/* "auto", "none", "full" */
const char *em_unroll_name(rc_unroll u);

struct ir_graph;

typedef struct em_opts {
    const char *name; /* C prefix, a valid identifier */
    rc_unroll unroll;
    const char *command;  /* the command line, for the header comment */
    const ir_graph *step; /* --stream: the step graph (rc_stream_graph), else NULL */
    double gemm_min;      /* --gemm-min: products of at least this many multiply-adds go
                             through the runtime's GEMM/GEMV; 0 = the default, 16384 */
    rc_wprec weights;     /* --weights as given (the graph's g->weights once the pass ran) */
    int step_only;        /* --step-only: the step API alone (no NAME_run), so the context
                             holds one chunk's scratch and the state, whatever the length */
} em_opts;

/* What came out: the two files plus the figures `rnnc info` reports. */
typedef struct em_result {
    rc_buf header, source;
    size_t ctx_bytes;   /* sizeof the context struct's payload */
    size_t const_bytes; /* bytes of static const weight data */
    int used_gemm;      /* generated code calls the GEMM/GEMV seam */
    int has_loops;      /* generated code contains a loop statement */
    /* Per node of the graph (not of the --stream step graph), n_node of each: the bytes of
     * constant data emitted for the node (a constant shared by content counts once, for the
     * first node that reads it) and of context memory it asks for (its outputs kept in the
     * context, its working buffers and state), before buffers whose lifetimes do not
     * overlap share the arena. */
    int n_node;
    size_t *node_const_bytes, *node_scratch_bytes;
    size_t scratch_bytes; /* context memory asked for in all (nodes, step graph, flags) */
    /* what was emitted for no node of the graph: constant graph outputs, the --stream step
     * graph and its flag (each total is the nodes' plus this, counted apart) */
    size_t other_const_bytes, other_scratch_bytes;
} em_result;

typedef struct em_state {
    rc_ctx *c;
    const em_opts *opts;
    const ir_graph *g;
    rc_buf consts; /* static const data */
    rc_buf fields; /* context struct fields */
    rc_buf funcs;  /* node functions */
    rc_buf run;    /* body of NAME_run */
    char **texpr;  /* per tensor: C pointer expression valid inside NAME_run */
    size_t ctx_bytes, const_bytes;
    int le_bytes;         /* some constant is emitted as little-endian bytes */
    size_t scratch_bytes; /* context memory asked for, before the arena shares it */
    /* where emitted constant and context bytes are also counted: the node being emitted's
     * entries of em_result's node arrays, or other_const/other_scratch */
    size_t *const_owner, *scratch_owner;
    size_t other_const, other_scratch;
    int used_gemm, has_loops;
    int node;    /* index of the node being emitted */
    int stream;  /* emitting the step graph: names get an s prefix, state persists */
    char **pool; /* expressions handed out by em_scratch/em_const_f32 */
    int n_pool, cap_pool;
    /* float scratch in the shared arena ctx->mem: placed after emission so
     * that buffers whose lifetimes do not overlap share memory */
    struct em_arena_buf *bufs;
    int n_bufs, cap_bufs;
    struct em_region *regions; /* which node each part of funcs belongs to */
    int n_regions, cap_regions;
    /* float constants emitted so far, by content: an identical one (the step graph's copy
     * of a packed weight, a weight two nodes share) reuses the first definition */
    struct em_fconst *fconsts;
    int n_fconsts, cap_fconsts;
    /* the context struct's members in order, as {element size, count}: NAME_CTX_SIZE */
    size_t (*members)[2];
    int n_members, cap_members;
} em_state;

/* Emits NAME.h and NAME.c for a checked graph; with step (the same model
 * compiled for one chunk of time steps, see rc_stream_graph) also the
 * streaming API NAME_reset / NAME_step. */
int em_generate(rc_ctx *c, const ir_graph *g, const ir_graph *step, const em_opts *o,
                em_result *out);
void em_result_free(em_result *r);

/* The model's file name without its directory: generated files do not depend on where the
 * model lives (its sha256 identifies it). */
const char *em_model_base(const char *path);

/* 0 if s is a valid C identifier not reserved by C99 (keywords, leading '_'). */
int em_valid_name(const char *s);
/* Maps any string to [A-Za-z0-9_]+ not starting with a digit; never empty. */
void em_sanitize(const char *s, char *out, size_t n);

/* For op emitters -------------------------------------------------------- */

/* Adds `float NAME_nK_tag[n]` to the context; returns the expression
 * "ctx->nK_tag" (owned by e). */
const char *em_scratch(em_state *e, const char *tag, size_t n);
/* The same for elements of another dtype. Float scratch is placed in a
 * shared arena: valid only while the node (and its consumers) run. */
const char *em_scratch_typed(em_state *e, const char *tag, int dtype, size_t n);
/* Float memory of its own that keeps its value between calls (the
 * recurrent state of a streaming step). */
const char *em_scratch_state(em_state *e, const char *tag, size_t n);
/* Emits `static const` float data bit-exactly; returns its expression. */
const char *em_const_f32(em_state *e, const char *tag, const float *v, size_t n);
/* n values of elem (1, 2, 4 or 8) bytes each, of C type ctype, as static const data of
 * the node being emitted (64-byte aligned, bit-exact): its C expression, of type
 * const ctype *. Not shared with other constants, unlike em_const_f32. */
const char *em_const_data(em_state *e, const char *tag, const char *ctype, const void *v,
                          size_t elem, size_t n);
/* Packs the rows x k matrix W[r][kk] = v[r * rs + kk * ks] (the values of weight wt, from
 * em_wvalues) into t in the layout of the runtime's product for wt's precision (rnnrt.h:
 * RNNRT_PACKED_SIZE, or RNNRT_PACKED_SIZE_I8 with its row sums for i8; t zeroed by the
 * caller, padding stays zero). Returns the elements it spans, em_packed_size(wt, rows, k). */
size_t em_pack_panels(const ir_tensor *wt, float *t, const float *v, int rows, int k, size_t rs,
                      size_t ks);
size_t em_packed_size(const ir_tensor *wt, size_t rows, size_t k);
/* --weights: how the packed kernels' weight t is stored (its ir_quant, else fp32). em_wvalues
 * is what to pack (the data, or for i8 the integers q as floats, in the data's layout);
 * em_packed_weights emits n packed values at t's precision and returns the expression;
 * em_wsuffix names the kernel (rnnrt_pgemm_<suffix>), em_wctype the element type. An i8
 * weight's kernels also take its row scales (ir_quant.scale, as em_const_f32). */
const float *em_wvalues(const ir_tensor *t);
const char *em_packed_weights(em_state *e, const char *tag, const ir_tensor *t, const float *packed,
                              size_t n);
const char *em_wsuffix(const ir_tensor *t);
const char *em_wctype(const ir_tensor *t);
/* The --gemm-min threshold in multiply-adds. */
double em_gemm_min(const em_state *e);
/* Appends formatted text to the node-function buffer. */
void em_printf(em_state *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A float literal that reproduces v bit-exactly (hex float, e.g. 0x1.8p+1f). */
void em_float_lit(float v, char *buf, size_t n);
/* The C pointer expression of tensor ti's data, valid inside a node function;
 * constants are emitted as static const data on first use. */
const char *em_tensor(em_state *e, int ti);
/* The C element type of a numeric dtype ("float", "int32_t", ...). */
const char *em_ctype(int dtype);
/* NAME in upper case, for macro prefixes. */
void em_upper(const char *s, char *out, size_t n);

#endif
