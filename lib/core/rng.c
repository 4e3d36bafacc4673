/*
 * rng.c - deterministic pseudo-random numbers: xoshiro256** with state
 * seeded by splitmix64 from (seed, stream).
 *
 * Invariant: the sequence depends only on (seed, stream), never on time,
 * addresses or threads, so tests and outputs are reproducible.
 */
#include <math.h>

#include "core.h"

uint64_t vci_splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

void vci_rng_seed(vci_rng *rng, uint64_t seed, uint64_t stream)
{
    uint64_t st = seed ^ vci_hash_u64(stream + 0x632BE59BD9B4E019ull);
    for (int i = 0; i < 4; i++)
        rng->s[i] = vci_splitmix64(&st);
    if (!(rng->s[0] | rng->s[1] | rng->s[2] | rng->s[3]))
        rng->s[0] = 1; /* the all-zero state is a fixed point */
}

static inline uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

uint64_t vci_rng_next(vci_rng *rng)
{
    uint64_t *s = rng->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

double vci_rng_uniform(vci_rng *rng)
{
    return (double)(vci_rng_next(rng) >> 11) * 0x1.0p-53;
}

uint64_t vci_rng_below(vci_rng *rng, uint64_t bound)
{
    /* rejection on the top of the range keeps every value equally likely */
    uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
    uint64_t x;
    do
        x = vci_rng_next(rng);
    while (x >= limit);
    return x % bound;
}

double vci_rng_normal(vci_rng *rng)
{
    /* Box-Muller; u1 in (0, 1] so the log is finite */
    double u1 = 1.0 - vci_rng_uniform(rng);
    double u2 = vci_rng_uniform(rng);
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

void vci_rng_shuffle_u32(vci_rng *rng, uint32_t *v, size_t n)
{
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)vci_rng_below(rng, i);
        uint32_t t = v[i - 1];
        v[i - 1] = v[j];
        v[j] = t;
    }
}
