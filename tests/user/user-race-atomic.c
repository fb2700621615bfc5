/* Test: increments of a shared counter protected by atomic_fetch_add (lock xadd)
   lose nothing: with 2 and with 4 preempted threads the count is exact. */
// test: args=quantum=1 hz=1000
// test: expect=^race: mode=atomic threads=2 .* lost=0 interleavings=
// test: expect=^race: mode=atomic threads=4 .* lost=0 interleavings=
// test: expect=^PASS
// test: timeout=120
#include "race_common.h"

int main(void)
{
    for (int threads = 2; threads <= 4; threads += 2)
        for (int round = 0; round < 2; round++)
            UT_CHECK_EQ(race_run(RACE_ATOMIC, threads), 0);
    printf("PASS\n");
    return 0;
}
