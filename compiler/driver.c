/* driver.c — the commands behind the CLI: compile output, reading inputs, run and info (the
 * pass pipeline is passes.c, the streaming analysis stream.c, check check.c). */
#define _POSIX_C_SOURCE 200809L
#include "driver.h"

#include "load.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int rc_mkdirs(rc_ctx *c, const char *dir) {
    char path[PATH_MAX];
    struct stat st;
    if (strlen(dir) >= sizeof path)
        return rc_err(c, NULL, "output directory", "path too long");
    snprintf(path, sizeof path, "%s", dir);
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = 0;
        if (mkdir(path, 0777) != 0 && errno != EEXIST)
            return rc_err(c, NULL, "output directory", "cannot create '%s': %s", path,
                          strerror(errno));
        *p = '/';
    }
    if (mkdir(path, 0777) != 0 && errno != EEXIST)
        return rc_err(c, NULL, "output directory", "cannot create '%s': %s", path, strerror(errno));
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
        return rc_err(c, NULL, "output directory", "'%s' is not a directory", path);
    return 0;
}

/* Writes buf to a temporary file in dir and renames it to dir/name, so an
 * interrupted or failed compile never leaves a partial file behind. */
static int write_atomic(rc_ctx *c, const char *dir, const char *name, const rc_buf *buf,
                        char *tmp_out, size_t tmp_n) {
    char tmp[PATH_MAX];
    int fd;
    FILE *f;
    snprintf(tmp, sizeof tmp, "%s/.%s.XXXXXX", dir, name);
    fd = mkstemp(tmp);
    if (fd < 0)
        return rc_err(c, NULL, "output", "cannot create a file in '%s': %s", dir, strerror(errno));
    f = fdopen(fd, "wb");
    if (!f || fwrite(buf->p, 1, buf->len, f) != buf->len || fflush(f) != 0) {
        int e = errno;
        if (f)
            fclose(f);
        else
            close(fd);
        unlink(tmp);
        return rc_err(c, NULL, "output", "cannot write '%s/%s': %s", dir, name, strerror(e));
    }
    {
        /* mkstemp creates 0600; generated files get the usual 0666 & ~umask */
        mode_t um = umask(0);
        umask(um);
        if (fchmod(fd, 0666 & ~um) != 0) {
            int e = errno;
            fclose(f);
            unlink(tmp);
            return rc_err(c, NULL, "output", "cannot set the mode of '%s': %s", tmp, strerror(e));
        }
    }
    if (fclose(f) != 0) {
        int e = errno;
        unlink(tmp);
        return rc_err(c, NULL, "output", "cannot write '%s/%s': %s", dir, name, strerror(e));
    }
    snprintf(tmp_out, tmp_n, "%s", tmp);
    return 0;
}

