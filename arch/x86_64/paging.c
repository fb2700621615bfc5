/* Page tables (4-level paging, Intel SDM vol. 3A, 4.5): builds the kernel's
   own tables at boot, and maps, unmaps and looks up 4 KiB pages in any root. */
#include "arch/x86_64/paging.h"
#include "arch/x86_64/memlayout.h"
#include "arch/x86_64/x86.h"
#include "kernel/mm/pmm.h"
#include "kernel/panic.h"
#include "kernel/spinlock.h"
#include "lib/errno.h"
#include <stddef.h>

/* Entry bits, the same at every level except PS (Intel SDM vol. 3A, 4.5,
   tables 4-14 to 4-20). */
#define PTE_P     (1UL << 0)        /* present */
#define PTE_W     (1UL << 1)        /* writable */
#define PTE_U     (1UL << 2)        /* user */
#define PTE_PWT   (1UL << 3)        /* write-through */
#define PTE_PCD   (1UL << 4)        /* cache disable: with PWT, PAT entry 3 = UC */
#define PTE_PS    (1UL << 7)        /* in a PDPTE or PDE: maps a 1 GiB or 2 MiB page */
#define PTE_NX    (1UL << 63)       /* execute-disable (needs EFER.NXE) */
#define PTE_ADDR  0x000FFFFFFFFFF000UL /* bits 51:12: the next table or the frame */
#define PTE_UNCACHED (PTE_PCD | PTE_PWT)

#define ENTRIES_PER_TABLE 512
#define CPUID_EXT_NX (1u << 20)     /* CPUID 0x80000001 EDX: execute-disable bit */

/* multiboot 0.6.96, 3.3: types of memory-map entries besides MMAP_AVAILABLE. */
#define MMAP_ACPI_RECLAIMABLE 3
#define MMAP_ACPI_NVS         4

/* Table levels, named by what they hold; level L translates address bits
   12 + 9L .. 20 + 9L. */
enum { LEVEL_PT = 0, LEVEL_PD = 1, LEVEL_PDPT = 2, LEVEL_PML4 = 3 };

/* The kernel's top-level table. It is in .bss, so its physical address is
   below 4 GiB: an AP start-up trampoline can load it into CR3 in 32-bit code. */
static uint64_t kernel_pml4[ENTRIES_PER_TABLE] __attribute__((aligned(4096)));
static vm_root_t kernel_root;
static uint64_t pte_nx;             /* PTE_NX if the CPU has NX, else 0 */

/* One lock for every page table: the upper half is shared by all roots, so
   a lock per root would not protect it anyway. Order: paging, then pmm. */
static struct spinlock paging_lock = SPINLOCK_INIT("paging");

/* Linker symbols (linker.ld). .rodata starts on the page after __text_end,
   ends with the test table (__ktests_end), and .data starts on the next page. */
extern char __text_start[], __text_end[], __ktests_end[], __bss_end[];

static uint64_t align_up(uint64_t v, uint64_t a) { return (v + a - 1) & ~(a - 1); }
static uint64_t align_down(uint64_t v, uint64_t a) { return v & ~(a - 1); }
static uint64_t min_u64(uint64_t a, uint64_t b) { return a < b ? a : b; }
static uint64_t max_u64(uint64_t a, uint64_t b) { return a > b ? a : b; }

static unsigned index_at(uint64_t va, int level) { return (va >> (PAGE_SHIFT + 9 * level)) & 511; }
static uint64_t *table_of(uint64_t entry) { return phys_to_virt(entry & PTE_ADDR); }

/* Canonical: bits 63:47 all equal (Intel SDM vol. 1, 3.3.7.1). */
static bool is_canonical(uint64_t va) { return va < USER_TOP || va >= PHYS_MAP_BASE; }

static bool table_empty(const uint64_t *table)
{
    for (int i = 0; i < ENTRIES_PER_TABLE; i++)
        if (table[i])
            return false;
    return true;
}

/* Invalidates this CPU's translation of va if it can be cached: va is in the
   shared upper half, or root is the active address space. INVLPG also drops
   every paging-structure cache entry (Intel SDM vol. 3A, 4.10.4.1), so it
   covers tables freed along the way. */
