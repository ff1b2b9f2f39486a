/* emit.c — generated-file layout: header, constants, context struct, node
 * functions and NAME_run. Model strings reach the output only through
 * em_sanitize (identifiers) or rc_buf_put_escaped (comments). */
#include "emit.h"

#include "rnnrt.h"

#include <ctype.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const c_keywords[] = {
    "auto",     "break",  "case",   "char",     "const",      "continue", "default",  "do",
    "double",   "else",   "enum",   "extern",   "float",      "for",      "goto",     "if",
    "inline",   "int",    "long",   "register", "restrict",   "return",   "short",    "signed",
    "sizeof",   "static", "struct", "switch",   "typedef",    "union",    "unsigned", "void",
    "volatile", "while",  "_Bool",  "_Complex", "_Imaginary", "main",     "asm",      "bool",
    "true",     "false",  "NULL",   NULL};

int em_valid_name(const char *s) {
    if (!s || !(isalpha((unsigned char)s[0])) || strlen(s) > 48)
        return -1;
    for (const char *p = s; *p; p++)
        if (!(isalnum((unsigned char)*p) || *p == '_') || (unsigned char)*p > 0x7f)
            return -1;
    for (int i = 0; c_keywords[i]; i++)
        if (strcmp(s, c_keywords[i]) == 0)
            return -1;
    if (strncmp(s, "rnnrt", 5) == 0)
        return -1;
    return 0;
}

void em_sanitize(const char *s, char *out, size_t n) {
    size_t k = 0;
    if (n < 4)
        rc_die("em_sanitize: buffer too small");
    if (!isalpha((unsigned char)s[0]))
        out[k++] = 'v';
    for (; *s && k + 1 < n; s++)
        out[k++] = (isalnum((unsigned char)*s) && (unsigned char)*s < 0x80) ? *s : '_';
    out[k] = 0;
}

void em_float_lit(float v, char *buf, size_t n) {
    if (v != v) /* NaN and infinities have no literal: C99's <math.h> macros (via rnnrt.h) */
        snprintf(buf, n, "%s", signbit(v) ? "(-NAN)" : "NAN");
    else if (isinf(v))
        snprintf(buf, n, "%s", v < 0 ? "(-INFINITY)" : "INFINITY");
    else /* %a is exact: the literal denotes the same float, bit for bit */
        snprintf(buf, n, "%af", (double)v);
}

double em_gemm_min(const em_state *e) {
    return e->opts->gemm_min > 0 ? e->opts->gemm_min : 16384.0;
}

void em_printf(em_state *e, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    rc_buf_vprintf(&e->funcs, fmt, ap);
    va_end(ap);
}

/* Keeps s until the emitter finishes, so op emitters can hold the expression. */
static const char *pooled(em_state *e, const char *s) {
    if (e->n_pool == e->cap_pool) {
        e->cap_pool = e->cap_pool ? e->cap_pool * 2 : 64;
        e->pool = rc_xrealloc(e->pool, sizeof(char *) * (size_t)e->cap_pool);
    }
    e->pool[e->n_pool] = rc_xstrdup(s);
    return e->pool[e->n_pool++];
}

/* Bytes of constant data / of context memory emitted: in the totals and for their owner. */
static void count_const(em_state *e, size_t bytes) {
    e->const_bytes += bytes;
    *e->const_owner += bytes;
}

static void count_scratch(em_state *e, size_t bytes) {
    e->scratch_bytes += bytes;
    *e->scratch_owner += bytes;
}

const char *em_scratch(em_state *e, const char *tag, size_t n) {
    return em_scratch_typed(e, tag, IR_FLOAT, n);
}

/* A float buffer in the arena: its lifetime is read off the emitted text
 * (the nodes whose code names its token), then it gets an offset. */
typedef struct em_arena_buf {
    size_t n, off;
    int graph, first, last;
} em_arena_buf;

typedef struct em_region {
    size_t start, end;
    int graph, node;
} em_region;

/* Tokens are \x01S<id>\x01: escaped model text never holds a raw \x01. */
#define ARENA_MARK '\x01'

/* 1 if node n has outputs and every one of them has no elements */
static int outputs_empty(const ir_graph *g, const ir_node *n) {
    int any = 0;
    for (int k = 0; k < n->n_out; k++) {
        if (n->out[k] < 0)
            continue;
        if (ir_numel(&g->t[n->out[k]]) != 0)
            return 0;
        any = 1;
    }
    return any;
}

/* A member of the context struct: esz-byte elements, count of them; at (0: last, 1: first). */
static void add_member(em_state *e, size_t esz, size_t count, int first) {
    if (e->n_members == e->cap_members) {
        e->cap_members = e->cap_members ? 2 * e->cap_members : 16;
        e->members = rc_xrealloc(e->members, sizeof *e->members * (size_t)e->cap_members);
    }
    if (first)
        memmove(e->members + 1, e->members, sizeof *e->members * (size_t)e->n_members);
    e->members[first ? 0 : e->n_members][0] = esz;
    e->members[first ? 0 : e->n_members][1] = count;
    e->n_members++;
}

/* sizeof the context struct where each scalar type is aligned to its size (x86-64, AArch64,
 * 32-bit ARM AAPCS, RISC-V): members in order, each at a multiple of its element size, the
 * whole rounded up to the largest. */
static size_t ctx_layout_size(const em_state *e) {
    size_t off = 0, align = 1;
    for (int i = 0; i < e->n_members; i++) {
        size_t a = e->members[i][0];
        off = (off + a - 1) / a * a + a * e->members[i][1];
        align = a > align ? a : align;
    }
    if (e->n_members == 0)
        off = 1; /* char unused_ */
    return (off + align - 1) / align * align;
}

static const char *field(em_state *e, const char *tag, int dtype, size_t n) {
    char buf[128];
    add_member(e, ir_dtype_size(dtype), n ? n : 1, 0);
    /* a zero-size array is not C99: keep one element */
    rc_buf_printf(&e->fields, "    %s %s%d_%s[%zu];\n", em_ctype(dtype), e->stream ? "s" : "n",
                  e->node, tag, n ? n : 1);
    e->ctx_bytes += (n ? n : 1) * ir_dtype_size(dtype);
    count_scratch(e, (n ? n : 1) * ir_dtype_size(dtype));
    snprintf(buf, sizeof buf, "ctx->%s%d_%s", e->stream ? "s" : "n", e->node, tag);
    return pooled(e, buf);
}

const char *em_scratch_typed(em_state *e, const char *tag, int dtype, size_t n) {
    char buf[32];
    if (dtype != IR_FLOAT)
        return field(e, tag, dtype, n);
    if (e->n_bufs == e->cap_bufs) {
        e->cap_bufs = e->cap_bufs ? e->cap_bufs * 2 : 32;
        e->bufs = rc_xrealloc(e->bufs, sizeof(em_arena_buf) * (size_t)e->cap_bufs);
    }
    e->bufs[e->n_bufs] = (em_arena_buf){n ? n : 1, 0, e->stream, -1, -1};
    count_scratch(e, (n ? n : 1) * sizeof(float));
    snprintf(buf, sizeof buf, "%cS%d%c", ARENA_MARK, e->n_bufs++, ARENA_MARK);
    return pooled(e, buf);
}

const char *em_scratch_state(em_state *e, const char *tag, size_t n) {
    return field(e, tag, IR_FLOAT, n);
}

/* Calls fn for every arena token in text, with its buffer id. */
static void each_token(const char *text, size_t len, void (*fn)(void *arg, int id, int node),
                       void *arg, int node) {
    for (size_t i = 0; i + 2 < len; i++)
        if (text[i] == ARENA_MARK && text[i + 1] == 'S') {
            int id = (int)strtol(text + i + 2, NULL, 10);
            fn(arg, id, node);
            i = (size_t)(strchr(text + i + 1, ARENA_MARK) - text);
        }
}

static void note_use(void *arg, int id, int node) {
    em_arena_buf *b = &((em_state *)arg)->bufs[id];
    if (b->first < 0 || node < b->first)
        b->first = node;
    if (node > b->last)
        b->last = node;
}

/* Larger first; equal sizes in creation order (a stable order, so the layout is
 * deterministic). */
static const em_arena_buf *sort_bufs;
static int by_size_desc(const void *pa, const void *pb) {
    int a = *(const int *)pa, b = *(const int *)pb;
    if (sort_bufs[a].n != sort_bufs[b].n)
        return sort_bufs[a].n > sort_bufs[b].n ? -1 : 1;
    return (a > b) - (a < b);
}

/* A lifetime bound as a slot: -1 (never used) is slot 0, node k slot k + 1, and the entry
 * points' final copies (node 1 << 30) the slot after the last node's. */
