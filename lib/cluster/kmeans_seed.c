/*
 * kmeans_seed.c - initial centroids: greedy k-means++ (as scikit-learn:
 * each step draws `trials` candidates with probability proportional to
 * the squared distance to the nearest chosen centre and keeps the one that
 * lowers the potential most), computed with the distance kernels; and k
 * distinct random points.
 *
 * One kernel pass per centre over every point (vci_kern_potential_rows)
 * sums, per chunk of VCI_KM_ROWS points and per candidate, min(d2,
 * distance), d2 being the squared distance to the nearest centre so far.
 * The centre chosen at the previous step is folded into d2 in one of two
 * ways, whichever costs less for the kernel:
 *  - in lane 0 of the pack (the candidates in lanes 1..trials), folded by
 *    the kernel itself; a draw folds the chunk it lands in with a
 *    one-centre pack;
 *  - from the stored distances of the step's candidates (n x trials
 *    floats), at the start of the next pass; used when the extra lane would
 *    cost the kernel its two-rows-per-vector mode.
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
    const vci_cpack *pk;  /* this pass's centroids */
    const vci_cpack *last; /* the last centre alone (fold in lane 0) */
    bool lane0;           /* fold in lane 0 (else from cand) */
    float *d2;            /* squared distance to the nearest chosen centre */
    float *cand;          /* n x trials distances (fold from cand) */
    size_t trials;
    size_t pending;       /* cand column to fold, SIZE_MAX: none */
    size_t lanes;         /* pack width: trials (+ 1 in lane-0 mode) */
    double *chunk_pot;    /* nchunks x lanes */
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
        double *pot = ctx->chunk_pot + (b / VCI_KM_ROWS) * ctx->lanes;
        for (size_t l = 0; l < ctx->pk->k; l++)
            pot[l] = 0;
        if (ctx->pending != SIZE_MAX) {
            const float *c = ctx->cand + b * ctx->trials + ctx->pending;
            for (size_t i = 0; i < m; i++)
                if (c[i * ctx->trials] < ctx->d2[b + i])
                    ctx->d2[b + i] = c[i * ctx->trials];
        }
        vci_km_rows(in, b, m, rows);
        vci_kern_potential_rows(ctx->pk, rows, m, in->xnorm + b, ctx->d2 + b,
                                ctx->lane0, ctx->lane0 ? NULL : ctx->cand + b * ctx->trials,
                                ctx->trials, pot);
    }
    return VC_OK;
}

/* d2 of points [first, first + m) with the last centre folded in. */
static void folded_chunk(const seed_ctx *ctx, size_t first, size_t m,
                         float *out)
{
    memcpy(out, ctx->d2 + first, m * sizeof *out);
    if (ctx->lane0) {
        const float *rows[VCI_KM_ROWS];
        double unused[1] = {0};
        vci_km_rows(ctx->in, first, m, rows);
        vci_kern_potential_rows(ctx->last, rows, m, ctx->in->xnorm + first, out,
                                true, NULL, 0, unused);
    } else if (ctx->pending != SIZE_MAX) {
        const float *c = ctx->cand + first * ctx->trials + ctx->pending;
        for (size_t i = 0; i < m; i++)
            if (c[i * ctx->trials] < out[i])
                out[i] = c[i * ctx->trials];
    }
}

/* The point where the cumulative folded d2 first exceeds r, given the
 * per-chunk totals; rounding at a chunk's end gives its last point with
 * weight. */
