/*
 * kmeans.c - the k-means driver: argument checks, validation of the data,
 * options (algorithm, seeding, restarts), n_init runs keeping the lowest
 * inertia; vci_kmeans_run for the other lib/ folders and vc_kmeans for
 * callers of the public API.
 *
 * Invariants: outputs are written only when everything succeeded; run r
 * of n_init draws from stream r of the seed, so runs and results are the
 * same for any thread count; ties between runs keep the earlier run.
 */
#include <math.h>

#include "kmeans_impl.h"

vci_km_algo vci_km_algo_named(const char *a, size_t n, size_t k, size_t d)
{
    if (strcmp(a, "lloyd") == 0)
        return VCI_KM_LLOYD;
    if (strcmp(a, "hamerly") == 0)
        return VCI_KM_HAMERLY;
    if (strcmp(a, "elkan") == 0)
        return VCI_KM_ELKAN;
    if (strcmp(a, "minibatch") == 0)
        return VCI_KM_MINIBATCH;
    return vci_km_auto_algo(n, k, d);
}

/* One seeding (or the given start) plus iterations into c and labels. */
static vc_status one_run(const vci_km_input *in, uint32_t k,
                         const vc_options *opts, vci_km_algo algo,
                         uint64_t stream, const float *init, float *c,
                         uint32_t *labels, vci_km_stats *st, double p0, double p1)
{
    vci_rng rng;
    vci_rng_seed(&rng, (uint64_t)vci_opt_int(opts, VCI_OPT_SEED), stream);
    double pm = p0 + 0.2 * (p1 - p0);
    vc_status s = VC_OK;
    if (init) {
        memcpy(c, init, (size_t)k * in->d * sizeof *c);
    } else if (strcmp(vci_opt_string(opts, VCI_OPT_KMEANS_INIT), "random") == 0) {
        s = vci_km_seed_random(in, k, &rng, c);
    } else {
        size_t trials = (size_t)vci_opt_int(opts, VCI_OPT_KMEANS_INIT_TRIALS);
        s = vci_km_seed_plusplus(in, k, trials, &rng, c, p0, pm);
    }
    if (s != VC_OK)
        return s;
    uint32_t max_iter = (uint32_t)vci_opt_int(opts, VCI_OPT_KMEANS_MAX_ITER);
    if (algo == VCI_KM_MINIBATCH)
        return vci_km_minibatch(in, k,
                                (size_t)vci_opt_int(opts, VCI_OPT_KMEANS_BATCH_SIZE),
                                max_iter, &rng, c, labels, st, pm, p1);
    return vci_km_lloyd(in, k, algo, max_iter,
                        vci_opt_float(opts, VCI_OPT_KMEANS_TOL), c, labels, st,
                        pm, p1);
}

static vc_status run(const float *x, size_t n, size_t d, size_t stride,
                     uint32_t k, const vc_options *opts, vci_pool *pool,
                     const float *init, float *centroids, uint32_t *labels,
                     double *inertia, uint32_t *iterations)
{
    VCI_REQUIRE(x, "k-means: the matrix is NULL");
    VCI_REQUIRE(d > 0, "k-means: d must be at least 1");
    VCI_REQUIRE(stride >= d, "k-means: stride (%zu) must be at least d (%zu)",
                stride, d);
    VCI_REQUIRE(k >= 1, "k-means: k must be at least 1");
    VCI_REQUIRE(n >= k, "k-means: %zu points cannot make %u clusters (n < k)",
                n, k);
    size_t kd, nd;
    VCI_REQUIRE(vci_mul_ok(k, d, &kd) && vci_mul_ok(n, stride, &nd),
                "k-means: matrix of %zu x %zu too large", n, d);

    vci_progress prog = vci_progress_of(opts, "kmeans");
    vci_km_input in = {x, n, d, stride, NULL, vci_kernels_select(opts), pool, &prog};
    uint32_t n_init = init ? 1 : (uint32_t)vci_opt_int(opts, VCI_OPT_KMEANS_N_INIT);
    vci_km_algo algo = vci_km_algo_named(
        vci_opt_string(opts, VCI_OPT_KMEANS_ALGORITHM), n, k, d);

    float *xnorm = vci_malloc(n * sizeof *xnorm);
    float *c = vci_malloc(kd * sizeof *c), *best_c = vci_malloc(kd * sizeof *c);
    uint32_t *lab = vci_malloc(n * sizeof *lab), *best_lab = vci_malloc(n * sizeof *lab);
    vc_status s = xnorm && c && best_c && lab && best_lab ? VC_OK : VC_ERR_NOMEM;
    if (s == VC_OK)
        s = vci_km_prepare(x, n, d, stride, in.kern, pool, xnorm);
    in.xnorm = xnorm;
    vci_km_stats best = {INFINITY, 0, 0};
    for (uint32_t r = 0; r < n_init && s == VC_OK; r++) {
        vci_km_stats st = {0, 0, 0};
        s = one_run(&in, k, opts, algo, r, init, c, lab, &st, (double)r / n_init,
                    (double)(r + 1) / n_init);
        if (s == VC_OK && (r == 0 || st.inertia < best.inertia)) {
            best = st;
            float *tc = best_c;
            best_c = c;
            c = tc;
            uint32_t *tl = best_lab;
            best_lab = lab;
            lab = tl;
        }
    }
    if (s == VC_OK) {
        if (centroids)
            memcpy(centroids, best_c, kd * sizeof *centroids);
        if (labels)
            memcpy(labels, best_lab, n * sizeof *labels);
        if (inertia)
            *inertia = best.inertia;
        if (iterations)
            *iterations = best.iterations;
    }
    vci_free(xnorm);
    vci_free(c);
    vci_free(best_c);
    vci_free(lab);
    vci_free(best_lab);
    return s;
}

vc_status vci_kmeans_run(const float *x, size_t n, size_t d, size_t stride,
                         uint32_t k, const vc_options *opts, vci_pool *pool,
                         float *centroids, uint32_t *labels, double *inertia,
                         uint32_t *iterations)
{
    return run(x, n, d, stride, k, opts, pool, NULL, centroids, labels, inertia,
               iterations);
}

vc_status vci_kmeans_warm(const float *x, size_t n, size_t d, size_t stride,
                          uint32_t k, const vc_options *opts, vci_pool *pool,
                          const float *init, float *centroids, uint32_t *labels,
                          double *inertia)
{
    VCI_REQUIRE(init, "k-means: no starting centroids");
    return run(x, n, d, stride, k, opts, pool, init, centroids, labels, inertia, NULL);
}

VC_API vc_status vc_kmeans(const float *x, size_t n, size_t d, size_t stride,
                           const vc_options *opts, float *centroids,
                           uint32_t *labels, double *inertia,
                           uint32_t *iterations)
{
    vci_clear_error();
    uint32_t k = (uint32_t)vci_opt_int(opts, VCI_OPT_KMEANS_K);
    VCI_REQUIRE(x, "vc_kmeans: x is NULL");
    VCI_REQUIRE(d > 0, "vc_kmeans: d must be at least 1");
    VCI_REQUIRE(stride >= d, "vc_kmeans: stride (%zu) must be at least d (%zu)",
                stride, d);
    VCI_REQUIRE(n >= k, "vc_kmeans: %zu points cannot make %u clusters (kmeans.k)",
                n, k);
    vci_pool *pool;
    VCI_CHECK(vci_pool_for_options(&pool, opts));
    vc_status s = vci_kmeans_run(x, n, d, stride, k, opts, pool, centroids,
                                 labels, inertia, iterations);
    vci_pool_free(pool);
    return s;
}
