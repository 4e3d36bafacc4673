/*
 * index.c - the recommender index derived from a vc_communities (see
 * recommend.h), built once on first use.
 *
 * For community c with members u of strength w_u, and an event of u on
 * item i with value r and age t (decay 2^(-t / recommend.half_life_days)):
 *   pop[c][i]   = sum w_u * decay / sum w_u        (over distinct u, i)
 *   mean[c][i]  = (sum w_u * r + prior * mean_i) / (sum w_u + prior)
 *   score[c][i] = pop[c][i] * max(0, 1 + quality * (mean[c][i] - mean_all)
 *                 / rating range)                  (explicit data)
 *   score[c][i] = pop[c][i]                        (implicit data)
 * where mean_i is the item's mean rating shrunk toward the global mean,
 * prior = recommend.prior and quality = recommend.quality_weight.
 * Repeated events of one user on one item count once (the latest).
 */
#include <math.h>

#include "recommend.h"

#define DAY 86400.0

void vci_rec_index_free(void *p)
{
    vci_rec_index *ix = p;
    if (!ix)
        return;
    vci_free(ix->score);
    vci_free(ix->pop);
    vci_free(ix->mean);
    vci_free(ix->user_norm);
    vci_aligned_free(ix->user_emb);
    vci_aligned_free(ix->item_emb);
    vci_free(ix->user_scale);
    vci_free(ix->item_pop);
    vci_free(ix);
}

typedef struct build_ctx {
    const vc_communities *cm;
    vci_rec_index *ix;
    const double *item_mean;  /* [nitems] shrunk item means */
    double global_mean, range, prior, quality, half_life;
    double *wsum;             /* [nitems * workers] scratch */
    uint32_t *stamp;          /* [nitems * workers] last user + 1 */
} build_ctx;

/* One community's row of pop, mean and score. */
static vc_status community_task(void *ctx, size_t c, unsigned worker)
{
    const build_ctx *b = ctx;
    const vc_communities *cm = b->cm;
    const vc_dataset *ds = cm->pt->ds;
    vci_rec_index *ix = b->ix;
    size_t ni = ix->nitems;
    float *pop = ix->pop + c * ni, *mean = ix->mean ? ix->mean + c * ni : NULL;
    double *rsum = b->wsum + (size_t)worker * 2 * ni, *wn = rsum + ni;
    uint32_t *stamp = b->stamp + (size_t)worker * ni;
    for (size_t i = 0; i < ni; i++) {
        rsum[i] = wn[i] = 0;
        stamp[i] = 0;
        pop[i] = 0;
    }
    double total = 0;
    for (uint32_t m = cm->comm_start[c]; m < cm->comm_start[c + 1]; m++) {
        uint32_t u = cm->comm_user[m];
        double w = cm->comm_strength[m];
        total += w;
        /* newest first so a repeated item counts its latest event */
        for (uint64_t e = ds->user_start[u + 1]; e-- > ds->user_start[u];) {
            uint32_t it = ds->ev_item[e];
            if (stamp[it] == u + 1)
                continue;
            stamp[it] = u + 1;
            double age = (double)(ds->time_last - vci_ds_time(ds, e));
            double decay = b->half_life > 0 ? exp2(-age / b->half_life) : 1.0;
            pop[it] += (float)(w * decay);
            rsum[it] += w * ds->ev_value[e];
            wn[it] += w;
        }
    }
    float *score = ix->score + c * ni;
    for (size_t i = 0; i < ni; i++) {
        pop[i] = total > 0 ? (float)(pop[i] / total) : 0.0f;
        if (!mean) {
            score[i] = pop[i];
            continue;
        }
        double m = (rsum[i] + b->prior * b->item_mean[i]) / (wn[i] + b->prior);
        mean[i] = (float)m;
        double q = 1 + b->quality * (m - b->global_mean) / b->range;
        score[i] = (float)(pop[i] * VCI_MAX(q, 0.0));
    }
    return VC_OK;
}

static vc_status item_stats(const vc_dataset *ds, vci_rec_index *ix,
                            double prior, double **item_mean,
                            double *global_mean)
{
    size_t ni = ds->nitems;
    double *sum = vci_calloc(ni + 1, sizeof *sum);
    double *cnt = vci_calloc(ni + 1, sizeof *cnt);
    if (!sum || !cnt) {
        vci_free(sum);
        vci_free(cnt);
        return VC_ERR_NOMEM;
    }
    double all = 0;
    float maxv = 0;
    for (size_t e = 0; e < ds->nevents; e++) {
        sum[ds->ev_item[e]] += ds->ev_value[e];
        cnt[ds->ev_item[e]] += 1;
        all += ds->ev_value[e];
        maxv = VCI_MAX(maxv, ds->ev_value[e]);
    }
    *global_mean = ds->nevents ? all / (double)ds->nevents : 0;
    for (size_t i = 0; i < ni; i++) {
        ix->item_pop[i] = ds->nusers ? (float)(cnt[i] / ds->nusers) : 0.0f;
        sum[i] = (sum[i] + prior * *global_mean) / (cnt[i] + prior);
    }
    ix->max_value = maxv;
    vci_free(cnt);
    *item_mean = sum;
    return VC_OK;
}

