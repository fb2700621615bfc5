/* Test (synchronization lab): the futex mutex excludes: 4 threads
   incrementing under mutex_lock (at least 1000 times each), with yields
   inside the critical section (waiters go to sleep in the kernel), lose
   nothing; the mutex ends free. */
// test: args=quantum=1 hz=1000
// test: expect=^sync-mutex-exact: 4 threads: counter (\d+) \(expected \1, lost 0\), 0 overlaps
// test: expect=^PASS
// test: timeout=120
#include "sync_common.h"

#define THREADS 4
#define MIN_ITERS 1000

static mutex_t mutex = MUTEX_INITIALIZER;

static void take(void)
{
    mutex_lock(&mutex);
}

static void release(void)
{
    mutex_unlock(&mutex);
}

int main(void)
{
    sync_exact_run("sync-mutex-exact", THREADS, MIN_ITERS, take, release);
    UT_CHECK_MSG(mutex.state == 0, "every thread unlocked, yet the mutex's state is %u, not 0 (free)",
                 mutex.state);
    printf("PASS\n");
    return 0;
}
