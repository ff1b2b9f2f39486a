/* fw_main.c - test firmware for rnnc-generated code on a Cortex-M4F (QEMU mps2-an386).
 *
 * Built by run_qemu_test.sh with the generated net.h/net.c (rnnc compile --name net) and the
 * test data header from pb2c (test_data.h: inputs, expected outputs, output buffers). It
 * runs the model once, compares every output element with the expected value
 * (|got - exp| <= 1e-4 + 1e-3*|exp|; NaN matches only NaN; integers exactly), runs it a
 * second time on the same context to check that a run does not depend on the previous one,
 * and prints key=value lines and PASS or FAIL. main's return value becomes QEMU's exit
 * status: 0 pass, 1 fail.
 *
 * Stack high-water mark: everything below the current stack pointer down to the bottom of
 * the stack region (__stack_limit, mps2_an386.ld) is painted with a pattern before the run;
 * afterwards the words still holding it show how deep the run went. */
#include "net.h"
#include "test_data.h"

#include "rnnrt.h"
#include "semihost.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

/* -DATOL=... -DRTOL=...: wider for reduced-precision weights (see docs/testing.md) */
#ifndef ATOL
#define ATOL 1e-4f
#endif
#ifndef RTOL
#define RTOL 1e-3f
#endif
#define STACK_PAINT 0xC5A1AB1Eu
#define MAX_REPORTED_MISMATCHES 5

extern uint32_t __stack_limit[], __stack_top[];

/* static: its size shows in .bss (RAM), not in the measured stack */
static net_ctx ctx;

static uintptr_t current_sp(void) {
    uintptr_t sp;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    return sp;
}

/* Paints [__stack_limit, own SP) and returns where the painting ended. noinline: its own
 * frame lies above the painted area. The volatile stores keep the loop from becoming a
 * memset call, whose frame would be inside the area being painted. */
static __attribute__((noinline)) uintptr_t stack_paint(void) {
    volatile uint32_t *p = __stack_limit;
    uintptr_t end = current_sp() & ~(uintptr_t)7u;
    while ((uintptr_t)p < end)
        *p++ = STACK_PAINT;
    return end;
}

/* Lowest stack address written since stack_paint (== __stack_limit: the stack overflowed,
 * or came within a word of it). */
static uintptr_t stack_low_water(uintptr_t painted_end) {
    const volatile uint32_t *p = __stack_limit;
    while ((uintptr_t)p < painted_end && *p == STACK_PAINT)
        p++;
    return (uintptr_t)p;
}

static uint32_t elem_size(int dtype) { return dtype == TD_INT64 ? 8u : 4u; }

/*
 * Timing by SysTick (processor clock, the 24-bit counter reloaded at its maximum, wraps
 * counted by the interrupt). Under QEMU with -icount shift=0 the virtual clock advances
 * 1 ns per executed guest instruction, so SysTick ticks are executed instructions times a
 * fixed ratio; a calibration loop of known length (spin: 2 instructions an iteration)
 * measures that ratio, and run_qemu_test.sh turns ticks into instructions. Without -icount
 * the counts mean nothing (QEMU 7.2 may not advance SysTick at all then).
 */
#define SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR (*(volatile uint32_t *)0xE000E018u)
#define SYST_MAX 0x00FFFFFFu

static volatile uint32_t systick_wraps;

void SysTick_Handler(void) { systick_wraps++; }

static void systick_start(void) {
    SYST_CSR = 0;
    SYST_RVR = SYST_MAX;
    SYST_CVR = 0; /* any write clears it: the count starts at SYST_MAX */
    systick_wraps = 0;
    SYST_CSR = 7u; /* enable, interrupt on wrap, processor clock */
}

/* Ticks since systick_start (a wrap pending while we read is counted by re-reading). */
static uint64_t systick_ticks(void) {
    uint32_t w, v;
    do {
        w = systick_wraps;
        v = SYST_CVR;
    } while (w != systick_wraps);
    SYST_CSR = 0;
    return (uint64_t)w * (SYST_MAX + 1u) + (SYST_MAX - v);
}

/* 2 n instructions (subs, bne) plus a few */
static __attribute__((noinline)) void spin(uint32_t n) {
    __asm__ volatile("1: subs %0, %0, #1\n\tbne 1b" : "+r"(n) : : "cc");
}

static void put_kv_u64(const char *key, uint64_t v) {
    sh_puts(key);
    sh_putc('=');
    if (v >> 32) {
        sh_put_u32((uint32_t)(v / 1000000000u));
        v %= 1000000000u;
        for (uint32_t d = 100000000u; d; d /= 10u)
            sh_putc((char)('0' + (v / d) % 10u));
    } else {
        sh_put_u32((uint32_t)v);
    }
    sh_putc('\n');
}

