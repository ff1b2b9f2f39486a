/*
 * test_kernels.c - unit tests for the recurrent hot path of librnnrt (rnnrt_kernels.c): the
 * packed products rnnrt_pgemm_f32 / _f16 / _bf16 / _i8 and the LSTM / GRU / RNN cells.
 *
 * rnnrt_kernels.c is compiled into this executable with -DRNNRT_TEST_ISA, which exposes every
 * implementation (0 = generic C, 1 = AVX2+FMA, 2 = AVX-512F) as rnnrt_priv_*_isa. Each one the
 * CPU supports is checked against a double-precision reference computed here with libm, never
 * against another implementation alone, so a wrong formula, gate order, panel offset or
 * stride shows up as a numeric mismatch. W is packed here from the layout documented at
 * RNNRT_PACKED_SIZE in rnnrt.h, independently of rnnc. Random data come from a fixed-seed
 * generator, so failures are reproducible.
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
#include "sentinel.h"

/* Exposed by rnnrt_kernels.c when built with RNNRT_TEST_ISA. */
rnnrt_status rnnrt_priv_pgemm_isa(int isa, const rnnrt_pgemm_params *p, const float *wp,
                                  const float *bias, const float *x, float *y);
rnnrt_status rnnrt_priv_pgemm16_isa(int isa, int bf16, const rnnrt_pgemm_params *p,
                                    const uint16_t *wp, const float *bias, const float *x,
                                    float *y);
rnnrt_status rnnrt_priv_pgemm_i8_isa(int isa, const rnnrt_pgemm_params *p, const int8_t *wp,
                                     const float *scale, const float *bias, const float *x,
                                     float *y);
rnnrt_status rnnrt_priv_lstm_cell_isa(int isa, int n, const float *xg, const float *rg, float *c,
                                      float *h);
rnnrt_status rnnrt_priv_gru_cell_isa(int isa, int n, const float *xg, const float *rg,
                                     const float *rbh, float *h);
rnnrt_status rnnrt_priv_rnn_cell_isa(int isa, int n, const float *xg, const float *rg, float *h);

/* ---------------------------------------------------------------------------------------- */
/* Helpers                                                                                  */
/* ---------------------------------------------------------------------------------------- */

#define N_ISA 3
static const char *const ISA_NAME[N_ISA] = {"generic C", "AVX2+FMA", "AVX-512F"};

/* 1 if implementation isa can run on this CPU (generic C always). */
static int isa_available(int isa) {
    if (isa == 0) {
        return 1;
    }
#if (defined(__x86_64__) || defined(_M_X64)) && (defined(__GNUC__) || defined(__clang__))
    if (isa == 1) {
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    }
    if (isa == 2) {
        return __builtin_cpu_supports("avx512f");
    }
#endif
    return 0;
}

/* Deterministic PCG-style generator so failures are reproducible. */
static uint32_t rng_u32(uint64_t *s) {
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)(*s >> 33);
}

/* Uniform in [lo, hi). */
static float rng_range(uint64_t *s, float lo, float hi) {
    const double u = (double)(rng_u32(s) >> 8) / 16777216.0;
    return (float)((double)lo + ((double)hi - (double)lo) * u);
}

static float qnan(void) { return (float)NAN; }

static void fill(float *a, int n, float v) {
    int i;
    for (i = 0; i < n; ++i) {
        a[i] = v;
    }
}

static int same_bits(float a, float b) { return memcmp(&a, &b, sizeof a) == 0; }

static double sigmoid_d(double x) { return 1.0 / (1.0 + exp(-x)); }

/* 0 if got matches ref within tol (NaN ref: got must be NaN; else got finite); prints and
 * returns 1 otherwise (at most a few messages per test, the count is what fails it). */
static int g_printed;
static int mismatch(const char *what, int isa, int n, int j, float got, double ref, double tol) {
    int bad;
    if (isnan(ref)) {
        bad = !isnan(got);
    } else {
        bad = !isfinite(got) || fabs((double)got - ref) > tol;
    }
    if (bad && g_printed < 20) {
        ++g_printed;
        print_error("%s [%s] n=%d unit %d: got %.9g, expected %.9g (err %.3g, tol %.3g)\n", what,
                    ISA_NAME[isa], n, j, (double)got, ref, fabs((double)got - ref), tol);
    }
    return bad;
}

/* ---------------------------------------------------------------------------------------- */
/* ISA selection                                                                            */
/* ---------------------------------------------------------------------------------------- */

/* Index of the implementation the public entry points use, from rnnrt_kernel_isa(). */
static int public_isa(void) {
    const char *s = rnnrt_kernel_isa();
    int i;
    assert_non_null(s);
    for (i = 0; i < N_ISA; ++i) {
        if (strcmp(s, ISA_NAME[i]) == 0) {
            return i;
        }
    }
    print_error("rnnrt_kernel_isa() returned '%s', not one of the documented names\n", s);
    fail();
    return 0;
}

static void test_kernel_isa(void **state) {
    int isa, expect = 0;
    (void)state;
    for (isa = 0; isa < N_ISA; ++isa) {
        print_message("[ kernels  ] implementation %-9s : %s\n", ISA_NAME[isa],
                      isa_available(isa) ? "tested" : "not supported by this CPU, skipped");
    }
    print_message("[ kernels  ] rnnrt_kernel_isa() = \"%s\"\n", rnnrt_kernel_isa());
    /* rnnrt.h: AVX-512F when the CPU has it, else AVX2 + FMA, else generic C (x86-64 with
     * GCC / clang; everything else uses generic C, which isa_available reports too). */
    if (isa_available(2)) {
        expect = 2;
    } else if (isa_available(1)) {
        expect = 1;
    }
#ifndef RNNRT_NO_SIMD
    assert_string_equal(rnnrt_kernel_isa(), ISA_NAME[expect]);
#endif
    assert_int_equal(public_isa(), public_isa()); /* stable across calls */
    assert_int_equal(RNNRT_PANEL, 64);
}

/* ---------------------------------------------------------------------------------------- */
/* Packed product                                                                           */
/* ---------------------------------------------------------------------------------------- */

/* W (n x k, row-major) into the packed layout of rnnrt.h: rows zero-padded to n16 (n rounded
 * up to 16), panels of w = min(64, n16 - p0) rows at p0 = 0, 64, ..., each k-major:
 * W[r][kk] at wp[p0 * k + kk * w + (r - p0)]. */
static void pack_w(const float *w, int n, int k, float *wp) {
    const int n16 = (n + 15) / 16 * 16;
    int p0, kk, r;
    for (p0 = 0; p0 < n16; p0 += 64) {
        const int pw = n16 - p0 < 64 ? n16 - p0 : 64;
        for (kk = 0; kk < k; ++kk) {
            for (r = p0; r < p0 + pw; ++r) {
                wp[(size_t)p0 * (size_t)k + (size_t)kk * (size_t)pw + (size_t)(r - p0)] =
                    r < n ? w[(size_t)r * (size_t)k + (size_t)kk] : 0.0f;
            }
        }
    }
}

#define GUARD 64 /* NaN floats after W and bias: reading them into a result shows up as NaN */

/* One product problem with its double reference. */
typedef struct {
    rnnrt_pgemm_params p;
    int has_bias;
    float *wp;     /* RNNRT_PACKED_SIZE(n, k) + GUARD */
    float *bias;   /* n + GUARD, or NULL */
    float *x;      /* (m + 1) rows of ldx; NaN outside the m x k block */
    size_t ny;     /* (m + 2) * ldy + 1 */
    float *y0;     /* Y before the call: sentinel outside the m x n block */
    float *y;      /* Y of one call */
    double *ref;   /* m x n: bias + X W^T (+ Y0) */
    double *scale; /* m x n: 1 + |bias| + |Y0| + sum |x w| */
} pg_case;

/* y_nan: with accumulate == 0, the m x n block of Y0 holds quiet NaN instead of the
 * sentinel (Y is write-only, so neither may show through). */
static void pg_setup(pg_case *c, int m, int n, int k, int ldx, int ldy, int has_bias, int acc,
                     int y_nan, uint64_t *rng) {
    const size_t wsize = (size_t)RNNRT_PACKED_SIZE(n, k);
    float *w = malloc(((size_t)n * (size_t)k + 1) * sizeof *w);
    size_t i;
    int r, j, kk;
    assert_non_null(w);
    memset(c, 0, sizeof *c);
    c->p.m = m;
    c->p.n = n;
    c->p.k = k;
    c->p.ldx = ldx;
    c->p.ldy = ldy;
    c->p.accumulate = acc;
    c->has_bias = has_bias;
    for (i = 0; i < (size_t)n * (size_t)k; ++i) {
        w[i] = rng_range(rng, -1.0f, 1.0f);
    }
    c->wp = malloc((wsize + GUARD) * sizeof *c->wp);
    assert_non_null(c->wp);
    for (i = 0; i < wsize + GUARD; ++i) {
        c->wp[i] = qnan();
    }
    pack_w(w, n, k, c->wp);
    for (i = 0; i < wsize; ++i) { /* self-check: the packing covers the documented size */
        assert_false(isnan(c->wp[i]));
    }
    if (has_bias) {
        c->bias = malloc(((size_t)n + GUARD) * sizeof *c->bias);
        assert_non_null(c->bias);
        for (j = 0; j < n + GUARD; ++j) {
            c->bias[j] = j < n ? rng_range(rng, -1.0f, 1.0f) : qnan();
        }
    }
    c->x = malloc(((size_t)(m + 1) * (size_t)ldx + 1) * sizeof *c->x);
    assert_non_null(c->x);
    for (r = 0; r < m + 1; ++r) {
        for (kk = 0; kk < ldx; ++kk) {
            c->x[(size_t)r * (size_t)ldx + (size_t)kk] =
                (r < m && kk < k) ? rng_range(rng, -1.0f, 1.0f) : qnan();
        }
    }
    c->ny = (size_t)(m + 2) * (size_t)ldy + 1;
    c->y0 = malloc(c->ny * sizeof *c->y0);
    c->y = malloc(c->ny * sizeof *c->y);
    assert_non_null(c->y0);
    assert_non_null(c->y);
    sentinel_fill(c->y0, c->ny);
    for (r = 0; r < m; ++r) {
        for (j = 0; j < n; ++j) {
            float *e = &c->y0[(size_t)r * (size_t)ldy + (size_t)j];
            if (acc) {
                *e = rng_range(rng, -1.0f, 1.0f);
            } else if (y_nan) {
                *e = qnan();
            }
        }
    }
    c->ref = malloc(((size_t)m * (size_t)n + 1) * sizeof *c->ref);
    c->scale = malloc(((size_t)m * (size_t)n + 1) * sizeof *c->scale);
    assert_non_null(c->ref);
    assert_non_null(c->scale);
    for (r = 0; r < m; ++r) {
        for (j = 0; j < n; ++j) {
            double s = 0.0, sa = 1.0;
            for (kk = 0; kk < k; ++kk) {
                const double t = (double)c->x[(size_t)r * (size_t)ldx + (size_t)kk] *
                                 (double)w[(size_t)j * (size_t)k + (size_t)kk];
                s += t;
                sa += fabs(t);
            }
            if (has_bias) {
                s += (double)c->bias[j];
                sa += fabs((double)c->bias[j]);
            }
            if (acc) {
                const double y0 = (double)c->y0[(size_t)r * (size_t)ldy + (size_t)j];
                s += y0;
                sa += fabs(y0);
            }
            c->ref[(size_t)r * (size_t)n + (size_t)j] = s;
            c->scale[(size_t)r * (size_t)n + (size_t)j] = sa;
        }
    }
    free(w);
}

