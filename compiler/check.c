/* check.c — `rnnc check`: compile, build the generated C with the system C
 * compiler against the runtime, run it on each data set, and compare with the
 * expected outputs and with the reference interpreter. */
#define _POSIX_C_SOURCE 200809L
#include "driver.h"
#include "load.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef RNNC_RT_INCLUDE
#define RNNC_RT_INCLUDE "runtime/include"
#endif
#ifndef RNNC_RT_LIB
#define RNNC_RT_LIB "librnnrt.a"
#endif
#ifndef RNNC_RT_LIBS
#define RNNC_RT_LIBS "-lopenblas -lm"
#endif
/* The installed runtime relative to the directory of the rnnc executable (or absolute);
 * CMakeLists.txt sets these from the install layout (GNUInstallDirs). */
#ifndef RNNC_INSTALL_RT_INCLUDE
#define RNNC_INSTALL_RT_INCLUDE "../include"
#endif
#ifndef RNNC_INSTALL_RT_LIB
#define RNNC_INSTALL_RT_LIB "../lib/librnnrt.a"
#endif

static const char *env_or(const char *name, const char *def) {
    const char *v = getenv(name);
    return v && v[0] ? v : def;
}

/* Where the runtime is: an installed one next to this executable when
 * <exe dir>/RNNC_INSTALL_RT_INCLUDE/rnnrt.h and <exe dir>/RNNC_INSTALL_RT_LIB exist, else
 * the build tree's (RNNC_RT_INCLUDE, RNNC_RT_LIB); RNNC_RUNTIME_INCLUDE and
 * RNNC_RUNTIME_LIB override either. Finding no installed runtime is not an error. */
static void runtime_paths(char *inc, size_t inc_n, char *lib, size_t lib_n) {
    const char *ri = RNNC_INSTALL_RT_INCLUDE, *rl = RNNC_INSTALL_RT_LIB;
    const char *use_inc = RNNC_RT_INCLUDE, *use_lib = RNNC_RT_LIB;
    char exe[PATH_MAX], ti[PATH_MAX], tl[PATH_MAX], h[PATH_MAX + 16];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    char *slash = NULL;
    if (n > 0) {
        exe[n] = '\0';
        slash = strrchr(exe, '/');
    }
    if (slash) {
        *slash = '\0';
        snprintf(ti, sizeof ti, "%s%s%s", ri[0] == '/' ? "" : exe, ri[0] == '/' ? "" : "/", ri);
        snprintf(tl, sizeof tl, "%s%s%s", rl[0] == '/' ? "" : exe, rl[0] == '/' ? "" : "/", rl);
        snprintf(h, sizeof h, "%s/rnnrt.h", ti);
        if (access(h, R_OK) == 0 && access(tl, R_OK) == 0) {
            use_inc = ti;
            use_lib = tl;
        }
    }
    snprintf(inc, inc_n, "%s", env_or("RNNC_RUNTIME_INCLUDE", use_inc));
    snprintf(lib, lib_n, "%s", env_or("RNNC_RUNTIME_LIB", use_lib));
}

