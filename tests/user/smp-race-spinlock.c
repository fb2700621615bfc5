/* Test: four user threads pinned to four CPUs increment one counter at the
   same time with the spinlock fix: not one update is lost. */
// test: min_cpus=4
// test: expect=^race: mode=spinlock threads=4 .* lost=0 
// test: expect=^PASS
// test: timeout=120
#include "race_common.h"

int main(void)
{
    UT_CHECK_EQ(race_run_pinned(RACE_SPINLOCK, 4, 1), 0);
    printf("PASS\n");
    return 0;
}
