/* parity.c - running parity of bit strings with the parity RNN (parity.onnx) compiled by rnnc.
 *
 *   parity [FILE]          read lines of 0s and 1s from FILE (default: standard input) and
 *                          print, for each, the running parity after every bit (y_t > 0.5)
 *   parity --test FILE     check every step of every line "<bits> <expected parity>" of a
 *                          test set (test_set.txt); print the accuracy, exit 1 on any mistake
 *
 * The model is compiled for a fixed number of steps (the symbolic axis "seq" of parity.onnx,
 * bound when compiling, e.g. DIMS seq=16 in examples/CMakeLists.txt). Strings of any length
 * are fed through it one chunk of that many steps at a time, carrying the recurrent state
 * from the h_n output of one chunk to the h0 input of the next; the last chunk is padded
 * with zeros and only the outputs of real steps are used.
 */
#include "parity_net.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* inputs (bits [seq][1][1], h0 [1][1][hidden]), outputs (parity [seq][1][1], h_n [1][1][hidden]) */
#if PARITY_NET_NUM_INPUTS != 2 || PARITY_NET_NUM_OUTPUTS != 2
#error "parity_net.h: expected inputs (bits, h0) and outputs (parity, h_n)"
#endif
#define CHUNK PARITY_NET_INPUT_0_COUNT
#define HIDDEN PARITY_NET_INPUT_1_COUNT
#if PARITY_NET_OUTPUT_0_COUNT != CHUNK || PARITY_NET_OUTPUT_1_COUNT != HIDDEN
#error "parity_net.h: output sizes do not match the inputs"
#endif

#define MAX_REPORTED 10 /* mistakes printed in --test mode */

static parity_net_ctx net;

/* Running parity of bits[0..n) ('0'/'1') into out[0..n) ('0'/'1'), starting from a zero
 * state. Returns 0, or the failing parity_net_run status. */
static int run_parity(const char *bits, size_t n, char *out)
{
    static float x[CHUNK], y[CHUNK], h[HIDDEN], h_n[HIDDEN];
    const void *inputs[PARITY_NET_NUM_INPUTS] = {x, h};
    void *outputs[PARITY_NET_NUM_OUTPUTS] = {y, h_n};

    memset(h, 0, sizeof h);
    for (size_t start = 0; start < n; start += CHUNK) {
        size_t len = n - start < CHUNK ? n - start : CHUNK;
        int rc;
        for (size_t t = 0; t < CHUNK; t++)
            x[t] = t < len && bits[start + t] == '1' ? 1.0f : 0.0f;
        rc = parity_net_run(&net, inputs, outputs);
        if (rc != 0)
            return rc;
        for (size_t t = 0; t < len; t++)
            out[start + t] = y[t] > 0.5f ? '1' : '0';
        memcpy(h, h_n, sizeof h);
    }
    return 0;
}

/* Next line of f without its line terminator, or NULL at end of input. The buffer is reused
 * by the next call. */
static char *read_line(FILE *f, size_t *len)
{
    static char *buf;
    static size_t cap;
    size_t n = 0;
    int c;

    while ((c = getc(f)) != EOF && c != '\n') {
        if (n + 1 >= cap) {
            size_t ncap = cap ? 2 * cap : 256;
            char *p = realloc(buf, ncap);
            if (!p) {
                fprintf(stderr, "parity: out of memory\n");
                exit(1);
            }
            buf = p;
            cap = ncap;
        }
        buf[n++] = (char)c;
    }
    if (c == EOF && n == 0)
        return NULL;
    while (n > 0 && (buf[n - 1] == '\r' || buf[n - 1] == ' ' || buf[n - 1] == '\t'))
        n--;
    if (!buf) { /* an empty line before any other */
        buf = malloc(1);
        cap = 1;
        if (!buf) {
            fprintf(stderr, "parity: out of memory\n");
            exit(1);
        }
    }
    buf[n] = 0;
    *len = n;
    return buf;
}

/* Output buffer of at least n bytes, reused between calls. */
static char *scratch(size_t n)
{
    static char *buf;
    static size_t cap;
    if (n > cap) {
        char *p = realloc(buf, n);
        if (!p) {
            fprintf(stderr, "parity: out of memory\n");
            exit(1);
        }
        buf = p;
        cap = n;
    }
    return buf;
}

