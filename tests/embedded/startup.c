/* startup.c - vector table and reset handler for the rnnc test firmware on the MPS2 AN386
 * (Cortex-M4F) as QEMU models it (qemu-system-arm -M mps2-an386).
 *
 * Reset: enable the FPU (CPACR) before any floating-point instruction can run, copy .data
 * from flash to SRAM, zero .bss, call main(), and end the emulation with main's return value
 * as QEMU's exit status (semihosting). Faults print what they can and exit with status 3. */
#include "semihost.h"

#include <stdint.h>

/* Linker script symbols (mps2_an386.ld). */
extern uint32_t __data_load[], __data_start[], __data_end[];
extern uint32_t __bss_start[], __bss_end[];
extern uint32_t __stack_top[];

int main(void);
void Reset_Handler(void) __attribute__((noreturn));
void Default_Handler(void) __attribute__((noreturn));
void HardFault_Handler(void) __attribute__((noreturn));
/* fw_main.c defines its own (it counts SysTick wraps when it times a run) */
void SysTick_Handler(void);

#define SCB_CPACR (*(volatile uint32_t *)0xE000ED88u)
#define SCB_CFSR (*(volatile uint32_t *)0xE000ED28u)
#define SCB_HFSR (*(volatile uint32_t *)0xE000ED2Cu)

void Reset_Handler(void) {
    /* CP10 and CP11 full access; the barriers make the change visible before the next
     * instruction (the FPU may not be used before this point). */
    SCB_CPACR |= 0xFu << 20;
    __asm__ volatile("dsb\n\tisb" ::: "memory");

    /* volatile pointers: these loops must not be turned into memcpy/memset calls */
    {
        const volatile uint32_t *src = __data_load;
        volatile uint32_t *dst = __data_start;
        while (dst < __data_end)
            *dst++ = *src++;
    }
    {
        volatile uint32_t *dst = __bss_start;
        while (dst < __bss_end)
            *dst++ = 0u;
    }
    sh_exit(main() & 0xff);
}

static void fault(const char *what) __attribute__((noreturn));
static void fault(const char *what) {
    sh_puts("\nFAULT: ");
    sh_puts(what);
    sh_puts(" CFSR=");
    sh_put_hex32(SCB_CFSR);
    sh_puts(" HFSR=");
    sh_put_hex32(SCB_HFSR);
    sh_puts("\nFAIL\n");
    sh_exit(3);
}

void HardFault_Handler(void) { fault("HardFault"); }
void Default_Handler(void) { fault("unexpected exception"); }
__attribute__((weak)) void SysTick_Handler(void) { fault("unexpected SysTick"); }

typedef void (*vector_fn)(void);

/* The initial stack pointer is not a function, but it occupies the first vector slot. */
typedef union vector {
    vector_fn fn;
    uint32_t *sp;
} vector;

/* 16 system exceptions; no external interrupts are enabled, so none are listed. */
__attribute__((section(".isr_vector"), used)) static const vector vector_table[16] = {
    {.sp = __stack_top},
    {.fn = Reset_Handler},
    {.fn = Default_Handler},   /* NMI */
    {.fn = HardFault_Handler}, /* HardFault */
    {.fn = HardFault_Handler}, /* MemManage */
    {.fn = HardFault_Handler}, /* BusFault */
    {.fn = HardFault_Handler}, /* UsageFault */
    {.fn = 0},
    {.fn = 0},
    {.fn = 0},
    {.fn = 0},
    {.fn = Default_Handler}, /* SVCall */
    {.fn = Default_Handler}, /* DebugMonitor */
    {.fn = 0},
    {.fn = Default_Handler}, /* PendSV */
    {.fn = SysTick_Handler},
};
