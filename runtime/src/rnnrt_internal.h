/*
 * rnnrt_internal.h - helpers shared by the GEMM/GEMV backends. Not installed, not part of the
 * API: keeping argument validation and the trivial cases in one place guarantees that the
 * OpenBLAS and portable backends accept exactly the same inputs and agree on edge cases.
 */
#ifndef RNNRT_INTERNAL_H
#define RNNRT_INTERNAL_H

#include "rnnrt.h"

/** @brief Validates GEMM arguments (see rnnrt_gemm_f32) before anything is read or written. */
static inline rnnrt_status rnnrt_priv_check_gemm(const rnnrt_gemm_params *p, const float *a,
                                                 const float *b, const float *c) {
    if (p == NULL || a == NULL || b == NULL || c == NULL) {
        return RNNRT_E_ARG;
    }
    if (p->m < 0 || p->n < 0 || p->k < 0) {
        return RNNRT_E_ARG;
    }
    /* Each stride must cover one full stored row: A is m x k, B is n x k (trans_b) or k x n,
     * C is m x n. */
    if (p->lda < p->k || p->ldb < (p->trans_b ? p->k : p->n) || p->ldc < p->n) {
        return RNNRT_E_ARG;
    }
    return RNNRT_OK;
}

/** @brief Validates GEMV arguments (see rnnrt_gemv_f32) before anything is read or written. */
static inline rnnrt_status rnnrt_priv_check_gemv(const rnnrt_gemv_params *p, const float *w,
                                                 const float *x, const float *y) {
    if (p == NULL || w == NULL || x == NULL || y == NULL) {
        return RNNRT_E_ARG;
    }
    if (p->n < 0 || p->k < 0 || p->ldw < p->k) {
        return RNNRT_E_ARG;
    }
    return RNNRT_OK;
}

/**
 * @brief C = beta * C on an m x n block with row stride ldc.
 *
 * beta == 0 stores zeros instead of multiplying, so that NaN or uninitialised memory in a
 * write-only output cannot leak into the result (0 * NaN = NaN).
 */
static inline void rnnrt_priv_scale_f32(float *c, int m, int n, int ldc, float beta) {
    int i, j;
    if (beta == 1.0f) {
        return; /* C = 1 * C: nothing to do. */
    }
    for (i = 0; i < m; ++i) {
        float *ci = c + (size_t)i * (size_t)ldc;
        if (beta == 0.0f) {
            for (j = 0; j < n; ++j) {
                ci[j] = 0.0f; /* C = 0, C never read */
            }
        } else {
            for (j = 0; j < n; ++j) {
                ci[j] *= beta; /* C = beta * C */
            }
        }
    }
}

#endif /* RNNRT_INTERNAL_H */
