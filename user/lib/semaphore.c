/* Counting semaphores on a futex: the count is the futex word, and posts
   enter the kernel only when someone may be asleep. */
#include "sync.h"
#include "futex.h"

void sem_init(sem_t *s, unsigned value)
{
    s->count = value;
    s->waiters = 0;
}

/*
 * A waiter announces itself in `waiters` before it sleeps on count == 0;
 * a poster raises count before it reads `waiters`. Both are sequentially
 * consistent, so either the poster sees the waiter (and wakes it) or the
 * waiter's futex_wait sees the raised count (and does not sleep).
 */
void sem_wait(sem_t *s)
{
    for (;;) {
        uint32_t c = futex_load(&s->count);
        while (c > 0)
            if (futex_cas(&s->count, &c, c - 1))
                return;             /* on failure c is reloaded: try again */
        futex_fetch_add(&s->waiters, 1);
        futex_wait(&s->count, 0);
        futex_fetch_sub(&s->waiters, 1);
    }
}

void sem_post(sem_t *s)
{
    futex_fetch_add(&s->count, 1);
    if (futex_load(&s->waiters) > 0)
        futex_wake(&s->count, 1);
}
