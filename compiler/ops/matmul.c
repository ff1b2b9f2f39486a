/* ops/matmul.c — MatMul (opsets 1, 9, 13) and Gemm (opsets 7, 9, 11, 13):
 * the exporter's Linear heads.
 *
 *   MatMul: Y[b] = A[b] · B[b]   numpy semantics: 1-D operands promoted (and
 *           the added dimension removed), batch dimensions broadcast.
 *   Gemm:   Y = alpha · op(A) · op(B) + beta · C,  op = transpose if transA /
 *           transB; C optional (opset >= 11), broadcast to [M][N].
 *
 * Both become one description: `batch` products of M×K by K×N with strides,
 * so a transposed operand is read in place. Large products go through the
 * runtime's GEMM seam (OpenBLAS or portable); small ones are loops. */
#include "glue.h"
#include "rnnrt.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

typedef struct mm_params {
    int64_t batch, M, N, K;
    int brank;                      /* batch dimensions of the output */
    int64_t bdims[IR_MAX_RANK];     /* their sizes (product: batch) */
    int64_t a_bs[IR_MAX_RANK];      /* A's stride per batch dimension (0: broadcast) */
    int64_t b_bs[IR_MAX_RANK];      /* B's */
    int64_t sa_m, sa_k, sb_k, sb_n; /* element strides inside one product */
    float alpha, beta;
    int has_c;
    int64_t c_sm, c_sn; /* C broadcast to [M][N] */
    int trans_a;        /* Gemm: A stored [K][M] */
} mm_params;

static int matmul_check(rc_ctx *c, ir_graph *g, ir_node *n) {
    mm_params *p;
    const ir_tensor *a, *b;
    int64_t dims[IR_MAX_RANK];
    int64_t a_batch = 1, b_batch = 1, y_batch = 1;
    ir_tensor ta = {0}, tb = {0};
    int rank = 0, brank;
    if (gl_arity(c, n, 2, 2, 2, 1) || gl_dtype(c, g, n, 0, "input 'A'", IR_FLOAT) ||
        gl_dtype(c, g, n, 1, "input 'B'", IR_FLOAT) || rc_attr_unused(c, g, n))
        return -1;
    a = ir_in(g, n, 0);
    b = ir_in(g, n, 1);
    if (a->rank < 1 || b->rank < 1)
        return rc_err(c, n, "inputs", "MatMul operands must have rank >= 1");
    p = gl_params_new(n, sizeof *p);
    p->alpha = 1.0f;
    p->M = a->rank == 1 ? 1 : a->dims[a->rank - 2];
    p->K = a->dims[a->rank - 1];
    p->N = b->rank == 1 ? 1 : b->dims[b->rank - 1];
    if ((b->rank == 1 ? b->dims[0] : b->dims[b->rank - 2]) != p->K)
        return rc_err(c, n, "inputs",
                      "inner dimensions differ: A has K = %" PRId64 ", B has %" PRId64, p->K,
                      b->rank == 1 ? b->dims[0] : b->dims[b->rank - 2]);
    /* batch dimensions, broadcast */
    ta.rank = a->rank > 2 ? a->rank - 2 : 0;
    tb.rank = b->rank > 2 ? b->rank - 2 : 0;
    for (int d = 0; d < ta.rank; d++)
        ta.dims[d] = a->dims[d], a_batch *= a->dims[d];
    for (int d = 0; d < tb.rank; d++)
        tb.dims[d] = b->dims[d], b_batch *= b->dims[d];
    if (gl_broadcast(c, n, &ta, &tb, &brank, dims))
        return -1;
    for (int d = 0; d < brank; d++)
        y_batch *= dims[d];
    rank = brank;
    if (a->rank > 1)
        dims[rank++] = p->M;
    if (b->rank > 1)
        dims[rank++] = p->N;
    p->sa_m = p->K, p->sa_k = 1, p->sb_k = p->N, p->sb_n = 1;
    p->batch = 1;
    if (b_batch == 1) {
        /* B shared by every batch entry: fold A's batch into its rows */
        p->M *= a_batch;
    } else {
        ta.dtype = tb.dtype = IR_FLOAT;
        gl_bcast_strides(&ta, brank, dims, p->a_bs);
        gl_bcast_strides(&tb, brank, dims, p->b_bs);
        p->brank = brank;
        for (int d = 0; d < brank; d++) {
            p->bdims[d] = dims[d];
            p->a_bs[d] *= p->M * p->K;
            p->b_bs[d] *= p->K * p->N;
        }
        p->batch = y_batch;
    }
    return gl_set_out(c, g, n, 0, IR_FLOAT, rank, dims);
}

