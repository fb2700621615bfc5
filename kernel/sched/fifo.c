/* First in, first out: a thread runs until it blocks, yields or exits;
   the timer never preempts it. One queue per CPU. */
#include "kernel/sched/policy.h"
#include "kernel/sched/thread_queue.h"
#include "arch/x86_64/cpu.h"

static struct thread_queue queue[MAX_CPUS];

static void fifo_init(void)
{
    for (int i = 0; i < MAX_CPUS; i++)
        thread_queue_init(&queue[i]);
}

static void fifo_enqueue(int cpu, struct thread *t, enum enqueue_reason why)
{
    /* A thread taken off the CPU without asking for it keeps its place at
       the front (fifo itself never preempts; the core may, e.g. to run
       a CPU's first thread). */
    if (why == ENQUEUE_PREEMPT)
        thread_queue_push_front(&queue[cpu], t);
    else
        thread_queue_push_back(&queue[cpu], t);
}

static void fifo_dequeue(int cpu, struct thread *t)
{
    thread_queue_remove(&queue[cpu], t);
}

static struct thread *fifo_pick_next(int cpu)
{
    return thread_queue_pop(&queue[cpu]);
}

static bool fifo_tick(int cpu, struct thread *t)
{
    (void)cpu;
    (void)t;
    return false;                       /* never preempt */
}

static int fifo_queue_length(int cpu)
{
    return queue[cpu].length;
}

static struct thread *fifo_steal(int from_cpu, int to_cpu)
{
    return thread_queue_steal(&queue[from_cpu], to_cpu);
}

const struct sched_policy sched_policy_fifo = {
    .name = "fifo",
    .description = "first in, first out: run until block, yield or exit",
    .init = fifo_init,
    .enqueue = fifo_enqueue,
    .dequeue = fifo_dequeue,
    .pick_next = fifo_pick_next,
    .tick = fifo_tick,
    .queue_length = fifo_queue_length,
    .steal = fifo_steal,
};
