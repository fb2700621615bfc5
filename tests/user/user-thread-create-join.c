/* Test: thread_create runs fn(arg) in a new thread of this process, and
   thread_join returns its value, from a return or from thread_exit, early or late. */
// test: expect=^PASS
#include <thread.h>
#include <atomic.h>
#include "utest.h"

#define NTHREADS 8

static volatile int self_ids[NTHREADS];
static volatile int pids[NTHREADS];

/* Returns 1000 + its index, after recording who it is. */
static void *worker(void *arg)
{
    long i = (long)arg;
    self_ids[i] = thread_self();
    pids[i] = sys_getpid();
    return (void *)(1000 + i);
}

static volatile int really_exit = 1;   /* (gcc counts a noreturn call as no way out of a recursion) */

/* Calls thread_exit(77) from depth nested calls down. */
static __attribute__((noinline)) long exit_from_deep(long depth)
{
    if (depth <= 0) {
        if (really_exit)
            thread_exit((void *)77);
        return 0;
    }
    return exit_from_deep(depth - 1) + 1;
}

static void *exiter(void *arg)
{
    return (void *)exit_from_deep((long)arg);     /* never returns */
}

static volatile int late_go;

/* Ends only after main has started joining it (main sets late_go, then joins). */
static void *late(void *arg)
{
    while (!atomic_load(&late_go))
        sys_yield();
    sys_sleep(20 * 1000000);
    return arg;
}

int main(void)
{
    thread_t t[NTHREADS];
    for (long i = 0; i < NTHREADS; i++) {
        UT_CHECK_EQ(thread_create(&t[i], worker, (void *)i), 0);
        UT_CHECK_GT(t[i], 0);
        UT_CHECK_NE(t[i], thread_self());
        for (long j = 0; j < i; j++)
            UT_CHECK_NE(t[i], t[j]);
    }
    /* Join in the reverse order of creation. */
    for (long i = NTHREADS - 1; i >= 0; i--) {
        void *ret = NULL;
        UT_CHECK_EQ(thread_join(t[i], &ret), 0);
        UT_CHECK_EQ((long)ret, 1000 + i);
        UT_CHECK_EQ(self_ids[i], t[i]);
        UT_CHECK_EQ(pids[i], sys_getpid());
    }
    UT_CHECK_EQ(thread_self(), sys_gettid());

    /* thread_exit from deep inside the thread. */
    thread_t e;
    void *ret = NULL;
    UT_CHECK_EQ(thread_create(&e, exiter, (void *)5), 0);
    UT_CHECK_EQ(thread_join(e, &ret), 0);
    UT_CHECK_EQ((long)ret, 77);

    /* A thread still running when join is called: join waits for it. */
    thread_t l;
    UT_CHECK_EQ(thread_create(&l, late, (void *)55), 0);
    atomic_store(&late_go, 1);
    ret = NULL;
    UT_CHECK_EQ(thread_join(l, &ret), 0);
    UT_CHECK_EQ((long)ret, 55);

    /* join with ret NULL. */
    UT_CHECK_EQ(thread_create(&l, worker, (void *)0), 0);
    UT_CHECK_EQ(thread_join(l, NULL), 0);

    /* Create and join many times in a row (ids may be reused; every join works). */
    for (long i = 0; i < 200; i++) {
        thread_t x;
        UT_CHECK_EQ(thread_create(&x, worker, (void *)(i % NTHREADS)), 0);
        ret = NULL;
        UT_CHECK_EQ(thread_join(x, &ret), 0);
        UT_CHECK_EQ((long)ret, 1000 + i % NTHREADS);
    }
    printf("PASS\n");
    return 0;
}
