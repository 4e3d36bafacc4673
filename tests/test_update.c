/*
 * test_update.c - the feedback loop: vc_dataset_append, vc_portrait_update,
 * vc_cluster_assign / vc_cluster_refresh, the drift report and
 * vc_model_update.
 *  - portraits updated after appending the last 5% of the events equal a
 *    full rebuild on the union (raw values to float rounding);
 *  - assignment keeps untouched users' memberships, agrees with the
 *    rebuild's segments (ARI), and refitted recommendations stay close;
 *  - a planted shift (a group taking another community's taste) is found
 *    by the drift report;
 *  - a model updated in memory and the same model saved and loaded give
 *    identical recommendations; a malformed events file changes nothing;
 *  - queries on stale state fail with VC_ERR_STATE instead of reading
 *    past arrays;
 *  - an update that adds users and items (rows grown in place) equals a
 *    rebuild on the same data set, and one failing at any allocation
 *    leaves the portraits exactly as they were.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sys/stat.h>

#include "community.h"
#include "dataset.h"
#include "fixtures.h"
#include "recommend.h"
#include "testutil.h"

/* A synthetic data set written as ML-1M into dir/full, and the same with
 * its ratings split by time into dir/base (the first share) and the file
 * dir/new.dat (the rest). */
typedef struct split_data {
    char *dir, *full, *base, *newfile;
} split_data;

typedef struct rating_line { long long t; char *text; } rating_line;

static int by_time(const void *a, const void *b)
{
    const rating_line *x = a, *y = b;
    return (x->t > y->t) - (x->t < y->t);
}

static char *read_all(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)len + 1);
    assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
    buf[len] = 0;
    fclose(f);
    *n = (size_t)len;
    return buf;
}

static void copy_file(const char *from_dir, const char *to_dir, const char *name)
{
    char *src = tu_path(from_dir, name);
    size_t n;
    char *text = read_all(src, &n);
    free(tu_write(to_dir, name, text, n));
    free(text);
    free(src);
}

static void make_split(split_data *sp, int users, double base_share)
{
    sp->dir = tu_mkdtemp();
    sp->full = tu_path(sp->dir, "full");
    sp->base = tu_path(sp->dir, "base");
    sp->newfile = tu_path(sp->dir, "new.dat");
    vc_dataset *ds = fixture_synth(users, 6, 11);
    assert_int_equal(vc_dataset_write_ml1m(ds, sp->full), VC_OK);
    vc_dataset_free(ds);
    assert_int_equal(mkdir(sp->base, 0700), 0);
    copy_file(sp->full, sp->base, "users.dat");
    copy_file(sp->full, sp->base, "movies.dat");
    char *rpath = tu_path(sp->full, "ratings.dat");
    size_t n;
    char *text = read_all(rpath, &n);
    size_t cap = 1024, count = 0;
    rating_line *lines = malloc(cap * sizeof *lines);
    for (char *p = text, *nl; *p; p = nl + 1) {
        nl = strchr(p, '\n');
        *nl = 0;
        if (count == cap)
            lines = realloc(lines, (cap *= 2) * sizeof *lines);
        const char *last = strrchr(p, ':');
        lines[count++] = (rating_line){atoll(last + 1), p};
    }
    qsort(lines, count, sizeof *lines, by_time);
    size_t cut = (size_t)(base_share * (double)count);
    char *out = malloc(n + count + 1);
    size_t len = 0;
    for (size_t i = 0; i < cut; i++)
        len += (size_t)sprintf(out + len, "%s\n", lines[i].text);
    free(tu_write(sp->base, "ratings.dat", out, len));
    len = 0;
    for (size_t i = cut; i < count; i++)
        len += (size_t)sprintf(out + len, "%s\n", lines[i].text);
    free(tu_write(sp->dir, "new.dat", out, len));
    free(out);
    free(lines);
    free(text);
    free(rpath);
}

static void free_split(split_data *sp)
{
    free(sp->full);
    free(sp->base);
    free(sp->newfile);
    tu_rmdir(sp->dir, 1);
}

typedef struct built {
    vc_dataset *ds;
    vc_portraits *pt;
    vc_communities *cm;
} built;

static void build(built *b, const char *path, const vc_options *o)
{
    assert_int_equal(vc_dataset_load(&b->ds, path, o), VC_OK);
    assert_int_equal(vc_portrait_build(&b->pt, b->ds, o), VC_OK);
    assert_int_equal(vc_cluster_run(&b->cm, b->pt, o), VC_OK);
}

static void unbuild(built *b)
{
    vc_communities_free(b->cm);
    vc_portraits_free(b->pt);
    vc_dataset_free(b->ds);
}

static uint32_t hard_global(const vc_communities *cm, size_t u)
{
    uint32_t comms[256];
    float str[256];
    size_t count;
    assert_int_equal(vc_user_communities(cm, u, comms, str, 256, &count), VC_OK);
    for (size_t j = 0; j < count; j++)
        if (comms[j] < vc_communities_global_count(cm))
            return comms[j];
    return UINT32_MAX;
}

