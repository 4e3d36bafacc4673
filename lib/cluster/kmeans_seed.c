/*
 * kmeans_seed.c - initial centroids: greedy k-means++ (as scikit-learn:
 * each step draws `trials` candidates with probability proportional to
 * the squared distance to the nearest chosen centre and keeps the one that
 * lowers the potential most), computed with the distance kernels; and k
 * distinct random points.
 *
 * One pass per centre: a kernel pass over every point with the last centre
 * chosen in lane 0 and the step's candidates in the other lanes folds the
 * last centre into each point's squared distance d2 and sums, per
 * candidate, min(d2, distance) (vci_kern_potential_rows), per chunk of
 * VCI_KM_ROWS points. Sampling needs d2 with the last centre folded in
 * before that pass: the chunk totals are the previous pass's sums for the
 * chosen candidate, and the one chunk a draw lands in is folded on the fly
 * with the same kernel values.
 *
 * Invariants: every random draw happens on the calling thread from the
 * run's stream; sums are per fixed chunk (VCI_KM_ROWS points, computed by
 * tasks of VCI_KM_BLOCK points), combined in chunk order in double, so the
 * centres never depend on the threads.
 */
#include <math.h>

#include "kmeans_impl.h"

typedef struct seed_ctx {
    const vci_km_input *in;
    const vci_cpack *pk;  /* lane 0: last centre; then the candidates */
    bool fold;            /* false for the first centre: d2 is set */
    float *d2;            /* squared distance to the nearest chosen centre */
    double *chunk_pot;    /* nchunks x stride: per chunk, per lane */
    size_t stride;
} seed_ctx;

static vc_status seed_task(void *vctx, size_t task, unsigned worker)
{
    (void)worker;
    seed_ctx *ctx = vctx;
    const vci_km_input *in = ctx->in;
    size_t first = task * VCI_KM_BLOCK, end = VCI_MIN(in->n, first + VCI_KM_BLOCK);
    const float *rows[VCI_KM_ROWS];
    for (size_t b = first; b < end; b += VCI_KM_ROWS) {
        size_t m = VCI_MIN((size_t)VCI_KM_ROWS, end - b);
        double *pot = ctx->chunk_pot + (b / VCI_KM_ROWS) * ctx->stride;
        for (size_t l = 0; l < ctx->pk->k; l++)
            pot[l] = 0;
        vci_km_rows(in, b, m, rows);
        vci_kern_potential_rows(ctx->pk, rows, m, in->xnorm + b, ctx->d2 + b,
                                ctx->fold, pot);
    }
    return VC_OK;
}

/* The d2 of points [first, first + m) with the last centre folded in. */
static void folded_d2(const vci_km_input *in, const vci_cpack *last,
                      const float *d2, size_t first, size_t m, float *out)
{
    const float *rows[VCI_KM_ROWS];
    double unused[1] = {0};
    memcpy(out, d2 + first, m * sizeof *out);
    vci_km_rows(in, first, m, rows);
    vci_kern_potential_rows(last, rows, m, in->xnorm + first, out, true, unused);
}

/* The point where the cumulative folded d2 first exceeds r, given the
 * per-chunk totals; rounding at a chunk's end gives its last point with
 * weight. */
static size_t locate(const vci_km_input *in, const vci_cpack *last,
                     const float *d2, const double *chunk_total, size_t nc,
                     double r, float *tmp)
{
    double acc = 0;
    for (size_t b = 0; b < nc; b++) {
        if (acc + chunk_total[b] <= r && b + 1 < nc) {
            acc += chunk_total[b];
            continue;
        }
        size_t first = b * VCI_KM_ROWS, end = VCI_MIN(in->n, first + VCI_KM_ROWS);
        folded_d2(in, last, d2, first, end - first, tmp);
        size_t pick = end - 1;
        for (size_t i = first; i < end; i++) {
            float v = tmp[i - first];
            if (v > 0)
                pick = i;
            acc += v;
            if (acc > r && v > 0)
                return i;
        }
        return pick;
    }
    return in->n - 1;
}

