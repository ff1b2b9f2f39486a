/* attr.c — see attr.h. */
#include "attr.h"

#include <inttypes.h>
#include <stdio.h>

static ir_attr *get_typed(rc_ctx *c, ir_node *n, const char *name, ir_attr_type type,
                          const char *tname, int *bad) {
    ir_attr *a = ir_attr_get(n, name);
    *bad = 0;
    if (!a)
        return NULL;
    a->used = 1;
    if (a->type != type) {
        char what[128];
        snprintf(what, sizeof what, "attribute %s", name);
        rc_err(c, n, what, "must be of type %s, got %s", tname, a->type_name);
        *bad = 1;
        return NULL;
    }
    return a;
}

int rc_attr_int(rc_ctx *c, ir_node *n, const char *name, int64_t *out, int *present) {
    int bad;
    ir_attr *a = get_typed(c, n, name, IR_ATTR_INT, "int", &bad);
    *present = a != NULL;
    if (a)
        *out = a->i;
    return bad ? -1 : 0;
}

int rc_attr_float(rc_ctx *c, ir_node *n, const char *name, double *out, int *present) {
    int bad;
    ir_attr *a = get_typed(c, n, name, IR_ATTR_FLOAT, "float", &bad);
    *present = a != NULL;
    if (a)
        *out = a->f;
    return bad ? -1 : 0;
}

int rc_attr_string(rc_ctx *c, ir_node *n, const char *name, const char **out, int *present) {
    int bad;
    ir_attr *a = get_typed(c, n, name, IR_ATTR_STRING, "string", &bad);
    *present = a != NULL;
    if (a)
        *out = a->s;
    return bad ? -1 : 0;
}

int rc_attr_floats(rc_ctx *c, ir_node *n, const char *name, const double **out, int *count) {
    int bad;
    ir_attr *a = get_typed(c, n, name, IR_ATTR_FLOATS, "floats", &bad);
    *count = a ? a->n : 0;
    *out = a ? a->floats : NULL;
    return bad ? -1 : 0;
}

int rc_attr_ints(rc_ctx *c, ir_node *n, const char *name, const int64_t **out, int *count) {
    int bad;
    ir_attr *a = get_typed(c, n, name, IR_ATTR_INTS, "ints", &bad);
    *count = a ? a->n : 0;
    *out = a ? a->ints : NULL;
    return bad ? -1 : 0;
}

int rc_attr_tensor(rc_ctx *c, ir_node *n, const char *name, const ir_tensor **out) {
    int bad;
    ir_attr *a = get_typed(c, n, name, IR_ATTR_TENSOR, "tensor", &bad);
    *out = a ? a->tensor : NULL;
    return bad ? -1 : 0;
}

int rc_attr_graph(rc_ctx *c, ir_node *n, const char *name, const ir_graph **out) {
    int bad;
    ir_attr *a = get_typed(c, n, name, IR_ATTR_GRAPH, "graph", &bad);
    *out = a ? a->graph : NULL;
    return bad ? -1 : 0;
}

int rc_attr_strings(rc_ctx *c, ir_node *n, const char *name, char *const **out, int *count) {
    int bad;
    ir_attr *a = get_typed(c, n, name, IR_ATTR_STRINGS, "strings", &bad);
    *count = a ? a->n : 0;
    *out = a ? a->strings : NULL;
    return bad ? -1 : 0;
}

int rc_attr_unused(rc_ctx *c, const ir_graph *g, ir_node *n) {
    for (int i = 0; i < n->n_attr; i++)
        if (!n->attr[i].used) {
            char what[300];
            snprintf(what, sizeof what, "attribute %.200s", n->attr[i].name);
            return rc_err(c, n, what,
                          "is not an attribute of %s at opset %" PRId64
                          " that rnnc implements; refusing to ignore it",
                          n->op_type, g->opset);
        }
    return 0;
}
