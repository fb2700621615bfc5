/* Entering ring 3 and coming back: the first entry of a user thread, and
   the syscall/sysret fast path of system calls (arch/x86_64/syscall_entry.S). */
#ifndef ARCH_X86_64_USERMODE_H
#define ARCH_X86_64_USERMODE_H

#include <stdint.h>

/* Leaves the kernel for user mode at rip = entry with %rdi = arg and
   %rsp = stack, interrupts on. Never returns: the thread comes back into
   the kernel only through interrupts and system calls. */
__attribute__((noreturn)) void usermode_enter(uint64_t entry, uint64_t arg, uint64_t stack);

/* Programs this CPU's syscall MSRs (STAR, LSTAR, SFMASK) and EFER.SCE. */
void syscall_init_cpu(void);

#endif
