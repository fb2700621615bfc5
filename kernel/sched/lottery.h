/* What the lottery policy offers beyond struct sched_policy: reseeding a
   CPU's draws and reading a thread's funding, for tests and debugging. */
#ifndef KERNEL_SCHED_LOTTERY_H
#define KERNEL_SCHED_LOTTERY_H

#include <stdint.h>
#include "kernel/thread.h"

/* Restarts cpu's sequence of draws as if the kernel had booted with
   seed=seed: the same seed and the same run queue give the same picks.
   sched_lock held (a draw may be under way on cpu otherwise). */
void lottery_reseed(int cpu, uint64_t seed);

/* t's funding: its own tickets plus those lent to it by threads waiting
   in thread_join for it (directly or through a chain of joins). Without
   compensation. sched_lock held, or t is the caller. */
int64_t lottery_funding(const struct thread *t);

#endif
