/* main.c — the rnnc command line. The only place that prints errors and
 * chooses exit codes: 0 ok, 1 error (bad model, failed check), 2 usage. */
#define _POSIX_C_SOURCE 200809L
#include "driver.h"
#include "load.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char usage_main[] =
    "usage: rnnc <command> [options]\n"
    "\n"
    "Compiles ONNX models with RNN, LSTM and GRU nodes to specialised C.\n"
    "\n"
    "commands:\n"
    "  compile MODEL -o DIR [--name NAME] [--unroll auto|none|full] [--dump-ir]\n"
    "                      write DIR/NAME.h and DIR/NAME.c\n"
    "  run MODEL (--input FILE... | --input-dir DIR) (--output-dir DIR | --print)\n"
    "                      run the reference interpreter on TensorProto (.pb) or .npy files\n"
    "  check MODEL DATADIR... [--atol A] [--rtol R] [--unroll MODE] [--keep]\n"
    "                      build the generated code, run it on each test_data_set,\n"
    "                      compare with the expected outputs and the interpreter\n"
    "  info MODEL [--unroll MODE] [--json]\n"
    "                      ops, shapes, parameters, FLOPs, RAM and flash of the generated code\n"
    "\n"
    "Every command takes --dim NAME=N and --shape INPUT=d0,d1,... (repeatable) to bind\n"
    "symbolic input dimensions (dim_param); run and check take unbound ones from the data.\n"
    "Every command takes --const INPUT=FILE.pb|FILE.npy or INPUT=V0,V1,... to bind a graph\n"
    "input to a constant (e.g. a sample rate): it leaves the generated API and folds what it\n"
    "decides; run and check bind inputs an op needs at compile time (shapes, axes) from the\n"
    "data.\n"
    "Every command takes --weights f32|f16|bf16|i8 (default f32): the precision the float\n"
    "weights of RNN/LSTM/GRU, Conv, MatMul and Gemm are stored at (16-bit floats, or 8-bit\n"
    "integers with a scale per output row; arithmetic stays fp32); the interpreter computes\n"
    "with the same rounded weights, and check also reports the error against fp32.\n"
    "Every command takes --max-mb N: the largest tensor, and the largest total of weights,\n"
    "accepted in MiB (default 1024); bigger models are refused rather than allocated.\n"
    "An option a command does not use is an error, as is a single-valued option given twice\n"
    "with different values.\n"
    "'rnnc COMMAND --help' describes each command. 'rnnc --version' prints the version.\n";

static const char usage_compile[] =
    "usage: rnnc compile MODEL -o DIR [--name NAME] [--unroll auto|none|full] [--dump-ir]\n"
    "                    [--stream | --step-only] [--chunk K]\n"
    "\n"
    "Writes DIR/NAME.h and DIR/NAME.c (NAME defaults to 'net'). DIR is created if missing;\n"
    "files are written under temporary names and renamed, so a failed compile leaves none.\n"
    "  --unroll auto   (default) constant weights: the runtime's packed kernels; weights\n"
    "                  given as inputs: small nodes unrolled fully, loops for large ones\n"
    "  --unroll none   the packed kernels, or constant-bound loops\n"
    "  --unroll full   straight-line code with no loops (small models only)\n"
    "  --dump-ir       print the IR after each pass to stderr\n"
    "  --gemm-min N    products with non-constant weights of >= N multiply-adds call the\n"
    "                  runtime's GEMM/GEMV\n"
    "                  (default 16384)\n"
    "  --stream        also emit the step API NAME_reset/NAME_step (forward-only graphs)\n"
    "  --step-only     emit only the step API (no NAME_run): the context holds one chunk's\n"
    "                  scratch and the state, whatever the sequence length; works on models\n"
    "                  exported with one time step\n"
    "  --chunk K       time steps per NAME_step call (default 1; implies --stream)\n"
    "  --dim NAME=N    bind the symbolic dimension NAME (dim_param) of every input\n"
    "  --shape INPUT=d0,d1,...  replace an input's whole shape\n"
    "  --const INPUT=FILE.pb|FILE.npy|V0,V1,...  bind a graph input to a constant value\n"
    "NAME.h also declares metadata for callers from other languages: NAME_CTX_SIZE (sizeof\n"
    "NAME_ctx as a number), NAME_ctx_size(), NAME_num_inputs/outputs() and per input/output\n"
    "NAME_input_name/dtype/rank/dim(i[, d]) (dtype: the ONNX code; -1/NULL out of range), with\n"
    "--stream NAME_step_input_dim/_time_axis too (-DRNNC_NO_METADATA leaves them out of\n"
    "NAME.c). From Python: <prefix>/share/rnnc/python/\n"
    "rnnc.py (ctypes + numpy): rnnc.Model(rnnc.build_shared(DIR, NAME), NAME).run(arrays...).\n";

