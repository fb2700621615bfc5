/* The kernel heap: size-class slabs of one page for small blocks, vmap pages
   for large ones, and guard bytes around every block checked on kfree. */
#include "kernel/mm/kheap.h"
#include "kernel/mm/pmm.h"
#include "kernel/mm/vmap.h"
#include "kernel/panic.h"
#include "kernel/spinlock.h"
#include "arch/x86_64/memlayout.h"
#include "arch/x86_64/paging.h"
#include "lib/string.h"
#include <stdbool.h>

/* How it works (docs/memory.md has the pictures):
   Small blocks (up to KHEAP_SMALL_MAX bytes). A slab is one 4 KiB frame,
   reached through the direct map, for one size class: a 64-byte struct slab
   at the start, then equal slots. Each slot is a 16-byte struct block_header
   (size asked for, state, front guard) followed by the block; the bytes from
   the end of the block to the end of the slot (8 at least) are tail guard.
   Free slots of a slab are chained through their first 8 bytes; slabs with
   a free slot are on their class's `partial` list. When a slab's last block
   is freed the frame goes back to pmm, unless it is the class's only empty
   slab, which is kept for the next kmalloc (kheap_trim() gives it back).

   Large blocks: vmap_alloc(n) pages (so an unmapped guard page precedes
   each), a 32-byte struct large_header at the start of the first page, the
   block after it, tail guard up to the end of the last page. kfree gives the
   pages straight back (vmap_free), so large blocks never hold frames once freed.

   kfree recognises a block from its address alone: in the direct map it must
   be in an allocated frame that starts with a slab's magic word and sit at a
   slot boundary; in the vmap window it must be 32 bytes into a mapped page
   that starts with a live large header. */

#define SLAB_HEADER_SIZE 64
#define BLOCK_HEADER_SIZE 16
#define LARGE_HEADER_SIZE 32
#define MIN_TAIL_GUARD 8
#define GUARD_BYTE 0xCA
#define GUARD_WORD 0xCACACACACACACACAUL

/* Magic numbers: a slab's first word and the block states. The guards hold
   a constant XOR the block's address, so a header copied elsewhere fails. */
#define SLAB_MAGIC        0x5350494e534c4142UL  /* "SPINSLAB" */
#define FRONT_GUARD       0x4755415244474421UL
#define BLOCK_LIVE        0x4c495645u           /* "LIVE" */
#define BLOCK_FREE        0x46524545u           /* "FREE" */
#define BLOCK_NEVER_USED  0x4e455721u           /* "NEW!": carved, never allocated */

struct slab {
    uint64_t magic;                     /* SLAB_MAGIC ^ its own address */
    struct slab *next, *prev;           /* on the class's partial list */
    void *free_slots;                   /* first free slot (its header) */
    uint16_t class_index;
    uint16_t nslots, nfree;
    bool on_partial_list;
};
_Static_assert(sizeof(struct slab) <= SLAB_HEADER_SIZE, "slab header too big");

struct block_header {
    uint32_t size;                      /* bytes asked for (kept after free) */
    uint32_t state;                     /* BLOCK_LIVE, BLOCK_FREE or BLOCK_NEVER_USED */
    uint64_t guard;                     /* FRONT_GUARD ^ the block's address */
};
_Static_assert(sizeof(struct block_header) == BLOCK_HEADER_SIZE, "block header size");

struct large_header {
    uint64_t size;
    uint32_t npages;
    uint32_t state;
    uint64_t reserved;
    uint64_t guard;                     /* last: right before the block */
};
_Static_assert(sizeof(struct large_header) == LARGE_HEADER_SIZE, "large header size");

struct size_class {
    uint32_t slot_size;                 /* header + block + tail guard, multiple of 16 */
    struct slab *partial;               /* slabs with a free slot */
    uint32_t empty_slabs;               /* slabs on the list with no live block */
};

/* Slot sizes: multiples of 16 (so blocks stay 16-byte aligned), with the
   largest ones dividing the 4032 usable bytes of a page evenly. */
