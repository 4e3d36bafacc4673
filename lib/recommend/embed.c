/*
 * embed.c - low-rank taste embeddings for neighbour search: a truncated
 * SVD of the user x item interaction matrix A (values as vci_rec_value)
 * by randomised subspace iteration on the item side,
 *
 *   Z = (A^T A)^q A^T A Omega    (items x l, l = rank + 8, Omega Gaussian),
 *   Q = orth(Z),  C = (A Q)^T (A Q) = W diag(lambda) W^T  (Jacobi),
 *   V = Q W[:, 0..rank)          item factors, strongest first,
 *   e_u = A_u V / |A_u V|        each user's unit-length embedding,
 *   |A_u V| (user_scale) and V (item_emb) kept for targeting, where
 *   |A_u V| e_u . V_i is the rank-limited reconstruction of A[u, i],
 *
 * so that e_u . e_v is the cosine of two users in the space of the rank
 * strongest taste directions: the co-rating similarity of user-kNN without
 * its noise, and a dense vector the SIMD kernels compare fast.
 *
 * Invariant: every sum over users runs in a number of fixed chunks that
 * depends only on the catalogue size (at most MAX_CHUNKS, fewer when their
 * partial sums would pass PART_BUDGET), added in chunk order, so the
 * embeddings never depend on the thread count; a user without events has
 * the zero embedding.
 */
#include <math.h>

#include "recommend.h"

#define MAX_CHUNKS 16
#define PART_BUDGET ((size_t)64 << 20) /* bytes of per-chunk partial sums */
#define OVERSAMPLE 8
#define POWER_ITERATIONS 2

typedef struct embed_ctx {
    const vc_dataset *ds;
    const vci_rec_index *ix;
    size_t l;            /* columns of the subspace */
    const double *basis; /* [nitems * l] current item-side basis */
    double *part;        /* [CHUNKS * (nitems or l) * l] per-chunk sums */
    bool gram;           /* accumulate (A Q)^T (A Q) instead of A^T A Q */
    size_t chunks;
} embed_ctx;

static void chunk_range(size_t n, size_t chunks, size_t chunk, size_t *b, size_t *e)
{
    *b = n * chunk / chunks;
    *e = n * (chunk + 1) / chunks;
}

/* One chunk of users: y = A_u basis, then part += A_u^T y (or y y^T). */
static vc_status product_task(void *ctx, size_t chunk, unsigned worker)
{
    (void)worker;
    const embed_ctx *c = ctx;
    const vc_dataset *ds = c->ds;
    size_t l = c->l, ni = ds->nitems;
    double *part = c->part + chunk * (c->gram ? l : ni) * l;
    double y[VCI_REC_MAX_RANK + OVERSAMPLE];
    size_t ub, ue;
    chunk_range(ds->nusers, c->chunks, chunk, &ub, &ue);
    for (size_t u = ub; u < ue; u++) {
        uint64_t eb = ds->user_start[u], ee = ds->user_start[u + 1];
        if (eb == ee)
            continue;
        memset(y, 0, l * sizeof *y);
        for (uint64_t e = eb; e < ee; e++) {
            double v = vci_rec_value(c->ix, ds->ev_value[e]);
            const double *q = c->basis + (size_t)ds->ev_item[e] * l;
            for (size_t j = 0; j < l; j++)
                y[j] += v * q[j];
        }
        if (c->gram) {
            for (size_t a = 0; a < l; a++)
                for (size_t b = 0; b <= a; b++)
                    part[a * l + b] += y[a] * y[b];
            continue;
        }
        for (uint64_t e = eb; e < ee; e++) {
            double v = vci_rec_value(c->ix, ds->ev_value[e]);
            double *z = part + (size_t)ds->ev_item[e] * l;
            for (size_t j = 0; j < l; j++)
                z[j] += v * y[j];
        }
    }
    return VC_OK;
}

/* out = sum of the chunk parts (rows x l), in chunk order. */
static vc_status multiply(embed_ctx *c, vci_pool *pool, size_t rows, double *out)
{
    size_t cells = rows * c->l;
    memset(c->part, 0, c->chunks * cells * sizeof *c->part);
    VCI_CHECK(vci_parallel_for(pool, c->chunks, product_task, c, NULL));
    memset(out, 0, cells * sizeof *out);
    for (size_t k = 0; k < c->chunks; k++)
        for (size_t i = 0; i < cells; i++)
            out[i] += c->part[k * cells + i];
    return VC_OK;
}

/* Modified Gram-Schmidt on the l columns of an n x l row-major matrix;
 * a column that vanishes becomes zero. */
static void orthonormalise(double *z, size_t n, size_t l)
{
    for (size_t j = 0; j < l; j++) {
        for (size_t p = 0; p < j; p++) {
            double dot = 0;
            for (size_t i = 0; i < n; i++)
                dot += z[i * l + j] * z[i * l + p];
            for (size_t i = 0; i < n; i++)
                z[i * l + j] -= dot * z[i * l + p];
        }
        double norm = 0;
        for (size_t i = 0; i < n; i++)
            norm += z[i * l + j] * z[i * l + j];
        norm = sqrt(norm);
        double inv = norm > 1e-12 ? 1 / norm : 0;
        for (size_t i = 0; i < n; i++)
            z[i * l + j] *= inv;
    }
}