/* Portraits after append + update equal a rebuild on the union. */
static void test_portraits_equal_rebuild(void **state)
{
    (void)state;
    split_data sp;
    make_split(&sp, 500, 0.95);
    vc_options *o = fixture_tiny_options();
    built inc, full;
    build(&inc, sp.base, o);
    build(&full, sp.full, o);
    size_t before = vc_dataset_event_count(inc.ds), added = 0, updated = 0;
    assert_int_equal(vc_dataset_append(inc.ds, sp.newfile, o, &added), VC_OK);
    assert_int_equal(vc_dataset_event_count(inc.ds), before + added);
    assert_int_equal(vc_dataset_event_count(inc.ds), vc_dataset_event_count(full.ds));
    /* stale portraits refuse to serve */
    vc_recs *r = NULL;
    assert_int_equal(vc_recommend(&r, inc.cm, 0, 10, NULL, 0, o), VC_ERR_STATE);
    assert_int_equal(vc_portrait_update(inc.pt, o, &updated), VC_OK);
    assert_true(updated > 0 && updated < vc_dataset_user_count(inc.ds));
    assert_int_equal(vc_recommend(&r, inc.cm, 0, 10, NULL, 0, o), VC_ERR_STATE);

    size_t nu = vc_portraits_user_count(full.pt), nc = vc_portraits_column_count(full.pt);
    assert_int_equal(vc_portraits_user_count(inc.pt), nu);
    assert_int_equal(vc_portraits_column_count(inc.pt), nc);
    float *a = malloc(nc * sizeof *a), *b = malloc(nc * sizeof *b);
    /* exact but for float rounding, except the rating deviations of
     * untouched users, shrunk toward the population's as it was when they
     * were computed (docs/incremental.md) */
    double worst = 0, worst_rating = 0;
    for (size_t u = 0; u < nu; u++) {
        assert_int_equal(vc_portraits_row(inc.pt, u, a, nc), VC_OK);
        assert_int_equal(vc_portraits_row(full.pt, u, b, nc), VC_OK);
        for (size_t c = 0; c < nc; c++) {
            double d = fabs((double)a[c] - b[c]) / (1 + fabs((double)b[c]));
            const char *group;
            assert_int_equal(vc_portraits_column(full.pt, c, NULL, &group, NULL), VC_OK);
            if (strcmp(group, "category_rating") == 0)
                worst_rating = fmax(worst_rating, fabs((double)a[c] - b[c]));
            else
                worst = fmax(worst, d);
        }
    }
    assert_true(worst < 1e-4);
    assert_true(worst_rating < 0.02);
    /* tags come from the same rows (thresholds against the build's
     * population means): nearly all the same */
    size_t same_tags = 0;
    for (size_t u = 0; u < nu; u++)
        same_tags += vc_portraits_tag_count(inc.pt, u) == vc_portraits_tag_count(full.pt, u);
    assert_true(same_tags >= nu * 95 / 100);

    /* communities: untouched users keep their memberships exactly */
    uint32_t *keep = malloc(nu * sizeof *keep);
    for (size_t u = 0; u < nu; u++)
        keep[u] = hard_global(inc.cm, u);
    size_t assigned = 0;
    assert_int_equal(vc_cluster_assign(inc.cm, o, &assigned), VC_OK);
    assert_int_equal(assigned, updated);
    size_t same = 0;
    for (size_t u = 0; u < nu; u++)
        same += hard_global(inc.cm, u) == keep[u];
    assert_true(same >= nu - assigned);
    /* and the segments agree with the rebuild's */
    uint32_t *x = malloc(nu * sizeof *x), *y = malloc(nu * sizeof *y);
    for (size_t u = 0; u < nu; u++) {
        x[u] = hard_global(inc.cm, u);
        y[u] = hard_global(full.cm, u);
    }
    double ari;
    assert_int_equal(vc_score_ari(x, y, nu, &ari), VC_OK);
    assert_true(ari > 0.9);
    /* serving works again, and top-10 lists mostly agree with the rebuild */
    size_t overlap = 0, total = 0;
    for (size_t u = 0; u < nu; u += 7) {
        vc_recs *ri = NULL, *rf = NULL;
        assert_int_equal(vc_recommend(&ri, inc.cm, u, 10, NULL, 0, o), VC_OK);
        assert_int_equal(vc_recommend(&rf, full.cm, u, 10, NULL, 0, o), VC_OK);
        for (size_t i = 0; i < vc_recs_count(ri); i++) {
            size_t id;
            assert_int_equal(vc_recs_get(ri, i, &id, NULL, NULL), VC_OK);
            for (size_t j = 0; j < vc_recs_count(rf); j++) {
                size_t jd;
                assert_int_equal(vc_recs_get(rf, j, &jd, NULL, NULL), VC_OK);
                overlap += id == jd;
            }
        }
        total += vc_recs_count(rf);
        vc_recs_free(ri);
        vc_recs_free(rf);
    }
    assert_true(total > 0 && (double)overlap / (double)total >= 0.6);
    free(x);
    free(y);
    free(keep);
    free(a);
    free(b);
    unbuild(&inc);
    unbuild(&full);
    vc_options_free(o);
    free_split(&sp);
}

/* Every user's events in inc (appended to) equal those in full (loaded
 * whole), matched by external ids, and so do the items' event counts. */
static void check_same_events(const vc_dataset *inc, const vc_dataset *full)
{
    assert_int_equal(vc_dataset_event_count(inc), vc_dataset_event_count(full));
    assert_int_equal(vc_dataset_user_count(inc), vc_dataset_user_count(full));
    for (size_t u = 0; u < vc_dataset_user_count(full); u++) {
        const char *id = vc_dataset_user_id(full, u);
        uint32_t v;
        assert_true(vci_ds_find_user(inc, id, strlen(id), &v));
        size_t n = vc_dataset_user_event_count(full, u);
        assert_int_equal(vc_dataset_user_event_count(inc, v), n);
        for (size_t k = 0; k < n; k++) {
            size_t ia, ib;
            double va, vb;
            int64_t ta, tb;
            assert_int_equal(vc_dataset_user_event(full, u, k, &ia, NULL, &va, NULL, &ta), VC_OK);
            assert_int_equal(vc_dataset_user_event(inc, v, k, &ib, NULL, &vb, NULL, &tb), VC_OK);
            assert_string_equal(vc_dataset_item_id(full, ia), vc_dataset_item_id(inc, ib));
            assert_true(va == vb);
            assert_true(ta == tb);
        }
    }
    for (size_t i = 0; i < vc_dataset_item_count(full); i++) {
        const char *id = vc_dataset_item_id(full, i);
        uint32_t j;
        assert_true(vci_ds_find_item(inc, id, strlen(id), &j));
        assert_int_equal(vc_dataset_item_event_count(inc, j), vc_dataset_item_event_count(full, i));
    }
}

/* Appending newer events (the arrays grow in place) and older ones (a new
 * time base: rebuilt) both give the data set a whole load gives. */
