/* demo.c - run the rnnc-compiled demo LSTM (examples/demo/model.onnx) on a sine-wave input
 * and compare with the outputs of the NumPy reference in make_model.py (demo_data.h).
 * Exit 0 if every output is within 1e-5 of the reference, 1 otherwise. */
#include "net.h"

#include "demo_data.h"

#include <math.h>
#include <stdio.h>

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static float y[NET_OUTPUT_0_COUNT], y_h[NET_OUTPUT_1_COUNT];

static double max_abs_err(const float *got, const float *want, size_t n)
{
    double m = 0.0;
    for (size_t i = 0; i < n; i++) {
        double e = fabs((double)got[i] - (double)want[i]);
        if (!(e <= m)) /* also catches NaN */
            m = e;
    }
    return m;
}

int main(void)
{
    static net_ctx ctx;
    const void *inputs[NET_NUM_INPUTS] = {demo_x};
    void *outputs[NET_NUM_OUTPUTS] = {y, y_h};
    double err_y, err_h, tol = 1e-5;
    int rc;

    if (NET_NUM_INPUTS != 1 || NET_NUM_OUTPUTS != 2 || NET_INPUT_0_COUNT != N_OF(demo_x) ||
        NET_OUTPUT_0_COUNT != N_OF(demo_expected_y) ||
        NET_OUTPUT_1_COUNT != N_OF(demo_expected_y_h)) {
        fprintf(stderr, "demo: net.h does not match demo_data.h\n");
        return 1;
    }
    net_init(&ctx);
    rc = net_run(&ctx, inputs, outputs);
    if (rc != 0) {
        fprintf(stderr, "demo: net_run failed with %d\n", rc);
        return 1;
    }
    printf("LSTM, input %d, hidden %d: Y_h (final hidden state) after %d steps\n",
           DEMO_INPUT_SIZE, DEMO_HIDDEN_SIZE, DEMO_SEQ_LENGTH);
    printf("   i         rnnc     expected\n");
    for (size_t i = 0; i < N_OF(y_h); i++)
        printf("  %2u %12.8f %12.8f\n", (unsigned)i, (double)y_h[i], (double)demo_expected_y_h[i]);
    err_y = max_abs_err(y, demo_expected_y, N_OF(y));
    err_h = max_abs_err(y_h, demo_expected_y_h, N_OF(y_h));
    printf("max abs error: Y %.3g, Y_h %.3g (tolerance %g)\n", err_y, err_h, tol);
    if (err_y <= tol && err_h <= tol) {
        printf("PASS\n");
        return 0;
    }
    printf("FAIL\n");
    return 1;
}
