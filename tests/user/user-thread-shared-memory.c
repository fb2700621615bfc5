/* Test: threads of one process share memory: each sees the others' writes to
   globals, to the heap and to their stacks (through pointers), while both run. */
// test: expect=^PASS
#include <thread.h>
#include <atomic.h>
#include "utest.h"

static volatile int step;               /* the hand-off between main and the thread */
static volatile long global_value;
static volatile long *volatile heap_block;
static volatile long *volatile thread_local_ptr;  /* points into the thread's stack */
static volatile long *volatile main_local_ptr;    /* points into main's stack */

static void wait_step(int s)
{
    while (atomic_load(&step) != s)
        sys_yield();
}

static void *partner(void *arg)
{
    volatile long mine = 0;             /* lives on this thread's stack */

    /* 1: main wrote a global and a heap block before starting us... */
    wait_step(1);
    UT_CHECK_EQ(global_value, 111);
    UT_CHECK_EQ(heap_block[0], 222);
    UT_CHECK_EQ(heap_block[4095], 333);
    /* ...and a variable on its stack. */
    UT_CHECK_EQ(*main_local_ptr, 444);
    /* 2: now we write all of them, and publish our stack variable. */
    global_value = 555;
    heap_block[0] = 666;
    heap_block[4095] = 777;
    *main_local_ptr = 888;
    thread_local_ptr = &mine;
    atomic_store(&step, 2);
    /* 3: main wrote into our stack. */
    wait_step(3);
    UT_CHECK_EQ(mine, 999);
    mine = 1234;
    atomic_store(&step, 4);
    /* 5: main has read it; keep the stack alive until then. */
    wait_step(5);
    return NULL;
}

int main(void)
{
    volatile long local = 444;
    heap_block = malloc(4096 * sizeof(long));   /* 32 KiB: several pages */
    UT_CHECK(heap_block != NULL);
    global_value = 111;
    heap_block[0] = 222;
    heap_block[4095] = 333;
    main_local_ptr = &local;

    thread_t t;
    UT_CHECK_EQ(thread_create(&t, partner, NULL), 0);
    atomic_store(&step, 1);
    wait_step(2);
    UT_CHECK_EQ(global_value, 555);
    UT_CHECK_EQ(heap_block[0], 666);
    UT_CHECK_EQ(heap_block[4095], 777);
    UT_CHECK_EQ(local, 888);
    UT_CHECK(thread_local_ptr != NULL);
    /* The thread's stack is a different place from ours. */
    UT_CHECK(thread_local_ptr != &local);
    *thread_local_ptr = 999;
    atomic_store(&step, 3);
    wait_step(4);
    UT_CHECK_EQ(*thread_local_ptr, 1234);
    atomic_store(&step, 5);
    UT_CHECK_EQ(thread_join(t, NULL), 0);

    /* A block malloc'd by one thread and freed by another. */
    free((void *)heap_block);
    printf("PASS\n");
    return 0;
}
