/* The only kernel code that touches user memory. A fault on a user address
   inside [uaccess_begin, uaccess_end) does not panic: the page-fault handler
   resumes at uaccess_fault, which returns -EFAULT (uaccess_fixup in exceptions.c). */
#include "lib/errno.h"

        .text
        .global uaccess_begin, uaccess_end, uaccess_fault

uaccess_begin:
/* long uaccess_copy(void *dst %rdi, const void *src %rsi, uint64_t n %rdx):
   0, or -EFAULT. No stack use: a fault leaves %rsp at our return address. */
        .global uaccess_copy
        .type uaccess_copy, @function
uaccess_copy:
        movq    %rdx, %rcx
        rep movsb
        xorl    %eax, %eax
        ret
        .size uaccess_copy, . - uaccess_copy

/* long uaccess_strncpy(char *dst %rdi, const char *src %rsi, uint64_t max %rdx):
   copies up to max bytes, stopping after a NUL; returns the length without
   the NUL, max if there was none, or -EFAULT. */
        .global uaccess_strncpy
        .type uaccess_strncpy, @function
uaccess_strncpy:
        xorl    %eax, %eax
1:      cmpq    %rdx, %rax
        je      2f
        movb    (%rsi,%rax), %cl
        movb    %cl, (%rdi,%rax)
        testb   %cl, %cl
        jz      2f
        incq    %rax
        jmp     1b
2:      ret
        .size uaccess_strncpy, . - uaccess_strncpy
uaccess_end:

/* Where a faulting access above resumes: the faulting function's return
   address is on top of the stack, so a plain ret returns -EFAULT to its caller. */
uaccess_fault:
        movq    $-EFAULT, %rax
        ret
