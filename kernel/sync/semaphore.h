/* Counting semaphores: down waits until the count is positive and takes
   one; up adds one and wakes a waiter. */
#ifndef KERNEL_SYNC_SEMAPHORE_H
#define KERNEL_SYNC_SEMAPHORE_H

#include <stdbool.h>
#include "kernel/spinlock.h"
#include "kernel/sync/waitqueue.h"

struct semaphore {
    struct spinlock lock;       /* protects count and waiters */
    long count;
    struct wait_queue waiters;
    const char *name;
};

#define SEMAPHORE_INIT(s, c, n) { SPINLOCK_INIT(n), (c), WAIT_QUEUE_INIT((s).waiters), (n) }

/* count >= 0 */
void sema_init(struct semaphore *s, long count, const char *name);
/* Waits until the count is positive, then decrements it. No spinlock held. */
void sema_down(struct semaphore *s);
/* Decrements the count if positive; returns whether it did. Never sleeps. */
bool sema_try_down(struct semaphore *s);
/* Increments the count and wakes one waiter. Safe from interrupt handlers. */
void sema_up(struct semaphore *s);

#endif
