/* Sleeping mutexes: a thread that finds the mutex taken blocks instead of
   spinning. Only the owner may unlock. Not for interrupt handlers. */
#ifndef KERNEL_SYNC_MUTEX_H
#define KERNEL_SYNC_MUTEX_H

#include <stdbool.h>
#include "kernel/spinlock.h"
#include "kernel/sync/waitqueue.h"

struct thread;

struct mutex {
    struct spinlock lock;       /* protects owner and waiters */
    struct thread *owner;       /* NULL when free */
    struct wait_queue waiters;
    const char *name;
    struct list_node held_node; /* in owner->held_mutexes */
};

#define MUTEX_INIT(m, n) { SPINLOCK_INIT(n), 0, WAIT_QUEUE_INIT(m.waiters), (n), { 0, 0 } }

void mutex_init(struct mutex *m, const char *name);

/* Takes m, sleeping while another thread owns it. Panics if the caller
   already owns it or holds a spinlock. */
void mutex_lock(struct mutex *m);

/* Takes m if it is free; returns whether it did. Never sleeps. */
bool mutex_trylock(struct mutex *m);

/* Releases m and wakes one waiter. Panics, naming the mutex and both
   threads, unless the caller owns it. */
void mutex_unlock(struct mutex *m);

/* True if the calling thread owns m. */
bool mutex_held(struct mutex *m);

/* Prepares t's list of held mutexes (empty). Before t is used. */
void mutex_thread_init(struct thread *t);

/* Writes the names of the mutexes t holds, in the order it took them,
   comma-separated, into buf (size bytes, NUL-terminated; "..." at the end
   if they do not fit; "" if it holds none). Returns how many it holds.
   Any context, any locks held (it takes only t's leaf lock): for thread
   dumps from an interrupt handler. */
int mutex_held_names(struct thread *t, char *buf, int size);

#endif
