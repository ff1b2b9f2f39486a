/* vad.c — speech segments of a 16 kHz recording with Silero VAD v5 compiled by rnnc.
 *
 *   vad [--probs] [FILE]     FILE: 16 kHz mono 16-bit WAV, or raw s16le PCM; stdin if absent
 *
 * Feeds the audio as Silero's own utilities do (utils_vad.py): frames of 512 new samples, each
 * after the previous frame's last 64 (the model's context), the LSTM state carried from frame
 * to frame in the model's `state` input / `stateN` output. Prints the speech segments that
 * get_speech_timestamps finds with its defaults (threshold 0.5, 250 ms minimum speech, 100 ms
 * minimum silence, 30 ms padding), or with --probs each frame's speech probability.
 *
 * The model is compiled with `rnnc compile silero_vad_v5.onnx --name silero --const sr=16000
 * --shape input=1,576 --shape state=2,1,128`: the sample rate is fixed at compile time, so the
 * 16 kHz branch of each of the model's If nodes is all that is compiled. No malloc: the
 * context, the buffers and at most MAX_SEGMENTS segments are static. */
#include "silero.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { RATE = 16000, FRAME = 512, CONTEXT = 64, MAX_SEGMENTS = 4096 };

typedef struct segment {
    long start, end; /* samples */
} segment;

static silero_ctx ctx;
static segment seg[MAX_SEGMENTS];

/* Skips a WAV header up to its data chunk (a raw file is left as it is). 0 on success. */
static int skip_wav_header(FILE *f, unsigned char *head, size_t *have) {
    unsigned char chunk[8];
    *have = fread(head, 1, 12, f);
    if (*have < 12 || memcmp(head, "RIFF", 4) != 0 || memcmp(head + 8, "WAVE", 4) != 0)
        return 0; /* raw PCM: the bytes read are samples */
    *have = 0;
    while (fread(chunk, 1, 8, f) == 8) {
        unsigned long len = chunk[4] | (chunk[5] << 8) | ((unsigned long)chunk[6] << 16) |
                            ((unsigned long)chunk[7] << 24);
        if (memcmp(chunk, "data", 4) == 0)
            return 0;
        if (memcmp(chunk, "fmt ", 4) == 0 && len >= 16) {
            unsigned char fmt[16];
            if (fread(fmt, 1, 16, f) != 16)
                return -1;
            if (fmt[0] != 1 || fmt[2] != 1 || (fmt[4] | fmt[5] << 8) != RATE || fmt[14] != 16) {
                fprintf(stderr, "vad: need 16 kHz mono 16-bit PCM WAV\n");
                return -1;
            }
            len -= 16;
        }
        for (; len > 0; len--)
            if (fgetc(f) == EOF)
                return -1;
    }
    return -1;
}

/* get_speech_timestamps of utils_vad.py: hysteresis on the probabilities, then padding. */
typedef struct tracker {
    int triggered;
    long start, temp_end;
    int n;
} tracker;

static void track(tracker *t, float p, long frame) {
    const float thr = 0.5f, neg = thr - 0.15f;
    const long at = frame * FRAME, min_silence = RATE / 10, min_speech = RATE / 4;
    if (p >= thr && t->temp_end)
        t->temp_end = 0;
    if (p >= thr && !t->triggered) {
        t->triggered = 1, t->start = at;
        return;
    }
    if (p < neg && t->triggered) {
        if (!t->temp_end)
            t->temp_end = at;
        if (at - t->temp_end < min_silence)
            return;
        if (t->temp_end - t->start > min_speech && t->n < MAX_SEGMENTS)
            seg[t->n].start = t->start, seg[t->n++].end = t->temp_end;
        t->temp_end = 0, t->triggered = 0;
    }
}

static void finish(tracker *t, long total) {
    const long pad = RATE * 30 / 1000;
    if (t->triggered && total - t->start > RATE / 4 && t->n < MAX_SEGMENTS)
        seg[t->n].start = t->start, seg[t->n++].end = total;
    for (int i = 0; i < t->n; i++) {
        if (i == 0)
            seg[i].start = seg[i].start > pad ? seg[i].start - pad : 0;
        if (i != t->n - 1) {
            long gap = seg[i + 1].start - seg[i].end;
            if (gap < 2 * pad) {
                seg[i].end += gap / 2;
                seg[i + 1].start = seg[i + 1].start > gap / 2 ? seg[i + 1].start - gap / 2 : 0;
            } else {
                seg[i].end = seg[i].end + pad < total ? seg[i].end + pad : total;
                seg[i + 1].start = seg[i + 1].start > pad ? seg[i + 1].start - pad : 0;
            }
        } else {
            seg[i].end = seg[i].end + pad < total ? seg[i].end + pad : total;
        }
    }
}

int main(int argc, char **argv) {
    static float input[CONTEXT + FRAME], state[2 * 1 * 128], state_n[2 * 1 * 128], prob[1];
    unsigned char head[12], raw[2 * FRAME];
    size_t have = 0;
    long frame = 0, total = 0;
    int probs = 0, rc;
    tracker t = {0, 0, 0, 0};
    const char *path = NULL;
    FILE *f;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--probs") == 0)
            probs = 1;
        else if (!path)
            path = argv[i];
        else
            return fprintf(stderr, "usage: vad [--probs] [FILE]\n"), 2;
    }
    f = path ? fopen(path, "rb") : stdin;
    if (!f)
        return perror(path), 1;
    if (skip_wav_header(f, head, &have)) {
        fprintf(stderr, "vad: %s: not a WAV file this program reads\n", path ? path : "stdin");
        return 1;
    }
    silero_init(&ctx);
    for (;;) {
        const void *in[SILERO_NUM_INPUTS];
        void *out[SILERO_NUM_OUTPUTS];
        size_t got = have;
        memcpy(raw, head, have);
        got += fread(raw + have, 1, sizeof raw - have, f);
        have = 0;
        if (got < sizeof raw) {
            total += (long)(got / 2); /* a last partial frame counts, but is not scored */
            break;
        }
        memmove(input, input + FRAME, CONTEXT * sizeof(float)); /* the previous frame's tail */
        for (int i = 0; i < FRAME; i++)
            input[CONTEXT + i] = (float)(short)(raw[2 * i] | raw[2 * i + 1] << 8) / 32768.0f;
        in[SILERO_IN_input] = input;
        in[SILERO_IN_state] = state;
        out[SILERO_OUT_output] = prob;
        out[SILERO_OUT_stateN] = state_n;
        rc = silero_run(&ctx, in, out);
        if (rc != 0)
            return fprintf(stderr, "vad: silero_run failed (%d)\n", rc), 1;
        memcpy(state, state_n, sizeof state);
        if (probs)
            printf("%ld %.6f\n", frame, prob[0]);
        track(&t, prob[0], frame);
        frame++;
        total += FRAME;
    }
    if (path)
        fclose(f);
    if (probs)
        return 0;
    finish(&t, total);
    for (int i = 0; i < t.n; i++)
        printf("speech %d: %.3f s - %.3f s\n", i + 1, seg[i].start / (double)RATE,
               seg[i].end / (double)RATE);
    return 0;
}
