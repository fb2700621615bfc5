/* printf-style formatting shared by the kernel (printk) and user programs.
   Output goes through a callback, so the same code prints to a UART, a buffer or a syscall. */
#ifndef LIB_FORMAT_H
#define LIB_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

/* Receives one output character; ctx is the caller's. */
typedef void (*format_put_fn)(char c, void *ctx);

/* Formats fmt with ap through put. Supports %d %i %u %o %x %X %p %s %c %%,
   flags - 0 + space #, width and precision (numbers or *), and the length
   modifiers hh h l ll z t j. Returns the number of characters produced. */
int vformat(format_put_fn put, void *ctx, const char *fmt, va_list ap);

/* Like vsnprintf/snprintf: writes at most size-1 characters and a NUL into
   buf (nothing if size is 0); returns the length the full output would have,
   so a return value >= size means the output was truncated. */
int vsformat(char *buf, size_t size, const char *fmt, va_list ap);
int sformat(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
