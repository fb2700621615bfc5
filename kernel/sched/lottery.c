/* Lottery scheduling (Waldspurger and Weihl, OSDI 1994): at the end of each
   quantum a seeded random draw over the queued threads' tickets picks who runs. */
#include "kernel/sched/policy.h"
#include "kernel/sched/lottery.h"
#include "kernel/sched/thread_queue.h"
#include "kernel/cmdline.h"
#include "kernel/panic.h"
#include "lib/prng.h"
#include "arch/x86_64/cpu.h"

/*
 * Each CPU has a queue of runnable threads and the total of their weights.
 * A thread's weight is its funding -- its own tickets plus the tickets
 * lent to it by threads waiting in thread_join for it -- multiplied by its
 * compensation factor (quantum / ticks used) if it gave up the CPU early
 * last time. The draw picks a number below the total and walks the queue
 * to the thread whose range of tickets holds it: O(queue length), the
 * simple form of the paper's list-based lottery (docs/labs/lottery-stride.md
 * discusses a tree that makes it O(log n)).
 *
 * Everything here runs under sched_lock with interrupts off (policy.h).
 */

/* What lottery keeps per thread, in t->policy_data. */
struct lottery_thread {
    struct thread *lent_to;     /* waiting in thread_join: the thread it funds */
    uint64_t weight;            /* its share of its queue's total, while queued */
    int64_t received;           /* tickets lent to it by waiters (transitively) */
    int queue_cpu;              /* the CPU whose queue it is in, or -1 */
    int used;                   /* ticks run in its current quantum */
    int compensation;           /* 0, or the ticks it ran of a quantum it gave
                                   up early: until it next runs it draws with
                                   its funding times quantum / compensation */
    bool ran;                   /* picked to run since it was last queued */
};

_Static_assert(sizeof(struct lottery_thread) <= sizeof(((struct thread *)0)->policy_data),
               "struct lottery_thread must fit in thread.policy_data");

struct lottery_cpu {
    struct thread_queue queue;
    uint64_t total;             /* sum of the weights of the queued threads */
    struct prng prng;           /* this CPU's draws: seeded with seed= and the CPU id */
};

static struct lottery_cpu lottery_cpus[MAX_CPUS];

static struct lottery_thread *lottery_of(const struct thread *t)
{
    return (struct lottery_thread *)t->policy_data;
}

void lottery_reseed(int cpu, uint64_t seed)
{
    ASSERT(cpu >= 0 && cpu < MAX_CPUS);
    prng_seed(&lottery_cpus[cpu].prng, seed, (uint64_t)cpu);
}

static void lottery_init(void)
{
    for (int cpu = 0; cpu < MAX_CPUS; cpu++) {
        thread_queue_init(&lottery_cpus[cpu].queue);
        lottery_cpus[cpu].total = 0;
        lottery_reseed(cpu, boot_params.seed);
    }
}

static void lottery_thread_init(struct thread *t, struct thread *parent)
{
    (void)parent;                       /* tickets are not inherited (thread.h) */
    struct lottery_thread *l = lottery_of(t);
    *l = (struct lottery_thread){ .queue_cpu = -1 };
}

/* LAB lottery-stride BEGIN: funding = own tickets + tickets lent by joiners; lend along the chain */
int64_t lottery_funding(const struct thread *t)
{
    return (int64_t)t->tickets + lottery_of(t)->received;
}
/* LAB lottery-stride STUB
int64_t lottery_funding(const struct thread *t)
{
    return t->tickets;
}
*/
/* LAB lottery-stride END */

/* LAB lottery-stride BEGIN: a thread's weight in the draw, inflated by compensation tickets */
/* Funding times quantum / ticks used, if it gave up its last quantum early. */
static uint64_t lottery_weight(const struct thread *t)
{
    uint64_t weight = (uint64_t)lottery_funding(t);
    int used = lottery_of(t)->compensation;
    if (used > 0 && used < boot_params.quantum)
        weight = weight * (uint64_t)boot_params.quantum / (uint64_t)used;
    return weight;
}
/* LAB lottery-stride STUB
static uint64_t lottery_weight(const struct thread *t)
{
    return (uint64_t)lottery_funding(t);
}
*/
/* LAB lottery-stride END */

