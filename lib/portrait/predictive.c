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

/* Fill affinity = mean + P P^T (share - mean), P the leading eigenvectors. */
static vc_status affinity(vc_portraits *pt, size_t rank)
{
    const vci_column_map *m = &pt->map;
    size_t nt = pt->topics.ntopics, n = pt->nusers;
    if (nt == 0)
        return VC_OK;
    if (nt > MAX_EIGEN_TOPICS || rank >= nt) { /* nothing to factorise */
        for (size_t u = 0; u < n; u++)
            memcpy(pt->raw + u * pt->ncols + m->affinity,
                   pt->raw + u * pt->ncols + m->share, nt * sizeof(float));
        return VC_OK;
    }
    double *mean = vci_calloc(nt, sizeof *mean);
    double *cov = vci_calloc(nt * nt, sizeof *cov);
    double *vec = vci_calloc(nt * nt, sizeof *vec);
    double *val = vci_calloc(nt, sizeof *val);
    size_t *order = vci_calloc(nt, sizeof *order);
    double *diff = vci_calloc(nt, sizeof *diff);
    vc_status s = VC_ERR_NOMEM;
    if (!mean || !cov || !vec || !val || !order || !diff)
        goto done;
    for (size_t u = 0; u < n; u++)
        for (size_t k = 0; k < nt; k++)
            mean[k] += pt->raw[u * pt->ncols + m->share + k];
    for (size_t k = 0; k < nt; k++)
        mean[k] /= (double)VCI_MAX(n, 1);
    for (size_t u = 0; u < n; u++) {
        const float *sh = pt->raw + u * pt->ncols + m->share;
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
    for (size_t u = 0; u < n; u++) {
        const float *sh = pt->raw + u * pt->ncols + m->share;
        float *af = pt->raw + u * pt->ncols + m->affinity;
        for (size_t k = 0; k < nt; k++)
            diff[k] = mean[k];
        for (size_t r = 0; r < rank; r++) {
            const size_t col = order[r];
            double proj = 0;
            for (size_t k = 0; k < nt; k++)
                proj += (sh[k] - mean[k]) * vec[k * nt + col];
            for (size_t k = 0; k < nt; k++)
                diff[k] += proj * vec[k * nt + col];
        }
        for (size_t k = 0; k < nt; k++)
            af[k] = (float)VCI_MAX(diff[k], 0.0);
    }
    s = VC_OK;
done:
    vci_free(mean);
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

/* Mean gap between events of user u in days, or 0 when undefined. */
static double user_gap(const vc_portraits *pt, uint32_t u)
{
    uint64_t n = pt->ds->user_start[u + 1] - pt->ds->user_start[u];
    if (n < 2)
        return 0;
    return (double)pt->raw[(size_t)u * pt->ncols + pt->map.tenure] / (double)(n - 1);
}

static vc_status churn(vc_portraits *pt)
{
    double *gaps = vci_calloc(pt->nusers ? pt->nusers : 1, sizeof *gaps);
    if (!gaps)
        return VC_ERR_NOMEM;
    size_t ng = 0;
    for (uint32_t u = 0; u < pt->nusers; u++) {
        double g = user_gap(pt, u);
        if (g > 0)
            gaps[ng++] = g;
    }
    qsort(gaps, ng, sizeof *gaps, cmp_double);
    double median = ng ? gaps[ng / 2] : 30.0;
    vci_free(gaps);
    if (median <= 0)
        median = 30.0;
    for (uint32_t u = 0; u < pt->nusers; u++) {
        float *row = pt->raw + (size_t)u * pt->ncols;
        double g = user_gap(pt, u);
        if (g <= 0)
            g = median;
        double risk = 1 - exp(-row[pt->map.recency] / g);
        row[pt->map.churn] = (float)risk;
        row[pt->map.propensity] = (float)((1 - risk) * (1 - exp(-7.0 / g)));
    }
    return VC_OK;
}

vc_status vci_predictive_fill(vc_portraits *pt, const vc_options *opts,
                              vci_pool *pool)
{
    (void)pool;
    VCI_CHECK(affinity(pt, (size_t)vci_opt_int(opts, VCI_OPT_PORTRAIT_RANK)));
    return churn(pt);
}
