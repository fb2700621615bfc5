/* Test: the user heap -- every size class and large blocks, alignment,
   reuse, calloc, realloc, misuse caught, large blocks given back to the
   kernel, and 4 threads allocating at once. */
// test: args=quantum=1 hz=1000
// test: expect=^t-ulib: free: double free of 0x[0-9a-f]+\r?\nt-ulib: abort\(\) called
// test: expect=^t-ulib: free: bad pointer 0x[0-9a-f]+\r?\nt-ulib: abort\(\) called
// test: expect=^t-ulib: realloc: bad pointer 0x[0-9a-f]+\r?\nt-ulib: abort\(\) called
// test: expect=^t-ulib: abort\(\) called
// test: expect=^PASS
// test: timeout=120
#include <thread.h>
#include <stdint.h>
#include "utest.h"

#define MIB (1024 * 1024)

static void fill(unsigned char *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (unsigned char)(seed + i * 7);
}

/* 1 if p[0..n) is what fill(p, n, seed) wrote. */
static int intact(const unsigned char *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != (unsigned char)(seed + i * 7))
            return 0;
    return 1;
}

static void sizes_and_alignment(void)
{
    static const size_t sizes[] = { 0, 1, 15, 16, 17, 31, 32, 100, 1000, 2048, 4095, 4096,
                                    4097, 10000, 65536, 100000, 3 * MIB };
    enum { N = sizeof sizes / sizeof sizes[0] };
    unsigned char *p[N];
    /* All live at once: no two blocks may overlap. */
    for (int i = 0; i < N; i++) {
        p[i] = malloc(sizes[i]);
        UT_CHECK_MSG(p[i] != NULL, "malloc(%zu) returned NULL", sizes[i]);
        UT_CHECK_MSG(((uintptr_t)p[i] & 15) == 0, "malloc(%zu) = %p is not 16-byte aligned",
                     sizes[i], (void *)p[i]);
        fill(p[i], sizes[i], (unsigned)i);
    }
    for (int i = 0; i < N; i++) {
        UT_CHECK_MSG(intact(p[i], sizes[i], (unsigned)i), "block of %zu bytes was overwritten",
                     sizes[i]);
        free(p[i]);
    }
    free(NULL);                         /* allowed, does nothing */
    UT_CHECK(malloc((size_t)1 << 50) == NULL);
    UT_CHECK(malloc((size_t)-1) == NULL);
}

static void reuse_and_calloc(void)
{
    /* A freed block is handed out again (small blocks are recycled). */
    void *a = malloc(100);
    free(a);
    void *b = malloc(100);
    UT_CHECK_MSG(a == b, "a freed 100-byte block was not reused: %p then %p", a, b);

    /* calloc zeroes even a recycled block. */
    memset(b, 0xff, 100);
    free(b);
    unsigned char *c = calloc(10, 10);
    UT_CHECK(c == b);
    for (int i = 0; i < 100; i++)
        UT_CHECK_MSG(c[i] == 0, "calloc byte %d is 0x%x", i, c[i]);
    free(c);
    UT_CHECK(calloc((size_t)-1 / 2, 4) == NULL);        /* n * size overflows */
}

static void reallocation(void)
{
    unsigned char *p = realloc(NULL, 10);              /* realloc(NULL) is malloc */
    UT_CHECK(p != NULL);
    fill(p, 10, 1);
    UT_CHECK(realloc(p, 8) == p);                       /* shrinking keeps the block */
    p = realloc(p, 3000);                               /* to a bigger class */
    UT_CHECK(p != NULL && intact(p, 8, 1));
    fill(p, 3000, 2);
    p = realloc(p, 200000);                             /* to a large block */
    UT_CHECK(p != NULL && intact(p, 3000, 2));
    fill(p, 200000, 3);
    p = realloc(p, 400000);                             /* large to larger */
    UT_CHECK(p != NULL && intact(p, 200000, 3));
    UT_CHECK(realloc(p, 0) == NULL);                    /* frees it */
}

