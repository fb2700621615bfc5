/* The time-stamp counter as a nanosecond clock: one rdtsc and one
   multiply-and-shift per reading, no division, no floating point. */
#ifndef ARCH_X86_64_TSC_H
#define ARCH_X86_64_TSC_H

#include <stdint.h>

/* Starts the clock at 0 now, with the TSC counting tsc_hz per second. */
void tsc_clock_init(uint64_t tsc_hz);

/* Nanoseconds since tsc_clock_init (0 before it). */
uint64_t tsc_clock_ns(void);

/* The clock's parameters: ns = (tsc - *base) * *mult >> 32 (both 0
   before tsc_clock_init). For the clock page (kernel/clock_page.c). */
void tsc_clock_params(uint64_t *base, uint64_t *mult);

/* The frequency given to tsc_clock_init (0 before it). */
uint64_t tsc_clock_hz(void);

#endif
