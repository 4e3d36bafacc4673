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
#include "modelfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned char *bytes = malloc(size);
    FZ_ASSERT(bytes);
    memcpy(bytes, data + 1, size - 1);
    if (data[0] & 1)
        mf_reseal(bytes, size - 1);
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
