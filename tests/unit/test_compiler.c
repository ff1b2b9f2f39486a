/* test_compiler.c — unit tests of the compiler library (rncore): the ONNX
 * loader, TensorProto files, attribute getters, identifier sanitizing, the
 * comment/string escaper and the reference interpreter against numbers
 * derived by hand. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "attr.h"
#include "driver.h"
#include "emit.h"
#include "interp.h"
#include "ir.h"
#include "load.h"
#include "util.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef RNNC_SOURCE_DIR
#error "define RNNC_SOURCE_DIR"
#endif

#define LSTM_DEFAULTS RNNC_SOURCE_DIR "/testdata/onnx-backend-node/test_lstm_defaults/model.onnx"

static unsigned char *slurp(const char *path, size_t *len)
{
    int e = 0;
    unsigned char *p = rc_read_file(path, len, &e);
    if (!p)
        fail_msg("cannot read %s: %s", path, strerror(e));
    return p;
}

static void assert_msg_has(const rc_ctx *c, const char *want)
{
    if (!strstr(c->msg, want))
        fail_msg("error message lacks '%s': %s", want, c->msg);
}

/* ------------------------------------------------------------------ loader */

static void test_load_valid(void **state)
{
    rc_ctx c = {0};
    size_t len;
    unsigned char *buf = slurp(LSTM_DEFAULTS, &len);
    ir_graph *g;
    const ir_node *n;
    const ir_tensor *t;
    ir_attr *a;
    (void)state;
    c.file = "lstm_defaults.onnx";
    g = rc_load_model_bytes(&c, "lstm_defaults.onnx", buf, len);
    free(buf);
    if (!g)
        fail_msg("load failed: %s", c.msg);
    assert_int_equal(c.failed, 0);
    assert_string_equal(g->model_path, "lstm_defaults.onnx");
    assert_string_equal(g->graph_name, "test_lstm_defaults");
    assert_string_equal(g->producer, "backend-test");
    assert_int_equal(g->opset, 14);
    assert_int_equal(g->ir_version, 7);

    assert_int_equal(g->n_input, 3);
    assert_string_equal(g->t[g->input[0]].name, "X");
    assert_string_equal(g->t[g->input[1]].name, "W");
    assert_string_equal(g->t[g->input[2]].name, "R");
    t = &g->t[g->input[0]];
    assert_int_equal(t->is_input, 1);
    assert_int_equal(t->dtype, IR_FLOAT);
    assert_int_equal(t->rank, 3);
    assert_int_equal(t->dims[0], 1);
    assert_int_equal(t->dims[1], 3);
    assert_int_equal(t->dims[2], 2);
    assert_null(t->data);
    t = &g->t[g->input[1]];
    assert_int_equal(t->rank, 3);
    assert_int_equal(t->dims[0], 1);
    assert_int_equal(t->dims[1], 12);
    assert_int_equal(t->dims[2], 2);
    t = &g->t[g->input[2]];
    assert_int_equal(t->dims[1], 12);
    assert_int_equal(t->dims[2], 3);

    assert_int_equal(g->n_output, 1);
    t = &g->t[g->output[0]];
    assert_string_equal(t->name, "Y_h");
    assert_int_equal(t->is_output, 1);
    assert_int_equal(t->producer, 0);
    assert_int_equal(t->decl_dtype, IR_FLOAT);
    assert_int_equal(t->decl_rank, 3);
    assert_int_equal(t->decl_dims[0], 1);
    assert_int_equal(t->decl_dims[1], 3);
    assert_int_equal(t->decl_dims[2], 3);
    assert_int_equal(ir_find(g, "Y_h"), g->output[0]);
    assert_int_equal(ir_find(g, "no such tensor"), -1);

    assert_int_equal(g->n_node, 1);
    n = &g->node[0];
    assert_string_equal(n->op_type, "LSTM");
    assert_string_equal(n->name, "");
    assert_string_equal(n->domain, "");
    assert_int_equal(n->op, RC_OP_LSTM);
    assert_int_equal(n->n_in, 3);
    assert_int_equal(n->in[0], g->input[0]);
    assert_int_equal(n->in[1], g->input[1]);
    assert_int_equal(n->in[2], g->input[2]);
    assert_int_equal(n->n_out, 2);
    assert_int_equal(n->out[0], -1); /* "" */
    assert_int_equal(n->out[1], g->output[0]);
    assert_int_equal(n->n_attr, 1);
    a = ir_attr_get(n, "hidden_size");
    assert_non_null(a);
    assert_int_equal(a->type, IR_ATTR_INT);
    assert_int_equal(a->i, 3);
    assert_int_equal(a->used, 0);
    assert_null(ir_attr_get(n, "clip"));
    assert_int_equal(ir_verify(&c, g, 0), 0);
    ir_free(g);
}

