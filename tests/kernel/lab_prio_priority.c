/* The priority lab's scheduling tests (sched=prio): set/get priority, preemption,
   round robin among equals, wake-up order; checked from event logs, not timing. */
#include "kernel/ktest.h"
#include "kernel/thread.h"
#include "kernel/time.h"
#include "kernel/sched/sched.h"
#include "kernel/sync/semaphore.h"
#include "kernel/sync/mutex.h"
#include "kernel/sync/condvar.h"
#include "lib/errno.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/x86.h"
#include "tests/kernel/lab_prio.h"

/* --- priority-change: thread_set_priority takes effect at once ---------- */

static long change_thread(void *arg)
{
    (void)arg;
    lp_event("A1 thread A runs at priority %d: main raised it above itself", thread_get_priority(0));
    int old = thread_set_priority(0, 20);
    lp_event("A2 thread A runs again (priority %d, was %d): main lowered itself below it",
             thread_get_priority(0), old);
    return old;
}

KTEST(test_priority_change, "priority-change", .args = "sched=prio")
{
    lp_begin();
    int a = lp_spawn("A", change_thread, 0, 30);
    lp_event("M1 main (31) goes on: thread A was created at 30, below it");
    int old_a = thread_set_priority(a, 40);
    lp_event("M2 main runs again: A (raised from %d to 40) ran until it lowered itself to 20", old_a);
    int now_a = thread_get_priority(a);
    int old_main = thread_set_priority(0, 10);
    lp_event("M3 main (now 10, was %d) runs again after A ran and exited", old_main);
    KT_ASSERT_EQ(thread_set_priority(0, PRIORITY_DEFAULT), 10);
    long a_saw = 0;
    KT_ASSERT_EQ(thread_join(a, &a_saw), 0);
    LP_EXPECT("M1 A1 M2 A2 M3");

    KT_ASSERT_EQ(old_a, 30);
    KT_ASSERT_EQ(now_a, 20);
    KT_ASSERT_EQ(old_main, PRIORITY_DEFAULT);
    KT_ASSERT_EQ(a_saw, 40);                /* set returns the old priority */
    /* Every one of the 64 levels can be set and read back. */
    for (int p = PRIORITY_MIN; p <= PRIORITY_MAX; p++) {
        thread_set_priority(0, p);
        KT_ASSERT_EQ(thread_get_priority(0), p);
    }
    KT_ASSERT_EQ(thread_set_priority(0, PRIORITY_DEFAULT), PRIORITY_MAX);
    /* Bad values change nothing. */
    KT_ASSERT_EQ(thread_set_priority(0, PRIORITY_MAX + 1), -EINVAL);
    KT_ASSERT_EQ(thread_set_priority(0, PRIORITY_MIN - 1), -EINVAL);
    KT_ASSERT_EQ(thread_set_priority(a, 5), -ESRCH);    /* joined: gone */
    KT_ASSERT_EQ(thread_get_priority(a), -ESRCH);
    KT_ASSERT_EQ(thread_get_priority(0), PRIORITY_DEFAULT);
    lp_note("set/get priority: old values returned, 0..63 accepted, -EINVAL and -ESRCH");
}

/* --- priority-preempt: a better thread takes the CPU at once ------------ */

#define PREEMPT_SPIN_TICKS 30           /* hz=10: 3 seconds at most */
static volatile int high_woke;
static volatile uint64_t high_wake_target, high_woke_tick;

static long preempt_high(void *arg)
{
    (void)arg;
    lp_event("H1 thread H (40) runs as soon as it is created, then sleeps 2 ticks");
    high_wake_target = timer_ticks() + 2;
    thread_sleep_until(high_wake_target);
    high_woke_tick = timer_ticks();
    high_woke = 1;
    lp_event("H2 thread H wakes at tick %lu and takes the CPU from main at once",
             (unsigned long)high_woke_tick);
    return 0;
}