static int life_slot(int t, int top) { return t < 0 ? 0 : t >= (1 << 30) ? top : t + 1; }

typedef struct slot_list {
    int n, cap, *id;
} slot_list;

/* Offsets: largest first, each at the lowest offset free of every buffer of the same graph
 * whose lifetime overlaps (run and step never run together). Which buffers overlap comes
 * from per-slot lists of the buffers placed so far, so a graph of n short-lived buffers
 * costs about n, not n^2; the lowest free offset does not depend on the order in which the
 * overlapping buffers are looked at. */
static size_t place_buffers(em_state *e) {
    int *order = rc_xcalloc((size_t)e->n_bufs + 1, sizeof(int));
    int *seen = rc_xcalloc((size_t)e->n_bufs + 1, sizeof(int)), *cand;
    int top = 1, n_cand;
    slot_list *slots;
    size_t total = 0;
    for (int i = 0; i < e->n_bufs; i++) {
        order[i] = i;
        if (e->bufs[i].last < (1 << 30) && e->bufs[i].last + 2 > top)
            top = e->bufs[i].last + 2;
        if (e->bufs[i].first < (1 << 30) && e->bufs[i].first + 2 > top)
            top = e->bufs[i].first + 2;
    }
    sort_bufs = e->bufs;
    qsort(order, (size_t)e->n_bufs, sizeof(int), by_size_desc);
    slots = rc_xcalloc((size_t)top + 1, sizeof(slot_list));
    cand = rc_xcalloc((size_t)e->n_bufs + 1, sizeof(int));
    for (int i = 0; i < e->n_bufs; i++) {
        em_arena_buf *b = &e->bufs[order[i]];
        int s0 = life_slot(b->first, top), s1 = life_slot(b->last, top);
        size_t off = 0;
        n_cand = 0;
        for (int s = s0; s <= s1; s++)
            for (int k = 0; k < slots[s].n; k++) {
                int j = slots[s].id[k];
                if (seen[j] != i + 1 && e->bufs[j].graph == b->graph)
                    seen[j] = i + 1, cand[n_cand++] = j;
            }
        for (int moved = 1; moved;) {
            moved = 0;
            for (int k = 0; k < n_cand; k++) {
                const em_arena_buf *o = &e->bufs[cand[k]];
                if (off < o->off + o->n && o->off < off + b->n)
                    off = o->off + o->n, moved = 1;
            }
        }
        b->off = off;
        if (off + b->n > total)
            total = off + b->n;
        for (int s = s0; s <= s1; s++) {
            slot_list *l = &slots[s];
            if (l->n == l->cap) {
                l->cap = l->cap ? 2 * l->cap : 4;
                l->id = rc_xrealloc(l->id, sizeof(int) * (size_t)l->cap);
            }
            l->id[l->n++] = order[i];
        }
    }
    for (int s = 0; s <= top; s++)
        free(slots[s].id);
    free(slots);
    free(cand);
    free(seen);
    free(order);
    return total;
}

/* Replaces every arena token in b by its place in ctx->mem. */
static void resolve_tokens(em_state *e, rc_buf *b) {
    rc_buf out = {0};
    for (size_t i = 0; i < b->len; i++) {
        if (b->p[i] == ARENA_MARK && b->p[i + 1] == 'S') {
            int id = (int)strtol(b->p + i + 2, NULL, 10);
            if (e->bufs[id].off)
                rc_buf_printf(&out, "(ctx->mem + %zu)", e->bufs[id].off);
            else
                rc_buf_puts(&out, "ctx->mem");
            i = (size_t)(strchr(b->p + i + 1, ARENA_MARK) - b->p);
        } else {
            rc_buf_putn(&out, b->p + i, 1);
        }
    }
    rc_buf_free(b);
    *b = out;
}

static void add_region(em_state *e, size_t start, int node) {
    if (e->n_regions == e->cap_regions) {
        e->cap_regions = e->cap_regions ? e->cap_regions * 2 : 32;
        e->regions = rc_xrealloc(e->regions, sizeof(em_region) * (size_t)e->cap_regions);
    }
    e->regions[e->n_regions++] = (em_region){start, e->funcs.len, e->stream, node};
}

/* Lifetimes from the node functions and entry bodies, then offsets and the
 * mem field; every token in the emitted text becomes ctx->mem + offset. */
static void layout_arena(em_state *e, rc_buf *run_body, rc_buf *step_body) {
    size_t total;
    rc_buf fields = {0};
    for (int r = 0; r < e->n_regions; r++) {
        const em_region *g = &e->regions[r];
        each_token(e->funcs.p + g->start, g->end - g->start, note_use, e, g->node);
    }
    /* an entry point's final copies run after its last node */
    each_token(run_body->p ? run_body->p : "", run_body->len, note_use, e, 1 << 30);
    each_token(step_body->p ? step_body->p : "", step_body->len, note_use, e, 1 << 30);
    total = place_buffers(e);
    if (total) {
        rc_buf_printf(&fields,
                      "    float mem[%zu]; /* scratch, shared by nodes that do not overlap */\n",
                      total);
        if (e->fields.len)
            rc_buf_puts(&fields, e->fields.p);
        rc_buf_free(&e->fields);
        e->fields = fields;
        e->ctx_bytes += total * sizeof(float);
        add_member(e, sizeof(float), total, 1);
    }
    resolve_tokens(e, &e->funcs);
    resolve_tokens(e, run_body);
    resolve_tokens(e, step_body);
}

/* Constants of at least this many bytes are emitted as byte strings, smaller ones as lists
 * of literals (easier to read in the generated source). */
#define EM_BYTES_MIN 256
/* Bytes per string literal: C99 compilers need only take 4095 (gcc and clang -pedantic
 * warn beyond that) */
#define EM_ROW_MAX 4095

/* Appends byte x of a string literal, next the byte after it (-1 at the end): printable
 * characters as themselves, others as the shortest octal escape, or a 3-digit one when a
 * digit 0-7 follows (it would extend the escape). *prev is the last character written. */
static void str_byte(rc_buf *b, int x, int next, int *prev) {
    if (x >= 0x20 && x < 0x7f && x != '"' && x != '\\' && !(x == '?' && *prev == '?')) {
        char c = (char)x;
        rc_buf_putn(b, &c, 1);
    } else if (x == '"' || x == '\\' || x == '?') {
        /* a second '?' in a row would start a trigraph */
        rc_buf_printf(b, "\\%c", (char)x);
    } else {
        rc_buf_printf(b, next >= '0' && next <= '7' ? "\\%03o" : "\\%o", (unsigned)x);
    }
    *prev = b->p[b->len - 1];
}

/* The element i of n values of elem bytes each, as little-endian bytes (whatever the host's
 * byte order), one row of a byte-string initializer. */
static int le_byte(const void *data, size_t elem, size_t i) {
    const unsigned char *p = data;
    size_t k = i / elem, j = i % elem;
    uint64_t v = 0;
    switch (elem) {
    case 1:
        return p[i];
    case 2:
        v = ((const uint16_t *)data)[k];
        break;
    case 4:
        v = ((const uint32_t *)data)[k];
        break;
    default:
        v = ((const uint64_t *)data)[k];
        break;
    }
    return (int)((v >> (8 * j)) & 0xffu);
}

/*
 * n values of elem bytes as a union of rows of bytes and the typed array, cname.v:
 *   static const union { unsigned char b[R][L]; T v[n]; } cname = {{ "...", "..." }};
 * String literals are one token each, so compilers take a million weights in about a second
 * where an initializer list of a million numbers takes several (see bench/README.md). The
 * rows split the bytes into R <= ceil(bytes / 4095) equal rows (the last padded with
 * zeros): under R bytes of padding. The bytes are little-endian; the generated C refuses a
 * big-endian target at compile time where the compiler says (__BYTE_ORDER__).
 */
static void const_bytes(em_state *e, const char *cname, const char *ctype, const void *data,
                        size_t elem, size_t n, int align64) {
    size_t bytes = n * elem, rows = (bytes + EM_ROW_MAX - 1) / EM_ROW_MAX;
    size_t len = (bytes + rows - 1) / rows;
    rc_buf *b = &e->consts;
    e->le_bytes = 1;
    rc_buf_printf(
        b, "static const union {\n    unsigned char b[%zu][%zu];\n    %s v[%zu];\n}%s %s = {{",
        rows, len, ctype, n, align64 ? " RNNRT_ALIGN64" : "", cname);
    for (size_t r = 0; r < rows; r++) {
        size_t end = (r + 1) * len < bytes ? (r + 1) * len : bytes, line = b->len;
        int prev = 0;
        rc_buf_puts(b, r ? ",\n\"" : "\n\"");
        for (size_t i = r * len; i < end; i++) {
            if (b->len - line >= 240) {
                /* lines of about 250 characters: adjacent literals are one string */
                rc_buf_puts(b, "\"\n\"");
                line = b->len;
                prev = 0;
            }
            str_byte(b, le_byte(data, elem, i), i + 1 < end ? le_byte(data, elem, i + 1) : -1,
                     &prev);
        }
        rc_buf_puts(b, "\"");
    }
    rc_buf_puts(b, "\n}};\n\n");
}

