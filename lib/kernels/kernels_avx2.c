/*
 * kernels_avx2.c - the AVX2+FMA instantiation of kernels_tmpl.h: 8-lane
 * panels, 4 points x 2 panels of accumulators (16 ymm registers).
 *
 * Invariant: compiled alone with -mavx2 -mfma (lib/kernels/meson.build)
 * and entered only after vci_cpu_has_avx2_fma().
 */
#include <immintrin.h>

#include "kernels_isa.h"

#define VK(name) name##_avx2
#define VK_NAME "avx2"
#define W 8
#define TR 4
#define TP 2

typedef __m256 vf;
typedef __m256i vi;
typedef __m256 vm;
typedef __m256d vd;
#define VDW 4

#define VLOAD(p) _mm256_load_ps(p)
#define VLOADU(p) _mm256_loadu_ps(p)
#define VSTOREU(p, v) _mm256_storeu_ps(p, v)
#define VSTORE(p, v) _mm256_store_ps(p, v)
#define VILOAD(p) _mm256_load_si256((const __m256i *)(const void *)(p))
#define VISTORE(p, v) _mm256_store_si256((__m256i *)(void *)(p), v)
#define VK_PAIRS 0
#define VBCAST4(p) _mm256_broadcast_ps((const __m128 *)(const void *)(p))
#define VSPLAT(v, s) _mm256_permute_ps(v, (s) * 0x55)
#define VSET1(x) _mm256_set1_ps(x)
#define VZERO() _mm256_setzero_ps()
#define VFMA(a, b, c) _mm256_fmadd_ps(a, b, c)
#define VADD(a, b) _mm256_add_ps(a, b)
#define VSUB(a, b) _mm256_sub_ps(a, b)
#define VMUL(a, b) _mm256_mul_ps(a, b)
#define VMIN(a, b) _mm256_min_ps(a, b)
#define VMAX(a, b) _mm256_max_ps(a, b)
#define VLT(a, b) _mm256_cmp_ps(a, b, _CMP_LT_OQ)
#define VSEL(m, t, f) _mm256_blendv_ps(f, t, m)
#define VISEL(m, t, f)                                              \
    _mm256_castps_si256(_mm256_blendv_ps(_mm256_castsi256_ps(f),    \
                                         _mm256_castsi256_ps(t), m))
#define VISET1(i) _mm256_set1_epi32(i)
#define VIADD(a, b) _mm256_add_epi32(a, b)
#define VIOTA() _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7)
#define VDCVT(p) _mm256_cvtps_pd(_mm_loadu_ps(p))
#define VDLOADU(p) _mm256_loadu_pd(p)
#define VDSTOREU(p, v) _mm256_storeu_pd(p, v)
#define VDADD(a, b) _mm256_add_pd(a, b)

static inline float hsum8(vf v)
{
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}
#define VFIRST(v) _mm256_cvtss_f32(v)
#define VHSUM(v) hsum8(v)
#define VIEQ(a, b) _mm256_castsi256_ps(_mm256_cmpeq_epi32(a, b))

/* The minimum in every lane. */
static inline vf hmin8_all(vf v)
{
    vf m = _mm256_min_ps(v, _mm256_permute2f128_ps(v, v, 1));
    m = _mm256_min_ps(m, _mm256_shuffle_ps(m, m, _MM_SHUFFLE(1, 0, 3, 2)));
    return _mm256_min_ps(m, _mm256_shuffle_ps(m, m, _MM_SHUFFLE(2, 3, 0, 1)));
}
#define VHMIN(v) _mm256_cvtss_f32(hmin8_all(v))

static inline void argmin8(vf v, vi idx, float *val, uint32_t *j)
{
    vf m = hmin8_all(v);
    vf eq = _mm256_cmp_ps(v, m, _CMP_EQ_OQ);
    vi c = VISEL(eq, idx, _mm256_set1_epi32(INT32_MAX));
    c = _mm256_min_epi32(c, _mm256_permute2x128_si256(c, c, 1));
    c = _mm256_min_epi32(c, _mm256_shuffle_epi32(c, _MM_SHUFFLE(1, 0, 3, 2)));
    c = _mm256_min_epi32(c, _mm256_shuffle_epi32(c, _MM_SHUFFLE(2, 3, 0, 1)));
    *val = _mm256_cvtss_f32(m);
    *j = (uint32_t)_mm256_cvtsi256_si32(c);
}
#define VARGMIN(v, i, val, idx) argmin8(v, i, val, idx)

#include "kernels_tmpl.h"
