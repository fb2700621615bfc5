/* ACPI tables, read once at boot: the RSDP, the RSDT or XSDT and the MADT,
   for the CPUs (local APIC IDs), the I/O APIC and the ISA interrupt overrides. */
#ifndef ARCH_X86_64_ACPI_H
#define ARCH_X86_64_ACPI_H

#include <stdbool.h>
#include <stdint.h>

/* Interrupt source override flags, as the MADT gives them (ACPI 6.4,
   5.2.12.5, table 5.26 "MPS INTI Flags"): bits 0-1 polarity, bits 2-3
   trigger mode. 00 means "conforms to the bus": for ISA, active high, edge. */
#define ACPI_INTI_POLARITY_MASK     0x3
#define ACPI_INTI_POLARITY_HIGH     0x1
#define ACPI_INTI_POLARITY_LOW      0x3
#define ACPI_INTI_TRIGGER_MASK      0xC
#define ACPI_INTI_TRIGGER_EDGE      0x4
#define ACPI_INTI_TRIGGER_LEVEL     0xC

#define ACPI_ISA_IRQS       16      /* overrides are for ISA IRQs 0-15 */
#define ACPI_MAX_CPUS       64      /* local APIC entries remembered (MAX_CPUS are started) */

/* What Spindle takes from the MADT. */
struct acpi_madt_info {
    int ncpus;                      /* enabled local APICs listed (up to ACPI_MAX_CPUS) */
    int ncpus_disabled;             /* listed but not enabled (hot-plug slots): not started */
    int ncpus_ignored;              /* enabled beyond ACPI_MAX_CPUS, or x2APIC-only entries */
    uint32_t apic_ids[ACPI_MAX_CPUS];   /* of the enabled ones, in MADT order */
    uint64_t lapic_phys;            /* local APIC registers (with any address override) */
    bool has_ioapic;                /* an I/O APIC with GSI base 0 (the ISA one) was found */
    uint64_t ioapic_phys;           /* its registers */
    uint32_t ioapic_gsi_base;       /* the first global system interrupt it serves */
    int nioapics;                   /* I/O APIC entries in all */
    int noverrides;                 /* interrupt source overrides found */
    /* Per ISA IRQ: the global system interrupt it arrives at and its
       MPS INTI flags. Without an override: GSI = IRQ, flags 0. */
    uint32_t isa_gsi[ACPI_ISA_IRQS];
    uint16_t isa_flags[ACPI_ISA_IRQS];
};

/* Finds and checks the ACPI tables and reads the MADT. Never fails hard:
   if a table is missing or its checksum is wrong, prints one line saying
   so and leaves acpi_madt() NULL, and the kernel goes on with one CPU and
   the default I/O APIC. Call once, on the boot CPU, after paging_init
   (the tables are read through the direct map) and before interrupts_init.
   Calling it again re-reads the tables (the tests do, on tables they break). */
void acpi_init(void);

/* The MADT's contents, or NULL if acpi_init found no valid MADT. */
const struct acpi_madt_info *acpi_madt(void);

/* --- pieces of acpi_init, exposed for the kernel tests ------------------- */

/* The common header of every ACPI table but the RSDP (ACPI 6.4, 5.2.6). */
struct acpi_sdt_header {
    char signature[4];
    uint32_t length;                /* of the whole table, header included */
    uint8_t revision;
    uint8_t checksum;               /* makes the bytes of the table sum to 0 */
    char oem_id[6];
    char oem_table_id[8];
    uint32_t oem_revision;
    uint32_t creator_id;
    uint32_t creator_revision;
} __attribute__((packed));

/* True if the len bytes at p add up to 0 (mod 256), as every ACPI
   structure's checksum makes them. */
bool acpi_checksum_ok(const void *p, uint64_t len);

/* Reads a MADT (already in memory, len = its header's length) into *info.
   Returns 0, or -EINVAL if the signature, length or checksum is wrong or
   an entry runs past the end (info is then not to be used). */
int acpi_parse_madt(const struct acpi_sdt_header *madt, struct acpi_madt_info *info);

#endif
