/* Test (synchronization lab): mutex waiters sleep in the kernel instead of
   spinning. The main thread holds the mutex; each of 3 waiters must go to
   sleep in futex_wait (seen in the thread list) having run fewer than 50
   ticks, and the mutex's state must then be 2 (contended). After the
   release they get it one at a time, and the mutex ends free (0). */
// test: args=quantum=1 hz=1000
// test: expect=^sync-mutex-sleeps: 3 waiters asleep in futex_wait, state 2\r?$
// test: expect=^PASS
// test: timeout=120
#include "sync_common.h"

#define WAITERS 3

static mutex_t mutex = MUTEX_INITIALIZER;
static volatile int main_holds;
static volatile int got_early;      /* a waiter got the mutex while main held it */
static volatile int inside;         /* threads holding the mutex */
static volatile int overlaps;
static volatile int got[WAITERS];
static volatile int done[WAITERS];  /* set after the waiter's unlock */

static void *waiter(void *arg)
{
    int i = (int)(long)arg;
    mutex_lock(&mutex);
    if (main_holds)
        got_early = 1;
    if (atomic_fetch_add_int(&inside, 1) != 0)
        overlaps++;
    sys_sleep(1 * SYNC_MS);         /* hold it a while: the others stay asleep */
    atomic_fetch_add_int(&inside, -1);
    got[i] = 1;
    mutex_unlock(&mutex);
    done[i] = 1;
    return NULL;
}

int main(void)
{
    mutex_lock(&mutex);
    main_holds = 1;
    UT_CHECK_MSG(mutex.state == 1, "a mutex taken when free has state %u, expected 1 (locked, "
                 "nobody waits)", mutex.state);
    thread_t t[WAITERS];
    for (int i = 0; i < WAITERS; i++) {
        char who[32];
        snprintf(who, sizeof who, "waiter %d", i);
        UT_CHECK_EQ(thread_create(&t[i], waiter, (void *)(long)i), 0);
        sync_wait_sleeping(t[i], &got_early, who);
        UT_CHECK_MSG(mutex.state == 2, "with %s asleep in futex_wait the mutex's state is %u, "
                     "expected 2 (locked, someone may wait): the unlock would not wake it", who,
                     mutex.state);
    }
    /* They stay asleep while the mutex is held: nothing wakes them early. */
    sys_sleep(5 * SYNC_MS);
    for (int i = 0; i < WAITERS; i++) {
        struct thread_info info;
        UT_CHECK(ut_thread_info(t[i], &info));
        UT_CHECK_MSG(sync_in_futex_wait(&info) && !got_early, "waiter %d woke up while the "
                     "mutex was still held (state %s, waiting on \"%s\")", i,
                     sync_state_name(info.state), info.wait);
    }
    printf("sync-mutex-sleeps: %d waiters asleep in futex_wait, state %u\n", WAITERS, mutex.state);

    main_holds = 0;
    mutex_unlock(&mutex);
    sync_join_watching(t, done, WAITERS, &mutex.state);
    for (int i = 0; i < WAITERS; i++)
        UT_CHECK_MSG(got[i], "waiter %d never got the mutex", i);
    UT_CHECK_MSG(overlaps == 0, "two waiters held the mutex at the same time (%d times)", overlaps);
    UT_CHECK_MSG(mutex.state == 0, "every thread unlocked, yet the mutex's state is %u, not 0 (free)",
                 mutex.state);
    printf("PASS\n");
    return 0;
}
