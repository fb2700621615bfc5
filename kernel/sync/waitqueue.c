/* Wait queues. A waiter puts itself on the list under the owner's lock and
   blocks through sched_block, which lets go of that lock only once the
   scheduler lock is held, so a wake-up can never fall between the two. */
#include "kernel/sync/waitqueue.h"
#include "kernel/sched/sched.h"
#include "kernel/thread.h"
#include "kernel/panic.h"
#include "lib/errno.h"

void waitqueue_init(struct wait_queue *wq)
{
    list_init(&wq->waiters);
}

void waitqueue_wait(struct wait_queue *wq, struct spinlock *lock, const char *channel)
{
    ASSERT(spin_holding(lock));
    struct thread *t = thread_current();
    list_push_back(&wq->waiters, &t->wait_node);
    sched_block(THREAD_BLOCKED, channel, lock);
    /* A waker removed us from the list before waking us. */
    ASSERT(!list_node_linked(&t->wait_node));
}

int waitqueue_wait_interruptible(struct wait_queue *wq, struct spinlock *lock,
                                 const char *channel, uint64_t wake_tick)
{
    ASSERT(spin_holding(lock));
    struct thread *t = thread_current();
    list_push_back(&wq->waiters, &t->wait_node);
    t->interruptible = true;
    sched_block_until(THREAD_BLOCKED, channel, lock, wake_tick);
    t->interruptible = false;
    if (!list_node_linked(&t->wait_node))
        return 0;                       /* a waker took us off the queue */
    list_remove(&t->wait_node);
    return t->kill_pending ? -EINTR : -ETIMEDOUT;
}

/* Wakes t, which the caller has just taken off a wait queue. */
static void wake(struct thread *t)
{
    spin_lock(&sched_lock);
    sched_wake_locked(t);
    spin_unlock(&sched_lock);
}

void waitqueue_wake_thread(struct thread *t)
{
    list_remove(&t->wait_node);
    wake(t);
}

int waitqueue_wake_all_locked(struct wait_queue *wq)
{
    ASSERT(spin_holding(&sched_lock));
    int n = 0;
    struct list_node *node;
    while ((node = list_pop_front(&wq->waiters))) {
        sched_wake_locked(list_entry(node, struct thread, wait_node));
        n++;
    }
    return n;
}

/* The waiter that a wake-one wakes: the one of highest effective priority
   (donations included), the first of them if several. sched_lock held,
   which protects priorities. */
static struct thread *pick_waiter(struct wait_queue *wq)
{
/* LAB prio BEGIN: wake the waiter of highest (effective) priority first, FIFO among equals */
    struct thread *best = 0;
    list_for_each(n, &wq->waiters) {
        struct thread *t = list_entry(n, struct thread, wait_node);
        if (!best || t->priority > best->priority)  /* '>': an equal one queued later waits */
            best = t;
    }
    return best;
/* LAB prio STUB
    struct list_node *first = list_front(&wq->waiters);
    return first ? list_entry(first, struct thread, wait_node) : 0;
*/
/* LAB prio END */
}

struct thread *waitqueue_wake_one_locked(struct wait_queue *wq)
{
    ASSERT(spin_holding(&sched_lock));
    struct thread *t = pick_waiter(wq);
    if (t) {
        list_remove(&t->wait_node);
        sched_wake_locked(t);
    }
    return t;
}

struct thread *waitqueue_wake_one(struct wait_queue *wq)
{
    spin_lock(&sched_lock);
    struct thread *t = waitqueue_wake_one_locked(wq);
    spin_unlock(&sched_lock);
    return t;
}

int waitqueue_wake_all(struct wait_queue *wq)
{
    int n = 0;
    struct list_node *node;
    while ((node = list_pop_front(&wq->waiters))) {
        wake(list_entry(node, struct thread, wait_node));
        n++;
    }
    return n;
}
