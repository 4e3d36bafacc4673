/*
 * project.c - principal component analysis: vc_pca over a caller's matrix
 * and vc_portrait_project over the portraits' standardised features (the
 * community map of `vcomm report`).
 *
 * Method: the covariance matrix C (d x d, double, divisor n - 1) from the
 * centred rows; then subspace iteration on C with p = min(d, dims + 4)
 * vectors: Z = C Q, Rayleigh-Ritz on the p x p matrix Q'Z (eigen.c),
 * Q = Gram-Schmidt(Z W), until every wanted Ritz pair has a residual
 * |C v - t v| <= 1e-10 * t_max (or MAX_ITER iterations). The start vectors
 * come from a fixed RNG stream, so results are deterministic and do not
 * depend on the seed or thread options. Each component's largest
 * coordinate (the first one, within 1e-9, on ties) is made positive.
 * Cost: O(n d^2) for C, O(d^2 p) per iteration, d^2 + 4 d p doubles.
 */
#include <math.h>

#include "portrait.h"

#define OVERSAMPLE 4
#define MAX_ITER 5000
#define TOL 1e-10
#define START_SEED 0x5ca1ab1eULL
#define ROWS_PER_REPORT 1024

/* Sort eigenpairs by eigenvalue, largest first (stable selection sort on
 * the p columns of w). */
static void sort_pairs(double *ev, double *w, size_t p)
{
    for (size_t i = 0; i < p; i++) {
        size_t best = i;
        for (size_t j = i + 1; j < p; j++)
            if (ev[j] > ev[best])
                best = j;
        if (best == i)
            continue;
        double t = ev[i];
        ev[i] = ev[best];
        ev[best] = t;
        for (size_t k = 0; k < p; k++) {
            t = w[k * p + i];
            w[k * p + i] = w[k * p + best];
            w[k * p + best] = t;
        }
    }
}

/* Orthonormalise the p columns of q (d x p, column j at q + j * d) by
 * modified Gram-Schmidt (twice, for accuracy). A column that vanishes is
 * replaced by the unit vector least represented by the columns before it. */
static void gram_schmidt(double *q, size_t d, size_t p, double *tmp)
{
    for (size_t j = 0; j < p; j++) {
        double *v = q + j * d;
        double before = 0;
        for (size_t k = 0; k < d; k++)
            before += v[k] * v[k];
        for (int pass = 0; pass < 2; pass++)
            for (size_t i = 0; i < j; i++) {
                const double *u = q + i * d;
                double dot = 0;
                for (size_t k = 0; k < d; k++)
                    dot += u[k] * v[k];
                for (size_t k = 0; k < d; k++)
                    v[k] -= dot * u[k];
            }
        double norm = 0;
        for (size_t k = 0; k < d; k++)
            norm += v[k] * v[k];
        if (norm > 1e-24 * before && norm > 1e-300) {
            norm = 1 / sqrt(norm);
            for (size_t k = 0; k < d; k++)
                v[k] *= norm;
            continue;
        }
        /* breakdown: the basis vector e_b farthest from span(q_0..q_j-1) */
        size_t best = 0;
        double best_rest = -1;
        for (size_t b = 0; b < d; b++) {
            double rest = 1;
            for (size_t i = 0; i < j; i++)
                rest -= q[i * d + b] * q[i * d + b];
            if (rest > best_rest + 1e-12) {
                best_rest = rest;
                best = b;
            }
        }
        memset(tmp, 0, d * sizeof *tmp);
        tmp[best] = 1;
        for (size_t i = 0; i < j; i++) {
            const double *u = q + i * d;
            double dot = u[best];
            for (size_t k = 0; k < d; k++)
                tmp[k] -= dot * u[k];
        }
        norm = 0;
        for (size_t k = 0; k < d; k++)
            norm += tmp[k] * tmp[k];
        norm = 1 / sqrt(norm);
        for (size_t k = 0; k < d; k++)
            v[k] = tmp[k] * norm;
    }
}

