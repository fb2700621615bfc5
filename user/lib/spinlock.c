/* The user spinlock: test-and-test-and-set with `pause`. It never enters
   the kernel, so a waiter burns its CPU (and, if the holder is preempted,
   its whole time slice): use it for very short critical sections. */
#include "sync.h"
#include "atomic.h"

void spin_lock(spinlock_t *l)
{
    for (;;) {
        /* xchg is the one locked (bus-owning) instruction per attempt... */
        if (atomic_exchange(&l->locked, 1) == 0)
            return;
        /* ...and between attempts waiters only read, so the cache line
           stays shared instead of bouncing between CPUs. `pause` tells
           the CPU this is a spin loop (Intel SDM vol. 2B, PAUSE). */
        while (atomic_load(&l->locked))
            cpu_pause();
    }
}

void spin_unlock(spinlock_t *l)
{
    atomic_store(&l->locked, 0);    /* a release store: x86 orders it after the critical section */
}