static void const_words(em_state *e, const uint32_t *w, size_t n) {
    for (size_t i = 0; i < n; i++)
        rc_buf_printf(&e->consts, "%s0x%" PRIx32 ",", i % 10 ? "" : "\n    ", w[i]);
    rc_buf_puts(&e->consts, "\n}};\n\n");
}

typedef struct em_fconst {
    uint64_t hash;
    size_t n;
    float *v;   /* a copy of the values */
    char *expr; /* its C expression */
} em_fconst;

static uint64_t fconst_hash(const float *v, size_t n) {
    const unsigned char *p = (const unsigned char *)v;
    uint64_t h = 1469598103934665603u; /* FNV-1a */
    for (size_t i = 0; i < n * sizeof(float); i++)
        h = (h ^ p[i]) * 1099511628211u;
    return h;
}

/* The expression of an already emitted float constant with exactly these bits, or NULL. */
static const char *fconst_find(const em_state *e, const float *v, size_t n) {
    uint64_t h = fconst_hash(v, n);
    for (int i = 0; i < e->n_fconsts; i++)
        if (e->fconsts[i].hash == h && e->fconsts[i].n == n &&
            memcmp(e->fconsts[i].v, v, n * sizeof(float)) == 0)
            return e->fconsts[i].expr;
    return NULL;
}

static void fconst_add(em_state *e, const float *v, size_t n, const char *expr) {
    em_fconst *f;
    if (e->n_fconsts == e->cap_fconsts) {
        e->cap_fconsts = e->cap_fconsts ? 2 * e->cap_fconsts : 16;
        e->fconsts = rc_xrealloc(e->fconsts, sizeof *e->fconsts * (size_t)e->cap_fconsts);
    }
    f = &e->fconsts[e->n_fconsts++];
    f->hash = fconst_hash(v, n);
    f->n = n;
    f->v = rc_xmalloc(sizeof(float) * (n ? n : 1));
    memcpy(f->v, v, sizeof(float) * n);
    f->expr = rc_xstrdup(expr);
}

static const char *const_f32_named(em_state *e, const char *cname, const float *v, size_t n) {
    char buf[160];
    uint32_t *w;
    /* 64-byte aligned (one cache line, one AVX-512 vector) where the compiler can be told:
     * the runtime's kernels stream packed weights with full-vector loads */
    if (n * sizeof(float) >= EM_BYTES_MIN) {
        const_bytes(e, cname, "float", v, sizeof(float), n, 1);
        count_const(e, n * sizeof(float));
        snprintf(buf, sizeof buf, "%s.v", cname);
        fconst_add(e, v, n, buf);
        return pooled(e, buf);
    }
    /* small float data as its 32-bit patterns: bit-exact, readable */
    w = rc_xmalloc(sizeof(uint32_t) * (n ? n : 1));
    memcpy(w, v, sizeof(float) * n);
    rc_buf_printf(
        &e->consts,
        "static const union {\n    uint32_t u[%zu];\n    float f[%zu];\n} RNNRT_ALIGN64 %s = "
        "{{",
        n ? n : 1, n ? n : 1, cname);
    if (!n)
        rc_buf_puts(&e->consts, "0"); /* C99 has no empty arrays */
    const_words(e, w, n);
    free(w);
    count_const(e, n * sizeof(float));
    snprintf(buf, sizeof buf, "%s.f", cname);
    fconst_add(e, v, n, buf);
    return pooled(e, buf);
}

static rc_wprec wprec(const ir_tensor *t);

size_t em_packed_size(const ir_tensor *wt, size_t rows, size_t k) {
    return wprec(wt) == RC_W_I8 ? RNNRT_PACKED_SIZE_I8(rows, k) : RNNRT_PACKED_SIZE(rows, k);
}

/* int8 (RNNRT_PACKED_SIZE_I8): groups of 4 kk per row, then the int32 row sums as 4 bytes
 * each, little-endian; every element a byte value held as a float for em_packed_weights */
static size_t pack_i8(float *t, const float *v, int rows, int k, size_t rs, size_t ks) {
    const int n16 = (rows + 15) / 16 * 16, k4 = (k + 3) / 4 * 4;
    float *sums = t + (size_t)n16 * k4;
    for (int p0 = 0; p0 < n16; p0 += RNNRT_PANEL) {
        const int w = n16 - p0 < RNNRT_PANEL ? n16 - p0 : RNNRT_PANEL;
        for (int j = 0; j < w && p0 + j < rows; j++) {
            int32_t s = 0;
            uint32_t u;
            for (int kk = 0; kk < k; kk++) {
                const float q = v[(size_t)(p0 + j) * rs + (size_t)kk * ks];
                t[(size_t)p0 * k4 + (size_t)(kk / 4) * 4 * w + (size_t)j * 4 + kk % 4] = q;
                s += (int32_t)q;
            }
            u = (uint32_t)s;
            for (int b = 0; b < 4; b++)
                sums[(size_t)(p0 + j) * 4 + b] = (float)(int8_t)(uint8_t)(u >> (8 * b));
        }
    }
    return (size_t)n16 * (k4 + 4);
}

size_t em_pack_panels(const ir_tensor *wt, float *t, const float *v, int rows, int k, size_t rs,
                      size_t ks) {
    const int n16 = (rows + 15) / 16 * 16;
    if (wprec(wt) == RC_W_I8)
        return pack_i8(t, v, rows, k, rs, ks);
    for (int p0 = 0; p0 < n16; p0 += RNNRT_PANEL) {
        const int w = n16 - p0 < RNNRT_PANEL ? n16 - p0 : RNNRT_PANEL;
        /* panel p0, k-major: W[p0 + j][kk] at t[p0 * k + kk * w + j] */
        for (int kk = 0; kk < k; kk++)
            for (int j = 0; j < w && p0 + j < rows; j++)
                t[(size_t)p0 * k + (size_t)kk * w + j] = v[(size_t)(p0 + j) * rs + (size_t)kk * ks];
    }
    return (size_t)n16 * k;
}

static rc_wprec wprec(const ir_tensor *t) { return t->quant ? t->quant->prec : RC_W_F32; }

const float *em_wvalues(const ir_tensor *t) { return wprec(t) == RC_W_I8 ? t->quant->q : t->data; }

const char *em_wsuffix(const ir_tensor *t) {
    static const char *const s[] = {"f32", "f16", "bf16", "i8"};
    return s[wprec(t)];
}

const char *em_wctype(const ir_tensor *t) {
    static const char *const s[] = {"float", "uint16_t", "uint16_t", "int8_t"};
    return s[wprec(t)];
}

/* The packed values at the weight's precision: each is exact there (the weights pass
 * rounded them), so the conversions below lose nothing. */
const char *em_packed_weights(em_state *e, const char *tag, const ir_tensor *t, const float *packed,
                              size_t n) {
    const rc_wprec p = wprec(t);
    const char *expr;
    if (p == RC_W_F32)
        return em_const_f32(e, tag, packed, n);
    if (p == RC_W_I8) {
        int8_t *q = rc_xmalloc(n + 1);
        for (size_t i = 0; i < n; i++)
            q[i] = (int8_t)packed[i];
        expr = em_const_data(e, tag, "int8_t", q, 1, n);
        free(q);
    } else {
        uint16_t *h = rc_xmalloc(2 * n + 2);
        for (size_t i = 0; i < n; i++)
            h[i] = p == RC_W_F16 ? ir_float_to_half(packed[i]) : ir_float_to_bf16(packed[i]);
        expr = em_const_data(e, tag, "uint16_t", h, 2, n);
        free(h);
    }
    return expr;
}

const char *em_const_f32(em_state *e, const char *tag, const float *v, size_t n) {
    char cname[128];
    const char *same = fconst_find(e, v, n);
    if (same)
        return pooled(e, same);
    snprintf(cname, sizeof cname, "%s_%s%d_%s", e->opts->name, e->stream ? "s" : "n", e->node, tag);
    rc_buf_printf(&e->consts, "/* %s of %snode %d, folded at compile time */\n", tag,
                  e->stream ? "step " : "", e->node);
    return const_f32_named(e, cname, v, n);
}

