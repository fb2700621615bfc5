/* The local APIC: each CPU's own interrupt controller (accept, prioritise,
   acknowledge with EOI) and its timer, which gives Spindle its tick. */
#ifndef ARCH_X86_64_LAPIC_H
#define ARCH_X86_64_LAPIC_H

#include <stdbool.h>
#include <stdint.h>

/* Enables this CPU's local APIC (software-enable bit and spurious vector
   VEC_SPURIOUS), accepts every priority, masks LINT0 (the legacy PIC's
   line) and the timer. Interrupts must be off. */
void lapic_init(void);

/* This CPU's local APIC ID. */
uint32_t lapic_id(void);

/* Signals the end of the interrupt being handled, so the APIC can deliver
   the next one of the same or lower priority. */
void lapic_eoi(void);

/* True if vector is in service at this CPU's APIC (delivered by it and
   not yet EOI'd); false for a software `int n` or an exception. */
bool lapic_in_service(uint8_t vector);

/* Sends vector to this CPU itself as a fixed interrupt (through the ICR's
   "self" shorthand): it arrives like any APIC-delivered interrupt. */
void lapic_send_self_ipi(uint8_t vector);

/* Sends an NMI to the CPU whose local APIC ID is apic_id (it may be this
   one): it arrives even with interrupts off, on the NMI's IST stack. */
void lapic_send_nmi(uint32_t apic_id);

/* --- inter-processor interrupts (SMP: arch/x86_64/smp.c, docs/smp.md) ---
   Each returns once this CPU's APIC has sent the IPI (delivery status
   idle), not when the target has handled it. Safe with interrupts on or
   off, from any context; lapic_init must have run on this CPU. */

/* Sends vector (0x20-0xFF) as a fixed interrupt to the CPU whose local
   APIC ID is apic_id (physical destination). */
void lapic_send_ipi(uint32_t apic_id, uint8_t vector);

/* Sends vector as a fixed interrupt to every CPU but this one (the ICR's
   "all excluding self" shorthand). CPUs not started yet (waiting for a
   start-up IPI) ignore it. */
void lapic_send_ipi_others(uint8_t vector);

/* Sends an INIT IPI to apic_id: the CPU resets and waits for a start-up
   IPI (SDM vol. 3A, 9.4). Also parks a CPU that failed to start. */
void lapic_send_init(uint32_t apic_id);

/* Sends a start-up IPI (SIPI) to apic_id: a CPU waiting after INIT starts
   in real mode at physical start_phys (4 KiB aligned, below 1 MiB). */
void lapic_send_startup(uint32_t apic_id, uint32_t start_phys);

/* Timer, counting at the APIC timer clock (divide-by-1, see lapic.c). */

/* Starts the timer counting down from 0xFFFFFFFF, one-shot, masked: for
   calibration, which reads lapic_timer_count(). */
void lapic_timer_start_free_running(void);

/* The timer's current count. */
uint32_t lapic_timer_count(void);

/* Interrupts on vector every `count` timer clocks (count > 0), starting a
   new period now. */
void lapic_timer_periodic(uint32_t count, uint8_t vector);

/* Stops the timer (masked, count 0). */
void lapic_timer_stop(void);

#endif
