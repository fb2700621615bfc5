/* The FS base register, which user code uses as its thread pointer (TLS):
   which values a user thread may have, and loading it on this CPU. */
#ifndef ARCH_X86_64_FSBASE_H
#define ARCH_X86_64_FSBASE_H

#include <stdint.h>
#include <stdbool.h>
#include "arch/x86_64/x86.h"
#include "arch/x86_64/memlayout.h"

/*
 * In 64-bit mode the FS segment's base is not taken from the GDT but from
 * the MSR IA32_FS_BASE (0xC0000100; Intel SDM vol. 3A, 3.4.4 "Segment
 * Loading Instructions in IA-32e Mode", and vol. 4, table 2-2). Every
 * %fs:offset access of the thread adds it. The kernel never uses %fs
 * itself (its per-CPU data is behind GS), so the register always holds the
 * base of the last user thread that ran on this CPU.
 *
 * A user thread's base must be a user address: below USER_TOP, which also
 * makes it canonical (wrmsr of a non-canonical base raises #GP in ring 0).
 * 0 is allowed: it means "no thread pointer" (a %fs access then faults).
 */
static inline bool fsbase_valid_for_user(uint64_t base)
{
    return base < USER_TOP;
}

/* Makes base this CPU's FS base. Writing the MSR serialises the CPU and is
   slow, so it happens only when the value changes: reading it is cheaper. */
static inline void fsbase_load(uint64_t base)
{
    if (rdmsr(MSR_FS_BASE) != base)
        wrmsr(MSR_FS_BASE, base);
}

#endif
