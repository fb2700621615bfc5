/* Test: user threads pinned to different CPUs run the unprotected increment
   at the same time (getcpu agrees) and lose updates, never gaining any. */
// test: min_cpus=4
// test: expect=^race: mode=unsafe threads=2 .* lost=[1-9]
// test: expect=^race: mode=unsafe threads=4 .* lost=[1-9]
// test: expect=^PASS
// test: timeout=120
#include "race_common.h"

int main(void)
{
    /* In parallel, nothing has to preempt anybody: both CPUs load the same
       value and both store value + 1. */
    for (int threads = 2; threads <= 4; threads += 2) {
        long lost = race_run_pinned(RACE_UNSAFE, threads, 1);
        UT_CHECK_MSG(lost > 0, "no update was lost with %d threads on %d CPUs", threads, threads);
    }
    printf("PASS\n");
    return 0;
}
