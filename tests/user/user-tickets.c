/* Test: the set_tickets and get_tickets system calls: the default, setting
   and reading back, every bad value, other threads, other processes' threads. */
// test: args=sched=lottery
// test: expect=^user-tickets: default 100, range 1\.\.10000
// test: expect=^PASS
#include <thread.h>
#include <atomic.h>
#include "utest.h"

static volatile int release;

/* Waits until main releases it; returns the tickets it had then. */
static void *held(void *arg)
{
    (void)arg;
    while (!atomic_load(&release))
        sys_sleep(1000000);
    return (void *)(long)sys_get_tickets(0);
}

int main(void)
{
    /* A new thread starts with 100 tickets. */
    UT_CHECK_EQ(sys_get_tickets(0), 100);
    UT_CHECK_EQ(sys_get_tickets(sys_gettid()), 100);

    /* Setting returns the old value; both ends of the range are allowed. */
    UT_CHECK_EQ(sys_set_tickets(0, 250), 100);
    UT_CHECK_EQ(sys_get_tickets(0), 250);
    UT_CHECK_EQ(sys_set_tickets(0, 10000), 250);
    UT_CHECK_EQ(sys_set_tickets(sys_gettid(), 1), 10000);
    UT_CHECK_EQ(sys_get_tickets(0), 1);

    /* Out of range: -EINVAL, and nothing changes. */
    UT_CHECK_EQ(sys_set_tickets(0, 0), -EINVAL);
    UT_CHECK_EQ(sys_set_tickets(0, -1), -EINVAL);
    UT_CHECK_EQ(sys_set_tickets(0, 10001), -EINVAL);
    UT_CHECK_EQ(sys_set_tickets(0, 2147483647), -EINVAL);
    /* 2^32 + 100 is not 100: the kernel checks all 64 bits. */
    UT_CHECK_EQ(syscall6(SYS_set_tickets, 0, (1l << 32) + 100, 0, 0, 0, 0), -EINVAL);
    UT_CHECK_EQ(sys_get_tickets(0), 1);
    printf("user-tickets: default 100, range 1..10000, bad values refused\n");

    /* No such thread: -ESRCH (bad values are checked first). */
    UT_CHECK_EQ(sys_set_tickets(999999, 50), -ESRCH);
    UT_CHECK_EQ(sys_get_tickets(999999), -ESRCH);
    UT_CHECK_EQ(sys_get_tickets(-1), -ESRCH);
    UT_CHECK_EQ(sys_set_tickets(-1, 50), -ESRCH);
    UT_CHECK_EQ(syscall6(SYS_get_tickets, (1l << 32) + sys_gettid(), 0, 0, 0, 0, 0), -ESRCH);
    UT_CHECK_EQ(sys_set_tickets(999999, 0), -EINVAL);

    /* Another thread of this process: its own 100 (not inherited from
       main's 1), settable by tid, and it sees the change itself. */
    thread_t t;
    UT_CHECK_EQ(thread_create(&t, held, NULL), 0);
    UT_CHECK_EQ(sys_get_tickets(t), 100);
    UT_CHECK_EQ(sys_set_tickets(t, 7), 100);
    UT_CHECK_EQ(sys_get_tickets(t), 7);
    atomic_store(&release, 1);
    void *ret = NULL;
    UT_CHECK_EQ(thread_join(t, &ret), 0);
    UT_CHECK_EQ((long)ret, 7);
    UT_CHECK_EQ(sys_get_tickets(t), -ESRCH);            /* gone */

    /* A thread of another process, alive meanwhile: -ESRCH, unchanged. */
    const char *argv[] = { "t-child", "0", "2000", "4", NULL };
    int pid = sys_spawn("t-child", argv);
    UT_CHECK_GT(pid, 0);
    struct thread_info *info;
    int n = ut_thread_list(&info), other_tid = -1, kernel_tid = -1;
    for (int i = 0; i < n; i++) {
        if (info[i].pid == pid)
            other_tid = info[i].tid;
        if (info[i].pid == 0 && info[i].tid > 0)
            kernel_tid = info[i].tid;
    }
    UT_CHECK_MSG(other_tid > 0, "no thread of child %d in thread_list", pid);
    UT_CHECK_EQ(sys_set_tickets(other_tid, 5000), -ESRCH);
    UT_CHECK_EQ(sys_get_tickets(other_tid), -ESRCH);
    /* The kernel's threads (pid 0) are not ours either. */
    if (kernel_tid > 0) {
        UT_CHECK_EQ(sys_set_tickets(kernel_tid, 5000), -ESRCH);
        UT_CHECK_EQ(sys_get_tickets(kernel_tid), -ESRCH);
    }
    int live = 0;
    ut_threads_of(pid, &live);
    UT_CHECK_MSG(live > 0, "the child had already ended: the check above proved nothing");
    int status = -1;
    UT_CHECK_EQ(sys_wait(pid, &status), pid);
    UT_CHECK_EQ(status, 0);

    ut_expect_system_works();
    printf("PASS\n");
    return 0;
}
