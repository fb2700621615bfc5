/* The mlfq lab's mlfq-block: a thread that mostly sleeps keeps a low
   recent_cpu, so it has a high priority and gets the CPU the tick it wakes. */
#include "tests/kernel/lab_mlfq.h"
#include "kernel/sched/sched.h"

static volatile int stop;

static long spin_until_stop(void *arg)
{
    (void)arg;
    while (!stop)
        cpu_relax();
    return 0;
}

#define SLEEP_TICKS 10

/* Sleeps SLEEP_TICKS, then runs until the next tick (one tick's charge),
   over and over. */
static long sleepy(void *arg)
{
    (void)arg;
    while (!stop) {
        thread_sleep_ticks(SLEEP_TICKS);
        uint64_t woke = timer_ticks();
        while (timer_ticks() == woke)
            cpu_relax();
    }
    return 0;
}

static struct sched_event events[SCHED_EVENTS];

#define WINDOW 2000             /* ticks, at hz=1000 */

KTEST(test_mlfq_block, "mlfq-block", .args = "sched=mlfq hz=1000", .timeout = 120)
{
    mlfq_test_require_policy();
    mlfq_test_pin_self();
    stop = 0;
    int busy[2];
    for (int i = 0; i < 2; i++) {
        busy[i] = thread_create_on("busy", spin_until_stop, 0, MLFQ_CPU0);
        KT_ASSERT_GT(busy[i], 0);
    }
    int sleeper = thread_create_on("sleepy", sleepy, 0, MLFQ_CPU0);
    KT_ASSERT_GT(sleeper, 0);
    uint64_t start = timer_ticks(), middle = start + WINDOW / 2, end = start + WINDOW;
    thread_sleep_until(end);

    struct thread snap;
    struct fixed busy_recent[2];
    int busy_priority[2];
    for (int i = 0; i < 2; i++) {
        KT_ASSERT_EQ(thread_snapshot(busy[i], &snap), 0);
        busy_recent[i] = mlfq_recent_cpu(&snap);
        busy_priority[i] = snap.priority;
    }
    KT_ASSERT_EQ(thread_snapshot(sleeper, &snap), 0);
    struct fixed sleeper_recent = mlfq_recent_cpu(&snap);
    int sleeper_priority = snap.priority;
    uint64_t sleeper_ticks = snap.ticks_run;
    int n = sched_events_since(0, events, SCHED_EVENTS);
    stop = 1;
    for (int i = 0; i < 2; i++)
        KT_ASSERT_EQ(thread_join(busy[i], 0), 0);
    KT_ASSERT_EQ(thread_join(sleeper, 0), 0);

    char a[24], b[24], c[24];
    printk("mlfq-block: ticks %lu..%lu; sleeper ran %lu ticks, recent_cpu %s priority %d; "
           "busy threads recent_cpu %s and %s, priorities %d and %d\n", start, end, sleeper_ticks,
           mlfq_fmt(a, sleeper_recent), sleeper_priority, mlfq_fmt(b, busy_recent[0]),
           mlfq_fmt(c, busy_recent[1]), busy_priority[0], busy_priority[1]);

    /* Every wake-up of the sleeper in the second half of the window is
       followed by a switch to it on CPU 0 in the same tick: it preempts. */
    KT_ASSERT_GT(n, 0);
    if (events[0].tick >= middle)
        ktest_fail(__FILE__, __LINE__, "the event record no longer reaches back to tick %lu", middle);
    int wakes = 0, prompt = 0;
    for (int i = 0; i < n; i++) {
        if (events[i].kind != SCHED_EV_WAKE || events[i].to != sleeper ||
            events[i].tick < middle || events[i].tick >= end)
            continue;
        wakes++;
        for (int j = i + 1; j < n; j++) {
            if (events[j].kind == SCHED_EV_SWITCH && events[j].cpu == 0) {
                if (events[j].to == sleeper && events[j].tick == events[i].tick)
                    prompt++;
                else
                    printk("mlfq-block: woken at tick %lu, but CPU 0 switched to %d at tick %lu\n",
                           events[i].tick, events[j].to, events[j].tick);
                break;
            }
        }
    }
    printk("mlfq-block: %d wake-ups of the sleeper in ticks %lu..%lu, %d ran at once\n", wakes,
           middle, end, prompt);
    KT_ASSERT_GE(wakes, WINDOW / 2 / (SLEEP_TICKS + 2) - 2);
    KT_ASSERT_EQ(prompt, wakes);

    /* It is charged one tick in SLEEP_TICKS + 1, a busy thread about one in
       two: its recent_cpu is far lower, its priority higher. */
    for (int i = 0; i < 2; i++) {
        KT_ASSERT_LT(sleeper_recent.raw * 4, busy_recent[i].raw);
        KT_ASSERT_GT(sleeper_priority, busy_priority[i]);
    }
}
