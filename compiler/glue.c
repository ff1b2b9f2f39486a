/* glue.c — see glue.h. */
#include "glue.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int gl_arity(rc_ctx *c, ir_node *n, int in_min, int in_max, int required, int out_max) {
    if ((n->n_in < in_min || n->n_in > in_max) && in_min == in_max)
        return rc_err(c, n, "inputs", "takes %d input%s, got %d", in_min, in_min == 1 ? "" : "s",
                      n->n_in);
    if (n->n_in < in_min || n->n_in > in_max)
        return rc_err(c, n, "inputs", "takes %d to %d inputs, got %d", in_min, in_max, n->n_in);
    if ((n->n_out < 1 || n->n_out > out_max) && out_max == 1)
        return rc_err(c, n, "outputs", "has 1 output, got %d", n->n_out);
    if (n->n_out < 1 || n->n_out > out_max)
        return rc_err(c, n, "outputs", "has 1 to %d outputs, got %d", out_max, n->n_out);
    for (int k = 0; k < required; k++)
        if (n->in[k] < 0)
            return rc_err(c, n, "inputs", "input %d is required but empty", k);
    if (n->out[0] < 0)
        return rc_err(c, n, "outputs", "output 0 is required but empty");
    return 0;
}

int gl_dtype(rc_ctx *c, const ir_graph *g, ir_node *n, int k, const char *what, int dtype) {
    const ir_tensor *t = ir_in(g, n, k);
    if (!t)
        return 0;
    if (t->rank < 0 || t->dtype == IR_UNDEFINED)
        return rc_err(c, n, what, "'%s' has no known type or shape", t->name);
    if (dtype != IR_UNDEFINED && t->dtype != dtype)
        return rc_err(c, n, what, "'%s' must be %s, got %s", t->name, ir_dtype_name(dtype),
                      ir_dtype_name(t->dtype));
    if (ir_dtype_size(t->dtype) == 0)
        return rc_err(c, n, what, "'%s' has unsupported element type %s", t->name,
                      ir_dtype_name(t->dtype));
    return 0;
}

int gl_axis(rc_ctx *c, ir_node *n, const char *what, int64_t axis, int rank, int *out) {
    int64_t a = axis < 0 ? axis + rank : axis;
    if (a < 0 || a >= rank)
        return rc_err(c, n, what, "%" PRId64 " is out of range for rank %d (valid: %d..%d)", axis,
                      rank, -rank, rank - 1);
    *out = (int)a;
    return 0;
}

int gl_want_const(rc_ctx *c, const ir_graph *g, const ir_tensor *t) {
    int src = t->is_input ? (int)(t - g->t) : ir_sole_input(g, (int)(t - g->t));
    if (src >= 0 && !c->failed)
        snprintf(c->need_const, sizeof c->need_const, "%s", g->t[src].name);
    return src;
}

/* Input k must be a compile-time constant: its tensor, or NULL with an error. A graph input
 * in that place is recorded in c->need_const, so `rnnc run`/`check` can bind it from the data
 * set's values and try again (as ONNX's node tests give shapes and axes as inputs). */
static const ir_tensor *const_input(rc_ctx *c, const ir_graph *g, ir_node *n, int k,
                                    const char *what) {
    const ir_tensor *t = ir_in(g, n, k);
    if (!t) {
        rc_err(c, n, what, "input %d is missing", k);
        return NULL;
    }
    if (!t->data) {
        int src = gl_want_const(c, g, t);
        if (src >= 0 && !t->is_input)
            rc_err(c, n, what,
                   "'%s' must be known at compile time (a constant, or computed from "
                   "constants and shapes), but it is computed at run time from graph input "
                   "'%s' (bind that with --const NAME=FILE)",
                   rc_show(t->name), rc_show(g->t[src].name));
        else
            rc_err(c, n, what,
                   "'%s' must be known at compile time (a constant, or computed from "
                   "constants and shapes), but it is %s",
                   rc_show(t->name),
                   t->is_input ? "a graph input (bind it with --const NAME=FILE)"
                               : "computed at run time");
        return NULL;
    }
    if (t->rank > 1) {
        rc_err(c, n, what, "'%s' must be a scalar or 1-D, got rank %d", t->name, t->rank);
        return NULL;
    }
    return t;
}

