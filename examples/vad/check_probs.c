/* check_probs.c — test helper for examples/vad: compares `vad --probs` output (stdin: "frame
 * probability" lines) with ONNX Runtime's probabilities (a float32 file, one per frame):
 * every frame within ATOL (1e-4, or the second argument) and on the same side of the 0.5 speech
 * threshold. Exit 0 if so. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    FILE *ref;
    long frame, n = 0, bad = 0;
    double p, worst = 0;
    float r;
    double atol = argc == 3 ? atof(argv[2]) : 1e-4;
    if (argc != 2 && (argc != 3 || !(atol > 0)))
        return fprintf(stderr, "usage: vad --probs FILE | check_probs REF.f32 [ATOL]\n"), 2;
    ref = fopen(argv[1], "rb");
    if (!ref)
        return perror(argv[1]), 2;
    while (scanf("%ld %lf", &frame, &p) == 2) {
        if (frame != n || fread(&r, sizeof r, 1, ref) != 1)
            return fprintf(stderr, "frame %ld: not in the reference (%ld frames read)\n", frame, n),
                   1;
        if (fabs(p - r) > worst)
            worst = fabs(p - r);
        if (fabs(p - r) > atol || (p > 0.5) != (r > 0.5)) {
            fprintf(stderr, "frame %ld: rnnc %.6f, ONNX Runtime %.6f\n", frame, p, (double)r);
            bad++;
        }
        n++;
    }
    if (fread(&r, sizeof r, 1, ref) == 1)
        return fprintf(stderr, "the reference has more than %ld frames\n", n), 1;
    fclose(ref);
    printf(
        "%ld frames, max |rnnc - ONNX Runtime| = %.3g, %ld outside atol %g or the 0.5 decision\n",
        n, worst, bad, atol);
    return n > 0 && bad == 0 ? 0 : 1;
}
