/* detect.c - a streaming 1 kHz tone detector: the GRU of tone.onnx, compiled by rnnc with
 * --stream, fed one sample per tone_net_step call.
 *
 *   detect                 read 16-bit PCM samples from standard input, one number a line,
 *                          and print for each, as soon as it is read, p_t (the probability
 *                          that the tone is on) and the detection (1 if p_t > 0.5, else 0)
 *   detect --test FILE     check a test signal (test_set.txt) step by step against PyTorch
 *                          and its labels (detect_test.c)
 */
#include "tone_net.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if TONE_NET_STEP_INPUT_0_COUNT != 1 || TONE_NET_STEP_OUTPUT_0_COUNT != 1
#error "tone_net.h: expected one sample in and one probability out per step (CHUNK 1)"
#endif

int detect_test(const char *path);

int main(int argc, char **argv) {
    static tone_net_ctx net; /* the GRU state lives here between calls */
    float pcm, prob;
    const void *inputs[1] = {&pcm};
    void *outputs[1] = {&prob};
    char line[256], *end;
    unsigned long n = 0;

    if (argc == 3 && strcmp(argv[1], "--test") == 0)
        return detect_test(argv[2]);
    if (argc != 1) {
        fprintf(stderr, "usage: detect < samples.txt\n       detect --test FILE\n");
        return 2;
    }
    tone_net_init(&net); /* a zero state: a new signal starts */
    while (fgets(line, sizeof line, stdin)) {
        pcm = (float)strtod(line, &end);
        if (end == line) {
            fprintf(stderr, "detect: line %lu: expected a number\n", n + 1);
            return 1;
        }
        if (tone_net_step(&net, inputs, outputs) != 0) /* one sample in, its p_t out */
            return 1;
        printf("%.4f %d\n", (double)prob, prob > 0.5f);
        fflush(stdout); /* a pipe gets each answer at once */
        n++;
    }
    return 0;
}
