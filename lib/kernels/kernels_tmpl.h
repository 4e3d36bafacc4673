/*
 * kernels_tmpl.h - the SIMD kernel bodies, written once over a small
 * vector vocabulary and instantiated by each ISA file (kernels_avx2.c,
 * kernels_avx512.c, kernels_neon.c), which defines before including it:
 *
 *   VK(name)          name with the ISA suffix; VK_NAME the ISA's name
 *   W                 float lanes of a vector = lanes of a centroid panel
 *   TR, TP            register tile: TR points x TP panels of accumulators
 *   vf, vi, vm        float vector, int32 vector, comparison mask
 *   VLOAD(p), VSTORE(p, v)   aligned     VLOADU(p) / VSTOREU(p, v) unaligned
 *   VILOAD(p), VISTORE(p, v) aligned int32 load / store
 *   VSET1(x), VZERO() broadcast / zero    VISET1(i), VIOTA() (0 .. W-1)
 *   VK_PAIRS          1 when the ISA defines, for two rows per vector:
 *   VPAIR_SET1(a, b)  a in the lower half of the lanes, b in the upper
 *   VPAIR_BCAST4(pa, pb)  pa[0..3] in every 4-lane group of the lower
 *                     half, pb[0..3] in those of the upper half
 *   VPAIR_STORE(pa, pb, v, n)  the first n lanes of each half to pa and
 *                     (pb not NULL) pb
 *   VPAIR_FIRST(v, a, b)  *a = lane 0, *b = lane W/2
 *   VBCAST4(p)        the 4 floats at p (unaligned) in every 4-lane group
 *   VSPLAT(v, s)      element s (constant 0..3) of each 4-lane group, in
 *                     all its lanes (after VBCAST4: a broadcast of p[s])
 *   VFMA(a, b, c)     a * b + c, one rounding
 *   VADD VSUB VMUL VMIN VMAX (a, b)       VIADD(a, b)
 *   VLT(a, b)         mask of a < b
 *   VSEL(m, t, f)     m ? t : f (floats)  VISEL(m, t, f) (int32)
 *   VHSUM(v), VHMIN(v)  sum / minimum of the lanes (float)
 *   VFIRST(v)         lane 0 (float)
 *   VIEQ(a, b)        mask of int32 a == b
 *   VARGMIN(v, i, val, idx)  *val = min lane, *idx = lowest i among the
 *                     lanes holding it
 *   vd, VDW           double vector and its lanes
 *   VDCVT(p)          VDW floats at p (unaligned) widened to doubles
 *   VDLOADU(p), VDSTOREU(p, v), VDADD(a, b)
 *
 * Micro-kernel: centroids are packed in panels of W (vci_cpack), so lanes
 * run over centroids and every point coordinate is one broadcast; a tile
 * keeps TR x TP accumulators in registers and walks the d dimensions once.
 * In L2 mode accumulators start at |c|^2 + |x|^2 (panel bias plus the
 * row's norm) and the panels hold -2c, so an accumulator ends as the
 * squared distance, clamped at 0; the fused argmin and top-2 rank exactly
 * the values the block kernel outputs. Each (point, centroid) value is the
 * same sequence of operations in every entry point, whatever the tile
 * position, so nearest, top-2 and block agree bit for bit. Tail points
 * repeat the last row; tail panels run one panel at a time; padding lanes
 * start at +inf. Packs of fewer than TP panels run tiles of twice the
 * rows, one panel at a time, splatting four coordinates per load
 * (VBCAST4/VSPLAT) instead of one broadcast per FMA; where VK_PAIRS, the
 * k-means++ potentials of a pack of at most W/2 centroids serve two rows
 * per vector.
 */

#include <math.h>

#define VK_UNROLL _Pragma("GCC unroll 16")
#define VK_ALIGNED _Alignas(64)

#if defined(__GNUC__)
#  define VK_INLINE static inline __attribute__((always_inline))
#  define VK_NOINLINE static __attribute__((noinline))
#else
#  define VK_INLINE static inline
#  define VK_NOINLINE static
#endif

/* Rows of a tile against packs too narrow for a full group of TP panels:
 * twice as many rows, one panel at a time, so as many accumulators stay in
 * flight. */
