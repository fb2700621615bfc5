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

/* --- Extensions (documented in docs/memory.md) --------------------------- */

/* Rules shared by paging_map, paging_unmap and paging_query: va and pa are
   4 KiB aligned, va canonical; a va inside a 2 MiB page of the direct map
   gives -EINVAL (paging_query answers for such a va: the 4 KiB frame that
   holds it). VM_USER is refused (-EINVAL) in the upper half. All three take
   one global page-table lock, so they may be called from any context. */

/* paging_query without paging_lock, for a panic's backtrace: the panic
   may come with the lock held (by this CPU, or by one it has stopped).
   Without the lock a concurrent change can make the answer stale; at a
   panic nothing else runs. Anywhere else, use paging_query. */
bool paging_query_unlocked(vm_root_t root, uint64_t va, uint64_t *pa, unsigned *flags);

/* paging_unmap that also stores the frame that was mapped in *pa (if pa is
   not NULL), so that the caller can free it. */
int paging_unmap_frame(vm_root_t root, uint64_t va, uint64_t *pa);

/* True if the CPU has the no-execute bit (CPUID 0x80000001 EDX bit 20) and
   paging_init enabled it (EFER.NXE); without it every mapping is executable. */
bool paging_nx_supported(void);

/* For an application processor, after it reaches long mode on the boot page
   tables (boot_pml4): enables EFER.NXE when paging_init did on the boot CPU
   (the kernel tables set NX bits, which are reserved bits without it), then
   loads the kernel's page tables. paging_init must have run. */
void paging_init_cpu(void);

/* A new address space for a process: an empty lower half and the kernel's
   upper half (shared). Returns 0 when out of memory. */
vm_root_t paging_new_root(void);

/* Destroys an address space made by paging_new_root: every page table of
   its lower half and the root itself are freed, and free_frame is called
   for every frame still mapped there. The root must not be loaded in CR3
   on this CPU (nor, later, on any other). */
void paging_free_root(vm_root_t root, void (*free_frame)(uint64_t pa));

#endif
