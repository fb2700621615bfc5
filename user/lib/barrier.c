/* A reusable barrier: the last of n threads to arrive starts a new
   generation and wakes the others. */
#include "sync.h"

void barrier_init(barrier_t *b, unsigned n)
{
    b->lock = (mutex_t)MUTEX_INITIALIZER;
    b->all_here = (cond_t)COND_INITIALIZER;
    b->n = n;
    b->arrived = 0;
    b->generation = 0;
}

/*
 * Waiters wait for the generation to change, not for arrived == n: the
 * last thread resets arrived to 0 for the next round at once, and a thread
 * that is quick to come back to the barrier must not release the ones
 * still leaving the previous round.
 */
void barrier_wait(barrier_t *b)
{
    mutex_lock(&b->lock);
    unsigned generation = b->generation;
    if (++b->arrived == b->n) {
        b->arrived = 0;
        b->generation++;
        cond_broadcast(&b->all_here);
    } else {
        while (generation == b->generation)
            cond_wait(&b->all_here, &b->lock);
    }
    mutex_unlock(&b->lock);
}
