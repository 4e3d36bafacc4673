/*
 * testutil.c - see testutil.h.
 */
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <stdatomic.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "testutil.h"

char *tu_mkdtemp(void)
{
    const char *base = getenv("TMPDIR");
    char tmpl[4096];
    snprintf(tmpl, sizeof tmpl, "%s/vcomm-test-XXXXXX", base && *base ? base : "/tmp");
    char *d = mkdtemp(tmpl);
    if (!d)
        fail_msg("mkdtemp failed");
    return strdup(d);
}

char *tu_path(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

char *tu_write(const char *dir, const char *name, const char *text, size_t n)
{
    char *p = tu_path(dir, name);
    FILE *f = fopen(p, "wb");
    if (!f)
        fail_msg("cannot write %s", p);
    size_t len = n == (size_t)-1 ? strlen(text) : n;
    if (fwrite(text, 1, len, f) != len)
        fail_msg("short write %s", p);
    fclose(f);
    return p;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

void tu_rmdir(char *dir, int own)
{
    if (dir)
        nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    if (own)
        free(dir);
}

const char *tu_shared_data(const char *sub)
{
    static char path[4096];
    const char *root = getenv("VCOMM_SHARED_DATA");
    snprintf(path, sizeof path, "%s/%s", root && *root ? root : SHARED_DATA_DIR, sub);
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
        printf("# skipping: %s is absent\n", path);
        return NULL;
    }
    return path;
}

/* ---- fingerprints --------------------------------------------------------- */

uint64_t tu_fp_bytes(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 1099511628211ULL;
    }
    return h;
}

static uint64_t fp_str(uint64_t h, const char *s)
{
    static const char none[] = "\x01(null)";
    return s ? tu_fp_bytes(h, s, strlen(s) + 1) : tu_fp_bytes(h, none, sizeof none);
}

static uint64_t fp_u64(uint64_t h, uint64_t v)
{
    return tu_fp_bytes(h, &v, sizeof v);
}

static uint64_t fp_f64(uint64_t h, double v)
{
    return tu_fp_bytes(h, &v, sizeof v);
}

atomic_long tu_fp_errors;

/* No cmocka failure here: fingerprints run on worker threads too. */
static void fp_ok(vc_status s, const char *what)
{
    if (s != VC_OK) {
        atomic_fetch_add(&tu_fp_errors, 1);
        fprintf(stderr, "fingerprint: %s failed (%d): %s\n", what, s, vc_last_error());
    }
}

uint64_t tu_fp_dataset(const vc_dataset *ds)
{
    uint64_t h = TU_FP_INIT;
    size_t nu = vc_dataset_user_count(ds), ni = vc_dataset_item_count(ds);
    size_t nt = vc_dataset_event_type_count(ds), na = vc_dataset_attr_count(ds);
    h = fp_u64(h, nu);
    h = fp_u64(h, ni);
    h = fp_u64(h, vc_dataset_event_count(ds));
    h = fp_str(h, vc_dataset_format(ds));
    for (size_t c = 0; c < vc_dataset_category_count(ds); c++)
        h = fp_str(h, vc_dataset_category_name(ds, c));
    for (size_t t = 0; t < nt; t++)
        h = fp_str(h, vc_dataset_event_type_name(ds, t));
    for (size_t a = 0; a < na; a++)
        h = fp_str(h, vc_dataset_attr_name(ds, a));
    int64_t first, last;
    fp_ok(vc_dataset_time_range(ds, &first, &last), "vc_dataset_time_range");
    h = fp_u64(h, (uint64_t)first);
    h = fp_u64(h, (uint64_t)last);
    for (size_t u = 0; u < nu; u++) {
        const char *id = vc_dataset_user_id(ds, u);
        size_t back = 0;
        fp_ok(vc_dataset_user_index(ds, id, &back), "vc_dataset_user_index");
        h = fp_u64(fp_str(h, id), back);
        for (size_t a = 0; a < na; a++)
            h = fp_str(h, vc_dataset_user_attr(ds, u, a));
        uint32_t label = 0;
        if (vc_dataset_planted_community(ds, u, &label) == VC_OK)
            h = fp_u64(h, label);
        for (size_t k = 0; k < vc_dataset_user_event_count(ds, u); k++) {
            size_t item, type;
            double value, amount;
            int64_t time;
            fp_ok(vc_dataset_user_event(ds, u, k, &item, &type, &value, &amount, &time),
                  "vc_dataset_user_event");
            h = fp_u64(fp_u64(h, item), type);
            h = fp_f64(fp_f64(h, value), amount);
            h = fp_u64(h, (uint64_t)time);
        }
    }
    for (size_t i = 0; i < ni; i++) {
        const char *id = vc_dataset_item_id(ds, i);
        size_t back = 0, count = 0;
        fp_ok(vc_dataset_item_index(ds, id, &back), "vc_dataset_item_index");
        h = fp_u64(fp_str(h, id), back);
        h = fp_str(h, vc_dataset_item_title(ds, i));
        h = fp_f64(h, vc_dataset_item_price(ds, i));
        h = fp_u64(h, vc_dataset_item_event_count(ds, i));
        uint32_t cats[64];
        vc_status s = vc_dataset_item_categories(ds, i, cats, 64, &count);
        if (s != VC_ERR_BUFFER)
            fp_ok(s, "vc_dataset_item_categories");
        h = tu_fp_bytes(fp_u64(h, count), cats, (count < 64 ? count : 64) * sizeof *cats);
    }
    return h;
}

