/* ops/pool.c — MaxPool (opsets 1, 8, 10, 11, 12, 22), AveragePool (opsets 1, 7, 10, 11, 19,
 * 22), GlobalAveragePool and GlobalMaxPool (opsets 1, 22); 1-D, 2-D and 3-D windows.
 *
 *   MaxPool:     Y[n][c][o] = max over taps t inside X of X[n][c][o*s - pb + t*d]
 *                Indices (optional) = flat index of that element in X, row-major
 *                (storage_order 0) or with the spatial dims column-major (1).
 *   AveragePool: Y[n][c][o] = sum of the taps inside X / count, count = taps inside X
 *                (count_include_pad 0) or inside X plus its pads (1).
 *   Global*:     the same over every spatial element, Y is [N][C][1]...
 *
 * Window rules (strides, pads, auto_pad, ceil_mode, dilations) in conv.c's cv_window.
 * MaxPool takes float, double, int8, uint8; the others float only. Refused: other dtypes,
 * rank < 3 or > 5 (windowed), dilations on AveragePool before opset 19. */
#include "conv.h"

#include <inttypes.h>

typedef struct pool_params {
    cv_geom gm;
    int64_t NC;        /* batch x channels: pools never mix channels */
    int count_pad;     /* AveragePool count_include_pad */
    int storage_order; /* MaxPool Indices: 1 = spatial dims column-major */
    int dtype;
} pool_params;

static int pool_check(rc_ctx *c, ir_graph *g, ir_node *n) {
    const int is_max = n->op == RC_OP_MAX_POOL;
    const ir_tensor *x;
    pool_params *p;
    const int64_t *ks;
    int64_t ceil_mode = 0, cip = 0, so = 0;
    int cnt, has, nsp;
    cv_window_opts o = {is_max ? g->opset >= 10 : g->opset >= 19, 0};
    if (gl_arity(c, n, 1, 1, 1, is_max ? 2 : 1) || gl_dtype(c, g, n, 0, "input 'X'", IR_UNDEFINED))
        return -1;
    x = ir_in(g, n, 0);
    if (x->dtype != IR_FLOAT &&
        !(is_max && (x->dtype == IR_DOUBLE || x->dtype == IR_INT8 || x->dtype == IR_UINT8)))
        return rc_err(c, n, "input 'X'", "%s of %s is not implemented (float%s)", n->op_type,
                      ir_dtype_name(x->dtype), is_max ? ", double, int8, uint8" : " only");
    if (x->rank < 3 || x->rank > 5)
        return rc_err(c, n, "input 'X'", "%s over %d spatial dims is not implemented (1 to 3 are)",
                      n->op_type, x->rank - 2);
    nsp = x->rank - 2;
    if (rc_attr_ints(c, n, "kernel_shape", &ks, &cnt))
        return -1;
    if (!ks || cnt != nsp)
        return rc_err(c, n, "attribute kernel_shape", "required, with %d values; got %d", nsp,
                      ks ? cnt : 0);
    for (int i = 0; i < nsp; i++)
        if (ks[i] < 1 || ks[i] > INT32_MAX)
            return rc_err(c, n, "attribute kernel_shape", "value %d must be >= 1, got %" PRId64, i,
                          ks[i]);
    if ((g->opset >= 10 && rc_attr_int(c, n, "ceil_mode", &ceil_mode, &has)) ||
        (!is_max && g->opset >= 7 && rc_attr_int(c, n, "count_include_pad", &cip, &has)) ||
        (is_max && g->opset >= 8 && rc_attr_int(c, n, "storage_order", &so, &has)))
        return -1;
    {
        const char *name[3] = {"attribute ceil_mode", "attribute count_include_pad",
                               "attribute storage_order"};
        const int64_t val[3] = {ceil_mode, cip, so};
        for (int i = 0; i < 3; i++)
            if (val[i] != 0 && val[i] != 1)
                return rc_err(c, n, name[i], "must be 0 or 1, got %" PRId64, val[i]);
    }
    o.ceil_mode = (int)ceil_mode;
    p = gl_params_new(n, sizeof *p);
    p->count_pad = (int)cip, p->storage_order = (int)so, p->dtype = x->dtype;
    p->NC = x->dims[0] * x->dims[1];
    if (cv_window(c, n, x, nsp, ks, &o, &p->gm) || rc_attr_unused(c, g, n))
        return -1;
    /* a pad as wide as the window would give a window of padding only: no value to take the
     * maximum of, no element to average (ONNX Runtime refuses it too) */
    for (int i = 0; i < nsp; i++) {
        const cv_geom *gm = &p->gm;
        int j = CV_SP - nsp + i;
        int64_t ek = (gm->k[j] - 1) * gm->d[j] + 1;
        if (gm->pb[j] >= ek || gm->pe[j] >= ek)
            return rc_err(c, n, "attribute pads",
                          "padding of %" PRId64 " along spatial dim %d is not smaller than the "
                          "window (%" PRId64 "): a window would hold padding only",
                          gm->pb[j] >= ek ? gm->pb[j] : gm->pe[j], i, ek);
    }
    {
        int64_t dims[2 + CV_SP];
        dims[0] = x->dims[0], dims[1] = x->dims[1];
        for (int i = 0; i < nsp; i++)
            dims[2 + i] = p->gm.out[CV_SP - nsp + i];
        if (gl_set_out(c, g, n, 0, x->dtype, x->rank, dims))
            return -1;
        return gl_set_out(c, g, n, 1, IR_INT64, x->rank, dims);
    }
}

