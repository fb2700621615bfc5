/* The tick and the clock: counts timer interrupts per CPU, sets their rate,
   and gives monotonic nanoseconds since boot from the calibrated TSC. */
#include "kernel/time.h"
#include "kernel/sched/sched.h"
#include "kernel/cmdline.h"
#include "kernel/panic.h"
#include "kernel/printk.h"
#include "arch/x86_64/calibrate.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/interrupts.h"
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/tsc.h"
#include "arch/x86_64/x86.h"

static uint64_t lapic_timer_hz;     /* APIC timer clocks per second */
static int current_hz;              /* ticks per second now in force */

uint64_t timer_ticks(void)
{
    return __atomic_load_n(&cpus[0].ticks, __ATOMIC_RELAXED);
}

int timer_hz(void)
{
    return __atomic_load_n(&current_hz, __ATOMIC_RELAXED);
}

uint64_t clock_ns(void)
{
    return tsc_clock_ns();
}

uint64_t time_tsc_hz(void)
{
    return tsc_clock_hz();
}

uint64_t time_lapic_timer_hz(void)
{
    return lapic_timer_hz;
}

void time_tick(void)
{
    struct cpu *c = this_cpu();
    /* Only this CPU writes its count; others may read it (timer_ticks). */
    __atomic_store_n(&c->ticks, c->ticks + 1, __ATOMIC_RELAXED);
    /* The scheduler charges the running thread (and wakes sleepers); it
       may set need_resched, acted on at the end of trap_dispatch. */
    sched_tick();
}

static void timer_interrupt(struct trap_frame *tf)
{
    (void)tf;
    time_tick();
}

/* APIC timer clocks per period at hz ticks per second, rounded. */
static uint32_t period_count(int hz)
{
    uint64_t count = (lapic_timer_hz + (uint64_t)hz / 2) / (uint64_t)hz;
    ASSERT(count > 0 && count <= UINT32_MAX);
    return (uint32_t)count;
}

void time_init_this_cpu(void)
{
    ASSERT(!interrupts_enabled());
    lapic_timer_periodic(period_count(timer_hz()), VEC_TIMER);
}

void timer_set_hz(int hz)
{
    ASSERT(hz >= 1 && lapic_timer_hz);
    cpu_irq_push();
    __atomic_store_n(&current_hz, hz, __ATOMIC_RELAXED);
    /* Restarts this CPU's period from now. Other CPUs (once they run their
       own timers) keep their old period until an IPI tells them; with only
       the boot CPU ticking today, the boot CPU is the one to call this on. */
    lapic_timer_periodic(period_count(hz), VEC_TIMER);
    cpu_irq_pop();
}

void time_init(void)
{
    struct clock_calibration cal;
    if (calibrate_clocks(&cal) < 0)
        panic("time: cannot calibrate the TSC and APIC timer: the PIT does not count");
    tsc_clock_init(cal.tsc_hz);
    lapic_timer_hz = cal.lapic_hz;
    current_hz = boot_params.hz;
    interrupt_register(VEC_TIMER, timer_interrupt);
    time_init_this_cpu();
    printk("timer: TSC %lu MHz, LAPIC timer %lu MHz, hz=%d (calibrated in %lu.%lu ms, +-%u ppm, %d window%s)\n",
           (cal.tsc_hz + 500000) / 1000000, (cal.lapic_hz + 500000) / 1000000, current_hz,
           cal.window_ns / 1000000, cal.window_ns / 100000 % 10, cal.error_ppm, cal.attempts,
           cal.attempts == 1 ? "" : "s");
}
