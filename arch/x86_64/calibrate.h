/* Measuring the frequencies of the TSC and the local APIC timer against the
   PIT's known 1.193182 MHz clock, once at boot. */
#ifndef ARCH_X86_64_CALIBRATE_H
#define ARCH_X86_64_CALIBRATE_H

#include <stdint.h>

struct clock_calibration {
    uint64_t tsc_hz;            /* time-stamp counter ticks per second */
    uint64_t lapic_hz;          /* local APIC timer clocks per second (divide by 1) */
    uint64_t window_ns;         /* length of the measured window */
    uint32_t error_ppm;         /* bound on the relative error, parts per million */
    int attempts;               /* windows measured (retries after a disturbance) */
};

/* Measures both frequencies on this CPU and fills *out. Interrupts must be
   off and the local APIC enabled; leaves the APIC timer and the PIT
   stopped. Takes about 10 ms (more if the host disturbs the measurement).
   Returns 0, or -EIO if no window could be measured (no working PIT). */
int calibrate_clocks(struct clock_calibration *out);

#endif
