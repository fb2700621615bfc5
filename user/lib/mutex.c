/* The futex mutex (Drepper, "Futexes Are Tricky", 2011, mutex 3): lock and
   unlock are one atomic instruction when nobody waits; only contention
   enters the kernel. */
#include "sync.h"
#include "futex.h"

/*
 * state: 0 free, 1 locked and nobody waits, 2 locked and someone may be
 * asleep in futex_wait. A thread that has to wait always sets 2, so the
 * unlock that follows knows it must wake somebody; the price is at most
 * one needless wake after the last waiter got the lock.
 */
void mutex_lock(mutex_t *m)
{
    uint32_t c = 0;
    if (futex_cas(&m->state, &c, 1))
        return;                     /* fast path: it was free */
    if (c != 2)
        c = futex_exchange(&m->state, 2);
    while (c != 0) {
        futex_wait(&m->state, 2);   /* returns at once if it is no longer 2 */
        c = futex_exchange(&m->state, 2);
    }
}

int mutex_trylock(mutex_t *m)
{
    uint32_t c = 0;
    return futex_cas(&m->state, &c, 1);
}

void mutex_unlock(mutex_t *m)
{
    /* 1 -> 0: nobody waited, done. 2 -> 1: set 0 and wake one waiter,
       which will set 2 again (it cannot know if others wait). */
    if (futex_fetch_sub(&m->state, 1) != 1) {
        futex_store(&m->state, 0);
        futex_wake(&m->state, 1);
    }
}
