/* Reading the ACPI tables that SMP needs: find the RSDP, check the RSDT or
   XSDT, and take the CPUs, the I/O APIC and the ISA overrides from the MADT. */
#include "arch/x86_64/acpi.h"
#include "arch/x86_64/memlayout.h"
#include "arch/x86_64/paging.h"
#include "kernel/printk.h"
#include "lib/errno.h"
#include "lib/format.h"
#include "lib/string.h"
#include <stddef.h>

/* The Root System Description Pointer (ACPI 6.4, 5.2.5.3). Revision 0
   (ACPI 1.0) has only the first 20 bytes; revision 2 and later add the
   length, the XSDT's 64-bit address and a checksum over the whole. */
struct acpi_rsdp {
    char signature[8];              /* "RSD PTR " */
    uint8_t checksum;               /* over the first 20 bytes */
    char oem_id[6];
    uint8_t revision;               /* 0: ACPI 1.0; 2: ACPI 2.0 and later */
    uint32_t rsdt_address;
    uint32_t length;                /* revision >= 2: of this structure */
    uint64_t xsdt_address;
    uint8_t extended_checksum;      /* over `length` bytes */
    uint8_t reserved[3];
} __attribute__((packed));

#define RSDP_V1_SIZE    20
#define RSDP_V2_SIZE    36

/* Where the RSDP may be (ACPI 6.4, 5.2.5.1): in the first 1 KiB of the
   EBDA, whose real-mode segment is at 0x40E in the BIOS data area, or in
   the BIOS ROM at 0xE0000-0xFFFFF, always on a 16-byte boundary. */
#define BDA_EBDA_SEGMENT    0x40E
#define EBDA_SEARCH_SIZE    1024
#define BIOS_ROM_START      0xE0000
#define BIOS_ROM_END        0x100000
#define RSDP_ALIGN          16

/* Sanity bound on a table's length: the MADT of a 64-CPU machine is well
   under 1 KiB; anything near this is a corrupt length field. */
#define TABLE_MAX_LENGTH    (1u << 20)

/* MADT (ACPI 6.4, 5.2.12): the header, the local APIC address, flags, then
   variable-length entries of (type, length, ...). */
#define MADT_ENTRIES_OFFSET 44
#define MADT_LOCAL_APIC             0   /* 5.2.12.2: uid, APIC ID, flags; 8 bytes */
#define MADT_IO_APIC                1   /* 5.2.12.3: id, 0, address, GSI base; 12 bytes */
#define MADT_INTERRUPT_OVERRIDE     2   /* 5.2.12.5: bus, source, GSI, flags; 10 bytes */
#define MADT_LOCAL_APIC_OVERRIDE    5   /* 5.2.12.8: 2 reserved, 64-bit address; 12 bytes */
#define MADT_LOCAL_X2APIC           9   /* 5.2.12.12: 2 reserved, x2APIC ID, flags, uid; 16 bytes */
#define MADT_LAPIC_ENABLED          (1u << 0)   /* table 5.23: the CPU is usable */

/* The first byte of each entry type's payload after (type, length). */
struct madt_local_apic {
    uint8_t type, length;
    uint8_t processor_uid;
    uint8_t apic_id;
    uint32_t flags;
} __attribute__((packed));

struct madt_io_apic {
    uint8_t type, length;
    uint8_t io_apic_id;
    uint8_t reserved;
    uint32_t address;
    uint32_t gsi_base;
} __attribute__((packed));

struct madt_interrupt_override {
    uint8_t type, length;
    uint8_t bus;                    /* 0: ISA */
    uint8_t source;                 /* the ISA IRQ */
    uint32_t gsi;
    uint16_t flags;                 /* MPS INTI flags */
} __attribute__((packed));

struct madt_local_apic_override {
    uint8_t type, length;
    uint16_t reserved;
    uint64_t address;
} __attribute__((packed));

struct madt_local_x2apic {
    uint8_t type, length;
    uint16_t reserved;
    uint32_t x2apic_id;
    uint32_t flags;
    uint32_t processor_uid;
} __attribute__((packed));

_Static_assert(sizeof(struct acpi_sdt_header) == 36, "ACPI table header is 36 bytes");
_Static_assert(sizeof(struct acpi_rsdp) == RSDP_V2_SIZE, "RSDP 2.0 is 36 bytes");

