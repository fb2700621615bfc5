/* I/O APIC driver: an index/data register pair in one MMIO page, and one
   64-bit redirection entry per input. Intel 82093AA I/O APIC data sheet, 3.0-3.2. */
#include "arch/x86_64/ioapic.h"
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
#define REDIR_MASKED     (1ull << 16)
#define REDIR_DEST_SHIFT 56

static volatile uint32_t *ioapic;
static int ioapic_inputs;

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
    /* The boot page tables (and the final ones) map 3-4 GiB uncached:
       0xFEC00000 is in that range. */
    ioapic = phys_to_virt(phys);
    ioapic_inputs = ((ioapic_read(IOAPIC_REG_VERSION) >> 16) & 0xFF) + 1;
    for (int i = 0; i < ioapic_inputs; i++)
        ioapic_write_redirection(i, REDIR_MASKED);
}

void ioapic_route_isa(int irq, uint8_t vector, uint32_t apic_id)
{
    /* ISA IRQ n arrives at input n, except where the MADT has an interrupt
       source override (on PCs: the PIT's IRQ 0 at input 2). Spindle routes
       only the serial port's IRQ 4, which has none; reading the overrides
       comes with the MADT. */
    uint64_t entry = vector | ((uint64_t)apic_id << REDIR_DEST_SHIFT);
    ioapic_write_redirection(irq, entry);
}

void ioapic_mask(int irq)
{
    ioapic_write_redirection(irq, REDIR_MASKED);
}
