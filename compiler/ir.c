/* ir.c — graph storage, the name table, the verifier and the IR dump. */
#include "ir.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *ir_dtype_name(int dtype) {
    switch (dtype) {
    case IR_FLOAT:
        return "float";
    case IR_UINT8:
        return "uint8";
    case IR_INT8:
        return "int8";
    case IR_UINT16:
        return "uint16";
    case IR_INT16:
        return "int16";
    case IR_INT32:
        return "int32";
    case IR_INT64:
        return "int64";
    case IR_STRING:
        return "string";
    case IR_BOOL:
        return "bool";
    case IR_FLOAT16:
        return "float16";
    case IR_DOUBLE:
        return "double";
    case IR_UINT32:
        return "uint32";
    case IR_UINT64:
        return "uint64";
    case IR_BFLOAT16:
        return "bfloat16";
    case IR_UNDEFINED:
        return "undefined";
    default:
        return "unknown";
    }
}

size_t ir_dtype_size(int dtype) {
    switch (dtype) {
    case IR_FLOAT:
    case IR_INT32:
    case IR_UINT32:
        return 4;
    case IR_DOUBLE:
    case IR_INT64:
    case IR_UINT64:
        return 8;
    case IR_FLOAT16:
    case IR_BFLOAT16:
    case IR_INT16:
    case IR_UINT16:
        return 2;
    case IR_INT8:
    case IR_UINT8:
    case IR_BOOL:
        return 1;
    default:
        return 0;
    }
}

int ir_dtype_is_int(int dtype) {
    switch (dtype) {
    case IR_UINT8:
    case IR_INT8:
    case IR_UINT16:
    case IR_INT16:
    case IR_INT32:
    case IR_INT64:
    case IR_UINT32:
    case IR_UINT64:
        return 1;
    default:
        return 0;
    }
}

int ir_dtype_is_float(int dtype) {
    return dtype == IR_FLOAT || dtype == IR_DOUBLE || dtype == IR_FLOAT16 || dtype == IR_BFLOAT16;
}

float ir_half_to_float(uint16_t h) {
    uint32_t sign = (uint32_t)(h >> 15) << 31, e = (h >> 10) & 0x1f, m = h & 0x3ff, bits;
    float f;
    if (e == 0x1f) {
        bits = sign | 0x7f800000u | (m << 13); /* Inf, or NaN keeping its payload */
    } else if (e == 0) {
        /* zero or subnormal: m * 2^-24, exact in float */
        f = (float)m * 5.9604644775390625e-8f;
        return sign ? -f : f;
    } else {
        bits = sign | ((e + 112) << 23) | (m << 13);
    }
    memcpy(&f, &bits, 4);
    return f;
}

uint16_t ir_float_to_half(float f) {
    uint32_t x, sign, ax;
    memcpy(&x, &f, 4);
    sign = (x >> 16) & 0x8000u;
    ax = x & 0x7fffffffu;
    if (ax > 0x7f800000u) /* NaN: quiet, keep the top of the payload */
        return (uint16_t)(sign | 0x7e00u | ((ax >> 13) & 0x3ff));
    if (ax >= 0x477ff000u) /* rounds to >= 65520: Inf */
        return (uint16_t)(sign | 0x7c00u);
    if (ax < 0x38800000u) {
        /* subnormal half (or zero): round ax * 2^24 to an integer, ties to even */
        float a;
        double q, r;
        memcpy(&a, &ax, 4);
        q = (double)a * 16777216.0;
        r = floor(q);
        if (q - r > 0.5 || (q - r == 0.5 && fmod(r, 2.0) != 0))
            r += 1;
        return (uint16_t)(sign | (uint32_t)r);
    }
    {
        /* normal: drop 13 mantissa bits with round to nearest even (a carry into the
         * exponent is the right answer) */
        uint32_t h = ((ax - 0x38000000u) >> 13), rest = ax & 0x1fffu;
        if (rest > 0x1000u || (rest == 0x1000u && (h & 1)))
            h++;
        return (uint16_t)(sign | h);
    }
}

float ir_bf16_to_float(uint16_t h) {
    uint32_t bits = (uint32_t)h << 16;
    float f;
    memcpy(&f, &bits, 4);
    return f;
}