static long preempt_low(void *arg)
{
    (void)arg;
    lp_event("L1 thread L (20) runs only once main blocks");
    return 0;
}

/* The SMP part: a thread woken for another CPU gets there by an IPI. */
static volatile int cpu1_stop;
static volatile uint64_t cpu1_ticks_at_start;

static long cpu1_spinner(void *arg)
{
    (void)arg;
    uint64_t limit = timer_ticks() + PREEMPT_SPIN_TICKS;
    lp_spin_until(&cpu1_stop, limit);
    return cpu1_stop;                   /* 1: stopped by X, 0: gave up */
}

static long cpu1_high(void *arg)
{
    (void)arg;
    cpu1_ticks_at_start = this_cpu()->ticks;
    cpu1_stop = 1;
    return 0;
}

static void preempt_other_cpu(void)
{
    if (ncpus < 2) {
        lp_note("one CPU: the reschedule-IPI part is skipped");
        return;
    }
    /* S (20) spins on CPU 1; X (40) is created for CPU 1 from CPU 0. X must
       start before CPU 1's next timer tick, which only the reschedule IPI
       of sched_resched can do (hz=10: the next tick is 100 ms away). */
    cpu1_stop = 0;
    int s = thread_create_priority("S", cpu1_spinner, 0, 1ull << 1, 20);
    KT_ASSERT_GT(s, 0);
    struct thread snap;
    for (int i = 0;; i++) {
        KT_ASSERT_EQ(thread_snapshot(s, &snap), 0);
        if (snap.state == THREAD_RUNNING)
            break;
        KT_ASSERT_LT(i, 100);
        thread_sleep_ticks(1);
    }
    uint64_t seen = __atomic_load_n(&cpus[1].ticks, __ATOMIC_ACQUIRE);
    uint64_t limit = timer_ticks() + 5;
    while (__atomic_load_n(&cpus[1].ticks, __ATOMIC_ACQUIRE) == seen && timer_ticks() < limit)
        cpu_relax();
    uint64_t ticks_before = __atomic_load_n(&cpus[1].ticks, __ATOMIC_ACQUIRE);
    int x = thread_create_priority("X", cpu1_high, 0, 1ull << 1, 40);
    KT_ASSERT_GT(x, 0);
    long stopped = 0;
    lp_join(x);
    KT_ASSERT_EQ(thread_join(s, &stopped), 0);
    lp_note("CPU 1: X (40) started %lu tick(s) of CPU 1 after it was created; S (20) %s",
            (unsigned long)(cpu1_ticks_at_start - ticks_before),
            stopped ? "was preempted" : "was never preempted");
    KT_ASSERT_EQ(stopped, 1);
    KT_ASSERT_EQ(cpu1_ticks_at_start, ticks_before);
}

KTEST(test_priority_preempt, "priority-preempt", .args = "sched=prio hz=10", .timeout = 90)
{
    lp_begin();
    high_woke = 0;
    int h = lp_spawn("H", preempt_high, 0, 40);
    lp_event("M1 main (31) runs while H sleeps, and spins for at most %d ticks", PREEMPT_SPIN_TICKS);
    lp_spin_until(&high_woke, timer_ticks() + PREEMPT_SPIN_TICKS);
    lp_event("M2 main stops spinning");
    lp_join(h);
    int l = lp_spawn("L", preempt_low, 0, 20);
    lp_event("M3 main goes on: thread L was created at 20");
    thread_yield();
    lp_event("M4 main yielded but kept the CPU: L is below it");
    lp_join(l);
    LP_EXPECT("H1 M1 H2 M2 M3 M4 L1");
    /* Woken in the timer interrupt of its tick, it ran in that same tick. */
    KT_ASSERT_LE(high_woke_tick, high_wake_target + 1);
    preempt_other_cpu();
}

/* --- priority-fifo: equals take turns, in order, by yield and by tick ---- */

