/* Green threads' channels: unbuffered (rendezvous) or buffered queues of
   longs; a task that must wait is parked, never spinning. */
#include "green_internal.h"
#include "spindle.h"
#include "stdlib.h"

/*
 * Everything of a channel is under its lock: the ring buffer of values and
 * the two FIFO queues of parked tasks (through task->next: a parked task
 * is in exactly one queue). A task that has to wait queues itself, keeps
 * the lock, and calls green_park, whose worker releases the lock only once
 * the task's registers are saved. A partner that later takes the lock and
 * finds it queued can therefore requeue it at once (green_wake): it cannot
 * be resumed half-saved. The partner also does the parked task's work for
 * it -- hands it the value, or takes its value -- so the woken task only
 * reads its result.
 */
struct green_chan {
    mutex_t lock;
    struct green_task *receivers, *receivers_tail;  /* parked in green_chan_recv */
    struct green_task *senders, *senders_tail;      /* parked in green_chan_send, value in ->value */
    size_t capacity, count, first;                  /* buffer[first], ... count values queued */
    bool closed;
    long buffer[];
};

static void queue_push(struct green_task **head, struct green_task **tail, struct green_task *t)
{
    t->next = NULL;
    if (*tail)
        (*tail)->next = t;
    else
        *head = t;
    *tail = t;
}

static struct green_task *queue_pop(struct green_task **head, struct green_task **tail)
{
    struct green_task *t = *head;
    if (t) {
        *head = t->next;
        if (!*head)
            *tail = NULL;
    }
    return t;
}

struct green_chan *green_chan_create(size_t capacity)
{
    if (capacity > ((size_t)1 << 40))
        return NULL;
    struct green_chan *c = calloc(1, sizeof *c + capacity * sizeof(long));
    if (c)
        c->capacity = capacity;
    return c;
}

void green_chan_destroy(struct green_chan *c)
{
    free(c);
}

int green_chan_send(struct green_chan *c, long value)
{
    struct green_task *self = green_current();
    if (!self)
        return -EPERM;
    mutex_lock(&c->lock);
    if (c->closed) {
        mutex_unlock(&c->lock);
        return -EPIPE;
    }
    struct green_task *r = queue_pop(&c->receivers, &c->receivers_tail);
    if (r) {
        /* A receiver waits, so the buffer is empty: hand over directly. */
        r->value = value;
        r->result = 0;
        mutex_unlock(&c->lock);
        green_wake(r);
        return 0;
    }
    if (c->count < c->capacity) {
        c->buffer[(c->first + c->count++) % c->capacity] = value;
        mutex_unlock(&c->lock);
        return 0;
    }
    self->value = value;
    queue_push(&c->senders, &c->senders_tail, self);
    green_park(self, &c->lock);         /* a receiver (or close) sets result and wakes us */
    return self->result;
}

int green_chan_recv(struct green_chan *c, long *value)
{
    struct green_task *self = green_current();
    if (!self)
        return -EPERM;
    mutex_lock(&c->lock);
    if (c->count > 0) {
        *value = c->buffer[c->first];
        c->first = (c->first + 1) % c->capacity;
        c->count--;
        /* A slot is free: the first parked sender's value takes it. */
        struct green_task *s = queue_pop(&c->senders, &c->senders_tail);
        if (s) {
            c->buffer[(c->first + c->count++) % c->capacity] = s->value;
            s->result = 0;
        }
        mutex_unlock(&c->lock);
        if (s)
            green_wake(s);
        return 0;
    }
    struct green_task *s = queue_pop(&c->senders, &c->senders_tail);
    if (s) {
        /* Unbuffered: the rendezvous with a parked sender. */
        *value = s->value;
        s->result = 0;
        mutex_unlock(&c->lock);
        green_wake(s);
        return 0;
    }
    if (c->closed) {
        mutex_unlock(&c->lock);
        return -EPIPE;
    }
    queue_push(&c->receivers, &c->receivers_tail, self);
    green_park(self, &c->lock);         /* a sender (or close) sets value, result and wakes us */
    if (self->result == 0)
        *value = self->value;
    return self->result;
}

void green_chan_close(struct green_chan *c)
{
    mutex_lock(&c->lock);
    c->closed = true;
    struct green_task *wake = NULL, *t;
    while ((t = queue_pop(&c->receivers, &c->receivers_tail)) != NULL) {
        t->result = -EPIPE;
        t->next = wake;
        wake = t;
    }
    while ((t = queue_pop(&c->senders, &c->senders_tail)) != NULL) {
        t->result = -EPIPE;
        t->next = wake;
        wake = t;
    }
    mutex_unlock(&c->lock);
    while (wake) {
        t = wake;
        wake = t->next;             /* read before green_wake reuses ->next */
        green_wake(t);
    }
}