static int same_file(const char *a, const char *b) {
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

int rc_compile_to(rc_ctx *c, const ir_graph *g, const em_opts *o, const char *dir) {
    em_result r;
    char hname[128], cname[128], htmp[PATH_MAX], ctmp[PATH_MAX], hpath[PATH_MAX], cpath[PATH_MAX];
    int rc = -1;
    if (em_generate(c, g, o->step, o, &r))
        return -1;
    snprintf(hname, sizeof hname, "%s.h", o->name);
    snprintf(cname, sizeof cname, "%s.c", o->name);
    snprintf(hpath, sizeof hpath, "%s/%s", dir, hname);
    snprintf(cpath, sizeof cpath, "%s/%s", dir, cname);
    if (same_file(hpath, g->model_path) || same_file(cpath, g->model_path)) {
        rc_err(c, NULL, "output", "refusing to overwrite the input model '%s'", g->model_path);
        goto done;
    }
    if (rc_mkdirs(c, dir))
        goto done;
    if (write_atomic(c, dir, hname, &r.header, htmp, sizeof htmp))
        goto done;
    if (write_atomic(c, dir, cname, &r.source, ctmp, sizeof ctmp)) {
        unlink(htmp);
        goto done;
    }
    if (rename(htmp, hpath) != 0 || rename(ctmp, cpath) != 0) {
        rc_err(c, NULL, "output", "cannot rename into '%s': %s", dir, strerror(errno));
        unlink(htmp);
        unlink(ctmp);
        goto done;
    }
    rc = 0;
done:
    em_result_free(&r);
    return rc;
}

int rc_data_file(rc_ctx *c, const char *dir, const char *stem, int n, char *path, size_t size) {
    char npy[PATH_MAX];
    int pb_ok, npy_ok;
    snprintf(path, size, "%s/%s_%d.pb", dir, stem, n);
    snprintf(npy, sizeof npy, "%s/%s_%d.npy", dir, stem, n);
    pb_ok = access(path, F_OK) == 0;
    npy_ok = access(npy, F_OK) == 0;
    if (pb_ok && npy_ok)
        return rc_err(c, NULL, "data set",
                      "both '%s' and '%s' exist: keep one (which is meant is not guessed)", path,
                      npy);
    if (npy_ok)
        snprintf(path, size, "%s", npy);
    return pb_ok || npy_ok;
}

/* One element as text: floats with the digits that read back to the same value. */
static void print_elem(FILE *f, int dtype, const void *p, int64_t i) {
    if (dtype == IR_BOOL)
        fputs(((const uint8_t *)p)[i] ? "True" : "False", f);
    else if (dtype == IR_INT64)
        fprintf(f, "%" PRId64, ((const int64_t *)p)[i]);
    else if (dtype == IR_UINT64)
        fprintf(f, "%" PRIu64, ((const uint64_t *)p)[i]);
    else if (ir_dtype_is_int(dtype))
        fprintf(f, "%.0f", ir_get(dtype, p, i));
    else
        fprintf(f, "%.*g",
                dtype == IR_DOUBLE  ? 17
                : dtype == IR_FLOAT ? 9
                                    : 5,
                ir_get(dtype, p, i));
}

/* Axis `ax` of t from element offset `off`: nested brackets as numpy prints them. */
static void print_axis(FILE *f, const ir_tensor *t, int ax, int64_t off, int summarise,
                       int indent) {
    int64_t n = t->dims[ax], stride = 1;
    for (int k = ax + 1; k < t->rank; k++)
        stride *= t->dims[k];
    fputc('[', f);
    for (int64_t i = 0; i < n; i++) {
        if (summarise && n > 6 && i == 3) {
            fputs(ax == t->rank - 1 ? "..., " : "...,\n", f);
            if (ax != t->rank - 1)
                fprintf(f, "%*s", indent + 1, "");
            i = n - 3;
        }
        if (ax == t->rank - 1)
            print_elem(f, t->dtype, t->data, off + i);
        else
            print_axis(f, t, ax + 1, off + i * stride, summarise, indent + 1);
        if (i + 1 < n) {
            if (ax == t->rank - 1)
                fputs(", ", f);
            else
                fprintf(f, ",\n%*s", indent + 1, "");
        }
    }
    fputc(']', f);
}

void rc_print_tensor(FILE *f, const char *label, const ir_tensor *t) {
    char shape[256];
    ir_shape_str(t, shape, sizeof shape);
    fprintf(f, "%s: %s\n", label, shape);
    if (t->rank == 0)
        print_elem(f, t->dtype, t->data, 0);
    else if (ir_numel(t) == 0)
        fputs("[]", f);
    else
        print_axis(f, t, 0, 0, ir_numel(t) > 1000, 0);
    fputc('\n', f);
}

void rc_inputs_free(rc_inputs *in) {
    for (int i = 0; i < in->n; i++)
        rc_tensor_clear(&in->t[i]);
    free(in->t);
    in->t = NULL;
    in->n = 0;
}

int rc_read_inputs(rc_ctx *c, const ir_graph *g, const char *const *files, int n_files,
                   const char *dir, rc_inputs *in) {
    char path[PATH_MAX];
    /* files in declared-input order; --input may also list only the inputs left unbound */
    int all = dir || n_files == g->n_decl_input, j = 0;
    in->n = g->n_input;
    in->t = rc_xcalloc((size_t)g->n_input + 1, sizeof(ir_tensor));
    if (!all && n_files != g->n_input)
        return rc_err(c, NULL, "inputs", "the graph has %d inputs, %d files were given", g->n_input,
                      n_files);
    for (int i = 0; i < g->n_decl_input; i++) {
        const ir_tensor *gt = &g->t[g->decl_input[i]];
        ir_tensor bound = {0}, *t = gt->is_bound ? &bound : &in->t[j];
        if (gt->is_bound && !all)
            continue;
        if (dir) {
            if (rc_data_file(c, dir, "input", i, path, sizeof path) < 0)
                return -1;
        } else
            snprintf(path, sizeof path, "%s", files[all ? i : j]);
        if (rc_load_tensor_file(c, path, t))
            return -1;
        if (gt->is_bound) {
            /* the data must hold the value the input was bound to (the model's value of a
             * weight --weights rounded) */
            const void *val =
                gt->quant && gt->quant->orig ? (const void *)gt->quant->orig : gt->data;
            int same = ir_same_type(t, gt) &&
                       memcmp(t->data, val, (size_t)ir_numel(gt) * ir_dtype_size(gt->dtype)) == 0;
            rc_tensor_clear(&bound);
            if (!same)
                return rc_err(c, NULL, path, "differs from the value graph input '%s' is bound to",
                              rc_show(gt->name));
            continue;
        }
        j++;
        rc_tensor_data_for(t, gt->dtype);
        if (!ir_same_type(t, gt)) {
            char a[256], b[256];
            ir_shape_str(t, a, sizeof a);
            ir_shape_str(gt, b, sizeof b);
            return rc_err(c, NULL, path, "holds %s, but graph input %d '%s' is %s", a, i,
                          rc_show(gt->name), b);
        }
    }
    return 0;
}

int rc_run_interp(rc_ctx *c, const ir_graph *g, const rc_inputs *in, rc_inputs *out) {
    rc_values v = {0};
    void **ptrs = rc_xcalloc((size_t)g->n_input + 1, sizeof(void *));
    int rc;
    for (int i = 0; i < in->n; i++)
        ptrs[i] = in->t[i].data;
    rc = rc_interp_run(c, g, ptrs, &v);
    free(ptrs);
    out->n = 0;
    out->t = NULL;
    if (rc == 0) {
        out->n = g->n_output;
        out->t = rc_xcalloc((size_t)g->n_output + 1, sizeof(ir_tensor));
        for (int k = 0; k < g->n_output; k++) {
            const ir_tensor *gt = &g->t[g->output[k]];
            size_t bytes = (size_t)ir_numel(gt) * ir_dtype_size(gt->dtype);
            ir_tensor *t = &out->t[k];
            t->name = rc_xstrdup(gt->name);
            t->dtype = gt->dtype;
            t->rank = gt->rank;
            memcpy(t->dims, gt->dims, sizeof t->dims);
            t->data = rc_xmalloc(bytes);
            memcpy(t->data, v.data[g->output[k]], bytes);
        }
    }
    rc_values_free(&v);
    return rc;
}

double rc_graph_flops(const ir_graph *g) {
    double flops = 0;
    for (int i = 0; i < g->n_node; i++)
        flops += rc_op_defs[g->node[i].op]->flops(g, &g->node[i]);
    return flops;
}

/* "input I:  'x' float[seq][4]  symbolic: seq" -- a bound symbolic dim as seq=N. */
static void print_inputs(const ir_graph *g) {
    char shp[256];
    for (int i = 0; i < g->n_input; i++) {
        const ir_tensor *t = &g->t[g->input[i]];
        int sym = 0;
        ir_shape_str(t, shp, sizeof shp);
        printf("input %d:  '%s' %s", i, rc_show(t->name), shp);
        for (int d = 0; d < t->rank; d++) {
            if (!t->dim_param[d])
                continue;
            printf("%s%s", sym++ ? ", " : "  symbolic: ",
                   t->dim_param[d][0] ? rc_show(t->dim_param[d]) : "(unnamed)");
            if (t->dims[d] >= 0)
                printf("=%" PRId64, t->dims[d]);
        }
        printf("\n");
    }
}

/* The model's inputs and outputs as declared, symbolic dims by name. */
static void print_signature(const ir_graph *g) {
    char shp[256];
    print_inputs(g);
    for (int i = 0; i < g->n_output; i++) {
        const ir_tensor *t = &g->t[g->output[i]];
        ir_tensor d = *t;
        d.rank = t->decl_rank;
        for (int k = 0; k < t->decl_rank; k++)
            d.dims[k] = t->decl_dims[k];
        d.dtype = t->decl_dtype;
        memset(d.dim_param, 0, sizeof d.dim_param);
        ir_shape_str(&d, shp, sizeof shp);
        printf("output %d: '%s' %s (declared)\n", i, rc_show(t->name), shp);
    }
}

/* The nodes by op type in order of first use, with counts; ops rnnc does not implement
 * marked. One pass over the nodes, each looked up among the distinct types seen so far (few,
 * even in a graph of a million nodes). */
static void print_op_counts(const ir_graph *g) {
    int *first = rc_xcalloc((size_t)g->n_node + 1, sizeof(int));
    int *count = rc_xcalloc((size_t)g->n_node + 1, sizeof(int));
    int n = 0;
    for (int i = 0; i < g->n_node; i++) {
        const ir_node *nd = &g->node[i];
        int k = 0;
        while (k < n && !(strcmp(g->node[first[k]].op_type, nd->op_type) == 0 &&
                          strcmp(g->node[first[k]].domain, nd->domain) == 0))
            k++;
        if (k == n)
            first[n++] = i;
        count[k]++;
    }
    printf("ops:     ");
    for (int k = 0; k < n; k++) {
        const ir_node *nd = &g->node[first[k]];
        printf("%s %s%s%s%s x%d%s", k ? "," : "", rc_show(nd->op_type),
               nd->domain[0] ? " (domain '" : "", rc_show(nd->domain), nd->domain[0] ? "')" : "",
               count[k], nd->op == RC_OP_NONE ? " (not supported)" : "");
    }
    printf("\n");
    free(first);
    free(count);
}

int rc_info_unbound(rc_ctx *c, const char *model) {
    ir_graph *g;
    c->keep_unknown_ops = 1;
    g = rc_load_model(c, model);
    if (!g)
        return -1;
    printf("model:    %s\n", rc_show(g->model_path));
    print_signature(g);
    print_op_counts(g);
    ir_free(g);
    return 0;
}

/* "LABEL (CC): flash ... RAM ..." for the generated code compiled by cc. */
static int print_footprint(rc_ctx *c, const ir_graph *g, const em_opts *o, const char *cc,
                           const em_result *r, const char *label) {
    rc_footprint_t fp = {0, -1};
    if (rc_footprint(c, g, o, cc, &fp))
        return -1;
    printf("%s (%s): flash %ld bytes (code %ld, weights %zu), RAM %ld bytes (context %zu, stack "
           "%ld)\n",
           label, cc, fp.flash, fp.flash - (long)r->const_bytes, r->const_bytes,
           (long)r->ctx_bytes + (fp.stack > 0 ? fp.stack : 0), r->ctx_bytes, fp.stack);
    return 0;
}

/* info --stream / --step-only: what one NAME_step call costs, and what a build of the step
 * API alone (--step-only) needs: its context does not grow with the sequence length. */
static int info_stream(rc_ctx *c, const ir_graph *g, const em_opts *o, const char *cc) {
    em_opts so = *o;
    em_result r;
    int64_t K = 1, T = 1;
    double flops = rc_graph_flops(o->step);
    for (int i = 0; i < g->n_input; i++)
        if (g->in_time && g->in_time[i] >= 0) {
            K = o->step->t[o->step->input[i]].dims[g->in_time[i]];
            T = g->t[g->input[i]].dims[g->in_time[i]];
        }
    printf("per step: %" PRId64 " time step%s per %s_step call; flops per call %.0f (per time step "
           "%.0f)",
           K, K == 1 ? "" : "s", o->name, flops, flops / (double)K);
    if (o->step_only) { /* the lines above describe the step API already */
        printf("\n");
        return 0;
    }
    printf("; %s_run over %" PRId64 " time steps: %.0f\n", o->name, T, rc_graph_flops(g));
    so.step_only = 1;
    if (em_generate(c, g, o->step, &so, &r))
        return -1;
    printf("step API alone (--step-only): context (RAM) %zu bytes, weights (flash) %zu bytes\n",
           r.ctx_bytes, r.const_bytes);
    if (cc && print_footprint(c, g, &so, cc, &r, "step API alone, footprint")) {
        em_result_free(&r);
        return -1;
    }
    em_result_free(&r);
    return 0;
}

int rc_info(rc_ctx *c, const ir_graph *g, const em_opts *o, const char *cc) {
    em_result r;
    char shp[256];
    double flops;
    int64_t params_const = 0, params_rt = 0;
    printf("model:    %s\n", rc_show(g->model_path));
    printf("graph:    '%s', opset %" PRId64 ", IR version %" PRId64 ", producer '%s'\n",
           rc_show(g->graph_name), g->opset, g->ir_version, rc_show(g->producer));
    print_inputs(g);
    for (int i = 0; i < g->n_output; i++) {
        ir_shape_str(&g->t[g->output[i]], shp, sizeof shp);
        printf("output %d: '%s' %s\n", i, rc_show(g->t[g->output[i]].name), shp);
    }
    flops = rc_graph_flops(g);
    for (int i = 0; i < g->n_node; i++) {
        const ir_node *n = &g->node[i];
        rc_op_defs[n->op]->params(g, n, &params_const, &params_rt);
        printf("node %d:   %s '%s'", i, rc_show(n->op_type), rc_show(n->name));
        if (n->post_act)
            printf(" (+%s fused)", ir_act_name(n->post_act));
        for (int k = 1; k < n->n_in; k++) {
            const ir_tensor *t = ir_in(g, n, k);
            if (!t || t->dtype != IR_FLOAT)
                continue;
            ir_shape_str(t, shp, sizeof shp);
            printf(" %s=%s", rc_show(t->name), shp);
        }
        printf("\n");
    }
    printf("parameters: %" PRId64 " (%" PRId64 " in the model, %" PRId64 " supplied at run time)\n",
           params_const + params_rt, params_const, params_rt);
    printf("flops per inference: %.0f\n", flops);
    if (em_generate(c, g, o->step, o, &r))
        return -1;
    printf("generated code (--unroll %s, --weights %s): context (RAM) %zu bytes, weights (flash) "
           "%zu bytes, source %zu bytes, %s, %s\n",
           em_unroll_name(o->unroll), rc_wprec_name(g->weights), r.ctx_bytes, r.const_bytes,
           r.source.len + r.header.len, r.has_loops ? "with loops" : "straight-line (no loops)",
           r.used_gemm ? "uses the runtime GEMM/GEMV seam" : "no GEMM/GEMV calls");
    rc_info_print_nodes(g, &r);
    if (cc) {
        if (print_footprint(c, g, o, cc, &r, "footprint")) {
            em_result_free(&r);
            return -1;
        }
        printf("  not counted: the C library's memcpy/memset and float math (expf, tanhf, ...)%s\n",
               r.used_gemm ? " and the runtime's GEMM/GEMV (librnnrt)" : "");
    }
    em_result_free(&r);
    return o->step ? info_stream(c, g, o, cc) : 0;
}
