/* The sleep queue: threads in thread_sleep, ordered by the tick they wake
   on, woken by the timer interrupt. All under sched_lock. */
#ifndef KERNEL_SCHED_SLEEPQ_H
#define KERNEL_SCHED_SLEEPQ_H

#include <stdint.h>

struct thread;

/* Puts t (about to sleep) in the queue to wake at tick wake_tick. */
void sleepq_add(struct thread *t, uint64_t wake_tick);
/* Takes t out (it is being woken early). */
void sleepq_remove(struct thread *t);
/* Wakes every sleeper whose tick has come. */
void sleepq_wake_expired(uint64_t now);

#endif
