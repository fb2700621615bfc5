/* Tests of the stride policy (lottery-stride lab): shares follow tickets,
   and threads that join late or wake from a sleep neither starve nor hog. */
#include "tests/kernel/lab_tickets.h"

/*
 * stride-share: 100, 200 and 300 tickets, 1,200 quanta (quantum=1). Stride
 * scheduling is deterministic: each thread's count stays within a few
 * quanta of its exact share (200, 400, 600), whatever the start. The
 * tolerance, 2 percentage points (24 quanta), is generous for that;
 * round robin (1/3 each) misses it by 13 points or more.
 */
KTEST(test_stride_share, "stride-share", .args = "sched=stride quantum=1 hz=1000", .timeout = 120)
{
    static const int tickets[] = { 100, 200, 300 };
    lab_setup(3, tickets, 1200);
    lab_run();
    lab_check_shares("stride-share", 2);
}

/* stride-late-join, phase 1 over: worker 0 starts C with 200 tickets. */
static void late_join_step(void)
{
    lab_add_worker(2, 200);
    lab.target = 400;
}

/*
 * stride-late-join: A and B (100 tickets each) run 400 quanta, which puts
 * their passes 200 strides of a 100-ticket thread past the start. Then C
 * (200 tickets) is created. Joining at the current global pass, C gets
 * 200 / 400 = 50% of the next 400 quanta and A and B 25% each. Had C
 * started at pass 0 it would need 400 quanta (its stride is half of
 * theirs) just to catch up: it would run all of the 400 alone. Tolerance
 * 8 points; round robin (33%) fails it too.
 */
KTEST(test_stride_late_join, "stride-late-join", .args = "sched=stride quantum=1 hz=1000",
      .timeout = 120)
{
    static const int tickets[] = { 100, 100 };
    lab_setup(2, tickets, 400);
    lab.phases_left = 1;
    lab.leader_step = late_join_step;
    lab_run();
    printk("stride-late-join: C (200 tickets) joined after A and B had run 400 quanta\n");
    lab_check_shares("stride-late-join", 8);
}

/* stride-sleep-wake, phase 1 over: worker 0 (A) sleeps 300 ticks, during
   which B runs alone; then the measured phase starts. */
static void sleep_step(void)
{
    thread_sleep_ticks(300);
    lab.target = 400;
}

/*
 * stride-sleep-wake: A (300 tickets) and B (100) run 200 quanta; A sleeps
 * 300 ticks while B runs alone; then 400 quanta are measured. A woken at
 * the current global pass (plus what remained of its stride) gets 75% of
 * them, B 25%. Had A kept its old pass, 300 of B's strides (3 * STRIDE1)
 * behind, it would run 900 quanta alone to catch up: 100% of the 400.
 * Tolerance 8 points; round robin (50%) fails it too.
 */
KTEST(test_stride_sleep_wake, "stride-sleep-wake", .args = "sched=stride quantum=1 hz=1000",
      .timeout = 120)
{
    static const int tickets[] = { 300, 100 };
    lab_setup(2, tickets, 200);
    lab.phases_left = 1;
    lab.leader_step = sleep_step;
    lab_run();
    printk("stride-sleep-wake: A (300 tickets) slept 300 ticks while B (100) ran alone\n");
    lab_check_shares("stride-sleep-wake", 8);
}
