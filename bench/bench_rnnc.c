/*
 * bench_rnnc.c - timing harness for the C that rnnc generates (one workload per binary).
 *
 * Built by bench/run.sh once per workload, linked with that workload's generated code:
 *   net.h / net.c    `rnnc compile MODEL --name net`              (net_run, always)
 *   nets.h / nets.c  `rnnc compile MODEL --name nets --stream`    (nets_step, with -DBENCH_STREAM)
 * and with -DBENCH_OPENBLAS when the runtime uses OpenBLAS (to print the kernel it picked).
 *
 * Usage: bench_rnnc --input X.bin [--out OUT.bin] [--iters N] [--warmup W]
 *                   [--max-seconds S] [--min-sample-us U] [--workload NAME] [--tag TAG]
 *
 * Reads the graph input X (float32, dense, NET_INPUT_0_COUNT elements), runs net_run once and
 * writes all outputs, concatenated in graph order, to OUT.bin (bench_ort.js compares them with
 * ONNX Runtime's). Then it times net_run: W warm-up calls, then up to N samples (fewer if
 * S seconds run out, never fewer than 5), each sample timing `reps` back-to-back calls with
 * clock_gettime(CLOCK_MONOTONIC), reps chosen so that a sample lasts at least U microseconds
 * (so that sub-microsecond calls are not dominated by the clock); the per-call time of each
 * sample gives median, p10 and p90. With BENCH_STREAM it then checks that stepping through the
 * sequence one step at a time gives net_run's outputs and times nets_step the same way,
 * one step per call, cycling through X's time steps without resetting (a continuous stream).
 * ("seq" in its JSON line is net_run's sequence length, the steps that one net_run covers.)
 * Every result is one JSON line on stdout. Exit status 0, or 1 on any error or mismatch.
 */
#define _POSIX_C_SOURCE 199309L

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "net.h"
#include "rnnrt.h"
#ifdef BENCH_STREAM
#include "nets.h"
#endif

#ifdef BENCH_OPENBLAS
/* From OpenBLAS (declared here so that no particular cblas.h is needed). */
extern char *openblas_get_corename(void);
extern char *openblas_get_config(void);
extern int openblas_get_num_threads(void);
#endif

#if NET_NUM_INPUTS != 1
#error "bench_rnnc.c expects models with exactly one graph input (X)"
#endif
#if NET_NUM_OUTPUTS > 3
#error "bench_rnnc.c handles at most 3 outputs (Y, Y_h, Y_c)"
#endif

static const long out_count[3] = {
    NET_OUTPUT_0_COUNT,
#if NET_NUM_OUTPUTS > 1
    NET_OUTPUT_1_COUNT,
#else
    0,
#endif
#if NET_NUM_OUTPUTS > 2
    NET_OUTPUT_2_COUNT,
#else
    0,
#endif
};

static net_ctx ctx; /* static: the big workloads' contexts are megabytes */
static float x_buf[NET_INPUT_0_COUNT];
static float y_buf[3][NET_OUTPUT_0_COUNT + 1]; /* Y is the largest output */

#ifdef BENCH_STREAM
#if NETS_INPUT_0_TIME_AXIS != 0
#error "bench_rnnc.c expects X's time axis to be axis 0 (layout 0)"
#endif
/* Time steps of net_run's sequence. The step function may come from a copy of the model with
 * a longer sequence (rnnc --stream needs seq >= 2; see gen_models.py), so compare and cycle
 * over net's own steps only. */
#define BENCH_T (NET_INPUT_0_COUNT / NETS_STEP_INPUT_0_COUNT)
#if BENCH_T * NETS_STEP_INPUT_0_COUNT != NET_INPUT_0_COUNT || BENCH_T > NETS_SEQ_LEN
#error "net and nets do not have the same per-step input"
#endif
static nets_ctx sctx;
static const long step_out_count[3] = {
    NETS_STEP_OUTPUT_0_COUNT,
#if NETS_NUM_OUTPUTS > 1
    NETS_STEP_OUTPUT_1_COUNT,
#else
    0,
#endif
#if NETS_NUM_OUTPUTS > 2
    NETS_STEP_OUTPUT_2_COUNT,
#else
    0,
#endif
};
static const int out_time_axis[3] = {
    NETS_OUTPUT_0_TIME_AXIS,
#if NETS_NUM_OUTPUTS > 1
    NETS_OUTPUT_1_TIME_AXIS,
#else
    -1,
#endif
#if NETS_NUM_OUTPUTS > 2
    NETS_OUTPUT_2_TIME_AXIS,
#else
    -1,
#endif
};
static float s_buf[3][NETS_STEP_OUTPUT_0_COUNT + 1];
#endif

static double now_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec * 1e-3;
}