const char *em_const_data(em_state *e, const char *tag, const char *ctype, const void *v,
                          size_t elem, size_t n) {
    char cname[128], buf[160];
    static const unsigned char zero[8];
    snprintf(cname, sizeof cname, "%s_%s%d_%s", e->opts->name, e->stream ? "s" : "n", e->node, tag);
    rc_buf_printf(&e->consts, "/* %s of %snode %d, %s */\n", tag, e->stream ? "step " : "", e->node,
                  ctype);
    /* C99 has no empty arrays: one zero element */
    const_bytes(e, cname, ctype, n ? v : zero, elem, n ? n : 1, 1);
    count_const(e, n * elem);
    snprintf(buf, sizeof buf, "%s.v", cname);
    return pooled(e, buf);
}

const char *em_ctype(int dtype) {
    switch (dtype) {
    case IR_FLOAT:
        return "float";
    case IR_DOUBLE:
        return "double";
    case IR_INT32:
        return "int32_t";
    case IR_INT64:
        return "int64_t";
    case IR_UINT8:
    case IR_BOOL:
        return "uint8_t";
    case IR_INT8:
        return "int8_t";
    case IR_INT16:
        return "int16_t";
    case IR_UINT16:
    case IR_FLOAT16:
    case IR_BFLOAT16:
        return "uint16_t";
    case IR_UINT32:
        return "uint32_t";
    case IR_UINT64:
        return "uint64_t";
    default:
        rc_die("em_ctype: dtype %d", dtype);
    }
}

static void comment_name(rc_buf *b, const char *s) { rc_buf_put_escaped(b, s, 120); }

/* The C pointer expression of tensor ti's data; constants are emitted on first use. */
const char *em_tensor(em_state *e, int ti) {
    const ir_tensor *t = &e->g->t[ti];
    char cname[128];
    if (e->texpr[ti])
        return e->texpr[ti];
    if (!t->data)
        rc_die("em_tensor: tensor %d has no storage", ti);
    if (ir_numel(t) == 0) {
        /* an empty constant: nothing reads an element of it, so no data is emitted (an
         * unused definition would be a warning) */
        char buf[64];
        snprintf(buf, sizeof buf, "((const %s *)0)", em_ctype(t->dtype));
        e->texpr[ti] = rc_xstrdup(buf);
        return e->texpr[ti];
    }
    /* initializers are shared by the run and step graphs; folded values may differ */
    snprintf(cname, sizeof cname, "%s_%s%d", e->opts->name, e->stream && !t->is_init ? "sc" : "c",
             ti);
    if (t->dtype == IR_FLOAT) {
        const char *same = fconst_find(e, t->data, (size_t)ir_numel(t));
        if (same) {
            e->texpr[ti] = rc_xstrdup(same);
            return e->texpr[ti];
        }
    }
    rc_buf_puts(&e->consts, "/* initializer '");
    comment_name(&e->consts, t->name);
    rc_buf_printf(&e->consts, "' %s */\n", ir_dtype_name(t->dtype));
    if (t->dtype == IR_FLOAT) {
        e->texpr[ti] = rc_xstrdup(const_f32_named(e, cname, t->data, (size_t)ir_numel(t)));
    } else if ((size_t)ir_numel(t) * ir_dtype_size(t->dtype) >= EM_BYTES_MIN &&
               t->dtype != IR_BOOL) {
        /* large data of any other type as bytes too (bool stays a readable list of 0/1) */
        char buf[160];
        const_bytes(e, cname, em_ctype(t->dtype), t->data, ir_dtype_size(t->dtype),
                    (size_t)ir_numel(t), 0);
        count_const(e, (size_t)ir_numel(t) * ir_dtype_size(t->dtype));
        snprintf(buf, sizeof buf, "%s.v", cname);
        e->texpr[ti] = rc_xstrdup(buf);
    } else if (t->dtype == IR_DOUBLE) {
        /* as 64-bit patterns, bit-exact like the float data */
        int64_t n = ir_numel(t);
        rc_buf_printf(&e->consts,
                      "static const union {\n    uint64_t u[%" PRId64 "];\n    double f[%" PRId64
                      "];\n} %s = {{",
                      n ? n : 1, n ? n : 1, cname);
        for (int64_t i = 0; i < n; i++)
            rc_buf_printf(&e->consts, "%s0x%" PRIx64 "ULL,", i % 6 ? "" : "\n    ",
                          ((const uint64_t *)t->data)[i]);
        rc_buf_puts(&e->consts, n ? "\n}};\n\n" : "0}};\n\n");
        count_const(e, (size_t)n * 8);
        {
            char buf[160];
            snprintf(buf, sizeof buf, "%s.f", cname);
            e->texpr[ti] = rc_xstrdup(buf);
        }
    } else if (ir_dtype_is_int(t->dtype) || t->dtype == IR_BOOL || t->dtype == IR_FLOAT16 ||
               t->dtype == IR_BFLOAT16) {
        /* integers (float16/bfloat16 as their 16-bit patterns) as decimal literals */
        int64_t n = ir_numel(t);
        int is_unsigned = !(t->dtype == IR_INT8 || t->dtype == IR_INT16 || t->dtype == IR_INT32 ||
                            t->dtype == IR_INT64);
        rc_buf_printf(&e->consts, "static const %s %s[%" PRId64 "] = {", em_ctype(t->dtype), cname,
                      n ? n : 1);
        for (int64_t i = 0; i < n; i++) {
            const char *sep = i % 10 ? "" : "\n    ";
            if (is_unsigned) {
                /* the 16-bit floats by their bit patterns, never through a float value
                 * (an Inf or NaN would be out of range of the integer conversion) */
                uint64_t x = t->dtype == IR_FLOAT16 || t->dtype == IR_BFLOAT16
                                 ? ((const uint16_t *)t->data)[i]
                             : t->dtype == IR_UINT64 ? ((const uint64_t *)t->data)[i]
                                                     : (uint64_t)ir_get(t->dtype, t->data, i);
                rc_buf_printf(&e->consts, "%s%" PRIu64 "%s,", sep, x,
                              t->dtype == IR_UINT64   ? "ULL"
                              : t->dtype == IR_UINT32 ? "UL"
                                                      : "");
            } else {
                int64_t x = t->dtype == IR_INT64 ? ((const int64_t *)t->data)[i]
                                                 : (int64_t)ir_get(t->dtype, t->data, i);
                /* INT64_MIN has no literal (nor INT32_MIN on a 16-bit int): expressions */
                if (x == INT64_MIN)
                    rc_buf_printf(&e->consts, "%s(-INT64_MAX - 1),", sep);
                else if (x == INT32_MIN && t->dtype == IR_INT32)
                    rc_buf_printf(&e->consts, "%s(-INT32_MAX - 1),", sep);
                else
                    rc_buf_printf(&e->consts, "%s%" PRId64 "%s,", sep, x,
                                  t->dtype == IR_INT64 ? "LL" : "");
            }
        }
        if (!n)
            rc_buf_puts(&e->consts, "0");
        rc_buf_puts(&e->consts, "\n};\n\n");
        count_const(e, (size_t)n * ir_dtype_size(t->dtype));
        e->texpr[ti] = rc_xstrdup(cname);
    } else {
        rc_die("em_tensor: constant of dtype %s reached the emitter", ir_dtype_name(t->dtype));
    }
    return e->texpr[ti];
}

/* Indents by brace depth (outside comments); continuation lines starting
 * with '+' get one more level. Keeps the op emitters free of layout. */
static void reindent(rc_buf *out, const char *src, int base) {
    int depth = base, in_comment = 0, pending = 0;
    const char *line = src;
    while (*line) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        const char *p = line;
        int d = depth;
        while (p < line + len && (*p == ' '))
            p++;
        if (!in_comment && *p == '}')
            d--;
        if (p < line + len) {
            size_t n = (size_t)(line + len - p);
            int control =
                (strncmp(p, "for (", 5) == 0 || strncmp(p, "if (", 4) == 0) && p[n - 1] == ')';
            for (int i = 0; i < d + pending + (*p == '+' ? 1 : 0); i++)
                rc_buf_puts(out, "    ");
            rc_buf_putn(out, p, n);
            /* a braceless for/if indents the statements it governs */
            pending = control && !in_comment ? pending + 1 : 0;
        }
        rc_buf_puts(out, "\n");
        for (const char *q = p; q < line + len; q++) {
            if (in_comment) {
                if (q[0] == '*' && q + 1 < line + len && q[1] == '/')
                    in_comment = 0, q++;
            } else if (q[0] == '/' && q + 1 < line + len && q[1] == '*') {
                in_comment = 1, q++;
            } else if (*q == '{') {
                depth++;
            } else if (*q == '}') {
                depth--;
            }
        }
        line = end ? end + 1 : line + len;
    }
}

