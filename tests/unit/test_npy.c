/* test_npy.c — unit tests of the .npy reader and writer (compiler/npy.c): every dtype and
 * header variant against files written by real numpy (testdata/npy/dtypes, made by
 * tests/gen/gen_npy.py, whose value_of() the expectations below repeat), the writer
 * byte for byte against np.save, and malformed headers and data refused with messages
 * naming the file and the problem. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "driver.h"
#include "ir.h"
#include "load.h"
#include "npy.h"
#include "util.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef RNNC_SOURCE_DIR
#error "define RNNC_SOURCE_DIR"
#endif
#define NPY_DIR RNNC_SOURCE_DIR "/testdata/npy/dtypes/"

static void assert_msg_has(const rc_ctx *c, const char *want) {
    if (!strstr(c->msg, want))
        fail_msg("message '%s' lacks '%s'", c->msg, want);
}

static const struct {
    const char *name;
    int dtype;
} dtypes[] = {
    {"f2", IR_FLOAT16}, {"f4", IR_FLOAT},  {"f8", IR_DOUBLE}, {"i1", IR_INT8},
    {"i2", IR_INT16},   {"i4", IR_INT32},  {"i8", IR_INT64},  {"u1", IR_UINT8},
    {"u2", IR_UINT16},  {"u4", IR_UINT32}, {"u8", IR_UINT64}, {"b1", IR_BOOL},
};

/* gen_npy.py's value_of(name, k), as the exact integer or as a double */
static int64_t int_value(const char *name, int k) {
    if (!strcmp(name, "i8"))
        return (int64_t)(k - 3) * ((int64_t)1 << 33) + k;
    if (!strcmp(name, "u1"))
        return (k * 37) % 256;
    if (name[0] == 'i')
        return k - 3;
    if (name[0] == 'u')
        return k * 37;
    return k % 3 == 1;
}

static void check_values(const char *name, const ir_tensor *t) {
    int64_t n = ir_numel(t);
    for (int k = 0; k < n; k++) {
        if (!strcmp(name, "u8"))
            assert_true(((const uint64_t *)t->data)[k] == (uint64_t)k * ((uint64_t)1 << 61) + 1);
        else if (!strcmp(name, "i8"))
            assert_true(((const int64_t *)t->data)[k] == int_value(name, k));
        else if (name[0] == 'f')
            assert_true(ir_get(t->dtype, t->data, k) == k * 0.25 - 1.0);
        else
            assert_true(ir_get(t->dtype, t->data, k) == (double)int_value(name, k));
    }
}

static void load_ok(const char *file, ir_tensor *t) {
    rc_ctx c = {0};
    char path[512];
    snprintf(path, sizeof path, NPY_DIR "%s", file);
    if (rc_load_tensor_file(&c, path, t) != 0)
        fail_msg("%s: %s", path, c.msg);
}

static void test_npy_every_dtype(void **state) {
    (void)state;
    for (size_t i = 0; i < sizeof dtypes / sizeof dtypes[0]; i++) {
        char file[32];
        ir_tensor t;
        snprintf(file, sizeof file, "%s.npy", dtypes[i].name);
        load_ok(file, &t);
        assert_int_equal(t.dtype, dtypes[i].dtype);
        assert_int_equal(t.rank, 2);
        assert_int_equal(t.dims[0], 2);
        assert_int_equal(t.dims[1], 3);
        assert_string_equal(t.name, "");
        check_values(dtypes[i].name, &t);
        rc_tensor_clear(&t);
    }
}