static void flush_local(vm_root_t root, uint64_t va)
{
    if (va >= USER_TOP || root == (read_cr3() & PTE_ADDR))
        invlpg(va);
}

/* Walks from root to va's entry in the table at `level` and returns a
   pointer to it. A missing table is created (zeroed) when create is true;
   otherwise, or if no frame is left, returns NULL with *err = -ENOENT or
   -ENOMEM. A large page above `level` gives NULL and -EINVAL.
   Needs paging_lock (or the single-CPU boot). */
static uint64_t *walk(vm_root_t root, uint64_t va, int level, bool create, int *err)
{
    uint64_t *table = phys_to_virt(root);
    for (int l = LEVEL_PML4; l > level; l--) {
        uint64_t *e = &table[index_at(va, l)];
        if (!(*e & PTE_P)) {
            if (!create) {
                *err = -ENOENT;
                return NULL;
            }
            if (l == LEVEL_PML4 && va >= USER_TOP)
                panic("paging: root 0x%lx lacks the shared kernel half (PML4[%u])", root,
                      index_at(va, l));
            uint64_t frame = pmm_alloc_zeroed();
            if (!frame) {
                *err = -ENOMEM;
                return NULL;
            }
            /* Intermediate entries allow everything; the leaf decides
               (Intel SDM vol. 3A, 4.6: rights combine across levels). */
            *e = frame | PTE_P | PTE_W | (va < USER_TOP ? PTE_U : 0);
        } else if (*e & PTE_PS) {
            *err = -EINVAL;
            return NULL;
        }
        table = table_of(*e);
    }
    return &table[index_at(va, level)];
}

/* Frees the tables on va's path that are empty, lowest first, and clears
   the entries that pointed at them. Never frees the root, nor the upper
   half's PDPTs (shared by every root for good). Stores the freed frames in
   freed[] (at most 3) and returns their count; the caller frees them after
   the TLB flush, so no CPU can walk through a frame already reused. */
static int prune(vm_root_t root, uint64_t va, uint64_t freed[3])
{
    uint64_t *path[LEVEL_PML4 + 1];     /* path[l]: the entry at level l */
    uint64_t *table = phys_to_virt(root);
    int l = LEVEL_PML4;
    for (; l > LEVEL_PT; l--) {
        uint64_t *e = &table[index_at(va, l)];
        if (!(*e & PTE_P) || (*e & PTE_PS))
            break;
        path[l] = e;
        table = table_of(*e);
    }
    int n = 0;
    for (int k = l + 1; k <= LEVEL_PML4; k++) {
        if (k == LEVEL_PML4 && va >= USER_TOP)
            break;
        if (!table_empty(table_of(*path[k])))
            break;
        freed[n++] = *path[k] & PTE_ADDR;
        *path[k] = 0;
    }
    return n;
}

static uint64_t leaf_bits(unsigned flags)
{
    return PTE_P | (flags & VM_WRITE ? PTE_W : 0) | (flags & VM_USER ? PTE_U : 0) |
           (flags & VM_EXEC ? 0 : pte_nx) | (flags & VM_NOCACHE ? PTE_UNCACHED : 0);
}

static unsigned flags_of(uint64_t entry)
{
    return (entry & PTE_W ? VM_WRITE : 0) | (entry & PTE_U ? VM_USER : 0) |
           (entry & PTE_NX ? 0 : VM_EXEC) | (entry & PTE_PCD ? VM_NOCACHE : 0);
}

/* --- the public operations ----------------------------------------------- */