int gl_const_ints(rc_ctx *c, const ir_graph *g, ir_node *n, int k, const char *what, int64_t *out,
                  int max, int *count) {
    const ir_tensor *t = const_input(c, g, n, k, what);
    int64_t num;
    if (!t)
        return -1;
    if (t->dtype != IR_INT64 && t->dtype != IR_INT32)
        return rc_err(c, n, what, "'%s' must be int64, got %s", t->name, ir_dtype_name(t->dtype));
    num = ir_numel(t);
    if (num > max)
        return rc_err(c, n, what, "'%s' has %" PRId64 " values, at most %d are supported", t->name,
                      num, max);
    for (int64_t i = 0; i < num; i++)
        out[i] =
            t->dtype == IR_INT64 ? ((const int64_t *)t->data)[i] : ((const int32_t *)t->data)[i];
    *count = (int)num;
    return 0;
}

int gl_const_doubles(rc_ctx *c, const ir_graph *g, ir_node *n, int k, const char *what, double *out,
                     int max, int *count) {
    const ir_tensor *t = const_input(c, g, n, k, what);
    int64_t num;
    if (!t)
        return -1;
    num = ir_numel(t);
    if (num > max)
        return rc_err(c, n, what, "'%s' has %" PRId64 " values, at most %d are supported", t->name,
                      num, max);
    for (int64_t i = 0; i < num; i++)
        out[i] = ir_get(t->dtype, t->data, i);
    *count = (int)num;
    return 0;
}

int gl_set_out(rc_ctx *c, ir_graph *g, ir_node *n, int k, int dtype, int rank,
               const int64_t *dims) {
    ir_tensor *t;
    int64_t numel = 1;
    if (k >= n->n_out || n->out[k] < 0)
        return 0;
    t = &g->t[n->out[k]];
    if (rank > IR_MAX_RANK)
        return rc_err(c, n, "output", "rank %d exceeds the maximum %d", rank, IR_MAX_RANK);
    for (int d = 0; d < rank; d++) {
        if (dims[d] < 0)
            return rc_err(c, n, "output", "dimension %d of '%s' would be %" PRId64, d, t->name,
                          dims[d]);
        if (!rc_mul_ok(numel, dims[d], &numel))
            return rc_err(c, n, "output", "'%s' would have more than %d elements", t->name,
                          INT32_MAX);
    }
    t->dtype = dtype;
    t->rank = rank;
    for (int d = 0; d < rank; d++)
        t->dims[d] = dims[d];
    return 0;
}

int gl_broadcast(rc_ctx *c, ir_node *n, const ir_tensor *a, const ir_tensor *b, int *rank,
                 int64_t *dims) {
    int r = a->rank > b->rank ? a->rank : b->rank;
    for (int d = 0; d < r; d++) {
        int da = d - (r - a->rank), db = d - (r - b->rank);
        int64_t x = da >= 0 ? a->dims[da] : 1, y = db >= 0 ? b->dims[db] : 1;
        if (x != y && x != 1 && y != 1) {
            char sa[256], sb[256];
            ir_shape_str(a, sa, sizeof sa);
            ir_shape_str(b, sb, sizeof sb);
            return rc_err(c, n, "broadcast", "shapes %s and %s do not broadcast (dimension %d)", sa,
                          sb, d);
        }
        dims[d] = x == 1 ? y : x;
    }
    *rank = r;
    return 0;
}

void gl_strides(int rank, const int64_t *dims, int64_t *strides) {
    int64_t s = 1;
    for (int d = rank - 1; d >= 0; d--) {
        strides[d] = s;
        s *= dims[d];
    }
}

