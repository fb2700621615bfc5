/* Test: user programs that touch kernel memory (write, read, a non-canonical
   address, a thread starting in the kernel) are killed or refused; the kernel goes on. */
// test: expect=^spindle: pid \d+ \(t-crash\) killed: page fault at 0xffffffff80100000 \(write, 
// test: expect=^spindle: pid \d+ \(t-crash\) killed: page fault at 0xffffffff80100000 \(read, 
// test: expect=^t-crash: noncanon\r?\nspindle: pid \d+ \(t-crash\) killed: general protection fault
// test: expect=^PASS
#include "utest.h"

/* Runs t-crash MODE, which may end killed (139) or, for a thread entry the
   kernel refuses, with status 3. */
static void expect_killed_or_refused(const char *mode)
{
    const char *argv[] = { "t-crash", mode, NULL };
    int status = ut_run("t-crash", argv);
    UT_CHECK_MSG(status == EXIT_KILLED_SEGV || status == 3,
                 "t-crash %s: exit status %d, expected %d (killed) or 3 (refused)", mode, status,
                 EXIT_KILLED_SEGV);
    printf("ok: t-crash %s ended with status %d\n", mode, status);
}

int main(void)
{
    ut_expect_killed("kwrite", EXIT_KILLED_SEGV);
    ut_expect_system_works();
    ut_expect_killed("kread", EXIT_KILLED_SEGV);
    ut_expect_system_works();
    /* A non-canonical address is a #GP, not a page fault: also SIGSEGV. */
    ut_expect_killed("noncanon", EXIT_KILLED_SEGV);
    ut_expect_system_works();
    expect_killed_or_refused("kentry");
    ut_expect_system_works();
    expect_killed_or_refused("noncanon-entry");
    ut_expect_system_works();
    printf("PASS\n");
    return 0;
}
