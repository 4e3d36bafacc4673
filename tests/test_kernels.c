/*
 * test_kernels.c - every SIMD kernel set compiled in and supported by this
 * CPU against the scalar reference (checkasm style): squared L2 blocks,
 * inner products, cosine, fused nearest and top-2, norms, direct distances
 * and accumulation, over random shapes (d not a multiple of 16, n smaller
 * than a tile, k = 1), duplicate points, huge and tiny magnitudes and
 * misaligned rows; bit-agreement of nearest/top-2/block within one kernel;
 * tie-breaking; hand-computed reference values; kernel selection.
 *
 * Tolerance: SIMD values within 1e-4 relative of the reference, plus the
 * documented rounding bound of |x|^2 + |c|^2 - 2x.c (vci_kern_sqdist_err)
 * where that formula cancels (near-duplicate points).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "kernels.h"

static const char *const simd_names[] = {"avx2", "avx512", "neon"};

typedef struct dataset {
    float *xbuf, *cbuf; /* allocations; x and c are misaligned views */
    const float *x, *c;
    size_t n, k, d, xs, cs;
} dataset;

enum data_kind { DATA_RANDOM, DATA_DUPLICATES, DATA_HUGE, DATA_TINY, DATA_MIXED };

static float draw(vci_rng *rng, enum data_kind kind)
{
    double u = vci_rng_uniform(rng) * 2 - 1;
    switch (kind) {
    case DATA_HUGE: return (float)(u * 1e15);
    case DATA_TINY: return (float)(u * 1e-15);
    case DATA_MIXED: return (float)(u * pow(10.0, (double)vci_rng_below(rng, 9) - 4.0));
    default: return (float)(u * 10);
    }
}

/* n points and k centroids of d dims; rows start 1 float past a 64-byte
 * boundary and strides are odd, so nothing is aligned. */
static dataset make_data(size_t n, size_t k, size_t d, enum data_kind kind,
                         uint64_t seed)
{
    dataset s = {0};
    s.n = n;
    s.k = k;
    s.d = d;
    s.xs = d + 3;
    s.cs = d + 5;
    s.xbuf = vci_aligned_calloc(n * s.xs + 16, sizeof(float));
    s.cbuf = vci_aligned_calloc(k * s.cs + 16, sizeof(float));
    assert_non_null(s.xbuf);
    assert_non_null(s.cbuf);
    float *x = s.xbuf + 1, *c = s.cbuf + 1;
    vci_rng rng;
    vci_rng_seed(&rng, seed, 0);
    for (size_t j = 0; j < k; j++)
        for (size_t p = 0; p < d; p++)
            c[j * s.cs + p] = draw(&rng, kind);
    for (size_t i = 0; i < n; i++) {
        for (size_t p = 0; p < d; p++) {
            float v = draw(&rng, kind);
            if (kind == DATA_DUPLICATES) /* each point is a centroid */
                v = c[(i % k) * s.cs + p];
            x[i * s.xs + p] = v;
        }
    }
    s.x = x;
    s.c = c;
    return s;
}

static void free_data(dataset *s)
{
    vci_aligned_free(s->xbuf);
    vci_aligned_free(s->cbuf);
}

static double sqnorm(const float *v, size_t d)
{
    double s = 0;
    for (size_t p = 0; p < d; p++)
        s += (double)v[p] * v[p];
    return s;
}

/* Allowed |simd - ref| for a squared distance. */
static double l2_tol(const dataset *s, size_t i, size_t j, double ref)
{
    double xn = sqnorm(s->x + i * s->xs, s->d), cn = sqnorm(s->c + j * s->cs, s->d);
    return 1e-4 * fabs(ref) + vci_kern_sqdist_err(s->d, xn, cn);
}

/* Allowed |simd - ref| for an inner product. */
static double dot_tol(const dataset *s, size_t i, size_t j, double ref)
{
    double xn = sqnorm(s->x + i * s->xs, s->d), cn = sqnorm(s->c + j * s->cs, s->d);
    return 1e-4 * fabs(ref) + 2.0 * ((double)s->d + 2) * 6e-8 * sqrt(xn * cn) + 1e-37;
}

