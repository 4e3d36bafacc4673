/*
 * test_project.c - principal components (vc_pca, vc_portrait_project)
 * against cases computed by hand and against a slow reference in this file:
 * the explicit covariance matrix and its full cyclic Jacobi eigen
 * decomposition. Also signs, degenerate data, errors, cancellation and
 * allocation failures.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fixtures.h"

#define NEAR(a, b, tol) \
    assert_true(fabs((double)(a) - (double)(b)) <= (tol))

/* ---- the slow reference ------------------------------------------------- */

typedef struct ref_pca {
    size_t d;
    double *mean;   /* [d] */
    double *val;    /* [d] eigenvalues, descending */
    double *vec;    /* [d * d] row j = eigenvector j, sign as vc_pca */
} ref_pca;

static void ref_free(ref_pca *r)
{
    free(r->mean);
    free(r->val);
    free(r->vec);
}

/* Covariance (divisor n - 1) and all eigenpairs by cyclic Jacobi until the
 * off-diagonal is negligible. */
static void ref_compute(ref_pca *r, const float *x, size_t n, size_t d,
                        size_t stride)
{
    r->d = d;
    r->mean = calloc(d, sizeof *r->mean);
    r->val = calloc(d, sizeof *r->val);
    r->vec = calloc(d * d, sizeof *r->vec);
    double *a = calloc(d * d, sizeof *a), *v = calloc(d * d, sizeof *v);
    assert_non_null(a);
    for (size_t i = 0; i < n; i++)
        for (size_t c = 0; c < d; c++)
            r->mean[c] += x[i * stride + c] / (double)n;
    for (size_t i = 0; i < n; i++)
        for (size_t p = 0; p < d; p++)
            for (size_t q = 0; q < d; q++)
                a[p * d + q] += (x[i * stride + p] - r->mean[p]) *
                                (x[i * stride + q] - r->mean[q]) / (double)(n - 1);
    for (size_t i = 0; i < d; i++)
        v[i * d + i] = 1;
    for (int sweep = 0; sweep < 200; sweep++) {
        double off = 0;
        for (size_t p = 0; p < d; p++)
            for (size_t q = p + 1; q < d; q++)
                off += a[p * d + q] * a[p * d + q];
        if (off < 1e-40)
            break;
        for (size_t p = 0; p < d; p++)
            for (size_t q = p + 1; q < d; q++) {
                if (fabs(a[p * d + q]) < 1e-300)
                    continue;
                double phi = 0.5 * atan2(2 * a[p * d + q], a[q * d + q] - a[p * d + p]);
                double c = cos(phi), s = sin(phi);
                for (size_t k = 0; k < d; k++) {
                    double akp = a[k * d + p], akq = a[k * d + q];
                    a[k * d + p] = c * akp - s * akq;
                    a[k * d + q] = s * akp + c * akq;
                }
                for (size_t k = 0; k < d; k++) {
                    double apk = a[p * d + k], aqk = a[q * d + k];
                    a[p * d + k] = c * apk - s * aqk;
                    a[q * d + k] = s * apk + c * aqk;
                }
                for (size_t k = 0; k < d; k++) {
                    double vkp = v[k * d + p], vkq = v[k * d + q];
                    v[k * d + p] = c * vkp - s * vkq;
                    v[k * d + q] = s * vkp + c * vkq;
                }
            }
    }
    bool *used = calloc(d, sizeof *used);
    for (size_t j = 0; j < d; j++) {
        size_t best = d;
        for (size_t i = 0; i < d; i++)
            if (!used[i] && (best == d || a[i * d + i] > a[best * d + best]))
                best = i;
        used[best] = true;
        r->val[j] = a[best * d + best];
        double top = 0;
        for (size_t k = 0; k < d; k++)
            top = fmax(top, fabs(v[k * d + best]));
        double sign = 1;
        for (size_t k = 0; k < d; k++)
            if (fabs(v[k * d + best]) >= top * (1 - 1e-9)) {
                sign = v[k * d + best] < 0 ? -1 : 1;
                break;
            }
        for (size_t k = 0; k < d; k++)
            r->vec[j * d + k] = sign * v[k * d + best];
    }
    free(used);
    free(a);
    free(v);
}

