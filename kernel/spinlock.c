/* Spinlocks with holder tracking: re-acquiring a lock you hold, or
   releasing one you do not, is a kernel bug and panics naming the lock. */
#include "kernel/spinlock.h"
#include "kernel/panic.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/x86.h"
#include "arch/x86_64/park.h"
#include "arch/x86_64/tsc.h"

/* spinlock=ticket: first come, first served (see spinlock.h). */
static bool fair;

/* A ticket waiter spins this many times before parking. A handoff between
   two CPUs that both run takes far less (about a microsecond under QEMU);
   a longer wait usually means the CPU whose turn it is is not running on
   the host, and spinning longer only keeps it off the host's cores. */
#define PARK_AFTER_SPINS 256

void spin_set_fair(bool on)
{
    __atomic_store_n(&fair, on, __ATOMIC_RELAXED);
}

bool spin_fair(void)
{
    return __atomic_load_n(&fair, __ATOMIC_RELAXED);
}

void spin_init(struct spinlock *lock, const char *name)
{
    lock->next = 0;
    lock->serving = 0;
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
    /* Only the holder writes its own CPU here, and clears it before the
       release: seeing ourselves means we hold it. */
    return lock->holder == this_cpu();
}

/* spinlock=ticket: wait for our turn, parking after a while. */
__attribute__((noinline)) static void wait_for_ticket(struct spinlock *lock, uint32_t ticket)
{
    for (;;) {
        for (int i = 0; i < PARK_AFTER_SPINS; i++) {
            if (__atomic_load_n(&lock->serving, __ATOMIC_ACQUIRE) == ticket)
                return;
            cpu_relax();
        }
        cpu_park(lock, &lock->serving, ticket);
        if (__atomic_load_n(&lock->serving, __ATOMIC_ACQUIRE) == ticket)
            return;
    }
}

/* How long a CPU may lose the race for a lock before it queues. Long
   enough that a CPU taking a lock over and over keeps it while nobody has
   waited long (fast), short enough that no CPU waits much longer. */
#define QUEUE_AFTER_NS 1000000

static uint64_t queue_after_cycles(void)
{
    uint64_t hz = tsc_clock_hz();
    return hz ? hz / (1000000000 / QUEUE_AFTER_NS) : 1u << 20;   /* before calibration: a guess */
}

/* Takes lock if it is free with nobody queued (next == serving), with one
   locked compare-and-swap (Intel SDM vol. 2A, CMPXCHG). */
static inline bool take_if_free(struct spinlock *lock)
{
    uint32_t serving = __atomic_load_n(&lock->serving, __ATOMIC_RELAXED);
    uint32_t expected = serving;
    return __atomic_load_n(&lock->next, __ATOMIC_RELAXED) == serving &&
           __atomic_compare_exchange_n(&lock->next, &expected, serving + 1, false,
                                       __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

/* spinlock=bounded: wait with plain reads (the line stays in this CPU's
   cache while the holder works) until the lock looks free, then try to
   take it; whoever is quickest wins. A CPU that has lost for
   QUEUE_AFTER_NS takes a ticket instead: from then on nobody can take the
   lock past it, so its wait is bounded. */
__attribute__((noinline)) static void take_bounded(struct spinlock *lock)
{
    uint64_t deadline = rdtsc() + queue_after_cycles();
    for (;;) {
        for (int i = 0; i < 64; i++) {
            if (take_if_free(lock))
                return;
            cpu_relax();
        }
        if (rdtsc() > deadline)
            break;
    }
    uint32_t ticket = __atomic_fetch_add(&lock->next, 1, __ATOMIC_ACQUIRE);
    if (__atomic_load_n(&lock->serving, __ATOMIC_ACQUIRE) != ticket)
        wait_for_ticket(lock, ticket);
}

void spin_lock(struct spinlock *lock)
{
    cpu_irq_push();
    if (spin_holding(lock))
        panic("spinlock: re-acquire of '%s' by the CPU that holds it", lock->name);
    if (spin_fair()) {
        /* lock xadd hands out the tickets (Intel SDM vol. 2B, XADD). */
        uint32_t ticket = __atomic_fetch_add(&lock->next, 1, __ATOMIC_ACQUIRE);
        if (__atomic_load_n(&lock->serving, __ATOMIC_ACQUIRE) != ticket)
            wait_for_ticket(lock, ticket);
    } else if (!take_if_free(lock)) {
        take_bounded(lock);
    }
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
    /* Only the holder writes `serving`. Storing it hands the lock on: to
       the next ticket, or to whoever takes it first if nobody queued. A
       sequentially consistent store (xchg, which is locked, Intel SDM
       vol. 3A, 9.2.2) also orders everything done under the lock before
       it, and orders it before the loads below: a queued waiter that
       parks does the mirror image (park.c), so either it sees its turn
       or we see it parked. */
    uint32_t next = lock->serving + 1;
    __atomic_store_n(&lock->serving, next, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&lock->next, __ATOMIC_RELAXED) != next)
        cpu_park_kick(lock, next);      /* a ticket is waiting: wake it if parked */
    cpu_irq_pop();
}
