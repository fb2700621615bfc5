/* Test (synchronization lab): the ticket lock excludes: 4 threads
   incrementing under ticket_lock (at least 1000 times each), with yields
   inside the critical section, lose nothing, and every acquisition took
   exactly one ticket. */
// test: args=quantum=1 hz=1000
// test: expect=^sync-ticket-exact: 4 threads: counter (\d+) \(expected \1, lost 0\), 0 overlaps
// test: expect=^PASS
// test: timeout=120
#include "sync_common.h"

/*
 * Four threads, also with one CPU: a waiter yields when others are ahead of
 * it or after TICKET_SPINS_BEFORE_YIELD pauses, so on one CPU the thread
 * whose turn it is soon gets the CPU. (A ticket lock that never yields
 * still passes, slowly: every hand-off then waits for a time slice, 1 ms
 * here.)
 */
#define THREADS 4
#define MIN_ITERS 1000

static ticket_lock_t lock = TICKET_LOCK_INITIALIZER;

static void take(void)
{
    ticket_lock(&lock);
}

static void release(void)
{
    ticket_unlock(&lock);
}

int main(void)
{
    sync_exact_run("sync-ticket-exact", THREADS, MIN_ITERS, take, release);
    /* Each ticket_lock took one ticket and each ticket_unlock served one. */
    long acquisitions = 0;
    for (int i = 0; i < THREADS; i++)
        acquisitions += sync_exact.iters[i];
    UT_CHECK_MSG(lock.next == (uint32_t)acquisitions && lock.serving == (uint32_t)acquisitions,
                 "after %ld acquisitions next = %u and serving = %u, expected both %ld",
                 acquisitions, lock.next, lock.serving, acquisitions);
    printf("PASS\n");
    return 0;
}
