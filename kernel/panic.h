/* panic: stop the kernel loudly, with registers and a symbolized backtrace.
   Also ASSERT, for stating a function's preconditions in code. */
#ifndef KERNEL_PANIC_H
#define KERNEL_PANIC_H

#include <stdbool.h>

struct trap_frame;

/* Prints "PANIC: <message>", the registers and a backtrace, then powers
   off with POWEROFF_PANIC (or halts, with panic=halt). Never returns. */
__attribute__((noreturn, format(printf, 1, 2))) void panic(const char *fmt, ...);

/* Same, for a fault taken in kernel mode: the registers come from the trap frame. */
__attribute__((noreturn, format(printf, 2, 3)))
void panic_frame(const struct trap_frame *tf, const char *fmt, ...);

/* True once some CPU has begun to panic. */
bool panic_in_progress(void);

#define ASSERT(cond)                                                          \
    do {                                                                      \
        if (!(cond))                                                          \
            panic("assertion failed: %s (%s:%d, %s)", #cond, __FILE__,        \
                  __LINE__, __func__);                                        \
    } while (0)

#endif
