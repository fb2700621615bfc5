/* The user-visible floating-point and SSE state (x87, MMX, XMM, MXCSR) of a
   thread, switched lazily: saved when a thread that used it leaves the CPU. */
#ifndef ARCH_X86_64_FPU_H
#define ARCH_X86_64_FPU_H

#define FPU_STATE_SIZE  512     /* the FXSAVE area (Intel SDM vol. 1, 10.5.1) */
#define FPU_STATE_ALIGN 16

/* A thread that used the FPU in this many time slices in a row gets its
   state loaded when it is switched in, without waiting for the trap. */
#define FPU_EAGER_AFTER 5

struct cpu;
struct thread;

/* Enables SSE for user code on this CPU (CR0.MP, CR0.EM off, CR4.OSFXSR,
   CR4.OSXMMEXCPT) and, on the first CPU, records the clean initial state.
   Leaves CR0.TS set: the first FPU instruction of a user thread traps. */
void fpu_init_cpu(void);

/* Fills area (FPU_STATE_SIZE bytes, 16-aligned) with the initial state a
   new user thread starts with. */
void fpu_init_state(void *area);

/* The two halves of a switch on CPU c (docs/fpu.md), with interrupts off:
   prev's registers go to memory if prev used them since it got the CPU;
   next's come back at once only if it is a steady FPU user. */
void fpu_switch_out(struct cpu *c, struct thread *prev);
void fpu_switch_in(struct cpu *c, struct thread *next);

/* #NM (device not available) from user mode: the running thread's first
   FPU instruction since it got the CPU. Loads its state; the instruction
   then runs again. */
void fpu_trap(void);

#endif