static void test_append_equals_load(void **state)
{
    (void)state;
    split_data sp;
    make_split(&sp, 300, 0.9);
    vc_options *o = fixture_tiny_options();
    vc_dataset *inc = NULL, *full = NULL;
    assert_int_equal(vc_dataset_load(&full, sp.full, o), VC_OK);
    assert_int_equal(vc_dataset_load(&inc, sp.base, o), VC_OK);
    assert_int_equal(vc_dataset_append(inc, sp.newfile, o, NULL), VC_OK);
    check_same_events(inc, full);
    vc_dataset_free(inc);
    /* the other way round: the newest 10% first, then the older rest */
    char *base_ratings = tu_path(sp.base, "ratings.dat"), *swap = tu_path(sp.dir, "swap");
    assert_int_equal(rename(base_ratings, swap), 0);
    assert_int_equal(rename(sp.newfile, base_ratings), 0);
    assert_int_equal(vc_dataset_load(&inc, sp.base, o), VC_OK);
    assert_int_equal(vc_dataset_append(inc, swap, o, NULL), VC_OK);
    check_same_events(inc, full);
    assert_int_equal(rename(base_ratings, sp.newfile), 0);
    assert_int_equal(rename(swap, base_ratings), 0);
    free(base_ratings);
    free(swap);
    vc_dataset_free(inc);
    vc_dataset_free(full);
    vc_options_free(o);
    free_split(&sp);
}

/* Rewrite dir/base/name keeping the lines whose first field (an id) is
 * not a multiple of mod; the others are appended to *held (if not NULL). */
static void drop_ids(const char *base, const char *name, long mod, char **held,
                     size_t *held_len)
{
    char *path = tu_path(base, name);
    size_t n;
    char *text = read_all(path, &n);
    char *kept = malloc(n + 1);
    size_t len = 0;
    for (char *p = text, *nl; *p; p = nl + 1) {
        nl = strchr(p, '\n');
        size_t l = (size_t)(nl - p) + 1;
        if (atol(p) % mod != 0) {
            memcpy(kept + len, p, l);
            len += l;
        } else if (held) {
            *held = realloc(*held, *held_len + l + 1);
            memcpy(*held + *held_len, p, l);
            *held_len += l;
        }
    }
    free(tu_write(base, name, kept, len));
    free(kept);
    free(text);
    free(path);
}

/* The split with every user_mod-th user and item_mod-th item held back
 * from the base (attributes, titles and ratings): they come with the new
 * events, so the update adds users and items. */
static void make_growing_split(split_data *sp, int users, long user_mod, long item_mod)
{
    make_split(sp, users, 0.9);
    drop_ids(sp->base, "users.dat", user_mod, NULL, NULL);
    drop_ids(sp->base, "movies.dat", item_mod, NULL, NULL);
    size_t n;
    char *ratings = tu_path(sp->base, "ratings.dat");
    char *text = read_all(ratings, &n);
    char *held = NULL, *kept = malloc(n + 1);
    size_t held_len = 0, len = 0;
    for (char *p = text, *nl; *p; p = nl + 1) {
        nl = strchr(p, '\n');
        size_t l = (size_t)(nl - p) + 1;
        bool hold = atol(p) % user_mod == 0 || atol(strstr(p, "::") + 2) % item_mod == 0;
        char **to = hold ? &held : &kept;
        size_t *at = hold ? &held_len : &len;
        if (hold)
            held = realloc(held, held_len + l + 1);
        memcpy(*to + *at, p, l);
        *at += l;
    }
    free(tu_write(sp->base, "ratings.dat", kept, len));
    char *fresh = read_all(sp->newfile, &n);
    held = realloc(held, held_len + n + 1);
    memcpy(held + held_len, fresh, n);
    free(tu_write(sp->dir, "new.dat", held, held_len + n));
    free(fresh);
    free(held);
    free(kept);
    free(text);
    free(ratings);
}

/* raw rows of two portraits of the same users agree to float rounding,
 * except the rating deviations of untouched users (docs/incremental.md). */
static void expect_same_rows(const vc_portraits *x, const vc_portraits *y)
{
    size_t nu = vc_portraits_user_count(y), nc = vc_portraits_column_count(y);
    assert_int_equal(vc_portraits_user_count(x), nu);
    assert_int_equal(vc_portraits_column_count(x), nc);
    float *a = malloc(nc * sizeof *a), *b = malloc(nc * sizeof *b);
    double worst = 0, worst_rating = 0;
    size_t same_tags = 0;
    for (size_t u = 0; u < nu; u++) {
        assert_int_equal(vc_portraits_row(x, u, a, nc), VC_OK);
        assert_int_equal(vc_portraits_row(y, u, b, nc), VC_OK);
        for (size_t c = 0; c < nc; c++) {
            const char *group;
            assert_int_equal(vc_portraits_column(y, c, NULL, &group, NULL), VC_OK);
            if (strcmp(group, "category_rating") == 0)
                worst_rating = fmax(worst_rating, fabs((double)a[c] - b[c]));
            else
                worst = fmax(worst, fabs((double)a[c] - b[c]) / (1 + fabs((double)b[c])));
        }
        assert_int_equal(vc_portraits_features(x, u, a, nc), VC_OK);
        for (size_t c = 0; c < nc; c++)
            assert_true(isfinite(a[c]));
        same_tags += vc_portraits_tag_count(x, u) == vc_portraits_tag_count(y, u);
    }
    assert_true(worst < 1e-4);
    assert_true(worst_rating < 0.02);
    assert_true(same_tags >= nu * 95 / 100);
    free(a);
    free(b);
}

/* A column's (raw, feature) pair of one user. */
typedef struct cell { float raw, feat; } cell;

static int by_raw(const void *a, const void *b)
{
    const cell *x = a, *y = b;
    return (x->raw > y->raw) - (x->raw < y->raw);
}

/* Every column's (raw, feature) pairs, sorted by raw: [column][user]. */
static cell *standardisation(const vc_portraits *pt)
{
    size_t nu = vc_portraits_user_count(pt), nc = vc_portraits_column_count(pt);
    cell *cells = malloc(nu * nc * sizeof *cells);
    float *raw = malloc(nc * sizeof *raw), *feat = malloc(nc * sizeof *feat);
    for (size_t u = 0; u < nu; u++) {
        assert_int_equal(vc_portraits_row(pt, u, raw, nc), VC_OK);
        assert_int_equal(vc_portraits_features(pt, u, feat, nc), VC_OK);
        for (size_t c = 0; c < nc; c++)
            cells[c * nu + u] = (cell){raw[c], feat[c]};
    }
    for (size_t c = 0; c < nc; c++)
        qsort(cells + c * nu, nu, sizeof *cells, by_raw);
    free(raw);
    free(feat);
    return cells;
}