static void test_npy_header_variants(void **state) {
    static const struct {
        const char *file, *name;
        int dtype, rank;
        int64_t dims[4];
    } v[] = {
        {"f4_v2.npy", "f4", IR_FLOAT, 2, {2, 3}},
        {"i8_v3.npy", "i8", IR_INT64, 2, {2, 3}},
        {"f8_be.npy", "f8", IR_DOUBLE, 2, {2, 3}},
        {"i4_be.npy", "i4", IR_INT32, 2, {2, 3}},
        {"f4_scalar.npy", "f4", IR_FLOAT, 0, {0}},
        {"i2_1d.npy", "i2", IR_INT16, 1, {5}},
        {"f4_empty.npy", "f4", IR_FLOAT, 2, {0, 3}},
        {"u1_rank4.npy", "u1", IR_UINT8, 4, {2, 1, 3, 2}},
    };
    (void)state;
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        ir_tensor t;
        load_ok(v[i].file, &t);
        assert_int_equal(t.dtype, v[i].dtype);
        assert_int_equal(t.rank, v[i].rank);
        for (int d = 0; d < v[i].rank; d++)
            assert_int_equal(t.dims[d], v[i].dims[d]);
        check_values(v[i].name, &t);
        rc_tensor_clear(&t);
    }
}

static void test_npy_refused_files(void **state) {
    static const struct {
        const char *file, *msg;
    } v[] = {
        {"bad_fortran.npy", "bad_fortran.npy': fortran_order is True: only C-order"},
        {"bad_complex.npy", "bad_complex.npy': dtype '<c8' is not supported"},
        {"bad_structured.npy",
         "bad_structured.npy': structured dtypes (a 'descr' list) are not supported"},
        {"bad_unicode.npy", "bad_unicode.npy': dtype '<U2' is not supported"},
    };
    (void)state;
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        rc_ctx c = {0};
        ir_tensor t;
        char path[512];
        snprintf(path, sizeof path, NPY_DIR "%s", v[i].file);
        assert_int_equal(rc_load_tensor_file(&c, path, &t), -1);
        assert_msg_has(&c, v[i].msg);
        assert_null(t.data);
    }
}

/* The writer gives the bytes np.save gives, and reads back what was written. */
static void test_npy_writer_matches_numpy(void **state) {
    (void)state;
    for (size_t i = 0; i < sizeof dtypes / sizeof dtypes[0]; i++) {
        char file[32], path[64];
        rc_ctx c = {0};
        ir_tensor t, u;
        rc_buf b = {0};
        size_t len;
        int e;
        unsigned char *want;
        snprintf(file, sizeof file, "%s.npy", dtypes[i].name);
        load_ok(file, &t);
        assert_int_equal(rc_npy_encode(&c, "x.npy", &t, &b), 0);
        snprintf(path, sizeof path, NPY_DIR "%s", file);
        want = rc_read_file(path, &len, &e);
        assert_non_null(want);
        assert_int_equal(b.len, len);
        assert_memory_equal(b.p, want, len);
        snprintf(path, sizeof path, "/tmp/rnnc-unit-npy-%ld.npy", (long)getpid());
        assert_int_equal(rc_save_tensor_file(&c, path, &t), 0);
        assert_int_equal(rc_load_tensor_file(&c, path, &u), 0);
        assert_int_equal(u.dtype, t.dtype);
        assert_int_equal(u.rank, t.rank);
        assert_memory_equal(u.data, t.data, (size_t)ir_numel(&t) * ir_dtype_size(t.dtype));
        unlink(path);
        free(want);
        rc_buf_free(&b);
        rc_tensor_clear(&t);
        rc_tensor_clear(&u);
    }
}