uint16_t ir_float_to_bf16(float f) {
    uint32_t x;
    memcpy(&x, &f, 4);
    if ((x & 0x7fffffffu) > 0x7f800000u)
        return (uint16_t)((x >> 16) | 0x40u);
    x += 0x7fffu + ((x >> 16) & 1);
    return (uint16_t)(x >> 16);
}

double ir_get(int dtype, const void *p, int64_t i) {
    switch (dtype) {
    case IR_FLOAT:
        return ((const float *)p)[i];
    case IR_DOUBLE:
        return ((const double *)p)[i];
    case IR_FLOAT16:
        return ir_half_to_float(((const uint16_t *)p)[i]);
    case IR_BFLOAT16:
        return ir_bf16_to_float(((const uint16_t *)p)[i]);
    case IR_INT8:
        return ((const int8_t *)p)[i];
    case IR_INT16:
        return ((const int16_t *)p)[i];
    case IR_INT32:
        return ((const int32_t *)p)[i];
    case IR_INT64:
        return (double)((const int64_t *)p)[i];
    case IR_BOOL:
    case IR_UINT8:
        return ((const uint8_t *)p)[i];
    case IR_UINT16:
        return ((const uint16_t *)p)[i];
    case IR_UINT32:
        return ((const uint32_t *)p)[i];
    case IR_UINT64:
        return (double)((const uint64_t *)p)[i];
    default:
        rc_die("ir_get: dtype %d", dtype);
    }
}

/* x truncated toward zero, as int64 modulo 2^64 (NaN and out-of-range values give 0 or
 * the wrapped value instead of C's undefined conversion) */
static uint64_t trunc_wrap(double x) {
    double t = trunc(x);
    if (!(t == t) || isinf(t))
        return 0;
    if (t >= 0 && t < 18446744073709551616.0)
        return (uint64_t)t;
    if (t < 0 && t >= -9223372036854775808.0)
        return (uint64_t)(int64_t)t;
    return (uint64_t)(int64_t)fmod(t, 18446744073709551616.0);
}

void ir_put(int dtype, void *p, int64_t i, double x) {
    switch (dtype) {
    case IR_FLOAT:
        ((float *)p)[i] = (float)x;
        break;
    case IR_DOUBLE:
        ((double *)p)[i] = x;
        break;
    case IR_FLOAT16:
        ((uint16_t *)p)[i] = ir_float_to_half((float)x);
        break;
    case IR_BFLOAT16:
        ((uint16_t *)p)[i] = ir_float_to_bf16((float)x);
        break;
    case IR_BOOL:
        ((uint8_t *)p)[i] = x != 0;
        break;
    case IR_INT8:
    case IR_UINT8:
        ((uint8_t *)p)[i] = (uint8_t)trunc_wrap(x);
        break;
    case IR_INT16:
    case IR_UINT16:
        ((uint16_t *)p)[i] = (uint16_t)trunc_wrap(x);
        break;
    case IR_INT32:
    case IR_UINT32:
        ((uint32_t *)p)[i] = (uint32_t)trunc_wrap(x);
        break;
    case IR_INT64:
    case IR_UINT64:
        ((uint64_t *)p)[i] = trunc_wrap(x);
        break;
    default:
        rc_die("ir_put: dtype %d", dtype);
    }
}

ir_graph *ir_new(void) {
    ir_graph *g = rc_xcalloc(1, sizeof *g);
    g->map_cap = 64;
    g->map = rc_xmalloc(sizeof(int) * (size_t)g->map_cap);
    for (int i = 0; i < g->map_cap; i++)
        g->map[i] = -1;
    return g;
}

static void free_node(ir_node *n) {
    for (int a = 0; a < n->n_attr; a++) {
        ir_attr *at = &n->attr[a];
        free(at->name);
        free(at->s);
        free(at->floats);
        free(at->ints);
        for (int k = 0; at->strings && k < at->n; k++)
            free(at->strings[k]);
        free(at->strings);
        if (at->tensor) {
            free(at->tensor->name);
            free(at->tensor->data);
            free(at->tensor);
        }
        ir_free(at->graph);
    }
    free(n->implicit);
    if (n->params && n->op != RC_OP_NONE && rc_op_defs[n->op]->free_params)
        rc_op_defs[n->op]->free_params(n->params);
    free(n->attr);
    free(n->in);
    free(n->out);
    free(n->name);
    free(n->op_type);
    free(n->domain);
    free(n->doc);
}

