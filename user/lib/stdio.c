/* printf and friends for user programs: lib/format.c formats into a
   buffer, and each call's output goes to the console in one SYS_write. */
#include "stdio.h"
#include "stdlib.h"
#include "string.h"
#include "spindle.h"
#include "errno.h"
#include "lib/format.h"

/* Most output fits here; longer output is formatted again into a buffer
   from malloc, so that it still takes one SYS_write. */
#define STDIO_STACK_BUFFER 512

/* Writes all of buf to fd (the kernel may take less than all per call).
   Returns len, or a negative error, which it also stores in errno (so
   every output function that fails says why there). */
static long write_all(int fd, const char *buf, size_t len)
{
    size_t done = 0;
    while (done < len) {
        long n = sys_write(fd, buf + done, len - done);
        if (n == 0)
            n = -EIO;
        if (n < 0) {
            errno = (int)-n;
            return n;
        }
        done += (size_t)n;
    }
    return (long)len;
}

/* Formats fmt/ap and writes the result to fd with one system call (one
   per kernel-accepted piece, if the kernel takes less than all). */
static int vdprintf_one_write(int fd, const char *fmt, va_list ap)
{
    char small[STDIO_STACK_BUFFER];
    va_list again;
    va_copy(again, ap);
    int len = vsformat(small, sizeof small, fmt, ap);
    int ret = len;
    if (len < (int)sizeof small) {
        if (write_all(fd, small, (size_t)len) < 0)
            ret = -1;
    } else {
        char *big = malloc((size_t)len + 1);
        if (big) {
            vsformat(big, (size_t)len + 1, fmt, again);
            if (write_all(fd, big, (size_t)len) < 0)
                ret = -1;
            free(big);
        } else if (write_all(fd, small, sizeof small - 1) < 0) {
            ret = -1;               /* out of memory: at least the start */
        }
    }
    va_end(again);
    return ret;
}

int vprintf(const char *fmt, va_list ap)
{
    return vdprintf_one_write(1, fmt, ap);
}

int printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vdprintf_one_write(1, fmt, ap);
    va_end(ap);
    return n;
}

int dprintf(int fd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vdprintf_one_write(fd, fmt, ap);
    va_end(ap);
    return n;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    return vsformat(buf, size, fmt, ap);
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsformat(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

int puts(const char *s)
{
    return printf("%s\n", s) < 0 ? -1 : 0;
}

int putchar(int c)
{
    char ch = (char)c;
    return write_all(1, &ch, 1) < 0 ? -1 : (unsigned char)ch;
}

int getchar(void)
{
    unsigned char c;
    long n = sys_read(0, &c, 1);
    if (n == 1)
        return c;
    errno = n < 0 ? (int)-n : EIO;
    return -1;
}
