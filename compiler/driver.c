/* driver.c — pass pipeline, compile output, run and info. */
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
#include <sys/stat.h>
#include <unistd.h>

/* Inferred shapes must agree with what the model declares for its outputs. */
static int check_declared(rc_ctx *c, const ir_graph *g) {
    for (int i = 0; i < g->n_output; i++) {
        const ir_tensor *t = &g->t[g->output[i]];
        char got[256], what[300];
        int ok = 1;
        snprintf(what, sizeof what, "graph output '%.200s'", t->name);
        if (t->decl_dtype != IR_UNDEFINED && t->decl_dtype != t->dtype)
            return rc_err(c, NULL, what, "declared element type %s, but the graph computes %s",
                          ir_dtype_name(t->decl_dtype), ir_dtype_name(t->dtype));
        if (t->decl_rank < 0)
            continue;
        ok = t->decl_rank == t->rank;
        for (int d = 0; ok && d < t->rank; d++)
            ok = t->decl_dims[d] < 0 || t->decl_dims[d] == t->dims[d];
        if (!ok) {
            char want[256] = "";
            for (int d = 0; d < t->decl_rank; d++) {
                if (t->decl_dims[d] < 0)
                    snprintf(want + strlen(want), sizeof want - strlen(want), "[?]");
                else
                    snprintf(want + strlen(want), sizeof want - strlen(want), "[%" PRId64 "]",
                             t->decl_dims[d]);
            }
            ir_shape_str(t, got, sizeof got);
            return rc_err(c, NULL, what, "declared shape %s, but the graph computes %s", want, got);
        }
    }
    return 0;
}

/* Lists every dimension still open, so one run tells the user all to bind. */
static int unbound_error(rc_ctx *c, const ir_graph *g) {
    rc_buf all = {0};
    const ir_tensor *first = NULL;
    int first_dim = -1, rc;
    char what[300];
    for (int i = 0; i < g->n_input; i++) {
        const ir_tensor *t = &g->t[g->input[i]];
        if (t->rank < 0)
            rc_buf_printf(&all, "%s'%s' (no shape)", all.len ? ", " : "", t->name);
        for (int d = 0; d < t->rank; d++)
            if (t->dims[d] < 0) {
                if (!first)
                    first = t, first_dim = d;
                rc_buf_printf(&all, "%s'%s'[%d] '%s'", all.len ? ", " : "", t->name, d,
                              t->dim_param[d] ? t->dim_param[d] : "");
            }
        if (!first && t->rank < 0)
            first = t;
    }
    if (!first) {
        rc_buf_free(&all);
        return 0;
    }
    snprintf(what, sizeof what, "graph input '%.200s'", first->name);
    c->unbound = !c->failed;
    if (first_dim >= 0 && first->dim_param[first_dim] && first->dim_param[first_dim][0])
        rc = rc_err(c, NULL, what,
                    "dimension %d is symbolic ('%s'); bind it with --dim NAME=N or --shape "
                    "INPUT=d0,d1,... (unbound: %s)",
                    first_dim, first->dim_param[first_dim], all.p);
    else if (first_dim >= 0) /* no name to give --dim: only --shape binds it */
        rc = rc_err(c, NULL, what,
                    "dimension %d is unknown and unnamed; give the input's shape with --shape "
                    "%s=d0,d1,... (unbound: %s)",
                    first_dim, rc_show(first->name), all.p);
    else
        rc = rc_err(c, NULL, what,
                    "has no shape; give it with --shape INPUT=d0,d1,... (unbound: %s)", all.p);
    rc_buf_free(&all);
    return rc;
}

/* Values of --const NAME=1,2,3 in the input's declared dtype: integers exactly (strtoll /
 * strtoull), floats as strtod rounds them. */
