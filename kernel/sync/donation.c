/* Priority donation through mutexes: effective priority = max(base, what
   the waiters of the mutexes a thread holds donate), passed along chains. */
#include "kernel/sync/donation.h"
#include "kernel/sync/mutex.h"
#include "kernel/sched/sched.h"
#include "kernel/sched/policy.h"
#include "kernel/thread.h"
#include "kernel/panic.h"

/* LAB prio BEGIN: priority donation: nested, chained, several donors, undone on release */

/*
 * What a thread is donated is a multiset of priorities: donations[p] counts
 * the waiters (of any of the mutexes it holds) whose effective priority p
 * it was given, and bit p of donation_levels says donations[p] > 0. The
 * highest donation is then the highest set bit, found in O(1) without
 * looking at the mutexes the thread holds -- which their own spinlocks
 * protect, not sched_lock. Each waiter remembers the level it is counted
 * at (donated_priority), so that the count can be moved when its own
 * priority changes or taken back when the owner lets the mutex go.
 */

static void level_add(struct thread *t, int priority)
{
    ASSERT(priority >= PRIORITY_MIN && priority <= PRIORITY_MAX);
    if (t->donations[priority]++ == 0)
        t->donation_levels |= 1ull << priority;
}

static void level_remove(struct thread *t, int priority)
{
    ASSERT(priority >= PRIORITY_MIN && priority <= PRIORITY_MAX);
    ASSERT(t->donations[priority] > 0);
    if (--t->donations[priority] == 0)
        t->donation_levels &= ~(1ull << priority);
}

/* The highest priority t is donated, or -1 if none. */
static int highest_donation(const struct thread *t)
{
    return t->donation_levels ? 63 - __builtin_clzll(t->donation_levels) : -1;
}

void donation_refresh(struct thread *t)
{
    ASSERT(spin_holding(&sched_lock));
    /* Walk up the chain: t waits for a mutex whose owner waits for
       another... Each step is one mutex; it stops where nothing changes. */
    for (int depth = 0; t && depth <= DONATION_DEPTH_MAX; depth++) {
        int old = t->priority;
        int donated = highest_donation(t);
        int now = donated > t->base_priority ? donated : t->base_priority;
        if (now == old)
            return;
        t->priority = now;
        if (sched_policy->priority_changed)
            sched_policy->priority_changed(t->cpu, t, old);
        /* Counted in the owner of the mutex it waits for: move the count. */
        struct mutex *m = t->blocked_on;
        if (!m || t->donated_priority < 0)
            return;
        struct thread *owner = m->owner;
        ASSERT(owner);
        level_remove(owner, t->donated_priority);
        level_add(owner, now);
        t->donated_priority = now;
        t = owner;
    }
}

void donation_block(struct thread *self, struct mutex *m)
{
    ASSERT(spin_holding(&sched_lock) && spin_holding(&m->lock));
    ASSERT(m->owner && m->owner != self);
    self->blocked_on = m;
    self->donated_priority = self->priority;
    level_add(m->owner, self->priority);
    donation_refresh(m->owner);
}

void donation_acquire(struct thread *self, struct mutex *m)
{
    ASSERT(spin_holding(&sched_lock) && spin_holding(&m->lock) && m->owner == self);
    list_for_each(n, &m->waiters.waiters) {
        struct thread *w = list_entry(n, struct thread, wait_node);
        ASSERT(w->blocked_on == m && w->donated_priority < 0);
        w->donated_priority = w->priority;
        level_add(self, w->priority);
    }
    donation_refresh(self);
}

void donation_release(struct thread *self, struct mutex *m)
{
    ASSERT(spin_holding(&sched_lock) && spin_holding(&m->lock));
    list_for_each(n, &m->waiters.waiters) {
        struct thread *w = list_entry(n, struct thread, wait_node);
        if (w->donated_priority >= 0) {
            level_remove(self, w->donated_priority);
            w->donated_priority = -1;   /* until a new owner takes m */
        }
    }
    donation_refresh(self);
}

void donation_unblock(struct thread *t)
{
    ASSERT(spin_holding(&sched_lock));
    ASSERT(t->donated_priority < 0);    /* donation_release took it back */
    t->blocked_on = 0;
}

/* LAB prio STUB
void donation_refresh(struct thread *t)
{
    int old = t->priority;
    t->priority = t->base_priority;
    if (t->priority != old && sched_policy->priority_changed)
        sched_policy->priority_changed(t->cpu, t, old);
}

void donation_block(struct thread *self, struct mutex *m)
{
    (void)self;
    (void)m;
}

void donation_acquire(struct thread *self, struct mutex *m)
{
    (void)self;
    (void)m;
}

void donation_release(struct thread *self, struct mutex *m)
{
    (void)self;
    (void)m;
}

void donation_unblock(struct thread *t)
{
    (void)t;
}
*/
/* LAB prio END */
