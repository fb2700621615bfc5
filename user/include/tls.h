/* Thread-local storage (x86-64 ELF TLS, variant II): each thread's block of
   __thread variables, its thread control block, and the thread pointer. */
#ifndef USER_TLS_H
#define USER_TLS_H

#include <stddef.h>
#include <stdint.h>

/*
 * One thread's TLS, as the compiler's local-exec code finds it
 * (docs/user.md, "Thread-local storage"):
 *
 *     lower addresses                               higher addresses
 *     | .tdata copy | .tbss zeros | padding | struct tls_tcb          |
 *     ^ tp - round_up(memsz, align)         ^ tp = %fs base = %fs:0
 *
 * The thread pointer tp is the address of the TCB; a __thread variable
 * lives at a fixed negative offset from it (`mov %fs:-12, %eax`), and
 * %fs:0, the TCB's first word, holds tp itself, so that `&var` is
 * `mov %fs:0, %rax; add $-12, %rax`.
 */
struct tls_tcb {
    struct tls_tcb *self;       /* %fs:0: the thread pointer itself (the ABI requires it) */
    uint64_t reserved[7];       /* zero; %fs:0x28 is where gcc's -fstack-protector
                                   would keep its canary (Spindle builds without it) */
};

/* The program's TLS template, from the kernel's auxiliary vector (AT_TLS_*
   of lib/abi.h): .tdata's address and size, the block size and alignment. */
struct tls_template {
    uintptr_t addr;
    size_t filesz, memsz, align;
};

/* The template of this program (all 0, align 1, if it has no __thread data). */
const struct tls_template *tls_template(void);

/* The bytes of memory one thread's block and TCB need at most (whatever
   the alignment of the area): a multiple of 16. */
size_t tls_area_size(void);

/* Builds a thread's TLS in the memory [lo, hi): the block (initial values
   copied, the rest zeroed) and the TCB, as high as alignment allows.
   Returns the thread pointer to give to the thread (SYS_thread_create's
   fs_base, or SYS_set_fsbase), or NULL if it does not fit. For user-level
   runtimes; thread_create does it for its threads, crt0 for main. */
void *tls_area_init(void *lo, void *hi);

/* The calling thread's thread pointer: %fs:0. */
static inline struct tls_tcb *tls_self(void)
{
    struct tls_tcb *tp;
    __asm__ volatile("mov %%fs:0, %0" : "=r"(tp));
    return tp;
}

#endif
