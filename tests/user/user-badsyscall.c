/* Test: system-call numbers that do not exist (SYS_COUNT, 1000, -1, ...)
   return -ENOSYS, and every call keeps the registers the ABI says it keeps. */
// test: expect=^PASS
#include <thread.h>
#include <atomic.h>
#include "utest.h"

/*
 * syscall_registers(nr, out) loads a distinct 64-bit pattern into every
 * general register but %rax (the number), %rcx and %r11 (which `syscall`
 * overwrites, SDM 2B SYSCALL), makes the call, and stores what it finds
 * afterwards into out[]: the result, then the registers in the order of
 * reg_names[], then %rsp before and after. Written in assembly because C
 * cannot name %rbp and %rsp as clobbered.
 */
#define NREGS 12
static const char *const reg_names[NREGS] = { "rbx", "rdx", "rsi", "rdi", "rbp", "r8",
                                              "r9",  "r10", "r12", "r13", "r14", "r15" };
#define PATTERN(i) (0xfedcba9876543210ull ^ ((uint64_t)((i) + 1) * 0x0101010101010101ull))

void syscall_registers(long nr, uint64_t *out);
__asm__(".text\n"
        ".globl syscall_registers\n"
        "syscall_registers:\n"
        "   push %rbp\n push %rbx\n push %r12\n push %r13\n push %r14\n push %r15\n"
        "   push %rsi\n"                    /* out, at 0(%rsp) */
        "   mov %rsp, 8*14(%rsi)\n"         /* out[14]: %rsp before */
        "   mov %rdi, %rax\n"
        "   movabs $0xffddbb9977553311, %rbx\n"   /* PATTERN(0) ... PATTERN(11) */
        "   movabs $0xfcdeb89a74563012, %rdx\n"
        "   movabs $0xfddfb99b75573113, %rsi\n"
        "   movabs $0xfad8be9c72503614, %rdi\n"
        "   movabs $0xfbd9bf9d73513715, %rbp\n"
        "   movabs $0xf8dabc9e70523416, %r8\n"
        "   movabs $0xf9dbbd9f71533517, %r9\n"
        "   movabs $0xf6d4b2907e5c3a18, %r10\n"
        "   movabs $0xf7d5b3917f5d3b19, %r12\n"
        "   movabs $0xf4d6b0927c5e381a, %r13\n"
        "   movabs $0xf5d7b1937d5f391b, %r14\n"
        "   movabs $0xf2d0b6947a583e1c, %r15\n"
        "   syscall\n"
        "   mov 0(%rsp), %r11\n"
        "   mov %rax, 8*0(%r11)\n"
        "   mov %rbx, 8*1(%r11)\n"
        "   mov %rdx, 8*2(%r11)\n"
        "   mov %rsi, 8*3(%r11)\n"
        "   mov %rdi, 8*4(%r11)\n"
        "   mov %rbp, 8*5(%r11)\n"
        "   mov %r8,  8*6(%r11)\n"
        "   mov %r9,  8*7(%r11)\n"
        "   mov %r10, 8*8(%r11)\n"
        "   mov %r12, 8*9(%r11)\n"
        "   mov %r13, 8*10(%r11)\n"
        "   mov %r14, 8*11(%r11)\n"
        "   mov %r15, 8*12(%r11)\n"
        "   mov %rsp, 8*15(%r11)\n"         /* out[15]: %rsp after */
        "   pop %rsi\n"
        "   pop %r15\n pop %r14\n pop %r13\n pop %r12\n pop %rbx\n pop %rbp\n"
        "   ret\n");

/* Makes call nr with patterns in every register; checks they all survived
   and returns the call's result. */
static long call_keeping_registers(long nr)
{
    uint64_t out[16];
    memset(out, 0, sizeof out);
    syscall_registers(nr, out);
    for (int i = 0; i < NREGS; i++)
        UT_CHECK_MSG(out[1 + i] == PATTERN(i), "syscall %ld changed %%%s: 0x%lx, was 0x%lx", nr,
                     reg_names[i], (unsigned long)out[1 + i], (unsigned long)PATTERN(i));
    UT_CHECK_MSG(out[14] == out[15], "syscall %ld changed %%rsp: 0x%lx, was 0x%lx", nr,
                 (unsigned long)out[15], (unsigned long)out[14]);
    return (long)out[0];
}

static volatile int stop;

/* Keeps the CPU busy so that yields really switch. */
static void *spinner(void *arg)
{
    while (!atomic_load(&stop))
        sys_yield();
    return arg;
}

int main(void)
{
    /* The patterns in the assembly are PATTERN(0..11). */
    static const uint64_t in_asm[NREGS] = {
        0xffddbb9977553311ull, 0xfcdeb89a74563012ull, 0xfddfb99b75573113ull, 0xfad8be9c72503614ull,
        0xfbd9bf9d73513715ull, 0xf8dabc9e70523416ull, 0xf9dbbd9f71533517ull, 0xf6d4b2907e5c3a18ull,
        0xf7d5b3917f5d3b19ull, 0xf4d6b0927c5e381aull, 0xf5d7b1937d5f391bull, 0xf2d0b6947a583e1cull };
    for (int i = 0; i < NREGS; i++)
        UT_CHECK_MSG(in_asm[i] == PATTERN(i), "pattern %d in the assembly is 0x%lx, not 0x%lx", i,
                     (unsigned long)in_asm[i], (unsigned long)PATTERN(i));

    /* Numbers with no system call. */
    static const long bad[] = { SYS_COUNT, SYS_COUNT + 1, 1000, 0x7fffffff, -1, -2,
                                (long)0x8000000000000000ull, 0x100000000l + SYS_COUNT };
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        long r = syscall6(bad[i], 1, 2, 3, 4, 5, 6);
        UT_CHECK_MSG(r == -ENOSYS, "system call %ld returned %ld, expected -ENOSYS (%d)", bad[i], r,
                     -ENOSYS);
        UT_CHECK_EQ(call_keeping_registers(bad[i]), -ENOSYS);
    }
    /* The process and the kernel go on. */
    UT_CHECK_EQ(syscall6(SYS_getpid, 0, 0, 0, 0, 0, 0), sys_getpid());
    UT_CHECK_GT(sys_getpid(), 0);

    /* Good calls keep the registers too, also when they switch threads. */
    thread_t t;
    UT_CHECK_EQ(thread_create(&t, spinner, NULL), 0);
    for (int i = 0; i < 2000; i++) {
        UT_CHECK_EQ(call_keeping_registers(SYS_getpid), sys_getpid());
        UT_CHECK_EQ(call_keeping_registers(SYS_gettid), sys_gettid());
        UT_CHECK_EQ(call_keeping_registers(SYS_yield), 0);
        UT_CHECK_GT(call_keeping_registers(SYS_clock), 0);
        UT_CHECK_EQ(call_keeping_registers(SYS_COUNT + i), -ENOSYS);
    }
    atomic_store(&stop, 1);
    UT_CHECK_EQ(thread_join(t, NULL), 0);
    printf("PASS\n");
    return 0;
}