/* vc_pca's dims components, variances and projections against r. */
static void check_against(const ref_pca *r, const float *x, size_t n,
                          size_t stride, size_t dims)
{
    size_t d = r->d;
    float *proj = calloc(n * dims, sizeof *proj), *comp = calloc(dims * d, sizeof *comp);
    double *var = calloc(dims, sizeof *var), *expl = calloc(dims, sizeof *expl);
    assert_int_equal(vc_pca(x, n, d, stride, dims, NULL, proj, comp, var, expl), VC_OK);
    double trace = 0;
    for (size_t j = 0; j < d; j++)
        trace += r->val[j];
    for (size_t j = 0; j < dims; j++) {
        NEAR(var[j], r->val[j], 1e-7 * r->val[0]);
        NEAR(expl[j], r->val[j] / trace, 1e-7);
        for (size_t k = 0; k < d; k++)
            NEAR(comp[j * d + k], r->vec[j * d + k], 1e-5);
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < dims; j++) {
            double want = 0;
            for (size_t k = 0; k < d; k++)
                want += (x[i * stride + k] - r->mean[k]) * r->vec[j * d + k];
            NEAR(proj[i * dims + j], want, 1e-4 * (1 + fabs(want)));
        }
    free(proj);
    free(comp);
    free(var);
    free(expl);
}

/* n points in d dimensions with spread 10, 6, 3, 1.5, ... along a rotated
 * basis (planted components), from a small LCG. */
static float *planted(size_t n, size_t d, size_t stride, unsigned seed)
{
    float *x = calloc(n * stride, sizeof *x);
    uint64_t st = seed;
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < d; k++) {
            double z = 0;
            for (int t = 0; t < 12; t++) {
                st = st * 6364136223846793005ULL + 1442695040888963407ULL;
                z += (double)(st >> 11) / 9007199254740992.0;
            }
            z -= 6; /* about N(0, 1) */
            double scale = 10.0 / pow(1.7, (double)k);
            /* rotate pairs of axes by a fixed angle per pair */
            x[i * stride + k] = (float)(z * scale + 0.5 * k);
        }
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k + 1 < d; k += 2) {
            float a = x[i * stride + k], b = x[i * stride + k + 1];
            x[i * stride + k] = 0.8f * a - 0.6f * b;
            x[i * stride + k + 1] = 0.6f * a + 0.8f * b;
        }
    for (size_t i = 0; i < n; i++) /* padding that must be ignored */
        for (size_t k = d; k < stride; k++)
            x[i * stride + k] = 1e30f;
    return x;
}

/* ---- hand-computed cases -------------------------------------------------- */

static void test_axis_aligned_by_hand(void **state)
{
    (void)state;
    /* var x = (4 + 4) / 3, var y = (1 + 1) / 3: components e1, e2 */
    const float x[] = {2, 0, -2, 0, 0, 1, 0, -1};
    float proj[8], comp[4];
    double var[2], expl[2];
    assert_int_equal(vc_pca(x, 4, 2, 2, 2, NULL, proj, comp, var, expl), VC_OK);
    NEAR(var[0], 8.0 / 3, 1e-9);
    NEAR(var[1], 2.0 / 3, 1e-9);
    NEAR(expl[0], 0.8, 1e-9);
    NEAR(expl[1], 0.2, 1e-9);
    const float want_comp[] = {1, 0, 0, 1};
    for (int i = 0; i < 4; i++)
        NEAR(comp[i], want_comp[i], 1e-6);
    for (int i = 0; i < 8; i++)
        NEAR(proj[i], x[i], 1e-6);
}

static void test_diagonal_by_hand(void **state)
{
    (void)state;
    /* Rows (3,3) (-3,-3) (1,-1) (-1,1) (padded to stride 3 with junk):
     * C = [[20, 16], [16, 20]] / 3, eigenvalues 12 along (1,1)/sqrt2 and
     * 4/3 along (1,-1)/sqrt2 (first coordinate positive on the tie). */
    const float x[] = {3, 3, 99, -3, -3, 99, 1, -1, 99, -1, 1, 99};
    float proj[8], comp[4];
    double var[2], expl[2];
    assert_int_equal(vc_pca(x, 4, 2, 3, 2, NULL, proj, comp, var, expl), VC_OK);
    NEAR(var[0], 12, 1e-9);
    NEAR(var[1], 4.0 / 3, 1e-9);
    NEAR(expl[0], 0.9, 1e-9);
    NEAR(expl[1], 0.1, 1e-9);
    double h = sqrt(0.5);
    const double want_comp[] = {h, h, h, -h};
    for (int i = 0; i < 4; i++)
        NEAR(comp[i], want_comp[i], 1e-6);
    const double want_proj[] = {6 * h, 0, -6 * h, 0, 0, 2 * h, 0, -2 * h};
    for (int i = 0; i < 8; i++)
        NEAR(proj[i], want_proj[i], 1e-5);
    /* one component only: the same first column */
    float p1[4];
    assert_int_equal(vc_pca(x, 4, 2, 3, 1, NULL, p1, NULL, NULL, NULL), VC_OK);
    for (int i = 0; i < 4; i++)
        NEAR(p1[i], want_proj[2 * i], 1e-5);
}

/* ---- against the reference -------------------------------------------------- */

