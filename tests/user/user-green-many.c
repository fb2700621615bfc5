/* Test: 100,000 green tasks are alive at once in one process (all started
   and parked on a channel together), then every one of them completes,
   each exactly once, and their stacks go back to the kernel. */
// test: expect=^PASS
// test: timeout=180
#include <green.h>
#include <atomic.h>
#include "utest.h"

/*
 * 100,000 stacks of 1 KiB are 98 MiB; with their descriptors (128 bytes
 * each from malloc) that fits the default 256 MiB machine, where 16 KiB
 * stacks (1.2 GiB of frames for 100,000 started tasks) would not.
 */
#define NTASKS 100000
#define STACK_SIZE 1024
#define KERNEL_THREADS 2

static uint8_t ran[NTASKS];             /* how often each task got past the gate */
static volatile long started;
static struct green_chan *gate;         /* unbuffered: one value lets one task through */
static struct green_chan *all_started;  /* capacity 1: the last task to start says so */

/* The tasks' stacks are small: they call no printf (a FAIL line is the
   exception, which ends the process anyway). */

static void task(void *arg)
{
    long i = (long)arg;
    if (atomic_fetch_add(&started, 1) + 1 == NTASKS)
        UT_CHECK_EQ(green_chan_send(all_started, 1), 0);
    long v = -1;
    UT_CHECK_EQ(green_chan_recv(gate, &v), 0);
    UT_CHECK_EQ(v, 7);
    __atomic_fetch_add(&ran[i], 1, __ATOMIC_RELAXED);
}

static void root(void *arg)
{
    for (long i = 0; i < NTASKS; i++) {
        int err = green_spawn(task, (void *)i);
        UT_CHECK_MSG(err == 0, "green_spawn number %ld returned %d", i + 1, err);
    }
    long v;
    UT_CHECK_EQ(green_chan_recv(all_started, &v), 0);
    /* Every task has started and none is through the gate: all of them
       are alive at this moment, each on a stack of its own. */
    for (long i = 0; i < NTASKS; i++)
        UT_CHECK_MSG(ran[i] == 0, "task %ld ran before the gate opened", i);
    for (long i = 0; i < NTASKS; i++)
        UT_CHECK_EQ(green_chan_send(gate, 7), 0);
}

int main(void)
{
    gate = green_chan_create(0);
    all_started = green_chan_create(1);
    UT_CHECK(gate && all_started);
    struct sys_info before = ut_sysinfo();

    UT_CHECK_EQ(green_spawn(root, NULL), 0);
    uint64_t t0 = sys_clock();
    UT_CHECK_EQ(green_run(KERNEL_THREADS, STACK_SIZE), 0);
    uint64_t t1 = sys_clock();

    long once = 0;
    for (long i = 0; i < NTASKS; i++) {
        UT_CHECK_MSG(ran[i] <= 1, "task %ld ran %d times", i, ran[i]);
        once += ran[i];
    }
    UT_CHECK_EQ(once, NTASKS);
    struct green_stats s;
    green_get_stats(&s);
    printf("%ld tasks done in %lu ms on %d kernel threads: %lu switches, %lu parks, %lu idle sleeps, "
           "%lu stacks of %d bytes in %lu KiB of chunks\n",
           (long)NTASKS, (unsigned long)((t1 - t0) / 1000000), KERNEL_THREADS,
           (unsigned long)s.switches, (unsigned long)s.parks, (unsigned long)s.idle_sleeps,
           (unsigned long)s.stacks_made, STACK_SIZE, (unsigned long)(s.stack_chunk_bytes / 1024));
    /* Slots are made only when none is free, so this many were in use at once. */
    UT_CHECK_GE(s.stacks_made, NTASKS + 1);
    UT_CHECK_EQ(s.spawned, NTASKS + 1);
    UT_CHECK_EQ(s.finished, NTASKS + 1);
    UT_CHECK_EQ(s.switches, s.spawned + s.parks + s.yields);

    /* The stacks went back to the kernel when green_run ended: what stays
       is the tasks' descriptors on malloc's free lists (128 bytes each),
       and the malloc arenas and page tables they brought. */
    struct sys_info after = ut_sysinfo();
    long kept = (long)before.free_frames - (long)after.free_frames;
    long descriptors = (long)(NTASKS + 1) * 128 / 4096;
    printf("frames kept after the run: %ld (descriptors: %ld)\n", kept, descriptors);
    UT_CHECK_LE(kept, descriptors + descriptors / 4 + 64);
    green_chan_destroy(gate);
    green_chan_destroy(all_started);
    printf("PASS\n");
    return 0;
}
