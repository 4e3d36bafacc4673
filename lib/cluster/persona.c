/*
 * persona.c - a name, a readable persona and tags for every community.
 *
 * Persona = "<size> users (<share>%)" then what sets the community's mean
 * portrait apart from the population's, most distinctive first:
 *  - static attributes: per attribute the value held by >= 40% of members
 *    and >= 1.25x as often as in the population ("68% women", "aged 25-34");
 *  - topics: the two with the highest share lift (>= 1.2x, share >= 5%)
 *    ("Romance and Drama");
 *  - habits: mean rating +/- 0.2 from the population ("rates generously" /
 *    "rates harshly"), activity +/- 0.5 in log events ("very active" /
 *    "occasional"), spend +/- 0.5 in log money ("high spend" / "low
 *    spend"), weekend share +0.1 ("weekend"), churn risk +0.15 ("at risk").
 * Tags: portrait tags carried (strength-weighted) by >= 25% of members and
 * >= 1.5x as often as in the population, at most 5, most common first.
 * Names: "segment N" for global segments, "<topic> N" inside a topic.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#include "community.h"

typedef struct text { char buf[1024]; size_t len; } text;

static void add(text *t, const char *sep, const char *fmt, ...) VCI_PRINTF(3, 4);
static void add(text *t, const char *sep, const char *fmt, ...)
{
    if (t->len >= sizeof t->buf - 1)
        return;
    if (sep && t->len)
        t->len += (size_t)snprintf(t->buf + t->len, sizeof t->buf - t->len, "%s", sep);
    if (t->len >= sizeof t->buf - 1)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(t->buf + t->len, sizeof t->buf - t->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        t->len = VCI_MIN(t->len + (size_t)n, sizeof t->buf - 1);
}

static void value_words(const char *group, const char *value, char *out,
                        size_t size)
{
    if (strcasecmp(group, "gender") == 0 && strcasecmp(value, "F") == 0)
        snprintf(out, size, "women");
    else if (strcasecmp(group, "gender") == 0 && strcasecmp(value, "M") == 0)
        snprintf(out, size, "men");
    else if (strcasecmp(group, "age") == 0)
        snprintf(out, size, "aged %s", value);
    else if (strcasecmp(group, "region") == 0)
        snprintf(out, size, "region %s", value);
    else
        snprintf(out, size, "%s", value);
}

static void fact_part(const vc_communities *cm, const float *mean, text *t)
{
    const vc_portraits *pt = cm->pt;
    const vci_schema *sc = &pt->schema;
    int said = 0;
    for (uint32_t b = pt->map.fact_begin; b < pt->map.fact_end && said < 3;) {
        uint32_t e = b + 1;
        while (e < pt->map.fact_end && sc->cols[e].group == sc->cols[b].group)
            e++;
        uint32_t best = UINT32_MAX;
        double best_lift = 0;
        for (uint32_t c = b; c < e; c++) {
            double pop = pt->col_mean[c], lift = pop > 0 ? mean[c] / pop : 0;
            if (e - b > 1 && mean[c] >= 0.4 && lift >= 1.25 && lift > best_lift) {
                best = c;
                best_lift = lift;
            }
        }
        if (best != UINT32_MAX) {
            char words[256];
            value_words(vci_strpool_str(&sc->strings, sc->cols[best].group),
                        vci_strpool_str(&sc->strings, sc->cols[best].name), words,
                        sizeof words);
            add(t, ", ", "%.0f%% %s", 100.0 * mean[best], words);
            said++;
        }
        b = e;
    }
}

static void topic_part(const vc_communities *cm, const float *mean, text *t)
{
    const vc_portraits *pt = cm->pt;
    uint32_t first = pt->map.share, best[2] = {UINT32_MAX, UINT32_MAX};
    double lift[2] = {0, 0};
    for (uint32_t k = 0; k < pt->topics.ntopics; k++) {
        double pop = pt->col_mean[first + k], m = mean[first + k];
        double l = pop > 0 ? m / pop : 0;
        if (m < 0.05 || l < 1.2)
            continue;
        if (l > lift[0]) {
            best[1] = best[0];
            lift[1] = lift[0];
            best[0] = k;
            lift[0] = l;
        } else if (l > lift[1]) {
            best[1] = k;
            lift[1] = l;
        }
    }
    if (best[0] == UINT32_MAX)
        return;
    if (best[1] == UINT32_MAX)
        add(t, "; ", "%s", vci_topic_name(&pt->topics, best[0]));
    else
        add(t, "; ", "%s and %s", vci_topic_name(&pt->topics, best[0]),
            vci_topic_name(&pt->topics, best[1]));
}

static void habit(text *t, bool *first, const char *word)
{
    add(t, *first ? "; " : ", ", "%s", word);
    *first = false;
}

static void habits_part(const vc_communities *cm, const float *mean, text *t)
{
    const vc_portraits *pt = cm->pt;
    const vci_column_map *m = &pt->map;
    const float *pop = pt->col_mean;
    bool first = true;
    if (m->rating_mean != UINT32_MAX) {
        double d = mean[m->rating_mean] - pop[m->rating_mean];
        if (d >= 0.2)
            habit(t, &first, "rates generously");
        else if (d <= -0.2)
            habit(t, &first, "rates harshly");
    }
    double act = mean[m->events] - pop[m->events];
    if (act >= 0.5)
        habit(t, &first, "very active");
    else if (act <= -0.5)
        habit(t, &first, "occasional");
    if (m->monetary != UINT32_MAX) {
        double sp = mean[m->monetary] - pop[m->monetary];
        if (sp >= 0.5)
            habit(t, &first, "high spend");
        else if (sp <= -0.5)
            habit(t, &first, "low spend");
    }
    if (mean[m->weekend] - pop[m->weekend] >= 0.1)
        habit(t, &first, "weekend");
    if (mean[m->churn] - pop[m->churn] >= 0.15)
        habit(t, &first, "at risk");
}

typedef struct tag_score { uint32_t id; double frac; } tag_score;

static int by_frac(const void *a, const void *b)
{
    const tag_score *x = a, *y = b;
    if (x->frac != y->frac)
        return x->frac > y->frac ? -1 : 1;
    return (x->id > y->id) - (x->id < y->id);
}

/* Strength-weighted tag counts of every community (acc[c * ntags + t])
 * and its members' total strength: each of TAG_CHUNKS fixed chunks of
 * users counts into its own part (in parallel), and the parts are added in
 * chunk order, so the sums do not depend on the thread count. */