void em_upper(const char *s, char *out, size_t n) {
    size_t i;
    for (i = 0; s[i] && i + 1 < n; i++)
        out[i] = (char)toupper((unsigned char)s[i]);
    out[i] = 0;
}

static void io_comment(rc_buf *b, const ir_graph *g, const char *kind, const int *idx, int n) {
    char shp[256];
    for (int i = 0; i < n; i++) {
        const ir_tensor *t = &g->t[idx[i]];
        ir_shape_str(t, shp, sizeof shp);
        rc_buf_printf(b, " *   %s %d: '", kind, i);
        comment_name(b, t->name);
        rc_buf_printf(b, "' %s\n", shp);
    }
}

/* Unique macro-safe names for inputs/outputs; collisions get _2, _3, ... */
static void io_macros(rc_buf *b, const ir_graph *g, const char *NAME, const char *kind,
                      const int *idx, int n) {
    char **used = rc_xcalloc((size_t)n + 1, sizeof(char *));
    char s[160], u[200];
    /* C99 promises 63 significant characters in a macro name: NAME_KIND_<name>_<n> is kept
     * within them (unless NAME itself is long), so that distinct macros stay distinct */
    int budget = 63 - (int)strlen(NAME) - (int)strlen(kind) - 2 - 6;
    budget = budget < 8 ? 8 : budget > 100 ? 100 : budget;
    for (int i = 0; i < n; i++) {
        const ir_tensor *t = &g->t[idx[i]];
        int dup = 1;
        em_sanitize(t->name, s, (size_t)budget + 1);
        snprintf(u, sizeof u, "%s", s);
        for (int again = 1; again;) {
            again = 0;
            for (int k = 0; k < i; k++)
                if (strcmp(used[k], u) == 0) {
                    snprintf(u, sizeof u, "%s_%d", s, ++dup);
                    again = 1;
                }
        }
        used[i] = rc_xstrdup(u);
        rc_buf_printf(b, "#define %s_%s_%s %d\n", NAME, kind, u, i);
    }
    for (int i = 0; i < n; i++)
        free(used[i]);
    free(used);
}

/* Elements after the time axis a (all of them when there is none). */
static int64_t time_inner(const ir_tensor *t, int a) {
    int64_t outer, len, inner;
    ir_split_axis(t, a, &outer, &len, &inner);
    return inner;
}

/* The streaming part of the header: chunk, per-step counts, time axes. */
static void stream_header(rc_buf *h, const char *name, const char *NAME, const ir_graph *g,
                          const ir_graph *step, int step_only) {
    int K = 0;
    int64_t T = 0;
    for (int i = 0; i < g->n_input; i++)
        if (g->in_time[i] >= 0) {
            K = (int)step->t[step->input[i]].dims[g->in_time[i]];
            T = g->t[g->input[i]].dims[g->in_time[i]];
        }
    if (step_only)
        rc_buf_printf(h,
                      "\n/* Streaming (--step-only): %s_step consumes %s_STEP_CHUNK time steps.\n"
                      " * Per input/output: elements per call, the time axis (-1: none) and the\n"
                      " * elements after it (a [outer][time][inner] view). */\n",
                      name, NAME);
    else
        rc_buf_printf(
            h,
            "\n/* Streaming (--stream): %s_step consumes %s_STEP_CHUNK time steps; %s_run\n"
            " * takes %s_SEQ_LEN. Per input/output: elements per call, the time axis\n"
            " * (-1: none) and the elements after it (a [outer][time][inner] view). */\n",
            name, NAME, name, NAME);
    rc_buf_printf(h, "#define %s_STEP_CHUNK %d\n", NAME, K);
    if (!step_only)
        rc_buf_printf(h, "#define %s_SEQ_LEN %" PRId64 "\n", NAME, T);
    for (int i = 0; i < step->n_input; i++)
        rc_buf_printf(h,
                      "#define %s_STEP_INPUT_%d_COUNT %" PRId64
                      "\n#define %s_INPUT_%d_TIME_AXIS %d\n"
                      "#define %s_INPUT_%d_TIME_INNER %" PRId64 "\n",
                      NAME, i, ir_numel(&step->t[step->input[i]]), NAME, i, g->in_time[i], NAME, i,
                      time_inner(&g->t[g->input[i]], g->in_time[i]));
    for (int i = 0; i < step->n_output; i++)
        rc_buf_printf(
            h,
            "#define %s_STEP_OUTPUT_%d_COUNT %" PRId64
            "\n#define %s_OUTPUT_%d_TIME_AXIS %d\n#define %s_OUTPUT_%d_TIME_INNER %" PRId64 "\n",
            NAME, i, ir_numel(&step->t[step->output[i]]), NAME, i, g->out_time[i], NAME, i,
            time_inner(&g->t[g->output[i]], g->out_time[i]));
}

const char *em_unroll_name(rc_unroll u) {
    return u == RC_UNROLL_FULL ? "full" : u == RC_UNROLL_NONE ? "none" : "auto";
}

const char *em_model_base(const char *path) {
    const char *s = path ? strrchr(path, '/') : NULL;
    return s ? s + 1 : path ? path : "";
}

/* ---- metadata for callers from other languages (ctypes, FFI): NAME_CTX_SIZE and the
 * functions describing the inputs and outputs ---- */

static void meta_header(rc_buf *h, const char *name, const char *NAME, size_t ctx_size, int step) {
    rc_buf_printf(h,
                  "/* sizeof(%s_ctx) as a plain number, for callers that allocate the context\n"
                  " * themselves (other languages): exact where each scalar type is aligned to\n"
                  " * its size (x86-64, AArch64, 32-bit ARM, RISC-V); %s.c checks it at compile\n"
                  " * time. %s_ctx_size() returns sizeof(%s_ctx) on any ABI. */\n"
                  "#define %s_CTX_SIZE %zu\n",
                  name, name, NAME, name, NAME, ctx_size);
    rc_buf_printf(
        h,
        "/* Metadata: i counts from 0 in graph order; dtype is the ONNX TensorProto code\n"
        " * (1 float, 2 uint8, 3 int8, 5 int16, 6 int32, 7 int64, 9 bool, 10 float16, 11\n"
        " * double, 16 bfloat16, ...). Out of range: name NULL, dtype/rank/dim -1. */\n"
        "size_t %s_ctx_size(void);\nint %s_num_inputs(void);\nint %s_num_outputs(void);\n"
        "const char *%s_input_name(int i);\nint %s_input_dtype(int i);\n"
        "int %s_input_rank(int i);\nint64_t %s_input_dim(int i, int d);\n"
        "const char *%s_output_name(int i);\nint %s_output_dtype(int i);\n"
        "int %s_output_rank(int i);\nint64_t %s_output_dim(int i, int d);\n",
        name, name, name, name, name, name, name, name, name, name, name);
    if (step)
        rc_buf_printf(
            h,
            "/* the dims of %s_step's inputs and outputs (the time axis cut to the\n"
            " * chunk); names, dtypes and ranks are those of %s_input_name() and kin */\n"
            "int64_t %s_step_input_dim(int i, int d);\n"
            "int64_t %s_step_output_dim(int i, int d);\n"
            "/* the time axis of each input/output (-1: none), as %s_INPUT_i_TIME_AXIS */\n"
            "int %s_step_input_time_axis(int i);\nint %s_step_output_time_axis(int i);\n",
            name, name, name, name, NAME, name, name);
    rc_buf_puts(h, "\n");
}

/* A C string literal of s: printable ASCII except \\ \" ? * as is, every other byte as a
 * 3-digit octal escape (which, unlike \\x, never runs into a following digit); at most
 * 1000 bytes of s. */
static void c_string(rc_buf *b, const char *s) {
    rc_buf_puts(b, "\"");
    for (size_t i = 0; s[i] && i < 1000; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch >= 0x20 && ch < 0x7f && !strchr("*?\\\"", ch))
            rc_buf_putn(b, (const char *)&ch, 1);
        else
            rc_buf_printf(b, "\\%03o", ch);
    }
    rc_buf_puts(b, "\"");
}

