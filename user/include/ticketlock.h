/* A user-space ticket lock: a spinlock that serves its waiters in the order
   they arrived (the synchronization lab, docs/labs/sync.md). */
#ifndef USER_TICKETLOCK_H
#define USER_TICKETLOCK_H

#include <stdint.h>

/*
 * Two counters, like the tickets and the "now serving" display at a
 * bakery counter. ticket_lock takes a ticket (the old value of `next`,
 * incremented atomically) and waits until `serving` shows that number;
 * ticket_unlock moves `serving` on by one. The lock is free when
 * next == serving, and next - serving is the number of threads holding or
 * waiting for it. Both wrap around at 2^32, harmlessly: only equality is
 * ever tested.
 *
 * A waiter whose ticket is next spins with `pause`, and after
 * TICKET_SPINS_BEFORE_YIELD turns gives its CPU away (sys_yield) and
 * spins again; a waiter with other tickets ahead of its own yields at
 * once, since at least one whole critical section must pass before its
 * turn. Either way, the thread whose turn it is may be waiting for this
 * CPU: with more threads than CPUs, a ticket lock that only spins makes
 * each hand-off wait for a time slice (docs/labs/sync.md, "When threads
 * outnumber CPUs").
 *
 * The two counters sit in separate cache lines: every waiter reads
 * `serving` in its loop, and a ticket taken by a newcomer (a write to
 * `next`) should not take that line away from all of them.
 */
typedef struct {
    volatile uint32_t next __attribute__((aligned(64)));    /* the next ticket to hand out */
    volatile uint32_t serving __attribute__((aligned(64))); /* the ticket that may hold the lock */
} ticket_lock_t;

#define TICKET_LOCK_INITIALIZER { 0, 0 }
#define TICKET_SPINS_BEFORE_YIELD 128

/* Takes the lock, waiting (in arrival order) while another thread holds it.
   Not recursive: a thread that calls it twice waits for ever. */
void ticket_lock(ticket_lock_t *l);

/* Takes the lock only if it is free now, without waiting and without
   taking a ticket otherwise. Returns 1 if it took the lock, else 0. */
int ticket_trylock(ticket_lock_t *l);

/* Releases the lock, which the caller holds: the next ticket is served. */
void ticket_unlock(ticket_lock_t *l);

#endif