static int gemm_check(rc_ctx *c, ir_graph *g, ir_node *n) {
    mm_params *p;
    const ir_tensor *a, *b, *cc;
    int64_t ta = 0, tb = 0, dims[2];
    double alpha = 1.0, beta = 1.0;
    int has;
    if (gl_arity(c, n, g->opset < 11 ? 3 : 2, 3, g->opset < 11 ? 3 : 2, 1) ||
        gl_dtype(c, g, n, 0, "input 'A'", IR_FLOAT) ||
        gl_dtype(c, g, n, 1, "input 'B'", IR_FLOAT) ||
        gl_dtype(c, g, n, 2, "input 'C'", IR_FLOAT) || rc_attr_int(c, n, "transA", &ta, &has) ||
        rc_attr_int(c, n, "transB", &tb, &has) || rc_attr_float(c, n, "alpha", &alpha, &has) ||
        rc_attr_float(c, n, "beta", &beta, &has) || rc_attr_unused(c, g, n))
        return -1;
    if ((ta != 0 && ta != 1) || (tb != 0 && tb != 1))
        return rc_err(c, n, ta != 0 && ta != 1 ? "attribute transA" : "attribute transB",
                      "must be 0 or 1, got %" PRId64, ta != 0 && ta != 1 ? ta : tb);
    a = ir_in(g, n, 0);
    b = ir_in(g, n, 1);
    cc = ir_in(g, n, 2);
    if (a->rank != 2 || b->rank != 2)
        return rc_err(c, n, "inputs", "A and B must be 2-D, got ranks %d and %d", a->rank, b->rank);
    p = gl_params_new(n, sizeof *p);
    p->batch = 1;
    p->alpha = (float)alpha, p->beta = (float)beta;
    p->M = a->dims[ta ? 1 : 0], p->K = a->dims[ta ? 0 : 1];
    p->N = b->dims[tb ? 0 : 1];
    if (b->dims[tb ? 1 : 0] != p->K)
        return rc_err(c, n, "inputs",
                      "inner dimensions differ: op(A) is %" PRId64 "x%" PRId64 ", op(B) is %" PRId64
                      "x%" PRId64,
                      p->M, p->K, b->dims[tb ? 1 : 0], p->N);
    p->sa_m = ta ? 1 : p->K, p->sa_k = ta ? p->M : 1;
    p->trans_a = ta != 0;
    p->sb_k = tb ? 1 : p->N, p->sb_n = tb ? p->K : 1;
    dims[0] = p->M, dims[1] = p->N;
    if (cc) {
        int64_t st[2];
        ir_tensor y = {0};
        int r;
        int64_t bd[IR_MAX_RANK];
        y.dtype = IR_FLOAT, y.rank = 2, y.dims[0] = p->M, y.dims[1] = p->N;
        if (cc->rank > 2 || gl_broadcast(c, n, cc, &y, &r, bd) || bd[0] != p->M || bd[1] != p->N)
            return rc_err(c, n, "input 'C'", "does not broadcast to [%" PRId64 "][%" PRId64 "]",
                          p->M, p->N);
        gl_bcast_strides(cc, 2, y.dims, st);
        p->has_c = 1, p->c_sm = st[0], p->c_sn = st[1];
    }
    return gl_set_out(c, g, n, 0, IR_FLOAT, 2, dims);
}

