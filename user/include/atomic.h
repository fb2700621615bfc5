/* Atomic operations on shared memory over GCC's __atomic builtins: on
   x86-64 these are `lock`-prefixed instructions (lock xadd, lock cmpxchg). */
#ifndef USER_ATOMIC_H
#define USER_ATOMIC_H

#include <stdbool.h>
#include <stdint.h>

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

/* The same on 32-bit unsigned words (the futex words and the ticket
   lock's counters). */
static inline uint32_t atomic_fetch_add_u32(volatile uint32_t *p, uint32_t v)
{
    return __atomic_fetch_add(p, v, __ATOMIC_SEQ_CST);
}

static inline bool atomic_cas_u32(volatile uint32_t *p, uint32_t expected, uint32_t desired)
{
    return __atomic_compare_exchange_n(p, &expected, desired, false, __ATOMIC_SEQ_CST,
                                       __ATOMIC_SEQ_CST);
}

static inline uint32_t atomic_load_u32(volatile uint32_t *p)
{
    return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static inline void atomic_store_u32(volatile uint32_t *p, uint32_t v)
{
    __atomic_store_n(p, v, __ATOMIC_RELEASE);
}

/* Spin-wait hint for the CPU (the `pause` instruction). */
static inline void cpu_pause(void)
{
    __asm__ volatile("pause" ::: "memory");
}

#endif
