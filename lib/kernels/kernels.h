/*
 * kernels.h - distance kernels between a block of points and a block of
 * centroids (float32): squared L2, inner product, cosine, fused
 * nearest-centroid (argmin) and top-2. A scalar reference is always built;
 * SIMD variants (AVX2+FMA, AVX-512, NEON) are chosen once per process from
 * the CPU, or forced by the "kernel" option / VC_KERNEL environment variable.
 *
 * Contract used by the other lib/ folders (the implementation may add
 * more): rows are addressed as base + row * stride (stride in floats, >= d);
 * rows need not be aligned, but 64-byte aligned rows padded to a multiple
 * of 16 floats are fastest.
 *
 * Arithmetic: the SIMD kernels compute |x - c|^2 as |x|^2 + |c|^2 - 2 x.c
 * (float32, FMA, summed over the dimensions in increasing order), clamped
 * at 0; the scalar reference computes sum (x - c)^2 in double, rounded to
 * float. Within one kernel set each (point, centroid) value is computed
 * by the same sequence of operations whatever the block, tile or entry
 * point, and nearest and top-2 rank exactly the values the block kernel
 * outputs (ties to the lowest centroid index), so they agree bit for bit.
 * vci_kern_sqdist_err() bounds the rounding error of any kernel's squared
 * distance.
 */
#ifndef VCOMM_KERNELS_H
#define VCOMM_KERNELS_H

#include "core.h"

typedef struct vci_kernels vci_kernels;

/** The kernel set for these options (never NULL; falls back to scalar). */
const vci_kernels *vci_kernels_select(const vc_options *opts);
/** Its name: "scalar", "avx2", "avx512", "neon". */
const char *vci_kernels_name(const vci_kernels *kern);

/** out[i * ldo + j] = |x_i - c_j|^2 (never negative) for i < n, j < k. */
void vci_kern_sqdist(const vci_kernels *kern, const float *x, size_t n,
                     size_t xstride, const float *c, size_t k,
                     size_t cstride, size_t d, float *out, size_t ldo);
/** out[i * ldo + j] = x_i . c_j */
void vci_kern_dot(const vci_kernels *kern, const float *x, size_t n,
                  size_t xstride, const float *c, size_t k, size_t cstride,
                  size_t d, float *out, size_t ldo);
/** For each point its nearest centroid (lowest index on ties) and the
 *  squared distance to it (label and dist may be NULL). */
void vci_kern_nearest(const vci_kernels *kern, const float *x, size_t n,
                      size_t xstride, const float *c, size_t k,
                      size_t cstride, size_t d, uint32_t *label, float *dist);

/* ---- additions ----------------------------------------------------------- */

/** The kernel set of that name ("scalar", "avx2", "avx512", "neon") when it
 *  is compiled in and the CPU (and OS) support it, else NULL. */
const vci_kernels *vci_kernels_get(const char *name);
/** The best kernel set this CPU supports (what "auto" means without
 *  VC_KERNEL). */
const vci_kernels *vci_kernels_best(void);

/** out[i * ldo + j] = x_i . c_j / (|x_i| |c_j|), 0 when either is zero. */
void vci_kern_cosine(const vci_kernels *kern, const float *x, size_t n,
                     size_t xstride, const float *c, size_t k,
                     size_t cstride, size_t d, float *out, size_t ldo);
/** Nearest and second-nearest squared distances (d2 = +inf when k == 1);
 *  any output may be NULL. */
void vci_kern_top2(const vci_kernels *kern, const float *x, size_t n,
                   size_t xstride, const float *c, size_t k, size_t cstride,
                   size_t d, uint32_t *label, float *d1, float *d2);

/** What a packed centroid block is prepared for. */
typedef enum vci_pack_mode {
    VCI_PACK_L2 = 0,  /* squared distances, nearest, top-2 */
    VCI_PACK_DOT = 1, /* inner products */
    VCI_PACK_COS = 2, /* cosine similarities */
    /* squared distances for vci_kern_potential_rows only: when the kernel
     * can and k <= w / 2, every centroid sits in both halves of its panel
     * so one vector serves two rows (the same values as VCI_PACK_L2) */
    VCI_PACK_L2_PAIRS = 3
} vci_pack_mode;

/**
 * Centroids prepared once for many kernel calls: transposed into panels of
 * the kernel's lane width (pre-scaled by -2 for L2, by 1/|c| for cosine),
 * with their squared norms as the accumulators' start values. The scalar
 * reference reads the original rows instead, which must then stay valid
 * and unchanged while the pack is used.
 */