static size_t locate(const seed_ctx *ctx, const double *chunk_total,
                     size_t nc, double r, float *tmp)
{
    const size_t n = ctx->in->n;
    double acc = 0;
    for (size_t b = 0; b < nc; b++) {
        if (acc + chunk_total[b] <= r && b + 1 < nc) {
            acc += chunk_total[b];
            continue;
        }
        size_t first = b * VCI_KM_ROWS, m = VCI_MIN(n - first, (size_t)VCI_KM_ROWS);
        folded_chunk(ctx, first, m, tmp);
        size_t pick = first + m - 1;
        for (size_t i = 0; i < m; i++) {
            if (tmp[i] > 0)
                pick = first + i;
            acc += tmp[i];
            if (acc > r && tmp[i] > 0)
                return first + i;
        }
        return pick;
    }
    return n - 1;
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
    /* lane 0 for the last centre, unless that extra lane would cost the
     * kernel its two-rows-per-vector mode */
    size_t half = vci_kernels_pair_width(in->kern);
    bool lane0 = !(half && trials + 1 > half && trials <= half);
    size_t lanes = trials + lane0, ncand = 0;
    if (!lane0 && !vci_mul_ok(n, trials, &ncand))
        return vci_error(VC_ERR_NOMEM, "k-means++: %zu x %zu distances too large", n, trials);
    float *d2 = vci_malloc(n * sizeof *d2);
    float *cand = lane0 ? NULL : vci_malloc(ncand * sizeof *cand);
    float *tmp = vci_malloc(VCI_KM_ROWS * sizeof *tmp);
    double *chunk_pot = vci_calloc(nc * lanes, sizeof *chunk_pot);
    double *total = vci_calloc(nc, sizeof *total);
    float *cbuf = vci_aligned_calloc(lanes * d, sizeof *cbuf); /* [last,] candidates */
    float *cand_rows = cbuf + (lane0 ? d : 0);
    vci_cpack pk, last;
    memset(&pk, 0, sizeof pk);
    memset(&last, 0, sizeof last);
    vc_status s = d2 && (lane0 || cand) && tmp && chunk_pot && total && cbuf
                      ? VC_OK : VC_ERR_NOMEM;
    seed_ctx ctx = {in, &last, &last, true, d2, cand, trials, SIZE_MAX, lanes, chunk_pot};

    /* the first centre, a uniformly random point: d2 = its distances */
    if (s == VC_OK) {
        size_t i0 = (size_t)vci_rng_below(rng, n);
        memcpy(centroids, vci_km_row(in, i0), d * sizeof *centroids);
        memcpy(cbuf, centroids, d * sizeof *cbuf);
        for (size_t i = 0; i < n; i++)
            d2[i] = INFINITY;
        s = vci_cpack_init(&last, in->kern, VCI_PACK_L2, cbuf, 1, d, d);
    }
    if (s == VC_OK)
        s = vci_cpack_init(&pk, in->kern, VCI_PACK_L2_PAIRS, cbuf, lanes, d, d);
    if (s == VC_OK) {
        s = vci_parallel_for(in->pool, nb, seed_task, &ctx, NULL);
        for (size_t b = 0; b < nc; b++)
            total[b] = chunk_pot[b * lanes];
        ctx.pk = &pk;
        ctx.lane0 = lane0;
    }
    for (uint32_t c = 1; c < k && s == VC_OK; c++) {
        /* draw the candidates by weight d2 (the last centre folded in) */
        double pot = 0;
        for (size_t b = 0; b < nc; b++)
            pot += total[b];
        for (size_t l = 0; l < trials; l++) {
            double r = vci_rng_uniform(rng) * pot;
            size_t id = pot > 0 ? locate(&ctx, total, nc, r, tmp)
                                : (size_t)vci_rng_below(rng, n);
            memcpy(cand_rows + l * d, vci_km_row(in, id), d * sizeof *cbuf);
        }
        vci_cpack_update(&pk, cbuf, d);
        s = vci_parallel_for(in->pool, nb, seed_task, &ctx, NULL);
        if (s != VC_OK)
            break;
        /* the candidate with the lowest potential (lowest index on ties) */
        size_t best = 0;
        double best_pot = INFINITY;
        for (size_t l = 0; l < trials; l++) {
            double p = 0;
            for (size_t b = 0; b < nc; b++)
                p += chunk_pot[b * lanes + lane0 + l];
            if (p < best_pot) {
                best_pot = p;
                best = l;
            }
        }
        for (size_t b = 0; b < nc; b++)
            total[b] = chunk_pot[b * lanes + lane0 + best];
        memcpy(centroids + (size_t)c * d, cand_rows + best * d, d * sizeof *centroids);
        if (lane0) { /* the chosen one becomes lane 0 of the next pack */
            memcpy(cbuf, cand_rows + best * d, d * sizeof *cbuf);
            vci_cpack_update(&last, cbuf, d);
        } else {
            ctx.pending = best;
        }
        s = vci_km_progress(in, p0, p1, (double)(c + 1) / k);
    }
    vci_cpack_free(&pk);
    vci_cpack_free(&last);
    vci_free(d2);
    vci_free(cand);
    vci_free(tmp);
    vci_free(chunk_pot);
    vci_free(total);
    vci_aligned_free(cbuf);
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
