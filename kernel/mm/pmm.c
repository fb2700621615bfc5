/* STUB until the memory work lands. */
#include "kernel/mm/pmm.h"
void pmm_init(const struct multiboot_info *mbi) { (void)mbi; }
uint64_t pmm_alloc(void) { return 0; }
uint64_t pmm_alloc_zeroed(void) { return 0; }
void pmm_free(uint64_t phys) { (void)phys; }
uint64_t pmm_free_count(void) { return 0; }
uint64_t pmm_total_count(void) { return 0; }
uint64_t pmm_ram_bytes(void) { return 0; }
