/* The scheduler core: one lock over all scheduling state, the switch
   between threads, blocking and waking, preemption, idle. Policies are separate. */
#ifndef KERNEL_SCHED_SCHED_H
#define KERNEL_SCHED_SCHED_H

#include <stdint.h>
#include <stdbool.h>
#include "kernel/thread.h"
#include "kernel/spinlock.h"

struct sched_policy;

/*
 * The scheduler lock protects every run queue, every thread's state and
 * scheduling fields, the sleep queue and the thread tables. It is held
 * across the context switch: the thread that switches out takes it and
 * the thread that switches in releases it. Lock order: any other lock
 * (a mutex's, a wait queue's) may be held when taking sched_lock, never
 * the reverse.
 */
extern struct spinlock sched_lock;

/* The policy chosen at boot. */
extern const struct sched_policy *sched_policy;

/* Chooses the policy named by sched= (boot_params.sched); on an unknown
   name prints the known ones and returns -1. */
int sched_select_policy(const char *name);

/* Boot: initialises the policy. */
void sched_init(void);

/* Makes a new or woken thread runnable (state RUNNABLE, into a run queue)
   and preempts the running thread if the policy says so. sched_lock held. */
void sched_make_runnable(struct thread *t, int reason /* enum enqueue_reason */);

/* Switches away from the current thread, whose state the caller has set
   (RUNNABLE threads are put back in the queue). sched_lock held, no other
   spinlock held; returns when the thread runs again, sched_lock held. */
void sched_switch(enum switch_reason reason);

/* Blocks the calling thread in state (BLOCKED or SLEEPING) on channel.
   The caller holds lock, which protects the queue the thread put itself
   on; it is released once the thread is safely off the CPU and taken
   again before returning. lock may be &sched_lock. Panics if any other
   spinlock is held. */
void sched_block(enum thread_state state, const char *channel, struct spinlock *lock);

/* sched_block with a timeout: if wake_tick is not 0, the thread is also
   woken when the tick count reaches it. An interruptible thread whose
   process is being killed does not block at all. */
void sched_block_until(enum thread_state state, const char *channel, struct spinlock *lock,
                       uint64_t wake_tick);

/* Asks cpu to switch threads at its next preemption point (a policy
   whose queue changed, e.g. a priority rose): at once if it is this CPU
   and the caller reaches a preemption point, by a reschedule IPI if it is
   another. sched_lock held. */
void sched_resched(int cpu);

/* Makes t runnable if it is BLOCKED or SLEEPING; returns whether it was.
   sched_lock held. */
bool sched_wake_locked(struct thread *t);

/* Timer interrupt (interrupts off): charges the running thread, wakes
   sleepers, asks the policy whether to preempt. */
void sched_tick(void);

/* On the way out of an interrupt: switches if a preemption is pending and
   this CPU holds no spinlock. */
void sched_preempt_if_needed(void);

/* Called once on each application processor, interrupts off, after its
   CPU tables, page tables, local APIC and timer are set up: gives it an
   idle thread, marks it online and starts scheduling on it. Never returns. */
__attribute__((noreturn)) void sched_start_cpu(void);

/* The idle loop of a CPU; never returns. */
__attribute__((noreturn)) void sched_idle_loop(void);

/* --- the scheduler's event record ------------------------------------
 * Every switch and wake-up is recorded in a ring buffer that tests read
 * (not timing), and printed as a line when trace=sched is given. */
enum sched_event_kind { SCHED_EV_SWITCH, SCHED_EV_WAKE, SCHED_EV_NEW };

struct sched_event {
    uint64_t seq;               /* 1, 2, 3 ...: position in the record */
    uint64_t tick;
    int cpu;
    int from, to;               /* tids; for a wake-up: waker and woken;
                                   for a new thread: creator and created */
    int target;                 /* wake-up, new: the CPU it was queued on; else -1 */
    uint8_t kind;               /* enum sched_event_kind */
    uint8_t reason;             /* enum switch_reason, for switches */
};

#define SCHED_EVENTS 4096       /* ring size; older events are overwritten */

/* Copies the events with seq > after (at most max, oldest first) into out;
   returns how many. */
int sched_events_since(uint64_t after, struct sched_event *out, int max);
/* Sequence number of the latest event (0 if none). */
uint64_t sched_events_last(void);

#endif
