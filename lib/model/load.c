/*
 * load.c - vc_model_load: map the file, check the header, section table
 * and every section's CRC-32C, copy the sections into the structures,
 * check the invariants queries rely on (so that a file with valid
 * checksums but impossible contents still fails cleanly), and rebuild the
 * id maps.
 */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "model.h"

typedef struct entry {
    uint32_t id, crc;
    uint64_t offset, size, reserved;
} entry;

typedef struct file_view {
    const unsigned char *data;
    uint64_t size;
    const char *path;
    const entry *tab;
    uint32_t nsec;
} file_view;

static vc_status bad(const file_view *f, const char *what)
{
    return vci_error(VC_ERR_FORMAT, "%s: not a valid vcomm model: %s", f->path, what);
}

static bool section_crc_ok(const file_view *f, uint32_t i)
{
    const entry *e = &f->tab[i];
    return e->size == 0 || vci_crc32c(0, f->data + e->offset, e->size) == e->crc;
}

static vc_status crc_mismatch(const file_view *f, uint32_t i)
{
    return vci_error(VC_ERR_FORMAT, "%s: section %u checksum mismatch (corrupted)", f->path, i);
}

static vc_status check_header(file_view *f)
{
    if (f->size < VCI_MODEL_ALIGN || memcmp(f->data, VCI_MODEL_MAGIC, 8) != 0)
        return bad(f, "no model header (wrong file type?)");
    uint32_t version, endian, nsec, crc;
    uint64_t size, table;
    memcpy(&version, f->data + 8, 4);
    memcpy(&endian, f->data + 16, 4);
    memcpy(&nsec, f->data + 20, 4);
    memcpy(&size, f->data + 24, 8);
    memcpy(&table, f->data + 32, 8);
    memcpy(&crc, f->data + 40, 4);
    if (vci_crc32c(0, f->data, 40) != crc)
        return bad(f, "header checksum mismatch (corrupted)");
    if (endian != 0x01020304u)
        return vci_error(VC_ERR_UNSUPPORTED, "%s: model written on a host of other "
                         "byte order", f->path);
    if (version < VCI_MODEL_VERSION_MIN || version > VCI_MODEL_VERSION)
        return vci_error(VC_ERR_FORMAT, "%s: model format version %u, this library "
                         "reads versions %u to %u", f->path, version, VCI_MODEL_VERSION_MIN,
                         VCI_MODEL_VERSION);
    if (size != f->size)
        return vci_error(VC_ERR_FORMAT, "%s: truncated or extended model: %llu bytes, "
                         "header says %llu", f->path, (unsigned long long)f->size,
                         (unsigned long long)size);
    if (nsec < 2 || nsec > VCI_MODEL_MAX_BLOBS + 2 || table != VCI_MODEL_ALIGN ||
        table + (uint64_t)nsec * sizeof(entry) > f->size)
        return bad(f, "section table out of bounds");
    f->tab = (const entry *)(f->data + table);
    f->nsec = nsec;
    for (uint32_t i = 0; i < nsec; i++) {
        const entry *e = &f->tab[i];
        if (e->id != i || e->offset % VCI_MODEL_ALIGN || e->offset > f->size ||
            e->size > f->size - e->offset)
            return vci_error(VC_ERR_FORMAT, "%s: section %u out of bounds", f->path, i);
        /* the scalars (0) and the options (last) now; the blobs as they
         * are copied (copy_blobs) */
        if ((i == 0 || i + 1 == nsec) && !section_crc_ok(f, i))
            return crc_mismatch(f, i);
    }
    return VC_OK;
}

/* The blob sections are copied by the pool's workers, one section a task
 * (largest first), each checked against its CRC as it is copied: a piece
 * at a time, checksummed and then copied while it is still in cache, so
 * the file is read from memory once. A section whose CRC does not match
 * fails the load (its copy is freed with the rest). */
