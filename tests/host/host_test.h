/* A minimal host unit-test harness for lib/: CHECK macros that count and
   report failures, and the spl_-prefixed names of the lib/ functions under test. */
#ifndef TESTS_HOST_HOST_TEST_H
#define TESTS_HOST_HOST_TEST_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The Makefile compiles each lib/ source for the host and renames every global
   symbol foo to spl_foo (objcopy --redefine-syms), so that lib's memcpy does
   not replace the C library's. These are lib/format.h and lib/string.h
   under those names; keep them in step with the headers. */
typedef void (*spl_format_put_fn)(char c, void *ctx);
int spl_vformat(spl_format_put_fn put, void *ctx, const char *fmt, va_list ap);
int spl_vsformat(char *buf, size_t size, const char *fmt, va_list ap);
int spl_sformat(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

void *spl_memcpy(void *dst, const void *src, size_t n);
void *spl_memmove(void *dst, const void *src, size_t n);
void *spl_memset(void *dst, int c, size_t n);
int spl_memcmp(const void *a, const void *b, size_t n);
size_t spl_strlen(const char *s);
size_t spl_strnlen(const char *s, size_t max);
int spl_strcmp(const char *a, const char *b);
int spl_strncmp(const char *a, const char *b, size_t n);
char *spl_strchr(const char *s, int c);
char *spl_strrchr(const char *s, int c);
size_t spl_strlcpy(char *dst, const char *src, size_t size);

static int host_failures, host_checks;

/* Failures after this many are counted but not printed, so that one broken
   function does not bury the others' reports. */
#define HOST_FAILURES_SHOWN 50

/* Counts a failure; returns 1 if it should be printed (with "file:line:
   check failed: cond" already written), 0 if it is one too many. */
static inline int host_fail(const char *file, int line, const char *cond)
{
    if (++host_failures > HOST_FAILURES_SHOWN) {
        if (host_failures == HOST_FAILURES_SHOWN + 1)
            fprintf(stderr, "(further failures counted, not shown)\n");
        return 0;
    }
    fprintf(stderr, "%s:%d: check failed: %s", file, line, cond);
    return 1;
}

/* Counts a check; on failure prints file:line and the condition and goes
   on, so that one run reports every broken case. */
#define CHECK(cond)                                                           \
    do {                                                                      \
        host_checks++;                                                        \
        if (!(cond) && host_fail(__FILE__, __LINE__, #cond))                  \
            fputc('\n', stderr);                                              \
    } while (0)

/* Like CHECK, for two integers: prints both values when they differ. */
#define CHECK_EQ(a, b)                                                        \
    do {                                                                      \
        long long ce_a_ = (long long)(a), ce_b_ = (long long)(b);             \
        host_checks++;                                                        \
        if (ce_a_ != ce_b_ && host_fail(__FILE__, __LINE__, #a " == " #b))    \
            fprintf(stderr, " (%lld != %lld)\n", ce_a_, ce_b_);               \
    } while (0)

/* Like CHECK, with a printf-style explanation of the case that failed. */
#define CHECK_MSG(cond, ...)                                                  \
    do {                                                                      \
        host_checks++;                                                        \
        if (!(cond) && host_fail(__FILE__, __LINE__, #cond)) {                \
            fprintf(stderr, ": ");                                            \
            fprintf(stderr, __VA_ARGS__);                                     \
            fputc('\n', stderr);                                              \
        }                                                                     \
    } while (0)

/* The sign of a comparison result: -1, 0 or 1 (memcmp and strcmp promise
   only the sign, not the value). */
static inline int host_sign(int v)
{
    return (v > 0) - (v < 0);
}

/* Prints the summary line and returns from main: status 0 only if every
   check passed and at least one ran (a test that checks nothing fails). */
#define HOST_TEST_END(name)                                                   \
    do {                                                                      \
        printf("%s: %d checks, %d failed\n", name, host_checks, host_failures); \
        return host_failures || !host_checks ? 1 : 0;                         \
    } while (0)

#endif
