/* Tests of the scheduler core and the rr and fifo policies, checked from
   the scheduler's own event record and thread statistics, not from timing. */
#include "kernel/ktest.h"
#include "kernel/thread.h"
#include "kernel/time.h"
#include "kernel/spinlock.h"
#include "kernel/sched/sched.h"
#include "arch/x86_64/x86.h"

static volatile int stop;

/* These tests watch how threads share ONE CPU: they and the test itself
   run on CPU 0 only, however many CPUs there are. */
#define CPU0 1ull

static void pin_self_to_cpu0(void)
{
    KT_ASSERT_EQ(thread_set_affinity(0, CPU0), 0);
}

static long spin_until_stop(void *arg)
{
    (void)arg;
    while (!stop)
        cpu_relax();
    return 0;
}

/* Sleeps until the threads have together run for at least ticks ticks. */
static void wait_until_run(const int *tids, int n, uint64_t ticks)
{
    for (;;) {
        uint64_t sum = 0;
        for (int i = 0; i < n; i++) {
            struct thread snap;
            KT_ASSERT_EQ(thread_snapshot(tids[i], &snap), 0);
            sum += snap.ticks_run;
        }
        if (sum >= ticks)
            return;
        thread_sleep_ticks(5);
    }
}

static void join_all(const int *tids, int n)
{
    for (int i = 0; i < n; i++)
        KT_ASSERT_EQ(thread_join(tids[i], 0), 0);
}

static int index_of(const int *tids, int n, int tid)
{
    for (int i = 0; i < n; i++)
        if (tids[i] == tid)
            return i;
    return -1;
}

static struct sched_event events[SCHED_EVENTS];

KTEST(test_rr_order, "rr-order", .args = "quantum=1 hz=1000")
{
    pin_self_to_cpu0();
    int tids[3];
    stop = 0;
    for (int i = 0; i < 3; i++)
        tids[i] = thread_create_on(i == 0 ? "A" : i == 1 ? "B" : "C", spin_until_stop, 0, CPU0);
    /* From here on all three exist; whatever order they are queued in, rr
       must keep cycling through it. */
    uint64_t first = sched_events_last();
    wait_until_run(tids, 3, 30);
    uint64_t last = sched_events_last();
    stop = 1;
    join_all(tids, 3);

    /* The order in which A, B and C got the CPU, from the event record
       (main may come in between: it sleeps and wakes, and is ignored). */
    int n = sched_events_since(first, events, SCHED_EVENTS);
    static int order[SCHED_EVENTS];
    int len = 0, preempts = 0;
    for (int i = 0; i < n && events[i].seq <= last; i++) {
        if (events[i].kind != SCHED_EV_SWITCH)
            continue;
        int to = index_of(tids, 3, events[i].to);
        if (to >= 0)
            order[len++] = to;
        if (index_of(tids, 3, events[i].from) >= 0 && events[i].reason == SWITCH_PREEMPT)
            preempts++;
    }
    KT_ASSERT_GE(len, 12);
    KT_ASSERT_GE(preempts, 10);
    /* Cyclic: each next one differs from the one before, and repeats the
       one three places back: A B C A B C ... */
    for (int i = 1; i < len; i++) {
        KT_ASSERT_NE(order[i], order[i - 1]);
        if (i >= 3)
            KT_ASSERT_EQ(order[i], order[i - 3]);
    }
}

KTEST(test_rr_fairness, "rr-fairness", .args = "hz=1000")
{
    pin_self_to_cpu0();
    int tids[4];
    stop = 0;
    for (int i = 0; i < 4; i++)
        tids[i] = thread_create_on("fair", spin_until_stop, 0, CPU0);
    wait_until_run(tids, 4, 200);
    stop = 1;
    uint64_t ticks[4], total = 0;
    for (int i = 0; i < 4; i++) {
        struct thread snap;
        KT_ASSERT_EQ(thread_snapshot(tids[i], &snap), 0);
        ticks[i] = snap.ticks_run;
        total += ticks[i];
    }
    join_all(tids, 4);
    KT_ASSERT_GE(total, 200);
    /* Each within 25% +- 5 percentage points: 20% <= share <= 30%. */
    for (int i = 0; i < 4; i++) {
        KT_ASSERT_GE(ticks[i] * 100, total * 20);
        KT_ASSERT_LE(ticks[i] * 100, total * 30);
    }
}

/* The fifo log: +A when A starts, -A when it ends. */
static struct spinlock log_lock = SPINLOCK_INIT("fifo-log");
static char fifo_log[16];
static int fifo_len;

static void log_char(char c)
{
    spin_lock(&log_lock);
    fifo_log[fifo_len++] = c;
    spin_unlock(&log_lock);
}

