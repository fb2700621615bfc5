/* Test: the benchmark's threads-versus-processes part (bench part=tvp) runs
   and prints every figure, positive, with processes really alternating. It
   runs alone (exclusive): 100 threads and 100 processes beside another QEMU
   on a 2-core host made it crawl. */
// test: timeout=300
// test: exclusive
// test: expect=^metric=thread_create_join value=(?!0[ \r])[0-9][0-9.e+]* unit=us
// test: expect=^metric=process_spawn_wait value=(?!0[ \r])[0-9][0-9.e+]* unit=us .*program=bench-child
// test: expect=^metric=ctxsw_yield value=(?!0[ \r])[0-9][0-9.e+]* unit=ns
// test: expect=^metric=ctxsw_yield_process value=(?!0[ \r])[0-9][0-9.e+]* unit=ns .*switch_per_yield=(0\.9\d\d|1\.000)\r?$
// test: expect=^metric=mem_per_thread value=(?!0[ \r])[0-9][0-9.e+]* unit=KiB .* count=100 frames_per=(?!0[ \r])[0-9][0-9.e+]* leak_frames=0\r?$
// test: expect=^metric=mem_per_process value=(?!0[ \r])[0-9][0-9.e+]* unit=KiB .* count=100 frames_per=(?!0[ \r])[0-9][0-9.e+]* leak_frames=0\r?$
// test: expect=^metric=tvp_ratio_create value=(?!0[ \r])[0-9][0-9.e+]* unit=x of=process_spawn_wait/thread_create_join\r?$
// test: expect=^metric=tvp_ratio_switch value=(?!0[ \r])[0-9][0-9.e+]* unit=x of=ctxsw_yield_process/ctxsw_yield\r?$
// test: expect=^metric=tvp_ratio_memory value=(?!0[ \r])[0-9][0-9.e+]* unit=x of=mem_per_process/mem_per_thread\r?$
// test: expect=^user-bench-tvp: bench exited with 0
// test: reject=^info error
#include "utest.h"

/*
 * Runs `bench part=tvp scale=0.01` (10 thread pairs, 2 process pairs, 100
 * yields per thread or process, 100 threads and 100 processes held for the
 * memory figures) and lets the runner check its lines (the expect= lines
 * above): each metric present and not zero, the yield ping-pong between
 * processes switching to the other process after at least 90% of its
 * yields (so it measures switches, not yields that return at once), no
 * frame lost after the 100 threads and the 100 processes ended, and the
 * three ratios printed. No timing is asserted: the machine may be loaded.
 */
int main(void)
{
    const char *argv[] = { "bench", "part=tvp", "scale=0.01", NULL };
    int status = ut_run("bench", argv);
    printf("user-bench-tvp: bench exited with %d\n", status);
    UT_CHECK_EQ(status, 0);
    printf("PASS\n");
    return 0;
}