static int mm_interp(rc_ctx *c, const ir_graph *g, const ir_node *n, rc_values *v) {
    const mm_params *p = n->params;
    const float *A = v->data[n->in[0]], *B = v->data[n->in[1]];
    const float *C = p->has_c ? v->data[n->in[2]] : NULL;
    float *Y = rc_values_alloc(v, g, n->out[0]);
    (void)c;
    for (int64_t b = 0; b < p->batch; b++) {
        int64_t bi[IR_MAX_RANK], ao = 0, bo = 0;
        gl_unravel(b, p->brank, p->bdims, bi);
        for (int d = 0; d < p->brank; d++)
            ao += bi[d] * p->a_bs[d], bo += bi[d] * p->b_bs[d];
        for (int64_t m = 0; m < p->M; m++)
            for (int64_t j = 0; j < p->N; j++) {
                double acc = 0;
                for (int64_t k = 0; k < p->K; k++)
                    acc += (double)A[ao + m * p->sa_m + k * p->sa_k] *
                           (double)B[bo + k * p->sb_k + j * p->sb_n];
                acc *= p->alpha;
                if (C)
                    acc += (double)p->beta * C[m * p->c_sm + j * p->c_sn];
                Y[(b * p->M + m) * p->N + j] = (float)acc;
            }
    }
    return 0;
}

/* "b0 * S0 + b1 * S1 + " for the batch loop variables: which 0 = A, 1 = B, 2 = Y. */
static void batch_offset(char *buf, size_t n, const mm_params *p, int which) {
    int64_t ys[IR_MAX_RANK];
    size_t k = 0;
    buf[0] = 0;
    gl_strides(p->brank, p->bdims, ys);
    for (int d = 0; d < p->brank && k < n; d++) {
        int64_t st = which == 0 ? p->a_bs[d] : which == 1 ? p->b_bs[d] : ys[d] * p->M * p->N;
        if (st && p->bdims[d] > 1)
            k += (size_t)snprintf(buf + k, n - k, "b%d * %" PRId64 " + ", d, st);
    }
}

/* Opens one loop per batch dimension (those of size > 1). */
static int open_batch(em_state *e, const mm_params *p) {
    int opened = 0;
    for (int d = 0; d < p->brank; d++)
        if (p->bdims[d] > 1) {
            em_printf(e, "for (int b%d = 0; b%d < %" PRId64 "; ++b%d)%s\n", d, d, p->bdims[d], d,
                      "");
            opened++;
        }
    if (opened)
        e->has_loops = 1;
    return opened;
}

/* Y = alpha * A·op(B) + beta * C through the runtime seam, one call per batch entry. */
static void mm_emit_gemm(em_state *e, const mm_params *p, const char *a, const char *b,
                         const char *cexpr, const char *y) {
    char al[48], be[48], ao[160], bo[160], yo[160];
    int trans_b = p->sb_n != 1;
    em_float_lit(p->alpha, al, sizeof al);
    em_float_lit(cexpr ? p->beta : 0.0f, be, sizeof be);
    e->used_gemm = 1;
    if (cexpr) {
        gl_operand ops[2] = {{y, 0, {p->N, 1}}, {cexpr, 0, {p->c_sm, p->c_sn}}};
        int64_t dims[2] = {p->M, p->N};
        gl_emit_copy(e, 2, dims, &ops[0], &ops[1], "float");
    }
    em_printf(e,
              "{\nstatic const rnnrt_gemm_params gp = {%" PRId64 ", %" PRId64 ", %" PRId64
              ", %d, %" PRId64 ", %" PRId64 ", %" PRId64 ", %s, %s};\n",
              p->M, p->N, p->K, trans_b, p->sa_m, trans_b ? p->sb_n : p->sb_k, p->N, al, be);
    batch_offset(ao, sizeof ao, p, 0);
    batch_offset(bo, sizeof bo, p, 1);
    batch_offset(yo, sizeof yo, p, 2);
    open_batch(e, p);
    em_printf(e, "(void)rnnrt_gemm_f32(&gp, &%s[%s0], &%s[%s0], &%s[%s0]);\n}\n", a, ao, b, bo, y,
              yo);
}