int paging_map(vm_root_t root, uint64_t va, uint64_t pa, unsigned flags)
{
    ASSERT(root);
    if ((va | pa) & (PAGE_SIZE - 1) || !is_canonical(va) || pa & ~PTE_ADDR ||
        flags & ~(VM_WRITE | VM_USER | VM_EXEC | VM_NOCACHE) ||
        ((flags & VM_USER) && va >= USER_TOP))
        return -EINVAL;
    int err = 0;
    spin_lock(&paging_lock);
    uint64_t *pte = walk(root, va, LEVEL_PT, true, &err);
    if (!pte) {
        if (err == -ENOMEM) {
            /* Give back the tables this call created before running out. */
            uint64_t freed[3];
            int n = prune(root, va, freed);
            flush_local(root, va);
            for (int i = 0; i < n; i++)
                pmm_free(freed[i]);
        }
    } else if (*pte & PTE_P) {
        err = -EEXIST;
    } else {
        /* Not present before, so no TLB holds it: no flush needed
           (Intel SDM vol. 3A, 4.10.2.3: invalid entries are not cached). */
        *pte = pa | leaf_bits(flags);
    }
    spin_unlock(&paging_lock);
    return err;
}

int paging_unmap_frame(vm_root_t root, uint64_t va, uint64_t *pa)
{
    ASSERT(root);
    if (va & (PAGE_SIZE - 1) || !is_canonical(va))
        return -EINVAL;
    int err = 0;
    spin_lock(&paging_lock);
    uint64_t *pte = walk(root, va, LEVEL_PT, false, &err);
    if (pte && !(*pte & PTE_P))
        err = -ENOENT;
    if (!err) {
        if (pa)
            *pa = *pte & PTE_ADDR;
        *pte = 0;
        uint64_t freed[3];
        int n = prune(root, va, freed);
        flush_local(root, va);
        /* SMP: other CPUs may still cache this translation (the upper half
           is shared, and a process may run on several CPUs). Once APs run,
           a TLB shootdown goes here: an IPI on VEC_IPI_TLB to every CPU
           that may use root, each doing invlpg(va), acknowledged before
           the table frames below are freed. */
        for (int i = 0; i < n; i++)
            pmm_free(freed[i]);
    }
    spin_unlock(&paging_lock);
    return err;
}

int paging_unmap(vm_root_t root, uint64_t va)
{
    return paging_unmap_frame(root, va, NULL);
}

/* paging_query's walk, with or without paging_lock. */
static bool query_walk(vm_root_t root, uint64_t va, uint64_t *pa, unsigned *flags)
{
    uint64_t *table = phys_to_virt(root);
    for (int l = LEVEL_PML4; l >= LEVEL_PT; l--) {
        uint64_t e = table[index_at(va, l)];
        if (!(e & PTE_P))
            return false;
        if (l == LEVEL_PT || (e & PTE_PS)) {
            /* A 2 MiB or 1 GiB page: the 4 KiB frame of va inside it. */
            uint64_t size = PAGE_SIZE << (9 * l);
            if (pa)
                *pa = (e & PTE_ADDR & ~(size - 1)) + align_down(va & (size - 1), PAGE_SIZE);
            if (flags)
                *flags = flags_of(e);
            return true;
        }
        table = table_of(e);
    }
    return false;
}

bool paging_query(vm_root_t root, uint64_t va, uint64_t *pa, unsigned *flags)
{
    ASSERT(root);
    if (!is_canonical(va))
        return false;
    spin_lock(&paging_lock);
    bool found = query_walk(root, va, pa, flags);
    spin_unlock(&paging_lock);
    return found;
}

bool paging_query_unlocked(vm_root_t root, uint64_t va, uint64_t *pa, unsigned *flags)
{
    return root && is_canonical(va) && query_walk(root, va, pa, flags);
}

vm_root_t paging_kernel_root(void)
{
    return kernel_root;
}

bool paging_nx_supported(void)
{
    return pte_nx != 0;
}

/* --- building the kernel's tables ------------------------------------------ */

/* Maps physical [start, end) (4 KiB aligned) at PHYS_MAP_BASE + start with
   `bits`, using 2 MiB pages for whole aligned chunks. What is already mapped
   (regions of the memory map may share a chunk) is left as it is. */
