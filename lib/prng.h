/* A small seeded pseudo-random generator (xorshift64*), so that a lottery
   scheduler's draws repeat exactly from one run to the next with the same seed. */
#ifndef LIB_PRNG_H
#define LIB_PRNG_H

#include <stdint.h>

/*
 * xorshift64* (S. Vigna, "An experimental exploration of Marsaglia's
 * xorshift generators, scrambled", 2016): a 64-bit state updated with
 * three shift-xor steps (Marsaglia's xorshift, shifts 12, 25, 27), the
 * output multiplied by an odd constant to hide the weak low bits. Period
 * 2^64 - 1; the state must never be 0 (0 is a fixed point), which
 * prng_seed guarantees. Not for cryptography: a scheduler needs speed and
 * repeatability, nothing more.
 */
struct prng {
    uint64_t state;
};

/* Sets g up from seed and a stream number (e.g. a CPU id), so that
   different streams with one seed give unrelated sequences. Any seed is
   fine, 0 included: it is scrambled first (splitmix64's finaliser). */
void prng_seed(struct prng *g, uint64_t seed, uint64_t stream);

/* The next 64 random bits. */
uint64_t prng_next(struct prng *g);

/* A number uniformly distributed in [0, n); n must be at least 1 (0 gives 0).
   Rejection sampling, so that no value is favoured (plain % n would favour
   the small ones when 2^64 is not a multiple of n). */
uint64_t prng_below(struct prng *g, uint64_t n);

#endif
