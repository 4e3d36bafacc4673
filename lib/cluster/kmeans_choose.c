/*
 * kmeans_choose.c - choosing k. vc_kmeans_choose_k runs k-means for every
 * k of a range and keeps the k with the best score (kmeans.k_criterion:
 * silhouette or Calinski-Harabasz, highest; Davies-Bouldin, lowest), or
 * the k the gap statistic selects (vci_gap_choose_k, also used by the
 * communities).
 *
 * The gap rule (docs/kmeans.md#choosing-k): log W_k (W = inertia) of the
 * data against its mean over VCI_GAP_REFS reference sets, the data with
 * every column permuted on its own (same marginals, no joint structure).
 * Going from k to k + 1 clusters is worth it when the data's drop
 * log W_k - log W_{k+1} beats the references' mean drop by more than
 * VCI_GAP_Z standard errors; the chosen k is the first one whose next
 * step is not. The standard error adds the sampling error of the data's
 * drop (per-point delta method: the drop is a smooth function of two sums
 * over the points) to the spread of the references' drops, inflated by
 * sqrt(1 + 1/B) as in Tibshirani, Walther and Hastie (2001).
 *
 * Invariants: each k is clustered with the same options (seed included);
 * reference b is drawn from its own stream of the seed; so the scores and
 * the choice are as deterministic as vc_kmeans; ties keep the smaller k.
 */
#include <math.h>

#include "kmeans_impl.h"

typedef enum criterion { CRIT_SILHOUETTE, CRIT_CALINSKI, CRIT_DAVIES, CRIT_GAP } criterion;

static criterion criterion_of(const vc_options *opts)
{
    const char *c = vci_opt_string(opts, VCI_OPT_KMEANS_K_CRITERION);
    if (strcmp(c, "calinski_harabasz") == 0)
        return CRIT_CALINSKI;
    if (strcmp(c, "davies_bouldin") == 0)
        return CRIT_DAVIES;
    if (strcmp(c, "gap") == 0)
        return CRIT_GAP;
    return CRIT_SILHOUETTE;
}

/* Reference b of the gap statistic: streams far above k-means restarts'. */
#define GAP_STREAM 0x6761700000000000ULL

/* dist[i] = squared distance of row i to its centroid, in double; returns
 * the sum. */
static double point_dists(const float *x, size_t n, size_t d, size_t stride,
                          const float *cent, const uint32_t *labels, double *dist)
{
    double total = 0;
    for (size_t i = 0; i < n; i++) {
        const float *row = x + i * stride, *c = cent + (size_t)labels[i] * d;
        double s = 0;
        for (size_t j = 0; j < d; j++) {
            double t = (double)row[j] - c[j];
            s += t * t;
        }
        dist[i] = s;
        total += s;
    }
    return total;
}

/* Standard error of log(sum a) - log(sum b) over the n points (delta
 * method): sqrt(n var_i(a_i / A - b_i / B)). */
static double drop_se(const double *a, double sa, const double *b, double sb, size_t n)
{
    if (n < 2 || sa <= 0 || sb <= 0)
        return 0;
    double mean = 0, m2 = 0; /* the mean is (1 - 1) / n = 0 up to rounding */
    for (size_t i = 0; i < n; i++)
        mean += a[i] / sa - b[i] / sb;
    mean /= (double)n;
    for (size_t i = 0; i < n; i++) {
        double z = a[i] / sa - b[i] / sb - mean;
        m2 += z * z;
    }
    return sqrt(m2 / (double)(n - 1) * (double)n);
}

/* ref = x with each of the d columns permuted on its own (x's padding is
 * not read: its last row may end at column d). */
static void permuted_copy(const float *x, size_t n, size_t d, size_t stride,
                          vci_rng *rng, float *ref)
{
    for (size_t i = 0; i < n; i++)
        memcpy(ref + i * stride, x + i * stride, d * sizeof *ref);
    for (size_t j = 0; j < d; j++)
        for (size_t i = n - 1; i > 0; i--) {
            size_t r = (size_t)vci_rng_below(rng, (uint64_t)i + 1);
            float t = ref[i * stride + j];
            ref[i * stride + j] = ref[r * stride + j];
            ref[r * stride + j] = t;
        }
}