static struct size_class classes[] = {
    { 32, 0, 0 },  { 48, 0, 0 },  { 64, 0, 0 },  { 96, 0, 0 },   { 128, 0, 0 },
    { 192, 0, 0 }, { 256, 0, 0 }, { 384, 0, 0 }, { 512, 0, 0 },  { 672, 0, 0 },
    { 1008, 0, 0 }, { 1344, 0, 0 }, { 2016, 0, 0 },
};
#define NCLASSES (sizeof classes / sizeof classes[0])
_Static_assert(2016 - BLOCK_HEADER_SIZE - MIN_TAIL_GUARD == KHEAP_SMALL_MAX, "small max");

/* Recently freed large blocks, only to name the size in a double-free panic
   (their pages are unmapped, header included). */
#define FREED_RING 32
static struct { uint64_t p, size; } freed_large[FREED_RING];
static unsigned freed_next;

static struct kheap_stats stats;
static struct spinlock kheap_lock = SPINLOCK_INIT("kheap");

static uint64_t capacity(const struct size_class *c)
{
    return c->slot_size - BLOCK_HEADER_SIZE - MIN_TAIL_GUARD;
}

/* --- guard bytes ----------------------------------------------------------- */

static void fill_guard(uint8_t *from, uint8_t *to)
{
    while (from < to && ((uint64_t)from & 7))
        *from++ = GUARD_BYTE;
    for (; from + 8 <= to; from += 8)
        *(uint64_t *)from = GUARD_WORD;
    while (from < to)
        *from++ = GUARD_BYTE;
}

/* The first byte of [from, to) that is not GUARD_BYTE, or NULL. */
static const uint8_t *find_damage(const uint8_t *from, const uint8_t *to)
{
    while (from < to && ((uint64_t)from & 7))
        if (*from++ != GUARD_BYTE)
            return from - 1;
    for (; from + 8 <= to; from += 8)
        if (*(const uint64_t *)from != GUARD_WORD)
            break;
    for (; from < to; from++)
        if (*from != GUARD_BYTE)
            return from;
    return NULL;
}

static void check_tail(uint64_t p, uint64_t size, uint64_t end)
{
    const uint8_t *bad = find_damage((const uint8_t *)(p + size), (const uint8_t *)end);
    if (bad)
        panic("kheap: overrun after block 0x%lx (size %lu): guard byte at +%lu is 0x%02x", p,
              size, (uint64_t)bad - p, *bad);
}

static __attribute__((noreturn)) void never_returned(uint64_t p)
{
    panic("kheap: kfree of 0x%lx, which kmalloc never returned", p);
}

/* --- small blocks ------------------------------------------------------------- */

static void list_add(struct size_class *c, struct slab *s)
{
    s->prev = NULL;
    s->next = c->partial;
    if (c->partial)
        c->partial->prev = s;
    c->partial = s;
    s->on_partial_list = true;
}

static void list_remove(struct size_class *c, struct slab *s)
{
    if (s->prev)
        s->prev->next = s->next;
    else
        c->partial = s->next;
    if (s->next)
        s->next->prev = s->prev;
    s->on_partial_list = false;
}

static void **slot_link(void *slot) { return (void **)((char *)slot + BLOCK_HEADER_SIZE); }

/* A new slab for class index ci, all slots free, on the partial list.
   Needs kheap_lock; returns NULL if pmm has no frame. */
static struct slab *slab_create(unsigned ci)
{
    struct size_class *c = &classes[ci];
    uint64_t frame = pmm_alloc();
    if (!frame)
        return NULL;
    struct slab *s = phys_to_virt(frame);
    s->magic = SLAB_MAGIC ^ (uint64_t)s;
    s->class_index = ci;
    s->nslots = (PAGE_SIZE - SLAB_HEADER_SIZE) / c->slot_size;
    s->nfree = s->nslots;
    s->free_slots = NULL;
    for (int i = s->nslots - 1; i >= 0; i--) {
        struct block_header *h = (void *)((char *)s + SLAB_HEADER_SIZE + i * c->slot_size);
        h->size = 0;
        h->state = BLOCK_NEVER_USED;
        *slot_link(h) = s->free_slots;
        s->free_slots = h;
    }
    list_add(c, s);
    c->empty_slabs++;
    stats.slab_pages++;
    stats.cached_slab_pages++;
    return s;
}

