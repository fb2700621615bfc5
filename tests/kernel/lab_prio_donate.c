/* The priority lab's donation tests (sched=prio): one donor, several, nested,
   chained eight deep, via a semaphore, base lowered; checked from event logs. */
#include "kernel/ktest.h"
#include "kernel/thread.h"
#include "kernel/sync/semaphore.h"
#include "kernel/sync/mutex.h"
#include "tests/kernel/lab_prio.h"

/* A thread that takes the mutex arg, says so with its priority, lets go. */
struct lock_job {
    struct mutex *mutex;
    const char *token;
};

static long take_and_release(void *arg)
{
    struct lock_job *job = arg;
    mutex_lock(job->mutex);
    lp_event("%s got mutex '%s' (priority %d)", job->token, job->mutex->name,
             thread_get_priority(0));
    mutex_unlock(job->mutex);
    return 0;
}

/* --- donate-one: two donors to main through one mutex ------------------- */

static struct mutex one_mutex;

KTEST(test_donate_one, "donate-one", .args = "sched=prio")
{
    lp_begin();
    mutex_init(&one_mutex, "one");
    struct lock_job j32 = { &one_mutex, "G32" }, j33 = { &one_mutex, "G33" };
    mutex_lock(&one_mutex);
    int a = lp_spawn("H32", take_and_release, &j32, 32);
    lp_event("M=%d main holds the mutex; a thread of priority 32 waits for it",
             thread_get_priority(0));
    int b = lp_spawn("H33", take_and_release, &j33, 33);
    lp_event("M=%d a thread of priority 33 waits for it too", thread_get_priority(0));
    mutex_unlock(&one_mutex);
    lp_event("M=%d main released the mutex: both waiters ran first, 33 before 32",
             thread_get_priority(0));
    lp_join(a);
    lp_join(b);
    LP_EXPECT("M=32 M=33 G33 G32 M=31");
}

/* --- donate-multiple: donations through two mutexes, released either way */

static struct mutex multi_a, multi_b;

static void donate_multiple_round(int b_first)
{
    struct lock_job ja = { &multi_a, "G32" }, jb = { &multi_b, "G33" };
    mutex_lock(&multi_a);
    mutex_lock(&multi_b);
    int a = lp_spawn("H32", take_and_release, &ja, 32);
    lp_event("M=%d main holds mutexes a and b; 32 waits for a", thread_get_priority(0));
    int b = lp_spawn("H33", take_and_release, &jb, 33);
    lp_event("M=%d 33 waits for b", thread_get_priority(0));
    if (b_first) {
        mutex_unlock(&multi_b);
        lp_event("M=%d main released b: 33 ran; 32 still donates through a",
                 thread_get_priority(0));
        mutex_unlock(&multi_a);
    } else {
        mutex_unlock(&multi_a);
        lp_event("M=%d main released a: 32 was woken but 33 still donates through b",
                 thread_get_priority(0));
        mutex_unlock(&multi_b);
    }
    lp_event("M=%d main released both", thread_get_priority(0));
    lp_join(a);
    lp_join(b);
}

KTEST(test_donate_multiple, "donate-multiple", .args = "sched=prio")
{
    lp_begin();
    mutex_init(&multi_a, "a");
    mutex_init(&multi_b, "b");
    lp_note("round 1: release b, then a");
    donate_multiple_round(1);
    lp_note("round 2: release a, then b");
    donate_multiple_round(0);
    LP_EXPECT("M=32 M=33 G33 M=32 G32 M=31 "
              "M=32 M=33 M=33 G33 G32 M=31");
}

/* --- donate-nest: a donation passed on through a blocked owner ---------- */

static struct mutex nest_a, nest_b;

static long nest_medium(void *arg)
{
    (void)arg;
    mutex_lock(&nest_b);
    mutex_lock(&nest_a);                /* main holds it: we wait, holding b */
    lp_event("Med=%d medium got a; high still waits for b", thread_get_priority(0));
    mutex_unlock(&nest_a);
    mutex_unlock(&nest_b);              /* high takes the CPU here */
    lp_event("Med=%d medium released b: back to its own priority", thread_get_priority(0));
    return 0;
}

static long nest_high(void *arg)
{
    (void)arg;
    mutex_lock(&nest_b);
    lp_event("High high got b");
    mutex_unlock(&nest_b);
    return 0;
}

KTEST(test_donate_nest, "donate-nest", .args = "sched=prio")
{
    lp_begin();
    mutex_init(&nest_a, "a");
    mutex_init(&nest_b, "b");
    mutex_lock(&nest_a);
    int medium = lp_spawn("medium", nest_medium, 0, 32);
    lp_event("M=%d medium (32) holds b and waits for a, which main holds", thread_get_priority(0));
    int high = lp_spawn("high", nest_high, 0, 33);
    lp_event("M=%d high (33) waits for b: it donates to medium, and medium on to main",
             thread_get_priority(0));
    lp_event("Q=%d medium's priority", thread_get_priority(medium));
    mutex_unlock(&nest_a);
    lp_event("M=%d main released a", thread_get_priority(0));
    lp_join(medium);
    lp_join(high);
    LP_EXPECT("M=32 M=33 Q=33 Med=33 High Med=32 M=31");
}

/* --- donate-chain: eight threads, each waiting for the next one's mutex -- */

#define CHAIN 8
static struct mutex chain_locks[CHAIN + 1];

static int chain_priority(int i)
{
    return PRIORITY_DEFAULT + 3 * i;    /* 34, 37, ... 55 */
}

