/* Test: a green task that overflows its stack ends the process with a clear
   message: a 1 KiB slot's canary is checked at the task's next switch
   (abort, status 134); a 16 KiB slot's guard page faults (status 139). */
// test: expect=^PASS
// test: expect=^green: (a task|task 1) overflowed its stack
// test: expect=killed: page fault
#include "utest.h"

int main(void)
{
    const char *small[] = { "t-green-overflow", "small", NULL };
    int status = ut_run("t-green-overflow", small);
    printf("small stacks: status %d\n", status);
    UT_CHECK_EQ(status, 128 + 6);           /* abort() */
    const char *guard[] = { "t-green-overflow", "guard", NULL };
    status = ut_run("t-green-overflow", guard);
    printf("guarded stacks: status %d\n", status);
    UT_CHECK_EQ(status, EXIT_KILLED_SEGV);
    printf("PASS\n");
    return 0;
}
