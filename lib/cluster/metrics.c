/*
 * metrics.c - internal quality scores of a clustering of points: mean
 * silhouette (exact up to a sample size, else on a seeded sample of the
 * points, distances from the kernels), Davies-Bouldin and
 * Calinski-Harabasz (direct, in double), with scikit-learn's conventions;
 * and their public forms.
 *
 * Invariants: labels are checked to be below k; per-point silhouettes are
 * computed per fixed block of rows and averaged in point order, so the
 * result does not depend on the thread count; nothing is kept.
 */
#include <math.h>
#include <stdlib.h>

#include "kmeans_impl.h"

#define SIL_ROWS 64

static vc_status check_labels(const uint32_t *labels, size_t n, uint32_t k)
{
    for (size_t i = 0; i < n; i++)
        if (labels[i] >= k)
            return vci_error(VC_ERR_RANGE, "label %u of point %zu is not below k = %u",
                             labels[i], i, k);
    return VC_OK;
}

/* ---- silhouette ---------------------------------------------------------------- */

typedef struct sil_ctx {
    const float *xs;       /* m gathered rows, stride d */
    const float *xn;       /* their squared norms */
    const uint32_t *lab;
    const double *count;   /* members per cluster in the sample */
    size_t m, d;
    uint32_t k;
    const vci_cpack *pk;   /* all m rows as "centroids" */
    double *s;             /* per-row silhouette */
} sil_ctx;

static vc_status sil_task(void *vctx, size_t task, unsigned worker)
{
    (void)worker;
    sil_ctx *ctx = vctx;
    const size_t m = ctx->m, i0 = task * SIL_ROWS, r = VCI_MIN((size_t)SIL_ROWS, m - i0);
    float *dist = vci_malloc(r * m * sizeof *dist);
    double *sum = vci_malloc(ctx->k * sizeof *sum);
    if (!dist || !sum) {
        vci_free(dist);
        vci_free(sum);
        return VC_ERR_NOMEM;
    }
    const float *rows[SIL_ROWS];
    for (size_t t = 0; t < r; t++)
        rows[t] = ctx->xs + (i0 + t) * ctx->d;
    vci_kern_block_rows(ctx->pk, rows, r, ctx->xn + i0, dist, m);
    for (size_t t = 0; t < r; t++) {
        size_t i = i0 + t;
        uint32_t own = ctx->lab[i];
        if (ctx->count[own] <= 1) {
            ctx->s[i] = 0; /* a singleton scores 0 (scikit-learn) */
            continue;
        }
        for (uint32_t j = 0; j < ctx->k; j++)
            sum[j] = 0;
        const float *di = dist + t * m;
        for (size_t q = 0; q < m; q++)
            if (q != i)
                sum[ctx->lab[q]] += sqrt((double)di[q]);
        double a = sum[own] / (ctx->count[own] - 1), b = INFINITY;
        for (uint32_t j = 0; j < ctx->k; j++)
            if (j != own && ctx->count[j] > 0 && sum[j] / ctx->count[j] < b)
                b = sum[j] / ctx->count[j];
        double mx = a > b ? a : b;
        ctx->s[i] = mx > 0 ? (b - a) / mx : 0;
    }
    vci_free(dist);
    vci_free(sum);
    return VC_OK;
}

static int cmp_size(const void *x, const void *y)
{
    size_t a = *(const size_t *)x, b = *(const size_t *)y;
    return (a > b) - (a < b);
}

static vc_status silhouette(const vci_kernels *kern, const float *x, size_t n,
                            size_t d, size_t stride, const uint32_t *labels,
                            uint32_t k, size_t sample, uint64_t seed,
                            vci_pool *pool, double *out)
{
    VCI_CHECK(check_labels(labels, n, k));
    size_t m = VCI_MIN(n, VCI_MAX(sample, (size_t)2));
    size_t *pick = vci_malloc(n * sizeof *pick);
    float *xs = vci_aligned_calloc(m * d + 1, sizeof *xs);
    float *xn = vci_malloc(m * sizeof *xn);
    uint32_t *lab = vci_malloc(m * sizeof *lab);
    double *count = vci_calloc(k, sizeof *count), *s = vci_malloc(m * sizeof *s);
    vc_status st = pick && xs && xn && lab && count && s ? VC_OK : VC_ERR_NOMEM;
    vci_cpack pk;
    memset(&pk, 0, sizeof pk);
    if (st == VC_OK) {
        /* the sample: a seeded partial shuffle, then in point order */
        for (size_t i = 0; i < n; i++)
            pick[i] = i;
        if (m < n) {
            vci_rng rng;
            vci_rng_seed(&rng, seed, 0x5111);
            for (size_t i = 0; i < m; i++) {
                size_t j = i + (size_t)vci_rng_below(&rng, n - i), t = pick[i];
                pick[i] = pick[j];
                pick[j] = t;
            }
            qsort(pick, m, sizeof *pick, cmp_size);
        }
        uint32_t present = 0;
        for (size_t i = 0; i < m; i++) {
            memcpy(xs + i * d, x + pick[i] * stride, d * sizeof *xs);
            lab[i] = labels[pick[i]];
            present += count[lab[i]]++ == 0;
        }
        if (present < 2)
            st = vci_error(VC_ERR_INVALID,
                           "silhouette needs at least 2 clusters among the %zu points scored",
                           m);
    }
    if (st == VC_OK) {
        const float *rows[VCI_KM_ROWS];
        for (size_t b = 0; b < m; b += VCI_KM_ROWS) {
            size_t r = VCI_MIN((size_t)VCI_KM_ROWS, m - b);
            for (size_t t = 0; t < r; t++)
                rows[t] = xs + (b + t) * d;
            vci_kern_sqnorms(kern, rows, r, d, xn + b);
        }
        st = vci_cpack_init(&pk, kern, VCI_PACK_L2, xs, m, d, d);
    }
    if (st == VC_OK) {
        sil_ctx ctx = {xs, xn, lab, count, m, d, k, &pk, s};
        st = vci_parallel_for(pool, (m + SIL_ROWS - 1) / SIL_ROWS, sil_task, &ctx, NULL);
    }
    if (st == VC_OK) {
        double total = 0;
        for (size_t i = 0; i < m; i++)
            total += s[i];
        *out = total / (double)m;
    }
    vci_cpack_free(&pk);
    vci_free(pick);
    vci_aligned_free(xs);
    vci_free(xn);
    vci_free(lab);
    vci_free(count);
    vci_free(s);
    return st;
}

