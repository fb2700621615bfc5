/* Debugger support: a known place where the kernel stops the whole machine
   so that GDB (tools/gdb/spindle.py, docs/debugging.md) can look at it. */
#ifndef KERNEL_DEBUG_H
#define KERNEL_DEBUG_H

/* Stops every CPU for good where a debugger can inspect the machine: turns
   interrupts off, halts the other CPUs (by NMI, as a panic does), prints
   "debug: stopped (why) on cpu N: every CPU halted" and halts this CPU
   (cli; hlt). Threads keep the states they had, so `spindle threads`,
   `spindle runq` and `spindle bt` show them as they were. In GDB,
   `break debug_stop_here` catches the machine just before it stops.
   Never returns; any context (spinlocks may be held). */
__attribute__((noreturn)) void debug_stop_here(const char *why);

#endif
