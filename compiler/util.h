/* util.h — small helpers shared by the compiler: allocation that cannot fail
 * silently, a growable string buffer, and the compile context that keeps the
 * first error (errors are values; only main() exits). */
#ifndef RNNC_UTIL_H
#define RNNC_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define RC_VERSION "0.1.0"

/* Allocation failure in the compiler is an internal fault, not a user error. */
void *rc_xmalloc(size_t n);
void *rc_xcalloc(size_t n, size_t m);
void *rc_xrealloc(void *p, size_t n);
char *rc_xstrdup(const char *s);
char *rc_xstrndup(const char *s, size_t n);

/* Internal bug: print and abort. Never used for bad user input. */
void rc_die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

/* Growable NUL-terminated byte buffer. */
typedef struct rc_buf {
    char *p;
    size_t len, cap;
} rc_buf;

void rc_buf_putn(rc_buf *b, const char *s, size_t n);
void rc_buf_puts(rc_buf *b, const char *s);
void rc_buf_printf(rc_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void rc_buf_vprintf(rc_buf *b, const char *fmt, va_list ap);
void rc_buf_free(rc_buf *b);

/* Writes s as text safe inside a C block comment or a string literal: printable
 * ASCII except '*', '?', '\\' and '"' is kept; every other byte becomes \xNN.
 * Without '*' neither a comment end nor a nested comment start can form; without
 * '?' no trigraph, without '\\' no line splice, and no newline from a model
 * reaches the source. */
void rc_buf_put_escaped(rc_buf *b, const char *s, size_t max);

/* Writes s as a JSON string, quotes included, in ASCII only: '"' and '\\' escaped, control
 * characters and everything past U+007E as \uXXXX (UTF-16 surrogate pairs past U+FFFF);
 * bytes that are not well-formed UTF-8 (a stray continuation byte, an overlong form, a
 * surrogate, a code point past U+10FFFF, a truncated sequence) become U+FFFD, one for each
 * maximal start of a sequence (as Python's bytes.decode('utf-8', 'replace')). NULL is
 * written as "". The result is valid JSON whatever the bytes. */
void rc_buf_put_json(rc_buf *b, const char *s);
/* A JSON number: whole numbers below 2^53 in full ("1234"), others with 17 significant
 * digits; null for NaN and the infinities (JSON has no such numbers). */
void rc_buf_put_json_num(rc_buf *b, double x);

struct ir_node;

/* Compile context: the model file and the first error, with its context. */
typedef struct rc_ctx {
    const char *file;
    int failed;
    int unbound; /* the error is only that symbolic input dims are not bound */
    /* --stream: the error is only that an input lacks the time axis (another assignment of
     * time axes to the graph inputs may be the one to explain) */
    int no_time;
    /* the error is that the model uses ops rnnc does not implement (all listed in msg) */
    int unsupported;
    /* in: load a model whose ops are not all implemented (their op stays RC_OP_NONE), so that
     * `rnnc info` can still show what it knows */
    int keep_unknown_ops;
    char msg[4096];
    /* --max-mb: the largest tensor (initializer, folded constant, intermediate) and the
     * largest total of initializers accepted, in bytes; 0 = RC_MAX_BYTES_DEFAULT */
    size_t max_bytes;
    /* the graph input that an op needs as a compile-time constant (the first such error),
     * "" if none: `rnnc run`/`check` bind it from the data set and retry */
    char need_const[256];
    int need_const_input; /* its declared-input index (set by the front end) */
} rc_ctx;

#define RC_MAX_BYTES_DEFAULT ((size_t)1024 * 1024 * 1024)
static inline size_t rc_max_bytes(const rc_ctx *c) {
    return c->max_bytes ? c->max_bytes : RC_MAX_BYTES_DEFAULT;
}

/* Records "FILE: node 'NAME' (OP): WHAT: DETAIL" unless an error is already
 * kept; returns -1 so callers can `return rc_err(...)`. node may be NULL. */
int rc_err(rc_ctx *c, const struct ir_node *node, const char *what, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* A model string made safe to print: bytes outside printable ASCII as \xNN, cut after 200
 * bytes with "...". The result lives in one of 8 rotating buffers (so up to 8 can appear in
 * one printf). */
const char *rc_show(const char *s);

/* Whole-file read; returns NULL and sets *err_no on failure. */
unsigned char *rc_read_file(const char *path, size_t *len, int *err_no);

/* SHA-256 of len bytes as 64 lowercase hex digits and a NUL (the model's content hash in the
 * generated files' headers: the same model gives the same bytes from any path). */
void rc_sha256_hex(const unsigned char *data, size_t len, char out[65]);

/* Element counts: returns 0 on overflow past INT32_MAX elements. */
int rc_mul_ok(int64_t a, int64_t b, int64_t *out);

#endif
