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
 * communities, a query touches a bounded pool of users, not every user:
 * each community's pool is packed for the kernels once per index
 * (pools.c), so a query scores it with one kernel call (when the pools
 * do not match the query's options, it gathers the members' rows into
 * one call instead, with the same values). Per item a query makes four
 * passes over the catalogue (the community scores, their maximum, the
 * blend, the top-n scan); everything else touches only the user's items
 * and the neighbours' items.
 *
 * Invariant: nb, nbcnt and seen are all-zero between queries (comm is
 * overwritten by every query).
 */
#include <math.h>
#include <stdlib.h>

#include "recommend.h"

vc_status vci_rec_scratch_init(vci_rec_scratch *s, size_t nitems,
                               const vc_options *opts)
{
    memset(s, 0, sizeof *s);
    s->kern = vci_kernels_select(opts);
    nitems = VCI_MAX(nitems, 1);
    s->comm = vci_calloc(nitems, sizeof *s->comm);
    s->nb = vci_calloc(nitems, sizeof *s->nb);
    s->nbcnt = vci_calloc(nitems, sizeof *s->nbcnt);
    s->uvec = vci_calloc(nitems, sizeof *s->uvec);
    s->seen = vci_calloc(nitems, sizeof *s->seen);
    s->nbitem = vci_calloc(nitems + 1, sizeof *s->nbitem);
    if (!s->comm || !s->nb || !s->nbcnt || !s->uvec || !s->seen || !s->nbitem) {
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
    vci_free(s->nbitem);
    vci_free(s->pool);
    vci_free(s->sim);
    vci_free(s->nbr);
    vci_free(s->rows);
    vci_free(s->mark);
    if (s->packed)
        vci_cpack_free(&s->pack);
    memset(s, 0, sizeof *s);
}

/* Insert item i of value v into the best-first list (idx, val)[0..*k) of
 * at most n entries, when it belongs there (ties keep the lower index,
 * offered first, in front). */
static inline void offer(float v, uint32_t i, size_t n, uint32_t *idx, float *val,
                         size_t *k)
{
    if (*k == n && !(v > val[n - 1]))
        return;
    size_t pos = *k < n ? (*k)++ : n - 1;
    while (pos > 0 && v > val[pos - 1]) {
        idx[pos] = idx[pos - 1];
        val[pos] = val[pos - 1];
        pos--;
    }
    idx[pos] = (uint32_t)i;
    val[pos] = v;
}

/* The best of score[0..m) into the empty list (idx, val) of at most n
 * entries, skipping -INFINITY and NaN. The n-th best so far (the floor)
 * stays in a register, and eight values are compared with it at once, so
 * the scan is mostly branch-free once the list is full. */
static void scan_top(const float *score, size_t m, size_t n, uint32_t *idx,
                     float *val, size_t *k)
{
    float floor_v = -INFINITY; /* offer v iff v > floor_v */
    for (size_t i = 0; i < m && n > 0; i++) {
        if (i % 8 == 0 && i + 8 <= m) {
            bool any = false;
            for (size_t l = 0; l < 8; l++)
                any |= score[i + l] > floor_v;
            if (!any) {
                i += 7;
                continue;
            }
        }
        float v = score[i];
        if (!(v > floor_v))
            continue;
        offer(v, (uint32_t)i, n, idx, val, k);
        if (*k == n)
            floor_v = val[n - 1];
    }
}

vc_status vci_top_n(const float *score, size_t m, size_t n, uint32_t *idx,
                    size_t *count)
{
    float local[VCI_TOP_N_LOCAL], *val = local;
    *count = 0;
    if (n > VCI_TOP_N_LOCAL && !(val = vci_malloc(n * sizeof *val)))
        return VC_ERR_NOMEM;
    scan_top(score, m, n, idx, val, count);
    if (val != local)
        vci_free(val);
    return VC_OK;
}

/* A new stamp for the marks of s (allocated on first use). */
static vc_status next_stamp(const vc_communities *cm, vci_rec_scratch *s)
{
    if (!s->mark) {
        s->mark = vci_calloc(VCI_MAX(cm->pt->nusers, 1u), sizeof *s->mark);
        if (!s->mark)
            return VC_ERR_NOMEM;
    }
    if (++s->stamp == 0) { /* wrapped: forget every old mark */
        memset(s->mark, 0, VCI_MAX(cm->pt->nusers, 1u) * sizeof *s->mark);
        s->stamp = 1;
    }
    return VC_OK;
}

/* Candidate neighbours: the strongest members of the user's strongest
 * communities, each once (marked with the query's stamp), without the
 * user. */
static vc_status neighbour_pool(const vc_communities *cm, uint32_t u,
                                size_t ncomms, size_t per_comm,
                                vci_rec_scratch *s, size_t *npool)
{
    size_t n = 0;
    VCI_CHECK(next_stamp(cm, s));
    s->mark[u] = s->stamp;
    uint32_t mb = cm->mem_start[u], me = cm->mem_start[u + 1];
    for (uint32_t j = mb; j < me && j - mb < ncomms; j++) {
        uint32_t c = cm->mem_comm[j];
        uint32_t b = cm->comm_start[c];
        uint32_t e = (uint32_t)VCI_MIN((size_t)cm->comm_start[c + 1], b + per_comm);
        VCI_CHECK(vci_reserve((void **)&s->pool, &s->pool_cap, n + (e - b), sizeof *s->pool));
        for (uint32_t i = b; i < e; i++) {
            uint32_t v = cm->comm_user[i];
            if (s->mark[v] != s->stamp) {
                s->mark[v] = s->stamp;
                s->pool[n++] = v;
            }
        }
    }
    *npool = n;
    return VC_OK;
}

/* Cosine similarities of the user's taste embedding to every pool member
 * into s->sim, with the SIMD kernels (-INFINITY for members without
 * events). */
static vc_status pool_similarities(const vci_rec_index *ix, uint32_t u,
                                   size_t npool, vci_rec_scratch *s)
{
    const float *eu = ix->user_emb + (size_t)u * ix->emb_stride;
    if (!s->packed) {
        VCI_CHECK(vci_cpack_init(&s->pack, s->kern, VCI_PACK_DOT, eu, 1,
                                 ix->emb_stride, ix->rank));
        s->packed = true;
    } else {
        vci_cpack_update(&s->pack, eu, ix->emb_stride);
    }
    VCI_CHECK(vci_reserve((void **)&s->rows, &s->rows_cap, VCI_MAX(npool, 1),
                          sizeof *s->rows));
    for (size_t p = 0; p < npool; p++)
        s->rows[p] = ix->user_emb + (size_t)s->pool[p] * ix->emb_stride;
    vci_kern_block_rows(&s->pack, s->rows, npool, NULL, s->sim, 1);
    for (size_t p = 0; p < npool; p++)
        if (ix->user_norm[s->pool[p]] <= 0)
            s->sim[p] = -INFINITY;
    return VC_OK;
}

/* The same pool and similarities (same order, same values: the kernels'
 * inner product does not depend on which side is packed; members without
 * events, never picked, are not in the packed pools) from the index's
 * packed pools: one kernel call per community scores all its pool, then
 * members already pooled are dropped (branch-free: each is written, and
 * kept only when new). */
static vc_status packed_pool(const vc_communities *cm, const vci_rec_index *ix,
                             uint32_t u, size_t ncomms, vci_rec_scratch *s,
                             size_t *npool)
{
    const vci_rec_pools *pl = ix->pools;
    const float *eu = ix->user_emb + (size_t)u * ix->emb_stride;
    size_t n = 0;
    VCI_CHECK(next_stamp(cm, s));
    uint32_t stamp = s->stamp, *mark = s->mark;
    mark[u] = stamp;
    uint32_t mb = cm->mem_start[u], me = cm->mem_start[u + 1];
    for (uint32_t j = mb; j < me && j - mb < ncomms; j++) {
        uint32_t c = cm->mem_comm[j], m = pl->n[c];
        if (m == 0)
            continue;
        VCI_CHECK(vci_reserve((void **)&s->pool, &s->pool_cap, n + m, sizeof *s->pool));
        VCI_CHECK(vci_reserve((void **)&s->sim, &s->sim_cap, n + m, sizeof *s->sim));
        float *sim = s->sim + n; /* compacted in place below */
        vci_kern_block_rows(&pl->pack[c], &eu, 1, NULL, sim, m);
        const uint32_t *members = pl->user[c];
        for (uint32_t i = 0; i < m; i++) {
            uint32_t v = members[i];
            bool fresh = mark[v] != stamp;
            mark[v] = stamp;
            s->pool[n] = v;
            s->sim[n] = sim[i];
            n += fresh;
        }
    }
    *npool = n;
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
    if (ix->user_norm[u] <= 0 || !ix->user_emb || ix->rank == 0)
        return VC_OK;
    size_t npool;
    size_t ncomms = (size_t)vci_opt_int(opts, VCI_OPT_RECOMMEND_POOL_COMMUNITIES);
    size_t per_comm = (size_t)vci_opt_int(opts, VCI_OPT_RECOMMEND_POOL);
    const vci_rec_pools *pl = ix->pools;
    if (pl && pl->per_comm == per_comm && pl->kern == s->kern) {
        VCI_CHECK(packed_pool(cm, ix, u, ncomms, s, &npool));
    } else {
        VCI_CHECK(neighbour_pool(cm, u, ncomms, per_comm, s, &npool));
        VCI_CHECK(vci_reserve((void **)&s->sim, &s->sim_cap, VCI_MAX(npool, 1),
                              sizeof *s->sim));
        VCI_CHECK(pool_similarities(ix, u, npool, s));
    }
    size_t k = (size_t)vci_opt_int(opts, VCI_OPT_RECOMMEND_NEIGHBOURS);
    VCI_CHECK(vci_reserve((void **)&s->nbr, &s->nbr_cap, k, sizeof *s->nbr));
    VCI_CHECK(vci_top_n(s->sim, npool, k, s->nbr, nnb));
    /* sim * vci_rec_value(value), with the rating scale taken out of the
     * loop */
    bool scaled = ix->explicit_ratings && ix->max_value > 0;
    float inv = scaled ? 1.0f / ix->max_value : 1.0f;
    for (size_t j = 0; j < *nnb; j++) {
        uint32_t v = s->pool[s->nbr[j]];
        float sim = s->sim[s->nbr[j]];
        if (!(sim > 0))
            continue;
        /* branch-free: nb += a * value + b is w * value (scaled) or sim;
         * an item goes on the list at its first touch (the slot past the
         * list is always there: nbitem has nitems + 1 entries) */
        float a = scaled ? sim * inv : 0.0f, b = scaled ? 0.0f : sim;
        float *nb = s->nb;
        uint16_t *cnt = s->nbcnt;
        uint32_t *list = s->nbitem;
        size_t nn = s->nnbitem;
        const uint32_t *item = ds->ev_item;
        const float *val = ds->ev_value;
        for (uint64_t e = ds->user_start[v]; e < ds->user_start[v + 1]; e++) {
            uint32_t it = item[e];
            uint16_t c = cnt[it];
            list[nn] = it;
            nn += c == 0;
            nb[it] += a * val[e] + b;
            cnt[it] = (uint16_t)(c + (c < UINT16_MAX));
        }
        s->nnbitem = nn;
    }
    float mx = 0; /* over the items still allowed */
    for (size_t q = 0; q < s->nnbitem; q++) {
        uint32_t it = s->nbitem[q];
        if (!s->seen[it] && s->nb[it] > mx)
            mx = s->nb[it];
    }
    s->max_nb = mx;
    return VC_OK;
}

/* Largest of v[0..n) (0 when none is larger), with eight running maxima
 * so the loop is not one long dependency chain. */
static float max_of(const float *v, size_t n)
{
    float m[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (size_t l = 0; l < 8; l++)
            m[l] = v[i + l] > m[l] ? v[i + l] : m[l];
    for (; i < n; i++)
        m[0] = v[i] > m[0] ? v[i] : m[0];
    float mx = 0;
    for (size_t l = 0; l < 8; l++)
        mx = m[l] > mx ? m[l] : mx;
    return mx;
}

/* comm[i] = strength-weighted mean of the scores of the user's `limit`
 * strongest communities (memberships are stored strongest first), in one
 * pass over the catalogue (the sum runs in the same order as adding one
 * community at a time to zero, so the values are the same). */
static void community_scores(const vc_communities *cm, const vci_rec_index *ix,
                             uint32_t u, size_t limit, vci_rec_scratch *s)
{
    size_t ni = ix->nitems;
    float *comm = s->comm;
    uint32_t mb = cm->mem_start[u];
    uint32_t me = (uint32_t)VCI_MIN((size_t)cm->mem_start[u + 1], mb + limit);
    double total = 0;
    for (uint32_t j = mb; j < me; j++)
        total += cm->mem_strength[j];
    if (me == mb) {
        memset(comm, 0, ni * sizeof *comm);
        return;
    }
    /* up to four communities a pass; more fold into the result */
    for (uint32_t j = mb; j < me; j += 4) {
        size_t m = VCI_MIN((size_t)(me - j), (size_t)4);
        float w[4] = {0, 0, 0, 0};
        const float *sc[4];
        for (size_t q = 0; q < 4; q++) {
            w[q] = q < m ? (float)(cm->mem_strength[j + q] / total) : 0.0f;
            sc[q] = ix->score + (size_t)cm->mem_comm[j + (q < m ? q : 0)] * ni;
        }
        bool first = j == mb;
        if (m == 4 && first)
            for (size_t i = 0; i < ni; i++)
                comm[i] = ((w[0] * sc[0][i] + w[1] * sc[1][i]) + w[2] * sc[2][i]) +
                          w[3] * sc[3][i];
        else
            for (size_t q = 0; q < m; q++)
                for (size_t i = 0; i < ni; i++)
                    comm[i] = (first && q == 0 ? 0.0f : comm[i]) + w[q] * sc[q][i];
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

/* Items the query may not recommend: the user's, the excluded ones and
 * (with a category filter) those outside it. */
static void mark_seen(const vc_communities *cm, uint32_t u, const uint32_t *exclude,
                      size_t nexclude, uint32_t category, size_t ni, vci_rec_scratch *s)
{
    const vc_dataset *ds = cm->pt->ds;
    for (uint64_t e = ds->user_start[u]; e < ds->user_start[u + 1]; e++)
        s->seen[ds->ev_item[e]] = 1;
    for (size_t x = 0; x < nexclude; x++)
        if (exclude[x] < ni)
            s->seen[exclude[x]] = 1;
    if (category != UINT32_MAX)
        for (size_t i = 0; i < ni; i++)
            if (!in_category(cm->pt, (uint32_t)i, category))
                s->seen[i] = 1;
}

/* Set v[i] for every marked item (the user's, the excluded, and with a
 * category filter every item outside it). */
static void fill_seen(const vc_communities *cm, uint32_t u, const uint32_t *exclude,
                      size_t nexclude, uint32_t category, size_t ni,
                      const vci_rec_scratch *s, float *v, float value)
{
    const vc_dataset *ds = cm->pt->ds;
    if (category != UINT32_MAX) {
        for (size_t i = 0; i < ni; i++)
            if (s->seen[i])
                v[i] = value;
        return;
    }
    for (uint64_t e = ds->user_start[u]; e < ds->user_start[u + 1]; e++)
        v[ds->ev_item[e]] = value;
    for (size_t x = 0; x < nexclude; x++)
        if (exclude[x] < ni)
            v[exclude[x]] = value;
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
    mark_seen(cm, u, exclude, nexclude, category, ni, s);
    s->nnbitem = 0;
    community_scores(cm, ix, u, (size_t)vci_opt_int(opts, VCI_OPT_RECOMMEND_COMMUNITIES), s);
    /* the items it may not recommend count 0 for the maximum */
    fill_seen(cm, u, exclude, nexclude, category, ni, s, s->comm, 0.0f);
    s->max_comm = max_of(s->comm, ni);
    size_t nnb = 0;
    vc_status st = neighbour_scores(cm, ix, u, opts, s, &nnb);
    double lambda = nnb ? vci_opt_float(opts, VCI_OPT_RECOMMEND_NEIGHBOUR_WEIGHT) : 0;
    float wc = s->max_comm > 0 ? (float)((1 - lambda) / s->max_comm) : 0;
    float wn = s->max_nb > 0 ? (float)(lambda / s->max_nb) : 0;
    uint32_t local[256];
    uint32_t *idx = n <= 256 ? local : vci_calloc(n, sizeof *idx);
    if (!idx)
        st = VC_ERR_NOMEM;
    size_t k = 0;
    if (st == VC_OK && n > 0) {
        /* the blended score overwrites comm; the items it may not
         * recommend get -INFINITY */
        float *comm = s->comm;
        const float *nb = s->nb;
        for (size_t i = 0; i < ni; i++)
            comm[i] = comm[i] * wc + nb[i] * wn;
        fill_seen(cm, u, exclude, nexclude, category, ni, s, comm, -INFINITY);
        st = vci_top_n(comm, ni, n, idx, &k);
    }
    for (size_t j = 0; j < k; j++) {
        uint32_t it = idx[j];
        bool by_nb = s->nb[it] * wn > s->comm[it] - s->nb[it] * wn;
        out[j] = (vci_rec_item){it, s->comm[it], main_community(cm, ix, u, it),
                                s->nbcnt[it], by_nb};
    }
    *count = k;
    if (idx != local)
        vci_free(idx);
    /* restore the all-zero invariant of nb, nbcnt and seen (clearing the
     * whole arrays when the neighbours touched a large part of them) */
    if (s->nnbitem > ni / 8) {
        memset(s->nb, 0, ni * sizeof *s->nb);
        memset(s->nbcnt, 0, ni * sizeof *s->nbcnt);
    } else {
        for (size_t q = 0; q < s->nnbitem; q++) {
            s->nb[s->nbitem[q]] = 0;
            s->nbcnt[s->nbitem[q]] = 0;
        }
    }
    if (category != UINT32_MAX) {
        memset(s->seen, 0, ni * sizeof *s->seen);
    } else {
        for (uint64_t e = ds->user_start[u]; e < ds->user_start[u + 1]; e++)
            s->seen[ds->ev_item[e]] = 0;
        for (size_t x = 0; x < nexclude; x++)
            if (exclude[x] < ni)
                s->seen[exclude[x]] = 0;
    }
    return st;
}