/* pt's features are the standardisation ref (ref_nu users) was made with:
 * wherever a raw value of pt occurs in ref's column, the feature is the
 * same, for users from first on (and there are such cells). */
static void expect_standardised_as(const vc_portraits *pt, const cell *ref, size_t ref_nu,
                                   size_t first)
{
    size_t nu = vc_portraits_user_count(pt), nc = vc_portraits_column_count(pt);
    float *raw = malloc(nc * sizeof *raw), *feat = malloc(nc * sizeof *feat);
    size_t checked = 0;
    for (size_t u = first; u < nu; u++) {
        assert_int_equal(vc_portraits_row(pt, u, raw, nc), VC_OK);
        assert_int_equal(vc_portraits_features(pt, u, feat, nc), VC_OK);
        for (size_t c = 0; c < nc; c++) {
            cell key = {raw[c], 0};
            const cell *hit = bsearch(&key, ref + c * ref_nu, ref_nu, sizeof *ref, by_raw);
            if (!hit)
                continue;
            assert_true(hit->feat == feat[c]);
            checked++;
        }
    }
    assert_true(checked >= (nu - first) * nc / 4);
    free(raw);
    free(feat);
}

/* The base portraits of a growing split, with the new events appended to
 * their data set (not yet updated). */
static void load_appended(built *b, const split_data *sp, const vc_options *o)
{
    assert_int_equal(vc_dataset_load(&b->ds, sp->base, o), VC_OK);
    assert_int_equal(vc_portrait_build(&b->pt, b->ds, o), VC_OK);
    b->cm = NULL;
    assert_int_equal(vc_dataset_append(b->ds, sp->newfile, o, NULL), VC_OK);
}

/* An update that adds users and items (the rows, feature matrix and
 * row versions grow in place) equals a rebuild on the same data set; two
 * threads commit the rows. */
static void test_update_adds_users(void **state)
{
    (void)state;
    split_data sp;
    make_growing_split(&sp, 400, 9, 11);
    vc_options *o = fixture_tiny_options();
    assert_int_equal(vc_options_set_int(o, "threads", 2), VC_OK);
    built inc, full;
    assert_int_equal(vc_dataset_load(&inc.ds, sp.base, o), VC_OK);
    assert_int_equal(vc_portrait_build(&inc.pt, inc.ds, o), VC_OK);
    size_t nu0 = vc_dataset_user_count(inc.ds), ni0 = vc_dataset_item_count(inc.ds);
    size_t updated = 0;
    cell *built_with = standardisation(inc.pt);
    assert_int_equal(vc_dataset_append(inc.ds, sp.newfile, o, NULL), VC_OK);
    size_t nu = vc_dataset_user_count(inc.ds);
    assert_true(nu > nu0 && vc_dataset_item_count(inc.ds) > ni0);
    assert_int_equal(vc_portrait_update(inc.pt, o, &updated), VC_OK);
    assert_true(updated >= nu - nu0 && updated < nu);
    /* every feature row, the new users' too, standardised as the build's */
    expect_standardised_as(inc.pt, built_with, nu0, 0);
    expect_standardised_as(inc.pt, built_with, nu0, nu0);
    free(built_with);
    /* the rebuild: the same data set (same user and item order) */
    load_appended(&full, &sp, o);
    vc_portraits_free(full.pt);
    assert_int_equal(vc_portrait_build(&full.pt, full.ds, o), VC_OK);
    expect_same_rows(inc.pt, full.pt);
    /* and again: nothing new changes nothing */
    uint64_t fp = tu_fp_portraits(inc.pt);
    assert_int_equal(vc_portrait_update(inc.pt, o, &updated), VC_OK);
    assert_int_equal(updated, 0);
    assert_true(tu_fp_portraits(inc.pt) == fp);
    vc_portraits_free(inc.pt);
    vc_dataset_free(inc.ds);
    vc_portraits_free(full.pt);
    vc_dataset_free(full.ds);
    vc_options_free(o);
    free_split(&sp);
}

/* Largest difference of two arrays relative to the larger magnitude. */
static double rel_diff_d(const double *a, const double *b, size_t n)
{
    double worst = 0;
    for (size_t i = 0; i < n; i++)
        worst = fmax(worst, fabs(a[i] - b[i]) / (1 + fmax(fabs(a[i]), fabs(b[i]))));
    return worst;
}

static double rel_diff_f(const float *a, const float *b, size_t n)
{
    double worst = 0;
    for (size_t i = 0; i < n; i++)
        worst = fmax(worst, fabs((double)a[i] - b[i]) /
                                (1 + fmax(fabs((double)a[i]), fabs((double)b[i]))));
    return worst;
}

/* The index the assignment refitted (community sums carried over with the
 * touched users' changes) equals one counted from scratch on the same
 * communities with the same item factors. */
static void check_carried_index(const vc_communities *cm, const vc_options *o)
{
    const vci_rec_index *ix = atomic_load(&((vc_communities *)cm)->lazy_index);
    assert_non_null(ix);
    void *fresh_p = NULL;
    assert_int_equal(vci_rec_index_refit(cm, ix, o, NULL, &fresh_p), VC_OK);
    const vci_rec_index *fresh = fresh_p;
    assert_int_equal(ix->nitems, fresh->nitems);
    assert_int_equal(ix->nusers, fresh->nusers);
    size_t cells = (size_t)ix->ncomm * ix->nitems;
    /* the sums were re-based only if the data set's end moved far */
    double f = exp2(-(double)(fresh->t_ref - ix->t_ref) / ix->half_life);
    float *scaled = malloc(cells * sizeof *scaled);
    for (size_t k = 0; k < cells; k++)
        scaled[k] = (float)(fresh->pop_sum[k] * (ix->half_life > 0 ? 1 / f : 1));
    /* float sums: a carried one differs from a recount by rounding */
    assert_true(rel_diff_f(ix->pop_sum, scaled, cells) < 1e-5);
    assert_true(rel_diff_f(ix->rate_sum, fresh->rate_sum, cells) < 1e-5);
    assert_true(rel_diff_f(ix->weight_sum, fresh->weight_sum, cells) < 1e-5);
    assert_true(rel_diff_d(ix->total, fresh->total, ix->ncomm) < 1e-9);
    assert_true(rel_diff_f(ix->pop, fresh->pop, cells) < 1e-5);
    assert_true(rel_diff_f(ix->mean, fresh->mean, cells) < 1e-5);
    assert_true(rel_diff_f(ix->score, fresh->score, cells) < 1e-5);
    assert_true(rel_diff_f(ix->user_norm, fresh->user_norm, ix->nusers) < 1e-6);
    assert_true(rel_diff_f(ix->user_emb, fresh->user_emb,
                           (size_t)ix->nusers * ix->emb_stride) < 1e-6);
    free(scaled);
    vci_rec_index_free(fresh_p);
}

