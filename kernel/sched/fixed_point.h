/* 17.14 fixed-point numbers for the mlfq policy's load average and recent
   CPU (the kernel has no floating point). Self-contained: host-tested too. */
#ifndef KERNEL_SCHED_FIXED_POINT_H
#define KERNEL_SCHED_FIXED_POINT_H

#include <stdint.h>

/*
 * A real number x is stored as the integer x * 2^14 in a signed 32-bit
 * word: 1 sign bit, 17 bits before the binary point, 14 after. So the
 * range is about -131072 .. +131071.99994 and the step is 1/16384
 * (0.000061). Examples (docs/labs/mlfq.md has more):
 *
 *     1.0     is stored as 16384
 *     0.5     is stored as  8192
 *     59/60   is stored as 16110   (966656 / 60 = 16110.93, truncated)
 *     1/60    is stored as   273   ( 16384 / 60 =   273.07, truncated)
 *
 * The value is wrapped in a struct so that the compiler refuses to mix a
 * fixed-point number with a plain int by accident: every operation goes
 * through one of the functions below, which say which operand is which.
 * Products and quotients of two fixed-point numbers go through 64 bits,
 * so they do not overflow when the result fits.
 */
#define FIXED_FRACTION_BITS 14
#define FIXED_ONE (1 << FIXED_FRACTION_BITS)    /* 1.0, raw */

struct fixed {
    int32_t raw;                /* the number times FIXED_ONE */
};

/* The integer n as a fixed-point number (n must be within +-131071). */
static inline struct fixed fixed_from_int(int n)
{
    return (struct fixed){ n * FIXED_ONE };
}

/* The fixed-point number whose raw representation is raw. */
static inline struct fixed fixed_from_raw(int32_t raw)
{
    return (struct fixed){ raw };
}

/* x rounded toward zero: 2.75 -> 2, -2.75 -> -2. */
static inline int fixed_to_int_trunc(struct fixed x)
{
    return x.raw / FIXED_ONE;
}

/* x rounded to the nearest integer, halves away from zero: 2.5 -> 3,
   -2.5 -> -3, 2.49 -> 2. */
static inline int fixed_to_int_round(struct fixed x)
{
    if (x.raw >= 0)
        return (x.raw + FIXED_ONE / 2) / FIXED_ONE;
    return (x.raw - FIXED_ONE / 2) / FIXED_ONE;
}

static inline struct fixed fixed_add(struct fixed x, struct fixed y)
{
    return (struct fixed){ x.raw + y.raw };
}

static inline struct fixed fixed_sub(struct fixed x, struct fixed y)
{
    return (struct fixed){ x.raw - y.raw };
}

/* x + n for an integer n. */
static inline struct fixed fixed_add_int(struct fixed x, int n)
{
    return (struct fixed){ x.raw + n * FIXED_ONE };
}

/* x - n for an integer n. */
static inline struct fixed fixed_sub_int(struct fixed x, int n)
{
    return (struct fixed){ x.raw - n * FIXED_ONE };
}

/* x * y, rounded toward zero (the 64-bit product has 28 fraction bits;
   dividing by 2^14 brings it back to 14). */
static inline struct fixed fixed_mul(struct fixed x, struct fixed y)
{
    return (struct fixed){ (int32_t)((int64_t)x.raw * y.raw / FIXED_ONE) };
}

/* x * n for an integer n (exact while it fits). */
static inline struct fixed fixed_mul_int(struct fixed x, int n)
{
    return (struct fixed){ x.raw * n };
}

/* x / y, rounded toward zero; y must not be 0. x is widened to 28
   fraction bits first, so the quotient keeps 14. */
static inline struct fixed fixed_div(struct fixed x, struct fixed y)
{
    return (struct fixed){ (int32_t)((int64_t)x.raw * FIXED_ONE / y.raw) };
}

/* x / n for an integer n != 0, rounded toward zero. */
static inline struct fixed fixed_div_int(struct fixed x, int n)
{
    return (struct fixed){ x.raw / n };
}

/* The fraction num/den as a fixed-point number, rounded toward zero:
   fixed_frac(59, 60).raw == 16110. */
static inline struct fixed fixed_frac(int num, int den)
{
    return fixed_div_int(fixed_from_int(num), den);
}

/* Parts of x for printing without floating point: the integer part (toward
   zero) and the first `digits` decimal digits of the fraction, rounded
   toward zero, both of the absolute value. printk("%s%d.%02d",
   x.raw < 0 ? "-" : "", fixed_int_part(x), fixed_frac_digits(x, 2)). */
static inline int fixed_int_part(struct fixed x)
{
    int32_t a = x.raw < 0 ? -x.raw : x.raw;
    return a / FIXED_ONE;
}

static inline int fixed_frac_digits(struct fixed x, int digits)
{
    int32_t a = x.raw < 0 ? -x.raw : x.raw;
    int64_t scale = 1;
    for (int i = 0; i < digits; i++)
        scale *= 10;
    return (int)((int64_t)(a % FIXED_ONE) * scale / FIXED_ONE);
}

#endif
