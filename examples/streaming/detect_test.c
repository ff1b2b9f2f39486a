/* detect_test.c - detect --test FILE: check the streaming tone detector on a test signal.
 *
 * FILE (test_set.txt, written by train.py): '#' comment lines, a line
 * "pytorch_accuracy <right> <total>", then one line per sample
 * "<PCM sample> <label> <PyTorch's p_t>", where PyTorch computed p_t over the whole sequence
 * in one call. The signal is fed to tone_net_step one sample per call, starting from
 * tone_net_init; the test fails (returns 1) if
 *   - any p_t differs from PyTorch's by more than ATOL + RTOL * |p_pytorch|,
 *   - any detection (p_t > 0.5) differs from PyTorch's,
 *   - the detection accuracy against the labels is more than MARGIN below PyTorch's, or
 *   - after tone_net_reset, a second pass over the signal does not give the same outputs.
 */
#include "tone_net.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ATOL 1e-4
#define RTOL 1e-3
#define MARGIN 0.001 /* accuracy may fall this much below PyTorch's (as a fraction) */
#define MAX_REPORTED 10

int detect_test(const char *path);

struct sample {
    float pcm;
    int label;
    double want; /* PyTorch's p_t */
    float got;   /* p_t from the first pass */
};

/* Reads the test signal; returns the number of samples (0 on error), *s owned by the caller. */
static size_t read_signal(FILE *f, const char *path, struct sample **s, long *torch_right,
                          long *torch_total) {
    char line[256];
    unsigned long lineno = 0;
    size_t n = 0, cap = 0;

    *s = NULL;
    *torch_total = -1;
    while (fgets(line, sizeof line, f)) {
        double pcm, want;
        int label;
        lineno++;
        if (line[0] == '#' || line[0] == '\n')
            continue;
        if (*torch_total < 0) {
            if (sscanf(line, "pytorch_accuracy %ld %ld", torch_right, torch_total) != 2 ||
                *torch_total <= 0 || *torch_right < 0 || *torch_right > *torch_total) {
                fprintf(stderr, "%s:%lu: expected 'pytorch_accuracy <right> <total>'\n", path,
                        lineno);
                return 0;
            }
            continue;
        }
        if (sscanf(line, "%lf %d %lf", &pcm, &label, &want) != 3 || (label != 0 && label != 1)) {
            fprintf(stderr, "%s:%lu: expected '<PCM sample> <label 0|1> <probability>'\n", path,
                    lineno);
            return 0;
        }
        if (n == cap) {
            size_t ncap = cap ? 2 * cap : 1024;
            struct sample *p = realloc(*s, ncap * sizeof **s);
            if (!p) {
                fprintf(stderr, "detect: out of memory\n");
                return 0;
            }
            *s = p;
            cap = ncap;
        }
        (*s)[n].pcm = (float)pcm;
        (*s)[n].label = label;
        (*s)[n].want = want;
        n++;
    }
    if (n == 0)
        fprintf(stderr, "%s: no samples\n", path);
    else if ((unsigned long)*torch_total != n) {
        fprintf(stderr, "%s: pytorch_accuracy counts %ld samples, the file holds %lu\n", path,
                *torch_total, (unsigned long)n);
        n = 0;
    }
    return n;
}

int detect_test(const char *path) {
    static tone_net_ctx net;
    const void *inputs[1];
    void *outputs[1];
    float pcm, prob;
    struct sample *s;
    long torch_right, torch_total;
    unsigned long right = 0, torch_same = 0, bad = 0, reset_same = 0;
    double max_diff = 0.0, acc, torch_acc;
    size_t n, t;
    FILE *f = fopen(path, "r");

    if (!f) {
        perror(path);
        return 1;
    }
    n = read_signal(f, path, &s, &torch_right, &torch_total);
    fclose(f);
    if (n == 0) {
        free(s);
        return 1;
    }
    inputs[0] = &pcm;
    outputs[0] = &prob;

    tone_net_init(&net);
    for (t = 0; t < n; t++) {
        double d;
        pcm = s[t].pcm;
        if (tone_net_step(&net, inputs, outputs) != 0) {
            fprintf(stderr, "detect: tone_net_step failed at sample %lu\n", (unsigned long)t);
            free(s);
            return 1;
        }
        s[t].got = prob;
        d = fabs((double)prob - s[t].want);
        if (!(d <= max_diff)) /* also catches NaN */
            max_diff = d;
        if (!(d <= ATOL + RTOL * fabs(s[t].want)) && bad++ < MAX_REPORTED)
            fprintf(stderr, "%s: sample %lu: p_t %.6f, PyTorch %.6f\n", path, (unsigned long)t,
                    (double)prob, s[t].want);
        right += (prob > 0.5f) == s[t].label;
        torch_same += (prob > 0.5f) == (s[t].want > 0.5);
    }

    /* The same signal again after a reset must give the same outputs, bit for bit. */
    tone_net_reset(&net);
    for (t = 0; t < n; t++) {
        pcm = s[t].pcm;
        if (tone_net_step(&net, inputs, outputs) != 0)
            break;
        reset_same += memcmp(&prob, &s[t].got, sizeof prob) == 0;
    }
    free(s);

    acc = (double)right / (double)n;
    torch_acc = (double)torch_right / (double)torch_total;
    printf("streaming: %lu samples, %d per tone_net_step call\n", (unsigned long)n,
           TONE_NET_STEP_CHUNK);
    printf("p_t vs PyTorch (whole sequence at once): largest difference %.3g, %lu outside "
           "atol %g + rtol %g\n",
           max_diff, bad, ATOL, RTOL);
    printf("detection (p_t > 0.5): the same as PyTorch's on %lu/%lu samples\n", torch_same,
           (unsigned long)n);
    printf("accuracy against the labels: %lu/%lu (%.2f %%), PyTorch %ld/%ld (%.2f %%)\n", right,
           (unsigned long)n, 100.0 * acc, torch_right, torch_total, 100.0 * torch_acc);
    printf("after tone_net_reset: %lu/%lu outputs repeated exactly\n", reset_same,
           (unsigned long)n);
    if (bad != 0 || torch_same != n || acc < torch_acc - MARGIN || reset_same != n) {
        printf("FAIL\n");
        return 1;
    }
    printf("PASS\n");
    return 0;
}
