/*
 * test_runtime.c - unit tests for librnnrt (activations, GEMM/GEMV seam, validation).
 *
 * Every float result is compared against a double-precision reference computed here with
 * libm, never against the runtime itself, so a wrong formula, a swapped index or a stride
 * bug shows up as a real numeric mismatch. The same tests run against either backend
 * (OpenBLAS or portable).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rnnrt.h"

/* ---------------------------------------------------------------------------------------- */
/* Helpers                                                                                  */
/* ---------------------------------------------------------------------------------------- */

/* Size of one float ulp at magnitude |v| (v given in double); subnormal spacing below FLT_MIN. */
static double float_ulp(double v) {
    int e;
    v = fabs(v);
    if (v < (double)FLT_MIN) {
        return ldexp(1.0, -149);
    }
    (void)frexp(v, &e); /* v = f * 2^e, f in [0.5, 1) -> ulp = 2^(e-24) */
    return ldexp(1.0, e - 24);
}

/*
 * Checks a float result against a double reference.
 *  - NaN reference: result must be NaN. Reference beyond FLT_MAX: result must be the same inf.
 *  - Otherwise |got - ref| <= max_ulps * ulp(scale). scale is normally |ref|; callers pass a
 *    larger magnitude where the float computation legitimately cancels (e.g. alpha*x + beta).
 */
static void check_close(const char *what, float x, float got, double ref, double scale,
                        double max_ulps) {
    if (isnan(ref)) {
        if (!isnan(got)) {
            print_error("%s(x=%.9g): got %.9g, expected NaN\n", what, (double)x, (double)got);
            fail();
        }
        return;
    }
    if (fabs(ref) > (double)FLT_MAX) {
        if (!(isinf(got) && (got > 0.0f) == (ref > 0.0))) {
            print_error("%s(x=%.9g): got %.9g, expected %s inf\n", what, (double)x, (double)got,
                        ref > 0.0 ? "+" : "-");
            fail();
        }
        return;
    }
    {
        const double tol = max_ulps * float_ulp(fabs(scale) > fabs(ref) ? scale : ref);
        const double err = fabs((double)got - ref);
        if (isnan(got) || err > tol) {
            print_error("%s(x=%.9g): got %.9g, expected %.17g (err %.3g > tol %.3g)\n", what,
                        (double)x, (double)got, ref, err, tol);
            fail();
        }
    }
}

/* Exact comparison (for functions that involve at most one correctly rounded operation). */
static void check_exact(const char *what, float x, float got, float expect) {
    if (isnan(expect) ? !isnan(got) : (got != expect)) {
        print_error("%s(x=%.9g): got %.9g, expected exactly %.9g\n", what, (double)x, (double)got,
                    (double)expect);
        fail();
    }
}

/* Test inputs: special magnitudes of both signs plus a dense sweep through [-30, 30]. */
#define N_POINTS_MAX 8192
static int make_points(float *pts) {
    static const float special[] = {
        0.0f,  1e-40f, 1e-38f, 1e-30f, 1e-10f, 1e-7f, 1e-4f, 0.1f,    0.5f,    1.0f,  2.0f,
        5.0f,  8.5f,   10.0f,  15.0f,  16.9f,  17.0f, 20.0f, 30.0f,   50.0f,   87.0f, 88.5f,
        89.0f, 100.0f, 104.0f, 1e4f,   1e10f,  1e30f, 1e38f, FLT_MIN, FLT_MAX,
    };
    int n = 0;
    size_t i;
    float x;
    for (i = 0; i < sizeof special / sizeof special[0]; ++i) {
        pts[n++] = special[i];
        pts[n++] = -special[i];
    }
    for (x = -30.0f; x <= 30.0f; x += 0.0137f) {
        pts[n++] = x;
    }
    assert_true(n <= N_POINTS_MAX);
    return n;
}

/* Deterministic PCG-style generator so failures are reproducible. */
static uint32_t rng_u32(uint64_t *s) {
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)(*s >> 33);
}

/* Uniform in [-1, 1), exactly representable (24-bit mantissa). */
static float rng_f(uint64_t *s) { return (float)(rng_u32(s) >> 7) * (2.0f / 16777216.0f) - 1.0f; }

static float nanf_(void) { return (float)NAN; }

/* ---------------------------------------------------------------------------------------- */
/* Status, backend, sequence_lens                                                           */
/* ---------------------------------------------------------------------------------------- */

static void test_status_str(void **state) {
    (void)state;
    assert_string_equal(rnnrt_status_str(RNNRT_OK), "ok");
    assert_string_equal(rnnrt_status_str(RNNRT_E_ARG), "invalid argument");
    assert_string_equal(rnnrt_status_str(RNNRT_E_SEQ_LEN), "sequence_lens value out of range");
    assert_string_equal(rnnrt_status_str(RNNRT_E_INDEX), "index input out of range");
    assert_string_equal(rnnrt_status_str(4), "unknown status");
    assert_string_equal(rnnrt_status_str(-1), "unknown status");
    assert_string_equal(rnnrt_status_str(1000000), "unknown status");
    /* ABI: the numeric values are fixed. */
    assert_int_equal(RNNRT_OK, 0);
    assert_int_equal(RNNRT_E_ARG, 1);
    assert_int_equal(RNNRT_E_SEQ_LEN, 2);
    assert_int_equal(RNNRT_E_INDEX, 3);
}