static void compare_blocks(const vci_kernels *kern, const dataset *s)
{
    const vci_kernels *ref = vci_kernels_get("scalar");
    size_t n = s->n, k = s->k;
    float *a = calloc(n * k + 1, sizeof *a), *b = calloc(n * k + 1, sizeof *b);
    assert_non_null(a);
    assert_non_null(b);
    /* squared L2 */
    vci_kern_sqdist(kern, s->x, n, s->xs, s->c, k, s->cs, s->d, a, k);
    vci_kern_sqdist(ref, s->x, n, s->xs, s->c, k, s->cs, s->d, b, k);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < k; j++) {
            double r = b[i * k + j], v = a[i * k + j];
            assert_true(v >= 0);
            if (fabs(v - r) > l2_tol(s, i, j, r)) {
                print_error("%s sqdist n=%zu k=%zu d=%zu [%zu,%zu]: %.9g vs ref %.9g\n",
                            vci_kernels_name(kern), n, k, s->d, i, j, v, r);
                fail();
            }
        }
    /* inner products */
    vci_kern_dot(kern, s->x, n, s->xs, s->c, k, s->cs, s->d, a, k);
    vci_kern_dot(ref, s->x, n, s->xs, s->c, k, s->cs, s->d, b, k);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < k; j++) {
            double r = b[i * k + j], v = a[i * k + j];
            if (fabs(v - r) > dot_tol(s, i, j, r)) {
                print_error("%s dot d=%zu [%zu,%zu]: %.9g vs ref %.9g\n",
                            vci_kernels_name(kern), s->d, i, j, v, r);
                fail();
            }
        }
    /* cosine */
    vci_kern_cosine(kern, s->x, n, s->xs, s->c, k, s->cs, s->d, a, k);
    vci_kern_cosine(ref, s->x, n, s->xs, s->c, k, s->cs, s->d, b, k);
    for (size_t i = 0; i < n * k; i++) {
        assert_true(fabs(b[i]) <= 1.0 + 1e-6);
        if (fabs(a[i] - b[i]) > 1e-4 * fabs(b[i]) + 2e-5 * (1 + (double)s->d / 64)) {
            print_error("%s cosine d=%zu [%zu]: %.9g vs ref %.9g\n",
                        vci_kernels_name(kern), s->d, i, a[i], b[i]);
            fail();
        }
    }
    free(a);
    free(b);
}

static void compare_nearest(const vci_kernels *kern, const dataset *s)
{
    const vci_kernels *ref = vci_kernels_get("scalar");
    size_t n = s->n, k = s->k;
    uint32_t *la = calloc(n, sizeof *la), *lb = calloc(n, sizeof *lb),
             *lt = calloc(n, sizeof *lt);
    float *da = calloc(n, sizeof *da), *db = calloc(n, sizeof *db);
    float *t1 = calloc(n, sizeof *t1), *t2 = calloc(n, sizeof *t2),
          *r2 = calloc(n, sizeof *r2), *all = calloc(n * k, sizeof *all);
    float *rall = calloc(n * k, sizeof *rall);
    assert_true(la && lb && lt && da && db && t1 && t2 && r2 && all && rall);
    vci_kern_nearest(kern, s->x, n, s->xs, s->c, k, s->cs, s->d, la, da);
    vci_kern_top2(kern, s->x, n, s->xs, s->c, k, s->cs, s->d, lt, t1, t2);
    vci_kern_sqdist(kern, s->x, n, s->xs, s->c, k, s->cs, s->d, all, k);
    vci_kern_top2(ref, s->x, n, s->xs, s->c, k, s->cs, s->d, lb, db, r2);
    vci_kern_sqdist(ref, s->x, n, s->xs, s->c, k, s->cs, s->d, rall, k);
    for (size_t i = 0; i < n; i++) {
        /* one kernel agrees with itself bit for bit */
        assert_int_equal(la[i], lt[i]);
        assert_memory_equal(&da[i], &t1[i], sizeof(float));
        assert_memory_equal(&da[i], &all[i * k + la[i]], sizeof(float));
        for (size_t j = 0; j < k; j++) {
            assert_true(all[i * k + j] >= da[i]);
            if (j < la[i])
                assert_true(all[i * k + j] > da[i]); /* lowest index on ties */
        }
        /* against the reference: the chosen centroid is as near as the
         * reference's, and distances agree */
        double tol = l2_tol(s, i, lb[i], db[i]);
        if (la[i] != lb[i] && rall[i * k + la[i]] > db[i] + 2 * tol) {
            print_error("%s nearest d=%zu point %zu: %u (ref dist %.9g) vs ref %u (%.9g)\n",
                        vci_kernels_name(kern), s->d, i, la[i],
                        (double)rall[i * k + la[i]], lb[i], (double)db[i]);
            fail();
        }
        assert_true(fabs((double)da[i] - db[i]) <= tol);
        if (k == 1) {
            assert_true(isinf(t2[i]) && isinf(r2[i]));
        } else {
            assert_true(t2[i] >= t1[i]);
            assert_true(fabs((double)t2[i] - r2[i]) <= 1e-4 * r2[i] + 2 * tol);
        }
    }
    free(la);
    free(lb);
    free(lt);
    free(da);
    free(db);
    free(t1);
    free(t2);
    free(r2);
    free(all);
    free(rall);
}

