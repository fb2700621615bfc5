/* Host unit test of kernel/sched/fixed_point.h (17.14 fixed point): each
   operation against double arithmetic, plus the worked examples of docs/labs/mlfq.md. */
#include "tests/host/host_test.h"
#include "kernel/sched/fixed_point.h"

/* Our own fabs, trunc and round: the host tests link without libm. */
static double abs_d(double x)
{
    return x < 0 ? -x : x;
}

static double trunc_d(double x)
{
    return (double)(long long)x;
}

static double round_d(double x)
{
    return x < 0 ? -(double)(long long)(-x + 0.5) : (double)(long long)(x + 0.5);
}

#define STEP (1.0 / FIXED_ONE)

static double value(struct fixed x)
{
    return (double)x.raw / FIXED_ONE;
}

/* Raw values spread over the whole range, with the edges and small ones. */
static const int32_t raws[] = { 0, 1, -1, 2, 8191, 8192, 8193, 16383, 16384, 16385, -16384,
                                24576, -24576, 273, 16110, 100000, -100000, 1234567, -1234567,
                                40000000, -40000000, 2147483647, -2147483647 };
#define NRAWS (sizeof raws / sizeof raws[0])

static void test_conversions(void)
{
    for (int n = -131071; n <= 131071; n += 997) {
        CHECK_EQ(fixed_from_int(n).raw, n * 16384);
        CHECK_EQ(fixed_to_int_trunc(fixed_from_int(n)), n);
        CHECK_EQ(fixed_to_int_round(fixed_from_int(n)), n);
    }
    /* Truncation goes toward zero, rounding to nearest with halves away. */
    CHECK_EQ(fixed_to_int_trunc(fixed_from_raw(2 * 16384 + 12288)), 2);     /* 2.75 */
    CHECK_EQ(fixed_to_int_trunc(fixed_from_raw(-(2 * 16384 + 12288))), -2); /* -2.75 */
    CHECK_EQ(fixed_to_int_round(fixed_from_raw(2 * 16384 + 12288)), 3);
    CHECK_EQ(fixed_to_int_round(fixed_from_raw(-(2 * 16384 + 12288))), -3);
    CHECK_EQ(fixed_to_int_round(fixed_from_raw(2 * 16384 + 8192)), 3);      /* 2.5 */
    CHECK_EQ(fixed_to_int_round(fixed_from_raw(-(2 * 16384 + 8192))), -3);
    CHECK_EQ(fixed_to_int_round(fixed_from_raw(2 * 16384 + 8191)), 2);      /* 2.49994 */
    for (size_t i = 0; i < NRAWS; i++) {
        struct fixed x = fixed_from_raw(raws[i]);
        if (raws[i] > 2147483647 - 8192 || raws[i] < -2147483647 + 8192)
            continue;           /* rounding would overflow: out of the documented range */
        CHECK_MSG(fixed_to_int_trunc(x) == (int)trunc_d(value(x)), "trunc of raw %d", raws[i]);
        CHECK_MSG(fixed_to_int_round(x) == (int)round_d(value(x)), "round of raw %d", raws[i]);
    }
}

