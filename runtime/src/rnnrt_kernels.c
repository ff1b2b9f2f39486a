/*
 * rnnrt_kernels.c - the recurrent hot path: products with weights packed at compile time
 * (rnnrt_pgemm_f32, and with reduced-precision weights rnnrt_pgemm_f16 / _bf16 / _i8) and the
 * standard LSTM / GRU / RNN cells.
 *
 * Each entry point picks its implementation per call from what the CPU supports, so the
 * generated code is fast whatever flags it is built with:
 *   - x86-64 with GCC or clang: AVX-512F, else AVX2 + FMA (functions compiled with
 *     __attribute__((target(...))), chosen with __builtin_cpu_supports), else the generic C;
 *   - everything else (Cortex-M, AArch64, MSVC, ...): the generic C, which a compiler may
 *     vectorise itself.
 * No state is kept: the choice is re-made at each call (one load and a test).
 *
 * Summation order: the SIMD kernels add the k terms of a dot product in four interleaved
 * chains for single-row products (X with one row), so results differ from a left-to-right
 * sum by rounding only (see the accuracy tests in tests/unit/test_kernels.c). The order is
 * the same for every weight type: reduced-precision weights are widened to float exactly and
 * the products then run as for float weights.
 */
#include "rnnrt.h"

#include <string.h>

#if (defined(__x86_64__) || defined(_M_X64)) && (defined(__GNUC__) || defined(__clang__)) &&       \
    !defined(RNNRT_NO_SIMD)
#define RNNRT_X86 1
#include <immintrin.h>
#ifdef __clang__
#include <cpuid.h>
#endif
#define RNNRT_T512 __attribute__((target("avx512f")))
#define RNNRT_T256 __attribute__((target("avx2,fma")))
#define RNNRT_T256H __attribute__((target("avx2,fma,f16c")))
#define RNNRT_INLINE static inline __attribute__((always_inline))
#else
#define RNNRT_X86 0
#endif

/* ----------------------------------------------------------------------------------------
 * Packed layout (see rnnrt.h): panel p covers rows [64p, 64p + w), w = min(64, n16 - 64p);
 * row r, column kk of W is at wp[64p * k + kk * w + (r - 64p)]; rows >= n are zero.
 *
 * The element type of wp is float (rnnrt_pgemm_f32), IEEE binary16 or bfloat16 bits
 * (rnnrt_pgemm_f16 / _bf16) or int8 with a per-row scale (rnnrt_pgemm_i8). Every kernel is
 * one template instantiated per type: only the weight load differs (it widens to float in a
 * register, PG_LW / the generic LW), plus, for int8, the scale applied once per output at the
 * store. The arithmetic is fp32 with the same summation order for all four types.
 * ---------------------------------------------------------------------------------------- */

/* Y[i][j] of a product without terms (k = 0): bias[j] (or 0), plus Y[i][j] when accumulating. */
static float pg_init(const rnnrt_pgemm_params *p, const float *bias, const float *y, int i, int j) {
    float v = bias ? bias[j] : 0.0f;
    if (p->accumulate) {
        v += y[(size_t)i * (size_t)p->ldy + (size_t)j];
    }
    return v;
}

/* Weight widening for the generic C kernels: the value of the element at q as a float. */
#define PGEN_W_F32(q) (*(q))
/* binary16 -> float, exact (subnormals, Inf, NaN): on a VFPv4 FPU (Cortex-M4F/M7, ARMv7-A)
 * the hardware's vcvtb.f32.f16 (IEEE format: FPSCR.AHP is 0 out of reset), two instructions
 * instead of rnnrt_f16_to_f32's ~15 with a branch (measured under QEMU: the M4's f16 product
 * went from 5.5x to about the int8 one's instructions); elsewhere rnnrt_f16_to_f32 of
 * rnnrt.h. */
#if defined(__arm__) && defined(__ARM_FEATURE_FMA) && defined(__ARM_FP) && (__ARM_FP & 4) &&       \
    (defined(__GNUC__) || defined(__clang__)) && !defined(RNNRT_NO_SIMD)
static inline float pgen_f16(const uint16_t *q) {
    float f;
    __asm__("vmov %0, %1\n\tvcvtb.f32.f16 %0, %0" : "=t"(f) : "r"((uint32_t)*q));
    return f;
}
#define PGEN_W_F16(q) pgen_f16(q)
#else
#define PGEN_W_F16(q) rnnrt_f16_to_f32(*(q))
#endif
/* bfloat16 -> float: the 16 bits are the top half of the float */
static float pgen_bf16(const uint16_t *q) {
    const uint32_t u = (uint32_t)*q << 16;
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}
#define PGEN_W_BF16(q) pgen_bf16(q)

/* Generic C: one panel, one row of X, 8 columns at a time. The 8 sums are locals, which a
 * compiler keeps in registers (an array of the panel's 64 sums lived in memory: a load and a
 * store around every multiply-add, 6.9 instructions a multiply-add on a Cortex-M4); the
 * panel is k-major, so the 8 weights of one kk are contiguous. Each sum still adds its
 * terms in kk order: Y[i][j] = init + sum_kk X[i][kk] * W[j][kk] (int8, with its scale, has
 * its own kernel below).
 * NAME: the function; WT: weight element type; LW(q): the weight at q as a float; PARAMS:
 * the parameter list in parentheses. Callers guarantee k >= 1.
 * The kk loop runs on pointers (do-while, one compare): with a counter, GCC -Os laid it out
 * with a separate test block, 7.90 M instructions for lstm_230k on the M4 against 7.37 M
 * (QEMU -icount; two kk a pass measured 7.49 M: more stack reloads). */
#define PGEN_DEFINE(NAME, WT, LW, PARAMS)                                                          \
    static void NAME PARAMS {                                                                      \
        const int n16 = (p->n + 15) & ~15;                                                         \
        for (int p0 = 0; p0 < n16; p0 += RNNRT_PANEL) {                                            \
            const int w = n16 - p0 < RNNRT_PANEL ? n16 - p0 : RNNRT_PANEL;                         \
            const int wn = p->n - p0 < w ? p->n - p0 : w; /* columns that exist in Y */            \
            const WT *pw = wp + (size_t)p0 * (size_t)p->k;                                         \
            for (int i = 0; i < p->m; ++i) {                                                       \
                const float *xi = x + (size_t)i * (size_t)p->ldx;                                  \
                for (int j0 = 0; j0 < wn; j0 += 8) {                                               \
                    float a0 = 0.0f, a1 = 0.0f, a2 = 0.0f, a3 = 0.0f;                              \
                    float a4 = 0.0f, a5 = 0.0f, a6 = 0.0f, a7 = 0.0f;                              \
                    float acc[8];                                                                  \
                    const WT *wk = pw + j0;                                                        \
                    const float *xk = xi, *const xe = xi + p->k; /* k >= 1 here */                 \
                    do { /* kk = xk - xi: a pointer loop, one compare (no counter) */              \
                        const float xv = *xk++;                                                    \
                        a0 += LW(wk + 0) * xv; /* a_j += W[j0 + j][kk] * x[kk] */                  \
                        a1 += LW(wk + 1) * xv;                                                     \
                        a2 += LW(wk + 2) * xv;                                                     \
                        a3 += LW(wk + 3) * xv;                                                     \
                        a4 += LW(wk + 4) * xv;                                                     \
                        a5 += LW(wk + 5) * xv;                                                     \
                        a6 += LW(wk + 6) * xv;                                                     \
                        a7 += LW(wk + 7) * xv;                                                     \
                        wk += w;                                                                   \
                    } while (xk != xe);                                                            \
                    acc[0] = a0, acc[1] = a1, acc[2] = a2, acc[3] = a3;                            \
                    acc[4] = a4, acc[5] = a5, acc[6] = a6, acc[7] = a7;                            \
                    for (int j = j0; j < wn && j < j0 + 8; ++j) {                                  \
                        /* Y = (Y +) (sc_j * sum + bias) */                                        \
                        float *yj = y + (size_t)i * (size_t)p->ldy + (size_t)(p0 + j);             \
                        const float v = bias ? acc[j - j0] + bias[p0 + j] : acc[j - j0];           \
                        *yj = p->accumulate ? *yj + v : v;                                         \
                    }                                                                              \
                }                                                                                  \
            }                                                                                      \
        }                                                                                          \
    }

PGEN_DEFINE(pgemm_generic, float, PGEN_W_F32,
            (const rnnrt_pgemm_params *p, const float *wp, const float *bias, const float *x,
             float *y))
PGEN_DEFINE(pgemm_generic_f16, uint16_t, PGEN_W_F16,
            (const rnnrt_pgemm_params *p, const uint16_t *wp, const float *bias, const float *x,
             float *y))
