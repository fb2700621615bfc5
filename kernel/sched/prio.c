/* Strict priorities (sched=prio): the runnable thread of highest effective
   priority runs; equals take turns, quantum= ticks each. Queues per CPU. */
#include "kernel/sched/policy.h"
#include "kernel/sched/sched.h"
#include "kernel/sched/thread_queue.h"
#include "kernel/cmdline.h"
#include "kernel/thread.h"
#include "kernel/panic.h"
#include "arch/x86_64/cpu.h"

/* LAB prio BEGIN: the prio policy: per-CPU queues by priority, O(levels) pick, preemption by priority */

/*
 * Each CPU has one FIFO queue per priority level and a bitmap of the
 * levels that are not empty, so picking is "highest set bit, pop its
 * queue": O(1) in the number of threads. A thread is queued at its
 * effective priority (t->priority, donations included), and remembers the
 * level in policy_data[0] so that it can be found again when its priority
 * changes while it waits.
 */
#define LEVELS (PRIORITY_MAX - PRIORITY_MIN + 1)
_Static_assert(PRIORITY_MIN == 0 && LEVELS <= 64, "one bit of a uint64_t per level");

struct prio_queue {
    struct thread_queue level[LEVELS];
    uint64_t nonempty;          /* bit p: level[p] has threads */
    int length;                 /* threads in all levels */
};

static struct prio_queue queues[MAX_CPUS];

#define QUEUED_LEVEL(t) ((t)->policy_data[0])

/* The highest level with a thread waiting on cpu, or -1 if none. */
static int highest_waiting(int cpu)
{
    uint64_t levels = queues[cpu].nonempty;
    return levels ? 63 - __builtin_clzll(levels) : -1;
}

static void put(int cpu, struct thread *t, bool at_front)
{
    struct prio_queue *q = &queues[cpu];
    int p = t->priority;
    ASSERT(p >= PRIORITY_MIN && p <= PRIORITY_MAX);
    if (at_front)
        thread_queue_push_front(&q->level[p], t);
    else
        thread_queue_push_back(&q->level[p], t);
    q->nonempty |= 1ull << p;
    q->length++;
    QUEUED_LEVEL(t) = (uint64_t)p;
}

/* Bookkeeping after a thread left level p of cpu's queue. */
static void left_level(struct prio_queue *q, int p)
{
    if (q->level[p].length == 0)
        q->nonempty &= ~(1ull << p);
    q->length--;
}

static void take_out(int cpu, struct thread *t)
{
    struct prio_queue *q = &queues[cpu];
    int p = (int)QUEUED_LEVEL(t);
    int before = q->level[p].length;
    thread_queue_remove(&q->level[p], t);
    ASSERT(q->level[p].length == before - 1);  /* it was there */
    left_level(q, p);
}

static void prio_init(void)
{
    for (int cpu = 0; cpu < MAX_CPUS; cpu++)
        for (int p = 0; p < LEVELS; p++)
            thread_queue_init(&queues[cpu].level[p]);
}

static void prio_enqueue(int cpu, struct thread *t, enum enqueue_reason why)
{
    /* Taken off the CPU by a better thread before its slice ended: it keeps
       its place at the front of its level and the rest of its slice.
       Otherwise (new, woken, yielded, slice used up) it goes to the back
       with a fresh slice: round robin among equals. */
    bool keep_place = why == ENQUEUE_PREEMPT && t->time_slice > 0;
    if (!keep_place)
        t->time_slice = boot_params.quantum;
    put(cpu, t, keep_place);
}

static void prio_dequeue(int cpu, struct thread *t)
{
    take_out(cpu, t);
}

static struct thread *prio_pick_next(int cpu)
{
    int p = highest_waiting(cpu);
    if (p < 0)
        return 0;
    struct prio_queue *q = &queues[cpu];
    struct thread *t = thread_queue_pop(&q->level[p]);
    left_level(q, p);
    return t;
}

static bool prio_tick(int cpu, struct thread *t)
{
    int best = highest_waiting(cpu);
    if (best > t->priority)
        return true;                    /* a better thread waits: give way now */
    if (--t->time_slice > 0)
        return false;
    if (best == t->priority)
        return true;                    /* slice used up, an equal waits: its turn */
    t->time_slice = boot_params.quantum;    /* alone at the top: carry on */
    return false;
}

static bool prio_should_preempt(int cpu, struct thread *running, struct thread *woken)
{
    (void)cpu;
    return woken->priority > running->priority;
}

static void prio_priority_changed(int cpu, struct thread *t, int old_priority)
{
    (void)old_priority;
    if (cpu < 0)
        return;                         /* never queued anywhere yet */
    if (t->state == THREAD_RUNNABLE && (int)QUEUED_LEVEL(t) != t->priority) {
        take_out(cpu, t);               /* move it to its new level */
        put(cpu, t, false);
    }
    /* Whether t rose above the running thread, or t runs and fell below a
       waiting one: the CPU should switch (an IPI if it is another CPU). */
    struct thread *running = cpus[cpu].current;
    if (running && !running->is_idle && highest_waiting(cpu) > running->priority)
        sched_resched(cpu);
}

static int prio_queue_length(int cpu)
{
    return queues[cpu].length;
}

static struct thread *prio_steal(int from_cpu, int to_cpu)
{
    /* The best thread that may run on to_cpu: levels from the top. */
    struct prio_queue *q = &queues[from_cpu];
    uint64_t levels = q->nonempty;
    while (levels) {
        int p = 63 - __builtin_clzll(levels);
        struct thread *t = thread_queue_steal(&q->level[p], to_cpu);
        if (t) {
            left_level(q, p);
            return t;
        }
        levels &= ~(1ull << p);
    }
    return 0;
}

/* LAB prio STUB
static struct thread_queue queue[MAX_CPUS];

static void prio_init(void)
{
    for (int i = 0; i < MAX_CPUS; i++)
        thread_queue_init(&queue[i]);
}

static void prio_enqueue(int cpu, struct thread *t, enum enqueue_reason why)
{
    if (why == ENQUEUE_PREEMPT)
        thread_queue_push_front(&queue[cpu], t);
    else
        thread_queue_push_back(&queue[cpu], t);
}

static void prio_dequeue(int cpu, struct thread *t)
{
    thread_queue_remove(&queue[cpu], t);
}

static struct thread *prio_pick_next(int cpu)
{
    return thread_queue_pop(&queue[cpu]);
}

static bool prio_tick(int cpu, struct thread *t)
{
    (void)cpu;
    (void)t;
    return false;
}

static bool prio_should_preempt(int cpu, struct thread *running, struct thread *woken)
{
    (void)cpu;
    (void)running;
    (void)woken;
    return false;
}

static void prio_priority_changed(int cpu, struct thread *t, int old_priority)
{
    (void)cpu;
    (void)t;
    (void)old_priority;
}

static int prio_queue_length(int cpu)
{
    return queue[cpu].length;
}

static struct thread *prio_steal(int from_cpu, int to_cpu)
{
    return thread_queue_steal(&queue[from_cpu], to_cpu);
}
*/
/* LAB prio END */

const struct sched_policy sched_policy_prio = {
    .name = "prio",
    .description = "strict priorities 0-63 (higher first), round robin among equals, donation",
    .init = prio_init,
    .enqueue = prio_enqueue,
    .dequeue = prio_dequeue,
    .pick_next = prio_pick_next,
    .tick = prio_tick,
    .should_preempt = prio_should_preempt,
    .priority_changed = prio_priority_changed,
    .queue_length = prio_queue_length,
    .steal = prio_steal,
};
