/* test_seqlens_rt.c — the generated code's run-time sequence_lens check.
 *
 * Built against net.h/net.c that `rnnc compile` generates at build time from
 * testdata/cases/rnn_seqlens_fwd/model.onnx (X float[4][3][3], sequence_lens
 * int32[3] and initial_h float[1][3][4] as graph inputs; outputs Y
 * float[4][1][3][4] and Y_h float[1][3][4]). A length outside 0..T must make
 * net_run return RNNRT_E_SEQ_LEN before anything is written to the outputs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "net.h"
#include "rnnrt.h"
#include "sentinel.h"

#include <stdint.h>
#include <string.h>

#define T 4
#define BATCH 3
#define HID 4

static float X[NET_INPUT_0_COUNT];
static float H0[NET_INPUT_2_COUNT];
static float Y[NET_OUTPUT_0_COUNT];
static float Yh[NET_OUTPUT_1_COUNT];

static void fill_sentinel(void)
{
    sentinel_fill(Y, NET_OUTPUT_0_COUNT);
    sentinel_fill(Yh, NET_OUTPUT_1_COUNT);
}

static int run(const int32_t *lens)
{
    static net_ctx ctx;
    const void *inputs[NET_NUM_INPUTS];
    void *outputs[NET_NUM_OUTPUTS];
    inputs[NET_IN_X] = X;
    inputs[NET_IN_sequence_lens] = lens;
    inputs[NET_IN_initial_h] = H0;
    outputs[NET_OUT_Y] = Y;
    outputs[NET_OUT_Y_h] = Yh;
    net_init(&ctx);
    fill_sentinel();
    return net_run(&ctx, inputs, outputs);
}

static int setup(void **state)
{
    (void)state;
    for (size_t i = 0; i < NET_INPUT_0_COUNT; i++)
        X[i] = 0.1f * (float)((int)(i % 7) - 3);
    for (size_t i = 0; i < NET_INPUT_2_COUNT; i++)
        H0[i] = 0.05f * (float)((int)(i % 5) - 2);
    return 0;
}

static void test_shapes_as_expected(void **state)
{
    (void)state;
    assert_int_equal(NET_NUM_INPUTS, 3);
    assert_int_equal(NET_NUM_OUTPUTS, 2);
    assert_int_equal(NET_INPUT_0_COUNT, T * BATCH * 3);
    assert_int_equal(NET_INPUT_1_COUNT, BATCH);
    assert_int_equal(NET_OUTPUT_0_COUNT, T * BATCH * HID);
    assert_int_equal(NET_OUTPUT_1_COUNT, BATCH * HID);
}

static void expect_seq_len_error(const int32_t *lens)
{
    int rc = run(lens);
    assert_int_equal(rc, RNNRT_E_SEQ_LEN);
    assert_int_equal(rc, 2);
    assert_true(untouched(Y, NET_OUTPUT_0_COUNT));
    assert_true(untouched(Yh, NET_OUTPUT_1_COUNT));
}

static void test_negative_length(void **state)
{
    const int32_t first[BATCH] = {-1, 2, 3}, last[BATCH] = {4, 2, -1};
    const int32_t most_negative[BATCH] = {1, INT32_MIN, 1};
    (void)state;
    expect_seq_len_error(first);
    expect_seq_len_error(last);
    expect_seq_len_error(most_negative);
}

static void test_too_long(void **state)
{
    const int32_t t_plus_1[BATCH] = {1, T + 1, 2}, last[BATCH] = {0, 0, T + 1};
    const int32_t huge[BATCH] = {INT32_MAX, 1, 1};
    (void)state;
    expect_seq_len_error(t_plus_1);
    expect_seq_len_error(last);
    expect_seq_len_error(huge);
}

static void test_valid_lengths(void **state)
{
    const int32_t lens[BATCH] = {T, 0, 2};
    (void)state;
    assert_int_equal(run(lens), RNNRT_OK);
    /* every output element written */
    for (size_t i = 0; i < NET_OUTPUT_0_COUNT; i++)
        assert_true(Y[i] == Y[i]);
    for (size_t i = 0; i < NET_OUTPUT_1_COUNT; i++)
        assert_true(Yh[i] == Yh[i]);
    /* Y is [T][1][B][H]: steps at or past an entry's length are zero */
    for (int t = 0; t < T; t++)
        for (int b = 0; b < BATCH; b++)
            for (int j = 0; j < HID; j++) {
                float y = Y[((size_t)t * BATCH + (size_t)b) * HID + (size_t)j];
                if (t >= lens[b])
                    assert_true(y == 0.0f);
            }
    /* an entry of length 0 has a zero final state; the full-length entry's
     * final state is its last Y row */
    for (int j = 0; j < HID; j++) {
        assert_true(Yh[1 * HID + j] == 0.0f);
        assert_true(Yh[0 * HID + j] == Y[((size_t)(T - 1) * BATCH + 0) * HID + (size_t)j]);
        assert_true(Yh[2 * HID + j] == Y[((size_t)(2 - 1) * BATCH + 2) * HID + (size_t)j]);
    }
}

static void test_bounds_inclusive(void **state)
{
    const int32_t zeros[BATCH] = {0, 0, 0}, full[BATCH] = {T, T, T};
    (void)state;
    assert_int_equal(run(zeros), RNNRT_OK);
    assert_int_equal(run(full), RNNRT_OK);
}

static void test_null_arguments(void **state)
{
    static net_ctx ctx;
    const int32_t lens[BATCH] = {1, 1, 1};
    const void *inputs[NET_NUM_INPUTS] = {X, lens, H0};
    void *outputs[NET_NUM_OUTPUTS] = {Y, Yh};
    const void *missing[NET_NUM_INPUTS] = {X, NULL, H0};
    (void)state;
    net_init(&ctx);
    assert_int_equal(net_run(NULL, inputs, outputs), RNNRT_E_ARG);
    assert_int_equal(net_run(&ctx, NULL, outputs), RNNRT_E_ARG);
    assert_int_equal(net_run(&ctx, inputs, NULL), RNNRT_E_ARG);
    fill_sentinel();
    assert_int_equal(net_run(&ctx, missing, outputs), RNNRT_E_ARG);
    assert_true(untouched(Y, NET_OUTPUT_0_COUNT));
    assert_true(untouched(Yh, NET_OUTPUT_1_COUNT));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shapes_as_expected),
        cmocka_unit_test(test_negative_length),
        cmocka_unit_test(test_too_long),
        cmocka_unit_test(test_valid_lengths),
        cmocka_unit_test(test_bounds_inclusive),
        cmocka_unit_test(test_null_arguments),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