PGEN_DEFINE(pgemm_generic_bf16, uint16_t, PGEN_W_BF16,
            (const rnnrt_pgemm_params *p, const uint16_t *wp, const float *bias, const float *x,
             float *y))

/* Generic C for int8 (RNNRT_PACKED_SIZE_I8 layout: groups of 4 kk per row): one panel, one
 * row of X, 8 columns at a time, each sum in kk order as in PGEN_DEFINE (the same values in
 * the same order: the grouping changes addresses only). The 8 x 4 weights of a group are 32
 * contiguous bytes. */
#define PGEN_I8_TERM(c, t) a##c += (float)wg[4 * (c) + (t)] * x##t;
#define PGEN_I8_COL(c) PGEN_I8_TERM(c, 0) PGEN_I8_TERM(c, 1) PGEN_I8_TERM(c, 2) PGEN_I8_TERM(c, 3)
#define PGEN_I8_GROUP                                                                              \
    {                                                                                              \
        const float x0 = xg[0], x1 = xg[1], x2 = xg[2], x3 = xg[3];                                \
        PGEN_I8_COL(0)                                                                             \
        PGEN_I8_COL(1)                                                                             \
        PGEN_I8_COL(2)                                                                             \
        PGEN_I8_COL(3) PGEN_I8_COL(4) PGEN_I8_COL(5) PGEN_I8_COL(6) PGEN_I8_COL(7)                 \
    }
/* xt = the int8 kernels' last group of x, x[k & ~3 ..] then zeros past k (reading x past k
 * could fault; its zero weights make the padding's value irrelevant but for Inf/NaN). */
static inline void i8_last_group(const float *x, int k, float xt[4]) {
    for (int t = 0; t < 4; ++t) {
        xt[t] = t < (k & 3) ? x[(k & ~3) + t] : 0.0f;
    }
}

static void pgemm_generic_i8(const rnnrt_pgemm_params *p, const int8_t *wp, const float *scale,
                             const float *bias, const float *x, float *y) {
    const int n16 = (p->n + 15) & ~15, k4 = (p->k + 3) & ~3;
    for (int p0 = 0; p0 < n16; p0 += RNNRT_PANEL) {
        const int w = n16 - p0 < RNNRT_PANEL ? n16 - p0 : RNNRT_PANEL;
        const int wn = p->n - p0 < w ? p->n - p0 : w;
        const int8_t *pw = wp + (size_t)p0 * (size_t)k4;
        for (int i = 0; i < p->m; ++i) {
            const float *xi = x + (size_t)i * (size_t)p->ldx;
            float xt[4];
            i8_last_group(xi, p->k, xt);
            for (int j0 = 0; j0 < wn; j0 += 8) {
                float a0 = 0.0f, a1 = 0.0f, a2 = 0.0f, a3 = 0.0f;
                float a4 = 0.0f, a5 = 0.0f, a6 = 0.0f, a7 = 0.0f;
                float acc[8];
                const int8_t *wg = pw + (size_t)j0 * 4;
                const float *xg = xi, *const xe = xi + (p->k & ~3);
                /* a_c += W[j0 + c][g + t] * x[g + t], t = 0..3, over the whole groups, then
                 * the last group from xt (x past k: 0, times a zero weight) */
                for (; xg != xe; xg += 4, wg += 4 * w) {
                    PGEN_I8_GROUP
                }
                if (p->k & 3) {
                    xg = xt;
                    PGEN_I8_GROUP
                }
                acc[0] = a0, acc[1] = a1, acc[2] = a2, acc[3] = a3;
                acc[4] = a4, acc[5] = a5, acc[6] = a6, acc[7] = a7;
                for (int j = j0; j < wn && j < j0 + 8; ++j) {
                    /* Y = (Y +) (scale_j * sum + bias) */
                    float *yj = y + (size_t)i * (size_t)p->ldy + (size_t)(p0 + j);
                    const float v = bias ? acc[j - j0] * scale[p0 + j] + bias[p0 + j]
                                         : acc[j - j0] * scale[p0 + j];
                    *yj = p->accumulate ? *yj + v : v;
                }
            }
        }
    }
}

#if RNNRT_X86
/*
 * SIMD micro-kernels: MR rows of X times one panel slice of NV vectors. MR and NV are
 * compile-time constants after inlining, so every a<r><v> is a register (no arrays, which
 * GCC would keep in memory). For MR == 1 the row-1..3 accumulators hold three more chains
 * over kk % 4, so a single-row product still has 4 * NV independent FMAs in flight.
 * yb: MR rows of Y (row stride ldy) for this slice; bb: the bias of this slice or NULL;
 * acc: add to what yb holds rather than overwrite it.
 */
#define PG_ALL(OP)                                                                                 \
    OP(0, 0)                                                                                       \
    OP(0, 1)                                                                                       \
    OP(0, 2)                                                                                       \
    OP(0, 3)                                                                                       \
    OP(1, 0)                                                                                       \
    OP(1, 1)                                                                                       \
    OP(1, 2) OP(1, 3) OP(2, 0) OP(2, 1) OP(2, 2) OP(2, 3) OP(3, 0) OP(3, 1) OP(3, 2) OP(3, 3)

/* The kernel body, shared by both ISAs and all weight types: PG_V is the vector type, PG_L
 * its lanes, PG(op) the intrinsic _mm512_op or _mm256_op, PG_WT the weight element type and
 * PG_LW(q) the PG_L weights at q widened to a PG_V; defined before each use. */
#define PG_KERNEL_BODY                                                                             \
    PG_V a00 = PG(setzero_ps)(), a01 = PG(setzero_ps)(), a02 = PG(setzero_ps)(),                   \
         a03 = PG(setzero_ps)(), a10 = PG(setzero_ps)(), a11 = PG(setzero_ps)(),                   \
         a12 = PG(setzero_ps)(), a13 = PG(setzero_ps)(), a20 = PG(setzero_ps)(),                   \
         a21 = PG(setzero_ps)(), a22 = PG(setzero_ps)(), a23 = PG(setzero_ps)(),                   \
         a30 = PG(setzero_ps)(), a31 = PG(setzero_ps)(), a32 = PG(setzero_ps)(),                   \
         a33 = PG(setzero_ps)();                                                                   \
    /* rows past MR are never formed (they may lie past the end of X) */                           \
    const float *x0 = x, *x1 = MR > 1 ? x + ldx : x, *x2 = MR > 2 ? x + 2 * ldx : x,               \
                *x3 = MR > 3 ? x + 3 * ldx : x;                                                    \
    int kk = 0;                                                                                    \
    (void)x1;                                                                                      \
    (void)x2;                                                                                      \
    (void)x3;                                                                                      \
    if (MR == 1) {                                                                                 \
        /* four chains: term kk goes to row (kk % 4)'s accumulators */                             \
        for (; kk + 3 < k; kk += 4) {                                                              \
            const PG_WT *wk = pw + (size_t)kk * (size_t)w;                                         \
            PG_CHAIN(0)                                                                            \
            PG_CHAIN(1)                                                                            \
            PG_CHAIN(2)                                                                            \
            PG_CHAIN(3)                                                                            \
        }                                                                                          \
    }                                                                                              \
    for (; kk < k; ++kk) {                                                                         \
        const PG_WT *wk = pw + (size_t)kk * (size_t)w;                                             \
        const PG_V w0 = PG_LW(wk);                                                                 \
        const PG_V w1 = NV > 1 ? PG_LW(wk + PG_L) : PG(setzero_ps)();                              \
        const PG_V w2 = NV > 2 ? PG_LW(wk + 2 * PG_L) : PG(setzero_ps)();                          \
        const PG_V w3 = NV > 3 ? PG_LW(wk + 3 * PG_L) : PG(setzero_ps)();                          \
        PG_ROW(0, x0)                                                                              \
        if (MR > 1)                                                                                \
            PG_ROW(1, x1)                                                                          \
        if (MR > 2)                                                                                \
            PG_ROW(2, x2)                                                                          \
        if (MR > 3)                                                                                \
            PG_ROW(3, x3)                                                                          \
    }                                                                                              \
    if (MR == 1) {                                                                                 \
        a00 = PG(add_ps)(PG(add_ps)(a00, a10), PG(add_ps)(a20, a30));                              \
        a01 = PG(add_ps)(PG(add_ps)(a01, a11), PG(add_ps)(a21, a31));                              \
        a02 = PG(add_ps)(PG(add_ps)(a02, a12), PG(add_ps)(a22, a32));                              \
        a03 = PG(add_ps)(PG(add_ps)(a03, a13), PG(add_ps)(a23, a33));                              \
    }                                                                                              \
    /* Y = (Y +) (sum + bias): the sum starts from 0, */                                           \
    /* so a large bias costs no precision */                                                       \
    PG_ALL(PG_STORE)