static void test_load_front_infers_shapes(void **state)
{
    rc_ctx c = {0};
    ir_graph *g;
    const ir_tensor *t;
    (void)state;
    g = rc_front(&c, LSTM_DEFAULTS, 0);
    if (!g)
        fail_msg("rc_front failed: %s", c.msg);
    t = &g->t[g->output[0]];
    assert_int_equal(t->dtype, IR_FLOAT);
    assert_int_equal(t->rank, 3);
    assert_int_equal(t->dims[0], 1);
    assert_int_equal(t->dims[1], 3);
    assert_int_equal(t->dims[2], 3);
    assert_int_equal(ir_attr_get(&g->node[0], "hidden_size")->used, 1);
    ir_free(g);
}

static void test_load_empty(void **state)
{
    rc_ctx c = {0};
    (void)state;
    c.file = "empty.onnx";
    assert_null(rc_load_model_bytes(&c, "empty.onnx", (const unsigned char *)"", 0));
    assert_int_equal(c.failed, 1);
    assert_string_equal(c.msg, "empty.onnx: model: the file is empty");
}

static void test_load_garbage(void **state)
{
    static const unsigned char junk[] = "\x0f\xff\xff\xffthis is not a protobuf message";
    rc_ctx c = {0};
    char want[128];
    (void)state;
    c.file = "junk.onnx";
    assert_null(rc_load_model_bytes(&c, "junk.onnx", junk, sizeof junk - 1));
    snprintf(want, sizeof want,
             "junk.onnx: model: not a valid ONNX model (protobuf parse failed, %zu bytes)",
             sizeof junk - 1);
    assert_string_equal(c.msg, want);
}

static void test_load_truncated(void **state)
{
    rc_ctx c = {0};
    size_t len;
    unsigned char *buf = slurp(LSTM_DEFAULTS, &len);
    (void)state;
    c.file = "cut.onnx";
    /* every prefix that cuts into the graph message must be refused, never crash */
    for (size_t cut = 1; cut < len; cut += 7) {
        ir_graph *g;
        memset(&c, 0, sizeof c);
        c.file = "cut.onnx";
        g = rc_load_model_bytes(&c, "cut.onnx", buf, cut);
        if (g) {
            /* a prefix that ends on a field boundary is a valid (smaller) model;
             * the loader must then still have produced a consistent graph or refused */
            ir_free(g);
            continue;
        }
        assert_int_equal(c.failed, 1);
        assert_true(strncmp(c.msg, "cut.onnx: ", 10) == 0);
    }
    memset(&c, 0, sizeof c);
    c.file = "cut.onnx";
    assert_null(rc_load_model_bytes(&c, "cut.onnx", buf, len / 2));
    assert_msg_has(&c, "cut.onnx: model: not a valid ONNX model (protobuf parse failed");
    free(buf);
}

static void test_load_not_a_model(void **state)
{
    /* a message with only an unknown field parses as an empty ModelProto */
    static const unsigned char unknown_field[] = {0x78, 0x01};
    rc_ctx c = {0};
    (void)state;
    c.file = "t.pb";
    assert_null(rc_load_model_bytes(&c, "t.pb", unknown_field, sizeof unknown_field));
    assert_string_equal(c.msg, "t.pb: model: not an ONNX model: no ir_version, opset_import or graph");
}

static void test_load_missing_file(void **state)
{
    rc_ctx c = {0};
    (void)state;
    c.file = "/nonexistent/dir/model.onnx";
    assert_null(rc_load_model(&c, "/nonexistent/dir/model.onnx"));
    assert_msg_has(&c, "/nonexistent/dir/model.onnx: model: cannot read: ");
}

/* ------------------------------------------------------------- tensor files */

static char *tmp_path(void)
{
    char *p = rc_xstrdup("/tmp/rnnc-unit-XXXXXX");
    int fd = mkstemp(p);
    if (fd < 0)
        fail_msg("mkstemp failed");
    close(fd);
    return p;
}

