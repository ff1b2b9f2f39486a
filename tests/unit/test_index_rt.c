/* test_index_rt.c — the generated code's run-time index check for embeddings.
 *
 * Built against net.h/net.c that `rnnc compile` generates at build time from
 * testdata/torch/lstm_l1_yh_lastlinlogsoftmax_emb_op17/model.onnx (a PyTorch
 * export: nn.Embedding(V, 7) on the graph input 'tokens' int64[4][2], an LSTM,
 * then Linear + LogSoftmax on the last step; outputs y float[2][3] and h_n
 * float[1][2][7]). The embedding is an ONNX Gather whose indices are the
 * run-time token ids: every id must lie in -V..V-1 (negative ones count from
 * the end, as the ONNX spec says), otherwise net_run returns RNNRT_E_INDEX.
 *
 * V, the token ids and PyTorch's expected outputs come from index_rt_data.h,
 * which tests/unit/gen_index_rt_data.py writes from the model and its
 * test_data_set_0 (V is the first dim of the embedding weight).
 *
 * The Gather is node 0 and net_run calls it first, after only the NULL-pointer
 * checks (see the generated net.c), so on an index error nothing has been
 * written to the outputs yet: they must keep their NaN sentinel. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "net.h"
#include "rnnrt.h"
#include "sentinel.h"

#include "index_rt_data.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#define V ((int64_t)INDEX_RT_VOCAB)

static int64_t tokens[NET_INPUT_0_COUNT];
static float out0[NET_OUTPUT_0_COUNT]; /* 'y' */
static float out1[NET_OUTPUT_1_COUNT]; /* 'h_n' */

static void fill_sentinel(void)
{
    sentinel_fill(out0, NET_OUTPUT_0_COUNT);
    sentinel_fill(out1, NET_OUTPUT_1_COUNT);
}

static void reset_tokens(void)
{
    memcpy(tokens, index_rt_tokens, sizeof tokens);
}

static int run(void)
{
    static net_ctx ctx;
    const void *inputs[NET_NUM_INPUTS];
    void *outputs[NET_NUM_OUTPUTS];
    inputs[NET_IN_tokens] = tokens;
    outputs[NET_OUT_y] = out0;
    outputs[NET_OUT_h_n] = out1;
    net_init(&ctx);
    fill_sentinel();
    return net_run(&ctx, inputs, outputs);
}

static void expect_close(const float *got, const float *want, size_t n, const char *what)
{
    for (size_t i = 0; i < n; i++) {
        float tol = 1e-5f + 1e-3f * fabsf(want[i]);
        if (!(fabsf(got[i] - want[i]) <= tol)) /* also catches NaN */
            fail_msg("%s[%zu]: got %.9g, PyTorch %.9g (tolerance %.3g)", what, i,
                     (double)got[i], (double)want[i], (double)tol);
    }
}

static void test_shapes_as_expected(void **state)
{
    (void)state;
    assert_int_equal(NET_NUM_INPUTS, 1);
    assert_int_equal(NET_NUM_OUTPUTS, INDEX_RT_NUM_OUTPUTS);
    assert_int_equal(NET_INPUT_0_COUNT, INDEX_RT_NUM_TOKENS);
    assert_int_equal(NET_OUTPUT_0_COUNT, INDEX_RT_OUTPUT_0_COUNT);
    assert_int_equal(NET_OUTPUT_1_COUNT, INDEX_RT_OUTPUT_1_COUNT);
    /* the data header's outputs are in graph order */
    assert_int_equal(NET_OUT_y, 0);
    assert_int_equal(NET_OUT_h_n, 1);
    assert_true(INDEX_RT_VOCAB >= 2);
}

/* (a) PyTorch's token ids: OK, and both outputs match PyTorch */
static void test_valid_tokens_match_pytorch(void **state)
{
    (void)state;
    reset_tokens();
    assert_int_equal(run(), RNNRT_OK);
    expect_close(out0, index_rt_expected_0, NET_OUTPUT_0_COUNT, "y");
    expect_close(out1, index_rt_expected_1, NET_OUTPUT_1_COUNT, "h_n");
}

/* (b)-(d) one bad id at position p: RNNRT_E_INDEX and the outputs untouched */
static void expect_index_error(size_t p, int64_t bad)
{
    int rc;
    reset_tokens();
    tokens[p] = bad;
    rc = run();
    if (rc != RNNRT_E_INDEX)
        fail_msg("token[%zu] = %lld: net_run returned %d (%s), want RNNRT_E_INDEX", p,
                 (long long)bad, rc, rnnrt_status_str(rc));
    assert_true(untouched(out0, NET_OUTPUT_0_COUNT));
    assert_true(untouched(out1, NET_OUTPUT_1_COUNT));
}

static void test_one_past_end(void **state)
{
    (void)state;
    assert_int_equal(RNNRT_E_INDEX, 3);
    for (size_t p = 0; p < NET_INPUT_0_COUNT; p++)
        expect_index_error(p, V);
    expect_index_error(NET_INPUT_0_COUNT - 1, V + 1);
    expect_index_error(0, INT64_MAX);
}

static void test_below_minus_v(void **state)
{
    (void)state;
    for (size_t p = 0; p < NET_INPUT_0_COUNT; p++)
        expect_index_error(p, -V - 1);
    expect_index_error(NET_INPUT_0_COUNT / 2, INT64_MIN);
}