vc_status vci_silhouette(const float *x, size_t n, size_t d, size_t stride,
                         const uint32_t *labels, uint32_t k, size_t sample,
                         uint64_t seed, vci_pool *pool, double *out)
{
    return silhouette(vci_kernels_select(NULL), x, n, d, stride, labels, k,
                      sample, seed, pool, out);
}

/* ---- Davies-Bouldin and Calinski-Harabasz ------------------------------------------- */

/* Cluster means (double) and sizes. */
static vc_status cluster_means(const float *x, size_t n, size_t d,
                               size_t stride, const uint32_t *labels,
                               uint32_t k, double **mean, double **count)
{
    VCI_CHECK(check_labels(labels, n, k));
    *mean = vci_calloc((size_t)k * d, sizeof **mean);
    *count = vci_calloc(k, sizeof **count);
    if (!*mean || !*count) {
        vci_free(*mean);
        vci_free(*count);
        return VC_ERR_NOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        double *mu = *mean + (size_t)labels[i] * d;
        const float *xi = x + i * stride;
        for (size_t p = 0; p < d; p++)
            mu[p] += xi[p];
        (*count)[labels[i]]++;
    }
    for (uint32_t j = 0; j < k; j++)
        for (size_t p = 0; p < d && (*count)[j] > 0; p++)
            (*mean)[(size_t)j * d + p] /= (*count)[j];
    return VC_OK;
}

static double dist_fd(const float *x, const double *mu, size_t d)
{
    double s = 0;
    for (size_t p = 0; p < d; p++) {
        double t = (double)x[p] - mu[p];
        s += t * t;
    }
    return s;
}

static double dist_dd(const double *a, const double *b, size_t d)
{
    double s = 0;
    for (size_t p = 0; p < d; p++) {
        double t = a[p] - b[p];
        s += t * t;
    }
    return s;
}

vc_status vci_davies_bouldin(const float *x, size_t n, size_t d,
                             size_t stride, const uint32_t *labels,
                             uint32_t k, double *out)
{
    double *mean, *count;
    VCI_CHECK(cluster_means(x, n, d, stride, labels, k, &mean, &count));
    double *scatter = vci_calloc(k, sizeof *scatter);
    if (!scatter) {
        vci_free(mean);
        vci_free(count);
        return VC_ERR_NOMEM;
    }
    for (size_t i = 0; i < n; i++)
        scatter[labels[i]] += sqrt(dist_fd(x + i * stride, mean + (size_t)labels[i] * d, d));
    uint32_t present = 0;
    for (uint32_t j = 0; j < k; j++)
        if (count[j] > 0) {
            scatter[j] /= count[j];
            present++;
        }
    double total = 0;
    for (uint32_t i = 0; i < k; i++) {
        if (count[i] == 0)
            continue;
        double worst = 0;
        for (uint32_t j = 0; j < k; j++) {
            if (j == i || count[j] == 0)
                continue;
            double sep = sqrt(dist_dd(mean + (size_t)i * d, mean + (size_t)j * d, d));
            double r = sep > 0 ? (scatter[i] + scatter[j]) / sep : 0; /* as scikit-learn */
            worst = r > worst ? r : worst;
        }
        total += worst;
    }
    *out = present ? total / present : 0;
    vci_free(mean);
    vci_free(count);
    vci_free(scatter);
    return VC_OK;
}

