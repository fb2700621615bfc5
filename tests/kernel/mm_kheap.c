/* Kernel tests of kmalloc/kfree: sizes and alignment, a long random stress,
   frames given back, and the panics for double frees, overruns, underruns
   and pointers kmalloc never returned. */
#include "kernel/ktest.h"
#include "kernel/mm/kheap.h"
#include "kernel/mm/pmm.h"
#include "arch/x86_64/memlayout.h"

#define NOT_TAIL_CALL() __asm__ volatile("" ::: "memory")

/* xorshift64 (Marsaglia 2003): a small seeded generator, so that a failing
   run can be repeated exactly. */
static uint64_t rng_state;
static uint64_t rng_next(void)
{
    uint64_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return rng_state = x;
}

/* Word k of a block is pattern(seed, k); the bytes of a last partial word
   are the low bytes of its pattern. */
static uint64_t pattern(uint64_t seed, uint64_t k)
{
    return (seed + k) * 0x9E3779B97F4A7C15UL ^ (seed >> 7);
}

static void fill(uint8_t *p, size_t size, uint64_t seed)
{
    size_t words = size / 8;
    for (size_t k = 0; k < words; k++)
        ((uint64_t *)p)[k] = pattern(seed, k);
    uint64_t last = pattern(seed, words);
    for (size_t i = words * 8; i < size; i++, last >>= 8)
        p[i] = (uint8_t)last;
}

/* Returns the offset of the first byte that differs, or -1. */
static long check(const uint8_t *p, size_t size, uint64_t seed)
{
    size_t words = size / 8;
    for (size_t k = 0; k < words; k++)
        if (((const uint64_t *)p)[k] != pattern(seed, k))
            return (long)k * 8;
    uint64_t last = pattern(seed, words);
    for (size_t i = words * 8; i < size; i++, last >>= 8)
        if (p[i] != (uint8_t)last)
            return (long)i;
    return -1;
}

/* Mostly small: 85% 1..256 bytes, 12% up to 4 KiB, 3% up to 64 KiB. */
static size_t random_size(void)
{
    uint64_t r = rng_next();
    unsigned pick = r % 100;
    r >>= 8;
    if (pick < 85)
        return 1 + r % 256;
    if (pick < 97)
        return 1 + r % 4096;
    return 1 + r % 65536;
}

#define LIVE_SLOTS 1024
static struct {
    uint8_t *p;
    size_t size;
    uint64_t seed;
} live[LIVE_SLOTS];

KTEST(test_kmalloc_stress, "kmalloc-stress", .timeout = 180)
{
    kheap_trim();
    uint64_t start_free = pmm_free_count();
    struct kheap_stats before, after;
    kheap_stats(&before);

    rng_state = 0x5EED5EED12345678UL;
    unsigned allocs = 0, frees = 0;
    for (int op = 0; op < 100000; op++) {
        unsigned i = rng_next() % LIVE_SLOTS;
        if (live[i].p) {
            long bad = check(live[i].p, live[i].size, live[i].seed);
            if (bad >= 0)
                ktest_fail(__FILE__, __LINE__, "op %d: block 0x%lx (size %lu) damaged at +%ld",
                           op, (uint64_t)live[i].p, live[i].size, bad);
            kfree(live[i].p);
            live[i].p = 0;
            frees++;
        } else {
            size_t size = random_size();
            uint8_t *p = kmalloc(size);
            KT_ASSERT(p);
            KT_ASSERT_EQ((uint64_t)p & 15, 0);
            live[i].p = p;
            live[i].size = size;
            live[i].seed = rng_next() ^ (uint64_t)p;
            fill(p, size, live[i].seed);
            allocs++;
        }
    }
    for (unsigned i = 0; i < LIVE_SLOTS; i++) {
        if (!live[i].p)
            continue;
        KT_ASSERT_EQ(check(live[i].p, live[i].size, live[i].seed), -1);
        kfree(live[i].p);
        live[i].p = 0;
        frees++;
    }
    KT_ASSERT_EQ(allocs, frees);
    KT_ASSERT_GT(allocs, 40000);

    kheap_stats(&after);
    KT_ASSERT_EQ(after.small_blocks, before.small_blocks);
    KT_ASSERT_EQ(after.large_blocks, before.large_blocks);
    KT_ASSERT_EQ(after.live_bytes, before.live_bytes);
    KT_ASSERT_EQ(after.large_pages, before.large_pages);
    /* Empty slabs may stay cached, one per size class at most. */
    KT_ASSERT_LE(after.cached_slab_pages, 13);
    KT_ASSERT_EQ(pmm_free_count() + after.cached_slab_pages, start_free);
    KT_ASSERT_EQ(kheap_trim(), after.cached_slab_pages);
    KT_ASSERT_EQ(pmm_free_count(), start_free);
}

