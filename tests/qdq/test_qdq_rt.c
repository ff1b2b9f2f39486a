/* test_qdq_rt.c — generated code for QuantizeLinear/DequantizeLinear with scales that arrive
 * at run time (testdata/qdq/qdq_runtime_scale_op13: x float[3][5], s float[3], z uint8[3],
 * acc int32[3][2] -> y float[3][5], y32 float[3][2]): every scale that is 0, -0, negative,
 * NaN or +-Inf, in any position, makes net_run return RNNRT_E_ARG before an output is
 * written; valid scales give RNNRT_OK and y = (q(x) - z) * s within half a step of x. */
#include "net.h"
#include "rnnrt.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static net_ctx ctx;

int main(void) {
    static const float bad[] = {0.0f, -0.0f, -1.0f, NAN, INFINITY, -INFINITY};
    float x[15], s[3] = {0.5f, 0.25f, 2.0f}, y[15], y32[6];
    uint8_t z[3] = {128, 0, 255};
    int32_t acc[6] = {1, -1, 100, -100, 7, 0};
    const void *in[4];
    void *out[2];
    int fails = 0;
    for (int i = 0; i < 15; i++)
        x[i] = (float)(i - 7) * 0.3f;
    in[0] = x, in[1] = s, in[2] = z, in[3] = acc;
    out[0] = y, out[1] = y32;
    net_init(&ctx);
    for (int k = 0; k < 3; k++)
        for (size_t b = 0; b < sizeof bad / sizeof bad[0]; b++) {
            float keep = s[k];
            int rc;
            memset(y, 0x5a, sizeof y);
            memset(y32, 0x5a, sizeof y32);
            s[k] = bad[b];
            rc = net_run(&ctx, in, out);
            s[k] = keep;
            for (int i = 0; i < 15; i++) {
                unsigned char raw[sizeof(float)];
                memcpy(raw, &y[i], sizeof raw);
                if (raw[0] != 0x5a || raw[3] != 0x5a) {
                    printf("FAIL: scale %d = %g: y[%d] written\n", k, (double)bad[b], i);
                    fails++;
                    break;
                }
            }
            if (rc != RNNRT_E_ARG) {
                printf("FAIL: scale %d = %g: net_run returned %d, expected RNNRT_E_ARG\n", k,
                       (double)bad[b], rc);
                fails++;
            }
        }
    if (net_run(&ctx, in, out) != RNNRT_OK) {
        printf("FAIL: valid scales: net_run did not return RNNRT_OK\n");
        fails++;
    }
    for (int i = 0; i < 15; i++) {
        float sc = s[i / 5];
        /* saturation: channel 1 (zero point 0) cannot hold negatives, channel 2 (255) positives */
        float lo = (0.0f - (float)z[i / 5]) * sc, hi = (255.0f - (float)z[i / 5]) * sc;
        float want = x[i] < lo ? lo : x[i] > hi ? hi : x[i];
        if (!(fabsf(y[i] - want) <= 0.5f * sc + 1e-6f)) {
            printf("FAIL: y[%d] = %g, expected %g within %g\n", i, (double)y[i], (double)want,
                   (double)(0.5f * sc));
            fails++;
        }
    }
    for (int i = 0; i < 6; i++)
        if (y32[i] != (float)acc[i] * s[i / 2]) {
            printf("FAIL: y32[%d] = %g, expected %g\n", i, (double)y32[i],
                   (double)((float)acc[i] * s[i / 2]));
            fails++;
        }
    if (!fails)
        printf("PASS\n");
    return fails ? 1 : 0;
}
