/* Time: the periodic tick (hz= per second) and a monotonic nanosecond
   clock from the calibrated time-stamp counter. */
#ifndef KERNEL_TIME_H
#define KERNEL_TIME_H

#include <stdint.h>

/* Timer interrupts since boot (counted on the boot CPU). */
uint64_t timer_ticks(void);
/* The tick rate now in force. */
int timer_hz(void);
/* Reprograms the periodic timer to hz interrupts per second. */
void timer_set_hz(int hz);
/* Nanoseconds since boot, monotonic, from the TSC. */
uint64_t clock_ns(void);

/* Called by the timer interrupt on every CPU, interrupts off. The scheduler
   and the sleep queue hang off this. */
void time_tick(void);

/* Calibrates the clocks against the PIT, starts clock_ns() and this CPU's
   periodic timer at boot_params.hz, and prints the "timer:" boot line.
   Called once by interrupts_init, on the boot CPU, interrupts off. */
void time_init(void);

/* Starts the periodic timer of the calling CPU at the current rate (for
   CPUs brought up after time_init). Interrupts off. */
void time_init_this_cpu(void);

/* The calibrated frequencies, in Hz (0 before time_init). */
uint64_t time_tsc_hz(void);
uint64_t time_lapic_timer_hz(void);

#endif
