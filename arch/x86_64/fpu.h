/* The user-visible floating-point and SSE state (x87, MMX, XMM, MXCSR) of a
   thread: saved and restored with fxsave/fxrstor when threads switch. */
#ifndef ARCH_X86_64_FPU_H
#define ARCH_X86_64_FPU_H

#define FPU_STATE_SIZE  512     /* the FXSAVE area (Intel SDM vol. 1, 10.5.1) */
#define FPU_STATE_ALIGN 16

/* Enables SSE for user code on this CPU (CR0.MP, CR0.EM off, CR4.OSFXSR,
   CR4.OSXMMEXCPT) and, on the first CPU, records the clean initial state. */
void fpu_init_cpu(void);

/* Fills area (FPU_STATE_SIZE bytes, 16-aligned) with the initial state a
   new user thread starts with. */
void fpu_init_state(void *area);

void fpu_save(void *area);
void fpu_restore(const void *area);

#endif
