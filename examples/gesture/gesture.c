/* gesture.c - classify accelerometer windows with the gesture LSTM (gesture.onnx) compiled by
 * rnnc.
 *
 *   gesture [FILE]         read windows from FILE (default: standard input), one per line:
 *                          32 steps of x y z in mg (96 integers); print the most probable
 *                          gesture and its probability for each
 *   gesture --test FILE    classify every window of a test set (test_set.txt), print the
 *                          confusion matrix and the accuracy; exit 1 if the accuracy is more
 *                          than MARGIN below PyTorch's on the same windows, if any predicted
 *                          class differs from PyTorch's, or if any probability differs from
 *                          PyTorch's by more than PROB_TOL
 */
#include "gesture_net.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* input accel [1][32][3] in g, output probs [1][4] */
#if GESTURE_NET_NUM_INPUTS != 1 || GESTURE_NET_NUM_OUTPUTS != 1
#error "gesture_net.h: expected one input (accel) and one output (probs)"
#endif
#define N_CLASSES 4
#define N_VALUES GESTURE_NET_INPUT_0_COUNT /* steps x 3 */
#if GESTURE_NET_OUTPUT_0_COUNT != N_CLASSES || N_VALUES % 3 != 0
#error "gesture_net.h: expected 4 class probabilities and 3 values per step"
#endif

#define MARGIN 0.01   /* accuracy may fall this much below PyTorch's (as a fraction) */
#define PROB_TOL 1e-4 /* largest accepted |p - p_pytorch| */
#define MAX_REPORTED 10

static const char *const class_name[N_CLASSES] = {"idle", "shake", "circle", "tap"};

static gesture_net_ctx net;

/* Class probabilities of one window of mg values; returns 0 or the gesture_net_run status. */
static int classify(const long *mg, float *probs)
{
    static float accel[N_VALUES];
    const void *inputs[GESTURE_NET_NUM_INPUTS] = {accel};
    void *outputs[GESTURE_NET_NUM_OUTPUTS] = {probs};
    for (int i = 0; i < N_VALUES; i++)
        accel[i] = (float)mg[i] / 1000.0f; /* mg -> g, as train.py */
    return gesture_net_run(&net, inputs, outputs);
}

static int argmax(const float *p)
{
    int best = 0;
    for (int k = 1; k < N_CLASSES; k++)
        if (p[k] > p[best])
            best = k;
    return best;
}

/* Next line of f without its terminator, or NULL at end of input; reuses its buffer. */
static char *read_line(FILE *f)
{
    static char *buf;
    static size_t cap;
    size_t n = 0;
    int c;

    while ((c = getc(f)) != EOF && c != '\n') {
        if (n + 1 >= cap) {
            size_t ncap = cap ? 2 * cap : 1024;
            char *p = realloc(buf, ncap);
            if (!p) {
                fprintf(stderr, "gesture: out of memory\n");
                exit(1);
            }
            buf = p;
            cap = ncap;
        }
        buf[n++] = (char)c;
    }
    if (c == EOF && n == 0)
        return NULL;
    if (!buf) { /* an empty line before any other */
        static char empty[1];
        return empty;
    }
    buf[n] = 0;
    return buf;
}

/* Parses up to max integers from s; returns how many, or -1 on anything else. */
static int parse_longs(const char *s, long *out, int max)
{
    int n = 0;
    for (;;) {
        char *end;
        long v;
        while (*s == ' ' || *s == '\t' || *s == '\r')
            s++;
        if (!*s)
            return n;
        v = strtol(s, &end, 10);
        if (end == s || n == max || (*end && *end != ' ' && *end != '\t' && *end != '\r'))
            return -1;
        out[n++] = v;
        s = end;
    }
}

static int blank_or_comment(const char *s)
{
    while (*s == ' ' || *s == '\t' || *s == '\r')
        s++;
    return *s == 0 || *s == '#';
}

/* gesture [FILE] */
static int stream(FILE *f)
{
    long mg[N_VALUES];
    float probs[N_CLASSES];
    unsigned long lineno = 0;
    int status = 0;
    char *line;

    while ((line = read_line(f)) != NULL) {
        int n, rc, k;
        lineno++;
        if (blank_or_comment(line))
            continue;
        n = parse_longs(line, mg, N_VALUES);
        if (n != N_VALUES) {
            fprintf(stderr, "gesture: line %lu: expected %d integers (x y z in mg for %d steps)\n",
                    lineno, N_VALUES, N_VALUES / 3);
            status = 1;
            continue;
        }
        rc = classify(mg, probs);
        if (rc != 0) {
            fprintf(stderr, "gesture: gesture_net_run failed with %d\n", rc);
            return 1;
        }
        k = argmax(probs);
        printf("%-6s %.3f\n", class_name[k], (double)probs[k]);
    }
    return status;
}