static void test_npy_writer_edge_cases(void **state) {
    rc_ctx c = {0};
    ir_tensor t = {0}, u;
    uint16_t bf[2] = {0x3f80, 0xc000};
    char path[64];
    struct stat st;
    (void)state;
    snprintf(path, sizeof path, "/tmp/rnnc-unit-npy-e%ld.npy", (long)getpid());
    /* bfloat16: the bits as <u2; read back as uint16 (rc_tensor_data_for restores it) */
    t.dtype = IR_BFLOAT16;
    t.rank = 1;
    t.dims[0] = 2;
    t.data = bf;
    assert_int_equal(rc_save_tensor_file(&c, path, &t), 0);
    assert_int_equal(rc_load_tensor_file(&c, path, &u), 0);
    assert_int_equal(u.dtype, IR_UINT16);
    assert_memory_equal(u.data, bf, sizeof bf);
    rc_tensor_data_for(&u, IR_BFLOAT16);
    assert_int_equal(u.dtype, IR_BFLOAT16);
    rc_tensor_clear(&u);
    unlink(path);
    /* a dtype numpy cannot hold: an error, and no file */
    t.dtype = IR_STRING;
    assert_int_equal(rc_save_tensor_file(&c, path, &t), -1);
    assert_msg_has(&c, "has no .npy form");
    assert_int_equal(stat(path, &st), -1);
    /* an unwritable place: an error naming it */
    memset(&c, 0, sizeof c);
    t.dtype = IR_FLOAT16; /* the two uint16 above */
    t.data = bf;
    assert_int_equal(rc_save_tensor_file(&c, "/nonexistent/dir/x.npy", &t), -1);
    assert_msg_has(&c, "/nonexistent/dir/x.npy: cannot write: ");
}

/* A v1.0 file from a header text and data bytes. */
static size_t mk(unsigned char *out, int major, const char *hdr, const void *data, size_t n) {
    size_t h = strlen(hdr), at = 0;
    memcpy(out, "\x93NUMPY", 6);
    out[6] = (unsigned char)major;
    out[7] = 0;
    out[8] = (unsigned char)(h & 0xff);
    out[9] = (unsigned char)(h >> 8);
    at = 10;
    if (major >= 2) {
        out[10] = out[11] = 0;
        at = 12;
    }
    memcpy(out + at, hdr, h);
    memcpy(out + at + h, data, n);
    return at + h + n;
}

static void expect_bad(const unsigned char *buf, size_t len, const char *msg) {
    rc_ctx c = {0};
    ir_tensor t;
    if (rc_npy_parse(&c, "bad.npy", buf, len, &t) == 0)
        fail_msg("accepted, expected '%s'", msg);
    assert_null(t.data);
    assert_msg_has(&c, "tensor file 'bad.npy': ");
    assert_msg_has(&c, msg);
}