static void test_backend(void **state) {
    const char *b = rnnrt_backend();
    (void)state;
    assert_non_null(b);
    assert_true(strcmp(b, "openblas") == 0 || strcmp(b, "portable") == 0);
#ifdef RNNRT_TEST_BACKEND
    /* The build tells the test which backend it selected. */
    assert_string_equal(b, RNNRT_TEST_BACKEND);
#endif
}

static void test_seq_lens(void **state) {
    static const int32_t ok[] = {0, 1, 5, 7, 7, 3};
    static const int32_t too_long[] = {1, 8, 2};
    static const int32_t negative[] = {1, 2, -1};
    static const int32_t very_negative[] = {INT32_MIN};
    static const int32_t very_long[] = {INT32_MAX};
    static const int32_t zero[] = {0};
    (void)state;
    assert_int_equal(rnnrt_check_seq_lens(ok, 6, 7), RNNRT_OK);
    assert_int_equal(rnnrt_check_seq_lens(ok, 6, 6), RNNRT_E_SEQ_LEN); /* 7 > 6 */
    assert_int_equal(rnnrt_check_seq_lens(ok, 3, 5), RNNRT_OK);        /* only first 3 read */
    assert_int_equal(rnnrt_check_seq_lens(too_long, 3, 7), RNNRT_E_SEQ_LEN);
    assert_int_equal(rnnrt_check_seq_lens(too_long, 3, 8), RNNRT_OK); /* max_len inclusive */
    assert_int_equal(rnnrt_check_seq_lens(too_long, 1, 7), RNNRT_OK);
    assert_int_equal(rnnrt_check_seq_lens(negative, 3, 7), RNNRT_E_SEQ_LEN);
    assert_int_equal(rnnrt_check_seq_lens(negative, 2, 7), RNNRT_OK);
    assert_int_equal(rnnrt_check_seq_lens(very_negative, 1, 7), RNNRT_E_SEQ_LEN);
    assert_int_equal(rnnrt_check_seq_lens(very_long, 1, 7), RNNRT_E_SEQ_LEN);
    assert_int_equal(rnnrt_check_seq_lens(zero, 1, 0), RNNRT_OK);
    assert_int_equal(rnnrt_check_seq_lens(ok, 0, 0), RNNRT_OK); /* empty batch */
    assert_int_equal(rnnrt_check_seq_lens(NULL, 3, 7), RNNRT_E_ARG);
    assert_int_equal(rnnrt_check_seq_lens(ok, -1, 7), RNNRT_E_ARG);
    assert_int_equal(rnnrt_check_seq_lens(ok, 6, -1), RNNRT_E_ARG);
}

/* ---------------------------------------------------------------------------------------- */
/* Activations                                                                              */
/* ---------------------------------------------------------------------------------------- */

/* Reference implementations in double precision. */
static double ref_sigmoid(double x) { return 1.0 / (1.0 + exp(-x)); }

static double ref_softplus(double x) { return x > 0.0 ? x + log1p(exp(-x)) : log1p(exp(x)); }

static void test_relu(void **state) {
    float pts[N_POINTS_MAX];
    const int n = make_points(pts);
    int i;
    (void)state;
    for (i = 0; i < n; ++i) {
        const float x = pts[i];
        check_exact("relu", x, rnnrt_relu_f32(x), x < 0.0f ? 0.0f : x);
    }
    check_exact("relu", -1e30f, rnnrt_relu_f32(-1e30f), 0.0f);
    check_exact("relu", 3.5f, rnnrt_relu_f32(3.5f), 3.5f);
    assert_true(isnan(rnnrt_relu_f32(nanf_())));
    assert_true(rnnrt_relu_f32((float)INFINITY) == (float)INFINITY);
    assert_true(rnnrt_relu_f32(-(float)INFINITY) == 0.0f);
}

static void test_tanh(void **state) {
    float pts[N_POINTS_MAX];
    const int n = make_points(pts);
    int i;
    (void)state;
    for (i = 0; i < n; ++i) {
        const float x = pts[i];
        /* a rational approximation: absolute error <= 4 ulp(1) = 4.8e-7 (measured max 4.1e-7) */
        check_close("tanh", x, rnnrt_tanh_f32(x), tanh((double)x), 1.0, 4.0);
    }
    assert_true(rnnrt_tanh_f32(0.0f) == 0.0f);
    assert_true(rnnrt_tanh_f32(FLT_MAX) == 1.0f);
    assert_true(rnnrt_tanh_f32(-FLT_MAX) == -1.0f);
    assert_true(isnan(rnnrt_tanh_f32(nanf_())));
}

static void test_sigmoid(void **state) {
    float pts[N_POINTS_MAX];
    const int n = make_points(pts);
    int i;
    (void)state;
    for (i = 0; i < n; ++i) {
        const float x = pts[i];
        const float y = rnnrt_sigmoid_f32(x);
        /* through the tanh approximation: absolute error <= 3 ulp(1) = 3.6e-7 (measured 2.3e-7) */
        check_close("sigmoid", x, y, ref_sigmoid((double)x), 1.0, 3.0);
        /* Never NaN/out of range for finite input (1 + e^-x must not overflow to inf/inf). */
        assert_false(isnan(y));
        assert_true(y >= 0.0f && y <= 1.0f);
    }
    assert_true(rnnrt_sigmoid_f32(0.0f) == 0.5f);
    assert_true(rnnrt_sigmoid_f32(FLT_MAX) == 1.0f);
    assert_true(rnnrt_sigmoid_f32(-FLT_MAX) == 0.0f);
    assert_true(rnnrt_sigmoid_f32((float)INFINITY) == 1.0f);
    assert_true(rnnrt_sigmoid_f32(-(float)INFINITY) == 0.0f);
    assert_true(isnan(rnnrt_sigmoid_f32(nanf_())));
    /* Symmetry sigmoid(-x) = 1 - sigmoid(x) in the well-conditioned range. */
    for (i = -40; i <= 40; ++i) {
        const float x = (float)i * 0.25f;
        assert_true(fabsf(rnnrt_sigmoid_f32(-x) - (1.0f - rnnrt_sigmoid_f32(x))) <= 1.2e-7f);
    }
}

