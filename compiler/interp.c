/* interp.c — the reference interpreter's graph driver. */
#include "interp.h"

#include <stdlib.h>
#include <string.h>

void *rc_values_alloc(rc_values *v, const ir_graph *g, int ti) {
    const ir_tensor *t = &g->t[ti];
    size_t bytes = (size_t)ir_numel(t) * ir_dtype_size(t->dtype);
    if (v->owned[ti])
        free(v->data[ti]);
    v->data[ti] = rc_xcalloc(bytes ? bytes : 1, 1);
    v->owned[ti] = 1;
    return v->data[ti];
}

void rc_values_free(rc_values *v) {
    for (int i = 0; i < v->n; i++)
        if (v->owned[i])
            free(v->data[i]);
    free(v->data);
    free(v->owned);
    memset(v, 0, sizeof *v);
}

int rc_interp_run(rc_ctx *c, const ir_graph *g, void *const *inputs, rc_values *v) {
    v->n = g->n_tensor;
    v->data = rc_xcalloc((size_t)g->n_tensor, sizeof(void *));
    v->owned = rc_xcalloc((size_t)g->n_tensor, 1);
    for (int i = 0; i < g->n_tensor; i++)
        if (g->t[i].data)
            v->data[i] = g->t[i].data;
    for (int i = 0; i < g->n_input; i++)
        v->data[g->input[i]] = inputs[i];
    for (int i = 0; i < g->n_node; i++) {
        const ir_node *n = &g->node[i];
        /* the branch of a run-time If that is not taken does not run */
        if (n->guard >= 0 && (((const unsigned char *)v->data[n->guard])[0] != 0) == n->guard_neg)
            continue;
        if (rc_op_defs[n->op]->interp(c, g, n, v))
            return -1;
    }
    return 0;
}