static void test_npy_malformed(void **state) {
    static const struct {
        const char *hdr;
        size_t data;
        const char *msg;
    } v[] = {
        {"{'descr': '<f4', 'fortran_order': False}", 0, "missing key 'shape'"},
        {"{'descr': '<f4', 'shape': (2,)}", 8, "missing key 'fortran_order'"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x': 1}", 8, "unknown key 'x'"},
        {"{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2,)}", 8,
         "key 'descr' is given twice"},
        {"{'descr': '<f4', 'fortran_order': false, 'shape': (2,)}", 8,
         "'fortran_order' must be True or False, found 'false"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (-2,)}", 8,
         "'shape' must be a tuple of non-negative integers, found '-2,)"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (2)}", 8, "is not a tuple"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': [2]}", 8, "expected '('"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (1,1,1,1,1,1,1,1,1)}", 4,
         "more than 8 dimensions"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,)}", 4,
         "too large"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (65536, 65536)}", 4,
         "element count overflows (dimension 1 = 65536)"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (3,)}", 8,
         "truncated: shape and dtype '<f4' need 12 bytes of data, the file has 8"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (1,)}", 8,
         "trailing bytes: shape and dtype '<f4' need 4 bytes of data, the file has 8"},
        {"{'descr': '<f3', 'fortran_order': False, 'shape': (1,)}", 3, "dtype '<f3'"},
        {"{'descr': 'float32', 'fortran_order': False, 'shape': (1,)}", 4, "dtype 'float32'"},
        {"{'descr': '<f4, 'fortran_order': False, 'shape': (1,)}", 4,
         "expected ',' or '}' after a value, found 'fortran_order'"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (1,)} junk", 4,
         "unexpected text 'junk'"},
        {"{'descr': '<f4' 'fortran_order': False, 'shape': (1,)}", 4, "expected ',' or '}'"},
        {"'descr': '<f4'", 4, "expected '{'"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (1,", 4,
         "integers, found the end of the header"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (1 2)}", 4,
         "expected ',' or ')' in 'shape', found '2)}'"},
        {"{'descr': '<f4", 4, "unterminated string"},
        {"", 0, "expected '{'"},
        {"{'descr' '<f4', 'fortran_order': False, 'shape': (1,)}", 4, "expected ':' after a key"},
        {"{descr: '<f4'}", 4, "expected a quoted string as a key"},
    };
    unsigned char buf[512], zeros[16] = {0};
    (void)state;
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        expect_bad(buf, mk(buf, 1, v[i].hdr, zeros, v[i].data), v[i].msg);
    expect_bad(buf, 0, "shorter than the 10-byte preamble");
    expect_bad((const unsigned char *)"PK\3\4xxxxxxxxxx", 14, "no \\x93NUMPY magic");
    expect_bad(buf, mk(buf, 4, "{}", zeros, 0), "format version 4.0 is not supported");
    /* a bool that is neither 0 nor 1 */
    {
        unsigned char two[2] = {1, 2};
        expect_bad(buf,
                   mk(buf, 1, "{'descr': '|b1', 'fortran_order': False, 'shape': (2,)}", two, 2),
                   "bool element 1 is 2 (must be 0 or 1)");
    }
    /* a header longer than the file; a NUL and a non-ASCII byte in it */
    {
        size_t n = mk(buf, 1, "{'descr': '<f4', 'fortran_order': False, 'shape': ()}", zeros, 4);
        buf[8] = 200;
        expect_bad(buf, n, "truncated: the header says 200 bytes but only");
        n = mk(buf, 1, "{'descr': '<f4', 'fortran_order': False, 'shape': ()}", zeros, 4);
        buf[12] = 0;
        expect_bad(buf, n, "header: byte 12 is 0x00 (not ASCII text)");
        buf[12] = 0xc3;
        expect_bad(buf, n, "header: byte 12 is 0xc3 (not ASCII text)");
    }
    /* version 2.0 with a 32-bit header length and a short preamble */
    mk(buf, 2, "{}", zeros, 0);
    expect_bad(buf, 11, "shorter than the version 2 preamble of 12 bytes");
    /* a well-formed version 2.0 and 3.0 header is read */
    {
        const char *h = "{'descr': '<i2', 'fortran_order': False, 'shape': (1, 2), }\n";
        rc_ctx c = {0};
        ir_tensor t;
        for (int major = 2; major <= 3; major++) {
            assert_int_equal(rc_npy_parse(&c, "v.npy", buf, mk(buf, major, h, zeros, 4), &t), 0);
            assert_int_equal(t.dtype, IR_INT16);
            assert_int_equal(t.dims[1], 2);
            rc_tensor_clear(&t);
        }
    }
}

/* Every prefix of a valid file is refused (never read past the end, never crash). */
static void test_npy_every_truncation(void **state) {
    size_t len;
    int e;
    unsigned char *full = rc_read_file(NPY_DIR "f8_be.npy", &len, &e);
    (void)state;
    assert_non_null(full);
    for (size_t n = 0; n < len; n++) {
        rc_ctx c = {0};
        ir_tensor t;
        unsigned char *cut = malloc(n ? n : 1);
        memcpy(cut, full, n);
        assert_int_equal(rc_npy_parse(&c, "cut.npy", cut, n, &t), -1);
        assert_null(t.data);
        free(cut);
    }
    free(full);
}