static void test_affine(void **state) {
    static const float ab[][2] = {{1.0f, 0.0f}, {0.5f, -2.0f}, {-3.0f, 0.25f}, {0.0f, 1.5f}};
    float pts[N_POINTS_MAX];
    const int n = make_points(pts);
    size_t s;
    int i;
    (void)state;
    for (s = 0; s < sizeof ab / sizeof ab[0]; ++s) {
        const float al = ab[s][0], be = ab[s][1];
        for (i = 0; i < n; ++i) {
            const float x = pts[i];
            const double prod = (double)al * (double)x;
            /* Two roundings (product, sum): tolerance relative to the larger operand, since
             * the sum may cancel. */
            check_close("affine", x, rnnrt_affine_f32(x, al, be), prod + (double)be,
                        fabs(prod) + fabs((double)be), 1.0);
        }
    }
    assert_true(rnnrt_affine_f32(2.0f, 3.0f, -1.0f) == 5.0f);
    assert_true(isnan(rnnrt_affine_f32(nanf_(), 1.0f, 0.0f)));
}

static void test_leaky_relu(void **state) {
    static const float alphas[] = {0.01f, 0.2f, 1.5f, 0.0f};
    float pts[N_POINTS_MAX];
    const int n = make_points(pts);
    size_t s;
    int i;
    (void)state;
    for (s = 0; s < sizeof alphas / sizeof alphas[0]; ++s) {
        const float al = alphas[s];
        for (i = 0; i < n; ++i) {
            const float x = pts[i];
            /* alpha*x of two floats is exact in double, so one rounding to float matches. */
            const float expect = x >= 0.0f ? x : (float)((double)al * (double)x);
            check_exact("leaky_relu", x, rnnrt_leaky_relu_f32(x, al), expect);
        }
    }
    assert_true(rnnrt_leaky_relu_f32(-2.0f, 0.1f) == -0.2f);
    assert_true(isnan(rnnrt_leaky_relu_f32(nanf_(), 0.1f)));
}

static void test_thresholded_relu(void **state) {
    static const float alphas[] = {1.0f, 0.0f, -0.5f, 2.5f};
    float pts[N_POINTS_MAX];
    const int n = make_points(pts);
    size_t s;
    int i;
    (void)state;
    for (s = 0; s < sizeof alphas / sizeof alphas[0]; ++s) {
        const float al = alphas[s];
        for (i = 0; i < n; ++i) {
            const float x = pts[i];
            check_exact("thresholded_relu", x, rnnrt_thresholded_relu_f32(x, al),
                        x > al ? x : 0.0f);
        }
    }
    assert_true(rnnrt_thresholded_relu_f32(1.0f, 1.0f) == 0.0f); /* strict > */
    assert_true(rnnrt_thresholded_relu_f32(1.5f, 1.0f) == 1.5f);
    assert_true(rnnrt_thresholded_relu_f32(nanf_(), 1.0f) == 0.0f); /* ONNX: NaN > a is false */
}

static void test_scaled_tanh(void **state) {
    static const float ab[][2] = {{1.0f, 1.0f}, {0.5f, 2.0f}, {1.7159f, 0.6666667f}, {-2.0f, 0.1f}};
    float pts[N_POINTS_MAX];
    const int n = make_points(pts);
    size_t s;
    int i;
    (void)state;
    for (s = 0; s < sizeof ab / sizeof ab[0]; ++s) {
        const float al = ab[s][0], be = ab[s][1];
        for (i = 0; i < n; ++i) {
            const float x = pts[i];
            /* beta*x is computed in float (as in the runtime), then tanh is compared: three
             * roundings (beta*x, tanhf, alpha*), tanh's condition number is <= 1. */
            const double ref = (double)al * tanh((double)be * (double)x);
            check_close("scaled_tanh", x, rnnrt_scaled_tanh_f32(x, al, be), ref, 0.0, 4.0);
        }
    }
    assert_true(rnnrt_scaled_tanh_f32(FLT_MAX, 2.0f, 3.0f) == 2.0f);
    assert_true(isnan(rnnrt_scaled_tanh_f32(nanf_(), 2.0f, 3.0f)));
}