#define FIFO_THREADS 8
#define FIFO_ROUNDS 4
#define SLICE_THREADS 4
#define SLICE_TICKS 40
static volatile int fifo_done;
static volatile uint64_t slice_deadline;
static struct sched_event fifo_events[SCHED_EVENTS];

static long fifo_yielder(void *arg)
{
    (void)arg;
    for (int r = 0; r < FIFO_ROUNDS; r++)
        thread_yield();
    __atomic_add_fetch(&fifo_done, 1, __ATOMIC_SEQ_CST);
    return 0;
}

static long fifo_spinner(void *arg)
{
    (void)arg;
    while (timer_ticks() < slice_deadline)
        cpu_relax();
    __atomic_add_fetch(&fifo_done, 1, __ATOMIC_SEQ_CST);
    return 0;
}

static long fifo_lower(void *arg)
{
    int expect = (int)(long)arg;
    lp_event("L thread L (35) runs after all the threads of priority 40 ended (%d of %d)",
             __atomic_load_n(&fifo_done, __ATOMIC_SEQ_CST), expect);
    return __atomic_load_n(&fifo_done, __ATOMIC_SEQ_CST) == expect;
}

/* From the scheduler's event record: the order in which the threads tids[]
   got the CPU (as indexes into tids); returns how many, and counts in
   *preempted the switches away from them by preemption. */
static int switch_order(const int *tids, int n, uint64_t after, int *order, int max,
                        int *preempted)
{
    int count = sched_events_since(after, fifo_events, SCHED_EVENTS);
    int len = 0;
    *preempted = 0;
    for (int i = 0; i < count; i++) {
        if (fifo_events[i].kind != SCHED_EV_SWITCH)
            continue;
        for (int k = 0; k < n; k++) {
            if (fifo_events[i].to == tids[k] && len < max)
                order[len++] = k;
            if (fifo_events[i].from == tids[k] && fifo_events[i].reason == SWITCH_PREEMPT)
                (*preempted)++;
        }
    }
    return len;
}

/* Equal threads created in the order 0..n-1 must get the CPU in round
   robin: 0, 1, ..., n-1, 0, 1, ...; a thread that has exited drops out of
   the circle (it has no turns after its last one). A thread that yields
   or uses up its slice goes to the back, so either way the circle holds. */
static void check_round_robin(const char *what, const int *order, int len, int n, int min_len)
{
    lp_note("%s: %d turns among %d threads of priority 40", what, len, n);
    KT_ASSERT_GE(len, min_len);
    int last[FIFO_THREADS];
    for (int k = 0; k < n; k++)
        last[k] = -1;
    for (int i = 0; i < len; i++)
        last[order[i]] = i;
    KT_ASSERT_EQ(order[0], 0);
    for (int i = 0; i + 1 < len; i++) {
        int want = -1;
        for (int k = 1; k <= n && want < 0; k++)
            if (last[(order[i] + k) % n] > i)
                want = (order[i] + k) % n;
        if (order[i + 1] != want)
            ktest_fail(__FILE__, __LINE__, "%s: turn %d went to thread %d; in round robin after "
                       "thread %d it is thread %d's", what, i + 1, order[i + 1], order[i], want);
    }
}

static void run_equals(const char *what, thread_fn fn, int n, int min_turns)
{
    int tids[FIFO_THREADS];
    static int order[SCHED_EVENTS];
    fifo_done = 0;
    lp_begin();
    /* Created while main is above them, so that all exist before any runs. */
    thread_set_priority(0, 50);
    for (int i = 0; i < n; i++)
        tids[i] = lp_spawn("equal", fn, 0, 40);
    int low = lp_spawn("L", fifo_lower, (void *)(long)n, 35);
    uint64_t first = sched_events_last();
    thread_set_priority(0, 30);
    lp_event("M main (30) runs again, after all of them");
    for (int i = 0; i < n; i++)
        lp_join(tids[i]);
    long low_ok = 0;
    KT_ASSERT_EQ(thread_join(low, &low_ok), 0);
    int preempted;
    int len = switch_order(tids, n, first, order, SCHED_EVENTS, &preempted);
    LP_EXPECT("L M");
    KT_ASSERT_EQ(low_ok, 1);
    check_round_robin(what, order, len, n, min_turns);
    if (fn == fifo_spinner) {
        lp_note("%s: %d preemptions at the end of a time slice", what, preempted);
        KT_ASSERT_GE(preempted, min_turns - n);
    }
}