#define PG_CHAIN(c)                                                                                \
    {                                                                                              \
        const PG_V xc_ = PG(set1_ps)(x0[kk + (c)]);                                                \
        const PG_WT *wc_ = wk + (size_t)(c) * (size_t)w;                                           \
        a##c##0 = PG(fmadd_ps)(PG_LW(wc_), xc_, a##c##0);                                          \
        if (NV > 1)                                                                                \
            a##c##1 = PG(fmadd_ps)(PG_LW(wc_ + PG_L), xc_, a##c##1);                               \
        if (NV > 2)                                                                                \
            a##c##2 = PG(fmadd_ps)(PG_LW(wc_ + 2 * PG_L), xc_, a##c##2);                           \
        if (NV > 3)                                                                                \
            a##c##3 = PG(fmadd_ps)(PG_LW(wc_ + 3 * PG_L), xc_, a##c##3);                           \
    }
#define PG_ROW(r, xr)                                                                              \
    {                                                                                              \
        const PG_V xb_ = PG(set1_ps)(xr[kk]);                                                      \
        a##r##0 = PG(fmadd_ps)(w0, xb_, a##r##0);                                                  \
        if (NV > 1)                                                                                \
            a##r##1 = PG(fmadd_ps)(w1, xb_, a##r##1);                                              \
        if (NV > 2)                                                                                \
            a##r##2 = PG(fmadd_ps)(w2, xb_, a##r##2);                                              \
        if (NV > 3)                                                                                \
            a##r##3 = PG(fmadd_ps)(w3, xb_, a##r##3);                                              \
    }
#define PG_STORE(r, v)                                                                             \
    if (MR > r && NV > v) {                                                                        \
        float *yp = yb + (size_t)(r) * (size_t)ldy + (v)*PG_L;                                     \
        const PG_V s_ = bb ? PG(add_ps)(a##r##v, PG(loadu_ps)(bb + (v)*PG_L)) : a##r##v;           \
        PG(storeu_ps)(yp, acc ? PG(add_ps)(PG(loadu_ps)(yp), s_) : s_);                            \
    }

/* One micro-kernel function for the ISA and weight type that PG_V, PG_L, PG, PG_WT and PG_LW
 * stand for. */
#define PG_DEFINE(NAME, TARGET)                                                                    \
    RNNRT_INLINE TARGET void NAME(const int MR, const int NV, int k, int w, const PG_WT *pw,       \
                                  const float *x, int ldx, float *yb, int ldy, const float *bb,    \
                                  int acc) {                                                       \
        PG_KERNEL_BODY                                                                             \
    }

/* ---- AVX-512F: 16 lanes, panel slice = the whole panel (NV = w / 16) ---- */
#define PG_V __m512
#define PG_L 16
#define PG(op) _mm512_##op
#define PG_WT float
#define PG_LW(q) _mm512_loadu_ps(q)
PG_DEFINE(mk512, RNNRT_T512)
#undef PG_WT
#undef PG_LW
#define PG_WT uint16_t /* binary16: 16 halves (32 bytes) converted by vcvtph2ps */
#define PG_LW(q) _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(const void *)(q)))
PG_DEFINE(mk512_f16, RNNRT_T512)
#undef PG_LW
/* bfloat16: zero-extended to 32 bits and shifted into the top half */
#define PG_LW(q)                                                                                   \
    _mm512_castsi512_ps(_mm512_slli_epi32(                                                         \
        _mm512_cvtepu16_epi32(_mm256_loadu_si256((const __m256i *)(const void *)(q))), 16))
PG_DEFINE(mk512_bf16, RNNRT_T512)
#undef PG_WT
#undef PG_LW
#undef PG_V
#undef PG_L
#undef PG

/* ---- AVX2 + FMA: 8 lanes, 16 registers: slices of 16 columns (NV = 2), MR <= 4 (8 sums; measured
 * 118 GFLOP/s on a 32x512 . 512x2048 product, against 98 with 32-column slices and MR <= 2) ---- */
#define PG_V __m256
#define PG_L 8
#define PG(op) _mm256_##op
#define PG_WT float
#define PG_LW(q) _mm256_loadu_ps(q)
PG_DEFINE(mk256, RNNRT_T256)
#undef PG_WT
#undef PG_LW
#define PG_WT uint16_t /* binary16: vcvtph2ps is F16C, hence the RNNRT_T256H target */
#define PG_LW(q) _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(const void *)(q)))
PG_DEFINE(mk256_f16, RNNRT_T256H)
#undef PG_LW
#define PG_LW(q)                                                                                   \
    _mm256_castsi256_ps(_mm256_slli_epi32(                                                         \
        _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)(const void *)(q))), 16))
PG_DEFINE(mk256_bf16, RNNRT_T256)
#undef PG_WT
#undef PG_LW
#undef PG_V
#undef PG_L
#undef PG

/* Drives a micro-kernel over panels and row blocks. KERN(MR, NV, ...) must be called with
 * literal MR and NV so that each call inlines a specialised copy. The last panel, when it
 * runs past column n, is computed in a scratch block (its padded rows are zero in W, and the
 * bias and Y are zero-padded there) and the real columns copied out.
 * WT: the weight element type. */
#define PG_DRIVER(NAME, TARGET, KERN, WT, MRMAX, SLICE)                                            \
    static TARGET void NAME(const rnnrt_pgemm_params *p, const WT *wp, const float *bias,          \
                            const float *x, float *y) {                                            \
        const int n16 = (p->n + 15) & ~15;                                                         \
        float tmp[4 * RNNRT_PANEL], btmp[RNNRT_PANEL];                                             \
        for (int p0 = 0; p0 < n16; p0 += RNNRT_PANEL) {                                            \
            const int w = n16 - p0 < RNNRT_PANEL ? n16 - p0 : RNNRT_PANEL;                         \
            const int wn = p->n - p0 < w ? p->n - p0 : w;                                          \
            const WT *pw = wp + (size_t)p0 * (size_t)p->k;                                         \
            const float *bb = bias ? bias + p0 : NULL;                                             \
            if (bias && wn < w) {                                                                  \
                memset(btmp, 0, sizeof btmp);                                                      \
                memcpy(btmp, bias + p0, (size_t)wn * sizeof(float));                               \
                bb = btmp;                                                                         \
            }                                                                                      \
            for (int i = 0; i < p->m; i += MRMAX) {                                                \
                const int mr = p->m - i < MRMAX ? p->m - i : MRMAX;                                \
                const float *xi = x + (size_t)i * (size_t)p->ldx;                                  \
                float *yi = y + (size_t)i * (size_t)p->ldy + p0;                                   \
                float *yb = wn < w ? tmp : yi;                                                     \
                const int ldb = wn < w ? RNNRT_PANEL : p->ldy;                                     \
                if (wn < w && p->accumulate) {                                                     \
                    memset(tmp, 0, sizeof tmp);                                                    \
                    for (int r = 0; r < mr; ++r)                                                   \
                        memcpy(tmp + (size_t)r * RNNRT_PANEL, yi + (size_t)r * (size_t)p->ldy,     \
                               (size_t)wn * sizeof(float));                                        \
                }                                                                                  \
                for (int s = 0; s < w; s += SLICE) {                                               \
                    const int nv = (w - s < SLICE ? w - s : SLICE) / PG_LANES;                     \
                    PG_DISPATCH(KERN, mr, nv, p->k, w, pw + s, xi, p->ldx, yb + s, ldb,            \
                                bb ? bb + s : NULL, p->accumulate);                                \
                }                                                                                  \
                if (wn < w) {                                                                      \
                    for (int r = 0; r < mr; ++r)                                                   \
                        memcpy(yi + (size_t)r * (size_t)p->ldy, tmp + (size_t)r * RNNRT_PANEL,     \
                               (size_t)wn * sizeof(float));                                        \
                }                                                                                  \
            }                                                                                      \
        }                                                                                          \
    }

#define PG_CASE(KERN, MR, NV, ...)                                                                 \
    case (MR)*8 + (NV):                                                                            \
        KERN(MR, NV, __VA_ARGS__);                                                                 \
        break;