vc_status vci_gap_choose_k(const float *x, size_t n, size_t d, size_t stride,
                           uint32_t k_min, uint32_t k_max, const vc_options *opts,
                           vci_pool *pool, uint32_t *best_k, double *gap)
{
    size_t span = (size_t)k_max - k_min + 1;
    enum { B = VCI_GAP_REFS };
    float *cent = vci_malloc((size_t)k_max * d * sizeof *cent);
    uint32_t *labels = vci_malloc(n * sizeof *labels);
    double *dist = vci_malloc(2 * n * sizeof *dist);
    double *logw = vci_malloc(span * (B + 2) * sizeof *logw);
    float *ref = vci_aligned_calloc(n * stride, sizeof *ref);
    vc_status s = cent && labels && dist && logw && ref ? VC_OK : VC_ERR_NOMEM;
    double *ref_logw = logw + span;       /* B x span */
    double *drop_sd = ref_logw + B * span; /* span: se of the data's drop k -> k+1 */
    /* the data: log W_k and the sampling error of each drop, up to k_max or
     * the first k that fits perfectly (W = 0: fewer distinct rows) */
    uint32_t k_last = k_min;
    double w_prev = 0;
    for (uint32_t k = k_min; k <= k_max && s == VC_OK; k++) {
        size_t i = k - k_min;
        double *cur = dist + (i % 2) * n, *prev = dist + ((i + 1) % 2) * n;
        s = vci_kmeans_run(x, n, d, stride, k, opts, pool, cent, labels, NULL, NULL);
        if (s != VC_OK)
            break;
        double w = point_dists(x, n, d, stride, cent, labels, cur);
        logw[i] = w > 0 ? log(w) : -INFINITY;
        if (i > 0)
            drop_sd[i - 1] = drop_se(prev, w_prev, cur, w, n);
        w_prev = w;
        k_last = k;
        if (!(w > 0))
            break;
    }
    /* the references, for the same k */
    for (int b = 0; b < B && s == VC_OK; b++) {
        vci_rng rng;
        vci_rng_seed(&rng, (uint64_t)vci_opt_int(opts, VCI_OPT_SEED), GAP_STREAM + (uint64_t)b);
        permuted_copy(x, n, d, stride, &rng, ref);
        for (uint32_t k = k_min; k <= k_last && s == VC_OK; k++) {
            double w = 0;
            s = vci_kmeans_run(ref, n, d, stride, k, opts, pool, NULL, NULL, &w, NULL);
            ref_logw[(size_t)b * span + (k - k_min)] = w > 0 ? log(w) : -INFINITY;
        }
    }
    if (s == VC_OK) {
        /* the first k whose step to k + 1 is not significant (a step to a
         * perfect fit always is; NAN from infinite references stops) */
        uint32_t best = k_last;
        for (uint32_t k = k_min; k < k_last; k++) {
            size_t i = k - k_min;
            double mean = 0, m2 = 0;
            for (int b = 0; b < B; b++)
                mean += ref_logw[(size_t)b * span + i] - ref_logw[(size_t)b * span + i + 1];
            mean /= B;
            for (int b = 0; b < B; b++) {
                double t = ref_logw[(size_t)b * span + i] - ref_logw[(size_t)b * span + i + 1] - mean;
                m2 += t * t;
            }
            double ref_sd = sqrt(m2 / (B - 1) * (1.0 + 1.0 / B));
            double gain = (logw[i] - logw[i + 1]) - mean;
            double se = sqrt(drop_sd[i] * drop_sd[i] + ref_sd * ref_sd);
            if (!(gain > VCI_GAP_Z * se)) {
                best = k;
                break;
            }
        }
        *best_k = best;
        for (size_t i = 0; gap && i < span; i++) {
            double mean = 0;
            for (int b = 0; b < B && i + k_min <= k_last; b++)
                mean += ref_logw[(size_t)b * span + i];
            gap[i] = i + k_min <= k_last ? mean / B - logw[i] : NAN;
        }
    }
    vci_free(cent);
    vci_free(labels);
    vci_free(dist);
    vci_free(logw);
    vci_aligned_free(ref);
    return s;
}

