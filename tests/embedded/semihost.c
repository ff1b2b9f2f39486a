/* semihost.c - ARM semihosting calls (bkpt 0xab on M-profile) and small print routines.
 * See semihost.h. */
#include "semihost.h"

#include <string.h>

/* Semihosting operation numbers (ARM "Semihosting for AArch32 and AArch64", v2.0). */
#define SYS_WRITEC 0x03
#define SYS_WRITE0 0x04
#define SYS_EXIT 0x18          /* angel_SWIreason_ReportException */
#define SYS_EXIT_EXTENDED 0x20 /* the same with a parameter block, so A32/T32 get a status */
#define ADP_Stopped_ApplicationExit 0x20026u
#define ADP_Stopped_RunTimeErrorUnknown 0x20023u

static uint32_t sh_call(uint32_t op, const void *arg) {
    register uint32_t r0 __asm__("r0") = op;
    register const void *r1 __asm__("r1") = arg;
    __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

void sh_putc(char ch) { (void)sh_call(SYS_WRITEC, &ch); }

void sh_puts(const char *s) { (void)sh_call(SYS_WRITE0, s); }

void sh_exit(int code) {
    uint32_t block[2];
    block[0] = ADP_Stopped_ApplicationExit;
    block[1] = (uint32_t)code;
    /* QEMU: SYS_EXIT_EXTENDED on A32/T32 exits with block[1] as the status. */
    (void)sh_call(SYS_EXIT_EXTENDED, block);
    /* A host without SYS_EXIT_EXTENDED: plain SYS_EXIT (status 0 or 1). On A32/T32 its
     * argument is the reason code itself, not a block. */
    (void)sh_call(SYS_EXIT, (const void *)(uintptr_t)(code == 0 ? ADP_Stopped_ApplicationExit
                                                                : ADP_Stopped_RunTimeErrorUnknown));
    for (;;) {
    }
}

void sh_put_u32(uint32_t v) {
    char buf[12];
    int i = (int)sizeof buf - 1;
    buf[i] = '\0';
    do {
        buf[--i] = (char)('0' + v % 10u);
        v /= 10u;
    } while (v != 0u);
    sh_puts(buf + i);
}

void sh_put_i32(int32_t v) {
    if (v < 0) {
        sh_putc('-');
        sh_put_u32(0u - (uint32_t)v);
    } else {
        sh_put_u32((uint32_t)v);
    }
}

void sh_put_i64(int64_t v) {
    char buf[24];
    int i = (int)sizeof buf - 1;
    uint64_t u = v < 0 ? 0u - (uint64_t)v : (uint64_t)v;
    buf[i] = '\0';
    do {
        /* u /= 10 in four 16-bit limbs: 32-bit arithmetic only, so no libgcc 64-bit division
         * (__aeabi_uldivmod) is linked in */
        uint32_t rem = 0;
        uint64_t q = 0;
        for (int shift = 48; shift >= 0; shift -= 16) {
            const uint32_t cur = (rem << 16) | (uint32_t)((u >> shift) & 0xffffu);
            q |= (uint64_t)(cur / 10u) << shift;
            rem = cur % 10u;
        }
        buf[--i] = (char)('0' + rem);
        u = q;
    } while (u != 0u);
    if (v < 0)
        buf[--i] = '-';
    sh_puts(buf + i);
}

void sh_put_hex32(uint32_t v) {
    static const char digits[] = "0123456789abcdef";
    char buf[11];
    buf[0] = '0';
    buf[1] = 'x';
    for (int k = 0; k < 8; k++)
        buf[2 + k] = digits[(v >> (28 - 4 * k)) & 0xfu];
    buf[10] = '\0';
    sh_puts(buf);
}

void sh_put_float(float x) {
    uint32_t bits;
    memcpy(&bits, &x, sizeof bits);
    if (x != x) {
        sh_puts("nan");
        return;
    }
    if (bits & 0x80000000u) {
        sh_putc('-');
        x = -x;
    }
    if (x > 3.402823466e38f) {
        sh_puts("inf");
        return;
    }
    if (x == 0.0f) {
        sh_puts("0.000000e+00");
        return;
    }
    {
        int exp10 = 0;
        uint32_t mant;
        char buf[9];
        /* Bring x into [1, 10). Subnormals first get scaled into the normal range. */
        while (x < 1e-30f) {
            x *= 1e10f;
            exp10 -= 10;
        }
        while (x >= 10.0f) {
            x /= 10.0f;
            exp10++;
        }
        while (x < 1.0f) {
            x *= 10.0f;
            exp10--;
        }
        /* 7 significant digits, rounded */
        mant = (uint32_t)(x * 1e6f + 0.5f);
        if (mant >= 10000000u) {
            mant /= 10u;
            exp10++;
        }
        for (int k = 6; k >= 0; k--) {
            buf[k + (k > 0 ? 1 : 0)] = (char)('0' + mant % 10u);
            mant /= 10u;
        }
        buf[1] = '.';
        buf[8] = '\0';
        sh_puts(buf);
        sh_putc('e');
        if (exp10 < 0) {
            sh_putc('-');
            exp10 = -exp10;
        } else {
            sh_putc('+');
        }
        if (exp10 < 10)
            sh_putc('0');
        sh_put_u32((uint32_t)exp10);
    }
}

void sh_put_kv_u32(const char *key, uint32_t v) {
    sh_puts(key);
    sh_putc('=');
    sh_put_u32(v);
    sh_putc('\n');
}