static long cpu_bound_logged(void *arg)
{
    char name = (char)(long)arg;
    log_char(name);
    /* Run through several timer ticks: under rr this would be preempted. */
    uint64_t until = timer_ticks() + 5;
    while (timer_ticks() < until)
        cpu_relax();
    log_char((char)(name + 32));            /* lower case: the end */
    return 0;
}

KTEST(test_fifo_order, "fifo-order", .args = "sched=fifo")
{
    pin_self_to_cpu0();
    int tids[3];
    fifo_len = 0;
    for (int i = 0; i < 3; i++)
        tids[i] = thread_create_on("fifo", cpu_bound_logged, (void *)(long)('A' + i), CPU0);
    join_all(tids, 3);
    fifo_log[fifo_len] = 0;
    /* Each ran to completion before the next started: AaBbCc. */
    KT_ASSERT_EQ(fifo_len, 6);
    const char *want = "AaBbCc";
    for (int i = 0; i < 6; i++)
        KT_ASSERT_EQ(fifo_log[i], want[i]);
}

static long spin_forever(void *arg)
{
    (void)arg;
    for (;;)
        cpu_relax();
    return 0;
}

KTEST(test_preempt_kernel_spin, "preempt-kernel-spin")
{
    pin_self_to_cpu0();
    int tid = thread_create_on("spinner", spin_forever, 0, CPU0);
    KT_ASSERT_GT(tid, 0);
    /* We get the CPU back only if the timer takes it from the spinner. */
    thread_sleep_ticks(3);
    thread_yield();
    struct thread snap;
    KT_ASSERT_EQ(thread_snapshot(tid, &snap), 0);
    KT_ASSERT_GE(snap.ticks_run, 1);
    KT_ASSERT_GE(snap.involuntary_switches, 1);
    /* The spinner still spins; powering off ends it. */
}

static struct spinlock held = SPINLOCK_INIT("preempt-test");
static volatile uint64_t locked_switches_before, locked_switches_after;
static volatile uint64_t locked_seq_before, locked_seq_after;

static long hold_spinlock(void *arg)
{
    (void)arg;
    struct thread *self = thread_current();
    spin_lock(&held);
    locked_switches_before = self->involuntary_switches;
    locked_seq_before = sched_events_last();
    /* Interrupts are off while a spinlock is held: spin for 20 tick
       periods of TSC time, during which rr would preempt us 20 times over. */
    uint64_t until = clock_ns() + 20 * (1000000000ull / (uint64_t)timer_hz());
    while (clock_ns() < until)
        cpu_relax();
    locked_seq_after = sched_events_last();
    locked_switches_after = self->involuntary_switches;
    spin_unlock(&held);
    /* Released: now the timer can and will preempt us (another thread
       is runnable), which shows preemption was wanted all along. */
    while (self->involuntary_switches == locked_switches_after)
        cpu_relax();
    return 0;
}

KTEST(test_preempt_spinlock_held, "preempt-spinlock-held", .args = "quantum=1 hz=1000")
{
    pin_self_to_cpu0();
    stop = 0;
    int holder = thread_create_on("holder", hold_spinlock, 0, CPU0);
    int rival = thread_create_on("rival", spin_until_stop, 0, CPU0);
    KT_ASSERT_EQ(thread_join(holder, 0), 0);
    stop = 1;
    KT_ASSERT_EQ(thread_join(rival, 0), 0);
    KT_ASSERT_EQ(locked_switches_after, locked_switches_before);
    /* And no switch at all on this CPU while the lock was held. */
    KT_ASSERT_EQ(locked_seq_after, locked_seq_before);
}

/* A workload for the trace test: every kind of switch happens. */
static long trace_worker(void *arg)
{
    long kind = (long)arg;
    if (kind == 0) {
        for (int i = 0; i < 5; i++)
            thread_yield();
    } else if (kind == 1) {
        for (int i = 0; i < 3; i++)
            thread_sleep_ticks(2);
    } else {
        uint64_t until = timer_ticks() + 10;  /* runs through slices: preempted */
        while (timer_ticks() < until)
            cpu_relax();
    }
    return kind;
}

KTEST(test_sched_trace, "sched-trace", .args = "trace=sched quantum=1 hz=1000")
{
    int tids[3];
    /* All on CPU 0, so that yields and preemptions have someone to switch
       to (on a CPU of its own a yielding thread just carries on). */
    pin_self_to_cpu0();
    for (int i = 0; i < 3; i++)
        tids[i] = thread_create_on("traced", trace_worker, (void *)(long)i, CPU0);
    join_all(tids, 3);
    /* tests/system.py checks the printed stream. */
}
