/*
 * rnnrt_gemm_openblas.c - GEMM/GEMV seam implemented with OpenBLAS (CBLAS, row-major).
 *
 * The trivial cases (empty output, k == 0, alpha == 0) are handled here rather than passed to
 * CBLAS, for two reasons: CBLAS rejects strides below 1 (lda >= max(1, k)) which our API
 * allows when a dimension is 0, and OpenBLAS's error handler prints to stderr.
 */
#ifdef RNNRT_PORTABLE
#error "rnnrt_gemm_openblas.c must not be built with RNNRT_PORTABLE (use rnnrt_gemm_portable.c)"
#endif

#include <cblas.h>

#include "rnnrt_internal.h"

rnnrt_status rnnrt_gemm_f32(const rnnrt_gemm_params *p, const float *a, const float *b, float *c) {
    float beta;
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
    beta = p->beta;
    if (beta == 0.0f) {
        /* beta == 0 must make C write-only. Whether OpenBLAS honours that has varied between
         * releases and kernels (some compute 0 * C, turning NaN garbage into NaN), so zero C
         * ourselves and accumulate onto it: C = alpha * A . op(B) + 1 * 0. The extra m*n
         * stores are negligible next to the m*n*k multiply-adds. */
        rnnrt_priv_scale_f32(c, p->m, p->n, p->ldc, 0.0f);
        beta = 1.0f;
    }
    /* C = alpha * A . op(B) + beta * C */
    cblas_sgemm(CblasRowMajor, CblasNoTrans, p->trans_b ? CblasTrans : CblasNoTrans, p->m, p->n,
                p->k, p->alpha, a, p->lda, b, p->ldb, beta, c, p->ldc);
    return RNNRT_OK;
}

rnnrt_status rnnrt_gemv_f32(const rnnrt_gemv_params *p, const float *w, const float *x, float *y) {
    float beta;
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
    beta = p->beta;
    if (beta == 0.0f) {
        /* Same reasoning as in rnnrt_gemm_f32: OpenBLAS 0.3.27 changed sscal (used by sgemv
         * for the beta step) to propagate NaN when scaling by 0. Zero y ourselves. */
        rnnrt_priv_scale_f32(y, 1, p->n, p->n, 0.0f);
        beta = 1.0f;
    }
    /* y = alpha * W . x + beta * y */
    cblas_sgemv(CblasRowMajor, CblasNoTrans, p->n, p->k, p->alpha, w, p->ldw, x, 1, beta, y, 1);
    return RNNRT_OK;
}
