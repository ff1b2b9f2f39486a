/* ops/if.c — If (opsets 1, 11, 13, 16, 19, 21): one of two subgraphs, chosen by a one-element
 * bool `cond`. Both branches read the enclosing graph's values by name and give outputs in
 * order. When cond is known at compile time (a constant, or computed from constants, shapes
 * and inputs bound with --const — Silero VAD's sample rate), the taken branch is inlined in
 * place of the node (its nodes, initializers, and an Identity per output) and the other is
 * dropped unchecked (it may hold anything). Otherwise both branches are inlined, each node
 * guarded by cond (ir_node.guard: generated code and interpreter run only the taken
 * branch), and the node becomes a select (the op IfSelect below) that copies the taken
 * branch's outputs, which must have the same dtype and shape in both branches. A run-time
 * If inside a branch of another run-time If is refused by name. */
#include "glue.h"
#include "load.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct if_params {
    const ir_graph *branch[2]; /* then, else (owned by the node's attributes) */
    int take;                  /* 0: then, 1: else, -1: decided at run time */
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
    if (!cond->data && n->guard >= 0)
        return rc_err(c, n, "input 'cond'",
                      "'%s' is computed at run time inside a branch of another If decided at run "
                      "time; nested run-time If is not supported (bind the graph input it depends "
                      "on with --const)",
                      rc_show(cond->name));
    p->take = !cond->data ? -1 : ((const unsigned char *)cond->data)[0] ? 0 : 1;
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

/* Moves branch s's tensors and nodes into `nodes` (count advanced), guarded like the If node
 * (or by cond when `guard` >= 0), and sets out[k] to the tensor of g holding branch output k. */
static void inline_branch(ir_graph *g, int i, ir_graph *s, int guard, int guard_neg, ir_node *nodes,
                          int *count, int *out) {
    int *map = rc_xcalloc((size_t)s->n_tensor + 1, sizeof(int));
    const int g_guard = guard >= 0 ? guard : g->node[i].guard;
    const int g_neg = guard >= 0 ? guard_neg : g->node[i].guard_neg;
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
    for (int j = 0; j < s->n_node; j++) {
        ir_node *m = &nodes[(*count)++];
        *m = s->node[j];
        for (int k = 0; k < m->n_in; k++)
            m->in[k] = m->in[k] >= 0 ? map[m->in[k]] : -1;
        for (int k = 0; k < m->n_out; k++)
            m->out[k] = m->out[k] >= 0 ? map[m->out[k]] : -1;
        for (int k = 0; k < m->n_implicit; k++)
            m->implicit[k] = map[m->implicit[k]];
        m->guard = g_guard, m->guard_neg = g_neg;
    }
    s->n_node = 0; /* the nodes belong to g now */
    for (int k = 0; k < s->n_output; k++)
        out[k] = map[s->output[k]];
    free(map);
}

/* A new node of g's op `op` named NAME/tag, with the given inputs and outputs. */
static ir_node new_node(const ir_node *from, rc_op op, const char *tag, const int *in, int n_in,
                        const int *out, int n_out) {
    ir_node m;
    char name[512];
    memset(&m, 0, sizeof m);
    snprintf(name, sizeof name, "%s/%s", from->name, tag);
    m.name = rc_xstrdup(name);
    m.op_type = rc_xstrdup(rc_op_defs[op]->op_type);
    m.domain = rc_xstrdup("");
    m.op = op;
    m.n_in = n_in, m.n_out = n_out;
    m.in = rc_xcalloc((size_t)n_in + 1, sizeof(int));
    m.out = rc_xcalloc((size_t)n_out + 1, sizeof(int));
    memcpy(m.in, in, sizeof(int) * (size_t)n_in);
    memcpy(m.out, out, sizeof(int) * (size_t)n_out);
    m.guard = from->guard, m.guard_neg = from->guard_neg;
    return m;
}

