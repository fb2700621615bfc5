/* Host unit test of lib/prng.c: the xorshift64* step against the algorithm
   worked by hand, repeatability per seed, independent streams, uniform ranges. */
#include "tests/host/host_test.h"
#include "lib/prng.h"

/* lib/prng.h under the spl_ names the Makefile gives lib/ symbols on the host. */
void spl_prng_seed(struct prng *g, uint64_t seed, uint64_t stream);
uint64_t spl_prng_next(struct prng *g);
uint64_t spl_prng_below(struct prng *g, uint64_t n);

#define MULTIPLIER 0x2545f4914f6cdd1dull

/* From state 1 by hand: 1 ^ (1 >> 12) = 1; 1 ^ (1 << 25) = 0x2000001;
   0x2000001 >> 27 = 0, so the new state is 0x2000001, and the output is
   that times the multiplier. The second step is the same three shifts,
   written out again here rather than taken from a run. */
static void test_step(void)
{
    struct prng g = { 1 };
    uint64_t out = spl_prng_next(&g);
    CHECK_EQ(g.state, 0x2000001ull);
    CHECK(out == 0x2000001ull * MULTIPLIER);

    uint64_t x = 0x2000001ull;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    out = spl_prng_next(&g);
    CHECK(g.state == x);
    CHECK(out == x * MULTIPLIER);
}

static void test_repeatable(void)
{
    struct prng a, b, c, other_stream;
    spl_prng_seed(&a, 7, 0);
    spl_prng_seed(&b, 7, 0);
    spl_prng_seed(&c, 8, 0);
    spl_prng_seed(&other_stream, 7, 1);
    int same_ab = 0, same_ac = 0, same_stream = 0;
    for (int i = 0; i < 1000; i++) {
        uint64_t x = spl_prng_next(&a), y = spl_prng_next(&b);
        uint64_t z = spl_prng_next(&c), w = spl_prng_next(&other_stream);
        same_ab += x == y;
        same_ac += x == z;
        same_stream += x == w;
    }
    CHECK_EQ(same_ab, 1000);            /* one seed: one sequence */
    CHECK_EQ(same_ac, 0);               /* another seed: another one */
    CHECK_EQ(same_stream, 0);           /* another stream: another one */

    /* Seed 0 must not give the stuck state 0. */
    struct prng zero;
    spl_prng_seed(&zero, 0, 0);
    CHECK(zero.state != 0);
    uint64_t first = spl_prng_next(&zero);
    CHECK(first != 0 || spl_prng_next(&zero) != 0);
}

/* prng_below stays in range and hits each value about equally often:
   60,000 draws over 6 values, 10,000 expected each, standard deviation
   sqrt(60000 * 1/6 * 5/6) = 91; 10% (1,000) is more than ten of them. */
static void test_below(void)
{
    struct prng g;
    spl_prng_seed(&g, 1, 0);
    int counts[6] = { 0 };
    int out_of_range = 0;
    for (int i = 0; i < 60000; i++) {
        uint64_t r = spl_prng_below(&g, 6);
        if (r >= 6)
            out_of_range++;
        else
            counts[r]++;
    }
    CHECK_EQ(out_of_range, 0);
    for (int v = 0; v < 6; v++)
        CHECK_MSG(counts[v] > 9000 && counts[v] < 11000, "value %d came %d times of 60000", v,
                  counts[v]);
    CHECK_EQ(spl_prng_below(&g, 1), 0);
    CHECK_EQ(spl_prng_below(&g, 0), 0);
    /* A range that is not a power of two near 2^63: still in range. */
    uint64_t big = (1ull << 63) + 12345;
    for (int i = 0; i < 1000; i++)
        CHECK(spl_prng_below(&g, big) < big);
}

int main(void)
{
    test_step();
    test_repeatable();
    test_below();
    HOST_TEST_END("lib-prng");
}
