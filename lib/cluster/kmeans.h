/*
 * kmeans.h - k-means (k-means++ seeding, bound-pruned Lloyd, mini-batch,
 * restarts) and clustering quality metrics, on the kernels of lib/kernels.
 *
 * Contract used by the other lib/ folders (the implementation may add
 * more). Results are identical for any pool size.
 */
#ifndef VCOMM_KMEANS_H
#define VCOMM_KMEANS_H

#include "core.h"

/**
 * Cluster n rows of d floats (row r at x + r * stride) into k clusters,
 * reading kmeans.max_iter, kmeans.tol, kmeans.n_init, kmeans.algorithm,
 * kmeans.init, seed, kernel and the progress callback from opts (kmeans.k
 * is NOT read: k is the argument). pool may be NULL (inline).
 * centroids: k * d floats (row-major, caller-allocated); labels: n entries;
 * either may be NULL. inertia / iterations may be NULL.
 */
vc_status vci_kmeans_run(const float *x, size_t n, size_t d, size_t stride,
                         uint32_t k, const vc_options *opts, vci_pool *pool,
                         float *centroids, uint32_t *labels, double *inertia,
                         uint32_t *iterations);

/** One k-means run started from the k given centroids (init, k * d,
 *  row-major) instead of a seeding: no restarts, cluster j of the result
 *  continues cluster j of init (a warm start keeps cluster ids). */
vc_status vci_kmeans_warm(const float *x, size_t n, size_t d, size_t stride,
                          uint32_t k, const vc_options *opts, vci_pool *pool,
                          const float *init, float *centroids, uint32_t *labels,
                          double *inertia);

/** Mean silhouette; exact when n <= sample, else the exact silhouette of
 *  `sample` points drawn with the seed (labels below k; at least two
 *  clusters among the points scored, else VC_ERR_INVALID). */
vc_status vci_silhouette(const float *x, size_t n, size_t d, size_t stride,
                         const uint32_t *labels, uint32_t k, size_t sample,
                         uint64_t seed, vci_pool *pool, double *out);
/** Adjusted Rand index and normalised mutual information (arithmetic
 *  normalisation) of two labelings of n points, any uint32 labels;
 *  scikit-learn's values, NAN when out of memory or n == 0. */
double vci_ari(const uint32_t *a, const uint32_t *b, size_t n);
double vci_nmi(const uint32_t *a, const uint32_t *b, size_t n);

/* ---- additions --------------------------------------------------------- */

/** Davies-Bouldin index (lower is better) and Calinski-Harabasz score
 *  (higher is better) of labels below k, computed directly in double as
 *  scikit-learn does; clusters without points are ignored. */
vc_status vci_davies_bouldin(const float *x, size_t n, size_t d,
                             size_t stride, const uint32_t *labels,
                             uint32_t k, double *out);
vc_status vci_calinski_harabasz(const float *x, size_t n, size_t d,
                                size_t stride, const uint32_t *labels,
                                uint32_t k, double *out);

/** Reference data sets of the gap statistic, and the standard errors by
 *  which a step from k to k + 1 clusters must beat them. */
#define VCI_GAP_REFS 5
#define VCI_GAP_Z 2.0

/** The gap statistic's k in [k_min, k_max] (2 <= k_min <= k_max < n):
 *  the first k whose step to k + 1 lowers log inertia by no more than
 *  VCI_GAP_Z standard errors beyond what it does on the data with each
 *  column permuted on its own (kmeans_choose.c), or the first k that fits
 *  the data perfectly (fewer distinct rows than k_max). k-means runs with
 *  opts (n_init included) on the data and on each reference. gap: the
 *  k_max - k_min + 1 values mean log W_ref - log W (+inf at a perfect
 *  fit, NAN beyond it), or NULL. */
vc_status vci_gap_choose_k(const float *x, size_t n, size_t d, size_t stride,
                           uint32_t k_min, uint32_t k_max, const vc_options *opts,
                           vci_pool *pool, uint32_t *best_k, double *gap);

#endif /* VCOMM_KMEANS_H */
