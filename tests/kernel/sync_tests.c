/* Tests of kernel synchronization: semaphores, mutexes, condition
   variables, and the panics that catch misuse of locks. */
#include "kernel/ktest.h"
#include "kernel/thread.h"
#include "kernel/spinlock.h"
#include "kernel/sync/semaphore.h"
#include "kernel/sync/mutex.h"
#include "kernel/sync/condvar.h"

/* --- sema-pingpong: two threads hand a token back and forth ----------- */
#define PINGS 500
static struct semaphore ping, pong;
static char pingpong_log[2 * PINGS + 1];
static int pingpong_len;

static long pinger(void *arg)
{
    (void)arg;
    for (int i = 0; i < PINGS; i++) {
        sema_down(&ping);
        pingpong_log[pingpong_len++] = 'i';
        sema_up(&pong);
    }
    return 0;
}

static long ponger(void *arg)
{
    (void)arg;
    for (int i = 0; i < PINGS; i++) {
        sema_down(&pong);
        pingpong_log[pingpong_len++] = 'o';
        sema_up(&ping);
    }
    return 0;
}

KTEST(test_sema_pingpong, "sema-pingpong")
{
    sema_init(&ping, 0, "ping");
    sema_init(&pong, 0, "pong");
    pingpong_len = 0;
    int a = thread_create("ponger", ponger, 0);
    int b = thread_create("pinger", pinger, 0);
    sema_up(&ping);                         /* serve */
    KT_ASSERT_EQ(thread_join(a, 0), 0);
    KT_ASSERT_EQ(thread_join(b, 0), 0);
    KT_ASSERT_EQ(pingpong_len, 2 * PINGS);
    for (int i = 0; i < 2 * PINGS; i++)
        KT_ASSERT_EQ(pingpong_log[i], i % 2 ? 'o' : 'i');
    KT_ASSERT_EQ(ping.count, 1);            /* the token is back with ping */
}

/* --- mutex-contend: 8 threads x 100,000 increments under a mutex ----------- */
#define CONTENDERS 8
#define INCREMENTS 100000
static struct mutex counter_mutex;
static volatile long shared_counter;

/* Not inlined, so that the load and the store of the increment are in
   different translated blocks and a timer interrupt can fall between. */
__attribute__((noinline)) static long plus_one(long v)
{
    __asm__ volatile("" ::: "memory");
    return v + 1;
}

static long contender(void *arg)
{
    (void)arg;
    for (int i = 0; i < INCREMENTS; i++) {
        mutex_lock(&counter_mutex);
        shared_counter = plus_one(shared_counter);
        mutex_unlock(&counter_mutex);
    }
    return thread_current()->voluntary_switches;
}

KTEST(test_mutex_contend, "mutex-contend", .args = "quantum=1 hz=1000", .timeout = 120)
{
    int tids[CONTENDERS];
    mutex_init(&counter_mutex, "counter");
    shared_counter = 0;
    for (int i = 0; i < CONTENDERS; i++)
        tids[i] = thread_create("contender", contender, 0);
    long blocked = 0;
    for (int i = 0; i < CONTENDERS; i++) {
        long v;
        KT_ASSERT_EQ(thread_join(tids[i], &v), 0);
        blocked += v;
    }
    KT_ASSERT_EQ(shared_counter, (long)CONTENDERS * INCREMENTS);
    /* The mutex really was contended: threads blocked on it. */
    KT_ASSERT_GT(blocked, 0);
}

/* --- condvar-prodcons: a bounded buffer, 4 producers, 4 consumers ----------- */
#define PRODUCERS 4
#define CONSUMERS 4
#define ITEMS_EACH 1000
#define SLOTS 8
#define POISON (-1)
static struct mutex buf_mutex;
static struct condvar not_full, not_empty;
static int buf[SLOTS], buf_head, buf_count;
static unsigned char seen[PRODUCERS * ITEMS_EACH];

static void put(int item)
{
    mutex_lock(&buf_mutex);
    while (buf_count == SLOTS)
        cond_wait(&not_full, &buf_mutex);
    buf[(buf_head + buf_count) % SLOTS] = item;
    buf_count++;
    cond_signal(&not_empty);
    mutex_unlock(&buf_mutex);
}