vc_status vci_calinski_harabasz(const float *x, size_t n, size_t d,
                                size_t stride, const uint32_t *labels,
                                uint32_t k, double *out)
{
    double *mean, *count;
    VCI_CHECK(cluster_means(x, n, d, stride, labels, k, &mean, &count));
    double *all = vci_calloc(d, sizeof *all);
    if (!all) {
        vci_free(mean);
        vci_free(count);
        return VC_ERR_NOMEM;
    }
    uint32_t present = 0;
    for (uint32_t j = 0; j < k; j++) {
        present += count[j] > 0;
        for (size_t p = 0; p < d; p++)
            all[p] += mean[(size_t)j * d + p] * count[j];
    }
    for (size_t p = 0; p < d; p++)
        all[p] /= (double)n;
    double between = 0, within = 0;
    for (uint32_t j = 0; j < k; j++)
        if (count[j] > 0)
            between += count[j] * dist_dd(mean + (size_t)j * d, all, d);
    for (size_t i = 0; i < n; i++)
        within += dist_fd(x + i * stride, mean + (size_t)labels[i] * d, d);
    /* scikit-learn: 1 when every point sits on its cluster's mean */
    *out = within == 0 ? 1.0
                       : between * ((double)n - present) / (within * (present - 1.0));
    vci_free(mean);
    vci_free(count);
    vci_free(all);
    return VC_OK;
}

/* ---- public forms ------------------------------------------------------------------- */

/* Checks shared by the public scores: arguments, finite values (named by
 * row and column), 2 <= clusters <= n - 1; dense labels out. */
static vc_status score_input(const char *fn, const float *x, size_t n,
                             size_t d, size_t stride, const uint32_t *labels,
                             const double *out, const vci_kernels *kern,
                             vci_pool *pool, uint32_t **dense, uint32_t *k)
{
    VCI_REQUIRE(x && labels && out, "%s: NULL argument", fn);
    VCI_REQUIRE(d > 0, "%s: d must be at least 1", fn);
    VCI_REQUIRE(stride >= d, "%s: stride (%zu) must be at least d (%zu)", fn, stride, d);
    VCI_REQUIRE(n >= 3, "%s: needs at least 3 points, got %zu", fn, n);
    float *xn = vci_malloc(n * sizeof *xn);
    *dense = vci_malloc(n * sizeof **dense);
    vc_status s = xn && *dense ? VC_OK : VC_ERR_NOMEM;
    if (s == VC_OK)
        s = vci_km_prepare(x, n, d, stride, kern, pool, xn);
    if (s == VC_OK)
        s = vci_dense_labels(labels, n, *dense, k);
    if (s == VC_OK && (*k < 2 || *k > n - 1))
        s = vci_error(VC_ERR_INVALID,
                      "%s: needs between 2 and n - 1 = %zu clusters, got %u", fn,
                      n - 1, *k);
    vci_free(xn);
    if (s != VC_OK) {
        vci_free(*dense);
        *dense = NULL;
    }
    return s;
}

VC_API vc_status vc_score_silhouette(const float *x, size_t n, size_t d,
                                     size_t stride, const uint32_t *labels,
                                     const vc_options *opts, double *out)
{
    vci_clear_error();
    const vci_kernels *kern = vci_kernels_select(opts);
    vci_pool *pool;
    VCI_CHECK(vci_pool_for_options(&pool, opts));
    uint32_t *dense = NULL, k = 0;
    vc_status s = score_input("vc_score_silhouette", x, n, d, stride, labels, out,
                              kern, pool, &dense, &k);
    double v = 0;
    if (s == VC_OK) {
        s = silhouette(kern, x, n, d, stride, dense, k,
                       (size_t)vci_opt_int(opts, VCI_OPT_KMEANS_SILHOUETTE_SAMPLE),
                       (uint64_t)vci_opt_int(opts, VCI_OPT_SEED), pool, &v);
        vci_free(dense);
    }
    vci_pool_free(pool);
    if (s == VC_OK)
        *out = v;
    return s;
}

typedef vc_status (*score_fn)(const float *, size_t, size_t, size_t,
                              const uint32_t *, uint32_t, double *);

static vc_status public_score(const char *fn, score_fn score, const float *x,
                              size_t n, size_t d, size_t stride,
                              const uint32_t *labels, double *out)
{
    vci_clear_error();
    uint32_t *dense = NULL, k = 0;
    VCI_CHECK(score_input(fn, x, n, d, stride, labels, out, vci_kernels_select(NULL),
                          NULL, &dense, &k));
    double v = 0;
    vc_status s = score(x, n, d, stride, dense, k, &v);
    vci_free(dense);
    if (s == VC_OK)
        *out = v;
    return s;
}

VC_API vc_status vc_score_davies_bouldin(const float *x, size_t n, size_t d,
                                         size_t stride, const uint32_t *labels,
                                         double *out)
{
    return public_score("vc_score_davies_bouldin", vci_davies_bouldin, x, n, d,
                        stride, labels, out);
}

VC_API vc_status vc_score_calinski_harabasz(const float *x, size_t n, size_t d,
                                            size_t stride,
                                            const uint32_t *labels, double *out)
{
    return public_score("vc_score_calinski_harabasz", vci_calinski_harabasz, x, n,
                        d, stride, labels, out);
}
