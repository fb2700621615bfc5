/* The 4.4BSD-style multilevel feedback queue (sched=mlfq): 64 priority levels
   per CPU, priorities computed from nice, recent CPU use and the load average. */
#include "kernel/sched/mlfq.h"
#include "kernel/sched/policy.h"
#include "kernel/sched/sched.h"
#include "kernel/sched/thread_queue.h"
#include "kernel/sched/fixed_point.h"
#include "kernel/thread.h"
#include "kernel/time.h"
#include "kernel/cmdline.h"
#include "kernel/panic.h"
#include "arch/x86_64/cpu.h"

/*
 * docs/labs/mlfq.md has every formula and the schedule on which they are
 * applied; in short:
 *
 *   priority   = PRIORITY_MAX - recent_cpu / 4 - 2 * nice, rounded down
 *                and clamped to PRIORITY_MIN..PRIORITY_MAX: for a queued
 *                thread whenever it is queued, for the running thread on
 *                every 4th tick of its CPU, for every thread once a second;
 *   recent_cpu += 1 on every tick for the running thread (on whichever CPU);
 *   once a second (every hz ticks of CPU 0's count), first
 *   load_avg   = (59/60) * load_avg + (1/60) * ready_threads, then for
 *                every thread
 *   recent_cpu = (2 * load_avg) / (2 * load_avg + 1) * recent_cpu + nice.
 *
 * On SMP there is one load average for the machine: ready_threads counts
 * the running and the queued threads of every CPU, and CPU 0's tick does
 * the update. Every CPU charges the thread it runs.
 *
 * Per-thread state lives in t->policy_data[] (slots below); the thread's
 * priority is t->priority, so the Ctrl-P dump and thread_get_priority show it.
 */
enum {
    SLOT_RECENT_CPU,            /* struct fixed, raw */
    SLOT_LEVEL,                 /* the level it is queued at, while queued */
};

/* The run queues: one FIFO per priority level per CPU, and how many
   threads each CPU has queued in all (queue_length). */
static struct thread_queue queues[MAX_CPUS][MLFQ_LEVELS];
static int queued[MAX_CPUS];

/* The machine's load average, and the count of per-second updates. */
static struct fixed load_avg;
static uint64_t seconds;

/* The record of per-second updates, for tests (mlfq_history). */
static struct mlfq_second history[MLFQ_HISTORY];
static int watched_tid;

/* ---- Per-thread fields ------------------------------------------------ */

static struct fixed recent_cpu(const struct thread *t)
{
    return fixed_from_raw((int32_t)t->policy_data[SLOT_RECENT_CPU]);
}

static void set_recent_cpu(struct thread *t, struct fixed value)
{
    t->policy_data[SLOT_RECENT_CPU] = (uint64_t)(uint32_t)value.raw;
}

/* ---- The queues: building blocks for enqueue and pick_next ------------ */

/* Puts runnable t at the back of level on cpu's queues. */
static void queue_put(int cpu, struct thread *t, int level)
{
    ASSERT(level >= 0 && level < MLFQ_LEVELS);
    t->policy_data[SLOT_LEVEL] = (uint64_t)level;
    thread_queue_push_back(&queues[cpu][level], t);
    queued[cpu]++;
}

/* Removes and returns the thread at the front of level on cpu, or NULL. */
static struct thread *queue_pop(int cpu, int level)
{
    struct thread *t = thread_queue_pop(&queues[cpu][level]);
    if (t)
        queued[cpu]--;
    return t;
}

/* Takes t out of cpu's queues, wherever it is. O(length of its level). */
static void queue_take(int cpu, struct thread *t)
{
    struct thread_queue *q = &queues[cpu][t->policy_data[SLOT_LEVEL]];
    int before = q->length;
    thread_queue_remove(q, t);
    queued[cpu] -= before - q->length;
}