static void test_hard_sigmoid(void **state) {
    static const float ab[][2] = {{0.2f, 0.5f}, {0.5f, 0.1f}, {-0.3f, 0.7f}, {1.0f, 0.0f}};
    float pts[N_POINTS_MAX];
    const int n = make_points(pts);
    size_t s;
    int i;
    (void)state;
    for (s = 0; s < sizeof ab / sizeof ab[0]; ++s) {
        const float al = ab[s][0], be = ab[s][1];
        for (i = 0; i < n; ++i) {
            const float x = pts[i];
            const double v = (double)al * (double)x + (double)be;
            const double ref = v < 0.0 ? 0.0 : (v > 1.0 ? 1.0 : v);
            const float y = rnnrt_hard_sigmoid_f32(x, al, be);
            check_close("hard_sigmoid", x, y, ref, fabs((double)al * (double)x) + fabs((double)be),
                        1.0);
            assert_true(y >= 0.0f && y <= 1.0f);
        }
    }
    assert_true(rnnrt_hard_sigmoid_f32(0.0f, 0.2f, 0.5f) == 0.5f);
    assert_true(rnnrt_hard_sigmoid_f32(100.0f, 0.2f, 0.5f) == 1.0f);
    assert_true(rnnrt_hard_sigmoid_f32(-100.0f, 0.2f, 0.5f) == 0.0f);
    assert_true(isnan(rnnrt_hard_sigmoid_f32(nanf_(), 0.2f, 0.5f)));
}

static void test_elu(void **state) {
    static const float alphas[] = {1.0f, 0.5f, 2.0f};
    float pts[N_POINTS_MAX];
    const int n = make_points(pts);
    size_t s;
    int i;
    (void)state;
    for (s = 0; s < sizeof alphas / sizeof alphas[0]; ++s) {
        const float al = alphas[s];
        for (i = 0; i < n; ++i) {
            const float x = pts[i];
            const double ref = x >= 0.0f ? (double)x : (double)al * expm1((double)x);
            /* Tight near 0 too: expf(x) - 1 would fail here by many ulps. */
            check_close("elu", x, rnnrt_elu_f32(x, al), ref, 0.0, 2.0);
        }
    }
    assert_true(rnnrt_elu_f32(-FLT_MAX, 1.5f) == -1.5f);
    assert_true(rnnrt_elu_f32(FLT_MAX, 1.5f) == FLT_MAX);
    assert_true(isnan(rnnrt_elu_f32(nanf_(), 1.0f)));
}

static void test_softsign(void **state) {
    float pts[N_POINTS_MAX];
    const int n = make_points(pts);
    int i;
    (void)state;
    for (i = 0; i < n; ++i) {
        const float x = pts[i];
        const float y = rnnrt_softsign_f32(x);
        check_close("softsign", x, y, (double)x / (1.0 + fabs((double)x)), 0.0, 2.0);
        assert_true(y >= -1.0f && y <= 1.0f);
    }
    assert_true(rnnrt_softsign_f32(1.0f) == 0.5f);
    assert_true(rnnrt_softsign_f32(-3.0f) == -0.75f);
    assert_true(rnnrt_softsign_f32(FLT_MAX) == 1.0f);
    assert_true(isnan(rnnrt_softsign_f32(nanf_())));
}

static void test_softplus(void **state) {
    float pts[N_POINTS_MAX];
    const int n = make_points(pts);
    int i;
    (void)state;
    for (i = 0; i < n; ++i) {
        const float x = pts[i];
        const float y = rnnrt_softplus_f32(x);
        check_close("softplus", x, y, ref_softplus((double)x), 0.0, 3.0);
        assert_true(isfinite(y)); /* log(1 + e^x) must not become log(inf) */
        assert_true(y >= 0.0f);
    }
    assert_true(rnnrt_softplus_f32(FLT_MAX) == FLT_MAX);
    assert_true(rnnrt_softplus_f32(1e30f) == 1e30f);
    assert_true(rnnrt_softplus_f32(100.0f) == 100.0f);
    assert_true(rnnrt_softplus_f32(-FLT_MAX) == 0.0f);
    assert_true(fabsf(rnnrt_softplus_f32(0.0f) - 0.69314718f) <= 6e-8f);
    assert_true(isnan(rnnrt_softplus_f32(nanf_())));
}

static void test_clip(void **state) {
    static const float cs[] = {0.0f, 0.5f, 3.0f, 1e30f, FLT_MAX};
    float pts[N_POINTS_MAX];
    const int n = make_points(pts);
    size_t s;
    int i;
    (void)state;
    for (s = 0; s < sizeof cs / sizeof cs[0]; ++s) {
        const float c = cs[s];
        for (i = 0; i < n; ++i) {
            const float x = pts[i];
            check_exact("clip", x, rnnrt_clip_f32(x, c), x < -c ? -c : (x > c ? c : x));
        }
    }
    assert_true(rnnrt_clip_f32(5.0f, 2.0f) == 2.0f);
    assert_true(rnnrt_clip_f32(-5.0f, 2.0f) == -2.0f);
    assert_true(rnnrt_clip_f32(1.25f, 2.0f) == 1.25f);
    assert_true(rnnrt_clip_f32((float)INFINITY, 2.0f) == 2.0f);
    assert_true(isnan(rnnrt_clip_f32(nanf_(), 2.0f)));
}

/* ---------------------------------------------------------------------------------------- */
/* GEMM                                                                                     */
/* ---------------------------------------------------------------------------------------- */

#define C_SENTINEL 7777.0f /* must survive untouched outside the m x n window of C / y */

/* Allocates rows*ld (+1 guard element) floats, everything set to fill. */
static float *alloc_filled(int rows, int ld, float fill) {
    const size_t count = (size_t)rows * (size_t)ld + 1;
    float *p = malloc(count * sizeof *p);
    size_t i;
    assert_non_null(p);
    for (i = 0; i < count; ++i) {
        p[i] = fill;
    }
    return p;
}