static int get(void)
{
    mutex_lock(&buf_mutex);
    while (buf_count == 0)
        cond_wait(&not_empty, &buf_mutex);
    int item = buf[buf_head];
    buf_head = (buf_head + 1) % SLOTS;
    buf_count--;
    cond_signal(&not_full);
    mutex_unlock(&buf_mutex);
    return item;
}

static long producer(void *arg)
{
    int p = (int)(long)arg;
    for (int i = 0; i < ITEMS_EACH; i++)
        put(p * ITEMS_EACH + i);
    return 0;
}

static long consumer(void *arg)
{
    (void)arg;
    long n = 0;
    for (int item; (item = get()) != POISON; n++)
        seen[item]++;                       /* only this consumer got it */
    return n;
}

KTEST(test_condvar_prodcons, "condvar-prodcons", .args = "quantum=1 hz=1000", .timeout = 120)
{
    int prod[PRODUCERS], cons[CONSUMERS];
    mutex_init(&buf_mutex, "buffer");
    cond_init(&not_full, "not-full");
    cond_init(&not_empty, "not-empty");
    for (int i = 0; i < CONSUMERS; i++)
        cons[i] = thread_create("consumer", consumer, 0);
    for (int i = 0; i < PRODUCERS; i++)
        prod[i] = thread_create("producer", producer, (void *)(long)i);
    for (int i = 0; i < PRODUCERS; i++)
        KT_ASSERT_EQ(thread_join(prod[i], 0), 0);
    for (int i = 0; i < CONSUMERS; i++)
        put(POISON);                        /* one stop sign per consumer */
    long consumed = 0;
    for (int i = 0; i < CONSUMERS; i++) {
        long n;
        KT_ASSERT_EQ(thread_join(cons[i], &n), 0);
        consumed += n;
    }
    KT_ASSERT_EQ(consumed, PRODUCERS * ITEMS_EACH);
    for (int i = 0; i < PRODUCERS * ITEMS_EACH; i++)
        KT_ASSERT_EQ(seen[i], 1);
}

/* --- misuse that must panic, naming what was misused ---------------------- */
static struct mutex owned = MUTEX_INIT(owned, "nonowner-mutex");
static struct semaphore owned_ready, never_up;

static long lock_and_keep(void *arg)
{
    (void)arg;
    mutex_lock(&owned);
    sema_up(&owned_ready);
    sema_down(&never_up);                   /* keeps it for good (exiting with it panics) */
    return 0;
}

KTEST(test_mutex_unlock_nonowner, "mutex-unlock-nonowner",
      .expect_panic = "thread 'main' unlocks mutex 'nonowner-mutex', which is held by thread 'owner'")
{
    sema_init(&owned_ready, 0, "owned-ready");
    sema_init(&never_up, 0, "never-up");
    thread_create("owner", lock_and_keep, 0);
    sema_down(&owned_ready);
    mutex_unlock(&owned);
}

/* A thread that ends with a mutex still locked would leave it locked for
   ever, and its waiters asleep without a word: thread_exit panics instead,
   naming the thread and the mutex, with the culprit in the backtrace. */
static struct mutex kept_mutex = MUTEX_INIT(kept_mutex, "kept-mutex");

static long lock_and_exit(void *arg)
{
    (void)arg;
    mutex_lock(&kept_mutex);
    thread_exit(0);
}

KTEST(test_exit_holding_mutex, "exit-holding-mutex", .panic_in = "lock_and_exit",
      .expect_panic = "'mutex-leaver' exited holding mutex kept-mutex")
{
    thread_join(thread_create("mutex-leaver", lock_and_exit, 0), 0);
}

static struct spinlock twice = SPINLOCK_INIT("reacquire-lock");

KTEST(test_spinlock_reacquire, "spinlock-reacquire",
      .expect_panic = "re-acquire of 'reacquire-lock'")
{
    spin_lock(&twice);
    spin_lock(&twice);
}

static struct spinlock kept = SPINLOCK_INIT("held-while-blocking");

KTEST(test_block_holding_spinlock, "block-holding-spinlock",
      .expect_panic = "while holding spinlock 'held-while-blocking'")
{
    struct semaphore never;
    sema_init(&never, 0, "never");
    spin_lock(&kept);
    sema_down(&never);
}
