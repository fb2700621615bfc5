/* Condition variables. The waiter joins the queue before it lets go of the
   mutex, under the condvar's own lock, so a signal sent after the mutex is
   released always finds it: no lost wake-up. */
#include "kernel/sync/condvar.h"
#include "kernel/sync/mutex.h"
#include "kernel/thread.h"
#include "kernel/panic.h"

void cond_init(struct condvar *cv, const char *name)
{
    spin_init(&cv->lock, name);
    waitqueue_init(&cv->waiters);
    cv->name = name;
}

void cond_wait(struct condvar *cv, struct mutex *m)
{
    if (!mutex_held(m))
        panic("condvar: thread '%s' waits on '%s' without holding mutex '%s'",
              thread_current()->name, cv->name, m->name);
    spin_lock(&cv->lock);
    mutex_unlock(m);
    waitqueue_wait(&cv->waiters, &cv->lock, cv->name);
    spin_unlock(&cv->lock);
    mutex_lock(m);
}

void cond_signal(struct condvar *cv)
{
    spin_lock(&cv->lock);
    waitqueue_wake_one(&cv->waiters);
    spin_unlock(&cv->lock);
    thread_preempt_point();             /* a woken one may come first (sched=prio) */
}

void cond_broadcast(struct condvar *cv)
{
    spin_lock(&cv->lock);
    waitqueue_wake_all(&cv->waiters);
    spin_unlock(&cv->lock);
    thread_preempt_point();             /* a woken one may come first (sched=prio) */
}
