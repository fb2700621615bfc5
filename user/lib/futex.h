/* Helpers for the futex-based locks of user/lib: atomic operations on the
   32-bit futex words and the two futex system calls. Private to user/lib. */
#ifndef USER_LIB_FUTEX_H
#define USER_LIB_FUTEX_H

#include <stdint.h>
#include <stdbool.h>
#include "spindle.h"

#define FUTEX_FOREVER  (-1)         /* timeout_ns: no timeout */
#define FUTEX_WAKE_ALL 0x7fffffff

static inline uint32_t futex_load(volatile uint32_t *p)
{
    return __atomic_load_n(p, __ATOMIC_SEQ_CST);
}

static inline void futex_store(volatile uint32_t *p, uint32_t v)
{
    __atomic_store_n(p, v, __ATOMIC_SEQ_CST);
}

static inline uint32_t futex_exchange(volatile uint32_t *p, uint32_t v)
{
    return __atomic_exchange_n(p, v, __ATOMIC_SEQ_CST);
}

/* If *p == expected, stores desired and returns true; otherwise returns
   false and stores the value seen in *expected. */
static inline bool futex_cas(volatile uint32_t *p, uint32_t *expected, uint32_t desired)
{
    return __atomic_compare_exchange_n(p, expected, desired, false, __ATOMIC_SEQ_CST,
                                       __ATOMIC_SEQ_CST);
}

static inline uint32_t futex_fetch_add(volatile uint32_t *p, uint32_t v)
{
    return __atomic_fetch_add(p, v, __ATOMIC_SEQ_CST);
}

static inline uint32_t futex_fetch_sub(volatile uint32_t *p, uint32_t v)
{
    return __atomic_fetch_sub(p, v, __ATOMIC_SEQ_CST);
}

/* Sleeps while *p == expected (the kernel checks that atomically with
   going to sleep, so a wake between our check and the sleep is not lost). */
static inline void futex_wait(volatile uint32_t *p, uint32_t expected)
{
    sys_futex_wait((uint32_t *)p, expected, FUTEX_FOREVER);
}

static inline void futex_wake(volatile uint32_t *p, int count)
{
    sys_futex_wake((uint32_t *)p, count);
}

#endif
