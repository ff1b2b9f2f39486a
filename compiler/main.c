/* main.c — the rnnc command line. The only place that prints errors and
 * chooses exit codes: 0 ok, 1 error (bad model, failed check), 2 usage. */
#define _POSIX_C_SOURCE 200809L
#include "driver.h"
#include "load.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
    "  info MODEL [--unroll MODE]\n"
    "                      ops, shapes, parameters, FLOPs, RAM and flash of the generated code\n"
    "\n"
    "Every command takes --dim NAME=N and --shape INPUT=d0,d1,... (repeatable) to bind\n"
    "symbolic input dimensions (dim_param); run and check take unbound ones from the data.\n"
    "Every command takes --const INPUT=FILE.pb|FILE.npy or INPUT=V0,V1,... to bind a graph\n"
    "input to a constant (e.g. a sample rate): it leaves the generated API and folds what it\n"
    "decides; run and check bind inputs an op needs at compile time (shapes, axes) from the\n"
    "data.\n"
    "Every command takes --max-mb N: the largest tensor, and the largest total of weights,\n"
    "accepted in MiB (default 1024); bigger models are refused rather than allocated.\n"
    "'rnnc COMMAND --help' describes each command. 'rnnc --version' prints the version.\n";

static const char usage_compile[] =
    "usage: rnnc compile MODEL -o DIR [--name NAME] [--unroll auto|none|full] [--dump-ir]\n"
    "                    [--stream [--chunk K]]\n"
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
    "usage: rnnc run MODEL (--input FILE ... | --input-dir DIR) (--output-dir DIR | --print)\n"
    "                [--output-format pb|npy] [--print] [--dump-ir]\n"
    "\n"
    "Runs the reference interpreter (naive loops, double accumulation). Inputs are files in\n"
    "graph-input order (initializers excluded), or DIR/input_N.pb or DIR/input_N.npy (a\n"
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
    "                  [--stream [--chunk K]] [--random [--seed S] [--runs N]]\n"
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
    "by chunk, and must match the expected outputs and NAME_run (within 1e-6).\n"
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
    "                 [--stream [--chunk K]] [--cc \"COMPILER FLAGS\" | --target cortex-m4]\n"
    "\n"
    "Prints the graph's inputs (symbolic dims by name), outputs and nodes, the parameter\n"
    "count, FLOPs per inference, and the generated code's context size and weight size.\n"
    "The footprint line compiles the generated code with the compiler (default 'cc -Os';\n"
    "--target cortex-m4 = arm-none-eabi-gcc -mcpu=cortex-m4 -mthumb -mfloat-abi=hard\n"
    "-mfpu=fpv4-sp-d16 -Os) and reports flash (code + weights, from binutils size) and RAM\n"
    "(context + the deepest stack path, from -fstack-usage).\n";

static int usage(const char *text, const char *msg) {
    if (msg)
        fprintf(stderr, "rnnc: %s\n", msg);
    fputs(text, stderr);
    return 2;
}

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

/* Tensors of the first data set (DIR/input_N.pb, or the --input files), for
 * binding symbolic dimensions; files that cannot be read are skipped here
 * and reported when the inputs are read for real. */
static int data_shapes(const char *dir, const char **files, int n_files, rc_binding *b) {
    rc_ctx quiet = {0};
    int n = dir ? 0 : n_files;
    if (dir) {
        char path[PATH_MAX];
        while (rc_data_file(&quiet, dir, "input", n, path, sizeof path) == 1)
            n++;
    }
    ir_tensor *t = calloc((size_t)n + 1, sizeof *t);
    const ir_tensor **ptr = calloc((size_t)n + 1, sizeof *ptr);
    if (!t || !ptr) {
        free(t);
        free(ptr);
        return -1;
    }
    for (int i = 0; i < n; i++) {
        char path[PATH_MAX];
        quiet.failed = 0;
        if (dir)
            rc_data_file(&quiet, dir, "input", i, path, sizeof path);
        if (rc_load_tensor_file(&quiet, dir ? path : files[i], &t[i]) == 0)
            ptr[i] = &t[i];
    }
    b->n_data = n;
    b->data = ptr;
    b->data_store = t;
    return 0;
}

static void binding_free(rc_binding *b) {
    for (int i = 0; i < b->n_dims; i++)
        free((char *)b->dim_name[i]);
    for (int i = 0; i < b->n_shapes; i++)
        free((char *)b->shape_name[i]);
    for (int i = 0; i < b->n_data; i++)
        rc_tensor_clear(&b->data_store[i]);
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
        if (slash && eq && eq < slash && a[0] != '-') /* NAME=path */
            snprintf(buf + strlen(buf), n - strlen(buf), " %.*s%s", (int)(eq - a + 1), a,
                     slash + 1);
        else if (slash && a[0] != '-')
            snprintf(buf + strlen(buf), n - strlen(buf), " %s", slash + 1);
        else
            snprintf(buf + strlen(buf), n - strlen(buf), " %s", a);
    }
}