static const char usage_run[] =
    "usage: rnnc run MODEL (--input FILE... | --input-dir DIR) (--output-dir DIR | --print)\n"
    "                [--output-format pb|npy] [--print] [--dump-ir]\n"
    "\n"
    "Runs the reference interpreter (naive loops, double accumulation). Inputs are files in\n"
    "graph-input order (initializers excluded; --input takes every argument up to the next\n"
    "option), or DIR/input_N.pb or DIR/input_N.npy (a\n"
    "directory holding both for one N is an error). A file ending in .npy is a NumPy array\n"
    "(format 1.0/2.0/3.0, C order, dtypes <f2 <f4 <f8 <i1..<i8 <u1..<u8 |b1; big-endian ones\n"
    "are converted); any other is an ONNX TensorProto. Outputs are written as\n"
    "DIR/output_N.pb in graph-output order, or DIR/output_N.npy (format 1.0) with\n"
    "--output-format npy. --print prints each output's name, dtype, shape and values\n"
    "(numpy-like: tensors of more than 1000 elements show the first and last 3 along each\n"
    "axis); with --print, --output-dir is optional. Symbolic input dimensions not bound\n"
    "with --dim/--shape are taken from the input files.\n";

static const char usage_check[] =
    "usage: rnnc check MODEL DATADIR... [--atol A] [--rtol R] [--unroll MODE] [--keep] [-v]\n"
    "                  [--stream | --step-only] [--chunk K] [--random [--seed S] [--runs N]]\n"
    "\n"
    "Compiles MODEL, builds the generated C with $CC (default cc) using\n"
    "-std=c99 -Wall -Wextra -Werror -pedantic against the runtime, runs it on each\n"
    "DATADIR/input_N.pb (or .npy), and compares with DATADIR/output_N.pb (or .npy) and with\n"
    "the reference interpreter; a DATADIR without output_N files is compared with the\n"
    "interpreter only (the output says so). An output passes when every element has\n"
    "|got - expected| <= atol + rtol*|expected| (defaults atol 1e-5, rtol 1e-3). Exit 0\n"
    "only if all pass. The runtime is found at the build tree's paths, or\n"
    "RNNC_RUNTIME_INCLUDE, RNNC_RUNTIME_LIB and RNNC_RUNTIME_LIBS. Symbolic input\n"
    "dimensions not bound with --dim/--shape are taken from the first DATADIR's input\n"
    "files. With --stream [--chunk K] the step API is also run over each sequence, chunk\n"
    "by chunk, and must match the expected outputs and NAME_run (within 1e-6); with\n"
    "--step-only the step API alone is built and its outputs over each sequence are compared.\n"
    "  --random        also (or, without DATADIR, only) run N input sets made up from the\n"
    "                  model (default 3), comparing the generated code with the interpreter.\n"
    "                  Deterministic given --seed (default 1; splitmix64). Floats: uniform in\n"
    "                  [-1, 1]; bool: 0/1; integers: what their readers accept (Gather,\n"
    "                  GatherElements, Scatter* indices 0..dim-1 of the indexed axis, GatherND\n"
    "                  indices 0..smallest dim-1, RNN/LSTM/GRU sequence_lens 0..seq_length,\n"
    "                  followed through Cast/Identity/reshapes), else 1..4 (never 0, a possible\n"
    "                  divisor). Symbolic dims must be bound (--dim/--shape) and inputs needed\n"
    "                  at compile time given with --const. -v prints each input's range.\n"
    "  --seed S        the generator's seed (a whole number)\n"
    "  --runs N        the number of random input sets (1..100000; implies --random)\n";

static const char usage_info[] =
    "usage: rnnc info MODEL [--unroll MODE] [--dim NAME=N ...] [--shape INPUT=d0,d1,... ...]\n"
    "                 [--stream | --step-only] [--chunk K] [--cc \"COMPILER FLAGS\" |\n"
    "                 --target cortex-m4] [--json]\n"
    "\n"
    "Prints the graph's inputs (symbolic dims by name), outputs and nodes, the parameter\n"
    "count, FLOPs per inference, and the generated code's context size and weight size;\n"
    "a table gives each node's MACs, FLOPs, weight bytes and scratch bytes, and their totals.\n"
    "--json prints the same as one JSON document (every model string escaped; a footprint\n"
    "that cannot be measured, or a model with unbound dims, gives null and the reason).\n"
    "The footprint line compiles the generated code with the compiler (default 'cc -Os';\n"
    "--target cortex-m4 = arm-none-eabi-gcc -mcpu=cortex-m4 -mthumb -mfloat-abi=hard\n"
    "-mfpu=fpv4-sp-d16 -Os) and reports flash (code + weights, from binutils size) and RAM\n"
    "(context + the deepest stack path, from -fstack-usage).\n";

static int fail(const rc_ctx *c) {
    fprintf(stderr, "rnnc: error: %s\n", c->msg[0] ? c->msg : "unknown error");
    return 1;
}