/* B constant and shared by every batch entry, alpha = 1, C absent or a row vector added as
 * is: the runtime's packed kernel, B^T packed at compile time, C as its bias. */
static int mm_packable(const ir_graph *g, const ir_node *n, const mm_params *p) {
    for (int d = 0; d < p->brank; d++)
        if (p->b_bs[d] && p->bdims[d] > 1)
            return 0;
    if (!g->t[n->in[1]].data || p->sa_k != 1 || p->alpha != 1.0f || p->K <= 0)
        return 0;
    if (p->M > INT32_MAX || p->N > INT32_MAX || p->K > INT32_MAX || p->sa_m > INT32_MAX)
        return 0;
    return !p->has_c || (p->beta == 1.0f && p->c_sm == 0 && (p->c_sn == 1 || p->N == 1));
}

static void mm_emit_packed(em_state *e, const ir_graph *g, const ir_node *n, const mm_params *p,
                           const char *a, const char *cexpr, const char *y) {
    const ir_tensor *bt = &g->t[n->in[1]];
    size_t len = em_packed_size(bt, (size_t)p->N, (size_t)p->K);
    float *t = rc_xcalloc(len, sizeof(float));
    const char *sfx = em_wsuffix(bt);
    char ao[160], yo[160], sc[200] = "";
    /* W = op(B)^T: W[j][k] = B[k * sb_k + j * sb_n] */
    em_pack_panels(bt, t, em_wvalues(bt), (int)p->N, (int)p->K, (size_t)p->sb_n, (size_t)p->sb_k);
    em_printf(e,
              "{\nconst %s *wp = %s; /* B^T in packed panels (rnnrt_pgemm_%s) */\n"
              "static const rnnrt_pgemm_params pp = {%" PRId64 ", %" PRId64 ", %" PRId64
              ", %" PRId64 ", %" PRId64 ", 0};\n",
              em_wctype(bt), em_packed_weights(e, "wp", bt, t, len), sfx, p->M, p->N, p->K, p->sa_m,
              p->N);
    free(t);
    if (bt->quant && bt->quant->prec == RC_W_I8) /* the scale of each column of B */
        snprintf(sc, sizeof sc, "%s, ",
                 em_const_f32(e, "ws", bt->quant->scale, (size_t)bt->quant->n_scale));
    batch_offset(ao, sizeof ao, p, 0);
    batch_offset(yo, sizeof yo, p, 2);
    open_batch(e, p);
    em_printf(e, "(void)rnnrt_pgemm_%s(&pp, wp, %s%s, &%s[%s0], &%s[%s0]);\n}\n", sfx, sc,
              cexpr ? cexpr : "NULL", a, ao, y, yo);
}

/* --weights: B, when the packed kernel reads it, as N rows (the columns of op(B)) of K. */
static int mm_weights(const ir_graph *g, const ir_node *n, rc_wslot *w) {
    const mm_params *p = n->params;
    if (!p || !mm_packable(g, n, p) || p->M == 0 || p->N == 0 || p->batch == 0)
        return 0;
    w[0] = (rc_wslot){1, 1, p->N, p->K, 0, p->sb_n, p->sb_k};
    return 1;
}

