/* npy.c — NumPy .npy files to and from ir_tensor (see npy.h for the formats handled).
 *
 * The header is a Python dict literal, e.g. {'descr': '<f4', 'fortran_order': False,
 * 'shape': (2, 3), }. It is parsed by a small recursive-descent reader that accepts exactly
 * the three keys (each once), quoted strings, True/False and tuples of non-negative
 * integers; anything else is an error naming the file and what was found. */
#define _POSIX_C_SOURCE 200809L
#include "npy.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const unsigned char npy_magic[6] = {0x93, 'N', 'U', 'M', 'P', 'Y'};

int rc_is_npy_path(const char *path) {
    size_t n = strlen(path);
    return n > 4 && strcmp(path + n - 4, ".npy") == 0;
}

static int host_little(void) {
    const uint16_t one = 1;
    return *(const unsigned char *)&one == 1;
}

/* numpy's dtype codes for the ONNX dtypes; 1-byte ones use '|' (no byte order) */
static const struct {
    char kind;
    int size;
    int dtype;
} npy_types[] = {
    {'f', 2, IR_FLOAT16}, {'f', 4, IR_FLOAT},  {'f', 8, IR_DOUBLE}, {'i', 1, IR_INT8},
    {'i', 2, IR_INT16},   {'i', 4, IR_INT32},  {'i', 8, IR_INT64},  {'u', 1, IR_UINT8},
    {'u', 2, IR_UINT16},  {'u', 4, IR_UINT32}, {'u', 8, IR_UINT64}, {'b', 1, IR_BOOL},
};

const char *rc_npy_descr(int dtype) {
    static char buf[16][4];
    if (dtype == IR_BFLOAT16)
        dtype = IR_UINT16; /* numpy has no bfloat16: the bits as uint16 */
    for (size_t i = 0; i < sizeof npy_types / sizeof npy_types[0]; i++)
        if (npy_types[i].dtype == dtype) {
            char *b = buf[i];
            b[0] = npy_types[i].size == 1 ? '|' : host_little() ? '<' : '>';
            b[1] = npy_types[i].kind;
            b[2] = (char)('0' + npy_types[i].size);
            b[3] = 0;
            return b;
        }
    return NULL;
}

/* ---- header parsing ---- */

typedef struct hdr {
    const char *p, *end;
    char descr[32];
    int have_descr, have_fortran, have_shape;
    int fortran;
    int rank;
    int64_t dims[IR_MAX_RANK];
} hdr;

static void skip_ws(hdr *h) {
    while (h->p < h->end && (*h->p == ' ' || *h->p == '\t' || *h->p == '\n' || *h->p == '\r'))
        h->p++;
}

/* The offending text for a message: up to 20 printable characters from p. */
static const char *near(const hdr *h) {
    static char buf[64];
    size_t k = 0;
    const char *q = h->p;
    if (q >= h->end)
        return "the end of the header";
    buf[k++] = '\'';
    for (; q < h->end && k < 21; q++)
        buf[k++] = (*q >= 32 && *q < 127) ? *q : '?';
    buf[k++] = '\'';
    buf[k] = 0;
    return buf;
}

static int expect(rc_ctx *c, const char *what, hdr *h, char ch, const char *role) {
    skip_ws(h);
    if (h->p >= h->end || *h->p != ch)
        return rc_err(c, NULL, what, "header: expected '%c' %s, found %s", ch, role, near(h));
    h->p++;
    return 0;
}

/* A quoted Python string (no escapes: numpy writes none in these headers). */
static int quoted(rc_ctx *c, const char *what, hdr *h, char *out, size_t n, const char *role) {
    char q;
    size_t k = 0;
    skip_ws(h);
    if (h->p >= h->end || (*h->p != '\'' && *h->p != '"'))
        return rc_err(c, NULL, what, "header: expected a quoted string %s, found %s", role,
                      near(h));
    q = *h->p++;
    while (h->p < h->end && *h->p != q) {
        if (*h->p == '\\' || k + 1 >= n)
            return rc_err(c, NULL, what, "header: unsupported string %s", role);
        out[k++] = *h->p++;
    }
    if (h->p >= h->end)
        return rc_err(c, NULL, what, "header: unterminated string %s", role);
    h->p++;
    out[k] = 0;
    return 0;
}

