/* A FIFO queue of runnable threads: the building block of the simple
   policies (rr, fifo) and of each level of a multilevel queue. */
#ifndef KERNEL_SCHED_THREAD_QUEUE_H
#define KERNEL_SCHED_THREAD_QUEUE_H

#include "kernel/thread.h"

/*
 * Singly linked through thread.queue_next, with head and tail pointers.
 * Pushing and popping touch only the queue, the thread pushed or popped,
 * and the old tail (which ran a moment ago): with 1,000 threads queued, a
 * switch then touches no thread's memory that is cold. (A doubly linked
 * list would also write into the thread *after* the one popped.)
 */
struct thread_queue {
    struct thread *head, *tail;
    int length;
};

static inline void thread_queue_init(struct thread_queue *q)
{
    q->head = q->tail = 0;
    q->length = 0;
}

static inline void thread_queue_push_back(struct thread_queue *q, struct thread *t)
{
    t->queue_next = 0;
    if (q->tail)
        q->tail->queue_next = t;
    else
        q->head = t;
    q->tail = t;
    q->length++;
}

static inline void thread_queue_push_front(struct thread_queue *q, struct thread *t)
{
    t->queue_next = q->head;
    q->head = t;
    if (!q->tail)
        q->tail = t;
    q->length++;
}

/* The thread at the front, removed from the queue; NULL if empty. O(1). */
static inline struct thread *thread_queue_pop(struct thread_queue *q)
{
    struct thread *t = q->head;
    if (!t)
        return 0;
    q->head = t->queue_next;
    if (!q->head)
        q->tail = 0;
    t->queue_next = 0;
    q->length--;
    return t;
}

/* Removes t from anywhere in the queue: O(length), for the rare cases
   (moving a thread to another CPU), never for picking the next thread. */
static inline void thread_queue_remove(struct thread_queue *q, struct thread *t)
{
    struct thread **link = &q->head, *prev = 0;
    while (*link && *link != t) {
        prev = *link;
        link = &(*link)->queue_next;
    }
    if (!*link)
        return;
    *link = t->queue_next;
    if (q->tail == t)
        q->tail = prev;
    t->queue_next = 0;
    q->length--;
}

/* The first thread in q that may run on cpu, removed from q; NULL if none.
   O(length): for load balancing, when a CPU is idle anyway. */
static inline struct thread *thread_queue_steal(struct thread_queue *q, int cpu)
{
    for (struct thread *t = q->head; t; t = t->queue_next) {
        if (thread_can_run_on(t, cpu)) {
            thread_queue_remove(q, t);
            return t;
        }
    }
    return 0;
}

#endif
