/* The physical frame allocator: hands out 4 KiB frames of RAM, built from
   the multiboot memory map, with a free count that leak tests read. */
#ifndef KERNEL_MM_PMM_H
#define KERNEL_MM_PMM_H

#include <stdint.h>
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

#endif
