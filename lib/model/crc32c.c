/*
 * crc32c.c - CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the
 * checksum of every model file section. On x86-64 CPUs with SSE4.2 the
 * crc32 instruction computes it (8 bytes per instruction, ~10x the
 * table); elsewhere the table-driven reference, slicing by 8, which the
 * tests compare it with. Check value: crc32c("123456789") = 0xE3069283.
 *
 * The instruction's latency is three times its issue interval, so long
 * buffers run as three independent streams over consecutive blocks of
 * CRC_BLOCK bytes, joined by shifting a stream's state past the next
 * block: the state is GF(2)-linear in the starting state, so the shift is
 * the XOR of precomputed shifts of the state's bytes (shift_table).
 */
#include <pthread.h>

#include "kernels_isa.h"
#include "model.h"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#  define VCI_HW_CRC 1
#else
#  define VCI_HW_CRC 0
#endif

static uint32_t table[8][256];
static pthread_once_t table_once = PTHREAD_ONCE_INIT;

static void table_init(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = c & 1 ? (c >> 1) ^ 0x82F63B78u : c >> 1;
        table[0][i] = c;
    }
    for (uint32_t i = 0; i < 256; i++)
        for (int t = 1; t < 8; t++)
            table[t][i] = (table[t - 1][i] >> 8) ^ table[0][table[t - 1][i] & 0xff];
}

uint32_t vci_crc32c_reference(uint32_t crc, const void *data, size_t n)
{
    pthread_once(&table_once, table_init);
    const unsigned char *p = data;
    crc = ~crc;
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, p, 8); /* little-endian hosts only (checked by the loader) */
        w ^= crc;
        crc = table[7][w & 0xff] ^ table[6][(w >> 8) & 0xff] ^
              table[5][(w >> 16) & 0xff] ^ table[4][(w >> 24) & 0xff] ^
              table[3][(w >> 32) & 0xff] ^ table[2][(w >> 40) & 0xff] ^
              table[1][(w >> 48) & 0xff] ^ table[0][w >> 56];
        p += 8;
        n -= 8;
    }
    while (n--)
        crc = (crc >> 8) ^ table[0][(crc ^ *p++) & 0xff];
    return ~crc;
}

#if VCI_HW_CRC
/* The crc32 instruction works on the bit-reflected state of the same
 * polynomial, without the inversions, which stay outside. */
#define CRC_BLOCK 4096

static uint32_t shift_table[4][256];
static pthread_once_t shift_once = PTHREAD_ONCE_INIT;

/* The state s carried past CRC_BLOCK zero bytes. */
__attribute__((target("sse4.2"))) static uint32_t past_zeros(uint32_t s)
{
    uint64_t c = s;
    for (size_t i = 0; i < CRC_BLOCK; i += 8)
        c = __builtin_ia32_crc32di(c, 0);
    return (uint32_t)c;
}

static void shift_init(void)
{
    uint32_t basis[32];
    for (int k = 0; k < 32; k++)
        basis[k] = past_zeros(1u << k);
    for (int j = 0; j < 4; j++)
        for (uint32_t b = 0; b < 256; b++) {
            uint32_t v = 0;
            for (int bit = 0; bit < 8; bit++)
                if (b >> bit & 1)
                    v ^= basis[8 * j + bit];
            shift_table[j][b] = v;
        }
}

static uint32_t shift_block(uint32_t s)
{
    return shift_table[0][s & 0xff] ^ shift_table[1][(s >> 8) & 0xff] ^
           shift_table[2][(s >> 16) & 0xff] ^ shift_table[3][s >> 24];
}

__attribute__((target("sse4.2"))) static uint32_t crc_sse42(uint32_t crc, const void *data,
                                                            size_t n)
{
    const unsigned char *p = data;
    uint64_t c = ~crc;
    for (; n > 0 && ((uintptr_t)p & 7) != 0; n--)
        c = __builtin_ia32_crc32qi((uint32_t)c, *p++);
    if (n >= 3 * CRC_BLOCK)
        pthread_once(&shift_once, shift_init);
    for (; n >= 3 * CRC_BLOCK; n -= 3 * CRC_BLOCK, p += 3 * CRC_BLOCK) {
        uint64_t a = c, b = 0, d = 0;
        for (size_t i = 0; i < CRC_BLOCK; i += 8) {
            uint64_t x, y, z;
            memcpy(&x, p + i, 8);
            memcpy(&y, p + CRC_BLOCK + i, 8);
            memcpy(&z, p + 2 * CRC_BLOCK + i, 8);
            a = __builtin_ia32_crc32di(a, x);
            b = __builtin_ia32_crc32di(b, y);
            d = __builtin_ia32_crc32di(d, z);
        }
        c = shift_block(shift_block((uint32_t)a) ^ (uint32_t)b) ^ (uint32_t)d;
    }
    for (; n >= 8; n -= 8, p += 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        c = __builtin_ia32_crc32di(c, w);
    }
    for (; n > 0; n--)
        c = __builtin_ia32_crc32qi((uint32_t)c, *p++);
    return ~(uint32_t)c;
}
#endif

uint32_t vci_crc32c(uint32_t crc, const void *data, size_t n)
{
#if VCI_HW_CRC
    if (vci_cpu_has_sse42())
        return crc_sse42(crc, data, n);
#endif
    return vci_crc32c_reference(crc, data, n);
}
