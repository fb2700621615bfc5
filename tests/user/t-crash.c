/* Helper for the user tests (not a test itself): does one thing a user
   program must not do (bad access, privileged instruction...), named by argv[1]. */
#include <thread.h>
#include "utest.h"

/*
 * t-crash MODE. Each mode should get the process killed by the kernel with
 * a status of 128 + signal (lib/abi.h EXIT_KILLED_*). If the process is
 * still alive after the bad instruction, it says so and exits 0, which the
 * parent reports as a failure. Two modes may also be refused cleanly:
 * kentry and noncanon-entry (thread_create at a kernel or non-canonical
 * address) exit 3 when thread_create returns an error.
 */

#define KERNEL_ADDRESS   0xffffffff80100000ull  /* the kernel's code (linker.ld) */
#define NONCANONICAL     0x8000000000000000ull  /* bits 63..47 differ: #GP (SDM 3A 3.3.7.1) */
#define FIRST_NONCANON   0x0000800000000000ull  /* just above the lower half */

static volatile int stop_depth;                 /* 0: recurse until the stack runs out */
static volatile uint64_t zero;                  /* a divisor the compiler cannot see */

/* Uses 512 bytes of stack per call and touches them, so the recursion
   walks down the stack page by page and meets the guard page (rather than
   jumping over it); the addition after the call keeps it from being a tail call. */
static int recurse(int depth)
{
    volatile char frame[512];
    frame[0] = (char)depth;
    frame[sizeof frame - 1] = (char)depth;
    if (depth == stop_depth)
        return 0;
    return recurse(depth + 1) + frame[0] + frame[sizeof frame - 1];
}

static void *recurse_thread(void *arg)
{
    (void)arg;
    recurse(1);
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        printf("usage: t-crash MODE\n");
        return 2;
    }
    const char *mode = argv[1];
    printf("t-crash: %s\n", mode);

    if (!strcmp(mode, "null")) {
        (void)*(volatile int *)0;
    } else if (!strcmp(mode, "kread")) {
        (void)*(volatile uint64_t *)KERNEL_ADDRESS;
    } else if (!strcmp(mode, "kwrite")) {
        *(volatile uint64_t *)KERNEL_ADDRESS = 0xdeadbeef;
    } else if (!strcmp(mode, "clockwrite")) {
        *(volatile uint64_t *)USER_CLOCK_PAGE = 0;      /* mapped read-only */
    } else if (!strcmp(mode, "noncanon")) {
        (void)*(volatile uint64_t *)NONCANONICAL;
    } else if (!strcmp(mode, "cli")) {
        __asm__ volatile("cli");
    } else if (!strcmp(mode, "hlt")) {
        __asm__ volatile("hlt");
    } else if (!strcmp(mode, "in")) {
        /* Port 0x60 (the keyboard controller); with IOPL 0 and no I/O
           bitmap, ring 3 port access is a #GP (SDM 1 19.5.1). */
        uint8_t v;
        __asm__ volatile("inb $0x60, %0" : "=a"(v));
        (void)v;
    } else if (!strcmp(mode, "out")) {
        __asm__ volatile("outb %0, $0x80" : : "a"((uint8_t)0));
    } else if (!strcmp(mode, "ud2")) {
        __asm__ volatile("ud2");
    } else if (!strcmp(mode, "div0")) {
        /* div by zero raises #DE (SDM 2A, DIV). */
        uint64_t x = 1;
        __asm__ volatile("xor %%edx, %%edx\n\tdivq %1" : "+a"(x) : "r"(zero) : "rdx");
    } else if (!strcmp(mode, "divovf")) {
        /* INT64_MIN / -1 does not fit in 64 bits: #DE as well (SDM 2A, IDIV). */
        uint64_t x = 0x8000000000000000ull;
        __asm__ volatile("cqo\n\tidivq %1" : "+a"(x) : "r"(zero - 1) : "rdx");
    } else if (!strcmp(mode, "stack")) {
        recurse(1);
    } else if (!strcmp(mode, "thread-stack")) {
        thread_t t;
        int r = thread_create(&t, recurse_thread, NULL);
        if (r != 0) {
            printf("t-crash: thread_create returned %d\n", r);
            return 2;
        }
        thread_join(t, NULL);
    } else if (!strcmp(mode, "kentry") || !strcmp(mode, "noncanon-entry")) {
        /* A thread whose first instruction is in the kernel, or at an
           address no page table can map: the kernel must refuse it or kill
           the process, and must not itself fault on the way to ring 3
           (sysret with a non-canonical %rcx faults in ring 0 on Intel CPUs). */
        uint64_t entry = mode[0] == 'k' ? KERNEL_ADDRESS : FIRST_NONCANON;
        char *stack = malloc(4096);
        int tid = sys_thread_create((void (*)(void *))entry, NULL, stack + 4096);
        if (tid < 0) {
            printf("t-crash: thread_create refused it: %d\n", tid);
            return 3;
        }
        sys_thread_join(tid, NULL);
    } else {
        printf("t-crash: unknown mode %s\n", mode);
        return 2;
    }
    printf("t-crash: %s survived\n", mode);
    return 0;
}
