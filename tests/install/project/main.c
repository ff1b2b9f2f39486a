/* main.c - install test program: runs the rnnc-compiled testdata/cases/lstm_symbolic_dims
 * model (generated as net.h/net.c with seq=5, batch=3) on the inputs of its test_data_set_0
 * and compares every output with the expected values (test_data.h). Built by the out-of-tree
 * project next to it (find_package(rnnc) + rnnc_add_model) and, by
 * tests/install/run_install_test.sh, with pkg-config. Exit 0 when every element has
 * |got - expected| <= 1e-5 + 1e-3 * |expected|, 1 otherwise. */
#include "net.h"

#include "test_data.h"

#include <math.h>
#include <stdio.h>

#define ATOL 1e-5
#define RTOL 1e-3

static net_ctx ctx;
static float y[NET_OUTPUT_0_COUNT], y_h[NET_OUTPUT_1_COUNT], y_c[NET_OUTPUT_2_COUNT];

int main(void)
{
    void *outputs[NET_NUM_OUTPUTS] = {y, y_h, y_c};
    const size_t in_counts[NET_NUM_INPUTS] = {NET_INPUT_0_COUNT, NET_INPUT_1_COUNT,
                                              NET_INPUT_2_COUNT, NET_INPUT_3_COUNT};
    const size_t out_counts[NET_NUM_OUTPUTS] = {NET_OUTPUT_0_COUNT, NET_OUTPUT_1_COUNT,
                                                NET_OUTPUT_2_COUNT};
    int rc, bad = 0;

    if (NET_NUM_INPUTS != TEST_NUM_INPUTS || NET_NUM_OUTPUTS != TEST_NUM_OUTPUTS) {
        fprintf(stderr, "install test: net.h has %d inputs and %d outputs, expected %d and %d\n",
                NET_NUM_INPUTS, NET_NUM_OUTPUTS, TEST_NUM_INPUTS, TEST_NUM_OUTPUTS);
        return 1;
    }
    for (int i = 0; i < NET_NUM_INPUTS; i++)
        if (in_counts[i] != test_input_counts[i]) {
            fprintf(stderr, "install test: input %d has %u elements, the data %u\n", i,
                    (unsigned)in_counts[i], (unsigned)test_input_counts[i]);
            return 1;
        }
    for (int k = 0; k < NET_NUM_OUTPUTS; k++)
        if (out_counts[k] != test_output_counts[k]) {
            fprintf(stderr, "install test: output %d has %u elements, the data %u\n", k,
                    (unsigned)out_counts[k], (unsigned)test_output_counts[k]);
            return 1;
        }

    net_init(&ctx);
    rc = net_run(&ctx, test_inputs, outputs);
    if (rc != 0) {
        fprintf(stderr, "install test: net_run returned %d\n", rc);
        return 1;
    }
    for (int k = 0; k < NET_NUM_OUTPUTS; k++) {
        const float *got = outputs[k], *want = test_outputs[k];
        double max_abs = 0.0;
        size_t n_bad = 0;
        for (size_t i = 0; i < out_counts[k]; i++) {
            double d = fabs((double)got[i] - (double)want[i]);
            if (!(d <= ATOL + RTOL * fabs((double)want[i]))) /* NaN fails too */
                n_bad++;
            if (!(d <= max_abs))
                max_abs = d;
        }
        printf("output %d: %u elements, max_abs %.3g, %u outside atol %g + rtol %g: %s\n", k,
               (unsigned)out_counts[k], max_abs, (unsigned)n_bad, ATOL, RTOL,
               n_bad ? "FAIL" : "ok");
        bad |= n_bad != 0;
    }
    printf("%s\n", bad ? "FAIL" : "PASS");
    return bad;
}