static void test_planted_against_jacobi(void **state)
{
    (void)state;
    const size_t n = 400, d = 13, stride = 16;
    float *x = planted(n, d, stride, 7);
    ref_pca r;
    ref_compute(&r, x, n, d, stride);
    for (size_t dims = 1; dims <= 4; dims++)
        check_against(&r, x, n, stride, dims);
    check_against(&r, x, n, stride, d); /* every component */
    ref_free(&r);
    free(x);
}

static void test_close_eigenvalues_against_jacobi(void **state)
{
    (void)state;
    /* spreads 10, 6, 3.5 ... made close: scale axis 1 to nearly axis 0 */
    const size_t n = 300, d = 9, stride = 9;
    float *x = planted(n, d, stride, 11);
    for (size_t i = 0; i < n; i++)
        x[i * stride + 2] *= 2.6f;
    ref_pca r;
    ref_compute(&r, x, n, d, stride);
    check_against(&r, x, n, stride, 3);
    ref_free(&r);
    free(x);
}

static void test_portrait_project(void **state)
{
    (void)state;
    vc_dataset *ds = fixture_synth(600, 4, 3);
    vc_portraits *pt;
    assert_int_equal(vc_portrait_build(&pt, ds, NULL), VC_OK);
    size_t n = vc_portraits_user_count(pt), d = vc_portraits_column_count(pt);
    float *feat = calloc(n * d, sizeof *feat);
    for (size_t u = 0; u < n; u++)
        assert_int_equal(vc_portraits_features(pt, u, feat + u * d, d), VC_OK);
    float *map = calloc(n * 2, sizeof *map), *again = calloc(n * 2, sizeof *again);
    double expl[2];
    assert_int_equal(vc_portrait_project(pt, 2, NULL, map, expl), VC_OK);
    assert_true(expl[0] >= expl[1] && expl[1] > 0 && expl[0] + expl[1] <= 1);
    ref_pca r;
    ref_compute(&r, feat, n, d, d);
    check_against(&r, feat, n, d, 2);
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < 2; j++) {
            double want = 0;
            for (size_t k = 0; k < d; k++)
                want += (feat[i * d + k] - r.mean[k]) * r.vec[j * d + k];
            NEAR(map[i * 2 + j], want, 1e-4 * (1 + fabs(want)));
        }
    /* deterministic, also with another thread count and seed */
    vc_options *o;
    vc_options_new(&o);
    vc_options_set_int(o, "threads", 1);
    vc_options_set_int(o, "seed", 99);
    assert_int_equal(vc_portrait_project(pt, 2, o, again, NULL), VC_OK);
    assert_memory_equal(map, again, n * 2 * sizeof *map);
    vc_options_free(o);
    ref_free(&r);
    free(map);
    free(again);
    free(feat);
    vc_portraits_free(pt);
    vc_dataset_free(ds);
}

/* ---- degenerate data ------------------------------------------------------- */

static void test_degenerate(void **state)
{
    (void)state;
    /* all points equal: zero variance, zero coordinates, orthonormal axes */
    const float same[] = {1, 2, 3, 1, 2, 3, 1, 2, 3};
    float proj[6], comp[6];
    double var[2], expl[2];
    assert_int_equal(vc_pca(same, 3, 3, 3, 2, NULL, proj, comp, var, expl), VC_OK);
    for (int i = 0; i < 6; i++)
        NEAR(proj[i], 0, 1e-6);
    for (int j = 0; j < 2; j++) {
        NEAR(var[j], 0, 1e-12);
        NEAR(expl[j], 0, 1e-12);
    }
    double dot = 0, n0 = 0, n1 = 0;
    for (int k = 0; k < 3; k++) {
        dot += comp[k] * comp[3 + k];
        n0 += comp[k] * comp[k];
        n1 += comp[3 + k] * comp[3 + k];
    }
    NEAR(dot, 0, 1e-6);
    NEAR(n0, 1, 1e-6);
    NEAR(n1, 1, 1e-6);
    /* one point; one dimension */
    float one[1];
    assert_int_equal(vc_pca(same, 1, 3, 3, 1, NULL, one, NULL, NULL, NULL), VC_OK);
    NEAR(one[0], 0, 1e-9);
    const float line[] = {1, 2, 3, 6};
    float p[4];
    double v1;
    assert_int_equal(vc_pca(line, 4, 1, 1, 1, NULL, p, NULL, &v1, NULL), VC_OK);
    NEAR(v1, 14.0 / 3, 1e-9); /* mean 3: (4 + 1 + 0 + 9) / 3 */
    NEAR(p[0], -2, 1e-6);
    NEAR(p[3], 3, 1e-6);
    /* rank one in three dimensions: the second component has variance 0 */
    const float rank1[] = {1, 2, 2, 2, 4, 4, -1, -2, -2};
    assert_int_equal(vc_pca(rank1, 3, 3, 3, 2, NULL, proj, comp, var, NULL), VC_OK);
    NEAR(var[1], 0, 1e-9);
    NEAR(comp[0], 1.0 / 3, 1e-6);
    NEAR(comp[1], 2.0 / 3, 1e-6);
    NEAR(comp[2], 2.0 / 3, 1e-6);
}

