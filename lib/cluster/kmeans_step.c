/*
 * kmeans_step.c - the public pieces of a Lloyd step, for engines that
 * spread k-means over processes or machines (MPI, Dask, Spark): assign a
 * block of points and accumulate per-centroid sums, counts and inertia
 * into an accumulator; merge accumulators; finish the new centroids;
 * serialise an accumulator to bytes and back.
 *
 * Invariants: a call splits its points into fixed blocks of VCI_KM_BLOCK
 * points (independent of the thread count), sums each block in double in
 * point order and adds the blocks in block order; the accumulator keeps
 * every sum as an unevaluated pair of doubles (hi + lo, error-free TwoSum),
 * so merging accumulators in any grouping gives the same values to far
 * below double precision. The serialised form is little-endian and
 * self-describing; deserialisation validates it fully.
 */
#include <math.h>

#include "kmeans_impl.h"

struct vc_kmeans_acc {
    size_t k, d;
    uint64_t points;
    double *hi, *lo;         /* k x d sums, as hi + lo */
    double inertia_hi, inertia_lo;
    uint64_t *count;         /* k */
};

/* Error-free addition: (*hi, *lo) += v. */
static inline void two_sum_add(double *hi, double *lo, double v)
{
    double s = *hi + v, bp = s - *hi, err = (*hi - (s - bp)) + (v - bp);
    *hi = s;
    *lo += err;
}

static vc_status acc_alloc(vc_kmeans_acc **out, size_t k, size_t d)
{
    size_t kd;
    if (!vci_mul_ok(k, d, &kd))
        return vci_error(VC_ERR_INVALID, "k-means accumulator of %zu x %zu too large", k, d);
    vc_kmeans_acc *a = vci_calloc(1, sizeof *a);
    if (!a)
        return VC_ERR_NOMEM;
    a->k = k;
    a->d = d;
    a->hi = vci_calloc(kd, sizeof *a->hi);
    a->lo = vci_calloc(kd, sizeof *a->lo);
    a->count = vci_calloc(k, sizeof *a->count);
    if (!a->hi || !a->lo || !a->count) {
        vc_kmeans_acc_free(a);
        return VC_ERR_NOMEM;
    }
    *out = a;
    return VC_OK;
}

VC_API vc_status vc_kmeans_acc_new(vc_kmeans_acc **out, size_t k, size_t d)
{
    vci_clear_error();
    VCI_REQUIRE(out, "vc_kmeans_acc_new: out is NULL");
    *out = NULL;
    VCI_REQUIRE(k >= 1 && k <= UINT32_MAX, "vc_kmeans_acc_new: k must be in [1, 2^32), got %zu", k);
    VCI_REQUIRE(d >= 1, "vc_kmeans_acc_new: d must be at least 1");
    return acc_alloc(out, k, d);
}

VC_API void vc_kmeans_acc_free(vc_kmeans_acc *acc)
{
    if (!acc)
        return;
    vci_free(acc->hi);
    vci_free(acc->lo);
    vci_free(acc->count);
    vci_free(acc);
}

VC_API vc_status vc_kmeans_acc_reset(vc_kmeans_acc *acc)
{
    vci_clear_error();
    VCI_REQUIRE(acc, "vc_kmeans_acc_reset: acc is NULL");
    memset(acc->hi, 0, acc->k * acc->d * sizeof *acc->hi);
    memset(acc->lo, 0, acc->k * acc->d * sizeof *acc->lo);
    memset(acc->count, 0, acc->k * sizeof *acc->count);
    acc->points = 0;
    acc->inertia_hi = acc->inertia_lo = 0;
    return VC_OK;
}

/* ---- assignment ------------------------------------------------------------------ */

typedef struct step_ctx {
    vci_km_input in;
    const vci_cpack *pk;
    size_t k;
    uint32_t *labels;  /* n (caller's or scratch) */
    double *bsum;      /* nblocks x k x d */
    uint64_t *bcnt;    /* nblocks x k */
    double *binertia;  /* nblocks */
} step_ctx;