static int global_check(rc_ctx *c, ir_graph *g, ir_node *n) {
    const ir_tensor *x;
    pool_params *p;
    int64_t dims[IR_MAX_RANK];
    if (gl_arity(c, n, 1, 1, 1, 1) || gl_dtype(c, g, n, 0, "input 'X'", IR_FLOAT) ||
        rc_attr_unused(c, g, n))
        return -1;
    x = ir_in(g, n, 0);
    if (x->rank < 3)
        return rc_err(c, n, "input 'X'", "must be [N][C][spatial...], got rank %d", x->rank);
    p = gl_params_new(n, sizeof *p);
    p->NC = x->dims[0] * x->dims[1];
    p->dtype = IR_FLOAT;
    /* one window over all spatial elements, held as a 1-D length */
    for (int i = 0; i < CV_SP; i++)
        p->gm.in[i] = p->gm.k[i] = p->gm.s[i] = p->gm.d[i] = p->gm.out[i] = 1;
    p->gm.nsp = 1;
    for (int d = 2; d < x->rank; d++)
        p->gm.in[2] *= x->dims[d];
    p->gm.k[2] = p->gm.in[2];
    for (int d = 0; d < x->rank; d++)
        dims[d] = d < 2 ? x->dims[d] : 1;
    return gl_set_out(c, g, n, 0, IR_FLOAT, x->rank, dims);
}

/* ---- interpreter ------------------------------------------------------------------- */

