/* The context switch: saving one thread's callee-saved registers and stack
   pointer and loading another's, plus the initial stack of a new thread. */
#ifndef ARCH_X86_64_CONTEXT_H
#define ARCH_X86_64_CONTEXT_H

#include <stdint.h>

struct thread;
struct cpu;

/* Saves the callee-saved registers on the current stack, stores %rsp in
   *save_sp, loads new_sp and pops the next thread's registers: returns in
   the other thread (arch/x86_64/switch.S). Interrupts must be off. */
void context_switch(uint64_t *save_sp, uint64_t new_sp);

/* Builds the stack of a thread that has never run, so that the first
   context_switch to it "returns" into context_trampoline, which calls
   start(t) with a clean frame-pointer chain. Returns the initial %rsp. */
uint64_t context_init_stack(uint64_t stack_top, void (*start)(struct thread *), struct thread *t);

/* Per-CPU state that follows the running thread: TSS.rsp0 (the stack for
   interrupts from user mode), the syscall stack, the page-table root, the
   user FPU/SSE registers (prev's saved, next's loaded; prev may be NULL)
   and, for a user thread, its FS base (the TLS thread pointer). */
void context_prepare_switch(struct cpu *c, struct thread *prev, struct thread *next);

#endif