/* The highest level with a thread queued on cpu, or -1 if none. O(levels). */
static int queue_highest(int cpu)
{
    for (int level = MLFQ_LEVELS - 1; level >= 0; level--)
        if (queues[cpu][level].length > 0)
            return level;
    return -1;
}

/* ready_threads of the load average: the threads running (not idle) and
   queued on every CPU. O(CPUs). */
static int ready_threads(void)
{
    int ready = 0;
    for (int cpu = 0; cpu < ncpus; cpu++) {
        struct thread *running = cpus[cpu].current;
        ready += queued[cpu];
        if (running && !running->is_idle && running->state == THREAD_RUNNING)
            ready++;
    }
    return ready;
}

static void mlfq_enqueue(int cpu, struct thread *t, enum enqueue_reason why);

/* Takes every queued thread of every CPU out and enqueues it again (with
   mlfq_enqueue, which places it by its priority now). Threads keep their
   order within a level. O(queued threads + CPUs * levels). */
static void requeue_all(void)
{
    for (int cpu = 0; cpu < ncpus; cpu++) {
        struct thread_queue all;
        thread_queue_init(&all);
        for (int level = MLFQ_LEVELS - 1; level >= 0; level--) {
            struct thread *t;
            while ((t = queue_pop(cpu, level)))
                thread_queue_push_back(&all, t);
        }
        struct thread *t;
        while ((t = thread_queue_pop(&all)))
            mlfq_enqueue(cpu, t, ENQUEUE_PREEMPT);
    }
}

/* ---- The formulas ----------------------------------------------------- */

/* LAB mlfq BEGIN: the priority formula and the once-a-second update of load_avg and every thread's recent_cpu */

/* t's priority from its recent_cpu and nice:
   PRIORITY_MAX - recent_cpu / 4 - 2 * nice, rounded down, clamped. */
static int mlfq_priority(const struct thread *t)
{
    struct fixed p = fixed_sub(fixed_from_int(PRIORITY_MAX - 2 * t->nice),
                               fixed_div_int(recent_cpu(t), 4));
    int priority = fixed_to_int_trunc(p);   /* = rounded down while positive */
    if (priority < PRIORITY_MIN)
        priority = PRIORITY_MIN;
    if (priority > PRIORITY_MAX)
        priority = PRIORITY_MAX;
    return priority;
}

/* recent_cpu = coefficient * recent_cpu + nice for one thread, then its
   priority. (A queued thread moves to its new level in requeue_all.) */
static void decay_recent_cpu(struct thread *t, void *coefficient)
{
    if (t->state == THREAD_ZOMBIE)
        return;
    struct fixed *c = coefficient;
    set_recent_cpu(t, fixed_add_int(fixed_mul(*c, recent_cpu(t)), t->nice));
    t->priority = mlfq_priority(t);
}

/* Once a second (CPU 0, sched_lock held): the load average from ready
   threads, then every thread's recent_cpu and priority. */
static void mlfq_every_second(int ready)
{
    load_avg = fixed_add(fixed_mul(fixed_frac(59, 60), load_avg),
                         fixed_mul_int(fixed_frac(1, 60), ready));
    /* The coefficient first, then the product: (2*load_avg*recent_cpu)
       would need more bits than the two factors. */
    struct fixed twice = fixed_mul_int(load_avg, 2);
    struct fixed coefficient = fixed_div(twice, fixed_add_int(twice, 1));
    thread_for_each(decay_recent_cpu, &coefficient);
    requeue_all();
}

/* LAB mlfq STUB
static int mlfq_priority(const struct thread *t)
{
    (void)t;
    (void)recent_cpu;
    return PRIORITY_DEFAULT;
}

static void mlfq_every_second(int ready)
{
    (void)ready;
    (void)set_recent_cpu;
    (void)requeue_all;
}
*/
/* LAB mlfq END */

/* ---- The policy operations -------------------------------------------- */

