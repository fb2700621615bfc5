/* Test: on 4 CPUs, green tasks run on more than one kernel thread and on more
   than one CPU -- the M of M:N is real parallelism -- and a single task
   migrates between kernel threads; idle kernel threads sleep in the kernel. */
// test: expect=^PASS
// test: min_cpus=4
// test: timeout=120
#include <green.h>
#include <atomic.h>
#include "utest.h"

/*
 * Each task yields in a loop, noting after every switch which kernel
 * thread (gettid) and CPU (getcpu) it runs on, until the runtime as a whole
 * has used two kernel threads and two CPUs and some task has been resumed
 * by a kernel thread other than the one it ran on before. No task leaves
 * before that, so there are always more runnable tasks than kernel threads
 * and every worker the kernel lets run takes tasks; how soon the second
 * worker and the second CPU show up depends on the host, so the loop waits
 * for them (on a loaded two-core host that can take a while) and gives up
 * only after MAX_YIELDS switches per task, a bound no healthy run comes near.
 */
#define KERNEL_THREADS 4
#define NTASKS 16
#define MAX_YIELDS 500000
#define MAX_TIDS 64

static volatile int seen_tid[MAX_TIDS];  /* distinct tids seen, in order of discovery */
static volatile int tids_seen;
static volatile uint64_t cpu_mask_seen;
static volatile int migrated;           /* some task ran on two kernel threads */
static volatile int task_gave_up;

/* Bits set in v (no libgcc here for __builtin_popcountll). */
static int bits_set(uint64_t v)
{
    int n = 0;
    for (; v; v &= v - 1)
        n++;
    return n;
}

/* Records tid (once) in seen_tid; returns its index. */
static int note_tid(int tid)
{
    for (;;) {
        int n = atomic_load(&tids_seen);
        for (int i = 0; i < n; i++)
            if (seen_tid[i] == tid)
                return i;
        UT_CHECK(n < MAX_TIDS);
        /* Claim slot n for tid; if another task claimed it first, look again. */
        if (atomic_cas((volatile int *)&seen_tid[n], 0, tid)) {
            atomic_fetch_add_int(&tids_seen, 1);
            return n;
        }
        while (atomic_load(&tids_seen) == n)
            cpu_pause();        /* the winner is about to publish */
    }
}

static bool everything_seen(void)
{
    return atomic_load(&tids_seen) >= 2 && bits_set(cpu_mask_seen) >= 2 &&
           atomic_load(&migrated);
}

static void task(void *arg)
{
    uint64_t my_threads = 0;        /* bit i: ran on the i-th tid discovered */
    for (long yields = 0;; yields++) {
        my_threads |= 1ull << note_tid(sys_gettid());
        int cpu = sys_getcpu();
        UT_CHECK(cpu >= 0 && cpu < 64);
        __atomic_fetch_or(&cpu_mask_seen, 1ull << cpu, __ATOMIC_SEQ_CST);
        if (bits_set(my_threads) >= 2)
            atomic_store(&migrated, 1);
        if (everything_seen())
            break;
        if (yields == MAX_YIELDS) {
            atomic_store(&task_gave_up, 1);
            break;
        }
        green_yield();
    }
}

/* --- idle kernel threads sleep -------------------------------------------------- */

/* True once every kernel thread of the runtime but the caller's is
   blocked in a futex wait. */
static bool others_asleep_in_futex(const struct green_stats *s, int self)
{
    struct thread_info *t;
    int n = ut_thread_list(&t), asleep = 0;
    for (int w = 0; w < s->kernel_threads; w++) {
        if (s->kernel_tids[w] == self)
            continue;
        for (int i = 0; i < n; i++)
            if (t[i].tid == s->kernel_tids[w] && t[i].state == UT_STATE_BLOCKED &&
                strcmp(t[i].wait, "futex") == 0)
                asleep++;
    }
    return asleep == s->kernel_threads - 1;
}

/* One task alone: the other kernel threads have nothing to do and must be
   asleep in the kernel, not spinning on the run queue. This task's own
   kernel thread sleeps in sys_sleep between looks (a blocking system call
   blocks every task queued on its thread: here there is none). */
static void lonely_task(void *arg)
{
    struct green_stats s;
    int self = sys_gettid();
    /* Bounded like ut_wait_blocked: a healthy run needs a look or two. */
    uint64_t deadline = sys_clock() + 20000000000ull;
    for (;;) {
        green_get_stats(&s);        /* the tids appear as green_run makes the threads */
        bool all_made = s.kernel_threads == KERNEL_THREADS;
        for (int w = 0; w < s.kernel_threads; w++)
            all_made = all_made && s.kernel_tids[w] > 0;
        if (all_made)
            break;
        UT_CHECK_MSG(sys_clock() < deadline, "after 20 s green_run has not made its kernel threads");
        sys_sleep(1000000);
    }
    while (!others_asleep_in_futex(&s, self)) {
        UT_CHECK_MSG(sys_clock() < deadline, "after 20 s the idle kernel threads are not all asleep "
                     "in a futex wait");
        sys_sleep(1000000);
    }
}

int main(void)
{
    for (long i = 0; i < NTASKS; i++)
        UT_CHECK_EQ(green_spawn(task, (void *)i), 0);
    UT_CHECK_EQ(green_run(KERNEL_THREADS, 0), 0);
    struct green_stats s;
    green_get_stats(&s);
    int cpus = bits_set(cpu_mask_seen);
    printf("%d tasks ran on %d kernel threads and %d CPUs (mask 0x%lx), %lu switches; per worker:",
           NTASKS, tids_seen, cpus, (unsigned long)cpu_mask_seen, (unsigned long)s.switches);
    for (int i = 0; i < s.kernel_threads; i++)
        printf(" tid %d: %lu", s.kernel_tids[i], (unsigned long)s.switches_on[i]);
    printf("\n");
    UT_CHECK_MSG(!task_gave_up, "a task yielded %d times without the runtime using 2 kernel threads "
                 "and 2 CPUs and moving a task", MAX_YIELDS);
    UT_CHECK_GE(tids_seen, 2);
    UT_CHECK_GE(cpus, 2);
    UT_CHECK(migrated);
    /* Only the runtime's own kernel threads ran tasks, and each one that
       a task saw counted switches. */
    UT_CHECK_LE(tids_seen, KERNEL_THREADS);
    for (int j = 0; j < tids_seen; j++) {
        bool found = false;
        for (int i = 0; i < s.kernel_threads; i++)
            if (seen_tid[j] == s.kernel_tids[i]) {
                found = true;
                UT_CHECK_GT(s.switches_on[i], 0);
            }
        UT_CHECK_MSG(found, "tid %d ran a task but is not one of the runtime's", seen_tid[j]);
    }
    UT_CHECK_EQ(s.finished, NTASKS);
    UT_CHECK_EQ(s.switches, NTASKS + s.yields);

    UT_CHECK_EQ(green_spawn(lonely_task, NULL), 0);
    UT_CHECK_EQ(green_run(KERNEL_THREADS, 0), 0);
    green_get_stats(&s);
    printf("one task on %d kernel threads: %lu idle sleeps\n", KERNEL_THREADS,
           (unsigned long)s.idle_sleeps);
    UT_CHECK_GE(s.idle_sleeps, KERNEL_THREADS - 1);
    printf("PASS\n");
    return 0;
}