typedef struct pca_work {
    size_t n, d, stride, dims, p;
    const float *x;
    double *mean;  /* [d] */
    double *tmp;   /* [d] scratch */
    double *cov;   /* [d * d] */
    double *q;     /* [p * d] columns */
    double *z;     /* [p * d] C q */
    double *v;     /* [p * d] Ritz vectors */
    double *cv;    /* [p * d] C v */
    double *h;     /* [p * p] */
    double *w;     /* [p * p] */
    double *theta; /* [p] */
    vci_progress prog;
} pca_work;

static vc_status check_finite(const pca_work *k)
{
    for (size_t r = 0; r < k->n; r++) {
        const float *row = k->x + r * k->stride;
        for (size_t c = 0; c < k->d; c++)
            if (!isfinite(row[c]))
                return vci_error(VC_ERR_RANGE,
                                 "pca: row %zu, column %zu is not finite", r, c);
    }
    return VC_OK;
}

static vc_status covariance(pca_work *k)
{
    size_t n = k->n, d = k->d;
    for (size_t r = 0; r < n; r++)
        for (size_t c = 0; c < d; c++)
            k->mean[c] += k->x[r * k->stride + c];
    for (size_t c = 0; c < d; c++)
        k->mean[c] /= (double)n;
    double *row = k->tmp;
    for (size_t r = 0; r < n; r++) {
        for (size_t c = 0; c < d; c++)
            row[c] = k->x[r * k->stride + c] - k->mean[c];
        for (size_t i = 0; i < d; i++) {
            double a = row[i];
            if (a == 0)
                continue;
            double *ci = k->cov + i * d;
            for (size_t j = i; j < d; j++)
                ci[j] += a * row[j];
        }
        if ((r + 1) % ROWS_PER_REPORT == 0)
            VCI_CHECK(vci_progress_report(&k->prog, 0.6 * (double)(r + 1) / (double)n));
    }
    double div = n > 1 ? (double)(n - 1) : 1.0;
    for (size_t i = 0; i < d; i++)
        for (size_t j = i; j < d; j++) {
            k->cov[i * d + j] /= div;
            k->cov[j * d + i] = k->cov[i * d + j];
        }
    return VC_OK;
}

/* out (p columns) = C in (p columns) */
static void cov_times(const pca_work *k, const double *in, double *out)
{
    size_t d = k->d;
    for (size_t j = 0; j < k->p; j++)
        for (size_t i = 0; i < d; i++) {
            const double *ci = k->cov + i * d, *vj = in + j * d;
            double s = 0;
            for (size_t t = 0; t < d; t++)
                s += ci[t] * vj[t];
            out[j * d + i] = s;
        }
}

/* dst (p columns) = src (p columns) W */
static void times_w(const pca_work *k, const double *src, double *dst)
{
    size_t d = k->d, p = k->p;
    for (size_t j = 0; j < p; j++)
        for (size_t i = 0; i < d; i++) {
            double s = 0;
            for (size_t t = 0; t < p; t++)
                s += src[t * d + i] * k->w[t * p + j];
            dst[j * d + i] = s;
        }
}

/* Largest residual |C v_j - theta_j v_j| over the wanted Ritz pairs. */
static double residual(const pca_work *k)
{
    double worst = 0;
    for (size_t j = 0; j < k->dims; j++) {
        double r = 0;
        for (size_t i = 0; i < k->d; i++) {
            double e = k->cv[j * k->d + i] - k->theta[j] * k->v[j * k->d + i];
            r += e * e;
        }
        worst = VCI_MAX(worst, sqrt(r));
    }
    return worst;
}

