/* Wait queues: where threads block until another thread wakes them. The
   building block of mutexes, semaphores, condition variables and joins. */
#ifndef KERNEL_SYNC_WAITQUEUE_H
#define KERNEL_SYNC_WAITQUEUE_H

#include <stdint.h>
#include "lib/list.h"

struct spinlock;
struct thread;

/* A wait queue is protected by a spinlock of its owner's (a mutex's lock,
   a semaphore's lock...), which every caller below must hold. */
struct wait_queue {
    struct list waiters;        /* threads, through thread.wait_node, FIFO */
};

#define WAIT_QUEUE_INIT(wq) { LIST_INIT((wq).waiters) }

void waitqueue_init(struct wait_queue *wq);

/* Blocks the calling thread on wq until woken. lock protects wq and must
   be held (and be the only spinlock held); it is released while the thread
   sleeps and held again on return. channel names what it waits for (shown
   in the thread dump). Spurious wake-ups are possible: re-check in a loop. */
void waitqueue_wait(struct wait_queue *wq, struct spinlock *lock, const char *channel);

/* Like waitqueue_wait, but the wait can end three ways: woken (returns 0),
   the caller's process is being killed (-EINTR), or the tick wake_tick
   came first (-ETIMEDOUT; 0 means no timeout). On every return the caller
   is off the queue. */
int waitqueue_wait_interruptible(struct wait_queue *wq, struct spinlock *lock,
                                 const char *channel, uint64_t wake_tick);

/* Wakes t, which waits on a queue whose lock the caller holds. */
void waitqueue_wake_thread(struct thread *t);

/* waitqueue_wake_all for a queue protected by sched_lock itself (held). */
int waitqueue_wake_all_locked(struct wait_queue *wq);

/* Wakes the waiter of highest priority (the first of them, if several):
   equal priorities wake in FIFO order. Returns it, or NULL if none waits. */
struct thread *waitqueue_wake_one(struct wait_queue *wq);

/* waitqueue_wake_one with sched_lock held too (the caller holds both the
   queue's lock and sched_lock, e.g. to update priority donations). */
struct thread *waitqueue_wake_one_locked(struct wait_queue *wq);

/* Wakes every waiter; returns how many. */
int waitqueue_wake_all(struct wait_queue *wq);

/* True if nobody waits. */
static inline int waitqueue_empty(const struct wait_queue *wq)
{
    return list_empty(&wq->waiters);
}

#endif
