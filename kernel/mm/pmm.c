/* The physical frame allocator: a stack of freed frames, a bump pointer over
   frames never handed out yet, and one bit per frame that catches double frees. */
#include "kernel/mm/pmm.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "kernel/spinlock.h"
#include "arch/x86_64/memlayout.h"
#include "lib/string.h"
#include <stddef.h>

/* How it works (docs/memory.md has the picture):
   - The usable RAM of the memory map, minus everything reserved, becomes a
     short sorted list of frame ranges. Each range has a bump pointer: frames
     at or above it have never been handed out, so allocating from them needs
     no list and pmm_init never touches them (boot time: a 5 GiB machine has
     1.3 million frames, and writing a link into each would cost milliseconds
     under QEMU TCG).
   - A freed frame's number goes on a stack (an array sized for every frame,
     so a push can never overflow). pmm_alloc pops the stack first, else bumps:
     both are O(1).
   - One bit per frame (set = allocated) is the truth about each frame's
     state: pmm_free panics on a frame whose bit is clear, which is a double
     free or a free of a frame never allocated.
   The bitmap and the stack live in frames taken from the front of the first
   range that fits below 3 GiB (the boot page tables map that write-back). */

#define FRAME_SHIFT PAGE_SHIFT
#define MIB (1024UL * 1024UL)
#define PMM_MAX_RANGES 64
#define MB_INFO_MODS (1u << 3)         /* multiboot 0.6.96, 3.3: mods_* valid */

/* Frames [first, end) are managed; [next, end) have never been handed out. */
struct frame_range {
    uint64_t first, next, end;
};

/* Multiboot 0.6.96, 3.3: one entry of the modules array. */
struct multiboot_module {
    uint32_t mod_start, mod_end, cmdline, reserved;
};

extern char _bss_end_phys[];            /* linker.ld: end of the kernel image */

static struct spinlock pmm_lock = SPINLOCK_INIT("pmm");

static struct pmm_region regions[PMM_MAX_REGIONS];
static int nregions;

static struct frame_range ranges[PMM_MAX_RANGES];
static int nranges;
static int bump_range;                  /* first range whose next < end */

static uint64_t *allocated_bits;        /* bit f set: frame f is allocated */
static uint32_t *free_stack;            /* frame numbers freed since boot */
static uint64_t free_stack_top;

static uint64_t frames_total, frames_free, ram_bytes;

static uint64_t align_up(uint64_t v, uint64_t a) { return (v + a - 1) & ~(a - 1); }
static uint64_t align_down(uint64_t v, uint64_t a) { return v & ~(a - 1); }
static uint64_t min_u64(uint64_t a, uint64_t b) { return a < b ? a : b; }
static uint64_t max_u64(uint64_t a, uint64_t b) { return a > b ? a : b; }

static bool bit_test(uint64_t f) { return allocated_bits[f / 64] >> (f % 64) & 1; }
static void bit_set(uint64_t f) { allocated_bits[f / 64] |= 1UL << (f % 64); }
static void bit_clear(uint64_t f) { allocated_bits[f / 64] &= ~(1UL << (f % 64)); }

/* --- building the ranges --------------------------------------------------- */

static void save_region(uint64_t start, uint64_t len, uint32_t type)
{
    if (len == 0)
        return;
    if (nregions == PMM_MAX_REGIONS) {
        printk("pmm: memory map has more than %d entries; ignoring 0x%lx+0x%lx\n",
               PMM_MAX_REGIONS, start, len);
        return;
    }
    uint64_t end = start + len < start ? ~0UL : start + len;
    regions[nregions++] = (struct pmm_region){ start, end, type };
    if (type == MMAP_AVAILABLE)
        ram_bytes += end - start;
}

static void save_memory_map(const struct multiboot_info *mbi)
{
    if (mbi->flags & MB_INFO_MMAP) {
        for (uint32_t off = 0; off < mbi->mmap_length;) {
            const struct multiboot_mmap_entry *e = phys_to_virt(mbi->mmap_addr + off);
            save_region(e->addr, e->len, e->type);
            off += e->size + sizeof e->size;
        }
    } else if (mbi->flags & MB_INFO_MEMORY) {
        /* No map: the two sizes (multiboot 3.3) describe low and upper memory. */
        save_region(0, (uint64_t)mbi->mem_lower * 1024, MMAP_AVAILABLE);
        save_region(MIB, (uint64_t)mbi->mem_upper * 1024, MMAP_AVAILABLE);
    } else {
        panic("pmm: the boot loader gave neither a memory map nor memory sizes");
    }
}

