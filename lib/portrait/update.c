/*
 * update.c - vc_portrait_update: bring built portraits up to date with a
 * data set that has grown (events appended, users and items added) without
 * rebuilding them.
 *
 * What is recomputed:
 *  - the rows of touched users (new, or with events or attributes changed
 *    since the portraits last saw the data set): fact and behaviour layers
 *    in full, with the population statistics of the data set as it is now;
 *  - for every other user, the columns that move with the end of the data
 *    set: recency (shifted by the time the data set's end moved) and the
 *    predictive layer, which is cheap and refitted on all rows (affinity
 *    factorisation, churn, return propensity);
 *  - every feature row (standardised with the column means and deviations
 *    of the build, which stay fixed so the communities' space does not
 *    move) and every user's tags.
 * What stays: the schema (a category or attribute value that appeared
 * since the build gets no column until a rebuild), the topic set (new
 * items are mapped onto it) and the standardisation.
 *
 * Invariant: all work goes into new arrays; the portraits change only when
 * everything succeeded (on error they are exactly as before).
 */
#include <math.h>

#include "portrait.h"

#define DAY 86400.0

/* The portraits being computed: new arrays over the old struct's copy. */
typedef struct shadow {
    vc_portraits pt;
    uint32_t *touched;
    size_t ntouched;
    bool new_topics;
} shadow;

static void shadow_free(shadow *sh)
{
    vc_portraits *p = &sh->pt;
    vci_portrait_free_rows(p);
    if (sh->new_topics) {
        vci_free(p->topics.item_start);
        vci_free(p->topics.item_topic);
    }
    vci_free(sh->touched);
}

/* The users whose rows must be recomputed. */
static vc_status find_touched(const vc_portraits *old, shadow *sh)
{
    const vc_dataset *ds = old->ds;
    sh->touched = vci_calloc(VCI_MAX(ds->nusers, 1u), sizeof *sh->touched);
    if (!sh->touched)
        return VC_ERR_NOMEM;
    for (uint32_t u = 0; u < ds->nusers; u++)
        if (u >= old->nusers || vci_ds_user_gen(ds, u) > old->ds_generation)
            sh->touched[sh->ntouched++] = u;
    return VC_OK;
}

/* New arrays: the old rows copied, touched rows zero. */
static vc_status copy_rows(const vc_portraits *old, shadow *sh)
{
    vc_portraits *p = &sh->pt;
    const vc_dataset *ds = old->ds;
    size_t nu = VCI_MAX(ds->nusers, 1u), cells;
    if (!vci_mul_ok(nu, VCI_MAX(p->ncols, 1u), &cells))
        return vci_error(VC_ERR_NOMEM, "portrait matrix too large");
    p->raw = vci_calloc(cells, sizeof *p->raw);
    p->feat = vci_aligned_calloc(nu * VCI_MAX(p->stride, 16u), sizeof *p->feat);
    p->row_version = vci_calloc(nu, sizeof *p->row_version);
    if (!p->raw || !p->feat || !p->row_version)
        return VC_ERR_NOMEM;
    memcpy(p->raw, old->raw, (size_t)old->nusers * old->ncols * sizeof *p->raw);
    if (old->row_version)
        memcpy(p->row_version, old->row_version, old->nusers * sizeof *p->row_version);
    for (size_t i = 0; i < sh->ntouched; i++) {
        uint32_t u = sh->touched[i];
        memset(p->raw + (size_t)u * p->ncols, 0, p->ncols * sizeof *p->raw);
        p->row_version[u] = old->version + 1;
    }
    p->nusers = ds->nusers;
    return VC_OK;
}

/* Items added since the build get topics. */
static vc_status extend_topics(const vc_portraits *old, shadow *sh)
{
    const vc_dataset *ds = old->ds;
    if (ds->nitems == old->nitems)
        return VC_OK;
    VCI_CHECK(vci_topics_extend(&old->topics, old->nitems, ds, &sh->pt.topics.item_start,
                                &sh->pt.topics.item_topic));
    sh->new_topics = true;
    return VC_OK;
}

