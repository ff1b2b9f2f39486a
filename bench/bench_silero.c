/* bench_silero.c — time of one Silero VAD v5 frame (64 samples of context + 512 new, 16 kHz,
 * the state carried) in the C rnnc generates: `rnnc compile silero_vad_v5.onnx --name silero
 * --const sr=16000 --shape input=1,576 --shape state=2,1,128` (bench/silero.sh builds it).
 *
 *   bench_silero PCM [ROUNDS]   PCM: 16 kHz mono s16le (testdata/silero/speech.pcm)
 *
 * Runs the whole file frame by frame ROUNDS times (default 5; the state reset each round, the
 * first round is warm-up), timing each round with CLOCK_MONOTONIC; prints one JSON line with
 * the median per-frame time in microseconds over the timed rounds, and the sum of the
 * probabilities of the last round (for a glance that the output is sane). */
#define _POSIX_C_SOURCE 199309L
#include "silero.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { FRAME = 512, CONTEXT = 64, MAX_ROUNDS = 64 };

static silero_ctx ctx;

static double now_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
    static float input[CONTEXT + FRAME], state[256], state_n[256], prob[1];
    double t[MAX_ROUNDS], sum = 0;
    long n, frames;
    int rounds = argc > 2 ? atoi(argv[2]) : 5;
    short *pcm;
    FILE *f = argc > 1 ? fopen(argv[1], "rb") : NULL;
    if (!f || rounds < 2 || rounds > MAX_ROUNDS)
        return fprintf(stderr, "usage: bench_silero PCM [ROUNDS 2..64]\n"), 2;
    fseek(f, 0, SEEK_END);
    n = ftell(f) / 2;
    rewind(f);
    pcm = malloc((size_t)n * sizeof *pcm);
    if (!pcm || fread(pcm, 2, (size_t)n, f) != (size_t)n)
        return fprintf(stderr, "bench_silero: cannot read %s\n", argv[1]), 1;
    fclose(f);
    frames = n / FRAME;
    for (int r = 0; r < rounds; r++) {
        double t0;
        memset(input, 0, sizeof input);
        memset(state, 0, sizeof state);
        silero_init(&ctx);
        sum = 0;
        t0 = now_us();
        for (long k = 0; k < frames; k++) {
            const void *in[SILERO_NUM_INPUTS];
            void *out[SILERO_NUM_OUTPUTS];
            memmove(input, input + FRAME, CONTEXT * sizeof(float));
            for (int i = 0; i < FRAME; i++)
                input[CONTEXT + i] = pcm[k * FRAME + i] / 32768.0f;
            in[SILERO_IN_input] = input;
            in[SILERO_IN_state] = state;
            out[SILERO_OUT_output] = prob;
            out[SILERO_OUT_stateN] = state_n;
            if (silero_run(&ctx, in, out) != 0)
                return fprintf(stderr, "bench_silero: silero_run failed\n"), 1;
            memcpy(state, state_n, sizeof state);
            sum += prob[0];
        }
        t[r] = (now_us() - t0) / (double)frames;
    }
    qsort(t + 1, (size_t)rounds - 1, sizeof t[0], cmp);
    printf("{\"impl\": \"rnnc\", \"frames\": %ld, \"us_per_frame\": %.3f, \"prob_sum\": %.4f}\n",
           frames, t[1 + (rounds - 1) / 2], sum);
    free(pcm);
    return 0;
}
