/*
 * kernels.h - distance kernels between a block of points and a block of
 * centroids (float32): squared L2, inner product, fused nearest-centroid.
 * A scalar reference is always built; SIMD variants (AVX2+FMA, AVX-512,
 * NEON) are chosen once per process from the CPU, or forced by the
 * "kernel" option / VC_KERNEL environment variable.
 *
 * Contract used by the other lib/ folders (the implementation may add
 * more): rows are addressed as base + row * stride (stride in floats, >= d);
 * rows need not be aligned, but 64-byte aligned rows padded to a multiple
 * of 16 floats are fastest.
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

#endif /* VCOMM_KERNELS_H */