static int if_expand(rc_ctx *c, ir_graph *g, int i) {
    const if_params *p = g->node[i].params;
    const int n_out = g->node[i].n_out, cond = g->node[i].in[0];
    ir_graph *s[2] = {(ir_graph *)p->branch[0], (ir_graph *)p->branch[1]}; /* emptied here */
    int nb = p->take < 0 ? 2 : 1, count = 0, total = 0;
    int *bout = rc_xcalloc((size_t)(2 * n_out) + 2, sizeof(int)); /* branch outputs */
    ir_node *nodes;
    for (int b = 0; b < nb; b++) {
        int which = p->take < 0 ? b : p->take;
        if (branch_ok(c, g, &g->node[i], s[which], branch_attr[which])) {
            free(bout);
            return -1;
        }
        total += s[which]->n_node;
    }
    if (nb == 2)
        for (int j = 0; j < s[0]->n_tensor; j++)
            if (!s[0]->t[j].is_outer && ir_find(s[1], s[0]->t[j].name) >= 0 &&
                !s[1]->t[ir_find(s[1], s[0]->t[j].name)].is_outer) {
                free(bout);
                return rc_err(c, &g->node[i], "else_branch",
                              "'%s' is defined in both branches; a run-time If needs distinct "
                              "names",
                              rc_show(s[0]->t[j].name));
            }
    nodes = rc_xcalloc((size_t)(total + n_out) + 1, sizeof *nodes);
    for (int b = 0; b < nb; b++) {
        int which = p->take < 0 ? b : p->take;
        inline_branch(g, i, s[which], p->take < 0 ? cond : -1, which, nodes, &count,
                      bout + b * n_out);
    }
    if (p->take >= 0) {
        for (int k = 0; k < n_out; k++) {
            char tag[64];
            if (g->node[i].out[k] < 0)
                continue;
            snprintf(tag, sizeof tag, "%s/output_%d", branch_attr[p->take], k);
            nodes[count++] =
                new_node(&g->node[i], RC_OP_IDENTITY, tag, &bout[k], 1, &g->node[i].out[k], 1);
        }
    } else {
        /* IfSelect(cond, then outputs..., else outputs...) -> the If's outputs */
        int *in = rc_xcalloc((size_t)(2 * n_out) + 2, sizeof(int));
        in[0] = cond;
        memcpy(in + 1, bout, sizeof(int) * (size_t)(2 * n_out));
        nodes[count++] = new_node(&g->node[i], RC_OP_IF_SELECT, "select", in, 1 + 2 * n_out,
                                  g->node[i].out, n_out);
        free(in);
    }
    free(bout);
    ir_replace_node(g, i, nodes, count);
    free(nodes);
    return 1;
}

/* ---- IfSelect: the outputs of the branch a run-time cond takes ---- */

static int select_check(rc_ctx *c, ir_graph *g, ir_node *n) {
    const int n_out = n->n_out;
    gl_params_new(n, sizeof(int));
    if (n->n_in != 1 + 2 * n_out)
        rc_die("IfSelect: %d inputs for %d outputs", n->n_in, n_out);
    for (int k = 0; k < n_out; k++) {
        const ir_tensor *a = ir_in(g, n, 1 + k), *b = ir_in(g, n, 1 + n_out + k);
        if (!ir_same_type(a, b)) {
            char sa[256], sb[256];
            ir_shape_str(a, sa, sizeof sa);
            ir_shape_str(b, sb, sizeof sb);
            return rc_err(c, n, "outputs",
                          "output %d is %s from then_branch but %s from else_branch; a run-time "
                          "If needs the same type and shape from both",
                          k, sa, sb);
        }
        if (gl_set_out(c, g, n, k, a->dtype, a->rank, a->dims))
            return -1;
    }
    return 0;
}

static int select_interp(rc_ctx *c, const ir_graph *g, const ir_node *n, rc_values *v) {
    const int n_out = n->n_out;
    const int take = ((const unsigned char *)v->data[n->in[0]])[0] ? 0 : 1;
    (void)c;
    for (int k = 0; k < n_out; k++) {
        int src = n->in[1 + take * n_out + k];
        int64_t count = ir_numel(&g->t[src]);
        if (n->out[k] < 0)
            continue;
        rc_values_alloc(v, g, n->out[k]);
        for (int64_t j = 0; j < count; j++)
            gl_copy_elem(g, v, n->out[k], j, src, j);
    }
    return 0;
}

static int select_emit(rc_ctx *c, em_state *e, const ir_graph *g, const ir_node *n) {
    const int n_out = n->n_out;
    (void)c;
    for (int b = 0; b < 2; b++) {
        em_printf(e, b ? "} else {\n" : "if (%s[0]) {\n", em_tensor(e, n->in[0]));
        for (int k = 0; k < n_out; k++) {
            const ir_tensor *t = ir_in(g, n, 1 + k);
            if (n->out[k] < 0 || !ir_numel(t))
                continue;
            em_printf(e, "memcpy(%s, %s, %lld * sizeof(%s));\n", em_tensor(e, n->out[k]),
                      em_tensor(e, n->in[1 + b * n_out + k]), (long long)ir_numel(t),
                      em_ctype(t->dtype));
        }
    }
    em_printf(e, "}\n");
    return 0;
}

/* Never reached: the check pass either inlines the node or refuses it. */
static int if_interp(rc_ctx *c, const ir_graph *g, const ir_node *n, rc_values *v) {
    (void)c, (void)g, (void)v;
    rc_die("If node '%s' reached the interpreter", n->name);
}

const rc_op_def rc_op_if_select = {
    .op_type = "If", /* what the If node became; never looked up by name */
    .check = select_check,
    .interp = select_interp,
    .emit = select_emit,
    .flops = gl_flops_none,
    .params = gl_params_consts,
    .free_params = gl_free,
};

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