void ir_quant_free(ir_quant *q) {
    if (!q)
        return;
    free(q->orig);
    free(q->q);
    free(q->scale);
    free(q->elem_scale);
    free(q);
}

void ir_free(ir_graph *g) {
    if (!g)
        return;
    for (int i = 0; i < g->n_tensor; i++) {
        free(g->t[i].name);
        free(g->t[i].data);
        free(g->t[i].doc);
        ir_quant_free(g->t[i].quant);
        for (int d = 0; d < IR_MAX_RANK; d++)
            free(g->t[i].dim_param[d]);
    }
    for (int i = 0; i < g->n_node; i++)
        free_node(&g->node[i]);
    free(g->t);
    free(g->node);
    free(g->input);
    free(g->decl_input);
    free(g->output);
    free(g->in_time);
    free(g->out_time);
    free(g->map);
    free(g->model_path);
    free(g->graph_name);
    free(g->producer);
    free(g);
}

/* FNV-1a: names are short and the table only needs to be fast, not secure:
 * an adversarial collision pattern only costs time, never correctness. */
static uint32_t hash_str(const char *s) {
    uint32_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

int ir_find(const ir_graph *g, const char *name) {
    uint32_t mask = (uint32_t)g->map_cap - 1;
    for (uint32_t i = hash_str(name) & mask;; i = (i + 1) & mask) {
        int k = g->map[i];
        if (k < 0)
            return -1;
        if (strcmp(g->t[k].name, name) == 0)
            return k;
    }
}

static void map_insert(ir_graph *g, int k) {
    uint32_t mask = (uint32_t)g->map_cap - 1;
    uint32_t i = hash_str(g->t[k].name) & mask;
    while (g->map[i] >= 0)
        i = (i + 1) & mask;
    g->map[i] = k;
}

int ir_add_tensor(ir_graph *g, const char *name) {
    ir_tensor *t;
    if (ir_find(g, name) >= 0)
        rc_die("ir_add_tensor: duplicate tensor '%s'", name);
    if (g->n_tensor == g->cap_tensor) {
        g->cap_tensor = g->cap_tensor ? g->cap_tensor * 2 : 16;
        g->t = rc_xrealloc(g->t, sizeof *g->t * (size_t)g->cap_tensor);
    }
    t = &g->t[g->n_tensor];
    memset(t, 0, sizeof *t);
    t->name = rc_xstrdup(name);
    t->rank = -1;
    t->producer = -1;
    t->decl_rank = -1;
    g->n_tensor++;
    /* keep the load factor under 1/2 */
    if (g->n_tensor * 2 > g->map_cap) {
        g->map_cap *= 2;
        g->map = rc_xrealloc(g->map, sizeof(int) * (size_t)g->map_cap);
        for (int i = 0; i < g->map_cap; i++)
            g->map[i] = -1;
        for (int i = 0; i < g->n_tensor; i++)
            map_insert(g, i);
    } else {
        map_insert(g, g->n_tensor - 1);
    }
    return g->n_tensor - 1;
}

ir_node *ir_add_node(ir_graph *g) {
    ir_node *n;
    if (g->n_node == g->cap_node) {
        g->cap_node = g->cap_node ? g->cap_node * 2 : 8;
        g->node = rc_xrealloc(g->node, sizeof *g->node * (size_t)g->cap_node);
    }
    n = &g->node[g->n_node++];
    memset(n, 0, sizeof *n);
    n->op = RC_OP_NONE;
    n->guard = -1;
    return n;
}

int64_t ir_numel(const ir_tensor *t) {
    int64_t n = 1;
    for (int i = 0; i < t->rank; i++)
        n *= t->dims[i];
    return n;
}

void ir_split_axis(const ir_tensor *t, int axis, int64_t *outer, int64_t *len, int64_t *inner) {
    *outer = *len = *inner = 1;
    for (int d = 0; d < t->rank; d++)
        *(d < axis ? outer : d == axis ? len : inner) *= t->dims[d];
}

int ir_same_type(const ir_tensor *a, const ir_tensor *b) {
    if (a->dtype != b->dtype || a->rank != b->rank)
        return 0;
    for (int i = 0; i < a->rank; i++)
        if (a->dims[i] != b->dims[i])
            return 0;
    return 1;
}

void ir_shape_str(const ir_tensor *t, char *buf, size_t n) {
    size_t used;
    snprintf(buf, n, "%s", ir_dtype_name(t->dtype));
    if (t->rank < 0) {
        used = strlen(buf);
        snprintf(buf + used, n - used, "[?]");
        return;
    }
    for (int i = 0; i < t->rank; i++) {
        used = strlen(buf);
        if (t->dims[i] >= 0)
            snprintf(buf + used, n - used, "[%" PRId64 "]", t->dims[i]);
        else if (t->dim_param[i] && t->dim_param[i][0])
            snprintf(buf + used, n - used, "[%.40s]", t->dim_param[i]);
        else
            snprintf(buf + used, n - used, "[?]");
    }
}

ir_attr *ir_attr_get(const ir_node *n, const char *name) {
    for (int i = 0; i < n->n_attr; i++)
        if (strcmp(n->attr[i].name, name) == 0)
            return &n->attr[i];
    return NULL;
}

const ir_tensor *ir_in(const ir_graph *g, const ir_node *n, int k) {
    if (k >= n->n_in || n->in[k] < 0)
        return NULL;
    return &g->t[n->in[k]];
}

const ir_tensor *ir_out(const ir_graph *g, const ir_node *n, int k) {
    if (k >= n->n_out || n->out[k] < 0)
        return NULL;
    return &g->t[n->out[k]];
}

int ir_verify(rc_ctx *c, const ir_graph *g, int shapes) {
    char *defined = rc_xcalloc((size_t)g->n_tensor + 1, 1);
    int rc = 0;
    for (int i = 0; i < g->n_tensor; i++) {
        const ir_tensor *t = &g->t[i];
        if (t->data || t->is_input)
            defined[i] = 1;
        if (t->data && t->is_input)
            rc_die("verify: tensor '%s' is both constant and input", t->name);
    }
    for (int ni = 0; ni < g->n_node && rc == 0; ni++) {
        const ir_node *n = &g->node[ni];
        for (int k = 0; k < n->n_in; k++) {
            int ti = n->in[k];
            if (ti < 0)
                continue;
            if (!defined[ti]) {
                rc = rc_err(c, n, "graph order",
                            "input '%s' is not a graph input, an initializer or the output of an "
                            "earlier node",
                            g->t[ti].name);
                break;
            }
        }
        if (rc == 0 && n->guard >= 0 && !defined[n->guard])
            rc_die("verify: node %d is guarded by '%s', not defined before it", ni,
                   g->t[n->guard].name);
        for (int k = 0; k < n->n_out && rc == 0; k++) {
            int ti = n->out[k];
            if (ti < 0)
                continue;
            if (g->t[ti].producer != ni)
                rc_die("verify: producer of '%s' is %d, expected %d", g->t[ti].name,
                       g->t[ti].producer, ni);
            defined[ti] = 1;
        }
        if (rc == 0 && shapes && n->op != RC_OP_NONE && !n->params)
            rc_die("verify: node %d has no parsed parameters after check", ni);
    }
    for (int i = 0; i < g->n_output && rc == 0; i++) {
        const ir_tensor *t = &g->t[g->output[i]];
        if (!defined[g->output[i]])
            rc = rc_err(c, NULL, "graph output",
                        "output '%s' is not produced by any node, nor a graph input or initializer",
                        t->name);
    }
    for (int i = 0; i < g->n_tensor && rc == 0 && shapes; i++) {
        const ir_tensor *t = &g->t[i];
        if (!defined[i])
            continue;
        if (t->rank < 0 || t->dtype == IR_UNDEFINED)
            rc_die("verify: tensor '%s' has no shape or dtype after shape inference", t->name);
        for (int d = 0; d < t->rank; d++)
            if (t->dims[d] < 0)
                rc_die("verify: tensor '%s' has dimension %d = %" PRId64, t->name, d, t->dims[d]);
    }
    free(defined);
    return rc;
}

/* The one graph input the value of tensor t is computed from, or -1 (none, or several):
 * a walk back along the producer links (ir_verify keeps them right). */
int ir_sole_input(const ir_graph *g, int t) {
    int *todo = rc_xcalloc((size_t)g->n_tensor + 1, sizeof(int));
    unsigned char *seen = rc_xcalloc((size_t)g->n_tensor + 1, 1);
    int n = 0, found = -1;
    todo[n++] = t, seen[t] = 1;
    while (n > 0 && found != -2) {
        int k = todo[--n], p = g->t[k].producer;
        if (g->t[k].is_input) {
            found = found < 0 ? k : -2;
            continue;
        }
        for (int j = 0; p >= 0 && j < g->node[p].n_in; j++) {
            int m = g->node[p].in[j];
            if (m >= 0 && !seen[m])
                seen[m] = 1, todo[n++] = m;
        }
    }
    free(todo);
    free(seen);
    return found >= 0 ? found : -1;
}

const char *ir_act_name(ir_act a) {
    return a == IR_ACT_RELU      ? "Relu"
           : a == IR_ACT_SIGMOID ? "Sigmoid"
           : a == IR_ACT_TANH    ? "Tanh"
                                 : "";
}

void ir_dump(const ir_graph *g, const char *title, void *file) {
    FILE *f = file;
    char shp[256];
    fprintf(f, "# IR after %s: %d tensors, %d nodes, opset %" PRId64 "\n", title, g->n_tensor,
            g->n_node, g->opset);
    for (int i = 0; i < g->n_tensor; i++) {
        const ir_tensor *t = &g->t[i];
        ir_shape_str(t, shp, sizeof shp);
        fprintf(f, "  %%%d %s : %s%s%s%s\n", i, t->name, shp, t->data ? " const" : "",
                t->is_input ? " input" : "", t->is_output ? " output" : "");
    }
    for (int i = 0; i < g->n_node; i++) {
        const ir_node *n = &g->node[i];
        fprintf(f, "  node %d '%s' %s%s%s(", i, n->name, n->op_type, n->post_act ? "+" : "",
                ir_act_name(n->post_act));
        for (int k = 0; k < n->n_in; k++)
            fprintf(f, "%s%%%d", k ? ", " : "", n->in[k]);
        fprintf(f, ") -> (");
        for (int k = 0; k < n->n_out; k++)
            fprintf(f, "%s%%%d", k ? ", " : "", n->out[k]);
        fprintf(f, ")");
        for (int a = 0; a < n->n_attr; a++)
            fprintf(f, " %s", n->attr[a].name);
        fprintf(f, "\n");
    }
}

void ir_remove_nodes(ir_graph *g, const unsigned char *drop) {
    int k = 0;
    for (int i = 0; i < g->n_node; i++) {
        ir_node *n = &g->node[i];
        if (drop[i]) {
            for (int o = 0; o < n->n_out; o++)
                if (n->out[o] >= 0)
                    g->t[n->out[o]].producer = -1;
            free_node(n);
            continue;
        }
        for (int o = 0; o < n->n_out; o++)
            if (n->out[o] >= 0)
                g->t[n->out[o]].producer = k;
        if (k != i)
            g->node[k] = *n;
        k++;
    }
    g->n_node = k;
}

void ir_replace_node(ir_graph *g, int i, ir_node *nodes, int count) {
    int rest = g->n_node - i - 1;
    free_node(&g->node[i]);
    if (g->n_node - 1 + count > g->cap_node) {
        g->cap_node = g->n_node - 1 + count + 8;
        g->node = rc_xrealloc(g->node, sizeof *g->node * (size_t)g->cap_node);
    }
    memmove(&g->node[i + count], &g->node[i + 1], sizeof *g->node * (size_t)rest);
    if (count)
        memcpy(&g->node[i], nodes, sizeof *nodes * (size_t)count);
    g->n_node += count - 1;
    for (int j = i; j < g->n_node; j++)
        for (int o = 0; o < g->node[j].n_out; o++)
            if (g->node[j].out[o] >= 0)
                g->t[g->node[j].out[o]].producer = j;
}

int *ir_consumer_counts(const ir_graph *g) {
    int *count = rc_xcalloc((size_t)g->n_tensor + 1, sizeof(int));
    for (int i = 0; i < g->n_node; i++)
        for (int k = 0; k < g->node[i].n_in; k++)
            if (g->node[i].in[k] >= 0)
                count[g->node[i].in[k]]++;
    return count;
}

int ir_consumers(const ir_graph *g, int ti) {
    int count = 0;
    for (int i = 0; i < g->n_node; i++)
        for (int k = 0; k < g->node[i].n_in; k++)
            count += g->node[i].in[k] == ti;
    return count;
}