VC_API vc_status vc_kmeans_choose_k(const float *x, size_t n, size_t d,
                                    size_t stride, uint32_t k_min,
                                    uint32_t k_max, const vc_options *opts,
                                    uint32_t *best_k, double *scores)
{
    vci_clear_error();
    VCI_REQUIRE(x && best_k, "vc_kmeans_choose_k: NULL argument");
    VCI_REQUIRE(d > 0 && stride >= d,
                "vc_kmeans_choose_k: need d >= 1 and stride >= d (d %zu, stride %zu)",
                d, stride);
    VCI_REQUIRE(k_min >= 2 && k_min <= k_max,
                "vc_kmeans_choose_k: need 2 <= k_min <= k_max, got %u..%u", k_min, k_max);
    VCI_REQUIRE(n >= 3 && k_max <= n - 1,
                "vc_kmeans_choose_k: k_max (%u) must be below the number of points (%zu)",
                k_max, n);
    criterion crit = criterion_of(opts);
    if (crit == CRIT_GAP) {
        vci_pool *gpool = NULL;
        double *gap = scores ? vci_malloc(((size_t)k_max - k_min + 1) * sizeof *gap) : NULL;
        uint32_t best = k_min;
        vc_status gs = scores && !gap ? VC_ERR_NOMEM : VC_OK;
        if (gs == VC_OK)
            gs = vci_pool_for_options(&gpool, opts);
        if (gs == VC_OK)
            gs = vci_gap_choose_k(x, n, d, stride, k_min, k_max, opts, gpool, &best, gap);
        if (gs == VC_OK) {
            *best_k = best;
            if (scores)
                memcpy(scores, gap, ((size_t)k_max - k_min + 1) * sizeof *scores);
        }
        vci_pool_free(gpool);
        vci_free(gap);
        return gs;
    }
    size_t sample = (size_t)vci_opt_int(opts, VCI_OPT_KMEANS_SILHOUETTE_SAMPLE);
    uint64_t seed = (uint64_t)vci_opt_int(opts, VCI_OPT_SEED);
    size_t span = (size_t)k_max - k_min + 1;
    uint32_t *labels = vci_malloc(n * sizeof *labels);
    double *sc = vci_malloc(span * sizeof *sc);
    vci_pool *pool = NULL;
    vc_status s = labels && sc ? VC_OK : VC_ERR_NOMEM;
    if (s == VC_OK)
        s = vci_pool_for_options(&pool, opts);
    uint32_t best = k_min;
    for (uint32_t k = k_min; k <= k_max && s == VC_OK; k++) {
        s = vci_kmeans_run(x, n, d, stride, k, opts, pool, NULL, labels, NULL, NULL);
        double v = 0;
        if (s == VC_OK && crit == CRIT_SILHOUETTE)
            s = vci_silhouette(x, n, d, stride, labels, k, sample, seed, pool, &v);
        else if (s == VC_OK && crit == CRIT_CALINSKI)
            s = vci_calinski_harabasz(x, n, d, stride, labels, k, &v);
        else if (s == VC_OK)
            s = vci_davies_bouldin(x, n, d, stride, labels, k, &v);
        if (s != VC_OK)
            break;
        sc[k - k_min] = v;
        double cur = sc[best - k_min];
        if (crit == CRIT_DAVIES ? v < cur : v > cur)
            best = k;
    }
    if (s == VC_OK) {
        *best_k = best;
        if (scores)
            memcpy(scores, sc, span * sizeof *scores);
    }
    vci_pool_free(pool);
    vci_free(labels);
    vci_free(sc);
    return s;
}