static void *small_alloc(size_t size)
{
    unsigned ci = 0;
    while (capacity(&classes[ci]) < size)
        ci++;
    struct size_class *c = &classes[ci];

    spin_lock(&kheap_lock);
    struct slab *s = c->partial;
    if (!s && !(s = slab_create(ci))) {
        spin_unlock(&kheap_lock);
        return NULL;
    }
    struct block_header *h = s->free_slots;
    s->free_slots = *slot_link(h);
    if (s->nfree-- == s->nslots) {
        c->empty_slabs--;
        stats.cached_slab_pages--;
    }
    if (s->nfree == 0)
        list_remove(c, s);
    uint64_t p = (uint64_t)h + BLOCK_HEADER_SIZE;
    h->size = size;
    h->state = BLOCK_LIVE;
    h->guard = FRONT_GUARD ^ p;
    stats.small_blocks++;
    stats.live_bytes += size;
    spin_unlock(&kheap_lock);

    fill_guard((uint8_t *)p + size, (uint8_t *)h + c->slot_size);
    return (void *)p;
}

static void small_free(uint64_t p)
{
    uint64_t page = p & ~(PAGE_SIZE - 1);
    /* Only an allocated frame may be read as a slab: any other direct-map
       address could be a hole of the map or someone else's frame. */
    if (!pmm_frame_allocated(page - PHYS_MAP_BASE))
        never_returned(p);

    uint64_t freed_frame = 0;
    spin_lock(&kheap_lock);
    struct slab *s = (struct slab *)page;
    if (s->magic != (SLAB_MAGIC ^ page) || s->class_index >= NCLASSES)
        never_returned(p);
    struct size_class *c = &classes[s->class_index];
    uint64_t first = page + SLAB_HEADER_SIZE + BLOCK_HEADER_SIZE;
    if (p < first || (p - first) % c->slot_size || (p - first) / c->slot_size >= s->nslots)
        never_returned(p);

    struct block_header *h = (struct block_header *)(p - BLOCK_HEADER_SIZE);
    if (h->state == BLOCK_FREE)
        panic("kheap: double free of 0x%lx (size %u)", p, h->size);
    if (h->state == BLOCK_NEVER_USED)
        never_returned(p);
    if (h->state != BLOCK_LIVE || h->guard != (FRONT_GUARD ^ p) || h->size > capacity(c))
        panic("kheap: underrun before block 0x%lx (size %u): its header guard is damaged", p,
              h->size);
    check_tail(p, h->size, (uint64_t)h + c->slot_size);

    h->state = BLOCK_FREE;
    *slot_link(h) = s->free_slots;
    s->free_slots = h;
    stats.small_blocks--;
    stats.live_bytes -= h->size;
    if (s->nfree++ == 0)
        list_add(c, s);
    if (s->nfree == s->nslots) {
        if (c->empty_slabs > 0) {
            /* Keep one empty slab per class, give the others back. */
            list_remove(c, s);
            s->magic = 0;
            stats.slab_pages--;
            freed_frame = page - PHYS_MAP_BASE;
        } else {
            c->empty_slabs++;
            stats.cached_slab_pages++;
        }
    }
    spin_unlock(&kheap_lock);
    if (freed_frame)
        pmm_free(freed_frame);
}

/* --- large blocks -------------------------------------------------------------- */

