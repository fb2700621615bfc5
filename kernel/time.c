/* STUB until the interrupt work lands. */
#include "kernel/time.h"
uint64_t timer_ticks(void) { return 0; }
int timer_hz(void) { return 0; }
void timer_set_hz(int hz) { (void)hz; }
uint64_t clock_ns(void) { return 0; }
void time_tick(void) {}