static void map_direct(uint64_t start, uint64_t end, uint64_t bits)
{
    int err = 0;
    for (uint64_t p = start; p < end;) {
        uint64_t va = PHYS_MAP_BASE + p;
        if (!(p & (LARGE_PAGE_SIZE - 1)) && p + LARGE_PAGE_SIZE <= end) {
            uint64_t *pde = walk(kernel_root, va, LEVEL_PD, true, &err);
            if (!pde)
                panic("paging: no memory for the direct map (%d)", err);
            if (!(*pde & PTE_P)) {
                *pde = p | bits | PTE_PS;
                p += LARGE_PAGE_SIZE;
                continue;
            }
            if (*pde & PTE_PS) {
                p += LARGE_PAGE_SIZE;
                continue;
            }
            /* Else a table of 4 KiB pages exists here: fill it below. */
        }
        uint64_t *pte = walk(kernel_root, va, LEVEL_PT, true, &err);
        if (!pte && err != -EINVAL)
            panic("paging: no memory for the direct map (%d)", err);
        if (pte && !(*pte & PTE_P))
            *pte = p | bits;
        p += PAGE_SIZE;
    }
}

/* The direct map: below 4 GiB every region of the memory map in whole 2 MiB
   chunks (ACPI tables sit in "reserved" regions there, and the first 2 MiB
   hold the BIOS data and the multiboot structures), write-back; the 3-4 GiB
   window uncached except chunks that are wholly RAM; above 4 GiB the RAM
   and ACPI regions, to the 4 KiB page. Everything is writable and NX. */
static void build_direct_map(void)
{
    const uint64_t wb = PTE_P | PTE_W | pte_nx, uc = wb | PTE_UNCACHED;
    const struct pmm_region *r;
    int n = pmm_memory_map(&r);

    map_direct(0, LARGE_PAGE_SIZE, wb);
    for (int i = 0; i < n; i++) {
        if (r[i].start < PMM_MMIO_WINDOW_START)
            map_direct(align_down(r[i].start, LARGE_PAGE_SIZE),
                       align_up(min_u64(r[i].end, PMM_MMIO_WINDOW_START), LARGE_PAGE_SIZE), wb);
        if (r[i].end > PMM_MMIO_WINDOW_END &&
            (r[i].type == MMAP_AVAILABLE || r[i].type == MMAP_ACPI_RECLAIMABLE ||
             r[i].type == MMAP_ACPI_NVS))
            map_direct(align_down(max_u64(r[i].start, PMM_MMIO_WINDOW_END), PAGE_SIZE),
                       align_up(r[i].end, PAGE_SIZE), wb);
    }
    /* The local APIC (0xFEE00000) and IOAPIC (0xFEC00000) registers must be
       uncached (Intel SDM vol. 3A, 11.4.1); RAM chunks stay write-back so
       that no frame is mapped with two memory types (pmm agrees). */
    for (uint64_t c = PMM_MMIO_WINDOW_START; c < PMM_MMIO_WINDOW_END; c += LARGE_PAGE_SIZE)
        map_direct(c, c + LARGE_PAGE_SIZE, pmm_range_is_ram(c, c + LARGE_PAGE_SIZE) ? wb : uc);
}

/* Maps kernel virtual [start, end) to physical start - KERNEL_VMA with 4 KiB pages. */
static void map_kernel_section(uint64_t start, uint64_t end, uint64_t bits)
{
    int err = 0;
    for (uint64_t va = start; va < end; va += PAGE_SIZE) {
        uint64_t *pte = walk(kernel_root, va, LEVEL_PT, true, &err);
        if (!pte)
            panic("paging: cannot map the kernel image at 0x%lx (%d)", va, err);
        *pte = (va - KERNEL_VMA) | bits;
    }
}

/* The kernel image with W^X: code read-only and executable, read-only data
   read-only and NX, data and bss writable and NX. Nothing else of the old
   1 GiB window at KERNEL_VMA stays mapped. CR0.WP (set by boot.S) makes the
   read-only pages read-only for the kernel too (Intel SDM vol. 3A, 4.6.1). */
static void map_kernel_image(void)
{
    uint64_t text = (uint64_t)__text_start;
    uint64_t rodata = align_up((uint64_t)__text_end, PAGE_SIZE);
    uint64_t data = align_up((uint64_t)__ktests_end, PAGE_SIZE);
    uint64_t end = align_up((uint64_t)__bss_end, PAGE_SIZE);
    ASSERT(!(text & (PAGE_SIZE - 1)) && text < rodata && rodata <= data && data <= end);
    map_kernel_section(text, rodata, PTE_P);
    map_kernel_section(rodata, data, PTE_P | pte_nx);
    map_kernel_section(data, end, PTE_P | PTE_W | pte_nx);
}

