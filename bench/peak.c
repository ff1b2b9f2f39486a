/*
 * peak.c - measured single-core fp32 FMA throughput (a check of the peak that report.py
 * assumes from /proc/cpuinfo). Built by run.sh with -O2 -march=native: 12 independent
 * chains of vector FMAs (enough to cover the FMA latency on two pipes) in registers, the
 * widest vectors the compiler was allowed to use. Prints one JSON line: the best of 7 runs.
 */
#define _POSIX_C_SOURCE 199309L
#include <stdio.h>
#include <string.h>
#include <time.h>

#if defined(__AVX512F__)
#include <immintrin.h>
#define ISA "avx512f"
#define VEC __m512
#define FMA(a, b, c) _mm512_fmadd_ps(a, b, c)
#define SET(x) _mm512_set1_ps(x)
#define LANES 16
#define FLOPS_PER_OP 2
#elif defined(__FMA__) && defined(__AVX2__)
#include <immintrin.h>
#define ISA "avx2+fma"
#define VEC __m256
#define FMA(a, b, c) _mm256_fmadd_ps(a, b, c)
#define SET(x) _mm256_set1_ps(x)
#define LANES 8
#define FLOPS_PER_OP 2
#else
#define ISA "scalar (no FMA/AVX2 at -march=native)"
#define VEC float
#define FMA(a, b, c) ((a) * (b) + (c))
#define SET(x) (x)
#define LANES 1
#define FLOPS_PER_OP 2
#endif

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

int main(void) {
    const long n = 20000000; /* iterations of 12 FMAs */
    double best = 0.0;
    float sink = 0.0f;
    int run;
    for (run = 0; run < 7; ++run) {
        const VEC b = SET(0.999999f), c = SET(1e-7f);
        VEC a0 = SET(0.f), a1 = SET(1.f), a2 = SET(2.f), a3 = SET(3.f), a4 = SET(4.f), a5 = SET(5.f);
        VEC a6 = SET(6.f), a7 = SET(7.f), a8 = SET(8.f), a9 = SET(9.f), a10 = SET(10.f), a11 = SET(11.f);
        double t0, t, gf;
        long k;
        float out[LANES];
        VEC s;
        t0 = now_s();
        for (k = 0; k < n; ++k) {
            a0 = FMA(a0, b, c); a1 = FMA(a1, b, c); a2 = FMA(a2, b, c); a3 = FMA(a3, b, c);
            a4 = FMA(a4, b, c); a5 = FMA(a5, b, c); a6 = FMA(a6, b, c); a7 = FMA(a7, b, c);
            a8 = FMA(a8, b, c); a9 = FMA(a9, b, c); a10 = FMA(a10, b, c); a11 = FMA(a11, b, c);
#if LANES > 1
            /* keep the 12 accumulators in registers, one dependency chain each */
            __asm__ volatile("" : "+x"(a0), "+x"(a1), "+x"(a2), "+x"(a3), "+x"(a4), "+x"(a5),
                             "+x"(a6), "+x"(a7), "+x"(a8), "+x"(a9), "+x"(a10), "+x"(a11));
#endif
        }
        t = now_s() - t0;
        s = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11;
        memcpy(out, &s, sizeof out);
        sink += out[0];
        gf = (double)n * 12.0 * LANES * FLOPS_PER_OP / t / 1e9;
        if (gf > best)
            best = gf;
    }
    printf("{\"kind\": \"peak\", \"isa\": \"%s\", \"lanes\": %d, \"measured_gflops\": %.1f, \"sink\": %g}\n",
           ISA, LANES, best, (double)sink);
    return 0;
}
