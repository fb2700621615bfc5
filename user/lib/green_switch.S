/* The green threads' context switch, entirely in user space: what the
   SysV ABI says a called function must preserve, saved on one stack and
   restored from another. */

/*
 * void green_switch(void **save_sp, void *load_sp)
 *
 * A switch is an ordinary call, so only the registers the callee must
 * preserve need saving (System V AMD64 ABI, section 3.2.1 and figure 3.4):
 * %rbx, %rbp, %r12-%r15 and %rsp; the caller has already given up every
 * other general register and every %xmm register. The same section makes
 * the control bits of MXCSR (rounding mode, exception masks, FTZ/DAZ) and
 * the x87 control word (precision and rounding) callee-saved, so a task
 * that sets its own rounding mode must not impose it on the next task: both
 * go on the stack too (stmxcsr/ldmxcsr, fnstcw/fldcw; Intel SDM vol. 1,
 * 10.2.3 and 8.1.5). The frame left on the old stack, from *save_sp up:
 *
 *   +0   MXCSR (4 bytes), x87 control word (2 bytes), 2 unused
 *   +8   %r15   +16 %r14   +24 %r13   +32 %r12   +40 %rbx   +48 %rbp
 *   +56  return address (into whoever called green_switch)
 *
 * green.c builds the same frame by hand on a new task's stack, with the
 * return address green_task_trampoline and the task in %r12. Keep the two
 * in step (GREEN_FRAME_WORDS in green.c).
 */
    .text
    .globl green_switch
    .type green_switch, @function
green_switch:
    push %rbp
    push %rbx
    push %r12
    push %r13
    push %r14
    push %r15
    sub $8, %rsp
    stmxcsr (%rsp)
    fnstcw 4(%rsp)
    mov %rsp, (%rdi)            /* from here the old context is complete */
    mov %rsi, %rsp              /* the new context's stack */
    ldmxcsr (%rsp)
    fldcw 4(%rsp)
    add $8, %rsp
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbx
    pop %rbp
    ret
    .size green_switch, . - green_switch

/*
 * A new task's first switch "returns" here with %rsp 16-byte aligned (the
 * frame green.c builds makes it so), which is what the ABI wants at a call.
 * %rbp is 0 (the end of the frame-pointer chain for backtraces).
 */
    .globl green_task_trampoline
    .type green_task_trampoline, @function
green_task_trampoline:
    mov %r12, %rdi
    call green_task_main
    ud2                         /* green_task_main never returns */
    .size green_task_trampoline, . - green_task_trampoline

    .section .note.GNU-stack, "", @progbits
