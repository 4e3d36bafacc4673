/*
 * tags.c - readable, weighted labels derived from the portrait's columns.
 *
 * Rules (weights in (0, 1]; "active" = at least 5 events):
 *   "<topic> lover"    active, share >= 0.2 and >= 1.5x the population's
 *                      mean share of the topic; weight = share; at most 3
 *   "generous rater" / "harsh rater"   explicit data, >= 10 ratings, mean
 *                      rating >= / <= population mean +/- 0.5;
 *                      weight = min(1, |difference|)
 *   "heavy user"       events >= the 90th percentile of users with events
 *   "light user"       1..(10th percentile) events
 *   "new"              first event in the last 30 days of a data set that
 *                      spans more than 60 days
 *   "weekend"          active, >= 50% of events on Saturday or Sunday
 *   "night owl"        active, >= 40% of events between 0 and 6 h UTC
 *   "high spender"     purchases: money spent >= 90th percentile of buyers
 *   "at risk"          >= 3 events and churn risk >= 0.8; weight = risk
 *   "focused" / "eclectic"   active, topic entropy <= 0.35 / >= 0.85
 * A user's tags are sorted by weight, heaviest first (ties by tag id).
 *
 * Every allocation and the thresholds come first (vci_tags_prepare: the
 * tag index sized for the most tags a user can get; population quantiles
 * of columns an update's commit does not change), so that deriving the
 * tags from raw and installing them cannot fail: an update prepares
 * before it commits its rows in place and counts each block's tags as it
 * commits the block (vci_tags_count_block); the counts place every user's
 * tags (place), which are then derived again and written, block
 * by block in parallel (vci_tags_fill), into the old tags' arrays,
 * grown if need be (little fresh memory to fault in), or else (no old
 * tags, or they cannot grow) into the bound, packed; vci_tags_install frees what is left over.
 */
#include <math.h>
#include <stdio.h>

#include "portrait.h"

enum {
    T_GENEROUS, T_HARSH, T_HEAVY, T_LIGHT, T_NEW, T_WEEKEND, T_NIGHT,
    T_SPENDER, T_AT_RISK, T_FOCUSED, T_ECLECTIC, T_FIXED
};
static const char *const fixed_names[T_FIXED] = {
    "generous rater", "harsh rater", "heavy user", "light user", "new",
    "weekend", "night owl", "high spender", "at risk", "focused", "eclectic"};

/* The values > 0 of column col over the rows, into v; their count. */
static size_t positive(const vci_rows *rows, uint32_t col, double *v)
{
    size_t n = 0, next = 0;
    for (uint32_t u = 0; u < rows->nusers; u++) {
        float x = vci_rows_next(rows, u, &next)[col];
        if (x > 0)
            v[n++] = x;
    }
    return n;
}

/* The q-quantile of v[0..n) (reordered), INFINITY when n is 0. */
static float quantile(double *v, size_t n, double q)
{
    return n ? (float)vci_select(v, n, (size_t)fmin((double)n - 1, floor(q * (double)n)))
             : INFINITY;
}

typedef struct tag_pick { uint32_t id; float w; } tag_pick;

#define MAX_LOVERS 3

static int by_weight(const void *a, const void *b)
{
    const tag_pick *x = a, *y = b;
    if (x->w != y->w)
        return x->w > y->w ? -1 : 1;
    return (x->id > y->id) - (x->id < y->id);
}

/* A user's few tags by weight (insertion sort: a tag appears once, so the
 * order is total and any sort gives this one). */
static void sort_picks(tag_pick *p, size_t n)
{
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && by_weight(&p[j], &p[j - 1]) < 0; j--) {
            tag_pick t = p[j];
            p[j] = p[j - 1];
            p[j - 1] = t;
        }
}

static vc_status register_names(vci_tag_build *tb, const vc_portraits *pt)
{
    uint32_t nt = pt->topics.ntopics;
    tb->ntags = nt + T_FIXED;
    tb->name = vci_calloc(tb->ntags, sizeof *tb->name);
    if (!tb->name)
        return VC_ERR_NOMEM;
    char buf[300];
    for (uint32_t k = 0; k < tb->ntags; k++) {
        if (k < nt)
            snprintf(buf, sizeof buf, "%.280s lover", vci_topic_name(&pt->topics, k));
        else
            snprintf(buf, sizeof buf, "%s", fixed_names[k - nt]);
        VCI_CHECK(vci_strpool_add(&tb->names, buf, strlen(buf), &tb->name[k]));
    }
    return VC_OK;
}

