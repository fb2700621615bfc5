/* The harness of the lottery-stride lab's kernel tests: CPU-bound workers
   with given tickets on one CPU, started together, measured in timer ticks. */
#ifndef TESTS_KERNEL_LAB_TICKETS_H
#define TESTS_KERNEL_LAB_TICKETS_H

#include "kernel/ktest.h"
#include "kernel/thread.h"
#include "kernel/printk.h"
#include "kernel/spinlock.h"
#include "kernel/sched/sched.h"
#include "kernel/sched/lottery.h"
#include "lib/string.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/x86.h"

/*
 * How a run goes, and why it is deterministic:
 *
 *  1. The test's own thread (main) stays on CPU 0. The workers are pinned
 *     to the last CPU (CPU 0 too with one CPU), so they compete only with
 *     each other, under --smp 1 and --smp 4 alike.
 *  2. Each worker registers and blocks at once. When all have, main --
 *     in one critical section under sched_lock, so no tick can come in
 *     between -- records each worker's ticks_run (the base), optionally
 *     reseeds the lottery of the workers' CPU, wakes them in order and
 *     blocks itself. From then on only the workers use that CPU, and
 *     every pick is a function of the run queue and the draws alone.
 *  3. Each worker spins. With interrupts off (so the tick cannot split
 *     the bookkeeping) it adds up the ticks every worker has run since
 *     its base. When that reaches target, it records every worker's ticks
 *     and wakes main. (With a leader step, worker 0 alone checks, and may
 *     start a new phase instead: sleep, create a late thread, rebase.)
 *  4. main joins the workers and the test checks lab.ticks[] (and, for
 *     the order of turns, the scheduler's event record).
 *
 * The measure is timer ticks run (thread.ticks_run), counted by the
 * scheduler core -- never wall-clock time. With quantum=1 a tick is a quantum.
 * If the policy is a stub (a plain queue), the run still ends: some worker
 * always runs, so the ticks always add up to target.
 */

#define LAB_MAX 4

enum lab_kind {
    LAB_SPIN,               /* uses every tick of its quanta */
    LAB_YIELD_EACH_TICK,    /* yields as soon as it has run one tick */
};

struct lab {
    /* Set by the test before lab_run. */
    int n;                          /* workers started (more may join later) */
    int tickets[LAB_MAX];
    int kind[LAB_MAX];
    uint64_t target;                /* ticks, summed over the workers, that end the run */
    bool reseed;                    /* lottery: reseed the workers' CPU with seed */
    uint64_t seed;
    /* Phases before the last: while phases_left > 0, worker 0 alone
       watches target and, when it is reached, calls leader_step
       (interrupts on), which may sleep or add a worker, and sets the next
       phase's target; then every base is reset (lab_rebase) and the next
       phase begins. In the last phase any worker ends the run. */
    int phases_left;
    void (*leader_step)(void);

    /* Filled in by lab_run and the workers. */
    int cpu;                        /* where the workers run */
    struct thread *threads[LAB_MAX];
    int tids[LAB_MAX];
    uint64_t base[LAB_MAX];         /* ticks_run when the phase began */
    uint64_t ticks[LAB_MAX];        /* ticks run in the last phase */
    uint64_t start_event;           /* the scheduler's last event before the start */
    uint64_t end_event;             /* ... and its last event before the end */
    int ready;
    bool go, done;
    volatile bool stop;
    struct thread *main;
};

static struct lab lab;

/* Sets lab up for a run of n workers with the given tickets. */
static inline void lab_setup(int n, const int *tickets, uint64_t target)
{
    memset(&lab, 0, sizeof lab);
    lab.n = n;
    for (int i = 0; i < n; i++)
        lab.tickets[i] = tickets[i];
    lab.target = target;
}

/* Ticks run by the workers since their bases. Interrupts off. */
static inline uint64_t lab_measured(void)
{
    uint64_t sum = 0;
    for (int i = 0; i < LAB_MAX; i++)
        if (lab.threads[i])
            sum += lab.threads[i]->ticks_run - lab.base[i];
    return sum;
}

/* Starts a new phase: every worker's base becomes its ticks_run now.
   Interrupts off (all the workers share one CPU: a consistent snapshot). */
static inline void lab_rebase(void)
{
    for (int i = 0; i < LAB_MAX; i++)
        if (lab.threads[i])
            lab.base[i] = lab.threads[i]->ticks_run;
}

/* Records the result and wakes main. Interrupts off. */
static inline void lab_finish(void)
{
    for (int i = 0; i < LAB_MAX; i++)
        lab.ticks[i] = lab.threads[i] ? lab.threads[i]->ticks_run - lab.base[i] : 0;
    lab.stop = true;
    spin_lock(&sched_lock);
    lab.end_event = sched_events_last();
    lab.done = true;
    sched_wake_locked(lab.main);
    spin_unlock(&sched_lock);
}