static int mm_emit(rc_ctx *c, em_state *e, const ir_graph *g, const ir_node *n) {
    const mm_params *p = n->params;
    const int packed = mm_packable(g, n, p);
    /* with B packed, B itself is never named (so never emitted) */
    const char *a = em_tensor(e, n->in[0]), *b = packed ? NULL : em_tensor(e, n->in[1]);
    const char *cexpr = p->has_c ? em_tensor(e, n->in[2]) : NULL;
    const char *y = em_tensor(e, n->out[0]);
    char al[48], be[48], ao[160], bo[160], yo[160];
    (void)c;
    if (p->M == 0 || p->N == 0 || p->batch == 0)
        return 0;
    if (packed) {
        mm_emit_packed(e, g, n, p, a, cexpr, y);
        return 0;
    }
    if (p->sa_k == 1 && (p->sb_n == 1 || p->sb_k == 1) && p->K > 0 &&
        (double)p->M * p->N * p->K >= em_gemm_min(e)) {
        mm_emit_gemm(e, p, a, b, cexpr, y);
        return 0;
    }
    em_float_lit(p->alpha, al, sizeof al);
    em_float_lit(p->beta, be, sizeof be);
    batch_offset(ao, sizeof ao, p, 0);
    batch_offset(bo, sizeof bo, p, 1);
    batch_offset(yo, sizeof yo, p, 2);
    e->has_loops = 1;
    open_batch(e, p);
    em_printf(e, "for (int m = 0; m < %" PRId64 "; ++m)\n", p->M);
    em_printf(e, "for (int n = 0; n < %" PRId64 "; ++n) {\n", p->N);
    em_printf(e, "float acc = 0.0f;\n");
    em_printf(e, "for (int k = 0; k < %" PRId64 "; ++k)\n", p->K);
    em_printf(e,
              "acc += %s[%sm * %" PRId64 " + k * %" PRId64 "] * %s[%sk * %" PRId64 " + n * %" PRId64
              "];\n",
              a, ao, p->sa_m, p->sa_k, b, bo, p->sb_k, p->sb_n);
    em_printf(e, "%s[%sm * %" PRId64 " + n] = ", y, yo, p->N);
    if (p->alpha != 1.0f)
        em_printf(e, "%s * ", al);
    em_printf(e, "acc");
    if (cexpr) {
        if (p->beta != 1.0f)
            em_printf(e, " + %s * %s[m * %" PRId64 " + n * %" PRId64 "]", be, cexpr, p->c_sm,
                      p->c_sn);
        else
            em_printf(e, " + %s[m * %" PRId64 " + n * %" PRId64 "]", cexpr, p->c_sm, p->c_sn);
    }
    em_printf(e, ";\n}\n");
    return 0;
}

static int matmul_time(rc_ctx *c, const ir_graph *g, const ir_node *n, const int *in, int *out) {
    const ir_tensor *a = ir_in(g, n, 0), *y = ir_out(g, n, 0);
    out[0] = -1;
    if (in[1] >= 0 || (n->n_in > 2 && in[2] >= 0))
        return gl_time_mixes(c, n, "its weight operand carries time");
    if (in[0] < 0)
        return 0;
    if (in[0] == a->rank - 1)
        return gl_time_mixes(c, n, "it sums over the time axis");
    if (n->op == RC_OP_GEMM && (in[0] != 0 || ((const mm_params *)n->params)->trans_a))
        return gl_time_mixes(c, n, "op(A) has time along its inner dimension");
    out[0] = in[0] + (y->rank - a->rank);
    return 0;
}

static double mm_macs(const ir_graph *g, const ir_node *n) {
    const mm_params *p = n->params;
    (void)g;
    return (double)p->batch * (double)p->M * (double)p->N * (double)p->K;
}

static double mm_flops(const ir_graph *g, const ir_node *n) { return 2.0 * mm_macs(g, n); }

/* MatMul and Gemm differ only in how check fills mm_params. */
#define MM_OP(sym, name, chk)                                                                      \
    const rc_op_def rc_op_##sym = {                                                                \
        .op_type = name,                                                                           \
        .check = chk,                                                                              \
        .interp = mm_interp,                                                                       \
        .emit = mm_emit,                                                                           \
        .time = matmul_time,                                                                       \
        .flops = mm_flops,                                                                         \
        .macs = mm_macs,                                                                           \
        .weights = mm_weights,                                                                     \
        .params = gl_params_consts,                                                                \
        .free_params = gl_free,                                                                    \
    };

MM_OP(matmul, "MatMul", matmul_check)
MM_OP(gemm, "Gemm", gemm_check)