/* Fills the rows x cols window of a strided matrix with uniform values in [-1, 1). */
static void fill_random(float *p, int rows, int cols, int ld, uint64_t *rng) {
    int i, j;
    for (i = 0; i < rows; ++i) {
        for (j = 0; j < cols; ++j) {
            p[(size_t)i * (size_t)ld + (size_t)j] = rng_f(rng);
        }
    }
}

/*
 * Runs one GEMM case and checks it against a double-precision triple loop.
 * pad is added to every stride; A/B padding holds NaN (so reading it would poison results),
 * C padding holds C_SENTINEL (so writing it is detected). With beta == 0 the C window is
 * NaN-filled, which must not leak into the result.
 */
static void run_gemm_case(int m, int n, int k, int trans_b, int pad, float alpha, float beta,
                          uint64_t *rng) {
    const int lda = k + pad, ldb = (trans_b ? k : n) + pad, ldc = n + pad;
    const int rows_b = trans_b ? n : k, cols_b = trans_b ? k : n;
    const size_t c_count = (size_t)m * (size_t)ldc + 1;
    rnnrt_gemm_params p;
    float *a = alloc_filled(m, lda, nanf_());
    float *b = alloc_filled(rows_b, ldb, nanf_());
    float *c = alloc_filled(m, ldc, C_SENTINEL);
    float *c0 = malloc(c_count * sizeof *c0);
    int i, j, q;
    size_t t;

    assert_non_null(c0);
    fill_random(a, m, k, lda, rng);
    fill_random(b, rows_b, cols_b, ldb, rng);
    if (beta == 0.0f) {
        for (i = 0; i < m; ++i) {
            for (j = 0; j < n; ++j) {
                c[(size_t)i * (size_t)ldc + (size_t)j] = nanf_();
            }
        }
    } else {
        fill_random(c, m, n, ldc, rng);
    }
    memcpy(c0, c, c_count * sizeof *c);

    p.m = m;
    p.n = n;
    p.k = k;
    p.trans_b = trans_b;
    p.lda = lda;
    p.ldb = ldb;
    p.ldc = ldc;
    p.alpha = alpha;
    p.beta = beta;
    assert_int_equal(rnnrt_gemm_f32(&p, a, b, c), RNNRT_OK);

    for (t = 0; t < c_count; ++t) {
        /* ldc == 0 only when n == 0: then every element is outside the (empty) window. */
        const int row = ldc ? (int)(t / (size_t)ldc) : m, col = ldc ? (int)(t % (size_t)ldc) : 0;
        if (row < m && col < n) {
            /* ref = alpha * sum_q A[row][q] * op(B)[q][col] + beta * C0[row][col] */
            double acc = 0.0, mag = 0.0, ref, tol, err;
            for (q = 0; q < k; ++q) {
                const double av = (double)a[(size_t)row * (size_t)lda + (size_t)q];
                const double bv = trans_b ? (double)b[(size_t)col * (size_t)ldb + (size_t)q]
                                          : (double)b[(size_t)q * (size_t)ldb + (size_t)col];
                acc += av * bv;
                mag += fabs(av * bv);
            }
            ref = (double)alpha * acc;
            mag *= fabs((double)alpha);
            if (beta != 0.0f) {
                ref += (double)beta * (double)c0[t];
                mag += fabs((double)beta * (double)c0[t]);
            }
            /* Standard float summation error bound, with slack for the alpha/beta roundings. */
            tol = (double)(k + 4) * (double)FLT_EPSILON * mag;
            err = fabs((double)c[t] - ref);
            if (isnan(c[t]) || isnan(ref) || err > tol) {
                print_error("gemm m=%d n=%d k=%d trans_b=%d pad=%d alpha=%g beta=%g: C[%d][%d] = "
                            "%.9g, expected %.9g (err %.3g > tol %.3g)\n",
                            m, n, k, trans_b, pad, (double)alpha, (double)beta, row, col,
                            (double)c[t], ref, err, tol);
                fail();
            }
        } else if (memcmp(&c[t], &c0[t], sizeof *c) != 0) {
            print_error("gemm m=%d n=%d k=%d trans_b=%d pad=%d: wrote outside C at [%d][%d]\n", m,
                        n, k, trans_b, pad, row, col);
            fail();
        }
    }
    free(a);
    free(b);
    free(c);
    free(c0);
}

static void test_gemm_small_sizes(void **state) {
    static const int ms[] = {0, 1, 2, 5, 17};
    static const int ns[] = {0, 1, 3, 4, 9, 17};
    static const int ks[] = {0, 1, 2, 5, 17};
    static const float ab[][2] = {{1.0f, 0.0f}, {1.0f, 1.0f}, {-0.75f, 0.5f}, {2.5f, 0.0f}};
    uint64_t rng = 12345;
    size_t im, in, ik, s;
    int tb, pad;
    (void)state;
    for (im = 0; im < sizeof ms / sizeof ms[0]; ++im)
        for (in = 0; in < sizeof ns / sizeof ns[0]; ++in)
            for (ik = 0; ik < sizeof ks / sizeof ks[0]; ++ik)
                for (tb = 0; tb <= 1; ++tb)
                    for (pad = 0; pad <= 3; pad += 3)
                        for (s = 0; s < sizeof ab / sizeof ab[0]; ++s)
                            run_gemm_case(ms[im], ns[in], ks[ik], tb, pad, ab[s][0], ab[s][1],
                                          &rng);
}

