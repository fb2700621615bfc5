/* The mlfq lab's sharing tests: CPU-bound threads of equal nice get equal
   shares of one CPU, and of different nice the shares the formulas predict. */
#include "tests/kernel/lab_mlfq.h"

#define MAX_THREADS 20

static volatile int go, stop;

/* Waits (asleep, polling each tick) for the start, then spins. */
static long busy(void *arg)
{
    (void)arg;
    while (!go)
        thread_sleep_ticks(1);
    while (!stop)
        cpu_relax();
    return 0;
}

/*
 * The test's model of the policy on one CPU, a tick at a time: the thread
 * of highest priority (the formula's, for its recent_cpu and nice now) gets
 * the tick, ties going to the one that waited longest; it is charged one
 * tick of recent_cpu; at each second's update every recent_cpu decays with
 * that second's recorded load_avg. The real policy recomputes the running
 * thread's priority only every 4th tick and takes turns by quantum, so it
 * differs from the model by a few ticks per thread a second.
 */
struct model_thread {
    struct fixed recent_cpu;
    int nice;
    uint64_t ticks;             /* ticks given */
    uint64_t last;              /* the tick it last got (0: not yet) */
};

static void model_run(struct model_thread *m, int n, uint64_t from, uint64_t to)
{
    uint64_t hz = (uint64_t)timer_hz();
    for (uint64_t tick = from + 1; tick <= to; tick++) {
        int best = 0, best_pri = -1;
        for (int i = 0; i < n; i++) {
            int pri = mlfq_model_priority(m[i].recent_cpu, m[i].nice);
            if (pri > best_pri || (pri == best_pri && m[i].last < m[best].last)) {
                best = i;
                best_pri = pri;
            }
        }
        m[best].recent_cpu = fixed_add_int(m[best].recent_cpu, 1);
        m[best].ticks++;
        m[best].last = tick;
        if (tick % hz == 0) {
            struct mlfq_second s;
            if (!mlfq_test_second_at(tick, &s))
                ktest_fail(__FILE__, __LINE__, "no per-second update recorded at tick %lu", tick);
            for (int i = 0; i < n; i++)
                m[i].recent_cpu = mlfq_model_decay(m[i].recent_cpu, s.load_avg, m[i].nice);
        }
    }
}

/*
 * Runs n CPU-bound threads with the given nice values on CPU 0 for `ticks`
 * ticks and checks that
 *  - the policy works at all: each thread has been charged recent_cpu and
 *    has the priority the formula gives for it (give or take the rounding
 *    of recent_cpu / 4), and
 *  - each thread got the ticks the model predicts, within
 *    tolerance_percent of all ticks.
 * If `ordered`, also that a nicer (higher nice) thread never got more than
 * a less nice one (within 2% of all ticks). Returns nothing: fails the test.
 */
