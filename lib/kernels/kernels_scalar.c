/*
 * kernels_scalar.c - the scalar reference kernels: plain loops in double
 * over the original centroid rows, written for obviousness rather than
 * speed. Tests compare every SIMD kernel against these; CPUs without a
 * SIMD kernel use them.
 *
 * Invariants: squared distances are sum (x - c)^2 in double (exact up to
 * one rounding per term), so they are never negative, then rounded to
 * float; nearest and top-2 rank those float values (the values the block
 * kernel outputs), ties going to the lowest centroid index; the packed
 * panels are never read (width 0).
 */
#include <math.h>

#include "kernels_isa.h"

static double sq_l2(const float *x, const float *c, size_t d)
{
    double s = 0;
    for (size_t p = 0; p < d; p++) {
        double t = (double)x[p] - (double)c[p];
        s += t * t;
    }
    return s;
}

static double dot(const float *x, const float *c, size_t d)
{
    double s = 0;
    for (size_t p = 0; p < d; p++)
        s += (double)x[p] * (double)c[p];
    return s;
}

static const float *centroid(const vci_cpack *pk, size_t j)
{
    return pk->c + j * pk->cstride;
}

static void nearest(const vci_cpack *pk, const float *const *rows, size_t m,
                    const float *xnorm, uint32_t *label, float *dist)
{
    (void)xnorm;
    for (size_t i = 0; i < m; i++) {
        float best = INFINITY;
        uint32_t bj = 0;
        for (size_t j = 0; j < pk->k; j++) {
            float v = (float)sq_l2(rows[i], centroid(pk, j), pk->d);
            if (v < best) {
                best = v;
                bj = (uint32_t)j;
            }
        }
        if (label)
            label[i] = bj;
        if (dist)
            dist[i] = best;
    }
}

static void top2(const vci_cpack *pk, const float *const *rows, size_t m,
                 const float *xnorm, uint32_t *label, float *d1, float *d2)
{
    (void)xnorm;
    for (size_t i = 0; i < m; i++) {
        float b1 = INFINITY, b2 = INFINITY;
        uint32_t bj = 0;
        for (size_t j = 0; j < pk->k; j++) {
            float v = (float)sq_l2(rows[i], centroid(pk, j), pk->d);
            if (v < b1) {
                b2 = b1;
                b1 = v;
                bj = (uint32_t)j;
            } else if (v < b2) {
                b2 = v;
            }
        }
        if (label)
            label[i] = bj;
        if (d1)
            d1[i] = b1;
        if (d2)
            d2[i] = b2;
    }
}

static void block(const vci_cpack *pk, const float *const *rows, size_t m,
                  const float *xnorm, float *out, size_t ldo)
{
    (void)xnorm;
    for (size_t i = 0; i < m; i++) {
        double xx = pk->mode == VCI_PACK_COS ? dot(rows[i], rows[i], pk->d) : 0;
        for (size_t j = 0; j < pk->k; j++) {
            const float *c = centroid(pk, j);
            double v;
            if (pk->mode == VCI_PACK_L2) {
                v = sq_l2(rows[i], c, pk->d);
            } else if (pk->mode == VCI_PACK_DOT) {
                v = dot(rows[i], c, pk->d);
            } else {
                double cc = dot(c, c, pk->d);
                v = xx > 0 && cc > 0 ? dot(rows[i], c, pk->d) / sqrt(xx * cc) : 0;
            }
            out[i * ldo + j] = (float)v;
        }
    }
}

static void potential(const vci_cpack *pk, const float *const *rows,
                      size_t m, const float *xnorm, float *d2, bool fold0,
                      float *cand, size_t ldc, double *pot)
{
    (void)xnorm;
    for (size_t i = 0; i < m; i++) {
        for (size_t l = 0; l < pk->k; l++) {
            float v = (float)sq_l2(rows[i], centroid(pk, l), pk->d);
            if (l == 0 && fold0 && v < d2[i])
                d2[i] = v;
            pot[l] += v < d2[i] ? v : d2[i];
            if (cand)
                cand[i * ldc + l] = v;
        }
    }
}

static void sqnorms(const float *const *rows, size_t m, size_t d, float *out)
{
    for (size_t i = 0; i < m; i++)
        out[i] = (float)dot(rows[i], rows[i], d);
}

static void accumulate(double *sums, size_t d, const float *const *rows,
                       const uint32_t *labels, size_t m)
{
    for (size_t i = 0; i < m; i++) {
        double *s = sums + (size_t)labels[i] * d;
        for (size_t p = 0; p < d; p++)
            s[p] += (double)rows[i][p];
    }
}

const vci_kernels vci_kernels_scalar = {
    "scalar", 0, false, nearest, top2, block, potential, sqnorms, sq_l2,
    accumulate,
};