static struct acpi_madt_info madt_info;
static bool madt_found;

bool acpi_checksum_ok(const void *p, uint64_t len)
{
    const uint8_t *b = p;
    uint8_t sum = 0;
    for (uint64_t i = 0; i < len; i++)
        sum += b[i];
    return sum == 0;
}

/* True if every byte of physical [phys, phys + len) is below 4 GiB and
   mapped in the kernel's direct map, so that reading it cannot fault. A
   corrupt pointer in a table must give a message, not a page fault. */
static bool phys_readable(uint64_t phys, uint64_t len)
{
    if (len == 0 || phys >= BOOT_DIRECT_MAP_SIZE || len > BOOT_DIRECT_MAP_SIZE - phys)
        return false;
    for (uint64_t page = phys & ~(PAGE_SIZE - 1); page < phys + len; page += PAGE_SIZE)
        if (!paging_query(paging_kernel_root(), (uint64_t)phys_to_virt(page), NULL, NULL))
            return false;
    return true;
}

static const struct acpi_rsdp *rsdp_scan(uint64_t start, uint64_t end)
{
    for (uint64_t p = start; p + RSDP_V1_SIZE <= end; p += RSDP_ALIGN) {
        const struct acpi_rsdp *r = phys_to_virt(p);
        if (memcmp(r->signature, "RSD PTR ", 8) != 0)
            continue;
        if (!acpi_checksum_ok(r, RSDP_V1_SIZE)) {
            printk("acpi: an RSDP signature at 0x%lx has a bad checksum; ignored\n", p);
            continue;
        }
        return r;
    }
    return NULL;
}

/* Finds the RSDP: the EBDA's first KiB first, then the BIOS ROM area. */
static const struct acpi_rsdp *rsdp_find(void)
{
    uint64_t ebda = (uint64_t)*(const uint16_t *)phys_to_virt(BDA_EBDA_SEGMENT) << 4;
    const struct acpi_rsdp *r = NULL;
    /* The EBDA sits just below 640 KiB; a segment outside that is junk. */
    if (ebda >= 0x80000 && ebda + EBDA_SEARCH_SIZE <= 0xA0000)
        r = rsdp_scan(ebda, ebda + EBDA_SEARCH_SIZE);
    if (!r)
        r = rsdp_scan(BIOS_ROM_START, BIOS_ROM_END);
    return r;
}

/* Returns the table at phys if it is readable, its length sane and its
   checksum right (and, if signature is not NULL, its signature that one);
   otherwise prints why and returns NULL. what names it in the message. */
static const struct acpi_sdt_header *table_map(uint64_t phys, const char *signature,
                                               const char *what)
{
    if (!phys_readable(phys, sizeof(struct acpi_sdt_header))) {
        printk("acpi: %s at 0x%lx is not in mapped memory below 4 GiB\n", what, phys);
        return NULL;
    }
    const struct acpi_sdt_header *h = phys_to_virt(phys);
    if (signature && memcmp(h->signature, signature, 4) != 0) {
        printk("acpi: %s at 0x%lx has signature '%.4s', not '%s'\n", what, phys, h->signature,
               signature);
        return NULL;
    }
    if (h->length < sizeof *h || h->length > TABLE_MAX_LENGTH || !phys_readable(phys, h->length)) {
        printk("acpi: %s at 0x%lx has a bad length (%u)\n", what, phys, h->length);
        return NULL;
    }
    if (!acpi_checksum_ok(h, h->length)) {
        printk("acpi: %s at 0x%lx has a bad checksum\n", what, phys);
        return NULL;
    }
    return h;
}

/* The root table: the XSDT (64-bit entries) where the RSDP is ACPI 2.0 or
   later and gives one that checks out, else the RSDT (32-bit entries). */
static const struct acpi_sdt_header *root_table(const struct acpi_rsdp *rsdp, int *entry_size)
{
    if (rsdp->revision >= 2) {
        if (rsdp->length < RSDP_V2_SIZE || rsdp->length > PAGE_SIZE ||
            !acpi_checksum_ok(rsdp, rsdp->length)) {
            printk("acpi: the ACPI 2.0 part of the RSDP has a bad length or checksum; using the RSDT\n");
        } else if (rsdp->xsdt_address) {
            const struct acpi_sdt_header *x = table_map(rsdp->xsdt_address, "XSDT", "the XSDT");
            if (x) {
                *entry_size = 8;
                return x;
            }
            printk("acpi: falling back to the RSDT\n");
        }
    }
    *entry_size = 4;
    return table_map(rsdp->rsdt_address, "RSDT", "the RSDT");
}

