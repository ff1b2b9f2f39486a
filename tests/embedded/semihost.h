/* semihost.h - ARM semihosting for the rnnc embedded test firmware.
 *
 * Output goes to the host through QEMU's semihosting (-semihosting-config enable=on):
 * SYS_WRITEC / SYS_WRITE0 print to QEMU's stdout, sh_exit() ends the emulation with the given
 * exit status. Plus a few tiny formatters (no newlib stdio: no printf, no malloc). */
#ifndef RNNC_EMB_SEMIHOST_H
#define RNNC_EMB_SEMIHOST_H

#include <stdint.h>

void sh_putc(char ch);
void sh_puts(const char *s); /* no newline appended */
/* Ends the program: QEMU exits with status code (0..255). Never returns. */
void sh_exit(int code) __attribute__((noreturn));

void sh_put_u32(uint32_t v);
void sh_put_i32(int32_t v);
void sh_put_i64(int64_t v);
void sh_put_hex32(uint32_t v); /* 0x%08x */
/* Scientific notation with 7 significant digits, e.g. -1.234568e-05; nan, inf, -inf, 0 too.
 * Formatted by hand in float arithmetic (display only; exact values: print the bits). */
void sh_put_float(float x);
/* "name=value\n" helpers for the key=value lines the driver script greps for. */
void sh_put_kv_u32(const char *key, uint32_t v);

#endif