KTEST(test_priority_fifo, "priority-fifo", .args = "sched=prio quantum=1 hz=100")
{
    /* Each yields FIFO_ROUNDS times: at least n * (rounds + 1) turns. */
    run_equals("by yield", fifo_yielder, FIFO_THREADS, FIFO_THREADS * (FIFO_ROUNDS + 1));
    /* CPU-bound until a tick: the timer gives them turns of one tick. */
    slice_deadline = timer_ticks() + SLICE_TICKS;
    run_equals("by time slice", fifo_spinner, SLICE_THREADS, 3 * SLICE_THREADS);
}

/* --- priority-sema: sema_up wakes the waiter of highest priority -------- */

#define WAITERS 6
static const int waiter_priorities[WAITERS] = { 34, 38, 32, 40, 36, 33 };
static struct semaphore order_sema;

static long sema_waiter(void *arg)
{
    int p = (int)(long)arg;
    lp_event("D%d thread of priority %d waits on the semaphore", p, p);
    sema_down(&order_sema);
    lp_event("U%d thread of priority %d woken: it runs before main", p, p);
    return 0;
}

KTEST(test_priority_sema, "priority-sema", .args = "sched=prio")
{
    lp_begin();
    sema_init(&order_sema, 0, "priority-sema");
    int tids[WAITERS];
    for (int i = 0; i < WAITERS; i++)
        tids[i] = lp_spawn("waiter", sema_waiter, (void *)(long)waiter_priorities[i],
                           waiter_priorities[i]);
    for (int i = 0; i < WAITERS; i++) {
        lp_event("M main calls sema_up");
        sema_up(&order_sema);
    }
    for (int i = 0; i < WAITERS; i++)
        lp_join(tids[i]);
    LP_EXPECT("D34 D38 D32 D40 D36 D33 M U40 M U38 M U36 M U34 M U33 M U32");
}

/* --- priority-condvar: cond_signal wakes the waiter of highest priority -- */

static struct mutex cv_mutex;
static struct condvar cv_cond;
static int cv_tokens;

static long cond_waiter(void *arg)
{
    int p = (int)(long)arg;
    mutex_lock(&cv_mutex);
    lp_event("D%d thread of priority %d waits on the condition variable", p, p);
    while (cv_tokens == 0)
        cond_wait(&cv_cond, &cv_mutex);
    cv_tokens--;
    lp_event("U%d thread of priority %d signalled: it runs before main", p, p);
    mutex_unlock(&cv_mutex);
    return 0;
}

KTEST(test_priority_condvar, "priority-condvar", .args = "sched=prio")
{
    lp_begin();
    mutex_init(&cv_mutex, "priority-condvar");
    cond_init(&cv_cond, "priority-condvar");
    cv_tokens = 0;
    int tids[WAITERS];
    for (int i = 0; i < WAITERS; i++)
        tids[i] = lp_spawn("waiter", cond_waiter, (void *)(long)waiter_priorities[i],
                           waiter_priorities[i]);
    for (int i = 0; i < WAITERS; i++) {
        mutex_lock(&cv_mutex);
        cv_tokens++;
        lp_event("M main signals the condition");
        cond_signal(&cv_cond);
        mutex_unlock(&cv_mutex);
    }
    for (int i = 0; i < WAITERS; i++)
        lp_join(tids[i]);
    LP_EXPECT("D34 D38 D32 D40 D36 D33 M U40 M U38 M U36 M U34 M U33 M U32");
}