static int parse_values(rc_ctx *c, const char *name, const char *text, ir_tensor *t,
                        int64_t *count) {
    const char *p = text;
    int64_t n = 1, k = 0;
    for (const char *q = text; *q; q++)
        n += *q == ',';
    t->data = rc_xcalloc((size_t)n, ir_dtype_size(t->dtype));
    for (; k < n; k++) {
        char *end;
        errno = 0;
        if (ir_dtype_is_float(t->dtype)) {
            ir_put(t->dtype, t->data, k, strtod(p, &end));
        } else if (t->dtype == IR_UINT64) {
            unsigned long long u = *p == '-' ? (errno = ERANGE, 0) : strtoull(p, &end, 10);
            ((uint64_t *)t->data)[k] = u;
        } else {
            long long v = strtoll(p, &end, 10);
            if (t->dtype == IR_INT64)
                ((int64_t *)t->data)[k] = v;
            else
                ir_put(t->dtype, t->data, k, (double)v);
            /* a value the dtype cannot hold is an error, not a wrapped one */
            if (t->dtype != IR_INT64 && ir_get(t->dtype, t->data, k) != (double)v)
                errno = ERANGE;
        }
        if (end == p || errno || (*end && *end != ','))
            return rc_err(c, NULL, "--const",
                          "%s: value %" PRId64 " of '%s' is not a %s number (or out of its range)",
                          rc_show(name), k, rc_show(text), ir_dtype_name(t->dtype));
        p = *end ? end + 1 : end;
    }
    *count = n;
    return 0;
}

/* --const NAME=...: graph input NAME becomes a constant with that value (its declared dtype;
 * shape: the value's, which must agree with the declared dims; symbolic ones take it). */
static int bind_const(rc_ctx *c, ir_graph *g, const char *name, const ir_tensor *val,
                      const char *text) {
    int ti = ir_find(g, name), j = 0;
    ir_tensor *t = ti >= 0 ? &g->t[ti] : NULL;
    if (!t || (!t->is_input && !t->is_bound))
        return rc_err(c, NULL, "--const", "'%s' is not a graph input of the model", rc_show(name));
    if (t->is_bound)
        return rc_err(c, NULL, "--const", "'%s' is bound twice", rc_show(name));
    if (val) {
        char have[256], want[256];
        int ok = val->dtype == t->dtype && (t->rank < 0 || t->rank == val->rank);
        for (int d = 0; ok && t->rank >= 0 && d < t->rank; d++)
            ok = t->dims[d] < 0 || t->dims[d] == val->dims[d];
        ir_shape_str(val, have, sizeof have);
        ir_shape_str(t, want, sizeof want);
        if (!ok)
            return rc_err(c, NULL, "--const", "'%s' is declared %s, the value given is %s",
                          rc_show(name), want, have);
        t->rank = val->rank;
        memcpy(t->dims, val->dims, sizeof t->dims);
        t->data = rc_xcalloc((size_t)ir_numel(t) + 1, ir_dtype_size(t->dtype));
        memcpy(t->data, val->data, (size_t)ir_numel(t) * ir_dtype_size(t->dtype));
    } else {
        int64_t n = 0, fixed = 1;
        int open = -1;
        if (t->rank < 0)
            return rc_err(c, NULL, "--const",
                          "'%s' has no declared shape; give the value as a file", rc_show(name));
        if (parse_values(c, name, text, t, &n))
            return -1;
        for (int d = 0; d < t->rank; d++) {
            if (t->dims[d] < 0 && open < 0)
                open = d;
            else
                fixed *= t->dims[d] < 0 ? 1 : t->dims[d];
        }
        if (open >= 0 && fixed > 0 && n % fixed == 0)
            t->dims[open] = n / fixed;
        for (int d = 0; d < t->rank; d++)
            if (t->dims[d] < 0)
                t->dims[d] = 1;
        if (ir_numel(t) != n) {
            char want[256];
            ir_shape_str(t, want, sizeof want);
            return rc_err(c, NULL, "--const",
                          "'%s' is %s: %" PRId64 " values needed, %" PRId64 " given", rc_show(name),
                          want, ir_numel(t), n);
        }
    }
    t->is_input = 0;
    t->is_bound = 1;
    for (int i = 0; i < g->n_input; i++)
        if (g->input[i] != ti)
            g->input[j++] = g->input[i];
    g->n_input = j;
    return 0;
}

/* The bind pass: --const values, then --dim by name, then --shape (which overrides), then the
 * dims of the data files for what is still open. */
