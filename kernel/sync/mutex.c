/* Mutexes built on a wait queue. Unlock does not hand the mutex to the
   woken thread: whoever locks first wins (as in Linux); the woken one retries. */
#include "kernel/sync/mutex.h"
#include "kernel/thread.h"
#include "kernel/panic.h"

void mutex_init(struct mutex *m, const char *name)
{
    spin_init(&m->lock, name);
    m->owner = 0;
    waitqueue_init(&m->waiters);
    m->name = name;
    list_node_init(&m->held_node);
}

/* Records that the calling thread owns m. m->lock held. */
static void take(struct mutex *m, struct thread *self)
{
    m->owner = self;
    list_push_back(&self->held_mutexes, &m->held_node);
}

void mutex_lock(struct mutex *m)
{
    struct thread *self = thread_current();
    spin_lock(&m->lock);
    if (m->owner == self)
        panic("mutex: thread '%s' locks mutex '%s', which it already holds", self->name, m->name);
    while (m->owner)
        waitqueue_wait(&m->waiters, &m->lock, m->name);
    take(m, self);
    spin_unlock(&m->lock);
}

bool mutex_trylock(struct mutex *m)
{
    struct thread *self = thread_current();
    spin_lock(&m->lock);
    bool got = !m->owner;
    if (got)
        take(m, self);
    spin_unlock(&m->lock);
    return got;
}

void mutex_unlock(struct mutex *m)
{
    struct thread *self = thread_current();
    spin_lock(&m->lock);
    if (m->owner != self)
        panic("mutex: thread '%s' unlocks mutex '%s', which is %s%s%s", self->name, m->name,
              m->owner ? "held by thread '" : "not locked", m->owner ? m->owner->name : "",
              m->owner ? "'" : "");
    m->owner = 0;
    list_remove(&m->held_node);
    waitqueue_wake_one(&m->waiters);
    spin_unlock(&m->lock);
}

bool mutex_held(struct mutex *m)
{
    return __atomic_load_n(&m->owner, __ATOMIC_RELAXED) == thread_current();
}
