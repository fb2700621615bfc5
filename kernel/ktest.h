/* The kernel test framework: tests registered with KTEST, selected at boot
   with test=NAME, checked with KT_ASSERT* macros that print file:line and both values. */
#ifndef KERNEL_KTEST_H
#define KERNEL_KTEST_H

#include <stdint.h>

struct ktest {
    const char *name;           /* as given to test=NAME */
    void (*fn)(void);
    const char *args;           /* extra command-line settings the runner adds */
    const char *expect_panic;   /* if set: the test passes by panicking with
                                   a first line that contains this text */
    const char *panic_in;       /* with expect_panic: a function the panic's
                                   backtrace must name (default: the test's) */
    const char *expect_fail;    /* if set: the test passes by failing with a
                                   FAIL line that contains this text (for
                                   testing the framework itself) */
    int min_cpus;               /* the runner boots at least this many CPUs */
    int timeout;                /* seconds (runner default if 0) */
    int exclusive;              /* 1: the runner runs it alone, after the
                                   others (for tests that measure time) */
    int benchmark;              /* 1: a benchmark: run by `make bench`, which
                                   collects its "metric=" lines, not by
                                   `make test` */
};

/* Defines and registers a test. Options are designated initialisers:
       KTEST(test_sleep_order, "sleep-order", .args = "hz=1000") { ... }
   The function returns to pass; an assertion failure ends the test. */
#define KTEST(func, tname, ...)                                               \
    static void func(void);                                                   \
    static const struct ktest ktest_desc_##func                               \
        __attribute__((used, section(".ktests"), aligned(8))) = {             \
            .name = (tname), .fn = func, __VA_ARGS__                          \
        };                                                                    \
    static void func(void)

/* Prints "FAIL <test>: file:line: message" and powers off with status 1. */
__attribute__((noreturn, format(printf, 3, 4)))
void ktest_fail(const char *file, int line, const char *fmt, ...);

#define KT_ASSERT(cond)                                                       \
    do {                                                                      \
        if (!(cond))                                                          \
            ktest_fail(__FILE__, __LINE__, "assertion failed: %s", #cond);    \
    } while (0)

/* Compares two integers (any integer or pointer type) with op. */
#define KT_ASSERT_CMP(a, op, b)                                               \
    do {                                                                      \
        int64_t ka_ = (int64_t)(a), kb_ = (int64_t)(b);                       \
        if (!(ka_ op kb_))                                                    \
            ktest_fail(__FILE__, __LINE__,                                    \
                       "expected %s %s %s, but %s = %ld (0x%lx), %s = %ld (0x%lx)", \
                       #a, #op, #b, #a, (long)ka_, (unsigned long)ka_, #b,    \
                       (long)kb_, (unsigned long)kb_);                        \
    } while (0)

#define KT_ASSERT_EQ(a, b) KT_ASSERT_CMP(a, ==, b)
#define KT_ASSERT_NE(a, b) KT_ASSERT_CMP(a, !=, b)
#define KT_ASSERT_LT(a, b) KT_ASSERT_CMP(a, <, b)
#define KT_ASSERT_LE(a, b) KT_ASSERT_CMP(a, <=, b)
#define KT_ASSERT_GT(a, b) KT_ASSERT_CMP(a, >, b)
#define KT_ASSERT_GE(a, b) KT_ASSERT_CMP(a, >=, b)

/* Runs the test named name (or, for "list", prints every test) and powers
   off: 0 if it passed, 1 if it failed, 2 if there is no such test. */
__attribute__((noreturn)) void ktest_run(const char *name);

/* The test now running, or NULL. */
const struct ktest *ktest_current(void);

/* Prints one benchmark figure in the format of DESIGN.md section 3:
   metric=NAME value=NUMBER unit=UNIT, with value = milli / 1000 printed
   with three decimals (the kernel has no floating point). */
void ktest_metric(const char *name, uint64_t milli, const char *unit);

#endif
