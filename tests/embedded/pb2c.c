/* pb2c.c - turns an ONNX backend-test data set (DATADIR/input_N.pb, DATADIR/output_N.pb) into a
 * C header for the embedded test firmware (fw_main.c), which has no file system.
 *
 *   pb2c [--prefix NET] DATADIR OUT.h
 *
 * The header holds every input as a `static const` array in its element type and every
 * expected output next to a zeroed buffer for the generated code to write, plus the tables
 * td_inputs[] / td_outputs[] (ready for NET_run) and td_output_table[] (name, dtype, count,
 * expected, got) for the comparison. Floats are written as C99 hexadecimal literals, which
 * convert back to exactly the same bits (INFINITY/NAN from <math.h> for the non-finite ones);
 * int32 and int64 as decimal integers. With the generated PREFIX.h included first, #if checks
 * make a data set that does not fit the model (number or size of inputs and outputs) a
 * compile-time error. Errors are one line on stderr, exit status 1 (2 for usage). */
#define _POSIX_C_SOURCE 200809L /* stat() */

#include "ir.h"
#include "load.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define PB2C_MAX_TENSORS 64

static void usage(FILE *f) {
    fputs("usage: pb2c [--prefix NET] DATADIR OUT.h\n"
          "  writes the inputs (DATADIR/input_N.pb) and expected outputs (output_N.pb) of an\n"
          "  ONNX test data set as C arrays; NET is the macro prefix of the generated model\n"
          "  header (rnnc compile --name net -> NET_*), checked with #if\n",
          f);
}

static int file_exists(const char *path) {
    struct stat st;
    return stat(path, &st) == 0;
}

/* Loads DIR/KIND_0.pb, DIR/KIND_1.pb, ... until one is missing; returns the count or -1. */
static int load_all(const char *dir, const char *kind, ir_tensor *ts, int max) {
    int n = 0;
    for (;;) {
        char path[4096];
        rc_ctx c;
        if ((size_t)snprintf(path, sizeof path, "%s/%s_%d.pb", dir, kind, n) >= sizeof path) {
            fprintf(stderr, "pb2c: error: %s: path too long\n", dir);
            return -1;
        }
        if (!file_exists(path))
            return n;
        if (n == max) {
            fprintf(stderr, "pb2c: error: %s: more than %d %s files\n", dir, max, kind);
            return -1;
        }
        memset(&c, 0, sizeof c);
        c.file = path;
        if (rc_load_tensor_file(&c, path, &ts[n]) != 0) {
            fprintf(stderr, "pb2c: error: %s\n", c.msg);
            return -1;
        }
        switch (ts[n].dtype) {
        case IR_FLOAT:
        case IR_INT32:
        case IR_INT64:
            break;
        default:
            fprintf(stderr,
                    "pb2c: error: %s: element type %s is not supported "
                    "(float, int32 and int64 are)\n",
                    path, ir_dtype_name(ts[n].dtype));
            rc_tensor_clear(&ts[n]);
            return -1;
        }
        n++;
    }
}

/* A name for a comment or a string literal: no quote, backslash, '?' (trigraphs), '*' (so
 * no comment can end or start) or control character. */
static void put_name(FILE *f, const char *s) {
    if (!s)
        return;
    for (; *s; s++) {
        const unsigned char ch = (unsigned char)*s;
        const int plain = ch >= 0x20 && ch < 0x7f && !strchr("\"\\?*", ch);
        fputc(plain ? ch : '_', f);
    }
}

static const char *c_type(int dtype) {
    return dtype == IR_FLOAT ? "float" : dtype == IR_INT32 ? "int32_t" : "int64_t";
}

static void put_shape(FILE *f, const ir_tensor *t) {
    fprintf(f, "%s", ir_dtype_name(t->dtype));
    for (int i = 0; i < t->rank; i++)
        fprintf(f, "[%lld]", (long long)t->dims[i]);
}

static void put_float(FILE *f, float x) {
    if (isnan(x))
        fputs(signbit(x) ? "-NAN" : "NAN", f);
    else if (isinf(x))
        fputs(x < 0 ? "-INFINITY" : "INFINITY", f);
    else
        fprintf(f, "%af", (double)x); /* exact: every float is a double */
}