/* LAB mlfq BEGIN: thread_init, enqueue, pick_next, tick and should_preempt of a 64-level feedback queue */

/* A new thread starts with its creator's recent_cpu (the first thread
   with 0); its nice value is inherited already (thread.c). */
static void mlfq_thread_init(struct thread *t, struct thread *parent)
{
    set_recent_cpu(t, parent && !parent->is_idle ? recent_cpu(parent) : fixed_from_int(0));
    t->priority = mlfq_priority(t);
}

/* At the back of the level of its priority, computed now: a queued
   thread's recent_cpu does not change until the next second. */
static void mlfq_enqueue(int cpu, struct thread *t, enum enqueue_reason why)
{
    (void)why;
    t->priority = mlfq_priority(t);
    t->time_slice = boot_params.quantum;
    queue_put(cpu, t, t->priority);
}

/* The front thread of the highest non-empty level. */
static struct thread *mlfq_pick_next(int cpu)
{
    int level = queue_highest(cpu);
    return level < 0 ? 0 : queue_pop(cpu, level);
}

/* Charges the running thread one tick of recent_cpu, recomputes its
   priority every 4th tick of this CPU, and preempts it for a better
   thread at once, or for an equal one when its slice is over. */
static bool mlfq_tick(int cpu, struct thread *t)
{
    set_recent_cpu(t, fixed_add_int(recent_cpu(t), 1));
    if (cpus[cpu].ticks % MLFQ_RECOMPUTE == 0)
        t->priority = mlfq_priority(t);
    int best = queue_highest(cpu);
    if (best > t->priority)
        return true;
    if (--t->time_slice > 0)
        return false;
    t->time_slice = boot_params.quantum;
    return best == t->priority;         /* round robin within the level */
}

/* A woken thread of higher priority takes the CPU at once. */
static bool mlfq_should_preempt(int cpu, struct thread *running, struct thread *woken)
{
    (void)cpu;
    return woken->priority > running->priority;
}

/* LAB mlfq STUB
static void mlfq_thread_init(struct thread *t, struct thread *parent)
{
    (void)parent;
    set_recent_cpu(t, fixed_from_int(0));
    t->priority = mlfq_priority(t);
}

static void mlfq_enqueue(int cpu, struct thread *t, enum enqueue_reason why)
{
    (void)why;
    t->time_slice = boot_params.quantum;
    queue_put(cpu, t, 0);
}

static struct thread *mlfq_pick_next(int cpu)
{
    (void)queue_highest;
    return queue_pop(cpu, 0);
}

static bool mlfq_tick(int cpu, struct thread *t)
{
    if (--t->time_slice > 0)
        return false;
    t->time_slice = boot_params.quantum;
    return queued[cpu] > 0;
}

static bool mlfq_should_preempt(int cpu, struct thread *running, struct thread *woken)
{
    (void)cpu;
    (void)running;
    (void)woken;
    return false;
}
*/
/* LAB mlfq END */

static void mlfq_init(void)
{
    for (int cpu = 0; cpu < MAX_CPUS; cpu++)
        for (int level = 0; level < MLFQ_LEVELS; level++)
            thread_queue_init(&queues[cpu][level]);
}

static void mlfq_dequeue(int cpu, struct thread *t)
{
    queue_take(cpu, t);
}

static int mlfq_queue_length(int cpu)
{
    return queued[cpu];
}

/* The best thread queued on from_cpu that may run on to_cpu. */
static struct thread *mlfq_steal(int from_cpu, int to_cpu)
{
    for (int level = MLFQ_LEVELS - 1; level >= 0; level--) {
        struct thread_queue *q = &queues[from_cpu][level];
        int before = q->length;
        struct thread *t = thread_queue_steal(q, to_cpu);
        if (t) {
            queued[from_cpu] -= before - q->length;
            return t;
        }
    }
    return 0;
}

