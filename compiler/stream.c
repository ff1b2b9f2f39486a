/* stream.c — the streaming analysis (--stream): which axis of each graph input and output is
 * time, found as the one assignment under which every node works step by step (each op's
 * rc_op_def.time rule), and the step graph: the same model with every time axis cut to the
 * chunk. */
#define _POSIX_C_SOURCE 200809L
#include "driver.h"

#include "load.h"
#include "ops/rec.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Propagates time axes from the graph inputs (in[i]) through every node.
 * Returns the number of nodes that passed; all of them on success. tax
 * receives each tensor's axis (-1: none). */
static int time_pass(rc_ctx *c, const ir_graph *g, const int *in, int *tax) {
    int ins[64], outs[64];
    for (int i = 0; i < g->n_tensor; i++)
        tax[i] = -1;
    for (int i = 0; i < g->n_input; i++)
        tax[g->input[i]] = in[i];
    for (int i = 0; i < g->n_node; i++) {
        const ir_node *n = &g->node[i];
        const rc_op_def *d = rc_op_defs[n->op];
        int any = 0, rec = n->op == RC_OP_RNN || n->op == RC_OP_LSTM || n->op == RC_OP_GRU ||
                           n->op == RC_OP_DYNAMIC_QUANTIZE_LSTM;
        if (n->n_in > 64 || n->n_out > 64)
            return rc_err(c, n, "--stream", "too many inputs or outputs to analyse"), i;
        for (int k = 0; k < n->n_in; k++)
            ins[k] = n->in[k] >= 0 ? tax[n->in[k]] : -1, any |= ins[k] >= 0;
        for (int k = 0; k < n->n_out; k++)
            outs[k] = -1;
        if (any || rec) {
            if (!d->time) {
                rc_err(c, n, "--stream",
                       "%s combines values across time steps (or is not supported per step), so "
                       "the graph cannot be streamed",
                       n->op_type);
                return i;
            }
            if (d->time(c, g, n, ins, outs))
                return i;
        }
        for (int k = 0; k < n->n_out; k++)
            if (n->out[k] >= 0)
                tax[n->out[k]] = outs[k];
    }
    return g->n_node;
}

/* Finds which axis of each graph input is time: among the axes as long as
 * the first recurrent node's sequence, the one assignment under which every
 * node accepts its inputs step by step. */
static int stream_analyse(rc_ctx *c, ir_graph *g) {
    int64_t T = -1;
    int cand[64][IR_MAX_RANK + 1], nc[64], pick[64], found = 0, best = -1, any_cand = 0;
    const ir_node *rnode = NULL;
    int *tax = rc_xcalloc((size_t)g->n_tensor + 1, sizeof(int));
    int *sol = rc_xcalloc((size_t)g->n_input + 1, sizeof(int));
    rc_ctx best_err = {0};
    for (int i = 0; i < g->n_node && T < 0; i++)
        /* DynamicQuantizeLSTM's params start with its rec_params; its time rule refuses */
        if (g->node[i].op == RC_OP_RNN || g->node[i].op == RC_OP_LSTM ||
            g->node[i].op == RC_OP_GRU || g->node[i].op == RC_OP_DYNAMIC_QUANTIZE_LSTM)
            T = ((const rec_params *)g->node[i].params)->T, rnode = &g->node[i];
    if (T < 0 || g->n_input > 64) {
        free(tax), free(sol);
        return rc_err(c, NULL, "--stream",
                      T < 0 ? "the graph has no RNN, LSTM or GRU node to stream"
                            : "too many graph inputs to analyse");
    }
    if (T < 1) {
        free(tax), free(sol);
        return rc_err(c, NULL, "--stream", "the sequence length is 0: there is nothing to step");
    }
    for (int i = 0; i < g->n_input; i++) {
        const ir_tensor *t = &g->t[g->input[i]];
        nc[i] = 0;
        cand[i][nc[i]++] = -1;
        for (int d = 0; d < t->rank; d++)
            if (t->dims[d] == T)
                cand[i][nc[i]++] = d, any_cand = 1;
        pick[i] = 0;
    }
    if (!any_cand) {
        free(tax), free(sol);
        return rc_err(c, rnode, "--stream",
                      "no graph input has an axis of this node's sequence length %" PRId64
                      ", so the time axis cannot be found: streaming needs the layers before "
                      "the first recurrent node to keep the length of time (a strided Conv or "
                      "pool changes it)",
                      T);
    }
    for (int combos = 0; combos < 4096; combos++) {
        int in[64], i, passed, score;
        rc_ctx tc = {0};
        tc.file = c->file;
        for (i = 0; i < g->n_input; i++)
            in[i] = cand[i][pick[i]];
        passed = time_pass(&tc, g, in, tax);
        /* The error reported is that of the assignment that got furthest, but one that
         * failed only for want of time on an input ("does not carry the time axis",
         * "extends along it") ranks below any other: it would hide the rule that really stops
         * streaming (a Conv or a reduction over time, sequence_lens) under an assignment
         * where that input does carry time. */
        score = passed + (tc.no_time ? 0 : g->n_node + 1);
        if (passed == g->n_node) {
            if (found++ == 0)
                memcpy(sol, in, sizeof(int) * (size_t)g->n_input);
        } else if (score > best) {
            best = score;
            best_err = tc;
        }
        for (i = 0; i < g->n_input && ++pick[i] == nc[i]; i++)
            pick[i] = 0;
        if (i == g->n_input)
            break;
    }
    if (found != 1) {
        free(tax), free(sol);
        if (found > 1 && T == 1)
            /* an export with one time step: the time axis is told by the rules alone, and
             * here more than one assignment of 1-long axes obeys them */
            return rc_err(c, NULL, "--stream",
                          "the sequence length is 1 and the time axis cannot be told from the "
                          "other 1-long axes; bind the sequence length to at least 2 (e.g. --dim "
                          "seq=16)");
        if (found > 1)
            return rc_err(c, NULL, "--stream",
                          "the time axis of the inputs is ambiguous (another dimension is also "
                          "%" PRId64 " long); bind the sequence length to a value no other "
                          "dimension has",
                          T);
        *c = best_err;
        if (T == 1) /* say why a one-step export may not stream at all */
            snprintf(c->msg + strlen(c->msg), sizeof c->msg - strlen(c->msg),
                     " (the sequence length is 1: if the graph makes its time axis itself, e.g. a "
                     "decoder step fed one token with the state as inputs and outputs, it is "
                     "one step already: call NAME_run per step)");
        return -1;
    }
    free(g->in_time); /* a second analysis (another chunk) replaces the first */
    free(g->out_time);
    g->in_time = rc_xcalloc((size_t)g->n_input + 1, sizeof(int));
    g->out_time = rc_xcalloc((size_t)g->n_output + 1, sizeof(int));
    memcpy(g->in_time, sol, sizeof(int) * (size_t)g->n_input);
    time_pass(c, g, sol, tax);
    for (int k = 0; k < g->n_output; k++)
        g->out_time[k] = tax[g->output[k]];
    free(tax);
    free(sol);
    return 0;
}

