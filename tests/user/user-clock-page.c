/* Test: the clock page. clock_ns, computed in user space from the page,
   agrees with SYS_clock on every CPU, makes no system call, and the page
   is read-only, shared, and outlives the processes that mapped it. */
// test: expect=^spindle: pid \d+ \(t-crash\) killed: page fault at 0x7ffffffff000 \(write,
// test: expect=^PASS
#include "utest.h"
#include "../../user/lib/clock_page.h"

/* clock_ns read between two SYS_clock calls lies between their answers:
   the page holds the kernel's parameters, and its arithmetic is the
   kernel's. A page the kernel never filled (tsc_mult 0) would send
   clock_ns to the system call, which the syscall count below catches. */
static void check_agrees(int rounds)
{
    for (int i = 0; i < rounds; i++) {
        uint64_t a = sys_clock(), b = clock_ns(), c = sys_clock();
        UT_CHECK_MSG(a <= b && b <= c, "SYS_clock %lu, clock_ns %lu, SYS_clock %lu: out of order",
                     (unsigned long)a, (unsigned long)b, (unsigned long)c);
    }
}

int main(void)
{
    /* crt0 found the page in the auxiliary vector, where lib/abi.h says. */
    UT_CHECK_MSG(clock_page == (const struct clock_page *)USER_CLOCK_PAGE,
                 "AT_CLOCK_PAGE gave %p, expected %p", (const void *)clock_page,
                 (const void *)USER_CLOCK_PAGE);
    struct clock_page saved = *clock_page;
    UT_CHECK_MSG(saved.tsc_mult != 0, "the kernel left the clock page empty");

    /* Agrees with the kernel on every CPU (one TSC base serves them all). */
    int ncpu = ut_online_cpus();
    for (int cpu = 0; cpu < ncpu; cpu++) {
        UT_CHECK_EQ(sys_set_affinity(0, 1ull << cpu), 0);
        UT_CHECK_EQ(sys_getcpu(), cpu);
        check_agrees(1000);
    }
    UT_CHECK_EQ(sys_set_affinity(0, ~0ull >> (64 - ncpu)), 0);
    printf("ok: clock_ns agrees with SYS_clock on %d CPU%s\n", ncpu, ncpu == 1 ? "" : "s");

    /* No system call: 10,000 readings between two looks at our count. */
    int me = sys_gettid();
    uint64_t before = ut_my_syscalls(me), last = 0;
    for (int i = 0; i < 10000; i++) {
        uint64_t now = clock_ns();
        UT_CHECK(now >= last);
        last = now;
    }
    uint64_t calls = ut_my_syscalls(me) - before - 1;
    UT_CHECK_MSG(calls == 0, "10,000 clock_ns calls made %lu system calls", (unsigned long)calls);
    printf("ok: 10000 clock_ns calls, 0 system calls\n");

    /* Read-only: a write kills the writer (and only it)... */
    ut_expect_killed("clockwrite", EXIT_KILLED_SEGV);
    ut_expect_system_works();
    /* ...and munmap cannot take it away: it is not mmap's. */
    UT_CHECK_EQ(sys_munmap((void *)USER_CLOCK_PAGE, 4096), -EINVAL);

    /* Shared, not freed with a process: the children above mapped the
       same frame and exited. Were it freed with them, this much fresh
       memory would get it back zeroed and the page would change. */
    size_t len = 4u << 20;
    volatile char *mem = sys_mmap(len, PROT_READ | PROT_WRITE);
    UT_CHECK_MSG((intptr_t)mem > 0, "mmap of 4 MiB failed: %ld", (long)(intptr_t)mem);
    for (size_t off = 0; off < len; off += 4096)
        mem[off] = 1;
    UT_CHECK_MSG(clock_page->tsc_base == saved.tsc_base && clock_page->tsc_mult == saved.tsc_mult,
                 "the clock page changed after its other users exited");
    check_agrees(100);
    UT_CHECK_EQ(sys_munmap((void *)mem, len), 0);
    printf("PASS\n");
    return 0;
}
