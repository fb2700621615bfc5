/* Local APIC driver, reached through its MMIO page in the uncached part of
   the direct map. Register offsets: Intel SDM vol. 3A, APIC chapter, table
   "Local APIC Register Address Map" (10-1 in older editions, 11-1 in newer). */
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/interrupts.h"
#include "arch/x86_64/memlayout.h"
#include "arch/x86_64/x86.h"
#include "kernel/panic.h"

#define LAPIC_ID        0x020
#define LAPIC_TPR       0x080   /* task priority: 0 accepts every vector */
#define LAPIC_EOI       0x0B0
#define LAPIC_SVR       0x0F0   /* spurious-interrupt vector register */
#define LAPIC_ISR       0x100   /* in-service: 8 registers of 32 bits, 16 bytes apart */
#define LAPIC_ESR       0x280   /* error status */
#define LAPIC_ICR_LOW   0x300   /* interrupt command; writing the low half sends */
#define LAPIC_ICR_HIGH  0x310
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_LVT_LINT0 0x350
#define LAPIC_LVT_ERROR 0x370
#define LAPIC_TIMER_INITIAL 0x380
#define LAPIC_TIMER_CURRENT 0x390
#define LAPIC_TIMER_DIVIDE  0x3E0

/* Interrupt command register (SDM vol. 3A, "Interrupt Command Register
   (ICR)", figure 11-12 / 10-12): vector in bits 0-7, delivery mode in 8-10,
   delivery status 12, level 14, trigger mode 15, shorthand 18-19. */
#define ICR_DELIVERY_PENDING (1u << 12)
#define ICR_SHORTHAND_SELF   (1u << 18)  /* bits 18-19 = 01: to this CPU only */
#define ICR_SHORTHAND_OTHERS (3u << 18)  /* bits 18-19 = 11: all excluding self */
#define ICR_DELIVERY_FIXED   (0u << 8)   /* delivery mode 000: the vector */
#define ICR_DELIVERY_NMI     (4u << 8)   /* delivery mode 100 (vector ignored) */
#define ICR_DELIVERY_INIT    (5u << 8)   /* delivery mode 101 (vector ignored) */
#define ICR_DELIVERY_STARTUP (6u << 8)   /* delivery mode 110: vector = start page */
#define ICR_LEVEL_ASSERT     (1u << 14)
#define ICR_DEST_SHIFT       24          /* destination APIC ID: ICR bits 56-63 */
#define SVR_ENABLE      (1u << 8)   /* APIC software enable */
#define LVT_MASKED      (1u << 16)
#define LVT_PERIODIC    (1u << 17)  /* timer mode bits 17-18: 00 one-shot, 01 periodic */
#define TIMER_DIVIDE_1  0xB         /* divide configuration: bits 0,1,3 = 1011 -> by 1 */

/* IA32_APIC_BASE MSR: bit 11 global enable, bits 12+ the page's physical
   address (SDM vol. 3A, "Local APIC Status and Location"). */
#define APIC_BASE_ENABLE (1u << 11)
#define APIC_BASE_ADDR_MASK 0x000FFFFFFFFFF000ull

static volatile uint32_t *lapic;   /* the register page, through the direct map */

static inline uint32_t lapic_read(uint32_t reg)
{
    return lapic[reg / 4];
}

static inline void lapic_write(uint32_t reg, uint32_t value)
{
    lapic[reg / 4] = value;
}

void lapic_init(void)
{
    ASSERT(!interrupts_enabled());
    uint64_t base = rdmsr(MSR_APIC_BASE);
    if (!(base & APIC_BASE_ENABLE))
        wrmsr(MSR_APIC_BASE, base | APIC_BASE_ENABLE);
    /* The boot page tables map 3-4 GiB uncached, which covers the APIC's
       page (0xFEE00000 unless firmware moved it); device registers must
       not be cached. */
    lapic = phys_to_virt(base & APIC_BASE_ADDR_MASK);

    lapic_write(LAPIC_TPR, 0);
    /* The legacy PIC is wired to LINT0 (ExtINT). It is masked (pic.c), but
       a masked 8259 can still raise a spurious IRQ 7: mask the line here so
       nothing from it reaches the CPU. LINT1 (NMI) keeps the firmware's set-up. */
    lapic_write(LAPIC_LVT_LINT0, LVT_MASKED);
    lapic_write(LAPIC_LVT_ERROR, LVT_MASKED);
    lapic_timer_stop();
    /* The ESR latches errors; writing it first makes a read current. */
    lapic_write(LAPIC_ESR, 0);
    lapic_write(LAPIC_ESR, 0);
    /* Software-enable with the spurious vector. Its low four bits must be
       1111 on older APICs; 0xFF satisfies every generation. */
    lapic_write(LAPIC_SVR, SVR_ENABLE | VEC_SPURIOUS);
    /* Clear anything the firmware left in service. */
    lapic_eoi();
}

uint32_t lapic_id(void)
{
    return lapic_read(LAPIC_ID) >> 24;
}