static int bind_dims(rc_ctx *c, ir_graph *g, const rc_binding *b) {
    for (int k = 0; b && k < b->n_consts; k++)
        if (bind_const(c, g, b->const_name[k], b->const_val[k], b->const_text[k]))
            return -1;
    for (int k = 0; b && k < b->n_dims; k++) {
        int used = 0;
        for (int i = 0; i < g->n_input; i++) {
            ir_tensor *t = &g->t[g->input[i]];
            for (int d = 0; d < t->rank; d++)
                if (t->dim_param[d] && strcmp(t->dim_param[d], b->dim_name[k]) == 0)
                    t->dims[d] = b->dim_val[k], used = 1;
        }
        if (!used)
            return rc_err(c, NULL, "--dim", "no graph input has a symbolic dimension named '%s'",
                          b->dim_name[k]);
    }
    for (int s = 0; b && s < b->n_shapes; s++) {
        int ti = ir_find(g, b->shape_name[s]);
        ir_tensor *t = ti >= 0 ? &g->t[ti] : NULL;
        if (!t || !t->is_input)
            return rc_err(c, NULL, "--shape", "'%s' is not a graph input of the model",
                          b->shape_name[s]);
        t->rank = b->shape_rank[s];
        for (int d = 0; d < t->rank; d++)
            t->dims[d] = b->shape_dims[s][d];
    }
    for (int i = 0; b && i < g->n_decl_input && i < b->n_data; i++) {
        ir_tensor *t = &g->t[g->decl_input[i]];
        const ir_tensor *x = b->data[i];
        if (!x || t->is_bound || (t->rank >= 0 && t->rank != x->rank))
            continue; /* a mismatch is reported when the data is read */
        if (t->rank < 0) {
            t->rank = x->rank;
            for (int d = 0; d < t->rank; d++)
                t->dims[d] = -1;
        }
        for (int d = 0; d < t->rank; d++)
            if (t->dims[d] < 0 && x->dims[d] >= 1)
                t->dims[d] = x->dims[d];
    }
    return unbound_error(c, g);
}

/* A node folds when everything it reads is known at compile time: all its
 * inputs are constants, or it only looks at shapes (Shape). */
static int foldable(const ir_graph *g, const ir_node *n) {
    if (rc_op_defs[n->op]->shape_only)
        return 1;
    for (int k = 0; k < n->n_in; k++)
        if (n->in[k] >= 0 && !g->t[n->in[k]].data)
            return 0;
    return 1;
}

/* Runs the reference interpreter on one node and turns its outputs into
 * constants. v holds pointers to the graph's constants (refreshed here). */
static int fold_node(rc_ctx *c, ir_graph *g, ir_node *n, rc_values *v) {
    for (int k = 0; k < n->n_in; k++)
        if (n->in[k] >= 0)
            v->data[n->in[k]] = g->t[n->in[k]].data;
    if (rc_op_defs[n->op]->interp(c, g, n, v))
        return -1;
    for (int k = 0; k < n->n_out; k++) {
        int ti = n->out[k];
        if (ti < 0 || !v->data[ti])
            continue;
        g->t[ti].data = v->data[ti]; /* ownership moves to the graph */
        v->data[ti] = NULL;
        v->owned[ti] = 0;
    }
    return 0;
}

/* Every output of n within --max-mb: a folded constant, an intermediate in the context or
 * an output the caller provides, so that a small model cannot make rnnc (or the generated
 * code) allocate gigabytes. */
static int check_sizes(rc_ctx *c, const ir_graph *g, const ir_node *n) {
    for (int k = 0; k < n->n_out; k++) {
        const ir_tensor *t;
        double bytes = 1;
        if (n->out[k] < 0)
            continue;
        t = &g->t[n->out[k]];
        for (int d = 0; d < t->rank; d++)
            bytes *= t->dims[d] > 0 ? (double)t->dims[d] : 1.0;
        bytes *= (double)(ir_dtype_size(t->dtype) ? ir_dtype_size(t->dtype) : 1);
        if (bytes > (double)rc_max_bytes(c))
            return rc_err(c, n, "output",
                          "'%s' would hold %.0f bytes, above the --max-mb limit of %zu", t->name,
                          bytes, rc_max_bytes(c));
    }
    return 0;
}

/* The check pass, in graph order: each op validates its attributes and
 * infers its output shapes from its (by then known) inputs; a node whose
 * inputs are all known at compile time is then evaluated by the reference
 * interpreter and becomes constants. Shape arithmetic therefore never reaches
 * generated code, and ops that need a constant input (Reshape's shape, ...)
 * see it. */