/* A data set directory holding input_0.pb and input_0.npy is an error naming both. */
static void test_npy_data_file_both(void **state) {
    char dir[] = "/tmp/rnnc-unit-npy-dir-XXXXXX", p[256], got[256];
    rc_ctx c = {0};
    FILE *f;
    (void)state;
    assert_non_null(mkdtemp(dir));
    assert_int_equal(rc_data_file(&c, dir, "input", 0, got, sizeof got), 0);
    snprintf(p, sizeof p, "%s/input_0.npy", dir);
    f = fopen(p, "wb");
    assert_non_null(f);
    fclose(f);
    assert_int_equal(rc_data_file(&c, dir, "input", 0, got, sizeof got), 1);
    assert_string_equal(got, p);
    snprintf(p, sizeof p, "%s/input_0.pb", dir);
    f = fopen(p, "wb");
    assert_non_null(f);
    fclose(f);
    assert_int_equal(rc_data_file(&c, dir, "input", 0, got, sizeof got), -1);
    assert_msg_has(&c, "input_0.pb' and '");
    assert_msg_has(&c, "input_0.npy' exist");
    unlink(p);
    snprintf(p, sizeof p, "%s/input_0.npy", dir);
    unlink(p);
    rmdir(dir);
}

/* rc_print_tensor: all values up to 1000 elements, numpy-like summary beyond */
static char *printed(const ir_tensor *t) {
    FILE *f = tmpfile();
    long n;
    char *buf;
    assert_non_null(f);
    rc_print_tensor(f, "out", t);
    n = ftell(f);
    rewind(f);
    buf = calloc((size_t)n + 1, 1);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    return buf;
}

static void test_print_tensor(void **state) {
    static int32_t v[2000];
    float x[3] = {0.5f, -1.25f, 0.1f};
    uint8_t b[2] = {1, 0};
    ir_tensor t = {0};
    char *s;
    (void)state;
    for (int i = 0; i < 2000; i++)
        v[i] = i;
    t.dtype = IR_INT32;
    t.rank = 2;
    t.dims[0] = 2;
    t.dims[1] = 1000;
    t.data = v;
    s = printed(&t);
    assert_string_equal(s, "out: int32[2][1000]\n[[0, 1, 2, ..., 997, 998, 999],\n"
                           " [1000, 1001, 1002, ..., 1997, 1998, 1999]]\n");
    free(s);
    t.dims[0] = 20;
    t.dims[1] = 100;
    s = printed(&t);
    assert_non_null(strstr(s, "[[0, 1, 2, ..., 97, 98, 99],\n [100, 101, 102, ..., 197, 198, "
                              "199],\n [200, 201, 202, ..., 297, 298, 299],\n ...,\n [1700,"));
    free(s);
    t.dims[0] = 10;
    t.dims[1] = 100; /* exactly 1000: every value */
    s = printed(&t);
    assert_null(strstr(s, "..."));
    free(s);
    t.dtype = IR_FLOAT;
    t.rank = 1;
    t.dims[0] = 3;
    t.data = x;
    s = printed(&t);
    assert_string_equal(s, "out: float[3]\n[0.5, -1.25, 0.100000001]\n");
    free(s);
    t.dtype = IR_BOOL;
    t.rank = 0;
    t.data = b;
    s = printed(&t);
    assert_string_equal(s, "out: bool\nTrue\n");
    free(s);
    t.rank = 2;
    t.dims[0] = 0;
    t.dims[1] = 2;
    s = printed(&t);
    assert_string_equal(s, "out: bool[0][2]\n[]\n");
    free(s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_npy_every_dtype),
        cmocka_unit_test(test_npy_header_variants),
        cmocka_unit_test(test_npy_refused_files),
        cmocka_unit_test(test_npy_writer_matches_numpy),
        cmocka_unit_test(test_npy_writer_edge_cases),
        cmocka_unit_test(test_npy_malformed),
        cmocka_unit_test(test_npy_every_truncation),
        cmocka_unit_test(test_npy_data_file_both),
        cmocka_unit_test(test_print_tensor),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
