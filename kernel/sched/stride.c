/* Stride scheduling (Waldspurger and Weihl, MIT/LCS/TM-528, 1995): the
   deterministic twin of lottery -- the thread with the smallest pass runs. */
#include "kernel/sched/policy.h"
#include "kernel/sched/thread_queue.h"
#include "kernel/cmdline.h"
#include "kernel/panic.h"
#include "arch/x86_64/cpu.h"

/*
 * Each thread has a stride, STRIDE1 / tickets, and a pass. Each tick a
 * thread runs adds its stride to its pass; the queued thread with the
 * smallest pass runs next. A thread with twice the tickets has half the
 * stride, so it runs twice as often before its pass catches up.
 *
 * Each CPU also has a global pass, which moves by STRIDE1 / (the tickets
 * of every thread queued or running on it) per tick: the pass an ideal
 * thread with exactly its fair share would have. It is the clock against
 * which threads that were away are measured:
 *
 *   - a new thread starts at global pass + its stride (as if it had just
 *     run one tick), not at 0, which would let it run alone until its pass
 *     caught up with threads that have run for minutes;
 *   - a thread remembers remain = pass - global pass whenever it runs a
 *     tick; when it wakes up (or moves to another CPU) it restarts at the
 *     current global pass + remain, keeping its place relative to the
 *     others, instead of its old pass, which would be far behind (it would
 *     run alone to catch up: it "banked" its sleep) -- remain is clamped to
 *     one quantum's worth of strides either way.
 *
 * Passes grow without bound and wrap at 2^64; they are compared by the
 * sign of their difference, which is right as long as two passes are less
 * than 2^63 apart. pick_next scans the queue for the smallest pass:
 * O(queue length), where a heap would give O(log n) (lab questions).
 *
 * Everything here runs under sched_lock with interrupts off (policy.h).
 */

/* 2^30: with at most TICKETS_MAX (10,000) tickets the stride is still
   above 100,000, so integer division loses under 0.001% of a share. */
#define STRIDE1 (1ull << 30)

/* What stride keeps per thread, in t->policy_data. */
struct stride_thread {
    uint64_t pass;              /* its virtual time: grows by its stride per tick */
    int64_t remain;             /* pass - its CPU's global pass, when it last ran a tick,
                                   was picked or was taken out of a queue */
    int queue_cpu;              /* the CPU whose queue it is in, or -1 */
    int used;                   /* ticks run in its current quantum */
};

_Static_assert(sizeof(struct stride_thread) <= sizeof(((struct thread *)0)->policy_data),
               "struct stride_thread must fit in thread.policy_data");

struct stride_cpu {
    struct thread_queue queue;
    uint64_t global_pass;       /* see above */
    uint64_t queued_tickets;    /* tickets of the threads in queue */
};

static struct stride_cpu stride_cpus[MAX_CPUS];

static struct stride_thread *stride_of(const struct thread *t)
{
    return (struct stride_thread *)t->policy_data;
}

static uint64_t stride_of_tickets(int tickets)
{
    return STRIDE1 / (uint64_t)tickets;
}

/* True if pass a is before pass b (wrap-safe). Marked unused: a handout
   whose stubs do not call it yet must still build without warnings. */
__attribute__((unused)) static bool pass_before(uint64_t a, uint64_t b)
{
    return (int64_t)(a - b) < 0;
}

static void stride_init(void)
{
    for (int cpu = 0; cpu < MAX_CPUS; cpu++) {
        thread_queue_init(&stride_cpus[cpu].queue);
        stride_cpus[cpu].global_pass = 0;
        stride_cpus[cpu].queued_tickets = 0;
    }
}

static void stride_thread_init(struct thread *t, struct thread *parent)
{
    (void)parent;
    *stride_of(t) = (struct stride_thread){ .queue_cpu = -1 };
}

/* LAB lottery-stride BEGIN: where a thread's pass starts when it joins a CPU's queue (new, woken, moved) */
/* Sets the pass of t, which is joining cpu's queue for reason why. */
static void stride_join(struct stride_cpu *c, struct thread *t, enum enqueue_reason why)
{
    struct stride_thread *s = stride_of(t);
    int64_t stride = (int64_t)stride_of_tickets(t->tickets);
    int64_t limit = stride * boot_params.quantum;
    switch (why) {
    case ENQUEUE_NEW:
        s->pass = c->global_pass + (uint64_t)stride;
        break;
    case ENQUEUE_WAKEUP:
    case ENQUEUE_MIGRATE:
        if (s->remain > limit)
            s->remain = limit;
        if (s->remain < -limit)
            s->remain = -limit;
        s->pass = c->global_pass + (uint64_t)s->remain;
        break;
    case ENQUEUE_PREEMPT:
    case ENQUEUE_YIELD:
        break;                          /* it never left: its pass stands */
    }
}
/* LAB lottery-stride STUB
static void stride_join(struct stride_cpu *c, struct thread *t, enum enqueue_reason why)
{
    (void)c;
    (void)t;
    (void)why;
}
*/
/* LAB lottery-stride END */

static void stride_enqueue(int cpu, struct thread *t, enum enqueue_reason why)
{
    struct stride_cpu *c = &stride_cpus[cpu];
    struct stride_thread *s = stride_of(t);
    ASSERT(s->queue_cpu < 0);
    stride_join(c, t, why);
    thread_queue_push_back(&c->queue, t);
    s->queue_cpu = cpu;
    c->queued_tickets += (uint64_t)t->tickets;
}

/* Unlinks t from c's queue, given the thread before it (NULL: the head),
   and remembers where it stood against c's global pass. */