/* free of a large block gives its pages back: 64 MiB allocated, touched
   and freed in turn must not cost 64 MiB of frames. */
static void large_blocks_returned(void)
{
    struct sys_info before = ut_sysinfo();
    for (int i = 0; i < 64; i++) {
        char *p = malloc(MIB);
        UT_CHECK(p != NULL);
        for (int off = 0; off < MIB; off += 4096)
            p[off] = 1;
        free(p);
    }
    struct sys_info after = ut_sysinfo();
    long lost = (long)before.free_frames - (long)after.free_frames;
    /* A few page-table pages for the new address ranges may stay. */
    UT_CHECK_MSG(lost < 256, "64 x 1 MiB malloc/free cost %ld frames", lost);
}

static void misuse_is_caught(void)
{
    static const char *const modes[] = { "double-free", "bad-free", "bad-realloc", "abort" };
    for (unsigned i = 0; i < sizeof modes / sizeof modes[0]; i++) {
        const char *argv[] = { "t-ulib", modes[i], NULL };
        int status = ut_run("t-ulib", argv);
        UT_CHECK_MSG(status == 134, "t-ulib %s: status %d, expected 134 (abort)", modes[i],
                     status);
    }
}

#define THREADS 4
#define SLOTS   64
#define OPS     250000      /* per thread; enough to collide often, quick on -smp 4 */

/* A block's owner and identity, written at its start and end. */
static void stamp(unsigned char *p, size_t n, uint32_t tag)
{
    memcpy(p, &tag, 4);
    memcpy(p + n - 4, &tag, 4);
}

static int stamped(const unsigned char *p, size_t n, uint32_t tag)
{
    return !memcmp(p, &tag, 4) && !memcmp(p + n - 4, &tag, 4);
}

/* Each thread keeps SLOTS blocks of pseudo-random sizes (mostly small,
   sometimes large), checks a block's stamp before freeing it and replaces
   it: a heap that hands one block to two threads shows up as a wrong
   stamp. The operations are kept cheap so that many preemptions (1 ms
   time slices) fall inside malloc and free. */
static void *heap_worker(void *arg)
{
    unsigned id = (unsigned)(long)arg;
    unsigned char *block[SLOTS] = { 0 };
    size_t size[SLOTS] = { 0 };
    uint32_t tag[SLOTS] = { 0 };
    uint32_t rng = 12345 + id * 7919;
    for (uint32_t op = 0; op < OPS; op++) {
        rng = rng * 1103515245 + 12345;
        int s = (int)((rng >> 16) % SLOTS);
        if (block[s]) {
            if (!stamped(block[s], size[s], tag[s]))
                return (void *)1;
            free(block[s]);
        }
        rng = rng * 1103515245 + 12345;
        size[s] = (rng >> 16) % 256 == 0 ? 5000 + (rng >> 8) % 20000 : 8 + (rng >> 16) % 200;
        block[s] = malloc(size[s]);
        if (!block[s])
            return (void *)2;
        tag[s] = id << 24 | op;
        stamp(block[s], size[s], tag[s]);
    }
    for (int s = 0; s < SLOTS; s++) {
        if (block[s] && !stamped(block[s], size[s], tag[s]))
            return (void *)1;
        free(block[s]);
    }
    return NULL;
}

static void threads_at_once(void)
{
    thread_t t[THREADS];
    for (long i = 0; i < THREADS; i++)
        UT_CHECK_EQ(thread_create(&t[i], heap_worker, (void *)i), 0);
    for (int i = 0; i < THREADS; i++) {
        void *ret;
        UT_CHECK_EQ(thread_join(t[i], &ret), 0);
        UT_CHECK_MSG(ret == NULL, "heap worker %d: %s", i,
                     ret == (void *)1 ? "a block's contents changed" : "malloc failed");
    }
}

int main(void)
{
    sizes_and_alignment();
    reuse_and_calloc();
    reallocation();
    large_blocks_returned();
    misuse_is_caught();
    threads_at_once();
    printf("PASS\n");
    return 0;
}