/* Whole number >= 1 that fits a dimension. */
static int parse_dim_value(const char *s, char **end, int64_t *out) {
    long long v;
    if (!(*s >= '0' && *s <= '9'))
        return -1;
    errno = 0;
    v = strtoll(s, end, 10);
    if (errno || v < 1 || v > INT32_MAX)
        return -1;
    *out = v;
    return 0;
}

static int parse_dim(const char *arg, rc_binding *b) {
    const char *eq = strchr(arg, '=');
    char *end;
    int64_t v;
    if (!eq || eq == arg || parse_dim_value(eq + 1, &end, &v) || *end)
        return -1;
    b->dim_name = realloc(b->dim_name, sizeof(char *) * (size_t)(b->n_dims + 1));
    b->dim_val = realloc(b->dim_val, sizeof(int64_t) * (size_t)(b->n_dims + 1));
    if (!b->dim_name || !b->dim_val)
        return -1;
    b->dim_name[b->n_dims] = strndup(arg, (size_t)(eq - arg));
    b->dim_val[b->n_dims++] = v;
    return 0;
}

/* --const NAME=FILE.pb (a TensorProto) or NAME=FILE.npy (a NumPy array) or NAME=V0,V1,... (values
 * in the input's dtype). */
static int parse_const(rc_ctx *c, const char *arg, rc_binding *b) {
    const char *eq = strchr(arg, '=');
    size_t len;
    ir_tensor *t = NULL;
    if (!eq || eq == arg || !eq[1])
        return -1;
    len = strlen(eq + 1);
    if ((len > 3 && strcmp(eq + 1 + len - 3, ".pb") == 0) ||
        (len > 4 && strcmp(eq + 1 + len - 4, ".npy") == 0)) {
        t = calloc(1, sizeof *t);
        if (!t || rc_load_tensor_file(c, eq + 1, t)) {
            free(t);
            return -2;
        }
    }
    b->const_name = realloc(b->const_name, sizeof(char *) * (size_t)(b->n_consts + 1));
    b->const_text = realloc(b->const_text, sizeof(char *) * (size_t)(b->n_consts + 1));
    b->const_val = realloc(b->const_val, sizeof(ir_tensor *) * (size_t)(b->n_consts + 1));
    if (!b->const_name || !b->const_text || !b->const_val)
        return -1;
    b->const_name[b->n_consts] = strndup(arg, (size_t)(eq - arg));
    b->const_text[b->n_consts] = t ? NULL : eq + 1;
    b->const_val[b->n_consts++] = t;
    return 0;
}

static int parse_shape(const char *arg, rc_binding *b) {
    const char *eq = strchr(arg, '=');
    const char *p;
    int64_t dims[IR_MAX_RANK];
    int rank = 0;
    if (!eq || eq == arg)
        return -1;
    for (p = eq + 1;;) {
        char *end;
        if (rank == IR_MAX_RANK || parse_dim_value(p, &end, &dims[rank++]))
            return -1;
        if (*end == 0)
            break;
        if (*end != ',')
            return -1;
        p = end + 1;
    }
    b->shape_name = realloc(b->shape_name, sizeof(char *) * (size_t)(b->n_shapes + 1));
    b->shape_rank = realloc(b->shape_rank, sizeof(int) * (size_t)(b->n_shapes + 1));
    b->shape_dims = realloc(b->shape_dims, sizeof(*b->shape_dims) * (size_t)(b->n_shapes + 1));
    if (!b->shape_name || !b->shape_rank || !b->shape_dims)
        return -1;
    b->shape_name[b->n_shapes] = strndup(arg, (size_t)(eq - arg));
    b->shape_rank[b->n_shapes] = rank;
    memcpy(b->shape_dims[b->n_shapes++], dims, sizeof dims);
    return 0;
}

/* Tensors of the first data set (DIR/input_N.pb, or the --input files), for binding
 * symbolic dimensions. A file that cannot be read is an error here, reported as itself
 * (not later as a dimension the data should have bound). In a directory, the numbering stops
 * at the first missing input_N.pb; too few or too many are reported against the model. */
static int data_shapes(rc_ctx *c, const char *dir, const char **files, int n_files, rc_binding *b) {
    int n = dir ? 0 : n_files;
    if (dir) {
        char path[PATH_MAX];
        for (;; n++) {
            int r = rc_data_file(c, dir, "input", n, path, sizeof path);
            if (r < 0)
                return -1;
            if (r == 0)
                break;
        }
    }
    b->data_store = rc_xcalloc((size_t)n + 1, sizeof(ir_tensor));
    b->data = rc_xcalloc((size_t)n + 1, sizeof(ir_tensor *));
    b->data_path = rc_xcalloc((size_t)n + 1, sizeof(char *));
    b->n_data = n;
    for (int i = 0; i < n; i++) {
        char path[PATH_MAX];
        if (dir && rc_data_file(c, dir, "input", i, path, sizeof path) < 0)
            return -1;
        if (rc_load_tensor_file(c, dir ? path : files[i], &b->data_store[i]))
            return -1;
        b->data[i] = &b->data_store[i];
        b->data_path[i] = rc_xstrdup(dir ? path : files[i]);
    }
    return 0;
}