static int parse_shape(rc_ctx *c, const char *what, hdr *h) {
    if (expect(c, what, h, '(', "to open 'shape'"))
        return -1;
    h->rank = 0;
    for (;;) {
        int64_t v = 0;
        skip_ws(h);
        if (h->p < h->end && *h->p == ')') {
            h->p++;
            break;
        }
        if (h->p >= h->end || *h->p < '0' || *h->p > '9')
            return rc_err(c, NULL, what,
                          "header: 'shape' must be a tuple of non-negative integers, found %s",
                          near(h));
        while (h->p < h->end && *h->p >= '0' && *h->p <= '9') {
            if (v > (INT64_MAX - 9) / 10)
                return rc_err(c, NULL, what, "header: dimension %d of 'shape' is too large",
                              h->rank);
            v = v * 10 + (*h->p++ - '0');
        }
        if (h->rank == IR_MAX_RANK)
            return rc_err(c, NULL, what,
                          "header: 'shape' has more than %d dimensions (the most "
                          "rnnc supports)",
                          IR_MAX_RANK);
        h->dims[h->rank++] = v;
        skip_ws(h);
        if (h->p < h->end && *h->p == ',') {
            h->p++;
            continue;
        }
        if (h->p < h->end && *h->p == ')') {
            if (h->rank == 1)
                return rc_err(c, NULL, what,
                              "header: 'shape' (%" PRId64 ") is not a tuple (a 1-tuple is (%" PRId64
                              ",))",
                              v, v);
            h->p++;
            break;
        }
        return rc_err(c, NULL, what, "header: expected ',' or ')' in 'shape', found %s", near(h));
    }
    return 0;
}

static int parse_header(rc_ctx *c, const char *what, hdr *h) {
    if (expect(c, what, h, '{', "at the start of the header dict"))
        return -1;
    for (;;) {
        char key[32];
        skip_ws(h);
        if (h->p < h->end && *h->p == '}') {
            h->p++;
            break;
        }
        if (quoted(c, what, h, key, sizeof key, "as a key") ||
            expect(c, what, h, ':', "after a key"))
            return -1;
        skip_ws(h);
        if (strcmp(key, "descr") == 0 && !h->have_descr) {
            if (h->p < h->end && *h->p == '[')
                return rc_err(c, NULL, what,
                              "structured dtypes (a 'descr' list) are not supported");
            if (quoted(c, what, h, h->descr, sizeof h->descr, "for 'descr'"))
                return -1;
            h->have_descr = 1;
        } else if (strcmp(key, "fortran_order") == 0 && !h->have_fortran) {
            if ((size_t)(h->end - h->p) >= 4 && memcmp(h->p, "True", 4) == 0)
                h->fortran = 1, h->p += 4;
            else if ((size_t)(h->end - h->p) >= 5 && memcmp(h->p, "False", 5) == 0)
                h->fortran = 0, h->p += 5;
            else
                return rc_err(c, NULL, what,
                              "header: 'fortran_order' must be True or False, found %s", near(h));
            h->have_fortran = 1;
        } else if (strcmp(key, "shape") == 0 && !h->have_shape) {
            if (parse_shape(c, what, h))
                return -1;
            h->have_shape = 1;
        } else if (strcmp(key, "descr") == 0 || strcmp(key, "fortran_order") == 0 ||
                   strcmp(key, "shape") == 0) {
            return rc_err(c, NULL, what, "header: key '%s' is given twice", key);
        } else {
            return rc_err(c, NULL, what,
                          "header: unknown key '%.20s' (a .npy header has exactly 'descr', "
                          "'fortran_order' and 'shape')",
                          key);
        }
        skip_ws(h);
        if (h->p < h->end && *h->p == ',') {
            h->p++;
            continue;
        }
        if (h->p < h->end && *h->p == '}') {
            h->p++;
            break;
        }
        return rc_err(c, NULL, what, "header: expected ',' or '}' after a value, found %s",
                      near(h));
    }
    skip_ws(h);
    if (h->p < h->end)
        return rc_err(c, NULL, what, "header: unexpected text %s after the dict", near(h));
    if (!h->have_descr || !h->have_fortran || !h->have_shape)
        return rc_err(c, NULL, what, "header: missing key '%s'",
                      !h->have_descr     ? "descr"
                      : !h->have_fortran ? "fortran_order"
                                         : "shape");
    return 0;
}