static int is_bits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != '0' && s[i] != '1')
            return 0;
    return 1;
}

static FILE *open_input(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        perror(path);
    return f;
}

/* parity [FILE]: one output line per input line */
static int stream(FILE *f)
{
    unsigned long lineno = 0;
    int status = 0;
    size_t n;
    char *line;

    while ((line = read_line(f, &n)) != NULL) {
        char *out = scratch(n + 1);
        int rc;
        lineno++;
        if (!is_bits(line, n)) {
            fprintf(stderr, "parity: line %lu: only 0 and 1 expected\n", lineno);
            status = 1;
            putchar('\n');
            continue;
        }
        rc = run_parity(line, n, out);
        if (rc != 0) {
            fprintf(stderr, "parity: parity_net_run failed with %d\n", rc);
            return 1;
        }
        out[n] = 0;
        puts(out);
    }
    return status;
}

/* parity --test FILE */
static int test(FILE *f, const char *path)
{
    unsigned long lineno = 0, strings = 0, strings_ok = 0, steps = 0, steps_ok = 0;
    unsigned long reported = 0;
    size_t n;
    char *line;

    while ((line = read_line(f, &n)) != NULL) {
        char *sep, *want, *got;
        size_t nbits;
        int rc, ok = 1;
        lineno++;
        if (n == 0 || line[0] == '#')
            continue;
        sep = strchr(line, ' ');
        if (!sep) {
            fprintf(stderr, "%s:%lu: expected '<bits> <parity>'\n", path, lineno);
            return 1;
        }
        nbits = (size_t)(sep - line);
        want = sep + 1;
        if (strlen(want) != nbits || !is_bits(line, nbits) || !is_bits(want, nbits)) {
            fprintf(stderr, "%s:%lu: expected two strings of 0 and 1 of the same length\n",
                    path, lineno);
            return 1;
        }
        got = scratch(nbits);
        rc = run_parity(line, nbits, got);
        if (rc != 0) {
            fprintf(stderr, "parity: parity_net_run failed with %d\n", rc);
            return 1;
        }
        for (size_t t = 0; t < nbits; t++) {
            if (got[t] == want[t]) {
                steps_ok++;
                continue;
            }
            if (ok && reported++ < MAX_REPORTED)
                fprintf(stderr, "%s:%lu: %lu bits, first mistake at step %lu: got %c, want %c\n",
                        path, lineno, (unsigned long)nbits, (unsigned long)t + 1, got[t],
                        want[t]);
            ok = 0;
        }
        steps += nbits;
        strings++;
        strings_ok += (unsigned long)ok;
    }
    if (strings == 0) {
        fprintf(stderr, "%s: no test strings\n", path);
        return 1;
    }
    printf("parity: %lu strings, %lu steps (model compiled for %d steps per call, hidden %d)\n",
           strings, steps, CHUNK, HIDDEN);
    printf("accuracy: %lu/%lu steps (%.2f %%), %lu/%lu strings entirely right\n", steps_ok, steps,
           100.0 * (double)steps_ok / (double)steps, strings_ok, strings);
    if (steps_ok != steps) {
        printf("FAIL\n");
        return 1;
    }
    printf("PASS\n");
    return 0;
}

static int usage(void)
{
    fprintf(stderr, "usage: parity [FILE]\n       parity --test FILE\n");
    return 2;
}

int main(int argc, char **argv)
{
    FILE *f = stdin;
    int rc;

    parity_net_init(&net);
    if (argc == 3 && strcmp(argv[1], "--test") == 0) {
        if (!(f = open_input(argv[2])))
            return 1;
        rc = test(f, argv[2]);
        fclose(f);
        return rc;
    }
    if (argc > 2 || (argc == 2 && argv[1][0] == '-' && argv[1][1] != 0))
        return usage();
    if (argc == 2 && strcmp(argv[1], "-") != 0 && !(f = open_input(argv[1])))
        return 1;
    rc = stream(f);
    if (f != stdin)
        fclose(f);
    return rc;
}
