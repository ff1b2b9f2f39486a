/* attr.h — typed access to node attributes. Every getter marks the attribute
 * used; rc_attr_unused then rejects whatever an op did not consume, so an
 * attribute rnnc does not implement is an error, never silently ignored. */
#ifndef RNNC_ATTR_H
#define RNNC_ATTR_H

#include "ir.h"

/* Each returns 0 and sets *present (0/1) — absent leaves *out at its default —
 * or -1 with an error when the attribute has the wrong type. */
int rc_attr_int(rc_ctx *c, ir_node *n, const char *name, int64_t *out, int *present);
int rc_attr_float(rc_ctx *c, ir_node *n, const char *name, double *out, int *present);
int rc_attr_string(rc_ctx *c, ir_node *n, const char *name, const char **out, int *present);
int rc_attr_floats(rc_ctx *c, ir_node *n, const char *name, const double **out, int *count);
int rc_attr_ints(rc_ctx *c, ir_node *n, const char *name, const int64_t **out, int *count);
/* A tensor attribute (Constant's value): *out NULL when absent. */
int rc_attr_tensor(rc_ctx *c, ir_node *n, const char *name, const ir_tensor **out);
int rc_attr_strings(rc_ctx *c, ir_node *n, const char *name, char *const **out, int *count);
/* A graph attribute (If's branches): *out NULL when absent. */
int rc_attr_graph(rc_ctx *c, ir_node *n, const char *name, const struct ir_graph **out);
/* Error naming the first attribute no getter consumed. */
int rc_attr_unused(rc_ctx *c, const ir_graph *g, ir_node *n);

#endif