#define RMAX (2 * TR)

/* acc[r][q] = (bias of panel q + xadd[r]) + sum_p rows[r][p] * panel q [p]
 * for r < R, q < np (R and np are constants after inlining). */
VK_INLINE void VK(tile)(const float *pan, size_t pstride, const float *bias,
                        const float *const *rp, const float *xadd, size_t d,
                        vf acc[RMAX][TP], const int R, const int np)
{
    VK_UNROLL for (int r = 0; r < R; r++)
        VK_UNROLL for (int q = 0; q < np; q++)
            acc[r][q] = VADD(VLOAD(bias + q * W), VSET1(xadd[r]));
    size_t p = 0;
    if (np == 1) {
        /* one panel: a broadcast load per FMA would saturate the load
         * ports, so load four coordinates at once and splat them in
         * registers (the same FMAs in the same order as below) */
        for (; p + 4 <= d; p += 4) {
            vf c0 = VLOAD(pan + p * W), c1 = VLOAD(pan + (p + 1) * W),
               c2 = VLOAD(pan + (p + 2) * W), c3 = VLOAD(pan + (p + 3) * W);
            VK_UNROLL for (int r = 0; r < R; r++) {
                vf x4 = VBCAST4(rp[r] + p);
                acc[r][0] = VFMA(VSPLAT(x4, 0), c0, acc[r][0]);
                acc[r][0] = VFMA(VSPLAT(x4, 1), c1, acc[r][0]);
                acc[r][0] = VFMA(VSPLAT(x4, 2), c2, acc[r][0]);
                acc[r][0] = VFMA(VSPLAT(x4, 3), c3, acc[r][0]);
            }
        }
    }
    for (; p < d; p++) {
        /* the same panel load for every row: CSE'd into one register */
        VK_UNROLL for (int r = 0; r < R; r++) {
            vf xb = VSET1(rp[r][p]);
            VK_UNROLL for (int q = 0; q < np; q++)
                acc[r][q] = VFMA(xb, VLOAD(pan + (size_t)q * pstride + p * W),
                                 acc[r][q]);
        }
    }
}

/*
 * What a tile's epilogue folds its accumulators into, kept in memory (L1)
 * across the tile: kept in registers, the compiler would push the tile's
 * panel loads out of the register file instead.
 */
typedef struct VK(state) {
    VK_ALIGNED float b1[RMAX * W]; /* per-lane best value */
    VK_ALIGNED float b2[RMAX * W]; /* per-lane second best (top-2) */
    VK_ALIGNED int32_t i1[RMAX * W]; /* centroid index of b1 */
    float xadd[RMAX]; /* accumulator start: |x|^2 in L2 mode, else 0 */
    /* block: out[(i0 + r) * ldo + j] = max(acc * mul[r], lo[r]) */
    float mul[RMAX], lo[RMAX];
    float *out;
    size_t ldo, k, i0, m;
    /* potential: per-lane sums of min(d2, value); values out to cand */
    VK_ALIGNED float potf[VCI_KERN_POT_MAX + 2 * W];
    float *d2;
    float *cand;
    size_t ldc;
    bool fold0;
} VK(state);

/* Running per-lane minimum and its index: strictly smaller wins, so each
 * lane keeps the lowest index of its minimum. Values are clamped at 0 as
 * the block kernel outputs them, so every entry point ranks the same
 * values. The group's panels are folded in registers first (in index
 * order), then into memory once. */
VK_INLINE void VK(argmin_step)(vf acc[RMAX][TP], int R, int np, size_t j0,
                               VK(state) *st)
{
    vi jv[TP];
    VK_UNROLL for (int q = 0; q < np; q++)
        jv[q] = VIADD(VIOTA(), VISET1((int32_t)(j0 + (size_t)q * W)));
    VK_UNROLL for (int r = 0; r < R; r++) {
        vf b = VMAX(acc[r][0], VZERO());
        vi bi = jv[0];
        VK_UNROLL for (int q = 1; q < np; q++) {
            vf v = VMAX(acc[r][q], VZERO());
            vm lt = VLT(v, b);
            b = VSEL(lt, v, b);
            bi = VISEL(lt, jv[q], bi);
        }
        vf old = VLOAD(st->b1 + r * W);
        vm lt = VLT(b, old);
        VSTORE(st->b1 + r * W, VSEL(lt, b, old));
        VISTORE(st->i1 + r * W, VISEL(lt, bi, VILOAD(st->i1 + r * W)));
    }
}

