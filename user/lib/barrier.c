/* A reusable barrier: the last of n threads to arrive starts a new
   generation and wakes the others, which sleep on the generation word. */
#include "sync.h"
#include "futex.h"

void barrier_init(barrier_t *b, unsigned n)
{
    b->arrived = 0;
    b->generation = 0;
    b->n = n;
}

/*
 * Waiters wait for the generation to change, not for arrived == n: the
 * last thread resets arrived to 0 for the next round at once, and a thread
 * that is quick to come back to the barrier must not release the ones
 * still leaving the previous round.
 *
 * A thread reads the generation before it counts itself: until it has
 * arrived the round cannot end, so what it read is its own round's. The
 * last thread resets `arrived` before it moves the generation on, and no
 * thread arrives for the next round before it has seen that move, so the
 * reset never erases a next-round arrival. futex_wait sleeps only while
 * the generation is still the one read (the kernel checks that atomically
 * with going to sleep), so a wake between the check and the sleep is not
 * lost. Built on the futex directly rather than on mutex_t and cond_t,
 * whose mutex is a lab exercise (lib_lock.h).
 */
void barrier_wait(barrier_t *b)
{
    uint32_t generation = futex_load(&b->generation);
    if (futex_fetch_add(&b->arrived, 1) + 1 == b->n) {
        futex_store(&b->arrived, 0);
        futex_fetch_add(&b->generation, 1);
        futex_wake(&b->generation, FUTEX_WAKE_ALL);
    } else {
        while (futex_load(&b->generation) == generation)
            futex_wait(&b->generation, generation);
    }
}