static void pg_free(pg_case *c) {
    free(c->wp);
    free(c->bias);
    free(c->x);
    free(c->y0);
    free(c->y);
    free(c->ref);
    free(c->scale);
}

/* Y after one call against the reference; everything outside the m x n block must keep its
 * bits (padding columns between n and ldy, rows past m). Returns the number of bad elements. */
static int pg_check(const pg_case *c, int isa, const char *what) {
    const rnnrt_pgemm_params *p = &c->p;
    int bad = 0;
    size_t e;
    for (e = 0; e < c->ny; ++e) {
        const int r = (int)(e / (size_t)p->ldy), j = (int)(e % (size_t)p->ldy);
        const float got = c->y[e];
        if (r < p->m && j < p->n) {
            const double ref = c->ref[(size_t)r * (size_t)p->n + (size_t)j];
            const double tol = 1e-5 * c->scale[(size_t)r * (size_t)p->n + (size_t)j];
            if (!isfinite(got) || fabs((double)got - ref) > tol) {
                if (g_printed++ < 20) {
                    print_error("%s [%s] m=%d n=%d k=%d ldx=%d ldy=%d bias=%d acc=%d: Y[%d][%d] = "
                                "%.9g, expected %.9g (tol %.3g)\n",
                                what, ISA_NAME[isa], p->m, p->n, p->k, p->ldx, p->ldy, c->has_bias,
                                p->accumulate, r, j, (double)got, ref, tol);
                }
                ++bad;
            }
        } else if (!same_bits(got, c->y0[e])) {
            if (g_printed++ < 20) {
                print_error("%s [%s] m=%d n=%d k=%d ldx=%d ldy=%d bias=%d acc=%d: element %zu "
                            "(row %d, column %d) outside Y was written (%.9g)\n",
                            what, ISA_NAME[isa], p->m, p->n, p->k, p->ldx, p->ldy, c->has_bias,
                            p->accumulate, e, r, j, (double)got);
            }
            ++bad;
        }
    }
    return bad;
}

/* Runs implementation isa on c (from Y0) and checks it. */
static int pg_run(pg_case *c, int isa, const char *what) {
    rnnrt_status st;
    memcpy(c->y, c->y0, c->ny * sizeof *c->y);
    st = rnnrt_priv_pgemm_isa(isa, &c->p, c->wp, c->bias, c->x, c->y);
    if (st != RNNRT_OK) {
        print_error("%s [%s] m=%d n=%d k=%d: status %s\n", what, ISA_NAME[isa], c->p.m, c->p.n,
                    c->p.k, rnnrt_status_str(st));
        return 1;
    }
    return pg_check(c, isa, what);
}

static void test_pgemm_sizes(void **state) {
    static const int ms[] = {1, 2, 3, 4, 5, 7, 33};
    static const int ns[] = {1, 15, 16, 17, 63, 64, 65, 100, 128, 130, 512};
    static const int ks[] = {0, 1, 2, 3, 37, 128};
    uint64_t rng = 0x5eed0001u;
    int bad = 0, runs = 0;
    size_t a, b, d;
    int has_bias, acc, strided, isa;
    (void)state;
    g_printed = 0;
    for (a = 0; a < sizeof ms / sizeof ms[0]; ++a) {
        for (b = 0; b < sizeof ns / sizeof ns[0]; ++b) {
            for (d = 0; d < sizeof ks / sizeof ks[0]; ++d) {
                for (strided = 0; strided < 2; ++strided) {
                    for (has_bias = 0; has_bias < 2; ++has_bias) {
                        for (acc = 0; acc < 2; ++acc) {
                            const int m = ms[a], n = ns[b], k = ks[d];
                            /* strided: ldx > k and ldy > n by varying amounts */
                            const int ldx = strided ? k + 1 + (int)(d + a) % 5 : k;
                            const int ldy = strided ? n + 1 + (int)(b + a) % 7 : n;
                            pg_case c;
                            pg_setup(&c, m, n, k, ldx, ldy, has_bias, acc, 1, &rng);
                            for (isa = 0; isa < N_ISA; ++isa) {
                                if (isa_available(isa)) {
                                    bad += pg_run(&c, isa, "pgemm sweep");
                                    ++runs;
                                }
                            }
                            pg_free(&c);
                        }
                    }
                }
            }
        }
    }
    print_message("[ kernels  ] pgemm: %d products checked\n", runs);
    assert_int_equal(bad, 0);
}

/* accumulate == 0: whatever Y held (quiet NaN, or the signalling-NaN sentinel) must not reach
 * the result, with and without bias, for full and partial panels, k == 0 included. */
static void test_pgemm_y_write_only(void **state) {
    static const int shapes[][3] = {{1, 17, 5}, {2, 64, 3},  {3, 65, 1},    {4, 100, 37},
                                    {5, 16, 0}, {7, 130, 2}, {1, 512, 128}, {33, 15, 4}};
    uint64_t rng = 0x5eed0002u;
    int bad = 0;
    size_t s;
    int has_bias, y_nan, isa;
    (void)state;
    g_printed = 0;
    for (s = 0; s < sizeof shapes / sizeof shapes[0]; ++s) {
        for (has_bias = 0; has_bias < 2; ++has_bias) {
            for (y_nan = 0; y_nan < 2; ++y_nan) {
                const int m = shapes[s][0], n = shapes[s][1], k = shapes[s][2];
                pg_case c;
                size_t e;
                int r, j;
                pg_setup(&c, m, n, k, k + 2, n + 3, has_bias, 0, y_nan, &rng);
                for (r = 0; r < m; ++r) { /* the block really holds NaN before the call */
                    for (j = 0; j < n; ++j) {
                        assert_true(isnan(c.y0[(size_t)r * (size_t)c.p.ldy + (size_t)j]));
                    }
                }
                for (isa = 0; isa < N_ISA; ++isa) {
                    if (!isa_available(isa)) {
                        continue;
                    }
                    bad += pg_run(&c, isa, "pgemm NaN in Y, accumulate=0");
                    for (r = 0; r < m; ++r) {
                        for (j = 0; j < n; ++j) {
                            e = (size_t)r * (size_t)c.p.ldy + (size_t)j;
                            bad += isnan(c.y[e]) ? 1 : 0;
                        }
                    }
                }
                pg_free(&c);
            }
        }
    }
    assert_int_equal(bad, 0);
}

/* k == 0: Y = bias (+ Y), one float addition at most, so compare exactly. */
static void test_pgemm_k0(void **state) {
    const float nan = qnan();
    float bias[5] = {0.5f, -1.25f, 3.0f, 1e-3f, -7.0f};
    float y[3 * 6], y0[3 * 6];
    rnnrt_pgemm_params p = {2, 5, 0, 0, 6, 0};
    const float x[1] = {0.0f}, wp[1] = {0.0f};
    int isa, acc, hb, i, j;
    (void)state;
    for (isa = 0; isa < N_ISA; ++isa) {
        if (!isa_available(isa)) {
            continue;
        }
        for (acc = 0; acc < 2; ++acc) {
            for (hb = 0; hb < 2; ++hb) {
                p.accumulate = acc;
                sentinel_fill(y0, 3 * 6);
                for (i = 0; i < 2; ++i) {
                    for (j = 0; j < 5; ++j) {
                        y0[i * 6 + j] = acc ? (float)(i * 5 + j) * 0.375f - 2.0f : nan;
                    }
                }
                memcpy(y, y0, sizeof y);
                assert_int_equal(rnnrt_priv_pgemm_isa(isa, &p, wp, hb ? bias : NULL, x, y),
                                 RNNRT_OK);
                for (i = 0; i < 3; ++i) {
                    for (j = 0; j < 6; ++j) {
                        if (i < 2 && j < 5) {
                            const float expect =
                                (hb ? bias[j] : 0.0f) + (acc ? y0[i * 6 + j] : 0.0f);
                            if (!(y[i * 6 + j] == expect)) {
                                print_error("k=0 [%s] acc=%d bias=%d Y[%d][%d] = %.9g, expected "
                                            "%.9g\n",
                                            ISA_NAME[isa], acc, hb, i, j, (double)y[i * 6 + j],
                                            (double)expect);
                                fail();
                            }
                        } else {
                            assert_true(same_bits(y[i * 6 + j], y0[i * 6 + j]));
                        }
                    }
                }
            }
        }
    }
}

/* m == 0 or n == 0: OK and nothing written. */
static void test_pgemm_empty(void **state) {
    float y[64], wp[64], bias[16], x[64];
    int isa, acc;
    (void)state;
    fill(wp, 64, 1.0f);
    fill(x, 64, 1.0f);
    fill(bias, 16, 1.0f);
    for (isa = 0; isa < N_ISA; ++isa) {
        if (!isa_available(isa)) {
            continue;
        }
        for (acc = 0; acc < 2; ++acc) {
            rnnrt_pgemm_params p0 = {0, 5, 3, 3, 5, 0}; /* m == 0 */
            rnnrt_pgemm_params p1 = {3, 0, 3, 3, 0, 0}; /* n == 0 */
            rnnrt_pgemm_params p2 = {0, 0, 0, 0, 0, 0}; /* all zero */
            rnnrt_pgemm_params p3 = {4, 0, 0, 0, 2, 0}; /* n == 0, k == 0 */
            p0.accumulate = p1.accumulate = p2.accumulate = p3.accumulate = acc;
            sentinel_fill(y, 64);
            assert_int_equal(rnnrt_priv_pgemm_isa(isa, &p0, wp, bias, x, y), RNNRT_OK);
            assert_int_equal(rnnrt_priv_pgemm_isa(isa, &p1, wp, bias, x, y), RNNRT_OK);
            assert_int_equal(rnnrt_priv_pgemm_isa(isa, &p2, wp, bias, x, y), RNNRT_OK);
            assert_int_equal(rnnrt_priv_pgemm_isa(isa, &p3, wp, NULL, x, y), RNNRT_OK);
            assert_true(untouched(y, 64));
        }
    }
}

