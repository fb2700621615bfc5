/* A sorted list of sleeping threads: insertion walks the list (sleeps are
   few), and the timer tick looks only at the front, so ticks stay O(woken). */
#include "kernel/sched/sleepq.h"
#include "kernel/sched/sched.h"
#include "kernel/thread.h"
#include "kernel/panic.h"
#include "lib/list.h"

static struct list sleepers = LIST_INIT(sleepers);

void sleepq_add(struct thread *t, uint64_t wake_tick)
{
    ASSERT(spin_holding(&sched_lock));
    t->wake_tick = wake_tick;
    /* After every thread with the same tick: sleepers wake in the order
       they went to sleep. */
    list_for_each(n, &sleepers) {
        if (list_entry(n, struct thread, sleep_node)->wake_tick > wake_tick) {
            list_insert_before(n, &t->sleep_node);
            return;
        }
    }
    list_push_back(&sleepers, &t->sleep_node);
}

void sleepq_remove(struct thread *t)
{
    ASSERT(spin_holding(&sched_lock));
    if (list_node_linked(&t->sleep_node))
        list_remove(&t->sleep_node);
}

void sleepq_wake_expired(uint64_t now)
{
    ASSERT(spin_holding(&sched_lock));
    struct list_node *n;
    while ((n = list_front(&sleepers))) {
        struct thread *t = list_entry(n, struct thread, sleep_node);
        if (t->wake_tick > now)
            break;
        sched_wake_locked(t);       /* removes it from the queue */
    }
}
