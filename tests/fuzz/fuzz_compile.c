/*
 * fuzz_compile.c - libFuzzer target over rnnc's front end and emitter: the input bytes are an
 * ONNX model; load -> bind -> verify -> check + fold (which runs the reference interpreter on
 * constant subgraphs) -> dead-node removal -> verify -> emit under --unroll auto, none and
 * full. Everything stays in memory (no files).
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const rc_unroll modes[] = {RC_UNROLL_AUTO, RC_UNROLL_NONE, RC_UNROLL_FULL};
    rc_ctx c = {0};
    ir_graph *g;
    /* well below libFuzzer's -rss_limit_mb (2048) under ASan: larger tensors are refused */
    c.max_bytes = (size_t)64 << 20;
    g = rc_front_bytes(&c, "fuzz.onnx", data, size, NULL);
    if (!g) {
        require(c.failed && c.msg[0] != 0, "model rejected without a message", &c);
        return 0;
    }
    require(!c.failed, "model accepted with an error recorded", &c);
    for (size_t u = 0; u < sizeof modes / sizeof modes[0]; u++) {
        rc_ctx ce = {0};
        em_opts o = {"net", modes[u], "rnnc compile fuzz.onnx", NULL, 0.0};
        em_result r = {0};
        ce.file = "fuzz.onnx";
        if (em_generate(&ce, g, NULL, &o, &r) == 0)
            require(!ce.failed && r.header.len > 0 && r.source.len > 0, "empty output", &ce);
        else
            require(ce.failed && ce.msg[0] != 0, "emit failed without a message", &ce);
        em_result_free(&r);
    }
    ir_free(g);
    return 0;
}