static void compare_helpers(const vci_kernels *kern, const dataset *s)
{
    const vci_kernels *ref = vci_kernels_get("scalar");
    size_t n = s->n, d = s->d, k = s->k;
    const float **rows = calloc(n, sizeof *rows);
    float *na = calloc(n, sizeof *na), *nb = calloc(n, sizeof *nb);
    uint32_t *lab = calloc(n, sizeof *lab);
    double *sa = calloc(k * d + 1, sizeof *sa), *sb = calloc(k * d + 1, sizeof *sb);
    assert_true(rows && na && nb && lab && sa && sb);
    for (size_t i = 0; i < n; i++) {
        rows[i] = s->x + i * s->xs;
        lab[i] = (uint32_t)((i * 7) % k);
    }
    vci_kern_sqnorms(kern, rows, n, d, na);
    vci_kern_sqnorms(ref, rows, n, d, nb);
    for (size_t i = 0; i < n; i++) {
        assert_true(fabs((double)na[i] - nb[i]) <= 1e-4 * nb[i] + 1e-37);
        double dd = vci_kern_sqdist_direct(kern, rows[i], s->c, d);
        double dr = vci_kern_sqdist_direct(ref, rows[i], s->c, d);
        assert_true(fabs(dd - dr) <= 1e-5 * dr + 1e-37);
    }
    vci_kern_accumulate(kern, sa, d, rows, lab, n);
    vci_kern_accumulate(ref, sb, d, rows, lab, n);
    /* float -> double and double adds in the same order: exact */
    assert_memory_equal(sa, sb, k * d * sizeof *sa);

    /* k-means++ potentials: sums of min(d2, distance) and the distances,
     * plain and two rows per vector (k <= w / 2) */
    for (int paired = 0; paired < 2; paired++) {
        size_t kk = paired ? VCI_MIN(k, (size_t)8) : k;
        vci_pack_mode mode = paired ? VCI_PACK_L2_PAIRS : VCI_PACK_L2;
        vci_cpack pa, pb;
        assert_int_equal(vci_cpack_init(&pa, kern, mode, s->c, kk, s->cs, d), VC_OK);
        assert_int_equal(vci_cpack_init(&pb, ref, mode, s->c, kk, s->cs, d), VC_OK);
        float *d2 = calloc(n, sizeof *d2), *ca = calloc(n * kk, sizeof *ca);
        float *cb = calloc(n * kk, sizeof *cb), *blk = calloc(n * kk, sizeof *blk);
        double pa_sum[72] = {0}, pb_sum[72] = {0};
        assert_true(d2 && ca && cb && blk && kk <= 72);
        for (size_t i = 0; i < n; i++) /* a previous d2: 0 .. the nearest */
            d2[i] = (float)(vci_kern_sqdist_direct(ref, rows[i], s->c, d) * 0.5 * (i % 3));
        vci_kern_potential_rows(&pa, rows, n, na, d2, false, ca, kk, pa_sum);
        vci_kern_potential_rows(&pb, rows, n, nb, d2, false, cb, kk, pb_sum);
        vci_kern_sqdist(kern, s->x, n, s->xs, s->c, kk, s->cs, d, blk, kk);
        assert_memory_equal(ca, blk, n * kk * sizeof *ca); /* the block's values */
        double scale = 0;
        for (size_t i = 0; i < n; i++)
            for (size_t l = 0; l < kk; l++) {
                double tol = l2_tol(s, i, l, cb[i * kk + l]);
                assert_true(fabs((double)ca[i * kk + l] - cb[i * kk + l]) <= tol);
                scale += tol;
            }
        for (size_t l = 0; l < kk; l++) {
            double want = 0;
            for (size_t i = 0; i < n; i++)
                want += fmin(d2[i], cb[i * kk + l]);
            assert_true(fabs(pb_sum[l] - want) <= 1e-12 * want + 1e-30);
            assert_true(fabs(pa_sum[l] - pb_sum[l]) <= 1e-4 * pb_sum[l] + scale + 1e-30);
        }
        /* fold0: d2 takes centroid 0 first; pot[0] is then the new sum */
        float *fa = calloc(n, sizeof *fa), *fb = calloc(n, sizeof *fb);
        double fa_sum[72] = {0}, fb_sum[72] = {0};
        assert_true(fa && fb);
        memcpy(fa, d2, n * sizeof *fa);
        memcpy(fb, d2, n * sizeof *fb);
        vci_kern_potential_rows(&pa, rows, n, na, fa, true, NULL, 0, fa_sum);
        vci_kern_potential_rows(&pb, rows, n, nb, fb, true, NULL, 0, fb_sum);
        double fsum = 0;
        for (size_t i = 0; i < n; i++) {
            assert_true(fa[i] == fmin(d2[i], ca[i * kk])); /* the kernel's value */
            assert_true(fb[i] == fmin(d2[i], cb[i * kk]));
            fsum += fb[i];
        }
        assert_true(fabs(fb_sum[0] - fsum) <= 1e-12 * fsum + 1e-30);
        for (size_t l = 0; l < kk; l++)
            assert_true(fabs(fa_sum[l] - fb_sum[l]) <= 1e-4 * fb_sum[l] + scale + 1e-30);
        free(fa);
        free(fb);
        vci_cpack_free(&pa);
        vci_cpack_free(&pb);
        free(d2);
        free(ca);
        free(cb);
        free(blk);
    }
    free(rows);
    free(na);
    free(nb);
    free(lab);
    free(sa);
    free(sb);
}

