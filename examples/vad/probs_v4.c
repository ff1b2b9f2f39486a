/* probs_v4.c — each frame's speech probability with Silero VAD v4 (silero_vad_legacy.onnx),
 * the older interface: 512 samples per frame with no context, the LSTM state as h and c.
 *
 *   probs_v4 FILE.pcm      FILE: raw 16 kHz mono s16le PCM; prints "frame probability" lines
 *
 * Compiled with `rnnc compile silero_vad_legacy.onnx --name silero_v4 --const sr=16000
 * --dim batch=1 --dim sequence=512`. examples/vad's test pipes it into check_probs against
 * ONNX Runtime's probabilities. */
#include "silero_v4.h"

#include <stdio.h>
#include <string.h>

enum { FRAME = 512 };

static silero_v4_ctx ctx;

int main(int argc, char **argv) {
    static float input[FRAME], h[2 * 64], c[2 * 64], hn[2 * 64], cn[2 * 64], prob[1];
    unsigned char raw[2 * FRAME];
    long frame = 0;
    FILE *f;
    if (argc != 2)
        return fprintf(stderr, "usage: probs_v4 FILE.pcm\n"), 2;
    f = fopen(argv[1], "rb");
    if (!f)
        return perror(argv[1]), 1;
    silero_v4_init(&ctx);
    while (fread(raw, 1, sizeof raw, f) == sizeof raw) {
        const void *in[SILERO_V4_NUM_INPUTS];
        void *out[SILERO_V4_NUM_OUTPUTS];
        for (int i = 0; i < FRAME; i++)
            input[i] = (float)(short)(raw[2 * i] | raw[2 * i + 1] << 8) / 32768.0f;
        in[SILERO_V4_IN_input] = input;
        in[SILERO_V4_IN_h] = h;
        in[SILERO_V4_IN_c] = c;
        out[SILERO_V4_OUT_output] = prob;
        out[SILERO_V4_OUT_hn] = hn;
        out[SILERO_V4_OUT_cn] = cn;
        if (silero_v4_run(&ctx, in, out) != 0)
            return fprintf(stderr, "probs_v4: silero_v4_run failed\n"), 1;
        memcpy(h, hn, sizeof h); /* the state carried to the next frame */
        memcpy(c, cn, sizeof c);
        printf("%ld %.6f\n", frame++, prob[0]);
    }
    fclose(f);
    return 0;
}
