/* Parking a CPU that waits for a spinlock: it halts, with interrupts off,
   until the CPU that passes it the lock wakes it with an NMI. */
#ifndef ARCH_X86_64_PARK_H
#define ARCH_X86_64_PARK_H

#include <stdbool.h>
#include <stdint.h>

struct trap_frame;

/*
 * Why: with more virtual CPUs than host cores (-smp 4 on a 2-core host),
 * a CPU spinning for a fair lock keeps a host core busy while the CPU
 * whose turn it is may not be running at all. A parked CPU executes
 * `hlt`, which QEMU turns into a sleeping host thread, so the host core
 * goes to a CPU that can make progress. This is the idea behind
 * paravirtual spinlocks, with an NMI instead of a hypercall as the kick.
 */

/* Waits, halted, until *serving == ticket or an NMI arrives (returns
   then; the caller re-checks). The caller has interrupts off and has not
   published anything: this publishes (lock, ticket) in this CPU's slot,
   so that cpu_park_kick(lock, ticket) can find it. */
void cpu_park(const void *lock, const volatile uint32_t *serving, uint32_t ticket);

/* Wakes the CPU parked on lock waiting for ticket, if any. Called by the
   releasing CPU after it has made ticket the one served (with a full
   barrier in between, so that a waiter either sees its turn or is seen
   parked). Cheap when nobody is parked anywhere. */
void cpu_park_kick(const void *lock, uint32_t ticket);

/* For the test park-nmi-lost: cpu_park_kick as if its first NMI had been
   lost on the way. */
void cpu_park_kick_first_nmi_lost(const void *lock, uint32_t ticket);

/* Sends an NMI to CPU cpu, counted so that NMIs that arrive with nothing
   left to do (their work done by an earlier NMI) are recognised. */
void nmi_send(int cpu);

/* For a CPU that waits for CPU cpu to act on its NMI: true when the NMI
   should be sent again (NMI_RESEND_US have passed since *next_tsc was
   set; then sets it again). Start with *next_tsc = 0: the first call only
   starts the clock. QEMU's TCG, with more virtual CPUs than host
   cores, has been seen to drop an NMI now and then (docs/smp.md), and a
   dropped kick or shootdown would leave its sender waiting for ever. A
   repeated NMI is harmless: nmi_expected() counts it as sent. */
#define NMI_RESEND_US 200
bool nmi_resend_due(uint64_t *next_tsc);

/* The NMI handler's part, called once per NMI: counts it, and if it
   interrupted a parked CPU inside its halt window (park_wait.S), moves the
   return address past the hlt. Returns whether it did. */
bool nmi_park_wake(struct trap_frame *tf);

/* For an NMI that found no work of its own: true if this CPU has taken no
   more NMIs than nmi_send sent it (its work was done by an earlier NMI),
   false for an NMI nobody sent, which is then reported. */
bool nmi_expected(void);

#endif
