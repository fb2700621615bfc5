/* The entry point of every user program: sets up the main thread's TLS,
   takes argc and argv from the initial stack that the kernel built, calls
   main, and exits with its result. */

/*
 * At _start (docs/user.md, "The initial stack"):
 *   %rsp      -> argc                 (8 bytes)
 *   %rsp + 8  -> argv[0] .. argv[argc-1], then a NULL pointer
 *   then      -> the environment: a NULL pointer (it is empty)
 *   then      -> the auxiliary vector: (AT_x, value) pairs up to AT_NULL
 *   above     -> the argument strings
 * and %rsp is a multiple of 16. The other registers hold nothing useful.
 */
    .section .text.start, "ax"
    .globl _start
    .type _start, @function
_start:
    xor %ebp, %ebp              /* outermost frame: ends frame-pointer backtraces */
    mov %rsp, %r12              /* the initial stack (callee-saved: kept across calls) */
    /* The main thread's TLS block and TCB go just below argc, taken off
       the stack before anything runs that could use errno. */
    mov %rsp, %rdi
    call tls_main_area_size     /* reads the auxv; bytes to take, a multiple of 16 */
    sub %rax, %rsp              /* still 16-aligned */
    mov %rsp, %rdi              /* tls_main_init(lo = %rsp, hi = initial %rsp) */
    mov %r12, %rsi
    call tls_main_init          /* builds the block, SYS_set_fsbase */
    mov (%r12), %rdi            /* argc */
    lea 8(%r12), %rsi           /* argv */
    mov (%rsi), %rax            /* argv[0] (NULL if argc is 0) */
    mov %rax, program_name(%rip)
    and $-16, %rsp              /* already aligned by the ABI; cheap insurance */
    /* The SysV ABI wants %rsp % 16 == 0 at a call, so that the callee
       finds it at 8 mod 16 after the return address is pushed. */
    call main
    mov %eax, %edi
    call exit
    ud2                         /* exit does not return */
    .size _start, . - _start

/* The program's name for messages (stdlib.h). It also keeps the R W
   segment from ever being empty: ld would emit an empty PT_LOAD at
   address 0 for a program without data, which the kernel refuses. */
    .section .bss
    .balign 8
    .globl program_name
    .type program_name, @object
program_name:
    .quad 0
    .size program_name, 8

    .section .note.GNU-stack, "", @progbits
