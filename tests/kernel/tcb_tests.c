/* Tests of the TCB fields that ps -T and Ctrl-P show beyond the basics: the
   kernel mutexes a thread holds (thread_info.held) and their dump line. */
#include "kernel/ktest.h"
#include "kernel/thread.h"
#include "kernel/printk.h"
#include "kernel/sync/mutex.h"
#include "kernel/sync/semaphore.h"
#include "kernel/mm/kheap.h"
#include "lib/abi.h"
#include "lib/string.h"

#define LIST_MAX 256

static struct mutex first, second, mine;
static struct semaphore ready, gate1, gate2;

/* Holds first and second while it waits at gate1, then only first while
   it waits at gate2. */
static long holder(void *arg)
{
    (void)arg;
    mutex_lock(&first);
    mutex_lock(&second);
    sema_up(&ready);
    sema_down(&gate1);
    mutex_unlock(&second);
    sema_up(&ready);
    sema_down(&gate2);
    mutex_unlock(&first);
    return 0;
}

/* Thread tid's entry in the thread list (copied to *out); 0 if absent. */
static int info_of(int tid, struct thread_info *out)
{
    struct thread_info *all = kzalloc(LIST_MAX * sizeof *all);
    int n = thread_list(all, LIST_MAX), found = 0;
    for (int i = 0; i < n && i < LIST_MAX; i++)
        if (all[i].tid == tid) {
            *out = all[i];
            found = 1;
        }
    kfree(all);
    return found;
}

/* Yields until thread tid is blocked on the wait channel named channel:
   after the sema_up that woke us it still has to reach its sema_down. */
static void wait_blocked_on(int tid, const char *channel)
{
    struct thread snap;
    for (;;) {
        if (thread_snapshot(tid, &snap) == 0 && snap.state == THREAD_BLOCKED &&
            snap.wait_channel && !strcmp(snap.wait_channel, channel))
            return;
        thread_yield();
    }
}

KTEST(test_tcb_held_mutexes, "tcb-held-mutexes")
{
    mutex_init(&first, "tcb-first");
    mutex_init(&second, "tcb-second");
    mutex_init(&mine, "tcb-main");
    sema_init(&ready, 0, "tcb-ready");
    sema_init(&gate1, 0, "tcb-gate1");
    sema_init(&gate2, 0, "tcb-gate2");
    int tid = thread_create("holder", holder, 0);
    KT_ASSERT_GT(tid, 0);
    struct thread_info info;

    /* Two held, in the order taken, while it waits at gate1. */
    sema_down(&ready);
    wait_blocked_on(tid, "tcb-gate1");
    KT_ASSERT(info_of(tid, &info));
    KT_ASSERT_EQ(info.held_count, 2);
    KT_ASSERT_EQ(strcmp(info.held, "tcb-first,tcb-second"), 0);
    KT_ASSERT_EQ(strcmp(info.wait, "tcb-gate1"), 0);
    KT_ASSERT_EQ(info.wait_futex, 0);

    /* Our own entry: none, then the one we take, then none again. */
    int self = thread_current()->tid;
    KT_ASSERT(info_of(self, &info));
    KT_ASSERT_EQ(info.held_count, 0);
    KT_ASSERT_EQ(info.held[0], '\0');
    mutex_lock(&mine);
    KT_ASSERT(info_of(self, &info));
    KT_ASSERT_EQ(info.held_count, 1);
    KT_ASSERT_EQ(strcmp(info.held, "tcb-main"), 0);
    /* The Ctrl-P dump, for the system test of the same name: the holder's
       second line ends "tcb-gate1 / tcb-first,tcb-second", ours "- / tcb-main". */
    printk("tcb: dump follows\n");
    thread_dump();
    mutex_unlock(&mine);
    KT_ASSERT(info_of(self, &info));
    KT_ASSERT_EQ(info.held_count, 0);

    /* One released: one left. */
    sema_up(&gate1);
    sema_down(&ready);
    wait_blocked_on(tid, "tcb-gate2");
    KT_ASSERT(info_of(tid, &info));
    KT_ASSERT_EQ(info.held_count, 1);
    KT_ASSERT_EQ(strcmp(info.held, "tcb-first"), 0);
    sema_up(&gate2);
    KT_ASSERT_EQ(thread_join(tid, 0), 0);
}

#define MANY 6
static struct mutex many[MANY];
static char many_names[MANY][16];

KTEST(test_tcb_held_truncated, "tcb-held-truncated")
{
    /* Six names of 15 characters do not fit in ABI_HELD_MAX (64) bytes:
       with the commas, three take 47; a fourth would reach 63, leaving no
       room for "..." and the NUL (mutex_held_names keeps 4 bytes for
       them). The count stays exact. */
    for (int i = 0; i < MANY; i++) {
        memcpy(many_names[i], "tcb-long-name-0", 16);
        many_names[i][14] = (char)('0' + i);
        mutex_init(&many[i], many_names[i]);
        mutex_lock(&many[i]);
    }
    struct thread_info info;
    KT_ASSERT(info_of(thread_current()->tid, &info));
    KT_ASSERT_EQ(info.held_count, MANY);
    KT_ASSERT_EQ(strcmp(info.held, "tcb-long-name-0,tcb-long-name-1,tcb-long-name-2..."), 0);
    for (int i = MANY - 1; i >= 0; i--)
        mutex_unlock(&many[i]);
    KT_ASSERT(info_of(thread_current()->tid, &info));
    KT_ASSERT_EQ(info.held_count, 0);
}