static void check_isa_on(const vci_kernels *kern, size_t n, size_t k, size_t d,
                         enum data_kind kind, uint64_t seed)
{
    dataset s = make_data(n, k, d, kind, seed);
    compare_blocks(kern, &s);
    compare_nearest(kern, &s);
    compare_helpers(kern, &s);
    free_data(&s);
}

static int simd_count(void)
{
    int count = 0;
    for (size_t i = 0; i < VCI_ARRAY_LEN(simd_names); i++)
        count += vci_kernels_get(simd_names[i]) != NULL;
    return count;
}

static void test_simd_vs_scalar_shapes(void **state)
{
    (void)state;
    static const size_t ds[] = {1, 2, 3, 7, 15, 16, 17, 31, 32, 33, 48, 63, 100, 130};
    static const size_t ns[] = {1, 2, 3, 5, 9, 37};
    static const size_t ks[] = {1, 2, 5, 8, 15, 16, 17, 31, 33, 64, 65, 70};
    int tested = 0;
    for (size_t a = 0; a < VCI_ARRAY_LEN(simd_names); a++) {
        const vci_kernels *kern = vci_kernels_get(simd_names[a]);
        if (!kern)
            continue;
        tested++;
        uint64_t seed = 1;
        for (size_t id = 0; id < VCI_ARRAY_LEN(ds); id++)
            for (size_t in = 0; in < VCI_ARRAY_LEN(ns); in++)
                check_isa_on(kern, ns[in], ks[(id + in) % VCI_ARRAY_LEN(ks)], ds[id],
                             DATA_RANDOM, seed++);
        for (size_t ik = 0; ik < VCI_ARRAY_LEN(ks); ik++)
            check_isa_on(kern, 41, ks[ik], 19 + ik, DATA_RANDOM, seed++);
    }
    if (tested == 0)
        skip(); /* this CPU has no SIMD kernel compiled in */
    assert_int_equal(tested, simd_count());
}

static void test_simd_vs_scalar_magnitudes(void **state)
{
    (void)state;
    if (simd_count() == 0)
        skip();
    for (size_t a = 0; a < VCI_ARRAY_LEN(simd_names); a++) {
        const vci_kernels *kern = vci_kernels_get(simd_names[a]);
        if (!kern)
            continue;
        for (enum data_kind kind = DATA_DUPLICATES; kind <= DATA_MIXED; kind++) {
            check_isa_on(kern, 13, 7, 33, kind, 100 + kind);
            check_isa_on(kern, 40, 1, 16, kind, 200 + kind);
            check_isa_on(kern, 3, 20, 5, kind, 300 + kind);
        }
    }
}