static void add_range(uint64_t start, uint64_t end)
{
    start = align_up(start, PAGE_SIZE);
    end = align_down(end, PAGE_SIZE);
    if (start >= end)
        return;
    if (nranges == PMM_MAX_RANGES) {
        printk("pmm: more than %d RAM ranges; ignoring 0x%lx-0x%lx\n", PMM_MAX_RANGES, start, end);
        return;
    }
    ranges[nranges++] = (struct frame_range){ start >> FRAME_SHIFT, 0, end >> FRAME_SHIFT };
}

/* Usable RAM from 1 MiB up. In the 3-4 GiB MMIO window only whole 2 MiB
   chunks of RAM count: the direct map maps any other chunk there uncached,
   and a frame must never be mapped with two memory types (Intel SDM vol. 3A,
   11.12.4), so such frames are left alone. */
static void add_usable_ranges(void)
{
    for (int i = 0; i < nregions; i++) {
        const struct pmm_region *r = &regions[i];
        if (r->type != MMAP_AVAILABLE)
            continue;
        uint64_t start = max_u64(r->start, MIB), end = r->end;
        add_range(start, min_u64(end, PMM_MMIO_WINDOW_START));
        add_range(align_up(max_u64(start, PMM_MMIO_WINDOW_START), LARGE_PAGE_SIZE),
                  align_down(min_u64(end, PMM_MMIO_WINDOW_END), LARGE_PAGE_SIZE));
        add_range(max_u64(start, PMM_MMIO_WINDOW_END), end);
    }
}

/* Removes [start, end) (rounded out to whole frames) from every range. */
static void reserve(uint64_t start, uint64_t end)
{
    uint64_t first = align_down(start, PAGE_SIZE) >> FRAME_SHIFT;
    uint64_t last = align_up(end, PAGE_SIZE) >> FRAME_SHIFT;
    if (first >= last)
        return;
    for (int i = 0; i < nranges; i++) {
        struct frame_range *r = &ranges[i];
        if (last <= r->first || first >= r->end)
            continue;
        if (first > r->first && last < r->end) {
            /* A hole in the middle: split; the tail becomes a new range. */
            if (nranges == PMM_MAX_RANGES) {
                r->end = first;         /* lose the tail rather than the hole */
                continue;
            }
            ranges[nranges++] = (struct frame_range){ last, 0, r->end };
            r->end = first;
        } else if (first > r->first) {
            r->end = first;
        } else if (last < r->end) {
            r->first = last;
        } else {
            r->first = r->end;          /* wholly reserved: left empty */
        }
    }
}

static void reserve_string(uint32_t phys)
{
    if (phys)
        reserve(phys, phys + strnlen(phys_to_virt(phys), 4096) + 1);
}

/* Everything pmm must never hand out, besides what is below 1 MiB. */
static void reserve_boot_data(const struct multiboot_info *mbi)
{
    uint64_t mbi_phys = virt_to_phys(mbi);
    reserve(KERNEL_LOAD_PHYS, (uint64_t)_bss_end_phys);
    reserve(mbi_phys, mbi_phys + sizeof *mbi);
    if (mbi->flags & MB_INFO_MMAP)
        reserve(mbi->mmap_addr, (uint64_t)mbi->mmap_addr + mbi->mmap_length);
    if (mbi->flags & MB_INFO_CMDLINE)
        reserve_string(mbi->cmdline);
    if (mbi->flags & MB_INFO_LOADER)
        reserve_string(mbi->boot_loader_name);
    if ((mbi->flags & MB_INFO_MODS) && mbi->mods_count) {
        const struct multiboot_module *mods = phys_to_virt(mbi->mods_addr);
        reserve(mbi->mods_addr, mbi->mods_addr + mbi->mods_count * sizeof *mods);
        for (uint32_t i = 0; i < mbi->mods_count; i++) {
            reserve(mods[i].mod_start, mods[i].mod_end);
            reserve_string(mods[i].cmdline);
        }
    }
}

/* Drops empty ranges and sorts the rest by address, so that frames are
   handed out lowest first (page tables built before the switch to the
   kernel's own tables must lie below 4 GiB, where the boot tables reach). */
static void sort_ranges(void)
{
    int n = 0;
    for (int i = 0; i < nranges; i++)
        if (ranges[i].first < ranges[i].end)
            ranges[n++] = ranges[i];
    nranges = n;
    for (int i = 1; i < nranges; i++) {
        struct frame_range r = ranges[i];
        int j = i;
        for (; j > 0 && ranges[j - 1].first > r.first; j--)
            ranges[j] = ranges[j - 1];
        ranges[j] = r;
    }
}

/* Takes the bitmap and the free stack from the front of the first range
   that can hold them below 3 GiB (mapped write-back by the boot tables). */
