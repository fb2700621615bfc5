/* Test: thread_join's errors: joining yourself (-EDEADLK), a thread already
   joined or being joined, one that never existed, or another process's or the kernel's. */
// test: expect=^PASS
#include <thread.h>
#include <atomic.h>
#include "utest.h"

#define MS 1000000ll

static void *returns_arg(void *arg)
{
    return arg;
}

static volatile int join_self_result;

static void *joins_itself(void *arg)
{
    (void)arg;
    join_self_result = thread_join(thread_self(), NULL);
    return (void *)(long)sys_thread_join(sys_gettid(), NULL);
}

static volatile int release;
static volatile int first_join_result = 1;
static thread_t target;

/* Waits until main releases it. */
static void *held(void *arg)
{
    while (!atomic_load(&release))
        sys_sleep(1 * MS);
    return arg;
}

/* Joins target (blocking until main releases it). */
static void *first_joiner(void *arg)
{
    (void)arg;
    void *ret = NULL;
    int r = thread_join(target, &ret);
    first_join_result = r == 0 && (long)ret == 5 ? 0 : (r ? r : -1000);
    return NULL;
}

int main(void)
{
    /* Yourself: -EDEADLK, from main and from another thread. */
    UT_CHECK_EQ(thread_join(thread_self(), NULL), -EDEADLK);
    UT_CHECK_EQ(sys_thread_join(sys_gettid(), NULL), -EDEADLK);
    thread_t t;
    void *ret = NULL;
    UT_CHECK_EQ(thread_create(&t, joins_itself, NULL), 0);
    UT_CHECK_EQ(thread_join(t, &ret), 0);
    UT_CHECK_EQ(join_self_result, -EDEADLK);
    UT_CHECK_EQ((long)ret, -EDEADLK);

    /* Twice: the second is refused (thread.h: -ESRCH, it is gone, or -EINVAL). */
    UT_CHECK_EQ(thread_create(&t, returns_arg, (void *)3), 0);
    UT_CHECK_EQ(thread_join(t, &ret), 0);
    UT_CHECK_EQ((long)ret, 3);
    int r = thread_join(t, &ret);
    UT_CHECK_MSG(r == -ESRCH || r == -EINVAL, "the second join returned %d", r);
    r = sys_thread_join(t, NULL);
    UT_CHECK_MSG(r == -ESRCH || r == -EINVAL, "the second join (system call) returned %d", r);

    /* Being joined by another thread: -EINVAL, and the first join still works. */
    UT_CHECK_EQ(thread_create(&target, held, (void *)5), 0);
    thread_t j;
    UT_CHECK_EQ(thread_create(&j, first_joiner, NULL), 0);
    UT_CHECK_MSG(ut_wait_blocked(j, 10000), "the first joiner never blocked");
    r = sys_thread_join(target, NULL);
    UT_CHECK_MSG(r == -EINVAL, "joining a thread that another thread is joining returned %d, "
                 "expected -EINVAL (%d)", r, -EINVAL);
    atomic_store(&release, 1);
    UT_CHECK_EQ(thread_join(j, NULL), 0);
    UT_CHECK_EQ(first_join_result, 0);

    /* Never existed. */
    UT_CHECK_EQ(sys_thread_join(999999, NULL), -ESRCH);
    r = sys_thread_join(-1, NULL);
    UT_CHECK_MSG(r == -ESRCH || r == -EINVAL, "join(-1) returned %d", r);
    r = sys_thread_join(0, NULL);
    UT_CHECK_MSG(r == -ESRCH || r == -EINVAL, "join(0) returned %d", r);

    /* The main thread of another process, alive while we try (it sleeps
       2 s): -ESRCH at once, not a wait for it. */
    const char *argv[] = { "t-child", "0", "2000", "4", NULL };
    int pid = sys_spawn("t-child", argv);
    UT_CHECK_GT(pid, 0);
    struct thread_info *info;
    int n = ut_thread_list(&info), other_tid = -1;
    for (int i = 0; i < n; i++)
        if (info[i].pid == pid)
            other_tid = info[i].tid;
    UT_CHECK_MSG(other_tid > 0, "no thread of child %d in thread_list", pid);
    uint64_t start = sys_clock();
    r = sys_thread_join(other_tid, NULL);
    uint64_t took = sys_clock() - start;
    UT_CHECK_MSG(r == -ESRCH, "joining thread %d of process %d returned %d, expected -ESRCH (%d)",
                 other_tid, pid, r, -ESRCH);
    UT_CHECK_MSG(took < 1000 * MS, "joining another process's thread took %lu ms",
                 (unsigned long)(took / MS));
    int live = 0;
    ut_threads_of(pid, &live);
    UT_CHECK_MSG(live > 0, "the child had already ended: the check above proved nothing");
    int status = -1;
    UT_CHECK_EQ(sys_wait(pid, &status), pid);
    UT_CHECK_EQ(status, 0);

    /* The kernel's threads (pid 0): -ESRCH, and they go on. */
    n = ut_thread_list(&info);
    int kernel_tids[8], nk = 0;
    for (int i = 0; i < n && nk < 8; i++)
        if (info[i].pid == 0 && info[i].tid > 0)
            kernel_tids[nk++] = info[i].tid;
    for (int i = 0; i < nk; i++) {
        r = sys_thread_join(kernel_tids[i], NULL);
        UT_CHECK_MSG(r == -ESRCH, "joining kernel thread %d returned %d, expected -ESRCH (%d)",
                     kernel_tids[i], r, -ESRCH);
    }
    printf("tried %d kernel threads\n", nk);
    ut_expect_system_works();
    printf("PASS\n");
    return 0;
}