/* Searches the root table for the table with signature sig (what names
   it in messages). */
static const struct acpi_sdt_header *table_find(const struct acpi_sdt_header *root, int entry_size,
                                                const char *sig, const char *what)
{
    const uint8_t *entries = (const uint8_t *)root + sizeof *root;
    uint32_t n = (root->length - sizeof *root) / entry_size;
    for (uint32_t i = 0; i < n; i++) {
        uint64_t phys = 0;
        memcpy(&phys, entries + i * entry_size, entry_size);   /* little-endian */
        if (!phys_readable(phys, sizeof(struct acpi_sdt_header))) {
            printk("acpi: %.4s entry %u (0x%lx) is not in mapped memory; skipped\n",
                   root->signature, i, phys);
            continue;
        }
        const struct acpi_sdt_header *h = phys_to_virt(phys);
        if (memcmp(h->signature, sig, 4) == 0)
            return table_map(phys, sig, what);
    }
    printk("acpi: %s ('%s') is not listed in the %.4s\n", what, sig, root->signature);
    return NULL;
}

static void add_cpu(struct acpi_madt_info *info, uint32_t apic_id)
{
    for (int i = 0; i < info->ncpus; i++) {
        if (info->apic_ids[i] == apic_id) {
            info->ncpus_ignored++;          /* listed twice: firmware bug */
            return;
        }
    }
    if (info->ncpus == ACPI_MAX_CPUS) {
        info->ncpus_ignored++;
        return;
    }
    info->apic_ids[info->ncpus++] = apic_id;
}

int acpi_parse_madt(const struct acpi_sdt_header *madt, struct acpi_madt_info *info)
{
    memset(info, 0, sizeof *info);
    for (int irq = 0; irq < ACPI_ISA_IRQS; irq++)
        info->isa_gsi[irq] = irq;
    if (memcmp(madt->signature, "APIC", 4) != 0 || madt->length < MADT_ENTRIES_OFFSET ||
        madt->length > TABLE_MAX_LENGTH || !acpi_checksum_ok(madt, madt->length))
        return -EINVAL;
    const uint8_t *base = (const uint8_t *)madt;
    uint32_t lapic32;
    memcpy(&lapic32, base + sizeof *madt, 4);
    info->lapic_phys = lapic32;

    for (uint32_t off = MADT_ENTRIES_OFFSET; off < madt->length;) {
        if (madt->length - off < 2)
            return -EINVAL;
        const uint8_t *e = base + off;
        uint8_t type = e[0], len = e[1];
        if (len < 2 || len > madt->length - off)
            return -EINVAL;
        off += len;
        switch (type) {
        case MADT_LOCAL_APIC: {
            if (len < sizeof(struct madt_local_apic))
                return -EINVAL;
            const struct madt_local_apic *l = (const void *)e;
            if (l->flags & MADT_LAPIC_ENABLED)
                add_cpu(info, l->apic_id);
            else
                info->ncpus_disabled++;
            break;
        }
        case MADT_LOCAL_X2APIC: {
            if (len < sizeof(struct madt_local_x2apic))
                return -EINVAL;
            /* Spindle drives the local APIC in xAPIC mode, where IDs are 8
               bits; firmware lists a CPU here only when its ID needs more. */
            const struct madt_local_x2apic *x = (const void *)e;
            if (x->flags & MADT_LAPIC_ENABLED)
                info->ncpus_ignored++;
            else
                info->ncpus_disabled++;
            break;
        }
        case MADT_IO_APIC: {
            if (len < sizeof(struct madt_io_apic))
                return -EINVAL;
            const struct madt_io_apic *io = (const void *)e;
            info->nioapics++;
            /* Keep the first one, unless a later one serves GSI 0: that
               is the one the ISA IRQs reach. */
            if (!info->has_ioapic || (io->gsi_base == 0 && info->ioapic_gsi_base != 0)) {
                info->has_ioapic = true;
                info->ioapic_phys = io->address;
                info->ioapic_gsi_base = io->gsi_base;
            }
            break;
        }
        case MADT_INTERRUPT_OVERRIDE: {
            if (len < sizeof(struct madt_interrupt_override))
                return -EINVAL;
            const struct madt_interrupt_override *o = (const void *)e;
            if (o->bus == 0 && o->source < ACPI_ISA_IRQS) {
                info->isa_gsi[o->source] = o->gsi;
                info->isa_flags[o->source] = o->flags;
                info->noverrides++;
            }
            break;
        }
        case MADT_LOCAL_APIC_OVERRIDE: {
            if (len < sizeof(struct madt_local_apic_override))
                return -EINVAL;
            const struct madt_local_apic_override *a = (const void *)e;
            info->lapic_phys = a->address;
            break;
        }
        default:
            break;                  /* NMI sources, GIC entries...: not used */
        }
    }
    return 0;
}