KTEST(test_kmalloc_basic, "kmalloc-basic")
{
    KT_ASSERT(!kmalloc(0));
    KT_ASSERT(!kzalloc(0));
    kfree(0);

    static const size_t sizes[] = { 1, 8, 15, 16, 17, 24, 25, 100, 1000, 1992, 1993, 2048,
                                    4063, 4064, 4065, 10000, 100000, 1 << 20 };
    void *blocks[sizeof sizes / sizeof sizes[0]];
    for (unsigned i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        uint8_t *p = kzalloc(sizes[i]);
        KT_ASSERT(p);
        KT_ASSERT_EQ((uint64_t)p & 15, 0);
        for (size_t b = 0; b < sizes[i]; b++)
            KT_ASSERT_EQ(p[b], 0);
        for (size_t b = 0; b < sizes[i]; b++)
            p[b] = (uint8_t)(i + b);
        blocks[i] = p;
    }
    struct kheap_stats s;
    kheap_stats(&s);
    KT_ASSERT_GE(s.small_blocks, 10);
    KT_ASSERT_GE(s.large_blocks, 8);
    for (unsigned i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        const uint8_t *p = blocks[i];
        for (size_t b = 0; b < sizes[i]; b++)
            KT_ASSERT_EQ(p[b], (uint8_t)(i + b));
        kfree(blocks[i]);
    }
    /* More than RAM: NULL, not a panic. */
    KT_ASSERT(!kmalloc(pmm_ram_bytes() * 2));
    KT_ASSERT(!kmalloc((size_t)-1));
}

/* Large blocks give their frames back at once; small slabs after kheap_trim. */
KTEST(test_kmalloc_leak, "kmalloc-leak", .timeout = 120)
{
    static void *blocks[200];
    kheap_trim();
    uint64_t start_free = pmm_free_count();
    rng_state = 42;
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < 200; i++) {
            blocks[i] = kmalloc(KHEAP_SMALL_MAX + 1 + rng_next() % (256 << 10));
            KT_ASSERT(blocks[i]);
        }
        KT_ASSERT_LT(pmm_free_count(), start_free - 200);
        for (int i = 0; i < 200; i++)
            kfree(blocks[i]);
        KT_ASSERT_EQ(pmm_free_count(), start_free);
    }
    for (int i = 0; i < 200; i++) {
        blocks[i] = kmalloc(1 + rng_next() % KHEAP_SMALL_MAX);
        KT_ASSERT(blocks[i]);
    }
    for (int i = 0; i < 200; i++)
        kfree(blocks[i]);
    struct kheap_stats s;
    kheap_stats(&s);
    KT_ASSERT_EQ(pmm_free_count() + s.cached_slab_pages, start_free);
    KT_ASSERT_EQ(kheap_trim(), s.cached_slab_pages);
    KT_ASSERT_EQ(pmm_free_count(), start_free);
}

KTEST(test_kmalloc_double_free, "kmalloc-double-free", .expect_panic = "kheap: double free of 0x")
{
    void *p = kmalloc(40);
    void *q = kmalloc(40);                      /* keeps the slab from being released */
    KT_ASSERT(p && q);
    kfree(p);
    kfree(p);
    NOT_TAIL_CALL();
}

KTEST(test_kmalloc_double_free_large, "kmalloc-double-free-large",
      .expect_panic = "kheap: double free of 0x")
{
    void *p = kmalloc(10000);
    KT_ASSERT(p);
    kfree(p);
    kfree(p);
    NOT_TAIL_CALL();
}

/* volatile: the compiler must not see (or warn about) the bad write. */
static volatile long one_past = 0;

KTEST(test_kmalloc_overrun, "kmalloc-overrun", .expect_panic = "kheap: overrun after block 0x")
{
    uint8_t *p = kmalloc(24);
    KT_ASSERT(p);
    p[24 + one_past] = 'x';                     /* one byte past the end */
    kfree(p);
    NOT_TAIL_CALL();
}

KTEST(test_kmalloc_overrun_large, "kmalloc-overrun-large",
      .expect_panic = "kheap: overrun after block 0x")
{
    uint8_t *p = kmalloc(5000);
    KT_ASSERT(p);
    p[5000 + one_past] = 0;
    kfree(p);
    NOT_TAIL_CALL();
}

KTEST(test_kmalloc_underrun, "kmalloc-underrun", .expect_panic = "kheap: underrun before block 0x")
{
    uint8_t *p = kmalloc(100);
    KT_ASSERT(p);
    p[-1 - one_past] = 0;
    kfree(p);
    NOT_TAIL_CALL();
}

KTEST(test_kmalloc_bad_pointer, "kmalloc-bad-pointer",
      .expect_panic = "which kmalloc never returned")
{
    uint8_t *p = kmalloc(100);
    KT_ASSERT(p);
    kfree(p + 16);                              /* inside a block */
    NOT_TAIL_CALL();
}

KTEST(test_kmalloc_bad_pointer_static, "kmalloc-bad-pointer-static",
      .expect_panic = "which kmalloc never returned")
{
    static uint64_t not_heap[4];
    kfree(not_heap);
    NOT_TAIL_CALL();
}