/* Points equal to centroids: distance 0 (up to the formula's bound) and
 * the right label. */
static void test_duplicates_nearest(void **state)
{
    (void)state;
    dataset s = make_data(50, 10, 24, DATA_DUPLICATES, 9);
    const char *names[] = {"scalar", "avx2", "avx512", "neon"};
    for (size_t a = 0; a < 4; a++) {
        const vci_kernels *kern = vci_kernels_get(names[a]);
        if (!kern)
            continue;
        uint32_t lab[50];
        float dist[50];
        vci_kern_nearest(kern, s.x, s.n, s.xs, s.c, s.k, s.cs, s.d, lab, dist);
        for (size_t i = 0; i < s.n; i++) {
            assert_int_equal(lab[i], i % 10);
            assert_true(dist[i] >= 0);
            assert_true(dist[i] <= vci_kern_sqdist_err(s.d, 2 * sqnorm(s.x + i * s.xs, s.d), 0));
        }
        if (strcmp(names[a], "scalar") == 0)
            for (size_t i = 0; i < s.n; i++)
                assert_true(dist[i] == 0);
    }
    free_data(&s);
}

/* Equal centroids: every kernel picks the lowest index. */
static void test_ties_lowest_index(void **state)
{
    (void)state;
    enum { K = 37, D = 5 };
    float c[K * D], x[3 * D];
    for (size_t j = 0; j < K; j++)
        for (size_t p = 0; p < D; p++)
            c[j * D + p] = (j == 4 || j == 20 || j == 36) ? 1.0f : 50.0f + (float)j;
    for (size_t p = 0; p < D; p++) {
        x[p] = 1.0f;          /* exactly on centroids 4, 20, 36 */
        x[D + p] = 1.5f;      /* nearest to them */
        x[2 * D + p] = 53.0f; /* nearest to centroid 3 */
    }
    const char *names[] = {"scalar", "avx2", "avx512", "neon"};
    for (size_t a = 0; a < 4; a++) {
        const vci_kernels *kern = vci_kernels_get(names[a]);
        if (!kern)
            continue;
        uint32_t lab[3];
        float d1[3], d2[3];
        vci_kern_top2(kern, x, 3, D, c, K, D, D, lab, d1, d2);
        assert_int_equal(lab[0], 4);
        assert_int_equal(lab[1], 4);
        assert_int_equal(lab[2], 3);
        assert_true(d1[0] == 0 && d2[0] == 0); /* the second best ties too */
        assert_true(fabs(d1[1] - 1.25) < 1e-5 && fabs(d2[1] - 1.25) < 1e-5);
        vci_kern_nearest(kern, x, 3, D, c, K, D, D, lab, NULL);
        assert_int_equal(lab[0], 4);
        assert_int_equal(lab[2], 3);
    }
}

/* Hand-computed values, through every kernel. */
static void test_hand_values(void **state)
{
    (void)state;
    const float x[2 * 3] = {1, 2, 2, 0, 0, 0};
    const float c[2 * 3] = {4, 6, 2, -1, 0, 0};
    const char *names[] = {"scalar", "avx2", "avx512", "neon"};
    for (size_t a = 0; a < 4; a++) {
        const vci_kernels *kern = vci_kernels_get(names[a]);
        if (!kern)
            continue;
        float out[4];
        vci_kern_sqdist(kern, x, 2, 3, c, 2, 3, 3, out, 2);
        assert_true(fabs(out[0] - 25.0) < 1e-5); /* 9 + 16 + 0 */
        assert_true(fabs(out[1] - 12.0) < 1e-5); /* 4 + 4 + 4 */
        assert_true(fabs(out[2] - 56.0) < 1e-5); /* |c0|^2 */
        assert_true(fabs(out[3] - 1.0) < 1e-6);
        vci_kern_dot(kern, x, 2, 3, c, 2, 3, 3, out, 2);
        assert_true(fabs(out[0] - 20.0) < 1e-5); /* 4 + 12 + 4 */
        assert_true(fabs(out[1] + 1.0) < 1e-6);
        assert_true(out[2] == 0 && out[3] == 0);
        vci_kern_cosine(kern, x, 2, 3, c, 2, 3, 3, out, 2);
        assert_true(fabs(out[0] - 20.0 / (3.0 * sqrt(56.0))) < 1e-6);
        assert_true(fabs(out[1] + 1.0 / 3.0) < 1e-6);
        assert_true(out[2] == 0 && out[3] == 0); /* zero vector: 0 by definition */
        uint32_t lab[2];
        float dist[2];
        vci_kern_nearest(kern, x, 2, 3, c, 2, 3, 3, lab, dist);
        assert_int_equal(lab[0], 1);
        assert_int_equal(lab[1], 1);
        assert_true(fabs(dist[0] - 12.0) < 1e-5 && fabs(dist[1] - 1.0) < 1e-6);
    }
}

