/* step_seq1.c - a model exported with one time step, compiled with rnnc --step-only, called
 * step by step as PyTorch called it (tests/gen/gen_step_only.py wrote expected.h from the
 * module run in a Python loop with the state fed back). The state is rnnc's: the initial
 * state inputs are read on the first step after a reset only, so they are passed unchanged
 * on every call; every step's output and the final state must match PyTorch's. The whole
 * sequence runs twice, the second time after net_reset(). */
#include "expected.h"
#include "net.h"

#include <math.h>
#include <stdio.h>

#define ATOL 1e-5f
#define RTOL 1e-4f

static const float *const in_data[] = {in0, in1,
#if N_IN > 2
                                       in2
#endif
};
static const int in_per_step[] = {IN0_PER_STEP, IN1_PER_STEP,
#if N_IN > 2
                                  IN2_PER_STEP
#endif
};
static const float *const out_data[] = {out0, out1,
#if N_OUT > 2
                                        out2
#endif
};
static const int out_per_step[] = {OUT0_PER_STEP, OUT1_PER_STEP,
#if N_OUT > 2
                                   OUT2_PER_STEP
#endif
};
/* elements per step call, from the generated header */
static const int out_count[] = {NET_STEP_OUTPUT_0_COUNT, NET_STEP_OUTPUT_1_COUNT,
#if N_OUT > 2
                                NET_STEP_OUTPUT_2_COUNT
#endif
};
static float out_buf[N_OUT][64];
static net_ctx ctx;

static int near(float got, float want) { return fabsf(got - want) <= ATOL + RTOL * fabsf(want); }

int main(void) {
    int bad = 0;
    float max_err = 0;
    if (NET_NUM_INPUTS != N_IN || NET_NUM_OUTPUTS != N_OUT) {
        printf("FAIL: the API has %d inputs, %d outputs; expected %d, %d\n", NET_NUM_INPUTS,
               NET_NUM_OUTPUTS, N_IN, N_OUT);
        return 1;
    }
    for (int k = 0; k < N_OUT; k++)
        if (out_count[k] > 64 || (out_per_step[k] && out_per_step[k] != out_count[k])) {
            printf("FAIL: output %d has %d elements per step; PyTorch's has %d\n", k, out_count[k],
                   out_per_step[k]);
            return 1;
        }
    net_init(&ctx);
    for (int pass = 0; pass < 2; pass++) {
        net_reset(&ctx);
        for (int t = 0; t < T_STEPS; t++) {
            const void *ins[N_IN];
            void *outs[N_OUT];
            int rc;
            for (int i = 0; i < N_IN; i++)
                ins[i] = in_data[i] + (size_t)t * (size_t)in_per_step[i];
            for (int k = 0; k < N_OUT; k++)
                outs[k] = out_buf[k];
            rc = net_step(&ctx, ins, outs);
            if (rc != 0) {
                printf("FAIL: net_step returned %d at step %d\n", rc, t);
                return 1;
            }
            for (int k = 0; k < N_OUT; k++) {
                /* per-step outputs at every step; the state outputs after the last one */
                int n = out_count[k];
                const float *want = out_data[k] + (size_t)t * (size_t)out_per_step[k];
                if (!out_per_step[k] && t != T_STEPS - 1)
                    continue;
                for (int j = 0; j < n; j++) {
                    float e = fabsf(out_buf[k][j] - want[j]);
                    max_err = e > max_err ? e : max_err;
                    if (!near(out_buf[k][j], want[j]) && bad++ < 5)
                        printf("pass %d step %d output %d [%d]: got %.8g, PyTorch %.8g\n", pass, t,
                               k, j, out_buf[k][j], want[j]);
                }
            }
        }
    }
    printf("%s: %d steps x 2 passes, max abs error %.3g vs PyTorch (context %zu bytes)\n",
           bad ? "FAIL" : "PASS", T_STEPS, max_err, sizeof ctx);
    return bad != 0;
}