/* The tags of user u into out (room for MAX_LOVERS + T_FIXED); their
 * count. */
static size_t user_tags(const vc_portraits *pt, const vci_tag_build *th,
                        uint32_t u, tag_pick *out)
{
    const vci_column_map *m = &pt->map;
    const vc_dataset *ds = pt->ds;
    const float *row = vci_pt_raw(pt, u);
    uint32_t nt = pt->topics.ntopics;
    uint64_t nev = ds->user_start[u + 1] - ds->user_start[u];
    size_t n = 0;
    if (nev == 0)
        return 0;
    bool active = nev >= 5;
    if (active) {
        tag_pick lovers[MAX_LOVERS];
        size_t nl = 0;
        for (uint32_t k = 0; k < nt; k++) {
            float s = row[m->share + k];
            if (s < 0.2f || s < 1.5 * th->pop_share[k])
                continue;
            tag_pick p = {k, s};
            if (nl == MAX_LOVERS && by_weight(&p, &lovers[MAX_LOVERS - 1]) > 0)
                continue;
            lovers[nl < MAX_LOVERS ? nl++ : MAX_LOVERS - 1] = p;
            sort_picks(lovers, nl); /* only when a lover came in */
        }
        for (size_t i = 0; i < nl; i++)
            out[n++] = lovers[i];
    }
    uint32_t base = nt;
    if (m->rating_mean != UINT32_MAX && nev >= 10) {
        double d = row[m->rating_mean] - th->rating_mean;
        if (d >= 0.5)
            out[n++] = (tag_pick){base + T_GENEROUS, (float)fmin(1, d)};
        else if (d <= -0.5)
            out[n++] = (tag_pick){base + T_HARSH, (float)fmin(1, -d)};
    }
    float ev = row[m->events];
    if (ev >= th->heavy)
        out[n++] = (tag_pick){base + T_HEAVY, 1};
    else if (ev <= th->light)
        out[n++] = (tag_pick){base + T_LIGHT, 1};
    double span = (double)(ds->time_last - ds->time_base) / 86400.0;
    double first_age = row[m->recency] + row[m->tenure];
    if (span > 60 && first_age <= 30)
        out[n++] = (tag_pick){base + T_NEW, 1};
    if (active && row[m->weekend] >= 0.5f)
        out[n++] = (tag_pick){base + T_WEEKEND, row[m->weekend]};
    if (active && row[m->night] >= 0.4f)
        out[n++] = (tag_pick){base + T_NIGHT, row[m->night]};
    if (m->monetary != UINT32_MAX && row[m->monetary] > 0 &&
        row[m->monetary] >= th->spender)
        out[n++] = (tag_pick){base + T_SPENDER, 1};
    if (nev >= 3 && row[m->churn] >= 0.8f)
        out[n++] = (tag_pick){base + T_AT_RISK, row[m->churn]};
    if (active && nt > 1 && row[m->entropy] <= 0.35f)
        out[n++] = (tag_pick){base + T_FOCUSED, 1 - row[m->entropy]};
    else if (active && nt > 1 && row[m->entropy] >= 0.85f)
        out[n++] = (tag_pick){base + T_ECLECTIC, row[m->entropy]};
    sort_picks(out, n);
    return n;
}

/* The most tags one user can get: its lovers, and each fixed tag once. */
static size_t most_per_user(const vc_portraits *pt)
{
    return VCI_MIN((size_t)pt->topics.ntopics, (size_t)MAX_LOVERS) + T_FIXED;
}

void vci_tags_discard(vci_tag_build *tb)
{
    vci_strpool_free(&tb->names);
    vci_free(tb->name);
    vci_free(tb->start);
    vci_free(tb->id);
    vci_free(tb->weight);
    vci_free(tb->pop_share);
    memset(tb, 0, sizeof *tb);
    vci_strpool_init(&tb->names);
}

