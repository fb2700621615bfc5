/* Tests of the kernel-thread API: create and join, join's errors, and many
   threads alive at once with no memory leaked. */
#include "kernel/ktest.h"
#include "kernel/thread.h"
#include "kernel/sync/semaphore.h"
#include "kernel/mm/pmm.h"
#include "kernel/mm/kheap.h"
#include "lib/errno.h"

static long times_seven_plus_one(void *arg)
{
    return (long)arg * 7 + 1;
}

KTEST(test_thread_create_join, "thread-create-join")
{
    int tids[10];
    for (int i = 0; i < 10; i++) {
        tids[i] = thread_create("worker", times_seven_plus_one, (void *)(long)i);
        KT_ASSERT_GT(tids[i], 0);
        for (int j = 0; j < i; j++)
            KT_ASSERT_NE(tids[i], tids[j]);
    }
    /* Join in reverse order: join must not depend on exit order. */
    for (int i = 9; i >= 0; i--) {
        long value = -1;
        KT_ASSERT_EQ(thread_join(tids[i], &value), 0);
        KT_ASSERT_EQ(value, i * 7 + 1);
    }
}

static struct semaphore release;

static long wait_for_release(void *arg)
{
    sema_down(&release);
    return (long)arg;
}

static long join_target(void *arg)
{
    long value = 0;
    long err = thread_join((int)(long)arg, &value);
    return err ? err : value;
}

/* Yields until thread tid is in state s (and, if channel, waits on it). */
static void wait_for_state(int tid, enum thread_state s)
{
    struct thread snap;
    for (;;) {
        KT_ASSERT_EQ(thread_snapshot(tid, &snap), 0);
        if (snap.state == s)
            return;
        thread_yield();
    }
}

KTEST(test_thread_join_errors, "thread-join-errors")
{
    KT_ASSERT_EQ(thread_create("no-fn", 0, 0), -EINVAL);
    KT_ASSERT_EQ(thread_join(thread_current()->tid, 0), -EDEADLK);
    KT_ASSERT_EQ(thread_join(987654, 0), -ESRCH);

    /* An exited thread keeps its value until joined, exactly once. */
    int quick = thread_create("quick", times_seven_plus_one, (void *)6);
    KT_ASSERT_GT(quick, 0);
    wait_for_state(quick, THREAD_ZOMBIE);
    long value = 0;
    KT_ASSERT_EQ(thread_join(quick, &value), 0);
    KT_ASSERT_EQ(value, 43);
    KT_ASSERT_EQ(thread_join(quick, &value), -ESRCH);

    /* A second joiner while the first waits is refused. */
    sema_init(&release, 0, "release");
    int target = thread_create("target", wait_for_release, (void *)77);
    int joiner = thread_create("joiner", join_target, (void *)(long)target);
    KT_ASSERT_GT(target, 0);
    KT_ASSERT_GT(joiner, 0);
    wait_for_state(joiner, THREAD_BLOCKED);
    KT_ASSERT_EQ(thread_join(target, &value), -EINVAL);
    sema_up(&release);
    KT_ASSERT_EQ(thread_join(joiner, &value), 0);
    KT_ASSERT_EQ(value, 77);                    /* the first joiner got the value */
    KT_ASSERT_EQ(thread_join(target, &value), -ESRCH);
}

#define MANY 1000
static struct semaphore many_ready, many_go;
static int many_tids[MANY];

static long many_worker(void *arg)
{
    sema_up(&many_ready);
    sema_down(&many_go);
    return (long)arg;
}

KTEST(test_thread_many, "thread-many", .timeout = 120)
{
    /* The heap keeps one empty slab page per size class; give those back
       before each count so that only real leaks show. */
    kheap_trim();
    uint64_t free_before = pmm_free_count();
    int count_before = thread_count();
    sema_init(&many_ready, 0, "many-ready");
    sema_init(&many_go, 0, "many-go");
    for (int i = 0; i < MANY; i++) {
        many_tids[i] = thread_create("many", many_worker, (void *)(long)i);
        KT_ASSERT_GT(many_tids[i], 0);
    }
    for (int i = 0; i < MANY; i++)
        sema_down(&many_ready);
    /* Every one of them exists now, blocked on many_go. */
    KT_ASSERT_EQ(thread_count(), count_before + MANY);
    KT_ASSERT_LT(pmm_free_count(), free_before);
    for (int i = 0; i < MANY; i++)
        sema_up(&many_go);
    for (int i = 0; i < MANY; i++) {
        long value = -1;
        KT_ASSERT_EQ(thread_join(many_tids[i], &value), 0);
        KT_ASSERT_EQ(value, i);
    }
    KT_ASSERT_EQ(thread_count(), count_before);
    thread_reap_all();
    kheap_trim();
    KT_ASSERT_EQ(pmm_free_count(), free_before);
}