/* t's funding or compensation changed: if it is queued, its queue's total
   follows. */
static void lottery_reweigh(struct thread *t)
{
    struct lottery_thread *l = lottery_of(t);
    if (l->queue_cpu < 0)
        return;
    struct lottery_cpu *c = &lottery_cpus[l->queue_cpu];
    c->total -= l->weight;
    l->weight = lottery_weight(t);
    c->total += l->weight;
}

/* LAB lottery-stride BEGIN: ticket transfer: pass a change of t's funding on to the threads it funds */
/* Adds delta to the funding of every thread t lends to, directly or
   through a chain (A joins B, B joins C: A's tickets fund C too). */
static void lottery_pass_on(struct thread *t, int64_t delta)
{
    for (struct thread *x = lottery_of(t)->lent_to; x; x = lottery_of(x)->lent_to) {
        lottery_of(x)->received += delta;
        lottery_reweigh(x);
    }
}
/* LAB lottery-stride STUB
static void lottery_pass_on(struct thread *t, int64_t delta)
{
    (void)t;
    (void)delta;
}
*/
/* LAB lottery-stride END */

/* LAB lottery-stride BEGIN: decide whether a thread queued again earns compensation tickets */
/* t, which ran since it was last queued, is queued again for reason why. */
static void lottery_compensate(struct thread *t, enum enqueue_reason why)
{
    struct lottery_thread *l = lottery_of(t);
    l->compensation = 0;
    /* Gave the CPU up itself (blocked, slept, yielded) before its quantum
       was over: it used the fraction used/quantum of it. A thread that
       left before its first tick counts as one tick, which bounds the
       inflation at quantum times. Preempted or moved: no compensation. */
    if ((why == ENQUEUE_WAKEUP || why == ENQUEUE_YIELD) && l->used < boot_params.quantum)
        l->compensation = l->used > 0 ? l->used : 1;
}
/* LAB lottery-stride STUB
static void lottery_compensate(struct thread *t, enum enqueue_reason why)
{
    (void)t;
    (void)why;
}
*/
/* LAB lottery-stride END */

static void lottery_enqueue(int cpu, struct thread *t, enum enqueue_reason why)
{
    struct lottery_thread *l = lottery_of(t);
    struct lottery_cpu *c = &lottery_cpus[cpu];
    ASSERT(l->queue_cpu < 0);
    if (l->ran) {
        l->ran = false;
        lottery_compensate(t, why);
    }
    thread_queue_push_back(&c->queue, t);
    l->queue_cpu = cpu;
    l->weight = lottery_weight(t);
    c->total += l->weight;
}

/* Unlinks t from c's queue, given the thread before it (NULL: t is the head). */
static void lottery_unlink(struct lottery_cpu *c, struct thread *t, struct thread *before)
{
    struct lottery_thread *l = lottery_of(t);
    if (before)
        before->queue_next = t->queue_next;
    else
        c->queue.head = t->queue_next;
    if (c->queue.tail == t)
        c->queue.tail = before;
    t->queue_next = 0;
    c->queue.length--;
    c->total -= l->weight;
    l->weight = 0;
    l->queue_cpu = -1;
}

static void lottery_dequeue(int cpu, struct thread *t)
{
    struct lottery_cpu *c = &lottery_cpus[cpu];
    struct thread *before = 0;
    for (struct thread *x = c->queue.head; x && x != t; x = x->queue_next)
        before = x;
    ASSERT(lottery_of(t)->queue_cpu == cpu);
    lottery_unlink(c, t, before);
}

/* t leaves a queue to run: a new quantum starts, and compensation tickets
   last only until a thread next runs. */
static void lottery_start_quantum(struct thread *t)
{
    struct lottery_thread *l = lottery_of(t);
    l->ran = true;
    l->used = 0;
    l->compensation = 0;
}

/* LAB lottery-stride BEGIN: the draw: pick the winning ticket and find the thread that holds it */
/* The thread holding a ticket drawn uniformly from c's total (and, in
   *before, the thread queued just before it). The queue is not empty. */
