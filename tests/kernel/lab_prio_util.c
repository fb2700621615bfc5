/* The priority lab's test helpers (lab_prio.h): pinning to CPU 0, threads
   of a given priority, and the ordered event log the tests compare. */
#include "tests/kernel/lab_prio.h"
#include "kernel/ktest.h"
#include "kernel/printk.h"
#include "kernel/spinlock.h"
#include "kernel/time.h"
#include "kernel/sched/sched.h"
#include "kernel/sched/policy.h"
#include "lib/format.h"
#include "lib/string.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/x86.h"
#include <stdarg.h>

#define LOG_SIZE 1024

static struct spinlock log_lock = SPINLOCK_INIT("lab-prio-log");
static char event_log[LOG_SIZE];
static int log_len;

static const char *test_name(void)
{
    const struct ktest *t = ktest_current();
    return t ? t->name : "lab-prio";
}

void lp_begin(void)
{
    KT_ASSERT(!strcmp(sched_policy->name, "prio"));
    KT_ASSERT_EQ(thread_set_affinity(0, LP_CPU_MASK), 0);
    KT_ASSERT_GE(thread_set_priority(0, PRIORITY_DEFAULT), 0);
    spin_lock(&log_lock);
    log_len = 0;
    event_log[0] = 0;
    spin_unlock(&log_lock);
    lp_note("sched=prio, %d CPU%s; every thread of the test runs on CPU 0; main has priority %d",
            ncpus, ncpus == 1 ? "" : "s", thread_get_priority(0));
}

int lp_spawn(const char *name, thread_fn fn, void *arg, int priority)
{
    int tid = thread_create_priority(name, fn, arg, LP_CPU_MASK, priority);
    KT_ASSERT_GT(tid, 0);
    return tid;
}

void lp_join(int tid)
{
    KT_ASSERT_EQ(thread_join(tid, 0), 0);
}

void lp_note(const char *fmt, ...)
{
    char text[160];
    va_list ap;
    va_start(ap, fmt);
    vsformat(text, sizeof text, fmt, ap);
    va_end(ap);
    printk("%s: %s\n", test_name(), text);
}

void lp_event(const char *fmt, ...)
{
    char text[160];
    va_list ap;
    va_start(ap, fmt);
    vsformat(text, sizeof text, fmt, ap);
    va_end(ap);
    int token_len = 0;
    while (text[token_len] && text[token_len] != ' ')
        token_len++;
    spin_lock(&log_lock);
    KT_ASSERT_LT(log_len + token_len + 2, LOG_SIZE);
    if (log_len)
        event_log[log_len++] = ' ';
    memcpy(event_log + log_len, text, (size_t)token_len);
    log_len += token_len;
    event_log[log_len] = 0;
    spin_unlock(&log_lock);
    printk("%s: [%.*s]%s\n", test_name(), token_len, text, text + token_len);
}

void lp_expect(const char *file, int line, const char *want)
{
    spin_lock(&log_lock);
    static char got[LOG_SIZE];
    memcpy(got, event_log, (size_t)log_len + 1);
    spin_unlock(&log_lock);
    if (strcmp(got, want))
        ktest_fail(file, line, "events in the wrong order:\n  expected: %s\n  got:      %s", want, got);
    printk("%s: events in the expected order: %s\n", test_name(), got);
}

int lp_spin_until(volatile int *flag, uint64_t limit)
{
    while (!*flag && timer_ticks() < limit)
        cpu_relax();
    return *flag != 0;
}