/* Bad arguments: RNNRT_E_ARG and Y unchanged. */
static void test_pgemm_args(void **state) {
    float y[256], wp[256], bias[16], x[256];
    const rnnrt_pgemm_params good = {3, 5, 4, 4, 5, 0};
    int isa, acc;
    (void)state;
    fill(wp, 256, 0.25f);
    fill(x, 256, 0.5f);
    fill(bias, 16, 1.0f);
    for (isa = 0; isa < N_ISA; ++isa) {
        if (!isa_available(isa)) {
            continue;
        }
        for (acc = 0; acc < 2; ++acc) {
            rnnrt_pgemm_params p = good;
            p.accumulate = acc;
            sentinel_fill(y, 256);
            assert_int_equal(rnnrt_priv_pgemm_isa(isa, NULL, wp, bias, x, y), RNNRT_E_ARG);
            assert_int_equal(rnnrt_priv_pgemm_isa(isa, &p, wp, bias, x, NULL), RNNRT_E_ARG);
            assert_int_equal(rnnrt_priv_pgemm_isa(isa, &p, NULL, bias, x, y), RNNRT_E_ARG);
            assert_int_equal(rnnrt_priv_pgemm_isa(isa, &p, wp, bias, NULL, y), RNNRT_E_ARG);
            p = good, p.accumulate = acc, p.m = -1;
            assert_int_equal(rnnrt_priv_pgemm_isa(isa, &p, wp, bias, x, y), RNNRT_E_ARG);
            p = good, p.accumulate = acc, p.n = -1;
            assert_int_equal(rnnrt_priv_pgemm_isa(isa, &p, wp, bias, x, y), RNNRT_E_ARG);
            p = good, p.accumulate = acc, p.k = -1;
            assert_int_equal(rnnrt_priv_pgemm_isa(isa, &p, wp, bias, x, y), RNNRT_E_ARG);
            p = good, p.accumulate = acc, p.k = -1, p.ldx = -1; /* ldx >= k, k still negative */
            assert_int_equal(rnnrt_priv_pgemm_isa(isa, &p, wp, bias, x, y), RNNRT_E_ARG);
            p = good, p.accumulate = acc, p.ldx = 3; /* ldx < k */
            assert_int_equal(rnnrt_priv_pgemm_isa(isa, &p, wp, bias, x, y), RNNRT_E_ARG);
            p = good, p.accumulate = acc, p.ldy = 4; /* ldy < n */
            assert_int_equal(rnnrt_priv_pgemm_isa(isa, &p, wp, bias, x, y), RNNRT_E_ARG);
            p = good, p.accumulate = acc, p.ldy = -5;
            assert_int_equal(rnnrt_priv_pgemm_isa(isa, &p, wp, bias, x, y), RNNRT_E_ARG);
            p = good, p.accumulate = acc, p.k = 0, p.ldx = 0, p.ldy = 4; /* k == 0 path too */
            assert_int_equal(rnnrt_priv_pgemm_isa(isa, &p, wp, bias, x, y), RNNRT_E_ARG);
            p = good, p.accumulate = acc, p.m = 40, p.n = 64, p.ldy = 63; /* SIMD-sized */
            assert_int_equal(rnnrt_priv_pgemm_isa(isa, &p, wp, bias, x, y), RNNRT_E_ARG);
            assert_true(untouched(y, 256));
            /* the public entry point validates the same way */
            p = good, p.accumulate = acc, p.ldx = 3;
            assert_int_equal(rnnrt_pgemm_f32(&p, wp, bias, x, y), RNNRT_E_ARG);
            assert_int_equal(rnnrt_pgemm_f32(NULL, wp, bias, x, y), RNNRT_E_ARG);
            p = good, p.accumulate = acc;
            assert_int_equal(rnnrt_pgemm_f32(&p, wp, bias, x, NULL), RNNRT_E_ARG);
            assert_true(untouched(y, 256));
        }
    }
}

/* The public rnnrt_pgemm_f32 is the implementation rnnrt_kernel_isa() names, bit for bit. */
static void test_pgemm_public(void **state) {
    static const int shapes[][3] = {{1, 100, 37}, {5, 130, 128}, {33, 17, 3}};
    const int isa = public_isa();
    uint64_t rng = 0x5eed0003u;
    size_t s;
    int acc;
    (void)state;
    g_printed = 0;
    for (s = 0; s < sizeof shapes / sizeof shapes[0]; ++s) {
        for (acc = 0; acc < 2; ++acc) {
            pg_case c;
            float *ypub;
            const int m = shapes[s][0], n = shapes[s][1], k = shapes[s][2];
            pg_setup(&c, m, n, k, k + 1, n + 2, 1, acc, 1, &rng);
            ypub = malloc(c.ny * sizeof *ypub);
            assert_non_null(ypub);
            memcpy(ypub, c.y0, c.ny * sizeof *ypub);
            assert_int_equal(rnnrt_pgemm_f32(&c.p, c.wp, c.bias, c.x, ypub), RNNRT_OK);
            assert_int_equal(pg_run(&c, isa, "pgemm public"), 0);
            assert_memory_equal(ypub, c.y, c.ny * sizeof *ypub);
            free(ypub);
            pg_free(&c);
        }
    }
}

/* ---------------------------------------------------------------------------------------- */
/* Packed product, reduced-precision weights (rnnrt_pgemm_f16 / _bf16 / _i8)               */
/* ---------------------------------------------------------------------------------------- */

enum { DT_F16, DT_BF16, DT_I8, N_DT };
static const char *const DT_NAME[N_DT] = {"f16", "bf16", "i8"};
static const size_t DT_SIZE[N_DT] = {2, 2, 1};

/* binary16 bits -> value, written here from the IEEE 754 definition (ldexp of the integer
 * significand), not from the runtime's bit conversion: 1 sign, 5 exponent (bias 15), 10
 * fraction bits; exponent 0: subnormal m * 2^-24; exponent 31: Inf (m == 0) or NaN. */
static double f16_value(uint16_t h) {
    const int sign = h >> 15, e = (h >> 10) & 31, m = h & 1023;
    double v;
    if (e == 31) {
        v = m ? (double)NAN : (double)INFINITY;
    } else if (e == 0) {
        v = ldexp((double)m, -24);
    } else {
        v = ldexp((double)(1024 + m), e - 25); /* (1 + m / 2^10) * 2^(e - 15) */
    }
    return sign ? -v : v;
}

/* bfloat16 bits -> value, likewise: 1 sign, 8 exponent (bias 127), 7 fraction bits;
 * exponent 0: subnormal m * 2^-133; exponent 255: Inf or NaN. */
static double bf16_value(uint16_t h) {
    const int sign = h >> 15, e = (h >> 7) & 255, m = h & 127;
    double v;
    if (e == 255) {
        v = m ? (double)NAN : (double)INFINITY;
    } else if (e == 0) {
        v = ldexp((double)m, -133);
    } else {
        v = ldexp((double)(128 + m), e - 134); /* (1 + m / 2^7) * 2^(e - 127) */
    }
    return sign ? -v : v;
}

/* Element e of a weight array of type dt as a double. */
static double dt_value(int dt, const void *w, size_t e) {
    if (dt == DT_I8) {
        return (double)((const int8_t *)w)[e];
    }
    return dt == DT_F16 ? f16_value(((const uint16_t *)w)[e])
                        : bf16_value(((const uint16_t *)w)[e]);
}

/* The decoders above against values known independently (IEEE 754 tables). */
static void test_pgemm_decode_self(void **state) {
    (void)state;
    assert_true(f16_value(0x3C00) == 1.0);
    assert_true(f16_value(0x7BFF) == 65504.0);
    assert_true(f16_value(0x0001) == 1.0 / 16777216.0);    /* 2^-24, smallest subnormal */
    assert_true(f16_value(0x03FF) == 1023.0 / 16777216.0); /* largest subnormal */
    assert_true(f16_value(0x0400) == 1.0 / 16384.0);       /* 2^-14, smallest normal */
    assert_true(f16_value(0xC000) == -2.0);
    assert_true(f16_value(0x3555) == 0.333251953125); /* 1365 / 4096 */
    assert_true(f16_value(0x3800) == 0.5);
    assert_true(f16_value(0x8000) == 0.0 && signbit(f16_value(0x8000)));
    assert_true(isinf(f16_value(0x7C00)) && f16_value(0x7C00) > 0);
    assert_true(isinf(f16_value(0xFC00)) && f16_value(0xFC00) < 0);
    assert_true(isnan(f16_value(0x7E00)) && isnan(f16_value(0x7C01)));
    assert_true(bf16_value(0x3F80) == 1.0);
    assert_true(bf16_value(0xC000) == -2.0);
    assert_true(bf16_value(0x4049) == 3.140625);
    assert_true(bf16_value(0x7F7F) == 255.0 * ldexp(1.0, 120)); /* max: (2 - 2^-7) 2^127 */
    assert_true(bf16_value(0x0080) == ldexp(1.0, -126));        /* smallest normal */
    assert_true(bf16_value(0x0001) == ldexp(1.0, -133));        /* smallest subnormal */
    assert_true(isinf(bf16_value(0x7F80)) && isnan(bf16_value(0x7FC0)));
    /* bfloat16 really is the top half of the float */
    {
        const float one = 1.0f, pi = 3.140625f;
        uint32_t u;
        memcpy(&u, &one, sizeof u);
        assert_int_equal(u >> 16, 0x3F80);
        memcpy(&u, &pi, sizeof u);
        assert_int_equal(u, 0x40490000u);
    }
}

/* pack_w for any element size: W (n x k row-major, elements of esize bytes) into the layout
 * of rnnrt.h; padded rows are zero bytes (+0 in every type). */
static void pack_any(const void *w, size_t esize, int n, int k, void *wp) {
    const int n16 = (n + 15) / 16 * 16;
    const unsigned char *src = w;
    unsigned char *dst = wp;
    int p0, kk, r;
    for (p0 = 0; p0 < n16; p0 += 64) {
        const int pw = n16 - p0 < 64 ? n16 - p0 : 64;
        for (kk = 0; kk < k; ++kk) {
            for (r = p0; r < p0 + pw; ++r) {
                unsigned char *d =
                    dst +
                    ((size_t)p0 * (size_t)k + (size_t)kk * (size_t)pw + (size_t)(r - p0)) * esize;
                if (r < n) {
                    memcpy(d, src + ((size_t)r * (size_t)k + (size_t)kk) * esize, esize);
                } else {
                    memset(d, 0, esize);
                }
            }
        }
    }
}

/* n x k int8 weights (row-major) into the layout of RNNRT_PACKED_SIZE_I8: in each panel of
 * pw rows, q[r][kk] at p0 * k4 + (kk / 4) * 4 * pw + (r - p0) * 4 + kk % 4, zeros past n and
 * k, then the int32 row sums, little-endian. */
static void pack_i8(const int8_t *w, int n, int k, int8_t *wp) {
    const int n16 = (n + 15) / 16 * 16, k4 = (k + 3) / 4 * 4;
    unsigned char *sums = (unsigned char *)wp + (size_t)n16 * (size_t)k4;
    int p0, kk, r, b;
    memset(wp, 0, (size_t)RNNRT_PACKED_SIZE_I8(n, k));
    for (p0 = 0; p0 < n16; p0 += 64) {
        const int pw = n16 - p0 < 64 ? n16 - p0 : 64;
        for (r = p0; r < p0 + pw && r < n; ++r) {
            long s = 0;
            for (kk = 0; kk < k; ++kk) {
                const int8_t q = w[(size_t)r * (size_t)k + (size_t)kk];
                wp[(size_t)p0 * (size_t)k4 + (size_t)(kk / 4) * 4 * (size_t)pw +
                   (size_t)(r - p0) * 4 + (size_t)(kk % 4)] = q;
                s += q;
            }
            for (b = 0; b < 4; ++b) {
                sums[(size_t)r * 4 + (size_t)b] =
                    (unsigned char)(((unsigned long)s >> (8 * b)) & 255u);
            }
        }
    }
}

