/* The mlfq lab's curves: load_avg with 1 and 60 busy threads and one busy
   thread's recent_cpu, second by second, against models the tests compute. */
#include "tests/kernel/lab_mlfq.h"

static volatile int stop;

static long spin_until_stop(void *arg)
{
    (void)arg;
    while (!stop)
        cpu_relax();
    return 0;
}

/*
 * Tolerances, in raw 17.14 units (1/16384):
 * - one step (last second's recorded value put through the formula once):
 *   16 raw (0.001). The documented evaluation order gives exactly the
 *   model's value; another order (say 59 * load_avg / 60) rounds
 *   differently by a raw unit or two.
 * - the closed form, which has no rounding at all: 0.01 (164 raw). Each
 *   step's truncations lose under 5 raw units (1/60 truncates to 273 of
 *   273.07: ready * 0.07 for 60 threads) and old errors shrink by 59/60,
 *   so ten steps stay well under it.
 */
#define STEP_TOLERANCE    16
#define CLOSED_TOLERANCE  164

/* (59/60)^k as a fraction of 2^40, exactly enough for the closed form. */
static int64_t power_59_60(int k)
{
    int64_t p = 1ll << 40;
    for (int i = 0; i < k; i++)
        p = p * 59 / 60;
    return p;
}

/*
 * Runs n busy threads (pinned to CPU 0 if pin) while the test sleeps through
 * `seconds` + 1 per-second updates, and checks the load_avg curve: every
 * update counted n ready threads, each value is one formula step from the
 * one before, and the curve follows the closed form
 *     load_avg(k) = n - (n - load_avg(0)) * (59/60)^k.
 */
static void check_load_curve(const char *name, int n, int seconds, bool pin)
{
    static int tids[64];
    KT_ASSERT_LE(n, 64);
    stop = 0;
    for (int i = 0; i < n; i++) {
        tids[i] = pin ? thread_create_on("busy", spin_until_stop, 0, MLFQ_CPU0)
                      : thread_create("busy", spin_until_stop, 0);
        KT_ASSERT_GT(tids[i], 0);
    }
    /* The first update looked at comes a full second after now, so that the
       test is asleep by then; it wakes half a second after the last. */
    uint64_t hz = (uint64_t)timer_hz();
    uint64_t first = (timer_ticks() / hz + 2) * hz;
    uint64_t last = first + (uint64_t)seconds * hz;
    thread_sleep_until(last + hz / 2);
    stop = 1;
    for (int i = 0; i < n; i++)
        KT_ASSERT_EQ(thread_join(tids[i], 0), 0);

    struct mlfq_second prev, cur;
    if (!mlfq_test_second_at(first, &prev))
        ktest_fail(__FILE__, __LINE__, "no per-second update recorded at tick %lu", first);
    struct fixed start = prev.load_avg;
    char a[24], b[24], c[24];
    printk("%s: %d busy threads; second 0 (tick %lu): load_avg %s\n", name, n, first,
           mlfq_fmt(a, start));
    for (int k = 1; k <= seconds; k++) {
        uint64_t tick = first + (uint64_t)k * hz;
        if (!mlfq_test_second_at(tick, &cur))
            ktest_fail(__FILE__, __LINE__, "no per-second update recorded at tick %lu", tick);
        struct fixed step = mlfq_model_load(prev.load_avg, n);
        /* load_avg(k) = n - (n - load_avg(0)) * (59/60)^k, in 2^-40 units. */
        int64_t gap = ((int64_t)n << 40) - ((int64_t)start.raw << 26);
        int64_t closed40 = ((int64_t)n << 40) - (gap >> 20) * (power_59_60(k) >> 20);
        struct fixed closed = fixed_from_raw((int32_t)(closed40 >> 26));
        printk("%s: second %d (tick %lu): load_avg %s, one step from the last %s, closed form %s, "
               "ready %d\n", name, k, tick, mlfq_fmt(a, cur.load_avg), mlfq_fmt(b, step),
               mlfq_fmt(c, closed), cur.ready);
        KT_ASSERT_EQ(cur.ready, n);
        KT_ASSERT_LE(mlfq_raw_distance(cur.load_avg, step), STEP_TOLERANCE);
        KT_ASSERT_LE(mlfq_raw_distance(cur.load_avg, closed), CLOSED_TOLERANCE);
        prev = cur;
    }
}

