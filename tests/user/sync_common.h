/* Helpers of the synchronization lab's tests (tests/user/sync-*.c,
   docs/labs/sync.md): what the kernel says about a thread, and waiting
   until a thread sleeps on a lock. */
#ifndef TESTS_USER_SYNC_COMMON_H
#define TESTS_USER_SYNC_COMMON_H

#include <thread.h>
#include <atomic.h>
#include <sync.h>
#include <ticketlock.h>
#include "utest.h"

#define SYNC_MS 1000000ll
#define SYNC_MAX_WATCHED 16             /* threads sync_all_asleep can watch */

UT_UNUSED static const char *sync_state_name(int state)
{
    static const char *const names[] = { "runnable", "running", "blocked", "sleeping", "zombie" };
    return state >= 0 && state <= 4 ? names[state] : "?";
}

/* The thread is blocked in the kernel on a futex (SYS_futex_wait). */
UT_UNUSED static int sync_in_futex_wait(const struct thread_info *t)
{
    return t->state == UT_STATE_BLOCKED && strcmp(t->wait, "futex") == 0;
}

/*
 * Waits until thread tid, which is trying to take a lock that the caller
 * holds, is asleep in futex_wait. Fails the test, saying why, if instead
 * *got becomes non-zero (the thread took the lock although the caller
 * holds it), or if the thread has run SYNC_SPIN_TICKS timer ticks without
 * sleeping (it spins), or (a safety net) after 30 s. Looks every 1 ms.
 * The tick count is what decides, not the clock: a thread that waits
 * properly runs a few instructions and sleeps, whatever the machine's speed.
 */
#define SYNC_SPIN_TICKS 50
UT_UNUSED static void sync_wait_sleeping(int tid, volatile int *got, const char *who)
{
    uint64_t deadline = sys_clock() + 30000 * SYNC_MS;
    for (;;) {
        UT_CHECK_MSG(!*got, "%s took the mutex while another thread held it", who);
        struct thread_info t;
        UT_CHECK_MSG(ut_thread_info(tid, &t), "%s (tid %d) is not listed", who, tid);
        if (sync_in_futex_wait(&t))
            return;
        UT_CHECK_MSG(t.ticks < SYNC_SPIN_TICKS,
                     "%s has run %lu timer ticks waiting for the mutex without sleeping in "
                     "futex_wait (state %s, waiting on \"%s\"): it spins", who,
                     (unsigned long)t.ticks, sync_state_name(t.state), t.wait);
        UT_CHECK_MSG(sys_clock() < deadline, "%s is not asleep in futex_wait after 30 s "
                     "(state %s, waiting on \"%s\", %lu ticks run)", who,
                     sync_state_name(t.state), t.wait, (unsigned long)t.ticks);
        sys_sleep(1 * SYNC_MS);
    }
}

/*
 * A lost wake-up, seen from outside. Threads t[0..n) use a mutex (and no
 * other futex); done[i] is set by thread i after its last unlock, and the
 * caller does not hold the mutex. A sleeper in futex_wait is woken only by
 * another of these threads' unlocks, and a finished thread unlocks no
 * more. So if, in one snapshot of the thread list (the kernel takes it
 * under its scheduler lock), every thread not finished before the
 * snapshot is asleep in futex_wait, none of them will ever run again.
 * Returns how many unfinished threads were asleep in futex_wait (in
 * *asleep) and whether that was all of them (1: stuck), 0 if none was
 * left unfinished.
 */
UT_UNUSED static int sync_all_asleep(const thread_t *t, const volatile int *done, int n,
                                     int *asleep)
{
    int was_done[SYNC_MAX_WATCHED];
    UT_CHECK(n <= SYNC_MAX_WATCHED);
    for (int i = 0; i < n; i++)
        was_done[i] = done[i];          /* the flags first, then the snapshot */
    struct thread_info *list;
    int listed = ut_thread_list(&list);
    int unfinished = 0, in_futex = 0;
    for (int i = 0; i < n; i++) {
        if (was_done[i])
            continue;
        unfinished++;
        for (int k = 0; k < listed; k++)
            if (list[k].tid == t[i] && sync_in_futex_wait(&list[k]))
                in_futex++;
    }
    *asleep = in_futex;
    return unfinished > 0 && in_futex == unfinished;
}