/* One random weight of type dt into w[e]: binary16 with exponents 0..16 (subnormals up to
 * ~2), bfloat16 with exponents 107..128 and now and then 0 (subnormal), int8 anything. */
static void dt_random(int dt, void *w, size_t e, uint64_t *rng) {
    const uint32_t r = rng_u32(rng);
    if (dt == DT_I8) {
        ((int8_t *)w)[e] = (int8_t)((int)(r & 255u) - 128);
    } else if (dt == DT_F16) {
        ((uint16_t *)w)[e] = (uint16_t)((r & 0x8000u) | (((r >> 16) % 17u) << 10) | (r & 0x3ffu));
    } else {
        const uint32_t ex = (r >> 20) % 23u == 22u ? 0u : 107u + (r >> 20) % 22u;
        ((uint16_t *)w)[e] = (uint16_t)((r & 0x8000u) | (ex << 7) | (r & 0x7fu));
    }
}

/* The product problem of pg_case with weights of type dt: wq (packed, RNNRT_PACKED_SIZE
 * elements + GUARD of garbage), qs the int8 scale (n + GUARD, NaN past n). ref and scale of
 * the pg_case come from the weights decoded here (f16_value, ...), in double. */
typedef struct {
    pg_case c; /* c.wp, c.bias, c.x, c.y0, c.y, c.ref, c.scale; c.wp unused (NULL) */
    int dt;
    void *wq;
    float *qs;
} pq_case;

static void pq_setup(pq_case *q, int dt, int m, int n, int k, int ldx, int ldy, int has_bias,
                     int acc, uint64_t *rng) {
    const size_t es = DT_SIZE[dt];
    const size_t wsize =
        dt == DT_I8 ? (size_t)RNNRT_PACKED_SIZE_I8(n, k) : (size_t)RNNRT_PACKED_SIZE(n, k);
    pg_case *c = &q->c;
    void *w = malloc(((size_t)n * (size_t)k + 1) * es);
    size_t i;
    int r, j, kk;
    assert_non_null(w);
    /* X, Y0, bias from the float setup with a 1 x 1 throwaway W */
    pg_setup(c, m, n, 0, ldx, ldy, has_bias, acc, 1, rng);
    c->p.k = k;
    free(c->x);
    c->x = malloc(((size_t)(m + 1) * (size_t)ldx + 1) * sizeof *c->x);
    assert_non_null(c->x);
    for (r = 0; r < m + 1; ++r) {
        for (kk = 0; kk < ldx; ++kk) {
            c->x[(size_t)r * (size_t)ldx + (size_t)kk] =
                (r < m && kk < k) ? rng_range(rng, -1.0f, 1.0f) : qnan();
        }
    }
    free(c->wp);
    c->wp = NULL;
    q->dt = dt;
    for (i = 0; i < (size_t)n * (size_t)k; ++i) {
        dt_random(dt, w, i, rng);
    }
    q->wq = malloc((wsize + GUARD) * es);
    assert_non_null(q->wq);
    /* guard: NaN for the 16-bit types, 127 for int8 */
    for (i = 0; i < wsize + GUARD; ++i) {
        if (dt == DT_I8) {
            ((int8_t *)q->wq)[i] = 127;
        } else {
            ((uint16_t *)q->wq)[i] = dt == DT_F16 ? 0x7E00 : 0x7FC0;
        }
    }
    if (dt == DT_I8) {
        pack_i8(w, n, k, q->wq);
    } else {
        pack_any(w, es, n, k, q->wq);
    }
    q->qs = NULL;
    if (dt == DT_I8) {
        q->qs = malloc(((size_t)n + GUARD) * sizeof *q->qs);
        assert_non_null(q->qs);
        for (j = 0; j < n + GUARD; ++j) {
            /* both signs, magnitudes 2^-10 .. 2^-5 as a quantiser gives for |W| <= 1 */
            q->qs[j] = j < n ? (j % 3 == 2 ? -1.0f : 1.0f) * rng_range(rng, 1.0f / 1024, 1.0f / 32)
                             : qnan();
        }
    }
    for (r = 0; r < m; ++r) {
        for (j = 0; j < n; ++j) {
            double s = 0.0, sa = 0.0, sc = dt == DT_I8 ? (double)q->qs[j] : 1.0;
            for (kk = 0; kk < k; ++kk) {
                const double t = (double)c->x[(size_t)r * (size_t)ldx + (size_t)kk] *
                                 dt_value(dt, w, (size_t)j * (size_t)k + (size_t)kk);
                s += t;
                sa += fabs(t);
            }
            s *= sc; /* Y = bias + scale * sum */
            sa = 1.0 + fabs(sc) * sa;
            if (has_bias) {
                s += (double)c->bias[j];
                sa += fabs((double)c->bias[j]);
            }
            if (acc) {
                const double y0 = (double)c->y0[(size_t)r * (size_t)ldy + (size_t)j];
                s += y0;
                sa += fabs(y0);
            }
            c->ref[(size_t)r * (size_t)n + (size_t)j] = s;
            c->scale[(size_t)r * (size_t)n + (size_t)j] = sa;
        }
    }
    free(w);
}

static void pq_free(pq_case *q) {
    pg_free(&q->c);
    free(q->wq);
    free(q->qs);
}

/* The product of type dt through implementation isa, or (isa == N_ISA) the public entry. */
static rnnrt_status pq_call(int dt, int isa, const rnnrt_pgemm_params *p, const void *wq,
                            const float *qs, const float *bias, const float *x, float *y) {
    if (isa == N_ISA) {
        return dt == DT_I8    ? rnnrt_pgemm_i8(p, wq, qs, bias, x, y)
               : dt == DT_F16 ? rnnrt_pgemm_f16(p, wq, bias, x, y)
                              : rnnrt_pgemm_bf16(p, wq, bias, x, y);
    }
    return dt == DT_I8 ? rnnrt_priv_pgemm_i8_isa(isa, p, wq, qs, bias, x, y)
                       : rnnrt_priv_pgemm16_isa(isa, dt == DT_BF16, p, wq, bias, x, y);
}

static int pq_run(pq_case *q, int isa, const char *what) {
    pg_case *c = &q->c;
    rnnrt_status st;
    char buf[96];
    memcpy(c->y, c->y0, c->ny * sizeof *c->y);
    st = pq_call(q->dt, isa, &c->p, q->wq, q->qs, c->bias, c->x, c->y);
    snprintf(buf, sizeof buf, "%s %s", what, DT_NAME[q->dt]);
    if (st != RNNRT_OK) {
        print_error("%s [%s] m=%d n=%d k=%d: status %s\n", buf, ISA_NAME[isa], c->p.m, c->p.n,
                    c->p.k, rnnrt_status_str(st));
        return 1;
    }
    return pg_check(c, isa, buf);
}

/* Every type, every implementation, against the double reference of the decoded weights. */
static void test_pgemm_dtypes_sizes(void **state) {
    static const int ms[] = {1, 2, 3, 4, 5, 9};
    static const int ns[] = {1, 7, 16, 17, 64, 65, 130};
    static const int ks[] = {0, 1, 3, 17, 100};
    uint64_t rng = 0x5eed0101u;
    int bad = 0, runs = 0;
    size_t a, b, d;
    int dt, has_bias, acc, strided, isa;
    (void)state;
    g_printed = 0;
    for (dt = 0; dt < N_DT; ++dt) {
        for (a = 0; a < sizeof ms / sizeof ms[0]; ++a) {
            for (b = 0; b < sizeof ns / sizeof ns[0]; ++b) {
                for (d = 0; d < sizeof ks / sizeof ks[0]; ++d) {
                    for (strided = 0; strided < 2; ++strided) {
                        for (has_bias = 0; has_bias < 2; ++has_bias) {
                            for (acc = 0; acc < 2; ++acc) {
                                const int m = ms[a], n = ns[b], k = ks[d];
                                const int ldx = strided ? k + 1 + (int)(d + a) % 5 : k;
                                const int ldy = strided ? n + 1 + (int)(b + a) % 7 : n;
                                pq_case q;
                                pq_setup(&q, dt, m, n, k, ldx, ldy, has_bias, acc, &rng);
                                for (isa = 0; isa < N_ISA; ++isa) {
                                    if (isa_available(isa)) {
                                        bad += pq_run(&q, isa, "pgemm sweep");
                                        ++runs;
                                    }
                                }
                                pq_free(&q);
                            }
                        }
                    }
                }
            }
        }
    }
    print_message("[ kernels  ] pgemm f16/bf16/i8: %d products checked\n", runs);
    assert_int_equal(bad, 0);
}

/* Hand-derived 1 x 2 x 3 products (exact: every partial sum is a float in any order), without
 * and with accumulation into Y = {10, 20}. */