/* The leading eigenpairs of C into v (columns) and theta. */
static vc_status subspace_iteration(pca_work *k)
{
    size_t d = k->d, p = k->p;
    vci_rng rng;
    vci_rng_seed(&rng, START_SEED, 0);
    for (size_t i = 0; i < p * d; i++)
        k->q[i] = vci_rng_normal(&rng);
    gram_schmidt(k->q, d, p, k->tmp);
    for (int it = 0;; it++) {
        cov_times(k, k->q, k->z);
        for (size_t i = 0; i < p; i++)
            for (size_t j = i; j < p; j++) {
                double s = 0;
                for (size_t t = 0; t < d; t++)
                    s += k->q[i * d + t] * k->z[j * d + t] +
                         k->q[j * d + t] * k->z[i * d + t];
                k->h[i * p + j] = k->h[j * p + i] = s / 2;
            }
        double norm = 0; /* rotations keep the Frobenius norm */
        for (size_t i = 0; i < p * p; i++)
            norm += k->h[i] * k->h[i];
        vci_jacobi_eigen(k->h, p, k->theta, k->w, 1e-30 * norm);
        sort_pairs(k->theta, k->w, p);
        times_w(k, k->q, k->v);
        times_w(k, k->z, k->cv);
        double scale = VCI_MAX(fabs(k->theta[0]), 1e-300);
        if (k->theta[0] <= 0 || residual(k) <= TOL * scale || it + 1 >= MAX_ITER)
            return VC_OK;
        memcpy(k->q, k->cv, p * d * sizeof *k->q);
        gram_schmidt(k->q, d, p, k->tmp);
        if (it % 16 == 15)
            VCI_CHECK(vci_progress_report(&k->prog, 0.6 + 0.3 * (1 - exp(-it / 200.0))));
    }
}

/* Make each wanted component's largest coordinate positive. */
static void fix_signs(pca_work *k)
{
    for (size_t j = 0; j < k->dims; j++) {
        double *v = k->v + j * k->d, top = 0;
        for (size_t i = 0; i < k->d; i++)
            top = VCI_MAX(top, fabs(v[i]));
        for (size_t i = 0; i < k->d; i++)
            if (fabs(v[i]) >= top * (1 - 1e-9)) {
                if (v[i] < 0)
                    for (size_t t = 0; t < k->d; t++)
                        v[t] = -v[t];
                break;
            }
    }
}

static vc_status project(pca_work *k, float *projected)
{
    size_t d = k->d, dims = k->dims;
    for (size_t r = 0; r < k->n; r++) {
        const float *row = k->x + r * k->stride;
        for (size_t c = 0; c < d; c++)
            k->tmp[c] = row[c] - k->mean[c];
        for (size_t j = 0; j < dims; j++) {
            const double *v = k->v + j * d;
            double s = 0;
            for (size_t c = 0; c < d; c++)
                s += k->tmp[c] * v[c];
            projected[r * dims + j] = (float)s;
        }
        if ((r + 1) % (ROWS_PER_REPORT * 8) == 0)
            VCI_CHECK(vci_progress_report(&k->prog, 0.9 + 0.1 * (double)(r + 1) / (double)k->n));
    }
    return VC_OK;
}

static void work_free(pca_work *k)
{
    vci_free(k->mean);
    vci_free(k->tmp);
    vci_free(k->cov);
    vci_free(k->q);
    vci_free(k->z);
    vci_free(k->v);
    vci_free(k->cv);
    vci_free(k->h);
    vci_free(k->w);
    vci_free(k->theta);
}

/* Everything that can fail: allocation, covariance, eigenpairs, the
 * projection into proj (n * dims scratch, or NULL), the last progress. */
