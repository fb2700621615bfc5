/* Test: a process that creates threads until memory runs out gets a clean
   error, goes on, ends them all, and the kernel gets every frame back. */
// test: expect=^t-oom: thread_create failed with -(12|11) after \d+ threads
// test: expect=^t-oom: PASS
// test: expect=^oom: .* 0 frames lost
// test: expect=^PASS
// test: timeout=300
#include "utest.h"

#define MS 1000000ll


/*
 * The first run of t-oom is a warm-up: the kernel heap keeps one empty slab
 * per size class for the next allocation (kernel/mm/kheap.c), and an
 * out-of-memory run may leave such a slab in a class that was empty before
 * -- a bounded cache, not a leak. Runs 2 and 3 must then each give back
 * every frame: a leak of anything per thread or per run shows there.
 */
int main(void)
{
    struct sys_info base = ut_sysinfo();
    const char *argv[] = { "t-oom", NULL };
    UT_CHECK_EQ(ut_run("t-oom", argv), 0);
    struct sys_info warm = ut_settle(&base);
    printf("oom: warm-up run: free frames %lu before, %lu after\n", (unsigned long)base.free_frames,
           (unsigned long)warm.free_frames);
    long kept = (long)base.free_frames - (long)warm.free_frames;
    UT_CHECK_MSG(kept <= 16, "the warm-up run kept %ld frames", kept);
    for (int round = 2; round <= 3; round++) {
        int status = ut_run("t-oom", argv);
        UT_CHECK_MSG(status == 0, "t-oom exited with %d", status);
        struct sys_info after = ut_settle(&base);
        long lost = (long)warm.free_frames - (long)after.free_frames;
        printf("oom: run %d: free frames %lu before, %lu after: %ld frames lost\n", round,
               (unsigned long)warm.free_frames, (unsigned long)after.free_frames, lost);
        UT_CHECK_MSG(lost == 0, "%ld frames lost in t-oom run %d", lost, round);
    }
    ut_expect_system_works();
    printf("PASS\n");
    return 0;
}
