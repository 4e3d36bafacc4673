/*
 * kmeans_prep.c - the passes over the points that k-means needs besides
 * the iterations: validation with squared norms, the block partition,
 * plain nearest-centroid assignment and the exact inertia.
 *
 * Invariants: blocks have a size that depends only on n, k and d; block
 * results are combined in block order in double; the first bad row is
 * reported whatever the thread count (the pool reports the lowest failing
 * task, and a task stops at its first bad row).
 */
#include <math.h>

#include "kmeans_impl.h"

void vci_km_rows(const vci_km_input *in, size_t first, size_t m,
                 const float **rows)
{
    for (size_t i = 0; i < m; i++)
        rows[i] = vci_km_row(in, first + i);
}

size_t vci_km_lloyd_block(size_t n, size_t k, size_t d)
{
    /* at most ~128 blocks (their partial sums are added every pass), at
     * least 4096 points each, and all partial sums (k * (d + 2) doubles
     * per block) under 128 MiB */
    const double budget = 128.0 * 1024 * 1024;
    double per_block = (double)k * ((double)d + 2) * 8;
    size_t block = 4096;
    while (block < ((size_t)1 << 40) &&
           ((n + block - 1) / block > 128 ||
            (double)((n + block - 1) / block) * per_block > budget))
        block *= 2;
    return block;
}

vc_status vci_km_progress(const vci_km_input *in, double p0, double p1,
                          double f)
{
    return vci_progress_report(in->progress, p0 + (p1 - p0) * f);
}

/* ---- validation and norms ------------------------------------------------ */

typedef struct prep_ctx {
    vci_km_input in;
    float *xnorm;
} prep_ctx;

static vc_status bad_row(const vci_km_input *in, size_t i)
{
    const float *x = vci_km_row(in, i);
    for (size_t p = 0; p < in->d; p++)
        if (!isfinite(x[p]))
            return vci_error(VC_ERR_RANGE,
                             "row %zu, column %zu: value is %s (k-means needs finite values)",
                             i, p, isnan(x[p]) ? "NaN" : "infinite");
    return vci_error(VC_ERR_RANGE,
                     "row %zu: values too large, the squared norm overflows float32", i);
}

static vc_status prep_task(void *vctx, size_t task, unsigned worker)
{
    (void)worker;
    prep_ctx *ctx = vctx;
    const vci_km_input *in = &ctx->in;
    size_t first = task * VCI_KM_BLOCK;
    size_t end = VCI_MIN(in->n, first + VCI_KM_BLOCK);
    const float *rows[VCI_KM_ROWS];
    for (size_t b = first; b < end; b += VCI_KM_ROWS) {
        size_t m = VCI_MIN((size_t)VCI_KM_ROWS, end - b);
        vci_km_rows(in, b, m, rows);
        vci_kern_sqnorms(in->kern, rows, m, in->d, ctx->xnorm + b);
        for (size_t i = 0; i < m; i++)
            if (!isfinite(ctx->xnorm[b + i]))
                return bad_row(in, b + i);
    }
    return VC_OK;
}

vc_status vci_km_prepare(const float *x, size_t n, size_t d, size_t stride,
                         const vci_kernels *kern, vci_pool *pool,
                         float *xnorm)
{
    prep_ctx ctx = {{x, n, d, stride, NULL, kern, pool, NULL}, xnorm};
    return vci_parallel_for(pool, vci_km_nblocks(n, VCI_KM_BLOCK), prep_task,
                            &ctx, NULL);
}

/* ---- plain assignment and exact inertia ------------------------------------ */

typedef struct assign_ctx {
    const vci_km_input *in;
    const float *c;
    const vci_cpack *pk; /* NULL: labels are given, only the inertia */
    uint32_t *labels_out; /* written when pk is set */
    const uint32_t *labels;
    double *block_inertia; /* per block, or NULL */
} assign_ctx;

static vc_status assign_task(void *vctx, size_t task, unsigned worker)
{
    (void)worker;
    assign_ctx *ctx = vctx;
    const vci_km_input *in = ctx->in;
    size_t first = task * VCI_KM_BLOCK;
    size_t end = VCI_MIN(in->n, first + VCI_KM_BLOCK);
    const float *rows[VCI_KM_ROWS];
    double sum = 0;
    for (size_t b = first; b < end; b += VCI_KM_ROWS) {
        size_t m = VCI_MIN((size_t)VCI_KM_ROWS, end - b);
        vci_km_rows(in, b, m, rows);
        if (ctx->pk)
            vci_kern_nearest_rows(ctx->pk, rows, m, in->xnorm + b,
                                  ctx->labels_out + b, NULL);
        if (ctx->block_inertia)
            for (size_t i = 0; i < m; i++)
                sum += vci_kern_sqdist_direct(
                    in->kern, rows[i], ctx->c + (size_t)ctx->labels[b + i] * in->d,
                    in->d);
    }
    if (ctx->block_inertia)
        ctx->block_inertia[task] = sum;
    return VC_OK;
}

static vc_status run_assign(const vci_km_input *in, const float *c,
                            const vci_cpack *pk, uint32_t *labels_out,
                            const uint32_t *labels, double *inertia)
{
    size_t nb = vci_km_nblocks(in->n, VCI_KM_BLOCK);
    double *bi = NULL;
    if (inertia && !(bi = vci_calloc(nb, sizeof *bi)))
        return VC_ERR_NOMEM;
    assign_ctx ctx = {in, c, pk, labels_out, labels, bi};
    vc_status s = vci_parallel_for(in->pool, nb, assign_task, &ctx, NULL);
    if (s == VC_OK && inertia) {
        double total = 0;
        for (size_t b = 0; b < nb; b++)
            total += bi[b];
        *inertia = total;
    }
    vci_free(bi);
    return s;
}

vc_status vci_km_inertia(const vci_km_input *in, const float *centroids,
                         const uint32_t *labels, double *out)
{
    return run_assign(in, centroids, NULL, NULL, labels, out);
}

vc_status vci_km_assign_all(const vci_km_input *in, const float *centroids,
                            uint32_t k, uint32_t *labels, double *inertia)
{
    vci_cpack pk;
    VCI_CHECK(vci_cpack_init(&pk, in->kern, VCI_PACK_L2, centroids, k,
                             in->d, in->d));
    vc_status s = run_assign(in, centroids, &pk, labels, labels, inertia);
    vci_cpack_free(&pk);
    return s;
}
