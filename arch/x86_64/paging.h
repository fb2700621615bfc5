/* Page tables: the kernel's direct map of all RAM, and map/unmap/query of
   4 KiB pages in any address space (4-level paging, Intel SDM vol. 3A, 4.5). */
#ifndef ARCH_X86_64_PAGING_H
#define ARCH_X86_64_PAGING_H

#include <stdint.h>
#include <stdbool.h>

/* Mapping flags (machine-independent; translated to PTE bits). */
#define VM_WRITE   (1u << 0)   /* writable */
#define VM_USER    (1u << 1)   /* reachable from ring 3 */
#define VM_EXEC    (1u << 2)   /* executable (otherwise NX, where the CPU has it) */
#define VM_NOCACHE (1u << 3)   /* uncached (device memory) */

/* An address space is named by the physical address of its top-level table
   (what CR3 holds). */
typedef uint64_t vm_root_t;

/* Builds the kernel's page tables (direct map of all RAM, kernel image with
   W^X), switches to them and drops the boot identity map. */
void paging_init(void);

/* The kernel's address space; its upper half is shared by every process. */
vm_root_t paging_kernel_root(void);

/* Maps the 4 KiB page at va to physical frame pa. Returns 0, -ENOMEM (no
   frame for a page table) or -EEXIST (va already mapped). va, pa aligned. */
int paging_map(vm_root_t root, uint64_t va, uint64_t pa, unsigned flags);

/* Removes the mapping of va and flushes it from this CPU's TLB; frees page
   tables left empty. Does not free the frame. Returns 0 or -ENOENT. */
int paging_unmap(vm_root_t root, uint64_t va);

/* If va is mapped, stores its frame and flags and returns true. */
bool paging_query(vm_root_t root, uint64_t va, uint64_t *pa, unsigned *flags);

#endif