/* Prints the one line that sums up the MADT. */
static void madt_print(const struct acpi_madt_info *info)
{
    char ids[ACPI_MAX_CPUS * 4 + 8];
    size_t used = 0;
    for (int i = 0; i < info->ncpus && used < sizeof ids; i++)
        used += sformat(ids + used, sizeof ids - used, "%s%u", i ? " " : "", info->apic_ids[i]);
    char overrides[ACPI_ISA_IRQS * 24];
    used = 0;
    overrides[0] = 0;
    for (int irq = 0; irq < ACPI_ISA_IRQS && used < sizeof overrides; irq++) {
        if (info->isa_gsi[irq] == (uint32_t)irq && info->isa_flags[irq] == 0)
            continue;
        bool low = (info->isa_flags[irq] & ACPI_INTI_POLARITY_MASK) == ACPI_INTI_POLARITY_LOW;
        bool level = (info->isa_flags[irq] & ACPI_INTI_TRIGGER_MASK) == ACPI_INTI_TRIGGER_LEVEL;
        used += sformat(overrides + used, sizeof overrides - used, " irq%d->gsi%u%s%s", irq,
                        info->isa_gsi[irq], level ? ",level" : "", low ? ",low" : "");
    }
    printk("acpi: MADT: %d CPU%s (apic %s)", info->ncpus, info->ncpus == 1 ? "" : "s", ids);
    if (info->ncpus_disabled)
        printk(", %d disabled", info->ncpus_disabled);
    if (info->ncpus_ignored)
        printk(", %d ignored", info->ncpus_ignored);
    if (info->has_ioapic)
        printk("; I/O APIC at 0x%lx (GSI base %u)", info->ioapic_phys, info->ioapic_gsi_base);
    else
        printk("; no I/O APIC");
    printk("; overrides:%s\n", used ? overrides : " none");
}

void acpi_init(void)
{
    madt_found = false;                 /* a second call (a test) reads afresh */
    const struct acpi_rsdp *rsdp = rsdp_find();
    if (!rsdp) {
        printk("acpi: no RSDP found (EBDA, 0xE0000-0xFFFFF); one CPU, default I/O APIC\n");
        return;
    }
    int entry_size;
    const struct acpi_sdt_header *root = root_table(rsdp, &entry_size);
    if (!root) {
        printk("acpi: no valid RSDT or XSDT; one CPU, default I/O APIC\n");
        return;
    }
    printk("acpi: RSDP at 0x%lx (revision %u, OEM '%.6s'), %.4s at 0x%lx\n",
           virt_to_phys(rsdp), rsdp->revision, rsdp->oem_id, root->signature, virt_to_phys(root));
    const struct acpi_sdt_header *madt = table_find(root, entry_size, "APIC", "the MADT");
    if (!madt) {
        printk("acpi: no valid MADT; one CPU, default I/O APIC\n");
        return;
    }
    if (acpi_parse_madt(madt, &madt_info) < 0) {
        printk("acpi: the MADT at 0x%lx is malformed (an entry overruns it); one CPU, default I/O APIC\n",
               virt_to_phys(madt));
        return;
    }
    if (madt_info.ncpus == 0) {
        printk("acpi: the MADT lists no enabled CPU; one CPU, default I/O APIC\n");
        return;
    }
    madt_found = true;
    madt_print(&madt_info);
}

const struct acpi_madt_info *acpi_madt(void)
{
    return madt_found ? &madt_info : NULL;
}