/* Tables of one side (input/output) of a graph and the functions reading them. */
static void meta_tables(rc_buf *s, const char *name, const char *kind, const ir_graph *g,
                        const int *idx, int n, int dims_only) {
    const char *pre = dims_only ? "step_" : "";
    if (n == 0) {
        /* no tables (an unused one, or "i >= 0 && i < 0", breaks -Werror builds) */
        if (!dims_only)
            rc_buf_printf(s,
                          "const char *%s_%s_name(int i)\n{\n    (void)i;\n    return 0;\n}\n\n"
                          "int %s_%s_dtype(int i)\n{\n    (void)i;\n    return -1;\n}\n\n"
                          "int %s_%s_rank(int i)\n{\n    (void)i;\n    return -1;\n}\n\n",
                          name, kind, name, kind, name, kind);
        rc_buf_printf(s,
                      "int64_t %s_%s%s_dim(int i, int d)\n{\n    (void)i;\n    (void)d;\n"
                      "    return -1;\n}\n\n",
                      name, pre, kind);
        return;
    }
    /* dims: one row per tensor, at least one column (C has no empty arrays) */
    int maxr = 1;
    for (int i = 0; i < n; i++)
        maxr = g->t[idx[i]].rank > maxr ? g->t[idx[i]].rank : maxr;
    rc_buf_printf(s, "static const int64_t %s_%s%s_dims[%d][%d] = {", name, pre, kind, n ? n : 1,
                  maxr);
    for (int i = 0; i < n; i++) {
        rc_buf_puts(s, i ? ", {" : "{");
        for (int d = 0; d < g->t[idx[i]].rank; d++)
            rc_buf_printf(s, "%s%" PRId64, d ? ", " : "", g->t[idx[i]].dims[d]);
        rc_buf_puts(s, g->t[idx[i]].rank ? "}" : "0}");
    }
    rc_buf_puts(s, n ? "};\n" : "{0}};\n");
    if (!dims_only) {
        rc_buf_printf(s, "static const char *const %s_%s_names[%d] = {", name, kind, n ? n : 1);
        for (int i = 0; i < n; i++) {
            rc_buf_puts(s, i ? ", " : "");
            c_string(s, g->t[idx[i]].name);
        }
        rc_buf_puts(s, n ? "};\n" : "0};\n");
        rc_buf_printf(s, "static const int %s_%s_types[%d][2] = {", name, kind, n ? n : 1);
        for (int i = 0; i < n; i++)
            rc_buf_printf(s, "%s{%d, %d}", i ? ", " : "", g->t[idx[i]].dtype, g->t[idx[i]].rank);
        rc_buf_puts(s, n ? "};\n\n" : "{0, 0}};\n\n");
        rc_buf_printf(s,
                      "const char *%s_%s_name(int i)\n{\n    return i >= 0 && i < %d ? "
                      "%s_%s_names[i] : 0;\n}\n\n",
                      name, kind, n, name, kind);
        rc_buf_printf(s,
                      "int %s_%s_dtype(int i)\n{\n    return i >= 0 && i < %d ? "
                      "%s_%s_types[i][0] : -1;\n}\n\n",
                      name, kind, n, name, kind);
        rc_buf_printf(s,
                      "int %s_%s_rank(int i)\n{\n    return i >= 0 && i < %d ? "
                      "%s_%s_types[i][1] : -1;\n}\n\n",
                      name, kind, n, name, kind);
    }
    rc_buf_printf(s,
                  "int64_t %s_%s%s_dim(int i, int d)\n{\n"
                  "    return i >= 0 && i < %d && d >= 0 && d < %s_%s_types[i][1] ? "
                  "%s_%s%s_dims[i][d] : -1;\n}\n\n",
                  name, pre, kind, n, name, kind, name, pre, kind);
}

static void meta_source(rc_buf *s, const char *name, const char *NAME, const ir_graph *g,
                        const ir_graph *step) {
    rc_buf_printf(s,
                  "/* %s_CTX_SIZE is sizeof(%s_ctx) (compiling with\n"
                  " * -DRNNC_NO_CTX_SIZE_CHECK skips this on an ABI with other alignments) */\n"
                  "#ifndef RNNC_NO_CTX_SIZE_CHECK\n"
                  "typedef char %s_ctx_size_is_%s_CTX_SIZE[sizeof(%s_ctx) == %s_CTX_SIZE ? 1 : "
                  "-1];\n#endif\n\n",
                  NAME, name, name, NAME, name, NAME);
    rc_buf_puts(s, "/* metadata (-DRNNC_NO_METADATA leaves it out; --gc-sections drops what is not "
                   "called) */\n#ifndef RNNC_NO_METADATA\n");
    rc_buf_printf(s, "size_t %s_ctx_size(void)\n{\n    return sizeof(%s_ctx);\n}\n\n", name, name);
    rc_buf_printf(s, "int %s_num_inputs(void)\n{\n    return %d;\n}\n\n", name, g->n_input);
    rc_buf_printf(s, "int %s_num_outputs(void)\n{\n    return %d;\n}\n\n", name, g->n_output);
    meta_tables(s, name, "input", g, g->input, g->n_input, 0);
    meta_tables(s, name, "output", g, g->output, g->n_output, 0);
    if (step) {
        meta_tables(s, name, "input", step, step->input, step->n_input, 1);
        meta_tables(s, name, "output", step, step->output, step->n_output, 1);
        for (int side = 0; side < 2; side++) {
            const char *kind = side ? "output" : "input";
            int n = side ? g->n_output : g->n_input;
            const int *ax = side ? g->out_time : g->in_time;
            if (n == 0) {
                rc_buf_printf(s,
                              "int %s_step_%s_time_axis(int i)\n{\n    (void)i;\n    return -1;\n}"
                              "\n\n",
                              name, kind);
                continue;
            }
            rc_buf_printf(s, "static const int %s_step_%s_axes[%d] = {", name, kind, n ? n : 1);
            for (int i = 0; i < n; i++)
                rc_buf_printf(s, "%s%d", i ? ", " : "", ax[i]);
            rc_buf_puts(s, n ? "};\n" : "0};\n");
            rc_buf_printf(s,
                          "int %s_step_%s_time_axis(int i)\n{\n    return i >= 0 && i < %d ? "
                          "%s_step_%s_axes[i] : -1;\n}\n\n",
                          name, kind, n, name, kind);
        }
    }
    rc_buf_puts(s, "#endif\n");
}

static void emit_header(em_state *e, rc_buf *h, const char *NAME, const ir_graph *full,
                        const ir_graph *step) {
    const char *name = e->opts->name;
    int step_only = e->opts->step_only && step;
    /* the graph whose inputs and outputs the API takes: the step graph when it is alone */
    const ir_graph *g = step_only ? step : full;
    rc_buf_printf(h, "/* %s.h — generated by rnnc %s; do not edit.\n *\n * Model: '", name,
                  RC_VERSION);
    comment_name(h, em_model_base(g->model_path));
    rc_buf_printf(h, "', sha256 %s\n * Graph: '", g->model_sha256);
    comment_name(h, g->graph_name);
    rc_buf_printf(h, "', opset %" PRId64 "\n * Command: ", g->opset);
    rc_buf_put_escaped(h, e->opts->command ? e->opts->command : "", 400);
    rc_buf_puts(h, "\n *\n * Inputs and outputs, in graph order, dense row-major:\n");
    io_comment(h, g, "input", g->input, g->n_input);
    io_comment(h, g, "output", g->output, g->n_output);
    rc_buf_printf(h,
                  " *\n * Usage: %s_ctx ctx; %s_init(&ctx); then\n"
                  " * %s_%s(&ctx, inputs, outputs) with one pointer per input and output;\n"
                  " * returns 0 (RNNRT_OK) on success, RNNRT_E_SEQ_LEN (2) if a sequence_lens\n"
                  " * value is outside 0..seq_length, RNNRT_E_INDEX (3) if an index input\n"
                  " * (token id) is out of range, RNNRT_E_ARG (1) for a NULL pointer.\n"
                  " * All mutable memory is in the context: one context per thread.\n",
                  name, name, name, step_only ? "step" : "run");
    if (step_only)
        rc_buf_printf(
            h, " *\n * Step only (--step-only): the step API alone; the context holds one\n"
               " * chunk's scratch and the recurrent state, whatever the sequence length.\n");
    if (step)
        rc_buf_printf(h,
                      " *\n * Streaming: %s_reset(&ctx) starts a new sequence (%s_init does too);\n"
                      " * each %s_step(&ctx, inputs, outputs) consumes the next %s_STEP_CHUNK\n"
                      " * time steps and returns their outputs, keeping the recurrent state in\n"
                      " * the context. Inputs and outputs are those of %s%s with the time axis\n"
                      " * (%s_INPUT_i_TIME_AXIS, -1: none) cut to the chunk; an input without\n"
                      " * one (an initial state such as h0) is read only by the first step after\n"
                      " * a reset, and an output without one holds its value after the steps fed\n"
                      " * so far (h_n: the current state). Steps over a whole sequence give\n"
                      " * the outputs of the model run on it.\n",
                      name, name, name, NAME, step_only ? "the model" : name,
                      step_only ? "" : "_run", NAME);
    rc_buf_puts(h, " */\n");
    rc_buf_printf(h,
                  "#ifndef %s_H_INCLUDED\n#define %s_H_INCLUDED\n\n#include <stddef.h>\n#include "
                  "<stdint.h>\n\n",
                  NAME, NAME);
    rc_buf_puts(h, "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n");
    rc_buf_printf(h, "#define %s_NUM_INPUTS %d\n#define %s_NUM_OUTPUTS %d\n", NAME, g->n_input,
                  NAME, g->n_output);
    for (int i = 0; i < g->n_input; i++)
        rc_buf_printf(h, "#define %s_INPUT_%d_COUNT %" PRId64 "\n", NAME, i,
                      ir_numel(&g->t[g->input[i]]));
    for (int i = 0; i < g->n_output; i++)
        rc_buf_printf(h, "#define %s_OUTPUT_%d_COUNT %" PRId64 "\n", NAME, i,
                      ir_numel(&g->t[g->output[i]]));
    rc_buf_puts(h, "/* index of each input/output by (sanitized) name */\n");
    io_macros(h, g, NAME, "IN", g->input, g->n_input);
    io_macros(h, g, NAME, "OUT", g->output, g->n_output);
    rc_buf_printf(h, "\n/* Scratch and recurrent state: %zu bytes. */\ntypedef struct %s_ctx {\n",
                  e->ctx_bytes, name);
    if (e->fields.len)
        rc_buf_puts(h, e->fields.p);
    else
        rc_buf_puts(h, "    char unused_; /* the model needs no scratch memory */\n");
    rc_buf_printf(h, "} %s_ctx;\n\n", name);
    meta_header(h, name, NAME, ctx_layout_size(e), step != NULL);
    rc_buf_printf(h, "void %s_init(%s_ctx *ctx);\n", name, name);
    if (!step_only)
        rc_buf_printf(h,
                      "int %s_run(%s_ctx *ctx, const void *const *inputs, void *const *outputs);\n",
                      name, name);
    if (step) {
        stream_header(h, name, NAME, full, step, step_only);
        rc_buf_printf(h, "void %s_reset(%s_ctx *ctx);\n", name, name);
        rc_buf_printf(
            h, "int %s_step(%s_ctx *ctx, const void *const *inputs, void *const *outputs);\n", name,
            name);
    }
    rc_buf_puts(h, "\n#ifdef __cplusplus\n}\n#endif\n\n");
    rc_buf_printf(h, "#endif /* %s_H_INCLUDED */\n", NAME);
}