static int pool_interp(rc_ctx *c, const ir_graph *g, const ir_node *n, rc_values *v) {
    const pool_params *p = n->params;
    const cv_geom *gm = &p->gm;
    const int is_max = n->op == RC_OP_MAX_POOL || n->op == RC_OP_GLOBAL_MAX_POOL;
    const int has_ind = n->n_out > 1 && n->out[1] >= 0;
    const int64_t per = gm->in[0] * gm->in[1] * gm->in[2];
    int64_t o[3], t[3], q[3], yi = 0;
    (void)c;
    rc_values_alloc(v, g, n->out[0]);
    if (has_ind)
        rc_values_alloc(v, g, n->out[1]);
    for (int64_t nc = 0; nc < p->NC; nc++)
        for (o[0] = 0; o[0] < gm->out[0]; o[0]++)
            for (o[1] = 0; o[1] < gm->out[1]; o[1]++)
                for (o[2] = 0; o[2] < gm->out[2]; o[2]++, yi++) {
                    double acc = 0, cnt_in = 0, cnt_pad = 1;
                    int64_t at = 0;
                    int any = 0;
                    for (int j = 0; j < 3; j++) {
                        /* taps inside X plus its pads: start..end clipped to [-pb, in + pe) */
                        int64_t k = 0;
                        for (int64_t tt = 0; tt < gm->k[j]; tt++) {
                            int64_t qq = o[j] * gm->s[j] - gm->pb[j] + tt * gm->d[j];
                            k += qq < gm->in[j] + gm->pe[j];
                        }
                        cnt_pad *= (double)k;
                    }
                    for (t[0] = 0; t[0] < gm->k[0]; t[0]++)
                        for (t[1] = 0; t[1] < gm->k[1]; t[1]++)
                            for (t[2] = 0; t[2] < gm->k[2]; t[2]++) {
                                int inside = 1;
                                double xv;
                                for (int j = 0; j < 3; j++) {
                                    q[j] = o[j] * gm->s[j] - gm->pb[j] + t[j] * gm->d[j];
                                    inside &= q[j] >= 0 && q[j] < gm->in[j];
                                }
                                if (!inside)
                                    continue;
                                xv =
                                    gl_get(g, v, n->in[0],
                                           nc * per + (q[0] * gm->in[1] + q[1]) * gm->in[2] + q[2]);
                                cnt_in++;
                                if (!is_max)
                                    acc += xv;
                                else if (!any || xv > acc) {
                                    acc = xv, any = 1;
                                    at = p->storage_order
                                             ? q[0] + gm->in[0] * (q[1] + gm->in[1] * q[2])
                                             : (q[0] * gm->in[1] + q[1]) * gm->in[2] + q[2];
                                    at += nc * per;
                                }
                            }
                    if (!is_max)
                        acc /= p->count_pad ? cnt_pad : cnt_in;
                    gl_put(g, v, n->out[0], yi, acc);
                    if (has_ind)
                        ((int64_t *)v->data[n->out[1]])[yi] = at;
                }
    return 0;
}

/* ---- emitter ----------------------------------------------------------------------- */

static void loop(em_state *e, const char *v, int64_t n) {
    em_printf(e, "for (int %s = 0; %s < %" PRId64 "; ++%s)\n", v, v, n, v);
}

