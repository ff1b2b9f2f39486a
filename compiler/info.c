/* info.c — the per-node figures of `rnnc info`: the text table and the --json document
 * (the rest of the text form is rc_info in driver.c). */
#include "driver.h"

#include "load.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

double rc_node_macs(const ir_graph *g, const ir_node *n) {
    const rc_op_def *d = rc_op_defs[n->op];
    return d->macs ? d->macs(g, n) : 0;
}

/* ---- the text table ---------------------------------------------------------------- */

void rc_info_print_nodes(const ir_graph *g, const em_result *r) {
    double macs = 0, flops = 0;
    size_t weights = 0, scratch = 0;
    printf("per node (weights: constant data emitted for the node; scratch: context memory it\n"
           "asks for, before nodes that do not run at the same time share it):\n");
    printf("  %5s  %-20s %14s %16s %14s %14s  %s\n", "node", "op", "MACs", "FLOPs", "weight bytes",
           "scratch bytes", "name");
    for (int i = 0; i < g->n_node; i++) {
        const ir_node *n = &g->node[i];
        double m = rc_node_macs(g, n), f = rc_op_defs[n->op]->flops(g, n);
        char op[64];
        snprintf(op, sizeof op, "%s%s%s", rc_show(n->op_type), n->post_act ? "+" : "",
                 ir_act_name(n->post_act));
        printf("  %5d  %-20s %14.0f %16.0f %14zu %14zu  '%s'\n", i, op, m, f,
               r->node_const_bytes[i], r->node_scratch_bytes[i], rc_show(n->name));
        macs += m, flops += f;
        weights += r->node_const_bytes[i], scratch += r->node_scratch_bytes[i];
    }
    if (r->other_const_bytes || r->other_scratch_bytes)
        printf("  %5s  %-20s %14s %16s %14zu %14zu  (constant graph outputs, --stream's step "
               "graph)\n",
               "", "outside nodes", "", "", r->other_const_bytes, r->other_scratch_bytes);
    printf("  %5s  %-20s %14.0f %16.0f %14zu %14zu\n", "total", "", macs, flops,
           weights + r->other_const_bytes, scratch + r->other_scratch_bytes);
}

/* ---- the JSON document ------------------------------------------------------------- */

/* A JSON document built in a buffer: two-space indentation, members in the order they are
 * written (so the key order is fixed), arrays of scalars on one line. */
enum { JW_MAX_DEPTH = 8 };
typedef struct jw {
    rc_buf b;
    int depth;
    int count[JW_MAX_DEPTH];          /* members written so far at each open level */
    unsigned char flat[JW_MAX_DEPTH]; /* that level is written on one line */
} jw;

static void jw_indent(jw *w, int depth) {
    for (int i = 0; i < depth; i++)
        rc_buf_puts(&w->b, "  ");
}

/* The separator before a member, and its key inside an object (key NULL in an array). */
static void jw_item(jw *w, const char *key) {
    int d = w->depth;
    if (d) {
        if (w->flat[d]) {
            rc_buf_puts(&w->b, w->count[d] ? ", " : "");
        } else {
            rc_buf_puts(&w->b, w->count[d] ? ",\n" : "\n");
            jw_indent(w, d);
        }
        w->count[d]++;
    }
    if (key) {
        rc_buf_put_json(&w->b, key);
        rc_buf_puts(&w->b, ": ");
    }
}

static void jw_open(jw *w, const char *key, const char *bracket, int flat) {
    jw_item(w, key);
    rc_buf_puts(&w->b, bracket);
    if (++w->depth >= JW_MAX_DEPTH)
        rc_die("jw_open: JSON nested too deeply");
    w->count[w->depth] = 0;
    w->flat[w->depth] = (unsigned char)flat;
}

static void jw_close(jw *w, const char *bracket) {
    int d = w->depth--;
    if (w->count[d] && !w->flat[d]) {
        rc_buf_puts(&w->b, "\n");
        jw_indent(w, w->depth);
    }
    rc_buf_puts(&w->b, bracket);
}

/* s NULL: null */
static void jw_str(jw *w, const char *key, const char *s) {
    jw_item(w, key);
    if (s)
        rc_buf_put_json(&w->b, s);
    else
        rc_buf_puts(&w->b, "null");
}

static void jw_num(jw *w, const char *key, double x) {
    jw_item(w, key);
    rc_buf_put_json_num(&w->b, x);
}

static void jw_int(jw *w, const char *key, int64_t x) {
    jw_item(w, key);
    rc_buf_printf(&w->b, "%" PRId64, x);
}

static void jw_bool(jw *w, const char *key, int x) {
    jw_item(w, key);
    rc_buf_puts(&w->b, x ? "true" : "false");
}

static void jw_null(jw *w, const char *key) {
    jw_item(w, key);
    rc_buf_puts(&w->b, "null");
}

