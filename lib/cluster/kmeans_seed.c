/*
 * kmeans_seed.c - initial centroids: greedy k-means++ (as scikit-learn:
 * each step draws `trials` candidates with probability proportional to
 * the squared distance to the nearest chosen centre and keeps the one that
 * lowers the potential most), computed with the distance kernels; and k
 * distinct random points.
 *
 * Invariants: every random draw happens on the calling thread from the
 * run's stream; the squared distances and potentials are computed per
 * fixed block (VCI_KM_BLOCK points) and summed in block order in double,
 * so the choice of centres never depends on the thread count. The update
 * of the distances by the chosen candidate is folded into the next step's
 * pass (and into the sampling scan), saving one pass per centre.
 */
#include <math.h>

#include "kmeans_impl.h"

typedef struct seed_ctx {
    const vci_km_input *in;
    const vci_cpack *pk; /* the step's candidates (or the first centre) */
    size_t trials;      /* candidates this step */
    size_t stride;      /* candidates per point in cand (the maximum) */
    float *d2;          /* squared distance to the nearest chosen centre */
    float *cand;        /* n x stride: squared distance to each candidate */
    double *block_d2;   /* per block: sum of d2 */
    double *block_pot;  /* per block x stride: sum of min(d2, cand) */
    size_t pending;     /* candidate whose cand column still has to be
                           folded into d2, or SIZE_MAX */
    bool first;         /* the pass that sets d2 from the first centre */
} seed_ctx;

/* d2 of point i once the pending candidate is folded in. */
static inline float current_d2(const seed_ctx *ctx, size_t i)
{
    float v = ctx->d2[i];
    if (ctx->pending != SIZE_MAX) {
        float c = ctx->cand[i * ctx->stride + ctx->pending];
        v = c < v ? c : v;
    }
    return v;
}

static vc_status seed_task(void *vctx, size_t task, unsigned worker)
{
    (void)worker;
    seed_ctx *ctx = vctx;
    const vci_km_input *in = ctx->in;
    size_t first = task * VCI_KM_BLOCK;
    size_t end = VCI_MIN(in->n, first + VCI_KM_BLOCK);
    const float *rows[VCI_KM_ROWS];
    double *pot = ctx->block_pot + task * ctx->stride;
    for (size_t l = 0; l < ctx->trials; l++)
        pot[l] = 0;
    double sum = 0;
    for (size_t b = first; b < end; b += VCI_KM_ROWS) {
        size_t m = VCI_MIN((size_t)VCI_KM_ROWS, end - b);
        float *cand = ctx->cand + b * ctx->stride;
        if (ctx->pending != SIZE_MAX)
            for (size_t i = 0; i < m; i++)
                ctx->d2[b + i] = current_d2(ctx, b + i);
        vci_km_rows(in, b, m, rows);
        vci_kern_block_rows(ctx->pk, rows, m, in->xnorm + b, cand,
                            ctx->stride);
        if (ctx->first) {
            for (size_t i = 0; i < m; i++) {
                ctx->d2[b + i] = cand[i * ctx->stride];
                sum += ctx->d2[b + i];
            }
            continue;
        }
        for (size_t i = 0; i < m; i++) {
            float d = ctx->d2[b + i];
            const float *ci = cand + i * ctx->stride;
            for (size_t l = 0; l < ctx->trials; l++)
                pot[l] += ci[l] < d ? ci[l] : d;
        }
    }
    if (ctx->first)
        ctx->block_d2[task] = sum;
    return VC_OK;
}

/* The point where the cumulative d2 first exceeds r (sampling by weight);
 * the sums retrace the block sums exactly. */
static size_t locate(const seed_ctx *ctx, size_t nblocks, double r)
{
    const vci_km_input *in = ctx->in;
    double acc = 0;
    size_t last = in->n - 1;
    for (size_t b = 0; b < nblocks; b++) {
        if (acc + ctx->block_d2[b] <= r) {
            acc += ctx->block_d2[b];
            continue;
        }
        size_t first = b * VCI_KM_BLOCK, end = VCI_MIN(in->n, first + VCI_KM_BLOCK);
        for (size_t i = first; i < end; i++) {
            float v = current_d2(ctx, i);
            acc += v;
            if (acc > r)
                return i;
            if (v > 0)
                last = i;
        }
        return last; /* rounding at the block's end */
    }
    return last;
}

