/* The physical frame allocator: hands out 4 KiB frames of RAM, built from
   the multiboot memory map, with a free count that leak tests read. */
#ifndef KERNEL_MM_PMM_H
#define KERNEL_MM_PMM_H

#include <stdint.h>
#include <stdbool.h>
#include "kernel/multiboot.h"

/* Builds the allocator from the loader's memory map. Reserves the first
   1 MiB, the kernel image and the multiboot structures. */
void pmm_init(const struct multiboot_info *mbi);

/* Physical address of a free 4 KiB frame (contents undefined), or 0 when
   none is left. Safe from any context (takes a spinlock). */
uint64_t pmm_alloc(void);
/* Same, with the frame filled with zeros. */
uint64_t pmm_alloc_zeroed(void);
/* Returns a frame; panics if it is not an allocated frame (double free). */
void pmm_free(uint64_t phys);

uint64_t pmm_free_count(void);      /* frames free now */
uint64_t pmm_total_count(void);     /* frames managed (free + allocated) */
uint64_t pmm_ram_bytes(void);       /* usable RAM in the memory map */

/* --- Extensions (documented in docs/memory.md) --------------------------- */

/* True if phys lies in a frame the allocator manages and that frame is
   allocated now. Used by kfree to tell heap pages from anything else. */
bool pmm_frame_allocated(uint64_t phys);

/* One entry of the loader's memory map, as pmm_init saved it (the
   multiboot copy may be overwritten later). end is exclusive. */
struct pmm_region {
    uint64_t start, end;
    uint32_t type;                  /* MMAP_AVAILABLE or another multiboot type */
};
#define PMM_MAX_REGIONS 64

/* The saved memory map: stores its address in *regions, returns the count. */
int pmm_memory_map(const struct pmm_region **regions);

/* True if [start, end) lies inside one usable (MMAP_AVAILABLE) region.
   The paging code maps such 2 MiB chunks of the 3-4 GiB MMIO window
   write-back; pmm manages only RAM frames of chunks for which it is true. */
bool pmm_range_is_ram(uint64_t start, uint64_t end);

/* Lowest address of the 3-4 GiB window that holds the local APIC and
   IOAPIC registers: mapped uncached unless the memory map says it is RAM. */
#define PMM_MMIO_WINDOW_START 0xC0000000UL
#define PMM_MMIO_WINDOW_END   0x100000000UL

#endif
