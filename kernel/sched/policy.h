/* The scheduling-policy interface: what a policy (round robin, FIFO, a
   student's priority scheduler...) must provide. The core calls these. */
#ifndef KERNEL_SCHED_POLICY_H
#define KERNEL_SCHED_POLICY_H

#include <stdbool.h>

struct thread;

/* Why a thread is being enqueued: some policies treat them differently
   (e.g. a yielding thread goes to the back, a preempted one keeps its place). */
enum enqueue_reason {
    ENQUEUE_NEW,        /* just created */
    ENQUEUE_WAKEUP,     /* woken from BLOCKED or SLEEPING */
    ENQUEUE_PREEMPT,    /* taken off the CPU by the timer or a better thread */
    ENQUEUE_YIELD,      /* gave up the CPU with thread_yield */
    ENQUEUE_MIGRATE,    /* moved from another CPU's queue */
};

/*
 * Every operation is called by the core with the scheduler lock held and
 * interrupts off, so a policy needs no locking of its own. `cpu` says
 * whose run queue is meant: a policy keeps one queue per CPU (arrays of
 * MAX_CPUS). The core never looks inside a policy's queues.
 *
 * A thread is in at most one run queue; the running thread is in none.
 * Idle threads are never given to a policy.
 */
struct sched_policy {
    const char *name;           /* as chosen with sched=NAME */
    const char *description;    /* one line, for error messages and docs */

    /* Once at boot, before any thread is enqueued. */
    void (*init)(void);

    /* A thread is created (parent may be NULL): set up t->policy_data. Optional. */
    void (*thread_init)(struct thread *t, struct thread *parent);

    /* Make t (RUNNABLE) eligible to run on cpu. */
    void (*enqueue)(int cpu, struct thread *t, enum enqueue_reason why);

    /* Take t (RUNNABLE, in cpu's queue) out of the queue, e.g. to migrate it. */
    void (*dequeue)(int cpu, struct thread *t);

    /* Remove and return the thread cpu should run next, or NULL if its
       queue is empty (the core then runs the idle thread). Must not scan
       all threads: keep it O(1) or O(levels). */
    struct thread *(*pick_next)(int cpu);

    /* A timer tick on cpu while t runs (never the idle thread): charge it.
       Return true if t should be preempted now. */
    bool (*tick)(int cpu, struct thread *t);

    /* woken just became RUNNABLE on cpu, where running runs: return true
       if running should be preempted at once. Optional (default: no). */
    bool (*should_preempt)(int cpu, struct thread *running, struct thread *woken);

    /* t's priority changed (t may be RUNNABLE in a queue, or running). Optional. */
    void (*priority_changed)(int cpu, struct thread *t, int old_priority);

    /* Number of threads in cpu's queue (for load balancing and dumps). */
    int (*queue_length)(int cpu);

    /* Load balancing: remove and return a thread from from_cpu's queue
       that may run on to_cpu (thread_can_run_on), or NULL. Called when
       to_cpu has nothing to run. Optional: without it a CPU never takes
       work queued on another (new and woken threads are still spread). */
    struct thread *(*steal)(int from_cpu, int to_cpu);

    /* Every timer tick on every CPU, whether it runs a thread or idles,
       after tick(): periodic work that must go on while a CPU idles (the
       mlfq policy's once-a-second update). Optional. */
    void (*cpu_tick)(int cpu);

    /* t's nice value changed (t may be RUNNABLE in a queue, or running). Optional. */
    void (*nice_changed)(int cpu, struct thread *t, int old_nice);
    /* t's tickets changed (thread_set_tickets; t may be queued, running
       or blocked). Optional. */
    void (*tickets_changed)(int cpu, struct thread *t, int old_tickets);

    /* waiter (the running thread) starts waiting in thread_join for target
       to exit: a policy may lend target waiter's share meanwhile (lottery's
       ticket transfer). join_done is called once waiter stops waiting
       (target exited, or the join was cut short), still before waiter
       returns from thread_join. Both optional. */
    void (*join_wait)(struct thread *waiter, struct thread *target);
    void (*join_done)(struct thread *waiter, struct thread *target);
};

/* Every policy compiled in; sched=NAME chooses among them (sched/core.c). */
extern const struct sched_policy sched_policy_rr;
extern const struct sched_policy sched_policy_fifo;
extern const struct sched_policy sched_policy_mlfq;
extern const struct sched_policy sched_policy_prio;
extern const struct sched_policy sched_policy_lottery;
extern const struct sched_policy sched_policy_stride;

#endif
