/* Tests of the lottery policy (lottery-stride lab): shares follow tickets,
   the same seed gives the same schedule, compensation tickets. */
#include "tests/kernel/lab_tickets.h"

/*
 * lottery-share: three CPU-bound threads with 100, 200 and 300 tickets on
 * one CPU, 3,000 quanta (quantum=1: a quantum is a tick). Each quantum is
 * an independent draw, so thread i runs Binomial(3000, p_i) quanta with
 * p = 1/6, 1/3, 1/2: standard deviations 20, 26 and 27 quanta, at most
 * 0.92 percentage points. The tolerance, 4 points, is over 4 standard
 * deviations; round robin (1/3 each) misses it by 12 points or more.
 */
KTEST(test_lottery_share, "lottery-share", .args = "sched=lottery seed=1 quantum=1 hz=1000",
      .timeout = 120)
{
    static const int tickets[] = { 100, 200, 300 };
    lab_setup(3, tickets, 3000);
    lab_run();
    lab_check_shares("lottery-share", 4);
}

#define ORDER_MAX SCHED_EVENTS

static struct sched_event events[SCHED_EVENTS];

/* Runs three workers (100:200:300) for 600 quanta with the lottery of
   their CPU reseeded with seed, and fills order[] with the workers (0, 1,
   2) that CPU switched to, in turn, from the scheduler's event record. */
static void run_seeded(uint64_t seed, int *order, int *len)
{
    static const int tickets[] = { 100, 100 * 2, 100 * 3 };
    lab_setup(3, tickets, 600);
    lab.reseed = true;
    lab.seed = seed;
    lab_run();
    int n = sched_events_since(lab.start_event, events, SCHED_EVENTS);
    KT_ASSERT_LT(n, SCHED_EVENTS);      /* nothing of the run was overwritten */
    *len = 0;
    for (int i = 0; i < n; i++) {
        /* Only the run itself: once it ends the workers exit and main
           wakes, at moments the draws do not decide. */
        if (events[i].seq > lab.end_event)
            break;
        if (events[i].kind != SCHED_EV_SWITCH || events[i].cpu != lab.cpu)
            continue;
        for (int w = 0; w < lab.n; w++)
            if (events[i].to == lab.tids[w] && *len < ORDER_MAX)
                order[(*len)++] = w;
    }
}