static struct thread *lottery_draw(struct lottery_cpu *c, struct thread **before)
{
    uint64_t winner = prng_below(&c->prng, c->total);
    struct thread *prev = 0;
    for (struct thread *t = c->queue.head; t; prev = t, t = t->queue_next) {
        uint64_t weight = lottery_of(t)->weight;
        if (winner < weight) {
            *before = prev;
            return t;
        }
        winner -= weight;
    }
    panic("lottery: ticket drawn beyond the total of %lu", c->total);
}
/* LAB lottery-stride STUB
static struct thread *lottery_draw(struct lottery_cpu *c, struct thread **before)
{
    *before = 0;
    return c->queue.head;
}
*/
/* LAB lottery-stride END */

static struct thread *lottery_pick_next(int cpu)
{
    struct lottery_cpu *c = &lottery_cpus[cpu];
    if (!c->queue.head)
        return 0;
    struct thread *before = 0;
    struct thread *t = lottery_draw(c, &before);
    ASSERT(t && (before ? before->queue_next : c->queue.head) == t);
    lottery_unlink(c, t, before);
    lottery_start_quantum(t);
    return t;
}

static bool lottery_tick(int cpu, struct thread *t)
{
    struct lottery_thread *l = lottery_of(t);
    if (++l->used < boot_params.quantum)
        return false;
    /* Quantum over: draw again -- unless nobody else is waiting, in which
       case t simply starts a new quantum. */
    if (lottery_cpus[cpu].queue.length == 0) {
        l->used = 0;
        return false;
    }
    return true;
}

static int lottery_queue_length(int cpu)
{
    return lottery_cpus[cpu].queue.length;
}

static struct thread *lottery_steal(int from_cpu, int to_cpu)
{
    struct lottery_cpu *c = &lottery_cpus[from_cpu];
    struct thread *before = 0;
    for (struct thread *t = c->queue.head; t; before = t, t = t->queue_next) {
        if (thread_can_run_on(t, to_cpu)) {
            lottery_unlink(c, t, before);
            lottery_start_quantum(t);   /* the core runs it at once */
            return t;
        }
    }
    return 0;
}

static void lottery_tickets_changed(int cpu, struct thread *t, int old_tickets)
{
    (void)cpu;
    lottery_reweigh(t);
    lottery_pass_on(t, (int64_t)t->tickets - old_tickets);
}

/* LAB lottery-stride BEGIN: ticket transfer: a thread waiting in thread_join funds the thread it waits for */
static void lottery_join_wait(struct thread *waiter, struct thread *target)
{
    /* Never lend around a circle (A joins B while B joins A: both wait
       forever anyway, but the walk in lottery_pass_on must end). */
    for (struct thread *x = target; x; x = lottery_of(x)->lent_to)
        if (x == waiter)
            return;
    lottery_of(waiter)->lent_to = target;
    lottery_pass_on(waiter, lottery_funding(waiter));
}

static void lottery_join_done(struct thread *waiter, struct thread *target)
{
    (void)target;
    struct lottery_thread *l = lottery_of(waiter);
    if (!l->lent_to)
        return;
    /* Take back exactly what the chain holds from us now: our funding
       (it may have changed while we waited; every change was passed on). */
    lottery_pass_on(waiter, -lottery_funding(waiter));
    l->lent_to = 0;
}
/* LAB lottery-stride STUB
static void lottery_join_wait(struct thread *waiter, struct thread *target)
{
    (void)waiter;
    (void)target;
}

static void lottery_join_done(struct thread *waiter, struct thread *target)
{
    (void)waiter;
    (void)target;
}
*/
/* LAB lottery-stride END */

const struct sched_policy sched_policy_lottery = {
    .name = "lottery",
    .description = "lottery: a seeded random draw over tickets each quantum (seed=)",
    .init = lottery_init,
    .thread_init = lottery_thread_init,
    .enqueue = lottery_enqueue,
    .dequeue = lottery_dequeue,
    .pick_next = lottery_pick_next,
    .tick = lottery_tick,
    .queue_length = lottery_queue_length,
    .steal = lottery_steal,
    .tickets_changed = lottery_tickets_changed,
    .join_wait = lottery_join_wait,
    .join_done = lottery_join_done,
};