/* Eigen-decomposition of the symmetric l x l matrix a (lower triangle
 * filled on entry) with the portraits' Jacobi routine: eigenvalues into
 * lambda, eigenvectors into the columns of w, sorted by decreasing
 * eigenvalue. */
static void jacobi_eigen(double *a, size_t l, double *lambda, double *w)
{
    double diag = 0;
    for (size_t i = 0; i < l; i++) {
        diag += a[i * l + i] * a[i * l + i];
        for (size_t j = 0; j < i; j++)
            a[j * l + i] = a[i * l + j];
    }
    vci_jacobi_eigen(a, l, lambda, w, 1e-24 * diag);
    for (size_t i = 0; i < l; i++) { /* selection sort of the columns */
        size_t best = i;
        for (size_t j = i + 1; j < l; j++)
            if (lambda[j] > lambda[best])
                best = j;
        if (best == i)
            continue;
        double t = lambda[i];
        lambda[i] = lambda[best];
        lambda[best] = t;
        for (size_t k = 0; k < l; k++) {
            t = w[k * l + i];
            w[k * l + i] = w[k * l + best];
            w[k * l + best] = t;
        }
    }
}

typedef struct user_ctx {
    const vc_dataset *ds;
    vci_rec_index *ix;
    const double *v; /* [nitems * rank] */
    size_t chunks;
    const uint32_t *users; /* [nusers] the users to embed, NULL = all */
    size_t nusers;
    float *out_emb;        /* with users: row k of users[k] here, else in ix */
    float *out_scale;
} user_ctx;

static vc_status user_task(void *ctx, size_t chunk, unsigned worker)
{
    (void)worker;
    const user_ctx *c = ctx;
    const vc_dataset *ds = c->ds;
    vci_rec_index *ix = c->ix;
    size_t r = ix->rank;
    double y[VCI_REC_MAX_RANK];
    size_t ub, ue;
    chunk_range(c->users ? c->nusers : ds->nusers, c->chunks, chunk, &ub, &ue);
    for (size_t k = ub; k < ue; k++) {
        size_t u = c->users ? c->users[k] : k;
        memset(y, 0, r * sizeof *y);
        for (uint64_t e = ds->user_start[u]; e < ds->user_start[u + 1]; e++) {
            double val = vci_rec_value(ix, ds->ev_value[e]);
            const double *q = c->v + (size_t)ds->ev_item[e] * r;
            for (size_t j = 0; j < r; j++)
                y[j] += val * q[j];
        }
        double norm = 0;
        for (size_t j = 0; j < r; j++)
            norm += y[j] * y[j];
        double inv = norm > 0 ? 1 / sqrt(norm) : 0;
        float *out = c->out_emb ? c->out_emb + k * ix->emb_stride
                                : ix->user_emb + u * ix->emb_stride;
        *(c->out_scale ? c->out_scale + k : ix->user_scale + u) = (float)sqrt(norm);
        for (size_t j = 0; j < r; j++)
            out[j] = (float)(y[j] * inv);
    }
    return VC_OK;
}

