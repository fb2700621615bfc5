/* Multiprocessor tests of the scheduler: threads on every CPU, a contended
   spinlock, TLB shootdown, reschedule IPIs, affinity, and a stress mix. */
#include "kernel/ktest.h"
#include "kernel/thread.h"
#include "kernel/time.h"
#include "kernel/spinlock.h"
#include "kernel/sched/sched.h"
#include "kernel/sync/mutex.h"
#include "kernel/sync/semaphore.h"
#include "kernel/mm/vmap.h"
#include "kernel/mm/pmm.h"
#include "kernel/mm/kheap.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/x86.h"
#include "lib/errno.h"

static uint64_t all_cpus_mask(void)
{
    return ncpus == 64 ? ~0ull : (1ull << ncpus) - 1;
}

/* --- smp-all-cpus-run: eight CPU-bound threads are seen on every CPU ------ */
static volatile uint64_t seen_cpus;
static volatile int seen_stop;

static long note_cpus(void *arg)
{
    (void)arg;
    while (!seen_stop) {
        __atomic_fetch_or(&seen_cpus, 1ull << this_cpu()->id, __ATOMIC_RELAXED);
        cpu_relax();
    }
    return 0;
}

KTEST(test_smp_all_cpus_run, "smp-all-cpus-run")
{
    int tids[8];
    for (int i = 0; i < 8; i++)
        tids[i] = thread_create("busy", note_cpus, 0);
    /* Event-driven: wait (sleeping) until every CPU has run one of them. */
    while (seen_cpus != all_cpus_mask())
        thread_sleep_ticks(1);
    seen_stop = 1;
    for (int i = 0; i < 8; i++)
        KT_ASSERT_EQ(thread_join(tids[i], 0), 0);
    KT_ASSERT_EQ(seen_cpus, all_cpus_mask());
}

/* --- smp-spinlock-contend: 4 CPUs x 1,000,000 increments, exact ----------- */
#define CONTEND_ITERS 1000000
static struct spinlock contended = SPINLOCK_INIT("contended");
static volatile long contended_count;
static volatile int contend_ready;

__attribute__((noinline)) static long plus_one(long v)
{
    __asm__ volatile("" ::: "memory");
    return v + 1;
}

static long contend(void *arg)
{
    (void)arg;
    /* Start together, each on its own CPU, so that the lock is fought over. */
    __atomic_add_fetch(&contend_ready, 1, __ATOMIC_SEQ_CST);
    while (contend_ready < 4)
        cpu_relax();
    for (int i = 0; i < CONTEND_ITERS; i++) {
        spin_lock(&contended);
        contended_count = plus_one(contended_count);   /* load, call, store */
        spin_unlock(&contended);
    }
    return 0;
}

KTEST(test_smp_spinlock_contend, "smp-spinlock-contend", .min_cpus = 4, .timeout = 120)
{
    int tids[4];
    for (int i = 0; i < 4; i++)
        tids[i] = thread_create_on("contender", contend, 0, 1ull << i);
    for (int i = 0; i < 4; i++)
        KT_ASSERT_EQ(thread_join(tids[i], 0), 0);
    KT_ASSERT_EQ(contended_count, 4L * CONTEND_ITERS);
}

/* --- smp-tlb-shootdown ---------------------------------------------------- */
/* A reader on CPU 1 keeps reading a page; the test, on CPU 0, frees it. Once
   vmap_free has returned, the reader's next read must fault (the test
   passes by that panic), never succeed from a stale TLB entry. */
static volatile uint64_t *shared_page;
static volatile uint64_t reads;
static volatile int unmapped;

static long tlb_reader(void *arg)
{
    (void)arg;
    volatile uint64_t *page = shared_page;
    for (;;) {
        int was_unmapped = unmapped;    /* before the read: */
        uint64_t v = *page;             /* faults once the unmap is complete */
        if (was_unmapped)
            ktest_fail(__FILE__, __LINE__, "read 0x%lx from a page unmapped on another CPU", v);
        if (v != 0x5eed)
            ktest_fail(__FILE__, __LINE__, "read 0x%lx, expected 0x5eed", v);
        reads = reads + 1;
    }
    return 0;
}