/* descr -> dtype; *swap set when the file's byte order is not the host's. */
static int parse_descr(rc_ctx *c, const char *what, const char *d, int *dtype, int *swap) {
    char order = d[0];
    if ((order == '<' || order == '>' || order == '|' || order == '=') && d[1] && d[2] && !d[3] &&
        d[2] >= '1' && d[2] <= '8') {
        int size = d[2] - '0', file_little = order == '>' ? 0 : order == '=' ? host_little() : 1;
        for (size_t i = 0; i < sizeof npy_types / sizeof npy_types[0]; i++)
            if (npy_types[i].kind == d[1] && npy_types[i].size == size) {
                *dtype = npy_types[i].dtype;
                *swap = size > 1 && file_little != host_little();
                return 0;
            }
    }
    return rc_err(c, NULL, what,
                  "dtype '%s' is not supported (float16/32/64 '<f2' '<f4' '<f8', integers "
                  "'<i1'..'<i8' '<u1'..'<u8', bool '|b1')",
                  d);
}

int rc_npy_parse(rc_ctx *c, const char *path, const unsigned char *buf, size_t len, ir_tensor *t) {
    char what[600];
    size_t hlen, start, esz, bytes;
    int major, swap = 0;
    int64_t numel = 1;
    hdr h;
    memset(t, 0, sizeof *t);
    memset(&h, 0, sizeof h);
    snprintf(what, sizeof what, "tensor file '%.500s'", path);
    if (len < 10 || memcmp(buf, npy_magic, 6) != 0)
        return rc_err(c, NULL, what,
                      len < 10 ? "not a .npy file: %zu bytes, shorter than the 10-byte preamble"
                               : "not a .npy file: no \\x93NUMPY magic at the start (%zu bytes)",
                      len);
    major = buf[6];
    if (major == 1) {
        hlen = (size_t)buf[8] | (size_t)buf[9] << 8;
        start = 10;
    } else if (major == 2 || major == 3) {
        if (len < 12)
            return rc_err(c, NULL, what,
                          "truncated: %zu bytes, shorter than the version %d "
                          "preamble of 12 bytes",
                          len, major);
        hlen = (size_t)buf[8] | (size_t)buf[9] << 8 | (size_t)buf[10] << 16 | (size_t)buf[11] << 24;
        start = 12;
    } else {
        return rc_err(c, NULL, what, "format version %d.%d is not supported (1.0, 2.0, 3.0 are)",
                      major, buf[7]);
    }
    if (hlen > len - start)
        return rc_err(c, NULL, what,
                      "truncated: the header says %zu bytes but only %zu follow the preamble", hlen,
                      len - start);
    for (size_t i = 0; i < hlen; i++)
        if (buf[start + i] == 0 || (major < 3 && buf[start + i] >= 0x80))
            return rc_err(c, NULL, what, "header: byte %zu is 0x%02x (not %s text)", start + i,
                          buf[start + i], major < 3 ? "ASCII" : "UTF-8");
    h.p = (const char *)buf + start;
    h.end = h.p + hlen;
    if (parse_header(c, what, &h))
        return -1;
    if (h.fortran)
        return rc_err(c, NULL, what,
                      "fortran_order is True: only C-order arrays are read (save "
                      "numpy.ascontiguousarray(a))");
    if (parse_descr(c, what, h.descr, &t->dtype, &swap))
        return -1;
    for (int i = 0; i < h.rank; i++)
        if (!rc_mul_ok(numel, h.dims[i], &numel))
            return rc_err(c, NULL, what, "element count overflows (dimension %d = %" PRId64 ")", i,
                          h.dims[i]);
    esz = ir_dtype_size(t->dtype);
    bytes = (size_t)numel * esz;
    start += hlen;
    if (len - start != bytes)
        return rc_err(c, NULL, what,
                      "%s: shape and dtype '%s' need %zu bytes of data, the file has %zu after "
                      "the header",
                      len - start < bytes ? "truncated" : "trailing bytes", h.descr, bytes,
                      len - start);
    if (bytes > rc_max_bytes(c))
        return rc_err(c, NULL, what, "%zu bytes of data, above the --max-mb limit of %zu", bytes,
                      rc_max_bytes(c));
    if (t->dtype == IR_BOOL)
        for (size_t i = 0; i < bytes; i++)
            if (buf[start + i] > 1)
                return rc_err(c, NULL, what, "bool element %zu is %u (must be 0 or 1)", i,
                              buf[start + i]);
    t->rank = h.rank;
    memcpy(t->dims, h.dims, sizeof h.dims);
    t->data = rc_xmalloc(bytes ? bytes : 1);
    memcpy(t->data, buf + start, bytes);
    if (swap)
        for (size_t i = 0; i < bytes; i += esz) {
            unsigned char *e = (unsigned char *)t->data + i;
            for (size_t a = 0, b = esz - 1; a < b; a++, b--) {
                unsigned char x = e[a];
                e[a] = e[b];
                e[b] = x;
            }
        }
    t->name = rc_xstrdup("");
    return 0;
}