static void test_pgemm_dtypes_exact(void **state) {
    /* binary16. x = {2^20, 3, 0.25}
     *   row 0: {0x3C00 = 1, 0x7BFF = 65504, 0x8000 = -0}:
     *          2^20 + 3 * 65504 + 0 = 1048576 + 196512 = 1245088; + bias 0.5 = 1245088.5
     *   row 1: {0x0001 = 2^-24, 0x3555 = 1365/4096, 0xC000 = -2}:
     *          2^-4 + 4095/4096 - 0.5 = 0.0625 + 0.999755859375 - 0.5 = 0.562255859375;
     *          + bias -0.25 = 0.312255859375 */
    static const uint16_t wf16[2 * 3] = {0x3C00, 0x7BFF, 0x8000, 0x0001, 0x3555, 0xC000};
    static const float xf16[3] = {1048576.0f, 3.0f, 0.25f};
    static const float yf16[2] = {1245088.5f, 0.312255859375f};
    /* bfloat16. x = {1, 2, -0.5}
     *   row 0: {0x3F80 = 1, 0x4049 = 3.140625, 0xC000 = -2}: 1 + 6.28125 + 1 = 8.28125;
     *          + 0.5 = 8.78125
     *   row 1: {0x3E00 = 0.125, 0xBF00 = -0.5, 0x4120 = 10}: 0.125 - 1 - 5 = -5.875;
     *          - 0.25 = -6.125 */
    static const uint16_t wbf16[2 * 3] = {0x3F80, 0x4049, 0xC000, 0x3E00, 0xBF00, 0x4120};
    static const float xbf16[3] = {1.0f, 2.0f, -0.5f};
    static const float ybf16[2] = {8.78125f, -6.125f};
    /* int8, scale {0.5, 0.125}. x = {1, 2, -0.5}
     *   row 0: {127, -128, 4}: 127 - 256 - 2 = -131; * 0.5 = -65.5; + 0.5 = -65
     *   row 1: {-1, 0, 50}: -1 + 0 - 25 = -26; * 0.125 = -3.25; - 0.25 = -3.5 */
    static const int8_t wi8[2 * 3] = {127, -128, 4, -1, 0, 50};
    static const float xi8[3] = {1.0f, 2.0f, -0.5f}, si8[2] = {0.5f, 0.125f};
    static const float yi8[2] = {-65.0f, -3.5f};
    static const float bias[2] = {0.5f, -0.25f};
    uint16_t p16[16 * 3];
    int8_t p8[RNNRT_PACKED_SIZE_I8(2, 3)];
    float y[3];
    int isa, dt, acc, j;
    (void)state;
    for (dt = 0; dt < N_DT; ++dt) {
        const float *x = dt == DT_F16 ? xf16 : dt == DT_BF16 ? xbf16 : xi8;
        const float *expect = dt == DT_F16 ? yf16 : dt == DT_BF16 ? ybf16 : yi8;
        const void *wp = dt == DT_I8 ? (const void *)p8 : (const void *)p16;
        if (dt == DT_I8) {
            pack_i8(wi8, 2, 3, p8);
        } else {
            pack_any(dt == DT_F16 ? wf16 : wbf16, 2, 2, 3, p16);
        }
        for (isa = 0; isa <= N_ISA; ++isa) { /* N_ISA: the public entry point */
            if (isa < N_ISA && !isa_available(isa)) {
                continue;
            }
            for (acc = 0; acc < 2; ++acc) {
                const rnnrt_pgemm_params p = {1, 2, 3, 3, 2, acc};
                y[0] = 10.0f, y[1] = 20.0f;
                sentinel_fill(&y[2], 1);
                assert_int_equal(pq_call(dt, isa, &p, wp, si8, bias, x, y), RNNRT_OK);
                for (j = 0; j < 2; ++j) {
                    const float e = expect[j] + (acc ? (j ? 20.0f : 10.0f) : 0.0f);
                    if (!(y[j] == e)) {
                        print_error("exact %s [%s] acc=%d Y[%d] = %.12g, expected %.12g\n",
                                    DT_NAME[dt], isa < N_ISA ? ISA_NAME[isa] : "public", acc, j,
                                    (double)y[j], (double)e);
                        fail();
                    }
                }
                assert_true(untouched(&y[2], 1));
            }
        }
    }
}

/* Every binary16 and bfloat16 bit pattern (and every int8) through every implementation:
 * W = the 65536 values as one column (k = 1, n = 65536), x = 1, so Y[j] = 0 + W[j] * 1 is
 * the widened weight itself: exact, Inf stays Inf, NaN stays NaN (-0 comes out +0). */
static void test_pgemm_dtypes_all_values(void **state) {
    const int n = 65536;
    uint16_t *w16 = malloc((size_t)n * sizeof *w16), *p16 = malloc((size_t)n * sizeof *p16);
    int8_t w8[256], p8[RNNRT_PACKED_SIZE_I8(256, 1)];
    float *y = malloc((size_t)n * sizeof *y), s8[256];
    const float one = 1.0f;
    int isa, dt, j, bad = 0;
    (void)state;
    assert_non_null(w16);
    assert_non_null(p16);
    assert_non_null(y);
    for (j = 0; j < n; ++j) {
        w16[j] = (uint16_t)j;
    }
    for (j = 0; j < 256; ++j) {
        w8[j] = (int8_t)(j - 128);
        s8[j] = 1.0f;
    }
    pack_any(w16, 2, n, 1, p16);
    pack_i8(w8, 256, 1, p8);
    for (dt = 0; dt < N_DT; ++dt) {
        const int nn = dt == DT_I8 ? 256 : n;
        const rnnrt_pgemm_params p = {1, nn, 1, 1, nn, 0};
        for (isa = 0; isa < N_ISA; ++isa) {
            if (!isa_available(isa)) {
                continue;
            }
            sentinel_fill(y, (size_t)n);
            assert_int_equal(
                pq_call(dt, isa, &p, dt == DT_I8 ? (const void *)p8 : p16, s8, NULL, &one, y),
                RNNRT_OK);
            for (j = 0; j < nn; ++j) {
                const double v = dt == DT_I8 ? (double)w8[j] : dt_value(dt, w16, (size_t)j);
                const int ok = isnan(v) ? isnan(y[j]) : (double)y[j] == v;
                if (!ok && bad++ < 10) {
                    print_error("%s [%s] pattern 0x%04x: got %.9g, expected %.9g\n", DT_NAME[dt],
                                ISA_NAME[isa], (unsigned)(dt == DT_I8 ? (uint8_t)w8[j] : w16[j]),
                                (double)y[j], v);
                }
            }
        }
    }
    free(w16);
    free(p16);
    free(y);
    assert_int_equal(bad, 0);
}

/* int8 products against a double reference with the bound rnnrt.h states for rnnrt_pgemm_i8:
 * fp32 summation error (k + 2) 2^-24 (|s| sum |x q| + |bias|), plus, for the integer (VNNI)
 * path, M 2^-22 |s| sum |q| (M = max |x| of the row). Rows of wide dynamic range (1e-30 next
 * to 1e3), k where A1/A0 stop converting exactly (> 512), and rows the integer path must leave to
 * fp32: NaN (every output NaN), +Inf, all zero (Y = bias exactly), M < 2^-105; k past 2048 (fp32).
 */
static void test_pgemm_i8_bound(void **state) {
    static const int ks[] = {1, 3, 4, 64, 129, 512, 513, 700, 2048, 2049};
    static const int ns[] = {1, 17, 64, 130};
    uint64_t rng = 0x5eed0105u;
    int a, b, kind, isa, bad = 0, runs = 0;
    (void)state;
    for (a = 0; a < (int)(sizeof ks / sizeof ks[0]); ++a) {
        for (b = 0; b < (int)(sizeof ns / sizeof ns[0]); ++b) {
            const int k = ks[a], n = ns[b], m = 3;
            int8_t *w = malloc((size_t)n * (size_t)k), *wp = malloc(RNNRT_PACKED_SIZE_I8(n, k));
            float *x = malloc((size_t)m * (size_t)k * sizeof *x), s[130], bias[130], y[3 * 130];
            int r, j, kk;
            assert_non_null(w);
            assert_non_null(wp);
            assert_non_null(x);
            for (j = 0; j < n * k; ++j) {
                w[j] = (int8_t)(rng_u32(&rng) & 255u);
            }
            for (j = 0; j < n; ++j) {
                s[j] = rng_range(&rng, 1.0f / 1024, 1.0f / 64) * (j % 2 ? -1.0f : 1.0f);
                bias[j] = rng_range(&rng, -1.0f, 1.0f);
            }
            pack_i8(w, n, k, wp);
            for (kind = 0; kind < 6; ++kind) {
                const rnnrt_pgemm_params p = {m, n, k, k, n, 0};
                for (r = 0; r < m; ++r) {
                    for (kk = 0; kk < k; ++kk) {
                        float v = rng_range(&rng, -1.0f, 1.0f);
                        if (kind == 1) { /* wide range: 1e3 .. 1e-30 */
                            v *= powf(10.0f, (float)(3 - (int)(rng_u32(&rng) % 34)));
                        } else if (kind == 5) {
                            v *= 1e-33f;
                        }
                        x[(size_t)r * (size_t)k + (size_t)kk] = kind == 4 && r == 1 ? 0.0f : v;
                    }
                }
                if (kind == 2) {
                    x[(size_t)1 * (size_t)k + (size_t)(k / 2)] = qnan();
                }
                if (kind == 3) {
                    x[(size_t)2 * (size_t)k + (size_t)(k - 1)] = (float)INFINITY;
                }
                for (isa = 0; isa < N_ISA; ++isa) {
                    if (!isa_available(isa)) {
                        continue;
                    }
                    ++runs;
                    assert_int_equal(rnnrt_priv_pgemm_i8_isa(isa, &p, wp, s, bias, x, y), RNNRT_OK);
                    for (r = 0; r < m; ++r) {
                        double mx = 0.0;
                        int special = 0;
                        for (kk = 0; kk < k; ++kk) {
                            const double v = fabs((double)x[(size_t)r * (size_t)k + (size_t)kk]);
                            special |= !isfinite(v);
                            mx = v > mx ? v : mx;
                        }
                        for (j = 0; j < n; ++j) {
                            double ref = 0.0, sxq = 0.0, sq = 0.0, tol;
                            const float got = y[(size_t)r * (size_t)n + (size_t)j];
                            for (kk = 0; kk < k; ++kk) {
                                const double q = w[(size_t)j * (size_t)k + (size_t)kk];
                                const double t = (double)x[(size_t)r * (size_t)k + (size_t)kk] * q;
                                ref += t;
                                sxq += fabs(t);
                                sq += fabs(q);
                            }
                            ref = ref * s[j] + bias[j];
                            tol = (k + 2) * ldexp(fabs(s[j]) * sxq + fabs(bias[j]), -24) +
                                  (isa == 2 ? ldexp(mx * fabs(s[j]) * sq, -22) : 0.0);
                            if (special ? !(isnan(ref) ? isnan(got) : (double)got == ref)
                                        : !(fabs((double)got - ref) <= tol) ||
                                              (kind == 4 && r == 1 && got != bias[j])) {
                                if (bad++ < 10) {
                                    print_error("i8 bound [%s] kind %d m=%d n=%d k=%d Y[%d][%d] = "
                                                "%.9g, expected %.9g (tol %.3g)\n",
                                                ISA_NAME[isa], kind, m, n, k, r, j, (double)got,
                                                ref, tol);
                                }
                            }
                        }
                    }
                }
            }
            free(w);
            free(wp);
            free(x);
        }
    }
    print_message("[ kernels  ] pgemm i8 error bound: %d products checked\n", runs);
    assert_int_equal(bad, 0);
}

/* The int8 weight that the float layout holds at element e (panel p0, column kk, row r),
 * read from the int8 layout. */
static int i8_from_f32_slot(const int8_t *wq, int n, int k, size_t e) {
    const int n16 = (n + 15) / 16 * 16, k4 = (k + 3) / 4 * 4;
    const size_t p0 = e / ((size_t)64 * (size_t)k) * 64;
    const size_t pw = (size_t)n16 - p0 < 64 ? (size_t)n16 - p0 : 64;
    const size_t off = e - p0 * (size_t)k, kk = off / pw, r = off % pw;
    return wq[p0 * (size_t)k4 + kk / 4 * 4 * pw + r * 4 + kk % 4];
}

/* The same summation as the float kernel: binary16 / bfloat16 weights give bit for bit what
 * rnnrt_pgemm_f32 gives with the decoded values packed as floats, and int8 with scale 1 in
 * generic C what it gives with (float)q (the int8 SIMD kernels sum in their own order). */
