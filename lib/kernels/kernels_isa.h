/*
 * kernels_isa.h - the kernel table every ISA fills in, and the per-ISA
 * entry points. Only lib/kernels includes it.
 *
 * Invariants: a table's functions implement exactly the semantics of the
 * vci_kern_* functions of kernels.h; the SIMD tables are reached only after
 * the CPU check of cpu.c; each ISA object is compiled with its own flags
 * only, so nothing outside it may inline its code.
 */
#ifndef VCOMM_KERNELS_ISA_H
#define VCOMM_KERNELS_ISA_H

#include "kernels.h"
#include "kernels_config.h"

struct vci_kernels {
    const char *name;
    size_t width; /* panel lanes; 0 = reads the original rows (scalar) */
    bool pairs;   /* potential() serves two rows per vector (L2_PAIRS) */
    void (*nearest)(const vci_cpack *pk, const float *const *rows, size_t m,
                    const float *xnorm, uint32_t *label, float *dist);
    void (*top2)(const vci_cpack *pk, const float *const *rows, size_t m,
                 const float *xnorm, uint32_t *label, float *d1, float *d2);
    void (*block)(const vci_cpack *pk, const float *const *rows, size_t m,
                  const float *xnorm, float *out, size_t ldo);
    void (*potential)(const vci_cpack *pk, const float *const *rows,
                      size_t m, const float *xnorm, float *d2, bool fold0,
                      float *cand, size_t ldc, double *pot);
    void (*sqnorms)(const float *const *rows, size_t m, size_t d,
                    float *out);
    double (*sqdist_direct)(const float *x, const float *c, size_t d);
    void (*accumulate)(double *sums, size_t d, const float *const *rows,
                       const uint32_t *labels, size_t m);
};

extern const vci_kernels vci_kernels_scalar;
#if defined(VC_HAVE_AVX2) && VC_HAVE_AVX2
extern const vci_kernels vci_kernels_avx2;
#endif
#if defined(VC_HAVE_AVX512) && VC_HAVE_AVX512
extern const vci_kernels vci_kernels_avx512;
#endif
#if defined(VC_HAVE_NEON) && VC_HAVE_NEON
extern const vci_kernels vci_kernels_neon;
#endif

/* CPU features (cpu.c), detected once; the OS must have enabled the
 * register state (XGETBV) as well as the CPUID bits being set. */
bool vci_cpu_has_avx2_fma(void);
bool vci_cpu_has_avx512(void); /* F, DQ, BW, VL */
bool vci_cpu_has_neon(void);
bool vci_cpu_has_sse42(void); /* the crc32 instruction (CRC-32C) */

#endif /* VCOMM_KERNELS_ISA_H */
