/* Kernel-thread benchmarks for `make bench`: create+join latency, the cost
   of a yield switch between two threads, and with 10 and 1,000 runnable. */
#include "kernel/ktest.h"
#include "kernel/thread.h"
#include "kernel/time.h"

static long nothing(void *arg)
{
    return (long)arg;
}

/* Median of n values (sorts them in place; n is small). */
static uint64_t median(uint64_t *v, int n)
{
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && v[j] < v[j - 1]; j--) {
            uint64_t t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
    return v[n / 2];
}

#define ROUNDS 5

/* Nanoseconds per create+join pair, in thousandths. */
static uint64_t create_join_milli_ns(int pairs)
{
    uint64_t start = clock_ns();
    for (int i = 0; i < pairs; i++) {
        int tid = thread_create_on("bench", nothing, 0, 1);
        KT_ASSERT_GT(tid, 0);
        KT_ASSERT_EQ(thread_join(tid, 0), 0);
    }
    return (clock_ns() - start) * 1000 / (uint64_t)pairs;
}

static volatile int yielders_go;
static int yields_each;
static volatile int yielders_done;
static volatile uint64_t last_done_ns;

static long yielder(void *arg)
{
    (void)arg;
    while (!yielders_go)
        thread_yield();
    for (int i = 0; i < yields_each; i++)
        thread_yield();
    /* The last one to finish stops the clock: the main thread's waiting
       must not be part of what is measured. */
    if (__atomic_add_fetch(&yielders_done, 1, __ATOMIC_SEQ_CST) == yielders_go)
        last_done_ns = clock_ns();
    return 0;
}

/* Nanoseconds (in thousandths) per switch with n threads yielding in turn. */
static uint64_t yield_milli_ns(int n, int total_yields)
{
    static int tids[1000];
    yields_each = total_yields / n;
    yielders_go = 0;
    yielders_done = 0;
    for (int i = 0; i < n; i++) {
        tids[i] = thread_create_on("yielder", yielder, 0, 1);
        KT_ASSERT_GT(tids[i], 0);
    }
    thread_yield();                         /* let them all reach the loop */
    uint64_t switches_before = 0, switches_after = 0;
    struct thread snap;
    for (int i = 0; i < n; i++)
        if (thread_snapshot(tids[i], &snap) == 0)
            switches_before += snap.voluntary_switches;
    uint64_t start = clock_ns();
    yielders_go = n;
    /* Wait without taking part: the main thread sleeps. */
    while (yielders_done < n)
        thread_sleep_ticks(1);
    uint64_t elapsed = last_done_ns - start;
    for (int i = 0; i < n; i++) {
        KT_ASSERT_EQ(thread_snapshot(tids[i], &snap), 0);
        switches_after += snap.voluntary_switches;
        KT_ASSERT_EQ(thread_join(tids[i], 0), 0);
    }
    uint64_t switches = switches_after - switches_before;
    KT_ASSERT_GT(switches, 0);
    return elapsed * 1000 / switches;
}

KTEST(bench_kthreads, "bench-kthreads", .benchmark = 1, .exclusive = 1, .timeout = 300)
{
    /* Switch costs on one CPU: everything here runs on CPU 0. */
    KT_ASSERT_EQ(thread_set_affinity(0, 1), 0);
    uint64_t v[ROUNDS];
    for (int r = 0; r < ROUNDS; r++)
        v[r] = create_join_milli_ns(500);
    ktest_metric("kthread_create_join", median(v, ROUNDS) / 1000, "us");
    for (int r = 0; r < ROUNDS; r++)
        v[r] = yield_milli_ns(2, 20000);
    ktest_metric("kthread_ctxsw_yield", median(v, ROUNDS), "ns");
    for (int r = 0; r < ROUNDS; r++)
        v[r] = yield_milli_ns(10, 20000);
    uint64_t ten = median(v, ROUNDS);
    ktest_metric("kthread_ctxsw_yield_10", ten, "ns");
    for (int r = 0; r < ROUNDS; r++)
        v[r] = yield_milli_ns(1000, 20000);
    uint64_t thousand = median(v, ROUNDS);
    ktest_metric("kthread_ctxsw_yield_1000", thousand, "ns");
    /* pick_next must not scan the run queue: this ratio stays near 1. */
    ktest_metric("kthread_ctxsw_1000_vs_10", thousand * 1000 / ten, "ratio");
}
