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
 * Every allocation is made first (vci_tags_prepare: the tag index sized for
 * the most tags a user can get, the quantile scratch), so that deriving
 * the tags from raw and installing them (vci_tags_fill) cannot fail: an
 * update prepares before it commits its rows in place and fills after.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "portrait.h"

enum {
    T_GENEROUS, T_HARSH, T_HEAVY, T_LIGHT, T_NEW, T_WEEKEND, T_NIGHT,
    T_SPENDER, T_AT_RISK, T_FOCUSED, T_ECLECTIC, T_FIXED
};
static const char *const fixed_names[T_FIXED] = {
    "generous rater", "harsh rater", "heavy user", "light user", "new",
    "weekend", "night owl", "high spender", "at risk", "focused", "eclectic"};

static int cmp_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

/* The q-quantile of column col over the users with a value > 0 (v: room
 * for every user's value). */
static float quantile(const vc_portraits *pt, uint32_t col, double q, float *v)
{
    size_t n = 0;
    for (uint32_t u = 0; u < pt->nusers; u++) {
        float x = pt->raw[(size_t)u * pt->ncols + col];
        if (x > 0)
            v[n++] = x;
    }
    qsort(v, n, sizeof *v, cmp_float);
    return n ? v[(size_t)fmin((double)n - 1, floor(q * (double)n))] : INFINITY;
}

typedef vci_tag_pick tag_pick;

#define MAX_LOVERS 3

static int by_weight(const void *a, const void *b)
{
    const tag_pick *x = a, *y = b;
    if (x->w != y->w)
        return x->w > y->w ? -1 : 1;
    return (x->id > y->id) - (x->id < y->id);
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

typedef struct thresholds {
    float heavy, light, spender;
    double rating_mean;
    double *pop_share;
} thresholds;

static size_t user_tags(const vc_portraits *pt, const thresholds *th,
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
            if (nl < MAX_LOVERS) {
                lovers[nl++] = p;
            } else if (by_weight(&p, &lovers[MAX_LOVERS - 1]) < 0) {
                lovers[MAX_LOVERS - 1] = p;
            }
            qsort(lovers, nl, sizeof *lovers, by_weight);
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
    qsort(out, n, sizeof *out, by_weight);
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
    vci_free(tb->values);
    vci_free(tb->pop_share);
    vci_free(tb->picks);
    memset(tb, 0, sizeof *tb);
    vci_strpool_init(&tb->names);
}

vc_status vci_tags_prepare(vci_tag_build *tb, const vc_portraits *pt, uint32_t nusers)
{
    memset(tb, 0, sizeof *tb);
    vci_strpool_init(&tb->names);
    tb->nusers = nusers;
    size_t nt = pt->topics.ntopics, cap;
    if (!vci_mul_ok((size_t)nusers, most_per_user(pt), &cap) || cap > UINT32_MAX)
        return vci_error(VC_ERR_NOMEM, "too many users for the tag index");
    vc_status s = register_names(tb, pt);
    if (s == VC_OK) {
        /* ids and weights are written only as far as tags are found: the
         * rest of the bound is never touched, and given back by fill */
        tb->start = vci_calloc((size_t)nusers + 1, sizeof *tb->start);
        tb->id = vci_malloc(VCI_MAX(cap, 1) * sizeof *tb->id);
        tb->weight = vci_malloc(VCI_MAX(cap, 1) * sizeof *tb->weight);
        tb->values = vci_malloc(VCI_MAX((size_t)nusers, 1) * sizeof *tb->values);
        tb->pop_share = vci_calloc(nt + 1, sizeof *tb->pop_share);
        tb->picks = vci_calloc(nt + T_FIXED + 4, sizeof *tb->picks);
        if (!tb->start || !tb->id || !tb->weight || !tb->values || !tb->pop_share ||
            !tb->picks)
            s = VC_ERR_NOMEM;
    }
    if (s != VC_OK)
        vci_tags_discard(tb);
    return s;
}

/* Hand back the part of the ids' and weights' bound that fill did not use;
 * a block that cannot shrink is kept as it is. */
static void shrink(void **block, size_t bytes)
{
    void *p = vci_realloc(*block, VCI_MAX(bytes, 1));
    if (p)
        *block = p;
    else
        vci_clear_error(); /* not an error: the block stays valid */
}

void vci_tags_fill(vci_tag_build *tb, vc_portraits *pt)
{
    const vci_column_map *m = &pt->map;
    uint32_t nt = pt->topics.ntopics;
    thresholds th = {0};
    th.heavy = quantile(pt, m->events, 0.9, tb->values);
    th.light = quantile(pt, m->events, 0.1, tb->values);
    th.spender = m->monetary != UINT32_MAX ? quantile(pt, m->monetary, 0.9, tb->values)
                                           : INFINITY;
    th.rating_mean = m->rating_mean != UINT32_MAX ? pt->col_mean[m->rating_mean] : 0;
    for (uint32_t k = 0; k < nt; k++)
        tb->pop_share[k] = pt->col_mean[m->share + k];
    th.pop_share = tb->pop_share;
    size_t len = 0;
    for (uint32_t u = 0; u < pt->nusers; u++) {
        size_t n = user_tags(pt, &th, u, tb->picks);
        for (size_t i = 0; i < n; i++) {
            tb->id[len] = tb->picks[i].id;
            tb->weight[len++] = tb->picks[i].w;
        }
        tb->start[u + 1] = (uint32_t)len;
    }
    shrink((void **)&tb->id, len * sizeof *tb->id);
    shrink((void **)&tb->weight, len * sizeof *tb->weight);
    /* swap: pt takes the new tags, tb the old ones to free */
    vci_strpool names = pt->tag_names;
    size_t *name = pt->tag_name;
    uint32_t *start = pt->tag_start, *id = pt->tag_id;
    float *weight = pt->tag_weight;
    pt->tag_names = tb->names;
    pt->tag_name = tb->name;
    pt->ntags = tb->ntags;
    pt->tag_start = tb->start;
    pt->tag_id = tb->id;
    pt->tag_weight = tb->weight;
    tb->names = names;
    tb->name = name;
    tb->start = start;
    tb->id = id;
    tb->weight = weight;
    vci_tags_discard(tb);
}

vc_status vci_tags_build(vc_portraits *pt)
{
    vci_tag_build tb;
    VCI_CHECK(vci_tags_prepare(&tb, pt, pt->nusers));
    vci_tags_fill(&tb, pt);
    return VC_OK;
}
