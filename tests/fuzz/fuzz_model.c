/*
 * fuzz_model.c - libFuzzer target: vc_model_load on a model file. Input: a
 * mode byte, then the file's bytes. Mode bit 0 set: before writing, the
 * file's total size field, every in-bounds section CRC-32C and the header
 * CRC are recomputed, so mutations reach the section-size and invariant
 * checks behind the checksums instead of stopping at them; bit 0 clear:
 * the bytes are written as they are (checksum, magic and version paths).
 * Invariants: a load either fails with VC_ERR_FORMAT / VC_ERR_UNSUPPORTED /
 * VC_ERR_NOMEM and a message, or gives a model whose every accessor and
 * query keeps its promises (fuzzutil.c walks); nothing leaks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzzutil.h"
#include "model.h"

static void put32(unsigned char *p, uint32_t v)
{
    memcpy(p, &v, 4);
}

/* Recompute size, section and header checksums where the table allows. */
static void fix_checksums(unsigned char *b, size_t n)
{
    if (n < VCI_MODEL_ALIGN || memcmp(b, VCI_MODEL_MAGIC, 8) != 0)
        return;
    uint64_t size = n, table;
    uint32_t nsec;
    memcpy(b + 24, &size, 8);
    memcpy(&nsec, b + 20, 4);
    memcpy(&table, b + 32, 8);
    if (table == VCI_MODEL_ALIGN && nsec <= VCI_MODEL_MAX_BLOBS + 2 &&
        table + (uint64_t)nsec * 32 <= n) {
        for (uint32_t i = 0; i < nsec; i++) {
            unsigned char *e = b + table + (uint64_t)i * 32;
            uint64_t off, len;
            memcpy(&off, e + 8, 8);
            memcpy(&len, e + 16, 8);
            if (off <= n && len <= n - off)
                put32(e + 4, len ? vci_crc32c(0, b + off, (size_t)len) : 0);
        }
    }
    put32(b + 40, vci_crc32c(0, b, 40));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned char *bytes = malloc(size);
    FZ_ASSERT(bytes);
    memcpy(bytes, data + 1, size - 1);
    if (data[0] & 1)
        fix_checksums(bytes, size - 1);
    static const char *const names[] = {"model.vcm"};
    fz_write_parts(bytes, size - 1, names, 1);
    free(bytes);
    char path[4200];
    snprintf(path, sizeof path, "%s/model.vcm", fz_dir());
    vc_model *m = (vc_model *)&m;
    vc_status s = vc_model_load(&m, path, NULL);
    if (s != VC_OK) {
        FZ_ASSERT(m == NULL && vc_last_error()[0] != '\0');
        FZ_ASSERT(s == VC_ERR_FORMAT || s == VC_ERR_UNSUPPORTED || s == VC_ERR_NOMEM);
        return 0;
    }
    FZ_ASSERT(vc_model_options(m) != NULL);
    fz_walk_dataset(vc_model_dataset(m));
    fz_walk_portraits(vc_model_portraits(m));
    fz_walk_communities(vc_model_communities(m));
    fz_query(vc_model_communities(m));
    vc_model_free(m);
    return 0;
}
