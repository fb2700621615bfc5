/* Priority donation under stress on every CPU (sched=prio): nested mutexes taken
   by threads of many priorities leave no donation behind. Not graded. */
#include "kernel/ktest.h"
#include "kernel/thread.h"
#include "kernel/sync/mutex.h"
#include "kernel/printk.h"
#include "arch/x86_64/cpu.h"

#define STRESS_THREADS 12
#define STRESS_MUTEXES 4
#define STRESS_ROUNDS 3000

static struct mutex stress_mutex[STRESS_MUTEXES];
static long stress_count[STRESS_MUTEXES];
static int donations_seen;              /* times a holder ran above its base */

/* Not inlined, so that the read and the write of an increment are apart. */
static __attribute__((noinline)) long plus_one(long v)
{
    return v + 1;
}

static long stress_thread(void *arg)
{
    uint64_t seed = (uint64_t)(long)arg * 2654435761u + 1;
    struct thread *self = thread_current();
    long done = 0;
    for (int r = 0; r < STRESS_ROUNDS; r++) {
        /* A random non-empty run of mutexes, always in index order, so
           chains form but never a cycle. */
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        int first = (int)((seed >> 33) % STRESS_MUTEXES);
        int last = first + (int)((seed >> 40) % (uint64_t)(STRESS_MUTEXES - first));
        for (int i = first; i <= last; i++) {
            mutex_lock(&stress_mutex[i]);
            stress_count[i] = plus_one(stress_count[i]);
            done++;
        }
        if (self->priority > self->base_priority)
            __atomic_add_fetch(&donations_seen, 1, __ATOMIC_RELAXED);
        for (int i = last; i >= first; i--)
            mutex_unlock(&stress_mutex[i]);
        /* Holding nothing: no donation may be left. */
        if (self->priority != self->base_priority || self->donation_levels)
            ktest_fail(__FILE__, __LINE__, "thread %d holds no mutex but has priority %d "
                       "(base %d, donations 0x%lx)", self->tid, self->priority,
                       self->base_priority, (unsigned long)self->donation_levels);
        if (r % 64 == 0)
            thread_yield();
    }
    return done;
}

KTEST(test_prio_smp_stress, "prio-smp-stress", .args = "sched=prio hz=1000", .min_cpus = 2,
      .timeout = 180)
{
    for (int i = 0; i < STRESS_MUTEXES; i++) {
        mutex_init(&stress_mutex[i], "stress");
        stress_count[i] = 0;
    }
    donations_seen = 0;
    int tids[STRESS_THREADS];
    /* Priorities spread from 10 to 54, every thread free to run anywhere. */
    for (int i = 0; i < STRESS_THREADS; i++) {
        tids[i] = thread_create_priority("stress", stress_thread, (void *)(long)i, ~0ull,
                                         10 + 4 * i);
        KT_ASSERT_GT(tids[i], 0);
    }
    long expected = 0;
    for (int i = 0; i < STRESS_THREADS; i++) {
        long done = 0;
        KT_ASSERT_EQ(thread_join(tids[i], &done), 0);
        expected += done;
    }
    long total = 0;
    for (int i = 0; i < STRESS_MUTEXES; i++) {
        KT_ASSERT(!stress_mutex[i].owner);
        total += stress_count[i];
    }
    printk("prio-smp-stress: %d threads on %d CPUs, %ld increments under nested mutexes, "
           "%d times a holder ran with a donated priority\n", STRESS_THREADS, ncpus, total,
           donations_seen);
    KT_ASSERT_EQ(total, expected);
    KT_ASSERT_EQ(thread_get_priority(0), PRIORITY_DEFAULT);
}
