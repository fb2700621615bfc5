/* The kernel's virtual-area allocator: a bitmap of the pages of the vmap
   window, first fit, each range preceded by an unmapped guard page. */
#include "kernel/mm/vmap.h"
#include "kernel/mm/pmm.h"
#include "kernel/panic.h"
#include "kernel/spinlock.h"
#include "arch/x86_64/memlayout.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/tlb.h"

#define UNMAP_BATCH 64             /* pages freed per TLB shootdown */
#include <stdint.h>

/* How it works:
   - One bit per page of [KERNEL_VMAP_BASE, + KERNEL_VMAP_SIZE): set while
     the page belongs to a range, guard pages included. 1 GiB of window is
     262,144 pages, a 32 KiB bitmap in .bss.
   - vmap_alloc(n) looks for n + 1 clear bits, lowest address first (first
     fit), so freed space is reused before new space is touched and the
     window cannot leak. `hint` is a lower bound of the first clear bit.
   - Ranges are recognised without any per-range record: every range starts
     with an unmapped guard page and its pages are all mapped, so a range is
     exactly a run of mapped pages with an unmapped page on each side (the
     next range's guard, or free space). vmap_free checks that, and the
     bitmap, before touching anything. */

#define VMAP_PAGES (KERNEL_VMAP_SIZE / PAGE_SIZE)
#define WORD_BITS 64

static uint64_t used_bits[VMAP_PAGES / WORD_BITS];
static size_t hint;                     /* no clear bit below this index */
static size_t pages_used;
static struct spinlock vmap_lock = SPINLOCK_INIT("vmap");

static bool bit_test(size_t i) { return used_bits[i / WORD_BITS] >> (i % WORD_BITS) & 1; }

static void set_bits(size_t first, size_t count, bool value)
{
    for (size_t i = first; i < first + count; i++) {
        if (value)
            used_bits[i / WORD_BITS] |= 1UL << (i % WORD_BITS);
        else
            used_bits[i / WORD_BITS] &= ~(1UL << (i % WORD_BITS));
    }
}

static uint64_t page_address(size_t index) { return KERNEL_VMAP_BASE + index * PAGE_SIZE; }

/* Index of the first run of count clear bits at or above hint, or -1.
   Whole words are skipped when full (or taken when empty). */
static long find_clear_run(size_t count)
{
    size_t run = 0, start = 0;
    for (size_t i = hint; i < VMAP_PAGES;) {
        uint64_t word = used_bits[i / WORD_BITS];
        if (i % WORD_BITS == 0 && word == ~0UL) {
            run = 0;
            i += WORD_BITS;
            continue;
        }
        if (i % WORD_BITS == 0 && word == 0) {
            if (run == 0)
                start = i;
            run += WORD_BITS;
            i += WORD_BITS;
        } else if (word >> (i % WORD_BITS) & 1) {
            run = 0;
            i++;
            continue;
        } else {
            if (run == 0)
                start = i;
            run++;
            i++;
        }
        if (run >= count)
            return (long)start;
    }
    return -1;
}

void vmap_init(void)
{
    /* The bitmap is in .bss, already zero: nothing is in use. The page
       tables under PML4 slot 384 are made on demand below the PDPT that
       paging_init pre-allocated for every upper-half slot. */
    hint = 0;
    pages_used = 0;
}

bool vmap_contains(const void *p)
{
    uint64_t a = (uint64_t)p;
    return a >= KERNEL_VMAP_BASE && a - KERNEL_VMAP_BASE < KERNEL_VMAP_SIZE;
}

size_t vmap_pages_used(void)
{
    return __atomic_load_n(&pages_used, __ATOMIC_RELAXED);
}

/* Unmaps pages [first, first + count) of a range and frees their frames. */
/* Unmaps count pages from first and frees their frames -- only after every
   CPU has dropped them from its TLB, so that no stale translation can
   reach a frame that is handed out again. */
static void unmap_pages(uint64_t first, size_t count)
{
    vm_root_t root = paging_kernel_root();
    uint64_t frames[UNMAP_BATCH];
    for (size_t done = 0; done < count;) {
        size_t n = count - done < UNMAP_BATCH ? count - done : UNMAP_BATCH;
        for (size_t i = 0; i < n; i++) {
            uint64_t va = first + (done + i) * PAGE_SIZE;
            int err = paging_unmap_frame(root, va, &frames[i]);
            if (err)
                panic("vmap: page 0x%lx of a range is not mapped (%d)", va, err);
        }
        tlb_shootdown(root, first + done * PAGE_SIZE, n);
        for (size_t i = 0; i < n; i++)
            pmm_free(frames[i]);
        done += n;
    }
}

static void release_bits(size_t guard, size_t npages)
{
    set_bits(guard, npages + 1, false);
    if (guard < hint)
        hint = guard;
    pages_used -= npages + 1;
}

void *vmap_alloc(size_t npages)
{
    /* The frame count check is only a shortcut (it can change at once):
       without it an impossible request would zero every free frame first. */
    if (npages == 0 || npages >= VMAP_PAGES || npages > pmm_free_count())
        return NULL;
    spin_lock(&vmap_lock);
    long guard = find_clear_run(npages + 1);
    if (guard < 0) {
        spin_unlock(&vmap_lock);
        return NULL;
    }
    set_bits(guard, npages + 1, true);
    if ((size_t)guard == hint)
        hint = guard + npages + 1;
    pages_used += npages + 1;
    spin_unlock(&vmap_lock);

    /* The range is ours now: map it without holding vmap_lock (zeroing
       frames takes a while, and paging has its own lock). */
    uint64_t first = page_address(guard + 1);
    vm_root_t root = paging_kernel_root();
    for (size_t i = 0; i < npages; i++) {
        uint64_t frame = pmm_alloc_zeroed();
        if (!frame || paging_map(root, first + i * PAGE_SIZE, frame, VM_WRITE) < 0) {
            if (frame)
                pmm_free(frame);
            unmap_pages(first, i);
            spin_lock(&vmap_lock);
            release_bits(guard, npages);
            spin_unlock(&vmap_lock);
            return NULL;
        }
    }
    return (void *)first;
}

static bool page_mapped(uint64_t va)
{
    return paging_query(paging_kernel_root(), va, NULL, NULL);
}

void vmap_free(void *p, size_t npages)
{
    uint64_t first = (uint64_t)p;
    spin_lock(&vmap_lock);
    /* Everything is checked before anything changes. */
    bool ok = vmap_contains(p) && !(first & (PAGE_SIZE - 1)) && first > KERNEL_VMAP_BASE &&
              npages > 0 && npages < VMAP_PAGES;
    size_t guard = ok ? (first - KERNEL_VMAP_BASE) / PAGE_SIZE - 1 : 0;
    ok = ok && guard + 1 + npages <= VMAP_PAGES;
    for (size_t i = guard; ok && i <= guard + npages; i++)
        ok = bit_test(i);
    uint64_t after = first + npages * PAGE_SIZE;
    ok = ok && !page_mapped(first - PAGE_SIZE) && page_mapped(first) &&
         page_mapped(after - PAGE_SIZE) &&
         (!vmap_contains((void *)after) || !page_mapped(after));
    if (!ok)
        panic("vmap: vmap_free(0x%lx, %lu): not a range that vmap_alloc returned "
              "(or already freed)", first, npages);
    unmap_pages(first, npages);
    release_bits(guard, npages);
    spin_unlock(&vmap_lock);
}
