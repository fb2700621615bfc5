/* Test: unbounded recursion on the main thread, and on another thread, runs
   into the stack's guard page and kills the program with status 139. */
// test: expect=^ok: t-crash stack ended with status 139
// test: expect=^ok: t-crash thread-stack ended with status 139
// test: expect=^PASS
//
// The main thread's stack is USER_STACK_SIZE (256 KiB) below USER_STACK_TOP
// with one unmapped guard page under it (lib/abi.h), so its overflow must
// fault inside that guard page, at an address in
// [USER_STACK_TOP - USER_STACK_SIZE - 4096, USER_STACK_TOP - USER_STACK_SIZE)
// = [0x7ffffffbe000, 0x7ffffffbf000):
// test: expect=^spindle: pid \d+ \(t-crash\) killed: page fault at 0x7ffffffbe[0-9a-f]{3} \(write, not present\)
#include "utest.h"

int main(void)
{
    ut_expect_killed("stack", EXIT_KILLED_SEGV);
    ut_expect_system_works();
    ut_expect_killed("thread-stack", EXIT_KILLED_SEGV);
    ut_expect_system_works();
    printf("PASS\n");
    return 0;
}