static void test_gemm_large_sizes(void **state) {
    /* Shapes typical of RNN input projections (m = seq*batch, n = gates*hidden), plus shapes
     * that exercise blocking in either backend (k larger than the portable block, n > 1024). */
    static const int shapes[][3] = {
        {64, 96, 128}, {100, 257, 300}, {33, 1024, 7}, {1, 4096, 512}, {7, 5, 5000}, {130, 3, 67},
    };
    uint64_t rng = 987654321;
    size_t s;
    int tb;
    (void)state;
    for (s = 0; s < sizeof shapes / sizeof shapes[0]; ++s) {
        for (tb = 0; tb <= 1; ++tb) {
            run_gemm_case(shapes[s][0], shapes[s][1], shapes[s][2], tb, 5, 0.9f, 0.3f, &rng);
            run_gemm_case(shapes[s][0], shapes[s][1], shapes[s][2], tb, 0, 1.0f, 0.0f, &rng);
        }
    }
}

static void test_gemm_random_sizes(void **state) {
    uint64_t rng = 42;
    int it;
    (void)state;
    for (it = 0; it < 300; ++it) {
        const int m = (int)(rng_u32(&rng) % 40), n = (int)(rng_u32(&rng) % 40);
        const int k = (int)(rng_u32(&rng) % 40), tb = (int)(rng_u32(&rng) % 2);
        const int pad = (int)(rng_u32(&rng) % 4);
        const float alpha = rng_f(&rng) * 3.0f;
        const float beta = (rng_u32(&rng) % 3 == 0) ? 0.0f : rng_f(&rng) * 2.0f;
        run_gemm_case(m, n, k, tb, pad, alpha, beta, &rng);
    }
}

/* Hand-checked 2x3 * 3x2 product, both layouts of B. */
static void test_gemm_known_values(void **state) {
    static const float a[] = {1, 2, 3, 4, 5, 6};       /* 2x3 */
    static const float b_kn[] = {7, 8, 9, 10, 11, 12}; /* 3x2 */
    static const float b_nk[] = {7, 9, 11, 8, 10, 12}; /* 2x3 = b_kn^T */
    static const float expect[] = {58, 64, 139, 154};  /* A.B */
    rnnrt_gemm_params p = {2, 2, 3, 0, 3, 2, 2, 1.0f, 0.0f};
    float c[4] = {-1, -1, -1, -1};
    int i;
    (void)state;
    assert_int_equal(rnnrt_gemm_f32(&p, a, b_kn, c), RNNRT_OK);
    for (i = 0; i < 4; ++i) {
        assert_true(c[i] == expect[i]);
    }
    p.trans_b = 1;
    p.ldb = 3;
    p.alpha = 2.0f;
    p.beta = -1.0f; /* C = 2*A.B - C = A.B */
    assert_int_equal(rnnrt_gemm_f32(&p, a, b_nk, c), RNNRT_OK);
    for (i = 0; i < 4; ++i) {
        assert_true(c[i] == expect[i]);
    }
}

/* k == 0 or alpha == 0: C = beta * C, A and B are not read (they hold NaN here). */
static void test_gemm_degenerate(void **state) {
    const float nan = nanf_();
    const float a[6] = {nan, nan, nan, nan, nan, nan};
    const float b[6] = {nan, nan, nan, nan, nan, nan};
    float c[6];
    rnnrt_gemm_params p = {2, 3, 0, 1, 0, 0, 3, 1.0f, 0.5f}; /* k = 0, zero strides legal */
    int i;
    (void)state;
    for (i = 0; i < 6; ++i) {
        c[i] = (float)(i + 1);
    }
    assert_int_equal(rnnrt_gemm_f32(&p, a, b, c), RNNRT_OK);
    for (i = 0; i < 6; ++i) {
        assert_true(c[i] == 0.5f * (float)(i + 1));
    }
    p.beta = 0.0f; /* k == 0, beta == 0: C = 0 even from NaN */
    for (i = 0; i < 6; ++i) {
        c[i] = nan;
    }
    assert_int_equal(rnnrt_gemm_f32(&p, a, b, c), RNNRT_OK);
    for (i = 0; i < 6; ++i) {
        assert_true(c[i] == 0.0f);
    }
    /* alpha == 0 with a real k: A/B NaN must not be touched. */
    p.k = 2;
    p.lda = 2;
    p.trans_b = 0;
    p.ldb = 3;
    p.alpha = 0.0f;
    p.beta = 2.0f;
    for (i = 0; i < 6; ++i) {
        c[i] = (float)i;
    }
    assert_int_equal(rnnrt_gemm_f32(&p, a, b, c), RNNRT_OK);
    for (i = 0; i < 6; ++i) {
        assert_true(c[i] == 2.0f * (float)i);
    }
    /* beta == 1 leaves C exactly as is when alpha == 0. */
    p.beta = 1.0f;
    assert_int_equal(rnnrt_gemm_f32(&p, a, b, c), RNNRT_OK);
    for (i = 0; i < 6; ++i) {
        assert_true(c[i] == 2.0f * (float)i);
    }
}