/* NX exists if CPUID 0x80000001 EDX bit 20 says so (Intel SDM vol. 2A,
   CPUID); then EFER.NXE (bit 11) lets page tables use bit 63. Without it bit
   63 is reserved and setting it faults, so pte_nx stays 0. */
static void enable_nx(void)
{
    uint32_t a, b, c, d;
    cpuid(0x80000000, 0, &a, &b, &c, &d);
    if (a < 0x80000001)
        return;
    cpuid(0x80000001, 0, &a, &b, &c, &d);
    if (!(d & CPUID_EXT_NX))
        return;
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
    pte_nx = PTE_NX;
}

void paging_init(void)
{
    enable_nx();
    kernel_root = virt_to_phys(kernel_pml4);

    /* Every upper-half PDPT now, so that a process root made later by
       copying PML4[256..511] shares the kernel half for good. Until the
       switch below, frames are reached through the boot direct map (4 GiB);
       pmm hands out the lowest frames first, so they are all below it. */
    for (int i = ENTRIES_PER_TABLE / 2; i < ENTRIES_PER_TABLE; i++) {
        uint64_t frame = pmm_alloc_zeroed();
        if (!frame || frame >= PMM_MMIO_WINDOW_START)
            panic("paging: no low frame for the kernel's PDPT %d", i);
        kernel_pml4[i] = frame | PTE_P | PTE_W;
    }
    build_direct_map();
    map_kernel_image();

    /* The switch. The identity map of the boot tables is gone from here on;
       boot_pml4 itself stays in the image for the APs' start-up. */
    write_cr3(kernel_root);
}

void paging_init_cpu(void)
{
    ASSERT(kernel_root);
    if (pte_nx)
        wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
    write_cr3(kernel_root);
}

/* --- address spaces of processes ------------------------------------------- */

vm_root_t paging_new_root(void)
{
    uint64_t frame = pmm_alloc_zeroed();
    if (!frame)
        return 0;
    /* The upper half points at the kernel's own PDPTs, allocated once at
       boot and never freed: every process sees the same kernel, and a
       kernel mapping made later appears in every address space at once. */
    uint64_t *pml4 = phys_to_virt(frame);
    spin_lock(&paging_lock);
    for (int i = ENTRIES_PER_TABLE / 2; i < ENTRIES_PER_TABLE; i++)
        pml4[i] = kernel_pml4[i];
    spin_unlock(&paging_lock);
    return frame;
}

/* Frees the tables below `table` (at `level`) and, through free_frame, the
   frames its leaves map. */
static void free_subtree(uint64_t *table, int level, void (*free_frame)(uint64_t pa))
{
    for (int i = 0; i < ENTRIES_PER_TABLE; i++) {
        uint64_t e = table[i];
        if (!(e & PTE_P))
            continue;
        if (level == LEVEL_PT)
            free_frame(e & PTE_ADDR);
        else {
            free_subtree(table_of(e), level - 1, free_frame);
            pmm_free(e & PTE_ADDR);
        }
        table[i] = 0;
    }
}

void paging_free_root(vm_root_t root, void (*free_frame)(uint64_t pa))
{
    ASSERT(root && root != kernel_root);
    /* The root must not be in use on this CPU (the caller switched away). */
    ASSERT((read_cr3() & PTE_ADDR) != root);
    uint64_t *pml4 = phys_to_virt(root);
    spin_lock(&paging_lock);
    for (int i = 0; i < ENTRIES_PER_TABLE / 2; i++) {
        if (!(pml4[i] & PTE_P))
            continue;
        free_subtree(table_of(pml4[i]), LEVEL_PDPT, free_frame);
        pmm_free(pml4[i] & PTE_ADDR);
        pml4[i] = 0;
    }
    spin_unlock(&paging_lock);
    pmm_free(root);
}
