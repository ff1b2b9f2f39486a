/* ops/depth_space.c — DepthToSpace (opsets 1, 11, 13) and SpaceToDepth
 * (opsets 1, 13): moves blocksize x blocksize blocks between the channel
 * axis and the spatial axes of an NCHW tensor (b = blocksize).
 *
 *   DepthToSpace DCR: y[n][c][h*b + i][w*b + j] = x[n][(i*b + j)*C' + c][h][w]
 *   DepthToSpace CRD: y[n][c][h*b + i][w*b + j] = x[n][c*b*b + i*b + j][h][w]
 *   SpaceToDepth:     y[n][(i*b + j)*C + c][h][w] = x[n][c][h*b + i][w*b + j]
 *
 * (C' = C / b^2.) Each is a permutation of a 6-D view: one strided copy. Any
 * dtype; rank 4 only. */
#include "glue.h"

#include <inttypes.h>
#include <string.h>

typedef struct depth_space_params {
    int64_t dims[6]; /* y as a dense 6-D view */
    int64_t src[6];  /* the stride in x of each view axis */
} depth_space_params;

/* The view of y and where each of its axes walks in x. */
static void make_view(depth_space_params *p, const ir_tensor *x, int64_t b, int to_space, int crd) {
    const int64_t N = x->dims[0], C = x->dims[1], H = x->dims[2], W = x->dims[3];
    const int64_t xs[4] = {C * H * W, H * W, W, 1};
    if (to_space) { /* y as [N][C'][H][b][W][b] */
        const int64_t cp = C / (b * b);
        const int64_t d[6] = {N, cp, H, b, W, b};
        const int64_t s[6] = {xs[0], crd ? b * b * xs[1] : xs[1],
                              xs[2], crd ? b * xs[1] : b * cp * xs[1],
                              xs[3], crd ? xs[1] : cp * xs[1]};
        memcpy(p->dims, d, sizeof d);
        memcpy(p->src, s, sizeof s);
    } else { /* y as [N][b][b][C][H/b][W/b] */
        const int64_t d[6] = {N, b, b, C, H / b, W / b};
        const int64_t s[6] = {xs[0], xs[2], xs[3], xs[1], b * xs[2], b * xs[3]};
        memcpy(p->dims, d, sizeof d);
        memcpy(p->src, s, sizeof s);
    }
}

static int depth_space_check(rc_ctx *c, ir_graph *g, ir_node *n) {
    depth_space_params *p;
    const ir_tensor *x;
    const char *mode = "DCR";
    int64_t b = 0, dims[4];
    int has_b, has_m, to_space = n->op == RC_OP_DEPTH_TO_SPACE, crd = 0;
    if (gl_arity(c, n, 1, 1, 1, 1) || gl_dtype(c, g, n, 0, "input 'input'", IR_UNDEFINED) ||
        rc_attr_int(c, n, "blocksize", &b, &has_b))
        return -1;
    if (to_space && g->opset >= 11 && rc_attr_string(c, n, "mode", &mode, &has_m))
        return -1;
    if (rc_attr_unused(c, g, n))
        return -1;
    if (strcmp(mode, "DCR") && strcmp(mode, "CRD"))
        return rc_err(c, n, "attribute mode", "'%s' is not DCR or CRD", rc_show(mode));
    crd = !strcmp(mode, "CRD");
    x = ir_in(g, n, 0);
    if (!has_b || b < 1 || b > 65536)
        return rc_err(c, n, "attribute blocksize", "must be given and in 1..65536");
    if (x->rank != 4)
        return rc_err(c, n, "input 'input'", "must have rank 4 (NCHW), got %d", x->rank);
    memcpy(dims, x->dims, sizeof dims);
    if (to_space) {
        if (x->dims[1] % (b * b))
            return rc_err(c, n, "input 'input'",
                          "channels %" PRId64 " are not a multiple of blocksize^2 = %" PRId64,
                          x->dims[1], b * b);
        dims[1] /= b * b, dims[2] *= b, dims[3] *= b;
    } else {
        if (x->dims[2] % b || x->dims[3] % b)
            return rc_err(c, n, "input 'input'",
                          "height %" PRId64 " and width %" PRId64
                          " must be multiples of blocksize %" PRId64,
                          x->dims[2], x->dims[3], b);
        dims[1] *= b * b, dims[2] /= b, dims[3] /= b;
    }
    p = gl_params_new(n, sizeof *p);
    make_view(p, x, b, to_space, crd);
    return gl_set_out(c, g, n, 0, x->dtype, 4, dims);
}

static int depth_space_interp(rc_ctx *c, const ir_graph *g, const ir_node *n, rc_values *v) {
    const depth_space_params *p = n->params;
    int64_t idx[6];
    (void)c;
    rc_values_alloc(v, g, n->out[0]);
    for (int64_t i = 0; i < ir_numel(ir_out(g, n, 0)); i++) {
        int64_t s = 0;
        gl_unravel(i, 6, p->dims, idx);
        for (int d = 0; d < 6; d++)
            s += idx[d] * p->src[d];
        gl_copy_elem(g, v, n->out[0], i, n->in[0], s);
    }
    return 0;
}

static int depth_space_emit(rc_ctx *c, em_state *e, const ir_graph *g, const ir_node *n) {
    const depth_space_params *p = n->params;
    gl_operand dst = {em_tensor(e, n->out[0]), 0, {0}}, src = {em_tensor(e, n->in[0]), 0, {0}};
    (void)c;
    gl_strides(6, p->dims, dst.st);
    memcpy(src.st, p->src, sizeof p->src);
    gl_emit_copy(e, 6, p->dims, &dst, &src, em_ctype(ir_out(g, n, 0)->dtype));
    return 0;
}

static int depth_space_time(rc_ctx *c, const ir_graph *g, const ir_node *n, const int *in,
                            int *out) {
    (void)g;
    out[0] = in[0];
    if (in[0] >= 1)
        return gl_time_mixes(c, n, "it moves elements between the time axis and others");
    return 0;
}

const rc_op_def rc_op_depth_to_space = {
    .op_type = "DepthToSpace",
    .check = depth_space_check,
    .interp = depth_space_interp,
    .emit = depth_space_emit,
    .time = depth_space_time,
    .flops = gl_flops_none,
    .params = gl_params_consts,
    .free_params = gl_free,
};

const rc_op_def rc_op_space_to_depth = {
    .op_type = "SpaceToDepth",
    .check = depth_space_check,
    .interp = depth_space_interp,
    .emit = depth_space_emit,
    .time = depth_space_time,
    .flops = gl_flops_none,
    .params = gl_params_consts,
    .free_params = gl_free,
};
