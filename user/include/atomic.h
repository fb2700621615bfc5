/* Atomic operations on shared memory over GCC's __atomic builtins: on
   x86-64 these are `lock`-prefixed instructions (lock xadd, lock cmpxchg). */
#ifndef USER_ATOMIC_H
#define USER_ATOMIC_H

#include <stdbool.h>

/* Adds v to *p atomically (lock xadd); returns the old value. */
static inline long atomic_fetch_add(volatile long *p, long v)
{
    return __atomic_fetch_add(p, v, __ATOMIC_SEQ_CST);
}

static inline int atomic_fetch_add_int(volatile int *p, int v)
{
    return __atomic_fetch_add(p, v, __ATOMIC_SEQ_CST);
}

/* If *p == expected, stores desired and returns true (lock cmpxchg);
   otherwise returns false. */
static inline bool atomic_cas(volatile int *p, int expected, int desired)
{
    return __atomic_compare_exchange_n(p, &expected, desired, false, __ATOMIC_SEQ_CST,
                                       __ATOMIC_SEQ_CST);
}

/* Stores v and returns the old value (xchg, which is always locked). */
static inline int atomic_exchange(volatile int *p, int v)
{
    return __atomic_exchange_n(p, v, __ATOMIC_SEQ_CST);
}

static inline int atomic_load(volatile int *p)
{
    return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static inline void atomic_store(volatile int *p, int v)
{
    __atomic_store_n(p, v, __ATOMIC_RELEASE);
}

/* Spin-wait hint for the CPU (the `pause` instruction). */
static inline void cpu_pause(void)
{
    __asm__ volatile("pause" ::: "memory");
}

#endif