static void place_metadata(void)
{
    uint64_t max_frame = 0, frames = 0;
    for (int i = 0; i < nranges; i++) {
        max_frame = max_u64(max_frame, ranges[i].end);
        frames += ranges[i].end - ranges[i].first;
    }
    uint64_t bitmap_bytes = align_up(max_frame, 64) / 8;
    uint64_t stack_bytes = frames * sizeof *free_stack;
    uint64_t meta_frames = align_up(bitmap_bytes + stack_bytes, PAGE_SIZE) >> FRAME_SHIFT;
    for (int i = 0; i < nranges; i++) {
        struct frame_range *r = &ranges[i];
        if (r->end - r->first < meta_frames ||
            (r->first + meta_frames) << FRAME_SHIFT > PMM_MMIO_WINDOW_START)
            continue;
        allocated_bits = phys_to_virt(r->first << FRAME_SHIFT);
        free_stack = (uint32_t *)((char *)allocated_bits + bitmap_bytes);
        r->first += meta_frames;
        /* Only the bitmap needs clearing; stack slots are written before read. */
        memset(allocated_bits, 0, bitmap_bytes);
        ASSERT(max_frame <= 0xFFFFFFFFUL);       /* frame numbers fit the stack's u32 */
        return;
    }
    panic("pmm: no room below 3 GiB for %lu frames of allocator metadata", meta_frames);
}

void pmm_init(const struct multiboot_info *mbi)
{
    save_memory_map(mbi);
    add_usable_ranges();
    reserve_boot_data(mbi);
    sort_ranges();
    place_metadata();
    sort_ranges();                      /* the metadata may have emptied a range */

    frames_total = 0;
    for (int i = 0; i < nranges; i++) {
        ranges[i].next = ranges[i].first;
        frames_total += ranges[i].end - ranges[i].first;
    }
    frames_free = frames_total;
    bump_range = 0;
    if (frames_total == 0)
        panic("pmm: no usable RAM above 1 MiB outside the kernel image");
}

/* --- allocation --------------------------------------------------------------- */

static bool frame_managed(uint64_t f)
{
    for (int i = 0; i < nranges; i++)
        if (f >= ranges[i].first && f < ranges[i].end)
            return true;
    return false;
}

uint64_t pmm_alloc(void)
{
    uint64_t f;
    spin_lock(&pmm_lock);
    if (free_stack_top > 0) {
        f = free_stack[--free_stack_top];
    } else {
        while (bump_range < nranges && ranges[bump_range].next == ranges[bump_range].end)
            bump_range++;
        if (bump_range == nranges) {
            spin_unlock(&pmm_lock);
            return 0;
        }
        f = ranges[bump_range].next++;
    }
    if (bit_test(f))
        panic("pmm: frame 0x%lx was about to be handed out but is marked allocated "
              "(free stack or range corrupted)", f << FRAME_SHIFT);
    bit_set(f);
    frames_free--;
    spin_unlock(&pmm_lock);
    return f << FRAME_SHIFT;
}

uint64_t pmm_alloc_zeroed(void)
{
    uint64_t phys = pmm_alloc();
    if (phys)
        memset(phys_to_virt(phys), 0, PAGE_SIZE);
    return phys;
}

void pmm_free(uint64_t phys)
{
    if (phys & (PAGE_SIZE - 1))
        panic("pmm: free of 0x%lx, which is not the start of a frame", phys);
    uint64_t f = phys >> FRAME_SHIFT;
    spin_lock(&pmm_lock);
    if (!frame_managed(f))
        panic("pmm: free of frame 0x%lx, which the allocator does not manage", phys);
    if (!bit_test(f))
        panic("pmm: double free of frame 0x%lx", phys);
    bit_clear(f);
    free_stack[free_stack_top++] = (uint32_t)f;
    frames_free++;
    spin_unlock(&pmm_lock);
}

bool pmm_frame_allocated(uint64_t phys)
{
    uint64_t f = phys >> FRAME_SHIFT;
    spin_lock(&pmm_lock);
    bool allocated = frame_managed(f) && bit_test(f);
    spin_unlock(&pmm_lock);
    return allocated;
}

uint64_t pmm_free_count(void)
{
    return __atomic_load_n(&frames_free, __ATOMIC_RELAXED);
}

uint64_t pmm_total_count(void)
{
    return frames_total;
}

uint64_t pmm_ram_bytes(void)
{
    return ram_bytes;
}

int pmm_memory_map(const struct pmm_region **out)
{
    *out = regions;
    return nregions;
}

bool pmm_range_is_ram(uint64_t start, uint64_t end)
{
    for (int i = 0; i < nregions; i++)
        if (regions[i].type == MMAP_AVAILABLE && regions[i].start <= start && end <= regions[i].end)
            return true;
    return false;
}