/* An alias node (Reshape and kin) whose output is a graph output can have
 * its producer write straight into the output buffer when nothing else reads
 * the input: walking back from the outputs, such a node becomes free too. */
static void alias_outputs(em_state *e, unsigned char *skip) {
    const ir_graph *g = e->g;
    /* readers of every tensor counted once: a chain of n aliases before a graph output
     * would otherwise cost n passes over the graph */
    int *readers = ir_consumer_counts(g);
    for (int i = g->n_node - 1; i >= 0; i--) {
        const ir_node *n = &g->node[i];
        int in = n->in[0], out = n->out[0];
        if (!rc_op_defs[n->op]->alias || !e->texpr[out] || g->t[in].producer < 0 ||
            g->t[in].is_output || e->texpr[in] || readers[in] != 1)
            continue;
        e->texpr[in] = rc_xstrdup(e->texpr[out]);
        skip[i] = 1;
    }
    free(readers);
}

/* Emits node i of e->g (its function and its call in e->run); skipped nodes, aliases and
 * views emit no code. */
static int emit_node(rc_ctx *c, em_state *e, int i, const unsigned char *skip) {
    const ir_graph *g = e->g;
    const char *name = e->opts->name;
    const ir_node *n = &g->node[i];
    rc_buf body = {0};
    int64_t view_off;
    size_t region, mark;
    e->node = i;
    if (skip[i])
        return 0;
    if (rc_op_defs[n->op]->alias && !e->texpr[n->out[0]]) {
        /* the output is the input's storage under another shape: no code */
        e->texpr[n->out[0]] = rc_xstrdup(em_tensor(e, n->in[0]));
        return 0;
    }
    if (rc_op_defs[n->op]->view && !e->texpr[n->out[0]] &&
        rc_op_defs[n->op]->view(g, n, &view_off)) {
        /* a contiguous part of the input: point into it */
        char buf[256];
        if (view_off)
            snprintf(buf, sizeof buf, "(%s + %" PRId64 ")", em_tensor(e, n->in[0]), view_off);
        else
            snprintf(buf, sizeof buf, "%s", em_tensor(e, n->in[0]));
        e->texpr[n->out[0]] = rc_xstrdup(buf);
        return 0;
    }
    region = e->funcs.len;
    /* node outputs that are not graph outputs live in the context */
    for (int k = 0; k < n->n_out; k++) {
        int ti = n->out[k];
        if (ti >= 0 && !e->texpr[ti]) {
            char tag[32];
            snprintf(tag, sizeof tag, "out%d", k);
            e->texpr[ti] =
                rc_xstrdup(em_scratch_typed(e, tag, g->t[ti].dtype, (size_t)ir_numel(&g->t[ti])));
        }
    }
    rc_buf_printf(&e->funcs, "/* %snode %d: %s '", e->stream ? "step " : "", i, n->op_type);
    comment_name(&e->funcs, n->name);
    rc_buf_puts(&e->funcs, "'");
    if (n->post_act)
        rc_buf_printf(&e->funcs, " + %s (fused)", ir_act_name(n->post_act));
    rc_buf_printf(&e->funcs,
                  " */\nstatic int %s_%s%d(%s_ctx *ctx, const void *const *inputs, "
                  "void *const *outputs)\n{\n",
                  name, e->stream ? "step_node" : "node", i, name);
    mark = e->funcs.len;
    rc_buf_puts(&e->funcs, "(void)ctx;\n(void)inputs;\n(void)outputs;\n");
    /* a node whose outputs are all empty computes nothing: its emitter is not asked, so
     * the constants only it reads are not defined either (unused, they would warn) */
    if (outputs_empty(g, n))
        rc_buf_puts(&e->funcs, "/* every output is empty: nothing to compute */\n");
    else if (rc_op_defs[n->op]->emit(c, e, g, n))
        return -1;
    rc_buf_puts(&e->funcs, "return RNNRT_OK;\n}\n");
    /* re-indent the node body */
    reindent(&body, e->funcs.p + mark, 1);
    e->funcs.len = mark;
    e->funcs.p[mark] = 0;
    rc_buf_puts(&e->funcs, body.p);
    rc_buf_puts(&e->funcs, "\n");
    rc_buf_free(&body);
    add_region(e, region, i);
    if (n->guard >= 0) /* a branch of an If decided at run time */
        rc_buf_printf(&e->run, "    if (%s%s[0]) {\n    ", n->guard_neg ? "!" : "",
                      em_tensor(e, n->guard));
    rc_buf_printf(&e->run,
                  "    rc = %s_%s%d(ctx, inputs, outputs);\n"
                  "    if (rc != RNNRT_OK)\n        return rc;\n",
                  name, e->stream ? "step_node" : "node", i);
    if (n->guard >= 0)
        rc_buf_puts(&e->run, "    }\n");
    return 0;
}

/* Every node of e->g; for the graph (not the step graph) what each emits is also counted in
 * node_const/node_scratch (else in e->other_*). */
static int emit_nodes(rc_ctx *c, em_state *e, size_t *node_const, size_t *node_scratch) {
    const ir_graph *g = e->g;
    unsigned char *skip = rc_xcalloc((size_t)g->n_node + 1, 1);
    alias_outputs(e, skip);
    for (int i = 0; i < g->n_node; i++) {
        if (node_const) {
            e->const_owner = &node_const[i];
            e->scratch_owner = &node_scratch[i];
        }
        if (emit_node(c, e, i, skip)) {
            free(skip);
            return -1;
        }
    }
    e->const_owner = &e->other_const;
    e->scratch_owner = &e->other_scratch;
    free(skip);
    return 0;
}

/* Emits g's node functions into e->funcs and the body of its entry point
 * into e->run. e->texpr must be allocated for g. node_const/node_scratch: NULL, or where
 * to record each node's constant and context bytes. */
