/* Helpers shared by the mlfq lab's tests (tests/kernel/lab_mlfq_*.c): the
   formulas again, written out for the tests' own models, and printing. */
#ifndef TESTS_KERNEL_LAB_MLFQ_H
#define TESTS_KERNEL_LAB_MLFQ_H

#include "kernel/ktest.h"
#include "kernel/thread.h"
#include "kernel/time.h"
#include "kernel/printk.h"
#include "kernel/sched/mlfq.h"
#include "kernel/sched/fixed_point.h"
#include "arch/x86_64/x86.h"

/* The tests that watch threads share one CPU run them and themselves on
   CPU 0 only, however many CPUs there are: the formulas are per CPU. */
#define MLFQ_CPU0 1ull

static inline void mlfq_test_pin_self(void)
{
    KT_ASSERT_EQ(thread_set_affinity(0, MLFQ_CPU0), 0);
}

/* The policy must be mlfq (the test's .args say sched=mlfq). */
static inline void mlfq_test_require_policy(void)
{
    if (!mlfq_active())
        ktest_fail(__FILE__, __LINE__, "sched=mlfq is not the policy in force");
}

/* load_avg after one second with ready threads ready, as docs/labs/mlfq.md
   writes it: (59/60) * load_avg + (1/60) * ready. */
static inline struct fixed mlfq_model_load(struct fixed load, int ready)
{
    return fixed_add(fixed_mul(fixed_frac(59, 60), load), fixed_mul_int(fixed_frac(1, 60), ready));
}

/* The decay coefficient (2 * load_avg) / (2 * load_avg + 1). */
static inline struct fixed mlfq_model_coefficient(struct fixed load)
{
    struct fixed twice = fixed_mul_int(load, 2);
    return fixed_div(twice, fixed_add_int(twice, 1));
}

/* recent_cpu after the once-a-second update. */
static inline struct fixed mlfq_model_decay(struct fixed recent, struct fixed load, int nice)
{
    return fixed_add_int(fixed_mul(mlfq_model_coefficient(load), recent), nice);
}

/* PRIORITY_MAX - recent_cpu / 4 - 2 * nice, rounded down, clamped. */
static inline int mlfq_model_priority(struct fixed recent, int nice)
{
    int p = fixed_to_int_trunc(fixed_sub(fixed_from_int(PRIORITY_MAX - 2 * nice),
                                         fixed_div_int(recent, 4)));
    return p < PRIORITY_MIN ? PRIORITY_MIN : p > PRIORITY_MAX ? PRIORITY_MAX : p;
}

/* |a - b| in raw units. */
static inline int32_t mlfq_raw_distance(struct fixed a, struct fixed b)
{
    int32_t d = a.raw - b.raw;
    return d < 0 ? -d : d;
}

/* Writes x as "-12.345" into buf (three decimals, truncated). */
static inline const char *mlfq_fmt(char *buf, struct fixed x)
{
    static const char digits[] = "0123456789";
    int ip = fixed_int_part(x), fp = fixed_frac_digits(x, 3);
    char tmp[16];
    int n = 0, k = 0;
    do {
        tmp[n++] = digits[ip % 10];
        ip /= 10;
    } while (ip);
    if (x.raw < 0)
        buf[k++] = '-';
    while (n)
        buf[k++] = tmp[--n];
    buf[k++] = '.';
    buf[k++] = digits[fp / 100];
    buf[k++] = digits[fp / 10 % 10];
    buf[k++] = digits[fp % 10];
    buf[k] = 0;
    return buf;
}

/* The recorded per-second update made at tick `tick`, into *out; false if
   there is none (the policy never made it, or it is out of the ring). */
static inline bool mlfq_test_second_at(uint64_t tick, struct mlfq_second *out)
{
    static struct mlfq_second all[MLFQ_HISTORY];
    int n = mlfq_history(0, all, MLFQ_HISTORY);
    for (int i = 0; i < n; i++) {
        if (all[i].tick == tick) {
            *out = all[i];
            return true;
        }
    }
    return false;
}

#endif