void lapic_eoi(void)
{
    if (!lapic)                 /* an early software `int n`: nothing to end */
        return;
    /* Any value; the write itself is the signal. */
    lapic_write(LAPIC_EOI, 0);
}

bool lapic_in_service(uint8_t vector)
{
    if (!lapic)
        return false;
    uint32_t isr = lapic_read(LAPIC_ISR + 0x10 * (vector / 32));
    return isr & (1u << (vector % 32));
}

/* Sends one IPI: destination APIC ID (ignored with a shorthand) into the
   ICR's high half, then the command into the low half, whose write sends
   it; waits until the APIC has taken it (delivery status idle). The two
   writes must not be split by an interrupt handler that sends an IPI of
   its own (it would replace the destination), so interrupts are off
   around them; saving and restoring IF by hand rather than with
   cpu_irq_push keeps this usable from a panic, whatever this_cpu() holds.
   Always inlined, so that an interrupt taken while it waits (a self-NMI)
   shows the public sender in a backtrace (test fault-nmi relies on it). */
static inline __attribute__((always_inline)) void lapic_icr_send(uint32_t apic_id, uint32_t command)
{
    ASSERT(lapic);
    bool was_enabled = interrupts_enabled();
    cli();
    while (lapic_read(LAPIC_ICR_LOW) & ICR_DELIVERY_PENDING)
        cpu_relax();
    lapic_write(LAPIC_ICR_HIGH, apic_id << ICR_DEST_SHIFT);
    lapic_write(LAPIC_ICR_LOW, command);
    while (lapic_read(LAPIC_ICR_LOW) & ICR_DELIVERY_PENDING)
        cpu_relax();
    if (was_enabled)
        sti();
}

void lapic_send_self_ipi(uint8_t vector)
{
    /* Fixed delivery mode (000), edge: only the vector and the shorthand. */
    lapic_icr_send(0, ICR_SHORTHAND_SELF | ICR_DELIVERY_FIXED | vector);
}

void lapic_send_ipi(uint32_t apic_id, uint8_t vector)
{
    ASSERT(vector >= 0x20);             /* 0-31 are exceptions, not IPIs */
    lapic_icr_send(apic_id, ICR_DELIVERY_FIXED | ICR_LEVEL_ASSERT | vector);
}

void lapic_send_ipi_others(uint8_t vector)
{
    ASSERT(vector >= 0x20);
    lapic_icr_send(0, ICR_SHORTHAND_OTHERS | ICR_DELIVERY_FIXED | ICR_LEVEL_ASSERT | vector);
}

void lapic_send_nmi(uint32_t apic_id)
{
    /* Physical destination, no shorthand: the "self" shorthand is for fixed
       delivery only. */
    lapic_icr_send(apic_id, ICR_DELIVERY_NMI | ICR_LEVEL_ASSERT);
}

void lapic_send_init(uint32_t apic_id)
{
    /* INIT, level assert, edge trigger: the SDM's MP initialization
       example (vol. 3A, 9.4.4.1 / 8.4.4.1) sends 0x000C4500 to all
       excluding self; this is the same command to one APIC ID. The
       "INIT level de-assert" of the 82489DX era is not needed since
       Pentium 4 (SDM: "not supported"), and QEMU ignores it. */
    lapic_icr_send(apic_id, ICR_DELIVERY_INIT | ICR_LEVEL_ASSERT);
}

void lapic_send_startup(uint32_t apic_id, uint32_t start_phys)
{
    /* The vector of a start-up IPI is the page number of the real-mode
       code the CPU starts at: CS = vector << 8, IP = 0 (SDM vol. 3A,
       9.4.4.1 example 0x000C46XX; "MP Initialization Protocol Algorithm"). */
    ASSERT((start_phys & 0xFFF) == 0 && start_phys < 0x100000);
    lapic_icr_send(apic_id, ICR_DELIVERY_STARTUP | ICR_LEVEL_ASSERT | (start_phys >> 12));
}

void lapic_timer_start_free_running(void)
{
    lapic_write(LAPIC_TIMER_DIVIDE, TIMER_DIVIDE_1);
    lapic_write(LAPIC_LVT_TIMER, LVT_MASKED);
    lapic_write(LAPIC_TIMER_INITIAL, 0xFFFFFFFFu);
}

uint32_t lapic_timer_count(void)
{
    return lapic_read(LAPIC_TIMER_CURRENT);
}

void lapic_timer_periodic(uint32_t count, uint8_t vector)
{
    ASSERT(count > 0);
    lapic_write(LAPIC_TIMER_DIVIDE, TIMER_DIVIDE_1);
    lapic_write(LAPIC_LVT_TIMER, LVT_PERIODIC | vector);
    /* Writing the initial count (re)starts the countdown (SDM: "APIC Timer"). */
    lapic_write(LAPIC_TIMER_INITIAL, count);
}

void lapic_timer_stop(void)
{
    lapic_write(LAPIC_LVT_TIMER, LVT_MASKED);
    lapic_write(LAPIC_TIMER_INITIAL, 0);
}
