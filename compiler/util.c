/* util.c — see util.h. */
#include "util.h"
#include "ir.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void rc_die(const char *fmt, ...) {
    va_list ap;
    fprintf(stderr, "rnnc: internal error: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    abort();
}

void *rc_xmalloc(size_t n) {
    void *p = malloc(n ? n : 1);
    if (!p)
        rc_die("out of memory (%zu bytes)", n);
    return p;
}

void *rc_xcalloc(size_t n, size_t m) {
    void *p = calloc(n ? n : 1, m ? m : 1);
    if (!p)
        rc_die("out of memory (%zu x %zu bytes)", n, m);
    return p;
}

void *rc_xrealloc(void *p, size_t n) {
    p = realloc(p, n ? n : 1);
    if (!p)
        rc_die("out of memory (%zu bytes)", n);
    return p;
}

char *rc_xstrndup(const char *s, size_t n) {
    char *p = rc_xmalloc(n + 1);
    if (n) /* s may be NULL when n is 0 (an empty protobuf string) */
        memcpy(p, s, n);
    p[n] = 0;
    return p;
}

char *rc_xstrdup(const char *s) { return rc_xstrndup(s, strlen(s)); }

void rc_buf_putn(rc_buf *b, const char *s, size_t n) {
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        b->p = rc_xrealloc(b->p, cap);
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = 0;
}

void rc_buf_puts(rc_buf *b, const char *s) { rc_buf_putn(b, s, strlen(s)); }

void rc_buf_vprintf(rc_buf *b, const char *fmt, va_list ap) {
    char tmp[512];
    va_list aq;
    int n;
    va_copy(aq, ap);
    n = vsnprintf(tmp, sizeof tmp, fmt, aq);
    va_end(aq);
    if (n < 0)
        rc_die("vsnprintf failed");
    if ((size_t)n < sizeof tmp) {
        rc_buf_putn(b, tmp, (size_t)n);
    } else {
        char *big = rc_xmalloc((size_t)n + 1);
        vsnprintf(big, (size_t)n + 1, fmt, ap);
        rc_buf_putn(b, big, (size_t)n);
        free(big);
    }
}

void rc_buf_printf(rc_buf *b, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    rc_buf_vprintf(b, fmt, ap);
    va_end(ap);
}

void rc_buf_free(rc_buf *b) {
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}

void rc_buf_put_escaped(rc_buf *b, const char *s, size_t max) {
    size_t i;
    for (i = 0; s[i] && i < max; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch >= 0x20 && ch < 0x7f && !strchr("*?\\\"", ch)) {
            char one = (char)ch;
            rc_buf_putn(b, &one, 1);
        } else {
            rc_buf_printf(b, "\\x%02x", ch);
        }
    }
    if (s[i])
        rc_buf_puts(b, "...");
}

/* The UTF-8 sequence at s (Unicode's table 3-7: no overlong forms, surrogates or values past
 * U+10FFFF): returns its length and sets *cp when it is well-formed; otherwise returns minus
 * the length of its longest start that could begin one (at least one byte), which is
 * replaced by one U+FFFD (Unicode's recommended practice, as Python's errors='replace').
 * Stops at a NUL: it is no continuation byte. */
static int utf8_seq(const unsigned char *s, uint32_t *cp) {
    const unsigned char c0 = s[0];
    /* the sequence length for lead byte c0, and the range of its second byte */
    int n = c0 < 0x80                  ? 1
            : c0 >= 0xc2 && c0 <= 0xdf ? 2
            : c0 >= 0xe0 && c0 <= 0xef ? 3
            : c0 >= 0xf0 && c0 <= 0xf4 ? 4
                                       : 0;
    unsigned char lo = c0 == 0xe0 ? 0xa0 : c0 == 0xf0 ? 0x90 : 0x80;
    unsigned char hi = c0 == 0xed ? 0x9f : c0 == 0xf4 ? 0x8f : 0xbf;
    uint32_t v = n == 1 ? c0 : n == 2 ? c0 & 0x1fu : n == 3 ? c0 & 0x0fu : c0 & 0x07u;
    if (!n)
        return -1;
    for (int k = 1; k < n; k++) {
        if (s[k] < lo || s[k] > hi)
            return -k;
        v = (v << 6) | (s[k] & 0x3fu);
        lo = 0x80, hi = 0xbf;
    }
    *cp = v;
    return n;
}

