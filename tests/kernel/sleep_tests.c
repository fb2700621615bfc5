/* Tests of thread_sleep in the manner of Pintos's alarm tests: wake-up
   order, simultaneous wake-ups, zero and negative durations, an idle CPU. */
#include "kernel/ktest.h"
#include "kernel/thread.h"
#include "kernel/time.h"
#include "kernel/spinlock.h"
#include "kernel/sched/sched.h"
#include "arch/x86_64/cpu.h"

#define SLEEPERS 5
#define MAX_WAKES (SLEEPERS * 7)

struct wake {
    int thread;         /* which sleeper */
    int iteration;
    uint64_t tick;      /* when it woke */
    uint64_t due;       /* the tick it asked for */
};

static struct spinlock wake_lock = SPINLOCK_INIT("wake-log");
static struct wake wakes[MAX_WAKES];
static int nwakes;
static uint64_t start_tick;
static int iterations;

/* Sleeper i sleeps (i+1)*10 ticks per iteration, each time until an
   absolute tick computed from the common start, as Pintos's alarm-multiple. */
static long sleeper(void *arg)
{
    int i = (int)(long)arg;
    uint64_t duration = (uint64_t)(i + 1) * 10;
    for (int it = 1; it <= iterations; it++) {
        uint64_t due = start_tick + duration * it;
        thread_sleep_until(due);
        spin_lock(&wake_lock);
        wakes[nwakes++] = (struct wake){ i, it, timer_ticks(), due };
        spin_unlock(&wake_lock);
    }
    return 0;
}

static void run_sleepers(int iters)
{
    int tids[SLEEPERS];
    uint64_t idle_before = this_cpu()->idle_ticks;
    uint64_t ticks_before = timer_ticks();
    nwakes = 0;
    iterations = iters;
    start_tick = timer_ticks() + 5;     /* all start from the same tick */
    for (int i = 0; i < SLEEPERS; i++)
        tids[i] = thread_create("sleeper", sleeper, (void *)(long)i);
    uint64_t work = 0;
    for (int i = 0; i < SLEEPERS; i++) {
        KT_ASSERT_EQ(thread_join(tids[i], 0), 0);
    }
    KT_ASSERT_EQ(nwakes, SLEEPERS * iters);
    /* Wake-ups come in order of due tick, none early, none late by more
       than a tick or two (they run on an otherwise idle CPU). */
    for (int k = 0; k < nwakes; k++) {
        KT_ASSERT_GE(wakes[k].tick, wakes[k].due);
        KT_ASSERT_LE(wakes[k].tick, wakes[k].due + 2);
        if (k > 0)
            KT_ASSERT_GE(wakes[k].due, wakes[k - 1].due);
        work += wakes[k].tick;
    }
    (void)work;
    /* While everyone slept the CPU idled: almost every tick of the test
       was an idle tick (none burnt busy-waiting). */
    uint64_t elapsed = timer_ticks() - ticks_before;
    uint64_t idle = this_cpu()->idle_ticks - idle_before;
    KT_ASSERT_GE(idle * 10, elapsed * 9);
}

KTEST(test_sleep_single, "sleep-single", .args = "hz=1000")
{
    run_sleepers(1);
}

KTEST(test_sleep_multiple, "sleep-multiple", .args = "hz=1000")
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

KTEST(test_sleep_simultaneous, "sleep-simultaneous", .args = "hz=1000")
{
    int tids[SIMULTANEOUS];
    uint64_t first = sched_events_last();
    start_tick = timer_ticks() + 5;
    for (int i = 0; i < SIMULTANEOUS; i++)
        tids[i] = thread_create("together", simultaneous, (void *)(long)i);
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