uint64_t tu_fp_portraits(const vc_portraits *pt)
{
    uint64_t h = TU_FP_INIT;
    size_t nu = vc_portraits_user_count(pt), nc = vc_portraits_column_count(pt);
    h = fp_u64(fp_u64(h, nu), nc);
    for (size_t c = 0; c < nc; c++) {
        const char *layer, *group, *name;
        fp_ok(vc_portraits_column(pt, c, &layer, &group, &name), "vc_portraits_column");
        h = fp_str(fp_str(fp_str(h, layer), group), name);
    }
    float *row = malloc((nc ? nc : 1) * sizeof *row);
    if (!row)
        abort();
    for (size_t u = 0; u < nu; u++) {
        fp_ok(vc_portraits_row(pt, u, row, nc), "vc_portraits_row");
        h = tu_fp_bytes(h, row, nc * sizeof *row);
        fp_ok(vc_portraits_features(pt, u, row, nc), "vc_portraits_features");
        h = tu_fp_bytes(h, row, nc * sizeof *row);
        for (size_t k = 0; k < vc_portraits_tag_count(pt, u); k++) {
            const char *tag;
            float w;
            fp_ok(vc_portraits_tag(pt, u, k, &tag, &w), "vc_portraits_tag");
            h = tu_fp_bytes(fp_str(h, tag), &w, sizeof w);
        }
    }
    free(row);
    return h;
}

uint64_t tu_fp_communities(const vc_communities *cm)
{
    uint64_t h = TU_FP_INIT;
    const vc_portraits *pt = vc_communities_portraits(cm);
    size_t n = vc_communities_count(cm), nu = vc_portraits_user_count(pt);
    size_t nc = vc_portraits_column_count(pt), most = nu > n ? nu : n;
    h = fp_u64(fp_u64(h, n), vc_communities_global_count(cm));
    float *centroid = malloc((nc ? nc : 1) * sizeof *centroid);
    uint32_t *ids = malloc((most ? most : 1) * sizeof *ids);
    float *str = malloc((most ? most : 1) * sizeof *str);
    if (!centroid || !ids || !str)
        abort();
    for (size_t c = 0; c < n; c++) {
        h = fp_str(fp_str(h, vc_community_name(cm, c)), vc_community_topic(cm, c));
        h = fp_str(h, vc_community_persona(cm, c));
        h = fp_f64(fp_u64(h, vc_community_size(cm, c)), vc_community_silhouette(cm, c));
        size_t back = 0;
        fp_ok(vc_communities_find(cm, vc_community_name(cm, c), &back), "vc_communities_find");
        h = fp_u64(h, back);
        for (size_t k = 0; k < vc_community_tag_count(cm, c); k++) {
            const char *tag;
            float share;
            fp_ok(vc_community_tag(cm, c, k, &tag, &share), "vc_community_tag");
            h = tu_fp_bytes(fp_str(h, tag), &share, sizeof share);
        }
        size_t count = 0;
        fp_ok(vc_community_members(cm, c, ids, str, most, &count), "vc_community_members");
        h = tu_fp_bytes(fp_u64(h, count), ids, count * sizeof *ids);
        h = tu_fp_bytes(h, str, count * sizeof *str);
        fp_ok(vc_community_centroid(cm, c, centroid, nc), "vc_community_centroid");
        h = tu_fp_bytes(h, centroid, nc * sizeof *centroid);
    }
    for (size_t u = 0; u < nu; u++) {
        size_t count = 0;
        fp_ok(vc_user_communities(cm, u, ids, str, most, &count), "vc_user_communities");
        h = tu_fp_bytes(fp_u64(h, count), ids, count * sizeof *ids);
        h = tu_fp_bytes(h, str, count * sizeof *str);
    }
    free(centroid);
    free(ids);
    free(str);
    return h;
}

uint64_t tu_fp_recs(const vc_recs *r)
{
    uint64_t h = fp_u64(TU_FP_INIT, vc_recs_count(r));
    for (size_t k = 0; k < vc_recs_count(r); k++) {
        size_t id;
        double score;
        const char *reason;
        fp_ok(vc_recs_get(r, k, &id, &score, &reason), "vc_recs_get");
        h = fp_str(fp_f64(fp_u64(h, id), score), reason);
    }
    return h;
}

/* ---- the failing allocator ---------------------------------------------------- */

tu_fail_counter tu_fail;

/* True when this armed request is the one to fail. */
static int fail_now(void)
{
    return tu_fail.armed && ++tu_fail.requests == tu_fail.fail_at;
}

void *tu_fail_malloc(size_t n, void *ud)
{
    (void)ud;
    if (fail_now())
        return NULL;
    void *p = malloc(n);
    tu_fail.live += p != NULL;
    return p;
}

void *tu_fail_realloc(void *p, size_t n, void *ud)
{
    (void)ud;
    return fail_now() ? NULL : realloc(p, n);
}

void tu_fail_free(void *p, void *ud)
{
    (void)ud;
    tu_fail.live -= p != NULL;
    free(p);
}