int rc_npy_load(rc_ctx *c, const char *path, ir_tensor *t) {
    size_t len = 0;
    int e = 0, rc;
    unsigned char *buf = rc_read_file(path, &len, &e);
    char what[600];
    memset(t, 0, sizeof *t);
    snprintf(what, sizeof what, "tensor file '%.500s'", path);
    if (!buf)
        return rc_err(c, NULL, what, "cannot read: %s", strerror(e));
    rc = rc_npy_parse(c, path, buf, len, t);
    free(buf);
    return rc;
}

int rc_npy_encode(rc_ctx *c, const char *path, const ir_tensor *t, rc_buf *out) {
    const char *d = rc_npy_descr(t->dtype);
    rc_buf h = {0};
    size_t total, bytes;
    unsigned char pre[10];
    if (!d)
        return rc_err(c, NULL, path, "dtype %s has no .npy form", ir_dtype_name(t->dtype));
    rc_buf_printf(&h, "{'descr': '%s', 'fortran_order': False, 'shape': (", d);
    for (int i = 0; i < t->rank; i++)
        rc_buf_printf(&h, "%s%" PRId64, i ? ", " : "", t->dims[i]);
    rc_buf_puts(&h, t->rank == 1 ? ",), }" : "), }");
    /* pad with spaces and end with '\n' so that the data starts at a multiple of 64 */
    total = 10 + h.len + 1;
    while (total % 64)
        rc_buf_putn(&h, " ", 1), total++;
    rc_buf_putn(&h, "\n", 1);
    memcpy(pre, npy_magic, 6);
    pre[6] = 1;
    pre[7] = 0;
    pre[8] = (unsigned char)(h.len & 0xff);
    pre[9] = (unsigned char)(h.len >> 8);
    rc_buf_putn(out, (const char *)pre, sizeof pre);
    rc_buf_putn(out, h.p, h.len);
    bytes = (size_t)ir_numel(t) * ir_dtype_size(t->dtype);
    if (bytes)
        rc_buf_putn(out, (const char *)t->data, bytes);
    rc_buf_free(&h);
    return 0;
}

int rc_npy_save(rc_ctx *c, const char *path, const ir_tensor *t) {
    rc_buf b = {0};
    char tmp[4200];
    FILE *f;
    int rc = 0;
    if (rc_npy_encode(c, path, t, &b))
        return -1;
    snprintf(tmp, sizeof tmp, "%.4000s.tmp%ld", path, (long)getpid());
    f = fopen(tmp, "wb");
    if (!f || fwrite(b.p, 1, b.len, f) != b.len)
        rc = rc_err(c, NULL, path, "cannot write: %s", strerror(errno));
    if (f && fclose(f) != 0 && rc == 0)
        rc = rc_err(c, NULL, path, "cannot write: %s", strerror(errno));
    if (rc == 0 && rename(tmp, path) != 0)
        rc = rc_err(c, NULL, path, "cannot rename '%s' into place: %s", tmp, strerror(errno));
    if (rc)
        unlink(tmp);
    rc_buf_free(&b);
    return rc;
}
