/* Mutexes built on a wait queue. Unlock does not hand the mutex to the
   woken thread: whoever locks first wins (as in Linux); the woken one retries. */
#include "kernel/sync/mutex.h"
#include "kernel/sync/donation.h"
#include "kernel/sched/sched.h"
#include "kernel/thread.h"
#include "kernel/panic.h"
#include "lib/string.h"
#include "lib/format.h"

/*
 * Priority donation (sync/donation.c) reads the owner of every mutex along
 * a chain with only sched_lock held. So whenever a mutex has waiters, its
 * owner changes only under sched_lock as well as m->lock; a mutex without
 * waiters (the common case) is taken and released without sched_lock,
 * because no donation can lead to it.
 */

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
    spin_lock(&self->held_lock);
    list_push_back(&self->held_mutexes, &m->held_node);
    spin_unlock(&self->held_lock);
    if (waitqueue_empty(&m->waiters)) {
        m->owner = self;
        return;
    }
    /* Threads still wait (not woken, or they lost the race): they donate. */
    spin_lock(&sched_lock);
    m->owner = self;
    donation_acquire(self, m);
    spin_unlock(&sched_lock);
}

void mutex_lock(struct mutex *m)
{
    struct thread *self = thread_current();
    spin_lock(&m->lock);
    if (m->owner == self)
        panic("mutex: thread '%s' locks mutex '%s', which it already holds", self->name, m->name);
    while (m->owner) {
        /* Lend our priority to the owner before we sleep; m->lock, held
           until we are on the queue, keeps the owner from leaving first. */
        spin_lock(&sched_lock);
        donation_block(self, m);
        spin_unlock(&sched_lock);
        waitqueue_wait(&m->waiters, &m->lock, m->name);
    }
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
    spin_lock(&self->held_lock);
    list_remove(&m->held_node);
    spin_unlock(&self->held_lock);
    if (waitqueue_empty(&m->waiters)) {
        m->owner = 0;
        spin_unlock(&m->lock);
        return;
    }
    spin_lock(&sched_lock);
    m->owner = 0;
    /* Our donations from m's waiters end (our priority may drop), then the
       waiter of highest priority is woken. */
    donation_release(self, m);
    struct thread *woken = waitqueue_wake_one_locked(&m->waiters);
    donation_unblock(woken);
    spin_unlock(&sched_lock);
    spin_unlock(&m->lock);
    /* The woken thread, or one we kept waiting by our donated priority,
       may deserve the CPU more than we do now (sched=prio). */
    thread_preempt_point();
}

bool mutex_held(struct mutex *m)
{
    return __atomic_load_n(&m->owner, __ATOMIC_RELAXED) == thread_current();
}

void mutex_thread_init(struct thread *t)
{
    list_init(&t->held_mutexes);
    spin_init(&t->held_lock, "held-mutexes");
}

int mutex_held_names(struct thread *t, char *buf, int size)
{
    static const char more[] = "...";
    ASSERT(size > (int)sizeof more);
    int count = 0, used = 0;
    bool cut = false;
    buf[0] = '\0';
    spin_lock(&t->held_lock);
    list_for_each(n, &t->held_mutexes) {
        const char *name = list_entry(n, struct mutex, held_node)->name;
        int need = (count ? 1 : 0) + (int)strlen(name);
        count++;
        if (cut)
            continue;
        /* Keep room for "..." in case a later name does not fit. */
        if (used + need > size - (int)sizeof more) {
            cut = true;
            continue;
        }
        sformat(buf + used, (size_t)(size - used), "%s%s", used ? "," : "", name);
        used += need;
    }
    spin_unlock(&t->held_lock);
    if (cut)
        strlcpy(buf + used, more, (size_t)(size - used));
    return count;
}
