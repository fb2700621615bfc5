/* FPU/SSE state for user threads. The kernel itself is built without SSE
   and never touches these registers, so only user threads carry a state. */
#include "arch/x86_64/fpu.h"
#include "arch/x86_64/x86.h"
#include "lib/string.h"
#include <stdint.h>

#define CR0_MP (1u << 1)        /* monitor coprocessor */
#define CR0_EM (1u << 2)        /* emulate: must be off for SSE */
#define CR0_TS (1u << 3)        /* task switched: off, we switch eagerly */
#define CR4_OSFXSR     (1u << 9)    /* the OS saves state with fxsave */
#define CR4_OSXMMEXCPT (1u << 10)   /* the OS handles #XM */
#define MXCSR_DEFAULT  0x1F80       /* all SIMD exceptions masked (SDM vol. 1, 10.2.3.1) */

static uint8_t initial_state[FPU_STATE_SIZE] __attribute__((aligned(FPU_STATE_ALIGN)));
static bool have_initial_state;

static inline void write_cr0(uint64_t v) { __asm__ volatile("mov %0, %%cr0" : : "r"(v) : "memory"); }

void fpu_init_cpu(void)
{
    write_cr0((read_cr0() | CR0_MP) & ~(uint64_t)(CR0_EM | CR0_TS));
    write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
    if (!have_initial_state) {
        uint32_t mxcsr = MXCSR_DEFAULT;
        __asm__ volatile("fninit; ldmxcsr %0" : : "m"(mxcsr));
        fpu_save(initial_state);
        have_initial_state = true;
    }
}

void fpu_init_state(void *area)
{
    memcpy(area, initial_state, FPU_STATE_SIZE);
}

void fpu_save(void *area)
{
    __asm__ volatile("fxsave64 (%0)" : : "r"(area) : "memory");
}

void fpu_restore(const void *area)
{
    __asm__ volatile("fxrstor64 (%0)" : : "r"(area) : "memory");
}