/* an error leaves nothing behind: the next valid run is right again */
static void test_valid_after_error(void **state)
{
    static net_ctx ctx;
    const void *inputs[NET_NUM_INPUTS];
    void *outputs[NET_NUM_OUTPUTS];
    (void)state;
    inputs[NET_IN_tokens] = tokens;
    outputs[NET_OUT_y] = out0;
    outputs[NET_OUT_h_n] = out1;
    net_init(&ctx);
    reset_tokens();
    tokens[1] = V;
    fill_sentinel();
    assert_int_equal(net_run(&ctx, inputs, outputs), RNNRT_E_INDEX);
    reset_tokens();
    assert_int_equal(net_run(&ctx, inputs, outputs), RNNRT_OK);
    expect_close(out0, index_rt_expected_0, NET_OUTPUT_0_COUNT, "y");
    expect_close(out1, index_rt_expected_1, NET_OUTPUT_1_COUNT, "h_n");
}

/* the ends of the range are accepted and every output is written */
static void test_bounds_inclusive(void **state)
{
    const int64_t ends[4] = {0, V - 1, -1, -V};
    (void)state;
    for (size_t e = 0; e < 4; e++) {
        for (size_t p = 0; p < NET_INPUT_0_COUNT; p++)
            tokens[p] = ends[e];
        assert_int_equal(run(), RNNRT_OK);
        for (size_t i = 0; i < NET_OUTPUT_0_COUNT; i++)
            assert_true(out0[i] == out0[i]);
        for (size_t i = 0; i < NET_OUTPUT_1_COUNT; i++)
            assert_true(out1[i] == out1[i]);
    }
}

/* (e) id k < 0 selects row V + k: -1 is the same as V-1, -V the same as 0,
 * bit for bit, at every position */
static void outputs_with(size_t p, int64_t tok, float *y, float *hn)
{
    reset_tokens();
    tokens[p] = tok;
    assert_int_equal(run(), RNNRT_OK);
    memcpy(y, out0, sizeof out0);
    memcpy(hn, out1, sizeof out1);
}

static void test_negative_counts_from_end(void **state)
{
    float y_pos[NET_OUTPUT_0_COUNT], hn_pos[NET_OUTPUT_1_COUNT];
    float y_neg[NET_OUTPUT_0_COUNT], hn_neg[NET_OUTPUT_1_COUNT];
    float y_zero[NET_OUTPUT_0_COUNT], hn_zero[NET_OUTPUT_1_COUNT];
    (void)state;
    for (size_t p = 0; p < NET_INPUT_0_COUNT; p++) {
        outputs_with(p, V - 1, y_pos, hn_pos);
        outputs_with(p, -1, y_neg, hn_neg);
        assert_memory_equal(y_neg, y_pos, sizeof y_pos);
        assert_memory_equal(hn_neg, hn_pos, sizeof hn_pos);

        outputs_with(p, 0, y_zero, hn_zero);
        outputs_with(p, -V, y_neg, hn_neg);
        assert_memory_equal(y_neg, y_zero, sizeof y_zero);
        assert_memory_equal(hn_neg, hn_zero, sizeof hn_zero);

        /* the comparison is not vacuous: rows V-1 and 0 give different h_n */
        assert_memory_not_equal(hn_pos, hn_zero, sizeof hn_pos);
    }
}

/* (f) NULL pointers: RNNRT_E_ARG, outputs untouched */
static void test_null_arguments(void **state)
{
    static net_ctx ctx;
    const void *inputs[NET_NUM_INPUTS];
    const void *missing[NET_NUM_INPUTS];
    void *outputs[NET_NUM_OUTPUTS];
    void *missing_out[NET_NUM_OUTPUTS];
    (void)state;
    reset_tokens();
    inputs[NET_IN_tokens] = tokens;
    missing[NET_IN_tokens] = NULL;
    outputs[NET_OUT_y] = out0;
    outputs[NET_OUT_h_n] = out1;
    missing_out[NET_OUT_y] = out0;
    missing_out[NET_OUT_h_n] = NULL;
    net_init(&ctx);
    assert_int_equal(net_run(NULL, inputs, outputs), RNNRT_E_ARG);
    assert_int_equal(net_run(&ctx, NULL, outputs), RNNRT_E_ARG);
    assert_int_equal(net_run(&ctx, inputs, NULL), RNNRT_E_ARG);
    fill_sentinel();
    assert_int_equal(net_run(&ctx, missing, outputs), RNNRT_E_ARG);
    assert_true(untouched(out0, NET_OUTPUT_0_COUNT));
    assert_true(untouched(out1, NET_OUTPUT_1_COUNT));
    assert_int_equal(net_run(&ctx, inputs, missing_out), RNNRT_E_ARG);
    assert_true(untouched(out0, NET_OUTPUT_0_COUNT));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shapes_as_expected),
        cmocka_unit_test(test_valid_tokens_match_pytorch),
        cmocka_unit_test(test_one_past_end),
        cmocka_unit_test(test_below_minus_v),
        cmocka_unit_test(test_valid_after_error),
        cmocka_unit_test(test_bounds_inclusive),
        cmocka_unit_test(test_negative_counts_from_end),
        cmocka_unit_test(test_null_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
