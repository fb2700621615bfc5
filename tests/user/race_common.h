/* The shared-counter race used by the user-race-* tests: T threads add 1 to
   one counter, unprotected or with an atomic, a spinlock or a mutex. */
#ifndef TESTS_USER_RACE_COMMON_H
#define TESTS_USER_RACE_COMMON_H

#include <thread.h>
#include <atomic.h>
#include <sync.h>
#include "utest.h"

/*
 * Each increment reads the counter, calls a small non-inlined function that
 * computes the new value (a short delay loop: real code computes between
 * reading and writing), and stores it. Under QEMU TCG a virtual CPU takes
 * interrupts only between translated blocks, which end at a branch or a
 * call; without the call a one-CPU machine would never preempt a thread
 * between its load and its store and could not lose an update (DESIGN.md
 * section 5).
 *
 * How we know the threads really interleaved. Every thread publishes how
 * many increments it has done (its `progress`, written only by itself).
 * After each of its increments a thread adds up the other threads'
 * progress; if the sum changed since its previous increment, another
 * thread made progress while this one was between two of its own
 * increments, and the thread counts one "interleaving". On one CPU that
 * can only happen if this thread was switched out in between -- a
 * preemption, since the unprotected and atomic loops never block (with a
 * mutex it may also be a block on the lock). On several CPUs it also
 * counts truly parallel progress, which is just as able to lose updates.
 * Either way each interleaving is one point where the other threads'
 * increments fell inside this thread's sequence, i.e. a chance to lose an
 * update, counted only while both threads are in their loops (the overlap).
 *
 * A run does not have a fixed length, since QEMU's speed varies with the
 * host's load: every thread goes on until the threads together have seen
 * RACE_TARGET interleavings and it has done RACE_MIN_ITERS increments, or
 * until RACE_MAX_ITERS (then the check of at least RACE_REQUIRED
 * interleavings fails: the threads ran one after the other). The expected
 * count is the sum of the threads' own increment counts.
 */

#define RACE_MAX_THREADS 4
#define RACE_WORK        20             /* delay-loop turns between load and store */
#define RACE_TARGET      200            /* interleavings to see before stopping */
#define RACE_REQUIRED    20             /* fewer than this: the test proves nothing */
#define RACE_MIN_ITERS   20000
#define RACE_MAX_ITERS   4000000

enum race_mode { RACE_UNSAFE, RACE_ATOMIC, RACE_SPINLOCK, RACE_MUTEX };

struct racer {
    volatile long progress;             /* increments done (only this thread writes it) */
    volatile long interleavings;        /* other threads' progress seen between two of ours */
    long iters;
    char pad[64 - 3 * sizeof(long)];    /* one cache line each */
};

static struct {
    volatile long counter __attribute__((aligned(64)));
    spinlock_t spin __attribute__((aligned(64)));
    mutex_t mutex __attribute__((aligned(64)));
    volatile int gate __attribute__((aligned(64)));
    struct racer racer[RACE_MAX_THREADS] __attribute__((aligned(64)));
    int nthreads;
    enum race_mode mode;
    int pin;                            /* 1: thread i runs on CPU i only */
    volatile int wrong_cpu;             /* times a pinned thread saw another CPU */
    volatile uint64_t cpus_seen;        /* every CPU a racer ran on (getcpu) */
    volatile int inside __attribute__((aligned(64)));  /* threads in the critical section */
    volatile long overlaps;             /* entries that found another thread inside */
} race;

static volatile int race_work_sink;

/* Returns v + 1 after a short delay loop (a call, and branches: places
   where TCG can deliver the timer interrupt). */
static __attribute__((noinline)) long race_compute(long v)
{
    for (int i = 0; i < RACE_WORK; i++)
        race_work_sink = i;
    return v + 1;
}

static inline void race_unsafe_increment(void)
{
    long v = race.counter;              /* load ... */
    v = race_compute(v);
    race.counter = v;                   /* ... store: another thread may have stored in between */
}

/* The increment under a lock, also counting the times another thread was
   inside the critical section at the same time. A lost update needs two
   increments to interleave just so; a broken lock shows up here at every
   overlap, lost update or not. */
static inline void race_locked_increment(void)
{
    if (__atomic_add_fetch(&race.inside, 1, __ATOMIC_SEQ_CST) != 1)
        __atomic_fetch_add(&race.overlaps, 1, __ATOMIC_RELAXED);
    race_unsafe_increment();
    __atomic_fetch_sub(&race.inside, 1, __ATOMIC_SEQ_CST);
}

