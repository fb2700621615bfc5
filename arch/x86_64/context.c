/* Initial stacks of new threads and the per-CPU state a switch updates.
   The stack layout matches the pops in switch.S: r15 r14 r13 r12 rbx rbp, then the return address. */
#include "arch/x86_64/context.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/x86.h"
#include "arch/x86_64/fpu.h"
#include "arch/x86_64/fsbase.h"
#include "kernel/thread.h"
#include "kernel/process.h"

extern void context_trampoline(void);

uint64_t context_init_stack(uint64_t stack_top, void (*start)(struct thread *), struct thread *t)
{
    uint64_t *sp = (uint64_t *)(stack_top & ~15ul);
    *--sp = 0;                              /* a null return address ends backtraces */
    *--sp = (uint64_t)context_trampoline;   /* where context_switch's ret goes */
    *--sp = 0;                              /* rbp */
    *--sp = 0;                              /* rbx */
    *--sp = (uint64_t)t;                    /* r12: the argument */
    *--sp = (uint64_t)start;                /* r13: the function */
    *--sp = 0;                              /* r14 */
    *--sp = 0;                              /* r15 */
    return (uint64_t)sp;
}

void context_prepare_switch(struct cpu *c, struct thread *prev, struct thread *next)
{
    /* Only user threads have FPU state (the kernel is built without SSE),
       and it moves only if it was used: fpu.c, docs/fpu.md. */
    if (prev)
        fpu_switch_out(c, prev);
    fpu_switch_in(c, next);
    /* The thread pointer of user TLS (docs/user.md). Compared with what
       the MSR holds rather than with the previous thread's value: user code
       can change the base behind the kernel's back by loading a selector
       into %fs, and two threads of different processes often have the same
       base (their TLS blocks sit at the same place in their own spaces). */
    if (next->process != &kernel_process)
        fsbase_load(next->fs_base);
    uint64_t top = (uint64_t)next->kstack_base + next->kstack_size;
    c->tss.rsp[0] = top;        /* interrupts from ring 3 land here */
    c->kernel_rsp = top;        /* and so do system calls */
    vm_root_t root = next->process->vm_root;
    if (root && read_cr3() != root)
        write_cr3(root);        /* another process: another address space */
}