static void test_pgemm_dtypes_same_as_f32(void **state) {
    static const int shapes[][3] = {{1, 130, 100}, {2, 17, 37}, {4, 64, 5},
                                    {5, 100, 128}, {9, 65, 3},  {1, 7, 1}};
    uint64_t rng = 0x5eed0102u;
    size_t s, e;
    int dt, isa, acc;
    (void)state;
    for (dt = 0; dt < N_DT; ++dt) {
        for (s = 0; s < sizeof shapes / sizeof shapes[0]; ++s) {
            for (acc = 0; acc < 2; ++acc) {
                const int m = shapes[s][0], n = shapes[s][1], k = shapes[s][2];
                const size_t wsize = (size_t)RNNRT_PACKED_SIZE(n, k);
                pq_case q;
                float *wf = malloc(wsize * sizeof *wf), *yf;
                pq_setup(&q, dt, m, n, k, k + 1, n + 2, 1, acc, &rng);
                assert_non_null(wf);
                if (q.qs) {
                    for (e = 0; e < (size_t)n; ++e) {
                        q.qs[e] = 1.0f;
                    }
                }
                for (e = 0; e < wsize; ++e) { /* packed -> packed, element by element */
                    wf[e] = dt == DT_I8 ? (float)i8_from_f32_slot(q.wq, n, k, e)
                                        : (float)dt_value(dt, q.wq, e);
                }
                yf = malloc(q.c.ny * sizeof *yf);
                assert_non_null(yf);
                for (isa = 0; isa < N_ISA; ++isa) {
                    if (!isa_available(isa) || (dt == DT_I8 && isa > 0)) {
                        continue; /* int8 SIMD: its own order (rnnrt.h), checked by the sweep */
                    }
                    memcpy(q.c.y, q.c.y0, q.c.ny * sizeof *yf);
                    memcpy(yf, q.c.y0, q.c.ny * sizeof *yf);
                    assert_int_equal(pq_call(dt, isa, &q.c.p, q.wq, q.qs, q.c.bias, q.c.x, q.c.y),
                                     RNNRT_OK);
                    assert_int_equal(rnnrt_priv_pgemm_isa(isa, &q.c.p, wf, q.c.bias, q.c.x, yf),
                                     RNNRT_OK);
                    if (memcmp(yf, q.c.y, q.c.ny * sizeof *yf) != 0) {
                        print_error("%s [%s] m=%d n=%d k=%d acc=%d differs from the f32 kernel\n",
                                    DT_NAME[dt], ISA_NAME[isa], m, n, k, acc);
                        fail();
                    }
                }
                free(yf);
                free(wf);
                pq_free(&q);
            }
        }
    }
}

/* Bad arguments, the int8 scale included: RNNRT_E_ARG and Y unchanged, for every
 * implementation and the public entry points; k == 0 and m == 0 as for float. */
static void test_pgemm_dtypes_args(void **state) {
    float y[256], bias[16], x[256], sc[16];
    uint16_t w16[256];
    int8_t w8[256];
    const rnnrt_pgemm_params good = {3, 5, 4, 4, 5, 0};
    int isa, dt, acc;
    (void)state;
    memset(w16, 0, sizeof w16);
    memset(w8, 0, sizeof w8);
    fill(x, 256, 0.5f);
    fill(bias, 16, 1.0f);
    fill(sc, 16, 1.0f);
    for (dt = 0; dt < N_DT; ++dt) {
        const void *wp = dt == DT_I8 ? (const void *)w8 : (const void *)w16;
        for (isa = 0; isa <= N_ISA; ++isa) {
            if (isa < N_ISA && !isa_available(isa)) {
                continue;
            }
            for (acc = 0; acc < 2; ++acc) {
                rnnrt_pgemm_params p = good;
                p.accumulate = acc;
                sentinel_fill(y, 256);
                assert_int_equal(pq_call(dt, isa, NULL, wp, sc, bias, x, y), RNNRT_E_ARG);
                assert_int_equal(pq_call(dt, isa, &p, wp, sc, bias, x, NULL), RNNRT_E_ARG);
                assert_int_equal(pq_call(dt, isa, &p, NULL, sc, bias, x, y), RNNRT_E_ARG);
                assert_int_equal(pq_call(dt, isa, &p, wp, sc, bias, NULL, y), RNNRT_E_ARG);
                p = good, p.accumulate = acc, p.ldx = 3;
                assert_int_equal(pq_call(dt, isa, &p, wp, sc, bias, x, y), RNNRT_E_ARG);
                p = good, p.accumulate = acc, p.ldy = 4;
                assert_int_equal(pq_call(dt, isa, &p, wp, sc, bias, x, y), RNNRT_E_ARG);
                p = good, p.accumulate = acc, p.n = -1;
                assert_int_equal(pq_call(dt, isa, &p, wp, sc, bias, x, y), RNNRT_E_ARG);
                if (dt == DT_I8) { /* NULL scale, whatever the sizes (k == 0, m == 0 too) */
                    p = good, p.accumulate = acc;
                    assert_int_equal(pq_call(dt, isa, &p, wp, NULL, bias, x, y), RNNRT_E_ARG);
                    p.k = 0;
                    assert_int_equal(pq_call(dt, isa, &p, wp, NULL, bias, x, y), RNNRT_E_ARG);
                    p.m = 0;
                    assert_int_equal(pq_call(dt, isa, &p, wp, NULL, NULL, x, y), RNNRT_E_ARG);
                }
                assert_true(untouched(y, 256));
                /* m == 0: OK, nothing written; k == 0: Y = bias (+ Y) */
                p = good, p.accumulate = acc, p.m = 0;
                assert_int_equal(pq_call(dt, isa, &p, wp, sc, bias, x, y), RNNRT_OK);
                assert_true(untouched(y, 256));
                p = good, p.accumulate = 0, p.k = 0, p.ldx = 0, p.m = 1;
                assert_int_equal(pq_call(dt, isa, &p, wp, sc, bias, x, y), RNNRT_OK);
                assert_true(y[0] == 1.0f && y[4] == 1.0f && untouched(y + 5, 251));
            }
        }
    }
}

/* The public entry points are the implementation rnnrt_kernel_isa() names, bit for bit. */
static void test_pgemm_dtypes_public(void **state) {
    static const int shapes[][3] = {{1, 100, 37}, {5, 130, 128}, {9, 17, 3}};
    const int isa = public_isa();
    uint64_t rng = 0x5eed0103u;
    size_t s;
    int dt;
    (void)state;
    g_printed = 0;
    for (dt = 0; dt < N_DT; ++dt) {
        for (s = 0; s < sizeof shapes / sizeof shapes[0]; ++s) {
            pq_case q;
            float *ypub;
            pq_setup(&q, dt, shapes[s][0], shapes[s][1], shapes[s][2], shapes[s][2] + 1,
                     shapes[s][1] + 2, 1, 1, &rng);
            ypub = malloc(q.c.ny * sizeof *ypub);
            assert_non_null(ypub);
            memcpy(ypub, q.c.y0, q.c.ny * sizeof *ypub);
            assert_int_equal(pq_call(dt, N_ISA, &q.c.p, q.wq, q.qs, q.c.bias, q.c.x, ypub),
                             RNNRT_OK);
            assert_int_equal(pq_run(&q, isa, "pgemm public"), 0);
            assert_memory_equal(ypub, q.c.y, q.c.ny * sizeof *ypub);
            free(ypub);
            pq_free(&q);
        }
    }
}

/* ---------------------------------------------------------------------------------------- */
/* Cells                                                                                    */
/* ---------------------------------------------------------------------------------------- */

enum { LSTM, GRU, RNN };
static const char *const CELL_NAME[] = {"LSTM", "GRU", "RNN"};
static const int CELL_GATES[] = {4, 3, 1};

#define CELL_TOL 2e-6      /* absolute: tanh 4.1e-7, sigmoid 2.3e-7, compounded in the LSTM */
#define SIGMOID_ERR 2.5e-7 /* max abs error of rnnrt_sigmoid_f32 (2.3e-7) with a margin */
#define ISA_AGREE 1e-6
#define CELL_GUARD 8 /* sentinel floats after c and h: a write past n shows up */

/* Inputs of one cell step. */
typedef struct {
    int kind, n;
    float *xg, *rg; /* gates * n */
    float *rbh;     /* n (GRU), or NULL */
    float *c0, *h0; /* n: the state before the step */
} cell_in;

static void cell_alloc(cell_in *in, int kind, int n) {
    const size_t g = (size_t)CELL_GATES[kind] * (size_t)n + 1;
    memset(in, 0, sizeof *in);
    in->kind = kind;
    in->n = n;
    in->xg = malloc(g * sizeof(float));
    in->rg = malloc(g * sizeof(float));
    in->rbh = malloc(((size_t)n + 1) * sizeof(float));
    in->c0 = malloc(((size_t)n + 1) * sizeof(float));
    in->h0 = malloc(((size_t)n + 1) * sizeof(float));
    assert_non_null(in->xg);
    assert_non_null(in->rg);
    assert_non_null(in->rbh);
    assert_non_null(in->c0);
    assert_non_null(in->h0);
}

static void cell_free(cell_in *in) {
    free(in->xg);
    free(in->rg);
    free(in->rbh);
    free(in->c0);
    free(in->h0);
}

/* Pre-activations in [-8, 8], states and Rbh in [-2, 2]. */
static void cell_random(cell_in *in, uint64_t *rng) {
    const int g = CELL_GATES[in->kind] * in->n;
    int i;
    for (i = 0; i < g; ++i) {
        in->xg[i] = rng_range(rng, -8.0f, 8.0f);
        in->rg[i] = rng_range(rng, -8.0f, 8.0f);
    }
    for (i = 0; i < in->n; ++i) {
        in->rbh[i] = rng_range(rng, -2.0f, 2.0f);
        in->c0[i] = rng_range(rng, -2.0f, 2.0f);
        in->h0[i] = rng_range(rng, -2.0f, 2.0f);
    }
}

/* Double reference: cref / href (n each); tol: per-unit tolerance for h. use_rbh: GRU only. */
static void cell_ref(const cell_in *in, int use_rbh, double *cref, double *href, double *tol) {
    const int n = in->n;
    int j;
#define PRE(q) ((double)in->xg[(q)*n + j] + (double)in->rg[(q)*n + j])
    for (j = 0; j < n; ++j) {
        tol[j] = CELL_TOL;
        if (in->kind == LSTM) {
            const double i = sigmoid_d(PRE(0)), o = sigmoid_d(PRE(1)), f = sigmoid_d(PRE(2));
            const double ct = tanh(PRE(3));
            cref[j] = f * (double)in->c0[j] + i * ct;
            href[j] = o * tanh(cref[j]);
        } else if (in->kind == GRU) {
            const double z = sigmoid_d(PRE(0)), r = sigmoid_d(PRE(1));
            const double gh = (double)in->rg[2 * n + j] + (use_rbh ? (double)in->rbh[j] : 0.0);
            const double ht = tanh((double)in->xg[2 * n + j] + r * gh);
            href[j] = (1.0 - z) * ht + z * (double)in->h0[j];
            /* the error of r (a float sigmoid) is multiplied by |rh + rbh| before the tanh */
            if (isfinite(gh)) {
                tol[j] += SIGMOID_ERR * fabs(gh);
            }
        } else {
            href[j] = tanh(PRE(0));
        }
    }
#undef PRE
}

