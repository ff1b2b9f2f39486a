/* ops/if.c — If (opsets 1, 11, 13, 16, 19, 21): one of two subgraphs, chosen by a one-element
 * bool `cond`. Both branches read the enclosing graph's values by name and give outputs in
 * order. rnnc decides If at compile time: when cond is known (a constant, or computed from
 * constants, shapes and inputs bound with --const — Silero VAD's sample rate), the taken
 * branch is inlined in place of the node (its nodes, initializers, and an Identity per
 * output), and the rest of the pipeline sees plain nodes; the other branch is dropped
 * unchecked (it may hold anything). A condition computed at run time is refused by name. */
#include "glue.h"
#include "load.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct if_params {
    const ir_graph *branch[2]; /* then, else (owned by the node's attributes) */
    int take;                  /* 0: then, 1: else */
} if_params;

static const char *const branch_attr[2] = {"then_branch", "else_branch"};

static int if_check(rc_ctx *c, ir_graph *g, ir_node *n) {
    if_params *p = gl_params_new(n, sizeof *p);
    const ir_tensor *cond;
    if (gl_arity(c, n, 1, 1, 1, n->n_out > 0 ? n->n_out : 1))
        return -1;
    for (int b = 0; b < 2; b++) {
        const ir_graph *s;
        if (rc_attr_graph(c, n, branch_attr[b], &s))
            return -1;
        if (!s)
            return rc_err(c, n, branch_attr[b], "required graph attribute is missing");
        if (s->n_decl_input)
            return rc_err(c, n, branch_attr[b], "an If branch takes no inputs, this one has %d",
                          s->n_decl_input);
        if (s->n_output != n->n_out)
            return rc_err(c, n, branch_attr[b], "has %d outputs, the node has %d", s->n_output,
                          n->n_out);
        p->branch[b] = s;
    }
    if (rc_attr_unused(c, g, n))
        return -1;
    cond = ir_in(g, n, 0);
    if (cond->dtype != IR_BOOL)
        return rc_err(c, n, "input 'cond'", "must be bool, got %s", ir_dtype_name(cond->dtype));
    if (ir_numel(cond) != 1)
        return rc_err(c, n, "input 'cond'", "must hold one element, got %lld",
                      (long long)ir_numel(cond));
    if (!cond->data) {
        gl_want_const(c, cond);
        return rc_err(c, n, "input 'cond'",
                      "'%s' is computed at run time; rnnc compiles If only when its condition is "
                      "known at compile time (bind the graph input it depends on with --const)",
                      rc_show(cond->name));
    }
    p->take = ((const unsigned char *)cond->data)[0] ? 0 : 1;
    return 0;
}

/* Validates branch s against g before anything moves: every op known, no name that shadows
 * one of g, every outer value defined. */
static int branch_ok(rc_ctx *c, const ir_graph *g, const ir_node *n, const ir_graph *s,
                     const char *which) {
    for (int i = 0; i < s->n_node; i++)
        if (s->node[i].op == RC_OP_NONE)
            return rc_err_unknown_op(c, &s->node[i]);
    for (int j = 0; j < s->n_tensor; j++) {
        int k = ir_find(g, s->t[j].name);
        if (s->t[j].is_outer && k < 0)
            return rc_err(c, n, which, "reads '%s', which the enclosing graph does not define",
                          rc_show(s->t[j].name));
        if (!s->t[j].is_outer && k >= 0)
            return rc_err(c, n, which, "'%s' shadows a value of the enclosing graph",
                          rc_show(s->t[j].name));
    }
    return 0;
}

static int if_expand(rc_ctx *c, ir_graph *g, int i) {
    const if_params *p = g->node[i].params;
    ir_graph *s = (ir_graph *)p->branch[p->take]; /* emptied here, freed with the node */
    const char *which = branch_attr[p->take];
    int *map, count = 0, n_out = g->node[i].n_out;
    ir_node *nodes;
    if (branch_ok(c, g, &g->node[i], s, which))
        return -1;
    map = rc_xcalloc((size_t)s->n_tensor + 1, sizeof(int));
    for (int j = 0; j < s->n_tensor; j++) {
        ir_tensor *st = &s->t[j], *t;
        if (st->is_outer) {
            map[j] = ir_find(g, st->name);
            continue;
        }
        map[j] = ir_add_tensor(g, st->name);
        t = &g->t[map[j]];
        t->dtype = st->dtype;
        t->rank = st->rank;
        memcpy(t->dims, st->dims, sizeof t->dims);
        t->data = st->data; /* the branch's initializers move into g */
        st->data = NULL;
        t->is_init = st->is_init;
    }
    nodes = rc_xcalloc((size_t)(s->n_node + n_out) + 1, sizeof *nodes);
    for (int j = 0; j < s->n_node; j++) {
        ir_node *m = &nodes[count++];
        *m = s->node[j];
        for (int k = 0; k < m->n_in; k++)
            m->in[k] = m->in[k] >= 0 ? map[m->in[k]] : -1;
        for (int k = 0; k < m->n_out; k++)
            m->out[k] = m->out[k] >= 0 ? map[m->out[k]] : -1;
        for (int k = 0; k < m->n_implicit; k++)
            m->implicit[k] = map[m->implicit[k]];
    }
    s->n_node = 0; /* the nodes belong to g now */
    for (int k = 0; k < n_out; k++) {
        ir_node *m;
        char name[512];
        if (g->node[i].out[k] < 0)
            continue;
        m = &nodes[count++];
        snprintf(name, sizeof name, "%s/%s/output_%d", g->node[i].name, which, k);
        m->name = rc_xstrdup(name);
        m->op_type = rc_xstrdup("Identity");
        m->domain = rc_xstrdup("");
        m->op = RC_OP_IDENTITY;
        m->n_in = m->n_out = 1;
        m->in = rc_xcalloc(1, sizeof(int));
        m->out = rc_xcalloc(1, sizeof(int));
        m->in[0] = map[s->output[k]];
        m->out[0] = g->node[i].out[k];
    }
    free(map);
    ir_replace_node(g, i, nodes, count);
    free(nodes);
    return 0;
}

/* Never reached: the check pass either inlines the node or refuses it. */
static int if_interp(rc_ctx *c, const ir_graph *g, const ir_node *n, rc_values *v) {
    (void)c, (void)g, (void)v;
    rc_die("If node '%s' reached the interpreter", n->name);
}

const rc_op_def rc_op_if = {
    .op_type = "If",
    .check = if_check,
    .interp = if_interp,
    .emit = gl_emit_folded,
    .flops = gl_flops_none,
    .params = gl_params_consts,
    .free_params = gl_free,
    .expand = if_expand,
};