static int emit_graph(rc_ctx *c, em_state *e, const ir_graph *g, size_t *node_const,
                      size_t *node_scratch) {
    e->g = g;
    for (int i = 0; i < g->n_input; i++) {
        char buf[96];
        int ti = g->input[i];
        snprintf(buf, sizeof buf, "((const %s *)inputs[%d])", em_ctype(g->t[ti].dtype), i);
        e->texpr[ti] = rc_xstrdup(buf);
    }
    for (int i = 0; i < g->n_output; i++) {
        char buf[96];
        int ti = g->output[i];
        if (g->t[ti].producer < 0 || e->texpr[ti])
            continue; /* an input, a constant or a repeated output: copied in run */
        snprintf(buf, sizeof buf, "((%s *)outputs[%d])", em_ctype(g->t[ti].dtype), i);
        e->texpr[ti] = rc_xstrdup(buf);
    }
    if (emit_nodes(c, e, node_const, node_scratch))
        return -1;
    for (int i = 0; i < g->n_output; i++) {
        int ti = g->output[i];
        const ir_tensor *t = &g->t[ti];
        char own[96];
        snprintf(own, sizeof own, "((%s *)outputs[%d])", em_ctype(t->dtype), i);
        if (t->producer >= 0 && strcmp(em_tensor(e, ti), own) == 0)
            continue;
        if (ir_numel(t))
            rc_buf_printf(&e->run, "    memcpy(outputs[%d], %s, %" PRId64 " * sizeof(%s));\n", i,
                          em_tensor(e, ti), ir_numel(t), em_ctype(t->dtype));
    }
    return 0;
}

static void free_texpr(em_state *e, int n) {
    for (int i = 0; e->texpr && i < n; i++)
        free(e->texpr[i]);
    free(e->texpr);
    e->texpr = NULL;
}

/* An entry point: argument checks, then the node calls in body. */
static void emit_entry(rc_buf *s, const char *name, const char *fn, const ir_graph *g,
                       const rc_buf *body, const char *epilogue) {
    rc_buf_printf(s,
                  "int %s_%s(%s_ctx *ctx, const void *const *inputs, void *const *outputs)\n"
                  "{\n%s",
                  name, fn, name, g->n_node ? "    int rc;\n" : "");
    rc_buf_printf(s, "    if (!ctx || %s!outputs)\n        return RNNRT_E_ARG;\n",
                  g->n_input ? "!inputs || " : "");
    rc_buf_printf(s,
                  "    for (int i = 0; i < %d; ++i)\n        if (!inputs[i])\n"
                  "            return RNNRT_E_ARG;\n",
                  g->n_input);
    rc_buf_printf(s,
                  "    for (int i = 0; i < %d; ++i)\n        if (!outputs[i])\n"
                  "            return RNNRT_E_ARG;\n",
                  g->n_output);
    if (body->len)
        rc_buf_puts(s, body->p);
    rc_buf_printf(s, "%s    return RNNRT_OK;\n}\n", epilogue);
}

/* From here on the nodes emitted are the step graph's: its state persists in the context,
 * which also holds whether the next step starts a new sequence. */
static void stream_state(em_state *e) {
    e->stream = 1;
    rc_buf_puts(&e->fields, "    int fresh; /* the next step starts a new sequence */\n");
    e->ctx_bytes += sizeof(int);
    add_member(e, sizeof(int), 1, 0);
    count_scratch(e, sizeof(int));
}

int em_generate(rc_ctx *c, const ir_graph *g, const ir_graph *step, const em_opts *o,
                em_result *out) {
    em_state e = {0};
    rc_buf run_body = {0};
    char NAME[64];
    int rc = -1, only = o->step_only && step;
    const ir_graph *first;
    memset(out, 0, sizeof *out);
    if (em_valid_name(o->name))
        return rc_err(c, NULL, "--name",
                      "'%s' is not a valid C identifier (letters, digits, '_', starting with a "
                      "letter, at most 48 characters, not a C keyword, not starting with rnnrt)",
                      o->name);
    em_upper(o->name, NAME, sizeof NAME);
    e.c = c;
    e.opts = o;
    e.const_owner = &e.other_const;
    e.scratch_owner = &e.other_scratch;
    /* the first graph emitted owns the per-node figures: the step graph alone under
     * --step-only (nothing sized by the whole sequence), else the whole-sequence graph */
    first = only ? step : g;
    e.texpr = rc_xcalloc((size_t)first->n_tensor + 1, sizeof(char *));
    out->n_node = first->n_node;
    out->node_const_bytes = rc_xcalloc((size_t)first->n_node + 1, sizeof(size_t));
    out->node_scratch_bytes = rc_xcalloc((size_t)first->n_node + 1, sizeof(size_t));
    if (only)
        stream_state(&e);
    if (emit_graph(c, &e, first, out->node_const_bytes, out->node_scratch_bytes))
        goto done;
    if (step && !only) {
        /* the step graph: same model, K time steps, state kept in the context */
        char **shared = rc_xcalloc((size_t)step->n_tensor + 1, sizeof(char *));
        for (int i = 0; i < step->n_tensor && i < g->n_tensor; i++)
            if (step->t[i].is_init && g->t[i].is_init && e.texpr[i] &&
                strcmp(step->t[i].name, g->t[i].name) == 0)
                shared[i] = rc_xstrdup(e.texpr[i]);
        free_texpr(&e, g->n_tensor);
        e.texpr = shared;
        run_body = e.run;
        memset(&e.run, 0, sizeof e.run);
        stream_state(&e);
        if (emit_graph(c, &e, step, NULL, NULL))
            goto done;
    } else if (!only) {
        run_body = e.run;
        memset(&e.run, 0, sizeof e.run);
    } /* under --step-only the step body stays in e.run */
    layout_arena(&e, &run_body, &e.run);
    emit_header(&e, &out->header, NAME, g, step);
    /* source */
    {
        rc_buf *s = &out->source;
        rc_buf_printf(s, "/* %s.c — generated by rnnc %s from '", o->name, RC_VERSION);
        comment_name(s, em_model_base(g->model_path));
        rc_buf_printf(s, "' (sha256 %s); do not edit.\n * Command: ", g->model_sha256);
        rc_buf_put_escaped(s, o->command ? o->command : "", 400);
        rc_buf_printf(s, "\n * Unrolling: %s. Weights: %zu bytes", em_unroll_name(o->unroll),
                      e.const_bytes);
        if (g->weights != RC_W_F32) /* the f32 output stays byte-identical */
            rc_buf_printf(s, " (the kernels' weights at %s)", rc_wprec_name(g->weights));
        rc_buf_printf(s, ". Context: %zu bytes. */\n", e.ctx_bytes);
        rc_buf_printf(s,
                      "#include \"%s.h\"\n\n#include \"rnnrt.h\"\n\n#include <stdint.h>\n"
                      "#include <string.h>\n\n",
                      o->name);
        if (e.le_bytes)
            rc_buf_printf(s,
                          "/* the constants below are little-endian bytes: refuse a big-endian "
                          "target */\n#if defined(__BYTE_ORDER__) && defined(__ORDER_BIG_ENDIAN__) "
                          "&& __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__\ntypedef char "
                          "%s_constants_need_a_little_endian_target[-1];\n#endif\n\n",
                          o->name);
        if (e.consts.len)
            rc_buf_puts(s, e.consts.p);
        if (e.funcs.len)
            rc_buf_puts(s, e.funcs.p);
        rc_buf_printf(s, "void %s_init(%s_ctx *ctx)\n{\n    memset(ctx, 0, sizeof *ctx);\n%s}\n\n",
                      o->name, o->name, step ? "    ctx->fresh = 1;\n" : "");
        if (!only)
            emit_entry(s, o->name, "run", g, &run_body, "");
        if (step) {
            rc_buf_printf(s, "\nvoid %s_reset(%s_ctx *ctx)\n{\n    ctx->fresh = 1;\n}\n\n", o->name,
                          o->name);
            emit_entry(s, o->name, "step", step, &e.run, "    ctx->fresh = 0;\n");
        }
        rc_buf_puts(s, "\n");
        meta_source(s, o->name, NAME, first, step);
    }
    out->ctx_bytes = e.ctx_bytes;
    out->const_bytes = e.const_bytes;
    out->scratch_bytes = e.scratch_bytes;
    out->other_const_bytes = e.other_const;
    out->other_scratch_bytes = e.other_scratch;
    out->used_gemm = e.used_gemm;
    out->has_loops = e.has_loops;
    rc = 0;
done:
    if (rc)
        em_result_free(out);
    free_texpr(&e, e.g ? e.g->n_tensor : 0);
    for (int i = 0; i < e.n_pool; i++)
        free(e.pool[i]);
    free(e.pool);
    for (int i = 0; i < e.n_fconsts; i++)
        free(e.fconsts[i].v), free(e.fconsts[i].expr);
    free(e.fconsts);
    free(e.members);
    rc_buf_free(&e.consts);
    rc_buf_free(&e.fields);
    rc_buf_free(&e.funcs);
    rc_buf_free(&e.run);
    rc_buf_free(&run_body);
    free(e.bufs);
    free(e.regions);
    return rc;
}

void em_result_free(em_result *r) {
    rc_buf_free(&r->header);
    rc_buf_free(&r->source);
    free(r->node_const_bytes);
    free(r->node_scratch_bytes);
    r->node_const_bytes = r->node_scratch_bytes = NULL;
}