void gl_bcast_strides(const ir_tensor *t, int rank, const int64_t *dims, int64_t *strides) {
    int64_t own[IR_MAX_RANK];
    gl_strides(t->rank, t->dims, own);
    for (int d = 0; d < rank; d++) {
        int dt = d - (rank - t->rank);
        strides[d] = dt >= 0 && t->dims[dt] == dims[d] && dims[d] != 1 ? own[dt] : 0;
    }
}

void gl_unravel(int64_t i, int rank, const int64_t *dims, int64_t *idx) {
    for (int d = rank - 1; d >= 0; d--) {
        idx[d] = dims[d] ? i % dims[d] : 0;
        i = dims[d] ? i / dims[d] : 0;
    }
}

int64_t gl_bcast_index(const ir_tensor *t, int yrank, const int64_t *idx) {
    int64_t s = 0;
    for (int d = 0; d < t->rank; d++)
        s = s * t->dims[d] + (t->dims[d] == 1 ? 0 : idx[d + (yrank - t->rank)]);
    return s;
}

int gl_used(const ir_graph *g, int ti) {
    if (ti < 0)
        return 0;
    return g->t[ti].is_output || ir_consumers(g, ti) > 0;
}

int gl_absorbable(const ir_graph *g, int i) {
    const ir_node *n = &g->node[i];
    const int x = n->n_in > 0 ? n->in[0] : -1;
    const int j = x >= 0 ? g->t[x].producer : -1;
    const ir_node *m = j >= 0 ? &g->node[j] : NULL;
    if (!m || m->out[0] != x || g->t[x].data || g->t[x].is_output || ir_consumers(g, x) != 1 ||
        g->t[x].dtype != IR_FLOAT || m->guard != n->guard ||
        (m->guard >= 0 && m->guard_neg != n->guard_neg))
        return -1;
    return j;
}

void gl_absorb(ir_graph *g, int i, int j) {
    const int x = g->node[i].in[0], y = g->node[i].out[0];
    g->node[j].out[0] = y;
    g->t[y].producer = j;
    g->t[x].producer = -1;
    ir_replace_node(g, i, NULL, 0);
}

double gl_get(const ir_graph *g, const rc_values *v, int ti, int64_t i) {
    return ir_get(g->t[ti].dtype, v->data[ti], i);
}

void gl_copy_elem(const ir_graph *g, rc_values *v, int dst, int64_t di, int src, int64_t si) {
    size_t esz = ir_dtype_size(g->t[src].dtype);
    memcpy((unsigned char *)v->data[dst] + (size_t)di * esz,
           (const unsigned char *)v->data[src] + (size_t)si * esz, esz);
}

void gl_put(const ir_graph *g, rc_values *v, int ti, int64_t i, double x) {
    ir_put(g->t[ti].dtype, v->data[ti], i, x);
}

/* Drops size-1 dimensions and merges neighbours that are contiguous for
 * every operand, so a transpose of [T][1][B][H] becomes the loops it needs. */
static int collapse(int rank, const int64_t *dims, const gl_operand *ops, int nops, int64_t *cd,
                    gl_operand *co) {
    int r = 0;
    for (int k = 0; k < nops; k++)
        co[k] = ops[k];
    for (int d = 0; d < rank; d++) {
        int merge = r > 0;
        if (dims[d] == 1)
            continue;
        for (int k = 0; k < nops && merge; k++)
            merge = ops[k].st[d] * dims[d] == co[k].st[r - 1];
        if (merge) {
            cd[r - 1] *= dims[d];
            for (int k = 0; k < nops; k++)
                co[k].st[r - 1] = ops[k].st[d];
            continue;
        }
        cd[r] = dims[d];
        for (int k = 0; k < nops; k++)
            co[k].st[r] = ops[k].st[d];
        r++;
    }
    return r;
}

static void index_expr(rc_buf *b, const gl_operand *o, int rank) {
    int terms = 0;
    if (o->off || rank == 0)
        rc_buf_printf(b, "%" PRId64, o->off), terms++;
    for (int d = 0; d < rank; d++) {
        if (o->st[d] == 0)
            continue;
        rc_buf_printf(b, "%si%d", terms++ ? " + " : "", d);
        if (o->st[d] != 1)
            rc_buf_printf(b, " * %" PRId64, o->st[d]);
    }
    if (!terms)
        rc_buf_puts(b, "0");
}