static void test_gemm_args(void **state) {
    static const float a[8] = {0}, b[12] = {0};
    float c[6];
    const rnnrt_gemm_params good = {2, 3, 4, 1, 4, 4, 3, 1.0f, 0.0f}; /* B stored 3x4 */
    rnnrt_gemm_params p;
    int i;
    (void)state;

#define EXPECT_GEMM(status)                                                                        \
    do {                                                                                           \
        for (i = 0; i < 6; ++i)                                                                    \
            c[i] = C_SENTINEL;                                                                     \
        assert_int_equal(rnnrt_gemm_f32(&p, a, b, c), (status));                                   \
        if ((status) != RNNRT_OK)                                                                  \
            for (i = 0; i < 6; ++i)                                                                \
                assert_true(c[i] == C_SENTINEL); /* untouched on error */                          \
    } while (0)

    p = good;
    EXPECT_GEMM(RNNRT_OK);
    p = good;
    p.m = -1;
    EXPECT_GEMM(RNNRT_E_ARG);
    p = good;
    p.n = -1;
    EXPECT_GEMM(RNNRT_E_ARG);
    p = good;
    p.k = -1;
    EXPECT_GEMM(RNNRT_E_ARG);
    p = good;
    p.lda = 3; /* < k */
    EXPECT_GEMM(RNNRT_E_ARG);
    p = good;
    p.ldb = 3; /* trans_b: B is n x k, needs ldb >= k = 4 (>= n is not enough) */
    EXPECT_GEMM(RNNRT_E_ARG);
    p = good;
    p.trans_b = 0;
    p.ldb = 3; /* no trans: B is k x n, ldb >= n = 3 suffices */
    EXPECT_GEMM(RNNRT_OK);
    p.ldb = 2;
    EXPECT_GEMM(RNNRT_E_ARG);
    p = good;
    p.ldc = 2; /* < n */
    EXPECT_GEMM(RNNRT_E_ARG);
    p = good;
    p.lda = -4;
    EXPECT_GEMM(RNNRT_E_ARG);
    p = good;
    p.m = 0; /* empty is fine and does nothing */
    EXPECT_GEMM(RNNRT_OK);
    for (i = 0; i < 6; ++i) {
        assert_true(c[i] == C_SENTINEL);
    }
#undef EXPECT_GEMM

    p = good;
    assert_int_equal(rnnrt_gemm_f32(NULL, a, b, c), RNNRT_E_ARG);
    assert_int_equal(rnnrt_gemm_f32(&p, NULL, b, c), RNNRT_E_ARG);
    assert_int_equal(rnnrt_gemm_f32(&p, a, NULL, c), RNNRT_E_ARG);
    assert_int_equal(rnnrt_gemm_f32(&p, a, b, NULL), RNNRT_E_ARG);
}

/* ---------------------------------------------------------------------------------------- */
/* GEMV                                                                                     */
/* ---------------------------------------------------------------------------------------- */

/* y = alpha * W . x + beta * y against a double loop; W padding and x[k] hold NaN, y[n] holds
 * a sentinel; with beta == 0, y starts as NaN. */
static void run_gemv_case(int n, int k, int pad, float alpha, float beta, uint64_t *rng) {
    const int ldw = k + pad;
    rnnrt_gemv_params p;
    float *w = alloc_filled(n, ldw, nanf_());
    float *x = alloc_filled(1, k, nanf_());
    float *y = alloc_filled(1, n, C_SENTINEL);
    float *y0 = malloc(((size_t)n + 1) * sizeof *y0);
    int i, q;

    assert_non_null(y0);
    fill_random(w, n, k, ldw, rng);
    fill_random(x, 1, k, k, rng);
    if (beta == 0.0f) {
        for (i = 0; i < n; ++i) {
            y[i] = nanf_();
        }
    } else {
        fill_random(y, 1, n, n, rng);
    }
    memcpy(y0, y, ((size_t)n + 1) * sizeof *y);

    p.n = n;
    p.k = k;
    p.ldw = ldw;
    p.alpha = alpha;
    p.beta = beta;
    assert_int_equal(rnnrt_gemv_f32(&p, w, x, y), RNNRT_OK);

    for (i = 0; i < n; ++i) {
        /* ref = alpha * sum_q W[i][q] * x[q] + beta * y0[i] */
        double acc = 0.0, mag = 0.0, ref, tol, err;
        for (q = 0; q < k; ++q) {
            const double prod = (double)w[(size_t)i * (size_t)ldw + (size_t)q] * (double)x[q];
            acc += prod;
            mag += fabs(prod);
        }
        ref = (double)alpha * acc;
        mag *= fabs((double)alpha);
        if (beta != 0.0f) {
            ref += (double)beta * (double)y0[i];
            mag += fabs((double)beta * (double)y0[i]);
        }
        tol = (double)(k + 4) * (double)FLT_EPSILON * mag;
        err = fabs((double)y[i] - ref);
        if (isnan(y[i]) || isnan(ref) || err > tol) {
            print_error("gemv n=%d k=%d pad=%d alpha=%g beta=%g: y[%d] = %.9g, expected %.9g "
                        "(err %.3g > tol %.3g)\n",
                        n, k, pad, (double)alpha, (double)beta, i, (double)y[i], ref, err, tol);
            fail();
        }
    }
    assert_true(y[n] == C_SENTINEL); /* nothing written past y[n-1] */
    free(w);
    free(x);
    free(y);
    free(y0);
}

static void test_gemv_sizes(void **state) {
    static const int ns[] = {0, 1, 2, 3, 4, 7, 16, 33, 100, 1024};
    static const int ks[] = {0, 1, 2, 3, 7, 16, 33, 100, 513};
    static const float ab[][2] = {{1.0f, 0.0f}, {1.0f, 1.0f}, {-0.75f, 0.5f}, {2.5f, 0.0f}};
    uint64_t rng = 777;
    size_t in, ik, s;
    int pad;
    (void)state;
    for (in = 0; in < sizeof ns / sizeof ns[0]; ++in)
        for (ik = 0; ik < sizeof ks / sizeof ks[0]; ++ik)
            for (pad = 0; pad <= 5; pad += 5)
                for (s = 0; s < sizeof ab / sizeof ab[0]; ++s)
                    run_gemv_case(ns[in], ks[ik], pad, ab[s][0], ab[s][1], &rng);
}

