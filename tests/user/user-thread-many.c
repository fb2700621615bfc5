/* Test: one process can have 500 threads alive at once (all started and
   blocked on a futex together), and all of them end and are joined. */
// test: expect=^PASS
// test: timeout=120
#include <thread.h>
#include <atomic.h>
#include "utest.h"

#define NTHREADS 500

static volatile int arrived;
static volatile uint32_t gate;          /* 0: closed; the threads wait on it */

static void *waiter(void *arg)
{
    atomic_fetch_add_int(&arrived, 1);
    while (atomic_load((volatile int *)&gate) == 0)
        sys_futex_wait((uint32_t *)&gate, 0, -1);
    return (void *)((long)arg * 3);
}

int main(void)
{
    static thread_t t[NTHREADS];
    for (long i = 0; i < NTHREADS; i++) {
        int r = thread_create(&t[i], waiter, (void *)i);
        UT_CHECK_MSG(r == 0, "thread_create number %ld returned %d", i + 1, r);
    }
    /* None can have ended: the gate is closed. Wait until every one has run. */
    while (atomic_load(&arrived) < NTHREADS)
        sys_sleep(1000000);
    int live = 0;
    int listed = ut_threads_of(sys_getpid(), &live);
    printf("%d threads arrived; thread_list shows %d of this process, %d not zombies\n",
           atomic_load(&arrived), listed, live);
    UT_CHECK_EQ(live, NTHREADS + 1);
    /* Each thread is its own: distinct ids. */
    struct thread_info *info;
    int n = ut_thread_list(&info);
    for (int i = 0; i < n; i++)
        if (info[i].pid == sys_getpid())
            for (int j = i + 1; j < n; j++)
                UT_CHECK_MSG(info[j].tid != info[i].tid, "tid %d listed twice", info[i].tid);

    atomic_store((volatile int *)&gate, 1);
    sys_futex_wake((uint32_t *)&gate, NTHREADS);
    for (long i = 0; i < NTHREADS; i++) {
        void *ret = NULL;
        UT_CHECK_EQ(thread_join(t[i], &ret), 0);
        UT_CHECK_EQ((long)ret, i * 3);
    }
    ut_threads_of(sys_getpid(), &live);
    UT_CHECK_EQ(live, 1);
    printf("PASS\n");
    return 0;
}
