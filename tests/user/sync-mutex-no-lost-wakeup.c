/* Test (synchronization lab): no lost wake-up. 4 threads take the mutex
   300 times each and often sleep while holding it, so the others pile up
   asleep in futex_wait and every unlock must wake one. The run completes
   and the count is exact; if at any moment every unfinished thread is
   asleep in futex_wait (nobody left to wake them), the test fails at once. */
// test: args=quantum=1 hz=1000
// test: expect=^sync-mutex-no-lost-wakeup: 4 threads x 300: counter 1200, waiters seen asleep in \d+ looks\r?$
// test: expect=^PASS
// test: timeout=120
#include "sync_common.h"

#define WORKERS 4
#define ITERS   300
#define LOOK_MS 5                   /* the watchdog looks this often */

static mutex_t mutex = MUTEX_INITIALIZER;
static volatile long counter;
static volatile int done[WORKERS];
static volatile int gate;

static void *worker(void *arg)
{
    int me = (int)(long)arg;
    sync_gate(&gate, WORKERS);
    for (int i = 0; i < ITERS; i++) {
        mutex_lock(&mutex);
        long v = counter;
        if (i % 4 == 0)
            sys_sleep(1);           /* until the next tick, holding the mutex */
        else if (i % 4 == 2)
            sys_yield();
        else
            sync_work();
        counter = v + 1;
        mutex_unlock(&mutex);
        if (i % 3 == 0)
            sys_yield();            /* let a woken waiter take it now and then */
    }
    done[me] = 1;
    return NULL;
}

int main(void)
{
    thread_t t[WORKERS];
    for (int i = 0; i < WORKERS; i++)
        UT_CHECK_EQ(thread_create(&t[i], worker, (void *)(long)i), 0);

    /* The watchdog: fails at once on a lost wake-up (sync_all_asleep says
       how it knows), and counts the looks that saw a thread asleep on the
       mutex (the test proves something only if some did). */
    uint64_t deadline = sys_clock() + 100000 * SYNC_MS;
    int stuck_looks = 0, asleep_looks = 0;
    for (;;) {
        int asleep, all = sync_all_asleep(t, done, WORKERS, &asleep), finished = 0;
        for (int i = 0; i < WORKERS; i++)
            finished += done[i] != 0;
        if (finished == WORKERS)
            break;
        if (asleep > 0)
            asleep_looks++;
        stuck_looks = all ? stuck_looks + 1 : 0;
        UT_CHECK_MSG(stuck_looks < 2, "lost wake-up: all %d unfinished threads are asleep in "
                     "futex_wait and nobody is left to wake them (mutex state %u, counter %ld "
                     "of %d)", asleep, mutex.state, counter, WORKERS * ITERS);
        UT_CHECK_MSG(sys_clock() < deadline, "not finished after 100 s (counter %ld of %d)",
                     counter, WORKERS * ITERS);
        sys_sleep(LOOK_MS * SYNC_MS);
    }
    for (int i = 0; i < WORKERS; i++)
        UT_CHECK_EQ(thread_join(t[i], NULL), 0);
    printf("sync-mutex-no-lost-wakeup: %d threads x %d: counter %ld, waiters seen asleep in %d "
           "looks\n", WORKERS, ITERS, counter, asleep_looks);
    UT_CHECK_MSG(counter == WORKERS * ITERS, "the counter is %ld, expected %d: %ld updates lost",
                 counter, WORKERS * ITERS, WORKERS * ITERS - counter);
    /* The test proves something only if threads did sleep on the mutex. */
    UT_CHECK_MSG(asleep_looks >= 3, "a thread was seen asleep in futex_wait in only %d looks: "
                 "waiters do not sleep", asleep_looks);
    UT_CHECK_MSG(mutex.state == 0, "every thread unlocked, yet the mutex's state is %u, not 0 (free)",
                 mutex.state);
    printf("PASS\n");
    return 0;
}