static void test_tensor_file_float(void **state)
{
    static const uint32_t bits[6] = {0x00000000u, 0x80000000u, 0x7fc12345u,
                                     0x7f800000u, 0x00000001u, 0x3f8ccccdu};
    rc_ctx c = {0};
    ir_tensor t = {0}, u;
    char *path = tmp_path();
    float v[6];
    (void)state;
    memcpy(v, bits, sizeof v);
    t.name = "some_tensor";
    t.dtype = IR_FLOAT;
    t.rank = 2;
    t.dims[0] = 2;
    t.dims[1] = 3;
    t.data = v;
    assert_int_equal(rc_save_tensor_file(&c, path, &t), 0);
    assert_int_equal(rc_load_tensor_file(&c, path, &u), 0);
    assert_int_equal(c.failed, 0);
    assert_string_equal(u.name, "some_tensor");
    assert_int_equal(u.dtype, IR_FLOAT);
    assert_int_equal(u.rank, 2);
    assert_int_equal(u.dims[0], 2);
    assert_int_equal(u.dims[1], 3);
    assert_memory_equal(u.data, bits, sizeof bits); /* NaN payload, -0, denormal kept */
    rc_tensor_clear(&u);
    assert_null(u.data);
    unlink(path);
    free(path);
}

static void test_tensor_file_int32(void **state)
{
    int32_t v[4] = {INT32_MIN, -1, 0, INT32_MAX};
    rc_ctx c = {0};
    ir_tensor t = {0}, u;
    char *path = tmp_path();
    (void)state;
    t.name = "lens";
    t.dtype = IR_INT32;
    t.rank = 1;
    t.dims[0] = 4;
    t.data = v;
    assert_int_equal(rc_save_tensor_file(&c, path, &t), 0);
    assert_int_equal(rc_load_tensor_file(&c, path, &u), 0);
    assert_string_equal(u.name, "lens");
    assert_int_equal(u.dtype, IR_INT32);
    assert_int_equal(u.rank, 1);
    assert_int_equal(u.dims[0], 4);
    assert_memory_equal(u.data, v, sizeof v);
    rc_tensor_clear(&u);
    unlink(path);
    free(path);
}

static void test_tensor_file_scalar_and_empty_name(void **state)
{
    float v = 2.5f;
    rc_ctx c = {0};
    ir_tensor t = {0}, u;
    char *path = tmp_path();
    (void)state;
    t.dtype = IR_FLOAT;
    t.rank = 0;
    t.data = &v;
    assert_int_equal(rc_save_tensor_file(&c, path, &t), 0);
    assert_int_equal(rc_load_tensor_file(&c, path, &u), 0);
    assert_string_equal(u.name, "");
    assert_int_equal(u.rank, 0);
    assert_true(*(float *)u.data == 2.5f);
    rc_tensor_clear(&u);
    unlink(path);
    free(path);
}

static void test_tensor_file_errors(void **state)
{
    rc_ctx c = {0};
    ir_tensor u;
    float v = 1;
    ir_tensor t = {0};
    (void)state;
    assert_int_equal(rc_load_tensor_file(&c, "/nonexistent/x.pb", &u), -1);
    assert_msg_has(&c, "tensor file '/nonexistent/x.pb': cannot read: ");
    assert_null(u.data);
    memset(&c, 0, sizeof c);
    t.dtype = IR_FLOAT;
    t.rank = 0;
    t.data = &v;
    assert_int_equal(rc_save_tensor_file(&c, "/nonexistent/dir/x.pb", &t), -1);
    assert_msg_has(&c, "/nonexistent/dir/x.pb: cannot write: ");
}

/* -------------------------------------------------------------- attributes */

static ir_attr *add_attr(ir_node *n, const char *name, ir_attr_type type, const char *tname)
{
    ir_attr *a = &n->attr[n->n_attr++];
    memset(a, 0, sizeof *a);
    a->name = rc_xstrdup(name);
    a->type = type;
    a->type_name = tname;
    return a;
}

static ir_graph *attr_graph(ir_node **out)
{
    ir_graph *g = ir_new();
    ir_node *n = ir_add_node(g);
    ir_attr *a;
    g->opset = 14;
    n->name = rc_xstrdup("lstm_1");
    n->op_type = rc_xstrdup("LSTM");
    n->domain = rc_xstrdup("");
    n->attr = rc_xcalloc(8, sizeof(ir_attr));
    a = add_attr(n, "hidden_size", IR_ATTR_INT, "int");
    a->i = 7;
    a = add_attr(n, "clip", IR_ATTR_FLOAT, "float");
    a->f = 2.5;
    a = add_attr(n, "direction", IR_ATTR_STRING, "string");
    a->s = rc_xstrdup("reverse");
    a = add_attr(n, "activation_alpha", IR_ATTR_FLOATS, "floats");
    a->n = 2;
    a->floats = rc_xcalloc(2, sizeof(double));
    a->floats[0] = 0.25, a->floats[1] = -1;
    a = add_attr(n, "activations", IR_ATTR_STRINGS, "strings");
    a->n = 3;
    a->strings = rc_xcalloc(3, sizeof(char *));
    a->strings[0] = rc_xstrdup("Sigmoid");
    a->strings[1] = rc_xstrdup("Tanh");
    a->strings[2] = rc_xstrdup("Relu");
    a = add_attr(n, "foo", IR_ATTR_INTS, "ints");
    a->n = 1;
    a->ints = rc_xcalloc(1, sizeof(int64_t));
    *out = n;
    return g;
}

