/* ops.c — the operator table built from RC_OPS. */
#include "ops.h"

#include <string.h>

#include <stdio.h>

const rc_op_def *const rc_op_defs[RC_OP_COUNT] = {
#define RC_OP_PTR(E, n) &rc_op_##n,
    RC_OPS(RC_OP_PTR)
#undef RC_OP_PTR
};

/* The table and the enum come from one list; this catches a hand edit of either. */
typedef char
    rc_op_table_size_check[sizeof rc_op_defs / sizeof rc_op_defs[0] == RC_OP_COUNT ? 1 : -1];

rc_op rc_op_lookup(const char *op_type) {
    for (int i = 0; i < RC_OP_COUNT; i++)
        if (!rc_op_defs[i]->domain && strcmp(rc_op_defs[i]->op_type, op_type) == 0)
            return (rc_op)i;
    return RC_OP_NONE;
}

rc_op rc_op_lookup_domain(const char *domain, const char *op_type) {
    for (int i = 0; i < RC_OP_COUNT; i++)
        if (rc_op_defs[i]->domain && strcmp(rc_op_defs[i]->domain, domain) == 0 &&
            strcmp(rc_op_defs[i]->op_type, op_type) == 0)
            return (rc_op)i;
    return RC_OP_NONE;
}

const char *rc_op_names(void) {
    static char names[8192];
    size_t k = 0;
    names[0] = 0;
    for (int i = 0; i < RC_OP_COUNT && k < sizeof names; i++)
        if (!rc_op_defs[i]->domain &&
            (i == 0 || strcmp(rc_op_defs[i]->op_type, rc_op_defs[i - 1]->op_type) != 0))
            k += (size_t)snprintf(names + k, sizeof names - k, "%s%s", i ? ", " : "",
                                  rc_op_defs[i]->op_type);
    return names;
}
