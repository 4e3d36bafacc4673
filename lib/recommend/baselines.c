/*
 * baselines.c - plain recommenders the community recommender is measured
 * against, on the same training data:
 *   popularity  items by number of distinct training users;
 *   user-kNN    cosine similarity over interaction vectors (rating / max
 *               rating for explicit data, 1 otherwise) against EVERY user,
 *               the 50 most similar, score(i) = sum sim * value(v, i);
 *   item-kNN    item-item cosine over the same vectors (data sets with at
 *               most 6000 items), score(i) = sum over the user's items j of
 *               sim(i, j) * value(u, j).
 * Items the user has are never recommended.
 */
#include <math.h>

#include "eval.h"
#include "recommend.h"

#define USER_K 50
_Static_assert(USER_K <= VCI_TOP_N_LOCAL, "the baseline's top-k never allocates");
#define MAX_ITEM_KNN_ITEMS 6000

struct vci_baselines {
    const vc_dataset *ds;
    float scale;           /* 1 / max rating for explicit data, else 0 */
    float *pop;            /* [nitems] */
    float *user_norm;      /* [nusers] */
    float *item_sim;       /* [nitems * nitems] or NULL */
    float *score, *uvec, *sim;   /* scratch */
    uint32_t *nbr;
};

static float value(const vci_baselines *b, float v)
{
    return b->scale > 0 ? v * b->scale : 1.0f;
}

static vc_status item_similarities(vci_baselines *b)
{
    const vc_dataset *ds = b->ds;
    size_t ni = ds->nitems;
    b->item_sim = vci_calloc(ni * ni, sizeof *b->item_sim);
    float *norm = vci_calloc(ni, sizeof *norm);
    if (!b->item_sim || !norm) {
        vci_free(norm);
        return VC_ERR_NOMEM;
    }
    for (uint32_t u = 0; u < ds->nusers; u++) {
        uint64_t s = ds->user_start[u], e = ds->user_start[u + 1];
        for (uint64_t x = s; x < e; x++) {
            float vx = value(b, ds->ev_value[x]);
            float *row = b->item_sim + (size_t)ds->ev_item[x] * ni;
            norm[ds->ev_item[x]] += vx * vx;
            for (uint64_t y = s; y < e; y++)
                if (y != x)
                    row[ds->ev_item[y]] += vx * value(b, ds->ev_value[y]);
        }
    }
    for (size_t i = 0; i < ni; i++)
        for (size_t j = 0; j < ni; j++) {
            float d = sqrtf(norm[i]) * sqrtf(norm[j]);
            b->item_sim[i * ni + j] = d > 0 ? b->item_sim[i * ni + j] / d : 0;
        }
    vci_free(norm);
    return VC_OK;
}

vc_status vci_baselines_new(vci_baselines **out, const vc_dataset *ds,
                            bool item_knn)
{
    vci_baselines *b = vci_calloc(1, sizeof *b);
    if (!b)
        return VC_ERR_NOMEM;
    b->ds = ds;
    size_t ni = VCI_MAX(ds->nitems, 1u), nu = VCI_MAX(ds->nusers, 1u);
    bool explicit_ratings = vci_ds_is_explicit(ds);
    float maxv = 0;
    for (size_t e = 0; e < ds->nevents; e++)
        maxv = VCI_MAX(maxv, ds->ev_value[e]);
    b->scale = explicit_ratings && maxv > 0 ? 1.0f / maxv : 0;
    b->pop = vci_calloc(ni, sizeof *b->pop);
    b->user_norm = vci_calloc(nu, sizeof *b->user_norm);
    b->score = vci_calloc(ni, sizeof *b->score);
    b->uvec = vci_calloc(ni, sizeof *b->uvec);
    b->sim = vci_calloc(nu, sizeof *b->sim);
    b->nbr = vci_calloc(USER_K, sizeof *b->nbr);
    vc_status s = b->pop && b->user_norm && b->score && b->uvec && b->sim && b->nbr
                      ? VC_OK : VC_ERR_NOMEM;
    for (uint32_t u = 0; u < ds->nusers && s == VC_OK; u++) {
        double n2 = 0;
        for (uint64_t e = ds->user_start[u]; e < ds->user_start[u + 1]; e++) {
            float v = value(b, ds->ev_value[e]);
            n2 += v * v;
        }
        b->user_norm[u] = (float)sqrt(n2);
    }
    for (uint32_t i = 0; i < ds->nitems && s == VC_OK; i++)
        b->pop[i] = (float)(ds->item_start[i + 1] - ds->item_start[i]);
    if (s == VC_OK && item_knn && ds->nitems <= MAX_ITEM_KNN_ITEMS)
        s = item_similarities(b);
    if (s != VC_OK) {
        vci_baselines_free(b);
        return s;
    }
    *out = b;
    return VC_OK;
}