/* Both membership indexes list the same memberships, strongest first. */
static void check_memberships(const vc_communities *cm)
{
    size_t links = cm->mem_start[cm->nusers];
    assert_int_equal(cm->comm_start[cm->ncomm], links);
    for (uint32_t u = 0; u < cm->nusers; u++)
        for (uint32_t i = cm->mem_start[u]; i < cm->mem_start[u + 1]; i++) {
            if (i > cm->mem_start[u])
                assert_true(cm->mem_strength[i - 1] >= cm->mem_strength[i]);
            uint32_t c = cm->mem_comm[i], found = 0;
            for (uint32_t j = cm->comm_start[c]; j < cm->comm_start[c + 1]; j++)
                found += cm->comm_user[j] == u && cm->comm_strength[j] == cm->mem_strength[i];
            assert_int_equal(found, 1);
        }
    for (uint32_t c = 0; c < cm->ncomm; c++)
        for (uint32_t j = cm->comm_start[c] + 1; j < cm->comm_start[c + 1]; j++)
            assert_true(cm->comm_strength[j - 1] > cm->comm_strength[j] ||
                        (cm->comm_strength[j - 1] == cm->comm_strength[j] &&
                         cm->comm_user[j - 1] < cm->comm_user[j]));
}

/* Each community's size and mean readable portrait equal a direct count
 * over its hard members (a user's strongest community of each
 * clustering), summed in double. */
static void check_recount(const vc_communities *cm)
{
    const vc_portraits *pt = cm->pt;
    size_t cells = (size_t)cm->ncomm * cm->ncols;
    double *sum = calloc(cells + 1, sizeof *sum);
    uint32_t *size = calloc(cm->ncomm + 1, sizeof *size);
    for (uint32_t u = 0; u < cm->nusers; u++)
        for (uint32_t i = cm->mem_start[u]; i < cm->mem_start[u + 1]; i++) {
            uint32_t c = cm->mem_comm[i];
            bool hard = true;
            for (uint32_t j = cm->mem_start[u]; j < i; j++)
                hard &= cm->comm[cm->mem_comm[j]].topic != cm->comm[c].topic;
            if (!hard)
                continue;
            size[c]++;
            for (uint32_t col = 0; col < cm->ncols; col++)
                sum[(size_t)c * cm->ncols + col] += vci_pt_raw(pt, u)[col];
        }
    size_t nonempty = 0;
    for (uint32_t c = 0; c < cm->ncomm; c++) {
        assert_int_equal(cm->comm[c].size, size[c]);
        if (size[c] == 0)
            continue;
        nonempty++;
        for (uint32_t col = 0; col < cm->ncols; col++) {
            double want = sum[(size_t)c * cm->ncols + col] / size[c];
            double got = cm->centroid_raw[(size_t)c * cm->ncols + col];
            assert_true(fabs(got - want) <= 1e-6 * (1 + fabs(want)));
        }
    }
    assert_true(nonempty > 1);
    free(sum);
    free(size);
}

/* Update the portraits and assign; both membership indexes, the recount
 * and the carried index are then checked. */
static void assign_and_check(built *b, const vc_options *o)
{
    assert_int_equal(vc_portrait_update(b->pt, o, NULL), VC_OK);
    assert_int_equal(vc_cluster_assign(b->cm, o, NULL), VC_OK);
    check_memberships(b->cm);
    check_recount(b->cm);
    check_carried_index(b->cm, o);
}

/* Three rounds of appends (the second bringing a new user and a new item
 * through the feeding API, the third the same users to the same items):
 * after each assignment the carried index equals a recount, with the
 * change log in use, and the communities' sizes and mean portraits equal
 * a direct count. */
static void test_index_carries_over(void **state)
{
    (void)state;
    split_data sp;
    make_split(&sp, 400, 0.9);
    vc_options *o = fixture_tiny_options();
    built b;
    build(&b, sp.base, o);
    vc_recs *r = NULL;
    assert_int_equal(vc_recommend(&r, b.cm, 0, 10, NULL, 0, o), VC_OK); /* the index */
    vc_recs_free(r);
    const vci_rec_index *ix0 = atomic_load(&b.cm->lazy_index);
    uint32_t gen0 = ix0->ds_generation;
    assert_int_equal(vc_dataset_append(b.ds, sp.newfile, o, NULL), VC_OK);
    assert_true(b.ds->log.n > 0 && b.ds->log.base <= gen0); /* the log reaches back */
    assign_and_check(&b, o);

    /* round two: one more event of a known user, a new user on a known
     * item and on a new one */
    const vc_dataset *ds = b.ds;
    char id[64];
    snprintf(id, sizeof id, "%s", vc_dataset_user_id(ds, 3));
    char item[64];
    snprintf(item, sizeof item, "%s", vc_dataset_item_id(ds, 5));
    int64_t t = ds->time_last + 86400 * 30;
    assert_int_equal(vc_dataset_add_event(b.ds, id, item, "rating", 5, 0, t), VC_OK);
    assert_int_equal(vc_dataset_add_event(b.ds, id, item, "rating", 4, 0, t + 5), VC_OK);
    assert_int_equal(vc_dataset_add_event(b.ds, "newcomer", item, "rating", 4, 0, t), VC_OK);
    assert_int_equal(vc_dataset_add_event(b.ds, "newcomer", "new item", "rating", 2, 0, t + 5),
                     VC_OK);
    assert_int_equal(vc_dataset_finalize(b.ds), VC_OK);
    assign_and_check(&b, o);
    const vci_rec_index *ix = atomic_load(&b.cm->lazy_index);
    assert_int_equal(ix->ds_generation, b.ds->generation);
    assert_int_equal(ix->nitems, vc_dataset_item_count(b.ds));

    /* round three: the same users come back to the same items, so an item
     * has several events of one user on both sides of the change (each
     * side counts the user's latest) */
    assert_int_equal(vc_dataset_add_event(b.ds, id, item, "rating", 1, 0, t + 86400), VC_OK);
    assert_int_equal(vc_dataset_add_event(b.ds, id, item, "rating", 3, 0, t + 2 * 86400),
                     VC_OK);
    assert_int_equal(vc_dataset_add_event(b.ds, "newcomer", "new item", "rating", 5, 0,
                                          t + 86400), VC_OK);
    assert_int_equal(vc_dataset_finalize(b.ds), VC_OK);
    assign_and_check(&b, o);
    unbuild(&b);
    vc_options_free(o);
    free_split(&sp);
}