/* ---- errors and cancellation -------------------------------------------------- */

static int cancel_at_once(const char *stage, double fraction, void *ud)
{
    (void)fraction;
    assert_string_equal(stage, "project");
    ++*(int *)ud;
    return 1;
}

static void test_errors(void **state)
{
    (void)state;
    float x[] = {1, 2, 3, 4, 5, 7};
    float proj[6] = {42, 42, 42, 42, 42, 42};
    assert_int_equal(vc_pca(NULL, 3, 2, 2, 1, NULL, proj, NULL, NULL, NULL), VC_ERR_INVALID);
    assert_int_equal(vc_pca(x, 0, 2, 2, 1, NULL, proj, NULL, NULL, NULL), VC_ERR_INVALID);
    assert_int_equal(vc_pca(x, 3, 0, 2, 1, NULL, proj, NULL, NULL, NULL), VC_ERR_INVALID);
    assert_int_equal(vc_pca(x, 3, 2, 1, 1, NULL, proj, NULL, NULL, NULL), VC_ERR_INVALID);
    assert_int_equal(vc_pca(x, 3, 2, 2, 0, NULL, proj, NULL, NULL, NULL), VC_ERR_INVALID);
    assert_int_equal(vc_pca(x, 3, 2, 2, 3, NULL, proj, NULL, NULL, NULL), VC_ERR_INVALID);
    assert_non_null(strstr(vc_last_error(), "dims"));
    x[3] = NAN;
    assert_int_equal(vc_pca(x, 3, 2, 2, 1, NULL, proj, NULL, NULL, NULL), VC_ERR_RANGE);
    assert_non_null(strstr(vc_last_error(), "row 1, column 1"));
    x[3] = 4;
    vc_options *o;
    vc_options_new(&o);
    int calls = 0;
    vc_options_set_progress(o, cancel_at_once, &calls);
    double var[1] = {42};
    assert_int_equal(vc_pca(x, 3, 2, 2, 1, o, proj, NULL, var, NULL), VC_ERR_CANCELLED);
    assert_int_equal(calls, 1);
    for (int i = 0; i < 6; i++)
        assert_true(proj[i] == 42);
    assert_true(var[0] == 42);
    vc_options_free(o);
    assert_int_equal(vc_portrait_project(NULL, 2, NULL, proj, NULL), VC_ERR_INVALID);
}

/* ---- allocation failures ---------------------------------------------------- */

static struct { long live, requests, fail_at; } fault;

static void *f_malloc(size_t n, void *ud)
{
    (void)ud;
    if (++fault.requests == fault.fail_at)
        return NULL;
    void *p = malloc(n);
    fault.live += p != NULL;
    return p;
}

static void *f_realloc(void *p, size_t n, void *ud)
{
    (void)ud;
    if (++fault.requests == fault.fail_at)
        return NULL;
    return realloc(p, n);
}

static void f_free(void *p, void *ud)
{
    (void)ud;
    fault.live -= p != NULL;
    free(p);
}

static void test_allocation_failures(void **state)
{
    (void)state;
    const size_t n = 50, d = 6;
    float *x = planted(n, d, d, 3);
    float proj[100], want[100];
    assert_int_equal(vc_pca(x, n, d, d, 2, NULL, want, NULL, NULL, NULL), VC_OK);
    assert_int_equal(vc_set_allocator(f_malloc, f_realloc, f_free, NULL), VC_OK);
    long k = 1;
    for (;; k++) { /* allocation k fails, until the call makes fewer */
        fault.live = fault.requests = 0;
        fault.fail_at = k;
        for (size_t i = 0; i < 100; i++)
            proj[i] = 42;
        vc_status s = vc_pca(x, n, d, d, 2, NULL, proj, NULL, NULL, NULL);
        assert_int_equal(fault.live, 0);
        if (s == VC_OK) {
            assert_memory_equal(proj, want, sizeof want);
            break;
        }
        assert_int_equal(s, VC_ERR_NOMEM);
        for (size_t i = 0; i < 100; i++)
            assert_true(proj[i] == 42);
    }
    assert_int_equal(vc_set_allocator(NULL, NULL, NULL, NULL), VC_OK);
    assert_true(k > 5); /* the failures were met */
    free(x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_axis_aligned_by_hand),
        cmocka_unit_test(test_diagonal_by_hand),
        cmocka_unit_test(test_planted_against_jacobi),
        cmocka_unit_test(test_close_eigenvalues_against_jacobi),
        cmocka_unit_test(test_portrait_project),
        cmocka_unit_test(test_degenerate),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
