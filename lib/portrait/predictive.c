/*
 * predictive.c - the predictive layer: what each user is likely to do.
 *
 *   category_affinity/<topic>  the user's topic shares projected on the
 *                              portrait.rank leading principal components of
 *                              all users' shares (a low-rank factorisation
 *                              fitted here by Jacobi eigen-decomposition of
 *                              the topics' covariance), clamped at 0: topics
 *                              the user never touched get the affinity that
 *                              users with similar tastes show
 *   churn/risk                 1 - exp(-recency / gap), gap = the user's mean
 *                              time between events (the population median
 *                              for users with fewer than two events)
 *   return/propensity_7d       (1 - churn) * (1 - exp(-7 days / gap))
 * Fitting (the factorisation, the median gap: what reads every user and
 * can fail) is apart from applying the fit to a row (cannot fail), so an
 * update can fit on the rows it is about to commit and apply while it
 * commits (update.c).
 * Invariant: runs after the behaviour layer has filled its columns.
 */
#include <math.h>
#include <stdlib.h>

#include "portrait.h"

#define MAX_EIGEN_TOPICS 400

vc_status vci_predictive_plan(vc_portraits *pt)
{
    vci_column_map *m = &pt->map;
    m->affinity = pt->schema.ncols;
    for (uint32_t k = 0; k < pt->topics.ntopics; k++)
        VCI_CHECK(vci_schema_add(&pt->schema, VCI_LAYER_PREDICTIVE, "category_affinity",
                                 vci_topic_name(&pt->topics, k), NULL));
    VCI_CHECK(vci_schema_add(&pt->schema, VCI_LAYER_PREDICTIVE, "churn", "risk", &m->churn));
    return vci_schema_add(&pt->schema, VCI_LAYER_PREDICTIVE, "return", "propensity_7d",
                          &m->propensity);
}

void vci_predictive_fit_free(vci_predictive_fit *f)
{
    vci_free(f->mean);
    vci_free(f->basis);
    f->mean = f->basis = NULL;
}

/* The affinity factorisation: mean share and the rank leading eigenvectors
 * of the shares' covariance over every row of the view. */
