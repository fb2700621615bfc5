/* Spinlocks: mutual exclusion between CPUs and against interrupt handlers
   on this CPU. Holding one disables interrupts locally; it must be held briefly. */
#ifndef KERNEL_SPINLOCK_H
#define KERNEL_SPINLOCK_H

#include <stdbool.h>
#include <stdint.h>

struct cpu;

/*
 * Test-and-test-and-set: a CPU takes the lock with one atomic exchange, and
 * while it is taken spins on plain reads (which stay in its own cache)
 * with `pause`. docs/smp.md explains why this and not a ticket lock: under
 * QEMU with more virtual CPUs than host cores, a ticket lock must hand the
 * lock to one particular CPU, which is often not running at that moment.
 */
struct spinlock {
    volatile uint32_t locked;   /* 1 while held */
    const char *name;           /* for panics and the lock dump */
    struct cpu *holder;         /* CPU holding it, or NULL */
    void *holder_pc;            /* where it was taken (return address) */
};

#define SPINLOCK_INIT(n) { 0, (n), 0, 0 }

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

#endif
