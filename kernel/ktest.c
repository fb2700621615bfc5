/* Runs one kernel test chosen on the command line and reports PASS/FAIL in
   the format the test runner (tests/run.py) and graders parse. */
#include "kernel/ktest.h"
#include "kernel/printk.h"
#include "kernel/power.h"
#include "kernel/ksyms.h"
#include "lib/string.h"
#include <stdarg.h>

extern const struct ktest __ktests_start[], __ktests_end[];

static const struct ktest *current;

const struct ktest *ktest_current(void)
{
    return current;
}

void ktest_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printk("FAIL %s: %s:%d: ", current ? current->name : "?", file, line);
    vprintk(fmt, ap);
    printk("\n");
    va_end(ap);
    power_off(POWEROFF_TEST_FAILED);
}

void ktest_metric(const char *name, uint64_t milli, const char *unit)
{
    printk("metric=%s value=%lu.%03lu unit=%s\n", name, milli / 1000, milli % 1000, unit);
}

/* One line per test for the runner: name, then the options it must honour. */
static void list_tests(void)
{
    for (const struct ktest *t = __ktests_start; t < __ktests_end; t++) {
        uint64_t off;
        printk("ktest name=%s fn=%s", t->name, ksym_lookup((uint64_t)t->fn, &off));
        if (t->min_cpus)
            printk(" min_cpus=%d", t->min_cpus);
        if (t->timeout)
            printk(" timeout=%d", t->timeout);
        if (t->exclusive)
            printk(" exclusive=1");
        if (t->benchmark)
            printk(" benchmark=1");
        if (t->expect_panic)
            printk(" expect_panic=\"%s\"", t->expect_panic);
        if (t->expect_fail)
            printk(" expect_fail=\"%s\"", t->expect_fail);
        if (t->panic_in)
            printk(" panic_in=%s", t->panic_in);
        if (t->args)
            printk(" args=\"%s\"", t->args);
        printk("\n");
    }
    printk("ktest end\n");
}

void ktest_run(const char *name)
{
    if (!strcmp(name, "list")) {
        list_tests();
        power_off(POWEROFF_OK);
    }
    for (const struct ktest *t = __ktests_start; t < __ktests_end; t++) {
        if (strcmp(t->name, name))
            continue;
        current = t;
        printk("RUN %s\n", t->name);
        t->fn();
        if (t->expect_panic) {
            printk("FAIL %s: expected a panic containing \"%s\", but the test returned\n",
                   t->name, t->expect_panic);
            power_off(POWEROFF_TEST_FAILED);
        }
        printk("PASS %s\n", t->name);
        power_off(POWEROFF_OK);
    }
    printk("ktest: no test named '%s' (test=list prints them all)\n", name);
    power_off(POWEROFF_USAGE);
}