/* The end of an allocation-failure sweep: enough failures seen, the
 * default allocator back, the inputs freed. */
static void end_sweep(long failures, const char *what, vc_options *o, split_data *sp)
{
    printf("# %ld allocation failures, each leaving the %s as they were\n", failures, what);
    assert_true(failures > 10);
    assert_int_equal(vc_set_allocator(NULL, NULL, NULL, NULL), VC_OK);
    vc_options_free(o);
    free_split(sp);
}

/* Each allocation of an update that adds users and items fails in turn:
 * a failed update leaves the portraits exactly as they were (every value,
 * feature and tag, and no block more or less), and a later update
 * completes them to what an update without failures gives. */
static void test_update_failure_changes_nothing(void **state)
{
    (void)state;
    split_data sp;
    make_growing_split(&sp, 150, 7, 10);
    vc_options *o = fixture_tiny_options(); /* one thread: the counter is not atomic */
    assert_int_equal(vc_set_allocator(tu_fail_malloc, tu_fail_realloc, tu_fail_free, NULL), VC_OK);
    uint64_t want = 0;
    long failures = 0;
    for (long i = 0;; i++) {
        built b;
        load_appended(&b, &sp, o);
        uint64_t before = tu_fp_portraits(b.pt);
        size_t nu = vc_portraits_user_count(b.pt), updated = 0;
        long live = tu_fail.live;
        tu_fail.requests = 0;
        tu_fail.fail_at = i;
        tu_fail.armed = 1;
        vc_status s = vc_portrait_update(b.pt, o, &updated);
        tu_fail.armed = 0;
        bool injected = i > 0 && tu_fail.requests >= i;
        if (s == VC_OK) {
            assert_true(updated > 0);
            if (i == 0)
                want = tu_fp_portraits(b.pt);
            assert_true(tu_fp_portraits(b.pt) == want);
        } else {
            assert_int_equal(s, VC_ERR_NOMEM);
            assert_true(injected);
            failures++;
            assert_int_equal(tu_fail.live, live);
            assert_int_equal(updated, 0);
            assert_int_equal(vc_portraits_user_count(b.pt), nu);
            assert_true(tu_fp_portraits(b.pt) == before);
            assert_int_equal(vc_portrait_update(b.pt, o, &updated), VC_OK);
            assert_true(tu_fp_portraits(b.pt) == want);
        }
        vc_portraits_free(b.pt);
        vc_dataset_free(b.ds);
        if (i > 0 && !injected)
            break; /* past the last allocation */
    }
    end_sweep(failures, "portraits", o, &sp);
}

/* The communities' own state, byte by byte: both membership indexes, the
 * community records and mean portraits, the index they carry. */
static uint64_t fp_state(const vc_communities *cm)
{
    size_t links = cm->mem_start[cm->nusers];
    uint64_t h = tu_fp_bytes(TU_FP_INIT, cm->mem_start, ((size_t)cm->nusers + 1) * 4);
    h = tu_fp_bytes(h, cm->mem_comm, links * 4);
    h = tu_fp_bytes(h, cm->mem_strength, links * 4);
    h = tu_fp_bytes(h, cm->comm_start, ((size_t)cm->ncomm + 1) * 4);
    h = tu_fp_bytes(h, cm->comm_user, links * 4);
    h = tu_fp_bytes(h, cm->comm_strength, links * 4);
    h = tu_fp_bytes(h, cm->comm, cm->ncomm * sizeof *cm->comm);
    h = tu_fp_bytes(h, cm->centroid_raw, (size_t)cm->ncomm * cm->ncols * 4);
    h = tu_fp_bytes(h, cm->tag_id, cm->ntag * 4);
    void *ix = atomic_load(&((vc_communities *)cm)->lazy_index);
    const vci_rec_index *r = ix;
    h = tu_fp_bytes(h, &ix, sizeof ix);
    h = tu_fp_bytes(h, r->user_norm, (size_t)r->nusers * 4);
    return tu_fp_bytes(h, r->pop_sum, (size_t)r->ncomm * r->nitems * 4);
}

/* The recommendations of the first users, fingerprinted. */
static uint64_t fp_recommendations(const vc_communities *cm, const vc_options *o)
{
    uint64_t h = TU_FP_INIT;
    for (size_t u = 0; u < 12; u++) {
        vc_recs *r = NULL;
        assert_int_equal(vc_recommend(&r, cm, u, 10, NULL, 0, o), VC_OK);
        uint64_t one = tu_fp_recs(r);
        h = tu_fp_bytes(h, &one, sizeof one);
        vc_recs_free(r);
    }
    return h;
}

/* Each allocation of an assignment (with an index to refit, users and
 * items added) fails in turn. The membership arrays are rewritten in place
 * before the recount, personas and index refit, so a failure in those must
 * write them back: a failed assignment leaves the communities byte for
 * byte as they were (no block more or less), and a later one gives what
 * an assignment without failures gives. */
