/*
 * modelfile.c - see modelfile.h.
 */
#include <string.h>

#include "model.h"
#include "modelfile.h"

void mf_reseal(unsigned char *b, size_t n)
{
    if (n < VCI_MODEL_ALIGN || memcmp(b + MF_MAGIC, VCI_MODEL_MAGIC, 8) != 0)
        return;
    uint64_t size = n, table;
    uint32_t nsec;
    memcpy(b + MF_SIZE, &size, 8);
    memcpy(&nsec, b + MF_NSEC, 4);
    memcpy(&table, b + MF_TABLE, 8);
    if (table == VCI_MODEL_ALIGN && nsec <= VCI_MODEL_MAX_BLOBS + 2 &&
        table + (uint64_t)nsec * MF_ENTRY <= n) {
        for (uint32_t i = 0; i < nsec; i++) {
            unsigned char *e = b + table + (uint64_t)i * MF_ENTRY;
            uint64_t off, len;
            memcpy(&off, e + 8, 8);
            memcpy(&len, e + 16, 8);
            if (off <= n && len <= n - off) {
                uint32_t crc = len ? vci_crc32c(0, b + off, (size_t)len) : 0;
                memcpy(e + 4, &crc, 4);
            }
        }
    }
    uint32_t crc = vci_crc32c(0, b, MF_HEADER_CRC);
    memcpy(b + MF_HEADER_CRC, &crc, 4);
}

int mf_section(const unsigned char *b, size_t n, uint32_t i, uint64_t *offset,
               uint64_t *size)
{
    uint64_t table;
    uint32_t nsec;
    if (n < VCI_MODEL_ALIGN)
        return -1;
    memcpy(&nsec, b + MF_NSEC, 4);
    memcpy(&table, b + MF_TABLE, 8);
    if (i >= nsec || table + (uint64_t)(i + 1) * MF_ENTRY > n)
        return -1;
    memcpy(offset, b + table + (uint64_t)i * MF_ENTRY + 8, 8);
    memcpy(size, b + table + (uint64_t)i * MF_ENTRY + 16, 8);
    return 0;
}