/* Records watched_tid's recent_cpu and priority in entry e. */
static void record_watched(struct thread *t, void *entry)
{
    struct mlfq_second *e = entry;
    if (t->tid == watched_tid) {
        e->watched_found = true;
        e->watched_recent_cpu = recent_cpu(t);
        e->watched_priority = t->priority;
    }
}

/* Every tick of every CPU: CPU 0 makes the once-a-second update when its
   tick count is a multiple of hz (after this tick's charge), and records it. */
static void mlfq_cpu_tick(int cpu)
{
    uint64_t now = timer_ticks();
    if (cpu != 0 || now % (uint64_t)timer_hz() != 0)
        return;
    int ready = ready_threads();
    mlfq_every_second(ready);
    __atomic_store_n(&seconds, seconds + 1, __ATOMIC_RELAXED);
    struct mlfq_second *e = &history[seconds % MLFQ_HISTORY];
    *e = (struct mlfq_second){ .second = seconds, .tick = now, .ready = ready,
                               .load_avg = load_avg };
    if (watched_tid)
        thread_for_each(record_watched, e);
}

/* A thread's nice changed: a new priority now, and a new level if queued;
   if it runs and is no longer the best here, it is preempted (at once on
   this CPU, at the next tick on another). */
static void mlfq_nice_changed(int cpu, struct thread *t, int old_nice)
{
    (void)old_nice;
    if (t->state == THREAD_RUNNABLE) {
        queue_take(cpu, t);
        mlfq_enqueue(cpu, t, ENQUEUE_PREEMPT);
    } else {
        t->priority = mlfq_priority(t);
        if (t->state == THREAD_RUNNING && cpu == this_cpu()->id && queue_highest(cpu) > t->priority)
            cpus[cpu].need_resched = true;
    }
}

/* thread_set_priority has no lasting effect: mlfq computes priorities. */
static void mlfq_priority_changed(int cpu, struct thread *t, int old_priority)
{
    (void)cpu;
    (void)old_priority;
    t->priority = mlfq_priority(t);
}

const struct sched_policy sched_policy_mlfq = {
    .name = "mlfq",
    .description = "4.4BSD multilevel feedback queue: priority from nice and recent CPU",
    .init = mlfq_init,
    .thread_init = mlfq_thread_init,
    .enqueue = mlfq_enqueue,
    .dequeue = mlfq_dequeue,
    .pick_next = mlfq_pick_next,
    .tick = mlfq_tick,
    .should_preempt = mlfq_should_preempt,
    .priority_changed = mlfq_priority_changed,
    .queue_length = mlfq_queue_length,
    .steal = mlfq_steal,
    .cpu_tick = mlfq_cpu_tick,
    .nice_changed = mlfq_nice_changed,
};

/* ---- For tests and dumps ---------------------------------------------- */

bool mlfq_active(void)
{
    return sched_policy == &sched_policy_mlfq;
}

struct fixed mlfq_load_avg(void)
{
    return fixed_from_raw(__atomic_load_n(&load_avg.raw, __ATOMIC_RELAXED));
}

uint64_t mlfq_seconds(void)
{
    return __atomic_load_n(&seconds, __ATOMIC_RELAXED);
}

struct fixed mlfq_recent_cpu(const struct thread *t)
{
    return recent_cpu(t);
}

int mlfq_history(uint64_t after, struct mlfq_second *out, int max)
{
    int n = 0;
    spin_lock(&sched_lock);
    uint64_t first = seconds >= MLFQ_HISTORY ? seconds - MLFQ_HISTORY + 1 : 1;
    if (after + 1 > first)
        first = after + 1;
    for (uint64_t s = first; s <= seconds && n < max; s++)
        out[n++] = history[s % MLFQ_HISTORY];
    spin_unlock(&sched_lock);
    return n;
}

void mlfq_watch(int tid)
{
    spin_lock(&sched_lock);
    watched_tid = tid;
    spin_unlock(&sched_lock);
}
