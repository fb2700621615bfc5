/* Test: an invalid opcode (ud2, #UD) in a user program kills it with
   status 132 (SIGILL); the kernel and the parent go on. */
// test: expect=^spindle: pid \d+ \(t-crash\) killed: invalid opcode rip=0x[0-9a-f]+
// test: expect=^ok: t-crash ud2 ended with status 132
// test: expect=^PASS
#include "utest.h"

int main(void)
{
    ut_expect_killed("ud2", EXIT_KILLED_ILL);
    ut_expect_system_works();
    printf("PASS\n");
    return 0;
}
