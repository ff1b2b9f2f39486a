/*
 * test_special_rt.c - generated code fed NaN, +-Inf, +-1e30, denormals, -0 (built in every
 * tree; in build-test-asan the generated code and the runtime run under ASan + UBSan, so any
 * undefined behaviour on these inputs fails the test there).
 *
 * Nets (tests/CMakeLists.txt compiles them with rnnc):
 *   lstm_k  bench/models/lstm_tiny_step.onnx, the runtime kernels (packed products, cell)
 *   lstm_f  the same model with --unroll full (straight-line generated code)
 *   rnn_k   bench/models/rnn_small.onnx, kernels, 100 steps
 *   gru_t   testdata/torch/gru_l1_op11, a PyTorch GRU
 *   gru_lin testdata/torch/gru_l1_bf_nobias_lastlin_op13, GRU + last step + Linear (packed MatMul)
 * Checks: every call returns RNNRT_OK; with huge but finite inputs every output is finite and
 * hidden states (Y, Y_h of RNN/GRU/LSTM) lie in [-1, 1]; with NaN/Inf inputs hidden states are
 * NaN or in [-1, 1] (tanh-bounded, never Inf or garbage).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "gru_lin.h"
#include "gru_t.h"
#include "lstm_f.h"
#include "lstm_k.h"
#include "rnn_k.h"
#include "rnnrt.h"

/* Input patterns: finite ones must give finite outputs. */
static float pattern(int kind, size_t i) {
    static const float huge[] = {1e30f, -1e30f, 3e38f, -3e38f, 1e-40f, -1e-40f, 0.0f, -0.0f, 0.5f};
    switch (kind) {
    case 0: /* huge, tiny, signed zero: all finite */
        return huge[i % (sizeof huge / sizeof huge[0])];
    case 1: /* NaN in every 7th element, the rest ordinary */
        return i % 7 == 0 ? (float)NAN : (float)((int)(i % 11) - 5) * 0.1f;
    default: /* +-Inf */
        return i % 2 ? (float)INFINITY : -(float)INFINITY;
    }
}

static void fill(float *x, size_t n, int kind) {
    for (size_t i = 0; i < n; i++)
        x[i] = pattern(kind, i);
}

/* bounded: a hidden state, tanh-bounded; finite: every value must be finite */
static void check(const char *net, int out, const float *y, size_t n, int bounded, int finite) {
    for (size_t i = 0; i < n; i++) {
        const float v = y[i];
        if (finite && !isfinite(v))
            fail_msg("%s output %d[%zu] = %g with finite inputs", net, out, i, (double)v);
        if (bounded && !isnan(v) && !(v >= -1.0f && v <= 1.0f))
            fail_msg("%s output %d[%zu] = %g, outside [-1, 1]", net, out, i, (double)v);
    }
}

#define RUN(P, PU, bounded_mask, kind)                                                             \
    do {                                                                                           \
        static float x[PU##_INPUT_0_COUNT];                                                        \
        static float o0[PU##_OUTPUT_0_COUNT], o1[PU##_NUM_OUTPUTS > 1 ? 64 * 1024 : 1],            \
            o2[PU##_NUM_OUTPUTS > 2 ? 64 * 1024 : 1];                                              \
        static P##_ctx ctx;                                                                        \
        const void *in[1] = {x};                                                                   \
        void *outs[3] = {o0, o1, o2};                                                              \
        const size_t counts[3] = {PU##_OUTPUT_0_COUNT, PU##_NUM_OUTPUTS > 1 ? OUT_COUNT(PU, 1) : 0, \
                                  PU##_NUM_OUTPUTS > 2 ? OUT_COUNT(PU, 2) : 0};                    \
        P##_init(&ctx);                                                                            \
        fill(x, PU##_INPUT_0_COUNT, kind);                                                         \
        assert_int_equal(P##_run(&ctx, in, outs), RNNRT_OK);                                       \
        for (int k = 0; k < PU##_NUM_OUTPUTS; k++)                                                 \
            check(#P, k, (const float *)outs[k], counts[k], (bounded_mask >> k) & 1, kind == 0);   \
    } while (0)

/* output k's element count when it exists (the macros of absent outputs are not defined) */
#define OUT_COUNT(PU, k) OUT_COUNT_##k(PU)
#define OUT_COUNT_1(PU) PU##_OUTPUT_1_COUNT_OR0
#define OUT_COUNT_2(PU) PU##_OUTPUT_2_COUNT_OR0

/* the outputs each net has (from the generated headers) */
#define LSTM_K_OUTPUT_1_COUNT_OR0 LSTM_K_OUTPUT_1_COUNT
#define LSTM_K_OUTPUT_2_COUNT_OR0 LSTM_K_OUTPUT_2_COUNT
#define LSTM_F_OUTPUT_1_COUNT_OR0 LSTM_F_OUTPUT_1_COUNT
#define LSTM_F_OUTPUT_2_COUNT_OR0 LSTM_F_OUTPUT_2_COUNT
#define RNN_K_OUTPUT_1_COUNT_OR0 RNN_K_OUTPUT_1_COUNT
#define RNN_K_OUTPUT_2_COUNT_OR0 0
#define GRU_T_OUTPUT_1_COUNT_OR0 0
#define GRU_T_OUTPUT_2_COUNT_OR0 0
#define GRU_LIN_OUTPUT_1_COUNT_OR0 0
#define GRU_LIN_OUTPUT_2_COUNT_OR0 0

static void run_all(int kind) {
    /* Y and Y_h bounded; Y_c (LSTM cell state) is not */
    RUN(lstm_k, LSTM_K, 3, kind);
    RUN(lstm_f, LSTM_F, 3, kind);
    RUN(rnn_k, RNN_K, 3, kind);
    RUN(gru_t, GRU_T, 1, kind);
    RUN(gru_lin, GRU_LIN, 0, kind); /* a Linear head: not bounded */
}

static void test_huge_finite(void **state) {
    (void)state;
    run_all(0);
}

static void test_nan(void **state) {
    (void)state;
    run_all(1);
}

static void test_inf(void **state) {
    (void)state;
    run_all(2);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_huge_finite),
        cmocka_unit_test(test_nan),
        cmocka_unit_test(test_inf),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
