/* Tests of thread_sleep in the manner of Pintos's alarm tests: wake-up
   order, simultaneous wake-ups, zero and negative durations, an idle CPU. */
#include "kernel/ktest.h"
#include "kernel/thread.h"
#include "kernel/time.h"
#include "kernel/spinlock.h"
#include "kernel/sched/sched.h"
#include "arch/x86_64/cpu.h"

#define SLEEPERS 5
#define MAX_ITERS 7

static uint64_t start_tick;
static int iterations;

/* Sleeper i sleeps (i+1)*10 ticks per iteration, each time until an
   absolute tick computed from the common start, as Pintos's alarm-multiple. */
static long sleeper(void *arg)
{
    int i = (int)(long)arg;
    uint64_t duration = (uint64_t)(i + 1) * 10;
    for (int it = 1; it <= iterations; it++)
        thread_sleep_until(start_tick + duration * (uint64_t)it);
    return 0;
}

static uint64_t all_ticks(bool idle_only)
{
    uint64_t sum = 0;
    for (int i = 0; i < ncpus; i++)
        sum += idle_only ? cpus[i].idle_ticks : cpus[i].ticks;
    return sum;
}

static struct sched_event sleep_events[SCHED_EVENTS];

/*
 * What is checked comes from the scheduler's own record of wake-ups (the
 * tick on which the timer interrupt woke each sleeper), not from a clock
 * read after waking: when a woken thread gets to run depends on the CPUs
 * (and on how busy the host is), when it is woken does not.
 */
static void run_sleepers(int iters)
{
    int tids[SLEEPERS];
    uint64_t ticks_before = all_ticks(false), idle_before = all_ticks(true);
    uint64_t first = sched_events_last();
    iterations = iters;
    start_tick = timer_ticks() + 5;     /* all start from the same tick */
    /* On one CPU (CPU 0) however many there are: this tests the alarm
       clock, and with one CPU a late wake-up cannot hide behind another CPU
       that was slow to run the woken thread. */
    KT_ASSERT_EQ(thread_set_affinity(0, 1), 0);
    for (int i = 0; i < SLEEPERS; i++)
        tids[i] = thread_create_on("sleeper", sleeper, (void *)(long)i, 1);
    uint64_t sleeper_ticks = 0;
    for (int i = 0; i < SLEEPERS; i++) {
        struct thread snap;
        while (thread_snapshot(tids[i], &snap) == 0 && snap.state != THREAD_ZOMBIE)
            thread_sleep_ticks(1);
        sleeper_ticks += snap.ticks_run;
        KT_ASSERT_EQ(thread_join(tids[i], 0), 0);
    }
    int n = sched_events_since(first, sleep_events, SCHED_EVENTS);
    int woken[SLEEPERS] = { 0 };
    uint64_t last_due = 0;
    for (int e = 0; e < n; e++) {
        if (sleep_events[e].kind != SCHED_EV_WAKE)
            continue;
        for (int i = 0; i < SLEEPERS; i++) {
            if (sleep_events[e].to != tids[i])
                continue;
            uint64_t due = start_tick + (uint64_t)(i + 1) * 10 * (uint64_t)++woken[i];
            /* Woken exactly on the tick it asked for, and wake-ups in the
               order of their ticks. */
            KT_ASSERT_EQ(sleep_events[e].tick, due);
            KT_ASSERT_GE(due, last_due);
            last_due = due;
        }
    }
    for (int i = 0; i < SLEEPERS; i++)
        KT_ASSERT_EQ(woken[i], iters);
    /* While everyone slept the CPUs idled: the sleepers hardly ran, and
       almost every tick of the test, on every CPU, was an idle tick. */
    uint64_t elapsed = all_ticks(false) - ticks_before;
    KT_ASSERT_LE(sleeper_ticks * 10, elapsed);
    uint64_t idle = all_ticks(true) - idle_before;
    KT_ASSERT_GE(idle * 10, elapsed * 9);
}

KTEST(test_sleep_single, "sleep-single")
{
    run_sleepers(1);
}

KTEST(test_sleep_multiple, "sleep-multiple")
{
    run_sleepers(7);
}

/* Three threads sleep to the same tick, five times: each time all three
   are woken on that very tick. When each then runs is up to the CPU (one
   CPU runs them in turn), so the scheduler's record of the wake-ups is
   what is checked, not a clock read after waking. */
#define SIMULTANEOUS 3
#define ROUNDS 5

static long simultaneous(void *arg)
{
    (void)arg;
    for (int it = 0; it < ROUNDS; it++) {
        thread_sleep_until(start_tick + 10 * (uint64_t)(it + 1));
    }
    return 0;
}

static struct sched_event sim_events[SCHED_EVENTS];

KTEST(test_sleep_simultaneous, "sleep-simultaneous")
{
    int tids[SIMULTANEOUS];
    uint64_t first = sched_events_last();
    start_tick = timer_ticks() + 5;
    KT_ASSERT_EQ(thread_set_affinity(0, 1), 0);        /* one CPU: see run_sleepers */
    for (int i = 0; i < SIMULTANEOUS; i++)
        tids[i] = thread_create_on("together", simultaneous, (void *)(long)i, 1);
    for (int i = 0; i < SIMULTANEOUS; i++)
        KT_ASSERT_EQ(thread_join(tids[i], 0), 0);
    /* wake_tick[i][k]: the tick of thread i's k-th wake-up. */
    uint64_t wake_tick[SIMULTANEOUS][ROUNDS];
    int wakes[SIMULTANEOUS] = { 0 };
    int n = sched_events_since(first, sim_events, SCHED_EVENTS);
    for (int e = 0; e < n; e++) {
        if (sim_events[e].kind != SCHED_EV_WAKE)
            continue;
        for (int i = 0; i < SIMULTANEOUS; i++) {
            if (sim_events[e].to == tids[i]) {
                KT_ASSERT_LT(wakes[i], ROUNDS);
                wake_tick[i][wakes[i]++] = sim_events[e].tick;
            }
        }
    }
    for (int i = 0; i < SIMULTANEOUS; i++)
        KT_ASSERT_EQ(wakes[i], ROUNDS);
    for (int it = 0; it < ROUNDS; it++) {
        KT_ASSERT_EQ(wake_tick[0][it], start_tick + 10 * (uint64_t)(it + 1));
        for (int i = 1; i < SIMULTANEOUS; i++)
            KT_ASSERT_EQ(wake_tick[i][it], wake_tick[0][it]);
    }
}

/* Sleeping for d ticks must return without blocking: no switch recorded. */
static void check_returns_at_once(int64_t d)
{
    struct thread *self = thread_current();
    uint64_t voluntary = self->voluntary_switches;
    thread_sleep_ticks(d);
    thread_sleep_ms(d);
    KT_ASSERT_EQ(self->voluntary_switches, voluntary);
    KT_ASSERT_EQ(self->state, THREAD_RUNNING);
}

KTEST(test_sleep_zero, "sleep-zero")
{
    check_returns_at_once(0);
}

KTEST(test_sleep_negative, "sleep-negative")
{
    check_returns_at_once(-100);
    check_returns_at_once(INT64_MIN);
}
