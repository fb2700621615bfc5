/* Test: a user program that reads address 0 is killed with status 139
   (SIGSEGV) and a kill line naming the page fault; its parent and the kernel go on. */
// test: expect=^spindle: pid \d+ \(t-crash\) killed: page fault at 0x0 \(read, not present\) rip=0x[0-9a-f]+
// test: expect=^ok: t-crash null ended with status 139
// test: expect=^PASS
#include "utest.h"

int main(void)
{
    ut_expect_killed("null", EXIT_KILLED_SEGV);
    ut_expect_system_works();
    /* Twice: the first kill left nothing behind that breaks the second. */
    ut_expect_killed("null", EXIT_KILLED_SEGV);
    ut_expect_system_works();
    printf("PASS\n");
    return 0;
}
