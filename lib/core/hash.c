/*
 * hash.c - fast non-cryptographic 64-bit hashing of byte strings (ids).
 *
 * Reads 8 bytes at a time with memcpy (no alignment assumption) and
 * finishes with the murmur3 fmix64 avalanche.
 */
#include "core.h"

uint64_t vci_hash_u64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xFF51AFD7ED558CCDull;
    x ^= x >> 33;
    x *= 0xC4CEB9FE1A85EC53ull;
    x ^= x >> 33;
    return x;
}

uint64_t vci_hash_bytes(const void *data, size_t n, uint64_t seed)
{
    const unsigned char *p = data;
    const uint64_t m = 0x9E3779B97F4A7C15ull;
    uint64_t h = seed ^ ((uint64_t)n * m);
    while (n >= 8) {
        uint64_t k;
        memcpy(&k, p, 8);
        k *= 0x87C37B91114253D5ull;
        k = (k << 31) | (k >> 33);
        h ^= k * 0x4CF5AD432745937Full;
        h = ((h << 27) | (h >> 37)) * 5 + 0x52DCE729;
        p += 8;
        n -= 8;
    }
    uint64_t tail = 0;
    for (size_t i = 0; i < n; i++)
        tail |= (uint64_t)p[i] << (8 * i);
    h ^= tail * m;
    return vci_hash_u64(h);
}
