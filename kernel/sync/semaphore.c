/* Counting semaphores on a wait queue (Dijkstra's P and V), with Mesa-style
   re-checking: a woken thread takes the count only if it is still positive. */
#include "kernel/sync/semaphore.h"
#include "kernel/thread.h"
#include "kernel/panic.h"

void sema_init(struct semaphore *s, long count, const char *name)
{
    ASSERT(count >= 0);
    spin_init(&s->lock, name);
    s->count = count;
    waitqueue_init(&s->waiters);
    s->name = name;
}

void sema_down(struct semaphore *s)
{
    spin_lock(&s->lock);
    while (s->count == 0)
        waitqueue_wait(&s->waiters, &s->lock, s->name);
    s->count--;
    spin_unlock(&s->lock);
}

bool sema_try_down(struct semaphore *s)
{
    spin_lock(&s->lock);
    bool got = s->count > 0;
    if (got)
        s->count--;
    spin_unlock(&s->lock);
    return got;
}

void sema_up(struct semaphore *s)
{
    spin_lock(&s->lock);
    s->count++;
    waitqueue_wake_one(&s->waiters);
    spin_unlock(&s->lock);
    thread_preempt_point();             /* the woken one may come first (sched=prio) */
}