static void test_attr_present(void **state)
{
    rc_ctx c = {0};
    ir_node *n;
    ir_graph *g = attr_graph(&n);
    int64_t i = -1;
    double f = -1;
    const char *s = NULL;
    const double *fs = NULL;
    char *const *ss = NULL;
    int present = -1, count = -1;
    (void)state;
    assert_int_equal(rc_attr_int(&c, n, "hidden_size", &i, &present), 0);
    assert_int_equal(present, 1);
    assert_int_equal(i, 7);
    assert_int_equal(rc_attr_float(&c, n, "clip", &f, &present), 0);
    assert_int_equal(present, 1);
    assert_true(f == 2.5);
    assert_int_equal(rc_attr_string(&c, n, "direction", &s, &present), 0);
    assert_int_equal(present, 1);
    assert_string_equal(s, "reverse");
    assert_int_equal(rc_attr_floats(&c, n, "activation_alpha", &fs, &count), 0);
    assert_int_equal(count, 2);
    assert_true(fs[0] == 0.25 && fs[1] == -1);
    assert_int_equal(rc_attr_strings(&c, n, "activations", &ss, &count), 0);
    assert_int_equal(count, 3);
    assert_string_equal(ss[0], "Sigmoid");
    assert_string_equal(ss[2], "Relu");
    assert_int_equal(c.failed, 0);
    /* all consumed but 'foo' */
    assert_int_equal(rc_attr_unused(&c, g, n), -1);
    assert_string_equal(c.msg, "<input>: node 'lstm_1' ('LSTM'): attribute foo: is not an "
                               "attribute of LSTM at opset 14 that rnnc implements; refusing "
                               "to ignore it");
    ir_free(g);
}

static void test_attr_absent(void **state)
{
    rc_ctx c = {0};
    ir_node *n;
    ir_graph *g = attr_graph(&n);
    int64_t i = 42;
    double f = 4.5;
    const char *s = "dflt";
    const double *fs = (const double *)&f;
    char *const *ss = (char *const *)&s;
    int present = -1, count = -1;
    (void)state;
    assert_int_equal(rc_attr_int(&c, n, "layout", &i, &present), 0);
    assert_int_equal(present, 0);
    assert_int_equal(i, 42); /* default left alone */
    assert_int_equal(rc_attr_float(&c, n, "beta", &f, &present), 0);
    assert_int_equal(present, 0);
    assert_true(f == 4.5);
    assert_int_equal(rc_attr_string(&c, n, "mode", &s, &present), 0);
    assert_int_equal(present, 0);
    assert_string_equal(s, "dflt");
    assert_int_equal(rc_attr_floats(&c, n, "activation_beta", &fs, &count), 0);
    assert_int_equal(count, 0);
    assert_null(fs);
    assert_int_equal(rc_attr_strings(&c, n, "names", &ss, &count), 0);
    assert_int_equal(count, 0);
    assert_null(ss);
    assert_int_equal(c.failed, 0);
    ir_free(g);
}

static void check_wrong_type(int which, const char *name, const char *want)
{
    rc_ctx c = {0};
    ir_node *n;
    ir_graph *g = attr_graph(&n);
    int64_t i;
    double f;
    const char *s;
    const double *fs;
    char *const *ss;
    int present, count, rc = 0;
    c.file = "m.onnx";
    switch (which) {
    case 0: rc = rc_attr_int(&c, n, name, &i, &present); break;
    case 1: rc = rc_attr_float(&c, n, name, &f, &present); break;
    case 2: rc = rc_attr_string(&c, n, name, &s, &present); break;
    case 3: rc = rc_attr_floats(&c, n, name, &fs, &count); break;
    case 4: rc = rc_attr_strings(&c, n, name, &ss, &count); break;
    }
    assert_int_equal(rc, -1);
    assert_int_equal(c.failed, 1);
    assert_string_equal(c.msg, want);
    /* a mistyped attribute counts as consumed: the type error is the one reported */
    assert_int_equal(ir_attr_get(n, name)->used, 1);
    ir_free(g);
}

