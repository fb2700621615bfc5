/* User-space locks: a spinlock, a futex-based mutex that stays out of the
   kernel when uncontended, condition variables, semaphores and a barrier. */
#ifndef USER_SYNC_H
#define USER_SYNC_H

#include <stdbool.h>
#include <stdint.h>
#include "atomic.h"

/*
 * The fast paths of spin_lock/unlock and mutex_lock/unlock -- one atomic
 * instruction each -- are inline here, and only waiting is a call into
 * user/lib. Uncontended, a call and its return cost more than the lock
 * itself: under QEMU's TCG every call and `ret` ends a translated block,
 * and race_spinlock_t2 on one CPU went from 27 to 3.8 ns per increment
 * when the call went (docs/benchmarks.md). glibc's pthread locks, which
 * Linux's reference benchmark uses, are calls through the PLT.
 */

/* Test-and-test-and-set spinlock: waiters back off with `pause` and yield
   after 1000 pauses (user/lib/spinlock.c). */
typedef struct {
    volatile int locked;
} spinlock_t;
#define SPINLOCK_INITIALIZER { 0 }
void spin_lock_wait(spinlock_t *l);  /* user/lib/spinlock.c: the lock was taken */

static inline void spin_lock(spinlock_t *l)
{
    if (atomic_exchange(&l->locked, 1) != 0)   /* xchg: it was already 1 */
        spin_lock_wait(l);
}

static inline void spin_unlock(spinlock_t *l)
{
    atomic_store(&l->locked, 0);    /* a release store: x86 orders it after the critical section */
}

/* Futex mutex: state 0 free, 1 locked, 2 locked with waiters (a lock and
   an unlock are one atomic instruction each when nobody waits). */
typedef struct {
    volatile uint32_t state;
} mutex_t;
#define MUTEX_INITIALIZER { 0 }
int mutex_trylock(mutex_t *m);      /* 1 if it took the lock, else 0 */
/* user/lib/mutex.c: the slow paths (the sync lab's part 2) */
void mutex_lock_contended(mutex_t *m, uint32_t seen);
void mutex_unlock_contended(mutex_t *m);

static inline void mutex_lock(mutex_t *m)
{
    uint32_t c = 0;                 /* lock cmpxchg 0 -> 1; on failure c is the state seen */
    if (!__atomic_compare_exchange_n(&m->state, &c, 1, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
        mutex_lock_contended(m, c);
}

static inline void mutex_unlock(mutex_t *m)
{
    /* lock xadd -1: from 1 to 0 nobody waited; from 2, somebody may sleep */
    if (__atomic_fetch_sub(&m->state, 1, __ATOMIC_SEQ_CST) != 1)
        mutex_unlock_contended(m);
}

/* Condition variable (Mesa: wait in a while loop). */
typedef struct {
    volatile uint32_t seq;
} cond_t;
#define COND_INITIALIZER { 0 }
void cond_wait(cond_t *c, mutex_t *m);
void cond_signal(cond_t *c);
void cond_broadcast(cond_t *c);

/* Counting semaphore. */
typedef struct {
    volatile uint32_t count;
    volatile uint32_t waiters;
} sem_t;
#define SEM_INITIALIZER(value) { (value), 0 }
void sem_init(sem_t *s, unsigned value);
void sem_wait(sem_t *s);
void sem_post(sem_t *s);

/* Barrier for n threads: barrier_wait returns when all n have arrived,
   and the barrier can be used again. */
typedef struct {
    volatile uint32_t arrived;      /* threads in the current round so far */
    volatile uint32_t generation;   /* the futex word: rounds completed */
    unsigned n;
} barrier_t;
void barrier_init(barrier_t *b, unsigned n);
void barrier_wait(barrier_t *b);

#endif
