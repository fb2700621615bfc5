/* Helpers shared by the priority lab's tests (lab_prio_*.c): one CPU for
   every thread, threads created at a given priority, an ordered event log. */
#ifndef TESTS_KERNEL_LAB_PRIO_H
#define TESTS_KERNEL_LAB_PRIO_H

#include <stdint.h>
#include "kernel/thread.h"

/*
 * Strict priority is a property of one CPU's queue, so every test runs its
 * threads (and main, the test itself) on CPU 0 only, whatever SMP= says.
 * The tests never wait on wall-clock time, and never spin without a bound
 * of ticks: if a feature is missing the events come in another order and
 * the test fails, rather than hangs.
 */
#define LP_CPU_MASK 1ull                /* CPU 0 */

/* Starts a test: checks that sched=prio is in use, pins main to CPU 0 at
   PRIORITY_DEFAULT and empties the log. */
void lp_begin(void);

/* A kernel thread on CPU 0 with base priority priority; asserts it was
   made. A higher priority than the caller's runs before this returns. */
int lp_spawn(const char *name, thread_fn fn, void *arg, int priority);

/* Joins tid, asserting success. */
void lp_join(int tid);

/* Appends an event to the log and prints a progress line. The first word
   of the formatted text is the event's token (what LP_EXPECT compares);
   the rest says what happened, for people reading the console:
       lp_event("M=%d main holds the mutex", thread_get_priority(0));
   prints "donate-one: [M=32] main holds the mutex". */
void lp_event(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Prints a progress line that is not an event of the log. */
void lp_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Fails the test unless the log's tokens, separated by single spaces, are
   exactly want; prints both on failure. */
#define LP_EXPECT(want) lp_expect(__FILE__, __LINE__, (want))
void lp_expect(const char *file, int line, const char *want);

/* Busy-waits (on CPU 0) until *flag is non-zero or the tick count reaches
   limit; returns whether the flag was set. The bound keeps a test from
   hanging when the thread that should set the flag never gets the CPU. */
int lp_spin_until(volatile int *flag, uint64_t limit);

#endif