static int infer_fold(rc_ctx *c, ir_graph *g) {
    rc_values v = {0};
    int rc = 0;
    v.n = g->n_tensor;
    v.data = rc_xcalloc((size_t)g->n_tensor + 1, sizeof(void *));
    v.owned = rc_xcalloc((size_t)g->n_tensor + 1, 1);
    for (int i = 0; i < g->n_node && rc == 0; i++) {
        ir_node *n = &g->node[i];
        rc = rc_op_defs[n->op]->check(c, g, n);
        if (rc == 0 && rc_op_defs[n->op]->expand) {
            rc = rc_op_defs[n->op]->expand(c, g, i);
            if (g->n_tensor > v.n) { /* the replacement brought tensors of its own */
                v.data = rc_xrealloc(v.data, sizeof(void *) * ((size_t)g->n_tensor + 1));
                v.owned = rc_xrealloc(v.owned, (size_t)g->n_tensor + 1);
                for (int k = v.n; k <= g->n_tensor; k++)
                    v.data[k] = NULL, v.owned[k] = 0;
                v.n = g->n_tensor;
            }
            i--; /* visit what replaced node i */
            continue;
        }
        if (rc == 0)
            rc = check_sizes(c, g, n);
        if (rc == 0 && foldable(g, n))
            rc = fold_node(c, g, n, &v);
    }
    rc_values_free(&v);
    return rc;
}

/* Drops folded nodes (their outputs are constants now) and nodes nothing
 * needed reads, walking back from the graph outputs. */
static void remove_dead(ir_graph *g) {
    unsigned char *live = rc_xcalloc((size_t)g->n_tensor + 1, 1);
    unsigned char *drop = rc_xcalloc((size_t)g->n_node + 1, 1);
    for (int i = 0; i < g->n_output; i++)
        live[g->output[i]] = 1;
    for (int i = g->n_node - 1; i >= 0; i--) {
        const ir_node *n = &g->node[i];
        int needed = 0, folded = 1;
        for (int k = 0; k < n->n_out; k++)
            if (n->out[k] >= 0) {
                needed |= live[n->out[k]];
                folded &= !live[n->out[k]] || g->t[n->out[k]].data != NULL;
            }
        drop[i] = !needed || folded;
        if (!drop[i] && n->guard >= 0)
            live[n->guard] = 1;
        for (int k = 0; k < n->n_in && !drop[i]; k++)
            if (n->in[k] >= 0)
                live[n->in[k]] = 1;
    }
    ir_remove_nodes(g, drop);
    free(live);
    free(drop);
}

ir_graph *rc_front(rc_ctx *c, const char *model, int dump) {
    return rc_front_bound(c, model, NULL, dump);
}

/* The passes after loading, shared by the file and the in-memory front ends. */
static ir_graph *front_passes(rc_ctx *c, ir_graph *g, const rc_binding *b, int dump);

/* The front end from a file (buf NULL) or bytes. With b->auto_const, an input an op needs
 * at compile time is bound to its value in the data and the passes run again (at most once
 * per input). */
static ir_graph *front(rc_ctx *c, const char *model, const unsigned char *buf, size_t len,
                       const rc_binding *b, int dump) {
    rc_binding cur;
    ir_graph *g;
    int cap;
    c->file = model;
    if (!b || !b->auto_const)
        return front_passes(
            c, buf ? rc_load_model_bytes(c, model, buf, len) : rc_load_model(c, model), b, dump);
    cur = *b;
    cap = b->n_consts + b->n_data + 1;
    cur.const_name = rc_xcalloc((size_t)cap, sizeof(char *));
    cur.const_text = rc_xcalloc((size_t)cap, sizeof(char *));
    cur.const_val = rc_xcalloc((size_t)cap, sizeof(ir_tensor *));
    for (int k = 0; k < b->n_consts; k++) {
        cur.const_name[k] = b->const_name[k];
        cur.const_text[k] = b->const_text[k];
        cur.const_val[k] = b->const_val[k];
    }
    for (;;) {
        int k;
        c->need_const[0] = 0;
        g = front_passes(c, buf ? rc_load_model_bytes(c, model, buf, len) : rc_load_model(c, model),
                         &cur, dump);
        k = c->need_const_input;
        if (g || !c->need_const[0] || k < 0 || k >= b->n_data || !b->data[k] || cur.n_consts >= cap)
            break;
        cur.const_name[cur.n_consts] = rc_xstrdup(c->need_const);
        cur.const_text[cur.n_consts] = NULL;
        cur.const_val[cur.n_consts++] = b->data[k];
        c->failed = 0, c->unbound = 0, c->msg[0] = 0;
    }
    for (int k = b->n_consts; k < cur.n_consts; k++)
        free((char *)cur.const_name[k]);
    free(cur.const_name);
    free(cur.const_text);
    free(cur.const_val);
    return g;
}