/* Rows not recomputed: recency moves with the data set's end (a user
 * without events has the whole span). */
static void shift_recency(const vc_portraits *old, shadow *sh)
{
    const vc_dataset *ds = old->ds;
    vc_portraits *p = &sh->pt;
    double shift = (double)(ds->time_last - old->time_last) / DAY;
    double span = (double)(ds->time_last - ds->time_base) / DAY;
    size_t t = 0;
    for (uint32_t u = 0; u < old->nusers; u++) {
        if (t < sh->ntouched && sh->touched[t] == u) {
            t++;
            continue;
        }
        float *row = p->raw + (size_t)u * p->ncols;
        bool active = ds->user_start[u + 1] > ds->user_start[u];
        row[p->map.recency] = active ? (float)(row[p->map.recency] + shift) : (float)span;
    }
}

static vc_status compute(const vc_portraits *old, shadow *sh, const vc_options *opts)
{
    vc_portraits *p = &sh->pt;
    vci_pool *pool = NULL;
    vci_progress prog = vci_progress_of(opts, "portraits");
    VCI_CHECK(find_touched(old, sh));
    VCI_CHECK(copy_rows(old, sh));
    VCI_CHECK(extend_topics(old, sh));
    vc_status s = vci_fact_fill_users(p, sh->touched, sh->ntouched);
    if (s == VC_OK)
        s = vci_pool_for_options(&pool, opts);
    if (s == VC_OK)
        s = vci_behaviour_fill(p, opts, pool, &prog, sh->touched, sh->ntouched);
    if (s == VC_OK) {
        shift_recency(old, sh);
        s = vci_predictive_fill(p, opts, pool);
    }
    if (s == VC_OK) {
        vci_portrait_standardise(p, opts);
        s = vci_tags_build(p);
    }
    vci_pool_free(pool);
    return s;
}

VC_API vc_status vc_portrait_update(vc_portraits *pt, const vc_options *opts,
                                    size_t *updated)
{
    vci_clear_error();
    if (updated)
        *updated = 0;
    VCI_REQUIRE(pt, "vc_portrait_update: portraits are NULL");
    const vc_dataset *ds = pt->ds;
    if (!ds->finalised)
        return vci_error(VC_ERR_STATE, "vc_portrait_update: the data set is not "
                                       "finalised (call vc_dataset_finalize)");
    if (ds->nusers < pt->nusers || ds->nitems < pt->nitems)
        return vci_error(VC_ERR_STATE, "vc_portrait_update: the data set has fewer "
                                       "users or items than the portraits");
    if (ds->generation == pt->ds_generation && ds->nusers == pt->nusers)
        return VC_OK;
    shadow sh;
    memset(&sh, 0, sizeof sh);
    sh.pt = *pt;
    vc_portraits *p = &sh.pt;
    p->raw = NULL;
    p->feat = NULL;
    p->row_version = NULL;
    vci_strpool_init(&p->tag_names);
    p->tag_name = NULL;
    p->tag_start = p->tag_id = NULL;
    p->tag_weight = NULL;
    p->ntags = p->tag_cap = 0;
    vc_status s = compute(pt, &sh, opts);
    if (s != VC_OK) {
        shadow_free(&sh);
        return s;
    }
    /* commit: the old arrays go, the new ones stay */
    shadow old = {*pt, NULL, 0, sh.new_topics};
    *pt = sh.pt;
    pt->topics.pool = pt->topics.derived ? &pt->topics.own_names : &ds->strings;
    pt->nitems = ds->nitems;
    pt->time_last = ds->time_last;
    pt->ds_generation = ds->generation;
    pt->version++;
    if (updated)
        *updated = sh.ntouched;
    vci_free(sh.touched);
    shadow_free(&old);
    return VC_OK;
}