static int cmp_double(const void *a, const void *b) {
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Percentile by linear interpolation between closest ranks (numpy's default). */
static double percentile(const double *sorted, int n, double p) {
    const double pos = p / 100.0 * (n - 1);
    const int lo = (int)pos;
    const int hi = lo + 1 < n ? lo + 1 : lo;
    return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

typedef struct opts {
    int iters, warmup;
    double max_seconds, min_sample_us;
    const char *workload, *tag;
} opts;

typedef int (*call_fn)(void *state);

/* Time `fn`: warm-up, calibrate reps per sample, then samples; prints one JSON line. */
static int time_calls(const opts *o, const char *kind, call_fn fn, void *state, const char *extra) {
    double *samples;
    double t0, t1, budget_end, est;
    int reps = 1, n = 0, i;
    for (i = 0; i < o->warmup; ++i)
        if (fn(state) != 0)
            return 1;
    /* estimate one call from a short burst */
    t0 = now_us();
    for (i = 0; i < 3; ++i)
        if (fn(state) != 0)
            return 1;
    est = (now_us() - t0) / 3.0;
    if (est < o->min_sample_us)
        reps = (int)ceil(o->min_sample_us / (est > 0.001 ? est : 0.001));
    samples = malloc(sizeof(double) * (size_t)(o->iters > 0 ? o->iters : 1));
    if (!samples)
        return 1;
    budget_end = now_us() + o->max_seconds * 1e6;
    for (n = 0; n < o->iters; ++n) {
        int r;
        if (n >= 5 && now_us() > budget_end)
            break;
        t0 = now_us();
        for (r = 0; r < reps; ++r)
            fn(state);
        t1 = now_us();
        samples[n] = (t1 - t0) / reps;
    }
    qsort(samples, (size_t)n, sizeof(double), cmp_double);
    printf("{\"kind\": \"%s\", \"workload\": \"%s\", \"tag\": \"%s\", \"samples\": %d, "
           "\"reps_per_sample\": %d, \"median_us\": %.4f, \"p10_us\": %.4f, \"p90_us\": %.4f, "
           "\"min_us\": %.4f%s}\n",
           kind, o->workload, o->tag, n, reps, percentile(samples, n, 50.0),
           percentile(samples, n, 10.0), percentile(samples, n, 90.0), samples[0],
           extra ? extra : "");
    fflush(stdout);
    free(samples);
    return 0;
}

static int call_run(void *state) {
    const void *in[1];
    void *out[3];
    (void)state;
    in[0] = x_buf;
    out[0] = y_buf[0];
    out[1] = y_buf[1];
    out[2] = y_buf[2];
    return net_run(&ctx, in, out);
}

#ifdef BENCH_STREAM
static int call_step(void *state) {
    long *t = state; /* current time step, cycling through X */
    const void *in[1];
    void *out[3];
    int rc;
    in[0] = x_buf + *t * NETS_STEP_INPUT_0_COUNT;
    out[0] = s_buf[0];
    out[1] = s_buf[1];
    out[2] = s_buf[2];
    rc = nets_step(&sctx, in, out);
    if (++*t == BENCH_T)
        *t = 0;
    return rc;
}

/* Feed the whole sequence step by step; max |step output - net_run output| over all outputs. */
static double step_vs_run(void) {
    double maxd = 0.0;
    long t, k;
    int o;
    nets_reset(&sctx);
    for (t = 0; t < BENCH_T; ++t) {
        const void *in[1];
        void *out[3];
        in[0] = x_buf + t * NETS_STEP_INPUT_0_COUNT;
        out[0] = s_buf[0];
        out[1] = s_buf[1];
        out[2] = s_buf[2];
        if (nets_step(&sctx, in, out) != 0)
            return INFINITY;
        for (o = 0; o < NETS_NUM_OUTPUTS; ++o) {
            const float *ref;
            if (out_time_axis[o] == 0)
                ref = y_buf[o] + t * step_out_count[o];
            else if (out_time_axis[o] < 0 && t == BENCH_T - 1)
                ref = y_buf[o];
            else
                continue;
            for (k = 0; k < step_out_count[o]; ++k) {
                const double d = fabs((double)s_buf[o][k] - (double)ref[k]);
                if (!(d <= maxd)) /* NaN makes it infinite */
                    maxd = d == d ? d : INFINITY;
            }
        }
    }
    nets_reset(&sctx);
    return maxd;
}
#endif

static int usage(void) {
    fprintf(stderr, "usage: bench_rnnc --input X.bin [--out OUT.bin] [--iters N] [--warmup W] "
                    "[--max-seconds S] [--min-sample-us U] [--workload NAME] [--tag TAG]\n");
    return 2;
}

int main(int argc, char **argv) {
    opts o = {200, 20, 5.0, 20.0, "?", ""};
    const char *in_path = NULL, *out_path = NULL;
    FILE *f;
    int i, rc;
    for (i = 1; i < argc; i += 2) { /* every option takes a value */
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v)
            return usage();
        if (!strcmp(a, "--input"))
            in_path = v;
        else if (!strcmp(a, "--out"))
            out_path = v;
        else if (!strcmp(a, "--iters"))
            o.iters = atoi(v);
        else if (!strcmp(a, "--warmup"))
            o.warmup = atoi(v);
        else if (!strcmp(a, "--max-seconds"))
            o.max_seconds = atof(v);
        else if (!strcmp(a, "--min-sample-us"))
            o.min_sample_us = atof(v);
        else if (!strcmp(a, "--workload"))
            o.workload = v;
        else if (!strcmp(a, "--tag"))
            o.tag = v;
        else
            return usage();
    }
    if (!in_path || o.iters < 1 || o.warmup < 0)
        return usage();

    f = fopen(in_path, "rb");
    if (!f || fread(x_buf, sizeof(float), NET_INPUT_0_COUNT, f) != NET_INPUT_0_COUNT ||
        fgetc(f) != EOF) {
        fprintf(stderr, "bench_rnnc: %s: cannot read exactly %ld floats\n", in_path,
                (long)NET_INPUT_0_COUNT);
        return 1;
    }
    fclose(f);

    {
#ifdef BENCH_OPENBLAS
        printf("{\"kind\": \"rnnc_info\", \"workload\": \"%s\", \"tag\": \"%s\", \"backend\": \"%s\", "
               "\"kernel_isa\": \"%s\", \"openblas_corename\": \"%s\", \"openblas_config\": \"%s\", "
               "\"openblas_threads\": %d}\n",
               o.workload, o.tag, rnnrt_backend(), rnnrt_kernel_isa(), openblas_get_corename(),
               openblas_get_config(), openblas_get_num_threads());
#else
        printf("{\"kind\": \"rnnc_info\", \"workload\": \"%s\", \"tag\": \"%s\", \"backend\": \"%s\", "
               "\"kernel_isa\": \"%s\"}\n",
               o.workload, o.tag, rnnrt_backend(), rnnrt_kernel_isa());
#endif
    }

    net_init(&ctx);
    rc = call_run(NULL);
    if (rc != 0) {
        fprintf(stderr, "bench_rnnc: net_run returned %d (%s)\n", rc, rnnrt_status_str(rc));
        return 1;
    }
    if (out_path) {
        int k;
        f = fopen(out_path, "wb");
        if (!f) {
            fprintf(stderr, "bench_rnnc: cannot write %s\n", out_path);
            return 1;
        }
        for (k = 0; k < NET_NUM_OUTPUTS; ++k)
            if (fwrite(y_buf[k], sizeof(float), (size_t)out_count[k], f) != (size_t)out_count[k]) {
                fprintf(stderr, "bench_rnnc: cannot write %s\n", out_path);
                return 1;
            }
        if (fclose(f) != 0)
            return 1;
    }
    /* Outputs of one run must not depend on the context's history: run again, compare. */
    {
        static float again[3][NET_OUTPUT_0_COUNT + 1];
        int k;
        memcpy(again, y_buf, sizeof again);
        if (call_run(NULL) != 0 || memcmp(again, y_buf, sizeof again) != 0) {
            fprintf(stderr, "bench_rnnc: a second net_run gave different outputs\n");
            return 1;
        }
        for (k = 0; k < NET_NUM_OUTPUTS; ++k) {
            long e;
            for (e = 0; e < out_count[k]; ++e)
                if (!isfinite(y_buf[k][e])) {
                    fprintf(stderr, "bench_rnnc: output %d element %ld is not finite\n", k, e);
                    return 1;
                }
        }
    }
    if (time_calls(&o, "rnnc_run", call_run, NULL, NULL) != 0) {
        fprintf(stderr, "bench_rnnc: net_run failed while timing\n");
        return 1;
    }

#ifdef BENCH_STREAM
    {
        char extra[160];
        long t = 0;
        double d;
        nets_init(&sctx);
        d = step_vs_run();
        snprintf(extra, sizeof extra, ", \"seq\": %d, \"chunk\": %d, \"step_vs_run_max_abs_diff\": %.3g",
                 (int)BENCH_T, (int)NETS_STEP_CHUNK, d);
        if (!(d <= 1e-4)) {
            fprintf(stderr, "bench_rnnc: %s: stepping through the sequence differs from net_run by %g\n",
                    o.workload, d);
            return 1;
        }
        if (time_calls(&o, "rnnc_step", call_step, &t, extra) != 0) {
            fprintf(stderr, "bench_rnnc: net_step failed while timing\n");
            return 1;
        }
    }
#endif
    return 0;
}
