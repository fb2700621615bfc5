/* Process exit and abort, and number parsing (strtol, atoi), for user
   programs. */
#include "stdlib.h"
#include "spindle.h"
#include "string.h"
#include "errno.h"
#include <stdint.h>

void exit(int status)
{
    /* Nothing to flush: stdio writes each call's output at once. */
    sys_exit(status);
}

/* The status of an aborted program: 128 + SIGABRT (6), as a Unix shell
   shows a program killed by abort(), like the EXIT_KILLED_* statuses. */
#define EXIT_ABORTED (128 + 6)

void abort(void)
{
    /* Not printf: abort may be called because the heap is broken. */
    static const char msg[] = "abort() called\n";
    if (program_name) {
        sys_write(2, program_name, strlen(program_name));
        sys_write(2, ": ", 2);
    }
    sys_write(2, msg, sizeof msg - 1);
    sys_exit(EXIT_ABORTED);
}

static int digit_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'Z')
        return c - 'A' + 10;
    return 99;                  /* not a digit in any base */
}

/*
 * Leading spaces, an optional sign, then digits of base (2..36). Base 0
 * means decimal, or hexadecimal after "0x" (unlike C's strtol, a leading 0
 * does not mean octal: "010" is ten, which is what a user typing arguments
 * expects); base 16 accepts the "0x" too. A value that does not fit is
 * clamped to LONG_MAX or LONG_MIN, with errno ERANGE. With no digits,
 * returns 0 and *end = s; a base outside 2..36 also sets errno EINVAL.
 * errno is left alone otherwise (as C says: clear it first to tell).
 */
long strtol(const char *s, char **end, int base)
{
    const char *p = s;
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f' || *p == '\v')
        p++;
    int negative = 0;
    if (*p == '+' || *p == '-')
        negative = *p++ == '-';
    if ((base == 0 || base == 16) && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
        digit_value(p[2]) < 16) {
        p += 2;
        base = 16;
    }
    if (base == 0)
        base = 10;
    if (base < 2 || base > 36) {
        if (end)
            *end = (char *)s;
        errno = EINVAL;
        return 0;
    }

    /* Accumulate the magnitude; past the limit, keep reading digits but clamp. */
    uint64_t limit = negative ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    uint64_t value = 0;
    int overflow = 0, any = 0;
    for (int d; (d = digit_value(*p)) < base; p++) {
        any = 1;
        if (overflow || value > (limit - (uint64_t)d) / (uint64_t)base)
            overflow = 1;
        else
            value = value * (uint64_t)base + (uint64_t)d;
    }
    if (end)
        *end = (char *)(any ? p : s);
    if (!any)
        return 0;
    if (overflow) {
        value = limit;
        errno = ERANGE;
    }
    return negative ? (long)(0 - value) : (long)value;
}

int atoi(const char *s)
{
    return (int)strtol(s, NULL, 10);
}
