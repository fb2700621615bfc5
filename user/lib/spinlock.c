/* The user spinlock's waiting half (spin_lock's fast path is inline in
   sync.h): test-and-test-and-set with backoff, yielding now and then. */
#include "sync.h"
#include "atomic.h"
#include "spindle.h"

/* A waiter pauses 1, 2, 4, then 8 times between looks at the lock
   (exponential backoff, Anderson 1990). Each look pulls the lock's cache
   line away from the holder, who must fetch it back to release and to
   take the lock again; looking less often leaves the holder to run at the
   speed of an uncontended lock. Measured with race_spinlock (bench part=race,
   2 and 4 CPUs): 18 -> 15 ns per increment with 2 threads, 26 -> 20 with
   4; longer caps gained nothing more and were noisier. */
#define BACKOFF_MAX_PAUSES 8

/* Pauses (about 150 ns each under QEMU's TCG, where `pause` leaves the
   translated code) before each yield. Holders keep the lock for a few
   hundred nanoseconds; a longer wait usually means the holder was
   preempted -- perhaps by us, on the same CPU -- and spinning on would
   only keep it off the CPU for the rest of our time slice. */
#define PAUSES_BEFORE_YIELD 1000

void spin_lock_wait(spinlock_t *l)
{
    int pauses = 0;
    for (;;) {
        /* Between attempts waiters only read, so the cache line stays
           shared instead of bouncing between CPUs. `pause` tells the CPU
           this is a spin loop (Intel SDM vol. 2B, PAUSE). */
        int delay = 1;
        while (atomic_load(&l->locked)) {
            for (int i = 0; i < delay; i++)
                cpu_pause();
            pauses += delay;
            if (delay < BACKOFF_MAX_PAUSES)
                delay *= 2;
            if (pauses >= PAUSES_BEFORE_YIELD) {
                sys_yield();            /* returns at once if nothing else can run here */
                pauses = 0;
            }
        }
        /* It looked free: one locked instruction to try to take it. */
        if (atomic_exchange(&l->locked, 1) == 0)
            return;
    }
}
