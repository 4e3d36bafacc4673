/*
 * kmeans_minibatch.c - mini-batch k-means for very large n (Sculley 2010,
 * as scikit-learn's MiniBatchKMeans): each step draws a batch of points
 * with replacement, assigns it with the kernels, and moves every centre
 * that received points to the running mean of all points it ever
 * received. Stops after max_iter passes' worth of batches, or when the
 * smoothed batch inertia has not improved for 10 steps; then assigns every
 * point once.
 *
 * Invariants: the batch is drawn on the calling thread; it is assigned in
 * fixed slices of VCI_KM_ROWS points; the centre updates run on the
 * calling thread in batch order, in double; so the result does not depend
 * on the thread count.
 */
#include <math.h>

#include "kmeans_impl.h"

#define NO_IMPROVEMENT_STEPS 10

typedef struct batch_ctx {
    const vci_km_input *in;
    const vci_cpack *pk;
    const size_t *idx;
    size_t m;
    uint32_t *lab;
    float *dist;
} batch_ctx;

static vc_status batch_task(void *vctx, size_t task, unsigned worker)
{
    (void)worker;
    batch_ctx *ctx = vctx;
    size_t first = task * VCI_KM_ROWS, m = VCI_MIN((size_t)VCI_KM_ROWS, ctx->m - first);
    const float *rows[VCI_KM_ROWS];
    float xn[VCI_KM_ROWS];
    for (size_t t = 0; t < m; t++) {
        rows[t] = vci_km_row(ctx->in, ctx->idx[first + t]);
        xn[t] = ctx->in->xnorm[ctx->idx[first + t]];
    }
    vci_kern_nearest_rows(ctx->pk, rows, m, xn, ctx->lab + first, ctx->dist + first);
    return VC_OK;
}

vc_status vci_km_minibatch(const vci_km_input *in, uint32_t k, size_t batch,
                           uint32_t max_iter, vci_rng *rng, float *centroids,
                           uint32_t *labels, vci_km_stats *stats, double p0,
                           double p1)
{
    const size_t n = in->n, d = in->d;
    batch = VCI_MIN(batch, n);
    double total = (double)max_iter * (double)n / (double)batch;
    uint64_t steps = total < 1 ? 1 : (uint64_t)total;
    size_t *idx = vci_malloc(batch * sizeof *idx);
    uint32_t *lab = vci_malloc(batch * sizeof *lab);
    float *dist = vci_malloc(batch * sizeof *dist);
    double *weight = vci_calloc(k, sizeof *weight);
    double *acc = vci_malloc((size_t)k * d * sizeof *acc);
    uint32_t *got = vci_calloc(k, sizeof *got);
    vci_cpack pk;
    memset(&pk, 0, sizeof pk);
    vc_status s = idx && lab && dist && weight && acc && got ? VC_OK : VC_ERR_NOMEM;
    if (s == VC_OK)
        s = vci_cpack_init(&pk, in->kern, VCI_PACK_L2, centroids, k, d, d);
    double alpha = fmin(1.0, 2.0 * (double)batch / ((double)n + 1));
    double ewa = 0, ewa_min = INFINITY;
    uint32_t no_improvement = 0;
    uint64_t step = 0;
    while (s == VC_OK && step < steps) {
        step++;
        for (size_t t = 0; t < batch; t++)
            idx[t] = (size_t)vci_rng_below(rng, n);
        batch_ctx bc = {in, &pk, idx, batch, lab, dist};
        s = vci_parallel_for(in->pool, vci_km_nblocks(batch, VCI_KM_ROWS),
                             batch_task, &bc, NULL);
        if (s != VC_OK)
            break;
        /* per-centre sums of the batch, in batch order */
        double inertia = 0;
        for (size_t t = 0; t < batch; t++) {
            uint32_t j = lab[t];
            const float *x = vci_km_row(in, idx[t]);
            double *a = acc + (size_t)j * d;
            if (!got[j]++)
                memset(a, 0, d * sizeof *a);
            for (size_t p = 0; p < d; p++)
                a[p] += x[p];
            inertia += dist[t];
        }
        for (uint32_t j = 0; j < k; j++) {
            if (!got[j])
                continue;
            float *c = centroids + (size_t)j * d;
            double w = weight[j], w2 = w + got[j];
            for (size_t p = 0; p < d; p++)
                c[p] = (float)(((double)c[p] * w + acc[(size_t)j * d + p]) / w2);
            weight[j] = w2;
            got[j] = 0;
        }
        vci_cpack_update(&pk, centroids, d);
        /* early stop on the smoothed batch inertia (per point) */
        inertia /= (double)batch;
        ewa = step == 1 ? inertia : ewa * (1 - alpha) + inertia * alpha;
        if (ewa < ewa_min) {
            ewa_min = ewa;
            no_improvement = 0;
        } else if (++no_improvement >= NO_IMPROVEMENT_STEPS) {
            break;
        }
        if (step % 16 == 0)
            s = vci_km_progress(in, p0, p1, (double)step / (double)steps);
    }
    vci_cpack_free(&pk);
    vci_free(idx);
    vci_free(lab);
    vci_free(dist);
    vci_free(weight);
    vci_free(acc);
    vci_free(got);
    if (s == VC_OK)
        s = vci_km_assign_all(in, centroids, k, labels, &stats->inertia);
    if (s == VC_OK) {
        stats->iterations = (uint32_t)VCI_MIN(step, (uint64_t)UINT32_MAX);
        stats->computed = step * batch + n;
    }
    return s;
}
