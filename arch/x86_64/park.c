/* Parking and kicking CPUs that wait for a spinlock (see park.h), and the
   NMI bookkeeping that tells a kick from an unexpected NMI. */
#include "arch/x86_64/park.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/trap.h"
#include "arch/x86_64/tsc.h"
#include "arch/x86_64/x86.h"
#include <stddef.h>

void park_wait(const volatile uint32_t *serving, uint32_t ticket);
extern const char park_window_start[], park_window_end[];

/* How many CPUs are parked now: the releasing CPU skips the scan at 0. */
static int parked_cpus;

void cpu_park(const void *lock, const volatile uint32_t *serving, uint32_t ticket)
{
    struct cpu *c = this_cpu();
    /* The ticket first: a kicker that sees the lock sees this ticket. */
    __atomic_store_n(&c->park_ticket, ticket, __ATOMIC_RELAXED);
    __atomic_store_n(&c->park_lock, lock, __ATOMIC_RELEASE);
    /* A locked add is a full barrier (Intel SDM vol. 3A, 9.2.2): the slot
       is visible to the releasing CPU before we read *serving, so either
       we see our turn or it sees us parked and kicks. */
    __atomic_fetch_add(&parked_cpus, 1, __ATOMIC_SEQ_CST);
    park_wait(serving, ticket);
    __atomic_store_n(&c->park_lock, NULL, __ATOMIC_RELAXED);
    __atomic_fetch_sub(&parked_cpus, 1, __ATOMIC_RELAXED);
}

/* Wakes CPU i, parked on lock for ticket: sends the NMI (unless
   send_first is false: a test's way of losing it), then waits until it has
   left the park -- cpu_park clears its slot -- sending the NMI again if it
   seems lost. */
static void kick_slot(int i, const void *lock, uint32_t ticket, bool send_first)
{
    if (send_first)
        nmi_send(i);
    uint64_t resend = 0;
    while (__atomic_load_n(&cpus[i].park_lock, __ATOMIC_ACQUIRE) == lock &&
           __atomic_load_n(&cpus[i].park_ticket, __ATOMIC_RELAXED) == ticket) {
        if (nmi_resend_due(&resend))
            nmi_send(i);
        cpu_relax();
    }
}

static void kick(const void *lock, uint32_t ticket, bool send_first)
{
    if (!__atomic_load_n(&parked_cpus, __ATOMIC_RELAXED))
        return;
    /* Every slot, not just the first ncpus: a CPU still starting up takes
       locks before it is counted in ncpus, and may park. */
    for (int i = 0; i < MAX_CPUS; i++) {
        if (__atomic_load_n(&cpus[i].park_lock, __ATOMIC_ACQUIRE) == lock &&
            __atomic_load_n(&cpus[i].park_ticket, __ATOMIC_RELAXED) == ticket) {
            kick_slot(i, lock, ticket, send_first);
            return;                     /* one ticket, one waiter */
        }
    }
}

void cpu_park_kick(const void *lock, uint32_t ticket)
{
    kick(lock, ticket, true);
}

void cpu_park_kick_first_nmi_lost(const void *lock, uint32_t ticket)
{
    kick(lock, ticket, false);
}

void nmi_send(int cpu)
{
    __atomic_fetch_add(&cpus[cpu].nmis_sent, 1, __ATOMIC_SEQ_CST);
    lapic_send_nmi(cpus[cpu].apic_id);
}

bool nmi_resend_due(uint64_t *next_tsc)
{
    uint64_t hz = tsc_clock_hz();
    uint64_t interval = hz ? hz / (1000000 / NMI_RESEND_US) : 1u << 20;
    uint64_t now = rdtsc();
    if (*next_tsc && now < *next_tsc)
        return false;
    bool due = *next_tsc != 0;
    *next_tsc = now + interval;
    return due;
}

bool nmi_park_wake(struct trap_frame *tf)
{
    struct cpu *c = this_cpu();
    c->nmis_received++;
    if (tf->rip >= (uint64_t)park_window_start && tf->rip < (uint64_t)park_window_end) {
        tf->rip = (uint64_t)park_window_end;
        return true;
    }
    return false;
}

bool nmi_expected(void)
{
    struct cpu *c = this_cpu();
    /* Two NMIs sent while one is pending arrive as one (SDM vol. 3A,
       6.7.1), and one NMI may do the work of several senders; so an NMI
       that finds nothing to do is a late one if no more have arrived
       than were sent. */
    return c->nmis_received <= __atomic_load_n(&c->nmis_sent, __ATOMIC_SEQ_CST);
}