/* The packed entry points with a pack reused after vci_cpack_update. */
static void test_pack_update(void **state)
{
    (void)state;
    dataset s = make_data(30, 21, 18, DATA_RANDOM, 77);
    const vci_kernels *kern = vci_kernels_best();
    vci_cpack pk;
    assert_int_equal(vci_cpack_init(&pk, kern, VCI_PACK_L2, s.c, s.k, s.cs, s.d), VC_OK);
    float *c2 = calloc(s.k * s.d, sizeof *c2);
    assert_non_null(c2);
    for (size_t j = 0; j < s.k; j++)
        for (size_t p = 0; p < s.d; p++)
            c2[j * s.d + p] = s.c[j * s.cs + p] * 0.5f + 1.0f;
    vci_cpack_update(&pk, c2, s.d);
    const float *rows[30];
    float xn[30], got[30 * 21], want[30 * 21];
    for (size_t i = 0; i < s.n; i++)
        rows[i] = s.x + i * s.xs;
    vci_kern_sqnorms(kern, rows, s.n, s.d, xn);
    vci_kern_block_rows(&pk, rows, s.n, xn, got, s.k);
    vci_kern_sqdist(kern, s.x, s.n, s.xs, c2, s.k, s.d, s.d, want, s.k);
    assert_memory_equal(got, want, sizeof got);
    double mx = 0;
    for (size_t j = 0; j < s.k; j++)
        mx = fmax(mx, sqnorm(c2 + j * s.d, s.d));
    assert_true(fabs(pk.cnorm_max - mx) <= 1e-12 * mx);
    vci_cpack_free(&pk);
    vci_cpack_free(&pk); /* twice is harmless */
    free(c2);
    free_data(&s);
}

static void test_selection(void **state)
{
    (void)state;
    assert_non_null(vci_kernels_get("scalar"));
    assert_null(vci_kernels_get("bogus"));
    assert_null(vci_kernels_get(NULL));
    const vci_kernels *best = vci_kernels_best();
    unsetenv("VC_KERNEL");
    assert_ptr_equal(vci_kernels_select(NULL), best);
    assert_string_equal(vc_kernel_name(NULL), vci_kernels_name(best));

    vc_options *o = NULL;
    assert_int_equal(vc_options_new(&o), VC_OK);
    assert_int_equal(vc_options_set_string(o, "kernel", "scalar"), VC_OK);
    assert_string_equal(vc_kernel_name(o), "scalar");
    /* the environment overrides only "auto" */
    setenv("VC_KERNEL", "scalar", 1);
    assert_string_equal(vc_kernel_name(NULL), "scalar");
    for (size_t a = 0; a < VCI_ARRAY_LEN(simd_names); a++) {
        const vci_kernels *k = vci_kernels_get(simd_names[a]);
        if (!k)
            continue;
        assert_int_equal(vc_options_set_string(o, "kernel", simd_names[a]), VC_OK);
        assert_string_equal(vc_kernel_name(o), simd_names[a]);
        setenv("VC_KERNEL", simd_names[a], 1);
        assert_string_equal(vc_kernel_name(NULL), simd_names[a]);
    }
    /* unknown or unsupported names fall back to the best kernel */
    setenv("VC_KERNEL", "nonsense", 1);
    assert_ptr_equal(vci_kernels_select(NULL), best);
    assert_int_equal(vc_options_set_string(o, "kernel", "avx3"), VC_ERR_RANGE);
    unsetenv("VC_KERNEL");
    vc_options_free(o);
}

int main(void)
{
    /* run the whole file on the kernel under test when VC_KERNEL is set:
     * the selection test resets the environment at its end */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand_values),
        cmocka_unit_test(test_ties_lowest_index),
        cmocka_unit_test(test_duplicates_nearest),
        cmocka_unit_test(test_pack_update),
        cmocka_unit_test(test_simd_vs_scalar_shapes),
        cmocka_unit_test(test_simd_vs_scalar_magnitudes),
        cmocka_unit_test(test_selection),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
