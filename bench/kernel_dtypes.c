/*
 * kernel_dtypes.c - time of the runtime's packed product per weight type (rnnrt_pgemm_f32 /
 * _f16 / _bf16 / _i8) and per implementation the CPU has, for a single-row product (m = 1,
 * the recurrent step: Y = X . W^T + bias) at three sizes: n x k = 1024 x 256 (f32 weights
 * 1 MiB, about L2), 2048 x 512 (4 MiB) and 4096 x 1024 (16 MiB). Not a test.
 *
 * Build and run from the repository root (the kernels source is compiled in with
 * RNNRT_TEST_ISA, which exposes each implementation):
 *   cc -O2 -std=c99 -DRNNRT_TEST_ISA -Iruntime/include bench/kernel_dtypes.c \
 *      runtime/src/rnnrt_kernels.c runtime/src/rnnrt.c -lm -o /tmp/kernel_dtypes
 *   /tmp/kernel_dtypes [runs]
 * Each line: the best of `runs` (default 15) timings of a loop of calls (at least ~5 ms per
 * timing, the weights warm in cache after the first), in ns per call, and the packed
 * weights' bytes per ns (GB/s).
 */
#define _POSIX_C_SOURCE 200112L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rnnrt.h"

rnnrt_status rnnrt_priv_pgemm_isa(int isa, const rnnrt_pgemm_params *p, const float *wp,
                                  const float *bias, const float *x, float *y);
rnnrt_status rnnrt_priv_pgemm16_isa(int isa, int bf16, const rnnrt_pgemm_params *p,
                                    const uint16_t *wp, const float *bias, const float *x,
                                    float *y);
rnnrt_status rnnrt_priv_pgemm_i8_isa(int isa, const rnnrt_pgemm_params *p, const int8_t *wp,
                                     const float *scale, const float *bias, const float *x,
                                     float *y);

enum { F32, F16, BF16, I8, N_DT };
static const char *const DT[N_DT] = {"f32", "f16", "bf16", "i8"};
static const size_t ES[N_DT] = {4, 2, 2, 1};
static const char *const ISA[3] = {"generic C", "AVX2+FMA", "AVX-512F"};

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int isa_ok(int isa) {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    if (isa == 1) {
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    }
    if (isa == 2) {
        return __builtin_cpu_supports("avx512f");
    }
#endif
    return isa == 0;
}

static uint64_t g_rng = 0x12345678u;
static uint32_t rnd(void) {
    g_rng = g_rng * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)(g_rng >> 33);
}

static void call(int dt, int isa, const rnnrt_pgemm_params *p, const void *w, const float *sc,
                 const float *b, const float *x, float *y) {
    if (dt == F32) {
        rnnrt_priv_pgemm_isa(isa, p, w, b, x, y);
    } else if (dt == I8) {
        rnnrt_priv_pgemm_i8_isa(isa, p, w, sc, b, x, y);
    } else {
        rnnrt_priv_pgemm16_isa(isa, dt == BF16, p, w, b, x, y);
    }
}

int main(int argc, char **argv) {
    static const int sizes[][2] = {{1024, 256}, {2048, 512}, {4096, 1024}};
    const int runs = argc > 1 ? atoi(argv[1]) : 15;
    float sink = 0.0f;
    size_t s;
    int isa, dt;
    printf("%-10s %-6s %-11s %12s %9s\n", "n x k", "type", "ISA", "ns/call", "GB/s");
    for (s = 0; s < sizeof sizes / sizeof sizes[0]; ++s) {
        const int n = sizes[s][0], k = sizes[s][1];
        const rnnrt_pgemm_params p = {1, n, k, k, n, 0};
        float *x = malloc((size_t)k * sizeof *x), *y = malloc((size_t)n * sizeof *y);
        float *b = malloc((size_t)n * sizeof *b), *sc = malloc((size_t)n * sizeof *sc);
        size_t i;
        if (!x || !y || !b || !sc) {
            return 1;
        }
        for (i = 0; i < (size_t)k; ++i) {
            x[i] = (float)(rnd() % 2001) / 1000.0f - 1.0f;
        }
        for (i = 0; i < (size_t)n; ++i) {
            b[i] = 0.01f * (float)(i % 7);
            sc[i] = 1.0f / 127.0f;
        }
        for (dt = 0; dt < N_DT; ++dt) {
            void *w;
            const size_t ne =
                dt == I8 ? (size_t)RNNRT_PACKED_SIZE_I8(n, k) : (size_t)RNNRT_PACKED_SIZE(n, k);
            if (posix_memalign(&w, 64, ne * ES[dt]) != 0) {
                return 1;
            }
            for (i = 0; i < ne; ++i) { /* values in [-1, 1] (int8: any) */
                const float v = (float)(rnd() % 2001) / 1000.0f - 1.0f;
                if (dt == F32) {
                    ((float *)w)[i] = v;
                } else if (dt == F16) {
                    ((uint16_t *)w)[i] = rnnrt_f32_to_f16(v);
                } else if (dt == BF16) {
                    ((uint16_t *)w)[i] = rnnrt_f32_to_bf16(v);
                } else {
                    ((int8_t *)w)[i] = (int8_t)((int)(rnd() & 255u) - 128);
                }
            }
            for (isa = 0; isa < 3; ++isa) {
                double best = 1e30, t0, t;
                long reps = 1, r;
                int run;
                if (!isa_ok(isa)) {
                    continue;
                }
                /* calibrate: enough calls for ~5 ms */
                for (;;) {
                    t0 = now_s();
                    for (r = 0; r < reps; ++r) {
                        call(dt, isa, &p, w, sc, b, x, y);
                    }
                    t = now_s() - t0;
                    if (t > 5e-3 || reps > (1L << 24)) {
                        break;
                    }
                    reps *= 2;
                }
                for (run = 0; run < runs; ++run) {
                    t0 = now_s();
                    for (r = 0; r < reps; ++r) {
                        call(dt, isa, &p, w, sc, b, x, y);
                    }
                    t = (now_s() - t0) / (double)reps;
                    best = t < best ? t : best;
                }
                sink += y[n / 2];
                printf("%4dx%-5d %-6s %-11s %12.0f %9.1f\n", n, k, DT[dt], ISA[isa], best * 1e9,
                       (double)(ne * ES[dt]) / (best * 1e9));
                fflush(stdout);
            }
            free(w);
        }
        free(x);
        free(y);
        free(b);
        free(sc);
    }
    return sink == 12345.0f; /* keeps the results live */
}