/* FNV-1a over the first len turns: one number to compare runs by eye. */
static uint64_t order_digest(const int *order, int len)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (int i = 0; i < len; i++) {
        h ^= (uint64_t)order[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

/* How many turns two orders share from the start. */
static int common_prefix(const int *a, int alen, const int *b, int blen)
{
    int i = 0;
    while (i < alen && i < blen && a[i] == b[i])
        i++;
    return i;
}

static int first[ORDER_MAX], second[ORDER_MAX], other[ORDER_MAX];

/*
 * lottery-seed: the schedule is a function of the seed. Each run reseeds
 * the workers' CPU and starts them with the same queue, so two runs with
 * seed 7 make the same draws: the same switches, in the same order, up to
 * the end of the run. (A run may go on for a switch more than the other --
 * the workers notice the end when they next get the CPU -- so one order
 * must be a prefix of the other.) A run with seed 8 must differ: a scheduler that ignores the seed
 * or draws nothing gives the same order every time and fails here. With
 * 600 draws among three threads, about 600 * (1 - 1/36 - 4/36 - 9/36) =
 * 366 of them switch; independent lotteries agreeing on the first 100
 * switches is out of the question.
 */
KTEST(test_lottery_seed, "lottery-seed", .args = "sched=lottery quantum=1 hz=1000", .timeout = 120)
{
    int len1, len2, len3;
    run_seeded(7, first, &len1);
    run_seeded(7, second, &len2);
    run_seeded(8, other, &len3);
    int shortest = len1 < len2 ? len1 : len2;
    printk("lottery-seed: seed 7: %d switches, seed 7 again: %d, seed 8: %d\n", len1, len2, len3);
    printk("lottery-seed: digest of the first %d: seed 7 %016lx, again %016lx\n", shortest,
           order_digest(first, shortest), order_digest(second, shortest));
    printk("lottery-seed: seed 7 begins");
    for (int i = 0; i < 30 && i < len1; i++)
        printk(" %c", 'A' + first[i]);
    printk("\nlottery-seed: seed 8 begins");
    for (int i = 0; i < 30 && i < len3; i++)
        printk(" %c", 'A' + other[i]);
    printk("\n");
    KT_ASSERT_GE(shortest, 100);
    /* Same seed: the same order, as far as the shorter run goes. */
    KT_ASSERT_EQ(common_prefix(first, len1, second, len2), shortest);
    /* Another seed: another order, early on. */
    int agree = common_prefix(first, len1, other, len3);
    printk("lottery-seed: seeds 7 and 8 agree on the first %d switches\n", agree);
    KT_ASSERT_LT(agree, 100);
}

/*
 * lottery-compensation: with quantum=4, A (100 tickets) computes; B (100
 * tickets) runs one tick of each quantum and yields. B used 1/4 of its
 * quantum, so until it runs again it holds 100 * 4 = 400 tickets: it wins
 * 4 draws of 5, running 1 tick each time, and A wins 1 of 5 and runs 4
 * ticks -- 0.8 * 1 : 0.2 * 4, half the CPU each, as their tickets are equal.
 * Without compensation B wins half the draws and gets 1 / (1 + 4) = 20%.
 * About 1,250 draws in 2,000 ticks: B's share has a standard deviation
 * near 1.5 points; the tolerance is 10.
 */
KTEST(test_lottery_compensation, "lottery-compensation",
      .args = "sched=lottery seed=3 quantum=4 hz=1000", .timeout = 120)
{
    static const int tickets[] = { 100, 100 };
    lab_setup(2, tickets, 2000);
    lab.kind[1] = LAB_YIELD_EACH_TICK;
    lab_run();
    printk("lottery-compensation: A computes, B yields after 1 tick of each 4-tick quantum\n");
    lab_check_shares("lottery-compensation", 10);
}

/* --- ticket transfer -------------------------------------------------- */

/* The threads of a transfer test: main (900 tickets) waits in thread_join
   for `funded`, directly or through `middle`; `rival` competes with funded. */
static struct {
    struct thread *main, *funded, *middle, *rival;
    int ready;
    bool go;
    volatile bool stop;
    uint64_t funded_ticks, rival_ticks;
    int64_t funded_funding, rival_funding;
    int main_old_tickets;
    int64_t funded_funding_after_change;    /* after main's tickets went 900 -> 400 */
} xfer;

/* Registers *slot and blocks until main says go. */
static void xfer_register_and_wait(struct thread **slot)
{
    spin_lock(&sched_lock);
    *slot = thread_current();
    xfer.ready++;
    while (!xfer.go)
        sched_block(THREAD_BLOCKED, "lab-start", &sched_lock);
    spin_unlock(&sched_lock);
}

static bool blocked(struct thread *t)
{
    return !t || __atomic_load_n(&t->state, __ATOMIC_ACQUIRE) == THREAD_BLOCKED;
}

/* Waits for main (and middle) to block in thread_join, then measures
   1,000 ticks of itself against the rival. */
static long xfer_funded(void *arg)
{
    (void)arg;
    struct thread *self = thread_current();
    xfer_register_and_wait(&xfer.funded);
    while (!blocked(xfer.main) || !blocked(xfer.middle))
        cpu_relax();
    cpu_irq_push();
    uint64_t base_self = self->ticks_run, base_rival = xfer.rival->ticks_run;
    cpu_irq_pop();
    for (;;) {
        cpu_irq_push();
        uint64_t mine = self->ticks_run - base_self, rival = xfer.rival->ticks_run - base_rival;
        if (mine + rival >= 1000) {
            xfer.funded_ticks = mine;
            xfer.rival_ticks = rival;
            spin_lock(&sched_lock);
            xfer.funded_funding = lottery_funding(self);
            xfer.rival_funding = lottery_funding(xfer.rival);
            spin_unlock(&sched_lock);
            cpu_irq_pop();
            /* A change to the waiter's tickets while it waits reaches us too. */
            xfer.main_old_tickets = thread_set_tickets(xfer.main->tid, 400);
            spin_lock(&sched_lock);
            xfer.funded_funding_after_change = lottery_funding(self);
            spin_unlock(&sched_lock);
            xfer.stop = true;
            return 0;
        }
        cpu_irq_pop();
        cpu_relax();
    }
}

static long xfer_rival(void *arg)
{
    (void)arg;
    xfer_register_and_wait(&xfer.rival);
    while (!xfer.stop)
        cpu_relax();
    return 0;
}

/* The middle of a chain: joins funded (blocking until it is done). */
static long xfer_middle(void *arg)
{
    xfer.middle = thread_current();
    return thread_join((int)(long)arg, 0);
}

static void wait_until(bool (*cond)(void))
{
    while (!cond())
        thread_sleep_ticks(1);
}

static bool both_ready(void)
{
    spin_lock(&sched_lock);
    bool r = xfer.ready == 2;
    spin_unlock(&sched_lock);
    return r;
}

static bool middle_waits(void)
{
    spin_lock(&sched_lock);
    bool r = xfer.middle && xfer.middle->state == THREAD_BLOCKED;
    spin_unlock(&sched_lock);
    return r;
}

/* main (900 tickets) joins funded (100) -- through middle (100) if chain
   -- while rival (100) competes with funded on the same CPU. */
static void transfer_run(const char *test, bool chain)
{
    memset(&xfer, 0, sizeof xfer);
    KT_ASSERT_EQ(thread_set_affinity(0, 1ull), 0);
    KT_ASSERT_EQ(thread_set_tickets(0, 900), TICKETS_DEFAULT);
    xfer.main = thread_current();
    uint64_t mask = 1ull << (ncpus - 1);
    int funded = thread_create_on("funded", xfer_funded, 0, mask);
    int rival = thread_create_on("rival", xfer_rival, 0, mask);
    KT_ASSERT_GT(funded, 0);
    KT_ASSERT_GT(rival, 0);
    wait_until(both_ready);
    int join_tid = funded, middle = 0;
    if (chain) {
        middle = thread_create_on("middle", xfer_middle, (void *)(long)funded, mask);
        KT_ASSERT_GT(middle, 0);
        wait_until(middle_waits);
        join_tid = middle;
    }
    spin_lock(&sched_lock);
    xfer.go = true;
    sched_wake_locked(xfer.funded);
    sched_wake_locked(xfer.rival);
    spin_unlock(&sched_lock);
    KT_ASSERT_EQ(thread_join(join_tid, 0), 0);
    KT_ASSERT_EQ(thread_join(rival, 0), 0);

    int64_t want = chain ? 900 + 100 + 100 : 900 + 100;
    uint64_t total = xfer.funded_ticks + xfer.rival_ticks;
    printk("%s: main (900 tickets) waits for funded (100)%s; rival has 100\n", test,
           chain ? " through middle (100)" : "");
    printk("%s: funded's funding %ld (expected %ld), rival's %ld (expected 100)\n", test,
           xfer.funded_funding, want, xfer.rival_funding);
    printk("%s: funded ran %lu of %lu ticks (%lu%%), expected %ld%%, at least 80%%\n", test,
           xfer.funded_ticks, total, xfer.funded_ticks * 100 / total,
           want * 100 / (want + 100));
    KT_ASSERT_EQ(xfer.funded_funding, want);
    KT_ASSERT_EQ(xfer.rival_funding, 100);
    KT_ASSERT_GE(total, 1000);
    /* Expected 1000/1100 = 90.9% (chain: 1100/1200 = 91.7%), standard
       deviation under 1 point over 1,000 draws; without the transfer 50%. */
    KT_ASSERT_GE(xfer.funded_ticks * 100, total * 80);
    printk("%s: main's tickets set to 400 while it waits: funded's funding %ld (expected %ld)\n",
           test, xfer.funded_funding_after_change, want - 500);
    KT_ASSERT_EQ(xfer.main_old_tickets, 900);
    KT_ASSERT_EQ(xfer.funded_funding_after_change, want - 500);
    /* main's own funding is its own tickets: it lent them, never gave them away. */
    spin_lock(&sched_lock);
    int64_t main_after = lottery_funding(thread_current());
    spin_unlock(&sched_lock);
    printk("%s: main's funding after the join: %ld (expected 400)\n", test, main_after);
    KT_ASSERT_EQ(main_after, 400);
    KT_ASSERT_EQ(thread_set_tickets(0, TICKETS_DEFAULT), 400);
}

KTEST(test_lottery_transfer, "lottery-transfer", .args = "sched=lottery seed=5 quantum=1 hz=1000",
      .timeout = 120)
{
    transfer_run("lottery-transfer", false);
}

KTEST(test_lottery_transfer_chain, "lottery-transfer-chain",
      .args = "sched=lottery seed=5 quantum=1 hz=1000", .timeout = 120)
{
    transfer_run("lottery-transfer-chain", true);
}
