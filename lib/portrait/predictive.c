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

#include "portrait.h"

#define MAX_EIGEN_TOPICS 400
#define MAX_COV_TASKS 16
#define COV_USERS 4

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
    vci_free(f->by_topic);
    vci_free(f->by_rank);
    f->mean = f->by_topic = f->by_rank = NULL;
}

/* Rows [first[task], first[task + 1]) of the upper triangle of the shares'
 * covariance: each cell summed over the users in order, so the sums are
 * the same however the rows are split between tasks. */
typedef struct cov_ctx {
    const vc_portraits *pt;
    const vci_rows *rows;
    const double *mean;
    double *cov;
    size_t first[MAX_COV_TASKS + 1];
} cov_ctx;

static vc_status cov_task(void *ctx, size_t task, unsigned worker)
{
    (void)worker;
    const cov_ctx *c = ctx;
    size_t nt = c->pt->topics.ntopics, i0 = c->first[task], i1 = c->first[task + 1];
    size_t next = 0, n = c->rows->nusers;
    double diff[COV_USERS][MAX_EIGEN_TOPICS];
    /* COV_USERS (4) users at a time: each cell takes their products one
     * after the other, as one user at a time would, but is loaded and
     * stored once per block */
    for (size_t u0 = 0; u0 < n; u0 += COV_USERS) {
        size_t nb = VCI_MIN((size_t)COV_USERS, n - u0);
        for (size_t b = 0; b < nb; b++) {
            const float *sh = vci_rows_next(c->rows, (uint32_t)(u0 + b), &next) +
                              c->pt->map.share;
            for (size_t k = i0; k < nt; k++)
                diff[b][k] = sh[k] - c->mean[k];
        }
        for (size_t i = i0; i < i1; i++) {
            double *row = c->cov + i * nt;
            if (nb < COV_USERS) { /* the last users */
                for (size_t b = 0; b < nb; b++)
                    for (size_t j = i; j < nt; j++)
                        row[j] += diff[b][i] * diff[b][j];
                continue;
            }
            double a0 = diff[0][i], a1 = diff[1][i], a2 = diff[2][i], a3 = diff[3][i];
            for (size_t j = i; j < nt; j++) {
                double x = row[j];
                x += a0 * diff[0][j];
                x += a1 * diff[1][j];
                x += a2 * diff[2][j];
                x += a3 * diff[3][j];
                row[j] = x;
            }
        }
    }
    return VC_OK;
}

/* The covariance of the shares (upper triangle, then mirrored), its rows
 * split between the pool's workers by their number of cells. */
static vc_status covariance(const vc_portraits *pt, const vci_rows *rows,
                            const double *mean, double *cov, vci_pool *pool)
{
    size_t nt = pt->topics.ntopics;
    cov_ctx c = {pt, rows, mean, cov, {0}};
    size_t ntasks = VCI_MIN(VCI_MIN((size_t)vci_pool_size(pool), nt), (size_t)MAX_COV_TASKS);
    size_t cells = nt * (nt + 1) / 2, done = 0, i = 0;
    for (size_t t = 1; t < ntasks; t++) {
        while (i < nt && done < cells * t / ntasks)
            done += nt - i++;
        c.first[t] = i;
    }
    c.first[ntasks] = nt;
    VCI_CHECK(vci_parallel_for(pool, ntasks, cov_task, &c, NULL));
    for (size_t r = 0; r < nt; r++)
        for (size_t q = 0; q < r; q++)
            cov[r * nt + q] = cov[q * nt + r];
    return VC_OK;
}