/* The thresholds: population quantiles of the rows, and the build's means. */
static vc_status thresholds(vci_tag_build *tb, const vc_portraits *pt, const vci_rows *rows)
{
    const vci_column_map *m = &pt->map;
    double *v = vci_malloc(VCI_MAX((size_t)rows->nusers, 1) * sizeof *v);
    if (!v)
        return VC_ERR_NOMEM;
    size_t active = positive(rows, m->events, v);
    tb->heavy = quantile(v, active, 0.9);
    tb->light = quantile(v, active, 0.1);
    tb->spender = INFINITY;
    if (m->monetary != UINT32_MAX)
        tb->spender = quantile(v, positive(rows, m->monetary, v), 0.9);
    vci_free(v);
    tb->rating_mean = m->rating_mean != UINT32_MAX ? pt->col_mean[m->rating_mean] : 0;
    for (uint32_t k = 0; k < pt->topics.ntopics; k++)
        tb->pop_share[k] = pt->col_mean[m->share + k];
    return VC_OK;
}

vc_status vci_tags_prepare(vci_tag_build *tb, const vc_portraits *pt, const vci_rows *rows)
{
    memset(tb, 0, sizeof *tb);
    vci_strpool_init(&tb->names);
    tb->nusers = rows->nusers;
    tb->old_room = pt->tag_id ? pt->tag_room : 0;
    tb->per_user = most_per_user(pt);
    size_t cap;
    if (!vci_mul_ok((size_t)tb->nusers, tb->per_user, &cap) || cap > UINT32_MAX)
        return vci_error(VC_ERR_NOMEM, "too many users for the tag index");
    vc_status s = register_names(tb, pt);
    if (s == VC_OK) {
        /* the bound: ids and weights are written only as far as the tags
         * go (and not at all when the old arrays take them), the rest is
         * never touched and is given back on install */
        tb->start = vci_calloc((size_t)tb->nusers + 1, sizeof *tb->start);
        tb->id = vci_malloc(VCI_MAX(cap, 1) * sizeof *tb->id);
        tb->weight = vci_malloc(VCI_MAX(cap, 1) * sizeof *tb->weight);
        tb->pop_share = vci_calloc((size_t)pt->topics.ntopics + 1, sizeof *tb->pop_share);
        if (!tb->start || !tb->id || !tb->weight || !tb->pop_share)
            s = VC_ERR_NOMEM;
    }
    if (s == VC_OK)
        s = thresholds(tb, pt, rows);
    if (s != VC_OK)
        vci_tags_discard(tb);
    return s;
}

void vci_tags_count_block(const vci_tag_build *tb, const vc_portraits *pt, size_t block)
{
    uint32_t begin = (uint32_t)(block * VCI_TAG_BLOCK);
    uint32_t end = (uint32_t)VCI_MIN((size_t)begin + VCI_TAG_BLOCK, (size_t)tb->nusers);
    tag_pick picks[MAX_LOVERS + T_FIXED];
    for (uint32_t u = begin; u < end; u++)
        tb->start[u + 1] = (uint32_t)user_tags(pt, tb, u, picks); /* a count until placed */
}

/* The old array *old grown to room for n entries of size bytes (so that
 * the new tags fault in only the growth); false, *old unchanged, when it
 * cannot grow. */
static bool grow(void **old, size_t n, size_t size)
{
    void *p = vci_realloc(*old, VCI_MAX(n * size, 1));
    if (!p) {
        vci_clear_error(); /* not an error: the bound takes the tags */
        return false;
    }
    *old = p;
    return true;
}

/* Exchange the tag arrays (ids and weights) of tb and pt. */
static void swap_arrays(vci_tag_build *tb, vc_portraits *pt)
{
    uint32_t *id = pt->tag_id;
    float *weight = pt->tag_weight;
    pt->tag_id = tb->id;
    pt->tag_weight = tb->weight;
    tb->id = id;
    tb->weight = weight;
}

/* Offsets from the counts; the old arrays take the tags when they have (or
 * can grow) room for them. */
