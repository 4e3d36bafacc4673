/*
 * kernels_neon.c - the AArch64 Advanced SIMD (NEON) instantiation of
 * kernels_tmpl.h: 4-lane panels, 4 points x 3 panels of accumulators.
 *
 * Invariant: built only where the NEON compile check passes (AArch64,
 * where NEON is architectural).
 */
#include <arm_neon.h>

#include "kernels_isa.h"

#define VK(name) name##_neon
#define VK_NAME "neon"
#define W 4
#define TR 4
#define TP 3

typedef float32x4_t vf;
typedef uint32x4_t vi;
typedef uint32x4_t vm;
typedef float64x2_t vd;
#define VDW 2

#define VLOAD(p) vld1q_f32(p)
#define VLOADU(p) vld1q_f32(p)
#define VSTOREU(p, v) vst1q_f32(p, v)
#define VSTORE(p, v) vst1q_f32(p, v)
#define VILOAD(p) vreinterpretq_u32_s32(vld1q_s32(p))
#define VISTORE(p, v) vst1q_s32(p, vreinterpretq_s32_u32(v))
#define VK_PAIRS 0
#define VBCAST4(p) vld1q_f32(p)
#define VSPLAT(v, s) vdupq_laneq_f32(v, s)
#define VSET1(x) vdupq_n_f32(x)
#define VZERO() vdupq_n_f32(0.0f)
#define VFMA(a, b, c) vfmaq_f32(c, a, b)
#define VADD(a, b) vaddq_f32(a, b)
#define VSUB(a, b) vsubq_f32(a, b)
#define VMUL(a, b) vmulq_f32(a, b)
#define VMIN(a, b) vminq_f32(a, b)
#define VMAX(a, b) vmaxq_f32(a, b)
#define VLT(a, b) vcltq_f32(a, b)
#define VSEL(m, t, f) vbslq_f32(m, t, f)
#define VISEL(m, t, f) vbslq_u32(m, t, f)
#define VISET1(i) vdupq_n_u32((uint32_t)(i))
#define VIADD(a, b) vaddq_u32(a, b)
static const uint32_t vk_iota_neon[4] = {0, 1, 2, 3};
#define VIOTA() vld1q_u32(vk_iota_neon)
#define VFIRST(v) vgetq_lane_f32(v, 0)
#define VHSUM(v) vaddvq_f32(v)
#define VHMIN(v) vminvq_f32(v)
#define VIEQ(a, b) vceqq_u32(a, b)
#define VDCVT(p) vcvt_f64_f32(vld1_f32(p))
#define VDLOADU(p) vld1q_f64(p)
#define VDSTOREU(p, v) vst1q_f64(p, v)
#define VDADD(a, b) vaddq_f64(a, b)

static inline void argmin4(vf v, vi idx, float *val, uint32_t *j)
{
    float m = vminvq_f32(v);
    uint32x4_t eq = vceqq_f32(v, vdupq_n_f32(m));
    *val = m;
    *j = vminvq_u32(vbslq_u32(eq, idx, vdupq_n_u32(UINT32_MAX)));
}
#define VARGMIN(v, i, val, idx) argmin4(v, i, val, idx)

#include "kernels_tmpl.h"