#define COPY_PIECE ((size_t)256 * 1024)
typedef struct copy_ctx {
    const file_view *f;
    const vci_blob *b;
    const uint32_t *order;   /* blob indexes, largest first */
    bool *crc_ok;            /* [nb] */
} copy_ctx;

static vc_status copy_task(void *ctx, size_t task, unsigned worker)
{
    (void)worker;
    const copy_ctx *c = ctx;
    uint32_t i = c->order[task];
    const entry *e = &c->f->tab[i + 1];
    if (e->size == 0)
        return VC_OK;
    const unsigned char *from = c->f->data + e->offset;
    unsigned char *to = *c->b[i].ptr;
    uint32_t crc = 0;
    for (size_t at = 0; at < e->size; at += COPY_PIECE) {
        size_t n = VCI_MIN(COPY_PIECE, (size_t)e->size - at);
        crc = vci_crc32c(crc, from + at, n);
        memcpy(to + at, from + at, n);
    }
    c->crc_ok[i] = crc == e->crc;
    return VC_OK;
}

static vc_status copy_blobs(const file_view *f, const vci_blob *b, size_t nb,
                            const vc_options *opts)
{
    if (f->nsec != nb + 2)
        return bad(f, "unexpected number of sections");
    for (size_t i = 0; i < nb; i++) {
        const entry *e = &f->tab[i + 1];
        size_t bytes;
        if (b[i].count > SIZE_MAX || !vci_mul_ok((size_t)b[i].count, b[i].elem, &bytes) ||
            bytes != e->size)
            return vci_error(VC_ERR_FORMAT, "%s: section %zu has %llu bytes, expected "
                             "%llu x %zu", f->path, i + 1, (unsigned long long)e->size,
                             (unsigned long long)b[i].count, b[i].elem);
    }
    /* allocate every blob (freed with the structures they go into on
     * error), then copy and check them in parallel */
    for (size_t i = 0; i < nb; i++) {
        if (b[i].count == 0)
            continue;
        size_t alloc = (size_t)f->tab[i + 1].size;
        if (b[i].room && !vci_mul_ok(vci_ev_room((size_t)b[i].count), b[i].elem, &alloc))
            return VC_ERR_NOMEM;
        void *p = b[i].aligned ? vci_aligned_calloc(b[i].count, b[i].elem)
                               : vci_malloc(alloc);
        if (!p)
            return VC_ERR_NOMEM;
        *b[i].ptr = p;
    }
    uint32_t *order = vci_calloc(nb + 1, sizeof *order);
    bool *crc_ok = vci_calloc(nb + 1, sizeof *crc_ok);
    vci_pool *pool = NULL;
    vc_status s = order && crc_ok ? vci_pool_for_options(&pool, opts) : VC_ERR_NOMEM;
    if (s == VC_OK) {
        for (uint32_t i = 0; i < nb; i++)
            order[i] = i;
        for (size_t i = 1; i < nb; i++) /* insertion sort by size, largest first */
            for (size_t j = i; j > 0 && f->tab[order[j] + 1].size >
                                            f->tab[order[j - 1] + 1].size; j--) {
                uint32_t t = order[j];
                order[j] = order[j - 1];
                order[j - 1] = t;
            }
        copy_ctx c = {f, b, order, crc_ok};
        s = vci_parallel_for(pool, nb, copy_task, &c, NULL);
    }
    for (size_t i = 0; s == VC_OK && i < nb; i++)
        if (f->tab[i + 1].size && !crc_ok[i])
            s = crc_mismatch(f, (uint32_t)i + 1);
    vci_pool_free(pool);
    vci_free(order);
    vci_free(crc_ok);
    return s;
}

/* ---- invariants ----------------------------------------------------------- */

static bool str_ok(const vci_strpool *pool, size_t off)
{
    if (off == 0)
        return true;
    if (off < 1 + sizeof(uint32_t) || off >= pool->len)
        return false;
    uint32_t n = vci_strpool_strlen(pool, off);
    /* whole as a C string: terminated, and no NUL inside */
    return n < pool->len - off && pool->data[off + n] == '\0' &&
           memchr(pool->data + off, '\0', n) == NULL;
}