/* The worked examples of the lab page. */
static void test_examples(void)
{
    CHECK_EQ(FIXED_ONE, 16384);
    CHECK_EQ(fixed_from_int(1).raw, 16384);
    CHECK_EQ(fixed_frac(1, 2).raw, 8192);
    CHECK_EQ(fixed_frac(59, 60).raw, 16110);
    CHECK_EQ(fixed_frac(1, 60).raw, 273);
    /* load_avg after one second with one ready thread, from 0:
       16110 * 0 / 16384 + 273 * 1 = 273 (0.01666). */
    struct fixed load = fixed_from_int(0);
    load = fixed_add(fixed_mul(fixed_frac(59, 60), load), fixed_mul_int(fixed_frac(1, 60), 1));
    CHECK_EQ(load.raw, 273);
    /* ... and after a second second: 16110 * 273 / 16384 = 268 (268.43), + 273. */
    load = fixed_add(fixed_mul(fixed_frac(59, 60), load), fixed_mul_int(fixed_frac(1, 60), 1));
    CHECK_EQ(load.raw, 541);
    /* The recent_cpu coefficient at load_avg 541: 2*541 / (2*541 + 16384)
       = 1082 * 16384 / 17466 = 1014 (1014.97). */
    struct fixed twice = fixed_mul_int(load, 2);
    struct fixed coeff = fixed_div(twice, fixed_add_int(twice, 1));
    CHECK_EQ(coeff.raw, 1014);
    /* recent_cpu 200 (ticks) decays to 1014 * 200 = raw 202800 (12.378). */
    CHECK_EQ(fixed_mul(coeff, fixed_from_int(200)).raw, 202800);
    /* priority = 63 - recent_cpu / 4 - 2 * nice for recent_cpu 12.378, nice 0:
       63 - 3.094 = 59.906 -> 59 (truncated). */
    struct fixed rc = fixed_from_raw(202800);
    struct fixed pri = fixed_sub(fixed_from_int(63), fixed_div_int(rc, 4));
    CHECK_EQ(fixed_to_int_trunc(pri), 59);
    /* Printing: 0.0330 is 541 raw -> "0.03"; -2.75 -> "-2.75". */
    CHECK_EQ(fixed_int_part(load), 0);
    CHECK_EQ(fixed_frac_digits(load, 2), 3);
    CHECK_EQ(fixed_frac_digits(load, 4), 330);
    CHECK_EQ(fixed_int_part(fixed_from_raw(-(2 * 16384 + 12288))), 2);
    CHECK_EQ(fixed_frac_digits(fixed_from_raw(-(2 * 16384 + 12288)), 2), 75);
}

static void test_arithmetic(void)
{
    for (size_t i = 0; i < NRAWS; i++) {
        for (size_t j = 0; j < NRAWS; j++) {
            struct fixed x = fixed_from_raw(raws[i]), y = fixed_from_raw(raws[j]);
            double xv = value(x), yv = value(y);
            if (abs_d(xv + yv) < 131071.0) {
                CHECK_EQ(fixed_add(x, y).raw, raws[i] + raws[j]);
            }
            if (abs_d(xv - yv) < 131071.0) {
                CHECK_EQ(fixed_sub(x, y).raw, raws[i] - raws[j]);
            }
            /* Products and quotients: within one step of the exact value,
               rounded toward zero (never further from zero than exact). */
            double p = xv * yv;
            if (abs_d(p) < 131071.0) {
                double got = value(fixed_mul(x, y));
                CHECK_MSG(abs_d(got - p) < STEP && abs_d(got) <= abs_d(p) + 1e-12,
                          "%g * %g = %.9g, got %.9g", xv, yv, p, got);
            }
            if (raws[j] != 0) {
                double q = xv / yv;
                if (abs_d(q) < 131071.0) {
                    double got = value(fixed_div(x, y));
                    CHECK_MSG(abs_d(got - q) < STEP && abs_d(got) <= abs_d(q) + 1e-12,
                              "%g / %g = %.9g, got %.9g", xv, yv, q, got);
                }
            }
        }
    }
    static const int ints[] = { 0, 1, -1, 2, 3, 4, 59, 60, -60, 1000, -20, 20 };
    for (size_t i = 0; i < NRAWS; i++) {
        for (size_t k = 0; k < sizeof ints / sizeof ints[0]; k++) {
            struct fixed x = fixed_from_raw(raws[i]);
            int n = ints[k];
            double xv = value(x);
            if (abs_d(xv + n) < 131071.0) {
                CHECK_EQ(fixed_add_int(x, n).raw, (int64_t)raws[i] + (int64_t)n * 16384);
            }
            if (abs_d(xv - n) < 131071.0) {
                CHECK_EQ(fixed_sub_int(x, n).raw, (int64_t)raws[i] - (int64_t)n * 16384);
            }
            if (abs_d(xv * n) < 131071.0) {
                CHECK_EQ(fixed_mul_int(x, n).raw, (int64_t)raws[i] * n);
            }
            if (n != 0) {
                CHECK_EQ(fixed_div_int(x, n).raw, raws[i] / n);
                CHECK_MSG(abs_d(value(fixed_div_int(x, n)) - xv / n) < STEP, "%g / %d", xv, n);
            }
        }
    }
}

int main(void)
{
    test_conversions();
    test_examples();
    test_arithmetic();
    HOST_TEST_END("fixed-point");
}