void gl_emit_map(em_state *e, int rank, const int64_t *dims, const gl_operand *ops, int nops,
                 const char *body) {
    int64_t cd[IR_MAX_RANK];
    gl_operand co[4];
    rc_buf line = {0};
    int r;
    if (nops > 4)
        rc_die("gl_emit_map: %d operands", nops);
    for (int d = 0; d < rank; d++)
        if (dims[d] == 0)
            return; /* nothing to compute */
    r = collapse(rank, dims, ops, nops, cd, co);
    for (int d = 0; d < r; d++)
        em_printf(e, "for (int i%d = 0; i%d < %" PRId64 "; ++i%d)\n", d, d, cd[d], d);
    if (r)
        e->has_loops = 1;
    for (const char *p = body; *p; p++) {
        if (p[0] == '$' && p[1] >= '0' && p[1] < '0' + nops) {
            const gl_operand *o = &co[p[1] - '0'];
            rc_buf_printf(&line, "%s[", o->ptr);
            index_expr(&line, o, r);
            rc_buf_puts(&line, "]");
            p++;
        } else {
            rc_buf_putn(&line, p, 1);
        }
    }
    em_printf(e, "%s\n", line.p);
    rc_buf_free(&line);
}

int gl_contiguous(int rank, const int64_t *dims, const gl_operand *dst, const gl_operand *src,
                  int64_t *off) {
    gl_operand ops[2] = {*dst, *src}, co[2];
    int64_t cd[IR_MAX_RANK];
    int r = collapse(rank, dims, ops, 2, cd, co);
    *off = src->off;
    return dst->off == 0 && (r == 0 || (r == 1 && co[0].st[0] == 1 && co[1].st[0] == 1));
}

void gl_emit_copy(em_state *e, int rank, const int64_t *dims, const gl_operand *dst,
                  const gl_operand *src, const char *ctype) {
    gl_operand ops[2] = {*dst, *src}, co[2];
    int64_t cd[IR_MAX_RANK];
    char body[160];
    int r;
    for (int d = 0; d < rank; d++)
        if (dims[d] == 0)
            return;
    r = collapse(rank, dims, ops, 2, cd, co);
    if (r > 0 && co[0].st[r - 1] == 1 && co[1].st[r - 1] == 1 && cd[r - 1] > 1) {
        /* contiguous inner runs: one memcpy each */
        snprintf(body, sizeof body, "memcpy(&$0, &$1, %" PRId64 " * sizeof(%s));", cd[r - 1],
                 ctype);
        gl_emit_map(e, r - 1, cd, co, 2, body);
        return;
    }
    gl_emit_map(e, r, cd, co, 2, "$0 = $1;");
}

void *gl_params_new(ir_node *n, size_t size) {
    if (n->params)
        rc_die("gl_params_new: node '%s' already has params", n->name);
    n->params = rc_xcalloc(1, size);
    return n->params;
}

void gl_free(void *params) { free(params); }

double gl_flops_none(const ir_graph *g, const ir_node *n) {
    (void)g, (void)n;
    return 0;
}

double gl_flops_elems(const ir_graph *g, const ir_node *n) {
    return (double)ir_numel(&g->t[n->out[0]]);
}

void gl_params_consts(const ir_graph *g, const ir_node *n, int64_t *in_model,
                      int64_t *at_run_time) {
    (void)at_run_time;
    for (int k = 0; k < n->n_in; k++) {
        const ir_tensor *t = ir_in(g, n, k);
        if (t && t->data && t->dtype == IR_FLOAT)
            *in_model += ir_numel(t);
    }
}

int gl_emit_folded(rc_ctx *c, em_state *e, const ir_graph *g, const ir_node *n) {
    (void)c, (void)e, (void)g;
    rc_die("emit: %s node '%s' should have been folded at compile time", n->op_type, n->name);
}

