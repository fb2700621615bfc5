/* Condition variables with Mesa semantics: a signalled waiter is only
   made runnable, so it must re-check its condition in a loop. */
#ifndef KERNEL_SYNC_CONDVAR_H
#define KERNEL_SYNC_CONDVAR_H

#include "kernel/spinlock.h"
#include "kernel/sync/waitqueue.h"

struct mutex;

struct condvar {
    struct spinlock lock;       /* protects waiters */
    struct wait_queue waiters;
    const char *name;
};

void cond_init(struct condvar *cv, const char *name);

/* Atomically releases m (which the caller must hold) and waits on cv; holds
   m again on return. Use in a loop: while (!condition) cond_wait(cv, m); */
void cond_wait(struct condvar *cv, struct mutex *m);

/* Wakes one waiter / every waiter (if any). The caller usually holds the
   mutex, but need not. */
void cond_signal(struct condvar *cv);
void cond_broadcast(struct condvar *cv);

#endif
