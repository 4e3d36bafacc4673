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

/* The q-quantile of column col over users passing keep (>0 values). */
static vc_status quantile(const vc_portraits *pt, uint32_t col, double q,
                          float *out)
{
    float *v = vci_calloc(pt->nusers ? pt->nusers : 1, sizeof *v);
    if (!v)
        return VC_ERR_NOMEM;
    size_t n = 0;
    for (uint32_t u = 0; u < pt->nusers; u++) {
        float x = pt->raw[(size_t)u * pt->ncols + col];
        if (x > 0)
            v[n++] = x;
    }
    qsort(v, n, sizeof *v, cmp_float);
    *out = n ? v[(size_t)fmin((double)n - 1, floor(q * (double)n))] : INFINITY;
    vci_free(v);
    return VC_OK;
}

typedef struct tag_pick { uint32_t id; float w; } tag_pick;

static int by_weight(const void *a, const void *b)
{
    const tag_pick *x = a, *y = b;
    if (x->w != y->w)
        return x->w > y->w ? -1 : 1;
    return (x->id > y->id) - (x->id < y->id);
}

static vc_status register_names(vc_portraits *pt)
{
    uint32_t nt = pt->topics.ntopics;
    pt->ntags = nt + T_FIXED;
    pt->tag_name = vci_calloc(pt->ntags, sizeof *pt->tag_name);
    if (!pt->tag_name)
        return VC_ERR_NOMEM;
    char buf[300];
    for (uint32_t k = 0; k < pt->ntags; k++) {
        if (k < nt)
            snprintf(buf, sizeof buf, "%.280s lover", vci_topic_name(&pt->topics, k));
        else
            snprintf(buf, sizeof buf, "%s", fixed_names[k - nt]);
        VCI_CHECK(vci_strpool_add(&pt->tag_names, buf, strlen(buf), &pt->tag_name[k]));
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
        tag_pick lovers[3];
        size_t nl = 0;
        for (uint32_t k = 0; k < nt; k++) {
            float s = row[m->share + k];
            if (s < 0.2f || s < 1.5 * th->pop_share[k])
                continue;
            tag_pick p = {k, s};
            if (nl < 3) {
                lovers[nl++] = p;
            } else if (by_weight(&p, &lovers[2]) < 0) {
                lovers[2] = p;
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

vc_status vci_tags_build(vc_portraits *pt)
{
    const vci_column_map *m = &pt->map;
    uint32_t nt = pt->topics.ntopics;
    thresholds th = {0};
    VCI_CHECK(register_names(pt));
    VCI_CHECK(quantile(pt, m->events, 0.9, &th.heavy));
    VCI_CHECK(quantile(pt, m->events, 0.1, &th.light));
    th.spender = INFINITY;
    if (m->monetary != UINT32_MAX)
        VCI_CHECK(quantile(pt, m->monetary, 0.9, &th.spender));
    th.rating_mean = m->rating_mean != UINT32_MAX ? pt->col_mean[m->rating_mean] : 0;
    th.pop_share = vci_calloc(nt + 1, sizeof *th.pop_share);
    pt->tag_start = vci_calloc((size_t)pt->nusers + 1, sizeof *pt->tag_start);
    tag_pick *buf = vci_calloc(nt + T_FIXED + 4, sizeof *buf);
    size_t cap = 0, wcap = 0, len = 0;
    vc_status s = th.pop_share && pt->tag_start && buf ? VC_OK : VC_ERR_NOMEM;
    for (uint32_t k = 0; k < nt && s == VC_OK; k++)
        th.pop_share[k] = pt->col_mean[m->share + k];
    for (uint32_t u = 0; u < pt->nusers && s == VC_OK; u++) {
        size_t n = user_tags(pt, &th, u, buf);
        size_t need = len + n;
        s = vci_reserve((void **)&pt->tag_id, &cap, need, sizeof *pt->tag_id);
        if (s == VC_OK && cap != wcap) { /* keep weights as long as ids */
            float *w = vci_array_realloc(pt->tag_weight, cap, sizeof *w);
            if (!w)
                s = VC_ERR_NOMEM;
            else {
                pt->tag_weight = w;
                wcap = cap;
            }
        }
        for (size_t i = 0; i < n && s == VC_OK; i++) {
            pt->tag_id[len] = buf[i].id;
            pt->tag_weight[len++] = buf[i].w;
        }
        pt->tag_start[u + 1] = (uint32_t)len;
    }
    vci_free(buf);
    vci_free(th.pop_share);
    return s;
}
