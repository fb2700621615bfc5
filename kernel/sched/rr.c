/* Round robin, the default policy: one FIFO queue per CPU; a thread runs
   for quantum= ticks, then goes to the back of the queue. */
#include "kernel/sched/policy.h"
#include "kernel/sched/thread_queue.h"
#include "kernel/cmdline.h"
#include "arch/x86_64/cpu.h"

static struct thread_queue queue[MAX_CPUS];

static void rr_init(void)
{
    for (int i = 0; i < MAX_CPUS; i++)
        thread_queue_init(&queue[i]);
}

static void rr_enqueue(int cpu, struct thread *t, enum enqueue_reason why)
{
    (void)why;                          /* every runnable thread goes to the back */
    t->time_slice = boot_params.quantum;
    thread_queue_push_back(&queue[cpu], t);
}

static void rr_dequeue(int cpu, struct thread *t)
{
    thread_queue_remove(&queue[cpu], t);
}

static struct thread *rr_pick_next(int cpu)
{
    return thread_queue_pop(&queue[cpu]);
}

static bool rr_tick(int cpu, struct thread *t)
{
    if (--t->time_slice > 0)
        return false;
    /* Slice used up: preempt, but only if someone is waiting -- a lone
       thread keeps the CPU without a pointless switch. */
    t->time_slice = boot_params.quantum;
    return queue[cpu].length > 0;
}

static int rr_queue_length(int cpu)
{
    return queue[cpu].length;
}

static struct thread *rr_steal(int from_cpu, int to_cpu)
{
    return thread_queue_steal(&queue[from_cpu], to_cpu);
}

const struct sched_policy sched_policy_rr = {
    .name = "rr",
    .description = "round robin: quantum= ticks each, in turn (default)",
    .init = rr_init,
    .enqueue = rr_enqueue,
    .dequeue = rr_dequeue,
    .pick_next = rr_pick_next,
    .tick = rr_tick,
    .queue_length = rr_queue_length,
    .steal = rr_steal,
};
