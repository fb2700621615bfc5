/* The user spinlock: test-and-test-and-set with `pause`, yielding the CPU
   after a while in case the holder is waiting for it. For short critical
   sections: a waiter burns its CPU while it spins. */
#include "sync.h"
#include "atomic.h"
#include "spindle.h"

/* Spins this many times before each yield. Holders keep the lock for a
   few hundred nanoseconds; a wait longer than this usually means the
   holder was preempted -- perhaps by us, on the same CPU -- and spinning
   on would only keep it off the CPU for the rest of our time slice. */
#define SPINS_BEFORE_YIELD 1000

void spin_lock_wait(spinlock_t *l)
{
    for (;;) {
        /* ...and between attempts waiters only read, so the cache line
           stays shared instead of bouncing between CPUs. `pause` tells
           the CPU this is a spin loop (Intel SDM vol. 2B, PAUSE). */
        for (int spins = 0; atomic_load(&l->locked); spins++) {
            if (spins == SPINS_BEFORE_YIELD) {
                sys_yield();            /* returns at once if nothing else can run here */
                spins = 0;
            }
            cpu_pause();
        }
        if (atomic_exchange(&l->locked, 1) == 0)
            return;
    }
}