static int run_model(net_ctx *c) { return net_run(c, td_inputs, td_outputs); }

#ifdef NET_STEP_CHUNK
/* A streaming build (rnnc compile --stream [--chunk K]): the same data set is fed through
 * net_step, NET_STEP_CHUNK time steps per call, and the outputs assembled from the steps
 * must match the expected ones too. Each input/output is viewed as [outer][time][inner]
 * (NET_*_TIME_AXIS, NET_*_TIME_INNER); one without a time axis is passed whole (read by
 * the first step after net_reset) or, for outputs, holds the value after the last step. */
#if NET_NUM_INPUTS > 6 || NET_NUM_OUTPUTS > 6
#error "fw_main streams models with at most 6 inputs and 6 outputs"
#endif
typedef struct time_view {
    int axis;
    uint32_t inner, step_count;
} time_view;
#define TV(kind, i)                                                                                \
    { NET_##kind##_##i##_TIME_AXIS, NET_##kind##_##i##_TIME_INNER, NET_STEP_##kind##_##i##_COUNT }
static const time_view in_view[NET_NUM_INPUTS] = {
    TV(INPUT, 0),
#if NET_NUM_INPUTS > 1
    TV(INPUT, 1),
#endif
#if NET_NUM_INPUTS > 2
    TV(INPUT, 2),
#endif
#if NET_NUM_INPUTS > 3
    TV(INPUT, 3),
#endif
#if NET_NUM_INPUTS > 4
    TV(INPUT, 4),
#endif
#if NET_NUM_INPUTS > 5
    TV(INPUT, 5),
#endif
};
static const time_view out_view[NET_NUM_OUTPUTS] = {
    TV(OUTPUT, 0),
#if NET_NUM_OUTPUTS > 1
    TV(OUTPUT, 1),
#endif
#if NET_NUM_OUTPUTS > 2
    TV(OUTPUT, 2),
#endif
#if NET_NUM_OUTPUTS > 3
    TV(OUTPUT, 3),
#endif
#if NET_NUM_OUTPUTS > 4
    TV(OUTPUT, 4),
#endif
#if NET_NUM_OUTPUTS > 5
    TV(OUTPUT, 5),
#endif
};
/* per-call buffers, 8-byte elements so that int64 token ids fit too */
static uint64_t step_in[NET_NUM_INPUTS][512], step_out[NET_NUM_OUTPUTS][512];

/* chunk ch of a [outer][len][inner] tensor (elements of esz bytes) <-> [outer][K][inner] */
static void cut(unsigned char *step, unsigned char *full, uint32_t esz, uint32_t count,
                uint32_t inner, uint32_t ch, int back) {
    const uint32_t len = NET_SEQ_LEN, k = NET_STEP_CHUNK, outer = count / (len * inner);
    for (uint32_t o = 0; o < outer; o++) {
        unsigned char *s = step + (size_t)o * k * inner * esz;
        unsigned char *f = full + ((size_t)o * len + (size_t)ch * k) * inner * esz;
        if (back)
            memcpy(f, s, (size_t)k * inner * esz);
        else
            memcpy(s, f, (size_t)k * inner * esz);
    }
}

#define IN_INFO(i)                                                                                 \
    { TD_INPUT_##i##_ESIZE, TD_INPUT_##i##_COUNT }
static const struct {
    uint32_t esz, count;
} in_info[NET_NUM_INPUTS] = {
    IN_INFO(0),
#if NET_NUM_INPUTS > 1
    IN_INFO(1),
#endif
#if NET_NUM_INPUTS > 2
    IN_INFO(2),
#endif
#if NET_NUM_INPUTS > 3
    IN_INFO(3),
#endif
#if NET_NUM_INPUTS > 4
    IN_INFO(4),
#endif
#if NET_NUM_INPUTS > 5
    IN_INFO(5),
#endif
};
static uint32_t in_esz(int i) { return in_info[i].esz; }
static uint32_t in_count(int i) { return in_info[i].count; }

/* Feeds the whole sequence through net_step into td_outputs; returns a status. */
static int stream_model(net_ctx *c) {
    const void *ins[NET_NUM_INPUTS];
    void *outs[NET_NUM_OUTPUTS];
    net_reset(c);
    for (uint32_t ch = 0; ch < NET_SEQ_LEN / NET_STEP_CHUNK; ch++) {
        int rc;
        for (int i = 0; i < NET_NUM_INPUTS; i++) {
            if (in_view[i].axis < 0) {
                ins[i] = td_inputs[i];
                continue;
            }
            if (in_view[i].step_count * in_esz(i) > sizeof step_in[i])
                return -2;
            cut((unsigned char *)step_in[i], (unsigned char *)(uintptr_t)td_inputs[i], in_esz(i),
                in_count(i), in_view[i].inner, ch, 0);
            ins[i] = step_in[i];
        }
        for (int k = 0; k < NET_NUM_OUTPUTS; k++) {
            if (out_view[k].step_count * elem_size(td_output_table[k].dtype) > sizeof step_out[k])
                return -2;
            outs[k] = step_out[k];
        }
        rc = net_step(c, ins, outs);
        if (rc != RNNRT_OK)
            return rc;
        for (int k = 0; k < NET_NUM_OUTPUTS; k++) {
            const td_output *o = &td_output_table[k];
            uint32_t esz = elem_size(o->dtype);
            if (out_view[k].axis < 0)
                memcpy(td_outputs[k], step_out[k], (size_t)o->count * esz);
            else
                cut((unsigned char *)step_out[k], (unsigned char *)td_outputs[k], esz, o->count,
                    out_view[k].inner, ch, 1);
        }
    }
    return RNNRT_OK;
}
#endif

typedef struct cmp_result {
    uint32_t mismatches;
    float max_abs, max_rel;
} cmp_result;

static void report_mismatch(uint32_t i, const td_output *o) {
    sh_puts("  mismatch [");
    sh_put_u32(i);
    sh_puts("]: got ");
    if (o->dtype == TD_FLOAT) {
        float g = ((const float *)o->got)[i], e = ((const float *)o->expected)[i];
        uint32_t gb, eb;
        memcpy(&gb, &g, 4);
        memcpy(&eb, &e, 4);
        sh_put_float(g);
        sh_puts(" (");
        sh_put_hex32(gb);
        sh_puts(") expected ");
        sh_put_float(e);
        sh_puts(" (");
        sh_put_hex32(eb);
        sh_puts(")\n");
    } else if (o->dtype == TD_INT32) {
        sh_put_i32(((const int32_t *)o->got)[i]);
        sh_puts(" expected ");
        sh_put_i32(((const int32_t *)o->expected)[i]);
        sh_putc('\n');
    } else {
        sh_put_i64(((const int64_t *)o->got)[i]);
        sh_puts(" expected ");
        sh_put_i64(((const int64_t *)o->expected)[i]);
        sh_putc('\n');
    }
}

static cmp_result compare(const td_output *o) {
    cmp_result r = {0u, 0.0f, 0.0f};
    for (uint32_t i = 0; i < o->count; i++) {
        int ok;
        if (o->dtype == TD_FLOAT) {
            const float g = ((const float *)o->got)[i], e = ((const float *)o->expected)[i];
            if (e != e || g != g) {
                ok = (e != e) && (g != g);
            } else if (g == e) {
                ok = 1; /* also equal infinities, whose difference is NaN */
            } else {
                const float err = fabsf(g - e);
                ok = err <= ATOL + RTOL * fabsf(e);
                if (!(err <= r.max_abs)) /* NaN (inf - inf of opposite signs) counts too */
                    r.max_abs = err;
                if (e != 0.0f && !(err / fabsf(e) <= r.max_rel))
                    r.max_rel = err / fabsf(e);
            }
        } else if (o->dtype == TD_INT32) {
            ok = ((const int32_t *)o->got)[i] == ((const int32_t *)o->expected)[i];
        } else {
            ok = ((const int64_t *)o->got)[i] == ((const int64_t *)o->expected)[i];
        }
        if (!ok) {
            if (r.mismatches < MAX_REPORTED_MISMATCHES)
                report_mismatch(i, o);
            r.mismatches++;
        }
    }
    return r;
}

int main(void) {
    int status, failed = 0;
    float max_abs = 0.0f;
    uintptr_t sp_at_call, painted_end, low;

    sh_puts("rnnc embedded test (Cortex-M4F, mps2-an386)\n");
    sh_put_kv_u32("ctx_bytes", (uint32_t)sizeof(net_ctx));
    sh_put_kv_u32("inputs", (uint32_t)TD_NUM_INPUTS);
    sh_put_kv_u32("outputs", (uint32_t)TD_NUM_OUTPUTS);
    net_init(&ctx);

    /* ---- run 1: results and stack high-water mark ---- */
    sp_at_call = current_sp();
    painted_end = stack_paint();
    status = run_model(&ctx);
    low = stack_low_water(painted_end);
    sh_puts("net_run_status=");
    sh_put_i32(status);
    if (status != RNNRT_OK) {
        sh_puts(" (");
        sh_puts(rnnrt_status_str(status));
        sh_putc(')');
        failed = 1;
    }
    sh_putc('\n');
    sh_put_kv_u32("stack_used_bytes", (uint32_t)(sp_at_call - low));
    sh_put_kv_u32("stack_size_bytes",
                  (uint32_t)((uintptr_t)__stack_top - (uintptr_t)__stack_limit));
    if (low <= (uintptr_t)__stack_limit) {
        sh_puts("stack overflow: the run reached the bottom of the stack region\n");
        failed = 1;
    }

    for (int k = 0; k < TD_NUM_OUTPUTS; k++) {
        const td_output *o = &td_output_table[k];
        cmp_result r = compare(o);
        sh_puts("output ");
        sh_put_i32(k);
        sh_puts(" '");
        sh_puts(o->name);
        sh_puts("' ");
        sh_puts(o->dtype == TD_FLOAT ? "float" : o->dtype == TD_INT32 ? "int32" : "int64");
        sh_puts(" n=");
        sh_put_u32(o->count);
        if (o->dtype == TD_FLOAT) {
            sh_puts(" max_abs_err=");
            sh_put_float(r.max_abs);
            sh_puts(" max_rel_err=");
            sh_put_float(r.max_rel);
        }
        sh_puts(" mismatches=");
        sh_put_u32(r.mismatches);
        sh_putc('\n');
        if (r.mismatches)
            failed = 1;
        if (!(r.max_abs <= max_abs))
            max_abs = r.max_abs;
    }
    sh_puts("max_abs_err=");
    sh_put_float(max_abs);
    sh_putc('\n');

    /* calibration for the tick counts: 2 000 000 instructions (see spin) */
    systick_start();
    spin(1000000u);
    put_kv_u64("calib_systicks", systick_ticks());

    /* ---- run 2 on the same context: bit-identical results; timed ---- */
    {
        /* run 1's results, kept as the reference; then poison the buffers */
        static unsigned char first[TD_OUTPUT_BYTES];
        uint32_t off = 0;
        int identical;
        for (int k = 0; k < TD_NUM_OUTPUTS; k++) {
            const td_output *o = &td_output_table[k];
            const uint32_t bytes = o->count * elem_size(o->dtype);
            memcpy(first + off, o->got, bytes);
            memset(td_outputs[k], 0xA5, bytes);
            off += bytes;
        }
        systick_start();
        status = run_model(&ctx);
        put_kv_u64("run_systicks", systick_ticks());
        identical = status == RNNRT_OK;
        off = 0;
        for (int k = 0; k < TD_NUM_OUTPUTS; k++) {
            const td_output *o = &td_output_table[k];
            const uint32_t bytes = o->count * elem_size(o->dtype);
            const unsigned char *got = (const unsigned char *)o->got;
            for (uint32_t b = 0; b < bytes; b++)
                identical &= first[off + b] == got[b];
            off += bytes;
        }
        sh_put_kv_u32("rerun_identical", (uint32_t)identical);
        if (!identical)
            failed = 1;
    }

#ifdef NET_STEP_CHUNK
    /* ---- the step API over the same sequence: outputs and stack ---- */
    for (int k = 0; k < TD_NUM_OUTPUTS; k++)
        memset(td_outputs[k], 0xA5, td_output_table[k].count * elem_size(td_output_table[k].dtype));
    sp_at_call = current_sp();
    painted_end = stack_paint();
    status = stream_model(&ctx);
    low = stack_low_water(painted_end);
    sh_puts("net_step_status=");
    sh_put_i32(status);
    sh_putc('\n');
    sh_put_kv_u32("step_chunk", (uint32_t)NET_STEP_CHUNK);
    sh_put_kv_u32("step_stack_used_bytes", (uint32_t)(sp_at_call - low));
    if (status != RNNRT_OK)
        failed = 1;
    for (int k = 0; k < TD_NUM_OUTPUTS; k++) {
        cmp_result r = compare(&td_output_table[k]);
        sh_puts("stream output ");
        sh_put_i32(k);
        sh_puts(" max_abs_err=");
        sh_put_float(r.max_abs);
        sh_puts(" mismatches=");
        sh_put_u32(r.mismatches);
        sh_putc('\n');
        if (r.mismatches)
            failed = 1;
    }
#endif
    sh_puts(failed ? "FAIL\n" : "PASS\n");
    return failed ? 1 : 0;
}
