/* printk: formatted output to the serial console, safe from any context.
   Lines from different CPUs never interleave within one call. */
#ifndef KERNEL_PRINTK_H
#define KERNEL_PRINTK_H

#include <stdarg.h>

/* Prints fmt (see lib/format.h for the conversions) to the console.
   May be called with interrupts on or off; takes the console lock. */
int printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintk(const char *fmt, va_list ap);

/* Called by panic: from now on printk ignores the console lock, which the
   panicking CPU may already hold. */
void printk_panic_mode(void);

#endif