static void user_norms(const vc_dataset *ds, vci_rec_index *ix)
{
    for (uint32_t u = 0; u < ds->nusers; u++) {
        double s = 0;
        for (uint64_t e = ds->user_start[u]; e < ds->user_start[u + 1]; e++) {
            double v = vci_rec_value(ix, ds->ev_value[e]);
            s += v * v;
        }
        ix->user_norm[u] = (float)sqrt(s);
    }
}

/* The index of cm; with old, the taste embeddings fold the users into
 * old's item factors instead of fitting new ones. */
static vc_status build(const vc_communities *cm, const vc_options *opts,
                       const vci_rec_index *old, vci_rec_index **out)
{
    const vc_portraits *pt = cm->pt;
    const vc_dataset *ds = pt->ds;
    vci_rec_index *ix = vci_calloc(1, sizeof *ix);
    if (!ix)
        return VC_ERR_NOMEM;
    ix->ncomm = cm->ncomm;
    ix->nitems = ds->nitems;
    ix->nusers = ds->nusers;
    ix->explicit_ratings = pt->explicit_ratings;
    size_t cells = (size_t)VCI_MAX(cm->ncomm, 1u) * VCI_MAX(ds->nitems, 1u);
    ix->score = vci_calloc(cells, sizeof *ix->score);
    ix->pop = vci_calloc(cells, sizeof *ix->pop);
    ix->mean = pt->explicit_ratings ? vci_calloc(cells, sizeof *ix->mean) : NULL;
    ix->user_norm = vci_calloc(VCI_MAX(ds->nusers, 1u), sizeof *ix->user_norm);
    ix->item_pop = vci_calloc(VCI_MAX(ds->nitems, 1u), sizeof *ix->item_pop);
    build_ctx b = {cm, ix, NULL, 0, 1, 0, 0, 0, NULL, NULL};
    vci_pool *pool = NULL;
    vc_status s = ix->score && ix->pop && ix->user_norm && ix->item_pop &&
                  (ix->mean || !pt->explicit_ratings) ? VC_OK : VC_ERR_NOMEM;
    b.prior = vci_opt_float(opts, VCI_OPT_RECOMMEND_PRIOR);
    b.quality = vci_opt_float(opts, VCI_OPT_RECOMMEND_QUALITY_WEIGHT);
    b.half_life = vci_opt_float(opts, VCI_OPT_RECOMMEND_HALF_LIFE_DAYS) * DAY;
    double *item_mean = NULL;
    if (s == VC_OK)
        s = item_stats(ds, ix, b.prior, &item_mean, &b.global_mean);
    b.item_mean = item_mean;
    b.range = ix->max_value > 0 ? ix->max_value : 1;
    if (s == VC_OK) {
        user_norms(ds, ix);
        s = vci_pool_for_options(&pool, opts);
    }
    if (s == VC_OK) {
        size_t workers = vci_pool_size(pool), ni = VCI_MAX(ds->nitems, 1u);
        b.wsum = vci_calloc(workers * 2 * ni, sizeof *b.wsum);
        b.stamp = vci_calloc(workers * ni, sizeof *b.stamp);
        s = b.wsum && b.stamp ? VC_OK : VC_ERR_NOMEM;
    }
    if (s == VC_OK)
        s = vci_parallel_for(pool, cm->ncomm, community_task, &b, NULL);
    if (s == VC_OK)
        s = old ? vci_rec_embed_fold(ix, ds, old, pool) : vci_rec_embed(ix, ds, opts, pool);
    vci_pool_free(pool);
    vci_free(item_mean);
    vci_free(b.wsum);
    vci_free(b.stamp);
    if (s != VC_OK) {
        vci_rec_index_free(ix);
        return s;
    }
    *out = ix;
    return VC_OK;
}

vc_status vci_rec_index_refit(const vc_communities *cm, const void *old,
                              const vc_options *opts, void **out)
{
    vci_rec_index *ix = NULL;
    VCI_CHECK(build(cm, opts, old, &ix));
    *out = ix;
    return VC_OK;
}

vc_status vci_rec_index_get(const vc_communities *cm, const vc_options *opts,
                            const vci_rec_index **out)
{
    vc_communities *m = (vc_communities *)cm; /* only the lazy cache changes */
    VCI_CHECK(vci_communities_current(cm, "recommender"));
    void *ix = atomic_load(&m->lazy_index);
    if (ix) {
        *out = ix;
        return VC_OK;
    }
    pthread_mutex_lock(&m->lazy_mu);
    vc_status s = VC_OK;
    ix = atomic_load(&m->lazy_index);
    if (!ix) {
        vci_rec_index *built = NULL;
        s = build(cm, opts, NULL, &built);
        if (s == VC_OK) {
            m->lazy_free = vci_rec_index_free;
            m->lazy_refit = vci_rec_index_refit;
            atomic_store(&m->lazy_index, built);
            ix = built;
        }
    }
    pthread_mutex_unlock(&m->lazy_mu);
    *out = ix;
    return s;
}