static void put_values(FILE *f, const ir_tensor *t, int64_t n) {
    for (int64_t i = 0; i < n; i++) {
        fputs(i % 6 == 0 ? "\n    " : " ", f);
        if (t->dtype == IR_FLOAT) {
            float x;
            memcpy(&x, (const char *)t->data + i * 4, 4);
            put_float(f, x);
        } else if (t->dtype == IR_INT32) {
            int32_t v;
            memcpy(&v, (const char *)t->data + i * 4, 4);
            if (v == INT32_MIN)
                fputs("(-2147483647 - 1)", f);
            else
                fprintf(f, "%ld", (long)v);
        } else {
            int64_t v;
            memcpy(&v, (const char *)t->data + i * 8, 8);
            if (v == INT64_MIN)
                fputs("(-INT64_C(9223372036854775807) - 1)", f);
            else
                fprintf(f, "INT64_C(%lld)", (long long)v);
        }
        fputc(',', f);
    }
    if (n == 0)
        fputs("0", f); /* a C array cannot be empty; the count macro stays 0 */
    fputs("\n};\n", f);
}

static void put_array(FILE *f, const char *what, const char *arr, int i, const ir_tensor *t,
                      int with_data) {
    int64_t n = ir_numel(t);
    fprintf(f, "/* %s %d '", what, i);
    put_name(f, t->name);
    fputs("': ", f);
    put_shape(f, t);
    fputs(" */\n", f);
    if (with_data) {
        fprintf(f, "static const %s td_%s_%d[%lld] = {", c_type(t->dtype), arr, i,
                (long long)(n > 0 ? n : 1));
        put_values(f, t, n);
    } else {
        fprintf(f, "static %s td_%s_%d[%lld];\n", c_type(t->dtype), arr, i,
                (long long)(n > 0 ? n : 1));
    }
}

static void put_check(FILE *f, const char *prefix, const char *what, const char *macro, int i,
                      long long want) {
    fprintf(f, "#if !defined(%s_%s_%d_COUNT) || %s_%s_%d_COUNT != %lld\n", prefix, macro, i, prefix,
            macro, i, want);
    fprintf(f,
            "#error \"test data: %s %d has %lld elements; %s_%s_%d_COUNT of the model "
            "differs (or the model header was not included first)\"\n#endif\n",
            what, i, want, prefix, macro, i);
}

static int write_header(FILE *f, const char *dir, const char *prefix, const ir_tensor *in, int nin,
                        const ir_tensor *out, int nout) {
    fputs("/* Test data for the rnnc embedded firmware, generated by pb2c; do not edit.\n"
          " * Data set: '",
          f);
    put_name(f, dir);
    fputs("' */\n#ifndef RNNC_TEST_DATA_H\n#define RNNC_TEST_DATA_H\n\n"
          "#include <math.h>\n#include <stdint.h>\n\n",
          f);
    fputs("#define TD_FLOAT 1\n#define TD_INT32 6\n#define TD_INT64 7\n\n", f);
    fprintf(f, "#define TD_NUM_INPUTS %d\n#define TD_NUM_OUTPUTS %d\n", nin, nout);
    for (int i = 0; i < nin; i++) {
        fprintf(f, "#define TD_INPUT_%d_COUNT %lld\n", i, (long long)ir_numel(&in[i]));
        fprintf(f, "#define TD_INPUT_%d_ESIZE %zu\n", i, ir_dtype_size(in[i].dtype));
    }
    {
        long long total = 0;
        for (int i = 0; i < nout; i++) {
            fprintf(f, "#define TD_OUTPUT_%d_COUNT %lld\n", i, (long long)ir_numel(&out[i]));
            total += (long long)ir_numel(&out[i]) * (long long)ir_dtype_size(out[i].dtype);
        }
        fprintf(f, "/* bytes of all outputs together */\n#define TD_OUTPUT_BYTES %lld\n",
                total > 0 ? total : 1);
    }
    fputc('\n', f);

    /* the data must fit the model compiled next to it */
    fprintf(f, "#if !defined(%s_NUM_INPUTS) || %s_NUM_INPUTS != %d\n", prefix, prefix, nin);
    fprintf(f,
            "#error \"test data: %d input(s); %s_NUM_INPUTS of the model differs "
            "(or the model header was not included first)\"\n#endif\n",
            nin, prefix);
    fprintf(f, "#if !defined(%s_NUM_OUTPUTS) || %s_NUM_OUTPUTS != %d\n", prefix, prefix, nout);
    fprintf(f,
            "#error \"test data: %d output(s); %s_NUM_OUTPUTS of the model differs\"\n"
            "#endif\n",
            nout, prefix);
    for (int i = 0; i < nin; i++)
        put_check(f, prefix, "input", "INPUT", i, (long long)ir_numel(&in[i]));
    for (int i = 0; i < nout; i++)
        put_check(f, prefix, "output", "OUTPUT", i, (long long)ir_numel(&out[i]));
    fputc('\n', f);

    for (int i = 0; i < nin; i++)
        put_array(f, "input", "input", i, &in[i], 1);
    for (int i = 0; i < nout; i++) {
        put_array(f, "expected output", "expected", i, &out[i], 1);
        put_array(f, "output buffer", "got", i, &out[i], 0);
    }
    fputc('\n', f);

    /* the argument arrays for NET_run (at least one element: C has no empty arrays) */
    fprintf(f, "static const void *const td_inputs[%d] = {", nin > 0 ? nin : 1);
    for (int i = 0; i < nin; i++)
        fprintf(f, "%std_input_%d", i ? ", " : "", i);
    fputs(nin ? "};\n" : "0};\n", f);
    fprintf(f, "static void *const td_outputs[%d] = {", nout);
    for (int i = 0; i < nout; i++)
        fprintf(f, "%std_got_%d", i ? ", " : "", i);
    fputs("};\n\n", f);

    fputs("typedef struct td_output {\n"
          "    const char *name;\n"
          "    int dtype; /* TD_FLOAT, TD_INT32 or TD_INT64 */\n"
          "    uint32_t count;\n"
          "    const void *expected;\n"
          "    const void *got;\n"
          "} td_output;\n\n",
          f);
    fprintf(f, "static const td_output td_output_table[%d] = {\n", nout);
    for (int i = 0; i < nout; i++) {
        fputs("    {\"", f);
        put_name(f, out[i].name);
        fprintf(f, "\", %d, %lld, td_expected_%d, td_got_%d},\n", out[i].dtype,
                (long long)ir_numel(&out[i]), i, i);
    }
    fputs("};\n\n#endif\n", f);
    return ferror(f) ? -1 : 0;
}