KTEST(test_smp_tlb_shootdown, "smp-tlb-shootdown", .min_cpus = 2,
      .expect_panic = "#PF page fault in kernel mode", .panic_in = "tlb_reader")
{
    KT_ASSERT_EQ(thread_set_affinity(0, 1), 0);
    shared_page = vmap_alloc(1);
    KT_ASSERT(shared_page);
    *shared_page = 0x5eed;
    thread_create_on("tlb-reader", tlb_reader, 0, 2);
    while (reads < 1000)                /* it is reading, through its TLB */
        cpu_relax();
    vmap_free((void *)shared_page, 1);
    unmapped = 1;
    /* The reader now faults: that panic ends the test. Give it time. */
    uint64_t until = timer_ticks() + 100;
    while (timer_ticks() < until)
        thread_sleep_ticks(1);
    ktest_fail(__FILE__, __LINE__, "the reader kept reading an unmapped page");
}

/* --- smp-ipi-wakeup: a thread woken on an idle CPU runs before its tick ---- */
static struct semaphore wakeup_sema;
static volatile uint64_t woke_ticks_cpu1;

static long wait_for_wakeup(void *arg)
{
    (void)arg;
    sema_down(&wakeup_sema);
    woke_ticks_cpu1 = this_cpu()->ticks;
    return this_cpu()->id;
}

KTEST(test_smp_ipi_wakeup, "smp-ipi-wakeup", .min_cpus = 2, .args = "hz=10 idlepoll=0")
{
    KT_ASSERT_EQ(thread_set_affinity(0, 1), 0);
    sema_init(&wakeup_sema, 0, "wakeup");
    int tid = thread_create_on("sleeper", wait_for_wakeup, 0, 2);
    struct thread snap;
    do {
        thread_sleep_ticks(1);
        KT_ASSERT_EQ(thread_snapshot(tid, &snap), 0);
    } while (snap.state != THREAD_BLOCKED);
    /* CPU 1 is idle now, halted until an interrupt (idlepoll=0: no polling
       first, so the wake-up needs the IPI). Wake the thread just
       after one of CPU 1's own timer ticks: its next one is then 100 ms
       away (hz=10), and the wake-up must not wait for it. */
    uint64_t seen = __atomic_load_n(&cpus[1].ticks, __ATOMIC_ACQUIRE);
    while (__atomic_load_n(&cpus[1].ticks, __ATOMIC_ACQUIRE) == seen)
        cpu_relax();
    uint64_t ticks_before = __atomic_load_n(&cpus[1].ticks, __ATOMIC_ACQUIRE);
    sema_up(&wakeup_sema);
    long cpu;
    KT_ASSERT_EQ(thread_join(tid, &cpu), 0);
    KT_ASSERT_EQ(cpu, 1);
    KT_ASSERT_EQ(woke_ticks_cpu1, ticks_before);
}

/* --- smp-affinity ---------------------------------------------------------- */
static struct semaphore pinned_go;
static volatile int pinned_elsewhere;

static long stay_pinned(void *arg)
{
    (void)arg;
    sema_down(&pinned_go);
    for (int i = 0; i < 200; i++) {
        if (this_cpu()->id != 2)
            pinned_elsewhere++;
        if (i % 20 == 0)
            thread_sleep_ticks(1);      /* wake-ups must go back to CPU 2 */
        else
            thread_yield();
    }
    return 0;
}