static void test_attr_wrong_type(void **state)
{
    (void)state;
    check_wrong_type(0, "clip",
                     "m.onnx: node 'lstm_1' ('LSTM'): attribute clip: must be of type int, got float");
    check_wrong_type(1, "hidden_size",
                     "m.onnx: node 'lstm_1' ('LSTM'): attribute hidden_size: must be of type float, got int");
    check_wrong_type(2, "activations",
                     "m.onnx: node 'lstm_1' ('LSTM'): attribute activations: must be of type string, got strings");
    check_wrong_type(3, "direction",
                     "m.onnx: node 'lstm_1' ('LSTM'): attribute direction: must be of type floats, got string");
    check_wrong_type(4, "activation_alpha",
                     "m.onnx: node 'lstm_1' ('LSTM'): attribute activation_alpha: must be of type strings, got floats");
}

static void test_attr_unused_first_and_none(void **state)
{
    rc_ctx c = {0};
    ir_node *n;
    ir_graph *g = attr_graph(&n);
    int64_t i;
    int present;
    (void)state;
    /* nothing consumed yet: the first attribute is named */
    assert_int_equal(rc_attr_unused(&c, g, n), -1);
    assert_msg_has(&c, "attribute hidden_size: is not an attribute of LSTM at opset 14");
    memset(&c, 0, sizeof c);
    for (int k = 0; k < n->n_attr; k++)
        n->attr[k].used = 1;
    assert_int_equal(rc_attr_unused(&c, g, n), 0);
    assert_int_equal(c.failed, 0);
    (void)i, (void)present;
    ir_free(g);
}

static void test_err_keeps_first_and_quotes(void **state)
{
    rc_ctx c = {0};
    ir_node n = {0};
    (void)state;
    n.name = "a'b\n";
    n.op_type = "X";
    n.domain = "com.example";
    c.file = "f";
    assert_int_equal(rc_err(&c, &n, "what", "detail %d", 5), -1);
    assert_string_equal(c.msg, "f: node 'a\\x27b\\x0a' ('X' in domain 'com.example'): what: detail 5");
    assert_int_equal(rc_err(&c, NULL, "second", "ignored"), -1);
    assert_string_equal(c.msg, "f: node 'a\\x27b\\x0a' ('X' in domain 'com.example'): what: detail 5");
}

/* --------------------------------------------------------------- identifiers */

static void san(const char *in, const char *want)
{
    char out[64];
    em_sanitize(in, out, sizeof out);
    if (strcmp(out, want) != 0)
        fail_msg("em_sanitize(\"%s\") = \"%s\", want \"%s\"", in, out, want);
}