int gl_interp_alias(rc_ctx *c, const ir_graph *g, const ir_node *n, rc_values *v) {
    const ir_tensor *t = &g->t[n->in[0]];
    (void)c;
    memcpy(rc_values_alloc(v, g, n->out[0]), v->data[n->in[0]],
           (size_t)ir_numel(t) * ir_dtype_size(t->dtype));
    return 0;
}

int gl_emit_alias(rc_ctx *c, em_state *e, const ir_graph *g, const ir_node *n) {
    const ir_tensor *t = &g->t[n->in[0]];
    (void)c;
    if (ir_numel(t))
        em_printf(e, "memcpy(%s, %s, %" PRId64 " * sizeof(%s));\n", em_tensor(e, n->out[0]),
                  em_tensor(e, n->in[0]), ir_numel(t), em_ctype(t->dtype));
    return 0;
}

int gl_time_mixes(rc_ctx *c, const ir_node *n, const char *why) {
    return rc_err(c, n, "--stream",
                  "%s, so the graph is not causal step by step and cannot be streamed", why);
}

int gl_time_same(rc_ctx *c, const ir_graph *g, const ir_node *n, const int *in, int *out) {
    (void)c, (void)g;
    for (int k = 0; k < n->n_out; k++)
        out[k] = in[0];
    return 0;
}

int gl_time_reshape(rc_ctx *c, const ir_graph *g, const ir_node *n, const int *in, int *out) {
    const ir_tensor *x = ir_in(g, n, 0), *y = ir_out(g, n, 0);
    int64_t before = 1, acc = 1;
    out[0] = -1;
    if (in[0] < 0)
        return 0;
    for (int d = 0; d < in[0]; d++)
        before *= x->dims[d];
    for (int d = 0; d < y->rank; d++) {
        if (acc == before && y->dims[d] == x->dims[in[0]] && y->dims[d] != 1) {
            out[0] = d;
            return 0;
        }
        acc *= y->dims[d];
    }
    return gl_time_mixes(c, n, "the reshape merges or splits the time axis");
}

int gl_time_bcast(rc_ctx *c, const ir_graph *g, const ir_node *n, const int *in, int *out) {
    const ir_tensor *y = ir_out(g, n, 0);
    int axis = -1;
    for (int k = 0; k < n->n_in; k++) {
        const ir_tensor *t = ir_in(g, n, k);
        int a;
        if (!t || in[k] < 0)
            continue;
        a = in[k] + (y->rank - t->rank);
        if (axis >= 0 && a != axis)
            return gl_time_mixes(c, n, "its inputs have their time axes in different places");
        axis = a;
    }
    for (int k = 0; k < n->n_in && axis >= 0; k++) {
        const ir_tensor *t = ir_in(g, n, k);
        int d;
        if (!t || in[k] >= 0)
            continue;
        d = axis - (y->rank - t->rank);
        if (d >= 0 && t->dims[d] != 1) {
            c->no_time = 1;
            return gl_time_mixes(c, n, "an input without a time axis extends along it");
        }
    }
    out[0] = axis;
    return 0;
}

/* Elementwise unary templates (elem group) -------------------------------- */

void gl_float_lit(int dtype, double x, char *buf, size_t size) {
    if (dtype == IR_FLOAT) {
        em_float_lit((float)x, buf, size);
        return;
    }
    if (x != x)
        snprintf(buf, size, "NAN");
    else if (x == INFINITY || x == -INFINITY)
        snprintf(buf, size, "%s", x < 0 ? "(-INFINITY)" : "INFINITY");
    else /* %a is exact; parenthesised so a negative literal is safe after any operator */
        snprintf(buf, size, "(%a)", x);
}

