/* Spinlocks: mutual exclusion between CPUs and against interrupt handlers
   on this CPU. Holding one disables interrupts locally; it must be held briefly. */
#ifndef KERNEL_SPINLOCK_H
#define KERNEL_SPINLOCK_H

#include <stdbool.h>
#include <stdint.h>

struct cpu;

/*
 * A ticket lock's two counters: the lock is free when next == serving.
 * How a CPU waits for it is chosen at boot with spinlock= (docs/smp.md):
 *
 *  - ticket: take ticket `next++` and wait until `serving` reaches it, so
 *    CPUs get the lock in the order they asked (first come, first served).
 *    A waiter that has spun for a while parks (arch/x86_64/park.h) and the
 *    releasing CPU wakes it when its turn comes.
 *  - bounded (the default): wait until the lock looks free, then try to
 *    take it with one compare-and-swap of `next`; whoever is quickest
 *    wins. A CPU that has lost for a millisecond takes a ticket, and then
 *    nobody can pass it: no CPU waits for ever. Under QEMU with more
 *    virtual CPUs than host cores this is many times faster when
 *    contended, because the lock seldom has to go to one particular CPU
 *    that the host may not be running.
 *
 * Both release the same way (serving++), so CPUs using either mode can
 * share a lock: a ticket holder is served in order either way.
 */
struct spinlock {
    volatile uint32_t next;     /* the next ticket to hand out */
    volatile uint32_t serving;  /* the ticket that may hold the lock */
    const char *name;           /* for panics and the lock dump */
    struct cpu *holder;         /* CPU holding it, or NULL */
    void *holder_pc;            /* where it was taken (return address) */
};

#define SPINLOCK_INIT(n) { 0, 0, (n), 0, 0 }

void spin_init(struct spinlock *lock, const char *name);

/* Acquires lock, spinning with `pause`. Disables interrupts on this CPU
   (nested: see cpu_irq_push). Panics if this CPU already holds it. */
void spin_lock(struct spinlock *lock);

/* Releases lock. Panics unless this CPU holds it. Re-enables interrupts
   when the outermost lock is released and they were on before. */
void spin_unlock(struct spinlock *lock);

/* True if this CPU holds lock. Interrupts must be off (or the answer
   could be stale by the time it is used). */
bool spin_holding(const struct spinlock *lock);

/* The name of a spinlock this CPU holds other than allowed (which may be
   NULL), or NULL if there is none. Used to refuse blocking under a spinlock. */
const char *spin_held_other_than(const struct spinlock *allowed);

/* spinlock=ticket (true) or spinlock=bounded (false, the default). Safe
   at any time; the command line sets it at boot. */
void spin_set_fair(bool fair);
bool spin_fair(void);

#endif
