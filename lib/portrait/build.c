/*
 * build.c - vc_portrait_build: plan the columns of every layer, fill them
 * for every user, standardise into the feature matrix, derive tags.
 *
 * Invariant: on error nothing is returned and everything built is freed.
 */
#include <math.h>

#include "portrait.h"

static bool has_purchases(const vc_dataset *ds)
{
    return ds->ev_amount != NULL ||
           (ds->type_count && ds->type_count[VC_EVENT_PURCHASE] > 0);
}

vc_status vci_portrait_column_stats(vc_portraits *pt)
{
    size_t n = pt->nusers, nc = pt->ncols;
    double *sum = vci_calloc(nc ? nc : 1, sizeof *sum);
    double *sq = vci_calloc(nc ? nc : 1, sizeof *sq);
    if (!sum || !sq) {
        vci_free(sum);
        vci_free(sq);
        return VC_ERR_NOMEM;
    }
    for (size_t u = 0; u < n; u++)
        for (size_t c = 0; c < nc; c++)
            sum[c] += pt->raw[u * nc + c];
    for (size_t c = 0; c < nc; c++)
        sum[c] /= (double)VCI_MAX(n, 1);
    for (size_t u = 0; u < n; u++)
        for (size_t c = 0; c < nc; c++) {
            double d = pt->raw[u * nc + c] - sum[c];
            sq[c] += d * d;
        }
    for (size_t c = 0; c < nc; c++) {
        pt->col_mean[c] = (float)sum[c];
        pt->col_std[c] = (float)sqrt(sq[c] / (double)VCI_MAX(n, 1));
    }
    vci_free(sum);
    vci_free(sq);
    return VC_OK;
}

/* feat = z-score * weight with the z-score clipped to [-zmax, zmax] (0: no
 * clipping), so that a user far out on a nearly constant column cannot
 * become a community alone; constant columns give 0. */
void vci_portrait_standardise_cols(vc_portraits *pt, double zmax, uint32_t u,
                                   uint32_t first, uint32_t end)
{
    float *f = pt->feat + (size_t)u * pt->stride;
    const float *r = pt->raw + (size_t)u * pt->ncols;
    for (size_t c = first; c < end; c++) {
        double sd = pt->col_std[c];
        if (sd <= 1e-12) {
            f[c] = 0;
            continue;
        }
        double z = (r[c] - pt->col_mean[c]) / sd;
        if (zmax > 0)
            z = z < -zmax ? -zmax : z > zmax ? zmax : z;
        f[c] = (float)(z * pt->schema.cols[c].weight);
    }
}

void vci_portrait_standardise(vc_portraits *pt, const vc_options *opts)
{
    pt->z_clip = vci_opt_float(opts, VCI_OPT_PORTRAIT_Z_CLIP);
    for (uint32_t u = 0; u < pt->nusers; u++)
        vci_portrait_standardise_cols(pt, pt->z_clip, u, 0, pt->ncols);
}