/* One busy thread: load_avg creeps towards 1 (0.155 after ten seconds from 0). */
KTEST(test_mlfq_load_1, "mlfq-load-1", .args = "sched=mlfq", .timeout = 90)
{
    mlfq_test_require_policy();
    mlfq_test_pin_self();
    check_load_curve("mlfq-load-1", 1, 10, true);
}

/* Sixty busy threads, spread over every CPU there is: load_avg counts the
   ready threads of all CPUs and climbs by about one a second. */
KTEST(test_mlfq_load_60, "mlfq-load-60", .args = "sched=mlfq", .timeout = 90)
{
    mlfq_test_require_policy();
    check_load_curve("mlfq-load-60", 60, 6, false);
}

/*
 * One busy thread, alone on CPU 0 with the test asleep, is charged every
 * tick: hz ticks a second. After second k's update its recent_cpu must be
 *     recent_cpu(k) = (2L)/(2L + 1) * (recent_cpu(k-1) + hz) + nice
 * with L that second's load_avg, and its priority the formula's for it.
 * Run with nice 3 so that the "+ nice" shows.
 */
#define RECENT_NICE 3
#define RECENT_SECONDS 8

KTEST(test_mlfq_recent_1, "mlfq-recent-1", .args = "sched=mlfq", .timeout = 90)
{
    mlfq_test_require_policy();
    mlfq_test_pin_self();
    stop = 0;
    int tid = thread_create_on("busy", spin_until_stop, 0, MLFQ_CPU0);
    KT_ASSERT_GT(tid, 0);
    KT_ASSERT_EQ(thread_set_nice(tid, RECENT_NICE), 0);
    mlfq_watch(tid);
    uint64_t hz = (uint64_t)timer_hz();
    uint64_t first = (timer_ticks() / hz + 2) * hz;
    thread_sleep_until(first + RECENT_SECONDS * hz + hz / 2);
    mlfq_watch(0);
    stop = 1;
    KT_ASSERT_EQ(thread_join(tid, 0), 0);

    struct mlfq_second prev, cur;
    if (!mlfq_test_second_at(first, &prev) || !prev.watched_found)
        ktest_fail(__FILE__, __LINE__, "no per-second update recorded at tick %lu", first);
    struct fixed model = prev.watched_recent_cpu;
    char a[24], b[24], c[24], d[24];
    printk("mlfq-recent-1: nice %d, hz %lu; second 0: recent_cpu %s\n", RECENT_NICE, hz,
           mlfq_fmt(a, model));
    for (int k = 1; k <= RECENT_SECONDS; k++) {
        uint64_t tick = first + (uint64_t)k * hz;
        if (!mlfq_test_second_at(tick, &cur) || !cur.watched_found)
            ktest_fail(__FILE__, __LINE__, "no per-second update recorded at tick %lu", tick);
        struct fixed charged = fixed_add_int(prev.watched_recent_cpu, (int)hz);
        struct fixed step = mlfq_model_decay(charged, cur.load_avg, RECENT_NICE);
        model = mlfq_model_decay(fixed_add_int(model, (int)hz), cur.load_avg, RECENT_NICE);
        int priority = mlfq_model_priority(cur.watched_recent_cpu, RECENT_NICE);
        printk("mlfq-recent-1: second %d: load_avg %s recent_cpu %s (one step %s, from second 0 %s) "
               "priority %d (formula %d)\n", k, mlfq_fmt(a, cur.load_avg),
               mlfq_fmt(b, cur.watched_recent_cpu), mlfq_fmt(c, step), mlfq_fmt(d, model),
               cur.watched_priority, priority);
        /* One step: a coefficient a raw unit off, times recent_cpu (up to
           a few hundred), moves the product by up to ~0.02. */
        KT_ASSERT_LE(mlfq_raw_distance(cur.watched_recent_cpu, step), 328);
        /* From second 0 on: such differences add up, but each old one is
           scaled down by the coefficient (under 1): within 0.1. */
        KT_ASSERT_LE(mlfq_raw_distance(cur.watched_recent_cpu, model), 1638);
        /* Rounded down as documented; rounding recent_cpu/4 first may give one more. */
        KT_ASSERT_GE(cur.watched_priority, priority);
        KT_ASSERT_LE(cur.watched_priority, priority + 1);
        prev = cur;
    }
}
