/* The I/O APIC: routes device interrupt lines (the ISA IRQs: serial port,
   PIT...) to a vector on a chosen CPU's local APIC. */
#ifndef ARCH_X86_64_IOAPIC_H
#define ARCH_X86_64_IOAPIC_H

#include <stdint.h>

/* Where the PC's first I/O APIC lives: used when the ACPI MADT names none
   (arch/x86_64/acpi.c). */
#define IOAPIC_DEFAULT_PHYS 0xFEC00000u

/* Finds the I/O APIC's registers -- at the address the ACPI MADT gives for
   the one serving the ISA IRQs, or at physical address phys if acpi_init
   found no MADT -- and masks every input. Interrupts must be off. */
void ioapic_init(uint64_t phys);

/* Routes ISA interrupt line irq to vector on the CPU whose local APIC ID
   is apic_id: to the input, polarity and trigger mode that the MADT's
   interrupt source override for irq says (without one: input irq,
   edge-triggered, active high, the ISA bus convention), fixed delivery,
   unmasked. */
void ioapic_route_isa(int irq, uint8_t vector, uint32_t apic_id);

/* Masks input irq again. */
void ioapic_mask(int irq);

#endif