static int cli(int argc, char **argv, const char **files, const char **dirs, rc_binding *bind) {
    rc_ctx c = {0};
    em_opts eo = {"net", RC_UNROLL_AUTO, NULL};
    const char *cmd, *model = NULL, *outdir = NULL, *indir = NULL;
    int n_files = 0, n_dirs = 0, dump = 0, keep = 0, verbose = 0, rc, stream = 0, chunk = 1;
    int out_npy = 0, print = 0, random_runs = 0, rnd_opt = 0;
    unsigned long long seed = 1;
    double atol = 1e-5, rtol = 1e-3;
    static char command[4096];
    const char *text;
    ir_graph *g, *step = NULL;
    const char *info_cc = "cc -Os";
    if (argc < 2)
        return usage(usage_main, "missing command");
    cmd = argv[1];
    if (is_help(cmd)) {
        fputs(usage_main, stdout);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0) {
        printf("rnnc %s\n", RC_VERSION);
        return 0;
    }
    if (strcmp(cmd, "compile") == 0)
        text = usage_compile;
    else if (strcmp(cmd, "run") == 0)
        text = usage_run;
    else if (strcmp(cmd, "check") == 0)
        text = usage_check;
    else if (strcmp(cmd, "info") == 0)
        text = usage_info;
    else
        return usage(usage_main, "unknown command");
    join_command(command, sizeof command, argc, argv);
    eo.command = command;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (is_help(a)) {
            fputs(text, stdout);
            return 0;
        } else if ((strcmp(a, "-o") == 0 || strcmp(a, "--output-dir") == 0) && v) {
            outdir = v, i++;
        } else if (strcmp(a, "--name") == 0 && v) {
            eo.name = v, i++;
        } else if (strcmp(a, "--unroll") == 0 && v) {
            if (parse_unroll(v, &eo.unroll))
                return usage(text, "--unroll takes auto, none or full");
            i++;
        } else if (strcmp(a, "--input") == 0 && v) {
            files[n_files++] = v, i++;
        } else if (strcmp(a, "--input-dir") == 0 && v) {
            indir = v, i++;
        } else if ((strcmp(a, "--atol") == 0 || strcmp(a, "--rtol") == 0) && v) {
            char *end;
            double x = strtod(v, &end);
            if (*end || !(x >= 0))
                return usage(text, "--atol/--rtol take a non-negative number");
            *(a[2] == 'a' ? &atol : &rtol) = x;
            i++;
        } else if (strcmp(a, "--dim") == 0 && v) {
            if (parse_dim(v, bind))
                return usage(text, "--dim takes NAME=N with N a whole number >= 1");
            i++;
        } else if (strcmp(a, "--const") == 0 && v) {
            int r = parse_const(&c, v, bind);
            if (r == -2)
                return fail(&c);
            if (r)
                return usage(text, "--const takes INPUT=FILE.pb or INPUT=V0,V1,...");
            i++;
        } else if (strcmp(a, "--shape") == 0 && v) {
            if (parse_shape(v, bind))
                return usage(text, "--shape takes INPUT=d0,d1,... with each d a whole number >= 1 "
                                   "(at most 8)");
            i++;
        } else if (strcmp(a, "--dump-ir") == 0) {
            dump = 1;
        } else if (strcmp(a, "--cc") == 0 && v) {
            info_cc = v, i++;
        } else if (strcmp(a, "--target") == 0 && v) {
            if (strcmp(v, "cortex-m4") != 0)
                return usage(text, "--target knows cortex-m4 (or give the compiler with --cc)");
            info_cc = "arm-none-eabi-gcc -mcpu=cortex-m4 -mthumb -mfloat-abi=hard "
                      "-mfpu=fpv4-sp-d16 -Os";
            i++;
        } else if (strcmp(a, "--max-mb") == 0 && v) {
            char *end;
            double m = strtod(v, &end);
            if (*end || end == v || !(m >= 0.001 && m <= 1048576))
                return usage(text, "--max-mb takes a size in MiB, 0.001..1048576");
            c.max_bytes = (size_t)(m * 1048576.0), i++;
        } else if (strcmp(a, "--gemm-min") == 0 && v) {
            char *end;
            double m = strtod(v, &end);
            if (*end || end == v || !(m >= 1))
                return usage(text, "--gemm-min takes a multiply-add count >= 1");
            eo.gemm_min = m, i++;
        } else if (strcmp(a, "--stream") == 0) {
            stream = 1;
        } else if (strcmp(a, "--chunk") == 0 && v) {
            char *end;
            long k = strtol(v, &end, 10);
            if (*end || end == v || k < 1 || k > 1000000)
                return usage(text, "--chunk takes a step count from 1 to 1000000");
            chunk = (int)k, stream = 1, i++;
        } else if (strcmp(a, "--output-format") == 0 && v) {
            if (strcmp(v, "pb") != 0 && strcmp(v, "npy") != 0)
                return usage(text, "--output-format takes pb or npy");
            out_npy = strcmp(v, "npy") == 0, i++;
        } else if (strcmp(a, "--print") == 0) {
            print = 1;
        } else if (strcmp(a, "--random") == 0) {
            random_runs = random_runs ? random_runs : 3, rnd_opt = 1;
        } else if ((strcmp(a, "--seed") == 0 || strcmp(a, "--runs") == 0) && v) {
            char *end;
            unsigned long long x;
            errno = 0;
            x = strtoull(v, &end, 10);
            if (*end || end == v || v[0] == '-' || errno || (a[2] == 'r' && (x < 1 || x > 100000)))
                return usage(text, "--seed takes a whole number >= 0, --runs one from 1 to 100000");
            rnd_opt = 1;
            if (a[2] == 's')
                seed = x;
            else
                random_runs = (int)x;
            i++;
        } else if (strcmp(a, "--keep") == 0) {
            keep = 1;
        } else if (strcmp(a, "-v") == 0) {
            verbose = 1;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "rnnc: unknown or incomplete option '%s'\n", a);
            return usage(text, NULL);
        } else if (!model) {
            model = a;
        } else {
            dirs[n_dirs++] = a;
        }
    }
    if (!model)
        return usage(text, "missing MODEL");
    if (strcmp(cmd, "compile") == 0 && (!outdir || n_dirs))
        return usage(text, outdir ? "unexpected argument" : "missing -o DIR");
    if (strcmp(cmd, "run") == 0 && ((!outdir && !print) || (!indir && !n_files) || n_dirs))
        return usage(text, "run needs inputs and --output-dir or --print");
    if ((out_npy || print) && strcmp(cmd, "run") != 0)
        return usage(text, "--output-format and --print apply to run");
    if (out_npy && !outdir)
        return usage(text, "--output-format needs --output-dir");
    if (rnd_opt && strcmp(cmd, "check") != 0)
        return usage(text, "--random, --seed and --runs apply to check");
    if (rnd_opt && !random_runs)
        return usage(text, "--seed needs --random (or --runs)");
    if (strcmp(cmd, "check") == 0 && !n_dirs && !random_runs)
        return usage(text, "missing DATADIR (or --random)");
    if (strcmp(cmd, "info") == 0 && n_dirs)
        return usage(text, "unexpected argument");
    if (em_valid_name(eo.name))
        return usage(text, "--name must be a C identifier (letter first; letters, digits, '_'; "
                           "not a keyword)");
    /* run/check: dims the options leave open are taken from the first data set */
    if (strcmp(cmd, "run") == 0 || (strcmp(cmd, "check") == 0 && n_dirs))
        (void)data_shapes(indir                       ? indir
                          : strcmp(cmd, "check") == 0 ? dirs[0]
                                                      : NULL,
                          files, n_files, bind);
    bind->auto_const = strcmp(cmd, "run") == 0 || strcmp(cmd, "check") == 0;
    g = rc_front_bound(&c, model, bind, dump);
    if (!g && c.unbound && strcmp(cmd, "info") == 0) {
        /* info on a model with open dims still tells what it can */
        rc_ctx c2 = {0};
        if (rc_info_unbound(&c2, model) == 0) {
            printf("not compiled: %s\n", c.msg);
            return 0;
        }
    }
    if (!g)
        return fail(&c);
    if (stream && strcmp(cmd, "run") == 0) {
        ir_free(g);
        return usage(text, "--stream applies to compile, check and info");
    }
    if (stream) {
        step = rc_stream_graph(&c, g, chunk);
        if (!step) {
            ir_free(g);
            return fail(&c);
        }
        eo.step = step;
    }
    if (strcmp(cmd, "compile") == 0) {
        rc = rc_compile_to(&c, g, &eo, outdir);
    } else if (strcmp(cmd, "info") == 0) {
        rc = rc_info(&c, g, &eo, info_cc);
    } else if (strcmp(cmd, "check") == 0) {
        rc_check_opts co = {atol, rtol, &eo, keep, verbose, random_runs, seed};
        rc = rc_check(&c, g, dirs, n_dirs, &co);
        if (rc == 1) {
            ir_free(g);
            ir_free(step);
            return 1;
        }
    } else {
        rc_inputs in = {0}, out = {0};
        rc = rc_read_inputs(&c, g, files, n_files, indir, &in);
        if (rc == 0)
            rc = rc_run_interp(&c, g, &in, &out);
        if (rc == 0 && outdir)
            rc = rc_mkdirs(&c, outdir);
        for (int k = 0; rc == 0 && outdir && k < out.n; k++) {
            char path[PATH_MAX];
            snprintf(path, sizeof path, "%s/output_%d.%s", outdir, k, out_npy ? "npy" : "pb");
            rc = rc_save_tensor_file(&c, path, &out.t[k]);
            if (rc == 0)
                printf("%s\n", path);
        }
        for (int k = 0; rc == 0 && print && k < out.n; k++) {
            char label[300];
            snprintf(label, sizeof label, "output %d '%s'", k, rc_show(out.t[k].name));
            rc_print_tensor(stdout, label, &out.t[k]);
        }
        rc_inputs_free(&in);
        rc_inputs_free(&out);
    }
    ir_free(g);
    ir_free(step);
    return rc ? fail(&c) : 0;
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