static void check_shares(const char *name, int n, const int *nice, uint64_t ticks,
                         int tolerance_percent)
{
    static struct model_thread model[MAX_THREADS];
    int tids[MAX_THREADS];
    uint64_t base[MAX_THREADS], got[MAX_THREADS];
    KT_ASSERT_LE(n, MAX_THREADS);
    mlfq_test_pin_self();
    go = stop = 0;
    for (int i = 0; i < n; i++) {
        tids[i] = thread_create_on("busy", busy, 0, MLFQ_CPU0);
        KT_ASSERT_GT(tids[i], 0);
        KT_ASSERT_EQ(thread_set_nice(tids[i], nice[i]), 0);
    }
    /* Start them together: from here on they are asleep or queued (this
       test holds CPU 0), so their recent_cpu stays put until the next tick. */
    for (int i = 0; i < n; i++) {
        struct thread snap;
        KT_ASSERT_EQ(thread_snapshot(tids[i], &snap), 0);
        base[i] = snap.ticks_run;
        model[i] = (struct model_thread){ .recent_cpu = mlfq_recent_cpu(&snap), .nice = nice[i] };
    }
    uint64_t start = timer_ticks();
    go = 1;
    /* End off a second's boundary, whose update would change recent_cpu
       while we read it. */
    uint64_t hz = (uint64_t)timer_hz(), end = start + ticks;
    if (end % hz == 0)
        end++;
    thread_sleep_until(end);
    /* Awake with a high priority: our recent_cpu is low. Nothing has run
       on CPU 0 since the end tick but us. */
    int priority[MAX_THREADS];
    struct fixed recent[MAX_THREADS];
    uint64_t total = 0;
    for (int i = 0; i < n; i++) {
        struct thread snap;
        KT_ASSERT_EQ(thread_snapshot(tids[i], &snap), 0);
        got[i] = snap.ticks_run - base[i];
        recent[i] = mlfq_recent_cpu(&snap);
        priority[i] = snap.priority;
        total += got[i];
    }
    uint64_t now = timer_ticks();
    stop = 1;
    for (int i = 0; i < n; i++)
        KT_ASSERT_EQ(thread_join(tids[i], 0), 0);
    model_run(model, n, start, end);

    char a[24];
    printk("%s: %d threads on CPU 0, ticks %lu..%lu (%lu given out; read at %lu)\n", name, n,
           start, end, total, now);
    for (int i = 0; i < n; i++)
        printk("%s: thread %d nice %d: %lu ticks (%lu.%lu%%), model %lu; recent_cpu %s priority %d\n",
               name, i, nice[i], got[i], got[i] * 100 / (total ? total : 1),
               got[i] * 1000 / (total ? total : 1) % 10, model[i].ticks, mlfq_fmt(a, recent[i]),
               priority[i]);
    /* Nearly every tick of the window went to these threads (the test
       itself sleeps through it). */
    KT_ASSERT_GE(total + 2, end - start);
    for (int i = 0; i < n; i++) {
        KT_ASSERT_GT(recent[i].raw, 0);
        int want = mlfq_model_priority(recent[i], nice[i]);
        KT_ASSERT_GE(priority[i], want);
        KT_ASSERT_LE(priority[i], want + 1);
        int64_t diff = (int64_t)got[i] - (int64_t)model[i].ticks;
        if (diff < 0)
            diff = -diff;
        if ((uint64_t)diff * 100 > total * (uint64_t)tolerance_percent)
            ktest_fail(__FILE__, __LINE__,
                       "thread %d (nice %d) got %lu ticks, the model %lu: more than %d%% of %lu apart",
                       i, nice[i], got[i], model[i].ticks, tolerance_percent, total);
    }
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            if (nice[i] < nice[j] && got[i] * 100 + total * 2 < got[j] * 100)
                ktest_fail(__FILE__, __LINE__,
                           "thread %d (nice %d) got %lu ticks, fewer than thread %d (nice %d): %lu",
                           i, nice[i], got[i], j, nice[j], got[j]);
}

static const int zeros[MAX_THREADS];

/* Two threads of nice 0 over 3 seconds: 50% each, within 5 points. */
KTEST(test_mlfq_fair_2, "mlfq-fair-2", .args = "sched=mlfq", .timeout = 60)
{
    mlfq_test_require_policy();
    check_shares("mlfq-fair-2", 2, zeros, 300, 5);
}

/* Twenty threads of nice 0 over 6 seconds: 5% each, within 2 points. */
KTEST(test_mlfq_fair_20, "mlfq-fair-20", .args = "sched=mlfq", .timeout = 60)
{
    mlfq_test_require_policy();
    check_shares("mlfq-fair-20", 20, zeros, 600, 2);
}

/* Nice 0 against nice 5 over 4 seconds: the nicer one waits until the
   other's recent_cpu is 8 * 5 ticks ahead, about 70% to 30% here. */
KTEST(test_mlfq_nice_2, "mlfq-nice-2", .args = "sched=mlfq", .timeout = 60)
{
    static const int nice[] = { 0, 5 };
    mlfq_test_require_policy();
    check_shares("mlfq-nice-2", 2, nice, 400, 5);
}

/* Nice 0 to 9 over 6 seconds: shares fall with nice, the nicest starve. */
KTEST(test_mlfq_nice_10, "mlfq-nice-10", .args = "sched=mlfq", .timeout = 60)
{
    static const int nice[] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 };
    mlfq_test_require_policy();
    check_shares("mlfq-nice-10", 10, nice, 600, 4);
}
