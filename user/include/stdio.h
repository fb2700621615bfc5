/* Console input and output for user programs, on top of SYS_write/SYS_read.
   printf shares the kernel's formatting engine (lib/format.c). */
#ifndef USER_STDIO_H
#define USER_STDIO_H

#include <stdarg.h>
#include <stddef.h>

int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int vprintf(const char *fmt, va_list ap);
int dprintf(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int puts(const char *s);            /* s and a newline */
int putchar(int c);
int getchar(void);                  /* one byte from the console (waits), or -1 */

/* printf's output is written in one SYS_write per call (lines from
   different threads do not interleave within a call). */

#endif
