/* Test: the user library's semaphores, barrier and mutex_trylock under
   preemption: a bounded buffer on semaphores loses and duplicates
   nothing, a waiter sleeps on an empty semaphore, and no thread leaves a
   barrier round before all have arrived. */
// test: args=quantum=1 hz=1000
// test: expect=^PASS
// test: timeout=120
#include <thread.h>
#include <sync.h>
#include <atomic.h>
#include "utest.h"

/* --- semaphores: 3 producers, 3 consumers, a 4-slot ring --------------- */
#define NPRODUCERS   3
#define NCONSUMERS   3
#define PER_PRODUCER 3000
#define NITEMS       (NPRODUCERS * PER_PRODUCER)
#define SLOTS        4

static sem_t empty_slots, full_slots;
static mutex_t ring_lock = MUTEX_INITIALIZER;
static int ring[SLOTS], ring_head, ring_tail;
static volatile unsigned char consumed[NITEMS];

static void *producer(void *arg)
{
    int p = (int)(long)arg;
    for (int i = 0; i < PER_PRODUCER; i++) {
        sem_wait(&empty_slots);
        mutex_lock(&ring_lock);
        ring[ring_tail] = p * PER_PRODUCER + i;
        ring_tail = (ring_tail + 1) % SLOTS;
        mutex_unlock(&ring_lock);
        sem_post(&full_slots);
    }
    return NULL;
}

static void *consumer(void *arg)
{
    long n = (long)arg;                 /* how many items this one takes */
    for (long i = 0; i < n; i++) {
        sem_wait(&full_slots);
        mutex_lock(&ring_lock);
        int item = ring[ring_head];
        ring_head = (ring_head + 1) % SLOTS;
        mutex_unlock(&ring_lock);
        sem_post(&empty_slots);
        if (item < 0 || item >= NITEMS || consumed[item]++)
            return (void *)(long)(item + 1);        /* out of range or twice */
    }
    return NULL;
}

static void semaphore_ring(void)
{
    sem_init(&empty_slots, SLOTS);
    sem_init(&full_slots, 0);
    thread_t t[NPRODUCERS + NCONSUMERS];
    for (long i = 0; i < NPRODUCERS; i++)
        UT_CHECK_EQ(thread_create(&t[i], producer, (void *)i), 0);
    for (int i = 0; i < NCONSUMERS; i++)
        UT_CHECK_EQ(thread_create(&t[NPRODUCERS + i], consumer, (void *)(long)(NITEMS / NCONSUMERS)), 0);
    for (int i = 0; i < NPRODUCERS + NCONSUMERS; i++) {
        void *ret;
        UT_CHECK_EQ(thread_join(t[i], &ret), 0);
        UT_CHECK_MSG(ret == NULL, "consumer got item %ld twice or out of range", (long)ret - 1);
    }
    for (int i = 0; i < NITEMS; i++)
        UT_CHECK_MSG(consumed[i] == 1, "item %d consumed %d times", i, consumed[i]);
    UT_CHECK_EQ(full_slots.count, 0);
    UT_CHECK_EQ(empty_slots.count, SLOTS);
}

/* A sem_wait on a zero count sleeps in the kernel until a post. */
static sem_t gate;
static volatile int passed_gate;

static void *gate_waiter(void *arg)
{
    (void)arg;
    sem_wait(&gate);
    atomic_store(&passed_gate, 1);
    return NULL;
}

static void semaphore_sleeps(void)
{
    sem_init(&gate, 0);
    thread_t t;
    UT_CHECK_EQ(thread_create(&t, gate_waiter, NULL), 0);
    UT_CHECK_MSG(ut_wait_blocked(t, 10000), "sem_wait on a zero semaphore did not sleep");
    UT_CHECK_EQ(atomic_load(&passed_gate), 0);
    sem_post(&gate);
    UT_CHECK_EQ(thread_join(t, NULL), 0);
    UT_CHECK_EQ(atomic_load(&passed_gate), 1);
}

/* --- barrier: 4 threads, 300 rounds ----------------------------------- */
#define BARRIER_THREADS 4
#define ROUNDS 300

static barrier_t barrier;
static volatile int arrived[ROUNDS];

static void *barrier_worker(void *arg)
{
    (void)arg;
    for (int r = 0; r < ROUNDS; r++) {
        atomic_fetch_add_int(&arrived[r], 1);
        barrier_wait(&barrier);
        /* Everyone has arrived for round r before anyone gets here. */
        if (atomic_load(&arrived[r]) != BARRIER_THREADS)
            return (void *)(long)(r + 1);
    }
    return NULL;
}

static void barrier_rounds(void)
{
    barrier_init(&barrier, BARRIER_THREADS);
    thread_t t[BARRIER_THREADS];
    for (int i = 0; i < BARRIER_THREADS; i++)
        UT_CHECK_EQ(thread_create(&t[i], barrier_worker, NULL), 0);
    for (int i = 0; i < BARRIER_THREADS; i++) {
        void *ret;
        UT_CHECK_EQ(thread_join(t[i], &ret), 0);
        UT_CHECK_MSG(ret == NULL, "a thread left round %ld before all had arrived",
                     (long)ret - 1);
    }
}

static void trylock(void)
{
    mutex_t m = MUTEX_INITIALIZER;
    UT_CHECK_EQ(mutex_trylock(&m), 1);
    UT_CHECK_EQ(mutex_trylock(&m), 0);
    mutex_unlock(&m);
    UT_CHECK_EQ(m.state, 0);
    UT_CHECK_EQ(mutex_trylock(&m), 1);
    mutex_unlock(&m);
}

int main(void)
{
    trylock();
    semaphore_sleeps();
    semaphore_ring();
    barrier_rounds();
    printf("PASS\n");
    return 0;
}