#define PG_DISPATCH(KERN, mr, nv, ...)                                                             \
    switch ((mr)*8 + (nv)) {                                                                       \
        PG_CASE(KERN, 1, 1, __VA_ARGS__)                                                           \
        PG_CASE(KERN, 1, 2, __VA_ARGS__)                                                           \
        PG_CASE(KERN, 1, 3, __VA_ARGS__)                                                           \
        PG_CASE(KERN, 1, 4, __VA_ARGS__)                                                           \
        PG_CASE(KERN, 2, 1, __VA_ARGS__)                                                           \
        PG_CASE(KERN, 2, 2, __VA_ARGS__)                                                           \
        PG_CASE(KERN, 2, 3, __VA_ARGS__)                                                           \
        PG_CASE(KERN, 2, 4, __VA_ARGS__)                                                           \
        PG_CASE(KERN, 3, 1, __VA_ARGS__)                                                           \
        PG_CASE(KERN, 3, 2, __VA_ARGS__)                                                           \
        PG_CASE(KERN, 3, 3, __VA_ARGS__)                                                           \
        PG_CASE(KERN, 3, 4, __VA_ARGS__)                                                           \
        PG_CASE(KERN, 4, 1, __VA_ARGS__)                                                           \
        PG_CASE(KERN, 4, 2, __VA_ARGS__)                                                           \
        PG_CASE(KERN, 4, 3, __VA_ARGS__)                                                           \
        PG_CASE(KERN, 4, 4, __VA_ARGS__)                                                           \
    default:                                                                                       \
        break;                                                                                     \
    }

#define PG_LANES 16
PG_DRIVER(pgemm_avx512, RNNRT_T512, mk512, float, 4, RNNRT_PANEL)
PG_DRIVER(pgemm_avx512_f16, RNNRT_T512, mk512_f16, uint16_t, 4, RNNRT_PANEL)
PG_DRIVER(pgemm_avx512_bf16, RNNRT_T512, mk512_bf16, uint16_t, 4, RNNRT_PANEL)
#undef PG_LANES
#define PG_LANES 8
PG_DRIVER(pgemm_avx2, RNNRT_T256, mk256, float, 4, 16)
PG_DRIVER(pgemm_avx2_f16, RNNRT_T256H, mk256_f16, uint16_t, 4, 16)
PG_DRIVER(pgemm_avx2_bf16, RNNRT_T256, mk256_bf16, uint16_t, 4, 16)
#undef PG_LANES
/* ---- int8 weights (RNNRT_PACKED_SIZE_I8 layout) ----------------------------------------
 * AVX2 + FMA, fp32 arithmetic: one row of X at a time, 16 columns (64 bytes: 16 columns x 4
 * kk) per block in 8 accumulators whose lanes are (column, kk % 4). A group of 8 bytes (2
 * columns x 4 kk) is sign-extended, converted exactly and multiplied by x[g..g+3] twice
 * over; at the end each column's four chains are added as (l0 + l1) + (l2 + l3), the order
 * of the float kernels' single-row sums. Also the path of AVX-512 CPUs without VNNI and of
 * the rows the VNNI kernel cannot take. */
RNNRT_INLINE RNNRT_T256 __m256 i8_w8(const int8_t *q) {
    return _mm256_cvtepi32_ps(
        _mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)(const void *)q)));
}

/* Y[j0 .. j0 + 8) of row yi from the 8 column sums c: (Y +) (sum * scale + bias); nv of the
 * 8 columns exist. */
RNNRT_INLINE RNNRT_T256 void i8_store8(__m256 c, int nv, const float *sc, const float *bb,
                                       float *yp, int acc) {
    if (nv >= 8) {
        __m256 v = _mm256_mul_ps(c, _mm256_loadu_ps(sc));
        v = bb ? _mm256_add_ps(v, _mm256_loadu_ps(bb)) : v;
        _mm256_storeu_ps(yp, acc ? _mm256_add_ps(_mm256_loadu_ps(yp), v) : v);
        return;
    }
    float t[8];
    _mm256_storeu_ps(t, c);
    for (int j = 0; j < nv; ++j) {
        const float v = bb ? t[j] * sc[j] + bb[j] : t[j] * sc[j];
        yp[j] = acc ? yp[j] + v : v;
    }
}

static RNNRT_T256 void pgemm_avx2_i8(const rnnrt_pgemm_params *p, const int8_t *wp,
                                     const float *scale, const float *bias, const float *x,
                                     float *y) {
    const int n16 = (p->n + 15) & ~15, k4 = (p->k + 3) & ~3;
    /* the column sums of hadd(hadd(A0, A1), hadd(A2, A3)) are in the order 0 2 4 6 1 3 5 7 */
    const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
    for (int i = 0; i < p->m; ++i) {
        const float *xi = x + (size_t)i * (size_t)p->ldx;
        float *yi = y + (size_t)i * (size_t)p->ldy;
        float xt[4];
        i8_last_group(xi, p->k, xt);
        for (int p0 = 0; p0 < n16; p0 += RNNRT_PANEL) {
            const int w = n16 - p0 < RNNRT_PANEL ? n16 - p0 : RNNRT_PANEL;
            const int wn = p->n - p0 < w ? p->n - p0 : w;
            for (int j0 = 0; j0 < wn; j0 += 16) {
                __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0,
                       a6 = a0, a7 = a0;
                const int8_t *wg = wp + (size_t)p0 * (size_t)k4 + (size_t)j0 * 4;
                for (int g = 0; g < k4; g += 4, wg += 4 * w) {
                    const float *xg = g + 4 <= p->k ? xi + g : xt;
                    const __m256 xv = _mm256_broadcast_ps((const __m128 *)(const void *)xg);
                    a0 = _mm256_fmadd_ps(i8_w8(wg), xv, a0); /* lanes: (column, kk % 4) */
                    a1 = _mm256_fmadd_ps(i8_w8(wg + 8), xv, a1);
                    a2 = _mm256_fmadd_ps(i8_w8(wg + 16), xv, a2);
                    a3 = _mm256_fmadd_ps(i8_w8(wg + 24), xv, a3);
                    a4 = _mm256_fmadd_ps(i8_w8(wg + 32), xv, a4);
                    a5 = _mm256_fmadd_ps(i8_w8(wg + 40), xv, a5);
                    a6 = _mm256_fmadd_ps(i8_w8(wg + 48), xv, a6);
                    a7 = _mm256_fmadd_ps(i8_w8(wg + 56), xv, a7);
                }
                const __m256 c0 = _mm256_permutevar8x32_ps(
                    _mm256_hadd_ps(_mm256_hadd_ps(a0, a1), _mm256_hadd_ps(a2, a3)), order);
                const __m256 c1 = _mm256_permutevar8x32_ps(
                    _mm256_hadd_ps(_mm256_hadd_ps(a4, a5), _mm256_hadd_ps(a6, a7)), order);
                const int j = p0 + j0;
                i8_store8(c0, wn - j0, scale + j, bias ? bias + j : NULL, yi + j, p->accumulate);
                if (wn - j0 > 8) {
                    i8_store8(c1, wn - j0 - 8, scale + j + 8, bias ? bias + j + 8 : NULL,
                              yi + j + 8, p->accumulate);
                }
            }
        }
    }
}

/* AVX512-VNNI: integer dot products. A row of X with largest magnitude M (finite, >= 2^-105)
 * becomes the integers X[kk] = round(x[kk] * 2^(22 - e)), 2^(e-1) <= M < 2^e, so |X| <= 2^22,
 * written as U = X + 2^23 in three unsigned bytes (digit planes u0, u1, u2). vpdpbusd adds
 * u_p[kk] * q[j][kk] four kk at a time into int32 sums A_p, exactly (k4 <= 2048: |A_p| <=
 * 2048 * 255 * 128 < 2^31). Then
 *   sum_kk X q = (A2 - 128 S) 2^16 + A1 2^8 + A0        (S: the packed row sums)
 * with |A2 - 128 S| <= 64 * 128 * k4 <= 2^24 converted exactly, A1 and A0 exactly for
 * k4 <= 512 (else rounded as fp32, 2^-24 relative), in two roundings (fmadd), and
 * Y = (Y +) (that * (2^(e-22) * scale) + bias). The error is in rnnrt.h at rnnrt_pgemm_i8.
 * The digit planes of two rows are 12 KB of stack. */
#define RNNRT_T512V __attribute__((target("avx512f,avx512vnni")))
#define I8V_KMAX 2048

/* The digit planes of row x (u[p * I8V_KMAX + kk]) and *mul = 2^(e-22); 0 when the row
 * takes the float path (NaN, Inf, M < 2^-105, or all zero). */
