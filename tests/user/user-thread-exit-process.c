/* Test: when main returns (or any thread calls exit) while other threads
   still spin, block or sleep, all of them die and the parent gets that status. */
// test: expect=^t-exit-busy: main returns 17
// test: expect=^PASS
// test: reject=^t-exit-busy: (the sleeper woke|got a mutex)
#include "utest.h"

/* Runs t-exit-busy MODE, checks its status, and that no thread of it is
   left: none alive when wait returns, none listed at all soon after. */
static void run_mode(const char *mode, int want)
{
    const char *argv[] = { "t-exit-busy", mode, NULL };
    int pid = sys_spawn("t-exit-busy", argv);
    UT_CHECK_GT(pid, 0);
    int status = -1;
    UT_CHECK_EQ(sys_wait(pid, &status), pid);
    UT_CHECK_MSG(status == want, "t-exit-busy %s: status %d, expected %d", mode, status, want);
    int live = 0;
    int listed = ut_threads_of(pid, &live);
    UT_CHECK_MSG(live == 0, "t-exit-busy %s: %d of its threads still alive after wait returned",
                 mode, live);
    /* Zombie threads may be freed a little later: give it up to 5 s. */
    uint64_t deadline = sys_clock() + 5000000000ull;
    while (listed > 0 && sys_clock() < deadline) {
        sys_sleep(10 * 1000000);
        listed = ut_threads_of(pid, &live);
    }
    UT_CHECK_MSG(listed == 0, "t-exit-busy %s: %d of its threads still listed 5 s after it ended",
                 mode, listed);
    printf("ok: t-exit-busy %s ended with status %d, no thread left\n", mode, status);
}

int main(void)
{
    for (int round = 0; round < 3; round++) {
        run_mode("main-returns", 17);
        run_mode("thread-exits", 23);
    }
    printf("PASS\n");
    return 0;
}
