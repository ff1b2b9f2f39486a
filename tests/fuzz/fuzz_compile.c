/*
 * fuzz_compile.c - libFuzzer target over rnnc's front end and emitter: the input bytes are an
 * ONNX model; load -> bind -> verify -> check + fold (which runs the reference interpreter on
 * constant subgraphs) -> dead-node removal -> verify -> emit under --unroll auto, none and
 * full, --stream with chunks of 1 and 2, then (for small models) the reference interpreter
 * on made-up inputs. Everything
 * stays in memory (no files).
 *
 * What counts as a bug: a crash, a sanitizer report, a leak, a timeout, or breaking the
 * contract that a rejected model leaves an error message (c.failed set, message non-empty)
 * and an accepted one emits a header and a source. Built and run by tests/fuzz/run.sh.
 */
#include "driver.h"
#include "emit.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* abort() is what libFuzzer reports as a crash, with the input saved */
static void require(int ok, const char *what, const rc_ctx *c) {
    if (!ok) {
        fprintf(stderr, "fuzz_compile: contract broken: %s (message: '%s')\n", what, c->msg);
        abort();
    }
}

/* NAME.h and NAME.c for g (and its step graph, with --stream), or a message */
static void emit_checked(const ir_graph *g, const ir_graph *step, rc_unroll mode) {
    rc_ctx ce = {0};
    em_opts o = {"net", mode, "rnnc compile fuzz.onnx", step, 0.0};
    em_result r = {0};
    ce.file = "fuzz.onnx";
    if (em_generate(&ce, g, step, &o, &r) == 0)
        require(!ce.failed && r.header.len > 0 && r.source.len > 0, "empty output", &ce);
    else
        require(ce.failed && ce.msg[0] != 0, "emit failed without a message", &ce);
    em_result_free(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const rc_unroll modes[] = {RC_UNROLL_AUTO, RC_UNROLL_NONE, RC_UNROLL_FULL};
    rc_ctx c = {0};
    ir_graph *g;
    rc_inputs in = {0}, out = {0};
    double flops = 0, bytes = 0;
    /* well below libFuzzer's -rss_limit_mb (2048) under ASan: larger tensors are refused */
    c.max_bytes = (size_t)64 << 20;
    g = rc_front_bytes(&c, "fuzz.onnx", data, size, NULL);
    if (!g) {
        require(c.failed && c.msg[0] != 0, "model rejected without a message", &c);
        return 0;
    }
    require(!c.failed, "model accepted with an error recorded", &c);
    for (size_t u = 0; u < sizeof modes / sizeof modes[0]; u++)
        emit_checked(g, NULL, modes[u]);
    /* --stream with chunks of 1 and 2 steps: the time-axis analysis, the step graph and its
     * emission (a model that is not streamable is refused with a message) */
    for (int chunk = 1; chunk <= 2; chunk++) {
        rc_ctx cs = {0};
        ir_graph *s;
        cs.max_bytes = c.max_bytes;
        cs.file = "fuzz.onnx";
        s = rc_stream_graph_bytes(&cs, g, chunk, data, size);
        if (!s) {
            require(cs.failed && cs.msg[0] != 0, "--stream refused without a message", &cs);
            break;
        }
        emit_checked(g, s, RC_UNROLL_AUTO);
        ir_free(s);
    }
    /* the interpreter on inputs made up from a fixed pattern (integer inputs: small values,
     * -1 and out-of-range ones included, which must be errors, not crashes), when the model
     * is small enough to run in a few milliseconds */
    flops = rc_graph_flops(g);
    for (int i = 0; i < g->n_input; i++)
        bytes += (double)ir_numel(&g->t[g->input[i]]) * 8.0;
    if (flops < 2e6 && bytes < 1e6) {
        in.n = g->n_input;
        in.t = calloc((size_t)g->n_input + 1, sizeof(ir_tensor));
        for (int i = 0; i < g->n_input; i++) {
            const ir_tensor *t = &g->t[g->input[i]];
            const int64_t n = ir_numel(t);
            in.t[i].data = calloc((size_t)n + 1, 8);
            for (int64_t k = 0; k < n; k++) {
                if (t->dtype == IR_FLOAT)
                    ((float *)in.t[i].data)[k] = (float)((k * 7) % 13 - 6) * 0.1f;
                else if (t->dtype == IR_INT64)
                    ((int64_t *)in.t[i].data)[k] = k % 5 - 1;
                else if (t->dtype == IR_INT32)
                    ((int32_t *)in.t[i].data)[k] = (int32_t)(k % 5 - 1);
            }
        }
        {
            rc_ctx ci = {0};
            ci.file = "fuzz.onnx";
            if (rc_run_interp(&ci, g, &in, &out) != 0)
                require(ci.failed && ci.msg[0] != 0, "interpreter failed without a message", &ci);
        }
        for (int i = 0; i < in.n; i++)
            free(in.t[i].data);
        free(in.t);
        rc_inputs_free(&out);
    }
    ir_free(g);
    return 0;
}
