/* Kernel tests of the physical frame allocator: exhausting it, double and
   foreign frees, zeroed frames and the counts the leak tests rely on. */
#include "kernel/ktest.h"
#include "kernel/mm/pmm.h"
#include "arch/x86_64/memlayout.h"

extern char _bss_end_phys[];

/* Keeps the compiler from turning a test's last call into a jump, which
   would drop the test's own frame from a panic's backtrace. */
#define NOT_TAIL_CALL() __asm__ volatile("" ::: "memory")

/* Each allocated frame holds: [0] its own physical address, [1] the order
   in which it was handed out, [2] the next frame in that order. A frame
   handed out twice is overwritten by its second use, so the walk in
   allocation order finds a wrong order number (or loses count). */
KTEST(test_pmm_exhaust, "pmm-exhaust", .timeout = 120)
{
    uint64_t start_free = pmm_free_count();
    KT_ASSERT_GT(start_free, 0);
    KT_ASSERT_LE(start_free, pmm_total_count());

    uint64_t head = 0, tail = 0, count = 0, highest = 0;
    for (uint64_t f; (f = pmm_alloc()) != 0; count++) {
        KT_ASSERT_LT(count, start_free);
        highest = f > highest ? f : highest;
        KT_ASSERT_EQ(f & (PAGE_SIZE - 1), 0);
        KT_ASSERT_GE(f, 0x100000);                      /* nothing below 1 MiB */
        KT_ASSERT(f >= (uint64_t)_bss_end_phys);       /* nor in the kernel image */
        uint64_t *w = phys_to_virt(f);
        w[0] = f;
        w[1] = count;
        w[2] = 0;
        if (tail)
            ((uint64_t *)phys_to_virt(tail))[2] = f;
        else
            head = f;
        tail = f;
    }
    KT_ASSERT_EQ(count, start_free);
    KT_ASSERT_EQ(pmm_free_count(), 0);
    /* The top of RAM was handed out too (above 4 GiB with -m 5000). The
       last 2 MiB may be missing if they are a partial chunk of the 3-4 GiB
       window, which the direct map maps uncached. */
    const struct pmm_region *map;
    uint64_t top = 0;
    for (int i = pmm_memory_map(&map) - 1; i >= 0; i--)
        if (map[i].type == MMAP_AVAILABLE && map[i].end > top)
            top = map[i].end;
    KT_ASSERT_LT(highest, top);
    KT_ASSERT_GE(highest + PAGE_SIZE + LARGE_PAGE_SIZE, top);
    KT_ASSERT_EQ(pmm_alloc(), 0);
    KT_ASSERT_EQ(pmm_alloc_zeroed(), 0);

    uint64_t seen = 0;
    for (uint64_t f = head; f; seen++) {
        KT_ASSERT_LT(seen, count);
        const uint64_t *w = phys_to_virt(f);
        KT_ASSERT_EQ(w[0], f);
        KT_ASSERT_EQ(w[1], seen);
        f = w[2];
    }
    KT_ASSERT_EQ(seen, count);

    for (uint64_t f = head; f;) {
        uint64_t next = ((const uint64_t *)phys_to_virt(f))[2];
        pmm_free(f);
        f = next;
    }
    KT_ASSERT_EQ(pmm_free_count(), start_free);

    /* And the allocator still works. */
    uint64_t f = pmm_alloc();
    KT_ASSERT_NE(f, 0);
    pmm_free(f);
    KT_ASSERT_EQ(pmm_free_count(), start_free);
}

KTEST(test_pmm_counts, "pmm-counts")
{
    /* The banner's RAM size comes from here; QEMU's -m is at least 64 MiB,
       and pmm manages most of it (not the first MiB, the image, metadata). */
    uint64_t ram = pmm_ram_bytes(), total = pmm_total_count();
    KT_ASSERT_GE(ram, 60UL << 20);
    KT_ASSERT_LE(total * PAGE_SIZE, ram);
    KT_ASSERT_GE(total * PAGE_SIZE, ram - ram / 8 - (4UL << 20));

    uint64_t before = pmm_free_count();
    uint64_t a = pmm_alloc(), b = pmm_alloc();
    KT_ASSERT(a && b && a != b);
    KT_ASSERT_EQ(pmm_free_count(), before - 2);
    KT_ASSERT(pmm_frame_allocated(a));

    /* A freed frame comes back zeroed from pmm_alloc_zeroed. */
    uint64_t *w = phys_to_virt(a);
    for (unsigned i = 0; i < PAGE_SIZE / 8; i++)
        w[i] = ~0UL;
    pmm_free(a);
    KT_ASSERT(!pmm_frame_allocated(a));
    uint64_t z = pmm_alloc_zeroed();
    KT_ASSERT_EQ(z, a);                         /* the free stack is LIFO */
    for (unsigned i = 0; i < PAGE_SIZE / 8; i++)
        KT_ASSERT_EQ(w[i], 0);
    pmm_free(z);
    pmm_free(b);
    KT_ASSERT_EQ(pmm_free_count(), before);
}

KTEST(test_pmm_double_free, "pmm-double-free", .expect_panic = "pmm: double free of frame 0x")
{
    uint64_t f = pmm_alloc();
    KT_ASSERT_NE(f, 0);
    pmm_free(f);
    pmm_free(f);
    NOT_TAIL_CALL();
}

KTEST(test_pmm_free_foreign, "pmm-free-foreign",
      .expect_panic = "pmm: free of frame 0x100000, which the allocator does not manage")
{
    pmm_free(KERNEL_LOAD_PHYS);                 /* the kernel image's first frame */
    NOT_TAIL_CALL();
}

/* Nothing below the end of the kernel image is handed out or held as
   allocator metadata: the first MiB (BIOS, multiboot structures) and the
   image are not pmm's at all. */
KTEST(test_pmm_reserved, "pmm-reserved")
{
    for (uint64_t f = 0; f < (uint64_t)_bss_end_phys; f += PAGE_SIZE)
        if (pmm_frame_allocated(f))
            ktest_fail(__FILE__, __LINE__, "frame 0x%lx of the reserved area is allocated", f);
}