static inline long lab_worker(void *arg)
{
    int me = (int)(long)arg;
    struct thread *self = thread_current();
    spin_lock(&sched_lock);
    lab.threads[me] = self;
    if (me < lab.n) {
        lab.ready++;
        while (!lab.go)
            sched_block(THREAD_BLOCKED, "lab-start", &sched_lock);
    }
    spin_unlock(&sched_lock);

    uint64_t seen = self->ticks_run;
    for (;;) {
        cpu_irq_push();
        if (lab.stop) {
            cpu_irq_pop();
            break;
        }
        bool reached = lab_measured() >= lab.target;
        bool last_phase = lab.phases_left == 0;
        if (reached && last_phase)
            lab_finish();
        cpu_irq_pop();
        if (reached && !last_phase && me == 0) {
            lab.leader_step();
            /* The next phase starts now, for everyone at once. */
            cpu_irq_push();
            lab_rebase();
            lab.phases_left--;
            cpu_irq_pop();
            continue;
        }
        if (lab.kind[me] == LAB_YIELD_EACH_TICK && self->ticks_run != seen) {
            seen = self->ticks_run;
            thread_yield();
        }
        cpu_relax();
    }
    return 0;
}

/* Starts worker `index` (a late joiner, index >= lab.n) running at once on
   lab.cpu with the given tickets. Returns its tid. */
static inline int lab_add_worker(int index, int tickets)
{
    int tid = thread_create_on("lab-late", lab_worker, (void *)(long)index, 1ull << lab.cpu);
    KT_ASSERT_GT(tid, 0);
    KT_ASSERT_EQ(thread_set_tickets(tid, tickets), TICKETS_DEFAULT);
    lab.tids[index] = tid;
    lab.tickets[index] = tickets;
    return tid;
}

/* Runs the workers as described at the top; returns when they are joined. */
static inline void lab_run(void)
{
    KT_ASSERT_EQ(thread_set_affinity(0, 1ull), 0);      /* main: CPU 0 */
    lab.cpu = ncpus - 1;
    for (int i = 0; i < lab.n; i++) {
        lab.tids[i] = thread_create_on("lab-worker", lab_worker, (void *)(long)i, 1ull << lab.cpu);
        KT_ASSERT_GT(lab.tids[i], 0);
        /* A new thread has TICKETS_DEFAULT, not its creator's (thread.h). */
        KT_ASSERT_EQ(thread_set_tickets(lab.tids[i], lab.tickets[i]), TICKETS_DEFAULT);
        KT_ASSERT_EQ(thread_get_tickets(lab.tids[i]), lab.tickets[i]);
    }
    for (;;) {
        spin_lock(&sched_lock);
        int ready = lab.ready;
        spin_unlock(&sched_lock);
        if (ready == lab.n)
            break;
        thread_sleep_ticks(1);
    }
    spin_lock(&sched_lock);
    if (lab.reseed)
        lottery_reseed(lab.cpu, lab.seed);
    lab.main = thread_current();
    lab.start_event = sched_events_last();
    lab_rebase();
    lab.go = true;
    for (int i = 0; i < lab.n; i++)
        KT_ASSERT(sched_wake_locked(lab.threads[i]));
    while (!lab.done)
        sched_block(THREAD_BLOCKED, "lab-run", &sched_lock);
    spin_unlock(&sched_lock);
    for (int i = 0; i < LAB_MAX; i++)
        if (lab.tids[i] > 0)
            KT_ASSERT_EQ(thread_join(lab.tids[i], 0), 0);
}

/* Total of lab.ticks[]. */
static inline uint64_t lab_total(void)
{
    uint64_t sum = 0;
    for (int i = 0; i < LAB_MAX; i++)
        sum += lab.ticks[i];
    return sum;
}

/* Checks that each worker's ticks are within tolerance_pct percentage
   points of its share of the tickets, printing one line per worker. */
static inline void lab_check_shares(const char *test, int tolerance_pct)
{
    uint64_t total = lab_total(), tickets = 0;
    for (int i = 0; i < LAB_MAX; i++)
        if (lab.tids[i] > 0)
            tickets += (uint64_t)lab.tickets[i];
    KT_ASSERT_GE(total, lab.target);
    for (int i = 0; i < LAB_MAX; i++) {
        if (lab.tids[i] <= 0)
            continue;
        uint64_t expected = total * (uint64_t)lab.tickets[i] / tickets;
        printk("%s: worker %d, %d tickets: %lu of %lu ticks (%lu.%lu%%), expected %lu "
               "(+- %d percentage points)\n",
               test, i, lab.tickets[i], lab.ticks[i], total, lab.ticks[i] * 100 / total,
               lab.ticks[i] * 1000 / total % 10, expected, tolerance_pct);
    }
    for (int i = 0; i < LAB_MAX; i++) {
        if (lab.tids[i] <= 0)
            continue;
        /* |ticks / total - tickets_i / tickets| <= tolerance / 100, in integers. */
        int64_t have = (int64_t)(lab.ticks[i] * 100 * tickets);
        int64_t want = (int64_t)(total * 100 * (uint64_t)lab.tickets[i]);
        int64_t slack = (int64_t)(total * tickets * (uint64_t)tolerance_pct);
        KT_ASSERT_LE(have, want + slack);
        KT_ASSERT_GE(have, want - slack);
    }
}

#endif
