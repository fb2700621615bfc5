/* A FIFO queue of runnable threads with its length: the building block of
   the simple policies (rr, fifo) and of each level of a multilevel queue. */
#ifndef KERNEL_SCHED_THREAD_QUEUE_H
#define KERNEL_SCHED_THREAD_QUEUE_H

#include "kernel/thread.h"
#include "lib/list.h"

struct thread_queue {
    struct list list;           /* threads, through thread.run_node */
    int length;
};

static inline void thread_queue_init(struct thread_queue *q)
{
    list_init(&q->list);
    q->length = 0;
}

static inline void thread_queue_push_back(struct thread_queue *q, struct thread *t)
{
    list_push_back(&q->list, &t->run_node);
    q->length++;
}

static inline void thread_queue_push_front(struct thread_queue *q, struct thread *t)
{
    list_push_front(&q->list, &t->run_node);
    q->length++;
}

static inline void thread_queue_remove(struct thread_queue *q, struct thread *t)
{
    list_remove(&t->run_node);
    q->length--;
}

/* The thread at the front, removed from the queue; NULL if empty. */
static inline struct thread *thread_queue_pop(struct thread_queue *q)
{
    struct list_node *n = list_pop_front(&q->list);
    if (!n)
        return 0;
    q->length--;
    return list_entry(n, struct thread, run_node);
}

#endif