/* Writes the document and a newline to stdout. */
static int jw_finish(rc_ctx *c, jw *w) {
    int ok;
    rc_buf_puts(&w->b, "\n");
    ok = fwrite(w->b.p, 1, w->b.len, stdout) == w->b.len && fflush(stdout) == 0;
    rc_buf_free(&w->b);
    return ok ? 0 : rc_err(c, NULL, "info", "cannot write to the standard output");
}

static void json_model(jw *w, const ir_graph *g) {
    jw_open(w, "model", "{", 0);
    jw_str(w, "file", em_model_base(g->model_path));
    jw_str(w, "sha256", g->model_sha256);
    jw_int(w, "ir_version", g->ir_version);
    jw_int(w, "opset", g->opset);
    jw_str(w, "producer", g->producer);
    jw_str(w, "graph", g->graph_name);
    jw_close(w, "}");
}

/* "shape": each dim as its size, an unbound symbolic one as its name (null when unnamed);
 * rank < 0 (unknown): null */
static void json_shape(jw *w, int rank, const int64_t *dims, char *const *dim_param) {
    if (rank < 0) {
        jw_null(w, "shape");
        return;
    }
    jw_open(w, "shape", "[", 1);
    for (int d = 0; d < rank; d++)
        if (dims[d] >= 0)
            jw_int(w, NULL, dims[d]);
        else
            jw_str(w, NULL, dim_param && dim_param[d] && dim_param[d][0] ? dim_param[d] : NULL);
    jw_close(w, "]");
}

/* Graph inputs: shape (bound dims as sizes) and "dim_params", the name of every symbolic
 * dim whether bound or not ("" unnamed, null for a fixed dim). */
static void json_inputs(jw *w, const ir_graph *g) {
    jw_open(w, "inputs", "[", 0);
    for (int i = 0; i < g->n_input; i++) {
        const ir_tensor *t = &g->t[g->input[i]];
        jw_open(w, NULL, "{", 0);
        jw_str(w, "name", t->name);
        jw_str(w, "dtype", t->dtype ? ir_dtype_name(t->dtype) : NULL);
        json_shape(w, t->rank, t->dims, t->dim_param);
        jw_open(w, "dim_params", "[", 1);
        for (int d = 0; d < t->rank; d++)
            jw_str(w, NULL, t->dim_param[d]);
        jw_close(w, "]");
        jw_close(w, "}");
    }
    jw_close(w, "]");
}

/* Graph outputs: compiled, the inferred dtype and shape; otherwise the declared ones
 * (unknown dims null). */
static void json_outputs(jw *w, const ir_graph *g, int compiled) {
    jw_open(w, "outputs", "[", 0);
    for (int i = 0; i < g->n_output; i++) {
        const ir_tensor *t = &g->t[g->output[i]];
        int dtype = compiled ? t->dtype : t->decl_dtype;
        jw_open(w, NULL, "{", 0);
        jw_str(w, "name", t->name);
        jw_str(w, "dtype", dtype ? ir_dtype_name(dtype) : NULL);
        if (compiled)
            json_shape(w, t->rank, t->dims, NULL);
        else
            json_shape(w, t->decl_rank, t->decl_dims, NULL);
        jw_str(w, "shape_from", compiled ? "inferred" : "declared");
        jw_close(w, "}");
    }
    jw_close(w, "]");
}

static void json_node_head(jw *w, const ir_graph *g, int i) {
    const ir_node *n = &g->node[i];
    jw_int(w, "index", i);
    jw_str(w, "name", n->name);
    jw_str(w, "op_type", n->op_type);
    jw_bool(w, "supported", n->op != RC_OP_NONE); /* false only when not compiled */
}

/* The footprint measured with cc, or null and the reason it could not be. */
static void json_footprint(jw *w, const ir_graph *g, const em_opts *o, const char *cc,
                           const em_result *r, size_t max_bytes) {
    rc_ctx fc = {0};
    rc_footprint_t fp = {0, -1};
    fc.max_bytes = max_bytes;
    if (!cc || rc_footprint(&fc, g, o, cc, &fp)) {
        jw_null(w, "footprint");
        jw_str(w, "footprint_error", cc ? fc.msg : "no compiler given");
        return;
    }
    jw_open(w, "footprint", "{", 0);
    jw_str(w, "compiler", cc);
    jw_int(w, "flash_bytes", fp.flash);
    jw_int(w, "code_bytes", fp.flash - (long)r->const_bytes);
    jw_int(w, "weight_bytes", (int64_t)r->const_bytes);
    if (fp.stack >= 0)
        jw_int(w, "ram_bytes", (int64_t)r->ctx_bytes + fp.stack);
    else
        jw_null(w, "ram_bytes");
    jw_int(w, "context_bytes", (int64_t)r->ctx_bytes);
    if (fp.stack >= 0)
        jw_int(w, "stack_bytes", fp.stack);
    else
        jw_null(w, "stack_bytes");
    jw_close(w, "}");
    jw_null(w, "footprint_error");
}

