/* Virtual memory layout of Spindle on x86-64, shared by C and assembly.
   One source of truth for the addresses that boot code, the linker script and C agree on. */
#ifndef ARCH_X86_64_MEMLAYOUT_H
#define ARCH_X86_64_MEMLAYOUT_H

#ifdef __ASSEMBLER__
#define UL(x) x
#else
#define UL(x) x##UL
#endif

/* The kernel image is linked in the top 2 GiB (-mcmodel=kernel) and loaded
   at physical 1 MiB: virtual = physical + KERNEL_VMA. */
#define KERNEL_VMA       UL(0xFFFFFFFF80000000)
#define KERNEL_LOAD_PHYS UL(0x100000)

/* All physical memory is mapped here (PML4 slot 256, the first slot of the
   upper half), so any physical address p is reachable at PHYS_MAP_BASE + p. */
#define PHYS_MAP_BASE    UL(0xFFFF800000000000)

/* The boot page tables map this much physical memory in the direct map
   (4 GiB: covers the local APIC and IOAPIC MMIO pages below 4 GiB). */
#define BOOT_DIRECT_MAP_SIZE UL(0x100000000)

/* The kernel's virtual-area allocator (kernel/mm/vmap.h) hands out
   run-time mappings (kernel thread stacks, large kmalloc blocks) from this
   window: PML4 slot 384, halfway through the upper half, far from the direct
   map (slots 256..) and the kernel image (slot 511). 1 GiB of it is used. */
#define KERNEL_VMAP_BASE UL(0xFFFFC00000000000)
#define KERNEL_VMAP_SIZE UL(0x40000000)

/* User space is the lower half: canonical addresses below this bound. */
#define USER_TOP         UL(0x0000800000000000)

#define PAGE_SIZE        UL(4096)
#define PAGE_SHIFT       12
#define LARGE_PAGE_SIZE  UL(0x200000)

#ifndef __ASSEMBLER__
#include <stdint.h>
/* Physical <-> direct-map virtual conversions. */
static inline void *phys_to_virt(uint64_t phys) { return (void *)(phys + PHYS_MAP_BASE); }
static inline uint64_t virt_to_phys(const void *virt)
{
    uint64_t v = (uint64_t)virt;
    return v >= KERNEL_VMA ? v - KERNEL_VMA : v - PHYS_MAP_BASE;
}
#endif

#endif
