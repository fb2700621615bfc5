/* Kernel tests of the virtual-area allocator: guard pages, reuse of the
   window without leaking frames or address space, and bad frees. */
#include "kernel/ktest.h"
#include "kernel/mm/pmm.h"
#include "kernel/mm/vmap.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/memlayout.h"

#define NOT_TAIL_CALL() __asm__ volatile("" ::: "memory")

#define STACKS 1000
#define STACK_PAGES 4                   /* 16 KiB */

KTEST(test_vmap_guard, "vmap-guard",
      .expect_panic = "#PF page fault in kernel mode, error 0x2, cr2=0xffffc0000")
{
    /* A range just below, so that without the guard p[-1] would be its memory. */
    uint8_t *below = vmap_alloc(1);
    uint8_t *p = vmap_alloc(STACK_PAGES);
    KT_ASSERT(below && p);
    KT_ASSERT(vmap_contains(p));
    KT_ASSERT_EQ((uint64_t)p - (uint64_t)below, 2 * PAGE_SIZE);
    vm_root_t root = paging_kernel_root();
    unsigned flags = 0;
    for (int i = 0; i < STACK_PAGES; i++) {
        KT_ASSERT(paging_query(root, (uint64_t)p + i * PAGE_SIZE, 0, &flags));
        KT_ASSERT_EQ(flags & (VM_WRITE | VM_USER), VM_WRITE);
    }
    KT_ASSERT(!paging_query(root, (uint64_t)p - PAGE_SIZE, 0, 0));
    p[0] = 1;                                   /* the bottom is writable */
    p[STACK_PAGES * PAGE_SIZE - 1] = 1;         /* and so is the top */
    p[-1] = 1;                                  /* the guard page is not */
    NOT_TAIL_CALL();
}

static uint8_t *first_round[STACKS];

/* 1,000 stacks of 16 KiB allocated then freed, five times: every frame
   comes back, and each round gets the addresses of the first (first fit
   reuses the space rather than walking further into the window). */
KTEST(test_vmap_reuse, "vmap-reuse", .timeout = 120)
{
    static uint8_t *round[STACKS];
    uint64_t start_free = pmm_free_count();
    size_t start_used = vmap_pages_used();
    for (int r = 0; r < 5; r++) {
        for (int i = 0; i < STACKS; i++) {
            uint8_t *p = vmap_alloc(STACK_PAGES);
            KT_ASSERT(p);
            KT_ASSERT_EQ((uint64_t)p & (PAGE_SIZE - 1), 0);
            for (int pg = 0; pg < STACK_PAGES; pg++) {
                uint64_t *w = (uint64_t *)(p + pg * PAGE_SIZE);
                KT_ASSERT_EQ(w[0], 0);              /* zeroed, though reused */
                KT_ASSERT_EQ(w[511], 0);
                w[0] = w[511] = (uint64_t)p + pg;
            }
            round[i] = p;
            if (r == 0)
                first_round[i] = p;
            else
                KT_ASSERT_EQ(p, first_round[i]);
        }
        KT_ASSERT_EQ(vmap_pages_used(), start_used + STACKS * (STACK_PAGES + 1));
        for (int i = 0; i < STACKS; i++) {
            for (int pg = 0; pg < STACK_PAGES; pg++) {
                uint64_t *w = (uint64_t *)(round[i] + pg * PAGE_SIZE);
                KT_ASSERT_EQ(w[0], (uint64_t)round[i] + pg);
                KT_ASSERT_EQ(w[511], (uint64_t)round[i] + pg);
            }
            vmap_free(round[i], STACK_PAGES);
        }
        KT_ASSERT_EQ(vmap_pages_used(), start_used);
        KT_ASSERT_EQ(pmm_free_count(), start_free);
    }
    /* Distinct ranges, each with its own guard below it. */
    for (int i = 1; i < STACKS; i++)
        KT_ASSERT_GE((uint64_t)first_round[i] - (uint64_t)first_round[i - 1],
                     (STACK_PAGES + 1) * PAGE_SIZE);
}

KTEST(test_vmap_sizes, "vmap-sizes")
{
    uint64_t start_free = pmm_free_count();
    KT_ASSERT(!vmap_alloc(0));
    KT_ASSERT(!vmap_alloc(KERNEL_VMAP_SIZE / PAGE_SIZE));
    uint8_t *a = vmap_alloc(1), *b = vmap_alloc(300), *c = vmap_alloc(2);
    KT_ASSERT(a && b && c);
    b[300 * PAGE_SIZE - 1] = 7;
    vmap_free(b, 300);
    /* The hole b left is reused by the next range that fits in it. */
    uint8_t *d = vmap_alloc(299);
    KT_ASSERT_EQ(d, b);
    KT_ASSERT_EQ(d[299 * PAGE_SIZE - 1], 0);
    vmap_free(a, 1);
    vmap_free(c, 2);
    vmap_free(d, 299);
    KT_ASSERT_EQ(pmm_free_count(), start_free);
}

KTEST(test_vmap_bad_free, "vmap-bad-free", .expect_panic = "vmap: vmap_free(0x")
{
    uint8_t *p = vmap_alloc(STACK_PAGES);
    KT_ASSERT(p);
    vmap_free(p + PAGE_SIZE, STACK_PAGES - 1);  /* inside the range */
    NOT_TAIL_CALL();
}

KTEST(test_vmap_wrong_size, "vmap-wrong-size", .expect_panic = "vmap: vmap_free(0x")
{
    uint8_t *p = vmap_alloc(STACK_PAGES);
    uint8_t *q = vmap_alloc(STACK_PAGES);
    KT_ASSERT(p && q);
    vmap_free(p, STACK_PAGES - 1);              /* too few pages */
    NOT_TAIL_CALL();
}

KTEST(test_vmap_double_free, "vmap-double-free", .expect_panic = "vmap: vmap_free(0x")
{
    uint8_t *p = vmap_alloc(STACK_PAGES);
    KT_ASSERT(p);
    vmap_free(p, STACK_PAGES);
    vmap_free(p, STACK_PAGES);
    NOT_TAIL_CALL();
}

/* A range that needs one more frame (for a page table) than is free: the
   pages mapped before running out are unmapped and freed again. */
KTEST(test_vmap_enomem, "vmap-enomem", .timeout = 120)
{
    /* Where the next range will go (first fit): index of its first page. */
    uint8_t *probe = vmap_alloc(1);
    KT_ASSERT(probe);
    uint64_t index = ((uint64_t)probe - KERNEL_VMAP_BASE) / PAGE_SIZE;
    vmap_free(probe, 1);
    /* Enough pages to cross into the next page table's 2 MiB. */
    size_t npages = 512 - index % 512 + 8;
    KT_ASSERT(!paging_query(paging_kernel_root(),
                            KERNEL_VMAP_BASE + (index - index % 512 + 512) * PAGE_SIZE, 0, 0));

    uint64_t head = 0;
    while (pmm_free_count() > npages) {
        uint64_t f = pmm_alloc();
        *(uint64_t *)phys_to_virt(f) = head;
        head = f;
    }
    size_t used = vmap_pages_used();
    KT_ASSERT(!vmap_alloc(npages));
    KT_ASSERT_EQ(pmm_free_count(), npages);
    KT_ASSERT_EQ(vmap_pages_used(), used);
    while (head) {
        uint64_t next = *(uint64_t *)phys_to_virt(head);
        pmm_free(head);
        head = next;
    }
    /* The same request succeeds now, at the same place. */
    uint8_t *p = vmap_alloc(npages);
    KT_ASSERT_EQ(p, probe);
    vmap_free(p, npages);
}