static void binding_free(rc_binding *b) {
    for (int i = 0; i < b->n_dims; i++)
        free((char *)b->dim_name[i]);
    for (int i = 0; i < b->n_shapes; i++)
        free((char *)b->shape_name[i]);
    for (int i = 0; i < b->n_data; i++) {
        rc_tensor_clear(&b->data_store[i]);
        free((char *)b->data_path[i]);
    }
    free(b->data_path);
    for (int i = 0; i < b->n_consts; i++) {
        free((char *)b->const_name[i]);
        if (b->const_val[i])
            rc_tensor_clear((ir_tensor *)b->const_val[i]);
        free((void *)b->const_val[i]);
    }
    free(b->const_name);
    free(b->const_text);
    free(b->const_val);
    free(b->dim_name);
    free(b->dim_val);
    free(b->shape_name);
    free(b->shape_rank);
    free(b->shape_dims);
    free(b->data_store);
    free((void *)b->data);
    memset(b, 0, sizeof *b);
}

static int is_help(const char *a) { return strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0; }

static int parse_unroll(const char *v, rc_unroll *u) {
    if (strcmp(v, "auto") == 0)
        *u = RC_UNROLL_AUTO;
    else if (strcmp(v, "none") == 0)
        *u = RC_UNROLL_NONE;
    else if (strcmp(v, "full") == 0)
        *u = RC_UNROLL_FULL;
    else
        return -1;
    return 0;
}

/* The command as the generated files record it. The same command gives the same bytes
 * wherever rnnc, the model and the output live: "rnnc", not argv[0]; the output directory
 * left out; every path (an argument, or the value after NAME=) cut to its last component. */
static void join_command(char *buf, size_t n, int argc, char **argv) {
    snprintf(buf, n, "rnnc");
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *eq = strchr(a, '='), *slash = strrchr(a, '/');
        if ((strcmp(a, "-o") == 0 || strcmp(a, "--output-dir") == 0) && i + 1 < argc) {
            i++;
            continue;
        }
        if (strcmp(a, "--json") == 0) /* how info prints, not what is generated */
            continue;
        if (slash && eq && eq < slash && a[0] != '-') /* NAME=path */
            snprintf(buf + strlen(buf), n - strlen(buf), " %.*s%s", (int)(eq - a + 1), a,
                     slash + 1);
        else if (slash && a[0] != '-')
            snprintf(buf + strlen(buf), n - strlen(buf), " %s", slash + 1);
        else
            snprintf(buf + strlen(buf), n - strlen(buf), " %s", a);
    }
}

/* The commands, as bits: the options table says which command uses each option. */
enum { CMD_COMPILE = 1, CMD_RUN = 2, CMD_CHECK = 4, CMD_INFO = 8, CMD_ALL = 15 };
enum { ARG_FLAG, ARG_ONE, ARG_REPEAT, ARG_FILES };

typedef enum cli_key {
    K_OUT,
    K_NAME,
    K_UNROLL,
    K_INPUT,
    K_INPUT_DIR,
    K_ATOL,
    K_RTOL,
    K_DIM,
    K_CONST,
    K_SHAPE,
    K_DUMP,
    K_CC,
    K_TARGET,
    K_MAX_MB,
    K_GEMM_MIN,
    K_STREAM,
    K_CHUNK,
    K_STEP_ONLY,
    K_KEEP,
    K_VERBOSE,
    K_JSON,
    K_OUTPUT_FORMAT,
    K_PRINT,
    K_RANDOM,
    K_SEED,
    K_RUNS,
    K_WEIGHTS,
    K_COUNT
} cli_key;

/* Every option: its spellings, whether it takes a value (and may repeat), and the commands
 * that use it. An option a command does not use is an error, not silently ignored. */
