/*
 * rnnrt_gemm_portable.c - GEMM/GEMV seam in plain C99, for targets without BLAS (e.g. a
 * Cortex-M4F) and as a dependency-free reference on desktops.
 *
 * Not tuned per target, but arranged so that every inner loop walks contiguous memory:
 *  - op(B) = B^T (ONNX weights, B stored n x k) and GEMV: each output is a dot product of two
 *    contiguous rows. Four outputs are computed per pass over the shared input row, which
 *    gives four independent accumulator chains (float adds cannot be reassociated by the
 *    compiler without -ffast-math) and quarters the loads of the shared row.
 *  - op(B) = B (stored k x n): row i of C is built as a sum of scaled rows of B
 *    (C_i += alpha*A_ip * B_p), a unit-stride loop the compiler can vectorise.
 */
#ifndef RNNRT_PORTABLE
#error "rnnrt_gemm_portable.c must be built with -DRNNRT_PORTABLE (so rnnrt_backend() says so)"
#endif

#include "rnnrt_internal.h"

/* Rows of a transposed B processed per sweep over A: chosen so that the block
 * (RNNRT_BLOCK_FLOATS floats = 16 KiB) stays in a typical L1 data cache while every row of A
 * is streamed past it, instead of streaming all of B once per row of A. */
#define RNNRT_BLOCK_FLOATS 4096

/* *y = v + beta * *y; with beta == 0 the old *y is never read (write-only output). */
static inline void rnnrt_priv_store(float *y, float v, float beta) {
    *y = (beta == 0.0f) ? v : v + beta * *y;
}

/* s = sum_{p<k} x[p] * w[p] */
static float rnnrt_priv_dot(const float *restrict x, const float *restrict w, int k) {
    /* Four partial sums break the serial dependency on a single accumulator. */
    float s0 = 0.0f, s1 = 0.0f, s2 = 0.0f, s3 = 0.0f;
    int p = 0;
    for (; p + 4 <= k; p += 4) {
        s0 += x[p] * w[p];
        s1 += x[p + 1] * w[p + 1];
        s2 += x[p + 2] * w[p + 2];
        s3 += x[p + 3] * w[p + 3];
    }
    for (; p < k; ++p) {
        s0 += x[p] * w[p];
    }
    return (s0 + s1) + (s2 + s3);
}

/* d[r] = sum_{p<k} x[p] * w_r[p], r = 0..3 (one pass over x for four rows of W) */
static void rnnrt_priv_dot4(const float *restrict x, const float *restrict w0,
                            const float *restrict w1, const float *restrict w2,
                            const float *restrict w3, int k, float d[4]) {
    float s0 = 0.0f, s1 = 0.0f, s2 = 0.0f, s3 = 0.0f;
    int p;
    for (p = 0; p < k; ++p) {
        const float xp = x[p];
        s0 += xp * w0[p];
        s1 += xp * w1[p];
        s2 += xp * w2[p];
        s3 += xp * w3[p];
    }
    d[0] = s0;
    d[1] = s1;
    d[2] = s2;
    d[3] = s3;
}

/* y[j] = alpha * (W_j . x) + beta * y[j], j < n; W_j is row j of W (row stride ldw). */
static void rnnrt_priv_rows_dot(int n, int k, float alpha, const float *w, int ldw, const float *x,
                                float beta, float *y) {
    const size_t ld = (size_t)ldw;
    int j = 0;
    for (; j + 4 <= n; j += 4) {
        const float *wj = w + (size_t)j * ld;
        float d[4];
        int r;
        rnnrt_priv_dot4(x, wj, wj + ld, wj + 2 * ld, wj + 3 * ld, k, d);
        for (r = 0; r < 4; ++r) {
            rnnrt_priv_store(&y[j + r], alpha * d[r], beta);
        }
    }
    for (; j < n; ++j) {
        rnnrt_priv_store(&y[j], alpha * rnnrt_priv_dot(x, w + (size_t)j * ld, k), beta);
    }
}