vc_status vci_km_seed_plusplus(const vci_km_input *in, uint32_t k,
                               size_t trials, vci_rng *rng, float *centroids,
                               double p0, double p1)
{
    const size_t n = in->n, d = in->d, nb = vci_km_nblocks(n, VCI_KM_BLOCK);
    const size_t nc = vci_km_nblocks(n, VCI_KM_ROWS);
    if (trials == 0)
        trials = 2 + (size_t)log((double)k);
    trials = VCI_MIN(trials, (size_t)VCI_KERN_POT_MAX - 1);
    const size_t lanes = trials + 1;
    float *d2 = vci_malloc(n * sizeof *d2);
    float *tmp = vci_malloc(VCI_KM_ROWS * sizeof *tmp);
    double *chunk_pot = vci_calloc(nc * lanes, sizeof *chunk_pot);
    double *total = vci_calloc(nc, sizeof *total);
    float *cbuf = vci_aligned_calloc(lanes * d, sizeof *cbuf); /* last, candidates */
    size_t *ids = vci_calloc(lanes, sizeof *ids);
    vci_cpack pk, last;
    memset(&pk, 0, sizeof pk);
    memset(&last, 0, sizeof last);
    vc_status s = d2 && tmp && chunk_pot && total && cbuf && ids ? VC_OK : VC_ERR_NOMEM;

    /* the first centre: a uniformly random point; d2 set from it */
    if (s == VC_OK) {
        size_t i0 = (size_t)vci_rng_below(rng, n);
        memcpy(centroids, vci_km_row(in, i0), d * sizeof *centroids);
        memcpy(cbuf, centroids, d * sizeof *cbuf);
        s = vci_cpack_init(&last, in->kern, VCI_PACK_L2, cbuf, 1, d, d);
    }
    if (s == VC_OK)
        s = vci_cpack_init(&pk, in->kern, VCI_PACK_L2, cbuf, lanes, d, d);
    if (s == VC_OK) {
        seed_ctx ctx = {in, &last, false, d2, chunk_pot, lanes};
        s = vci_parallel_for(in->pool, nb, seed_task, &ctx, NULL);
        for (size_t b = 0; b < nc; b++)
            total[b] = chunk_pot[b * lanes];
    }
    for (uint32_t c = 1; c < k && s == VC_OK; c++) {
        /* draw the candidates by weight d2 (the last centre folded in) */
        double pot = 0;
        for (size_t b = 0; b < nc; b++)
            pot += total[b];
        for (size_t l = 1; l < lanes; l++) {
            double r = vci_rng_uniform(rng) * pot;
            ids[l] = pot > 0 ? locate(in, &last, d2, total, nc, r, tmp)
                             : (size_t)vci_rng_below(rng, n);
            memcpy(cbuf + l * d, vci_km_row(in, ids[l]), d * sizeof *cbuf);
        }
        vci_cpack_update(&pk, cbuf, d);
        seed_ctx ctx = {in, &pk, true, d2, chunk_pot, lanes};
        s = vci_parallel_for(in->pool, nb, seed_task, &ctx, NULL);
        if (s != VC_OK)
            break;
        /* the candidate with the lowest potential (lowest index on ties) */
        size_t best = 1;
        double best_pot = INFINITY;
        for (size_t l = 1; l < lanes; l++) {
            double p = 0;
            for (size_t b = 0; b < nc; b++)
                p += chunk_pot[b * lanes + l];
            if (p < best_pot) {
                best_pot = p;
                best = l;
            }
        }
        for (size_t b = 0; b < nc; b++)
            total[b] = chunk_pot[b * lanes + best];
        memcpy(centroids + (size_t)c * d, cbuf + best * d, d * sizeof *centroids);
        memcpy(cbuf, cbuf + best * d, d * sizeof *cbuf); /* the new last centre */
        vci_cpack_update(&last, cbuf, d);
        s = vci_km_progress(in, p0, p1, (double)(c + 1) / k);
    }
    vci_cpack_free(&pk);
    vci_cpack_free(&last);
    vci_free(d2);
    vci_free(tmp);
    vci_free(chunk_pot);
    vci_free(total);
    vci_aligned_free(cbuf);
    vci_free(ids);
    return s;
}

vc_status vci_km_seed_random(const vci_km_input *in, uint32_t k,
                             vci_rng *rng, float *centroids)
{
    /* partial Fisher-Yates over the point indices */
    size_t n = in->n;
    size_t *perm = vci_malloc(n * sizeof *perm);
    if (!perm)
        return VC_ERR_NOMEM;
    for (size_t i = 0; i < n; i++)
        perm[i] = i;
    for (uint32_t j = 0; j < k; j++) {
        size_t r = j + (size_t)vci_rng_below(rng, n - j);
        size_t t = perm[j];
        perm[j] = perm[r];
        perm[r] = t;
        memcpy(centroids + (size_t)j * in->d, vci_km_row(in, perm[j]),
               in->d * sizeof *centroids);
    }
    vci_free(perm);
    return VC_OK;
}