void vci_baselines_free(vci_baselines *b)
{
    if (!b)
        return;
    vci_free(b->pop);
    vci_free(b->user_norm);
    vci_free(b->item_sim);
    vci_free(b->score);
    vci_free(b->uvec);
    vci_free(b->sim);
    vci_free(b->nbr);
    vci_free(b);
}

bool vci_baselines_has_item_knn(const vci_baselines *b)
{
    return b->item_sim != NULL;
}

static void user_knn_scores(vci_baselines *b, uint32_t u)
{
    const vc_dataset *ds = b->ds;
    for (uint32_t v = 0; v < ds->nusers; v++) {
        double dot = 0;
        for (uint64_t e = ds->user_start[v]; e < ds->user_start[v + 1]; e++)
            dot += b->uvec[ds->ev_item[e]] * value(b, ds->ev_value[e]);
        float d = b->user_norm[u] * b->user_norm[v];
        b->sim[v] = v != u && dot > 0 && d > 0 ? (float)(dot / d) : -INFINITY;
    }
    size_t k; /* USER_K <= VCI_TOP_N_LOCAL: no allocation, no failure */
    (void)vci_top_n(b->sim, ds->nusers, USER_K, b->nbr, &k);
    for (size_t j = 0; j < k; j++) {
        uint32_t v = b->nbr[j];
        for (uint64_t e = ds->user_start[v]; e < ds->user_start[v + 1]; e++)
            b->score[ds->ev_item[e]] += b->sim[v] * value(b, ds->ev_value[e]);
    }
}

static void item_knn_scores(vci_baselines *b, uint32_t u)
{
    const vc_dataset *ds = b->ds;
    size_t ni = ds->nitems;
    for (uint64_t e = ds->user_start[u]; e < ds->user_start[u + 1]; e++) {
        const float *row = b->item_sim + (size_t)ds->ev_item[e] * ni;
        float v = value(b, ds->ev_value[e]);
        for (size_t i = 0; i < ni; i++)
            b->score[i] += v * row[i];
    }
}

vc_status vci_baseline_query(vci_baselines *b, vci_baseline which, uint32_t u,
                             size_t n, uint32_t *idx, size_t *count)
{
    const vc_dataset *ds = b->ds;
    size_t ni = ds->nitems;
    if (which == VCI_BASE_ITEM_KNN && !b->item_sim)
        return vci_error(VC_ERR_UNSUPPORTED, "item-kNN needs at most %d items",
                         MAX_ITEM_KNN_ITEMS);
    for (uint64_t e = ds->user_start[u]; e < ds->user_start[u + 1]; e++)
        b->uvec[ds->ev_item[e]] = value(b, ds->ev_value[e]);
    if (which == VCI_BASE_POPULARITY)
        memcpy(b->score, b->pop, ni * sizeof *b->score);
    else if (which == VCI_BASE_USER_KNN)
        user_knn_scores(b, u);
    else
        item_knn_scores(b, u);
    for (uint64_t e = ds->user_start[u]; e < ds->user_start[u + 1]; e++) {
        b->score[ds->ev_item[e]] = -INFINITY;
        b->uvec[ds->ev_item[e]] = 0;
    }
    vc_status s = vci_top_n(b->score, ni, n, idx, count);
    memset(b->score, 0, ni * sizeof *b->score);
    return s;
}
