/* Test: a thread's FS base (its TLS) survives preemption and migration.
   4 threads share one CPU at a time, preempted every tick, and move
   together to the next CPU every round, checking their TLS all along. */
// test: args=quantum=1 hz=1000
// test: min_cpus=2
// test: timeout=120
// test: expect=^migrate: \d+ CPUs, \d+ rounds, every thread preempted on every CPU
// test: expect=^PASS
#include <thread.h>
#include <sync.h>
#include <tls.h>
#include <errno.h>
#include "utest.h"

#define NTHREADS 4
#define ROUNDS_PER_CPU 3
#define PREEMPTIONS 3               /* each thread, each round */

static __thread uint64_t t_id = 0xdead;
static __thread char t_pad[40] = "pad";
static __thread struct tls_tcb *t_tp;

struct worker {
    volatile long progress;         /* checks done (only this thread writes it) */
    char pad[64 - sizeof(long)];
};
static struct worker workers[NTHREADS];
static barrier_t barrier;
static volatile int satisfied;      /* threads preempted PREEMPTIONS times this round */
static int ncpus, rounds;

static long others_progress(int me)
{
    long sum = 0;
    for (int i = 0; i < NTHREADS; i++)
        if (i != me)
            sum += workers[i].progress;
    return sum;
}

/* This thread's TLS is still its own: %fs:0, the kernel's FS base and
   the variables it wrote. A call between load and use ends TCG's
   translated block, so preemption can fall anywhere in here. */
__attribute__((noinline)) static void check_tls(int me, int round)
{
    struct tls_tcb *tp = tls_self();
    UT_CHECK_MSG(tp == t_tp && tp->self == tp, "thread %d round %d: %%fs:0 = %p, expected %p", me, round,
                 (void *)tp, (void *)t_tp);
    UT_CHECK_MSG(t_id == (uint64_t)me * 0x1111 + 1, "thread %d round %d: t_id = %lx", me, round,
                 (unsigned long)t_id);
    UT_CHECK_MSG(t_pad[0] == 'A' + me && t_pad[39] == 'a' + me, "thread %d round %d: t_pad %c%c", me,
                 round, t_pad[0], t_pad[39]);
    UT_CHECK_MSG(errno == 700 + me, "thread %d round %d: errno %d", me, round, errno);
}

static void *run(void *arg)
{
    int me = (int)(intptr_t)arg;
    t_id = (uint64_t)me * 0x1111 + 1;
    t_pad[0] = (char)('A' + me);
    t_pad[39] = (char)('a' + me);
    errno = 700 + me;
    t_tp = tls_self();
    UT_CHECK_EQ((uint64_t)t_tp, sys_get_fsbase());
    for (int round = 0; round < rounds; round++) {
        /* Every thread moves to the round's CPU: a migration, at once. */
        int cpu = round % ncpus;
        UT_CHECK_EQ(sys_set_affinity(0, 1ull << cpu), 0);
        UT_CHECK_MSG(sys_getcpu() == cpu, "thread %d: on CPU %d after pinning to %d", me, sys_getcpu(), cpu);
        check_tls(me, round);
        barrier_wait(&barrier);
        /* All on one CPU now, spinning: another thread's progress between
           two of our checks means we were preempted in between. Go on
           until every thread has been preempted PREEMPTIONS times. */
        int preempted = 0;
        long seen = others_progress(me);
        while (__atomic_load_n(&satisfied, __ATOMIC_SEQ_CST) < NTHREADS) {
            check_tls(me, round);
            workers[me].progress++;
            long now = others_progress(me);
            if (now != seen && ++preempted == PREEMPTIONS)
                __atomic_fetch_add(&satisfied, 1, __ATOMIC_SEQ_CST);
            seen = now;
            UT_CHECK_MSG(sys_getcpu() == cpu, "thread %d left CPU %d", me, cpu);
        }
        check_tls(me, round);
        barrier_wait(&barrier);
        if (me == 0)
            satisfied = 0;
        barrier_wait(&barrier);
    }
    return NULL;
}

int main(void)
{
    ncpus = ut_online_cpus();
    UT_CHECK_GE(ncpus, 2);
    rounds = ROUNDS_PER_CPU * ncpus;
    barrier_init(&barrier, NTHREADS);
    ut_run_threads(NTHREADS, run);
    printf("migrate: %d CPUs, %d rounds, every thread preempted on every CPU\n", ncpus, rounds);
    printf("PASS\n");
    return 0;
}