static bool strs_ok(const vci_strpool *pool, const size_t *offs, uint64_t n)
{
    for (uint64_t i = 0; i < n; i++)
        if (!str_ok(pool, offs[i]))
            return false;
    return true;
}

static bool present(const size_t *offs, uint64_t n)
{
    for (uint64_t i = 0; i < n; i++)
        if (offs[i] == 0)
            return false;
    return true;
}

/* CSR starts: s[0] = 0, non-decreasing, s[n] = total. */
#define DEFINE_CSR_OK(T)                                               \
    static bool csr_ok_##T(const T *s, uint64_t n, uint64_t total)     \
    {                                                                  \
        if (!s || s[0] != 0 || s[n] != total)                          \
            return false;                                              \
        for (uint64_t i = 0; i < n; i++)                               \
            if (s[i] > s[i + 1])                                       \
                return false;                                          \
        return true;                                                   \
    }
DEFINE_CSR_OK(uint32_t)
DEFINE_CSR_OK(uint64_t)

static bool below(const uint32_t *v, uint64_t n, uint64_t bound)
{
    for (uint64_t i = 0; i < n; i++)
        if (v[i] >= bound)
            return false;
    return true;
}

static bool finite_all(const float *v, uint64_t n)
{
    for (uint64_t i = 0; i < n; i++)
        if (!isfinite(v[i]))
            return false;
    return true;
}

static bool finite_doubles(const double *v, uint64_t n)
{
    for (uint64_t i = 0; i < n; i++)
        if (!isfinite(v[i]))
            return false;
    return true;
}

/* All in [lo, hi] (so finite). */
static bool within_all(const float *v, uint64_t n, float lo, float hi)
{
    for (uint64_t i = 0; i < n; i++)
        if (!(v[i] >= lo && v[i] <= hi))
            return false;
    return true;
}

/* Shares, weights and strengths are at most 1, up to float rounding. */
#define UNIT_MAX 1.001f

/* Weights and strengths are in (0, 1]. */
static bool unit_all(const float *v, uint64_t n)
{
    for (uint64_t i = 0; i < n; i++)
        if (!(v[i] > 0 && v[i] <= UNIT_MAX))
            return false;
    return true;
}

/* The numbers queries compute with: finite, and in range where the API
 * promises a range (a file can carry valid checksums over any bytes). */
static bool numbers_ok(const vc_communities *cm, const vci_rec_index *ix,
                       const vci_model_links *links)
{
    const vc_portraits *pt = cm->pt;
    const vc_dataset *ds = pt->ds;
    uint64_t nu = ds->nusers, ni = ds->nitems, ne = ds->nevents;
    uint64_t ml = links->members, cells = (uint64_t)cm->ncomm * ni;
    bool ok = finite_all(ds->ev_value, ne) &&
              (!ds->ev_amount || finite_all(ds->ev_amount, ne)) &&
              finite_all(pt->raw, nu * pt->ncols) && finite_all(pt->feat, nu * pt->stride) &&
              finite_all(pt->col_mean, pt->ncols) && finite_all(pt->col_std, pt->ncols) &&
              unit_all(pt->tag_weight, links->tags) &&
              finite_all(cm->centroid_raw, (uint64_t)cm->ncomm * cm->ncols) &&
              finite_all(cm->centroid_feat, (uint64_t)cm->ncomm * cm->stride) &&
              unit_all(cm->mem_strength, ml) && unit_all(cm->comm_strength, ml) &&
              finite_all(cm->tag_weight, cm->ntag);
    for (uint32_t c = 0; ok && c < cm->ncomm; c++) {
        float sil = cm->comm[c].silhouette, share = cm->comm[c].share;
        float temp = cm->comm[c].temperature;
        ok = (isnan(sil) || (sil >= -UNIT_MAX && sil <= UNIT_MAX)) && share >= 0 &&
             share <= UNIT_MAX && isfinite(temp) && temp > 0;
    }
    if (ok && ix) /* popularity is a share of members; scores and norms >= 0 */
        ok = within_all(ix->score, cells, 0, FLT_MAX) && within_all(ix->pop, cells, 0, UNIT_MAX) &&
             (!ix->mean || finite_all(ix->mean, cells)) &&
             within_all(ix->user_norm, nu, 0, FLT_MAX) &&
             within_all(ix->item_pop, ni, 0, FLT_MAX) &&
             (!ix->pop_sum || finite_all(ix->pop_sum, cells)) &&
             (!ix->rate_sum || finite_all(ix->rate_sum, cells)) &&
             (!ix->weight_sum || finite_all(ix->weight_sum, cells)) &&
             (!ix->total || finite_doubles(ix->total, cm->ncomm));
    return ok;
}

