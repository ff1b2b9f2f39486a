/*
 * membw.c - measured single-core read bandwidth over a buffer of a given size, read again and
 * again (so it sits in whichever cache level it fits). report.py divides the bytes of packed
 * recurrent weights a workload streams per step by this to get the memory floor of its
 * recurrence. Built by run.sh with -O2 -march=native: vector loads into 8 independent
 * accumulators, the widest vectors the compiler was allowed to use, buffer 64-byte aligned.
 * Usage: membw KB...   One JSON line per size: the best of 2000 passes (at least 0.2 s).
 */
#define _POSIX_C_SOURCE 200112L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#if defined(__AVX512F__)
#include <immintrin.h>
#define VEC __m512
#define LOAD(p) _mm512_load_ps(p)
#define ADD(a, b) _mm512_add_ps(a, b)
#define ZERO _mm512_setzero_ps()
#define LANES 16
#elif defined(__AVX__)
#include <immintrin.h>
#define VEC __m256
#define LOAD(p) _mm256_load_ps(p)
#define ADD(a, b) _mm256_add_ps(a, b)
#define ZERO _mm256_setzero_ps()
#define LANES 8
#else
#define VEC float
#define LOAD(p) (*(p))
#define ADD(a, b) ((a) + (b))
#define ZERO 0.0f
#define LANES 1
#endif

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* sum of the buffer, 8 chains of LANES floats */
static float read_all(const float *a, long n) {
    VEC s0 = ZERO, s1 = ZERO, s2 = ZERO, s3 = ZERO, s4 = ZERO, s5 = ZERO, s6 = ZERO, s7 = ZERO;
    float out[LANES], r = 0.0f;
    long i;
    int j;
    for (i = 0; i + 8 * LANES <= n; i += 8 * LANES) {
        s0 = ADD(s0, LOAD(a + i)); s1 = ADD(s1, LOAD(a + i + LANES));
        s2 = ADD(s2, LOAD(a + i + 2 * LANES)); s3 = ADD(s3, LOAD(a + i + 3 * LANES));
        s4 = ADD(s4, LOAD(a + i + 4 * LANES)); s5 = ADD(s5, LOAD(a + i + 5 * LANES));
        s6 = ADD(s6, LOAD(a + i + 6 * LANES)); s7 = ADD(s7, LOAD(a + i + 7 * LANES));
    }
    s0 = ADD(ADD(ADD(s0, s1), ADD(s2, s3)), ADD(ADD(s4, s5), ADD(s6, s7)));
    memcpy(out, &s0, sizeof out);
    for (j = 0; j < LANES; ++j)
        r += out[j];
    return r;
}

int main(int argc, char **argv) {
    int a;
    float sink = 0.0f;
    for (a = 1; a < argc; ++a) {
        const long kb = atol(argv[a]), n = kb * 256;
        float *buf;
        double best = 1e30, t0 = now_s();
        long i;
        int pass;
        if (kb <= 0 || posix_memalign((void **)&buf, 64, (size_t)n * sizeof(float)) != 0)
            return 1;
        for (i = 0; i < n; ++i)
            buf[i] = 1.0f;
        for (pass = 0; pass < 2000 || now_s() - t0 < 0.2; ++pass) {
            double t = now_s();
            sink += read_all(buf, n);
            t = now_s() - t;
            if (t < best)
                best = t;
        }
        printf("{\"kind\": \"membw\", \"kb\": %ld, \"gbps\": %.1f, \"sink\": %g}\n", kb,
               (double)n * sizeof(float) / best / 1e9, (double)sink);
        free(buf);
    }
    return 0;
}