/* The same plus the lane's second best. */
VK_INLINE void VK(top2_step)(vf acc[RMAX][TP], int R, int np, size_t j0,
                             VK(state) *st)
{
    VK_UNROLL for (int q = 0; q < np; q++) {
        vi jv = VIADD(VIOTA(), VISET1((int32_t)(j0 + (size_t)q * W)));
        VK_UNROLL for (int r = 0; r < R; r++) {
            vf v = VMAX(acc[r][q], VZERO()), b1 = VLOAD(st->b1 + r * W);
            vm lt = VLT(v, b1);
            VSTORE(st->b2 + r * W,
                   VSEL(lt, b1, VMIN(VLOAD(st->b2 + r * W), v)));
            VSTORE(st->b1 + r * W, VSEL(lt, v, b1));
            VISTORE(st->i1 + r * W, VISEL(lt, jv, VILOAD(st->i1 + r * W)));
        }
    }
}

/* Store W values at column j0 of a row, clipped at k columns. */
VK_INLINE void VK(store_clipped)(float *dst, size_t j0, size_t k, vf v)
{
    if (j0 + W <= k) {
        VSTOREU(dst + j0, v);
    } else {
        float tmp[W];
        VSTOREU(tmp, v);
        for (size_t l = 0; j0 + l < k; l++)
            dst[j0 + l] = tmp[l];
    }
}

VK_INLINE void VK(block_step)(vf acc[RMAX][TP], int R, int np, size_t j0,
                              VK(state) *st)
{
    VK_UNROLL for (int r = 0; r < R; r++) {
        if (st->i0 + (size_t)r >= st->m)
            break;
        vf mul = VSET1(st->mul[r]), lo = VSET1(st->lo[r]);
        float *row = st->out + (st->i0 + r) * st->ldo;
        VK_UNROLL for (int q = 0; q < np; q++)
            VK(store_clipped)(row, j0 + (size_t)q * W, st->k,
                              VMAX(VMUL(acc[r][q], mul), lo));
    }
}

/* k-means++: the group holding lane 0 folds the last centre into d2 first
 * (fold0); every lane adds min(d2, value) and, when asked, stores the
 * value. Tail rows (copies of the last row) are not counted. */
VK_INLINE void VK(pot_step)(vf acc[RMAX][TP], int R, int np, size_t j0,
                            VK(state) *st)
{
    VK_UNROLL for (int r = 0; r < R; r++) {
        size_t i = st->i0 + (size_t)r;
        if (i >= st->m)
            break;
        if (j0 == 0 && st->fold0) {
            float v0 = VFIRST(VMAX(acc[r][0], VZERO()));
            if (v0 < st->d2[i])
                st->d2[i] = v0;
        }
        vf dv = VSET1(st->d2[i]);
        VK_UNROLL for (int q = 0; q < np; q++) {
            vf v = VMAX(acc[r][q], VZERO());
            float *p = st->potf + j0 + (size_t)q * W;
            VSTORE(p, VADD(VLOAD(p), VMIN(v, dv)));
            if (st->cand)
                VK(store_clipped)(st->cand + i * st->ldc, j0 + (size_t)q * W,
                                  st->k, v);
        }
    }
}

/* One group of panels (TP, or 1 for the tail, or 1 for twice the rows of
 * a narrow pack) against one tile of rows, folded by an epilogue; kept out
 * of line so the tile owns the registers. */
typedef void (*VK(group_fn))(const float *pan, size_t pstride,
                             const float *bias, const float *const *rp,
                             size_t d, size_t j0, VK(state) *st);
#define VK_GROUP(name, R, np, step)                                       \
    VK_NOINLINE void VK(name)(const float *pan, size_t pstride,            \
                              const float *bias, const float *const *rp,   \
                              size_t d, size_t j0, VK(state) *st)           \
    {                                                                       \
        vf acc[RMAX][TP];                                                   \
        VK(tile)(pan, pstride, bias, rp, st->xadd, d, acc, R, np);          \
        VK(step)(acc, R, np, j0, st);                                       \
    }
