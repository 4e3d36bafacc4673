/*
 * fuzzutil.c - see fuzzutil.h. Shared by the libFuzzer targets and by the
 * gcc replay driver (replay.c), so the same checks run in both.
 */
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzzutil.h"

void fz_fail(const char *file, int line, const char *what)
{
    fprintf(stderr, "%s:%d: fuzz check failed: %s (last error: %s)\n", file, line, what,
            vc_last_error());
    abort();
}

/* ---- scratch directory ----------------------------------------------------- */

static char scratch[4096];

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void remove_scratch(void)
{
    if (scratch[0])
        nftw(scratch, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

const char *fz_dir(void)
{
    if (scratch[0])
        return scratch;
    const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : getenv("TMPDIR");
    snprintf(scratch, sizeof scratch, "%s/vcomm-fuzz-XXXXXX", base && *base ? base : "/tmp");
    if (!mkdtemp(scratch)) {
        perror("fuzz: mkdtemp");
        abort();
    }
    atexit(remove_scratch);
    return scratch;
}

static void write_file(const char *name, const uint8_t *p, size_t n)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", fz_dir(), name);
    FILE *f = fopen(path, "wb");
    if (!f || (n && fwrite(p, 1, n, f) != n) || fclose(f) != 0) {
        perror(path);
        abort();
    }
}

void fz_write_parts(const uint8_t *data, size_t size, const char *const *names,
                    size_t nnames)
{
    const size_t seplen = strlen(FZ_SEP);
    size_t k = 0, start = 0;
    for (size_t i = 0; k + 1 < nnames && i + seplen <= size; i++) {
        if (memcmp(data + i, FZ_SEP, seplen) == 0) {
            write_file(names[k++], data + start, i - start);
            start = i + seplen;
            i = start - 1;
        }
    }
    write_file(names[k++], data + start, size - start);
    for (; k < nnames; k++) {
        char path[4200];
        snprintf(path, sizeof path, "%s/%s", fz_dir(), names[k]);
        unlink(path);
    }
}

vc_options *fz_load_options(uint8_t flags, const char *format)
{
    vc_options *o = NULL;
    FZ_ASSERT(vc_options_new(&o) == VC_OK);
    FZ_ASSERT(vc_options_set_int(o, "threads", flags & 2 ? 2 : 1) == VC_OK);
    if (flags & 1)
        FZ_ASSERT(vc_options_set_string(o, "load.on_error", "skip") == VC_OK);
    if (flags & 4)
        FZ_ASSERT(vc_options_set_string(o, "load.format", format) == VC_OK);
    return o;
}

/* ---- walks ------------------------------------------------------------------ */

/* Inputs are small; walks stop here so a huge declared count stays cheap. */
#define WALK_MAX 2000

static size_t cap(size_t n)
{
    return n < WALK_MAX ? n : WALK_MAX;
}

void fz_walk_dataset(const vc_dataset *ds)
{
    size_t nu = vc_dataset_user_count(ds), ni = vc_dataset_item_count(ds);
    size_t ne = vc_dataset_event_count(ds), nc = vc_dataset_category_count(ds);
    size_t nt = vc_dataset_event_type_count(ds), na = vc_dataset_attr_count(ds);
    FZ_ASSERT(vc_dataset_format(ds) != NULL);
    FZ_ASSERT(nt >= 7);
    int64_t first = 0, last = 0;
    FZ_ASSERT(vc_dataset_time_range(ds, &first, &last) == VC_OK);
    FZ_ASSERT(first <= last);
    (void)vc_dataset_memory_bytes(ds);
    (void)vc_dataset_skipped_lines(ds);
    (void)vc_dataset_first_skip_reason(ds);
    (void)vc_dataset_dropped_rows(ds);
    for (size_t t = 0; t < nt; t++)
        FZ_ASSERT(vc_dataset_event_type_name(ds, t) != NULL);
    FZ_ASSERT(vc_dataset_event_type_name(ds, nt) == NULL);
    uint64_t *counts = calloc(nt, sizeof *counts);
    FZ_ASSERT(counts);
    FZ_ASSERT(vc_dataset_type_counts(ds, counts, nt) == VC_OK);
    uint64_t total = 0;
    for (size_t t = 0; t < nt; t++)
        total += counts[t];
    free(counts);
    FZ_ASSERT(total == ne);
    for (size_t a = 0; a < na; a++)
        FZ_ASSERT(vc_dataset_attr_name(ds, a) != NULL);
    for (size_t c = 0; c < cap(nc); c++) {
        const char *name = vc_dataset_category_name(ds, c);
        size_t back;
        FZ_ASSERT(name != NULL);
        FZ_ASSERT(vc_dataset_category_index(ds, name, &back) == VC_OK && back == c);
    }
    FZ_ASSERT(vc_dataset_category_name(ds, nc) == NULL);
    size_t events = 0;
    for (size_t u = 0; u < nu; u++) {
        size_t n = vc_dataset_user_event_count(ds, u);
        events += n;
        if (u >= WALK_MAX)
            continue;
        const char *id = vc_dataset_user_id(ds, u);
        size_t back;
        FZ_ASSERT(id != NULL);
        FZ_ASSERT(vc_dataset_user_index(ds, id, &back) == VC_OK && back == u);
        for (size_t a = 0; a < na; a++)
            (void)vc_dataset_user_attr(ds, u, a);
        int64_t prev = INT64_MIN;
        for (size_t k = 0; k < cap(n); k++) {
            size_t item, type;
            double value, amount;
            int64_t time;
            FZ_ASSERT(vc_dataset_user_event(ds, u, k, &item, &type, &value, &amount,
                                            &time) == VC_OK);
            FZ_ASSERT(item < ni && type < nt && isfinite(value) && isfinite(amount));
            FZ_ASSERT(time >= prev && time >= first && time <= last);
            prev = time;
        }
        FZ_ASSERT(vc_dataset_user_event(ds, u, n, NULL, NULL, NULL, NULL, NULL) ==
                  VC_ERR_RANGE);
    }
    FZ_ASSERT(events == ne);
    events = 0;
    for (size_t i = 0; i < ni; i++) {
        events += vc_dataset_item_event_count(ds, i);
        if (i >= WALK_MAX)
            continue;
        const char *id = vc_dataset_item_id(ds, i);
        size_t back, count = 0;
        FZ_ASSERT(id != NULL);
        FZ_ASSERT(vc_dataset_item_index(ds, id, &back) == VC_OK && back == i);
        (void)vc_dataset_item_title(ds, i);
        (void)vc_dataset_item_price(ds, i);
        uint32_t cats[64];
        vc_status s = vc_dataset_item_categories(ds, i, cats, 64, &count);
        FZ_ASSERT(s == VC_OK || (s == VC_ERR_BUFFER && count > 64));
        for (size_t k = 0; k < cap(count) && k < 64; k++)
            FZ_ASSERT(cats[k] < nc);
    }
    FZ_ASSERT(events == ne);
    FZ_ASSERT(vc_dataset_user_id(ds, nu) == NULL && vc_dataset_item_id(ds, ni) == NULL);
    uint32_t label;
    vc_status s = vc_dataset_planted_community(ds, 0, &label);
    FZ_ASSERT(s == VC_OK || s == VC_ERR_NOT_FOUND || s == VC_ERR_RANGE);
}

void fz_walk_portraits(const vc_portraits *pt)
{
    const vc_dataset *ds = vc_portraits_dataset(pt);
    size_t nu = vc_portraits_user_count(pt), nc = vc_portraits_column_count(pt);
    FZ_ASSERT(nu == vc_dataset_user_count(ds));
    float *row = malloc((nc ? nc : 1) * sizeof *row);
    FZ_ASSERT(row);
    for (size_t c = 0; c < nc; c++) {
        const char *layer, *group, *name;
        FZ_ASSERT(vc_portraits_column(pt, c, &layer, &group, &name) == VC_OK);
        FZ_ASSERT(layer && group && name);
    }
    for (size_t u = 0; u < cap(nu); u++) {
        FZ_ASSERT(vc_portraits_row(pt, u, row, nc) == VC_OK);
        FZ_ASSERT(vc_portraits_features(pt, u, row, nc) == VC_OK);
        for (size_t c = 0; c < nc; c++)
            FZ_ASSERT(isfinite(row[c]));
        size_t nt = vc_portraits_tag_count(pt, u);
        for (size_t k = 0; k < nt; k++) {
            const char *tag;
            float w;
            FZ_ASSERT(vc_portraits_tag(pt, u, k, &tag, &w) == VC_OK);
            FZ_ASSERT(tag != NULL && w > 0 && w <= 1.001f); /* float rounding */
        }
    }
    FZ_ASSERT(vc_portraits_row(pt, nu, row, nc) == VC_ERR_RANGE);
    free(row);
}

void fz_walk_communities(const vc_communities *cm)
{
    const vc_portraits *pt = vc_communities_portraits(cm);
    size_t n = vc_communities_count(cm), nu = vc_portraits_user_count(pt);
    size_t ncols = vc_portraits_column_count(pt);
    FZ_ASSERT(vc_communities_global_count(cm) <= n);
    float *centroid = malloc((ncols ? ncols : 1) * sizeof *centroid);
    uint32_t *ids = malloc((nu > n ? nu : n) * sizeof *ids + 4);
    float *str = malloc((nu > n ? nu : n) * sizeof *str + 4);
    FZ_ASSERT(centroid && ids && str);
    for (size_t c = 0; c < n; c++) {
        const char *name = vc_community_name(cm, c);
        FZ_ASSERT(name && vc_community_persona(cm, c));
        size_t back;
        FZ_ASSERT(vc_communities_find(cm, name, &back) == VC_OK);
        FZ_ASSERT(strcmp(vc_community_name(cm, back), name) == 0);
        (void)vc_community_topic(cm, c);
        FZ_ASSERT(vc_community_size(cm, c) <= nu);
        double sil = vc_community_silhouette(cm, c);
        FZ_ASSERT(isnan(sil) || (sil >= -1.001 && sil <= 1.001));
        for (size_t k = 0; k < vc_community_tag_count(cm, c); k++) {
            const char *tag;
            float share;
            FZ_ASSERT(vc_community_tag(cm, c, k, &tag, &share) == VC_OK && tag);
        }
        size_t count = 0;
        FZ_ASSERT(vc_community_members(cm, c, ids, str, nu, &count) == VC_OK);
        FZ_ASSERT(count <= nu);
        for (size_t k = 0; k < count; k++)
            FZ_ASSERT(ids[k] < nu && str[k] > 0 && str[k] <= 1.001f);
        FZ_ASSERT(vc_community_centroid(cm, c, centroid, ncols) == VC_OK);
    }
    for (size_t u = 0; u < cap(nu); u++) {
        size_t count = 0;
        FZ_ASSERT(vc_user_communities(cm, u, ids, str, n, &count) == VC_OK);
        FZ_ASSERT(count <= n);
        for (size_t k = 0; k < count; k++)
            FZ_ASSERT(ids[k] < n);
    }
    free(centroid);
    free(ids);
    free(str);
}

/* r is read after s was computed (not as another argument of one call). */
static void check_recs(vc_status s, vc_recs **rp, size_t bound, size_t n)
{
    vc_recs *r = *rp;
    FZ_ASSERT(s == VC_OK || vc_last_error()[0] != '\0');
    if (s != VC_OK) {
        FZ_ASSERT(r == NULL);
        return;
    }
    FZ_ASSERT(vc_recs_count(r) <= n);
    for (size_t k = 0; k < vc_recs_count(r); k++) {
        size_t id;
        double score;
        const char *reason;
        FZ_ASSERT(vc_recs_get(r, k, &id, &score, &reason) == VC_OK);
        FZ_ASSERT(id < bound && reason != NULL && !isnan(score));
    }
    vc_recs_free(r);
}

void fz_query(const vc_communities *cm)
{
    const vc_dataset *ds = vc_portraits_dataset(vc_communities_portraits(cm));
    size_t nu = vc_dataset_user_count(ds), ni = vc_dataset_item_count(ds);
    vc_options *o = NULL;
    FZ_ASSERT(vc_options_new(&o) == VC_OK);
    FZ_ASSERT(vc_options_set_int(o, "threads", 1) == VC_OK);
    for (size_t u = 0; u < nu && u < 3; u++) {
        vc_recs *r = NULL;
        uint32_t exclude = 0;
        vc_status s = vc_recommend(&r, cm, u, 5, &exclude, ni ? 1 : 0, o);
        check_recs(s, &r, ni, 5);
    }
    for (size_t i = 0; i < ni && i < 2; i++) {
        vc_recs *r = NULL;
        vc_status s = vc_target_item(&r, cm, i, 5, o);
        check_recs(s, &r, nu, 5);
    }
    for (size_t c = 0; c < vc_dataset_category_count(ds) && c < 2; c++) {
        vc_recs *r = NULL;
        vc_status s = vc_target_category(&r, cm, vc_dataset_category_name(ds, c), 5, o);
        check_recs(s, &r, nu, 5);
    }
    vc_options_free(o);
}

void fz_load_and_walk(const vc_options *opts, int deep)
{
    static int verbose = -1;
    if (verbose < 0)
        verbose = getenv("FZ_VERBOSE") != NULL;
    vc_dataset *ds = (vc_dataset *)&ds;
    vc_status s = vc_dataset_load(&ds, fz_dir(), opts);
    if (verbose)
        fprintf(stderr, "load: %d %s (%zu users, %zu events)\n", s, vc_last_error(),
                s == VC_OK ? vc_dataset_user_count(ds) : 0,
                s == VC_OK ? vc_dataset_event_count(ds) : 0);
    if (s != VC_OK) {
        FZ_ASSERT(ds == NULL && vc_last_error()[0] != '\0');
        return;
    }
    fz_walk_dataset(ds);
    vc_options *o = NULL;
    FZ_ASSERT(vc_options_new(&o) == VC_OK);
    FZ_ASSERT(vc_options_set_int(o, "threads", 1) == VC_OK);
    FZ_ASSERT(vc_options_set_int(o, "community.k", 2) == VC_OK);
    FZ_ASSERT(vc_options_set_int(o, "community.topic_k", 2) == VC_OK);
    FZ_ASSERT(vc_options_set_int(o, "community.min_members", 3) == VC_OK);
    FZ_ASSERT(vc_options_set_int(o, "community.max_topics", 2) == VC_OK);
    vc_portraits *pt = NULL;
    s = vc_portrait_build(&pt, ds, o);
    FZ_ASSERT(s == VC_OK || vc_last_error()[0] != '\0');
    if (s == VC_OK) {
        fz_walk_portraits(pt);
        vc_communities *cm = NULL;
        if (deep && (s = vc_cluster_run(&cm, pt, o)) == VC_OK) {
            fz_walk_communities(cm);
            fz_query(cm);
        }
        FZ_ASSERT(s == VC_OK || vc_last_error()[0] != '\0');
        vc_communities_free(cm);
    }
    vc_portraits_free(pt);
    vc_options_free(o);
    vc_dataset_free(ds);
}

void fz_run_loader(const uint8_t *data, size_t size, const char *const *names,
                   size_t nnames, const char *format, int mapping)
{
    if (size < 1)
        return;
    uint8_t flags = data[0];
    data++;
    size--;
    vc_options *o = fz_load_options(flags, format);
    if (flags & 16)
        FZ_ASSERT(vc_options_set_bool(o, "load.keep_cancellations", 1) == VC_OK);
    if (mapping) {
        const size_t seplen = strlen(FZ_SEP);
        size_t n = 0;
        while (n + seplen <= size && memcmp(data + n, FZ_SEP, seplen) != 0)
            n++;
        if (n + seplen > size)
            n = size;
        char *text = malloc(n + 1);
        FZ_ASSERT(text);
        memcpy(text, data, n);
        text[n] = '\0'; /* an embedded NUL ends the C string early: fine */
        vc_status s = vc_options_set_string(o, "load.columns", text);
        free(text);
        FZ_ASSERT(s == VC_OK);
        n = n + seplen <= size ? n + seplen : size;
        data += n;
        size -= n;
    }
    fz_write_parts(data, size, names, nnames);
    fz_load_and_walk(o, flags & 8);
    vc_options_free(o);
}