#define TAG_CHUNKS 8

typedef struct counts_ctx {
    const vc_communities *cm;
    double *acc, *total;   /* [TAG_CHUNKS * ncomm * ntags], [TAG_CHUNKS * ncomm] */
} counts_ctx;

static vc_status counts_task(void *ctx, size_t chunk, unsigned worker)
{
    (void)worker;
    const counts_ctx *k = ctx;
    const vc_communities *cm = k->cm;
    const vc_portraits *pt = cm->pt;
    double *acc = k->acc + chunk * cm->ncomm * pt->ntags;
    double *total = k->total + chunk * cm->ncomm;
    uint32_t ub = (uint32_t)((uint64_t)cm->nusers * chunk / TAG_CHUNKS);
    uint32_t ue = (uint32_t)((uint64_t)cm->nusers * (chunk + 1) / TAG_CHUNKS);
    for (uint32_t u = ub; u < ue; u++)
        for (uint32_t i = cm->mem_start[u]; i < cm->mem_start[u + 1]; i++) {
            uint32_t c = cm->mem_comm[i];
            double w = cm->mem_strength[i];
            total[c] += w;
            for (uint32_t j = pt->tag_start[u]; j < pt->tag_start[u + 1]; j++)
                acc[(size_t)c * pt->ntags + pt->tag_id[j]] += w;
        }
    return VC_OK;
}

static vc_status tag_counts(const vc_communities *cm, vci_pool *pool, double *acc,
                            double *total)
{
    size_t cells = (size_t)cm->ncomm * cm->pt->ntags;
    counts_ctx k = {cm, vci_calloc(TAG_CHUNKS * cells + 1, sizeof *k.acc),
                    vci_calloc(TAG_CHUNKS * (size_t)cm->ncomm + 1, sizeof *k.total)};
    vc_status s = k.acc && k.total ? vci_parallel_for(pool, TAG_CHUNKS, counts_task, &k, NULL)
                                   : VC_ERR_NOMEM;
    for (size_t chunk = 0; chunk < TAG_CHUNKS && s == VC_OK; chunk++) {
        for (size_t i = 0; i < cells; i++)
            acc[i] += k.acc[chunk * cells + i];
        for (size_t c = 0; c < cm->ncomm; c++)
            total[c] += k.total[chunk * cm->ncomm + c];
    }
    vci_free(k.acc);
    vci_free(k.total);
    return s;
}