ir_graph *rc_front_bound(rc_ctx *c, const char *model, const rc_binding *b, int dump) {
    return front(c, model, NULL, 0, b, dump);
}

ir_graph *rc_front_bytes(rc_ctx *c, const char *name, const unsigned char *buf, size_t len,
                         const rc_binding *b) {
    return front(c, name, buf, len, b, 0);
}

static ir_graph *front_passes(rc_ctx *c, ir_graph *g, const rc_binding *b, int dump) {
    if (!g)
        return NULL;
    if (dump)
        ir_dump(g, "load", stderr);
    if (bind_dims(c, g, b))
        goto fail;
    if (dump)
        ir_dump(g, "bind", stderr);
    if (ir_verify(c, g, 0))
        goto fail;
    if (infer_fold(c, g))
        goto fail;
    if (dump)
        ir_dump(g, "check, shape inference and constant folding", stderr);
    remove_dead(g);
    if (dump)
        ir_dump(g, "dead-node removal", stderr);
    if ((!(b && b->step) && check_declared(c, g)) || ir_verify(c, g, 1))
        goto fail;
    return g;
fail:
    /* which declared input an op wanted as a constant, for front()'s retry */
    c->need_const_input = -1;
    for (int i = 0; c->need_const[0] && i < g->n_decl_input; i++)
        if (strcmp(g->t[g->decl_input[i]].name, c->need_const) == 0)
            c->need_const_input = i;
    ir_free(g);
    return NULL;
}

/* ---- streaming ---------------------------------------------------------- */

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
        int any = 0, rec = n->op == RC_OP_RNN || n->op == RC_OP_LSTM || n->op == RC_OP_GRU;
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
    int cand[64][IR_MAX_RANK + 1], nc[64], pick[64], found = 0, best = -1;
    int *tax = rc_xcalloc((size_t)g->n_tensor + 1, sizeof(int));
    int *sol = rc_xcalloc((size_t)g->n_input + 1, sizeof(int));
    rc_ctx best_err = {0};
    for (int i = 0; i < g->n_node && T < 0; i++)
        if (g->node[i].op == RC_OP_RNN || g->node[i].op == RC_OP_LSTM || g->node[i].op == RC_OP_GRU)
            T = ((const rec_params *)g->node[i].params)->T;
    if (T < 0 || g->n_input > 64) {
        free(tax), free(sol);
        return rc_err(c, NULL, "--stream",
                      T < 0 ? "the graph has no RNN, LSTM or GRU node to stream"
                            : "too many graph inputs to analyse");
    }
    if (T < 2) {
        free(tax), free(sol);
        return rc_err(c, NULL, "--stream",
                      "the sequence length is %" PRId64
                      "; bind it to at least 2 (e.g. --dim seq=16) so that rnnc can tell the "
                      "time axis from the others",
                      T);
    }
    for (int i = 0; i < g->n_input; i++) {
        const ir_tensor *t = &g->t[g->input[i]];
        nc[i] = 0;
        cand[i][nc[i]++] = -1;
        for (int d = 0; d < t->rank; d++)
            if (t->dims[d] == T)
                cand[i][nc[i]++] = d;
        pick[i] = 0;
    }
    for (int combos = 0; combos < 4096; combos++) {
        int in[64], i, passed;
        rc_ctx tc = {0};
        tc.file = c->file;
        for (i = 0; i < g->n_input; i++)
            in[i] = cand[i][pick[i]];
        passed = time_pass(&tc, g, in, tax);
        if (passed == g->n_node) {
            if (found++ == 0)
                memcpy(sol, in, sizeof(int) * (size_t)g->n_input);
        } else if (passed > best) {
            best = passed;
            best_err = tc;
        }
        for (i = 0; i < g->n_input && ++pick[i] == nc[i]; i++)
            pick[i] = 0;
        if (i == g->n_input)
            break;
    }
    if (found != 1) {
        free(tax), free(sol);
        if (found > 1)
            return rc_err(c, NULL, "--stream",
                          "the time axis of the inputs is ambiguous (another dimension is also "
                          "%" PRId64 " long); bind the sequence length to a value no other "
                          "dimension has",
                          T);
        *c = best_err;
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
    /* the same model with every time axis cut to the chunk */
    b.step = 1;
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
        : buf ? front_passes(c, rc_load_model_bytes(c, g->model_path, buf, len), &b, 0)
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

int rc_mkdirs(rc_ctx *c, const char *dir) {
    char path[PATH_MAX];
    struct stat st;
    if (strlen(dir) >= sizeof path)
        return rc_err(c, NULL, "output directory", "path too long");
    snprintf(path, sizeof path, "%s", dir);
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = 0;
        if (mkdir(path, 0777) != 0 && errno != EEXIST)
            return rc_err(c, NULL, "output directory", "cannot create '%s': %s", path,
                          strerror(errno));
        *p = '/';
    }
    if (mkdir(path, 0777) != 0 && errno != EEXIST)
        return rc_err(c, NULL, "output directory", "cannot create '%s': %s", path, strerror(errno));
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
        return rc_err(c, NULL, "output directory", "'%s' is not a directory", path);
    return 0;
}