static RNNRT_T512V int i8v_digits(const float *x, int k, uint8_t *u, float *mul) {
    const __m512 fmax = _mm512_set1_ps(3.40282347e38f);
    __m512 m = _mm512_setzero_ps();
    __mmask16 bad = 0;
    for (int kk = 0; kk < k; kk += 16) {
        const __mmask16 in = k - kk >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (k - kk)) - 1);
        const __m512 a = _mm512_abs_ps(_mm512_maskz_loadu_ps(in, x + kk));
        bad |= _mm512_cmp_ps_mask(a, fmax, _CMP_NLE_UQ); /* NaN or Inf */
        m = _mm512_max_ps(m, a);
    }
    const float mx = _mm512_reduce_max_ps(m);
    uint32_t bits, e;
    memcpy(&bits, &mx, sizeof bits);
    e = bits >> 23; /* M in [2^(e-127), 2^(e-126)): biased exponent, M >= 0 */
    if (bad || e < 22) {
        return 0;
    }
    const uint32_t in_bits = (275u - e) << 23, out_bits = (e - 21u)
                                                          << 23; /* 2^(148-e), 2^(e-148) */
    float fin;
    memcpy(&fin, &in_bits, sizeof fin);
    memcpy(mul, &out_bits, sizeof *mul);
    const __m512 vin = _mm512_set1_ps(fin);
    const __m512i off = _mm512_set1_epi32(1 << 23);
    for (int kk = 0; kk < k; kk += 16) {
        const __mmask16 in = k - kk >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (k - kk)) - 1);
        /* exact scaling by a power of two, then round to nearest even (MXCSR default) */
        const __m512i xu = _mm512_add_epi32(
            _mm512_cvtps_epi32(_mm512_mul_ps(_mm512_maskz_loadu_ps(in, x + kk), vin)), off);
        _mm_storeu_si128((__m128i *)(void *)(u + kk), _mm512_cvtepi32_epi8(xu));
        _mm_storeu_si128((__m128i *)(void *)(u + I8V_KMAX + kk),
                         _mm512_cvtepi32_epi8(_mm512_srli_epi32(xu, 8)));
        _mm_storeu_si128((__m128i *)(void *)(u + 2 * I8V_KMAX + kk),
                         _mm512_cvtepi32_epi8(_mm512_srli_epi32(xu, 16)));
    }
    return 1;
}

static inline int32_t i8v_ld32(const uint8_t *q) {
    int32_t v;
    memcpy(&v, q, sizeof v);
    return v;
}

#define I8V_ALL3(OP, r, p) OP(r, p, 0) OP(r, p, 1) OP(r, p, 2) OP(r, p, 3)
#define I8V_ALL(OP)                                                                                \
    I8V_ALL3(OP, 0, 0)                                                                             \
    I8V_ALL3(OP, 0, 1) I8V_ALL3(OP, 0, 2) I8V_ALL3(OP, 1, 0) I8V_ALL3(OP, 1, 1) I8V_ALL3(OP, 1, 2)
#define I8V_ZERO(r, p, v) __m512i a##r##p##v = _mm512_setzero_si512();
#define I8V_DOT(r, p, v)                                                                           \
    if (MR > (r) && NV > (v))                                                                      \
        a##r##p##v = _mm512_dpbusd_epi32(a##r##p##v, b##r##p, w##v);
