/* interp.h — rnnc's reference interpreter: executes the IR directly with naive
 * loops and double accumulation. It shares no code with the runtime library
 * or the emitter, so one bug cannot hide in both. */
#ifndef RNNC_INTERP_H
#define RNNC_INTERP_H

#include "ir.h"

/* Data of every tensor during one run: graph inputs point at the caller's
 * buffers, constants at the IR, node outputs are allocated here. */
typedef struct rc_values {
    int n;
    void **data;
    unsigned char *owned;
} rc_values;

/* Runs g on inputs[i] for graph input i (dense, in the input's dtype). On
 * success v holds every tensor; free it with rc_values_free. */
int rc_interp_run(rc_ctx *c, const ir_graph *g, void *const *inputs, rc_values *v);
void rc_values_free(rc_values *v);
/* Allocates zeroed storage for tensor ti (used by op interpreters). */
void *rc_values_alloc(rc_values *v, const ir_graph *g, int ti);

#endif