static const struct cli_opt {
    cli_key key;
    const char *name, *alias;
    int arg;
    unsigned cmds;
} cli_opts[] = {
    {K_OUT, "--output-dir", "-o", ARG_ONE, CMD_COMPILE | CMD_RUN},
    {K_NAME, "--name", NULL, ARG_ONE, CMD_COMPILE},
    {K_UNROLL, "--unroll", NULL, ARG_ONE, CMD_COMPILE | CMD_CHECK | CMD_INFO},
    {K_INPUT, "--input", NULL, ARG_FILES, CMD_RUN},
    {K_INPUT_DIR, "--input-dir", NULL, ARG_ONE, CMD_RUN},
    {K_ATOL, "--atol", NULL, ARG_ONE, CMD_CHECK},
    {K_RTOL, "--rtol", NULL, ARG_ONE, CMD_CHECK},
    {K_DIM, "--dim", NULL, ARG_REPEAT, CMD_ALL},
    {K_CONST, "--const", NULL, ARG_REPEAT, CMD_ALL},
    {K_SHAPE, "--shape", NULL, ARG_REPEAT, CMD_ALL},
    {K_DUMP, "--dump-ir", NULL, ARG_FLAG, CMD_ALL},
    {K_CC, "--cc", NULL, ARG_ONE, CMD_INFO},
    {K_TARGET, "--target", NULL, ARG_ONE, CMD_INFO},
    {K_MAX_MB, "--max-mb", NULL, ARG_ONE, CMD_ALL},
    {K_GEMM_MIN, "--gemm-min", NULL, ARG_ONE, CMD_COMPILE | CMD_CHECK | CMD_INFO},
    {K_STREAM, "--stream", NULL, ARG_FLAG, CMD_COMPILE | CMD_CHECK | CMD_INFO},
    {K_CHUNK, "--chunk", NULL, ARG_ONE, CMD_COMPILE | CMD_CHECK | CMD_INFO},
    {K_STEP_ONLY, "--step-only", NULL, ARG_FLAG, CMD_COMPILE | CMD_CHECK | CMD_INFO},
    {K_KEEP, "--keep", NULL, ARG_FLAG, CMD_CHECK},
    {K_VERBOSE, "-v", "--verbose", ARG_FLAG, CMD_CHECK},
    {K_JSON, "--json", NULL, ARG_FLAG, CMD_INFO},
    {K_OUTPUT_FORMAT, "--output-format", NULL, ARG_ONE, CMD_RUN},
    {K_PRINT, "--print", NULL, ARG_FLAG, CMD_RUN},
    {K_RANDOM, "--random", NULL, ARG_FLAG, CMD_CHECK},
    {K_SEED, "--seed", NULL, ARG_ONE, CMD_CHECK},
    {K_RUNS, "--runs", NULL, ARG_ONE, CMD_CHECK},
    {K_WEIGHTS, "--weights", NULL, ARG_ONE, CMD_ALL},
};
_Static_assert(sizeof cli_opts / sizeof cli_opts[0] == K_COUNT, "one row per cli_key");

static const char *const cmd_names[] = {"compile", "run", "check", "info"};

/* A usage error: what is wrong, naming the argument, and where the options are described
 * (the whole help is not dumped on the terminal). Exit status 2. */