/* Waits until done[i] is set for all n threads t[] (which use one mutex,
   as for sync_all_asleep), then joins them. Fails the test at once if a
   wake-up was lost (two looks in a row: every unfinished thread asleep in
   futex_wait), or (a safety net) after 60 s. Looks every 2 ms. */
UT_UNUSED static void sync_join_watching(const thread_t *t, const volatile int *done, int n,
                                         const volatile uint32_t *state)
{
    uint64_t deadline = sys_clock() + 60000 * SYNC_MS;
    int stuck = 0;
    for (;;) {
        int asleep;
        int all = sync_all_asleep(t, done, n, &asleep);
        int finished = 0;
        for (int i = 0; i < n; i++)
            finished += done[i] != 0;
        if (finished == n)
            break;
        stuck = all ? stuck + 1 : 0;
        UT_CHECK_MSG(stuck < 2, "lost wake-up: every thread that still wants the mutex (%d) "
                     "is asleep in futex_wait and nobody is left to wake them (mutex state %u)",
                     asleep, *state);
        UT_CHECK_MSG(sys_clock() < deadline, "%d of %d threads not finished after 60 s (mutex "
                     "state %u)", n - finished, n, *state);
        sys_sleep(2 * SYNC_MS);
    }
    for (int i = 0; i < n; i++)
        UT_CHECK_EQ(thread_join(t[i], NULL), 0);
}

/* Work between a load and a store (a call, and branches: places where a
   timer interrupt can fall under QEMU TCG, race_common.h explains why). */
static volatile int sync_work_sink;
UT_UNUSED static __attribute__((noinline)) void sync_work(void)
{
    for (int i = 0; i < 20; i++)
        sync_work_sink = i;
}

/* The start gate: every thread adds itself, then waits (yielding) for all n. */
UT_UNUSED static void sync_gate(volatile int *gate, int n)
{
    atomic_fetch_add_int(gate, 1);
    while (atomic_load(gate) < n)
        sys_yield();
}

/*
 * The exactness check of a lock: nthreads threads increment one counter,
 * each increment a load, some work and a store between lock() and
 * unlock(). Every 8th increment yields the CPU between its load and its
 * store, with the lock held: on one CPU another thread then runs at once,
 * and with a lock that does not exclude it, it enters the critical section
 * (an "overlap", counted) and its increment is lost. With several CPUs
 * the threads also run at the same time. Every 8th iteration (another
 * one) also sleeps for a tick after the unlock, so that the others take
 * the lock while this thread is between two increments: an
 * "interleaving", counted as in race_common.h. (Yielding would not do on
 * several CPUs: a mutex is not fair, and a thread that unlocks and locks
 * again at once takes it back before the waiter it woke is running.)
 *
 * How long: a virtual CPU can be left without a host core for a while, and
 * then one thread may do all its increments before another starts. So,
 * as in race_common.h, a thread goes on until it has done min_iters
 * increments and the threads together have seen SYNC_TARGET
 * interleavings, or until SYNC_MAX_ITERS (then the check of at least
 * SYNC_REQUIRED interleavings fails: the test would prove nothing).
 * Prints one line, then checks: no overlap, the counter exact.
 */
#define SYNC_MAX_THREADS 8
#define SYNC_TARGET      200
#define SYNC_REQUIRED    20
#define SYNC_MAX_ITERS   50000

static struct {
    volatile long counter __attribute__((aligned(64)));
    volatile int inside __attribute__((aligned(64)));  /* threads in the critical section */
    volatile int overlaps;
    volatile int gate;
    volatile long progress[SYNC_MAX_THREADS] __attribute__((aligned(64)));
    volatile long interleavings;
    volatile int finished;              /* threads that have left their loop */
    volatile int done[SYNC_MAX_THREADS];    /* this one has */
    long iters[SYNC_MAX_THREADS];       /* increments each thread did */
    int nthreads;
    long min_iters;
    void (*lock)(void);
    void (*unlock)(void);
} sync_exact UT_UNUSED;

