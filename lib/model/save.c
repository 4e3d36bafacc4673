/*
 * save.c - vc_model_save: write the model file atomically (a temporary
 * file in the target's directory, then rename), sections 64-byte aligned,
 * each with its CRC-32C (format: model.h, docs/model-format.md).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "model.h"

typedef struct writer {
    FILE *f;
    const char *path;
    uint64_t pos;
} writer;

static vc_status put(writer *w, const void *p, size_t n)
{
    if (n && fwrite(p, 1, n, w->f) != n)
        return vci_error(VC_ERR_IO, "%s: write failed: %s", w->path, strerror(errno));
    w->pos += n;
    return VC_OK;
}

static vc_status pad(writer *w)
{
    static const unsigned char zeros[VCI_MODEL_ALIGN];
    size_t n = (size_t)((VCI_MODEL_ALIGN - w->pos % VCI_MODEL_ALIGN) % VCI_MODEL_ALIGN);
    return put(w, zeros, n);
}

/* All options as "name=value\n" lines. */
static vc_status options_text(const vc_options *opts, char **out, size_t *len)
{
    size_t cap = 0, n = 0;
    char *buf = NULL;
    for (size_t i = 0; i < vc_option_count(); i++) {
        const char *name;
        vc_option_info(i, &name, NULL, NULL, NULL);
        char value[1024];
        size_t need;
        vc_status s = vc_options_format(opts, name, value, sizeof value, &need);
        if (s == VC_ERR_BUFFER)
            continue; /* an option longer than 1 KiB is not kept */
        if (s == VC_OK)
            s = vci_reserve((void **)&buf, &cap, n + strlen(name) + need + 3, 1);
        if (s != VC_OK) {
            vci_free(buf);
            return s;
        }
        n += (size_t)sprintf(buf + n, "%s=%s\n", name, value);
    }
    *out = buf;
    *len = n;
    return VC_OK;
}

typedef struct entry {
    uint32_t id, crc;
    uint64_t offset, size, reserved;
} entry;

static vc_status write_all(writer *w, const vci_model_scalars *sc,
                           const vci_blob *b, size_t nb, const char *opt,
                           size_t optlen)
{
    size_t nsec = nb + 2; /* scalars, blobs, options */
    entry *tab = vci_calloc(nsec, sizeof *tab);
    if (!tab)
        return VC_ERR_NOMEM;
    uint64_t off = VCI_MODEL_ALIGN + ((nsec * sizeof *tab + VCI_MODEL_ALIGN - 1) /
                                      VCI_MODEL_ALIGN) * VCI_MODEL_ALIGN;
    for (size_t i = 0; i < nsec; i++) {
        const void *data = i == 0 ? (const void *)sc
                           : i <= nb ? *b[i - 1].ptr : (const void *)opt;
        uint64_t size = i == 0 ? sizeof *sc : i <= nb ? b[i - 1].elem * b[i - 1].count : optlen;
        tab[i] = (entry){(uint32_t)i, size ? vci_crc32c(0, data, size) : 0, off, size, 0};
        off += (size + VCI_MODEL_ALIGN - 1) / VCI_MODEL_ALIGN * VCI_MODEL_ALIGN;
    }
    unsigned char head[VCI_MODEL_ALIGN] = {0};
    uint32_t version = VCI_MODEL_VERSION, lib = vc_version(), endian = 0x01020304u;
    uint32_t n32 = (uint32_t)nsec;
    uint64_t table_off = VCI_MODEL_ALIGN;
    memcpy(head, VCI_MODEL_MAGIC, 8);
    memcpy(head + 8, &version, 4);
    memcpy(head + 12, &lib, 4);
    memcpy(head + 16, &endian, 4);
    memcpy(head + 20, &n32, 4);
    memcpy(head + 24, &off, 8);
    memcpy(head + 32, &table_off, 8);
    uint32_t crc = vci_crc32c(0, head, 40);
    memcpy(head + 40, &crc, 4);
    vc_status s = put(w, head, sizeof head);
    if (s == VC_OK)
        s = put(w, tab, nsec * sizeof *tab);
    for (size_t i = 0; i < nsec && s == VC_OK; i++) {
        s = pad(w);
        const void *data = i == 0 ? (const void *)sc
                           : i <= nb ? *b[i - 1].ptr : (const void *)opt;
        if (s == VC_OK)
            s = put(w, data, tab[i].size);
    }
    if (s == VC_OK)
        s = pad(w);
    vci_free(tab);
    return s;
}

VC_API vc_status vc_model_save(const vc_communities *cm, const char *path,
                               const vc_options *opts)
{
    vci_clear_error();
    VCI_REQUIRE(cm && path, "vc_model_save: NULL argument");
    const vci_rec_index *ix;
    VCI_CHECK(vci_rec_index_get(cm, opts, &ix));
    vci_model_scalars sc;
    vci_model_scalars_get(cm, ix, &sc);
    vci_blob *blobs = vci_calloc(VCI_MODEL_MAX_BLOBS, sizeof *blobs);
    if (!blobs)
        return VC_ERR_NOMEM;
    size_t nb = vci_model_layout((vc_communities *)cm, (vci_rec_index *)ix, &sc, blobs);
    char *opt = NULL;
    size_t optlen = 0;
    vc_status s = options_text(opts, &opt, &optlen);
    size_t plen = strlen(path);
    char *tmp = s == VC_OK ? vci_malloc(plen + 16) : NULL;
    if (s == VC_OK && !tmp)
        s = VC_ERR_NOMEM;
    int fd = -1;
    if (s == VC_OK) {
        memcpy(tmp, path, plen);
        memcpy(tmp + plen, ".tmp.XXXXXX", 12);
        fd = mkstemp(tmp);
        if (fd < 0)
            s = vci_error(VC_ERR_IO, "%s: cannot create: %s", path, strerror(errno));
    }
    writer w = {NULL, path, 0};
    if (s == VC_OK && !(w.f = fdopen(fd, "wb"))) {
        close(fd);
        s = vci_error(VC_ERR_IO, "%s: cannot write: %s", path, strerror(errno));
    }
    if (s == VC_OK)
        s = write_all(&w, &sc, blobs, nb, opt, optlen);
    if (w.f && fflush(w.f) != 0 && s == VC_OK)
        s = vci_error(VC_ERR_IO, "%s: write failed: %s", path, strerror(errno));
    if (w.f && fsync(fileno(w.f)) != 0 && s == VC_OK)
        s = vci_error(VC_ERR_IO, "%s: sync failed: %s", path, strerror(errno));
    if (w.f && fclose(w.f) != 0 && s == VC_OK)
        s = vci_error(VC_ERR_IO, "%s: write failed: %s", path, strerror(errno));
    if (s == VC_OK && rename(tmp, path) != 0)
        s = vci_error(VC_ERR_IO, "%s: cannot replace: %s", path, strerror(errno));
    if (s != VC_OK && tmp && fd >= 0)
        unlink(tmp);
    vci_free(tmp);
    vci_free(opt);
    vci_free(blobs);
    return s;
}
