/* User-space locks: a spinlock, a futex-based mutex that stays out of the
   kernel when uncontended, condition variables, semaphores and a barrier. */
#ifndef USER_SYNC_H
#define USER_SYNC_H

#include <stdint.h>

/* Test-and-test-and-set spinlock with `pause`; yields after 1000 spins. */
typedef struct {
    volatile int locked;
} spinlock_t;
#define SPINLOCK_INITIALIZER { 0 }
void spin_lock(spinlock_t *l);
void spin_unlock(spinlock_t *l);

/* Futex mutex: state 0 free, 1 locked, 2 locked with waiters (a lock and
   an unlock are one atomic instruction each when nobody waits). */
typedef struct {
    volatile uint32_t state;
} mutex_t;
#define MUTEX_INITIALIZER { 0 }
void mutex_lock(mutex_t *m);
int mutex_trylock(mutex_t *m);      /* 1 if it took the lock, else 0 */
void mutex_unlock(mutex_t *m);

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
