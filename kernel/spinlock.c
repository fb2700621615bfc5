/* Ticket spinlocks with holder tracking: re-acquiring a lock you hold, or
   releasing one you do not, is a kernel bug and panics naming the lock. */
#include "kernel/spinlock.h"
#include "kernel/panic.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/x86.h"

void spin_init(struct spinlock *lock, const char *name)
{
    lock->next_ticket = 0;
    lock->now_serving = 0;
    lock->name = name;
    lock->holder = 0;
    lock->holder_pc = 0;
}

bool spin_holding(const struct spinlock *lock)
{
    return lock->now_serving != lock->next_ticket && lock->holder == this_cpu();
}

void spin_lock(struct spinlock *lock)
{
    cpu_irq_push();
    if (spin_holding(lock))
        panic("spinlock: re-acquire of '%s' by the CPU that holds it", lock->name);
    /* lock xadd: take a ticket atomically (Intel SDM vol. 2B, XADD). */
    uint32_t ticket = __atomic_fetch_add(&lock->next_ticket, 1, __ATOMIC_RELAXED);
    while (__atomic_load_n(&lock->now_serving, __ATOMIC_ACQUIRE) != ticket)
        cpu_relax();
    lock->holder = this_cpu();
    lock->holder_pc = __builtin_return_address(0);
}

void spin_unlock(struct spinlock *lock)
{
    if (!spin_holding(lock))
        panic("spinlock: release of '%s' by a CPU that does not hold it", lock->name);
    lock->holder = 0;
    lock->holder_pc = 0;
    /* Only the holder writes now_serving, so a plain increment published
       with release ordering hands the lock to the next ticket. */
    __atomic_store_n(&lock->now_serving, lock->now_serving + 1, __ATOMIC_RELEASE);
    cpu_irq_pop();
}