void rc_buf_put_json(rc_buf *b, const char *s) {
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    rc_buf_putn(b, "\"", 1);
    while (*p) {
        uint32_t cp = 0;
        int n = utf8_seq(p, &cp);
        p += n > 0 ? n : -n;
        if (n < 0)
            rc_buf_puts(b, "\\ufffd");
        else if (cp == '"' || cp == '\\')
            rc_buf_printf(b, "\\%c", (char)cp);
        else if (cp == '\n')
            rc_buf_puts(b, "\\n");
        else if (cp == '\t')
            rc_buf_puts(b, "\\t");
        else if (cp == '\r')
            rc_buf_puts(b, "\\r");
        else if (cp >= 0x20 && cp < 0x7f) {
            char one = (char)cp;
            rc_buf_putn(b, &one, 1);
        } else if (cp < 0x10000)
            rc_buf_printf(b, "\\u%04x", (unsigned)cp);
        else
            rc_buf_printf(b, "\\u%04x\\u%04x", 0xd800u + ((cp - 0x10000) >> 10),
                          0xdc00u + ((cp - 0x10000) & 0x3ffu));
    }
    rc_buf_putn(b, "\"", 1);
}

void rc_buf_put_json_num(rc_buf *b, double x) {
    if (x != x || x > DBL_MAX || x < -DBL_MAX)
        rc_buf_puts(b, "null");
    else if (x == floor(x) && fabs(x) < 9007199254740992.0)
        rc_buf_printf(b, "%.0f", x == 0 ? 0.0 : x); /* no "-0" */
    else
        rc_buf_printf(b, "%.17g", x);
}

/* s[0..n) into out (capacity cap, NUL-terminated): printable ASCII as is, every other byte
 * as \xNN; stops before an escape would not fit. Returns the length written. */
static size_t escape_into(char *out, size_t cap, const char *s, size_t n) {
    size_t o = 0;
    for (size_t i = 0; i < n && o + 5 < cap; i++) {
        const unsigned char ch = (unsigned char)s[i];
        if (ch >= 0x20 && ch < 0x7f)
            out[o++] = (char)ch;
        else
            o += (size_t)snprintf(out + o, cap - o, "\\x%02x", ch);
    }
    out[o] = 0;
    return o;
}

const char *rc_show(const char *s) {
    static char ring[8][200 * 4 + 8];
    static int next;
    char *b = ring[next++ & 7];
    size_t n = 0, o;
    while (s && s[n] && n < 200)
        n++;
    o = escape_into(b, sizeof ring[0], s ? s : "", n);
    if (s && s[n])
        memcpy(b + o, "...", 4);
    return b;
}

/* Error messages quote model strings; keep them on one line and printable. */
static void put_quoted(rc_buf *b, const char *s) {
    rc_buf_putn(b, "'", 1);
    for (size_t i = 0; s[i] && i < 200; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch >= 0x20 && ch < 0x7f && ch != '\'' && ch != '\\')
            rc_buf_putn(b, (const char *)&s[i], 1);
        else
            rc_buf_printf(b, "\\x%02x", ch);
    }
    rc_buf_putn(b, "'", 1);
}

