/* STUB until the memory work lands. */
#include "arch/x86_64/paging.h"
#include "lib/errno.h"
void paging_init(void) {}
vm_root_t paging_kernel_root(void) { return 0; }
int paging_map(vm_root_t root, uint64_t va, uint64_t pa, unsigned flags) { return -ENOMEM; }
int paging_unmap(vm_root_t root, uint64_t va) { return -ENOENT; }
bool paging_query(vm_root_t root, uint64_t va, uint64_t *pa, unsigned *flags) { return false; }
