/* Test: a divide error (#DE: division by zero, and INT64_MIN / -1) kills
   the user program with status 136 (SIGFPE); the kernel and the parent go on. */
// test: expect=^t-crash: div0\r?\nspindle: pid \d+ \(t-crash\) killed: divide error rip=0x[0-9a-f]+
// test: expect=^t-crash: divovf\r?\nspindle: pid \d+ \(t-crash\) killed: divide error rip=0x[0-9a-f]+
// test: expect=^ok: t-crash div0 ended with status 136
// test: expect=^ok: t-crash divovf ended with status 136
// test: expect=^PASS
#include "utest.h"

int main(void)
{
    ut_expect_killed("div0", EXIT_KILLED_FPE);
    ut_expect_system_works();
    ut_expect_killed("divovf", EXIT_KILLED_FPE);
    ut_expect_system_works();
    printf("PASS\n");
    return 0;
}