UT_UNUSED static void *sync_exact_thread(void *arg)
{
    int me = (int)(long)arg;
    sync_gate(&sync_exact.gate, sync_exact.nthreads);
    long seen = -1, i;
    for (i = 0;; i++) {
        sync_exact.lock();
        if (atomic_fetch_add_int(&sync_exact.inside, 1) != 0)
            atomic_fetch_add_int(&sync_exact.overlaps, 1);
        long v = sync_exact.counter;            /* load ... */
        if ((i & 7) == 0)
            sys_yield();                        /* ... the CPU to another thread ... */
        else
            sync_work();
        sync_exact.counter = v + 1;             /* ... store */
        atomic_fetch_add_int(&sync_exact.inside, -1);
        sync_exact.unlock();
        sync_exact.progress[me] = i + 1;
        long others = 0;
        for (int k = 0; k < sync_exact.nthreads; k++)
            if (k != me)
                others += sync_exact.progress[k];
        if (seen >= 0 && others != seen)
            atomic_fetch_add(&sync_exact.interleavings, 1);
        seen = others;
        if ((i + 1 >= sync_exact.min_iters && sync_exact.interleavings >= SYNC_TARGET) ||
            i + 1 >= SYNC_MAX_ITERS)
            break;
        if ((i & 7) == 4)
            sys_sleep(1);                       /* until the next tick */
    }
    sync_exact.iters[me] = i + 1;
    sync_exact.done[me] = 1;
    atomic_fetch_add_int(&sync_exact.finished, 1);
    return NULL;
}

UT_UNUSED static void sync_exact_run(const char *test, int nthreads, long min_iters,
                                     void (*lock)(void), void (*unlock)(void))
{
    memset(&sync_exact, 0, sizeof sync_exact);
    sync_exact.nthreads = nthreads;
    sync_exact.min_iters = min_iters;
    sync_exact.lock = lock;
    sync_exact.unlock = unlock;
    thread_t t[SYNC_MAX_THREADS];
    for (int i = 0; i < nthreads; i++)
        UT_CHECK_EQ(thread_create(&t[i], sync_exact_thread, (void *)(long)i), 0);
    /* Watch for overlaps while they run: a broken lock can let two threads
       in and then hang (a ticket taken twice leaves a ticket nobody
       serves), and the test should say what went wrong, not time out. */
    long last = -1;
    uint64_t last_change = sys_clock();
    int stuck = 0, asleep;
    while (atomic_load(&sync_exact.finished) < nthreads) {
        UT_CHECK_MSG(sync_exact.overlaps == 0, "a thread entered the critical section while "
                     "another was in it (%d times so far; counter %ld)", sync_exact.overlaps,
                     sync_exact.counter);
        /* With a mutex: a lost wake-up (sync_all_asleep). */
        stuck = sync_all_asleep(t, sync_exact.done, nthreads, &asleep) ? stuck + 1 : 0;
        UT_CHECK_MSG(stuck < 2, "lost wake-up: all %d unfinished threads are asleep in "
                     "futex_wait and nobody is left to wake them (counter %ld)", asleep,
                     sync_exact.counter);
        long now = sync_exact.counter;
        if (now != last) {
            last = now;
            last_change = sys_clock();
        }
        /* A safety net: a correct lock makes progress many times a second. */
        UT_CHECK_MSG(sys_clock() - last_change < 10000 * SYNC_MS, "no increment for 10 s: the "
                     "lock is stuck (counter %ld, %d of %d threads finished)", now,
                     atomic_load(&sync_exact.finished), nthreads);
        sys_sleep(2 * SYNC_MS);
    }
    long expected = 0;
    for (int i = 0; i < nthreads; i++) {
        UT_CHECK_EQ(thread_join(t[i], NULL), 0);
        expected += sync_exact.iters[i];
    }
    printf("%s: %d threads: counter %ld (expected %ld, lost %ld), %d overlaps in the critical "
           "section, %ld interleavings\n", test, nthreads, sync_exact.counter, expected,
           expected - sync_exact.counter, sync_exact.overlaps, sync_exact.interleavings);
    UT_CHECK_MSG(sync_exact.interleavings >= SYNC_REQUIRED,
                 "only %ld interleavings: the threads ran one after the other, the test proves "
                 "nothing", sync_exact.interleavings);
    UT_CHECK_MSG(sync_exact.overlaps == 0, "%d times a thread entered the critical section while "
                 "another was in it", sync_exact.overlaps);
    UT_CHECK_MSG(sync_exact.counter == expected, "the counter is %ld, expected %ld: %ld updates "
                 "lost", sync_exact.counter, expected, expected - sync_exact.counter);
}

#endif