#define VK_GROUPS(kind, step)                                              \
    VK_GROUP(kind##_full, TR, TP, step)                                    \
    VK_GROUP(kind##_one, TR, 1, step)                                      \
    VK_GROUP(kind##_wide, RMAX, 1, step)                                   \
    static const VK(group_fn) VK(kind##_fns)[3] = {                        \
        VK(kind##_full), VK(kind##_one), VK(kind##_wide)};
VK_GROUPS(nearest, argmin_step)
VK_GROUPS(top2, top2_step)
VK_GROUPS(block, block_step)
VK_GROUPS(pot, pot_step)

/* Rows per tile for a pack: twice TR when it has fewer than TP panels. */
static inline size_t VK(tile_rows)(const vci_cpack *pk)
{
    return pk->npanels < TP ? RMAX : TR;
}

/* Every panel group for one tile of rows starting at i0, with the group
 * functions fns (full, one, wide) of an epilogue. */
static void VK(walk)(const vci_cpack *pk, const float *const *rows,
                     const float *xnorm, size_t m, size_t i0, VK(state) *st,
                     const VK(group_fn) *fns)
{
    const size_t d = pk->d, np_all = pk->npanels, pstride = d * W;
    const size_t R = VK(tile_rows)(pk);
    const float *rp[RMAX]; /* the tail repeats the last row */
    for (size_t r = 0; r < R; r++) {
        size_t i = i0 + r < m ? i0 + r : m - 1;
        rp[r] = rows[i];
        st->xadd[r] = pk->mode == VCI_PACK_L2 && xnorm ? xnorm[i] : 0;
    }
    size_t g = 0;
    if (R == RMAX) {
        for (; g < np_all; g++)
            fns[2](pk->panels + g * pstride, pstride, pk->bias + g * W, rp, d,
                   g * W, st);
        return;
    }
    for (; g + TP <= np_all; g += TP)
        fns[0](pk->panels + g * pstride, pstride, pk->bias + g * W, rp, d,
               g * W, st);
    for (; g < np_all; g++)
        fns[1](pk->panels + g * pstride, pstride, pk->bias + g * W, rp, d,
               g * W, st);
}

static void VK(reset)(VK(state) *st)
{
    VK_UNROLL for (int r = 0; r < RMAX; r++) {
        VSTORE(st->b1 + r * W, VSET1(INFINITY));
        VSTORE(st->b2 + r * W, VSET1(INFINITY));
        VISTORE(st->i1 + r * W, VISET1(0));
    }
}

static void VK(nearest)(const vci_cpack *pk, const float *const *rows,
                        size_t m, const float *xnorm, uint32_t *label,
                        float *dist)
{
    VK(state) st;
    const size_t R = VK(tile_rows)(pk);
    for (size_t i0 = 0; i0 < m; i0 += R) {
        VK(reset)(&st);
        VK(walk)(pk, rows, xnorm, m, i0, &st, VK(nearest_fns));
        for (size_t r = 0; r < R && i0 + r < m; r++) {
            float v;
            uint32_t j;
            VARGMIN(VLOAD(st.b1 + r * W), VILOAD(st.i1 + r * W), &v, &j);
            if (label)
                label[i0 + r] = j;
            if (dist)
                dist[i0 + r] = v;
        }
    }
}

static void VK(top2)(const vci_cpack *pk, const float *const *rows, size_t m,
                     const float *xnorm, uint32_t *label, float *d1,
                     float *d2)
{
    VK(state) st;
    const size_t R = VK(tile_rows)(pk);
    for (size_t i0 = 0; i0 < m; i0 += R) {
        VK(reset)(&st);
        VK(walk)(pk, rows, xnorm, m, i0, &st, VK(top2_fns));
        for (size_t r = 0; r < R && i0 + r < m; r++) {
            float v1;
            uint32_t j;
            VARGMIN(VLOAD(st.b1 + r * W), VILOAD(st.i1 + r * W), &v1, &j);
            /* centroid j only ever sits in lane j % W (the one lane whose
             * index is j, or an untouched +inf lane when j is 0): the
             * second best is that lane's second or another lane's best */
            vi i1 = VILOAD(st.i1 + r * W);
            vm win = VIEQ(i1, VISET1((int32_t)j));
            float v2 = VHMIN(VSEL(win, VLOAD(st.b2 + r * W),
                                  VLOAD(st.b1 + r * W)));
            if (label)
                label[i0 + r] = j;
            if (d1)
                d1[i0 + r] = v1;
            if (d2)
                d2[i0 + r] = v2;
        }
    }
}

static void VK(block)(const vci_cpack *pk, const float *const *rows, size_t m,
                      const float *xnorm, float *out, size_t ldo)
{
    VK(state) st;
    st.out = out;
    st.ldo = ldo;
    st.k = pk->k;
    st.m = m;
    const size_t R = VK(tile_rows)(pk);
    for (size_t i0 = 0; i0 < m; i0 += R) {
        st.i0 = i0;
        for (size_t r = 0; r < R; r++) { /* the epilogue of each mode */
            float xn = xnorm && i0 + (size_t)r < m ? xnorm[i0 + r] : 0;
            st.mul[r] = 1;
            st.lo[r] = pk->mode == VCI_PACK_L2 ? 0 : -INFINITY;
            if (pk->mode == VCI_PACK_COS)
                st.mul[r] = xn > 0 ? (float)(1.0 / sqrt((double)xn)) : 0;
        }
        VK(walk)(pk, rows, xnorm, m, i0, &st, VK(block_fns));
    }
}

#if VK_PAIRS
/*
 * Two rows per vector for packs of k <= W / 2 (VCI_PACK_L2_PAIRS): row
 * 2r in the lower half of accumulator r, row 2r + 1 in the upper half,
 * against panels holding every centroid in both halves; the same FMAs in
 * the same order as VK(tile), so the same values.
 */
VK_NOINLINE void VK(pot_pairs)(const vci_cpack *pk, const float *const *rp,
                               const float *xadd, float *d2r, size_t nrows,
                               VK(state) *st, size_t i0)
{
    const float *pan = pk->panels;
    const size_t d = pk->d;
    vf acc[RMAX];
    VK_UNROLL for (int r = 0; r < RMAX; r++)
        acc[r] = VADD(VLOAD(pk->bias), VPAIR_SET1(xadd[2 * r], xadd[2 * r + 1]));
    size_t p = 0;
    for (; p + 4 <= d; p += 4) {
        vf c0 = VLOAD(pan + p * W), c1 = VLOAD(pan + (p + 1) * W),
           c2 = VLOAD(pan + (p + 2) * W), c3 = VLOAD(pan + (p + 3) * W);
        VK_UNROLL for (int r = 0; r < RMAX; r++) {
            vf x4 = VPAIR_BCAST4(rp[2 * r] + p, rp[2 * r + 1] + p);
            acc[r] = VFMA(VSPLAT(x4, 0), c0, acc[r]);
            acc[r] = VFMA(VSPLAT(x4, 1), c1, acc[r]);
            acc[r] = VFMA(VSPLAT(x4, 2), c2, acc[r]);
            acc[r] = VFMA(VSPLAT(x4, 3), c3, acc[r]);
        }
    }
    for (; p < d; p++) {
        vf c = VLOAD(pan + p * W);
        VK_UNROLL for (int r = 0; r < RMAX; r++)
            acc[r] = VFMA(VPAIR_SET1(rp[2 * r][p], rp[2 * r + 1][p]), c, acc[r]);
    }
    /* rows past the end count with d2 = 0: min(value, 0) adds nothing */
    vf pot = VLOAD(st->potf);
    VK_UNROLL for (int r = 0; r < RMAX; r++) {
        vf v = VMAX(acc[r], VZERO());
        if (st->fold0) {
            float va, vb;
            VPAIR_FIRST(v, &va, &vb);
            d2r[2 * r] = va < d2r[2 * r] ? va : d2r[2 * r];
            d2r[2 * r + 1] = vb < d2r[2 * r + 1] ? vb : d2r[2 * r + 1];
        }
        pot = VADD(pot, VMIN(v, VPAIR_SET1(d2r[2 * r], d2r[2 * r + 1])));
        if (st->cand) {
            float *ca = st->cand + (i0 + 2 * (size_t)r) * st->ldc;
            if (2 * (size_t)r + 1 < nrows)
                VPAIR_STORE(ca, ca + st->ldc, v, pk->k);
            else if (2 * (size_t)r < nrows)
                VPAIR_STORE(ca, NULL, v, pk->k);
        }
    }
    VSTORE(st->potf, pot);
}
#endif

static void VK(potential)(const vci_cpack *pk, const float *const *rows,
                          size_t m, const float *xnorm, float *d2, bool fold0,
                          float *cand, size_t ldc, double *pot)
{
    VK(state) st;
    size_t lanes = pk->npanels * W;
    for (size_t l = 0; l < lanes; l++)
        st.potf[l] = 0;
    st.d2 = d2;
    st.fold0 = fold0;
    st.cand = cand;
    st.ldc = ldc;
    st.k = pk->k;
    st.m = m;
#if VK_PAIRS
    if (pk->paired) {
        for (size_t i0 = 0; i0 < m; i0 += 2 * RMAX) {
            const float *rp[2 * RMAX];
            float xadd[2 * RMAX], d2r[2 * RMAX];
            size_t nrows = VCI_MIN((size_t)2 * RMAX, m - i0);
            for (size_t r = 0; r < 2 * RMAX; r++) {
                size_t i = i0 + r < m ? i0 + r : m - 1;
                rp[r] = rows[i];
                xadd[r] = xnorm[i];
                d2r[r] = i0 + r < m ? d2[i] : 0;
            }
            VK(pot_pairs)(pk, rp, xadd, d2r, nrows, &st, i0);
            for (size_t r = 0; r < nrows && fold0; r++)
                d2[i0 + r] = d2r[r];
        }
        for (size_t l = 0; l < pk->k; l++)
            pot[l] += (double)st.potf[l] + (double)st.potf[l + W / 2];
        return;
    }
#endif
    const size_t R = VK(tile_rows)(pk);
    for (size_t i0 = 0; i0 < m; i0 += R) {
        st.i0 = i0;
        VK(walk)(pk, rows, xnorm, m, i0, &st, VK(pot_fns));
    }
    for (size_t l = 0; l < pk->k; l++)
        pot[l] += st.potf[l];
}

static void VK(sqnorms)(const float *const *rows, size_t m, size_t d,
                        float *out)
{
    for (size_t i = 0; i < m; i++) {
        const float *x = rows[i];
        vf a0 = VZERO(), a1 = VZERO();
        size_t p = 0;
        for (; p + 2 * W <= d; p += 2 * W) {
            vf u = VLOADU(x + p), v = VLOADU(x + p + W);
            a0 = VFMA(u, u, a0);
            a1 = VFMA(v, v, a1);
        }
        for (; p + W <= d; p += W) {
            vf u = VLOADU(x + p);
            a0 = VFMA(u, u, a0);
        }
        float s = VHSUM(VADD(a0, a1));
        for (; p < d; p++)
            s += x[p] * x[p];
        out[i] = s;
    }
}

static double VK(sqdist_direct)(const float *x, const float *c, size_t d)
{
    vf a = VZERO();
    size_t p = 0;
    for (; p + W <= d; p += W) {
        vf t = VSUB(VLOADU(x + p), VLOADU(c + p));
        a = VFMA(t, t, a);
    }
    double s = (double)VHSUM(a);
    for (; p < d; p++) {
        double t = (double)x[p] - (double)c[p];
        s += t * t;
    }
    return s;
}

static void VK(accumulate)(double *sums, size_t d, const float *const *rows,
                           const uint32_t *labels, size_t m)
{
    for (size_t i = 0; i < m; i++) {
        const float *x = rows[i];
        double *s = sums + (size_t)labels[i] * d;
        size_t p = 0;
        for (; p + VDW <= d; p += VDW)
            VDSTOREU(s + p, VDADD(VDLOADU(s + p), VDCVT(x + p)));
        for (; p < d; p++)
            s[p] += (double)x[p];
    }
}

const vci_kernels VK(vci_kernels) = {
    VK_NAME, W, VK_PAIRS, VK(nearest), VK(top2), VK(block), VK(potential),
    VK(sqnorms), VK(sqdist_direct), VK(accumulate),
};
