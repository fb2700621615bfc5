/* Interrupt and exception set-up: the IDT, the interrupt controllers
   (legacy PIC off, local APIC, IOAPIC) and the dispatch of vectors to handlers. */
#ifndef ARCH_X86_64_INTERRUPTS_H
#define ARCH_X86_64_INTERRUPTS_H

#include <stdint.h>

struct trap_frame;

/* Vector numbers. 0-31 are the CPU's exceptions (Intel SDM vol. 3A, 6.3.1). */
#define VEC_IRQ_BASE     0x20    /* legacy PIC, remapped here and masked */
#define VEC_UART         0x24    /* COM1 through the IOAPIC */
#define VEC_TIMER        0x40    /* local APIC timer */
#define VEC_IPI_RESCHED  0x41    /* reserved for SMP */
#define VEC_IPI_TLB      0x42    /* reserved for SMP */
#define VEC_IPI_HALT     0x43    /* reserved for SMP */
#define VEC_SPURIOUS     0xFF    /* local APIC spurious vector */

typedef void (*interrupt_handler_t)(struct trap_frame *tf);

/* Builds the IDT (every vector has an entry stub) and loads it. */
void idt_init(void);

/* Loads the (already built) IDT on this CPU: for CPUs started later. */
void idt_load(void);

/* Brings up the interrupt controllers and the timer on the boot CPU, routes
   the UART, and enables interrupts. */
void interrupts_init(void);

/* Calls fn for vector (with interrupts off, on the interrupted stack);
   the local APIC EOI is sent by the dispatcher after fn returns. vector
   must be an interrupt delivered by the local APIC (0x20-0xFE), not an
   exception (0-31, handled in arch/x86_64/exceptions.c). */
void interrupt_register(uint8_t vector, interrupt_handler_t fn);

/* How many times vector has been taken since boot, on all CPUs together
   (exceptions are not counted: they panic). */
uint64_t interrupt_count(uint8_t vector);

#endif