/* Thread i (1..8) holds lock i and waits for lock i-1. */
static long chain_link(void *arg)
{
    int i = (int)(long)arg;
    mutex_lock(&chain_locks[i]);
    mutex_lock(&chain_locks[i - 1]);
    lp_event("T%d=%d thread %d got lock %d", i, thread_get_priority(0), i, i - 1);
    mutex_unlock(&chain_locks[i - 1]);
    mutex_unlock(&chain_locks[i]);      /* thread i+1 takes the CPU here */
    lp_event("t%d=%d thread %d ends", i, thread_get_priority(0), i);
    return 0;
}

/* Just below thread i: it must not run while the chain donates above it. */
static long chain_interloper(void *arg)
{
    lp_event("I%d interloper %d ran", (int)(long)arg, (int)(long)arg);
    return 0;
}

KTEST(test_donate_chain, "donate-chain", .args = "sched=prio")
{
    lp_begin();
    for (int i = 0; i <= CHAIN; i++)
        mutex_init(&chain_locks[i], "chain");
    int links[CHAIN + 1], interlopers[CHAIN + 1];
    mutex_lock(&chain_locks[0]);
    for (int i = 1; i <= CHAIN; i++) {
        links[i] = lp_spawn("link", chain_link, (void *)(long)i, chain_priority(i));
        interlopers[i] = lp_spawn("interloper", chain_interloper, (void *)(long)i,
                                  chain_priority(i) - 1);
        lp_event("M=%d thread %d (%d) waits at depth %d", thread_get_priority(0), i,
                 chain_priority(i), i);
    }
    mutex_unlock(&chain_locks[0]);
    lp_event("M=%d main released lock 0: everything else ran first", thread_get_priority(0));
    for (int i = 1; i <= CHAIN; i++) {
        lp_join(links[i]);
        lp_join(interlopers[i]);
    }
    LP_EXPECT("M=34 M=37 M=40 M=43 M=46 M=49 M=52 M=55 "
              "T1=55 T2=55 T3=55 T4=55 T5=55 T6=55 T7=55 T8=55 "
              "t8=55 I8 t7=52 I7 t6=49 I6 t5=46 I5 t4=43 I4 t3=40 I3 t2=37 I2 t1=34 I1 "
              "M=31");
}

/* --- donate-sema: a donation decides which semaphore waiter wakes ------- */

static struct mutex sema_mutex;
static struct semaphore sema_gate;

static long sema_low(void *arg)
{
    (void)arg;
    mutex_lock(&sema_mutex);
    lp_event("L=%d low holds the mutex and waits on the semaphore", thread_get_priority(0));
    sema_down(&sema_gate);
    lp_event("L=%d low woken first: high's donation puts it above medium",
             thread_get_priority(0));
    mutex_unlock(&sema_mutex);          /* high takes the CPU here */
    lp_event("l=%d low released the mutex", thread_get_priority(0));
    return 0;
}

static long sema_medium(void *arg)
{
    (void)arg;
    lp_event("Dm medium (34) waits on the semaphore");
    sema_down(&sema_gate);
    lp_event("Med medium woken");
    return 0;
}

static long sema_high(void *arg)
{
    (void)arg;
    lp_event("Dh high (36) waits for the mutex");
    mutex_lock(&sema_mutex);
    lp_event("H high got the mutex");
    mutex_unlock(&sema_mutex);
    return 0;
}

KTEST(test_donate_sema, "donate-sema", .args = "sched=prio")
{
    lp_begin();
    mutex_init(&sema_mutex, "donate-sema");
    sema_init(&sema_gate, 0, "donate-sema");
    /* medium waits on the semaphore first: neither FIFO order nor the
       base priorities would wake low first. */
    int medium = lp_spawn("medium", sema_medium, 0, 34);
    int low = lp_spawn("low", sema_low, 0, 32);
    int high = lp_spawn("high", sema_high, 0, 36);
    lp_event("Q=%d low's priority, donated by high", thread_get_priority(low));
    sema_up(&sema_gate);
    lp_event("M main again after the first sema_up");
    sema_up(&sema_gate);
    lp_event("M main again after the second sema_up");
    lp_join(low);
    lp_join(medium);
    lp_join(high);
    LP_EXPECT("Dm L=32 Dh Q=36 L=36 H l=32 M Med M");
}

/* --- donate-lower: the base priority changes under a donation ----------- */

static struct mutex lower_mutex;

KTEST(test_donate_lower, "donate-lower", .args = "sched=prio")
{
    lp_begin();
    mutex_init(&lower_mutex, "donate-lower");
    struct lock_job job = { &lower_mutex, "H" };
    mutex_lock(&lower_mutex);
    int high = lp_spawn("high", take_and_release, &job, 41);
    lp_event("M=%d main holds the mutex; a thread of priority 41 waits for it",
             thread_get_priority(0));
    int old = thread_set_priority(0, 21);
    lp_event("M=%d main set its own priority to 21 (it was %d): the donation still counts",
             thread_get_priority(0), old);
    lp_event("B=%d main's base priority", thread_current()->base_priority);
    thread_set_priority(0, 50);
    lp_event("M=%d main raised itself above the donation", thread_get_priority(0));
    thread_set_priority(0, 21);
    lp_event("M=%d and lowered itself again", thread_get_priority(0));
    mutex_unlock(&lower_mutex);
    lp_event("M=%d main released the mutex: its own priority is back", thread_get_priority(0));
    lp_join(high);
    KT_ASSERT_EQ(thread_set_priority(0, PRIORITY_DEFAULT), 21);
    LP_EXPECT("M=41 M=41 B=21 M=50 M=41 H M=21");
    KT_ASSERT_EQ(old, PRIORITY_DEFAULT);
}
