/* The one trap-frame layout: what every interrupt, exception and (later)
   system call entry leaves on the kernel stack, in the order it is pushed. */
#ifndef ARCH_X86_64_TRAP_H
#define ARCH_X86_64_TRAP_H

/* Byte offsets into struct trap_frame for the assembly in trap_entry.S
   (checked against the struct in arch/x86_64/trap.c). */
#define TF_VECTOR      120
#define TF_ERROR_CODE  128
#define TF_RIP         136
#define TF_CS          144
#define TF_SIZE        176      /* a multiple of 16: keeps %rsp aligned */

#ifndef __ASSEMBLER__
#include <stdint.h>

struct trap_frame {
    /* Pushed by the common entry code in arch/x86_64/trap_entry.S. */
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    /* Pushed by the per-vector stub: the vector number and the error code
       (0 for vectors where the CPU pushes none). */
    uint64_t vector, error_code;
    /* Pushed by the CPU (Intel SDM vol. 3A, 6.14.2, figure 6-9). */
    uint64_t rip, cs, rflags, rsp, ss;
};

/* Fills tf with this CPU's registers as they are in the caller. */
void regs_capture(struct trap_frame *tf);

/* Prints every register of tf (and the control registers) on the console. */
void regs_print(const struct trap_frame *tf);

/* Prints "backtrace:" lines by walking the frame-pointer chain from rbp,
   starting with the frame at rip. */
void backtrace_print(uint64_t rip, uint64_t rbp);

/* The C side of every interrupt and exception (arch/x86_64/trap.c): called
   by trap_entry.S with interrupts off and tf on the kernel stack. */
void trap_dispatch(struct trap_frame *tf);

/* The return path of trap_entry.S: jumped to (not called) with %rsp
   pointing at a struct trap_frame, it restores every register from the
   frame, does swapgs if the frame returns to user mode, and irets. Thread
   start-up and the first entry to user mode use it. */
void trap_return(void);

#endif /* !__ASSEMBLER__ */

#endif