/* Event times: time_base <= time_last, at most 2^32 - 1 seconds apart (so
 * time_base + ev_time cannot overflow), every time inside that span, each
 * user's events in time order. */
static bool times_ok(const vc_dataset *ds)
{
    if (ds->nevents == 0)
        return true;
    if (ds->time_last < ds->time_base ||
        (uint64_t)ds->time_last - (uint64_t)ds->time_base > UINT32_MAX)
        return false;
    uint64_t span = (uint64_t)ds->time_last - (uint64_t)ds->time_base;
    for (uint32_t u = 0; u < ds->nusers; u++)
        for (uint64_t e = ds->user_start[u]; e < ds->user_start[u + 1]; e++)
            if (ds->ev_time[e] > span ||
                (e > ds->user_start[u] && ds->ev_time[e] < ds->ev_time[e - 1]))
                return false;
    return true;
}

/* The by-item index lists each item's own events; the per-type counts
 * add up the events' types (one type for all when ev_type is absent). */
static bool event_index_ok(const vc_dataset *ds)
{
    for (uint32_t i = 0; i < ds->nitems; i++)
        for (uint64_t k = ds->item_start[i]; k < ds->item_start[i + 1]; k++)
            if (ds->ev_item[ds->item_events[k]] != i)
                return false;
    uint64_t count[256] = {0}; /* ntypes <= 256 (scalars) */
    if (ds->ev_type) {
        for (uint64_t e = 0; e < ds->nevents; e++)
            count[ds->ev_type[e]]++; /* ev_type[e] < ntypes: checked */
    } else if (ds->nevents) {
        count[ds->ev_single_type] = ds->nevents;
    }
    for (uint32_t t = 0; t < ds->ntypes; t++)
        if (ds->type_count[t] != count[t])
            return false;
    return true;
}

/* Indices in range, strings inside their pools, CSR starts non-decreasing
 * and ending at the length of the array they index (links). */