static void test_sanitize(void **state)
{
    char out[64], small[6];
    (void)state;
    san("a-b", "a_b");
    san("9x", "v9x");
    san("", "v");
    san("X", "X");
    san("Y_h", "Y_h");
    san("_x", "v_x");
    san("caf\xc3\xa9", "caf__");
    san("\xc3\xa9t\xc3\xa9", "v__t__");
    san("a*/b", "a__b");
    san("/*c*/", "v__c__");
    san("q\"'\\", "q___");
    san("line\nbreak\r", "line_break_");
    san("a b.c:d", "a_b_c_d");
    /* whatever comes in, the result is [A-Za-z0-9_]+ starting with a letter */
    for (int ch = 1; ch < 256; ch++) {
        char in[4] = {(char)ch, (char)ch, 'z', 0};
        em_sanitize(in, out, sizeof out);
        assert_true(out[0] && ((out[0] >= 'a' && out[0] <= 'z') || (out[0] >= 'A' && out[0] <= 'Z')));
        for (const char *p = out; *p; p++)
            assert_true((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                        (*p >= '0' && *p <= '9') || *p == '_');
    }
    /* truncated to the buffer, still terminated */
    em_sanitize("abcdefghij", small, sizeof small);
    assert_string_equal(small, "abcde");
    em_sanitize("0123456789", small, sizeof small);
    assert_string_equal(small, "v0123");
}

static void test_valid_name(void **state)
{
    char long_ok[49], long_bad[50];
    (void)state;
    assert_int_equal(em_valid_name("net"), 0);
    assert_int_equal(em_valid_name("my_model2"), 0);
    assert_int_equal(em_valid_name("N"), 0);
    assert_int_not_equal(em_valid_name(""), 0);
    assert_int_not_equal(em_valid_name(NULL), 0);
    assert_int_not_equal(em_valid_name("9net"), 0);
    assert_int_not_equal(em_valid_name("_net"), 0);
    assert_int_not_equal(em_valid_name("bad name"), 0);
    assert_int_not_equal(em_valid_name("a-b"), 0);
    assert_int_not_equal(em_valid_name("caf\xc3\xa9"), 0);
    assert_int_not_equal(em_valid_name("int"), 0);
    assert_int_not_equal(em_valid_name("for"), 0);
    assert_int_not_equal(em_valid_name("static"), 0);
    assert_int_not_equal(em_valid_name("restrict"), 0);
    assert_int_not_equal(em_valid_name("inline"), 0);
    assert_int_not_equal(em_valid_name("main"), 0);
    assert_int_not_equal(em_valid_name("rnnrt"), 0);
    assert_int_not_equal(em_valid_name("rnnrt_net"), 0);
    memset(long_ok, 'a', 48);
    long_ok[48] = 0;
    memset(long_bad, 'a', 49);
    long_bad[49] = 0;
    assert_int_equal(em_valid_name(long_ok), 0);
    assert_int_not_equal(em_valid_name(long_bad), 0);
}

/* ---------------------------------------------------------------- escaping */

/* The safety property of rc_buf_put_escaped's output, whatever the exact
 * escaping: printable ASCII only, no comment start or end, no newline, no '?'
 * (trigraphs), no '"', and a backslash only as the start of a \xNN escape. */
static void assert_escaped_safe(const char *out)
{
    for (size_t i = 0; out[i]; i++) {
        unsigned char ch = (unsigned char)out[i];
        if (ch < 0x20 || ch >= 0x7f)
            fail_msg("byte 0x%02x at %zu in \"%s\"", ch, i, out);
        if (ch == '?' || ch == '"')
            fail_msg("'%c' at %zu in \"%s\"", ch, i, out);
        if (ch == '*' && out[i + 1] == '/')
            fail_msg("\"*/\" at %zu in \"%s\"", i, out);
        if (ch == '/' && out[i + 1] == '*')
            fail_msg("\"/*\" at %zu in \"%s\"", i, out);
        if (ch == '\\') {
            const char *hex = "0123456789abcdefABCDEF";
            if (out[i + 1] != 'x' || !out[i + 2] || !strchr(hex, out[i + 2]) || !out[i + 3] ||
                !strchr(hex, out[i + 3]))
                fail_msg("backslash not starting \\xNN at %zu in \"%s\"", i, out);
            i += 3;
        }
    }
}

static char *escaped(const char *s, size_t max)
{
    rc_buf b = {0};
    rc_buf_put_escaped(&b, s, max);
    if (!b.p)
        rc_buf_puts(&b, "");
    return b.p;
}

static void test_escaped(void **state)
{
    static const char *const inputs[] = {
        "plain text",
        "*/ int evil; /*",
        "a*/b/*c",
        "**//**//",
        "/*/",
        "line\nbreak\r\n",
        "quote\" back\\slash",
        "trigraph ?\?/ ?\?=",
        "\xc3\xa9\xff\x01\x7f",
        "ends with star *",
        "ends with slash /",
        "// line comment",
        "\\x41 already",
    };
    char *out;
    char all[256];
    (void)state;
    for (size_t k = 0; k < sizeof inputs / sizeof inputs[0]; k++) {
        out = escaped(inputs[k], 1000);
        assert_escaped_safe(out);
        free(out);
    }
    for (int ch = 1; ch < 256; ch++)
        all[ch - 1] = (char)ch;
    all[255] = 0;
    out = escaped(all, 1000);
    assert_escaped_safe(out);
    free(out);
    /* ordinary text passes through unchanged */
    out = escaped("Model graph_1 (v2.0) [x, y]", 1000);
    assert_string_equal(out, "Model graph_1 (v2.0) [x, y]");
    free(out);
    /* the escape is reversible: \xNN decodes to the original byte */
    out = escaped("a\nb", 1000);
    assert_string_equal(out, "a\\x0ab");
    free(out);
    /* truncated at max bytes with a marker */
    out = escaped("abcdefgh", 3);
    assert_string_equal(out, "abc...");
    free(out);
    out = escaped("abc", 3);
    assert_string_equal(out, "abc");
    free(out);
}

/* ------------------------------------------------------------- interpreter */

static int add_const(ir_graph *g, const char *name, int rank, const int64_t *dims,
                     const float *v)
{
    int k = ir_add_tensor(g, name);
    ir_tensor *t = &g->t[k];
    t->dtype = IR_FLOAT;
    t->rank = rank;
    for (int i = 0; i < rank; i++)
        t->dims[i] = dims[i];
    t->data = rc_xmalloc(sizeof(float) * (size_t)ir_numel(t));
    memcpy(t->data, v, sizeof(float) * (size_t)ir_numel(t));
    return k;
}

/* RNN with T=2, B=1, I=1, H=1, W=0.5, R=-1, B=0, X=[1, 2]:
 *   h1 = tanh(0.5*1)
 *   h2 = tanh(0.5*2 + (-1)*h1) = tanh(1 - tanh(0.5)) */
static void test_interp_tiny_rnn(void **state)
{
    static const int64_t d3[3] = {1, 1, 1}, d2[2] = {1, 2};
    static const float w = 0.5f, r = -1.0f, bias[2] = {0, 0};
    float x[2] = {1.0f, 2.0f};
    void *inputs[1] = {x};
    rc_ctx c = {0};
    rc_values v = {0};
    ir_graph *g = ir_new();
    ir_node *n;
    ir_attr *a;
    int kx, ky, kyh;
    const float *Y, *Yh;
    double h1 = tanh(0.5), h2 = tanh(1.0 - tanh(0.5));
    (void)state;
    g->opset = 14;
    kx = ir_add_tensor(g, "X");
    g->t[kx].dtype = IR_FLOAT;
    g->t[kx].rank = 3;
    g->t[kx].dims[0] = 2, g->t[kx].dims[1] = 1, g->t[kx].dims[2] = 1;
    g->t[kx].is_input = 1;
    add_const(g, "W", 3, d3, &w);
    add_const(g, "R", 3, d3, &r);
    add_const(g, "B", 2, d2, bias);
    ky = ir_add_tensor(g, "Y");
    kyh = ir_add_tensor(g, "Y_h");
    g->t[ky].producer = g->t[kyh].producer = 0;
    g->t[ky].is_output = g->t[kyh].is_output = 1;
    g->input = rc_xcalloc(1, sizeof(int));
    g->input[g->n_input++] = kx;
    g->output = rc_xcalloc(2, sizeof(int));
    g->output[g->n_output++] = ky;
    g->output[g->n_output++] = kyh;
    n = ir_add_node(g);
    n->name = rc_xstrdup("tiny");
    n->op_type = rc_xstrdup("RNN");
    n->domain = rc_xstrdup("");
    n->op = RC_OP_RNN;
    n->n_in = 4;
    n->in = rc_xcalloc(4, sizeof(int));
    n->in[0] = kx, n->in[1] = ir_find(g, "W"), n->in[2] = ir_find(g, "R"), n->in[3] = ir_find(g, "B");
    n->n_out = 2;
    n->out = rc_xcalloc(2, sizeof(int));
    n->out[0] = ky, n->out[1] = kyh;
    n->attr = rc_xcalloc(1, sizeof(ir_attr));
    a = add_attr(n, "hidden_size", IR_ATTR_INT, "int");
    a->i = 1;

    if (ir_verify(&c, g, 0) || rc_op_defs[RC_OP_RNN]->check(&c, g, n) || ir_verify(&c, g, 1))
        fail_msg("check failed: %s", c.msg);
    assert_int_equal(g->t[ky].rank, 4);
    assert_int_equal(g->t[ky].dims[0], 2);
    assert_int_equal(g->t[ky].dims[1], 1);
    assert_int_equal(g->t[ky].dims[2], 1);
    assert_int_equal(g->t[ky].dims[3], 1);
    assert_int_equal(g->t[kyh].rank, 3);
    if (rc_interp_run(&c, g, inputs, &v))
        fail_msg("interp failed: %s", c.msg);
    Y = v.data[ky];
    Yh = v.data[kyh];
    assert_float_equal(Y[0], h1, 1e-7);
    assert_float_equal(Y[1], h2, 1e-7);
    assert_float_equal(Yh[0], h2, 1e-7);
    /* the interpreter accumulates in double and rounds once */
    assert_true(Y[0] == (float)h1);
    assert_true(Y[1] == (float)h2);
    rc_values_free(&v);
    ir_free(g);
}

/* SHA-256 against FIPS 180-4's examples and lengths around the padding boundary (55, 56, 64
 * bytes: one or two final blocks), the latter checked with coreutils' sha256sum. */
static void test_sha256(void **state) {
    static const char *abc448 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    unsigned char a[64];
    char hex[65];
    (void)state;
    rc_sha256_hex((const unsigned char *)"", 0, hex);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    rc_sha256_hex((const unsigned char *)"abc", 3, hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    rc_sha256_hex((const unsigned char *)abc448, strlen(abc448), hex);
    assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    memset(a, 'a', sizeof a);
    rc_sha256_hex(a, 55, hex);
    assert_string_equal(hex, "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
    rc_sha256_hex(a, 64, hex);
    assert_string_equal(hex, "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
}

static char *json_of(const char *s) {
    rc_buf b = {0};
    rc_buf_put_json(&b, s);
    return b.p;
}

/* rnnc info --json's strings: ASCII only, valid JSON for any bytes, ill-formed UTF-8 replaced
 * by U+FFFD per maximal start of a sequence (the results are Python's
 * json.dumps(raw.decode('utf-8', 'replace'))). */
static void test_json_string(void **state) {
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"plain", "\"plain\""},
        {"", "\"\""},
        {"q\"b\\s/", "\"q\\\"b\\\\s/\""},
        {"\n\r\t\x01\x1f\x7f", "\"\\n\\r\\t\\u0001\\u001f\\u007f\""},
        {"h\xc3\xa9llo \xe5\x90\x8d", "\"h\\u00e9llo \\u540d\""},
        {"\xf0\x9f\x98\x80", "\"\\ud83d\\ude00\""},               /* U+1F600: a surrogate pair */
        {"\xe2\x80\xa8\xef\xbb\xbf", "\"\\u2028\\ufeff\""},       /* line separator, BOM */
        {"\xff\xfe", "\"\\ufffd\\ufffd\""},                       /* never in UTF-8 */
        {"\x80x", "\"\\ufffdx\""},                                /* stray continuation */
        {"\xc0\xaf", "\"\\ufffd\\ufffd\""},                       /* overlong '/' */
        {"\xe0\x80\xaf", "\"\\ufffd\\ufffd\\ufffd\""},            /* overlong, 3 bytes */
        {"\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\""},            /* a surrogate */
        {"\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\""}, /* past U+10FFFF */
        {"\xe5\x90z", "\"\\ufffdz\""},                            /* truncated: one U+FFFD */
        {"\xf0\x9f\x98", "\"\\ufffd\""},                          /* truncated at the end */
        {"\xf8\x88\x80\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\\ufffd\""}, /* 5-byte form */
    };
    char all[256], *out;
    (void)state;
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        out = json_of(cases[k].in);
        assert_string_equal(out, cases[k].out);
        free(out);
    }
    out = json_of(NULL);
    assert_string_equal(out, "\"\"");
    free(out);
    /* every byte: printable ASCII only, quotes only at the ends */
    for (int ch = 1; ch < 256; ch++)
        all[ch - 1] = (char)ch;
    all[255] = 0;
    out = json_of(all);
    for (size_t i = 0; out[i]; i++) {
        assert_true(out[i] >= 0x20 && out[i] < 0x7f);
        if (out[i] == '"')
            assert_true(i == 0 || out[i + 1] == 0 || out[i - 1] == '\\');
    }
    free(out);
}

static void test_json_number(void **state) {
    static const struct {
        double x;
        const char *out;
    } cases[] = {
        {0, "0"},
        {-0.0, "0"},
        {4608, "4608"},
        {-3, "-3"},
        {9007199254740991.0, "9007199254740991"},
        {0.5, "0.5"},
        {1e300, "1.0000000000000001e+300"},
    };
    (void)state;
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        rc_buf b = {0};
        rc_buf_put_json_num(&b, cases[k].x);
        assert_string_equal(b.p, cases[k].out);
        rc_buf_free(&b);
    }
    {
        rc_buf b = {0};
        rc_buf_put_json_num(&b, NAN);
        rc_buf_put_json_num(&b, INFINITY);
        assert_string_equal(b.p, "nullnull");
        rc_buf_free(&b);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_load_valid),
        cmocka_unit_test(test_load_front_infers_shapes),
        cmocka_unit_test(test_load_empty),
        cmocka_unit_test(test_load_garbage),
        cmocka_unit_test(test_load_truncated),
        cmocka_unit_test(test_load_not_a_model),
        cmocka_unit_test(test_load_missing_file),
        cmocka_unit_test(test_tensor_file_float),
        cmocka_unit_test(test_tensor_file_int32),
        cmocka_unit_test(test_tensor_file_scalar_and_empty_name),
        cmocka_unit_test(test_tensor_file_errors),
        cmocka_unit_test(test_attr_present),
        cmocka_unit_test(test_attr_absent),
        cmocka_unit_test(test_attr_wrong_type),
        cmocka_unit_test(test_attr_unused_first_and_none),
        cmocka_unit_test(test_err_keeps_first_and_quotes),
        cmocka_unit_test(test_sanitize),
        cmocka_unit_test(test_valid_name),
        cmocka_unit_test(test_escaped),
        cmocka_unit_test(test_interp_tiny_rnn),
        cmocka_unit_test(test_sha256),
        cmocka_unit_test(test_json_string),
        cmocka_unit_test(test_json_number),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