static inline void race_increment(void)
{
    switch (race.mode) {
    case RACE_UNSAFE:
        race_unsafe_increment();
        break;
    case RACE_ATOMIC:
        atomic_fetch_add(&race.counter, race_compute(0));   /* lock xadd of 1 */
        break;
    case RACE_SPINLOCK:
        spin_lock(&race.spin);
        race_locked_increment();
        spin_unlock(&race.spin);
        break;
    case RACE_MUTEX:
        mutex_lock(&race.mutex);
        race_locked_increment();
        mutex_unlock(&race.mutex);
        break;
    }
}

static long race_others_progress(int me)
{
    long sum = 0;
    for (int i = 0; i < race.nthreads; i++)
        if (i != me)
            sum += race.racer[i].progress;
    return sum;
}

static long race_total_interleavings(void)
{
    long sum = 0;
    for (int i = 0; i < race.nthreads; i++)
        sum += race.racer[i].interleavings;
    return sum;
}

static void *race_thread(void *arg)
{
    int me = (int)(long)arg;
    struct racer *r = &race.racer[me];
    if (race.pin)
        UT_CHECK_EQ(sys_set_affinity(0, 1ull << me), 0);
    /* Start gate: wait (yielding) until every thread is here, so the loops overlap. */
    atomic_fetch_add_int(&race.gate, 1);
    while (atomic_load(&race.gate) < race.nthreads)
        sys_yield();
    long seen = race_others_progress(me);
    long n = 0;
    for (;;) {
        race_increment();
        n++;
        r->progress = n;
        long now = race_others_progress(me);
        if (now != seen) {
            r->interleavings++;
            seen = now;
        }
        if ((n & 255) == 0) {
            int cpu = sys_getcpu();
            __atomic_fetch_or(&race.cpus_seen, 1ull << cpu, __ATOMIC_RELAXED);
            if (race.pin && cpu != me)
                race.wrong_cpu++;
        }
        if ((n & 255) == 0 && ((n >= RACE_MIN_ITERS && race_total_interleavings() >= RACE_TARGET) ||
                               n >= RACE_MAX_ITERS))
            break;
    }
    r->iters = n;
    return NULL;
}

/* Runs the race with nthreads threads in mode; returns the number of lost
   updates (expected - final) after checking that the threads interleaved
   at least RACE_REQUIRED times and that the counter is not above expected. */
static inline long race_run_pinned(enum race_mode mode, int nthreads, int pin)
{
    static const char *const names[] = { "unsafe", "atomic", "spinlock", "mutex" };
    memset(&race, 0, sizeof race);
    race.pin = pin;
    race.mode = mode;
    race.nthreads = nthreads;
    thread_t t[RACE_MAX_THREADS];
    uint64_t start = sys_clock();
    for (int i = 0; i < nthreads; i++)
        UT_CHECK_EQ(thread_create(&t[i], race_thread, (void *)(long)i), 0);
    for (int i = 0; i < nthreads; i++)
        UT_CHECK_EQ(thread_join(t[i], NULL), 0);
    uint64_t ms = (sys_clock() - start) / 1000000;
    long expected = 0, interleavings = 0;
    for (int i = 0; i < nthreads; i++) {
        expected += race.racer[i].iters;
        interleavings += race.racer[i].interleavings;
    }
    long final = race.counter;
    printf("race: mode=%s threads=%d expected=%ld actual=%ld lost=%ld interleavings=%ld time_ms=%lu "
           "overlaps=%ld\n", names[mode], nthreads, expected, final, expected - final, interleavings,
           (unsigned long)ms, race.overlaps);
    UT_CHECK_MSG(interleavings >= RACE_REQUIRED,
                 "only %ld interleavings in %ld increments: the threads ran one after the other "
                 "(is preemption working?)", interleavings, expected);
    UT_CHECK_MSG(final <= expected, "the counter (%ld) is above the number of increments (%ld)",
                 final, expected);
    UT_CHECK_MSG(race.overlaps == 0, "the lock let two threads into the critical section at "
                 "once, %ld times", race.overlaps);
    if (pin) {
        /* Pinned, thread i ran on CPU i only (getcpu agrees), and since
           the loops overlapped (the interleavings), on different CPUs at
           the same time. */
        UT_CHECK_MSG(race.wrong_cpu == 0, "a pinned thread was seen on another CPU %d times",
                     race.wrong_cpu);
        UT_CHECK_EQ(race.cpus_seen, (1ull << nthreads) - 1);
    }
    return expected - final;
}

static inline long race_run(enum race_mode mode, int nthreads)
{
    return race_run_pinned(mode, nthreads, 0);
}

#endif