/* One step of implementation isa: c (LSTM) and h start from c0 / h0 (LSTM and RNN: h from
 * quiet NaN, since the step must not read it), followed by CELL_GUARD sentinels. */
static rnnrt_status cell_step(int isa, const cell_in *in, int use_rbh, float *c, float *h) {
    const int n = in->n;
    int j;
    sentinel_fill(c, (size_t)n + CELL_GUARD);
    sentinel_fill(h, (size_t)n + CELL_GUARD);
    for (j = 0; j < n; ++j) {
        c[j] = in->c0[j];
        h[j] = in->kind == GRU ? in->h0[j] : qnan();
    }
    if (in->kind == LSTM) {
        return rnnrt_priv_lstm_cell_isa(isa, n, in->xg, in->rg, c, h);
    }
    if (in->kind == GRU) {
        return rnnrt_priv_gru_cell_isa(isa, n, in->xg, in->rg, use_rbh ? in->rbh : NULL, h);
    }
    return rnnrt_priv_rnn_cell_isa(isa, n, in->xg, in->rg, h);
}

/* The step of isa against the reference (c too for LSTM); the guards past n must be
 * untouched. Returns the number of bad values. */
static int cell_check(int isa, const cell_in *in, int use_rbh, const char *what, float *c, float *h,
                      double *cref, double *href, double *tol) {
    const int n = in->n;
    char label[96];
    int j, bad = 0;
    rnnrt_status st = cell_step(isa, in, use_rbh, c, h);
    if (st != RNNRT_OK) {
        print_error("%s %s [%s] n=%d: status %s\n", what, CELL_NAME[in->kind], ISA_NAME[isa], n,
                    rnnrt_status_str(st));
        return 1;
    }
    cell_ref(in, use_rbh, cref, href, tol);
    snprintf(label, sizeof label, "%s %s%s h", what, CELL_NAME[in->kind],
             in->kind == GRU ? (use_rbh ? " (Rbh)" : " (no Rbh)") : "");
    for (j = 0; j < n; ++j) {
        bad += mismatch(label, isa, n, j, h[j], href[j], tol[j]);
        if (in->kind == LSTM) {
            bad += mismatch("LSTM c", isa, n, j, c[j], cref[j], CELL_TOL);
        }
    }
    if (!untouched(h + n, CELL_GUARD) || !untouched(c + n, CELL_GUARD)) {
        print_error("%s %s [%s] n=%d: wrote past unit n-1\n", what, CELL_NAME[in->kind],
                    ISA_NAME[isa], n);
        ++bad;
    }
    return bad;
}

static const int CELL_NS[] = {1, 5, 15, 16, 17, 31, 32, 33, 64, 100, 128};
#define N_CELL_NS ((int)(sizeof CELL_NS / sizeof CELL_NS[0]))
#define NMAX 128

/* Scratch for one check. */
static float g_c[NMAX + CELL_GUARD], g_h[NMAX + CELL_GUARD];
static double g_cref[NMAX], g_href[NMAX], g_tol[NMAX];

/* Random steps of every cell for every n and implementation; reports the largest error. */
static void cell_random_test(int kind) {
    uint64_t rng = 0x5eed0100u + (uint64_t)kind;
    double maxerr_h[N_ISA] = {0}, maxerr_c[N_ISA] = {0};
    int bad = 0, t, isa, use_rbh, j, rep;
    g_printed = 0;
    for (t = 0; t < N_CELL_NS; ++t) {
        for (rep = 0; rep < 4; ++rep) {
            for (use_rbh = 0; use_rbh < (kind == GRU ? 2 : 1); ++use_rbh) {
                cell_in in;
                cell_alloc(&in, kind, CELL_NS[t]);
                cell_random(&in, &rng);
                for (isa = 0; isa < N_ISA; ++isa) {
                    if (!isa_available(isa)) {
                        continue;
                    }
                    bad += cell_check(isa, &in, use_rbh, "random", g_c, g_h, g_cref, g_href, g_tol);
                    for (j = 0; j < in.n; ++j) {
                        const double eh = fabs((double)g_h[j] - g_href[j]);
                        if (eh > maxerr_h[isa]) {
                            maxerr_h[isa] = eh;
                        }
                        if (kind == LSTM && fabs((double)g_c[j] - g_cref[j]) > maxerr_c[isa]) {
                            maxerr_c[isa] = fabs((double)g_c[j] - g_cref[j]);
                        }
                    }
                }
                cell_free(&in);
            }
        }
    }
    for (isa = 0; isa < N_ISA; ++isa) {
        if (isa_available(isa)) {
            if (kind == LSTM) {
                print_message("[ kernels  ] %s [%s]: max |err| h %.3g, c %.3g\n", CELL_NAME[kind],
                              ISA_NAME[isa], maxerr_h[isa], maxerr_c[isa]);
            } else {
                print_message("[ kernels  ] %s [%s]: max |err| h %.3g\n", CELL_NAME[kind],
                              ISA_NAME[isa], maxerr_h[isa]);
            }
        }
    }
    assert_int_equal(bad, 0);
}

static void test_lstm_cell(void **state) {
    (void)state;
    cell_random_test(LSTM);
}

static void test_gru_cell(void **state) {
    (void)state;
    cell_random_test(GRU);
}

static void test_rnn_cell(void **state) {
    (void)state;
    cell_random_test(RNN);
}

/* 0 if a and b agree within ISA_AGREE (NaN where the other is NaN). */
static int agree(const char *what, int isa_a, int isa_b, int n, int j, float a, float b) {
    const int bad =
        (isnan(a) != isnan(b)) || (!isnan(a) && fabs((double)a - (double)b) > ISA_AGREE);
    if (bad && g_printed++ < 20) {
        print_error("%s unit %d of %d: [%s] %.9g vs [%s] %.9g\n", what, j, n, ISA_NAME[isa_a],
                    (double)a, ISA_NAME[isa_b], (double)b);
    }
    return bad;
}

/* Every implementation gives (nearly) the same step as the generic C. */
static void test_cells_isa_agree(void **state) {
    static float c0[NMAX + CELL_GUARD], h0[NMAX + CELL_GUARD];
    uint64_t rng = 0x5eed0200u;
    int bad = 0, kind, t, isa, use_rbh, j, compared = 0;
    (void)state;
    g_printed = 0;
    for (kind = LSTM; kind <= RNN; ++kind) {
        for (t = 0; t < N_CELL_NS; ++t) {
            for (use_rbh = 0; use_rbh < (kind == GRU ? 2 : 1); ++use_rbh) {
                cell_in in;
                cell_alloc(&in, kind, CELL_NS[t]);
                cell_random(&in, &rng);
                assert_int_equal(cell_step(0, &in, use_rbh, c0, h0), RNNRT_OK);
                for (isa = 1; isa < N_ISA; ++isa) {
                    if (!isa_available(isa)) {
                        continue;
                    }
                    ++compared;
                    assert_int_equal(cell_step(isa, &in, use_rbh, g_c, g_h), RNNRT_OK);
                    for (j = 0; j < in.n; ++j) {
                        bad += agree(CELL_NAME[kind], isa, 0, in.n, j, g_h[j], h0[j]);
                        bad += agree(CELL_NAME[kind], isa, 0, in.n, j, g_c[j], c0[j]);
                    }
                }
                cell_free(&in);
            }
        }
    }
    if (compared == 0) {
        print_message("[ kernels  ] only generic C on this CPU: nothing to compare it with\n");
    }
    assert_int_equal(bad, 0);
}

/* A NaN in one unit's pre-activation (in xg or in rg, each gate in turn) or in its state gives
 * NaN in that unit exactly where the formula says (h always; c for LSTM unless the NaN is in
 * the o gate) and leaves every other unit correct. */
static void test_cells_nan(void **state) {
    static const int ns[] = {5, 16, 17, 33, 64, 100};
    uint64_t rng = 0x5eed0300u;
    int bad = 0, kind, isa, q, where, use_rbh;
    size_t t, s;
    (void)state;
    g_printed = 0;
    for (kind = LSTM; kind <= RNN; ++kind) {
        for (t = 0; t < sizeof ns / sizeof ns[0]; ++t) {
            const int n = ns[t];
            const int units[3] = {0, n / 2, n - 1};
            for (s = 0; s < 3; ++s) {
                const int j0 = units[s];
                /* where: 0 = xg, 1 = rg (gate q), 2 = the state (c for LSTM, h for GRU), 3 = Rbh */
                for (where = 0; where < 4; ++where) {
                    for (q = 0; q < (where < 2 ? CELL_GATES[kind] : 1); ++q) {
                        cell_in in;
                        if ((where == 2 && kind == RNN) || (where == 3 && kind != GRU)) {
                            continue;
                        }
                        use_rbh = kind == GRU;
                        cell_alloc(&in, kind, n);
                        cell_random(&in, &rng);
                        if (where == 0) {
                            in.xg[q * n + j0] = qnan();
                        } else if (where == 1) {
                            in.rg[q * n + j0] = qnan();
                        } else if (where == 2) {
                            in.c0[j0] = qnan();
                            in.h0[j0] = qnan();
                        } else {
                            in.rbh[j0] = qnan();
                        }
                        for (isa = 0; isa < N_ISA; ++isa) {
                            int j;
                            if (!isa_available(isa)) {
                                continue;
                            }
                            bad += cell_check(isa, &in, use_rbh, "NaN", g_c, g_h, g_cref, g_href,
                                              g_tol);
                            /* the reference itself: NaN in unit j0 only */
                            assert_true(isnan(g_href[j0]));
                            assert_true(isnan(g_h[j0]));
                            if (kind == LSTM) {
                                const int c_nan = !(where < 2 && q == 1); /* o gate: c finite */
                                assert_int_equal(isnan(g_cref[j0]) != 0, c_nan);
                                assert_int_equal(isnan(g_c[j0]) != 0, c_nan);
                            }
                            for (j = 0; j < n; ++j) {
                                if (j != j0) {
                                    assert_false(isnan(g_h[j]));
                                }
                            }
                        }
                        cell_free(&in);
                    }
                }
            }
        }
    }
    assert_int_equal(bad, 0);
}

/* Large pre-activations (+-100, +-1e30, +-inf in xg; rg in [-8, 8]) or large rg (+-100 with xg
 * in [-8, 8]) saturate: tanh -> +-1, sigmoid -> 0 / 1, and every output is finite and correct. */