static vc_status check_invariants(const file_view *f, const vc_communities *cm,
                                  const vci_rec_index *ix, const vci_model_links *links)
{
    const vc_portraits *pt = cm->pt;
    const vc_dataset *ds = pt->ds;
    const vci_topics *tp = &pt->topics;
    uint64_t nu = ds->nusers, ni = ds->nitems, ne = ds->nevents;
    bool ok = strs_ok(&ds->strings, &ds->first_skip, 1) &&
              strs_ok(&ds->strings, ds->user_key, nu) &&
              strs_ok(&ds->strings, ds->item_key, ni) &&
              strs_ok(&ds->strings, ds->item_title, ni) &&
              strs_ok(&ds->strings, ds->attr_name, ds->nattrs) &&
              strs_ok(&ds->strings, ds->user_attr, nu * ds->nattrs) &&
              strs_ok(&ds->strings, ds->cat_name, ds->ncats) &&
              strs_ok(&ds->strings, ds->type_name, ds->ntypes) &&
              csr_ok_uint64_t(ds->user_start, nu, ne) &&
              csr_ok_uint64_t(ds->item_start, ni, ne) &&
              below(ds->ev_item, ne, ni) && below(ds->item_events, ne, ne) &&
              csr_ok_uint32_t(ds->item_cat_start, ni, links->cats) &&
              below(ds->item_cats, links->cats, ds->ncats);
    ok = ok && times_ok(ds);
    for (uint64_t e = 0; ok && ds->ev_type && e < ne; e++)
        ok = ds->ev_type[e] < ds->ntypes;
    ok = ok && event_index_ok(ds);
    /* keys and names must be present (offset 0 means none) */
    ok = ok && present(ds->user_key, nu) && present(ds->item_key, ni) &&
         present(ds->attr_name, ds->nattrs) && present(ds->cat_name, ds->ncats) &&
         present(ds->type_name, ds->ntypes) && present(tp->name, tp->ntopics) &&
         present(pt->tag_name, pt->ntags);
    ok = ok && strs_ok(tp->pool, tp->name, tp->ntopics) &&
         csr_ok_uint32_t(tp->item_start, ni, links->topics) &&
         below(tp->item_topic, links->topics, tp->ntopics) &&
         strs_ok(&pt->tag_names, pt->tag_name, pt->ntags) &&
         csr_ok_uint32_t(pt->tag_start, nu, links->tags) &&
         below(pt->tag_id, links->tags, pt->ntags);
    for (uint32_t c = 0; ok && c < pt->ncols; c++)
        ok = pt->schema.cols[c].layer <= VCI_LAYER_PREDICTIVE &&
             str_ok(&pt->schema.strings, pt->schema.cols[c].group) &&
             str_ok(&pt->schema.strings, pt->schema.cols[c].name) &&
             pt->schema.cols[c].group && pt->schema.cols[c].name;
    uint64_t ml = links->members;
    ok = ok && csr_ok_uint32_t(cm->mem_start, nu, ml) &&
         csr_ok_uint32_t(cm->comm_start, cm->ncomm, ml) &&
         below(cm->mem_comm, ml, cm->ncomm) && below(cm->comm_user, ml, nu) &&
         below(cm->tag_id, cm->ntag, pt->ntags);
    for (uint32_t c = 0; ok && c < cm->ncomm; c++) {
        const vci_community *k = &cm->comm[c];
        ok = (k->topic == UINT32_MAX || k->topic < tp->ntopics) && k->name && k->persona &&
             str_ok(&cm->strings, k->name) && str_ok(&cm->strings, k->persona) &&
             k->tag_begin <= k->tag_end && k->tag_end <= cm->ntag &&
             k->size <= cm->comm_start[c + 1] - cm->comm_start[c];
    }
    if (ok && !numbers_ok(cm, ix, links))
        return bad(f, "non-finite or out-of-range numbers");
    return ok ? VC_OK : bad(f, "inconsistent contents");
}

/* ---- assembling ------------------------------------------------------------ */

/* Put every key of strings at offs[0..n) into map, each once. */
static vc_status map_keys(const file_view *f, vci_idmap *map, const vci_strpool *strings,
                          const size_t *offs, uint32_t n, const char *what)
{
    VCI_CHECK(vci_idmap_reserve(map, n));
    for (uint32_t i = 0; i < n; i++) {
        uint32_t stored;
        bool added;
        VCI_CHECK(vci_idmap_get_or_add(map, vci_strpool_str(strings, offs[i]),
                                       vci_strpool_strlen(strings, offs[i]), i, &stored,
                                       NULL, &added));
        if (!added)
            return vci_error(VC_ERR_FORMAT, "%s: not a valid vcomm model: %s '%s' is "
                             "there twice", f->path, what, vci_strpool_str(strings, offs[i]));
    }
    return VC_OK;
}