static vc_status build(vc_portraits *pt, const vc_options *opts)
{
    const vc_dataset *ds = pt->ds;
    void *fact = NULL;
    vci_pool *pool = NULL;
    vci_progress prog = vci_progress_of(opts, "portraits");
    pt->explicit_ratings = vci_ds_is_explicit(ds);
    pt->purchases = has_purchases(ds);
    pt->nusers = ds->nusers;
    pt->nitems = ds->nitems;
    pt->time_last = ds->time_last;
    pt->ds_generation = ds->generation;
    VCI_CHECK(vci_topics_build(&pt->topics, ds, opts));
    VCI_CHECK(vci_fact_plan(pt, &fact));
    vc_status s = vci_behaviour_plan(pt, opts);
    if (s == VC_OK)
        s = vci_predictive_plan(pt);
    if (s == VC_OK) {
        double lw[3] = {vci_opt_float(opts, VCI_OPT_PORTRAIT_WEIGHT_FACT),
                        vci_opt_float(opts, VCI_OPT_PORTRAIT_WEIGHT_MODEL),
                        vci_opt_float(opts, VCI_OPT_PORTRAIT_WEIGHT_PREDICTIVE)};
        vci_schema_balance(&pt->schema, lw);
        pt->ncols = pt->schema.ncols;
        pt->stride = (pt->ncols + 15) / 16 * 16;
        size_t cells;
        if (!vci_mul_ok(pt->nusers, VCI_MAX(pt->ncols, 1), &cells))
            s = vci_error(VC_ERR_NOMEM, "portrait matrix too large");
    }
    if (s == VC_OK) {
        pt->raw = vci_calloc((size_t)VCI_MAX(pt->nusers, 1) * VCI_MAX(pt->ncols, 1),
                             sizeof *pt->raw);
        pt->feat = vci_aligned_calloc((size_t)VCI_MAX(pt->nusers, 1) * VCI_MAX(pt->stride, 16),
                                      sizeof *pt->feat);
        pt->col_mean = vci_calloc(VCI_MAX(pt->ncols, 1), sizeof *pt->col_mean);
        pt->col_std = vci_calloc(VCI_MAX(pt->ncols, 1), sizeof *pt->col_std);
        if (!pt->raw || !pt->feat || !pt->col_mean || !pt->col_std)
            s = VC_ERR_NOMEM;
    }
    if (s == VC_OK)
        s = vci_pool_for_options(&pool, opts);
    if (s == VC_OK)
        s = vci_fact_fill(pt, fact, pool);
    vci_behaviour_pop pop = {0, NULL};
    if (s == VC_OK)
        s = vci_behaviour_population(pt, &pop);
    if (s == VC_OK)
        s = vci_behaviour_fill(pt, opts, pool, &prog, &pop, NULL, 0, pt->raw);
    vci_behaviour_pop_free(&pop);
    if (s == VC_OK)
        s = vci_predictive_fill(pt, opts, pool);
    if (s == VC_OK)
        s = vci_portrait_column_stats(pt);
    if (s == VC_OK)
        vci_portrait_standardise(pt, opts);
    if (s == VC_OK)
        s = vci_tags_build(pt, pool);
    vci_pool_free(pool);
    vci_fact_free(fact);
    return s;
}

VC_API vc_status vc_portrait_build(vc_portraits **out, const vc_dataset *ds,
                                   const vc_options *opts)
{
    vci_clear_error();
    VCI_REQUIRE(out, "vc_portrait_build: out is NULL");
    *out = NULL;
    VCI_REQUIRE(ds, "vc_portrait_build: data set is NULL");
    if (!ds->finalised)
        return vci_error(VC_ERR_STATE, "vc_portrait_build: the data set is not "
                                       "finalised (call vc_dataset_finalize)");
    vc_portraits *pt = vci_calloc(1, sizeof *pt);
    if (!pt)
        return VC_ERR_NOMEM;
    pt->ds = ds;
    vci_schema_init(&pt->schema);
    vci_strpool_init(&pt->tag_names);
    vc_status s = build(pt, opts);
    if (s != VC_OK) {
        vc_portraits_free(pt);
        return s;
    }
    *out = pt;
    return VC_OK;
}

VC_API void vc_portraits_free(vc_portraits *pt)
{
    if (!pt)
        return;
    vci_topics_free(&pt->topics);
    vci_schema_free(&pt->schema);
    vci_free(pt->col_mean);
    vci_free(pt->col_std);
    vci_portrait_free_rows(pt);
    vci_free(pt);
}

void vci_portrait_free_rows(vc_portraits *pt)
{
    vci_free(pt->raw);
    vci_aligned_free(pt->feat);
    vci_free(pt->row_version);
    vci_strpool_free(&pt->tag_names);
    vci_free(pt->tag_name);
    vci_free(pt->tag_start);
    vci_free(pt->tag_id);
    vci_free(pt->tag_weight);
}
