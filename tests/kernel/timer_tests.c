/* Tests of the tick and the clock: the timer interrupts at the rate hz=
   asks for (at boot, and after timer_set_hz), and clock_ns() is monotonic. */
#include "kernel/ktest.h"
#include "kernel/printk.h"
#include "kernel/time.h"
#include "arch/x86_64/x86.h"

/* Sleeps in hlt until the tick count changes; returns the new count. The
   check and the hlt are made atomic with cli ... sti;hlt (sti delays
   interrupts by one instruction, SDM vol. 2B, STI), so a tick that lands
   between them wakes the hlt instead of being slept through. */
static uint64_t wait_for_tick(void)
{
    uint64_t start = timer_ticks();
    cli();
    while (timer_ticks() == start)
        __asm__ volatile("sti; hlt; cli" ::: "memory");
    uint64_t now = timer_ticks();
    sti();
    return now;
}

#define MAX_WAKEUPS 400

static uint64_t median(uint64_t *v, int n)
{
    for (int i = 1; i < n; i++) {           /* insertion sort: n is small */
        uint64_t x = v[i];
        int j = i;
        for (; j > 0 && v[j - 1] > x; j--)
            v[j] = v[j - 1];
        v[j] = x;
    }
    return v[n / 2];
}

/* Waits for `ticks` timer ticks and checks that they came at hz per second.

   Under QEMU a periodic APIC timer can lose ticks when the host is loaded:
   QEMU's timer callback that raises the interrupt runs late, catches up by
   firing every expired period at once, and all but one of those land on
   an interrupt-request bit that is already set (docs/interrupts.md shows
   the measurements). So the plain "N ticks took N/hz seconds" can be off by
   several percent on a busy machine although the kernel programmed the
   right period. What the kernel controls is the period, so the test checks:
     1. the median time per tick, over every wake-up, is 1/hz within 5 %
        (a lost tick only lengthens a minority of intervals);
     2. the N ticks took at least 95 % of N/hz: ticks never come faster
        than programmed, and each interrupt counts one tick;
     3. the N ticks took at most 105 % of (N + lost)/hz, where `lost` counts
        the periods missing from long intervals: every delay is explained by
        whole lost periods, not by a slow timer. */
static void check_tick_rate(int hz, int ticks)
{
    static uint64_t per_tick[MAX_WAKEUPS];
    KT_ASSERT_EQ(timer_hz(), hz);
    KT_ASSERT(ticks <= MAX_WAKEUPS);
    uint64_t period = 1000000000ull / (uint64_t)hz;

    uint64_t first_tick = wait_for_tick();  /* start on a tick edge */
    uint64_t start = clock_ns(), prev_ns = start, prev_tick = first_tick;
    int wakeups = 0;
    while (prev_tick - first_tick < (uint64_t)ticks) {
        uint64_t tick = wait_for_tick();
        uint64_t now = clock_ns();
        per_tick[wakeups++] = (now - prev_ns) / (tick - prev_tick);
        prev_ns = now;
        prev_tick = tick;
    }
    uint64_t elapsed = prev_ns - start;
    uint64_t counted = prev_tick - first_tick;
    uint64_t lost = 0;
    for (int i = 0; i < wakeups; i++)
        if (per_tick[i] > period + period / 2)
            lost += (per_tick[i] + period / 2) / period - 1;
    uint64_t med = median(per_tick, wakeups);
    printk("timer-rate: hz=%d ticks=%lu in %lu us (expected %lu us), median tick %lu ns "
           "(expected %lu ns), ticks lost by the host: %lu\n",
           hz, counted, elapsed / 1000, counted * period / 1000, med, period, lost);

    KT_ASSERT_GE(med * 100, period * 95);
    KT_ASSERT_LE(med * 100, period * 105);
    KT_ASSERT_GE(elapsed * 100, counted * period * 95);
    KT_ASSERT_LE(elapsed * 100, (counted + lost) * period * 105);
}

KTEST(test_timer_hz, "timer-hz", .exclusive = 1)
{
    KT_ASSERT(interrupts_enabled());
    check_tick_rate(100, 50);               /* the default rate, 0.5 s */
    timer_set_hz(1000);
    check_tick_rate(1000, 300);             /* reprogrammed, 0.3 s */
    timer_set_hz(100);
    check_tick_rate(100, 20);               /* and back */
}

KTEST(test_timer_hz_cmdline, "timer-hz-cmdline", .args = "hz=1000", .exclusive = 1)
{
    check_tick_rate(1000, 300);
}

/* clock_ns() never goes backwards over many reads (interrupts stay on, so
   ticks land between them), advances, and is in nanoseconds: a tick at
   hz=100 moves it by about 10 ms. */
KTEST(test_clock_monotonic, "clock-monotonic")
{
    uint64_t first = clock_ns();
    KT_ASSERT_GT(first, 0);                 /* running since time_init */
    uint64_t prev = first;
    for (int i = 0; i < 200000; i++) {
        uint64_t now = clock_ns();
        if (now < prev)
            ktest_fail(__FILE__, __LINE__, "clock_ns went back from %lu to %lu at read %d",
                       prev, now, i);
        prev = now;
    }
    KT_ASSERT_GT(prev, first);
    /* Two tick edges bound one whole period, however late each came. */
    wait_for_tick();
    uint64_t a = clock_ns();
    wait_for_tick();
    wait_for_tick();
    uint64_t b = clock_ns();
    uint64_t period = 1000000000ull / (uint64_t)timer_hz();
    KT_ASSERT_GE(b - a, period / 2);
    KT_ASSERT_LE(b - a, 1000000000ull);     /* two ticks in well under a second */
}
