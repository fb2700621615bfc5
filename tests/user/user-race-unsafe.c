/* Test: two preempted threads that increment a shared counter without a
   lock lose updates: the count ends below the number of increments, never above. */
// test: args=quantum=1 hz=1000
// test: expect=^race: mode=unsafe threads=2 .* lost=[1-9]
// test: expect=^PASS
// test: timeout=120
#include "race_common.h"

/*
 * With a 1 ms time slice, the run lasts until the two threads have seen
 * RACE_TARGET (200) interleavings -- on one CPU, preemptions -- and fails
 * if they saw fewer than RACE_REQUIRED (20). Nearly all of a thread's time
 * is spent between the load and the store (in race_compute), so nearly
 * every preemption lands there and the other thread's increments made
 * meanwhile are overwritten: losing none in 20 or more is practically
 * impossible unless the kernel never switches threads mid-loop.
 */
int main(void)
{
    for (int round = 0; round < 3; round++) {
        long lost = race_run(RACE_UNSAFE, 2);
        UT_CHECK_MSG(lost > 0, "no update was lost: the increments did not overlap");
    }
    printf("PASS\n");
    return 0;
}