KTEST(test_smp_affinity, "smp-affinity", .min_cpus = 4, .args = "hz=1000")
{
    sema_init(&pinned_go, 0, "pinned-go");
    int tid = thread_create("pinned", stay_pinned, 0);
    KT_ASSERT_EQ(thread_set_affinity(tid, 0), -EINVAL);                 /* no CPU */
    KT_ASSERT_EQ(thread_set_affinity(tid, 1ull << ncpus), -EINVAL);     /* offline */
    KT_ASSERT_EQ(thread_set_affinity(987654, 1ull << 2), -ESRCH);
    KT_ASSERT_EQ(thread_set_affinity(tid, 1ull << 2), 0);
    uint64_t mask = 0;
    KT_ASSERT_EQ(thread_get_affinity(tid, &mask), 0);
    KT_ASSERT_EQ(mask, 1ull << 2);
    /* Busy threads everywhere give the balancer reasons to move it. */
    int busy[4];
    seen_stop = 0;
    for (int i = 0; i < 4; i++)
        busy[i] = thread_create("busy", note_cpus, 0);
    uint64_t first = sched_events_last();
    sema_up(&pinned_go);
    KT_ASSERT_EQ(thread_join(tid, 0), 0);
    seen_stop = 1;
    for (int i = 0; i < 4; i++)
        KT_ASSERT_EQ(thread_join(busy[i], 0), 0);
    KT_ASSERT_EQ(pinned_elsewhere, 0);
    /* And the scheduler's record agrees: it was only ever switched to on CPU 2. */
    static struct sched_event ev[SCHED_EVENTS];
    int n = sched_events_since(first, ev, SCHED_EVENTS);
    int on2 = 0;
    for (int i = 0; i < n; i++) {
        if (ev[i].kind == SCHED_EV_SWITCH && ev[i].to == tid) {
            KT_ASSERT_EQ(ev[i].cpu, 2);
            on2++;
        }
    }
    KT_ASSERT_GT(on2, 10);
}

/* --- smp-stress: 64 threads x 10,000 mixed operations ----------------------- */
#define STRESS_THREADS 64
#define STRESS_OPS 10000
static struct mutex stress_mutex;
static struct spinlock stress_spin = SPINLOCK_INIT("stress");
static volatile long stress_mutex_count, stress_spin_count, stress_children;

static long stress_child(void *arg)
{
    __atomic_add_fetch(&stress_children, 1, __ATOMIC_RELAXED);
    return (long)arg + 1;
}

static long stress_worker(void *arg)
{
    long id = (long)arg;
    for (int op = 0; op < STRESS_OPS; op++) {
        switch (op % 4) {
        case 0:
            mutex_lock(&stress_mutex);
            stress_mutex_count = plus_one(stress_mutex_count);
            mutex_unlock(&stress_mutex);
            break;
        case 1:
            spin_lock(&stress_spin);
            stress_spin_count = plus_one(stress_spin_count);
            spin_unlock(&stress_spin);
            break;
        case 2:
            if (op % 100 == 2) {        /* every 100th: create and join */
                long v = 0;
                int tid = thread_create("child", stress_child, (void *)(long)op);
                if (tid < 0 || thread_join(tid, &v) != 0 || v != op + 1)
                    return -1;
            }
            break;
        case 3:
            if (op % 500 == 3)
                thread_sleep_ticks(1 + id % 3);
            else
                thread_yield();
            break;
        }
    }
    return id;
}

KTEST(test_smp_stress, "smp-stress", .min_cpus = 4, .args = "hz=1000", .timeout = 240)
{
    kheap_trim();
    uint64_t free_before = pmm_free_count();
    int threads_before = thread_count();
    mutex_init(&stress_mutex, "stress");
    int tids[STRESS_THREADS];
    for (int i = 0; i < STRESS_THREADS; i++) {
        tids[i] = thread_create("stress", stress_worker, (void *)(long)i);
        KT_ASSERT_GT(tids[i], 0);
    }
    for (int i = 0; i < STRESS_THREADS; i++) {
        long v = -2;
        KT_ASSERT_EQ(thread_join(tids[i], &v), 0);
        KT_ASSERT_EQ(v, i);
    }
    KT_ASSERT_EQ(stress_mutex_count, (long)STRESS_THREADS * (STRESS_OPS / 4));
    KT_ASSERT_EQ(stress_spin_count, (long)STRESS_THREADS * (STRESS_OPS / 4));
    KT_ASSERT_EQ(stress_children, (long)STRESS_THREADS * (STRESS_OPS / 100));
    KT_ASSERT_EQ(thread_count(), threads_before);
    thread_reap_all();
    kheap_trim();
    KT_ASSERT_EQ(pmm_free_count(), free_before);
}
