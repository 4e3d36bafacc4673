/*
 * kernels_avx512.c - the AVX-512 (F, DQ, BW, VL) instantiation of
 * kernels_tmpl.h: 16-lane panels, 4 points x 4 panels of accumulators.
 *
 * Invariant: compiled alone with the AVX-512 flags (lib/kernels/meson.build)
 * and entered only after vci_cpu_has_avx512().
 */
#include <immintrin.h>

#include "kernels_isa.h"

#define VK(name) name##_avx512
#define VK_NAME "avx512"
#define W 16
#define TR 4
#define TP 4

typedef __m512 vf;
typedef __m512i vi;
typedef __mmask16 vm;
typedef __m512d vd;
#define VDW 8

#define VLOAD(p) _mm512_load_ps(p)
#define VLOADU(p) _mm512_loadu_ps(p)
#define VSTOREU(p, v) _mm512_storeu_ps(p, v)
#define VSTORE(p, v) _mm512_store_ps(p, v)
#define VILOAD(p) _mm512_load_si512((const void *)(p))
#define VISTORE(p, v) _mm512_store_si512((void *)(p), v)
#define VK_PAIRS 1
#define VPAIR_SET1(a, b) _mm512_insertf32x8(_mm512_set1_ps(a), _mm256_set1_ps(b), 1)
#define VPAIR_BCAST4(pa, pb)                                                  \
    _mm512_insertf32x8(                                                       \
        _mm512_castps256_ps512(_mm256_broadcast_ps((const __m128 *)(const void *)(pa))), \
        _mm256_broadcast_ps((const __m128 *)(const void *)(pb)), 1)
static inline void pair_store(float *pa, float *pb, __m512 v, size_t n)
{
    __mmask8 m = (__mmask8)((1u << n) - 1);
    _mm256_mask_storeu_ps(pa, m, _mm512_castps512_ps256(v));
    if (pb)
        _mm256_mask_storeu_ps(pb, m, _mm512_extractf32x8_ps(v, 1));
}
#define VPAIR_STORE(pa, pb, v, n) pair_store(pa, pb, v, n)
#define VPAIR_FIRST(v, a, b)                                              \
    (*(a) = _mm512_cvtss_f32(v),                                          \
     *(b) = _mm256_cvtss_f32(_mm512_extractf32x8_ps(v, 1)))
#define VBCAST4(p) _mm512_broadcast_f32x4(_mm_loadu_ps(p))
#define VSPLAT(v, s) _mm512_permute_ps(v, (s) * 0x55)
#define VSET1(x) _mm512_set1_ps(x)
#define VZERO() _mm512_setzero_ps()
#define VFMA(a, b, c) _mm512_fmadd_ps(a, b, c)
#define VADD(a, b) _mm512_add_ps(a, b)
#define VSUB(a, b) _mm512_sub_ps(a, b)
#define VMUL(a, b) _mm512_mul_ps(a, b)
#define VMIN(a, b) _mm512_min_ps(a, b)
#define VMAX(a, b) _mm512_max_ps(a, b)
#define VLT(a, b) _mm512_cmp_ps_mask(a, b, _CMP_LT_OQ)
#define VSEL(m, t, f) _mm512_mask_blend_ps(m, f, t)
#define VISEL(m, t, f) _mm512_mask_blend_epi32(m, f, t)
#define VISET1(i) _mm512_set1_epi32(i)
#define VIADD(a, b) _mm512_add_epi32(a, b)
#define VIOTA() \
    _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)
#define VFIRST(v) _mm512_cvtss_f32(v)
#define VHSUM(v) _mm512_reduce_add_ps(v)
#define VHMIN(v) _mm512_reduce_min_ps(v)
#define VIEQ(a, b) _mm512_cmpeq_epi32_mask(a, b)
#define VDCVT(p) _mm512_cvtps_pd(_mm256_loadu_ps(p))
#define VDLOADU(p) _mm512_loadu_pd(p)
#define VDSTOREU(p, v) _mm512_storeu_pd(p, v)
#define VDADD(a, b) _mm512_add_pd(a, b)

static inline void argmin16(vf v, vi idx, float *val, uint32_t *j)
{
    float m = _mm512_reduce_min_ps(v);
    __mmask16 eq = _mm512_cmp_ps_mask(v, _mm512_set1_ps(m), _CMP_EQ_OQ);
    *val = m;
    *j = (uint32_t)_mm512_mask_reduce_min_epi32(eq, idx);
}
#define VARGMIN(v, i, val, idx) argmin16(v, i, val, idx)

#include "kernels_tmpl.h"
