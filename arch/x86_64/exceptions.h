/* The CPU exceptions (vectors 0-31): their names, and what the kernel does
   when one happens (for now: panic, naming the exception and the mode). */
#ifndef ARCH_X86_64_EXCEPTIONS_H
#define ARCH_X86_64_EXCEPTIONS_H

#include <stdint.h>

struct trap_frame;

#define EXCEPTION_VECTORS 32    /* 0-31 are reserved for exceptions (SDM vol. 3A, 6.3.1) */
#define EXC_DIVIDE_ERROR  0
#define EXC_INVALID_OPCODE 6
#define EXC_DEVICE_NOT_AVAILABLE 7
#define EXC_X87_FP        16
#define EXC_SIMD_FP       19
#define EXC_NMI           2
#define EXC_DOUBLE_FAULT  8
#define EXC_GENERAL_PROTECTION 13
#define EXC_PAGE_FAULT    14
#define EXC_MACHINE_CHECK 18

/* Handles exception tf->vector (< 32); called by trap_dispatch with
   interrupts off. Panics today; returns only once user faults kill the
   faulting process instead. */
void exception_handle(struct trap_frame *tf);

/* "#PF"-style mnemonic and lower-case name of exception vector (< 32). */
const char *exception_mnemonic(uint64_t vector);
const char *exception_name(uint64_t vector);

#endif
