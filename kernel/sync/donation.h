/* Priority donation through mutexes: a thread blocked on a mutex lends its
   effective priority to the owner, along chains of mutexes (sched=prio's lab). */
#ifndef KERNEL_SYNC_DONATION_H
#define KERNEL_SYNC_DONATION_H

struct thread;
struct mutex;

/*
 * A thread's effective priority (t->priority) is the higher of its base
 * priority (t->base_priority, set by thread_set_priority) and the effective
 * priorities of the threads blocked on the mutexes it holds. Donation is
 * transitive: if the owner is itself blocked on a mutex, it passes the
 * raised priority on to that mutex's owner, and so on (DONATION_DEPTH_MAX).
 *
 * Every function here is called with sched_lock held (which protects every
 * priority field), and those that name a mutex also with that mutex's
 * spinlock held (which protects its owner and waiters). Whenever a thread's
 * effective priority changes, the policy hears of it through
 * priority_changed. Every policy gets the donations; only sched=prio's
 * pick_next looks at priorities.
 */

/* How many mutexes a donation passes through at most: a chain of threads
   each waiting for a mutex the next one holds. */
#define DONATION_DEPTH_MAX 16

/* Recomputes t's effective priority from its base priority and what it is
   donated; if it changed, tells the policy and passes the change on to the
   owner of the mutex t waits for, if any. */
void donation_refresh(struct thread *t);

/* self is about to wait for m, which another thread owns: self donates its
   priority to the owner (and on along the chain). */
void donation_block(struct thread *self, struct mutex *m);

/* self has just taken m, on which other threads still wait (they lost the
   race for it, or were not woken): they donate to self now. */
void donation_acquire(struct thread *self, struct mutex *m);

/* self is letting go of m: the donations of m's waiters to self end, and
   self's priority drops to what is left. Called before a waiter is woken. */
void donation_release(struct thread *self, struct mutex *m);

/* t, a waiter of m, was taken off m's queue to be woken: it waits no more. */
void donation_unblock(struct thread *t);

#endif