/* C = alpha * A . B + beta * C with B stored k x n (p->trans_b == 0). */
static void rnnrt_priv_gemm_nn(const rnnrt_gemm_params *p, const float *a, const float *b,
                               float *c) {
    int i, q, j;
    for (i = 0; i < p->m; ++i) {
        const float *ai = a + (size_t)i * (size_t)p->lda;
        float *restrict ci = c + (size_t)i * (size_t)p->ldc;
        /* C_i = beta * C_i (zeros when beta == 0, so old contents never matter) */
        rnnrt_priv_scale_f32(ci, 1, p->n, p->ldc, p->beta);
        for (q = 0; q < p->k; ++q) {
            /* C_i += (alpha * A_iq) * B_q : unit stride over both C_i and row q of B */
            const float s = p->alpha * ai[q];
            const float *restrict bq = b + (size_t)q * (size_t)p->ldb;
            for (j = 0; j < p->n; ++j) {
                ci[j] += s * bq[j];
            }
        }
    }
}

/* C = alpha * A . B^T + beta * C with B stored n x k (p->trans_b != 0). */
static void rnnrt_priv_gemm_nt(const rnnrt_gemm_params *p, const float *a, const float *b,
                               float *c) {
    /* Block size in rows of B, a multiple of 4 (the width of rnnrt_priv_dot4), at least 4. */
    int nb = (RNNRT_BLOCK_FLOATS / p->k) & ~3;
    int j0, i;
    if (nb < 4) {
        nb = 4;
    }
    for (j0 = 0; j0 < p->n; j0 += nb) {
        const int jn = (p->n - j0 < nb) ? p->n - j0 : nb;
        const float *bj = b + (size_t)j0 * (size_t)p->ldb;
        for (i = 0; i < p->m; ++i) {
            /* C_i[j0 .. j0+jn) = alpha * A_i . B_j^T + beta * C_i[...] : dots of contiguous
             * rows */
            rnnrt_priv_rows_dot(jn, p->k, p->alpha, bj, p->ldb, a + (size_t)i * (size_t)p->lda,
                                p->beta, c + (size_t)i * (size_t)p->ldc + j0);
        }
    }
}

rnnrt_status rnnrt_gemm_f32(const rnnrt_gemm_params *p, const float *a, const float *b, float *c) {
    const rnnrt_status st = rnnrt_priv_check_gemm(p, a, b, c);
    if (st != RNNRT_OK) {
        return st;
    }
    if (p->m == 0 || p->n == 0) {
        return RNNRT_OK; /* empty C: nothing to compute */
    }
    if (p->k == 0 || p->alpha == 0.0f) {
        /* A . op(B) contributes nothing: C = beta * C, A and B not read (BLAS convention). */
        rnnrt_priv_scale_f32(c, p->m, p->n, p->ldc, p->beta);
        return RNNRT_OK;
    }
    if (p->trans_b) {
        rnnrt_priv_gemm_nt(p, a, b, c);
    } else {
        rnnrt_priv_gemm_nn(p, a, b, c);
    }
    return RNNRT_OK;
}

rnnrt_status rnnrt_gemv_f32(const rnnrt_gemv_params *p, const float *w, const float *x, float *y) {
    const rnnrt_status st = rnnrt_priv_check_gemv(p, w, x, y);
    if (st != RNNRT_OK) {
        return st;
    }
    if (p->n == 0) {
        return RNNRT_OK; /* empty y */
    }
    if (p->k == 0 || p->alpha == 0.0f) {
        /* y = beta * y, W and x not read */
        rnnrt_priv_scale_f32(y, 1, p->n, p->n, p->beta);
        return RNNRT_OK;
    }
    /* y_j = alpha * (W_j . x) + beta * y_j */
    rnnrt_priv_rows_dot(p->n, p->k, p->alpha, w, p->ldw, x, p->beta, y);
    return RNNRT_OK;
}