static void test_assign_failure_changes_nothing(void **state)
{
    (void)state;
    split_data sp;
    make_growing_split(&sp, 150, 7, 10);
    vc_options *o = fixture_tiny_options(); /* one thread: the counter is not atomic */
    assert_int_equal(vc_set_allocator(tu_fail_malloc, tu_fail_realloc, tu_fail_free, NULL), VC_OK);
    uint64_t want = 0, want_recs = 0;
    long failures = 0;
    for (long i = 0;; i++) {
        built b;
        build(&b, sp.base, o);
        vc_recs *r = NULL;
        assert_int_equal(vc_recommend(&r, b.cm, 0, 10, NULL, 0, o), VC_OK); /* the index */
        vc_recs_free(r);
        assert_int_equal(vc_dataset_append(b.ds, sp.newfile, o, NULL), VC_OK);
        assert_int_equal(vc_portrait_update(b.pt, o, NULL), VC_OK);
        uint64_t before = fp_state(b.cm);
        long live = tu_fail.live;
        size_t assigned = 0;
        tu_fail.requests = 0;
        tu_fail.fail_at = i;
        tu_fail.armed = 1;
        vc_status s = vc_cluster_assign(b.cm, o, &assigned);
        tu_fail.armed = 0;
        bool injected = i > 0 && tu_fail.requests >= i;
        if (s != VC_OK) {
            assert_int_equal(s, VC_ERR_NOMEM);
            assert_true(injected);
            failures++;
            assert_int_equal(tu_fail.live, live);
            assert_int_equal(assigned, 0);
            assert_true(fp_state(b.cm) == before);
            assert_int_equal(vc_cluster_assign(b.cm, o, &assigned), VC_OK);
        }
        assert_true(assigned > 0);
        check_memberships(b.cm);
        if (i == 0) {
            want = tu_fp_communities(b.cm);
            want_recs = fp_recommendations(b.cm, o);
        }
        assert_true(tu_fp_communities(b.cm) == want);
        assert_true(fp_recommendations(b.cm, o) == want_recs);
        unbuild(&b);
        if (i > 0 && !injected)
            break; /* past the last allocation */
    }
    end_sweep(failures, "communities", o, &sp);
}

/* Nothing changed: update, assign and refresh keep everything. */
static void test_noop_and_refresh(void **state)
{
    (void)state;
    vc_options *o = fixture_tiny_options();
    built b;
    b.ds = fixture_synth(400, 4, 5);
    assert_int_equal(vc_portrait_build(&b.pt, b.ds, o), VC_OK);
    assert_int_equal(vc_cluster_run(&b.cm, b.pt, o), VC_OK);
    uint64_t fp = tu_fp_portraits(b.pt);
    size_t updated = 1, assigned = 1;
    assert_int_equal(vc_portrait_update(b.pt, o, &updated), VC_OK);
    assert_int_equal(updated, 0);
    assert_true(tu_fp_portraits(b.pt) == fp);
    uint64_t cfp = tu_fp_communities(b.cm);
    assert_int_equal(vc_cluster_assign(b.cm, o, &assigned), VC_OK);
    assert_int_equal(assigned, 0);
    assert_true(tu_fp_communities(b.cm) == cfp);
    /* a refresh on unchanged portraits is (nearly) a fixed point: the ids
     * stay and hardly anyone moves */
    vc_drift *dr = NULL;
    size_t ncomm = vc_communities_count(b.cm);
    assert_int_equal(vc_drift_begin(&dr, b.cm), VC_OK);
    assert_int_equal(vc_cluster_refresh(b.cm, o), VC_OK);
    assert_int_equal(vc_drift_end(dr, b.cm, o), VC_OK);
    assert_int_equal(vc_communities_count(b.cm), ncomm);
    assert_true(vc_drift_mover_count(dr) <= vc_dataset_user_count(b.ds) / 20);
    assert_int_equal(vc_drift_end(dr, b.cm, o), VC_ERR_STATE);
    vc_drift_free(dr);
    vc_recs *r = NULL;
    assert_int_equal(vc_recommend(&r, b.cm, 3, 10, NULL, 0, o), VC_OK);
    vc_recs_free(r);
    unbuild(&b);
    vc_options_free(o);
}

/* Users of planted community A take community B's taste: the drift report
 * lists them as movers between global segments. */
static void test_planted_shift(void **state)
{
    (void)state;
    vc_options *o = fixture_tiny_options();
    assert_int_equal(vc_options_set_int(o, "community.k", 4), VC_OK); /* the plant's */
    built b;
    b.ds = fixture_synth(600, 4, 7);
    assert_int_equal(vc_portrait_build(&b.pt, b.ds, o), VC_OK);
    assert_int_equal(vc_cluster_run(&b.cm, b.pt, o), VC_OK);
    size_t nu = vc_dataset_user_count(b.ds), ni = vc_dataset_item_count(b.ds);
    /* the items community 1 rates most, and 40 users of community 0 */
    double *pop = calloc(ni, sizeof *pop);
    uint32_t label;
    int64_t first, last;
    assert_int_equal(vc_dataset_time_range(b.ds, &first, &last), VC_OK);
    for (size_t u = 0; u < nu; u++) {
        assert_int_equal(vc_dataset_planted_community(b.ds, u, &label), VC_OK);
        if (label != 1)
            continue;
        for (size_t e = 0; e < vc_dataset_user_event_count(b.ds, u); e++) {
            size_t item;
            assert_int_equal(vc_dataset_user_event(b.ds, u, e, &item, NULL, NULL, NULL, NULL),
                             VC_OK);
            pop[item] += 1;
        }
    }
    size_t top[60];
    for (size_t k = 0; k < 60; k++) {
        size_t best = 0;
        for (size_t i = 1; i < ni; i++)
            if (pop[i] > pop[best])
                best = i;
        top[k] = best;
        pop[best] = -1;
    }
    bool *shifted = calloc(nu, sizeof *shifted);
    size_t nshift = 0, *nev = calloc(nu, sizeof *nev);
    for (size_t u = 0; u < nu; u++) /* before feeding un-finalises the data set */
        nev[u] = vc_dataset_user_event_count(b.ds, u);
    for (size_t u = 0; u < nu && nshift < 40; u++) {
        assert_int_equal(vc_dataset_planted_community(b.ds, u, &label), VC_OK);
        if (label != 0)
            continue;
        shifted[u] = true;
        nshift++;
        for (size_t k = 0; k < 3 * nev[u]; k++)
            assert_int_equal(vc_dataset_add_event(b.ds, vc_dataset_user_id(b.ds, u),
                                                  vc_dataset_item_id(b.ds, top[k % 60]),
                                                  "rating", 5, 0,
                                                  last + 3600 * (int64_t)(k + 1)),
                             VC_OK);
    }
    assert_int_equal(vc_dataset_finalize(b.ds), VC_OK);
    vc_drift *dr = NULL;
    assert_int_equal(vc_drift_begin(&dr, b.cm), VC_OK);
    size_t updated;
    assert_int_equal(vc_portrait_update(b.pt, o, &updated), VC_OK);
    assert_int_equal(updated, nshift);
    assert_int_equal(vc_cluster_assign(b.cm, o, NULL), VC_OK);
    assert_int_equal(vc_drift_end(dr, b.cm, o), VC_OK);
    /* global-segment movers: who they are */
    size_t ng = vc_communities_global_count(b.cm), found = 0, wrong = 0;
    for (size_t i = 0; i < vc_drift_mover_count(dr); i++) {
        size_t u;
        uint32_t from, to;
        assert_int_equal(vc_drift_mover(dr, i, &u, &from, &to), VC_OK);
        if (from >= ng || to >= ng)
            continue;
        if (shifted[u])
            found++;
        else
            wrong++;
    }
    printf("shifted %zu, found %zu\n", nshift, found);
    assert_true(found >= nshift * 8 / 10);
    assert_int_equal(wrong, 0); /* only touched users can move on assign */
    /* the segment they left shrank, and sizes add up */
    size_t tb = 0, ta = 0;
    for (size_t c = 0; c < ng; c++) {
        size_t before, after;
        assert_int_equal(vc_drift_community(dr, c, &before, &after, NULL, NULL), VC_OK);
        tb += before;
        ta += after;
    }
    assert_int_equal(tb, nu);
    assert_int_equal(ta, nu);
    assert_int_equal(vc_drift_mover(dr, vc_drift_mover_count(dr), NULL, NULL, NULL),
                     VC_ERR_RANGE);
    vc_drift_free(dr);
    free(shifted);
    free(nev);
    free(pop);
    unbuild(&b);
    vc_options_free(o);
}

