/* Helper for the user tests (not a test itself): creates threads until
   thread_create fails, checks the error is clean, then ends them all. */
#include <thread.h>
#include <atomic.h>
#include "utest.h"

/*
 * t-oom: two rounds of: create threads (each blocks on a futex) until
 * thread_create fails; the error must be -ENOMEM or -EAGAIN; then release
 * and join every one of them. The second round must manage at least half as
 * many threads as the first (the first round's memory came back). Exits 0
 * and prints "t-oom: PASS" if all held.
 */

#define MAX_THREADS 100000

static volatile uint32_t gate;
static volatile int arrived;

static void *waiter(void *arg)
{
    atomic_fetch_add_int(&arrived, 1);
    while (atomic_load((volatile int *)&gate) == 0)
        sys_futex_wait((uint32_t *)&gate, 0, -1);
    return arg;
}

static int round_of_threads(thread_t *t)
{
    gate = 0;
    arrived = 0;
    int n = 0, r = 0;
    while (n < MAX_THREADS) {
        r = thread_create(&t[n], waiter, (void *)(long)n);
        if (r != 0)
            break;
        n++;
    }
    UT_CHECK_MSG(n < MAX_THREADS, "created %d threads without running out of memory", n);
    UT_CHECK_MSG(r == -ENOMEM || r == -EAGAIN, "thread_create number %d failed with %d, expected "
                 "-ENOMEM (%d) or -EAGAIN (%d)", n + 1, r, -ENOMEM, -EAGAIN);
    struct sys_info info = ut_sysinfo();
    printf("t-oom: thread_create failed with %d after %d threads; %lu frames free\n", r, n,
           (unsigned long)info.free_frames);
    /* The process goes on: wait until every thread ran, then end them all. */
    while (atomic_load(&arrived) < n)
        sys_sleep(1000000);
    atomic_store((volatile int *)&gate, 1);
    sys_futex_wake((uint32_t *)&gate, n);
    for (int i = 0; i < n; i++) {
        void *ret = NULL;
        UT_CHECK_EQ(thread_join(t[i], &ret), 0);
        UT_CHECK_EQ((long)ret, i);
    }
    return n;
}

int main(void)
{
    thread_t *t = malloc(sizeof(thread_t) * MAX_THREADS);
    UT_CHECK(t != NULL);
    int first = round_of_threads(t);
    UT_CHECK_GT(first, 0);
    int second = round_of_threads(t);
    UT_CHECK_MSG(second >= first / 2, "the second round made only %d threads, the first %d",
                 second, first);
    free(t);
    printf("t-oom: PASS\n");
    return 0;
}