int main(int argc, char **argv) {
    const char *prefix = "NET", *dir = NULL, *outpath = NULL;
    static ir_tensor in[PB2C_MAX_TENSORS], out[PB2C_MAX_TENSORS];
    int nin, nout, rc;
    FILE *f;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(argv[i], "--prefix") == 0 && i + 1 < argc) {
            prefix = argv[++i];
        } else if (argv[i][0] == '-') {
            fprintf(stderr, "pb2c: error: unknown option '%s'\n", argv[i]);
            usage(stderr);
            return 2;
        } else if (!dir) {
            dir = argv[i];
        } else if (!outpath) {
            outpath = argv[i];
        } else {
            fprintf(stderr, "pb2c: error: unexpected argument '%s'\n", argv[i]);
            usage(stderr);
            return 2;
        }
    }
    if (!dir || !outpath) {
        usage(stderr);
        return 2;
    }
    for (const char *p = prefix; *p; p++) {
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || *p == '_' ||
              (p != prefix && *p >= '0' && *p <= '9'))) {
            fprintf(stderr, "pb2c: error: --prefix must be a C identifier, got '%s'\n", prefix);
            return 2;
        }
    }
    {
        struct stat st;
        if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
            fprintf(stderr, "pb2c: error: %s: not a directory\n", dir);
            return 1;
        }
    }
    nin = load_all(dir, "input", in, PB2C_MAX_TENSORS);
    if (nin < 0)
        return 1;
    nout = load_all(dir, "output", out, PB2C_MAX_TENSORS);
    if (nout < 0)
        return 1;
    if (nout == 0) {
        fprintf(stderr, "pb2c: error: %s: no output_0.pb (nothing to compare)\n", dir);
        return 1;
    }
    f = fopen(outpath, "w");
    if (!f) {
        fprintf(stderr, "pb2c: error: %s: cannot write: %s\n", outpath, strerror(errno));
        return 1;
    }
    rc = write_header(f, dir, prefix, in, nin, out, nout);
    if (fclose(f) != 0)
        rc = -1;
    if (rc != 0) {
        fprintf(stderr, "pb2c: error: %s: write failed\n", outpath);
        remove(outpath);
        return 1;
    }
    for (int i = 0; i < nin; i++)
        rc_tensor_clear(&in[i]);
    for (int i = 0; i < nout; i++)
        rc_tensor_clear(&out[i]);
    return 0;
}
