/* Test (synchronization lab): the mutex's fast paths make no system call.
   1000 uncontended lock/unlock pairs (and trylocks) cost the thread no
   system call (the kernel counts each thread's); with a waiter asleep the
   unlock makes exactly one (the wake); and once the contention is over,
   lock and unlock are free of system calls again. */
// test: args=quantum=1 hz=1000
// test: expect=^sync-mutex-no-syscall: 1000 lock/unlock pairs: 0 system calls\r?$
// test: expect=^sync-mutex-no-syscall: unlock with a sleeper: 1 system call\r?$
// test: expect=^sync-mutex-no-syscall: after the contention: 0 system calls\r?$
// test: expect=^PASS
// test: timeout=120
#include "sync_common.h"

#define PAIRS 1000

static mutex_t mutex = MUTEX_INITIALIZER;
static int me;                      /* the main thread's tid */
static volatile int main_holds;
static volatile int got_early;
static volatile int done;           /* set after the waiter's unlock */

static void *waiter(void *arg)
{
    (void)arg;
    mutex_lock(&mutex);
    if (main_holds)
        got_early = 1;
    mutex_unlock(&mutex);
    done = 1;
    return NULL;
}

/* PAIRS uncontended lock/unlock pairs, checking the state after each step;
   returns the system calls they made. */
static uint64_t uncontended_pairs(void)
{
    int bad_locked = -1, bad_free = -1;     /* first wrong state seen */
    uint64_t before = ut_my_syscalls(me);
    for (int i = 0; i < PAIRS; i++) {
        mutex_lock(&mutex);
        if (mutex.state != 1 && bad_locked < 0)
            bad_locked = (int)mutex.state;
        mutex_unlock(&mutex);
        if (mutex.state != 0 && bad_free < 0)
            bad_free = (int)mutex.state;
    }
    uint64_t calls = ut_my_syscalls(me) - before - 1;   /* less the second look */
    UT_CHECK_MSG(bad_locked < 0, "an uncontended mutex_lock left the state %d, expected 1",
                 bad_locked);
    UT_CHECK_MSG(bad_free < 0, "an uncontended mutex_unlock left the state %d, expected 0",
                 bad_free);
    return calls;
}

int main(void)
{
    /* Looking costs exactly one system call, so the counts below are exact
       (the first look also allocates the buffer: a system call before). */
    me = sys_gettid();
    uint64_t a = ut_my_syscalls(me), b = ut_my_syscalls(me);
    UT_CHECK_MSG(b == a + 1, "two looks in a row at the syscall count: %lu then %lu",
                 (unsigned long)a, (unsigned long)b);

    uint64_t calls = uncontended_pairs();
    printf("sync-mutex-no-syscall: %d lock/unlock pairs: %lu system calls\n", PAIRS,
           (unsigned long)calls);
    UT_CHECK_MSG(calls == 0, "%d uncontended lock/unlock pairs made %lu system calls, expected 0: "
                 "the fast path must be one atomic instruction, without entering the kernel",
                 PAIRS, (unsigned long)calls);

    /* mutex_trylock: takes a free mutex, fails on a held one, no system call. */
    uint64_t before = ut_my_syscalls(me);
    UT_CHECK_EQ(mutex_trylock(&mutex), 1);
    UT_CHECK_EQ(mutex_trylock(&mutex), 0);
    mutex_unlock(&mutex);
    calls = ut_my_syscalls(me) - before - 1;
    UT_CHECK_MSG(calls == 0, "trylock, a failed trylock and unlock made %lu system calls",
                 (unsigned long)calls);

    /* Contention: a waiter sleeps; the unlock must wake it, with one call. */
    mutex_lock(&mutex);
    main_holds = 1;
    thread_t t;
    UT_CHECK_EQ(thread_create(&t, waiter, NULL), 0);
    sync_wait_sleeping(t, &got_early, "the waiter");
    main_holds = 0;
    before = ut_my_syscalls(me);
    mutex_unlock(&mutex);
    calls = ut_my_syscalls(me) - before - 1;
    sync_join_watching(&t, &done, 1, &mutex.state);
    printf("sync-mutex-no-syscall: unlock with a sleeper: %lu system call%s\n",
           (unsigned long)calls, calls == 1 ? "" : "s");
    UT_CHECK_MSG(calls == 1, "mutex_unlock with a waiter asleep made %lu system calls, expected "
                 "1 (futex_wake)", (unsigned long)calls);
    UT_CHECK_MSG(mutex.state == 0, "the waiter unlocked, yet the state is %u, not 0", mutex.state);

    /* Back to the fast path. */
    calls = uncontended_pairs();
    printf("sync-mutex-no-syscall: after the contention: %lu system calls\n",
           (unsigned long)calls);
    UT_CHECK_MSG(calls == 0, "after the contention, %d uncontended lock/unlock pairs made %lu "
                 "system calls, expected 0", PAIRS, (unsigned long)calls);
    printf("PASS\n");
    return 0;
}