static void *large_alloc(size_t size)
{
    if (size > KERNEL_VMAP_SIZE)
        return NULL;
    size_t npages = (LARGE_HEADER_SIZE + size + MIN_TAIL_GUARD + PAGE_SIZE - 1) / PAGE_SIZE;
    struct large_header *h = vmap_alloc(npages);
    if (!h)
        return NULL;
    uint64_t p = (uint64_t)h + LARGE_HEADER_SIZE;
    h->size = size;
    h->npages = npages;
    h->state = BLOCK_LIVE;
    h->guard = FRONT_GUARD ^ p;
    fill_guard((uint8_t *)p + size, (uint8_t *)h + npages * PAGE_SIZE);
    spin_lock(&kheap_lock);
    stats.large_blocks++;
    stats.large_pages += npages;
    stats.live_bytes += size;
    spin_unlock(&kheap_lock);
    return (void *)p;
}

/* For a large pointer that has no live header: a recent free, or nothing. */
static __attribute__((noreturn)) void large_bad_free(uint64_t p)
{
    spin_lock(&kheap_lock);
    for (unsigned i = 0; i < FREED_RING; i++)
        if (freed_large[i].p == p)
            panic("kheap: double free of 0x%lx (size %lu)", p, freed_large[i].size);
    never_returned(p);
}

static void large_free(uint64_t p)
{
    uint64_t base = p - LARGE_HEADER_SIZE;
    if ((p & (PAGE_SIZE - 1)) != LARGE_HEADER_SIZE ||
        !paging_query(paging_kernel_root(), base, NULL, NULL))
        large_bad_free(p);
    struct large_header *h = (struct large_header *)base;
    if (h->state != BLOCK_LIVE)
        large_bad_free(p);
    if (h->guard != (FRONT_GUARD ^ p) ||
        h->npages != (LARGE_HEADER_SIZE + h->size + MIN_TAIL_GUARD + PAGE_SIZE - 1) / PAGE_SIZE)
        panic("kheap: underrun before block 0x%lx (size %lu): its header guard is damaged", p,
              h->size);
    check_tail(p, h->size, base + h->npages * PAGE_SIZE);

    uint64_t size = h->size, npages = h->npages;
    h->state = BLOCK_FREE;
    spin_lock(&kheap_lock);
    freed_large[freed_next].p = p;
    freed_large[freed_next].size = size;
    freed_next = (freed_next + 1) % FREED_RING;
    stats.large_blocks--;
    stats.large_pages -= npages;
    stats.live_bytes -= size;
    spin_unlock(&kheap_lock);
    vmap_free((void *)base, npages);
}

/* --- the interface --------------------------------------------------------------- */

void kheap_init(void)
{
    /* Large blocks come from the virtual-area allocator: set it up first. */
    vmap_init();
}

void *kmalloc(size_t size)
{
    if (size == 0)
        return NULL;
    return size <= KHEAP_SMALL_MAX ? small_alloc(size) : large_alloc(size);
}

void *kzalloc(size_t size)
{
    void *p = kmalloc(size);
    if (p)
        memset(p, 0, size);
    return p;
}

void kfree(void *ptr)
{
    uint64_t p = (uint64_t)ptr;
    if (!ptr)
        return;
    if (p & 15)
        never_returned(p);
    if (vmap_contains(ptr))
        large_free(p);
    else if (p >= PHYS_MAP_BASE && p < KERNEL_VMAP_BASE)
        small_free(p);
    else
        never_returned(p);
}

void kheap_stats(struct kheap_stats *out)
{
    spin_lock(&kheap_lock);
    *out = stats;
    spin_unlock(&kheap_lock);
}

uint64_t kheap_trim(void)
{
    uint64_t released = 0;
    spin_lock(&kheap_lock);
    for (unsigned ci = 0; ci < NCLASSES; ci++) {
        struct size_class *c = &classes[ci];
        for (struct slab *s = c->partial, *next; s && c->empty_slabs; s = next) {
            next = s->next;
            if (s->nfree != s->nslots)
                continue;
            list_remove(c, s);
            s->magic = 0;
            c->empty_slabs--;
            stats.slab_pages--;
            stats.cached_slab_pages--;
            pmm_free((uint64_t)s - PHYS_MAP_BASE);      /* lock order: kheap, then pmm */
            released++;
        }
    }
    spin_unlock(&kheap_lock);
    return released;
}
