/* Test (synchronization lab): the ticket lock serves in arrival order. The
   main thread holds the lock while 4 waiters queue one after the other
   (each seen taking its ticket through `next`); after the release they get
   the lock in that order, 5 rounds. Then ticket_trylock: it takes a free
   lock, and fails on a held one without taking a ticket. */
// test: args=quantum=1 hz=1000
// test: expect=^sync-ticket-fifo: round 5: grants in the order 0 1 2 3\r?$
// test: expect=^sync-ticket-fifo: trylock ok\r?$
// test: expect=^PASS
// test: timeout=120
#include "sync_common.h"

#define WAITERS 4
#define ROUNDS  5

static ticket_lock_t lock = TICKET_LOCK_INITIALIZER;
static int order[WAITERS];          /* under the lock: who got it, in turn */
static volatile int granted;        /* under the lock: how many got it this round */
static volatile int got_early;      /* a waiter got the lock while main held it */
static volatile int main_holds;

static void *waiter(void *arg)
{
    ticket_lock(&lock);
    if (main_holds)
        got_early = 1;
    order[granted++] = (int)(long)arg;
    ticket_unlock(&lock);
    return NULL;
}

/* Waits until lock.next is want: waiter `who` (thread tid) has taken its
   ticket, the first thing ticket_lock does. Fails if a waiter gets the lock
   meanwhile, if the waiter has run SYNC_SPIN_TICKS timer ticks without
   taking a ticket, or (a safety net) after 30 s. */
static void wait_for_ticket(uint32_t want, int who, int tid)
{
    uint64_t deadline = sys_clock() + 30000 * SYNC_MS;
    for (;;) {
        struct thread_info info;
        UT_CHECK_MSG(ut_thread_info(tid, &info), "waiter %d (tid %d) is not listed", who, tid);
        uint32_t next = lock.next;      /* read after the waiter's ticks */
        if (next == want)
            return;
        UT_CHECK_MSG(!got_early, "waiter %d got the lock while the main thread held it", who);
        UT_CHECK_MSG((int32_t)(next - want) < 0, "next went past %u to %u: a waiter took more "
                     "than one ticket", want, next);
        UT_CHECK_MSG(info.ticks < SYNC_SPIN_TICKS, "waiter %d has run %lu ticks in ticket_lock "
                     "without taking a ticket: next is %u, expected %u", who,
                     (unsigned long)info.ticks, next, want);
        UT_CHECK_MSG(sys_clock() < deadline, "waiter %d took no ticket in 30 s: next is %u, "
                     "expected %u (ticket_lock must take one with a fetch-and-add on next)",
                     who, next, want);
        sys_sleep(1 * SYNC_MS);
    }
}

static void fifo_round(int round)
{
    UT_CHECK_MSG(lock.next == lock.serving, "the lock is not free between rounds: next %u, "
                 "serving %u", lock.next, lock.serving);
    ticket_lock(&lock);
    main_holds = 1;
    uint32_t mine = lock.serving;
    UT_CHECK_MSG(lock.next == mine + 1, "the main thread holds ticket %u, but next is %u, not %u",
                 mine, lock.next, mine + 1);
    granted = 0;
    thread_t t[WAITERS];
    /* Waiter i takes ticket mine + 1 + i: create each only once the one
       before has its ticket, so the order of arrival is known. */
    for (int i = 0; i < WAITERS; i++) {
        UT_CHECK_EQ(thread_create(&t[i], waiter, (void *)(long)i), 0);
        wait_for_ticket(mine + 2 + i, i, t[i]);
    }
    /* All queued; let them wait a little (spinning, yielding), then release. */
    sys_sleep(5 * SYNC_MS);
    UT_CHECK_MSG(!got_early && granted == 0, "a waiter got the lock while the main thread held it");
    main_holds = 0;
    ticket_unlock(&lock);
    /* A safety net before the joins: a broken unlock can leave waiters
       that nobody will serve; say so instead of timing out. */
    int last = -1;
    uint64_t last_change = 0;
    while (granted < WAITERS) {
        if (granted != last) {
            last = granted;
            last_change = sys_clock();
        }
        UT_CHECK_MSG(sys_clock() - last_change < 10000 * SYNC_MS, "after the release only %d of "
                     "%d waiters got the lock in 10 s (next %u, serving %u)", last, WAITERS,
                     lock.next, lock.serving);
        sys_sleep(1 * SYNC_MS);
    }
    for (int i = 0; i < WAITERS; i++)
        UT_CHECK_EQ(thread_join(t[i], NULL), 0);

    char line[128];
    int len = snprintf(line, sizeof line, "sync-ticket-fifo: round %d: grants in the order", round);
    for (int i = 0; i < granted && len < (int)sizeof line - 4; i++)
        len += snprintf(line + len, sizeof line - (size_t)len, " %d", order[i]);
    printf("%s\n", line);
    UT_CHECK_MSG(granted == WAITERS, "%d of %d waiters got the lock", granted, WAITERS);
    for (int i = 0; i < WAITERS; i++)
        UT_CHECK_MSG(order[i] == i, "grant %d went to waiter %d, expected waiter %d (waiter k "
                     "took its ticket k-th)", i, order[i], i);
    UT_CHECK_MSG(lock.next == mine + 1 + WAITERS && lock.serving == lock.next,
                 "after the round next is %u and serving %u, expected both %u", lock.next,
                 lock.serving, mine + 1 + WAITERS);
}

int main(void)
{
    for (int round = 1; round <= ROUNDS; round++)
        fifo_round(round);

    /* ticket_trylock on a free lock takes it (ticket `serving`)... */
    uint32_t next = lock.next;
    UT_CHECK_MSG(ticket_trylock(&lock) == 1, "ticket_trylock failed on a free lock");
    UT_CHECK_MSG(lock.next == next + 1 && lock.serving == next,
                 "after ticket_trylock took the free lock next is %u and serving %u, expected "
                 "%u and %u", lock.next, lock.serving, next + 1, next);
    /* ...and on a held one fails, without taking a ticket (which would
       leave the queue waiting for a thread that never comes). */
    UT_CHECK_MSG(ticket_trylock(&lock) == 0, "ticket_trylock took a lock that is held");
    UT_CHECK_MSG(lock.next == next + 1, "a failed ticket_trylock changed next from %u to %u",
                 next + 1, lock.next);
    ticket_unlock(&lock);
    UT_CHECK_MSG(lock.serving == next + 1, "ticket_unlock after ticket_trylock: serving %u, "
                 "expected %u", lock.serving, next + 1);
    /* The lock works after that: a thread takes and releases it. */
    thread_t t;
    granted = 0;
    UT_CHECK_EQ(thread_create(&t, waiter, (void *)0L), 0);
    UT_CHECK_EQ(thread_join(t, NULL), 0);
    UT_CHECK_EQ(granted, 1);
    printf("sync-ticket-fifo: trylock ok\n");
    printf("PASS\n");
    return 0;
}