static void stride_unlink(struct stride_cpu *c, struct thread *t, struct thread *before)
{
    struct stride_thread *s = stride_of(t);
    if (before)
        before->queue_next = t->queue_next;
    else
        c->queue.head = t->queue_next;
    if (c->queue.tail == t)
        c->queue.tail = before;
    t->queue_next = 0;
    c->queue.length--;
    c->queued_tickets -= (uint64_t)t->tickets;
    s->queue_cpu = -1;
    s->remain = (int64_t)(s->pass - c->global_pass);
}

static void stride_dequeue(int cpu, struct thread *t)
{
    struct stride_cpu *c = &stride_cpus[cpu];
    struct thread *before = 0;
    for (struct thread *x = c->queue.head; x && x != t; x = x->queue_next)
        before = x;
    ASSERT(stride_of(t)->queue_cpu == cpu);
    stride_unlink(c, t, before);
}

/* LAB lottery-stride BEGIN: choose the queued thread with the smallest pass */
/* The queued thread with the smallest pass (the first of equals), and in
   *before the thread just before it. The queue is not empty. */
static struct thread *stride_choose(struct stride_cpu *c, struct thread **before)
{
    struct thread *best = c->queue.head, *best_before = 0, *prev = c->queue.head;
    for (struct thread *t = best->queue_next; t; prev = t, t = t->queue_next) {
        if (pass_before(stride_of(t)->pass, stride_of(best)->pass)) {
            best = t;
            best_before = prev;
        }
    }
    *before = best_before;
    return best;
}
/* LAB lottery-stride STUB
static struct thread *stride_choose(struct stride_cpu *c, struct thread **before)
{
    *before = 0;
    return c->queue.head;
}
*/
/* LAB lottery-stride END */

static struct thread *stride_pick_next(int cpu)
{
    struct stride_cpu *c = &stride_cpus[cpu];
    if (!c->queue.head)
        return 0;
    struct thread *before = 0;
    struct thread *t = stride_choose(c, &before);
    ASSERT(t && (before ? before->queue_next : c->queue.head) == t);
    stride_unlink(c, t, before);
    stride_of(t)->used = 0;
    return t;
}

/* LAB lottery-stride BEGIN: charge a tick: advance the thread's pass and the CPU's global pass */
static void stride_charge(struct stride_cpu *c, struct thread *t)
{
    struct stride_thread *s = stride_of(t);
    s->pass += stride_of_tickets(t->tickets);
    c->global_pass += STRIDE1 / (c->queued_tickets + (uint64_t)t->tickets);
    s->remain = (int64_t)(s->pass - c->global_pass);
}
/* LAB lottery-stride STUB
static void stride_charge(struct stride_cpu *c, struct thread *t)
{
    (void)c;
    (void)t;
}
*/
/* LAB lottery-stride END */

static bool stride_tick(int cpu, struct thread *t)
{
    struct stride_cpu *c = &stride_cpus[cpu];
    struct stride_thread *s = stride_of(t);
    stride_charge(c, t);
    if (++s->used < boot_params.quantum)
        return false;
    /* Quantum over: let the smallest pass run -- unless nobody waits. */
    if (c->queue.length == 0) {
        s->used = 0;
        return false;
    }
    return true;
}

static int stride_queue_length(int cpu)
{
    return stride_cpus[cpu].queue.length;
}

static struct thread *stride_steal(int from_cpu, int to_cpu)
{
    struct stride_cpu *from = &stride_cpus[from_cpu];
    struct thread *before = 0;
    for (struct thread *t = from->queue.head; t; before = t, t = t->queue_next) {
        if (thread_can_run_on(t, to_cpu)) {
            stride_unlink(from, t, before);
            /* The core runs it on to_cpu at once: measure it against that
               CPU's global pass from now on. */
            struct stride_thread *s = stride_of(t);
            s->pass = stride_cpus[to_cpu].global_pass + (uint64_t)s->remain;
            s->used = 0;
            return t;
        }
    }
    return 0;
}

/* A ticket change scales what is left of the thread's current stride by
   new stride / old stride (the paper's rule), so that a thread given more
   tickets comes up sooner, at once. */
static void stride_tickets_changed(int cpu, struct thread *t, int old_tickets)
{
    (void)cpu;
    struct stride_thread *s = stride_of(t);
    int64_t old_stride = (int64_t)stride_of_tickets(old_tickets);
    int64_t new_stride = (int64_t)stride_of_tickets(t->tickets);
    int queued = s->queue_cpu;
    if (queued >= 0) {
        struct stride_cpu *c = &stride_cpus[queued];
        c->queued_tickets += (uint64_t)t->tickets - (uint64_t)old_tickets;
        s->remain = (int64_t)(s->pass - c->global_pass);
    }
    /* remain * new / old without overflow: |remain % old| < 2^30 and
       new <= 2^30, so the product stays below 2^60. */
    s->remain = s->remain / old_stride * new_stride + s->remain % old_stride * new_stride / old_stride;
    if (queued >= 0)
        s->pass = stride_cpus[queued].global_pass + (uint64_t)s->remain;
    else if (t->state == THREAD_RUNNING)
        s->pass = stride_cpus[t->cpu].global_pass + (uint64_t)s->remain;
}

const struct sched_policy sched_policy_stride = {
    .name = "stride",
    .description = "stride: the smallest pass runs; pass += STRIDE1/tickets per tick",
    .init = stride_init,
    .thread_init = stride_thread_init,
    .enqueue = stride_enqueue,
    .dequeue = stride_dequeue,
    .pick_next = stride_pick_next,
    .tick = stride_tick,
    .queue_length = stride_queue_length,
    .steal = stride_steal,
    .tickets_changed = stride_tickets_changed,
};
