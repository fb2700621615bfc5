/* context_switch and the trampoline where every new thread starts. Only the
   callee-saved registers need saving: the C caller has saved the rest (SysV ABI, 3.2.1). */

        .text
        .global context_switch
        .type context_switch, @function
/* void context_switch(uint64_t *save_sp %rdi, uint64_t new_sp %rsi) */
context_switch:
        pushq   %rbp
        pushq   %rbx
        pushq   %r12
        pushq   %r13
        pushq   %r14
        pushq   %r15
        movq    %rsp, (%rdi)            /* the old thread is now frozen */
        movq    %rsi, %rsp              /* ...and we stand on the new one's stack */
        popq    %r15
        popq    %r14
        popq    %r13
        popq    %r12
        popq    %rbx
        popq    %rbp
        ret                             /* into the new thread */
        .size context_switch, . - context_switch

        .global context_trampoline
        .type context_trampoline, @function
/* First "return" of a new thread: context_init_stack put the thread in
   %r12 and its start function in %r13. */
context_trampoline:
        xorl    %ebp, %ebp              /* the backtrace of a thread ends here */
        movq    %r12, %rdi
        andq    $-16, %rsp              /* the ABI wants %rsp 16-aligned at a call */
        call    *%r13
        ud2                             /* start() never returns */
        .size context_trampoline, . - context_trampoline
