/* The system-call entry: `syscall` jumps here in ring 0 with the user's
   %rsp still loaded, rip in %rcx and rflags in %r11 (Intel SDM vol. 2B, SYSCALL). */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/trap.h"
#include "arch/x86_64/trap_regs.h"

#define SYSCALL_VECTOR 0x100        /* marks a trap frame made by a syscall */

        .text
        .global syscall_entry
        .type syscall_entry, @function
syscall_entry:
        swapgs                          /* %gs: this CPU's struct cpu */
        movq    %rsp, %gs:CPU_USER_RSP
        movq    %gs:CPU_KERNEL_RSP, %rsp
        /* The same frame an interrupt from user mode leaves (trap.h). */
        pushq   $GDT_USER_DATA          /* ss */
        pushq   %gs:CPU_USER_RSP        /* rsp */
        pushq   %r11                    /* rflags */
        pushq   $GDT_USER_CODE          /* cs */
        pushq   %rcx                    /* rip */
        pushq   $0                      /* error code */
        pushq   $SYSCALL_VECTOR
        PUSH_REGS
        xorl    %ebp, %ebp              /* backtraces stop at the user boundary */
        movq    %rsp, %rdi
        call    syscall_dispatch        /* returns with interrupts off */
        testl   %eax, %eax
        jnz     trap_return             /* the slow, always-safe way back: iretq */
        POP_REGS
        addq    $16, %rsp               /* vector, error code */
        popq    %rcx                    /* rip for sysret */
        addq    $8, %rsp                /* cs */
        popq    %r11                    /* rflags for sysret */
        movq    (%rsp), %rsp            /* the user's stack */
        swapgs
        sysretq
        .size syscall_entry, . - syscall_entry