int rc_err(rc_ctx *c, const struct ir_node *node, const char *what, const char *fmt, ...) {
    rc_buf b = {0};
    va_list ap;
    if (c->failed)
        return -1;
    c->failed = 1;
    if (!c->file || c->file[0]) /* "": the message names its file itself */
        rc_buf_printf(&b, "%s: ", c->file ? c->file : "<input>");
    if (node) {
        rc_buf_puts(&b, "node ");
        put_quoted(&b, node->name[0] ? node->name : "(unnamed)");
        rc_buf_puts(&b, " (");
        put_quoted(&b, node->op_type);
        if (node->domain[0] && strcmp(node->domain, "ai.onnx") != 0) {
            rc_buf_puts(&b, " in domain ");
            put_quoted(&b, node->domain);
        }
        rc_buf_puts(&b, "): ");
    }
    if (what && what[0])
        rc_buf_printf(&b, "%s: ", what);
    va_start(ap, fmt);
    rc_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    /* the whole message on one line and printable: tensor names, paths and values from the
     * model reach it through the format too (a newline or a terminal escape in a name must
     * not reach the user's terminal) */
    escape_into(c->msg, sizeof c->msg, b.p, b.len);
    rc_buf_free(&b);
    return -1;
}

unsigned char *rc_read_file(const char *path, size_t *len, int *err_no) {
    FILE *f = fopen(path, "rb");
    unsigned char *p = NULL;
    size_t cap = 0, n = 0;
    if (!f) {
        *err_no = errno;
        return NULL;
    }
    for (;;) {
        size_t got;
        if (n == cap) {
            cap = cap ? cap * 2 : 65536;
            p = rc_xrealloc(p, cap);
        }
        got = fread(p + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        *err_no = errno ? errno : EIO;
        fclose(f);
        free(p);
        return NULL;
    }
    fclose(f);
    *len = n;
    return p;
}

int rc_mul_ok(int64_t a, int64_t b, int64_t *out) {
    if (a < 0 || b < 0)
        return 0;
    if (a != 0 && b > INT32_MAX / a)
        return 0;
    *out = a * b;
    return 1;
}

/* ---- SHA-256 (FIPS 180-4) ---- */

static uint32_t sha_rotr(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

static void sha_block(uint32_t h[8], const unsigned char *p) {
    static const uint32_t k[64] = {
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
        0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
        0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
        0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
        0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
        0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
        0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
        0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
        0xc67178f2};
    uint32_t w[64], a[8];
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
               (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = sha_rotr(w[i - 15], 7) ^ sha_rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = sha_rotr(w[i - 2], 17) ^ sha_rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    memcpy(a, h, sizeof a);
    for (int i = 0; i < 64; i++) {
        uint32_t S1 = sha_rotr(a[4], 6) ^ sha_rotr(a[4], 11) ^ sha_rotr(a[4], 25);
        uint32_t ch = (a[4] & a[5]) ^ (~a[4] & a[6]);
        uint32_t t1 = a[7] + S1 + ch + k[i] + w[i];
        uint32_t S0 = sha_rotr(a[0], 2) ^ sha_rotr(a[0], 13) ^ sha_rotr(a[0], 22);
        uint32_t maj = (a[0] & a[1]) ^ (a[0] & a[2]) ^ (a[1] & a[2]);
        memmove(a + 1, a, 7 * sizeof a[0]);
        a[4] += t1;
        a[0] = t1 + S0 + maj;
    }
    for (int i = 0; i < 8; i++)
        h[i] += a[i];
}

void rc_sha256_hex(const unsigned char *data, size_t len, char out[65]) {
    uint32_t h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                     0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    unsigned char tail[128] = {0};
    size_t full = len / 64 * 64, rest = len - full, n;
    uint64_t bits = (uint64_t)len * 8;
    for (size_t off = 0; off < full; off += 64)
        sha_block(h, data + off);
    if (rest)
        memcpy(tail, data + full, rest);
    tail[rest] = 0x80; /* then zeros, then the length in bits, big-endian */
    n = rest + 1 + 8 <= 64 ? 64 : 128;
    for (int i = 0; i < 8; i++)
        tail[n - 1 - i] = (unsigned char)(bits >> (8 * i));
    for (size_t off = 0; off < n; off += 64)
        sha_block(h, tail + off);
    for (int i = 0; i < 8; i++)
        snprintf(out + 8 * i, 9, "%08x", (unsigned)h[i]);
}