vc_status vci_rec_embed(vci_rec_index *ix, const vc_dataset *ds,
                        const vc_options *opts, vci_pool *pool)
{
    size_t ni = ds->nitems;
    size_t rank = (size_t)vci_opt_int(opts, VCI_OPT_RECOMMEND_RANK);
    rank = VCI_MIN(VCI_MIN(rank, (size_t)VCI_REC_MAX_RANK), VCI_MAX(ni, 1u));
    size_t l = VCI_MIN(rank + OVERSAMPLE, VCI_MAX(ni, 1u));
    ix->rank = (uint32_t)rank;
    ix->emb_stride = (uint32_t)((rank + 15) / 16 * 16);
    ix->user_emb = vci_aligned_calloc(VCI_MAX(ds->nusers, 1u) * (size_t)ix->emb_stride,
                                      sizeof *ix->user_emb);
    double *basis = vci_calloc(VCI_MAX(ni, 1u) * l, sizeof *basis);
    double *z = vci_calloc(VCI_MAX(ni, 1u) * l, sizeof *z);
    size_t part_cells = VCI_MAX(ni, l) * l;
    size_t chunks = VCI_MAX((size_t)1, VCI_MIN((size_t)MAX_CHUNKS,
                                               PART_BUDGET / (part_cells * sizeof(double))));
    double *part = vci_calloc(chunks * part_cells, sizeof *part);
    double *gram = vci_calloc(l * l, sizeof *gram);
    double *w = vci_calloc(l * l, sizeof *w);
    double *lambda = vci_calloc(l, sizeof *lambda);
    double *v = vci_calloc(VCI_MAX(ni, 1u) * rank, sizeof *v);
    ix->user_scale = vci_calloc(VCI_MAX(ds->nusers, 1u), sizeof *ix->user_scale);
    ix->item_emb = vci_aligned_calloc(VCI_MAX(ni, 1u) * (size_t)ix->emb_stride,
                                      sizeof *ix->item_emb);
    vc_status s = ix->user_emb && ix->user_scale && ix->item_emb && basis && z && part && gram && w && lambda && v
                      ? VC_OK : VC_ERR_NOMEM;
    if (s == VC_OK && ni > 0 && ds->nevents > 0) {
        vci_rng rng;
        vci_rng_seed(&rng, (uint64_t)vci_opt_int(opts, VCI_OPT_SEED), 0x656d626564ULL);
        for (size_t i = 0; i < ni * l; i++)
            basis[i] = vci_rng_normal(&rng);
        embed_ctx c = {ds, ix, l, basis, part, false, chunks};
        for (int it = 0; it <= POWER_ITERATIONS && s == VC_OK; it++) {
            s = multiply(&c, pool, ni, z);
            if (s == VC_OK) {
                orthonormalise(z, ni, l);
                memcpy(basis, z, ni * l * sizeof *basis);
            }
        }
        c.gram = true;
        if (s == VC_OK)
            s = multiply(&c, pool, l, gram);
        if (s == VC_OK) {
            jacobi_eigen(gram, l, lambda, w);
            for (size_t i = 0; i < ni; i++)
                for (size_t j = 0; j < rank; j++) {
                    double acc = 0;
                    for (size_t p = 0; p < l; p++)
                        acc += basis[i * l + p] * w[p * l + j];
                    v[i * rank + j] = acc;
                    ix->item_emb[i * ix->emb_stride + j] = (float)acc;
                }
            user_ctx uc = {ds, ix, v, MAX_CHUNKS, NULL, 0, NULL, NULL};
            s = vci_parallel_for(pool, MAX_CHUNKS, user_task, &uc, NULL);
        }
    }
    vci_free(basis);
    vci_free(z);
    vci_free(part);
    vci_free(gram);
    vci_free(w);
    vci_free(lambda);
    vci_free(v);
    return s;
}

/* ix's item factors (rank, stride, item_emb) from old's, and V = them as
 * doubles [nitems * rank] (zero for items added since). */
static vc_status fold_factors(vci_rec_index *ix, const vc_dataset *ds,
                              const vci_rec_index *old, double **v_out)
{
    size_t ni = ds->nitems, rank = old->rank;
    ix->rank = old->rank;
    ix->emb_stride = old->emb_stride;
    ix->item_emb = vci_aligned_calloc(VCI_MAX(ni, 1u) * (size_t)ix->emb_stride,
                                      sizeof *ix->item_emb);
    double *v = vci_calloc(VCI_MAX(ni, 1u) * VCI_MAX(rank, 1u), sizeof *v);
    if (!ix->item_emb || !v) {
        vci_free(v);
        return VC_ERR_NOMEM;
    }
    size_t keep = VCI_MIN((size_t)old->nitems, ni);
    memcpy(ix->item_emb, old->item_emb, keep * ix->emb_stride * sizeof *ix->item_emb);
    for (size_t i = 0; i < keep; i++)
        for (size_t j = 0; j < rank; j++)
            v[i * rank + j] = ix->item_emb[i * ix->emb_stride + j];
    *v_out = v;
    return VC_OK;
}

vc_status vci_rec_embed_fold(vci_rec_index *ix, const vc_dataset *ds,
                             const vci_rec_index *old, vci_pool *pool)
{
    double *v = NULL;
    VCI_CHECK(fold_factors(ix, ds, old, &v));
    ix->user_emb = vci_aligned_calloc(VCI_MAX(ds->nusers, 1u) * (size_t)ix->emb_stride,
                                      sizeof *ix->user_emb);
    ix->user_scale = vci_calloc(VCI_MAX(ds->nusers, 1u), sizeof *ix->user_scale);
    vc_status s = ix->user_emb && ix->user_scale ? VC_OK : VC_ERR_NOMEM;
    user_ctx uc = {ds, ix, v, MAX_CHUNKS, NULL, 0, NULL, NULL};
    if (s == VC_OK)
        s = vci_parallel_for(pool, MAX_CHUNKS, user_task, &uc, NULL);
    vci_free(v);
    return s;
}

vc_status vci_rec_embed_fold_rows(vci_rec_index *ix, const vc_dataset *ds,
                                  const vci_rec_index *old, const uint32_t *users,
                                  size_t nusers, float *emb, float *scale, vci_pool *pool)
{
    double *v = NULL;
    VCI_CHECK(fold_factors(ix, ds, old, &v));
    user_ctx uc = {ds, ix, v, VCI_MIN(nusers, (size_t)MAX_CHUNKS), users, nusers, emb, scale};
    vc_status s = uc.chunks ? vci_parallel_for(pool, uc.chunks, user_task, &uc, NULL) : VC_OK;
    vci_free(v);
    return s;
}
