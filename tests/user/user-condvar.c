/* Test: a bounded buffer built on the user library's mutex_t and cond_t,
   with 3 producers and 3 consumers: every item is consumed exactly once. */
// test: args=quantum=1 hz=1000
// test: expect=^PASS
// test: timeout=120
#include <thread.h>
#include <sync.h>
#include "utest.h"

#define NPRODUCERS 3
#define NCONSUMERS 3
#define PER_PRODUCER 3000
#define NITEMS (NPRODUCERS * PER_PRODUCER)
#define SLOTS 4                         /* small, so both sides often wait */

static mutex_t lock = MUTEX_INITIALIZER;
static cond_t not_empty = COND_INITIALIZER;
static cond_t not_full = COND_INITIALIZER;
static int buffer[SLOTS];
static int head, count;                 /* under lock */
static int producers_left = NPRODUCERS; /* under lock */
static volatile unsigned char consumed[NITEMS];
static int consumed_by[NCONSUMERS];

static void *producer(void *arg)
{
    int p = (int)(long)arg;
    for (int i = 0; i < PER_PRODUCER; i++) {
        mutex_lock(&lock);
        while (count == SLOTS)
            cond_wait(&not_full, &lock);
        buffer[(head + count) % SLOTS] = p * PER_PRODUCER + i;
        count++;
        cond_signal(&not_empty);
        mutex_unlock(&lock);
    }
    mutex_lock(&lock);
    producers_left--;
    /* Consumers waiting on an empty buffer must learn that nothing more comes. */
    if (producers_left == 0)
        cond_broadcast(&not_empty);
    mutex_unlock(&lock);
    return NULL;
}

static void *consumer(void *arg)
{
    int c = (int)(long)arg;
    for (;;) {
        mutex_lock(&lock);
        while (count == 0 && producers_left > 0)
            cond_wait(&not_empty, &lock);
        if (count == 0) {
            mutex_unlock(&lock);
            return NULL;
        }
        int item = buffer[head];
        head = (head + 1) % SLOTS;
        count--;
        UT_CHECK_MSG(item >= 0 && item < NITEMS, "consumed a bad item %d", item);
        UT_CHECK_MSG(consumed[item] == 0, "item %d consumed twice", item);
        consumed[item] = 1;
        cond_signal(&not_full);
        mutex_unlock(&lock);
        consumed_by[c]++;
    }
}

int main(void)
{
    thread_t p[NPRODUCERS], c[NCONSUMERS];
    for (long i = 0; i < NCONSUMERS; i++)
        UT_CHECK_EQ(thread_create(&c[i], consumer, (void *)i), 0);
    for (long i = 0; i < NPRODUCERS; i++)
        UT_CHECK_EQ(thread_create(&p[i], producer, (void *)i), 0);
    for (int i = 0; i < NPRODUCERS; i++)
        UT_CHECK_EQ(thread_join(p[i], NULL), 0);
    for (int i = 0; i < NCONSUMERS; i++)
        UT_CHECK_EQ(thread_join(c[i], NULL), 0);
    int total = 0;
    for (int i = 0; i < NITEMS; i++) {
        UT_CHECK_MSG(consumed[i] == 1, "item %d was never consumed", i);
        total++;
    }
    printf("consumed %d items: %d, %d, %d by the three consumers\n", total, consumed_by[0],
           consumed_by[1], consumed_by[2]);
    UT_CHECK_EQ(count, 0);
    printf("PASS\n");
    return 0;
}
