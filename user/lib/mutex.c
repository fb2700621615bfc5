/* The futex mutex (Drepper, "Futexes Are Tricky", 2011, mutex 3): lock and
   unlock are one atomic instruction when nobody waits (those fast paths are
   inline in sync.h); only contention enters the kernel. Its slow paths are
   part of the synchronization lab (docs/labs/sync.md). */
#include "sync.h"
#include "futex.h"
#include "atomic.h"

/*
 * state: 0 free, 1 locked and nobody waits, 2 locked and someone may be
 * asleep in futex_wait. A thread that has to wait always sets 2, so the
 * unlock that follows knows it must wake somebody; the price is at most
 * one needless wake after the last waiter got the lock.
 *
 * The user library's own data (the heap, the thread records, the stack
 * cache) is not locked with mutex_t but with lib_lock.h's lock, so that a
 * mutex under construction in the lab cannot break malloc or thread_create.
 */
/*
 * Before it sleeps, a waiter spins a little (an "adaptive" mutex, as Rust's
 * standard Mutex and glibc's PTHREAD_MUTEX_ADAPTIVE_NP do): most critical
 * sections are short, and when the holder is running on another CPU it
 * lets go within a few hundred nanoseconds, far sooner than a futex_wait
 * and the futex_wake it then needs (two system calls and two switches).
 * It spins only while the state is 1: once somebody sleeps (2), newcomers
 * join the sleepers instead of overtaking them for ever. A holder that is
 * not running (preempted, or asleep inside its critical section) keeps
 * the mutex longer than MUTEX_SPINS rounds, and then the waiter sleeps.
 */
#define MUTEX_SPINS 100

/* mutex_lock (inline in sync.h) found the mutex taken: its compare-and-swap
   0 -> 1 failed and c is the state it saw (1 or 2). */
void mutex_lock_contended(mutex_t *m, uint32_t c)
{
    for (int spins = 0; spins < MUTEX_SPINS && c == 1; spins++) {
        cpu_pause();
        c = futex_load(&m->state);
        if (c == 0 && futex_cas(&m->state, &c, 1))
            return;                 /* freed while we spun */
    }
    /* LAB sync BEGIN: mutex_lock's slow path: c is the state seen (1 or 2); mark the mutex contended (2) and sleep in futex_wait until you take it */
    if (c != 2)
        c = futex_exchange(&m->state, 2);
    while (c != 0) {
        futex_wait(&m->state, 2);   /* returns at once if it is no longer 2 */
        c = futex_exchange(&m->state, 2);
    }
    /* LAB sync STUB
    (void)c;
    futex_store(&m->state, 1);
    */
    /* LAB sync END */
}

int mutex_trylock(mutex_t *m)
{
    uint32_t c = 0;
    return futex_cas(&m->state, &c, 1);
}

/* mutex_unlock (inline in sync.h) took the state from 2 to 1: somebody
   may be asleep in futex_wait. */
void mutex_unlock_contended(mutex_t *m)
{
    /* LAB sync BEGIN: mutex_unlock's slow path: the state was 2 (now 1): free the mutex and wake one sleeper */
    /* 2 -> 1: set 0 and wake one waiter, which will set 2 again (it
       cannot know if others wait). */
    futex_store(&m->state, 0);
    futex_wake(&m->state, 1);
    /* LAB sync STUB
    futex_store(&m->state, 0);
    */
    /* LAB sync END */
}