/* Writes buf to a temporary file in dir and renames it to dir/name, so an
 * interrupted or failed compile never leaves a partial file behind. */
static int write_atomic(rc_ctx *c, const char *dir, const char *name, const rc_buf *buf,
                        char *tmp_out, size_t tmp_n) {
    char tmp[PATH_MAX];
    int fd;
    FILE *f;
    snprintf(tmp, sizeof tmp, "%s/.%s.XXXXXX", dir, name);
    fd = mkstemp(tmp);
    if (fd < 0)
        return rc_err(c, NULL, "output", "cannot create a file in '%s': %s", dir, strerror(errno));
    f = fdopen(fd, "wb");
    if (!f || fwrite(buf->p, 1, buf->len, f) != buf->len || fflush(f) != 0) {
        int e = errno;
        if (f)
            fclose(f);
        else
            close(fd);
        unlink(tmp);
        return rc_err(c, NULL, "output", "cannot write '%s/%s': %s", dir, name, strerror(e));
    }
    {
        /* mkstemp creates 0600; generated files get the usual 0666 & ~umask */
        mode_t um = umask(0);
        umask(um);
        if (fchmod(fd, 0666 & ~um) != 0) {
            int e = errno;
            fclose(f);
            unlink(tmp);
            return rc_err(c, NULL, "output", "cannot set the mode of '%s': %s", tmp, strerror(e));
        }
    }
    if (fclose(f) != 0) {
        int e = errno;
        unlink(tmp);
        return rc_err(c, NULL, "output", "cannot write '%s/%s': %s", dir, name, strerror(e));
    }
    snprintf(tmp_out, tmp_n, "%s", tmp);
    return 0;
}

