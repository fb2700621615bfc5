/* The kernel's virtual-area allocator: run-time mappings of fresh frames in
   the KERNEL_VMAP window, each behind an unmapped guard page (thread stacks). */
#ifndef KERNEL_MM_VMAP_H
#define KERNEL_MM_VMAP_H

#include <stddef.h>
#include <stdbool.h>

/* Sets up the allocator. Called by kheap_init (large heap blocks come from
   here), after paging_init. */
void vmap_init(void);

/* Maps npages fresh zeroed frames, writable and NX, at virtually contiguous
   addresses in the kernel half (so every address space sees them), just above
   one unmapped guard page: a stack growing down past its bottom faults.
   Returns the lowest mapped address, or NULL if npages is 0 or there is no
   virtual space or frame left. Safe from any context. */
void *vmap_alloc(size_t npages);

/* Unmaps what vmap_alloc(npages) returned at p, frees its frames and makes
   the range (with its guard page) reusable. Panics, naming p and npages, if
   they do not describe exactly one live vmap_alloc range. */
void vmap_free(void *p, size_t npages);

/* True if p lies in the vmap window (mapped or not). */
bool vmap_contains(const void *p);

/* Pages of the window in use now, guard pages included (for leak tests). */
size_t vmap_pages_used(void);

#endif
