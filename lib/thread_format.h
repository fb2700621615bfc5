/* The thread table of Ctrl-P and ps -T: two lines per thread, formatted the
   same way by the kernel and the shell from a struct thread_info. */
#ifndef LIB_THREAD_FORMAT_H
#define LIB_THREAD_FORMAT_H

#include <stddef.h>
#include "lib/abi.h"

/*
 * The layout (docs/tcb.md), 90 columns and a few more on the second line
 * (a name longer than 16 characters widens the first):
 *
 *   TID   PID NAME             STATE     CPU PRI AFFINITY    TICKS    LAST-RUN    VOL  INVOL
 *             KSTACK                 USTACK                    TLS          WAITING ON / HOLDS
 *     5     3 tcb              blocked     0  31 all             3      1.234s      4      1
 *             ffffc00000050000+15872 100000030000-100000040000 10000003ff00 futex 4030a0 / -
 *
 * TICKS: timer ticks it has run; LAST-RUN: seconds since boot when it
 * last got a CPU; VOL, INVOL: voluntary and involuntary switches.
 */

/* Writes header line `line` (0 or 1) into buf (size bytes, NUL-terminated,
   no newline); returns its length as sformat does. */
int thread_format_header(char *buf, size_t size, int line);

/* Writes line `line` (0 or 1) of thread t's entry into buf. */
int thread_format_row(char *buf, size_t size, const struct thread_info *t, int line);

/* The name of a thread_info state (0 runnable ... 4 zombie), or "?". */
const char *thread_format_state(int state);

/* The note printed under the table: what HOLDS can show and what not. */
extern const char thread_format_note[];

#endif