static vc_status fit_affinity(vci_predictive_fit *f, const vc_portraits *pt,
                              const vci_rows *rows, size_t rank)
{
    const vci_column_map *m = &pt->map;
    size_t nt = pt->topics.ntopics, n = rows->nusers;
    f->rank = 0;
    if (nt == 0 || nt > MAX_EIGEN_TOPICS || rank >= nt) /* nothing to factorise */
        return VC_OK;
    f->mean = vci_calloc(nt, sizeof *f->mean);
    f->basis = vci_calloc(rank * nt, sizeof *f->basis);
    double *cov = vci_calloc(nt * nt, sizeof *cov);
    double *vec = vci_calloc(nt * nt, sizeof *vec);
    double *val = vci_calloc(nt, sizeof *val);
    size_t *order = vci_calloc(nt, sizeof *order);
    double *diff = vci_calloc(nt, sizeof *diff);
    vc_status s = VC_ERR_NOMEM;
    if (!f->mean || !f->basis || !cov || !vec || !val || !order || !diff)
        goto done;
    double *mean = f->mean;
    size_t next = 0;
    for (uint32_t u = 0; u < n; u++) {
        const float *sh = vci_rows_next(rows, u, &next) + m->share;
        for (size_t k = 0; k < nt; k++)
            mean[k] += sh[k];
    }
    for (size_t k = 0; k < nt; k++)
        mean[k] /= (double)VCI_MAX(n, 1);
    next = 0;
    for (uint32_t u = 0; u < n; u++) {
        const float *sh = vci_rows_next(rows, u, &next) + m->share;
        for (size_t k = 0; k < nt; k++)
            diff[k] = sh[k] - mean[k];
        for (size_t i = 0; i < nt; i++)
            for (size_t j = i; j < nt; j++)
                cov[i * nt + j] += diff[i] * diff[j];
    }
    for (size_t i = 0; i < nt; i++)
        for (size_t j = 0; j < i; j++)
            cov[i * nt + j] = cov[j * nt + i];
    vci_jacobi_eigen(cov, nt, val, vec, 1e-22);
    /* the rank largest eigenvalues (selection sort, nt is small) */
    for (size_t i = 0; i < nt; i++)
        order[i] = i;
    for (size_t i = 0; i < rank; i++)
        for (size_t j = i + 1; j < nt; j++)
            if (val[order[j]] > val[order[i]]) {
                size_t t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
    for (size_t r = 0; r < rank; r++)
        for (size_t k = 0; k < nt; k++)
            f->basis[r * nt + k] = vec[k * nt + order[r]];
    f->rank = rank;
    s = VC_OK;
done:
    vci_free(cov);
    vci_free(vec);
    vci_free(val);
    vci_free(order);
    vci_free(diff);
    return s;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Mean gap between events of user u in days (row: u's raw row), or 0 when
 * undefined. */
static double user_gap(const vc_portraits *pt, uint32_t u, const float *row)
{
    uint64_t n = pt->ds->user_start[u + 1] - pt->ds->user_start[u];
    if (n < 2)
        return 0;
    return (double)row[pt->map.tenure] / (double)(n - 1);
}

/* The population's median gap, for users with fewer than two events. */
static vc_status fit_churn(vci_predictive_fit *f, const vc_portraits *pt,
                           const vci_rows *rows)
{
    double *gaps = vci_calloc(rows->nusers ? rows->nusers : 1, sizeof *gaps);
    if (!gaps)
        return VC_ERR_NOMEM;
    size_t ng = 0, next = 0;
    for (uint32_t u = 0; u < rows->nusers; u++) {
        double g = user_gap(pt, u, vci_rows_next(rows, u, &next));
        if (g > 0)
            gaps[ng++] = g;
    }
    qsort(gaps, ng, sizeof *gaps, cmp_double);
    double median = ng ? gaps[ng / 2] : 30.0;
    vci_free(gaps);
    f->median_gap = median > 0 ? median : 30.0;
    return VC_OK;
}

vc_status vci_predictive_fit_on(vci_predictive_fit *f, const vc_portraits *pt,
                                const vci_rows *rows, const vc_options *opts)
{
    memset(f, 0, sizeof *f);
    vc_status s = fit_affinity(f, pt, rows, (size_t)vci_opt_int(opts, VCI_OPT_PORTRAIT_RANK));
    if (s == VC_OK)
        s = fit_churn(f, pt, rows);
    if (s != VC_OK)
        vci_predictive_fit_free(f);
    return s;
}

/* affinity = mean + P P^T (share - mean), P the leading eigenvectors, or
 * the share itself when there is no factorisation. */
static void apply_affinity(const vc_portraits *pt, const vci_predictive_fit *f,
                           float *row)
{
    const vci_column_map *m = &pt->map;
    size_t nt = pt->topics.ntopics;
    const float *sh = row + m->share;
    float *af = row + m->affinity;
    if (f->rank == 0) {
        memcpy(af, sh, nt * sizeof *af);
        return;
    }
    double acc[MAX_EIGEN_TOPICS];
    const double *mean = f->mean;
    for (size_t k = 0; k < nt; k++)
        acc[k] = mean[k];
    for (size_t r = 0; r < f->rank; r++) {
        const double *p = f->basis + r * nt;
        double proj = 0;
        for (size_t k = 0; k < nt; k++)
            proj += (sh[k] - mean[k]) * p[k];
        for (size_t k = 0; k < nt; k++)
            acc[k] += proj * p[k];
    }
    for (size_t k = 0; k < nt; k++)
        af[k] = (float)VCI_MAX(acc[k], 0.0);
}

void vci_predictive_apply(const vc_portraits *pt, const vci_predictive_fit *f,
                          uint32_t u, float *row)
{
    apply_affinity(pt, f, row);
    double g = user_gap(pt, u, row);
    if (g <= 0)
        g = f->median_gap;
    double risk = 1 - exp(-row[pt->map.recency] / g);
    row[pt->map.churn] = (float)risk;
    row[pt->map.propensity] = (float)((1 - risk) * (1 - exp(-7.0 / g)));
}

vc_status vci_predictive_fill(vc_portraits *pt, const vc_options *opts)
{
    vci_rows rows = vci_rows_of(pt);
    vci_predictive_fit f;
    VCI_CHECK(vci_predictive_fit_on(&f, pt, &rows, opts));
    for (uint32_t u = 0; u < pt->nusers; u++)
        vci_predictive_apply(pt, &f, u, pt->raw + (size_t)u * pt->ncols);
    vci_predictive_fit_free(&f);
    return VC_OK;
}