static int usage_err(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int usage_err(const char *cmd, const char *fmt, ...) {
    va_list ap;
    fprintf(stderr, "rnnc%s%s: ", cmd ? " " : "", cmd ? cmd : "");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'rnnc %s%s--help' for the options.\n", cmd ? cmd : "", cmd ? " " : "");
    return 2;
}

/* The commands that use an option, for the message that another one does not. */
static void cmds_using(unsigned cmds, char *buf, size_t n) {
    buf[0] = 0;
    for (int k = 0; k < 4; k++)
        if (cmds & (1u << k))
            snprintf(buf + strlen(buf), n - strlen(buf), "%s%s", buf[0] ? ", " : "", cmd_names[k]);
}

typedef struct cli_args {
    unsigned cmd; /* CMD_* */
    const char *cmd_name, *model, *outdir, *indir;
    const char **files, **dirs;
    int n_files, n_dirs, dump, keep, verbose, stream, chunk, step_only, json;
    int out_npy, print, random_runs; /* run --output-format npy, --print; check --random N */
    unsigned long long seed;
    double atol, rtol;
    const char *info_cc;
    em_opts eo;
    rc_ctx c;
    const char *seen[K_COUNT]; /* the option as written, once given */
} cli_args;

/* One option's value (v: the argument after it). Returns 0, or an exit status. */
static int take_option(cli_args *a, const struct cli_opt *o, const char *as, const char *v,
                       rc_binding *bind) {
    const char *cmd = a->cmd_name;
    char *end;
    switch (o->key) {
    case K_OUT:
        a->outdir = v;
        break;
    case K_NAME:
        if (em_valid_name(v))
            return usage_err(cmd,
                             "--name '%s': must be a C identifier (letter first; letters, "
                             "digits, '_'; not a keyword)",
                             v);
        a->eo.name = v;
        break;
    case K_WEIGHTS:
        if (rc_wprec_parse(v, &bind->weights))
            return usage_err(cmd, "--weights '%s': takes f32, f16, bf16 or i8", v);
        break;
    case K_UNROLL:
        if (parse_unroll(v, &a->eo.unroll))
            return usage_err(cmd, "--unroll '%s': takes auto, none or full", v);
        break;
    case K_INPUT:
        a->files[a->n_files++] = v;
        break;
    case K_INPUT_DIR:
        a->indir = v;
        break;
    case K_ATOL:
    case K_RTOL: {
        double x = strtod(v, &end);
        if (*end || end == v || !(x >= 0))
            return usage_err(cmd, "%s '%s': takes a non-negative number", as, v);
        *(o->key == K_ATOL ? &a->atol : &a->rtol) = x;
        break;
    }
    case K_DIM:
        if (parse_dim(v, bind))
            return usage_err(cmd, "--dim '%s': takes NAME=N with N a whole number >= 1", v);
        break;
    case K_CONST: {
        int r = parse_const(&a->c, v, bind);
        if (r == -2)
            return fail(&a->c);
        if (r)
            return usage_err(cmd, "--const '%s': takes INPUT=FILE.pb or INPUT=V0,V1,...", v);
        break;
    }
    case K_SHAPE:
        if (parse_shape(v, bind))
            return usage_err(cmd,
                             "--shape '%s': takes INPUT=d0,d1,... with each d a whole number "
                             ">= 1 (at most 8)",
                             v);
        break;
    case K_DUMP:
        a->dump = 1;
        break;
    case K_CC:
        a->info_cc = v;
        break;
    case K_TARGET:
        if (strcmp(v, "cortex-m4") != 0)
            return usage_err(cmd, "--target '%s': knows cortex-m4 (or give the compiler with --cc)",
                             v);
        a->info_cc = "arm-none-eabi-gcc -mcpu=cortex-m4 -mthumb -mfloat-abi=hard "
                     "-mfpu=fpv4-sp-d16 -Os";
        break;
    case K_MAX_MB: {
        double m = strtod(v, &end);
        if (*end || end == v || !(m >= 0.001 && m <= 1048576))
            return usage_err(cmd, "--max-mb '%s': takes a size in MiB, 0.001..1048576", v);
        a->c.max_bytes = (size_t)(m * 1048576.0);
        break;
    }
    case K_GEMM_MIN: {
        double m = strtod(v, &end);
        if (*end || end == v || !(m >= 1))
            return usage_err(cmd, "--gemm-min '%s': takes a multiply-add count >= 1", v);
        a->eo.gemm_min = m;
        break;
    }
    case K_STREAM:
        a->stream = 1;
        break;
    case K_CHUNK: {
        long k = strtol(v, &end, 10);
        if (*end || end == v || k < 1 || k > 1000000)
            return usage_err(cmd, "--chunk '%s': takes a step count from 1 to 1000000", v);
        a->chunk = (int)k, a->stream = 1;
        break;
    }
    case K_STEP_ONLY:
        a->step_only = a->stream = 1;
        break;
    case K_KEEP:
        a->keep = 1;
        break;
    case K_VERBOSE:
        a->verbose = 1;
        break;
    case K_JSON:
        a->json = 1;
        break;
    case K_OUTPUT_FORMAT:
        if (strcmp(v, "pb") != 0 && strcmp(v, "npy") != 0)
            return usage_err(cmd, "--output-format '%s': takes pb or npy", v);
        a->out_npy = strcmp(v, "npy") == 0;
        break;
    case K_PRINT:
        a->print = 1;
        break;
    case K_RANDOM:
        a->random_runs = a->random_runs ? a->random_runs : 3;
        break;
    case K_SEED:
    case K_RUNS: {
        unsigned long long x;
        errno = 0;
        x = strtoull(v, &end, 10);
        if (*end || end == v || v[0] == '-' || errno)
            return usage_err(cmd, "%s '%s': takes a whole number", as, v);
        if (o->key == K_SEED)
            a->seed = x;
        else if (x < 1 || x > 100000)
            return usage_err(cmd, "--runs '%s': takes one from 1 to 100000", v);
        else
            a->random_runs = (int)x;
        break;
    }
    case K_COUNT:
        break;
    }
    return 0;
}

/* Splits argv into options and positional arguments. Returns -1 when the arguments are
 * good, else the exit status (0 after --help). */
static int parse_args(int argc, char **argv, const char *text, cli_args *a, rc_binding *bind) {
    const char *cmd = a->cmd_name;
    for (int i = 2; i < argc; i++) {
        const char *arg = argv[i];
        const struct cli_opt *o = NULL;
        int rc;
        if (is_help(arg)) {
            fputs(text, stdout);
            return 0;
        }
        if (arg[0] != '-' || !arg[1]) {
            if (!a->model)
                a->model = arg;
            else if (a->cmd == CMD_CHECK)
                a->dirs[a->n_dirs++] = arg;
            else
                return usage_err(cmd, "unexpected argument '%s'%s", arg,
                                 a->cmd == CMD_RUN ? " (inputs are given with --input FILE... or "
                                                     "--input-dir DIR)"
                                                   : " (one MODEL only)");
            continue;
        }
        for (size_t k = 0; k < sizeof cli_opts / sizeof cli_opts[0]; k++)
            if (strcmp(arg, cli_opts[k].name) == 0 ||
                (cli_opts[k].alias && strcmp(arg, cli_opts[k].alias) == 0))
                o = &cli_opts[k];
        if (!o)
            return usage_err(cmd, "unknown option '%s'", arg);
        if (!(o->cmds & a->cmd)) {
            char users[64];
            cmds_using(o->cmds, users, sizeof users);
            return usage_err(cmd, "option '%s' does not apply to 'rnnc %s' (it is used by: %s)",
                             arg, cmd, users);
        }
        if (o->arg != ARG_FLAG &&
            (i + 1 >= argc || (argv[i + 1][0] == '-' && argv[i + 1][1] &&
                               !(argv[i + 1][1] >= '0' && argv[i + 1][1] <= '9'))))
            return usage_err(cmd, "option '%s' needs a value", arg);
        if (o->arg == ARG_ONE && a->seen[o->key] && strcmp(a->seen[o->key], argv[i + 1]) != 0)
            return usage_err(cmd, "option '%s' is given twice ('%s' and '%s')", arg,
                             a->seen[o->key], argv[i + 1]);
        if (o->key == K_CC || o->key == K_TARGET) {
            cli_key other = o->key == K_CC ? K_TARGET : K_CC;
            if (a->seen[other])
                return usage_err(cmd,
                                 "--cc and --target both choose the compiler for the footprint; "
                                 "give one");
        }
        a->seen[o->key] = o->arg == ARG_FLAG ? arg : argv[i + 1];
        do { /* --input FILE...: every argument up to the next option */
            rc = take_option(a, o, arg, o->arg == ARG_FLAG ? NULL : argv[++i], bind);
            if (rc)
                return rc;
        } while (o->arg == ARG_FILES && i + 1 < argc && (argv[i + 1][0] != '-' || !argv[i + 1][1]));
    }
    return -1;
}

/* What a command needs beyond its options. Returns -1 when it holds, else the exit status. */
static int check_args(const cli_args *a) {
    const char *cmd = a->cmd_name;
    if (!a->model)
        return usage_err(cmd, "missing MODEL%s",
                         a->n_files ? " (--input takes every argument up "
                                      "to the next option: give MODEL "
                                      "first)"
                                    : "");
    if (a->cmd == CMD_COMPILE && !a->outdir)
        return usage_err(cmd, "missing -o DIR");
    if (a->cmd == CMD_RUN && !a->outdir && !a->print)
        return usage_err(cmd, "missing --output-dir DIR (or --print)");
    if (a->out_npy && !a->outdir)
        return usage_err(cmd, "--output-format needs --output-dir");
    if (a->seen[K_SEED] && !a->random_runs)
        return usage_err(cmd, "--seed needs --random (or --runs)");
    if (a->cmd == CMD_RUN && !a->indir && !a->n_files)
        return usage_err(cmd, "missing the inputs: --input FILE... or --input-dir DIR");
    if (a->cmd == CMD_RUN && a->indir && a->n_files)
        return usage_err(cmd, "--input and --input-dir both give the inputs; give one");
    if (a->cmd == CMD_CHECK && !a->n_dirs && !a->random_runs)
        return usage_err(cmd,
                         "missing DATADIR (a directory of input_N.pb/.npy and output_N.pb/.npy) "
                         "or --random");
    if (a->seen[K_STREAM] && a->seen[K_STEP_ONLY])
        return usage_err(cmd, "--stream (NAME_run and the step API) and --step-only (the step API "
                              "alone) contradict; give one");
    return -1;
}

/* A data file or directory that cannot be used is reported as itself, before its missing
 * dimensions could be blamed on the model. */
static int data_preflight(rc_ctx *c, const cli_args *a) {
    struct stat st;
    const char *const *dirs = a->cmd == CMD_CHECK ? a->dirs : &a->indir;
    int n = a->cmd == CMD_CHECK ? a->n_dirs : a->indir ? 1 : 0;
    for (int i = 0; i < n; i++) {
        char path[PATH_MAX], sub[PATH_MAX];
        if (stat(dirs[i], &st) != 0)
            return rc_err(c, NULL, "", "data directory '%s': %s", dirs[i], strerror(errno));
        if (!S_ISDIR(st.st_mode))
            return rc_err(c, NULL, "", "data directory '%s' is not a directory", dirs[i]);
        if (rc_data_file(c, dirs[i], "input", 0, path, sizeof path) != 0 ||
            rc_data_file(c, dirs[i], "output", 0, path, sizeof path) != 0) {
            if (c->failed)
                return -1;
            continue;
        }
        snprintf(sub, sizeof sub, "%s/test_data_set_0", dirs[i]);
        return rc_err(c, NULL, "",
                      "data directory '%s' holds no input_0 or output_0 (.pb or .npy)%s", dirs[i],
                      access(sub, F_OK) == 0
                          ? "; it holds test_data_set_0/ and the like: give those directories"
                          : " (a data set is a directory of input_N and output_N files)");
    }
    return 0;
}

/* rnnc run: the interpreter on the inputs, each output written as DIR/output_N.pb (or .npy)
 * and/or printed. */
static int run_interp(rc_ctx *c, const ir_graph *g, const struct cli_args *a) {
    rc_inputs in = {0}, out = {0};
    int rc = rc_read_inputs(c, g, a->files, a->n_files, a->indir, &in);
    if (rc == 0)
        rc = rc_run_interp(c, g, &in, &out);
    if (rc == 0 && a->outdir)
        rc = rc_mkdirs(c, a->outdir);
    for (int k = 0; rc == 0 && a->outdir && k < out.n; k++) {
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s/output_%d.%s", a->outdir, k, a->out_npy ? "npy" : "pb");
        rc = rc_save_tensor_file(c, path, &out.t[k]);
        if (rc == 0)
            printf("%s\n", path);
    }
    for (int k = 0; rc == 0 && a->print && k < out.n; k++) {
        char label[300];
        snprintf(label, sizeof label, "output %d '%s'", k, rc_show(out.t[k].name));
        rc_print_tensor(stdout, label, &out.t[k]);
    }
    rc_inputs_free(&in);
    rc_inputs_free(&out);
    return rc;
}

static int cli(int argc, char **argv, const char **files, const char **dirs, rc_binding *bind) {
    cli_args a = {0};
    rc_ctx *c = &a.c;
    static char command[4096];
    const char *text;
    ir_graph *g, *step = NULL;
    int rc;
    if (argc < 2)
        return usage_err(NULL, "missing command (compile, run, check or info)");
    if (is_help(argv[1])) {
        fputs(usage_main, stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("rnnc %s\n", RC_VERSION);
        return 0;
    }
    for (int k = 0; k < 4; k++)
        if (strcmp(argv[1], cmd_names[k]) == 0)
            a.cmd = 1u << k, a.cmd_name = cmd_names[k];
    if (!a.cmd)
        return usage_err(NULL, "unknown command '%s' (compile, run, check or info)", argv[1]);
    text = a.cmd == CMD_COMPILE ? usage_compile
           : a.cmd == CMD_RUN   ? usage_run
           : a.cmd == CMD_CHECK ? usage_check
                                : usage_info;
    a.files = files, a.dirs = dirs;
    a.atol = 1e-5, a.rtol = 1e-3, a.chunk = 1, a.seed = 1;
    a.info_cc = "cc -Os";
    a.eo.name = "net";
    a.eo.unroll = RC_UNROLL_AUTO;
    join_command(command, sizeof command, argc, argv);
    a.eo.command = command;
    if ((rc = parse_args(argc, argv, text, &a, bind)) >= 0 || (rc = check_args(&a)) >= 0)
        return rc;
    a.eo.step_only = a.step_only;
    /* run/check: a data problem is reported as itself; dims the options leave open are
     * taken from the first data set */
    if (a.cmd & (CMD_RUN | CMD_CHECK)) {
        c->file = "";
        if (data_preflight(c, &a) || data_shapes(c,
                                                 a.indir              ? a.indir
                                                 : a.cmd == CMD_CHECK ? a.dirs[0]
                                                                      : NULL,
                                                 a.files, a.n_files, bind))
            return fail(c);
        c->file = NULL;
    }
    bind->auto_const = (a.cmd & (CMD_RUN | CMD_CHECK)) != 0;
    a.eo.weights = bind->weights;
    g = rc_front_bound(c, a.model, bind, a.dump);
    if (!g && (c->unbound || c->unsupported) && a.cmd == CMD_INFO) {
        /* info on a model with open dims or unsupported ops still tells what it can */
        rc_ctx c2 = {0};
        if (a.json)
            return rc_info_unbound_json(&c2, a.model, &a.eo, c->msg) ? fail(&c2) : c->unsupported;
        if (rc_info_unbound(&c2, a.model) == 0) {
            printf("not compiled: %s\n", c->msg);
            return c->unsupported; /* open dims are a state; an unknown op is a failure */
        }
    }
    if (!g)
        return fail(c);
    if (a.stream) {
        step = rc_stream_graph(c, g, a.chunk);
        if (!step) {
            ir_free(g);
            return fail(c);
        }
        a.eo.step = step;
    }
    if (a.cmd == CMD_COMPILE) {
        rc = rc_compile_to(c, g, &a.eo, a.outdir);
    } else if (a.cmd == CMD_INFO) {
        /* --step-only: the step graph is the whole API, so its nodes are the ones reported */
        const ir_graph *ig = a.step_only ? step : g;
        rc = a.json ? rc_info_json(c, ig, &a.eo, a.info_cc) : rc_info(c, ig, &a.eo, a.info_cc);
    } else if (a.cmd == CMD_CHECK) {
        rc_check_opts co = {a.atol, a.rtol, &a.eo, a.keep, a.verbose, a.random_runs, a.seed};
        rc = rc_check(c, g, a.dirs, a.n_dirs, &co);
        if (rc == 1) {
            ir_free(g);
            ir_free(step);
            return 1;
        }
    } else {
        rc = run_interp(c, g, &a);
    }
    ir_free(g);
    ir_free(step);
    return rc ? fail(c) : 0;
}

int main(int argc, char **argv) {
    /* positional arguments and --input files, at most argc of each */
    const char **files = calloc((size_t)argc + 1, sizeof(char *));
    const char **dirs = calloc((size_t)argc + 1, sizeof(char *));
    rc_binding bind = {0};
    int rc = files && dirs ? cli(argc, argv, files, dirs, &bind) : 1;
    binding_free(&bind);
    free(files);
    free(dirs);
    return rc;
}