static vc_status seed_pass(seed_ctx *ctx, size_t nblocks)
{
    return vci_parallel_for(ctx->in->pool, nblocks, seed_task, ctx, NULL);
}

vc_status vci_km_seed_plusplus(const vci_km_input *in, uint32_t k,
                               size_t trials, vci_rng *rng, float *centroids,
                               double p0, double p1)
{
    const size_t n = in->n, d = in->d, nb = vci_km_nblocks(n, VCI_KM_BLOCK);
    if (trials == 0)
        trials = 2 + (size_t)log((double)k);
    seed_ctx ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.in = in;
    ctx.stride = trials;
    ctx.pending = SIZE_MAX;
    size_t ncand;
    if (!vci_mul_ok(n, trials, &ncand))
        return vci_error(VC_ERR_NOMEM, "k-means++: %zu x %zu distances too large", n, trials);
    ctx.d2 = vci_malloc(n * sizeof *ctx.d2);
    ctx.cand = vci_malloc(ncand * sizeof *ctx.cand);
    ctx.block_d2 = vci_calloc(nb, sizeof *ctx.block_d2);
    ctx.block_pot = vci_calloc(nb * trials, sizeof *ctx.block_pot);
    float *cbuf = vci_aligned_calloc(trials * d + 1, sizeof *cbuf);
    size_t *ids = vci_calloc(trials, sizeof *ids);
    vci_cpack pk, pk0;
    memset(&pk, 0, sizeof pk);
    memset(&pk0, 0, sizeof pk0);
    vc_status s = ctx.d2 && ctx.cand && ctx.block_d2 && ctx.block_pot && cbuf && ids
                      ? VC_OK : VC_ERR_NOMEM;
    if (s == VC_OK)
        s = vci_cpack_init(&pk, in->kern, VCI_PACK_L2, cbuf, trials, d, d);

    /* the first centre: a uniformly random point */
    if (s == VC_OK) {
        size_t i0 = (size_t)vci_rng_below(rng, n);
        memcpy(centroids, vci_km_row(in, i0), d * sizeof *centroids);
        s = vci_cpack_init(&pk0, in->kern, VCI_PACK_L2, centroids, 1, d, d);
    }
    if (s == VC_OK) {
        ctx.pk = &pk0;
        ctx.trials = 1;
        ctx.first = true;
        s = seed_pass(&ctx, nb);
        ctx.first = false;
        ctx.pk = &pk;
    }
    for (uint32_t c = 1; c < k && s == VC_OK; c++) {
        double pot = 0;
        for (size_t b = 0; b < nb; b++)
            pot += ctx.block_d2[b];
        for (size_t l = 0; l < trials; l++) {
            double r = vci_rng_uniform(rng) * pot;
            ids[l] = pot > 0 ? locate(&ctx, nb, r) : (size_t)vci_rng_below(rng, n);
            memcpy(cbuf + l * d, vci_km_row(in, ids[l]), d * sizeof *cbuf);
        }
        ctx.trials = trials;
        vci_cpack_update(&pk, cbuf, d);
        s = seed_pass(&ctx, nb);
        if (s != VC_OK)
            break;
        /* the candidate with the lowest potential (lowest index on ties) */
        size_t best = 0;
        double best_pot = INFINITY;
        for (size_t l = 0; l < trials; l++) {
            double p = 0;
            for (size_t b = 0; b < nb; b++)
                p += ctx.block_pot[b * trials + l];
            if (p < best_pot) {
                best_pot = p;
                best = l;
            }
        }
        for (size_t b = 0; b < nb; b++)
            ctx.block_d2[b] = ctx.block_pot[b * trials + best];
        ctx.pending = best;
        memcpy(centroids + (size_t)c * d, vci_km_row(in, ids[best]),
               d * sizeof *centroids);
        s = vci_km_progress(in, p0, p1, (double)(c + 1) / k);
    }
    vci_cpack_free(&pk);
    vci_cpack_free(&pk0);
    vci_free(ctx.d2);
    vci_free(ctx.cand);
    vci_free(ctx.block_d2);
    vci_free(ctx.block_pot);
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
