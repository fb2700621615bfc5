/* Condition variables on a futex sequence counter: a waiter sleeps until
   the counter moves, and every signal moves it. */
#include "sync.h"
#include "futex.h"

/*
 * The waiter reads seq while it still holds the mutex, then unlocks and
 * sleeps only if seq is unchanged. A signal sent after the unlock changes
 * seq first, so the futex_wait returns at once instead of missing it (the
 * lost wake-up that a plain "unlock; sleep" would have). As with every
 * Mesa-style condition variable, the caller re-checks its condition in a
 * loop: wake-ups can be spurious.
 */
void cond_wait(cond_t *c, mutex_t *m)
{
    uint32_t seq = futex_load(&c->seq);
    mutex_unlock(m);
    futex_wait(&c->seq, seq);
    mutex_lock(m);
}

void cond_signal(cond_t *c)
{
    futex_fetch_add(&c->seq, 1);
    futex_wake(&c->seq, 1);
}

void cond_broadcast(cond_t *c)
{
    futex_fetch_add(&c->seq, 1);
    futex_wake(&c->seq, FUTEX_WAKE_ALL);
}
