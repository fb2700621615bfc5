/* Test: thread_join keeps a joined thread's stack for the next thread_create,
   never one still in use, at most THREAD_STACK_CACHE_MAX of them, and
   thread_stack_cache_flush gives every one back to the kernel. */
// test: expect=^cache: a joined thread's stack is reused
// test: expect=^cache: 64 threads joined: \d+ frames kept
// test: expect=^cache: flushed: 0 frames kept
// test: expect=^PASS
// test: timeout=120
#include <thread.h>
#include "utest.h"

#define ROUND_THREADS 64
#define STACK_PAGES (THREAD_STACK_SIZE / 4096)

/*
 * Frames beyond the cached stacks' own that a full cache may keep: the user
 * page tables over those stacks (16 stacks of 68 KiB span at most two page
 * tables; with nothing else in their 512 GiB, a page directory and a PDPT
 * too: 4, which is what Spindle shows today) and a kernel heap slab for
 * their 16 mmap records. An unbounded cache would keep 48 more stacks: 768.
 */
#define SLACK_FRAMES 8

/* Where this thread's stack is: its frame pointer (the user programs keep
   frame pointers, -fno-omit-frame-pointer). */
static void *where_am_i(void *arg)
{
    (void)arg;
    return __builtin_frame_address(0);
}

static volatile uint32_t gate;          /* 0: closed; gated threads wait on it */

/* Waits for the gate, then stores where its stack is in *arg. */
static void *gated(void *arg)
{
    while (__atomic_load_n(&gate, __ATOMIC_SEQ_CST) == 0)
        sys_futex_wait((uint32_t *)&gate, 0, -1);
    *(void *volatile *)arg = __builtin_frame_address(0);
    return arg;
}

/* The stack of a thread that ran where_am_i and was joined. */
static char *joined_stack_of(void *(*fn)(void *), void *arg)
{
    thread_t t;
    void *ret = NULL;
    UT_CHECK_EQ(thread_create(&t, fn, arg), 0);
    UT_CHECK_EQ(thread_join(t, &ret), 0);
    return ret;
}

/* ROUND_THREADS threads alive at once (each on its own stack), then all
   joined; fails unless each returned its argument. */
static void round_of_threads(void)
{
    static thread_t t[ROUND_THREADS];
    static void *where[ROUND_THREADS];
    __atomic_store_n(&gate, 0, __ATOMIC_SEQ_CST);
    for (int i = 0; i < ROUND_THREADS; i++) {
        int r = thread_create(&t[i], gated, &where[i]);
        UT_CHECK_MSG(r == 0, "thread_create number %d returned %d", i + 1, r);
    }
    __atomic_store_n(&gate, 1, __ATOMIC_SEQ_CST);
    sys_futex_wake((uint32_t *)&gate, ROUND_THREADS);
    for (int i = 0; i < ROUND_THREADS; i++) {
        void *ret = NULL;
        UT_CHECK_EQ(thread_join(t[i], &ret), 0);
        UT_CHECK(ret == &where[i]);
    }
    /* Every thread had a stack of its own. */
    for (int i = 0; i < ROUND_THREADS; i++)
        for (int j = i + 1; j < ROUND_THREADS; j++) {
            long d = (char *)where[i] - (char *)where[j];
            UT_CHECK_MSG(d >= THREAD_STACK_SIZE || d <= -THREAD_STACK_SIZE,
                         "threads %d and %d ran %ld bytes apart: on one stack", i, j, d);
        }
}

int main(void)
{
    /* Reuse: the next thread runs on the stack the last joined one used
       (the same code, so the very same address). */
    char *first = joined_stack_of(where_am_i, NULL);
    char *second = joined_stack_of(where_am_i, NULL);
    UT_CHECK_MSG(first == second, "the second thread ran at %p, the first at %p: no reuse",
                 (void *)second, (void *)first);
    printf("cache: a joined thread's stack is reused (%p)\n", (void *)first);

    /* Never a stack in use: a thread that is alive keeps its own. */
    static void *alive_at;
    __atomic_store_n(&gate, 0, __ATOMIC_SEQ_CST);
    thread_t alive;
    UT_CHECK_EQ(thread_create(&alive, gated, (void *)&alive_at), 0);
    char *other = joined_stack_of(where_am_i, NULL);
    __atomic_store_n(&gate, 1, __ATOMIC_SEQ_CST);
    sys_futex_wake((uint32_t *)&gate, 1);
    void *ret = NULL;
    UT_CHECK_EQ(thread_join(alive, &ret), 0);
    UT_CHECK_MSG(ret == (void *)&alive_at && alive_at != NULL,
                 "the live thread did not run its own function: its stack was given away");
    long apart = (char *)alive_at - other;
    UT_CHECK_MSG(apart >= THREAD_STACK_SIZE || apart <= -THREAD_STACK_SIZE,
                 "a thread ran at %p while a live thread's stack held %p", (void *)other,
                 alive_at);

    /* The cap. A warm-up round first: the kernel's heap and page tables
       fill their own caches once (not the user library's business). */
    round_of_threads();
    thread_stack_cache_flush();
    struct sys_info base = ut_sysinfo();        /* the cache is empty */
    round_of_threads();
    struct sys_info full = ut_sysinfo();
    long kept = (long)base.free_frames - (long)full.free_frames;
    printf("cache: %d threads joined: %ld frames kept (%d stacks of %d pages at most, + %d)\n",
           ROUND_THREADS, kept, THREAD_STACK_CACHE_MAX, STACK_PAGES, SLACK_FRAMES);
    UT_CHECK_MSG(kept >= THREAD_STACK_CACHE_MAX * STACK_PAGES,
                 "only %ld frames kept: the cache does not hold %d stacks", kept,
                 THREAD_STACK_CACHE_MAX);
    UT_CHECK_MSG(kept <= THREAD_STACK_CACHE_MAX * STACK_PAGES + SLACK_FRAMES,
                 "%ld frames kept: more than %d stacks' worth", kept, THREAD_STACK_CACHE_MAX);

    /* The flush gives all of it back. */
    thread_stack_cache_flush();
    struct sys_info flushed = ut_sysinfo();
    long still = (long)base.free_frames - (long)flushed.free_frames;
    printf("cache: flushed: %ld frames kept\n", still);
    UT_CHECK_EQ(still, 0);

    /* And the next thread after a flush still gets a working stack. */
    UT_CHECK(joined_stack_of(where_am_i, NULL) != NULL);
    printf("PASS\n");
    return 0;
}
