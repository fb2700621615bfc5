/* The lost update in the kernel: two threads increment one counter; with
   a separate load and store they lose updates, with `lock add` they do not. */
#include "kernel/ktest.h"
#include "kernel/thread.h"

static volatile long counter;

/* Stands for the work real code does between reading and writing. It is a
   call, so the load and the store fall in different blocks of QEMU's
   translated code and a timer interrupt can come between them (under
   TCG interrupts are taken only between blocks; on hardware, anywhere). */
__attribute__((noinline)) static long add_one(long v)
{
    /* A little work (as in user/programs/race.c): most of each increment
       is spent between the load and the store, so most preemptions land
       there. */
    volatile unsigned work = 0;
    for (int i = 0; i < 24; i++)
        work = work * 31 + (unsigned)i;
    return v + 1;
}

/* Each thread increments until it has been preempted `want` times; the
   number of increments it did is its exit value. */
struct race_args {
    bool atomic;
    uint64_t want;
};

static long racer(void *arg)
{
    struct race_args *a = arg;
    struct thread *self = thread_current();
    long done = 0;
    while (self->involuntary_switches < a->want) {
        for (int i = 0; i < 1000; i++) {
            if (a->atomic) {
                __atomic_fetch_add(&counter, 1, __ATOMIC_RELAXED);   /* lock xadd / lock add */
            } else {
                long v = counter;           /* load */
                v = add_one(v);             /* compute */
                counter = v;                /* store: may overwrite another's update */
            }
        }
        done += 1000;
    }
    return done;
}

/* Runs two racers; returns expected - actual, and the preemptions seen. */
static long race(bool atomic, uint64_t *preemptions)
{
    struct race_args args = { atomic, 10 };
    counter = 0;
    /* Both on CPU 0: this test is about preemption on one CPU (on many
       CPUs the two would also race in parallel; the user-mode smp-race
       tests show that). */
    KT_ASSERT_EQ(thread_set_affinity(0, 1), 0);
    int a = thread_create_on("racer-a", racer, &args, 1);
    int b = thread_create_on("racer-b", racer, &args, 1);
    struct thread sa, sb;
    long da, db;
    /* Snapshots before joining: join frees the threads. */
    while (thread_snapshot(a, &sa) == 0 && sa.state != THREAD_ZOMBIE)
        thread_sleep_ticks(2);
    while (thread_snapshot(b, &sb) == 0 && sb.state != THREAD_ZOMBIE)
        thread_sleep_ticks(2);
    KT_ASSERT_EQ(thread_join(a, &da), 0);
    KT_ASSERT_EQ(thread_join(b, &db), 0);
    *preemptions = sa.involuntary_switches + sb.involuntary_switches;
    return da + db - counter;
}

KTEST(test_race_kernel_unsafe, "race-kernel-unsafe", .args = "quantum=1 hz=1000")
{
    uint64_t preemptions;
    long lost = race(false, &preemptions);
    KT_ASSERT_GE(preemptions, 20);
    KT_ASSERT_GT(lost, 0);
}

KTEST(test_race_kernel_atomic, "race-kernel-atomic", .args = "quantum=1 hz=1000")
{
    uint64_t preemptions;
    long lost = race(true, &preemptions);
    KT_ASSERT_GE(preemptions, 20);
    KT_ASSERT_EQ(lost, 0);
}
