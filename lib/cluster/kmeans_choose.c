/*
 * kmeans_choose.c - vc_kmeans_choose_k: run k-means for every k of a range
 * and keep the k with the best score (kmeans.k_criterion: silhouette or
 * Calinski-Harabasz, highest; Davies-Bouldin, lowest).
 *
 * Invariants: each k is clustered with the same options (seed included),
 * so the scores and the choice are as deterministic as vc_kmeans; ties keep
 * the smaller k.
 */
#include <math.h>

#include "kmeans_impl.h"

typedef enum criterion { CRIT_SILHOUETTE, CRIT_CALINSKI, CRIT_DAVIES } criterion;

static criterion criterion_of(const vc_options *opts)
{
    const char *c = vci_opt_string(opts, VCI_OPT_KMEANS_K_CRITERION);
    if (strcmp(c, "calinski_harabasz") == 0)
        return CRIT_CALINSKI;
    if (strcmp(c, "davies_bouldin") == 0)
        return CRIT_DAVIES;
    return CRIT_SILHOUETTE;
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