vc_status vci_predictive_fit_affinity(vci_predictive_fit *f, const vc_portraits *pt,
                                      const vci_rows *rows, const vc_options *opts,
                                      vci_pool *pool)
{
    const vci_column_map *m = &pt->map;
    size_t nt = pt->topics.ntopics, n = rows->nusers;
    size_t rank = (size_t)vci_opt_int(opts, VCI_OPT_PORTRAIT_RANK);
    f->rank = 0;
    if (nt == 0 || nt > MAX_EIGEN_TOPICS || rank >= nt) /* nothing to factorise */
        return VC_OK;
    f->mean = vci_calloc(nt, sizeof *f->mean);
    f->by_topic = vci_calloc(rank * nt, sizeof *f->by_topic);
    f->by_rank = vci_calloc(rank * nt, sizeof *f->by_rank);
    double *cov = vci_calloc(nt * nt, sizeof *cov);
    double *vec = vci_calloc(nt * nt, sizeof *vec);
    double *val = vci_calloc(nt, sizeof *val);
    size_t *order = vci_calloc(nt, sizeof *order);
    vc_status s = VC_ERR_NOMEM;
    if (!f->mean || !f->by_topic || !f->by_rank || !cov || !vec || !val || !order)
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
    s = covariance(pt, rows, mean, cov, pool);
    if (s != VC_OK)
        goto done;
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
    for (size_t k = 0; k < nt; k++)
        for (size_t r = 0; r < rank; r++)
            f->by_topic[k * rank + r] = f->by_rank[r * nt + k] = vec[k * nt + order[r]];
    f->rank = rank;
done:
    vci_free(cov);
    vci_free(vec);
    vci_free(val);
    vci_free(order);
    return s;
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

vc_status vci_predictive_fit_churn(vci_predictive_fit *f, const vc_portraits *pt,
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
    double median = ng ? vci_select(gaps, ng, ng / 2) : 30.0;
    vci_free(gaps);
    f->median_gap = median > 0 ? median : 30.0;
    return VC_OK;
}

vc_status vci_predictive_fit_on(vci_predictive_fit *f, const vc_portraits *pt,
                                const vci_rows *rows, const vc_options *opts,
                                vci_pool *pool)
{
    memset(f, 0, sizeof *f);
    vc_status s = vci_predictive_fit_affinity(f, pt, rows, opts, pool);
    if (s == VC_OK)
        s = vci_predictive_fit_churn(f, pt, rows);
    if (s != VC_OK)
        vci_predictive_fit_free(f);
    return s;
}

/* affinity = mean + P P^T (share - mean), P the leading eigenvectors, or
 * the share itself when there is no factorisation. The projections are
 * summed side by side (each over the topics in order), then each topic's
 * affinity over the eigenvectors in order: the loops run across
 * independent sums, and each sum adds its terms in the order of the plain
 * product. */
static void apply_affinity(const vc_portraits *pt, const vci_predictive_fit *f,
                           float *row)
{
    const vci_column_map *m = &pt->map;
    size_t nt = pt->topics.ntopics, rank = f->rank;
    const float *sh = row + m->share;
    float *af = row + m->affinity;
    if (rank == 0) {
        memcpy(af, sh, nt * sizeof *af);
        return;
    }
    double proj[MAX_EIGEN_TOPICS], acc[MAX_EIGEN_TOPICS];
    const double *mean = f->mean;
    for (size_t r = 0; r < rank; r++)
        proj[r] = 0;
    for (size_t k = 0; k < nt; k++) {
        double d = sh[k] - mean[k];
        const double *p = f->by_topic + k * rank;
        for (size_t r = 0; r < rank; r++)
            proj[r] += d * p[r];
    }
    for (size_t k = 0; k < nt; k++)
        acc[k] = mean[k];
    for (size_t r = 0; r < rank; r++) {
        const double *p = f->by_rank + r * nt;
        for (size_t k = 0; k < nt; k++)
            acc[k] += proj[r] * p[k];
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

vc_status vci_predictive_fill(vc_portraits *pt, const vc_options *opts, vci_pool *pool)
{
    vci_rows rows = vci_rows_of(pt);
    vci_predictive_fit f;
    VCI_CHECK(vci_predictive_fit_on(&f, pt, &rows, opts, pool));
    for (uint32_t u = 0; u < pt->nusers; u++)
        vci_predictive_apply(pt, &f, u, pt->raw + (size_t)u * pt->ncols);
    vci_predictive_fit_free(&f);
    return VC_OK;
}
