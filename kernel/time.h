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

#endif
