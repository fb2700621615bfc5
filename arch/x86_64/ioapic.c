/* I/O APIC driver: an index/data register pair in one MMIO page, and one
   64-bit redirection entry per input. Intel 82093AA I/O APIC data sheet, 3.0-3.2. */
#include "arch/x86_64/ioapic.h"
#include "arch/x86_64/acpi.h"
#include "arch/x86_64/memlayout.h"
#include "arch/x86_64/x86.h"
#include "kernel/panic.h"

#define IOREGSEL 0x00   /* register index (byte offset of the MMIO page) */
#define IOWIN    0x10   /* data window for the selected register */

#define IOAPIC_REG_VERSION 0x01     /* bits 16-23: number of inputs - 1 */
#define IOAPIC_REG_REDIR   0x10     /* entry n: registers 0x10+2n (low), 0x11+2n (high) */

/* Redirection entry bits (data sheet 3.2.4). Bits 8-10 delivery mode 000
   (fixed), bit 11 destination mode 0 (physical), bit 13 polarity (0 = high
   active), bit 15 trigger mode (0 = edge), bit 16 mask, bits 56-63 the
   destination APIC ID. */
#define REDIR_ACTIVE_LOW (1ull << 13)
#define REDIR_LEVEL      (1ull << 15)
#define REDIR_MASKED     (1ull << 16)
#define REDIR_DEST_SHIFT 56

static volatile uint32_t *ioapic;
static int ioapic_inputs;
static uint32_t ioapic_gsi_base;    /* the global system interrupt of input 0 */

static uint32_t ioapic_read(uint32_t reg)
{
    ioapic[IOREGSEL / 4] = reg;
    return ioapic[IOWIN / 4];
}

static void ioapic_write(uint32_t reg, uint32_t value)
{
    ioapic[IOREGSEL / 4] = reg;
    ioapic[IOWIN / 4] = value;
}

static void ioapic_write_redirection(int input, uint64_t entry)
{
    ASSERT(input >= 0 && input < ioapic_inputs);
    /* The high word (the destination) before the low word, which holds
       the mask bit: the entry never goes live with a stale destination. */
    ioapic_write(IOAPIC_REG_REDIR + 2 * input + 1, (uint32_t)(entry >> 32));
    ioapic_write(IOAPIC_REG_REDIR + 2 * input, (uint32_t)entry);
}

void ioapic_init(uint64_t phys)
{
    ASSERT(!interrupts_enabled());
    /* The MADT's I/O APIC (the one serving the ISA IRQs), when acpi_init
       found one, wins over the caller's default. */
    const struct acpi_madt_info *madt = acpi_madt();
    if (madt && madt->has_ioapic) {
        phys = madt->ioapic_phys;
        ioapic_gsi_base = madt->ioapic_gsi_base;
    }
    /* The boot page tables (and the final ones) map 3-4 GiB uncached:
       0xFEC00000 is in that range. */
    ioapic = phys_to_virt(phys);
    ioapic_inputs = ((ioapic_read(IOAPIC_REG_VERSION) >> 16) & 0xFF) + 1;
    for (int i = 0; i < ioapic_inputs; i++)
        ioapic_write_redirection(i, REDIR_MASKED);
}

/* The input that ISA IRQ irq arrives at, and in *bits its polarity and
   trigger mode. ISA IRQ n is global system interrupt n, active high and
   edge-triggered, except where the MADT has an interrupt source override
   (on PCs: the PIT's IRQ 0 at GSI 2; under QEMU also the PCI IRQs 5, 9,
   10 and 11, level-triggered). ACPI 6.4, 5.2.12.5. */
static int isa_input(int irq, uint64_t *bits)
{
    uint32_t gsi = (uint32_t)irq;
    uint16_t flags = 0;
    const struct acpi_madt_info *madt = acpi_madt();
    if (madt && irq >= 0 && irq < ACPI_ISA_IRQS) {
        gsi = madt->isa_gsi[irq];
        flags = madt->isa_flags[irq];
    }
    *bits = 0;
    if ((flags & ACPI_INTI_POLARITY_MASK) == ACPI_INTI_POLARITY_LOW)
        *bits |= REDIR_ACTIVE_LOW;
    if ((flags & ACPI_INTI_TRIGGER_MASK) == ACPI_INTI_TRIGGER_LEVEL)
        *bits |= REDIR_LEVEL;
    if (gsi < ioapic_gsi_base || gsi - ioapic_gsi_base >= (uint32_t)ioapic_inputs)
        panic("ioapic: ISA IRQ %d is GSI %u, not served by this I/O APIC (GSI %u-%u)", irq, gsi,
              ioapic_gsi_base, ioapic_gsi_base + ioapic_inputs - 1);
    return (int)(gsi - ioapic_gsi_base);
}

void ioapic_route_isa(int irq, uint8_t vector, uint32_t apic_id)
{
    uint64_t bits;
    int input = isa_input(irq, &bits);
    uint64_t entry = vector | bits | ((uint64_t)apic_id << REDIR_DEST_SHIFT);
    ioapic_write_redirection(input, entry);
}

void ioapic_mask(int irq)
{
    uint64_t bits;
    ioapic_write_redirection(isa_input(irq, &bits), REDIR_MASKED);
}