static void test_gemv_known_values(void **state) {
    static const float w[] = {1, 2, 3, -1, 4, 5, 6, -1}; /* 2x3, ldw = 4 (pad -1) */
    static const float x[] = {1, 0.5f, -1};
    rnnrt_gemv_params p = {2, 3, 4, 2.0f, 0.0f};
    float y[2] = {-3, -3};
    (void)state;
    assert_int_equal(rnnrt_gemv_f32(&p, w, x, y), RNNRT_OK);
    assert_true(y[0] == 2.0f * (1.0f + 1.0f - 3.0f)); /* -2 */
    assert_true(y[1] == 2.0f * (4.0f + 2.5f - 6.0f)); /* 1 */
    p.beta = 1.0f;
    assert_int_equal(rnnrt_gemv_f32(&p, w, x, y), RNNRT_OK);
    assert_true(y[0] == -4.0f);
    assert_true(y[1] == 2.0f);
}

static void test_gemv_degenerate(void **state) {
    const float nan = nanf_();
    const float w[4] = {nan, nan, nan, nan};
    const float x[2] = {nan, nan};
    float y[2] = {3.0f, -4.0f};
    rnnrt_gemv_params p = {2, 0, 0, 1.0f, 0.5f}; /* k = 0 */
    (void)state;
    assert_int_equal(rnnrt_gemv_f32(&p, w, x, y), RNNRT_OK);
    assert_true(y[0] == 1.5f && y[1] == -2.0f);
    p.k = 2;
    p.ldw = 2;
    p.alpha = 0.0f; /* W, x not read */
    assert_int_equal(rnnrt_gemv_f32(&p, w, x, y), RNNRT_OK);
    assert_true(y[0] == 0.75f && y[1] == -1.0f);
    p.beta = 0.0f;
    y[0] = nan;
    y[1] = nan;
    assert_int_equal(rnnrt_gemv_f32(&p, w, x, y), RNNRT_OK);
    assert_true(y[0] == 0.0f && y[1] == 0.0f);
}

static void test_gemv_args(void **state) {
    static const float w[6] = {0}, x[3] = {0};
    float y[2] = {C_SENTINEL, C_SENTINEL};
    const rnnrt_gemv_params good = {2, 3, 3, 1.0f, 0.0f};
    rnnrt_gemv_params p;
    (void)state;
    p = good;
    p.n = -1;
    assert_int_equal(rnnrt_gemv_f32(&p, w, x, y), RNNRT_E_ARG);
    p = good;
    p.k = -1;
    assert_int_equal(rnnrt_gemv_f32(&p, w, x, y), RNNRT_E_ARG);
    p = good;
    p.ldw = 2;
    assert_int_equal(rnnrt_gemv_f32(&p, w, x, y), RNNRT_E_ARG);
    assert_true(y[0] == C_SENTINEL && y[1] == C_SENTINEL); /* untouched on error */
    p = good;
    assert_int_equal(rnnrt_gemv_f32(NULL, w, x, y), RNNRT_E_ARG);
    assert_int_equal(rnnrt_gemv_f32(&p, NULL, x, y), RNNRT_E_ARG);
    assert_int_equal(rnnrt_gemv_f32(&p, w, NULL, y), RNNRT_E_ARG);
    assert_int_equal(rnnrt_gemv_f32(&p, w, x, NULL), RNNRT_E_ARG);
    assert_true(y[0] == C_SENTINEL && y[1] == C_SENTINEL);
    p.n = 0; /* empty: fine, nothing written */
    assert_int_equal(rnnrt_gemv_f32(&p, w, x, y), RNNRT_OK);
    assert_true(y[0] == C_SENTINEL && y[1] == C_SENTINEL);
    p = good;
    assert_int_equal(rnnrt_gemv_f32(&p, w, x, y), RNNRT_OK);
    assert_true(y[0] == 0.0f && y[1] == 0.0f);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status_str),
        cmocka_unit_test(test_backend),
        cmocka_unit_test(test_seq_lens),
        cmocka_unit_test(test_relu),
        cmocka_unit_test(test_tanh),
        cmocka_unit_test(test_sigmoid),
        cmocka_unit_test(test_affine),
        cmocka_unit_test(test_leaky_relu),
        cmocka_unit_test(test_thresholded_relu),
        cmocka_unit_test(test_scaled_tanh),
        cmocka_unit_test(test_hard_sigmoid),
        cmocka_unit_test(test_elu),
        cmocka_unit_test(test_softsign),
        cmocka_unit_test(test_softplus),
        cmocka_unit_test(test_clip),
        cmocka_unit_test(test_gemm_known_values),
        cmocka_unit_test(test_gemm_degenerate),
        cmocka_unit_test(test_gemm_args),
        cmocka_unit_test(test_gemm_small_sizes),
        cmocka_unit_test(test_gemm_random_sizes),
        cmocka_unit_test(test_gemm_large_sizes),
        cmocka_unit_test(test_gemv_known_values),
        cmocka_unit_test(test_gemv_degenerate),
        cmocka_unit_test(test_gemv_args),
        cmocka_unit_test(test_gemv_sizes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
