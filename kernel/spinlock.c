/* Spinlocks with holder tracking: re-acquiring a lock you hold, or
   releasing one you do not, is a kernel bug and panics naming the lock. */
#include "kernel/spinlock.h"
#include "kernel/panic.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/x86.h"

void spin_init(struct spinlock *lock, const char *name)
{
    lock->locked = 0;
    lock->name = name;
    lock->holder = 0;
    lock->holder_pc = 0;
}

const char *spin_held_other_than(const struct spinlock *allowed)
{
    struct cpu *c = this_cpu();
    int n = c->spinlocks_held < CPU_HELD_LOCKS_MAX ? c->spinlocks_held : CPU_HELD_LOCKS_MAX;
    for (int i = 0; i < n; i++)
        if (c->held_locks[i] != allowed)
            return c->held_locks[i]->name;
    if (c->spinlocks_held > n)
        return "(one of many)";
    return 0;
}

bool spin_holding(const struct spinlock *lock)
{
    return lock->locked && lock->holder == this_cpu();
}

void spin_lock(struct spinlock *lock)
{
    cpu_irq_push();
    if (spin_holding(lock))
        panic("spinlock: re-acquire of '%s' by the CPU that holds it", lock->name);
    /* xchg is always locked (Intel SDM vol. 2B, XCHG): it takes the lock
       if it was free. While it is not, wait with plain reads -- an
       exchange per spin would pull the cache line back and forth between
       the waiting CPUs -- and try again only when it looks free. */
    while (__atomic_exchange_n(&lock->locked, 1, __ATOMIC_ACQUIRE))
        while (__atomic_load_n(&lock->locked, __ATOMIC_RELAXED))
            cpu_relax();
    struct cpu *c = this_cpu();
    lock->holder = c;
    lock->holder_pc = __builtin_return_address(0);
    if (c->spinlocks_held < CPU_HELD_LOCKS_MAX)
        c->held_locks[c->spinlocks_held] = lock;
    c->spinlocks_held++;
}

/* Forgets lock in this CPU's list of held locks (released in any order). */
static void forget_held(struct cpu *c, struct spinlock *lock)
{
    int n = c->spinlocks_held < CPU_HELD_LOCKS_MAX ? c->spinlocks_held : CPU_HELD_LOCKS_MAX;
    for (int i = n - 1; i >= 0; i--) {
        if (c->held_locks[i] == lock) {
            for (int j = i; j < n - 1; j++)
                c->held_locks[j] = c->held_locks[j + 1];
            break;
        }
    }
    c->spinlocks_held--;
}

void spin_unlock(struct spinlock *lock)
{
    if (!spin_holding(lock))
        panic("spinlock: release of '%s' by a CPU that does not hold it", lock->name);
    forget_held(this_cpu(), lock);
    lock->holder = 0;
    lock->holder_pc = 0;
    /* Release ordering: everything done under the lock is visible before
       the lock is seen free. */
    __atomic_store_n(&lock->locked, 0, __ATOMIC_RELEASE);
    cpu_irq_pop();
}