static vc_status step_task(void *vctx, size_t task, unsigned worker)
{
    (void)worker;
    step_ctx *ctx = vctx;
    const vci_km_input *in = &ctx->in;
    const size_t k = ctx->k, d = in->d;
    size_t first = task * VCI_KM_BLOCK, end = VCI_MIN(in->n, first + VCI_KM_BLOCK);
    double *s = ctx->bsum + task * k * d;
    uint64_t *cnt = ctx->bcnt + task * k;
    memset(s, 0, k * d * sizeof *s);
    memset(cnt, 0, k * sizeof *cnt);
    const float *rows[VCI_KM_ROWS];
    float dist[VCI_KM_ROWS];
    double inertia = 0;
    for (size_t b = first; b < end; b += VCI_KM_ROWS) {
        size_t m = VCI_MIN((size_t)VCI_KM_ROWS, end - b);
        vci_km_rows(in, b, m, rows);
        vci_kern_nearest_rows(ctx->pk, rows, m, in->xnorm + b, ctx->labels + b, dist);
        vci_kern_accumulate(in->kern, s, d, rows, ctx->labels + b, m);
        for (size_t i = 0; i < m; i++) {
            cnt[ctx->labels[b + i]]++;
            inertia += dist[i];
        }
    }
    ctx->binertia[task] = inertia;
    return VC_OK;
}

VC_API vc_status vc_kmeans_assign(vc_kmeans_acc *acc, const float *x,
                                  size_t n, size_t stride,
                                  const float *centroids,
                                  const vc_options *opts, uint32_t *labels)
{
    vci_clear_error();
    VCI_REQUIRE(acc && centroids, "vc_kmeans_assign: NULL argument");
    VCI_REQUIRE(x || n == 0, "vc_kmeans_assign: x is NULL");
    const size_t k = acc->k, d = acc->d;
    VCI_REQUIRE(stride >= d, "vc_kmeans_assign: stride (%zu) must be at least d (%zu)",
                stride, d);
    if (n == 0)
        return VC_OK;
    size_t nb = vci_km_nblocks(n, VCI_KM_BLOCK), nbkd;
    VCI_REQUIRE(vci_mul_ok(nb, k * d, &nbkd), "vc_kmeans_assign: too large");
    const vci_kernels *kern = vci_kernels_select(opts);
    vci_pool *pool = NULL;
    float *xnorm = vci_malloc(n * sizeof *xnorm);
    uint32_t *lab = vci_malloc(n * sizeof *lab);
    double *bsum = vci_malloc(nbkd * sizeof *bsum);
    uint64_t *bcnt = vci_malloc(nb * k * sizeof *bcnt);
    double *bin = vci_malloc(nb * sizeof *bin);
    vci_cpack pk;
    memset(&pk, 0, sizeof pk);
    vc_status s = xnorm && lab && bsum && bcnt && bin ? VC_OK : VC_ERR_NOMEM;
    if (s == VC_OK)
        s = vci_pool_for_options(&pool, opts);
    if (s == VC_OK)
        s = vci_km_prepare(x, n, d, stride, kern, pool, xnorm);
    if (s == VC_OK) {
        /* centroids must be finite too */
        for (size_t j = 0; j < k && s == VC_OK; j++)
            for (size_t p = 0; p < d; p++)
                if (!isfinite(centroids[j * d + p])) {
                    s = vci_error(VC_ERR_RANGE,
                                  "vc_kmeans_assign: centroid %zu, column %zu is not finite",
                                  j, p);
                    break;
                }
    }
    if (s == VC_OK)
        s = vci_cpack_init(&pk, kern, VCI_PACK_L2, centroids, k, d, d);
    if (s == VC_OK) {
        step_ctx ctx = {{x, n, d, stride, xnorm, kern, pool, NULL}, &pk, k, lab,
                        bsum, bcnt, bin};
        s = vci_parallel_for(pool, nb, step_task, &ctx, NULL);
    }
    if (s == VC_OK) { /* blocks in order into the accumulator */
        for (size_t b = 0; b < nb; b++) {
            const double *bs = bsum + b * k * d;
            for (size_t t = 0; t < k * d; t++)
                two_sum_add(&acc->hi[t], &acc->lo[t], bs[t]);
            for (size_t j = 0; j < k; j++)
                acc->count[j] += bcnt[b * k + j];
            two_sum_add(&acc->inertia_hi, &acc->inertia_lo, bin[b]);
        }
        acc->points += n;
        if (labels)
            memcpy(labels, lab, n * sizeof *labels);
    }
    vci_cpack_free(&pk);
    vci_pool_free(pool);
    vci_free(xnorm);
    vci_free(lab);
    vci_free(bsum);
    vci_free(bcnt);
    vci_free(bin);
    return s;
}

