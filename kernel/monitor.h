/* The kernel monitor: a tiny command prompt on the serial console that
   stands in for the user-space shell until user programs exist. */
#ifndef KERNEL_MONITOR_H
#define KERNEL_MONITOR_H

/* Reads and runs commands forever (help, halt, ...). */
__attribute__((noreturn)) void monitor_run(void);

#endif