static void json_head(jw *w, const ir_graph *g, const char *not_compiled, const em_opts *o) {
    jw_open(w, NULL, "{", 0);
    jw_str(w, "format", "rnnc-info");
    jw_int(w, "format_version", 1);
    jw_str(w, "rnnc_version", RC_VERSION);
    json_model(w, g);
    jw_bool(w, "compiled", !not_compiled);
    jw_str(w, "not_compiled", not_compiled);
    jw_str(w, "unroll", em_unroll_name(o->unroll));
    jw_str(w, "weights", rc_wprec_name(o->weights)); /* also when not compiled */
    json_inputs(w, g);
    json_outputs(w, g, !not_compiled);
}

int rc_info_json(rc_ctx *c, const ir_graph *g, const em_opts *o, const char *cc) {
    jw w = {0};
    em_result r;
    double macs = 0, flops = 0;
    int64_t params_const = 0, params_rt = 0;
    if (em_generate(c, g, o->step, o, &r))
        return -1;
    json_head(&w, g, NULL, o);
    jw_open(&w, "nodes", "[", 0);
    for (int i = 0; i < g->n_node; i++) {
        const ir_node *n = &g->node[i];
        double m = rc_node_macs(g, n), f = rc_op_defs[n->op]->flops(g, n);
        int64_t pc = 0, pr = 0;
        rc_op_defs[n->op]->params(g, n, &pc, &pr);
        jw_open(&w, NULL, "{", 0);
        json_node_head(&w, g, i);
        jw_str(&w, "fused_activation", n->post_act ? ir_act_name(n->post_act) : NULL);
        jw_num(&w, "macs", m);
        jw_num(&w, "flops", f);
        jw_int(&w, "parameters", pc + pr);
        jw_int(&w, "weight_bytes", (int64_t)r.node_const_bytes[i]);
        jw_int(&w, "scratch_bytes", (int64_t)r.node_scratch_bytes[i]);
        jw_close(&w, "}");
        macs += m, flops += f, params_const += pc, params_rt += pr;
    }
    jw_close(&w, "]");
    jw_open(&w, "totals", "{", 0);
    jw_int(&w, "parameters", params_const + params_rt);
    jw_int(&w, "parameters_in_model", params_const);
    jw_int(&w, "parameters_at_run_time", params_rt);
    jw_num(&w, "macs", macs);
    jw_num(&w, "flops", flops);
    jw_int(&w, "weight_bytes", (int64_t)r.const_bytes);
    jw_int(&w, "weight_bytes_outside_nodes", (int64_t)r.other_const_bytes);
    jw_int(&w, "scratch_bytes", (int64_t)r.scratch_bytes);
    jw_int(&w, "scratch_bytes_outside_nodes", (int64_t)r.other_scratch_bytes);
    jw_int(&w, "context_bytes", (int64_t)r.ctx_bytes);
    jw_int(&w, "source_bytes", (int64_t)(r.source.len + r.header.len));
    jw_bool(&w, "has_loops", r.has_loops);
    jw_bool(&w, "uses_gemm", r.used_gemm);
    jw_close(&w, "}");
    json_footprint(&w, g, o, cc, &r, c->max_bytes);
    jw_close(&w, "}");
    em_result_free(&r);
    return jw_finish(c, &w);
}

int rc_info_unbound_json(rc_ctx *c, const char *model, const em_opts *o, const char *reason) {
    jw w = {0};
    static const char *const figures[] = {"fused_activation", "macs",         "flops",
                                          "parameters",       "weight_bytes", "scratch_bytes"};
    static const char *const totals[] = {"parameters",
                                         "parameters_in_model",
                                         "parameters_at_run_time",
                                         "macs",
                                         "flops",
                                         "weight_bytes",
                                         "weight_bytes_outside_nodes",
                                         "scratch_bytes",
                                         "scratch_bytes_outside_nodes",
                                         "context_bytes",
                                         "source_bytes",
                                         "has_loops",
                                         "uses_gemm"};
    ir_graph *g;
    c->keep_unknown_ops = 1; /* a model with ops rnnc lacks still shows its nodes */
    g = rc_load_model(c, model);
    if (!g)
        return -1;
    /* the same keys as a compiled model's, null where only compiling tells */
    json_head(&w, g, reason, o);
    jw_open(&w, "nodes", "[", 0);
    for (int i = 0; i < g->n_node; i++) {
        jw_open(&w, NULL, "{", 0);
        json_node_head(&w, g, i);
        for (size_t k = 0; k < sizeof figures / sizeof figures[0]; k++)
            jw_null(&w, figures[k]);
        jw_close(&w, "}");
    }
    jw_close(&w, "]");
    jw_open(&w, "totals", "{", 0);
    for (size_t k = 0; k < sizeof totals / sizeof totals[0]; k++)
        jw_null(&w, totals[k]);
    jw_close(&w, "}");
    jw_null(&w, "footprint");
    jw_str(&w, "footprint_error", "not compiled");
    jw_close(&w, "}");
    ir_free(g);
    return jw_finish(c, &w);
}