static vc_status rebuild_maps(const file_view *f, vc_dataset *ds)
{
    VCI_CHECK(map_keys(f, &ds->user_map, &ds->strings, ds->user_key, ds->nusers, "user id"));
    VCI_CHECK(map_keys(f, &ds->item_map, &ds->strings, ds->item_key, ds->nitems, "item id"));
    return map_keys(f, &ds->cat_map, &ds->strings, ds->cat_name, ds->ncats, "category");
}

static vc_status read_options(const file_view *f, vc_options *opts)
{
    const entry *e = &f->tab[f->nsec - 1];
    const char *p = (const char *)f->data + e->offset, *end = p + e->size;
    char line[1400];
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = (size_t)((nl ? nl : end) - p);
        if (n < sizeof line) {
            memcpy(line, p, n);
            line[n] = '\0';
            /* options unknown to this library version are ignored */
            vc_status s = vc_options_set_pair(opts, line);
            if (s == VC_ERR_NOMEM)
                return s;
        }
        p += n + 1;
    }
    vci_clear_error();
    return VC_OK;
}

vc_status vci_model_assemble(vc_model *m, const unsigned char *data,
                             uint64_t size, const char *path, const vc_options *opts)
{
    file_view f = {data, size, path, NULL, 0};
    VCI_CHECK(check_header(&f));
    const entry *e0 = &f.tab[0];
    vci_model_scalars sc;
    if (e0->size != sizeof sc)
        return bad(&f, "scalar section has the wrong size");
    memcpy(&sc, data + e0->offset, sizeof sc);
    vc_communities *cm = m->cm;
    vci_rec_index *ix = vci_model_has_index(&sc) ? vci_calloc(1, sizeof *ix) : NULL;
    if (vci_model_has_index(&sc) && !ix)
        return VC_ERR_NOMEM;
    vci_model_links links = vci_model_links_of(&sc);
    vci_blob *blobs = vci_calloc(VCI_MODEL_MAX_BLOBS, sizeof *blobs);
    vc_status s = blobs ? vci_model_scalars_set(cm, ix, &sc) : VC_ERR_NOMEM;
    if (s == VC_ERR_FORMAT) /* name the file, as every other format error */
        s = vci_error_prefix(s, path);
    if (s == VC_OK)
        s = copy_blobs(&f, blobs, vci_model_layout(cm, ix, &sc, blobs), opts);
    if (s == VC_OK) { /* the room the layout gave the arrays that grow in place */
        m->ds->ev_cap = vci_ev_room(m->ds->nevents);
        m->pt->tag_room = m->pt->tag_id ? vci_ev_room((size_t)links.tags) : 0;
        cm->mem_room = cm->mem_comm ? vci_ev_room((size_t)links.members) : 0;
    }
    if (ix) { /* hand the index to the communities: freed with them */
        cm->lazy_free = vci_rec_index_free;
        cm->lazy_refit = vci_rec_index_refit;
        atomic_store(&cm->lazy_index, ix);
    }
    if (s == VC_OK)
        s = check_invariants(&f, cm, ix, &links);
    if (s == VC_OK)
        s = rebuild_maps(&f, m->ds);
    if (s == VC_OK)
        s = read_options(&f, m->opts);
    if (s == VC_OK) /* what the feature rows were standardised with */
        m->pt->z_clip = vci_opt_float(m->opts, VCI_OPT_PORTRAIT_Z_CLIP);
    vci_free(blobs);
    return s;
}

vc_status vci_model_map(const char *path, const unsigned char **data,
                        uint64_t *size)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return vci_error(VC_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return vci_error(VC_ERR_IO, "%s: not a regular file", path);
    }
    if (st.st_size == 0) {
        close(fd);
        return vci_error(VC_ERR_FORMAT, "%s: empty file, not a vcomm model", path);
    }
    void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (p == MAP_FAILED)
        return vci_error(VC_ERR_IO, "%s: cannot map: %s", path, strerror(errno));
    *data = p;
    *size = (uint64_t)st.st_size;
    return VC_OK;
}