/* ---- merge and finish -------------------------------------------------------------- */

VC_API vc_status vc_kmeans_acc_merge(vc_kmeans_acc *dst,
                                     const vc_kmeans_acc *src)
{
    vci_clear_error();
    VCI_REQUIRE(dst && src, "vc_kmeans_acc_merge: NULL argument");
    VCI_REQUIRE(dst->k == src->k && dst->d == src->d,
                "vc_kmeans_acc_merge: shapes differ (%zu x %zu vs %zu x %zu)",
                dst->k, dst->d, src->k, src->d);
    VCI_REQUIRE(dst != src, "vc_kmeans_acc_merge: an accumulator cannot merge itself");
    for (size_t t = 0; t < dst->k * dst->d; t++) {
        two_sum_add(&dst->hi[t], &dst->lo[t], src->hi[t]);
        dst->lo[t] += src->lo[t];
    }
    for (size_t j = 0; j < dst->k; j++)
        dst->count[j] += src->count[j];
    two_sum_add(&dst->inertia_hi, &dst->inertia_lo, src->inertia_hi);
    dst->inertia_lo += src->inertia_lo;
    dst->points += src->points;
    return VC_OK;
}

VC_API vc_status vc_kmeans_acc_finish(const vc_kmeans_acc *acc,
                                      const float *centroids,
                                      float *new_centroids, uint64_t *counts,
                                      double *inertia)
{
    vci_clear_error();
    VCI_REQUIRE(acc && centroids && new_centroids,
                "vc_kmeans_acc_finish: NULL argument");
    const size_t k = acc->k, d = acc->d;
    for (size_t j = 0; j < k; j++) {
        for (size_t p = 0; p < d; p++) {
            size_t t = j * d + p;
            new_centroids[t] = acc->count[j]
                                   ? (float)((acc->hi[t] + acc->lo[t]) / (double)acc->count[j])
                                   : centroids[t];
        }
        if (counts)
            counts[j] = acc->count[j];
    }
    if (inertia)
        *inertia = acc->inertia_hi + acc->inertia_lo;
    return VC_OK;
}

/* ---- serialisation ------------------------------------------------------------------ */

#define ACC_MAGIC "VCKMACC1"
#define ACC_HEADER (8 + 8 * 3 + 16)

static void put_u64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t get_u64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

static void put_f64(unsigned char *p, double v)
{
    uint64_t u;
    memcpy(&u, &v, sizeof u);
    put_u64(p, u);
}

static double get_f64(const unsigned char *p)
{
    uint64_t u = get_u64(p);
    double v;
    memcpy(&v, &u, sizeof v);
    return v;
}

/* Bytes of the serialised form (k < 2^32), false on overflow. */
static bool acc_size(size_t k, size_t d, size_t *size)
{
    size_t kd, body;
    if (!vci_mul_ok(k, d, &kd) || !vci_mul_ok(kd, 16, &body) ||
        body > SIZE_MAX - ACC_HEADER - 8 * k)
        return false;
    *size = ACC_HEADER + 8 * k + body;
    return true;
}

