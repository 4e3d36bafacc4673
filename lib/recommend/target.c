/*
 * target.c - vc_target_item / vc_target_category: the users most likely to
 * respond to an item or a category (a coupon, a campaign).
 *
 *   item i:      score(u) = (1 - beta) comm(u, i) / max + beta aff(u, i) / max
 *                comm(u, i) = sum_c s_uc score[c][i] / sum_c s_uc,
 *                aff(u, i)  = the taste embeddings' reconstruction of the
 *                user's interaction with i, |A_u V| e_u . V_i (embed.c),
 *                computed for every user at once with the SIMD kernels;
 *                users who already have i are excluded
 *   category t:  comm(u, t) uses the communities' mean share of t instead of
 *                score[c][i], aff(u, t) the predicted affinity for t
 * beta = target.affinity_weight. Ties go to the lower user index.
 */
#include <math.h>
#include <stdio.h>

#include "recommend.h"
#include "recs.h"

typedef struct target_spec {
    uint32_t item;    /* UINT32_MAX for a category */
    uint32_t topic;   /* UINT32_MAX for an item */
} target_spec;

static double community_part(const vc_communities *cm, const vci_rec_index *ix,
                             uint32_t u, target_spec t, uint32_t *best_comm)
{
    double total = 0, sum = 0, best = -1;
    *best_comm = UINT32_MAX;
    for (uint32_t j = cm->mem_start[u]; j < cm->mem_start[u + 1]; j++) {
        uint32_t c = cm->mem_comm[j];
        double v = t.item != UINT32_MAX
                       ? ix->score[(size_t)c * ix->nitems + t.item]
                       : cm->centroid_raw[(size_t)c * cm->ncols + cm->pt->map.share + t.topic];
        double w = cm->mem_strength[j];
        total += w;
        sum += w * v;
        if (w * v > best) {
            best = w * v;
            *best_comm = c;
        }
    }
    return total > 0 ? sum / total : 0;
}

/* A category's predicted affinity from the user's portrait. */
static double affinity_part(const vc_portraits *pt, uint32_t u, target_spec t)
{
    return vci_pt_raw(pt, u)[pt->map.affinity + t.topic];
}

/* aff[u] = |A_u V| e_u . V_item for every user (one kernel call). */
static void item_affinity(const vci_rec_index *ix, uint32_t item,
                          const vc_options *opts, float *aff)
{
    size_t nu = ix->nusers;
    if (!ix->item_emb || ix->rank == 0) {
        memset(aff, 0, nu * sizeof *aff);
        return;
    }
    vci_kern_dot(vci_kernels_select(opts), ix->user_emb, nu, ix->emb_stride,
                 ix->item_emb + (size_t)item * ix->emb_stride, 1, ix->emb_stride,
                 ix->rank, aff, 1);
    for (size_t u = 0; u < nu; u++)
        aff[u] = VCI_MAX(aff[u] * ix->user_scale[u], 0.0f);
}

/* Users who have the item get -INF (found through the by-item index). */
static void exclude_owners(const vc_dataset *ds, uint32_t item, float *score)
{
    for (uint64_t k = ds->item_start[item]; k < ds->item_start[item + 1]; k++) {
        uint64_t e = ds->item_events[k];
        uint32_t lo = 0, hi = ds->nusers; /* user_start[lo] <= e < [hi] */
        while (hi - lo > 1) {
            uint32_t mid = lo + (hi - lo) / 2;
            if (ds->user_start[mid] <= e)
                lo = mid;
            else
                hi = mid;
        }
        score[lo] = -INFINITY;
    }
}

static vc_status target(vc_recs **out, const vc_communities *cm, target_spec t,
                        size_t n, const vc_options *opts)
{
    const vc_portraits *pt = cm->pt;
    const vci_rec_index *ix;
    VCI_CHECK(vci_rec_index_get(cm, opts, &ix));
    size_t nu = pt->nusers;
    float *comm = vci_calloc(VCI_MAX(nu, 1), sizeof *comm);
    float *aff = vci_calloc(VCI_MAX(nu, 1), sizeof *aff);
    uint32_t *best = vci_calloc(VCI_MAX(nu, 1), sizeof *best);
    uint32_t *idx = vci_calloc(n, sizeof *idx);
    vc_recs *r = NULL;
    vc_status s = comm && aff && best && idx ? VC_OK : VC_ERR_NOMEM;
    if (s == VC_OK) {
        double beta = vci_opt_float(opts, VCI_OPT_TARGET_AFFINITY_WEIGHT);
        float maxc = 0, maxa = 0;
        if (t.item != UINT32_MAX)
            item_affinity(ix, t.item, opts, aff);
        for (uint32_t u = 0; u < nu; u++) {
            comm[u] = (float)community_part(cm, ix, u, t, &best[u]);
            if (t.item == UINT32_MAX)
                aff[u] = (float)affinity_part(pt, u, t);
            maxc = VCI_MAX(maxc, comm[u]);
            maxa = VCI_MAX(maxa, aff[u]);
        }
        for (uint32_t u = 0; u < nu; u++)
            comm[u] = (float)((maxc > 0 ? (1 - beta) * comm[u] / maxc : 0) +
                              (maxa > 0 ? beta * aff[u] / maxa : 0));
        if (t.item != UINT32_MAX)
            exclude_owners(pt->ds, t.item, comm);
        size_t k = 0;
        s = vci_top_n(comm, nu, n, idx, &k);
        if (s == VC_OK)
            s = vci_recs_new(&r, k);
        char reason[512];
        for (size_t j = 0; j < k && s == VC_OK; j++) {
            uint32_t u = idx[j], c = best[u];
            const char *name = c != UINT32_MAX ? vci_strpool_str(&cm->strings, cm->comm[c].name)
                                               : "no community";
            snprintf(reason, sizeof reason, "member of %s; predicted affinity %.2f",
                     name, aff[u]);
            s = vci_recs_add(r, u, comm[u], reason);
        }
    }
    vci_free(comm);
    vci_free(aff);
    vci_free(best);
    vci_free(idx);
    if (s != VC_OK) {
        vc_recs_free(r);
        return s;
    }
    *out = r;
    return VC_OK;
}

VC_API vc_status vc_target_item(vc_recs **out, const vc_communities *cm,
                                size_t item, size_t n, const vc_options *opts)
{
    vci_clear_error();
    VCI_REQUIRE(out && cm, "vc_target_item: NULL argument");
    *out = NULL;
    VCI_REQUIRE(n > 0, "vc_target_item: n must be positive");
    if (item >= cm->pt->ds->nitems)
        return vci_error(VC_ERR_RANGE, "item %zu out of range (%u items)", item,
                         cm->pt->ds->nitems);
    return target(out, cm, (target_spec){(uint32_t)item, UINT32_MAX}, n, opts);
}

VC_API vc_status vc_target_category(vc_recs **out, const vc_communities *cm,
                                    const char *category, size_t n,
                                    const vc_options *opts)
{
    vci_clear_error();
    VCI_REQUIRE(out && cm && category, "vc_target_category: NULL argument");
    *out = NULL;
    VCI_REQUIRE(n > 0, "vc_target_category: n must be positive");
    const vci_topics *tp = &cm->pt->topics;
    for (uint32_t k = 0; k < tp->ntopics; k++)
        if (strcmp(vci_topic_name(tp, k), category) == 0)
            return target(out, cm, (target_spec){UINT32_MAX, k}, n, opts);
    return vci_error(VC_ERR_NOT_FOUND, "no category '%s'", category);
}