/* vc_model_update in memory = the same model saved and loaded; a bad
 * events file changes nothing. */
static void test_model_update_roundtrip(void **state)
{
    (void)state;
    split_data sp;
    make_split(&sp, 300, 0.9);
    vc_options *o = fixture_tiny_options();
    built b;
    build(&b, sp.base, o);
    char *m1 = tu_path(sp.dir, "m1.vcm"), *m2 = tu_path(sp.dir, "m2.vcm");
    assert_int_equal(vc_model_save(b.cm, m1, o), VC_OK);
    vc_model *m = NULL;
    assert_int_equal(vc_model_load(&m, m1, o), VC_OK);
    size_t events = vc_dataset_event_count(vc_model_dataset(m));
    uint64_t fp = tu_fp_communities(vc_model_communities(m));
    char *bad = tu_write(sp.dir, "bad.dat", "1::1::5::978300760\n2::x::5::1\n", (size_t)-1);
    vc_drift *dr = NULL;
    assert_int_equal(vc_model_update(m, bad, NULL, 0, &dr, NULL, NULL), VC_ERR_PARSE);
    assert_null(dr);
    assert_non_null(strstr(vc_last_error(), "bad.dat:2"));
    assert_int_equal(vc_dataset_event_count(vc_model_dataset(m)), events);
    assert_true(tu_fp_communities(vc_model_communities(m)) == fp);
    size_t added = 0, updated = 0;
    assert_int_equal(vc_model_update(m, sp.newfile, NULL, 0, &dr, &added, &updated), VC_OK);
    assert_true(added > 0 && updated > 0);
    assert_non_null(dr);
    assert_int_equal(vc_dataset_event_count(vc_model_dataset(m)), events + added);
    /* the loaded index kept its sums, so the update carried them over */
    check_carried_index(vc_model_communities(m), o);
    assert_int_equal(vc_model_save(vc_model_communities(m), m2, o), VC_OK);
    vc_model *m2l = NULL;
    assert_int_equal(vc_model_load(&m2l, m2, o), VC_OK);
    for (size_t u = 0; u < vc_dataset_user_count(vc_model_dataset(m)); u += 5) {
        vc_recs *ra = NULL, *rb = NULL;
        assert_int_equal(vc_recommend(&ra, vc_model_communities(m), u, 10, NULL, 0, o), VC_OK);
        assert_int_equal(vc_recommend(&rb, vc_model_communities(m2l), u, 10, NULL, 0, o), VC_OK);
        assert_true(tu_fp_recs(ra) == tu_fp_recs(rb));
        vc_recs_free(ra);
        vc_recs_free(rb);
    }
    assert_true(tu_fp_portraits(vc_model_portraits(m)) ==
                tu_fp_portraits(vc_model_portraits(m2l)));
    const vci_rec_index *lx = atomic_load(&vc_model_communities(m2l)->lazy_index);
    assert_non_null(lx);
    assert_non_null(lx->pop_sum);
    /* the refresh path too */
    vc_drift_free(dr);
    dr = NULL;
    assert_int_equal(vc_model_update(m2l, sp.newfile, NULL, VC_UPDATE_REFRESH, &dr, NULL,
                                     NULL), VC_OK);
    assert_int_equal(vc_communities_count(vc_model_communities(m2l)),
                     vc_communities_count(vc_model_communities(m)));
    assert_int_equal(vc_model_update(m2l, sp.newfile, NULL, 8, NULL, NULL, NULL),
                     VC_ERR_INVALID);
    vc_drift_free(dr);
    vc_model_free(m2l);
    vc_model_free(m);
    free(bad);
    free(m1);
    free(m2);
    unbuild(&b);
    vc_options_free(o);
    free_split(&sp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_append_equals_load),
        cmocka_unit_test(test_portraits_equal_rebuild),
        cmocka_unit_test(test_index_carries_over),
        cmocka_unit_test(test_noop_and_refresh),
        cmocka_unit_test(test_planted_shift),
        cmocka_unit_test(test_model_update_roundtrip),
        cmocka_unit_test(test_update_adds_users),
        cmocka_unit_test(test_update_failure_changes_nothing),
        cmocka_unit_test(test_assign_failure_changes_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
