/* Test: the set_nice and get_nice system calls: out-of-range values give
   -EINVAL and change nothing, other processes' and unknown threads -ESRCH,
   bad pointers -EFAULT, and new threads inherit their creator's nice. */
// test: args=sched=mlfq
// test: expect=^PASS
#include "utest.h"

static int nice_of(int tid)
{
    int nice = 12345;
    int r = sys_get_nice(tid, &nice);
    UT_CHECK_MSG(r == 0, "get_nice(%d) returned %d", tid, r);
    return nice;
}

static volatile int child_nice = 12345;

static void *reports_own_nice(void *arg)
{
    (void)arg;
    child_nice = nice_of(0);
    return NULL;
}

int main(void)
{
    UT_CHECK_EQ(nice_of(0), 0);
    UT_CHECK_EQ(nice_of(sys_gettid()), 0);

    /* In range: the old value comes back. Both ends are allowed. */
    UT_CHECK_EQ(sys_set_nice(0, 5), 0);
    UT_CHECK_EQ(nice_of(0), 5);
    UT_CHECK_EQ(sys_set_nice(0, 20), 5);
    UT_CHECK_EQ(sys_set_nice(sys_gettid(), -20), 20);
    UT_CHECK_EQ(sys_set_nice(0, 5), -20);

    /* Out of range: -EINVAL, and the value stays. */
    static const long bad[] = { 21, -21, 100, -100, 2147483647l, -2147483647l - 1,
                                (1l << 32) + 5, -(1l << 32) };
    for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        long r = syscall6(SYS_set_nice, 0, bad[i], 0, 0, 0, 0);
        UT_CHECK_MSG(r == -EINVAL, "set_nice(0, %ld) returned %ld, expected -EINVAL (%d)", bad[i],
                     r, -EINVAL);
        UT_CHECK_EQ(nice_of(0), 5);
    }

    /* No such thread. */
    int dummy = 0;
    UT_CHECK_EQ(sys_set_nice(999999, 0), -ESRCH);
    UT_CHECK_EQ(sys_get_nice(999999, &dummy), -ESRCH);
    UT_CHECK_EQ(sys_set_nice(-1, 0), -ESRCH);
    UT_CHECK_EQ(syscall6(SYS_set_nice, (1l << 32), 0, 0, 0, 0, 0), -ESRCH);

    /* Bad pointers for get_nice. */
    UT_CHECK_EQ(sys_get_nice(0, NULL), -EFAULT);
    UT_CHECK_EQ(sys_get_nice(0, (int *)0xffff800000001000ull), -EFAULT);

    /* Inherited: a thread made now starts with nice 5; we can read and set it. */
    thread_t t;
    UT_CHECK_EQ(thread_create(&t, reports_own_nice, NULL), 0);
    UT_CHECK_EQ(thread_join(t, NULL), 0);
    UT_CHECK_EQ(child_nice, 5);
    UT_CHECK_EQ(sys_set_nice(0, -3), 5);
    UT_CHECK_EQ(thread_create(&t, reports_own_nice, NULL), 0);
    UT_CHECK_EQ(thread_join(t, NULL), 0);
    UT_CHECK_EQ(child_nice, -3);     /* -3 is also -ESRCH: get_nice's pointer tells them apart */

    /* Another process's thread and the kernel's: -ESRCH. */
    const char *argv[] = { "t-child", "0", "2000", "4", NULL };
    int pid = sys_spawn("t-child", argv);
    UT_CHECK_GT(pid, 0);
    struct thread_info *info;
    int n = ut_thread_list(&info), other = -1, kernel = -1;
    for (int i = 0; i < n; i++) {
        if (info[i].pid == pid)
            other = info[i].tid;
        if (info[i].pid == 0 && info[i].tid > 0)
            kernel = info[i].tid;
    }
    UT_CHECK_MSG(other > 0, "no thread of child %d in thread_list", pid);
    UT_CHECK_EQ(sys_set_nice(other, 1), -ESRCH);
    UT_CHECK_EQ(sys_get_nice(other, &dummy), -ESRCH);
    if (kernel > 0) {
        UT_CHECK_EQ(sys_set_nice(kernel, 1), -ESRCH);
        UT_CHECK_EQ(sys_get_nice(kernel, &dummy), -ESRCH);
    }
    int status = -1;
    UT_CHECK_EQ(sys_wait(pid, &status), pid);
    UT_CHECK_EQ(status, 0);
    printf("PASS\n");
    return 0;
}