static vc_status community_tags(vc_communities *cm, uint32_t c,
                                const double *pop_frac, const double *acc,
                                double total, tag_score *scores)
{
    const vc_portraits *pt = cm->pt;
    size_t n = 0;
    for (uint32_t t = 0; t < pt->ntags && total > 0; t++) {
        double f = acc[t] / total;
        if (f >= 0.25 && f >= 1.5 * pop_frac[t])
            scores[n++] = (tag_score){t, f};
    }
    qsort(scores, n, sizeof *scores, by_frac);
    n = VCI_MIN(n, (size_t)5);
    vci_community *cc = &cm->comm[c];
    cc->tag_begin = (uint32_t)cm->ntag;
    size_t cap = cm->tag_cap;
    VCI_CHECK(vci_reserve((void **)&cm->tag_id, &cap, cm->ntag + n, sizeof *cm->tag_id));
    if (cap != cm->tag_cap) {
        float *w = vci_array_realloc(cm->tag_weight, cap, sizeof *w);
        if (!w)
            return VC_ERR_NOMEM;
        cm->tag_weight = w;
        cm->tag_cap = cap;
    }
    for (size_t i = 0; i < n; i++) {
        cm->tag_id[cm->ntag] = scores[i].id;
        cm->tag_weight[cm->ntag++] = (float)scores[i].frac;
    }
    cc->tag_end = (uint32_t)cm->ntag;
    return VC_OK;
}

vc_status vci_personas_build(vc_communities *cm, vci_pool *pool)
{
    const vc_portraits *pt = cm->pt;
    double *pop_frac = vci_calloc(pt->ntags + 1, sizeof *pop_frac);
    double *acc = vci_calloc((size_t)cm->ncomm * pt->ntags + 1, sizeof *acc);
    double *total = vci_calloc((size_t)cm->ncomm + 1, sizeof *total);
    tag_score *scores = vci_calloc(pt->ntags + 1, sizeof *scores);
    vc_status s = pop_frac && acc && total && scores ? VC_OK : VC_ERR_NOMEM;
    for (uint32_t u = 0; u < pt->nusers && s == VC_OK; u++)
        for (uint32_t j = pt->tag_start[u]; j < pt->tag_start[u + 1]; j++)
            pop_frac[pt->tag_id[j]] += 1.0 / pt->nusers;
    if (s == VC_OK)
        s = tag_counts(cm, pool, acc, total);
    uint32_t index_in_group = 0;
    for (uint32_t c = 0; c < cm->ncomm && s == VC_OK; c++) {
        vci_community *cc = &cm->comm[c];
        index_in_group = c > 0 && cm->comm[c - 1].topic == cc->topic ? index_in_group + 1 : 0;
        char name[300];
        if (cc->topic == UINT32_MAX)
            snprintf(name, sizeof name, "segment %u", index_in_group + 1);
        else
            snprintf(name, sizeof name, "%.280s %u", vci_topic_name(&pt->topics, cc->topic),
                     index_in_group + 1);
        s = vci_strpool_add(&cm->strings, name, strlen(name), &cc->name);
        const float *mean = cm->centroid_raw + (size_t)c * cm->ncols;
        text t = {{0}, 0};
        add(&t, NULL, "%u users (%.0f%%)", cc->size, 100.0 * cc->share);
        fact_part(cm, mean, &t);
        topic_part(cm, mean, &t);
        habits_part(cm, mean, &t);
        if (s == VC_OK)
            s = vci_strpool_add(&cm->strings, t.buf, t.len, &cc->persona);
        if (s == VC_OK)
            s = community_tags(cm, c, pop_frac, acc + (size_t)c * pt->ntags, total[c],
                               scores);
    }
    vci_free(pop_frac);
    vci_free(acc);
    vci_free(total);
    vci_free(scores);
    return s;
}
