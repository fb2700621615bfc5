/* Kernel stacks: guarded vmap ranges of KSTACK_PAGES, with a small cache of
   freed ones so that a thread's exit does not interrupt every CPU. */
#ifndef KERNEL_KSTACK_H
#define KERNEL_KSTACK_H

/* A zeroed kernel stack (KSTACK_SIZE bytes above an unmapped guard page):
   its lowest address, or NULL when out of memory. Safe from any context
   where vmap_alloc is. */
void *kstack_alloc(void);

/* Gives back a stack from kstack_alloc: kept for the next kstack_alloc while
   the cache has room, otherwise unmapped (vmap_free). No one may be
   running on it. */
void kstack_free(void *base);

/* Unmaps every cached stack: their frames become free again (for counts
   of free frames, SYS_sysinfo). */
void kstack_cache_drain(void);

#endif