/* Expands the @ forms of gl_emit_unary's body for element type dtype. */
static void expand_unary(rc_buf *out, int dtype, const char *body, const double *k) {
    int f32 = dtype == IR_FLOAT;
    for (const char *p = body; *p; p++) {
        char lit[64];
        if (*p != '@') {
            rc_buf_putn(out, p, 1);
            continue;
        }
        p++;
        if (*p == 'T') {
            rc_buf_puts(out, em_ctype(dtype));
        } else if (*p >= 'A' && *p <= 'D' && !(p[1] >= 'a' && p[1] <= 'z')) {
            gl_float_lit(dtype, f32 ? (double)(float)k[*p - 'A'] : k[*p - 'A'], lit, sizeof lit);
            rc_buf_printf(out, "(%s)", lit);
        } else if (*p >= '0' && *p <= '9') { /* a decimal literal: 0.5 -> 0.5f */
            const char *q = p;
            while ((q[1] >= '0' && q[1] <= '9') || q[1] == '.')
                q++;
            rc_buf_putn(out, p, (size_t)(q - p + 1));
            if (!memchr(p, '.', (size_t)(q - p + 1)))
                rc_buf_puts(out, ".0");
            if (f32)
                rc_buf_puts(out, "f");
            p = q;
        } else { /* a <math.h> function name up to '(' */
            const char *q = p;
            while (q[1] && q[1] != '(')
                q++;
            rc_buf_putn(out, p, (size_t)(q - p + 1));
            if (f32)
                rc_buf_puts(out, "f");
            p = q;
        }
    }
}

void gl_emit_unary(em_state *e, const ir_graph *g, const ir_node *n, const char *body,
                   const double *k) {
    int dtype = g->t[n->in[0]].dtype;
    int64_t dims[1] = {ir_numel(&g->t[n->out[0]])};
    gl_operand ops[2] = {{em_tensor(e, n->out[0]), 0, {1}}, {em_tensor(e, n->in[0]), 0, {1}}};
    rc_buf b = {0};
    rc_buf_printf(&b, "{ const %s x_ = $1; ", em_ctype(dtype));
    expand_unary(&b, dtype, body, k);
    rc_buf_puts(&b, " }");
    gl_emit_map(e, 1, dims, ops, 2, b.p);
    rc_buf_free(&b);
}

int gl_dtype_is_signed(int dtype) {
    return dtype == IR_INT8 || dtype == IR_INT16 || dtype == IR_INT32 || dtype == IR_INT64;
}

uint64_t gl_get_bits(const ir_graph *g, const rc_values *v, int ti, int64_t i) {
    const void *p = v->data[ti];
    switch (g->t[ti].dtype) {
    case IR_INT8:
        return (uint64_t)(int64_t)((const int8_t *)p)[i];
    case IR_INT16:
        return (uint64_t)(int64_t)((const int16_t *)p)[i];
    case IR_INT32:
        return (uint64_t)(int64_t)((const int32_t *)p)[i];
    case IR_INT64:
        return (uint64_t)((const int64_t *)p)[i];
    case IR_UINT8:
    case IR_BOOL:
        return ((const uint8_t *)p)[i];
    case IR_UINT16:
        return ((const uint16_t *)p)[i];
    case IR_UINT32:
        return ((const uint32_t *)p)[i];
    case IR_UINT64:
        return ((const uint64_t *)p)[i];
    default:
        rc_die("gl_get_bits: dtype %d", g->t[ti].dtype);
    }
}

void gl_put_bits(const ir_graph *g, rc_values *v, int ti, int64_t i, uint64_t x) {
    void *p = v->data[ti];
    switch (g->t[ti].dtype) {
    case IR_INT8:
    case IR_UINT8:
    case IR_BOOL:
        ((uint8_t *)p)[i] = (uint8_t)x;
        break;
    case IR_INT16:
    case IR_UINT16:
        ((uint16_t *)p)[i] = (uint16_t)x;
        break;
    case IR_INT32:
    case IR_UINT32:
        ((uint32_t *)p)[i] = (uint32_t)x;
        break;
    case IR_INT64:
    case IR_UINT64:
        ((uint64_t *)p)[i] = x;
        break;
    default:
        rc_die("gl_put_bits: dtype %d", g->t[ti].dtype);
    }
}