static void place(vci_tag_build *tb, vc_portraits *pt)
{
    for (uint32_t u = 0; u < tb->nusers; u++)
        tb->start[u + 1] += tb->start[u];
    size_t len = tb->start[tb->nusers], room = tb->old_room;
    if (len > room) {
        room = vci_ev_room(len);
        if (!pt->tag_id || !grow((void **)&pt->tag_id, room, sizeof *pt->tag_id) ||
            !grow((void **)&pt->tag_weight, room, sizeof *pt->tag_weight))
            return; /* the bound takes them */
    }
    /* the new tags overwrite the old ones (nothing reads those any more),
     * and pt holds the untouched bound until the install frees it */
    swap_arrays(tb, pt);
    tb->reused = true;
    tb->reused_room = room;
}

/* The tags of one block's users, at their places. */
static void fill_block(const vci_tag_build *tb, const vc_portraits *pt, size_t block)
{
    uint32_t begin = (uint32_t)(block * VCI_TAG_BLOCK);
    uint32_t end = (uint32_t)VCI_MIN((size_t)begin + VCI_TAG_BLOCK, (size_t)tb->nusers);
    tag_pick picks[MAX_LOVERS + T_FIXED];
    for (uint32_t u = begin; u < end; u++) {
        size_t n = user_tags(pt, tb, u, picks), at = tb->start[u];
        for (size_t i = 0; i < n; i++) {
            tb->id[at + i] = picks[i].id;
            tb->weight[at + i] = picks[i].w;
        }
    }
}

/* Hand back the part of the ids' and weights' arrays that was not used; a
 * block that cannot shrink is kept as it is. */
static void shrink(void **block, size_t bytes)
{
    void *p = vci_realloc(*block, VCI_MAX(bytes, 1));
    if (p)
        *block = p;
    else
        vci_clear_error(); /* not an error: the block stays valid */
}

void vci_tags_install(vci_tag_build *tb, vc_portraits *pt)
{
    /* the bound keeps room for an eighth more (untouched memory) */
    size_t room = tb->reused_room;
    if (!tb->reused) {
        room = VCI_MIN(vci_ev_room(tb->start[tb->nusers]), tb->nusers * tb->per_user);
        shrink((void **)&tb->id, room * sizeof *tb->id);
        shrink((void **)&tb->weight, room * sizeof *tb->weight);
    }
    /* swap: pt takes the new tags, tb the old ones to free */
    vci_strpool names = pt->tag_names;
    size_t *name = pt->tag_name;
    uint32_t *start = pt->tag_start;
    pt->tag_names = tb->names;
    pt->tag_name = tb->name;
    pt->ntags = tb->ntags;
    pt->tag_start = tb->start;
    pt->tag_room = room;
    tb->names = names;
    tb->name = name;
    tb->start = start;
    swap_arrays(tb, pt);
    vci_tags_discard(tb);
}

typedef struct fill_ctx { const vci_tag_build *tb; const vc_portraits *pt; } fill_ctx;

static vc_status count_task(void *ctx, size_t task, unsigned worker)
{
    (void)worker;
    const fill_ctx *c = ctx;
    vci_tags_count_block(c->tb, c->pt, task);
    return VC_OK;
}

static vc_status fill_task(void *ctx, size_t task, unsigned worker)
{
    (void)worker;
    const fill_ctx *c = ctx;
    fill_block(c->tb, c->pt, task);
    return VC_OK;
}

void vci_tags_fill(vci_tag_build *tb, vc_portraits *pt, vci_pool *pool)
{
    /* tasks that never fail, no progress: the loop cannot fail */
    fill_ctx c = {tb, pt};
    place(tb, pt);
    (void)vci_parallel_for(pool, vci_tags_blocks(tb->nusers), fill_task, &c, NULL);
}

vc_status vci_tags_build(vc_portraits *pt, vci_pool *pool)
{
    vci_tag_build tb;
    vci_rows rows = vci_rows_of(pt);
    VCI_CHECK(vci_tags_prepare(&tb, pt, &rows));
    /* tasks that never fail, no progress: the loop cannot fail */
    fill_ctx c = {&tb, pt};
    (void)vci_parallel_for(pool, vci_tags_blocks(pt->nusers), count_task, &c, NULL);
    vci_tags_fill(&tb, pt, pool);
    vci_tags_install(&tb, pt);
    return VC_OK;
}
