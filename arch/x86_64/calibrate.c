/* Clock calibration: read the TSC, the PIT and the APIC timer together at
   the start and the end of a ~10 ms window; the frequencies are the ratios of the differences. */
#include "arch/x86_64/calibrate.h"
#include "arch/x86_64/pit.h"
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/x86.h"
#include "kernel/panic.h"
#include "lib/errno.h"

/* Why this is robust on a loaded host. Under QEMU all three clocks follow
   the host's clock whether or not the virtual CPU runs, so a vCPU that is
   descheduled *between* the two samples does no harm: the window just gets
   longer in all three clocks alike. What can go wrong is being descheduled
   *inside* a sample, between reading one clock and the next. So each sample
   is bracketed by two TSC reads (the PIT and APIC reads happen between
   them), taken a few times, and the tightest bracket kept; its width bounds
   the error. A window whose error bound is still too large is measured
   again. On real hardware the same argument holds for SMIs. */

#define WINDOW_PIT_TICKS   11932    /* 10 ms at PIT_HZ */
#define SAMPLE_TRIES       5        /* brackets per sample; keep the tightest */
#define MAX_ATTEMPTS       6        /* windows before giving up on precision */
#define GOOD_ERROR_PPM     1000     /* 0.1 %: good enough to stop */
#define PIT_START_COUNT    0xFFFF   /* 54.9 ms until channel 2 wraps */
#define STUCK_TSC_TICKS    1000000000ull

struct sample {
    uint64_t tsc;               /* middle of the bracket */
    uint64_t width;             /* bracket width in TSC ticks */
    uint16_t pit;
    uint32_t lapic;
};

static struct sample take_sample(void)
{
    struct sample best = { .width = UINT64_MAX };
    for (int i = 0; i < SAMPLE_TRIES; i++) {
        uint64_t before = rdtsc();
        uint16_t pit = pit_channel2_count();
        uint32_t lapic = lapic_timer_count();
        uint64_t after = rdtsc();
        if (after - before < best.width) {
            best.tsc = before + (after - before) / 2;
            best.width = after - before;
            best.pit = pit;
            best.lapic = lapic;
        }
    }
    return best;
}

/* Measures one window; returns 0 and fills *out, or -EAGAIN if the window
   is unusable (the PIT wrapped, or did not move). */
static int measure_window(struct clock_calibration *out)
{
    pit_channel2_start(PIT_START_COUNT);
    lapic_timer_start_free_running();
    struct sample start = take_sample();
    if (start.pit <= WINDOW_PIT_TICKS)       /* we were away for ~45 ms already */
        return -EAGAIN;
    /* Busy-wait for the window on the PIT itself; no other clock is known
       yet. A PIT that does not count ends the wait after ~10^9 TSC ticks
       (under a second on any x86-64). */
    while ((uint16_t)(start.pit - pit_channel2_count()) < WINDOW_PIT_TICKS) {
        if (pit_channel2_expired() || rdtsc() - start.tsc > STUCK_TSC_TICKS)
            return -EAGAIN;
    }
    struct sample end = take_sample();
    /* OUT2 goes high at terminal count: if it did, the count wrapped and
       the difference below would be a lie. */
    if (pit_channel2_expired() || end.pit >= start.pit)
        return -EAGAIN;

    uint64_t pit_ticks = start.pit - end.pit;
    uint64_t tsc_ticks = end.tsc - start.tsc;
    uint64_t lapic_ticks = start.lapic - end.lapic;
    out->tsc_hz = tsc_ticks * PIT_HZ / pit_ticks;
    out->lapic_hz = lapic_ticks * PIT_HZ / pit_ticks;
    out->window_ns = pit_ticks * 1000000000ull / PIT_HZ;
    /* Each end is off by at most half its bracket in TSC time, and by less
       than one PIT tick in PIT time (the latched count is truncated). */
    uint64_t bracket_ppm = (start.width + end.width) / 2 * 1000000 / (tsc_ticks ? tsc_ticks : 1);
    uint64_t pit_ppm = 2 * 1000000 / pit_ticks;
    out->error_ppm = (uint32_t)(bracket_ppm + pit_ppm);
    return 0;
}

int calibrate_clocks(struct clock_calibration *out)
{
    ASSERT(!interrupts_enabled());
    struct clock_calibration best = { .error_ppm = UINT32_MAX };
    int attempts = 0;
    while (attempts < MAX_ATTEMPTS && best.error_ppm > GOOD_ERROR_PPM) {
        struct clock_calibration c;
        attempts++;
        if (measure_window(&c) == 0 && c.error_ppm < best.error_ppm)
            best = c;
    }
    pit_channel2_stop();
    lapic_timer_stop();
    if (best.error_ppm == UINT32_MAX)
        return -EIO;
    best.attempts = attempts;
    *out = best;
    return 0;
}