/* Runs argv, waiting for it; returns its exit status or -1. */
static int run_argv(char *const *argv) {
    pid_t pid = fork();
    int st;
    if (pid < 0)
        return -1;
    if (pid == 0) {
        execvp(argv[0], argv);
        fprintf(stderr, "rnnc: cannot run '%s': %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    if (waitpid(pid, &st, 0) < 0)
        return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

/* A harness that reads raw inputs, calls NAME_run and writes raw outputs;
 * buffers are sized by the header's count macros, so those are checked too. */
/* --stream: feeds the whole sequence again through NAME_step, chunk by chunk,
 * twice (the second after NAME_reset must repeat the first exactly), and
 * writes the assembled outputs after the run's. */
static void harness_steps(rc_buf *b, const ir_graph *g, const ir_graph *step, const char *name,
                          const char *NAME, int step_only) {
    long K = 0, T = 0;
    for (int i = 0; i < g->n_input; i++)
        if (g->in_time[i] >= 0) {
            T = (long)g->t[g->input[i]].dims[g->in_time[i]];
            K = (long)step->t[step->input[i]].dims[g->in_time[i]];
        }
    rc_buf_printf(b, "    for (int pass = 0; pass < 2; ++pass) {\n        %s_reset(&ctx);\n", name);
    rc_buf_printf(b, "        for (long ch = 0; ch < %ld; ++ch) {\n", T / K);
    for (int i = 0; i < g->n_input; i++) {
        int64_t o, l, n;
        const ir_tensor *t = &g->t[g->input[i]];
        if (g->in_time[i] < 0) {
            rc_buf_printf(b, "            ins[%d] = in%d;\n", i, i);
            continue;
        }
        ir_split_axis(t, g->in_time[i], &o, &l, &n);
        rc_buf_printf(b,
                      "            cut(sin%d, in%d, sizeof in%d[0], %" PRId64 ", %" PRId64
                      ", %" PRId64 ", %ld, ch, 0);\n",
                      i, i, i, o, l, n, K);
        rc_buf_printf(b, "            ins[%d] = sin%d;\n", i, i);
    }
    for (int k = 0; k < g->n_output; k++)
        rc_buf_printf(b, "            outs[%d] = sout%d;\n", k, k);
    rc_buf_printf(b, "            rc = %s_step(&ctx, ins, outs);\n", name);
    rc_buf_puts(b, "            if (rc != 0) {\n                fprintf(stderr, \"step returned "
                   "%d\\n\", rc);\n                return 20 + rc;\n            }\n");
    for (int k = 0; k < g->n_output; k++) {
        int64_t o, l, n;
        const ir_tensor *t = &g->t[g->output[k]];
        if (g->out_time[k] < 0) {
            rc_buf_printf(b, "            memcpy(fout%d[pass], sout%d, sizeof sout%d);\n", k, k, k);
            continue;
        }
        ir_split_axis(t, g->out_time[k], &o, &l, &n);
        rc_buf_printf(b,
                      "            cut(sout%d, fout%d[pass], sizeof sout%d[0], %" PRId64
                      ", %" PRId64 ", %" PRId64 ", %ld, ch, 1);\n",
                      k, k, k, o, l, n, K);
    }
    rc_buf_puts(b, "        }\n    }\n");
    for (int k = 0; k < g->n_output; k++) {
        rc_buf_printf(b,
                      "    if (memcmp(fout%d[0], fout%d[1], sizeof fout%d[0]) != 0) {\n"
                      "        fprintf(stderr, \"output %d differs after %s_reset\\n\");\n"
                      "        return 93;\n    }\n",
                      k, k, k, k, name);
        rc_buf_printf(b,
                      "    if (io(argv[%d], fout%d[1], FULL_OUTPUT_%d_COUNT * sizeof fout%d[1][0], "
                      "1))\n        return 92;\n",
                      1 + g->n_input + (step_only ? 0 : g->n_output) + k, k, k, k);
    }
    (void)NAME;
}

static void harness(rc_buf *b, const ir_graph *g, const ir_graph *step, const char *name,
                    const char *NAME, int step_only) {
    rc_buf_printf(b,
                  "#include \"%s.h\"\n#include <stdio.h>\n#include <stdint.h>\n"
                  "#include <string.h>\n\n"
                  "/* an empty input or output still gets an array (C has no zero-size ones) */\n"
                  "#define N1(n) ((n) > 0 ? (n) : 1)\n\n",
                  name);
    /* whole-sequence element counts: the header's, unless --step-only leaves it only the
     * step's (then the harness knows them itself) */
    for (int i = 0; i < g->n_input; i++)
        if (step_only)
            rc_buf_printf(b, "#define FULL_INPUT_%d_COUNT %" PRId64 "\n", i,
                          ir_numel(&g->t[g->input[i]]));
        else
            rc_buf_printf(b, "#define FULL_INPUT_%d_COUNT %s_INPUT_%d_COUNT\n", i, NAME, i);
    for (int i = 0; i < g->n_output; i++)
        if (step_only)
            rc_buf_printf(b, "#define FULL_OUTPUT_%d_COUNT %" PRId64 "\n", i,
                          ir_numel(&g->t[g->output[i]]));
        else
            rc_buf_printf(b, "#define FULL_OUTPUT_%d_COUNT %s_OUTPUT_%d_COUNT\n", i, NAME, i);
    rc_buf_printf(b, "static %s_ctx ctx;\n", name);
    for (int i = 0; i < g->n_input; i++)
        rc_buf_printf(b, "static %s in%d[N1(FULL_INPUT_%d_COUNT)];\n",
                      em_ctype(g->t[g->input[i]].dtype), i, i);
    for (int i = 0; i < g->n_output; i++)
        if (!step_only)
            rc_buf_printf(b, "static %s out%d[N1(FULL_OUTPUT_%d_COUNT)];\n",
                          em_ctype(g->t[g->output[i]].dtype), i, i);
    if (step) {
        for (int i = 0; i < g->n_input; i++)
            if (g->in_time[i] >= 0)
                rc_buf_printf(b, "static %s sin%d[N1(%s_STEP_INPUT_%d_COUNT)];\n",
                              em_ctype(g->t[g->input[i]].dtype), i, NAME, i);
        for (int i = 0; i < g->n_output; i++)
            rc_buf_printf(b,
                          "static %s sout%d[N1(%s_STEP_OUTPUT_%d_COUNT)];\n"
                          "static %s fout%d[2][N1(FULL_OUTPUT_%d_COUNT)];\n",
                          em_ctype(g->t[g->output[i]].dtype), i, NAME, i,
                          em_ctype(g->t[g->output[i]].dtype), i, i);
        /* chunk ch of a [outer][len][inner] tensor <-> a [outer][k][inner] one */
        rc_buf_puts(b,
                    "\nstatic void cut(void *step, void *full, size_t esz, long outer, long len,\n"
                    "                long inner, long k, long ch, int back)\n{\n"
                    "    for (long o = 0; o < outer; ++o) {\n"
                    "        char *s = (char *)step + (size_t)(o * k * inner) * esz;\n"
                    "        char *f = (char *)full + (size_t)((o * len + ch * k) * inner) * esz;\n"
                    "        if (back)\n            memcpy(f, s, (size_t)(k * inner) * esz);\n"
                    "        else\n            memcpy(s, f, (size_t)(k * inner) * esz);\n"
                    "    }\n}\n");
    }
    rc_buf_puts(b, "\nstatic int io(const char *path, void *p, size_t n, int wr)\n{\n"
                   "    FILE *f = fopen(path, wr ? \"wb\" : \"rb\");\n    size_t k;\n"
                   "    if (!f)\n        return -1;\n"
                   "    k = wr ? fwrite(p, 1, n, f) : fread(p, 1, n, f);\n"
                   "    return (fclose(f) == 0 && k == n) ? 0 : -1;\n}\n\n");
    rc_buf_puts(b, "int main(int argc, char **argv)\n{\n");
    rc_buf_printf(b, "    const void *ins[%d + 1];\n    void *outs[%d + 1];\n    int rc;\n",
                  g->n_input, g->n_output);
    rc_buf_printf(b, "    if (argc != %d)\n        return 90;\n",
                  1 + g->n_input + g->n_output * (step && !step_only ? 2 : 1));
    for (int i = 0; i < g->n_input; i++)
        rc_buf_printf(b,
                      "    if (io(argv[%d], in%d, FULL_INPUT_%d_COUNT * sizeof in%d[0], 0))\n"
                      "        return 91;\n"
                      "    ins[%d] = in%d;\n",
                      1 + i, i, i, i, i, i);
    /* the metadata functions describe what the harness was built from */
    /* (--step-only: the step graph is the API they describe) */
    const ir_graph *api = step_only ? step : g;
    rc_buf_printf(b,
                  "    if (%s_ctx_size() != sizeof ctx || %s_CTX_SIZE != sizeof ctx ||\n"
                  "        %s_num_inputs() != %d || %s_num_outputs() != %d)\n        return 94;\n",
                  name, NAME, name, api->n_input, name, api->n_output);
    for (int side = 0; side < 2; side++)
        for (int i = 0; i < (side ? api->n_output : api->n_input); i++) {
            const ir_tensor *t = &api->t[side ? api->output[i] : api->input[i]];
            const char *kind = side ? "output" : "input";
            rc_buf_printf(b, "    if (%s_%s_dtype(%d) != %d || %s_%s_rank(%d) != %d", name, kind, i,
                          t->dtype, name, kind, i, t->rank);
            for (int d = 0; d <= t->rank; d++)
                rc_buf_printf(b, " ||\n        %s_%s_dim(%d, %d) != %" PRId64, name, kind, i, d,
                              d < t->rank ? t->dims[d] : (int64_t)-1);
            rc_buf_puts(b, ")\n        return 94;\n");
        }
    rc_buf_printf(b, "    %s_init(&ctx);\n", name);
    if (!step_only) {
        for (int i = 0; i < g->n_output; i++)
            rc_buf_printf(b, "    outs[%d] = out%d;\n", i, i);
        rc_buf_printf(b, "    rc = %s_run(&ctx, ins, outs);\n", name);
        rc_buf_puts(b, "    if (rc != 0) {\n        fprintf(stderr, \"run returned %d\\n\", rc);\n"
                       "        return 10 + rc;\n    }\n");
        for (int i = 0; i < g->n_output; i++)
            rc_buf_printf(
                b,
                "    if (io(argv[%d], out%d, FULL_OUTPUT_%d_COUNT * sizeof out%d[0], 1))\n"
                "        return 92;\n",
                1 + g->n_input + i, i, i, i);
    }
    if (step)
        harness_steps(b, g, step, name, NAME, step_only);
    rc_buf_puts(b, "    return 0;\n}\n");
}

static int write_buf(const char *path, const void *p, size_t n) {
    FILE *f = fopen(path, "wb");
    size_t k;
    if (!f)
        return -1;
    k = fwrite(p, 1, n, f);
    return (fclose(f) == 0 && k == n) ? 0 : -1;
}

typedef struct err_stats {
    double max_abs, max_rel;
    int bad;
} err_stats;

/* numpy.allclose-style: |a - e| <= atol + rtol * |e|; NaN matches only NaN */
static err_stats compare(const ir_tensor *exp, const void *act, double atol, double rtol) {
    err_stats s = {0, 0, 0};
    int64_t n = ir_numel(exp);
    for (int64_t i = 0; i < n; i++) {
        double e, a, d;
        if (!ir_dtype_size(exp->dtype)) {
            s.bad = 1;
            break;
        }
        e = ir_get(exp->dtype, exp->data, i);
        a = ir_get(exp->dtype, act, i);
        /* 64-bit integers must match exactly, also past 2^53 where doubles merge them */
        if ((exp->dtype == IR_INT64 || exp->dtype == IR_UINT64) &&
            ((const int64_t *)exp->data)[i] != ((const int64_t *)act)[i])
            s.bad = 1;
        else if (e == a)
            continue; /* equal, also as infinities (whose difference would be NaN) */
        if (isnan(e) || isnan(a)) {
            if (!(isnan(e) && isnan(a)))
                s.bad = 1, s.max_abs = INFINITY;
            continue;
        }
        d = fabs(a - e);
        if (d > s.max_abs)
            s.max_abs = d;
        if (fabs(e) > 0 && d / fabs(e) > s.max_rel)
            s.max_rel = d / fabs(e);
        if (!(d <= atol + rtol * fabs(e)))
            s.bad = 1;
    }
    return s;
}

static int build(rc_ctx *c, const ir_graph *g, const rc_check_opts *o, const char *tmp, char *prog,
                 size_t prog_n) {
    char NAME[64], hpath[PATH_MAX], csrc[PATH_MAX], hsrc[PATH_MAX], incdir[PATH_MAX + 2],
        rtinc[PATH_MAX + 2], rt_inc[PATH_MAX], rt_lib[PATH_MAX];
    rc_buf h = {0}, libs = {0};
    char *argv[64];
    int argc = 0, st;
    const char *name = o->em->name;
    em_upper(name, NAME, sizeof NAME);
    if (rc_compile_to(c, g, o->em, tmp))
        return -1;
    harness(&h, g, o->em->step, name, NAME, o->em->step_only);
    snprintf(hpath, sizeof hpath, "%s/harness.c", tmp);
    if (write_buf(hpath, h.p, h.len)) {
        rc_buf_free(&h);
        return rc_err(c, NULL, "check", "cannot write '%s'", hpath);
    }
    rc_buf_free(&h);
    snprintf(csrc, sizeof csrc, "%s/%s.c", tmp, name);
    snprintf(hsrc, sizeof hsrc, "%s", hpath);
    snprintf(prog, prog_n, "%s/model_test", tmp);
    snprintf(incdir, sizeof incdir, "-I%s", tmp);
    runtime_paths(rt_inc, sizeof rt_inc, rt_lib, sizeof rt_lib);
    snprintf(rtinc, sizeof rtinc, "-I%s", rt_inc);
    argv[argc++] = (char *)env_or("CC", "cc");
    argv[argc++] = "-std=c99";
    argv[argc++] = "-O2";
    argv[argc++] = "-Wall";
    argv[argc++] = "-Wextra";
    argv[argc++] = "-Werror";
    argv[argc++] = "-pedantic";
    argv[argc++] = incdir;
    argv[argc++] = rtinc;
    argv[argc++] = csrc;
    argv[argc++] = hsrc;
    argv[argc++] = rt_lib;
    rc_buf_puts(&libs, env_or("RNNC_RUNTIME_LIBS", RNNC_RT_LIBS));
    for (char *tok = strtok(libs.p, " "); tok && argc < 60; tok = strtok(NULL, " "))
        argv[argc++] = tok;
    argv[argc++] = "-o";
    argv[argc++] = prog;
    argv[argc] = NULL;
    if (o->verbose) {
        for (int i = 0; i < argc; i++)
            fprintf(stderr, "%s%s", i ? " " : "", argv[i]);
        fprintf(stderr, "\n");
    }
    st = run_argv(argv);
    rc_buf_free(&libs);
    if (st != 0)
        return rc_err(c, NULL, "check",
                      "the generated code did not build with '%s' (exit %d); the runtime is "
                      "looked for in %s and %s (override with RNNC_RUNTIME_INCLUDE, "
                      "RNNC_RUNTIME_LIB, RNNC_RUNTIME_LIBS, CC)",
                      argv[0], st, rt_inc, rt_lib);
    return 0;
}

static int run_generated(rc_ctx *c, const ir_graph *g, int n_out, const char *tmp, const char *prog,
                         const rc_inputs *in, rc_inputs *out) {
    char **argv = rc_xcalloc((size_t)(g->n_input + n_out + 2), sizeof(char *));
    int st, rc = 0;
    argv[0] = rc_xstrdup(prog);
    for (int i = 0; i < g->n_input; i++) {
        char p[PATH_MAX];
        const ir_tensor *t = &in->t[i];
        snprintf(p, sizeof p, "%s/in%d.bin", tmp, i);
        argv[1 + i] = rc_xstrdup(p);
        if (write_buf(p, t->data, (size_t)ir_numel(t) * ir_dtype_size(t->dtype)))
            rc = rc_err(c, NULL, "check", "cannot write '%s'", p);
    }
    for (int i = 0; i < n_out; i++) {
        char p[PATH_MAX];
        snprintf(p, sizeof p, "%s/out%d.bin", tmp, i);
        argv[1 + g->n_input + i] = rc_xstrdup(p);
    }
    if (rc == 0 && (st = run_argv(argv)) != 0)
        rc = rc_err(c, NULL, "check", "the generated program failed (exit status %d)", st);
    out->n = n_out;
    out->t = rc_xcalloc((size_t)n_out + 1, sizeof(ir_tensor));
    for (int k = 0; rc == 0 && k < n_out; k++) {
        /* the step API's outputs (--stream) follow the run's, in the same shapes */
        const ir_tensor *gt = &g->t[g->output[k % g->n_output]];
        size_t len = 0, want = (size_t)ir_numel(gt) * ir_dtype_size(gt->dtype);
        int e = 0;
        unsigned char *data = rc_read_file(argv[1 + g->n_input + k], &len, &e);
        if (!data || len != want) {
            free(data);
            rc = rc_err(c, NULL, "check",
                        "generated program wrote %zu bytes for output %d, "
                        "expected %zu",
                        len, k, want);
            break;
        }
        out->t[k].data = data;
    }
    for (int i = 0; i < g->n_input + n_out + 1; i++) {
        if (i > 0 && !getenv("RNNC_KEEP_TMP"))
            unlink(argv[i]);
        free(argv[i]);
    }
    free(argv);
    return rc;
}

static void rm_tmp(const char *tmp, const char *name) {
    const char *files[] = {"harness.c", "model_test", NULL};
    char p[PATH_MAX];
    for (int i = 0; files[i]; i++) {
        snprintf(p, sizeof p, "%s/%s", tmp, files[i]);
        unlink(p);
    }
    snprintf(p, sizeof p, "%s/%s.c", tmp, name);
    unlink(p);
    snprintf(p, sizeof p, "%s/%s.h", tmp, name);
    unlink(p);
    rmdir(tmp);
}

/* A data set without expected outputs (no DIR/output_K.pb or .npy for any K), or an input
 * set made by --random (dir NULL): the generated code is compared with the interpreter
 * only. */
/* --stream: output k of the steps against NAME_run's (gen holds both) */
static err_stats steps_vs_run(const ir_graph *g, int k, const rc_inputs *gen) {
    ir_tensor run = g->t[g->output[k]];
    run.data = gen->t[k].data;
    return compare(&run, gen->t[g->n_output + k].data, 1e-6, 0);
}

static void check_output_interp(const ir_graph *g, const rc_check_opts *o, const char *dir, int k,
                                const rc_inputs *gen, const rc_inputs *ref, int *failed) {
    const ir_tensor *gt = &g->t[g->output[k]];
    err_stats sgi = compare(&ref->t[k], gen->t[k].data, o->atol, o->rtol);
    int ok = !sgi.bad;
    if (gen->n > g->n_output) {
        err_stats sr = steps_vs_run(g, k, gen);
        printf("  %s output %d '%s': steps vs run max_abs %.3g (limit 1e-6): %s\n", dir, k,
               rc_show(gt->name), sr.max_abs, sr.bad ? "FAIL" : "ok");
        ok &= !sr.bad;
    }
    *failed |= !ok;
    printf("  %s output %d '%s': generated vs interpreter max_abs %.3g max_rel %.3g: %s\n", dir, k,
           rc_show(gt->name), sgi.max_abs, sgi.max_rel, ok ? "ok" : "FAIL");
}

/* Compares graph output k of one data set with DIR/output_k.pb (or .npy); sets *failed. */
static int check_output(rc_ctx *c, const ir_graph *g, const rc_check_opts *o, const char *dir,
                        int k, const rc_inputs *gen, const rc_inputs *ref, int *failed) {
    char path[PATH_MAX];
    ir_tensor exp;
    const ir_tensor *gt = &g->t[g->output[k]];
    err_stats sg, si, sgi;
    int ok;
    if (rc_data_file(c, dir, "output", k, path, sizeof path) < 0 ||
        rc_load_tensor_file(c, path, &exp))
        return -1;
    rc_tensor_data_for(&exp, gt->dtype);
    if (!ir_same_type(&exp, gt)) {
        char a[256], b[256];
        ir_shape_str(&exp, a, sizeof a);
        ir_shape_str(gt, b, sizeof b);
        rc_tensor_clear(&exp);
        return rc_err(c, NULL, path, "holds %s, but graph output %d '%s' is %s", a, k,
                      rc_show(gt->name), b);
    }
    sg = compare(&exp, gen->t[k].data, o->atol, o->rtol);
    si = compare(&exp, ref->t[k].data, o->atol, o->rtol);
    sgi = compare(&ref->t[k], gen->t[k].data, o->atol, o->rtol);
    ok = !sg.bad && !si.bad && !sgi.bad;
    if (gen->n > g->n_output) {
        /* --stream: the steps against the expected values and against NAME_run */
        err_stats ss = compare(&exp, gen->t[g->n_output + k].data, o->atol, o->rtol);
        err_stats sr = steps_vs_run(g, k, gen);
        printf("  %s output %d '%s': steps of %s vs expected max_abs %.3g max_rel %.3g | steps "
               "vs run max_abs %.3g (limit 1e-6): %s\n",
               dir, k, rc_show(gt->name), "the chunk", ss.max_abs, ss.max_rel, sr.max_abs,
               ss.bad || sr.bad ? "FAIL" : "ok");
        ok &= !ss.bad && !sr.bad;
    }
    *failed |= !ok;
    printf("  %s output %d '%s': generated vs expected max_abs %.3g max_rel %.3g | "
           "interpreter vs expected max_abs %.3g max_rel %.3g | generated vs interpreter "
           "max_abs %.3g: %s\n",
           dir, k, rc_show(gt->name), sg.max_abs, sg.max_rel, si.max_abs, si.max_rel, sgi.max_abs,
           ok ? "ok" : "FAIL");
    rc_tensor_clear(&exp);
    return 0;
}

/* --weights: what the rounding costs, the interpreter with the rounded weights (ref) against
 * the interpreter with the model's (the weights swapped in and back: g is otherwise left as
 * it was). Reported, not judged: the tolerances judge the generated code. */
static int weights_error(rc_ctx *c, const ir_graph *g, const char *label, const rc_inputs *in,
                         const rc_inputs *ref) {
    rc_inputs f32 = {0};
    int rc;
    rc_swap_weights((ir_graph *)g);
    rc = rc_run_interp(c, g, in, &f32);
    rc_swap_weights((ir_graph *)g);
    for (int k = 0; rc == 0 && k < g->n_output; k++) {
        const ir_tensor *gt = &g->t[g->output[k]];
        err_stats e;
        if (!ir_dtype_is_float(gt->dtype))
            continue;
        e = compare(&ref->t[k], f32.t[k].data, 0, 0);
        printf("  %s output %d '%s': --weights %s vs fp32 weights (interpreter) max_abs %.3g "
               "max_rel %.3g\n",
               label, k, rc_show(gt->name), rc_wprec_name(g->weights), e.max_abs, e.max_rel);
    }
    rc_inputs_free(&f32);
    return rc;
}

/* Runs the generated program and the interpreter on one input set (consumed) and compares
 * them, and with DIR/output_N when `expected` (label: the directory, or the random set). */
static int check_set(rc_ctx *c, const ir_graph *g, const rc_check_opts *o, const char *tmp,
                     const char *prog, const char *label, int expected, rc_inputs *in,
                     int *failed) {
    rc_inputs gen = {0}, ref = {0};
    int rc = run_generated(c, g, g->n_output * (o->em->step && !o->em->step_only ? 2 : 1), tmp,
                           prog, in, &gen);
    if (rc == 0)
        rc = rc_run_interp(c, g, in, &ref);
    if (rc == 0 && g->weights != RC_W_F32)
        rc = weights_error(c, g, label, in, &ref);
    for (int k = 0; rc == 0 && k < g->n_output; k++) {
        if (expected)
            rc = check_output(c, g, o, label, k, &gen, &ref, failed);
        else
            check_output_interp(g, o, label, k, &gen, &ref, failed);
    }
    rc_inputs_free(in);
    rc_inputs_free(&gen);
    rc_inputs_free(&ref);
    return rc;
}

static int check_dir(rc_ctx *c, const ir_graph *g, const rc_check_opts *o, const char *tmp,
                     const char *prog, const char *dir, int *failed) {
    rc_inputs in = {0};
    int rc = rc_read_inputs(c, g, NULL, 0, dir, &in), expected = 0;
    for (int k = 0; rc == 0 && k < g->n_output; k++) {
        char path[PATH_MAX];
        int r = rc_data_file(c, dir, "output", k, path, sizeof path);
        if (r < 0)
            rc = -1;
        expected |= r == 1;
    }
    if (rc) {
        rc_inputs_free(&in);
        return rc;
    }
    if (!expected)
        printf("  %s: no expected outputs (output_N.pb/.npy): generated code vs interpreter "
               "only\n",
               dir);
    return check_set(c, g, o, tmp, prog, dir, expected, &in, failed);
}

/* ---- --random: input sets made up from the graph --------------------------------------- */

/* splitmix64: the same seed gives the same inputs on every machine */
static uint64_t rnd_next(uint64_t *s) {
    uint64_t z = (*s += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static int64_t attr_axis(const ir_node *n, int rank) {
    const ir_attr *a = ir_attr_get(n, "axis");
    int64_t ax = a ? a->i : 0;
    return ax < 0 ? ax + rank : ax;
}

/* The values an integer tensor ti may take where node n reads it as input k: narrows
 * [*lo, *hi] and sets *why; ops that only pass values on (Cast, Identity, reshapes) are
 * followed to their readers. */
static void int_range_at(const ir_graph *g, int ti, int depth, int64_t *lo, int64_t *hi,
                         const char **why);
static void narrow(int64_t a, int64_t b, int64_t *lo, int64_t *hi, const char **why,
                   const char *w) {
    if (a > *lo)
        *lo = a;
    if (b < *hi)
        *hi = b;
    *why = w;
}

static void int_range_node(const ir_graph *g, const ir_node *n, int k, int depth, int64_t *lo,
                           int64_t *hi, const char **why) {
    const ir_tensor *x = ir_in(g, n, 0);
    switch (n->op) {
    case RC_OP_GATHER:
    case RC_OP_GATHER_ELEMENTS:
    case RC_OP_SCATTER_ELEMENTS:
    case RC_OP_SCATTER:
        if (k == 1 && x && x->rank > 0) {
            int64_t ax = attr_axis(n, x->rank);
            if (ax >= 0 && ax < x->rank)
                narrow(0, x->dims[ax] - 1, lo, hi, why, "an index into the gathered axis");
        }
        break;
    case RC_OP_GATHER_ND:
    case RC_OP_SCATTER_ND:
        if (k == 1 && x) {
            int64_t m = INT64_MAX;
            for (int d = 0; d < x->rank; d++)
                m = x->dims[d] < m ? x->dims[d] : m;
            if (x->rank > 0)
                narrow(0, m - 1, lo, hi, why, "an index into the data (the smallest axis)");
        }
        break;
    case RC_OP_RNN:
    case RC_OP_LSTM:
    case RC_OP_GRU:
        if (k == 4 && x && x->rank == 3) {
            const ir_attr *a = ir_attr_get(n, "layout");
            narrow(0, x->dims[a && a->i ? 1 : 0], lo, hi, why, "sequence_lens, 0..seq_length");
        }
        break;
    case RC_OP_CAST:
    case RC_OP_IDENTITY:
    case RC_OP_SQUEEZE:
    case RC_OP_UNSQUEEZE:
    case RC_OP_RESHAPE:
    case RC_OP_FLATTEN:
        if (k == 0 && n->out[0] >= 0 && ir_dtype_is_int(g->t[n->out[0]].dtype))
            int_range_at(g, n->out[0], depth + 1, lo, hi, why);
        break;
    default:
        break;
    }
}

static void int_range_at(const ir_graph *g, int ti, int depth, int64_t *lo, int64_t *hi,
                         const char **why) {
    if (depth > 8)
        return;
    for (int i = 0; i < g->n_node; i++)
        for (int k = 0; k < g->node[i].n_in; k++)
            if (g->node[i].in[k] == ti)
                int_range_node(g, &g->node[i], k, depth, lo, hi, why);
}

/* Graph input i for --random: floats uniform in [-1, 1]; bool 0/1; integers in the range
 * their readers accept (indices within the indexed axis, sequence_lens in 0..seq_length),
 * else 1..4 (small, and never 0 as a divisor could be), always within the dtype. */
static int random_input(rc_ctx *c, const ir_graph *g, int i, uint64_t *st, ir_tensor *t,
                        int verbose) {
    const ir_tensor *gt = &g->t[g->input[i]];
    int64_t n = ir_numel(gt), lo = 1, hi = 4;
    const char *why = "no reader constrains it: 1..4";
    memset(t, 0, sizeof *t);
    t->name = rc_xstrdup(gt->name);
    t->dtype = gt->dtype;
    t->rank = gt->rank;
    memcpy(t->dims, gt->dims, sizeof t->dims);
    if (!ir_dtype_size(gt->dtype))
        return rc_err(c, NULL, "--random", "graph input '%s' has dtype %s, which has no values",
                      rc_show(gt->name), ir_dtype_name(gt->dtype));
    t->data = rc_xcalloc((size_t)n + 1, ir_dtype_size(gt->dtype));
    if (ir_dtype_is_int(gt->dtype)) {
        int64_t tmax = gt->dtype == IR_INT8     ? INT8_MAX
                       : gt->dtype == IR_UINT8  ? UINT8_MAX
                       : gt->dtype == IR_INT16  ? INT16_MAX
                       : gt->dtype == IR_UINT16 ? UINT16_MAX
                                                : INT32_MAX;
        lo = INT64_MIN, hi = INT64_MAX, why = NULL;
        int_range_at(g, g->input[i], 0, &lo, &hi, &why);
        if (!why)
            lo = 1, hi = 4, why = "no reader constrains it: 1..4";
        hi = hi < tmax ? hi : tmax;
        if (lo > hi)
            return rc_err(c, NULL, "--random",
                          "graph input '%s' (%s) has no valid value (range %" PRId64 "..%" PRId64
                          "); give a data set instead",
                          rc_show(gt->name), why, lo, hi);
    }
    if (verbose) {
        char sh[256];
        ir_shape_str(gt, sh, sizeof sh);
        if (ir_dtype_is_int(gt->dtype))
            fprintf(stderr, "rnnc: --random input %d '%s' %s: %" PRId64 "..%" PRId64 " (%s)\n", i,
                    rc_show(gt->name), sh, lo, hi, why);
        else
            fprintf(stderr, "rnnc: --random input %d '%s' %s: %s\n", i, rc_show(gt->name), sh,
                    gt->dtype == IR_BOOL ? "0/1" : "uniform in [-1, 1]");
    }
    for (int64_t e = 0; e < n; e++) {
        uint64_t r = rnd_next(st);
        if (gt->dtype == IR_BOOL)
            ((uint8_t *)t->data)[e] = (uint8_t)(r >> 63);
        else if (ir_dtype_is_int(gt->dtype))
            ir_put(gt->dtype, t->data, e, (double)(lo + (int64_t)(r % (uint64_t)(hi - lo + 1))));
        else
            ir_put(gt->dtype, t->data, e, (double)(r >> 11) * (2.0 / 9007199254740992.0) - 1.0);
    }
    return 0;
}

int rc_check(rc_ctx *c, const ir_graph *g, const char *const *dirs, int n_dirs,
             const rc_check_opts *o) {
    char tmp[PATH_MAX], prog[PATH_MAX];
    int failed = 0, rc = -1;
    for (int i = 0; o->em->step && i < g->n_input; i++) {
        const ir_graph *st = o->em->step;
        int a = g->in_time[i];
        if (a >= 0 && g->t[g->input[i]].dims[a] % st->t[st->input[i]].dims[a])
            return rc_err(c, NULL, "--chunk",
                          "the sequence length %" PRId64 " of the data is not a multiple of the "
                          "chunk %" PRId64,
                          g->t[g->input[i]].dims[a], st->t[st->input[i]].dims[a]);
    }
    snprintf(tmp, sizeof tmp, "%s/rnnc-check-XXXXXX", env_or("TMPDIR", "/tmp"));
    if (!mkdtemp(tmp))
        return rc_err(c, NULL, "check", "cannot create a temporary directory: %s", strerror(errno));
    if (build(c, g, o, tmp, prog, sizeof prog))
        goto done;
    printf("check %s (atol %g, rtol %g; pass if |got - expected| <= atol + rtol*|expected|)%s\n",
           g->model_path, o->atol, o->rtol,
           o->em->step && o->em->step_only
               ? "\n  --step-only: 'generated' is NAME_step over each sequence, chunk by chunk"
               : "");
    for (int d = 0; d < n_dirs; d++)
        if (check_dir(c, g, o, tmp, prog, dirs[d], &failed))
            goto done;
    if (o->random_runs > 0) {
        uint64_t st = o->seed;
        printf("  --random: %d input sets from seed %" PRIu64
               ", generated code vs interpreter only\n",
               o->random_runs, o->seed);
        for (int r = 0; r < o->random_runs; r++) {
            rc_inputs in = {0};
            char label[64];
            int e = 0;
            in.n = g->n_input;
            in.t = rc_xcalloc((size_t)g->n_input + 1, sizeof(ir_tensor));
            for (int i = 0; e == 0 && i < g->n_input; i++)
                e = random_input(c, g, i, &st, &in.t[i], o->verbose && r == 0);
            snprintf(label, sizeof label, "random set %d", r);
            if (e)
                rc_inputs_free(&in);
            if (e || check_set(c, g, o, tmp, prog, label, 0, &in, &failed))
                goto done;
        }
    }
    printf("%s\n", failed ? "FAIL" : "PASS");
    rc = failed ? 1 : 0;
done:
    if (!o->keep)
        rm_tmp(tmp, o->em->name);
    else
        fprintf(stderr, "rnnc: kept %s\n", tmp);
    return rc;
}

/* ---- rnnc info: measured footprint ------------------------------------- */

/* The binutils `size` that goes with compiler cc ("arm-none-eabi-gcc" ->
 * "arm-none-eabi-size", "cc"/"gcc"/"clang" -> "size"). */
static void size_tool(const char *cc, char *out, size_t n) {
    const char *base = strrchr(cc, '/') ? strrchr(cc, '/') + 1 : cc;
    const char *dash = strrchr(base, '-');
    if (dash && strstr(dash, "gcc"))
        snprintf(out, n, "%.*ssize", (int)(dash + 1 - cc), cc);
    else
        snprintf(out, n, "size");
}

/* Sums `size -A` of obj: flash = .text* + .rodata* + .data*, ram = .data* + .bss*. */
static int read_sizes(rc_ctx *c, const char *tool, const char *obj, long *flash, long *ram) {
    char cmd[PATH_MAX * 2], line[512];
    FILE *p;
    *flash = *ram = 0;
    snprintf(cmd, sizeof cmd, "'%s' -A '%s'", tool, obj);
    p = popen(cmd, "r");
    if (!p)
        return rc_err(c, NULL, "info", "cannot run '%s'", tool);
    while (fgets(line, sizeof line, p)) {
        char sec[256];
        long sz;
        if (sscanf(line, "%255s %ld", sec, &sz) != 2)
            continue;
        if (!strncmp(sec, ".text", 5) || !strncmp(sec, ".rodata", 7))
            *flash += sz;
        else if (!strncmp(sec, ".data", 5))
            *flash += sz, *ram += sz;
        else if (!strncmp(sec, ".bss", 4))
            *ram += sz;
    }
    if (pclose(p) != 0)
        return rc_err(c, NULL, "info", "'%s -A %s' failed", tool, obj);
    return 0;
}

/* One line of gcc's -fstack-usage output, "file:line:col:function<TAB>bytes<TAB>kind":
 * the function's name and its frame in bytes; 0 for a line without a tab. */
static int su_line(char *line, const char **fn, long *bytes) {
    char *tab = strchr(line, '\t');
    if (!tab)
        return 0;
    *tab = 0;
    *fn = strrchr(line, ':') ? strrchr(line, ':') + 1 : line;
    *bytes = strtol(tab + 1, NULL, 10);
    return 1;
}

/* Stack of the deepest path: an entry point's frame plus its largest node
 * function's (those the compiler did not inline), from gcc's -fstack-usage. */
static long read_stack(const char *su, const char *name) {
    char line[1024], run[128], step[128];
    long f_run = 0, f_step = 0, n_run = 0, n_step = 0;
    FILE *f = fopen(su, "r");
    snprintf(run, sizeof run, "%s_node", name);
    snprintf(step, sizeof step, "%s_step_node", name);
    if (!f)
        return -1;
    while (fgets(line, sizeof line, f)) {
        const char *fn;
        long bytes;
        if (!su_line(line, &fn, &bytes))
            continue;
        if (!strncmp(fn, step, strlen(step)))
            n_step = bytes > n_step ? bytes : n_step;
        else if (!strncmp(fn, run, strlen(run)))
            n_run = bytes > n_run ? bytes : n_run;
        else if (!strncmp(fn, name, strlen(name)) && !strcmp(fn + strlen(name), "_run"))
            f_run = bytes;
        else if (!strncmp(fn, name, strlen(name)) && !strcmp(fn + strlen(name), "_step"))
            f_step = bytes;
    }
    fclose(f);
    return f_run + n_run > f_step + n_step ? f_run + n_run : f_step + n_step;
}

/* The runtime kernels' source, embedded at build time (rt_kernels_src.c). */
extern const unsigned char rc_rt_kernels_src[];
extern const unsigned long rc_rt_kernels_len;

/* Deepest stack below a runtime kernel entry point the generated code calls: the largest
 * frame of the entry points named in `gen` plus the largest frame of the file's internal
 * functions (those the compiler did not inline; at most one is active below an entry
 * point), from -fstack-usage of runtime/src/rnnrt_kernels.c built like the generated code. */
static long kernel_stack(const char *su, const char *gen) {
    char line[1024];
    long entry = 0, inner = 0;
    FILE *f = fopen(su, "r");
    if (!f)
        return -1;
    while (fgets(line, sizeof line, f)) {
        const char *fn;
        char call[160];
        long bytes;
        if (!su_line(line, &fn, &bytes))
            continue;
        snprintf(call, sizeof call, "%s(", fn);
        if (!strncmp(fn, "rnnrt_", 6)) {
            if (strstr(gen, call) && bytes > entry)
                entry = bytes;
        } else if (bytes > inner) {
            inner = bytes;
        }
    }
    fclose(f);
    return entry ? entry + inner : 0;
}

/* Runs `argv` (ending in "-c", NULL slots for source and object) on src -> obj. */
static int compile_one(char **argv, int argc, const char *src, const char *obj) {
    argv[argc] = (char *)src;
    argv[argc + 2] = (char *)obj;
    argv[argc + 3] = NULL;
    return run_argv(argv);
}

int rc_footprint(rc_ctx *c, const ir_graph *g, const em_opts *o, const char *cc,
                 rc_footprint_t *fp) {
    char tmp[PATH_MAX], src[PATH_MAX], obj[PATH_MAX], su[PATH_MAX], inc[PATH_MAX + 2],
        rtinc[PATH_MAX + 2], rt_inc[PATH_MAX], rt_lib[PATH_MAX], tool[PATH_MAX],
        ksrc[PATH_MAX + 32], kobj[PATH_MAX + 32], ksu[PATH_MAX + 32];
    char *argv[64], *words;
    int argc = 0, st, rc = -1;
    long ram;
    snprintf(tmp, sizeof tmp, "%s/rnnc-info-XXXXXX", env_or("TMPDIR", "/tmp"));
    if (!mkdtemp(tmp))
        return rc_err(c, NULL, "info", "cannot create a temporary directory: %s", strerror(errno));
    words = rc_xstrdup(cc);
    if (rc_compile_to(c, g, o, tmp))
        goto done;
    snprintf(src, sizeof src, "%s/%s.c", tmp, o->name);
    snprintf(obj, sizeof obj, "%s/%s.o", tmp, o->name);
    snprintf(su, sizeof su, "%s/%s.su", tmp, o->name);
    snprintf(inc, sizeof inc, "-I%s", tmp);
    runtime_paths(rt_inc, sizeof rt_inc, rt_lib, sizeof rt_lib);
    snprintf(rtinc, sizeof rtinc, "-I%s", rt_inc);
    for (char *tok = strtok(words, " "); tok && argc < 50; tok = strtok(NULL, " "))
        argv[argc++] = tok;
    if (!argc) {
        rc_err(c, NULL, "--cc", "is empty");
        goto done;
    }
    size_tool(argv[0], tool, sizeof tool);
    argv[argc++] = "-std=c99";
    argv[argc++] = "-ffunction-sections";
    argv[argc++] = "-fdata-sections";
    argv[argc++] = "-fstack-usage";
    /* the metadata functions are for callers from other languages: an embedded image linked
     * with --gc-sections drops them, so they are not counted */
    argv[argc++] = "-DRNNC_NO_METADATA";
    argv[argc++] = inc;
    argv[argc++] = rtinc;
    argv[argc++] = "-c";
    argv[argc + 1] = "-o";
    if ((st = compile_one(argv, argc, src, obj)) != 0) {
        rc_err(c, NULL, "info", "'%s' could not compile the generated code (exit %d)", cc, st);
        goto done;
    }
    if (read_sizes(c, tool, obj, &fp->flash, &ram))
        goto done;
    fp->stack = read_stack(su, o->name);
    {
        /* a kernel of the runtime runs on top of the node function that calls it */
        size_t glen;
        int gerr;
        char *gen = (char *)rc_read_file(src, &glen, &gerr);
        if (gen) {
            gen = rc_xrealloc(gen, glen + 1);
            gen[glen] = 0;
        }
        if (gen && strstr(gen, "rnnrt_") && fp->stack >= 0) {
            FILE *k;
            long ks = -1;
            snprintf(ksrc, sizeof ksrc, "%s/rnnrt_kernels.c", tmp);
            snprintf(kobj, sizeof kobj, "%s/rnnrt_kernels.o", tmp);
            snprintf(ksu, sizeof ksu, "%s/rnnrt_kernels.su", tmp);
            k = fopen(ksrc, "wb");
            if (k && fwrite(rc_rt_kernels_src, 1, rc_rt_kernels_len, k) == rc_rt_kernels_len &&
                fclose(k) == 0 && compile_one(argv, argc, ksrc, kobj) == 0)
                ks = kernel_stack(ksu, gen);
            else if (k)
                fclose(k);
            fp->stack = ks < 0 ? -1 : fp->stack + ks;
            unlink(ksrc);
            unlink(kobj);
            unlink(ksu);
        }
        free(gen);
    }
    rc = 0;
done:
    free(words);
    unlink(obj);
    unlink(su);
    rm_tmp(tmp, o->name);
    return rc;
}
