/*
 * query.c - one user's top-n from its communities and its neighbours
 * inside them.
 *
 *   comm[i] = sum_c s_c * score[c][i] / sum_c s_c     over the user's
 *             communities c with membership strengths s_c
 *   nb[i]   = sum_v sim(u, v) * value(v, i)           over the
 *             recommend.neighbours most cosine-similar users v among the
 *             recommend.pool strongest members of each of the user's
 *             recommend.pool_communities strongest communities
 *   final   = (1 - lambda) comm / max(comm) + lambda nb / max(nb),
 *             lambda = recommend.neighbour_weight
 * Items the user has, excluded items and items outside the category
 * filter are never recommended. Because neighbours come from a few
 * communities, a query touches a bounded pool of users, not every user.
 *
 * Invariant: the scratch arrays are all-zero between queries.
 */
#include <math.h>
#include <stdlib.h>

#include "recommend.h"

vc_status vci_rec_scratch_init(vci_rec_scratch *s, size_t nitems)
{
    memset(s, 0, sizeof *s);
    nitems = VCI_MAX(nitems, 1);
    s->comm = vci_calloc(nitems, sizeof *s->comm);
    s->nb = vci_calloc(nitems, sizeof *s->nb);
    s->nbcnt = vci_calloc(nitems, sizeof *s->nbcnt);
    s->uvec = vci_calloc(nitems, sizeof *s->uvec);
    s->seen = vci_calloc(nitems, sizeof *s->seen);
    if (!s->comm || !s->nb || !s->nbcnt || !s->uvec || !s->seen) {
        vci_rec_scratch_free(s);
        return VC_ERR_NOMEM;
    }
    return VC_OK;
}

void vci_rec_scratch_free(vci_rec_scratch *s)
{
    vci_free(s->comm);
    vci_free(s->nb);
    vci_free(s->nbcnt);
    vci_free(s->uvec);
    vci_free(s->seen);
    vci_free(s->pool);
    vci_free(s->sim);
    vci_free(s->nbr);
    memset(s, 0, sizeof *s);
}