VC_API vc_status vc_kmeans_acc_serialize(const vc_kmeans_acc *acc, void *buf,
                                         size_t cap, size_t *size)
{
    vci_clear_error();
    VCI_REQUIRE(acc && size, "vc_kmeans_acc_serialize: NULL argument");
    size_t need = 0;
    acc_size(acc->k, acc->d, &need); /* fits: the accumulator exists */
    *size = need;
    if (!buf)
        return VC_OK;
    if (cap < need)
        return vci_error(VC_ERR_BUFFER,
                         "vc_kmeans_acc_serialize: needs %zu bytes, buffer has %zu", need, cap);
    unsigned char *p = buf;
    memcpy(p, ACC_MAGIC, 8);
    put_u64(p + 8, acc->k);
    put_u64(p + 16, acc->d);
    put_u64(p + 24, acc->points);
    put_f64(p + 32, acc->inertia_hi);
    put_f64(p + 40, acc->inertia_lo);
    p += ACC_HEADER;
    for (size_t j = 0; j < acc->k; j++, p += 8)
        put_u64(p, acc->count[j]);
    for (size_t t = 0; t < acc->k * acc->d; t++, p += 16) {
        put_f64(p, acc->hi[t]);
        put_f64(p + 8, acc->lo[t]);
    }
    return VC_OK;
}

VC_API vc_status vc_kmeans_acc_deserialize(vc_kmeans_acc **out,
                                           const void *buf, size_t size)
{
    vci_clear_error();
    VCI_REQUIRE(out, "vc_kmeans_acc_deserialize: out is NULL");
    *out = NULL;
    VCI_REQUIRE(buf, "vc_kmeans_acc_deserialize: buf is NULL");
    const unsigned char *p = buf;
    if (size < ACC_HEADER || memcmp(p, ACC_MAGIC, 8) != 0)
        return vci_error(VC_ERR_FORMAT,
                         "vc_kmeans_acc_deserialize: not a k-means accumulator (bad magic or %zu bytes)",
                         size);
    uint64_t k = get_u64(p + 8), d = get_u64(p + 16), points = get_u64(p + 24);
    size_t need;
    if (k < 1 || k > UINT32_MAX || d < 1 || d > SIZE_MAX || !acc_size(k, d, &need) ||
        need != size)
        return vci_error(VC_ERR_FORMAT,
                         "vc_kmeans_acc_deserialize: %zu bytes do not hold a %llu x %llu accumulator",
                         size, (unsigned long long)k, (unsigned long long)d);
    vc_kmeans_acc *a;
    VCI_CHECK(acc_alloc(&a, (size_t)k, (size_t)d));
    a->points = points;
    a->inertia_hi = get_f64(p + 32);
    a->inertia_lo = get_f64(p + 40);
    vc_status s = VC_OK;
    uint64_t total = 0;
    p += ACC_HEADER;
    for (size_t j = 0; j < a->k; j++, p += 8) {
        a->count[j] = get_u64(p);
        total += a->count[j];
    }
    for (size_t t = 0; t < a->k * a->d; t++, p += 16) {
        a->hi[t] = get_f64(p);
        a->lo[t] = get_f64(p + 8);
        if (!isfinite(a->hi[t]) || !isfinite(a->lo[t]))
            s = VC_ERR_FORMAT;
    }
    if (s != VC_OK || total != points || !isfinite(a->inertia_hi) ||
        !isfinite(a->inertia_lo) || a->inertia_hi < 0) {
        vc_kmeans_acc_free(a);
        return vci_error(VC_ERR_FORMAT,
                         "vc_kmeans_acc_deserialize: inconsistent accumulator (counts, sums or inertia)");
    }
    *out = a;
    return VC_OK;
}
