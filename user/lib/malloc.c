/* The user heap: malloc, free, calloc, realloc. Small blocks come from
   power-of-two size classes carved out of mmap'd arenas; large ones are
   mmap'd on their own. One lock (lib_lock.h) makes it thread-safe. */
#include "stdlib.h"
#include "stdio.h"
#include "string.h"
#include "spindle.h"
#include "lib_lock.h"
#include "errno.h"
#include <stdint.h>

/*
 * Every block starts with a 16-byte header, so the pointer handed out is
 * 16-byte aligned (what SSE loads and the SysV ABI's max_align_t need):
 *
 *   | size | magic | class | user data ...                 |
 *   ^ header (16 bytes)    ^ what malloc returns
 *
 * Small blocks (up to MALLOC_SMALL_MAX bytes) belong to a class: class k
 * holds 16 << k bytes. A freed small block goes on its class's free list
 * (the link is kept in its user data) and is reused by the next malloc of
 * that class; small blocks are never given back to the kernel. A large
 * block is a mapping of its own, unmapped by free. The kernel never reuses
 * freed user addresses in this version, so munmap returns the memory but
 * not the address range.
 */
#define MALLOC_HEADER     16
#define MALLOC_CLASSES    9                     /* 16, 32, ... 4096 bytes */
#define MALLOC_SMALL_MAX  (16u << (MALLOC_CLASSES - 1))
#define MALLOC_ARENA_SIZE (64 * 1024)           /* small blocks are carved from these */
#define MALLOC_LARGE      0xffu                 /* the class of a block mmap'd on its own */
#define MALLOC_MAX        (1ull << 40)          /* refuse anything larger at once */
#define PAGE              4096

#define MAGIC_USED 0x5a11c0deu
#define MAGIC_FREE 0xf7eeb10cu

struct block_header {
    uint64_t size;              /* small: the class's size; large: the whole mapping */
    uint32_t magic;             /* MAGIC_USED or MAGIC_FREE: catches bad and double frees */
    uint32_t class;             /* 0..MALLOC_CLASSES-1, or MALLOC_LARGE */
};
_Static_assert(sizeof(struct block_header) == MALLOC_HEADER, "the header keeps user data 16-byte aligned");

struct free_block {
    struct block_header header;
    struct free_block *next;    /* in the user data, while the block is free */
};

static lib_lock_t malloc_lock = LIB_LOCK_INITIALIZER;
static struct free_block *free_lists[MALLOC_CLASSES];     /* under malloc_lock */
static char *arena_next, *arena_end;                      /* under malloc_lock */

static struct block_header *header_of(void *p)
{
    return (struct block_header *)((char *)p - MALLOC_HEADER);
}

/* The smallest class holding size bytes (size <= MALLOC_SMALL_MAX). */
static unsigned class_of(size_t size)
{
    unsigned k = 0;
    while ((16u << k) < size)
        k++;
    return k;
}

/* Takes a block of class k from its free list or the current arena (a new
   arena if that is used up). Needs malloc_lock. NULL if out of memory. */
static struct block_header *small_block(unsigned k)
{
    struct free_block *f = free_lists[k];
    if (f) {
        free_lists[k] = f->next;
        return &f->header;
    }
    size_t need = MALLOC_HEADER + (16u << k);
    if ((size_t)(arena_end - arena_next) < need) {
        /* The old arena's tail (less than one block) is left unused. */
        char *arena = sys_mmap(MALLOC_ARENA_SIZE, PROT_READ | PROT_WRITE);
        if (mmap_failed(arena))
            return NULL;
        arena_next = arena;
        arena_end = arena + MALLOC_ARENA_SIZE;
    }
    struct block_header *h = (struct block_header *)arena_next;
    arena_next += need;
    h->size = 16u << k;
    h->class = k;
    return h;
}

/* The failure of every allocation function: NULL, and errno ENOMEM (C). */
static void *out_of_memory(void)
{
    errno = ENOMEM;
    return NULL;
}

void *malloc(size_t size)
{
    struct block_header *h;
    if (size > MALLOC_MAX)
        return out_of_memory();
    if (size <= MALLOC_SMALL_MAX) {
        lib_lock(&malloc_lock);
        h = small_block(class_of(size));
        lib_unlock(&malloc_lock);
        if (!h)
            return out_of_memory();
    } else {
        /* No lock needed: SYS_mmap is safe to call from many threads. */
        size_t total = (size + MALLOC_HEADER + PAGE - 1) & ~(size_t)(PAGE - 1);
        h = sys_mmap(total, PROT_READ | PROT_WRITE);
        if (mmap_failed(h))
            return out_of_memory();
        h->size = total;
        h->class = MALLOC_LARGE;
    }
    h->magic = MAGIC_USED;
    return (char *)h + MALLOC_HEADER;
}

/* The bytes a block can hold. */
static size_t capacity_of(const struct block_header *h)
{
    return h->class == MALLOC_LARGE ? h->size - MALLOC_HEADER : h->size;
}

/* Stops the program on a pointer that malloc did not hand out, or one
   already freed: carrying on would corrupt the heap silently. */
static void check_block(const char *who, void *p, const struct block_header *h)
{
    if (h->magic == MAGIC_USED && (h->class < MALLOC_CLASSES || h->class == MALLOC_LARGE))
        return;
    dprintf(2, "%s: %s: %s %p\n", program_name ? program_name : "?", who,
            h->magic == MAGIC_FREE ? "double free of" : "bad pointer", p);
    abort();
}

void free(void *p)
{
    if (!p)
        return;
    struct block_header *h = header_of(p);
    check_block("free", p, h);
    if (h->class == MALLOC_LARGE) {
        h->magic = MAGIC_FREE;
        sys_munmap(h, h->size);
        return;
    }
    struct free_block *f = (struct free_block *)h;
    lib_lock(&malloc_lock);
    h->magic = MAGIC_FREE;
    f->next = free_lists[h->class];
    free_lists[h->class] = f;
    lib_unlock(&malloc_lock);
}

void *calloc(size_t n, size_t size)
{
    if (size && n > MALLOC_MAX / size)
        return out_of_memory();     /* n * size would overflow (or be absurd) */
    void *p = malloc(n * size);
    if (p)
        memset(p, 0, n * size);     /* a reused small block is not zero */
    return p;
}

void *realloc(void *p, size_t size)
{
    if (!p)
        return malloc(size);
    if (size == 0) {
        free(p);
        return NULL;
    }
    struct block_header *h = header_of(p);
    check_block("realloc", p, h);
    size_t old = capacity_of(h);
    if (size <= old)
        return p;                   /* it still fits: keep the block */
    void *q = malloc(size);
    if (!q)
        return NULL;                /* the old block stays valid, as C says */
    memcpy(q, p, old);
    free(p);
    return q;
}
