/* The kernel heap: kmalloc/kfree of any size, with checks that catch double
   frees and writes past either end of a block. */
#ifndef KERNEL_MM_KHEAP_H
#define KERNEL_MM_KHEAP_H

#include <stddef.h>
#include <stdint.h>

void kheap_init(void);

/* A block of at least size bytes, 16-byte aligned, or NULL when memory is
   exhausted (or size is 0). Safe from any context. */
void *kmalloc(size_t size);
/* kmalloc, then zero-filled. */
void *kzalloc(size_t size);
/* Frees a block from kmalloc (NULL is ignored). Panics, naming the block,
   on a double free, a pointer kmalloc never returned, or a damaged guard. */
void kfree(void *p);

/* --- Extensions (documented in docs/memory.md) --------------------------- */

/* Blocks up to this size come from slabs of one 4 KiB page; larger ones
   are whole pages from vmap_alloc, returned to pmm as soon as they are freed. */
#define KHEAP_SMALL_MAX 1992

/* What the heap holds now. A slab page whose blocks are all free is kept
   (one per size class at most) for the next kmalloc of that size: those
   pages are counted in cached_slab_pages, and kheap_trim() gives them back. */
struct kheap_stats {
    uint64_t small_blocks;          /* live blocks from slabs */
    uint64_t large_blocks;          /* live blocks from vmap */
    uint64_t live_bytes;            /* bytes asked for by live blocks */
    uint64_t slab_pages;            /* frames held by slabs, cached ones included */
    uint64_t cached_slab_pages;     /* of which hold no live block */
    uint64_t large_pages;           /* frames held by large blocks */
};
void kheap_stats(struct kheap_stats *out);

/* Returns every cached empty slab page to pmm; returns how many. After it,
   pmm_free_count() is back where it was before the live blocks were made. */
uint64_t kheap_trim(void);

#endif
