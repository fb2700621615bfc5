/* Assembler macros that save and restore the general-purpose registers of a
   struct trap_frame: shared by the interrupt entry and the syscall entry. */
#ifndef ARCH_X86_64_TRAP_REGS_H
#define ARCH_X86_64_TRAP_REGS_H
#ifndef __ASSEMBLER__
#error "trap_regs.h is for assembly files only"
#endif

/* Saves the general-purpose registers in struct trap_frame order: rax is
   pushed first (highest address), r15 last (lowest, offset 0). */
.macro PUSH_REGS
        pushq   %rax
        pushq   %rbx
        pushq   %rcx
        pushq   %rdx
        pushq   %rsi
        pushq   %rdi
        pushq   %rbp
        pushq   %r8
        pushq   %r9
        pushq   %r10
        pushq   %r11
        pushq   %r12
        pushq   %r13
        pushq   %r14
        pushq   %r15
.endm

.macro POP_REGS
        popq    %r15
        popq    %r14
        popq    %r13
        popq    %r12
        popq    %r11
        popq    %r10
        popq    %r9
        popq    %r8
        popq    %rbp
        popq    %rdi
        popq    %rsi
        popq    %rdx
        popq    %rcx
        popq    %rbx
        popq    %rax
.endm

#endif
