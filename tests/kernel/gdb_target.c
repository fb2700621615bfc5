/* gdb-target: a kernel stopped at a known point with threads in known states,
   for the GDB helpers' test (tests/tools/test_gdb.py, docs/debugging.md). */
#include "kernel/ktest.h"
#include "kernel/debug.h"
#include "kernel/printk.h"
#include "kernel/thread.h"
#include "kernel/sync/mutex.h"
#include "kernel/sync/semaphore.h"
#include "arch/x86_64/cpu.h"

/*
 * The test never passes on its own: it ends in debug_stop_here, with every
 * CPU halted, and the host side attaches GDB and checks what the helpers
 * print. So the runner runs it only through tests/tools/test_gdb.py (a
 * system test), never as a plain kernel test. gdb-target-fifo is the same
 * under sched=fifo. By hand:
 *     make qemu-gdb ARGS="test=gdb-target"   and   make gdb
 *
 * The machine it leaves (N = CPUs):
 *   main (the test)     running on CPU 0, in debug_stop_here
 *   gdbt-blocker        blocked on mutex "gdb-target-lock" in
 *                       gdb_target_take_lock; last ran on CPU 1 (CPU 0 if N = 1)
 *   gdbt-waiter         blocked on semaphore "gdb-target-sema" in
 *                       gdb_target_wait_sema, on CPU 0
 *   gdbt-sleeper        sleeping (for 2^40 ticks) in gdb_target_sleeper, CPU 0
 *   gdbt-run0..2        runnable, in CPU 0's run queue (pinned to CPU 0,
 *                       whose thread never gives the CPU up again)
 */

#define GDB_TARGET_RUNNABLE 3

static struct mutex gdb_target_lock = MUTEX_INIT(gdb_target_lock, "gdb-target-lock");
static struct semaphore gdb_target_sema = SEMAPHORE_INIT(gdb_target_sema, 0, "gdb-target-sema");

/* The functions the blocked threads wait in: the backtraces `spindle bt`
   prints must name them. noinline keeps them frames of their own. */
__attribute__((noinline)) static long gdb_target_take_lock(void)
{
    mutex_lock(&gdb_target_lock);       /* held by the test for ever */
    mutex_unlock(&gdb_target_lock);
    return 1;
}

static long gdb_target_blocker(void *arg)
{
    (void)arg;
    return gdb_target_take_lock() + 1;
}

__attribute__((noinline)) static long gdb_target_wait_sema(void)
{
    sema_down(&gdb_target_sema);        /* nobody ever ups it */
    return 1;
}

static long gdb_target_waiter(void *arg)
{
    (void)arg;
    return gdb_target_wait_sema() + 1;
}

static long gdb_target_sleeper(void *arg)
{
    (void)arg;
    thread_sleep_ticks(1ll << 40);      /* years, at any hz= */
    return 0;
}

/* Runnable for ever: whenever it gets CPU 0 it hands it back at once. */
static long gdb_target_spinner(void *arg)
{
    (void)arg;
    for (;;)
        thread_yield();
    return 0;
}

/* Waits (yielding, not sleeping) until thread tid is in state, waiting on
   channel if channel is not NULL. */
static void wait_for_state(int tid, enum thread_state state, const char *channel)
{
    for (;;) {
        struct thread snap;
        KT_ASSERT_EQ(thread_snapshot(tid, &snap), 0);
        if (snap.state == state && (!channel || snap.wait_channel == channel))
            return;
        thread_yield();
    }
}

/* Sets the machine up as the comment at the top says and stops it. */
static void gdb_target_stop(void)
{
    /* The test thread runs on CPU 0, and so does everything else, except
       the blocker, which runs on CPU 1 when there is one: `spindle threads`
       must show each thread's own CPU. */
    KT_ASSERT_EQ(thread_set_affinity(0, 1), 0);
    int blocker_cpu = ncpus > 1 ? 1 : 0;
    mutex_lock(&gdb_target_lock);

    int blocker = thread_create_on("gdbt-blocker", gdb_target_blocker, 0, 1ull << blocker_cpu);
    int waiter = thread_create_on("gdbt-waiter", gdb_target_waiter, 0, 1);
    int sleeper = thread_create_on("gdbt-sleeper", gdb_target_sleeper, 0, 1);
    KT_ASSERT_GT(blocker, 0);
    KT_ASSERT_GT(waiter, 0);
    KT_ASSERT_GT(sleeper, 0);
    wait_for_state(blocker, THREAD_BLOCKED, gdb_target_lock.name);
    wait_for_state(waiter, THREAD_BLOCKED, gdb_target_sema.name);
    wait_for_state(sleeper, THREAD_SLEEPING, 0);

    int runnable[GDB_TARGET_RUNNABLE];
    for (int i = 0; i < GDB_TARGET_RUNNABLE; i++) {
        char name[16] = "gdbt-run0";
        name[8] = (char)('0' + i);
        runnable[i] = thread_create_on(name, gdb_target_spinner, 0, 1);
        KT_ASSERT_GT(runnable[i], 0);
    }

    /* From here on CPU 0 never switches again: the spinners stay in its
       run queue, whatever order the yields left them in. */
    cpu_irq_push();
    struct thread snap;
    for (int i = 0; i < GDB_TARGET_RUNNABLE; i++) {
        KT_ASSERT_EQ(thread_snapshot(runnable[i], &snap), 0);
        KT_ASSERT_EQ(snap.state, THREAD_RUNNABLE);
        KT_ASSERT_EQ(snap.cpu, 0);
    }
    KT_ASSERT_EQ(thread_snapshot(blocker, &snap), 0);
    KT_ASSERT_EQ(snap.cpu, blocker_cpu);
    KT_ASSERT_EQ(thread_current()->cpu, 0);
    printk("gdb-target: ready main=%d blocker=%d blocker_cpu=%d waiter=%d sleeper=%d "
           "runnable=%d,%d,%d\n", thread_current()->tid, blocker, blocker_cpu, waiter, sleeper,
           runnable[0], runnable[1], runnable[2]);
    debug_stop_here("gdb-target");
}

KTEST(test_gdb_target, "gdb-target")
{
    gdb_target_stop();
}

/* The same under the fifo policy: `spindle runq` must find its queues too. */
KTEST(test_gdb_target_fifo, "gdb-target-fifo", .args = "sched=fifo")
{
    gdb_target_stop();
}