#define I8V_PIN(r, p, v) __asm__("" : "+v"(a##r##p##v));
#define I8V_FIN(r, v)                                                                              \
    if (MR > (r) && NV > (v) && nc > 16 * (v)) {                                                   \
        const int c_ = nc - 16 * (v);                                                              \
        const __mmask16 mk_ = c_ >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << c_) - 1);          \
        const __m512i s_ =                                                                         \
            _mm512_slli_epi32(_mm512_loadu_si512((const void *)(ss + 64 * (v))), 7); /* 128 S */   \
        const __m512 t_ = _mm512_fmadd_ps(                                                         \
            _mm512_cvtepi32_ps(_mm512_sub_epi32(a##r##2##v, s_)), _mm512_set1_ps(65536.0f),        \
            _mm512_fmadd_ps(_mm512_cvtepi32_ps(a##r##1##v), _mm512_set1_ps(256.0f),                \
                            _mm512_cvtepi32_ps(a##r##0##v)));                                      \
        float *yp_ = yb + (size_t)(r) * (size_t)ldy + 16 * (v);                                    \
        __m512 o_ = _mm512_mul_ps(                                                                 \
            t_, _mm512_mul_ps(_mm512_set1_ps(mul[r]), _mm512_maskz_loadu_ps(mk_, sc + 16 * (v)))); \
        o_ = bb ? _mm512_add_ps(o_, _mm512_maskz_loadu_ps(mk_, bb + 16 * (v))) : o_;               \
        o_ = acc ? _mm512_add_ps(o_, _mm512_maskz_loadu_ps(mk_, yp_)) : o_;                        \
        _mm512_mask_storeu_ps(yp_, mk_, o_);                                                       \
    }

/* MR (1, 2) rows times one panel of NV (1..4) vectors of 16 columns, nc of which exist; u:
 * the rows' digit planes (3 * I8V_KMAX bytes a row); ss: the panel's row sums (bytes). */
RNNRT_INLINE RNNRT_T512V void i8v_kern(const int MR, const int NV, int k4, int w, const int8_t *pw,
                                       const uint8_t *u, const uint8_t *ss, const float *mul,
                                       const float *sc, const float *bb, float *yb, int ldy, int nc,
                                       int acc) {
    I8V_ALL(I8V_ZERO)
    for (int g = 0; g < k4; g += 4, pw += 4 * w) {
        const __m512i w0 = _mm512_loadu_si512((const void *)pw);
        const __m512i w1 = NV > 1 ? _mm512_loadu_si512((const void *)(pw + 64)) : w0;
        const __m512i w2 = NV > 2 ? _mm512_loadu_si512((const void *)(pw + 128)) : w0;
        const __m512i w3 = NV > 3 ? _mm512_loadu_si512((const void *)(pw + 192)) : w0;
        const __m512i b00 = _mm512_set1_epi32(i8v_ld32(u + g));
        const __m512i b01 = _mm512_set1_epi32(i8v_ld32(u + I8V_KMAX + g));
        const __m512i b02 = _mm512_set1_epi32(i8v_ld32(u + 2 * I8V_KMAX + g));
        const __m512i b10 = MR > 1 ? _mm512_set1_epi32(i8v_ld32(u + 3 * I8V_KMAX + g)) : b00;
        const __m512i b11 = MR > 1 ? _mm512_set1_epi32(i8v_ld32(u + 4 * I8V_KMAX + g)) : b00;
        const __m512i b12 = MR > 1 ? _mm512_set1_epi32(i8v_ld32(u + 5 * I8V_KMAX + g)) : b00;
        I8V_ALL(I8V_DOT)
    }
    I8V_ALL(I8V_PIN)
    I8V_FIN(0, 0)
    I8V_FIN(0, 1)
    I8V_FIN(0, 2) I8V_FIN(0, 3) I8V_FIN(1, 0) I8V_FIN(1, 1) I8V_FIN(1, 2) I8V_FIN(1, 3)
}

#define I8V_CASE(MR, NV)                                                                           \
    case (MR)*8 + (NV):                                                                            \
        i8v_kern(MR, NV, k4, w, pw, u[0][0], ss, mul, scale + p0, bias ? bias + p0 : NULL, yi,     \
                 p->ldy, wn, p->accumulate);                                                       \
        break;

static RNNRT_T512V void pgemm_vnni_i8(const rnnrt_pgemm_params *p, const int8_t *wp,
                                      const float *scale, const float *bias, const float *x,
                                      float *y) {
    const int n16 = (p->n + 15) & ~15, k4 = (p->k + 3) & ~3;
    const uint8_t *sums = (const uint8_t *)(const void *)wp + (size_t)n16 * (size_t)k4;
    uint8_t u[2][3][I8V_KMAX];
    float mul[2];
    if (k4 > I8V_KMAX) {
        pgemm_avx2_i8(p, wp, scale, bias, x, y);
        return;
    }
    for (int i = 0; i < p->m; i += 2) {
        const int mr = p->m - i < 2 ? p->m - i : 2;
        const float *xi = x + (size_t)i * (size_t)p->ldx;
        float *yi0 = y + (size_t)i * (size_t)p->ldy;
        if (!i8v_digits(xi, p->k, u[0][0], &mul[0]) ||
            (mr > 1 && !i8v_digits(xi + p->ldx, p->k, u[1][0], &mul[1]))) {
            rnnrt_pgemm_params q = *p; /* these rows in fp32 */
            q.m = mr;
            pgemm_avx2_i8(&q, wp, scale, bias, xi, yi0);
            continue;
        }
        for (int p0 = 0; p0 < n16; p0 += RNNRT_PANEL) {
            const int w = n16 - p0 < RNNRT_PANEL ? n16 - p0 : RNNRT_PANEL;
            const int wn = p->n - p0 < w ? p->n - p0 : w;
            const int8_t *pw = wp + (size_t)p0 * (size_t)k4;
            const uint8_t *ss = sums + (size_t)p0 * 4;
            float *yi = yi0 + p0;
            switch (mr * 8 + w / 16) {
                I8V_CASE(1, 1)
                I8V_CASE(1, 2)
                I8V_CASE(1, 3)
                I8V_CASE(1, 4)
                I8V_CASE(2, 1)
                I8V_CASE(2, 2)
                I8V_CASE(2, 3)
                I8V_CASE(2, 4)
            default:
                break;
            }
        }
    }
}

#endif /* RNNRT_X86 */

/* ----------------------------------------------------------------------------------------
 * Which implementation runs.
 * ---------------------------------------------------------------------------------------- */
typedef enum { ISA_GENERIC, ISA_AVX2, ISA_AVX512 } rnnrt_isa;

static rnnrt_isa isa_of_cpu(void) {
#if RNNRT_X86
    if (__builtin_cpu_supports("avx512f")) {
        return ISA_AVX512;
    }
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
        return ISA_AVX2;
    }
#endif
    return ISA_GENERIC;
}

const char *rnnrt_kernel_isa(void) {
    static const char *const names[] = {"generic C", "AVX2+FMA", "AVX-512F"};
    return names[isa_of_cpu()];
}

static inline int pgemm_args_ok(const rnnrt_pgemm_params *p, const void *wp, const float *x,
                                const float *y) {
    if (!p || !y || p->m < 0 || p->n < 0 || p->k < 0) {
        return 0;
    }
    if (!wp || !x) {
        return 0;
    }
    return p->ldx >= p->k && p->ldy >= p->n;
}

#if RNNRT_X86
/* F16C (vcvtph2ps), which the AVX2 binary16 kernel needs. GCC's __builtin_cpu_supports knows
 * it; clang 14's does not accept "f16c", so there CPUID leaf 1, ECX bit 29 is read (only
 * on this path: AVX2 without AVX-512F, binary16 weights). */
static int cpu_has_f16c(void) {
#ifdef __clang__
    unsigned a, b, c, d;
    return __get_cpuid(1, &a, &b, &c, &d) && (c & (1u << 29)) != 0;
#else
    return __builtin_cpu_supports("f16c");
#endif
}

/* AVX512-VNNI (vpdpbusd), for the int8 kernel, on a CPU with AVX-512F. From the compiler's
 * CPU model (read once at start-up by libgcc / compiler-rt), not CPUID: CPUID at each call
 * made an LSTM step 4x slower (it traps to the hypervisor in a VM). */
static int cpu_has_avx512vnni(void) { return __builtin_cpu_supports("avx512vnni"); }
#endif

/* Argument checks and the products without terms, shared by every weight type: returns
 * RNNRT_E_ARG (nothing written), or RNNRT_OK when nothing is left to compute (m, n or k is 0).
 * A macro rather than a function: as a function (even inline) it changed GCC's register
 * allocation of the generic kernel on the Cortex-M4 (two loads from the stack in the inner
 * loop); expanded in place the float entry point compiles to the same code as before the
 * other weight types existed. */
#define PG_PRE(p, wp, bias, x, y)                                                                  \
    if (!pgemm_args_ok(p, wp, x, y)) {                                                             \
        return RNNRT_E_ARG;                                                                        \
    }                                                                                              \
    if (p->m == 0 || p->n == 0) {                                                                  \
        return RNNRT_OK;                                                                           \
    }                                                                                              \
    if (p->k == 0) {                                                                               \
        /* no terms: Y = init */                                                                   \
        for (int i = 0; i < p->m; ++i) {                                                           \
            for (int j = 0; j < p->n; ++j) {                                                       \
                y[(size_t)i * (size_t)p->ldy + (size_t)j] = pg_init(p, bias, y, i, j);             \
            }                                                                                      \
        }                                                                                          \
        return RNNRT_OK;                                                                           \
    }

/* Runs the product with the given implementation; RNNRT_TEST_ISA builds expose these so the
 * unit tests can check every implementation the CPU has against the same reference:
 *   rnnrt_priv_pgemm_isa(isa, ...)          float weights (rnnrt_pgemm_f32)
 *   rnnrt_priv_pgemm16_isa(isa, bf16, ...)  bf16 == 0: binary16 (rnnrt_pgemm_f16), else
 *                                           bfloat16 (rnnrt_pgemm_bf16)
 *   rnnrt_priv_pgemm_i8_isa(isa, ...)       int8 (rnnrt_pgemm_i8)
 * isa: 0 generic C, 1 AVX2+FMA (binary16: generic C if the CPU lacks F16C), 2 AVX-512F. */
#ifdef RNNRT_TEST_ISA
#define PG_API(name) rnnrt_status rnnrt_priv_##name
#define PG_API2(name) rnnrt_status rnnrt_priv_##name
rnnrt_status rnnrt_priv_pgemm_isa(int isa, const rnnrt_pgemm_params *p, const float *wp,
                                  const float *bias, const float *x, float *y);
rnnrt_status rnnrt_priv_pgemm16_isa(int isa, int bf16, const rnnrt_pgemm_params *p,
                                    const uint16_t *wp, const float *bias, const float *x,
                                    float *y);
rnnrt_status rnnrt_priv_pgemm_i8_isa(int isa, const rnnrt_pgemm_params *p, const int8_t *wp,
                                     const float *scale, const float *bias, const float *x,
                                     float *y);
#else
#define PG_API(name) static rnnrt_status name
/* PG_API2: called by two entry points, and inlined into both: a shared copy (GCC splits one
 * off otherwise) would be one more internal frame in the stack bound of rnnc info */
#if defined(__GNUC__) || defined(__clang__)
#define PG_API2(name) static inline __attribute__((always_inline)) rnnrt_status name
#else
#define PG_API2(name) static rnnrt_status name
#endif
#endif
PG_API(pgemm_isa)
(int isa, const rnnrt_pgemm_params *p, const float *wp, const float *bias, const float *x,
 float *y) {
    PG_PRE(p, wp, bias, x, y)
#if RNNRT_X86
    if (isa == ISA_AVX512) {
        pgemm_avx512(p, wp, bias, x, y);
        return RNNRT_OK;
    }
    if (isa == ISA_AVX2) {
        pgemm_avx2(p, wp, bias, x, y);
        return RNNRT_OK;
    }
#endif
    (void)isa;
    pgemm_generic(p, wp, bias, x, y);
    return RNNRT_OK;
}

PG_API2(pgemm16_isa)
(int isa, int bf16, const rnnrt_pgemm_params *p, const uint16_t *wp, const float *bias,
 const float *x, float *y) {
    PG_PRE(p, wp, bias, x, y)
#if RNNRT_X86
    if (isa == ISA_AVX512) {
        if (bf16) {
            pgemm_avx512_bf16(p, wp, bias, x, y);
        } else {
            pgemm_avx512_f16(p, wp, bias, x, y);
        }
        return RNNRT_OK;
    }
    if (isa == ISA_AVX2 && bf16) {
        pgemm_avx2_bf16(p, wp, bias, x, y);
        return RNNRT_OK;
    }
    if (isa == ISA_AVX2 && cpu_has_f16c()) {
        pgemm_avx2_f16(p, wp, bias, x, y);
        return RNNRT_OK;
    }
#endif
    (void)isa;
    if (bf16) {
        pgemm_generic_bf16(p, wp, bias, x, y);
    } else {
        pgemm_generic_f16(p, wp, bias, x, y);
    }
    return RNNRT_OK;
}

PG_API(pgemm_i8_isa)
(int isa, const rnnrt_pgemm_params *p, const int8_t *wp, const float *scale, const float *bias,
 const float *x, float *y) {
    if (!scale) {
        return RNNRT_E_ARG;
    }
    PG_PRE(p, wp, bias, x, y)
#if RNNRT_X86
    if (isa == ISA_AVX512 && cpu_has_avx512vnni()) {
        pgemm_vnni_i8(p, wp, scale, bias, x, y);
        return RNNRT_OK;
    }
    if (isa == ISA_AVX512 || isa == ISA_AVX2) {
        pgemm_avx2_i8(p, wp, scale, bias, x, y);
        return RNNRT_OK;
    }
#endif
    (void)isa;
    pgemm_generic_i8(p, wp, scale, bias, x, y);
    return RNNRT_OK;
}
#ifdef RNNRT_TEST_ISA
#define pgemm_isa rnnrt_priv_pgemm_isa
#define pgemm16_isa rnnrt_priv_pgemm16_isa
#define pgemm_i8_isa rnnrt_priv_pgemm_i8_isa
#endif

rnnrt_status rnnrt_pgemm_f32(const rnnrt_pgemm_params *p, const float *wp, const float *bias,
                             const float *x, float *y) {
    return pgemm_isa(isa_of_cpu(), p, wp, bias, x, y);
}

rnnrt_status rnnrt_pgemm_f16(const rnnrt_pgemm_params *p, const uint16_t *wp, const float *bias,
                             const float *x, float *y) {
    return pgemm16_isa(isa_of_cpu(), 0, p, wp, bias, x, y);
}

rnnrt_status rnnrt_pgemm_bf16(const rnnrt_pgemm_params *p, const uint16_t *wp, const float *bias,
                              const float *x, float *y) {
    return pgemm16_isa(isa_of_cpu(), 1, p, wp, bias, x, y);
}

rnnrt_status rnnrt_pgemm_i8(const rnnrt_pgemm_params *p, const int8_t *wp, const float *scale,
                            const float *bias, const float *x, float *y) {
    return pgemm_i8_isa(isa_of_cpu(), p, wp, scale, bias, x, y);
}

/* ----------------------------------------------------------------------------------------
 * Cells. Gate pre-activations are xg + rg: xg holds X.W^T + Wb + Rb (+ nothing for GRU's
 * Rbh), rg holds R.h. Generic versions use the inline activations of rnnrt.h; the AVX-512 /
 * AVX2 versions evaluate the same rational tanh (and sigmoid through it) lane-wise.
 * ---------------------------------------------------------------------------------------- */

/* LSTM, gates i o f c: i = s(.), o = s(.), f = s(.), c~ = tanh(.), c = f*c + i*c~,
 * h = o * tanh(c) */
static void lstm_cell_generic(int n, const float *xg, const float *rg, float *c, float *h) {
    for (int j = 0; j < n; ++j) {
        const float it = rnnrt_sigmoid_f32(xg[j] + rg[j]);
        const float ot = rnnrt_sigmoid_f32(xg[n + j] + rg[n + j]);
        const float ft = rnnrt_sigmoid_f32(xg[2 * n + j] + rg[2 * n + j]);
        const float ct = rnnrt_tanh_f32(xg[3 * n + j] + rg[3 * n + j]);
        const float cn = ft * c[j] + it * ct;
        c[j] = cn;
        h[j] = ot * rnnrt_tanh_f32(cn);
    }
}

/* GRU with linear_before_reset = 1, gates z r h: z = s(.), r = s(.),
 * h~ = tanh(xh + r * (Rh.h + Rbh)), h = (1 - z) * h~ + z * h */
static void gru_cell_generic(int n, const float *xg, const float *rg, const float *rbh, float *h) {
    for (int j = 0; j < n; ++j) {
        const float zt = rnnrt_sigmoid_f32(xg[j] + rg[j]);
        const float rt = rnnrt_sigmoid_f32(xg[n + j] + rg[n + j]);
        const float nt =
            rnnrt_tanh_f32(xg[2 * n + j] + rt * (rg[2 * n + j] + (rbh ? rbh[j] : 0.0f)));
        h[j] = (1.0f - zt) * nt + zt * h[j];
    }
}

/* RNN: h = tanh(x + R.h) */
static void rnn_cell_generic(int n, const float *xg, const float *rg, float *h) {
    for (int j = 0; j < n; ++j) {
        h[j] = rnnrt_tanh_f32(xg[j] + rg[j]);
    }
}

#if RNNRT_X86
/* The rational tanh of rnnrt_tanh_f32, lane-wise. NaN propagates: max/min return their
 * second operand when either is NaN, and x is always the second operand. */
#define TANH_BODY(V, SET1, MAX, MIN, FMA, MUL, DIV, ABS_LT, SEL_GE, SEL_LE)                        \
    const V lim = SET1(7.90531110763549805f);                                                      \
    const V xc = MIN(lim, MAX(SET1(-7.90531110763549805f), x));                                    \
    const V x2 = MUL(xc, xc);                                                                      \
    V p = SET1(-2.76076847742355e-16f);                                                            \
    p = FMA(p, x2, SET1(2.00018790482477e-13f));                                                   \
    p = FMA(p, x2, SET1(-8.60467152213735e-11f));                                                  \
    p = FMA(p, x2, SET1(5.12229709037114e-08f));                                                   \
    p = FMA(p, x2, SET1(1.48572235717979e-05f));                                                   \
    p = FMA(p, x2, SET1(6.37261928875436e-04f));                                                   \
    p = FMA(p, x2, SET1(4.89352455891786e-03f));                                                   \
    p = MUL(p, xc);                                                                                \
    V q = SET1(1.19825839466702e-06f);                                                             \
    q = FMA(q, x2, SET1(1.18534705686654e-04f));                                                   \
    q = FMA(q, x2, SET1(2.26843463243900e-03f));                                                   \
    q = FMA(q, x2, SET1(4.89352518554385e-03f));                                                   \
    V y = DIV(p, q);                                                                               \
    y = ABS_LT(x, 4e-4f, y);                                                                       \
    y = SEL_GE(x, lim, SET1(1.0f), y);                                                             \
    y = SEL_LE(x, SET1(-7.90531110763549805f), SET1(-1.0f), y);                                    \
    return y;

/* y = |x| < t ? x : y */
RNNRT_INLINE RNNRT_T512 __m512 abs_lt512(__m512 x, float t, __m512 y) {
    const __m512 ax = _mm512_castsi512_ps(
        _mm512_and_si512(_mm512_castps_si512(x), _mm512_set1_epi32(0x7fffffff)));
    return _mm512_mask_blend_ps(_mm512_cmp_ps_mask(ax, _mm512_set1_ps(t), _CMP_LT_OQ), y, x);
}
RNNRT_INLINE RNNRT_T512 __m512 sel_ge512(__m512 x, __m512 l, __m512 v, __m512 y) {
    return _mm512_mask_blend_ps(_mm512_cmp_ps_mask(x, l, _CMP_GE_OQ), y, v);
}
RNNRT_INLINE RNNRT_T512 __m512 sel_le512(__m512 x, __m512 l, __m512 v, __m512 y) {
    return _mm512_mask_blend_ps(_mm512_cmp_ps_mask(x, l, _CMP_LE_OQ), y, v);
}
RNNRT_INLINE RNNRT_T512 __m512 tanh512(__m512 x){
    TANH_BODY(__m512, _mm512_set1_ps, _mm512_max_ps, _mm512_min_ps, _mm512_fmadd_ps, _mm512_mul_ps,
              _mm512_div_ps, abs_lt512, sel_ge512, sel_le512)}
/* sigmoid(x) = 0.5 + 0.5 * tanh(0.5 x) */
RNNRT_INLINE RNNRT_T512 __m512 sigm512(__m512 x) {
    const __m512 h = _mm512_set1_ps(0.5f);
    return _mm512_fmadd_ps(h, tanh512(_mm512_mul_ps(h, x)), h);
}

RNNRT_INLINE RNNRT_T256 __m256 abs_lt256(__m256 x, float t, __m256 y) {
    const __m256 ax = _mm256_andnot_ps(_mm256_set1_ps(-0.0f), x);
    return _mm256_blendv_ps(y, x, _mm256_cmp_ps(ax, _mm256_set1_ps(t), _CMP_LT_OQ));
}
RNNRT_INLINE RNNRT_T256 __m256 sel_ge256(__m256 x, __m256 l, __m256 v, __m256 y) {
    return _mm256_blendv_ps(y, v, _mm256_cmp_ps(x, l, _CMP_GE_OQ));
}
RNNRT_INLINE RNNRT_T256 __m256 sel_le256(__m256 x, __m256 l, __m256 v, __m256 y) {
    return _mm256_blendv_ps(y, v, _mm256_cmp_ps(x, l, _CMP_LE_OQ));
}
RNNRT_INLINE RNNRT_T256 __m256 tanh256(__m256 x){
    TANH_BODY(__m256, _mm256_set1_ps, _mm256_max_ps, _mm256_min_ps, _mm256_fmadd_ps, _mm256_mul_ps,
              _mm256_div_ps, abs_lt256, sel_ge256, sel_le256)} RNNRT_INLINE RNNRT_T256 __m256
    sigm256(__m256 x) {
    const __m256 h = _mm256_set1_ps(0.5f);
    return _mm256_fmadd_ps(h, tanh256(_mm256_mul_ps(h, x)), h);
}

/* The vector loops cover the multiple of the lane count; the generic cell does the rest
 * (n is the hidden size, often a multiple of 16, so usually nothing). */
#define CELL_LOOPS(W, V, LD, ST, ADD, SUB, MUL, FMA, SET1, TANH, SIGM)                             \
    static W int lstm_cell_##V(int n, const float *xg, const float *rg, float *c, float *h) {      \
        int j = 0;                                                                                 \
        for (; j + CL_L <= n; j += CL_L) {                                                         \
            const V it = SIGM(ADD(LD(xg + j), LD(rg + j)));                                        \
            const V ot = SIGM(ADD(LD(xg + n + j), LD(rg + n + j)));                                \
            const V ft = SIGM(ADD(LD(xg + 2 * n + j), LD(rg + 2 * n + j)));                        \
            const V ct = TANH(ADD(LD(xg + 3 * n + j), LD(rg + 3 * n + j)));                        \
            const V cn = ADD(MUL(ft, LD(c + j)), MUL(it, ct));                                     \
            ST(c + j, cn);                                                                         \
            ST(h + j, MUL(ot, TANH(cn)));                                                          \
        }                                                                                          \
        return j;                                                                                  \
    }                                                                                              \
    static W int gru_cell_##V(int n, const float *xg, const float *rg, const float *rbh,           \
                              float *h) {                                                          \
        int j = 0;                                                                                 \
        for (; j + CL_L <= n; j += CL_L) {                                                         \
            const V zt = SIGM(ADD(LD(xg + j), LD(rg + j)));                                        \
            const V rt = SIGM(ADD(LD(xg + n + j), LD(rg + n + j)));                                \
            const V gh = rbh ? ADD(LD(rg + 2 * n + j), LD(rbh + j)) : LD(rg + 2 * n + j);          \
            const V nt = TANH(ADD(LD(xg + 2 * n + j), MUL(rt, gh)));                               \
            ST(h + j, ADD(MUL(SUB(SET1(1.0f), zt), nt), MUL(zt, LD(h + j))));                      \
        }                                                                                          \
        return j;                                                                                  \
    }                                                                                              \
    static W int rnn_cell_##V(int n, const float *xg, const float *rg, float *h) {                 \
        int j = 0;                                                                                 \
        for (; j + CL_L <= n; j += CL_L) {                                                         \
            ST(h + j, TANH(ADD(LD(xg + j), LD(rg + j))));                                          \
        }                                                                                          \
        return j;                                                                                  \
    }

#define CL_L 16
CELL_LOOPS(RNNRT_T512, __m512, _mm512_loadu_ps, _mm512_storeu_ps, _mm512_add_ps, _mm512_sub_ps,
           _mm512_mul_ps, _mm512_fmadd_ps, _mm512_set1_ps, tanh512, sigm512)
#undef CL_L
#define CL_L 8
CELL_LOOPS(RNNRT_T256, __m256, _mm256_loadu_ps, _mm256_storeu_ps, _mm256_add_ps, _mm256_sub_ps,
           _mm256_mul_ps, _mm256_fmadd_ps, _mm256_set1_ps, tanh256, sigm256)
#undef CL_L
#endif /* RNNRT_X86 */

/* The offset of the first unit the generic cell still has to do. */
static int lstm_simd(int isa, int n, const float *xg, const float *rg, float *c, float *h) {
#if RNNRT_X86
    if (isa == ISA_AVX512) {
        return lstm_cell___m512(n, xg, rg, c, h);
    }
    if (isa == ISA_AVX2) {
        return lstm_cell___m256(n, xg, rg, c, h);
    }
#endif
    (void)isa, (void)n, (void)xg, (void)rg, (void)c, (void)h;
    return 0;
}
static int gru_simd(int isa, int n, const float *xg, const float *rg, const float *rbh, float *h) {
#if RNNRT_X86
    if (isa == ISA_AVX512) {
        return gru_cell___m512(n, xg, rg, rbh, h);
    }
    if (isa == ISA_AVX2) {
        return gru_cell___m256(n, xg, rg, rbh, h);
    }
#endif
    (void)isa, (void)n, (void)xg, (void)rg, (void)rbh, (void)h;
    return 0;
}
static int rnn_simd(int isa, int n, const float *xg, const float *rg, float *h) {
#if RNNRT_X86
    if (isa == ISA_AVX512) {
        return rnn_cell___m512(n, xg, rg, h);
    }
    if (isa == ISA_AVX2) {
        return rnn_cell___m256(n, xg, rg, h);
    }
#endif
    (void)isa, (void)n, (void)xg, (void)rg, (void)h;
    return 0;
}

/* Each cell: the SIMD loop over whole vectors, then the tail (below). */
#ifdef RNNRT_TEST_ISA
rnnrt_status rnnrt_priv_lstm_cell_isa(int isa, int n, const float *xg, const float *rg, float *c,
                                      float *h);
rnnrt_status rnnrt_priv_gru_cell_isa(int isa, int n, const float *xg, const float *rg,
                                     const float *rbh, float *h);
rnnrt_status rnnrt_priv_rnn_cell_isa(int isa, int n, const float *xg, const float *rg, float *h);
#define CELL_API(name) rnnrt_status rnnrt_priv_##name
#define CELL_CALL(name) rnnrt_priv_##name
#else
#define CELL_API(name) static rnnrt_status name
#define CELL_CALL(name) name
#endif

/* The last n - j (< 16) units: gathered into zero-padded blocks of 16 with gate stride 16,
 * one pass of the vector loop, the real units copied back. Zero lanes compute harmless
 * values (sigmoid(0), tanh(0)) that are never stored. */
#define TAIL 16
static void gather(float *dst, const float *src, int gates, int n, int j) {
    for (int q = 0; q < gates; ++q) {
        memcpy(dst + q * TAIL, src + (size_t)q * (size_t)n + (size_t)j,
               (size_t)(n - j) * sizeof(float));
    }
}

CELL_API(lstm_cell_isa)(int isa, int n, const float *xg, const float *rg, float *c, float *h) {
    int j;
    if (!xg || !rg || !c || !h || n < 0) {
        return RNNRT_E_ARG;
    }
    if (isa == ISA_GENERIC) {
        lstm_cell_generic(n, xg, rg, c, h);
        return RNNRT_OK;
    }
    j = lstm_simd(isa, n, xg, rg, c, h);
    if (j < n) {
        float xt[4 * TAIL] = {0}, rt[4 * TAIL] = {0}, ct[TAIL] = {0}, ht[TAIL];
        gather(xt, xg, 4, n, j);
        gather(rt, rg, 4, n, j);
        memcpy(ct, c + j, (size_t)(n - j) * sizeof(float));
        (void)lstm_simd(isa, TAIL, xt, rt, ct, ht);
        memcpy(c + j, ct, (size_t)(n - j) * sizeof(float));
        memcpy(h + j, ht, (size_t)(n - j) * sizeof(float));
    }
    return RNNRT_OK;
}

CELL_API(gru_cell_isa)
(int isa, int n, const float *xg, const float *rg, const float *rbh, float *h) {
    int j;
    if (!xg || !rg || !h || n < 0) {
        return RNNRT_E_ARG;
    }
    if (isa == ISA_GENERIC) {
        gru_cell_generic(n, xg, rg, rbh, h);
        return RNNRT_OK;
    }
    j = gru_simd(isa, n, xg, rg, rbh, h);
    if (j < n) {
        float xt[3 * TAIL] = {0}, rt[3 * TAIL] = {0}, bt[TAIL] = {0}, ht[TAIL] = {0};
        gather(xt, xg, 3, n, j);
        gather(rt, rg, 3, n, j);
        if (rbh) {
            memcpy(bt, rbh + j, (size_t)(n - j) * sizeof(float));
        }
        memcpy(ht, h + j, (size_t)(n - j) * sizeof(float));
        (void)gru_simd(isa, TAIL, xt, rt, rbh ? bt : NULL, ht);
        memcpy(h + j, ht, (size_t)(n - j) * sizeof(float));
    }
    return RNNRT_OK;
}

CELL_API(rnn_cell_isa)(int isa, int n, const float *xg, const float *rg, float *h) {
    int j;
    if (!xg || !rg || !h || n < 0) {
        return RNNRT_E_ARG;
    }
    if (isa == ISA_GENERIC) {
        rnn_cell_generic(n, xg, rg, h);
        return RNNRT_OK;
    }
    j = rnn_simd(isa, n, xg, rg, h);
    if (j < n) {
        float xt[TAIL] = {0}, rt[TAIL] = {0}, ht[TAIL];
        gather(xt, xg, 1, n, j);
        gather(rt, rg, 1, n, j);
        (void)rnn_simd(isa, TAIL, xt, rt, ht);
        memcpy(h + j, ht, (size_t)(n - j) * sizeof(float));
    }
    return RNNRT_OK;
}

rnnrt_status rnnrt_lstm_cell_f32(int n, const float *xg, const float *rg, float *c, float *h) {
    return CELL_CALL(lstm_cell_isa)(isa_of_cpu(), n, xg, rg, c, h);
}

rnnrt_status rnnrt_gru_cell_f32(int n, const float *xg, const float *rg, const float *rbh,
                                float *h) {
    return CELL_CALL(gru_cell_isa)(isa_of_cpu(), n, xg, rg, rbh, h);
}

rnnrt_status rnnrt_rnn_cell_f32(int n, const float *xg, const float *rg, float *h) {
    return CELL_CALL(rnn_cell_isa)(isa_of_cpu(), n, xg, rg, h);
}