ir_graph *rc_stream_graph(rc_ctx *c, ir_graph *g, int chunk) {
    return rc_stream_graph_bytes(c, g, chunk, NULL, 0);
}

ir_graph *rc_stream_graph_bytes(rc_ctx *c, ir_graph *g, int chunk, const unsigned char *buf,
                                size_t len) {
    rc_binding b = {0};
    ir_graph *s;
    int ok = 1, any = 0;
    if (chunk < 1)
        return rc_err(c, NULL, "--chunk", "must be at least 1, got %d", chunk), NULL;
    if (stream_analyse(c, g))
        return NULL;
    /* the same model with every time axis cut to the chunk, its weights rounded alike */
    b.step = 1;
    b.weights = g->weights;
    b.n_shapes = g->n_input;
    b.shape_name = rc_xcalloc((size_t)g->n_input + 1, sizeof(char *));
    b.shape_rank = rc_xcalloc((size_t)g->n_input + 1, sizeof(int));
    b.shape_dims = rc_xcalloc((size_t)g->n_input + 1, sizeof *b.shape_dims);
    for (int i = 0; i < g->n_input; i++) {
        const ir_tensor *t = &g->t[g->input[i]];
        b.shape_name[i] = t->name;
        b.shape_rank[i] = t->rank;
        for (int d = 0; d < t->rank; d++)
            b.shape_dims[i][d] = d == g->in_time[i] ? chunk : t->dims[d];
        any |= g->in_time[i] >= 0;
    }
    /* inputs bound with --const stay bound in the step graph */
    b.const_name = rc_xcalloc((size_t)g->n_decl_input + 1, sizeof(char *));
    b.const_text = rc_xcalloc((size_t)g->n_decl_input + 1, sizeof(char *));
    b.const_val = rc_xcalloc((size_t)g->n_decl_input + 1, sizeof(ir_tensor *));
    for (int i = 0; i < g->n_decl_input; i++)
        if (g->t[g->decl_input[i]].is_bound) {
            b.const_name[b.n_consts] = g->t[g->decl_input[i]].name;
            b.const_val[b.n_consts++] = &g->t[g->decl_input[i]];
        }
    s = !any  ? NULL
        : buf ? rc_front_bytes(c, g->model_path, buf, len, &b)
              : rc_front_bound(c, g->model_path, &b, 0);
    if (!any)
        rc_err(c, NULL, "--stream", "no graph input carries the time axis");
    free(b.shape_name);
    free(b.shape_rank);
    free(b.shape_dims);
    free(b.const_name);
    free(b.const_text);
    free(b.const_val);
    if (!s)
        return NULL;
    /* every output must keep its shape, the time axis cut to the chunk */
    for (int k = 0; k < g->n_output && ok; k++) {
        const ir_tensor *a = &g->t[g->output[k]], *o = &s->t[s->output[k]];
        ok = a->rank == o->rank;
        for (int d = 0; ok && d < a->rank; d++)
            ok = o->dims[d] == (d == g->out_time[k] ? chunk : a->dims[d]);
        if (!ok) {
            char sa[256], so[256];
            ir_shape_str(a, sa, sizeof sa);
            ir_shape_str(o, so, sizeof so);
            rc_err(c, NULL, "--stream",
                   "with a chunk of %d steps graph output '%s' is %s instead of %s with its time "
                   "axis cut (an op such as a Squeeze without axes depends on the length); try "
                   "a larger --chunk",
                   chunk, a->name, so, sa);
        }
    }
    if (!ok) {
        ir_free(s);
        return NULL;
    }
    s->in_time = rc_xcalloc((size_t)s->n_input + 1, sizeof(int));
    s->out_time = rc_xcalloc((size_t)s->n_output + 1, sizeof(int));
    memcpy(s->in_time, g->in_time, sizeof(int) * (size_t)g->n_input);
    memcpy(s->out_time, g->out_time, sizeof(int) * (size_t)g->n_output);
    return s;
}
