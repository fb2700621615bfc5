/* xorshift64*: the seeded pseudo-random generator behind the lottery
   scheduler's draws (lib/prng.h says why this one). */
#include "lib/prng.h"

/* splitmix64's finaliser (Steele, Lea, Flood, "Fast splittable
   pseudorandom number generators", 2014): a bijection on 64-bit numbers
   that spreads every input bit over every output bit, so seeds 1 and 2
   give unrelated states. */
static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

void prng_seed(struct prng *g, uint64_t seed, uint64_t stream)
{
    /* 0x9e37...: 2^64 divided by the golden ratio, splitmix64's increment. */
    uint64_t s = mix64(seed + 0x9e3779b97f4a7c15ull) ^ mix64(stream * 0x9e3779b97f4a7c15ull + 1);
    g->state = s ? s : 0x9e3779b97f4a7c15ull;   /* 0 would stay 0 forever */
}

uint64_t prng_next(struct prng *g)
{
    uint64_t x = g->state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    g->state = x;
    return x * 0x2545f4914f6cdd1dull;
}

uint64_t prng_below(struct prng *g, uint64_t n)
{
    if (n == 0)
        return 0;
    /* 2^64 mod n values at the bottom would make the small results one
       draw more likely; skip them. (-n) % n is 2^64 mod n in 64-bit arithmetic. */
    uint64_t threshold = (0 - n) % n;
    for (;;) {
        uint64_t r = prng_next(g);
        if (r >= threshold)
            return r % n;
    }
}