static int pool_emit(rc_ctx *c, em_state *e, const ir_graph *g, const ir_node *n) {
    const pool_params *p = n->params;
    const cv_geom *gm = &p->gm;
    const int is_max = n->op == RC_OP_MAX_POOL || n->op == RC_OP_GLOBAL_MAX_POOL;
    const int has_ind = n->n_out > 1 && n->out[1] >= 0;
    const char *x = em_tensor(e, n->in[0]), *y = em_tensor(e, n->out[0]);
    const char *ind = has_ind ? em_tensor(e, n->out[1]) : NULL;
    const char *ty = em_ctype(p->dtype);
    const int64_t per = gm->in[0] * gm->in[1] * gm->in[2];
    (void)c, (void)g;
    e->has_loops = 1;
    loop(e, "nc", p->NC);
    loop(e, "o0", gm->out[0]);
    loop(e, "o1", gm->out[1]);
    loop(e, "o2", gm->out[2]);
    em_printf(e, "{\n");
    if (is_max)
        em_printf(e, "%s acc = (%s)0;\nint any = 0;\n%s", ty, ty,
                  has_ind ? "int64_t at = 0;\n" : "");
    else
        em_printf(e, "float acc = 0.0f;\nint cnt = 0, cpad = 1;\n");
    if (!is_max && p->count_pad) {
        /* taps inside X plus its pads, per dim (count_include_pad) */
        for (int j = 0; j < 3; j++) {
            em_printf(e, "{\nint k = 0;\n");
            loop(e, "t", gm->k[j]);
            em_printf(e, "k += o%d * %" PRId64 " - %" PRId64 " + t * %" PRId64 " < %" PRId64 ";\n",
                      j, gm->s[j], gm->pb[j], gm->d[j], gm->in[j] + gm->pe[j]);
            em_printf(e, "cpad *= k;\n}\n");
        }
    }
    for (int j = 0; j < 3; j++) {
        char tv[4] = {'t', (char)('0' + j), 0, 0};
        loop(e, tv, gm->k[j]);
        em_printf(e, "{\nconst int q%d = o%d * %" PRId64 " - %" PRId64 " + t%d * %" PRId64 ";\n", j,
                  j, gm->s[j], gm->pb[j], j, gm->d[j]);
        em_printf(e, "if (q%d < 0 || q%d >= %" PRId64 ")\ncontinue;\n", j, j, gm->in[j]);
    }
    em_printf(
        e, "{\nconst %s xv = %s[nc * %" PRId64 " + (q0 * %" PRId64 " + q1) * %" PRId64 " + q2];\n",
        ty, x, per, gm->in[1], gm->in[2]);
    if (is_max) {
        em_printf(e, "if (!any || xv > acc) {\nacc = xv;\nany = 1;\n");
        if (has_ind && p->storage_order)
            em_printf(
                e, "at = (int64_t)nc * %" PRId64 " + q0 + %" PRId64 " * (q1 + %" PRId64 " * q2);\n",
                per, gm->in[0], gm->in[1]);
        else if (has_ind)
            em_printf(
                e, "at = (int64_t)nc * %" PRId64 " + (q0 * %" PRId64 " + q1) * %" PRId64 " + q2;\n",
                per, gm->in[1], gm->in[2]);
        em_printf(e, "}\n");
    } else {
        em_printf(e, "acc += xv;\ncnt++;\n");
    }
    em_printf(e, "}\n}\n}\n}\n");
    em_printf(e, "%s[((nc * %" PRId64 " + o0) * %" PRId64 " + o1) * %" PRId64 " + o2] = ", y,
              gm->out[0], gm->out[1], gm->out[2]);
    if (is_max)
        em_printf(e, "acc;\n");
    else
        em_printf(e, "acc / (float)(%s > 0 ? %s : 1);\n", p->count_pad ? "cpad" : "cnt",
                  p->count_pad ? "cpad" : "cnt");
    if (has_ind)
        em_printf(e, "%s[((nc * %" PRId64 " + o0) * %" PRId64 " + o1) * %" PRId64 " + o2] = at;\n",
                  ind, gm->out[0], gm->out[1], gm->out[2]);
    if (is_max)
        em_printf(e, "(void)any;\n");
    else
        em_printf(e, "(void)cnt;\n(void)cpad;\n");
    em_printf(e, "}\n");
    return 0;
}

static double pool_flops(const ir_graph *g, const ir_node *n) {
    const pool_params *p = n->params;
    const cv_geom *gm = &p->gm;
    (void)g;
    return (double)p->NC * (double)(gm->out[0] * gm->out[1] * gm->out[2]) *
           (double)(gm->k[0] * gm->k[1] * gm->k[2]);
}

/* Time as batch or channel axis: pools never mix those. */
static int pool_time(rc_ctx *c, const ir_graph *g, const ir_node *n, const int *in, int *out) {
    (void)g;
    for (int k = 0; k < n->n_out; k++)
        out[k] = -1;
    if (in[0] >= 2)
        return gl_time_mixes(c, n, "the pooling window spans neighbouring time steps");
    for (int k = 0; k < n->n_out; k++)
        out[k] = in[0];
    return 0;
}

#define POOL_OP(sym, name, chk)                                                                    \
    const rc_op_def rc_op_##sym = {                                                                \
        .op_type = name,                                                                           \
        .check = chk,                                                                              \
        .interp = pool_interp,                                                                     \
        .emit = pool_emit,                                                                         \
        .flops = pool_flops,                                                                       \
        .params = gl_params_consts,                                                                \
        .free_params = gl_free,                                                                    \
        .time = pool_time,                                                                         \
    };

POOL_OP(max_pool, "MaxPool", pool_check)
POOL_OP(average_pool, "AveragePool", pool_check)
POOL_OP(global_average_pool, "GlobalAveragePool", global_check)
POOL_OP(global_max_pool, "GlobalMaxPool", global_check)
