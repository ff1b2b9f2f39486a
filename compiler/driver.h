/* driver.h — the pass pipeline (passes.c), the streaming analysis (stream.c) and the commands
 * behind the CLI (driver.c, check.c). Everything
 * returns an error value; only main() turns it into an exit status. */
#ifndef RNNC_DRIVER_H
#define RNNC_DRIVER_H

#include "emit.h"
#include "interp.h"
#include "ir.h"

#include <stdio.h>

/* Values for the symbolic dimensions of graph inputs. */
typedef struct rc_binding {
    int n_dims; /* --dim NAME=N */
    const char **dim_name;
    int64_t *dim_val;
    int n_shapes; /* --shape INPUT=d0,d1,...: replaces that input's whole shape */
    const char **shape_name;
    int *shape_rank;
    int64_t (*shape_dims)[IR_MAX_RANK];
    /* run/check: tensors read from the data, by graph-input index; they bind
     * what the options leave open (NULL entries are skipped) */
    int n_data;
    const ir_tensor **data;
    ir_tensor *data_store;  /* owner of what data points at (the CLI's) */
    const char **data_path; /* the file each data tensor was read from (for messages) */
    /* --const NAME=FILE|VALUES: graph inputs bound to constants (they leave the generated
     * API; ops that need them at compile time see them). const_val[k] is the tensor read
     * from FILE, or NULL and const_text[k] the values ("16000", "1,2,3") in the input's
     * declared dtype and shape. */
    int n_consts;
    const char **const_name;
    const char **const_text;
    const ir_tensor **const_val;
    /* run/check: an input an op needs at compile time (c->need_const) is bound from the
     * data (data[] by declared-input index) and the front end runs again */
    int auto_const;
    /* the step graph of --stream: outputs' declared time lengths do not apply
     * (rc_stream_graph checks the shapes against the whole-sequence graph) */
    int step;
    /* --weights: the last pass rounds the kernels' weights to this precision (quant.c) */
    rc_wprec weights;
} rc_binding;

/* quant.c: the weights pass. Rounds every float weight the ops' packed kernels read
 * (rc_op_def.weights) to prec, keeping the model's values beside them; sets g->weights. */
int rc_round_weights(rc_ctx *c, ir_graph *g, rc_wprec prec);
/* Swaps each rounded weight with the model's values (twice: back again). */
void rc_swap_weights(ir_graph *g);

/* load -> bind symbolic input dims -> verify -> check ops (attributes,
 * shapes) -> declared-output check -> verify with shapes. dump: print the IR
 * after each pass to stderr. b may be NULL. */
ir_graph *rc_front_bound(rc_ctx *c, const char *model, const rc_binding *b, int dump);
ir_graph *rc_front(rc_ctx *c, const char *model, int dump);
/* The same passes over a model already in memory (name: for messages; external data is
 * refused since there is no directory to resolve it against). */
ir_graph *rc_front_bytes(rc_ctx *c, const char *name, const unsigned char *buf, size_t len,
                         const rc_binding *b);

/* --stream: analyses which axis of each graph input and output is time
 * (g->in_time, g->out_time), checks that every node works step by step, and
 * returns the same model compiled with the time axes cut to `chunk` steps. */
ir_graph *rc_stream_graph(rc_ctx *c, ir_graph *g, int chunk);
/* The same from the model's bytes in memory (those g was loaded from). */
ir_graph *rc_stream_graph_bytes(rc_ctx *c, ir_graph *g, int chunk, const unsigned char *buf,
                                size_t len);

/* Writes DIR/NAME.h and DIR/NAME.c via temporary files renamed into place. */
int rc_compile_to(rc_ctx *c, const ir_graph *g, const em_opts *o, const char *dir);

/* Graph inputs read from files (ONNX TensorProto), checked against the graph. */
typedef struct rc_inputs {
    int n;
    ir_tensor *t;
} rc_inputs;
int rc_read_inputs(rc_ctx *c, const ir_graph *g, const char *const *files, int n_files,
                   const char *dir, rc_inputs *in);
void rc_inputs_free(rc_inputs *in);
/* A data set's file DIR/STEM_N.pb or DIR/STEM_N.npy (STEM "input" or "output"): 1 with path
 * set when one of them exists, 0 when neither does (path: the .pb name), -1 with c's error
 * naming both when both do. */
int rc_data_file(rc_ctx *c, const char *dir, const char *stem, int n, char *path, size_t size);
/* Prints t as "NAME: DTYPE[d0][d1]..." and its values, numpy-like: all of them up to 1000
 * elements, else the first and last 3 along each axis with "..." between. */
void rc_print_tensor(FILE *f, const char *label, const ir_tensor *t);

/* FLOPs of one inference (the sum of every node's op count, as rnnc info reports). */
double rc_graph_flops(const ir_graph *g);
/* Multiply-adds of node n in one inference (0 for an op without products). */
double rc_node_macs(const ir_graph *g, const ir_node *n);

/* Runs the reference interpreter; on success out->t[k] is graph output k. */
int rc_run_interp(rc_ctx *c, const ir_graph *g, const rc_inputs *in, rc_inputs *out);

typedef struct rc_check_opts {
    double atol, rtol;
    const em_opts *em;
    int keep;
    int verbose;
    /* --random N: also N input sets made up from seed (generated code vs interpreter) */
    int random_runs;
    uint64_t seed;
} rc_check_opts;
/* rnnc check: returns 0 when every output of every data set is within tolerance
 * for both the generated code and the interpreter, 1 when some is not, -1 on error. */
int rc_check(rc_ctx *c, const ir_graph *g, const char *const *dirs, int n_dirs,
             const rc_check_opts *o);

/* Footprint of the generated code compiled by a given compiler command. */
typedef struct rc_footprint_t {
    long flash; /* .text + .rodata + .data of the generated object */
    long stack; /* deepest entry point + node function frame (-fstack-usage); -1 unknown */
} rc_footprint_t;
/* Compiles the generated code with `cc` (a command with flags, e.g.
 * "arm-none-eabi-gcc -mcpu=cortex-m4 -mthumb -Os") and measures it with the
 * matching binutils `size` and gcc's -fstack-usage. */
int rc_footprint(rc_ctx *c, const ir_graph *g, const em_opts *o, const char *cc,
                 rc_footprint_t *fp);

/* rnnc info; cc: the compiler command for the measured footprint */
int rc_info(rc_ctx *c, const ir_graph *g, const em_opts *o, const char *cc);
/* rnnc info for a model whose symbolic dims are not all bound: the declared
 * inputs and outputs, symbolic dims by name. */
int rc_info_unbound(rc_ctx *c, const char *model);
/* rnnc info's table of nodes: MACs, FLOPs, weight and scratch bytes of each (r: g's
 * generated code), and their totals. */
void rc_info_print_nodes(const ir_graph *g, const em_result *r);
/* rnnc info --json: the model, inputs, outputs, every node's figures, the totals and the
 * footprint measured with cc (null with the reason when it cannot be) as one JSON document
 * on stdout. */
int rc_info_json(rc_ctx *c, const ir_graph *g, const em_opts *o, const char *cc);
/* The same document for a model whose dims are not all bound (reason: why it was not
 * compiled): the declared inputs and outputs, the nodes, null for every figure. */
int rc_info_unbound_json(rc_ctx *c, const char *model, const em_opts *o, const char *reason);

/* mkdir -p */
int rc_mkdirs(rc_ctx *c, const char *dir);

#endif