static int same_file(const char *a, const char *b) {
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

int rc_compile_to(rc_ctx *c, const ir_graph *g, const em_opts *o, const char *dir) {
    em_result r;
    char hname[128], cname[128], htmp[PATH_MAX], ctmp[PATH_MAX], hpath[PATH_MAX], cpath[PATH_MAX];
    int rc = -1;
    if (em_generate(c, g, o->step, o, &r))
        return -1;
    snprintf(hname, sizeof hname, "%s.h", o->name);
    snprintf(cname, sizeof cname, "%s.c", o->name);
    snprintf(hpath, sizeof hpath, "%s/%s", dir, hname);
    snprintf(cpath, sizeof cpath, "%s/%s", dir, cname);
    if (same_file(hpath, g->model_path) || same_file(cpath, g->model_path)) {
        rc_err(c, NULL, "output", "refusing to overwrite the input model '%s'", g->model_path);
        goto done;
    }
    if (rc_mkdirs(c, dir))
        goto done;
    if (write_atomic(c, dir, hname, &r.header, htmp, sizeof htmp))
        goto done;
    if (write_atomic(c, dir, cname, &r.source, ctmp, sizeof ctmp)) {
        unlink(htmp);
        goto done;
    }
    if (rename(htmp, hpath) != 0 || rename(ctmp, cpath) != 0) {
        rc_err(c, NULL, "output", "cannot rename into '%s': %s", dir, strerror(errno));
        unlink(htmp);
        unlink(ctmp);
        goto done;
    }
    rc = 0;
done:
    em_result_free(&r);
    return rc;
}

void rc_inputs_free(rc_inputs *in) {
    for (int i = 0; i < in->n; i++)
        rc_tensor_clear(&in->t[i]);
    free(in->t);
    in->t = NULL;
    in->n = 0;
}

int rc_read_inputs(rc_ctx *c, const ir_graph *g, const char *const *files, int n_files,
                   const char *dir, rc_inputs *in) {
    char path[PATH_MAX];
    /* files in declared-input order; --input may also list only the inputs left unbound */
    int all = dir || n_files == g->n_decl_input, j = 0;
    in->n = g->n_input;
    in->t = rc_xcalloc((size_t)g->n_input + 1, sizeof(ir_tensor));
    if (!all && n_files != g->n_input)
        return rc_err(c, NULL, "inputs", "the graph has %d inputs, %d files were given", g->n_input,
                      n_files);
    for (int i = 0; i < g->n_decl_input; i++) {
        const ir_tensor *gt = &g->t[g->decl_input[i]];
        ir_tensor bound = {0}, *t = gt->is_bound ? &bound : &in->t[j];
        if (gt->is_bound && !all)
            continue;
        if (dir)
            snprintf(path, sizeof path, "%s/input_%d.pb", dir, i);
        else
            snprintf(path, sizeof path, "%s", files[all ? i : j]);
        if (rc_load_tensor_file(c, path, t))
            return -1;
        if (gt->is_bound) {
            /* the data must hold the value the input was bound to */
            int same =
                ir_same_type(t, gt) &&
                memcmp(t->data, gt->data, (size_t)ir_numel(gt) * ir_dtype_size(gt->dtype)) == 0;
            rc_tensor_clear(&bound);
            if (!same)
                return rc_err(c, NULL, path, "differs from the value graph input '%s' is bound to",
                              rc_show(gt->name));
            continue;
        }
        j++;
        if (!ir_same_type(t, gt)) {
            char a[256], b[256];
            ir_shape_str(t, a, sizeof a);
            ir_shape_str(gt, b, sizeof b);
            return rc_err(c, NULL, path, "holds %s, but graph input %d '%s' is %s", a, i, gt->name,
                          b);
        }
    }
    return 0;
}

int rc_run_interp(rc_ctx *c, const ir_graph *g, const rc_inputs *in, rc_inputs *out) {
    rc_values v = {0};
    void **ptrs = rc_xcalloc((size_t)g->n_input + 1, sizeof(void *));
    int rc;
    for (int i = 0; i < in->n; i++)
        ptrs[i] = in->t[i].data;
    rc = rc_interp_run(c, g, ptrs, &v);
    free(ptrs);
    out->n = 0;
    out->t = NULL;
    if (rc == 0) {
        out->n = g->n_output;
        out->t = rc_xcalloc((size_t)g->n_output + 1, sizeof(ir_tensor));
        for (int k = 0; k < g->n_output; k++) {
            const ir_tensor *gt = &g->t[g->output[k]];
            size_t bytes = (size_t)ir_numel(gt) * ir_dtype_size(gt->dtype);
            ir_tensor *t = &out->t[k];
            t->name = rc_xstrdup(gt->name);
            t->dtype = gt->dtype;
            t->rank = gt->rank;
            memcpy(t->dims, gt->dims, sizeof t->dims);
            t->data = rc_xmalloc(bytes);
            memcpy(t->data, v.data[g->output[k]], bytes);
        }
    }
    rc_values_free(&v);
    return rc;
}

double rc_graph_flops(const ir_graph *g) {
    double flops = 0;
    for (int i = 0; i < g->n_node; i++)
        flops += rc_op_defs[g->node[i].op]->flops(g, &g->node[i]);
    return flops;
}

/* "input I:  'x' float[seq][4]  symbolic: seq" -- a bound symbolic dim as seq=N. */
static void print_inputs(const ir_graph *g) {
    char shp[256];
    for (int i = 0; i < g->n_input; i++) {
        const ir_tensor *t = &g->t[g->input[i]];
        int sym = 0;
        ir_shape_str(t, shp, sizeof shp);
        printf("input %d:  '%s' %s", i, rc_show(t->name), shp);
        for (int d = 0; d < t->rank; d++) {
            if (!t->dim_param[d])
                continue;
            printf("%s%s", sym++ ? ", " : "  symbolic: ",
                   t->dim_param[d][0] ? rc_show(t->dim_param[d]) : "(unnamed)");
            if (t->dims[d] >= 0)
                printf("=%" PRId64, t->dims[d]);
        }
        printf("\n");
    }
}

/* The model's inputs and outputs as declared, symbolic dims by name. */
static void print_signature(const ir_graph *g) {
    char shp[256];
    print_inputs(g);
    for (int i = 0; i < g->n_output; i++) {
        const ir_tensor *t = &g->t[g->output[i]];
        ir_tensor d = *t;
        d.rank = t->decl_rank;
        for (int k = 0; k < t->decl_rank; k++)
            d.dims[k] = t->decl_dims[k];
        d.dtype = t->decl_dtype;
        memset(d.dim_param, 0, sizeof d.dim_param);
        ir_shape_str(&d, shp, sizeof shp);
        printf("output %d: '%s' %s (declared)\n", i, rc_show(t->name), shp);
    }
}

int rc_info_unbound(rc_ctx *c, const char *model) {
    ir_graph *g = rc_load_model(c, model);
    if (!g)
        return -1;
    printf("model:    %s\n", rc_show(g->model_path));
    print_signature(g);
    ir_free(g);
    return 0;
}

int rc_info(rc_ctx *c, const ir_graph *g, const em_opts *o, const char *cc) {
    em_result r;
    char shp[256];
    double flops;
    int64_t params_const = 0, params_rt = 0;
    printf("model:    %s\n", rc_show(g->model_path));
    printf("graph:    '%s', opset %" PRId64 ", IR version %" PRId64 ", producer '%s'\n",
           rc_show(g->graph_name), g->opset, g->ir_version, rc_show(g->producer));
    print_inputs(g);
    for (int i = 0; i < g->n_output; i++) {
        ir_shape_str(&g->t[g->output[i]], shp, sizeof shp);
        printf("output %d: '%s' %s\n", i, rc_show(g->t[g->output[i]].name), shp);
    }
    flops = rc_graph_flops(g);
    for (int i = 0; i < g->n_node; i++) {
        const ir_node *n = &g->node[i];
        rc_op_defs[n->op]->params(g, n, &params_const, &params_rt);
        printf("node %d:   %s '%s'", i, rc_show(n->op_type), rc_show(n->name));
        for (int k = 1; k < n->n_in; k++) {
            const ir_tensor *t = ir_in(g, n, k);
            if (!t || t->dtype != IR_FLOAT)
                continue;
            ir_shape_str(t, shp, sizeof shp);
            printf(" %s=%s", rc_show(t->name), shp);
        }
        printf("\n");
    }
    printf("parameters: %" PRId64 " (%" PRId64 " in the model, %" PRId64 " supplied at run time)\n",
           params_const + params_rt, params_const, params_rt);
    printf("flops per inference: %.0f\n", flops);
    if (em_generate(c, g, o->step, o, &r))
        return -1;
    printf("generated code (--unroll %s): context (RAM) %zu bytes, weights (flash) %zu bytes, "
           "source %zu bytes, %s, %s\n",
           o->unroll == RC_UNROLL_FULL   ? "full"
           : o->unroll == RC_UNROLL_NONE ? "none"
                                         : "auto",
           r.ctx_bytes, r.const_bytes, r.source.len + r.header.len,
           r.has_loops ? "with loops" : "straight-line (no loops)",
           r.used_gemm ? "uses the runtime GEMM/GEMV seam" : "no GEMM/GEMV calls");
    if (cc) {
        rc_footprint_t fp = {0, -1};
        if (rc_footprint(c, g, o, cc, &fp)) {
            em_result_free(&r);
            return -1;
        }
        printf("footprint (%s): flash %ld bytes (code %ld, weights %zu), RAM %ld "
               "bytes (context %zu, stack %ld)\n",
               cc, fp.flash, fp.flash - (long)r.const_bytes, r.const_bytes,
               (long)r.ctx_bytes + (fp.stack > 0 ? fp.stack : 0), r.ctx_bytes, fp.stack);
        printf("  not counted: the C library's memcpy/memset and float math (expf, tanhf, ...)%s\n",
               r.used_gemm ? " and the runtime's GEMM/GEMV (librnnrt)" : "");
    }
    em_result_free(&r);
    return 0;
}
