/* passes.c — the front end's pass pipeline: load -> bind (--const values, --dim/--shape, the
 * data's dims) -> verify -> check, shape inference and constant folding (ops may expand into
 * others: If) -> dead-node removal -> declared-output check -> verify with shapes -> weights
 * (--weights, quant.c). run/check
 * retry with inputs an op needs at compile time bound from the data. */
#define _POSIX_C_SOURCE 200809L
#include "driver.h"

#include "load.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
            /* strtoull accepts "-1" as its wrapped value: a minus sign is out of range */
            unsigned long long u = strtoull(p, &end, 10);
            if (strchr(p, '-') && strchr(p, '-') < end)
                errno = ERANGE;
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

/* --shape may bind an input's open dims, not change what the model fixes (or what --dim
 * bound): such a contradiction names both values. The step graph of --stream re-binds the
 * time axis on purpose and skips this (rc_binding.step). */
static int shape_contradicts(rc_ctx *c, const ir_tensor *t, int rank, const int64_t *dims) {
    char want[256];
    ir_shape_str(t, want, sizeof want);
    if (t->rank >= 0 && t->rank != rank)
        return rc_err(c, NULL, "--shape",
                      "'%s' is declared %s (rank %d); the shape given has rank %d",
                      rc_show(t->name), want, t->rank, rank);
    for (int d = 0; d < t->rank; d++)
        if (t->dims[d] >= 0 && t->dims[d] != dims[d]) {
            if (t->dim_param[d])
                return rc_err(c, NULL, "--shape",
                              "'%s' dimension %d ('%s') is bound to %" PRId64
                              " by --dim; the shape given says %" PRId64,
                              rc_show(t->name), d, rc_show(t->dim_param[d]), t->dims[d], dims[d]);
            return rc_err(c, NULL, "--shape",
                          "'%s' is declared %s: dimension %d is fixed at %" PRId64
                          "; the shape given says %" PRId64,
                          rc_show(t->name), want, d, t->dims[d], dims[d]);
        }
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
        for (int j = 0; j < k; j++)
            if (strcmp(b->dim_name[j], b->dim_name[k]) == 0 && b->dim_val[j] != b->dim_val[k])
                return rc_err(c, NULL, "--dim",
                              "'%s' is bound twice, to %" PRId64 " and to %" PRId64,
                              rc_show(b->dim_name[k]), b->dim_val[j], b->dim_val[k]);
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
        for (int j = 0; j < s; j++)
            if (strcmp(b->shape_name[j], b->shape_name[s]) == 0)
                return rc_err(c, NULL, "--shape", "'%s' is given twice", rc_show(b->shape_name[s]));
        if (!b->step && shape_contradicts(c, t, b->shape_rank[s], b->shape_dims[s]))
            return -1;
        t->rank = b->shape_rank[s];
        for (int d = 0; d < t->rank; d++)
            t->dims[d] = b->shape_dims[s][d];
    }
    for (int i = 0; b && i < g->n_decl_input && i < b->n_data; i++) {
        ir_tensor *t = &g->t[g->decl_input[i]];
        const ir_tensor *x = b->data[i];
        if (x && !t->is_bound && t->rank >= 0 && t->rank != x->rank &&
            b->n_data == g->n_decl_input) {
            char have[256], want[256];
            ir_shape_str(x, have, sizeof have);
            ir_shape_str(t, want, sizeof want);
            return rc_err(c, NULL, "",
                          "data file '%s' holds %s (rank %d), but graph input %d '%s' "
                          "is %s (rank %d)",
                          b->data_path ? b->data_path[i] : "?", have, x->rank, i, rc_show(t->name),
                          want, t->rank);
        }
        if (!x || t->is_bound || (t->rank >= 0 && t->rank != x->rank))
            continue; /* another mismatch is reported when the data is read */
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
    if (rc_op_defs[n->op]->folded)
        rc_op_defs[n->op]->folded(g, n);
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

/* A node that failed inside a branch of a run-time If: both branches are compiled, and the
 * one not taken may not even be valid for these shapes (Silero VAD's 8 kHz branch at a 16 kHz
 * frame size, which ONNX Runtime refuses too when asked to take it). Say so, and when the
 * condition comes from one graph input, name it, and let `run`/`check` bind it from their data
 * set as for any input needed at compile time. */
static void branch_hint(rc_ctx *c, const ir_graph *g, const ir_node *n) {
    int src = n->guard >= 0 ? ir_sole_input(g, n->guard) : -1;
    size_t len = strlen(c->msg);
    if (n->guard < 0 || !c->failed)
        return;
    if (src < 0) {
        snprintf(c->msg + len, sizeof c->msg - len,
                 " (the node is in a branch of an If decided at run time: both branches are "
                 "compiled)");
        return;
    }
    snprintf(c->msg + len, sizeof c->msg - len,
             " (the node is in a branch of an If decided at run time by graph input '%s', so both "
             "branches are compiled; bind it with --const to compile only the branch it takes)",
             rc_show(g->t[src].name));
    if (!c->need_const[0])
        snprintf(c->need_const, sizeof c->need_const, "%s", g->t[src].name);
}

/* The op must exist in the opset the model imports (rc_op_def.since/until). */
static int opset_ok(rc_ctx *c, const ir_graph *g, const ir_node *n) {
    const rc_op_def *d = rc_op_defs[n->op];
    if (d->domain) { /* com.microsoft: since/until count that domain's opsets */
        if (!g->ms_opset)
            return rc_err(c, n, "opset",
                          "%s is an op of domain %s, but the model does not import the %s domain "
                          "(opset_import lacks it)",
                          d->op_type, d->domain, d->domain);
        if (g->ms_opset < d->since || (d->until && g->ms_opset > d->until))
            return rc_err(c, n, "opset",
                          "the model imports %s opset %lld, rnnc implements %s of %s opset %d "
                          "only",
                          d->domain, (long long)g->ms_opset, d->op_type, d->domain, d->since);
        return 0;
    }
    if (d->since && g->opset < d->since)
        return rc_err(c, n, "opset", "%s is defined from opset %d, the model imports opset %lld",
                      d->op_type, d->since, (long long)g->opset);
    if (d->until && g->opset > d->until)
        return rc_err(c, n, "opset",
                      "%s is defined up to opset %d (removed after it), the model imports opset "
                      "%lld",
                      d->op_type, d->until, (long long)g->opset);
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
        rc = opset_ok(c, g, n);
        if (rc == 0)
            rc = rc_op_defs[n->op]->check(c, g, n);
        if (rc == 0 && rc_op_defs[n->op]->expand) {
            int r = rc_op_defs[n->op]->expand(c, g, i);
            rc = r < 0 ? -1 : 0;
            if (g->n_tensor > v.n) { /* the replacement brought tensors of its own */
                v.data = rc_xrealloc(v.data, sizeof(void *) * ((size_t)g->n_tensor + 1));
                v.owned = rc_xrealloc(v.owned, (size_t)g->n_tensor + 1);
                for (int k = v.n; k <= g->n_tensor; k++)
                    v.data[k] = NULL, v.owned[k] = 0;
                v.n = g->n_tensor;
            }
            if (r > 0) {
                i--; /* visit what replaced node i */
                continue;
            }
            n = &g->node[i];
        }
        if (rc == 0)
            rc = check_sizes(c, g, n);
        if (rc == 0 && foldable(g, n))
            rc = fold_node(c, g, n, &v);
        if (rc != 0)
            branch_hint(c, g, &g->node[i]);
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
    if (rc_round_weights(c, g, b ? b->weights : RC_W_F32))
        goto fail;
    if (dump && b && b->weights != RC_W_F32)
        ir_dump(g, "weights", stderr);
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