typedef struct vci_cpack {
    const vci_kernels *kern;
    vci_pack_mode mode;
    size_t k, d;
    size_t w;        /* lanes per panel; 0 for the scalar reference */
    size_t npanels;  /* ceil(k / w) */
    float *panels;   /* npanels * d * w floats, 64-byte aligned */
    float *bias;     /* npanels * w start values (+inf in L2 padding) */
    bool paired;     /* VCI_PACK_L2_PAIRS took effect */
    const float *c;  /* the original rows (borrowed) */
    size_t cstride;
    double cnorm_max; /* largest |c|^2, for error bounds */
} vci_cpack;

/** Pack k centroids; allocates panels for SIMD kernels (VC_ERR_NOMEM). */
vc_status vci_cpack_init(vci_cpack *pk, const vci_kernels *kern,
                         vci_pack_mode mode, const float *c, size_t k,
                         size_t cstride, size_t d);
/** Re-pack new centroid values of the same k and d (no allocation). */
void vci_cpack_update(vci_cpack *pk, const float *c, size_t cstride);
/** Release the panels; pk may be zeroed or already freed. */
void vci_cpack_free(vci_cpack *pk);

/*
 * Packed kernels over m rows given by pointers (rows[i] is point i, any
 * alignment, d floats). xnorm[i] = |x_i|^2 as computed by vci_kern_sqnorms
 * (L2 and COS modes; ignored for DOT). Outputs as the unpacked forms.
 */
void vci_kern_nearest_rows(const vci_cpack *pk, const float *const *rows,
                           size_t m, const float *xnorm, uint32_t *label,
                           float *dist);
void vci_kern_top2_rows(const vci_cpack *pk, const float *const *rows,
                        size_t m, const float *xnorm, uint32_t *label,
                        float *d1, float *d2);
/** The mode's value for every (point, centroid): out[i * ldo + j]. */
void vci_kern_block_rows(const vci_cpack *pk, const float *const *rows,
                         size_t m, const float *xnorm, float *out,
                         size_t ldo);

/** Centroids per row half when the kernel serves two rows per vector in
 *  vci_kern_potential_rows (VCI_PACK_L2_PAIRS), else 0. */
size_t vci_kernels_pair_width(const vci_kernels *kern);

/** Most centroids a vci_kern_potential_rows pack may hold. */
#define VCI_KERN_POT_MAX 128

/**
 * k-means++ potentials over m rows for a pack (VCI_PACK_L2 or
 * VCI_PACK_L2_PAIRS) of k <= VCI_KERN_POT_MAX centroids. With fold0,
 * centroid 0 is the last centre chosen and first d2[i] = min(d2[i],
 * value(i, 0)) (written back). Then pot[l] += sum_i min(d2[i], value(i,
 * l)) for l < k (with fold0, pot[0] is the sum of the new d2) and, when
 * cand is not NULL, cand[i * ldc + l] = value(i, l) (the block kernel's
 * values). Sums run in float over the rows of one call in a fixed order,
 * then go into pot (double).
 */
void vci_kern_potential_rows(const vci_cpack *pk, const float *const *rows,
                             size_t m, const float *xnorm, float *d2,
                             bool fold0, float *cand, size_t ldc,
                             double *pot);

/** out[i] = |x_i|^2 (float32 sum in the kernel's order). */
void vci_kern_sqnorms(const vci_kernels *kern, const float *const *rows,
                      size_t m, size_t d, float *out);
/** sum (x_p - c_p)^2 computed directly (no cancellation), for inertia. */
double vci_kern_sqdist_direct(const vci_kernels *kern, const float *x,
                              const float *c, size_t d);
/** sums[labels[i] * d + p] += rows[i][p] for i < m, p < d (in double, in
 *  row order, so the result depends only on the rows and their order). */
void vci_kern_accumulate(const vci_kernels *kern, double *sums, size_t d,
                         const float *const *rows, const uint32_t *labels,
                         size_t m);

/**
 * A bound on |computed - exact| of a packed L2 value for a point of
 * squared norm xnorm against centroids of squared norm at most cnorm_max in
 * d dimensions, valid for every kernel (and for the direct reference).
 */
static inline double vci_kern_sqdist_err(size_t d, double xnorm,
                                         double cnorm_max)
{
    /* gamma_{d+4} of float32 rounding on |x|^2, |c|^2 and 2|x.c|, twice
     * for safety against the norm's own rounding */
    return 2.0 * ((double)d + 4.0) * 5.9604644775390625e-8 *
           (xnorm + cnorm_max) * 1.0001 + 1e-37;
}

#endif /* VCOMM_KERNELS_H */