static void test_cells_saturation(void **state) {
    static const float big[] = {100.0f, -100.0f, 1e30f, -1e30f, INFINITY, -INFINITY};
    static const int ns[] = {1, 7, 16, 17, 33, 64, 100};
    uint64_t rng = 0x5eed0400u;
    int bad = 0, kind, isa, mode, use_rbh, i, j;
    size_t t;
    (void)state;
    g_printed = 0;
    for (kind = LSTM; kind <= RNN; ++kind) {
        for (t = 0; t < sizeof ns / sizeof ns[0]; ++t) {
            for (mode = 0; mode < 2; ++mode) {
                for (use_rbh = 0; use_rbh < (kind == GRU ? 2 : 1); ++use_rbh) {
                    const int n = ns[t];
                    cell_in in;
                    cell_alloc(&in, kind, n);
                    cell_random(&in, &rng);
                    for (i = 0; i < CELL_GATES[kind] * n; ++i) {
                        if (mode == 0) {
                            in.xg[i] = big[rng_u32(&rng) % 6];
                        } else {
                            in.rg[i] = (rng_u32(&rng) & 1) ? 100.0f : -100.0f;
                        }
                    }
                    for (isa = 0; isa < N_ISA; ++isa) {
                        if (!isa_available(isa)) {
                            continue;
                        }
                        bad += cell_check(isa, &in, use_rbh, "saturated", g_c, g_h, g_cref, g_href,
                                          g_tol);
                        for (j = 0; j < n; ++j) {
                            assert_true(isfinite(g_h[j]));
                            assert_true(isfinite(g_c[j]));
                            if (kind == RNN) { /* the pre-activation itself saturates tanh */
                                assert_true(fabs(fabs(g_h[j]) - 1.0) <= CELL_TOL);
                            }
                        }
                    }
                    cell_free(&in);
                }
            }
        }
    }
    assert_int_equal(bad, 0);
}

/* NULL pointers (Rbh excepted) and negative n: RNNRT_E_ARG, nothing written; n == 0: OK,
 * nothing written. */
static void test_cells_args(void **state) {
    float xg[16], rg[16], rbh[4], c[8], h[8];
    int isa, i;
    (void)state;
    for (i = 0; i < 16; ++i) {
        xg[i] = 0.5f;
        rg[i] = -0.25f;
    }
    for (i = 0; i < 4; ++i) {
        rbh[i] = 0.125f;
    }
    for (isa = 0; isa < N_ISA + 1; ++isa) {
        /* isa == N_ISA: the public entry points */
#define LSTM_CALL(n, a, b, cc, hh)                                                                 \
    (isa < N_ISA ? rnnrt_priv_lstm_cell_isa(isa, n, a, b, cc, hh)                                  \
                 : rnnrt_lstm_cell_f32(n, a, b, cc, hh))
#define GRU_CALL(n, a, b, r, hh)                                                                   \
    (isa < N_ISA ? rnnrt_priv_gru_cell_isa(isa, n, a, b, r, hh)                                    \
                 : rnnrt_gru_cell_f32(n, a, b, r, hh))
#define RNN_CALL(n, a, b, hh)                                                                      \
    (isa < N_ISA ? rnnrt_priv_rnn_cell_isa(isa, n, a, b, hh) : rnnrt_rnn_cell_f32(n, a, b, hh))
        if (isa < N_ISA && !isa_available(isa)) {
            continue;
        }
        sentinel_fill(c, 8);
        sentinel_fill(h, 8);
        assert_int_equal(LSTM_CALL(4, NULL, rg, c, h), RNNRT_E_ARG);
        assert_int_equal(LSTM_CALL(4, xg, NULL, c, h), RNNRT_E_ARG);
        assert_int_equal(LSTM_CALL(4, xg, rg, NULL, h), RNNRT_E_ARG);
        assert_int_equal(LSTM_CALL(4, xg, rg, c, NULL), RNNRT_E_ARG);
        assert_int_equal(LSTM_CALL(-1, xg, rg, c, h), RNNRT_E_ARG);
        assert_int_equal(GRU_CALL(4, NULL, rg, rbh, h), RNNRT_E_ARG);
        assert_int_equal(GRU_CALL(4, xg, NULL, rbh, h), RNNRT_E_ARG);
        assert_int_equal(GRU_CALL(4, xg, rg, rbh, NULL), RNNRT_E_ARG);
        assert_int_equal(GRU_CALL(4, xg, NULL, NULL, h), RNNRT_E_ARG);
        assert_int_equal(GRU_CALL(-3, xg, rg, rbh, h), RNNRT_E_ARG);
        assert_int_equal(RNN_CALL(4, NULL, rg, h), RNNRT_E_ARG);
        assert_int_equal(RNN_CALL(4, xg, NULL, h), RNNRT_E_ARG);
        assert_int_equal(RNN_CALL(4, xg, rg, NULL), RNNRT_E_ARG);
        assert_int_equal(RNN_CALL(-1, xg, rg, h), RNNRT_E_ARG);
        assert_int_equal(LSTM_CALL(0, xg, rg, c, h), RNNRT_OK);
        assert_int_equal(GRU_CALL(0, xg, rg, rbh, h), RNNRT_OK);
        assert_int_equal(GRU_CALL(0, xg, rg, NULL, h), RNNRT_OK);
        assert_int_equal(RNN_CALL(0, xg, rg, h), RNNRT_OK);
        assert_true(untouched(c, 8));
        assert_true(untouched(h, 8));
#undef LSTM_CALL
#undef GRU_CALL
#undef RNN_CALL
    }
}

/* The public cells are the implementation rnnrt_kernel_isa() names, bit for bit, and match
 * the reference. */
static void test_cells_public(void **state) {
    static float c1[NMAX + CELL_GUARD], h1[NMAX + CELL_GUARD];
    const int isa = public_isa();
    uint64_t rng = 0x5eed0500u;
    int kind, t, use_rbh, j;
    (void)state;
    g_printed = 0;
    for (kind = LSTM; kind <= RNN; ++kind) {
        for (t = 0; t < N_CELL_NS; t += 3) {
            for (use_rbh = 0; use_rbh < (kind == GRU ? 2 : 1); ++use_rbh) {
                cell_in in;
                const int n = CELL_NS[t];
                rnnrt_status st;
                cell_alloc(&in, kind, n);
                cell_random(&in, &rng);
                assert_int_equal(
                    cell_check(isa, &in, use_rbh, "public", g_c, g_h, g_cref, g_href, g_tol), 0);
                sentinel_fill(c1, (size_t)n + CELL_GUARD);
                sentinel_fill(h1, (size_t)n + CELL_GUARD);
                for (j = 0; j < n; ++j) {
                    c1[j] = in.c0[j];
                    h1[j] = kind == GRU ? in.h0[j] : qnan();
                }
                if (kind == LSTM) {
                    st = rnnrt_lstm_cell_f32(n, in.xg, in.rg, c1, h1);
                } else if (kind == GRU) {
                    st = rnnrt_gru_cell_f32(n, in.xg, in.rg, use_rbh ? in.rbh : NULL, h1);
                } else {
                    st = rnnrt_rnn_cell_f32(n, in.xg, in.rg, h1);
                }
                assert_int_equal(st, RNNRT_OK);
                assert_memory_equal(h1, g_h, ((size_t)n + CELL_GUARD) * sizeof(float));
                assert_memory_equal(c1, g_c, ((size_t)n + CELL_GUARD) * sizeof(float));
                cell_free(&in);
            }
        }
    }
}

/* The activations as the cells evaluate them, swept over every 97th float in [-20, 20]
 * (11.4 million a sign) against double tanh / sigmoid: tanh through
 * the RNN cell (h = tanh(x + 0)), sigmoid through the LSTM cell (c_prev = 0, candidate
 * pre-activation 100 so c~ = 1 exactly, hence c = i = sigmoid(x)). The bounds are the ones
 * rnnrt.h documents for rnnrt_tanh_f32 / rnnrt_sigmoid_f32 (4.1e-7 / 2.3e-7) with a margin of
 * 10 % for the SIMD versions' fused multiply-adds; the measured maxima are printed. */
#define ACT_N 4096
static void test_activation_error(void **state) {
    static float xs[ACT_N], zero[4 * ACT_N], xg[4 * ACT_N], h[ACT_N], c[ACT_N];
    int isa;
    (void)state;
    for (isa = 0; isa < N_ISA; ++isa) {
        double et = 0.0, es = 0.0, xt = 0.0, xsg = 0.0;
        uint32_t bits = 0;
        int sign;
        if (!isa_available(isa)) {
            continue;
        }
        for (sign = 0; sign < 2; ++sign) {
            for (bits = 0; bits <= 0x41a00000u;) {
                int n = 0, j;
                for (; n < ACT_N && bits <= 0x41a00000u; ++n, bits += 97) {
                    const uint32_t b = bits | (sign ? 0x80000000u : 0u);
                    memcpy(&xs[n], &b, sizeof b);
                }
                /* sigmoid: LSTM cell, gates i o f c at stride n */
                for (j = 0; j < n; ++j) {
                    xg[j] = xs[j];
                    xg[n + j] = 0.0f;
                    xg[2 * n + j] = 0.0f;
                    xg[3 * n + j] = 100.0f;
                    c[j] = 0.0f;
                }
                assert_int_equal(rnnrt_priv_lstm_cell_isa(isa, n, xg, zero, c, h), RNNRT_OK);
                for (j = 0; j < n; ++j) {
                    const double ds = fabs((double)c[j] - sigmoid_d(xs[j]));
                    if (ds > es) {
                        es = ds;
                        xsg = xs[j];
                    }
                }
                /* tanh: RNN cell, h = tanh(xs + 0) */
                assert_int_equal(rnnrt_priv_rnn_cell_isa(isa, n, xs, zero, h), RNNRT_OK);
                for (j = 0; j < n; ++j) {
                    const double d = fabs((double)h[j] - tanh((double)xs[j]));
                    if (d > et) {
                        et = d;
                        xt = xs[j];
                    }
                }
            }
        }
        print_message("[%s] max abs error: tanh %.3g (x = %.7g), sigmoid %.3g (x = %.7g)\n",
                      ISA_NAME[isa], et, xt, es, xsg);
        assert_true(et <= 4.1e-7 * 1.1);
        assert_true(es <= 2.3e-7 * 1.1);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kernel_isa),
        cmocka_unit_test(test_pgemm_sizes),
        cmocka_unit_test(test_pgemm_y_write_only),
        cmocka_unit_test(test_pgemm_k0),
        cmocka_unit_test(test_pgemm_empty),
        cmocka_unit_test(test_pgemm_args),
        cmocka_unit_test(test_pgemm_public),
        cmocka_unit_test(test_pgemm_decode_self),
        cmocka_unit_test(test_pgemm_dtypes_sizes),
        cmocka_unit_test(test_pgemm_dtypes_exact),
        cmocka_unit_test(test_pgemm_dtypes_all_values),
        cmocka_unit_test(test_pgemm_dtypes_same_as_f32),
        cmocka_unit_test(test_pgemm_i8_bound),
        cmocka_unit_test(test_pgemm_dtypes_args),
        cmocka_unit_test(test_pgemm_dtypes_public),
        cmocka_unit_test(test_lstm_cell),
        cmocka_unit_test(test_gru_cell),
        cmocka_unit_test(test_rnn_cell),
        cmocka_unit_test(test_cells_isa_agree),
        cmocka_unit_test(test_cells_nan),
        cmocka_unit_test(test_cells_saturation),
        cmocka_unit_test(test_cells_args),
        cmocka_unit_test(test_cells_public),
        cmocka_unit_test(test_activation_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
