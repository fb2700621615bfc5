/* Test: SYS_set_priority and SYS_get_priority: the default 31, every level
   0..63, the old value returned, a new thread inheriting its creator's,
   setting another thread's, and the errors for bad values and for threads
   that do not exist or belong to another process. */
// test: args=sched=prio
// test: expect=^user-priority: default 31
// test: expect=^PASS
#include <thread.h>
#include <atomic.h>
#include "utest.h"

#define MS 1000000ll

static volatile int release;

/* Waits until main has changed its priority, then reports it. */
static void *report_priority(void *arg)
{
    (void)arg;
    while (!atomic_load(&release))
        sys_sleep(1 * MS);
    return (void *)(long)sys_get_priority(0);
}

int main(void)
{
    int self = sys_gettid();
    UT_CHECK_EQ(sys_get_priority(0), 31);
    UT_CHECK_EQ(sys_get_priority(self), 31);
    printf("user-priority: default 31\n");

    /* Every level, each set returning the one before. */
    int before = 31;
    for (int p = 0; p <= 63; p++) {
        UT_CHECK_EQ(sys_set_priority(0, p), before);
        UT_CHECK_EQ(sys_get_priority(0), p);
        before = p;
    }
    UT_CHECK_EQ(sys_set_priority(self, 40), 63);
    printf("user-priority: levels 0..63 set and read back\n");

    /* Out of range: -EINVAL, and nothing changes. */
    UT_CHECK_EQ(sys_set_priority(0, 64), -EINVAL);
    UT_CHECK_EQ(sys_set_priority(0, -1), -EINVAL);
    UT_CHECK_EQ(sys_set_priority(0, 1000000), -EINVAL);
    UT_CHECK_EQ(syscall6(SYS_set_priority, 0, 0x100000005l, 0, 0, 0, 0), -EINVAL);
    UT_CHECK_EQ(sys_get_priority(0), 40);
    printf("user-priority: out-of-range priorities give -EINVAL\n");

    /* No such thread: -ESRCH. */
    UT_CHECK_EQ(sys_set_priority(-5, 10), -ESRCH);
    UT_CHECK_EQ(sys_set_priority(999999, 10), -ESRCH);
    UT_CHECK_EQ(sys_get_priority(-1), -ESRCH);
    UT_CHECK_EQ(sys_get_priority(999999), -ESRCH);
    UT_CHECK_EQ(syscall6(SYS_get_priority, 0x100000000l, 0, 0, 0, 0, 0), -ESRCH);

    /* Another process's thread (init's): -ESRCH, and it keeps its priority. */
    struct thread_info *list;
    int n = ut_thread_list(&list), other = -1, other_priority = -1;
    for (int i = 0; i < n && other < 0; i++)
        if (list[i].pid != sys_getpid() && list[i].pid != 0) {
            other = list[i].tid;
            other_priority = list[i].priority;
        }
    UT_CHECK_MSG(other > 0, "no thread of another process in the thread list");
    UT_CHECK_EQ(sys_set_priority(other, 5), -ESRCH);
    UT_CHECK_EQ(sys_get_priority(other), -ESRCH);
    n = ut_thread_list(&list);
    for (int i = 0; i < n; i++)
        if (list[i].tid == other)
            UT_CHECK_EQ(list[i].priority, other_priority);
    printf("user-priority: threads that do not exist or are not ours give -ESRCH\n");

    /* A new thread starts with its creator's priority; we can change it. */
    thread_t t;
    UT_CHECK_EQ(thread_create(&t, report_priority, NULL), 0);
    UT_CHECK_EQ(sys_get_priority(t), 40);
    UT_CHECK_EQ(sys_set_priority(t, 12), 40);
    UT_CHECK_EQ(sys_get_priority(t), 12);
    n = ut_thread_list(&list);
    for (int i = 0; i < n; i++)
        if (list[i].tid == t)
            UT_CHECK_EQ(list[i].priority, 12);
    atomic_store(&release, 1);
    void *seen = NULL;
    UT_CHECK_EQ(thread_join(t, &seen), 0);
    UT_CHECK_EQ((long)seen, 12);
    UT_CHECK_EQ(sys_get_priority(t), -ESRCH);   /* joined: gone */
    printf("user-priority: a new thread inherits 40; set to 12 by tid, it sees 12\n");

    UT_CHECK_EQ(sys_set_priority(0, 31), 40);
    printf("PASS\n");
    return 0;
}