void vci_top_n(const float *score, size_t m, size_t n, uint32_t *idx,
               size_t *count)
{
    size_t k = 0;
    for (size_t i = 0; i < m && n > 0; i++) {
        float v = score[i];
        if (!(v > -INFINITY))
            continue;
        if (k == n && !(v > score[idx[k - 1]]))
            continue;
        size_t pos = k < n ? k++ : n - 1;
        while (pos > 0 && v > score[idx[pos - 1]]) {
            idx[pos] = idx[pos - 1];
            pos--;
        }
        idx[pos] = (uint32_t)i;
    }
    *count = k;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* Candidate neighbours: the strongest members of the user's strongest
 * communities, deduplicated, without the user. */
static vc_status neighbour_pool(const vc_communities *cm, uint32_t u,
                                size_t ncomms, size_t per_comm,
                                vci_rec_scratch *s, size_t *npool)
{
    size_t n = 0;
    uint32_t mb = cm->mem_start[u], me = cm->mem_start[u + 1];
    for (uint32_t j = mb; j < me && j - mb < ncomms; j++) {
        uint32_t c = cm->mem_comm[j];
        uint32_t b = cm->comm_start[c];
        uint32_t e = (uint32_t)VCI_MIN((size_t)cm->comm_start[c + 1], b + per_comm);
        VCI_CHECK(vci_reserve((void **)&s->pool, &s->pool_cap, n + (e - b), sizeof *s->pool));
        for (uint32_t i = b; i < e; i++)
            if (cm->comm_user[i] != u)
                s->pool[n++] = cm->comm_user[i];
    }
    qsort(s->pool, n, sizeof *s->pool, cmp_u32);
    size_t w = 0;
    for (size_t i = 0; i < n; i++)
        if (w == 0 || s->pool[w - 1] != s->pool[i])
            s->pool[w++] = s->pool[i];
    *npool = w;
    return VC_OK;
}

/* Fill s->nb / s->nbcnt from the k most similar users of the pool. */
static vc_status neighbour_scores(const vc_communities *cm,
                                  const vci_rec_index *ix, uint32_t u,
                                  const vc_options *opts, vci_rec_scratch *s,
                                  size_t *nnb)
{
    const vc_dataset *ds = cm->pt->ds;
    *nnb = 0;
    if (ix->user_norm[u] <= 0)
        return VC_OK;
    size_t npool;
    VCI_CHECK(neighbour_pool(cm, u, (size_t)vci_opt_int(opts, VCI_OPT_RECOMMEND_POOL_COMMUNITIES),
                             (size_t)vci_opt_int(opts, VCI_OPT_RECOMMEND_POOL), s, &npool));
    VCI_CHECK(vci_reserve((void **)&s->sim, &s->sim_cap, VCI_MAX(npool, 1),
                          sizeof *s->sim));
    for (size_t p = 0; p < npool; p++) {
        uint32_t v = s->pool[p];
        double dot = 0;
        for (uint64_t e = ds->user_start[v]; e < ds->user_start[v + 1]; e++)
            dot += s->uvec[ds->ev_item[e]] * vci_rec_value(ix, ds->ev_value[e]);
        float nv = ix->user_norm[v];
        s->sim[p] = dot > 0 && nv > 0 ? (float)(dot / (ix->user_norm[u] * nv)) : -INFINITY;
    }
    size_t k = (size_t)vci_opt_int(opts, VCI_OPT_RECOMMEND_NEIGHBOURS);
    VCI_CHECK(vci_reserve((void **)&s->nbr, &s->nbr_cap, k, sizeof *s->nbr));
    vci_top_n(s->sim, npool, k, s->nbr, nnb);
    for (size_t j = 0; j < *nnb; j++) {
        uint32_t v = s->pool[s->nbr[j]];
        float sim = s->sim[s->nbr[j]];
        for (uint64_t e = ds->user_start[v]; e < ds->user_start[v + 1]; e++) {
            uint32_t it = ds->ev_item[e];
            s->nb[it] += sim * vci_rec_value(ix, ds->ev_value[e]);
            if (s->nbcnt[it] < UINT16_MAX)
                s->nbcnt[it]++;
        }
    }
    return VC_OK;
}

static void community_scores(const vc_communities *cm, const vci_rec_index *ix,
                             uint32_t u, float *comm)
{
    size_t ni = ix->nitems;
    double total = 0;
    for (uint32_t j = cm->mem_start[u]; j < cm->mem_start[u + 1]; j++)
        total += cm->mem_strength[j];
    for (uint32_t j = cm->mem_start[u]; j < cm->mem_start[u + 1]; j++) {
        float w = (float)(cm->mem_strength[j] / total);
        const float *sc = ix->score + (size_t)cm->mem_comm[j] * ni;
        for (size_t i = 0; i < ni; i++)
            comm[i] += w * sc[i];
    }
}

/* The community of the user contributing most to item it. */
static uint32_t main_community(const vc_communities *cm, const vci_rec_index *ix,
                               uint32_t u, uint32_t it)
{
    uint32_t best = UINT32_MAX;
    float best_v = -1;
    for (uint32_t j = cm->mem_start[u]; j < cm->mem_start[u + 1]; j++) {
        float v = cm->mem_strength[j] * ix->score[(size_t)cm->mem_comm[j] * ix->nitems + it];
        if (v > best_v) {
            best_v = v;
            best = cm->mem_comm[j];
        }
    }
    return best;
}

static bool in_category(const vc_portraits *pt, uint32_t it, uint32_t cat)
{
    const vci_topics *tp = &pt->topics;
    for (uint32_t k = tp->item_start[it]; k < tp->item_start[it + 1]; k++)
        if (tp->item_topic[k] == cat)
            return true;
    return false;
}

vc_status vci_recommend_user(const vc_communities *cm,
                             const vci_rec_index *ix, const vc_options *opts,
                             uint32_t u, size_t n, const uint32_t *exclude,
                             size_t nexclude, uint32_t category,
                             vci_rec_scratch *s, vci_rec_item *out,
                             size_t *count)
{
    const vc_dataset *ds = cm->pt->ds;
    size_t ni = ix->nitems;
    uint64_t eb = ds->user_start[u], ee = ds->user_start[u + 1];
    for (uint64_t e = eb; e < ee; e++) {
        s->uvec[ds->ev_item[e]] = vci_rec_value(ix, ds->ev_value[e]);
        s->seen[ds->ev_item[e]] = 1;
    }
    for (size_t x = 0; x < nexclude; x++)
        if (exclude[x] < ni)
            s->seen[exclude[x]] = 1;
    community_scores(cm, ix, u, s->comm);
    size_t nnb = 0;
    vc_status st = neighbour_scores(cm, ix, u, opts, s, &nnb);
    double lambda = nnb ? vci_opt_float(opts, VCI_OPT_RECOMMEND_NEIGHBOUR_WEIGHT) : 0;
    float maxc = 0, maxn = 0;
    for (size_t i = 0; i < ni; i++) {
        if (s->seen[i] || (category != UINT32_MAX && !in_category(cm->pt, (uint32_t)i, category))) {
            s->comm[i] = -INFINITY;
            continue;
        }
        maxc = VCI_MAX(maxc, s->comm[i]);
        maxn = VCI_MAX(maxn, s->nb[i]);
    }
    float wc = maxc > 0 ? (float)((1 - lambda) / maxc) : 0;
    float wn = maxn > 0 ? (float)(lambda / maxn) : 0;
    for (size_t i = 0; i < ni; i++)
        if (s->comm[i] > -INFINITY) {
            float c = s->comm[i] * wc, nbv = s->nb[i] * wn;
            s->comm[i] = c + nbv;
            s->nb[i] = nbv > c ? 1.0f : 0.0f; /* remember which part dominates */
        }
    uint32_t local[256];
    uint32_t *idx = n <= 256 ? local : vci_calloc(n, sizeof *idx);
    if (!idx)
        st = VC_ERR_NOMEM;
    size_t k = 0;
    if (st == VC_OK)
        vci_top_n(s->comm, ni, n, idx, &k);
    for (size_t j = 0; j < k; j++) {
        uint32_t it = idx[j];
        out[j] = (vci_rec_item){it, s->comm[it], main_community(cm, ix, u, it),
                                s->nbcnt[it], s->nb[it] > 0};
    }
    *count = k;
    if (idx != local)
        vci_free(idx);
    /* restore the all-zero invariant */
    memset(s->comm, 0, ni * sizeof *s->comm);
    memset(s->nb, 0, ni * sizeof *s->nb);
    memset(s->nbcnt, 0, ni * sizeof *s->nbcnt);
    memset(s->seen, 0, ni * sizeof *s->seen);
    for (uint64_t e = eb; e < ee; e++)
        s->uvec[ds->ev_item[e]] = 0;
    return st;
}
