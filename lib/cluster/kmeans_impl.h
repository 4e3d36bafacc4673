/*
 * kmeans_impl.h - what the k-means files of lib/cluster share: the
 * validated input of a run, the fixed partition of the points into blocks,
 * seeding, the Lloyd-family iterations and the final inertia. Only
 * lib/cluster/kmeans*.c and metrics*.c include it.
 *
 * Invariants (what makes results independent of the thread count): work is
 * split into blocks whose size depends only on n, k and d, never on the
 * pool; every per-block result is written to block-indexed storage; block
 * results are combined in block order, in double; random choices come
 * from streams of the seed owned by the run, drawn on the calling thread.
 */
#ifndef VCOMM_KMEANS_IMPL_H
#define VCOMM_KMEANS_IMPL_H

#include "kernels.h"
#include "kmeans.h"

/** Rows handed to a kernel at once (row-pointer arrays on the stack). */
#define VCI_KM_ROWS 256
/** Points per block of the passes that do not depend on k. */
#define VCI_KM_BLOCK 4096

/** A validated matrix and what a run reads from it. */
typedef struct vci_km_input {
    const float *x;
    size_t n, d, stride;
    const float *xnorm;      /* n squared norms, from vci_km_prepare */
    const vci_kernels *kern;
    vci_pool *pool;          /* may be NULL */
    const vci_progress *progress; /* may be NULL */
} vci_km_input;

static inline const float *vci_km_row(const vci_km_input *in, size_t i)
{
    return in->x + i * in->stride;
}

/** Fill xnorm[0..n) with the kernel's squared norms, checking that every
 *  value is finite and every squared norm fits a float: VC_ERR_RANGE names
 *  the first bad row and column. */
vc_status vci_km_prepare(const float *x, size_t n, size_t d, size_t stride,
                         const vci_kernels *kern, vci_pool *pool,
                         float *xnorm);

/** Number of fixed-size blocks covering n points (size VCI_KM_BLOCK). */
static inline size_t vci_km_nblocks(size_t n, size_t block)
{
    return (n + block - 1) / block;
}

/** Points per block of the Lloyd passes: depends on n, k, d only; keeps
 *  the per-block partial sums within a memory budget. */
size_t vci_km_lloyd_block(size_t n, size_t k, size_t d);

/** The rows of points [first, first + m) into rows[] (m <= VCI_KM_ROWS). */
void vci_km_rows(const vci_km_input *in, size_t first, size_t m,
                 const float **rows);

/* ---- seeding (kmeans_seed.c) ------------------------------------------- */

/** Greedy k-means++: each step draws `trials` candidates with probability
 *  proportional to the squared distance to the nearest chosen centre and
 *  keeps the one that lowers the potential most (trials 0: 2 + ln k).
 *  centroids: k * d. Progress: fractions [p0, p1) of the run. */
vc_status vci_km_seed_plusplus(const vci_km_input *in, uint32_t k,
                               size_t trials, vci_rng *rng,
                               float *centroids, double p0, double p1);
/** k distinct random points. */
vc_status vci_km_seed_random(const vci_km_input *in, uint32_t k,
                             vci_rng *rng, float *centroids);

/* ---- iterations (kmeans_lloyd.c, kmeans_minibatch.c) --------------------- */

typedef enum vci_km_algo {
    VCI_KM_LLOYD = 0,
    VCI_KM_HAMERLY = 1,
    VCI_KM_ELKAN = 2,
    VCI_KM_MINIBATCH = 3
} vci_km_algo;

/** What a run reports besides centroids and labels. */
typedef struct vci_km_stats {
    double inertia;       /* exact: sum of direct squared distances */
    uint32_t iterations;
    uint64_t computed;    /* points whose distances were all computed */
} vci_km_stats;

/**
 * Lloyd iterations from the given centroids (k * d, updated in place) until
 * no label changes, the inertia improves by less than tol, or max_iter;
 * then labels[0..n) are the nearest centroids of the final centroids and
 * stats->inertia their exact inertia. HAMERLY and ELKAN prune with bounds
 * and give exactly the labels and centroids of LLOYD. Progress: fractions
 * [p0, p1) of the run.
 */
vc_status vci_km_lloyd(const vci_km_input *in, uint32_t k, vci_km_algo algo,
                       uint32_t max_iter, double tol, float *centroids,
                       uint32_t *labels, vci_km_stats *stats, double p0,
                       double p1);

/** Mini-batch k-means (per-centre learning rates as scikit-learn), steps
 *  of batch points drawn with replacement from rng; early stop when the
 *  smoothed batch inertia stops improving; then a full assignment. */
vc_status vci_km_minibatch(const vci_km_input *in, uint32_t k,
                           size_t batch, uint32_t max_iter, vci_rng *rng,
                           float *centroids, uint32_t *labels,
                           vci_km_stats *stats, double p0, double p1);

/** Nearest-centroid labels of every point (plain pass) and, if inertia is
 *  not NULL, the exact inertia. */
vc_status vci_km_assign_all(const vci_km_input *in, const float *centroids,
                            uint32_t k, uint32_t *labels, double *inertia);

/** Exact inertia of a labelling: sum over points of the direct squared
 *  distance to its centroid, summed per block in double, in block order. */
vc_status vci_km_inertia(const vci_km_input *in, const float *centroids,
                         const uint32_t *labels, double *out);

/** Report progress p0 + (p1 - p0) * f (calling thread only). */
vc_status vci_km_progress(const vci_km_input *in, double p0, double p1,
                          double f);

/** Renumber labels densely (0..*k-1 in increasing label order). */
vc_status vci_dense_labels(const uint32_t *labels, size_t n, uint32_t *dense,
                           uint32_t *k);

/** The "auto" algorithm for a problem of that shape. */
vci_km_algo vci_km_auto_algo(size_t n, size_t k, size_t d);
/** The algorithm of a kmeans.algorithm word ("auto": by shape). */
vci_km_algo vci_km_algo_named(const char *name, size_t n, size_t k, size_t d);

#endif /* VCOMM_KMEANS_IMPL_H */
