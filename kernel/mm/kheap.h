/* The kernel heap: kmalloc/kfree of any size, with checks that catch double
   frees and writes past either end of a block. */
#ifndef KERNEL_MM_KHEAP_H
#define KERNEL_MM_KHEAP_H

#include <stddef.h>

void kheap_init(void);

/* A block of at least size bytes, 16-byte aligned, or NULL when memory is
   exhausted (or size is 0). Safe from any context. */
void *kmalloc(size_t size);
/* kmalloc, then zero-filled. */
void *kzalloc(size_t size);
/* Frees a block from kmalloc (NULL is ignored). Panics, naming the block,
   on a double free, a pointer kmalloc never returned, or a damaged guard. */
void kfree(void *p);

#endif
