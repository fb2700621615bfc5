/* Lazy FPU switching for user threads: CR0.TS makes a thread's first FPU
   instruction trap, and only then are its registers loaded (docs/fpu.md). */
#include "arch/x86_64/fpu.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/x86.h"
#include "kernel/panic.h"
#include "kernel/thread.h"
#include "lib/string.h"
#include <stdint.h>

#define CR0_MP (1u << 1)        /* monitor coprocessor: wait/fwait also see TS */
#define CR0_EM (1u << 2)        /* emulate: must be off for SSE */
#define CR0_TS (1u << 3)        /* task switched: the next FPU/SSE instruction raises #NM */
#define CR4_OSFXSR     (1u << 9)    /* the OS saves state with fxsave */
#define CR4_OSXMMEXCPT (1u << 10)   /* the OS handles #XM */
#define MXCSR_DEFAULT  0x1F80       /* all SIMD exceptions masked (SDM vol. 1, 10.2.3.1) */

static uint8_t initial_state[FPU_STATE_SIZE] __attribute__((aligned(FPU_STATE_ALIGN)));
static bool have_initial_state;

static inline void write_cr0(uint64_t v) { __asm__ volatile("mov %0, %%cr0" : : "r"(v) : "memory"); }
static inline void clts(void) { __asm__ volatile("clts" : : : "memory"); }
static inline void set_ts(void) { write_cr0(read_cr0() | CR0_TS); }

static inline void fxsave(void *area)
{
    __asm__ volatile("fxsave64 (%0)" : : "r"(area) : "memory");
}

static inline void fxrstor(const void *area)
{
    __asm__ volatile("fxrstor64 (%0)" : : "r"(area) : "memory");
}

void fpu_init_cpu(void)
{
    write_cr0((read_cr0() | CR0_MP) & ~(uint64_t)(CR0_EM | CR0_TS));
    write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
    if (!have_initial_state) {
        uint32_t mxcsr = MXCSR_DEFAULT;
        __asm__ volatile("fninit; ldmxcsr %0" : : "m"(mxcsr));
        fxsave(initial_state);
        have_initial_state = true;
    }
    this_cpu()->fpu_owner = NULL;
    set_ts();                       /* invariant: TS is set exactly when fpu_owner is NULL */
}

void fpu_init_state(void *area)
{
    memcpy(area, initial_state, FPU_STATE_SIZE);
}

/*
 * Why lazy: fxsave and fxrstor move 512 bytes each, and under QEMU's TCG
 * they are the largest part of a thread switch (about 500 of 1,300 ns).
 * Most switches are between threads that have not touched the FPU since
 * they got the CPU -- a thread that only computes with integers, waits on
 * a futex or yields -- and for those nothing needs to move.
 *
 * The rule: c->fpu_owner is the thread whose state is in CPU c's registers
 * and newer than its copy in memory; it is only ever the running thread.
 * Everything else has its state in memory, so a thread can move to another
 * CPU at any time. This is the "save eagerly, restore lazily" variant:
 * registers are never left owed to a thread that is not running.
 */
void fpu_switch_out(struct cpu *c, struct thread *prev)
{
    if (c->fpu_owner == prev) {
        fxsave(prev->fpu_state);
        /* Counts slices that used the FPU. A uint8_t wraps at 256: then
           the thread goes back to trapping once, which finds out whether
           it still uses the FPU at all (the eager load hides that). */
        prev->fpu_streak++;
        c->fpu_owner = NULL;
        set_ts();
    } else if (prev->fpu_state) {
        prev->fpu_streak = 0;       /* a slice without the FPU */
    }
}

void fpu_switch_in(struct cpu *c, struct thread *next)
{
    /* The trap costs more than the load it saves for a thread that uses
       the FPU in every slice: load such a thread's state at once. */
    if (next->fpu_state && next->fpu_streak >= FPU_EAGER_AFTER) {
        clts();
        fxrstor(next->fpu_state);
        c->fpu_owner = next;
    }
}

void fpu_trap(void)
{
    /* An interrupt gate brought us here: interrupts are off, so no switch
       can come between the load and the record of who owns it. */
    struct cpu *c = this_cpu();
    struct thread *t = c->current;
    if (c->fpu_owner || !t->fpu_state)
        panic("#NM in user mode with FPU owner %p, thread '%s' (tid %d) fpu_state %p",
              (void *)c->fpu_owner, t->name, t->tid, t->fpu_state);
    clts();
    fxrstor(t->fpu_state);
    c->fpu_owner = t;
}