static vc_status pca_run(pca_work *k, float *proj)
{
    size_t d = k->d, p = k->p, dd;
    if (!vci_mul_ok(d, d, &dd) || !vci_mul_ok(dd, sizeof(double), &dd))
        return vci_error(VC_ERR_NOMEM, "pca: %zu dimensions are too many", d);
    k->mean = vci_calloc(d, sizeof *k->mean);
    k->tmp = vci_calloc(d, sizeof *k->tmp);
    k->cov = vci_calloc(d * d, sizeof *k->cov);
    k->q = vci_calloc(p * d, sizeof *k->q);
    k->z = vci_calloc(p * d, sizeof *k->z);
    k->v = vci_calloc(p * d, sizeof *k->v);
    k->cv = vci_calloc(p * d, sizeof *k->cv);
    k->h = vci_calloc(p * p, sizeof *k->h);
    k->w = vci_calloc(p * p, sizeof *k->w);
    k->theta = vci_calloc(p, sizeof *k->theta);
    if (!k->mean || !k->tmp || !k->cov || !k->q || !k->z || !k->v || !k->cv ||
        !k->h || !k->w || !k->theta)
        return VC_ERR_NOMEM;
    VCI_CHECK(vci_progress_report(&k->prog, 0.0));
    VCI_CHECK(covariance(k));
    VCI_CHECK(subspace_iteration(k));
    fix_signs(k);
    if (proj)
        VCI_CHECK(project(k, proj));
    return vci_progress_report(&k->prog, 1.0);
}

static void write_outputs(const pca_work *k, float *components,
                          double *variance, double *explained)
{
    size_t d = k->d;
    double trace = 0;
    for (size_t i = 0; i < d; i++)
        trace += k->cov[i * d + i];
    for (size_t j = 0; j < k->dims; j++) {
        double var = VCI_MAX(k->theta[j], 0.0);
        if (components)
            for (size_t i = 0; i < d; i++)
                components[j * d + i] = (float)k->v[j * d + i];
        if (variance)
            variance[j] = var;
        if (explained)
            explained[j] = trace > 0 ? VCI_MIN(var / trace, 1.0) : 0.0;
    }
}

VC_API vc_status vc_pca(const float *x, size_t n, size_t d, size_t stride,
                        size_t dims, const vc_options *opts, float *projected,
                        float *components, double *variance, double *explained)
{
    vci_clear_error();
    VCI_REQUIRE(x, "vc_pca: the matrix is NULL");
    VCI_REQUIRE(n >= 1, "vc_pca: n must be at least 1");
    VCI_REQUIRE(d >= 1, "vc_pca: d must be at least 1");
    VCI_REQUIRE(stride >= d, "vc_pca: stride (%zu) must be at least d (%zu)",
                stride, d);
    VCI_REQUIRE(dims >= 1 && dims <= d,
                "vc_pca: dims (%zu) must be from 1 to d (%zu)", dims, d);
    size_t nd, ns;
    VCI_REQUIRE(vci_mul_ok(n, stride, &ns) && vci_mul_ok(n, dims, &nd),
                "vc_pca: matrix of %zu x %zu too large", n, d);
    pca_work k = {0};
    k.n = n;
    k.d = d;
    k.stride = stride;
    k.dims = dims;
    k.p = VCI_MIN(d, dims + OVERSAMPLE);
    k.x = x;
    k.prog = vci_progress_of(opts, "project");
    /* the projection goes to scratch first: outputs untouched on error */
    float *proj = NULL;
    vc_status s = check_finite(&k);
    if (s == VC_OK && projected && !(proj = vci_malloc(nd * sizeof *proj)))
        s = VC_ERR_NOMEM;
    if (s == VC_OK)
        s = pca_run(&k, proj);
    if (s == VC_OK) {
        if (proj)
            memcpy(projected, proj, nd * sizeof *proj);
        write_outputs(&k, components, variance, explained);
    }
    vci_free(proj);
    work_free(&k);
    return s;
}

VC_API vc_status vc_portrait_project(const vc_portraits *pt, size_t dims,
                                     const vc_options *opts, float *out,
                                     double *explained)
{
    vci_clear_error();
    VCI_REQUIRE(pt, "vc_portrait_project: portraits are NULL");
    VCI_REQUIRE(out, "vc_portrait_project: out is NULL");
    VCI_REQUIRE(pt->nusers >= 1, "vc_portrait_project: no users");
    return vc_pca(pt->feat, pt->nusers, pt->ncols, pt->stride, dims, opts, out,
                  NULL, NULL, explained);
}