/* gesture --test FILE */
static int test(FILE *f, const char *path)
{
    /* a line: true class, PyTorch's class, PyTorch's probabilities, the window */
    unsigned long confusion[N_CLASSES][N_CLASSES] = {{0}};
    unsigned long lineno = 0, total = 0, right = 0, same = 0, reported = 0;
    long torch_right = -1, torch_total = -1;
    double max_diff = 0.0, acc, torch_acc;
    char *line;

    while ((line = read_line(f)) != NULL) {
        long mg[N_VALUES];
        float probs[N_CLASSES];
        double want_p[N_CLASSES];
        long label, torch_class = -1;
        char *s, *end;
        int k, rc;

        lineno++;
        if (blank_or_comment(line))
            continue;
        if (torch_total < 0) {
            if (sscanf(line, "pytorch_accuracy %ld %ld", &torch_right, &torch_total) != 2 ||
                torch_total <= 0 || torch_right < 0 || torch_right > torch_total) {
                fprintf(stderr, "%s:%lu: expected 'pytorch_accuracy <right> <total>'\n", path,
                        lineno);
                return 1;
            }
            continue;
        }
        s = line;
        label = strtol(s, &end, 10);
        if (end != s)
            torch_class = strtol(s = end, &end, 10);
        for (k = 0; end != s && k < N_CLASSES; k++)
            want_p[k] = strtod(s = end, &end);
        if (end == s || label < 0 || label >= N_CLASSES || torch_class < 0 ||
            torch_class >= N_CLASSES || parse_longs(end, mg, N_VALUES) != N_VALUES) {
            fprintf(stderr,
                    "%s:%lu: expected <class> <PyTorch's class> <%d probabilities> <%d integers>\n",
                    path, lineno, N_CLASSES, N_VALUES);
            return 1;
        }
        rc = classify(mg, probs);
        if (rc != 0) {
            fprintf(stderr, "gesture: gesture_net_run failed with %d\n", rc);
            return 1;
        }
        k = argmax(probs);
        confusion[label][k]++;
        total++;
        right += k == label;
        if (k == torch_class) {
            same++;
        } else if (reported++ < MAX_REPORTED) {
            fprintf(stderr, "%s:%lu: rnnc says %s (%.4f), PyTorch said %s (%.4f)\n", path,
                    lineno, class_name[k], (double)probs[k], class_name[torch_class],
                    want_p[torch_class]);
        }
        for (int j = 0; j < N_CLASSES; j++) {
            double d = fabs((double)probs[j] - want_p[j]);
            if (!(d <= max_diff)) /* also catches NaN */
                max_diff = d;
        }
    }
    if (total == 0) {
        fprintf(stderr, "%s: no test windows\n", path);
        return 1;
    }
    if ((unsigned long)torch_total != total) {
        fprintf(stderr, "%s: pytorch_accuracy counts %ld windows, the file holds %lu\n", path,
                torch_total, total);
        return 1;
    }

    printf("gesture: %lu windows of %d steps x 3 axes\n", total, N_VALUES / 3);
    printf("confusion (rows: true class, columns: predicted):\n        ");
    for (int j = 0; j < N_CLASSES; j++)
        printf(" %6s", class_name[j]);
    printf("\n");
    for (int i = 0; i < N_CLASSES; i++) {
        printf("  %6s", class_name[i]);
        for (int j = 0; j < N_CLASSES; j++)
            printf(" %6lu", confusion[i][j]);
        printf("\n");
    }
    acc = (double)right / (double)total;
    torch_acc = (double)torch_right / (double)torch_total;
    printf("accuracy: %lu/%lu (%.2f %%), PyTorch %ld/%ld (%.2f %%)\n", right, total, 100.0 * acc,
           torch_right, torch_total, 100.0 * torch_acc);
    printf("same class as PyTorch: %lu/%lu; largest probability difference %.3g (tolerance %g)\n",
           same, total, max_diff, PROB_TOL);
    if (acc < torch_acc - MARGIN || same != total || !(max_diff <= PROB_TOL)) {
        printf("FAIL\n");
        return 1;
    }
    printf("PASS\n");
    return 0;
}

static int usage(void)
{
    fprintf(stderr, "usage: gesture [FILE]\n       gesture --test FILE\n");
    return 2;
}

int main(int argc, char **argv)
{
    FILE *f = stdin;
    int rc;

    gesture_net_init(&net);
    if (argc == 3 && strcmp(argv[1], "--test") == 0) {
        if (!(f = fopen(argv[2], "r"))) {
            perror(argv[2]);
            return 1;
        }
        rc = test(f, argv[2]);
        fclose(f);
        return rc;
    }
    if (argc > 2 || (argc == 2 && argv[1][0] == '-' && argv[1][1] != 0))
        return usage();
    if (argc == 2 && strcmp(argv[1], "-") != 0 && !(f = fopen(argv[1], "r"))) {
        perror(argv[1]);
        return 1;
    }
    rc = stream(f);
    if (f != stdin)
        fclose(f);
    return rc;
}
