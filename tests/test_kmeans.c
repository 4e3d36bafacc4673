/*
 * test_kmeans.c - k-means and clustering scores: hand-computed tiny cases
 * for every algorithm and seeding, k = 1, n == k, duplicates and empty
 * clusters, bound-pruned (Hamerly, Elkan) == plain Lloyd exactly, byte
 * identical results for 1, 2 and 7 threads, planted blobs recovered
 * (ARI >= 0.99), choice of k, silhouette / Davies-Bouldin /
 * Calinski-Harabasz / ARI / NMI against hand-computed, naive and
 * scikit-learn values, the public Lloyd-step API (halves merged == one
 * step, serialisation), and argument / data errors with their messages.
 *
 * The kernel is the process default, so the file runs on each kernel with
 * VC_KERNEL=scalar|avx2|avx512; the exactness tests also loop over every
 * kernel the CPU has.
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
#include "kmeans_impl.h"

static const char *const all_algos[] = {"lloyd", "hamerly", "elkan", "minibatch"};
static const char *const exact_algos[] = {"lloyd", "hamerly", "elkan"};
static const char *const kernel_names[] = {"scalar", "avx2", "avx512", "neon"};

static vc_options *opts_new(uint32_t k)
{
    vc_options *o = NULL;
    assert_int_equal(vc_options_new(&o), VC_OK);
    assert_int_equal(vc_options_set_int(o, "kmeans.k", k), VC_OK);
    return o;
}

/* n points around k random centres (uniform in [-range, range]^d) with
 * Gaussian noise of the given spread; truth[i] is the planted centre. */
static float *make_blobs(size_t n, size_t d, size_t k, double range,
                         double spread, uint64_t seed, uint32_t *truth)
{
    vci_rng rng;
    vci_rng_seed(&rng, seed, 7);
    float *c = malloc(k * d * sizeof *c), *x = malloc(n * d * sizeof *x);
    assert_non_null(c);
    assert_non_null(x);
    for (size_t t = 0; t < k * d; t++)
        c[t] = (float)((vci_rng_uniform(&rng) * 2 - 1) * range);
    for (size_t i = 0; i < n; i++) {
        uint32_t j = (uint32_t)vci_rng_below(&rng, k);
        if (truth)
            truth[i] = j;
        for (size_t p = 0; p < d; p++)
            x[i * d + p] = c[j * d + p] + (float)(vci_rng_normal(&rng) * spread);
    }
    free(c);
    return x;
}

/* ---- hand-computed cases ------------------------------------------------------ */

static const float six[6 * 2] = {0, 0, 0, 2, 2, 0, 10, 10, 10, 12, 12, 10};

static void check_six(const float *c, const uint32_t *lab, double inertia,
                      bool exact_means)
{
    /* two groups; means (2/3, 2/3) and (32/3, 32/3); inertia 2 * 48/9 */
    assert_int_equal(lab[0], lab[1]);
    assert_int_equal(lab[0], lab[2]);
    assert_int_equal(lab[3], lab[4]);
    assert_int_equal(lab[3], lab[5]);
    assert_int_not_equal(lab[0], lab[3]);
    if (!exact_means) /* mini-batch: running means of sampled points */
        return;
    const float *lo = c + 2 * lab[0], *hi = c + 2 * lab[3];
    assert_true(fabs(lo[0] - 2.0 / 3) < 1e-6 && fabs(lo[1] - 2.0 / 3) < 1e-6);
    assert_true(fabs(hi[0] - 32.0 / 3) < 1e-5 && fabs(hi[1] - 32.0 / 3) < 1e-5);
    assert_true(fabs(inertia - 32.0 / 3) < 1e-5);
}

static void test_hand_six_points(void **state)
{
    (void)state;
    for (size_t kn = 0; kn < VCI_ARRAY_LEN(kernel_names); kn++) {
        if (!vci_kernels_get(kernel_names[kn]))
            continue;
        for (size_t a = 0; a < VCI_ARRAY_LEN(all_algos); a++) {
            for (int init = 0; init < 2; init++) {
                vc_options *o = opts_new(2);
                assert_int_equal(vc_options_set(o, "kernel", kernel_names[kn]), VC_OK);
                assert_int_equal(vc_options_set(o, "kmeans.algorithm", all_algos[a]), VC_OK);
                assert_int_equal(vc_options_set(o, "kmeans.init", init ? "random" : "kmeans++"),
                                 VC_OK);
                assert_int_equal(vc_options_set_int(o, "kmeans.n_init", 4), VC_OK);
                assert_int_equal(vc_options_set_int(o, "kmeans.batch_size", 16), VC_OK);
                float c[4];
                uint32_t lab[6], it = 0;
                double inertia = -1;
                assert_int_equal(vc_kmeans(six, 6, 2, 2, o, c, lab, &inertia, &it), VC_OK);
                assert_string_equal(vc_last_error(), "");
                check_six(c, lab, inertia, strcmp(all_algos[a], "minibatch") != 0);
                assert_true(it >= 1);
                vc_options_free(o);
            }
        }
    }
}

static void test_k1(void **state)
{
    (void)state;
    /* 5 points, stride 3 (a padding column that must be ignored) */
    const float x[5 * 3] = {1, 2, 99, 3, 4, 99, 5, 0, 99, -1, 6, 99, 2, 3, 99};
    for (size_t a = 0; a < VCI_ARRAY_LEN(all_algos); a++) {
        vc_options *o = opts_new(1);
        assert_int_equal(vc_options_set(o, "kmeans.algorithm", all_algos[a]), VC_OK);
        float c[2];
        uint32_t lab[5];
        double inertia;
        uint32_t it;
        assert_int_equal(vc_kmeans(x, 5, 2, 3, o, c, lab, &inertia, &it), VC_OK);
        for (size_t i = 0; i < 5; i++)
            assert_int_equal(lab[i], 0);
        if (strcmp(all_algos[a], "minibatch") != 0) {
            /* mean (2, 3); squared distances 2 + 2 + 18 + 18 + 0 */
            assert_true(fabs(c[0] - 2.0) < 1e-6 && fabs(c[1] - 3.0) < 1e-6);
            assert_true(fabs(inertia - 40.0) < 1e-9);
            assert_int_equal(it, 2); /* the second pass changes nothing */
        } else { /* running means of sampled points: near the mean */
            assert_true(fabs(c[0] - 2.0) < 1 && fabs(c[1] - 3.0) < 1);
            assert_true(inertia >= 40.0 && inertia < 45);
        }
        vc_options_free(o);
    }
}

static void test_n_equals_k(void **state)
{
    (void)state;
    enum { N = 9, D = 3 };
    float x[N * D];
    for (size_t t = 0; t < N * D; t++)
        x[t] = (float)((t * 37) % 11) - 5.0f + (float)t * 0.01f;
    for (size_t a = 0; a < VCI_ARRAY_LEN(exact_algos); a++) {
        vc_options *o = opts_new(N);
        assert_int_equal(vc_options_set(o, "kmeans.algorithm", exact_algos[a]), VC_OK);
        float c[N * D];
        uint32_t lab[N];
        double inertia;
        assert_int_equal(vc_kmeans(x, N, D, D, o, c, lab, &inertia, NULL), VC_OK);
        assert_true(inertia == 0);
        bool seen[N] = {false};
        for (size_t i = 0; i < N; i++) {
            assert_true(lab[i] < N);
            assert_false(seen[lab[i]]);
            seen[lab[i]] = true;
            assert_memory_equal(c + lab[i] * D, x + i * D, D * sizeof(float));
        }
        vc_options_free(o);
    }
}

/* 3 distinct points repeated, k = 5: duplicate centroids, ties to the
 * lowest index; still inertia 0 and every point on its centroid. */
static void test_duplicates(void **state)
{
    (void)state;
    enum { N = 30, D = 4, K = 5 };
    float x[N * D];
    for (size_t i = 0; i < N; i++)
        for (size_t p = 0; p < D; p++)
            x[i * D + p] = (float)((i % 3) * 10 + p);
    for (size_t a = 0; a < VCI_ARRAY_LEN(all_algos); a++) {
        vc_options *o = opts_new(K);
        assert_int_equal(vc_options_set(o, "kmeans.algorithm", all_algos[a]), VC_OK);
        float c[K * D];
        uint32_t lab[N];
        double inertia;
        assert_int_equal(vc_kmeans(x, N, D, D, o, c, lab, &inertia, NULL), VC_OK);
        assert_true(inertia == 0);
        for (size_t i = 0; i < N; i++) {
            assert_memory_equal(c + lab[i] * D, x + i * D, D * sizeof(float));
            assert_int_equal(lab[i], lab[i % 3]);
        }
        vc_options_free(o);
    }
}

/* A start with a centroid far from every point: its cluster is empty
 * after the first assignment and gets the point farthest from its
 * centroid; every algorithm ends with the same, non-empty clusters. */
static void test_empty_cluster_repair(void **state)
{
    (void)state;
    const size_t n = 400, d = 3, k = 4;
    float *x = make_blobs(n, d, 3, 5.0, 1.0, 17, NULL);
    const float start[4 * 3] = {x[0], x[1], x[2], x[3], x[4], x[5],
                                1000, 1000, 1000, -1000, 0, 0};
    float *xn = malloc(n * sizeof *xn);
    assert_non_null(xn);
    const vci_kernels *kern = vci_kernels_select(NULL);
    assert_int_equal(vci_km_prepare(x, n, d, d, kern, NULL, xn), VC_OK);
    vci_km_input in = {x, n, d, d, xn, kern, NULL, NULL};
    float ref_c[4 * 3];
    uint32_t *ref_lab = malloc(n * sizeof *ref_lab), *lab = malloc(n * sizeof *lab);
    assert_non_null(ref_lab);
    assert_non_null(lab);
    for (vci_km_algo a = VCI_KM_LLOYD; a <= VCI_KM_ELKAN; a++) {
        float c[4 * 3];
        memcpy(c, start, sizeof c);
        vci_km_stats st;
        assert_int_equal(vci_km_lloyd(&in, (uint32_t)k, a, 50, 0, c, lab, &st, 0, 1), VC_OK);
        size_t count[4] = {0};
        for (size_t i = 0; i < n; i++)
            count[lab[i]]++;
        for (size_t j = 0; j < k; j++)
            assert_true(count[j] > 0);
        for (size_t p = 0; p < k * d; p++)
            assert_true(fabs(c[p]) < 100); /* the far centroids came back */
        if (a == VCI_KM_LLOYD) {
            memcpy(ref_c, c, sizeof c);
            memcpy(ref_lab, lab, n * sizeof *lab);
        } else {
            assert_memory_equal(c, ref_c, sizeof c);
            assert_memory_equal(lab, ref_lab, n * sizeof *lab);
        }
    }
    free(x);
    free(xn);
    free(ref_lab);
    free(lab);
}

/* ---- exactness and determinism ------------------------------------------------------ */

typedef struct result {
    float *c;
    uint32_t *lab;
    double inertia;
    uint32_t it;
} result;

static result run(const float *x, size_t n, size_t d, vc_options *o, size_t k)
{
    result r = {malloc(k * d * sizeof(float)), malloc(n * sizeof(uint32_t)), 0, 0};
    assert_non_null(r.c);
    assert_non_null(r.lab);
    vc_status s = vc_kmeans(x, n, d, d, o, r.c, r.lab, &r.inertia, &r.it);
    if (s != VC_OK)
        print_error("vc_kmeans: %s\n", vc_last_error());
    assert_int_equal(s, VC_OK);
    return r;
}

static void assert_same(const result *a, const result *b, size_t n, size_t kd)
{
    assert_memory_equal(a->c, b->c, kd * sizeof(float));
    assert_memory_equal(a->lab, b->lab, n * sizeof(uint32_t));
    assert_memory_equal(&a->inertia, &b->inertia, sizeof(double));
    assert_int_equal(a->it, b->it);
}

static void free_result(result *r)
{
    free(r->c);
    free(r->lab);
}

static void test_pruned_equals_plain(void **state)
{
    (void)state;
    /* overlapping blobs: labels keep changing for many iterations */
    static const size_t shapes[][3] = {{3000, 2, 7}, {5000, 17, 40}, {2000, 70, 5},
                                       {9000, 8, 100}, {700, 33, 1}};
    for (size_t kn = 0; kn < VCI_ARRAY_LEN(kernel_names); kn++) {
        if (!vci_kernels_get(kernel_names[kn]))
            continue;
        for (size_t sh = 0; sh < VCI_ARRAY_LEN(shapes); sh++) {
            size_t n = shapes[sh][0], d = shapes[sh][1], k = shapes[sh][2];
            float *x = make_blobs(n, d, k > 1 ? k / 2 + 1 : 1, 3.0, 1.0, 11 + sh, NULL);
            result ref = {0};
            for (size_t a = 0; a < VCI_ARRAY_LEN(exact_algos); a++) {
                vc_options *o = opts_new((uint32_t)k);
                assert_int_equal(vc_options_set(o, "kernel", kernel_names[kn]), VC_OK);
                assert_int_equal(vc_options_set(o, "kmeans.algorithm", exact_algos[a]), VC_OK);
                assert_int_equal(vc_options_set_float(o, "kmeans.tol", 0), VC_OK);
                assert_int_equal(vc_options_set_int(o, "kmeans.max_iter", 60), VC_OK);
                result r = run(x, n, d, o, k);
                if (a == 0) {
                    ref = r;
                    if (k > 1)
                        assert_true(ref.it > 3); /* a real trajectory */
                } else {
                    assert_same(&ref, &r, n, k * d);
                    free_result(&r);
                }
                vc_options_free(o);
            }
            free_result(&ref);
            free(x);
        }
    }
}

static void test_thread_determinism(void **state)
{
    (void)state;
    const size_t n = 21000, d = 10, k = 12; /* several blocks, a partial last one */
    float *x = make_blobs(n, d, 9, 4.0, 1.5, 5, NULL);
    for (size_t a = 0; a < VCI_ARRAY_LEN(all_algos); a++) {
        result ref = {0};
        static const int threads[] = {1, 2, 7};
        for (size_t t = 0; t < 3; t++) {
            vc_options *o = opts_new((uint32_t)k);
            assert_int_equal(vc_options_set(o, "kmeans.algorithm", all_algos[a]), VC_OK);
            assert_int_equal(vc_options_set_int(o, "threads", threads[t]), VC_OK);
            assert_int_equal(vc_options_set_int(o, "kmeans.n_init", 2), VC_OK);
            assert_int_equal(vc_options_set_int(o, "seed", 1234), VC_OK);
            result r = run(x, n, d, o, k);
            if (t == 0) {
                ref = r;
            } else {
                assert_same(&ref, &r, n, k * d);
                free_result(&r);
            }
            vc_options_free(o);
        }
        /* another seed gives another (valid) result */
        vc_options *o = opts_new((uint32_t)k);
        assert_int_equal(vc_options_set(o, "kmeans.algorithm", all_algos[a]), VC_OK);
        assert_int_equal(vc_options_set_int(o, "seed", 99), VC_OK);
        result r = run(x, n, d, o, k);
        assert_true(memcmp(r.c, ref.c, k * d * sizeof(float)) != 0);
        free_result(&r);
        vc_options_free(o);
        free_result(&ref);
    }
    free(x);
}

/* ---- quality on planted data ----------------------------------------------------------- */

static void test_planted_blobs(void **state)
{
    (void)state;
    const size_t n = 8000, d = 16, k = 10;
    uint32_t *truth = malloc(n * sizeof *truth), *lab = malloc(n * sizeof *lab);
    assert_non_null(truth);
    assert_non_null(lab);
    float *x = make_blobs(n, d, k, 10.0, 0.5, 3, truth);
    for (size_t a = 0; a < VCI_ARRAY_LEN(all_algos); a++) {
        vc_options *o = opts_new((uint32_t)k);
        assert_int_equal(vc_options_set(o, "kmeans.algorithm", all_algos[a]), VC_OK);
        assert_int_equal(vc_options_set_int(o, "kmeans.n_init", 3), VC_OK);
        double inertia;
        assert_int_equal(vc_kmeans(x, n, d, d, o, NULL, lab, &inertia, NULL), VC_OK);
        double ari = vci_ari(truth, lab, n), nmi = vci_nmi(truth, lab, n);
        if (ari < 0.99)
            print_error("%s: ARI %.4f\n", all_algos[a], ari);
        assert_true(ari >= 0.99);
        assert_true(nmi >= 0.98);
        /* inertia ~ n * d * spread^2 when the blobs are recovered */
        assert_true(inertia < 1.2 * n * d * 0.25);
        vc_options_free(o);
    }
    free(x);
    free(truth);
    free(lab);
}

static void test_choose_k(void **state)
{
    (void)state;
    const size_t n = 1500, d = 5;
    float *x = make_blobs(n, d, 4, 10.0, 0.4, 8, NULL);
    static const char *const crits[] = {"silhouette", "calinski_harabasz", "davies_bouldin",
                                        "gap"};
    for (size_t c = 0; c < 4; c++) {
        vc_options *o = opts_new(2);
        assert_int_equal(vc_options_set(o, "kmeans.k_criterion", crits[c]), VC_OK);
        assert_int_equal(vc_options_set_int(o, "kmeans.n_init", 2), VC_OK);
        uint32_t best = 0;
        double scores[6];
        assert_int_equal(vc_kmeans_choose_k(x, n, d, d, 2, 7, o, &best, scores), VC_OK);
        assert_int_equal(best, 4);
        for (size_t t = 0; t < 6; t++)
            assert_true(isfinite(scores[t]));
        vc_options_free(o);
    }
    uint32_t best = 77;
    assert_int_equal(vc_kmeans_choose_k(x, n, d, d, 1, 5, NULL, &best, NULL), VC_ERR_INVALID);
    assert_non_null(strstr(vc_last_error(), "k_min"));
    assert_int_equal(vc_kmeans_choose_k(x, n, d, d, 5, 4, NULL, &best, NULL), VC_ERR_INVALID);
    assert_int_equal(best, 77);
    free(x);
}

/* Three blobs of unit spread, two of them 5 apart and the third 20 away,
 * offset along random directions (not along the axes: the gap rule's
 * reference permutes each column, which keeps clusters that differ in one
 * column only). The silhouette prefers to merge the close pair (k = 2);
 * the gap rule finds all three, with the same choice and scores for any
 * thread count, and stops at the number of distinct points when they are
 * fewer than k_max. */
static void test_choose_k_gap(void **state)
{
    (void)state;
    const size_t n = 900, d = 8;
    float *x = malloc(n * d * sizeof *x);
    double dir[2][8], len[2] = {0, 0};
    vci_rng rng;
    vci_rng_seed(&rng, 1, 0);
    for (size_t p = 0; p < d; p++)
        for (int j = 0; j < 2; j++) {
            dir[j][p] = vci_rng_normal(&rng);
            len[j] += dir[j][p] * dir[j][p];
        }
    for (size_t i = 0; i < n; i++)
        for (size_t p = 0; p < d; p++) {
            double c = i % 3 == 1 ? 5 * dir[0][p] / sqrt(len[0])
                       : i % 3 == 2 ? 20 * dir[1][p] / sqrt(len[1]) : 0;
            x[i * d + p] = (float)(c + vci_rng_normal(&rng));
        }
    uint32_t best = 0;
    vc_options *o = opts_new(2);
    assert_int_equal(vc_kmeans_choose_k(x, n, d, d, 2, 6, o, &best, NULL), VC_OK);
    assert_int_equal(best, 2); /* silhouette: the close pair is one cluster */
    double sc[2][5];
    for (int t = 0; t < 2; t++) {
        assert_int_equal(vc_options_set(o, "kmeans.k_criterion", "gap"), VC_OK);
        /* restarts keep k-means' local optima from widening the references' spread */
        assert_int_equal(vc_options_set_int(o, "kmeans.n_init", 3), VC_OK);
        assert_int_equal(vc_options_set_int(o, "threads", t ? 3 : 1), VC_OK);
        assert_int_equal(vc_kmeans_choose_k(x, n, d, d, 2, 6, o, &best, sc[t]), VC_OK);
        assert_int_equal(best, 3);
        assert_true(sc[t][1] > sc[t][0]); /* the gap grows from 2 to 3 */
    }
    assert_memory_equal(sc[0], sc[1], sizeof sc[0]);
    /* four distinct points, repeated: W reaches 0 at k = 4 */
    for (size_t i = 0; i < n; i++)
        for (size_t p = 0; p < d; p++)
            x[i * d + p] = (float)((i % 4) * 10 + p);
    assert_int_equal(vc_kmeans_choose_k(x, n, d, d, 2, 8, o, &best, NULL), VC_OK);
    assert_int_equal(best, 4);
    vc_options_free(o);
    free(x);
}

/* ---- scores ----------------------------------------------------------------------------- */

/* The silhouette straight from its definition. */
static double naive_silhouette(const float *x, size_t n, size_t d,
                               const uint32_t *lab, uint32_t k)
{
    double total = 0;
    for (size_t i = 0; i < n; i++) {
        double sum[16] = {0}, cnt[16] = {0};
        for (size_t q = 0; q < n; q++) {
            if (q == i)
                continue;
            double s = 0;
            for (size_t p = 0; p < d; p++)
                s += ((double)x[i * d + p] - x[q * d + p]) * ((double)x[i * d + p] - x[q * d + p]);
            sum[lab[q]] += sqrt(s);
            cnt[lab[q]]++;
        }
        if (cnt[lab[i]] == 0)
            continue;
        double a = sum[lab[i]] / cnt[lab[i]], b = INFINITY;
        for (uint32_t j = 0; j < k; j++)
            if (j != lab[i] && cnt[j] > 0)
                b = fmin(b, sum[j] / cnt[j]);
        total += (b - a) / fmax(a, b);
    }
    return total / n;
}

static void test_silhouette(void **state)
{
    (void)state;
    /* by hand: {0, 1} and {10, 11} on a line: s = 9.5/10.5 for the outer
     * points and 8.5/9.5 for the inner ones */
    const float line[4] = {0, 1, 10, 11};
    const uint32_t ll[4] = {3, 3, 8, 8};
    double v = 0;
    assert_int_equal(vc_score_silhouette(line, 4, 1, 1, ll, NULL, &v), VC_OK);
    assert_true(fabs(v - (9.5 / 10.5 + 8.5 / 9.5) / 2) < 1e-6);

    /* 6 points in 2-d (scikit-learn: 0.880497768278358, 0.20273065400589693) */
    const float x6[12] = {0, 0, 0, 1, 1, 0, 10, 10, 10, 11, 13, 10};
    const uint32_t l6[6] = {0, 0, 0, 1, 1, 1}, m6[6] = {0, 0, 1, 1, 2, 2};
    assert_int_equal(vc_score_silhouette(x6, 6, 2, 2, l6, NULL, &v), VC_OK);
    assert_true(fabs(v - 0.880497768278358) < 1e-6);
    assert_true(fabs(v - naive_silhouette(x6, 6, 2, l6, 2)) < 1e-6);
    assert_int_equal(vc_score_silhouette(x6, 6, 2, 2, m6, NULL, &v), VC_OK);
    assert_true(fabs(v - 0.20273065400589693) < 1e-6);

    /* random data: exact up to the sample size, a close estimate above */
    const size_t n = 600, d = 6;
    uint32_t *truth = malloc(n * sizeof *truth);
    assert_non_null(truth);
    float *x = make_blobs(n, d, 5, 3.0, 1.0, 21, truth);
    double exact = naive_silhouette(x, n, d, truth, 5), s1 = 0, s2 = 0;
    assert_int_equal(vc_score_silhouette(x, n, d, d, truth, NULL, &v), VC_OK);
    assert_true(fabs(v - exact) < 1e-5);
    assert_int_equal(vci_silhouette(x, n, d, d, truth, 5, 1000, 1, NULL, &s1), VC_OK);
    assert_true(fabs(s1 - exact) < 1e-5);
    vc_options *o = opts_new(2);
    assert_int_equal(vc_options_set_int(o, "kmeans.silhouette_sample", 300), VC_OK);
    assert_int_equal(vc_score_silhouette(x, n, d, d, truth, o, &s1), VC_OK);
    assert_int_equal(vc_options_set_int(o, "threads", 3), VC_OK);
    assert_int_equal(vc_score_silhouette(x, n, d, d, truth, o, &s2), VC_OK);
    assert_memory_equal(&s1, &s2, sizeof s1); /* deterministic */
    assert_true(s1 != exact && fabs(s1 - exact) < 0.05);
    vc_options_free(o);
    free(x);
    free(truth);
}

/* Davies-Bouldin and Calinski-Harabasz straight from their definitions. */
static void naive_db_ch(const float *x, size_t n, size_t d, const uint32_t *lab,
                        uint32_t k, double *db, double *ch)
{
    double mu[16 * 16] = {0}, cnt[16] = {0}, all[16] = {0}, sc[16] = {0};
    for (size_t i = 0; i < n; i++) {
        cnt[lab[i]]++;
        for (size_t p = 0; p < d; p++) {
            mu[lab[i] * d + p] += x[i * d + p];
            all[p] += x[i * d + p] / (double)n;
        }
    }
    for (uint32_t j = 0; j < k; j++)
        for (size_t p = 0; p < d; p++)
            mu[j * d + p] /= cnt[j];
    double w = 0, b = 0;
    for (size_t i = 0; i < n; i++) {
        double s = 0;
        for (size_t p = 0; p < d; p++)
            s += (x[i * d + p] - mu[lab[i] * d + p]) * (x[i * d + p] - mu[lab[i] * d + p]);
        w += s;
        sc[lab[i]] += sqrt(s) / cnt[lab[i]];
    }
    *db = 0;
    for (uint32_t i = 0; i < k; i++) {
        double s = 0, worst = 0;
        for (size_t p = 0; p < d; p++)
            s += (mu[i * d + p] - all[p]) * (mu[i * d + p] - all[p]);
        b += cnt[i] * s;
        for (uint32_t j = 0; j < k; j++) {
            if (j == i)
                continue;
            double m = 0;
            for (size_t p = 0; p < d; p++)
                m += (mu[i * d + p] - mu[j * d + p]) * (mu[i * d + p] - mu[j * d + p]);
            worst = fmax(worst, (sc[i] + sc[j]) / sqrt(m));
        }
        *db += worst / k;
    }
    *ch = b * (double)(n - k) / (w * (k - 1));
}

static void test_db_ch(void **state)
{
    (void)state;
    const float x6[12] = {0, 0, 0, 1, 1, 0, 10, 10, 10, 11, 13, 10};
    const uint32_t l6[6] = {0, 0, 0, 1, 1, 1}, m6[6] = {0, 0, 1, 1, 2, 2};
    double db, ch;
    /* scikit-learn's values */
    assert_int_equal(vc_score_davies_bouldin(x6, 6, 2, 2, l6, &db), VC_OK);
    assert_int_equal(vc_score_calinski_harabasz(x6, 6, 2, 2, l6, &ch), VC_OK);
    assert_true(fabs(db - 0.14238849519892455) < 1e-12);
    assert_true(fabs(ch - 160.33333333333337) < 1e-9);
    assert_int_equal(vc_score_davies_bouldin(x6, 6, 2, 2, m6, &db), VC_OK);
    assert_int_equal(vc_score_calinski_harabasz(x6, 6, 2, 2, m6, &ch), VC_OK);
    assert_true(fabs(db - 1.0194556317693073) < 1e-12);
    assert_true(fabs(ch - 3.635416666666666) < 1e-12);

    const size_t n = 500, d = 7;
    uint32_t *lab = malloc(n * sizeof *lab);
    assert_non_null(lab);
    float *x = make_blobs(n, d, 6, 4.0, 1.0, 31, lab);
    double rdb, rch;
    naive_db_ch(x, n, d, lab, 6, &rdb, &rch);
    assert_int_equal(vc_score_davies_bouldin(x, n, d, d, lab, &db), VC_OK);
    assert_int_equal(vc_score_calinski_harabasz(x, n, d, d, lab, &ch), VC_OK);
    assert_true(fabs(db - rdb) < 1e-9 * rdb);
    assert_true(fabs(ch - rch) < 1e-9 * rch);
    /* labels are renumbered: any uint32 values */
    for (size_t i = 0; i < n; i++)
        lab[i] = lab[i] * 1000003u + 17u;
    double db2;
    assert_int_equal(vc_score_davies_bouldin(x, n, d, d, lab, &db2), VC_OK);
    assert_true(fabs(db2 - db) < 1e-12 * db);
    free(x);
    free(lab);
}

static void test_ari_nmi(void **state)
{
    (void)state;
    /* scikit-learn's values */
    static const struct {
        size_t n;
        uint32_t a[7], b[7];
        double ari, nmi;
    } cases[] = {
        {4, {0, 0, 1, 1}, {1, 1, 0, 0}, 1.0, 1.0},
        {4, {0, 0, 1, 2}, {0, 0, 1, 1}, 0.5714285714285714, 0.7999999999999999},
        {4, {0, 0, 0, 0}, {0, 1, 2, 3}, 0.0, 0.0},
        {6, {0, 0, 1, 1, 2, 2}, {0, 0, 1, 2, 2, 2}, 0.4444444444444444, 0.7396673768007591},
        {7, {5, 5, 7, 7, 9, 9, 9}, {1, 2, 1, 2, 1, 2, 1}, -0.23529411764705882,
         0.01592850062074743},
        {3, {4, 4, 4}, {9, 9, 9}, 1.0, 1.0},
    };
    for (size_t c = 0; c < VCI_ARRAY_LEN(cases); c++) {
        double ari = NAN, nmi = NAN;
        assert_int_equal(vc_score_ari(cases[c].a, cases[c].b, cases[c].n, &ari), VC_OK);
        assert_int_equal(vc_score_nmi(cases[c].a, cases[c].b, cases[c].n, &nmi), VC_OK);
        assert_true(fabs(ari - cases[c].ari) < 1e-12);
        assert_true(fabs(nmi - cases[c].nmi) < 1e-12);
        assert_true(fabs(vci_ari(cases[c].a, cases[c].b, cases[c].n) - ari) < 1e-15);
        assert_true(fabs(vci_nmi(cases[c].a, cases[c].b, cases[c].n) - nmi) < 1e-15);
    }
    double v;
    assert_int_equal(vc_score_ari(NULL, cases[0].b, 4, &v), VC_ERR_INVALID);
    assert_int_equal(vc_score_nmi(cases[0].a, cases[0].b, 0, &v), VC_ERR_INVALID);
    assert_non_null(strstr(vc_last_error(), "no points"));
}

static void test_score_errors(void **state)
{
    (void)state;
    float x6[12] = {0, 0, 0, 1, 1, 0, 10, 10, 10, 11, 13, 10};
    const uint32_t one[6] = {2, 2, 2, 2, 2, 2}, every[6] = {0, 1, 2, 3, 4, 5};
    const uint32_t l6[6] = {0, 0, 0, 1, 1, 1};
    double v = 42;
    assert_int_equal(vc_score_silhouette(x6, 6, 2, 2, one, NULL, &v), VC_ERR_INVALID);
    assert_non_null(strstr(vc_last_error(), "clusters"));
    assert_int_equal(vc_score_davies_bouldin(x6, 6, 2, 2, every, &v), VC_ERR_INVALID);
    assert_int_equal(vc_score_calinski_harabasz(x6, 6, 2, 1, l6, &v), VC_ERR_INVALID);
    assert_non_null(strstr(vc_last_error(), "stride"));
    x6[9] = NAN;
    assert_int_equal(vc_score_calinski_harabasz(x6, 6, 2, 2, l6, &v), VC_ERR_RANGE);
    assert_non_null(strstr(vc_last_error(), "row 4, column 1"));
    assert_true(v == 42);
}

/* ---- the public Lloyd-step API ---------------------------------------------------------- */

static vc_kmeans_acc *acc_new(size_t k, size_t d)
{
    vc_kmeans_acc *a = NULL;
    assert_int_equal(vc_kmeans_acc_new(&a, k, d), VC_OK);
    assert_non_null(a);
    return a;
}

static void test_step_api(void **state)
{
    (void)state;
    const size_t n = 20000, d = 9, k = 13, half = 8192; /* two multiples of 4096 */
    float *x = make_blobs(n, d, 8, 5.0, 1.0, 41, NULL);
    float c0[13 * 9];
    for (size_t j = 0; j < k; j++) /* every 1000th point as a start */
        memcpy(c0 + j * d, x + j * 1000 * d, d * sizeof(float));

    /* one step over everything */
    vc_kmeans_acc *full = acc_new(k, d);
    uint32_t *lab = malloc(n * sizeof *lab), *lab2 = malloc(n * sizeof *lab2);
    assert_non_null(lab);
    assert_non_null(lab2);
    assert_int_equal(vc_kmeans_assign(full, x, n, d, c0, NULL, lab), VC_OK);
    float cf[13 * 9];
    uint64_t cnt[13];
    double inertia_full;
    assert_int_equal(vc_kmeans_acc_finish(full, c0, cf, cnt, &inertia_full), VC_OK);

    /* against the definition: means of the points nearest to each start */
    double mean[13 * 9] = {0}, naive_inertia = 0;
    uint64_t ncnt[13] = {0};
    for (size_t i = 0; i < n; i++) {
        double best = INFINITY;
        uint32_t bj = 0;
        for (uint32_t j = 0; j < k; j++) {
            double s = 0;
            for (size_t p = 0; p < d; p++)
                s += ((double)x[i * d + p] - c0[j * d + p]) * ((double)x[i * d + p] - c0[j * d + p]);
            if (s < best) {
                best = s;
                bj = j;
            }
        }
        naive_inertia += best;
        ncnt[bj]++;
        for (size_t p = 0; p < d; p++)
            mean[bj * d + p] += x[i * d + p];
    }
    uint64_t total = 0;
    for (size_t j = 0; j < k; j++) {
        assert_int_equal(cnt[j], ncnt[j]);
        total += cnt[j];
        for (size_t p = 0; p < d && cnt[j]; p++)
            assert_true(fabs(cf[j * d + p] - mean[j * d + p] / cnt[j]) <=
                        1e-5 * (1 + fabs(cf[j * d + p])));
    }
    assert_int_equal(total, n);
    assert_true(fabs(inertia_full - naive_inertia) <= 1e-5 * naive_inertia);

    /* two halves accumulated apart (one of them in another "process",
     * through bytes), merged: the same step exactly */
    vc_kmeans_acc *a = acc_new(k, d), *b = acc_new(k, d), *b2 = NULL;
    vc_options *o = opts_new(2);
    assert_int_equal(vc_options_set_int(o, "threads", 3), VC_OK);
    assert_int_equal(vc_kmeans_assign(a, x, half, d, c0, o, lab2), VC_OK);
    assert_int_equal(vc_kmeans_assign(b, x + half * d, n - half, d, c0, NULL, lab2 + half),
                     VC_OK);
    assert_memory_equal(lab, lab2, n * sizeof *lab);
    size_t size = 0;
    assert_int_equal(vc_kmeans_acc_serialize(b, NULL, 0, &size), VC_OK);
    assert_int_equal(size, 48 + 8 * k + 16 * k * d);
    unsigned char *bytes = malloc(size);
    assert_non_null(bytes);
    assert_int_equal(vc_kmeans_acc_serialize(b, bytes, size - 1, &size), VC_ERR_BUFFER);
    assert_int_equal(vc_kmeans_acc_serialize(b, bytes, size, &size), VC_OK);
    assert_int_equal(vc_kmeans_acc_deserialize(&b2, bytes, size), VC_OK);
    assert_int_equal(vc_kmeans_acc_merge(a, b2), VC_OK);
    float cm[13 * 9];
    uint64_t cnt2[13];
    double inertia2;
    assert_int_equal(vc_kmeans_acc_finish(a, c0, cm, cnt2, &inertia2), VC_OK);
    assert_memory_equal(cm, cf, sizeof cm);
    assert_memory_equal(cnt2, cnt, sizeof cnt);
    assert_true(fabs(inertia2 - inertia_full) <= 1e-15 * inertia_full);

    /* an uneven split merges to the same counts and (nearly) the same means */
    assert_int_equal(vc_kmeans_acc_reset(a), VC_OK);
    assert_int_equal(vc_kmeans_acc_reset(b), VC_OK);
    assert_int_equal(vc_kmeans_assign(a, x, 5001, d, c0, NULL, NULL), VC_OK);
    assert_int_equal(vc_kmeans_assign(b, x + 5001 * d, n - 5001, d, c0, NULL, NULL), VC_OK);
    assert_int_equal(vc_kmeans_acc_merge(b, a), VC_OK);
    assert_int_equal(vc_kmeans_acc_finish(b, c0, cm, cnt2, NULL), VC_OK);
    assert_memory_equal(cnt2, cnt, sizeof cnt);
    for (size_t t = 0; t < k * d; t++)
        assert_true(fabs(cm[t] - cf[t]) <= 1e-6 * (1 + fabs(cf[t])));

    /* corrupted bytes are refused */
    vc_kmeans_acc *bad = (vc_kmeans_acc *)1;
    bytes[0] ^= 1;
    assert_int_equal(vc_kmeans_acc_deserialize(&bad, bytes, size), VC_ERR_FORMAT);
    assert_null(bad);
    bytes[0] ^= 1;
    assert_int_equal(vc_kmeans_acc_deserialize(&bad, bytes, size - 8), VC_ERR_FORMAT);
    bytes[48] ^= 0x40; /* a count: no longer sums to the points */
    assert_int_equal(vc_kmeans_acc_deserialize(&bad, bytes, size), VC_ERR_FORMAT);
    assert_non_null(strstr(vc_last_error(), "inconsistent"));

    /* errors name the problem and leave things as they were */
    vc_kmeans_acc *z = (vc_kmeans_acc *)1;
    assert_int_equal(vc_kmeans_acc_new(&z, 0, 3), VC_ERR_INVALID);
    assert_null(z);
    assert_int_equal(vc_kmeans_acc_new(&z, 3, 0), VC_ERR_INVALID);
    vc_kmeans_acc *other = acc_new(k, d + 1);
    assert_int_equal(vc_kmeans_acc_merge(a, other), VC_ERR_INVALID);
    assert_non_null(strstr(vc_last_error(), "shapes differ"));
    assert_int_equal(vc_kmeans_acc_merge(a, a), VC_ERR_INVALID);
    assert_int_equal(vc_kmeans_assign(a, x, 10, d - 1, c0, NULL, NULL), VC_ERR_INVALID);
    assert_non_null(strstr(vc_last_error(), "stride"));
    float xbad[2 * 9];
    memcpy(xbad, x, sizeof xbad);
    xbad[9 + 4] = INFINITY;
    double before;
    assert_int_equal(vc_kmeans_acc_finish(b, c0, cm, NULL, &before), VC_OK);
    assert_int_equal(vc_kmeans_assign(b, xbad, 2, d, c0, NULL, NULL), VC_ERR_RANGE);
    assert_non_null(strstr(vc_last_error(), "row 1, column 4"));
    double after;
    assert_int_equal(vc_kmeans_acc_finish(b, c0, cm, NULL, &after), VC_OK);
    assert_memory_equal(&before, &after, sizeof before);
    assert_int_equal(vc_kmeans_acc_finish(NULL, c0, cm, NULL, NULL), VC_ERR_INVALID);
    vc_kmeans_acc_free(NULL);

    vc_kmeans_acc_free(full);
    vc_kmeans_acc_free(a);
    vc_kmeans_acc_free(b);
    vc_kmeans_acc_free(b2);
    vc_kmeans_acc_free(other);
    vc_options_free(o);
    free(bytes);
    free(lab);
    free(lab2);
    free(x);
}

/* ---- errors ------------------------------------------------------------------------------ */

static int cancel_at_half(const char *stage, double fraction, void *ud)
{
    (void)ud;
    assert_string_equal(stage, "kmeans");
    return fraction >= 0.5;
}

static void test_errors(void **state)
{
    (void)state;
    float x[10 * 3];
    for (size_t t = 0; t < 30; t++)
        x[t] = (float)t;
    float c[4 * 3];
    uint32_t lab[10];
    double inertia = -7;
    uint32_t it = 77;
    for (size_t t = 0; t < 12; t++)
        c[t] = -1;
    for (size_t i = 0; i < 10; i++)
        lab[i] = 55;
    vc_options *o = opts_new(4);
    assert_int_equal(vc_kmeans(NULL, 10, 3, 3, o, c, lab, &inertia, &it), VC_ERR_INVALID);
    assert_non_null(strstr(vc_last_error(), "NULL"));
    assert_int_equal(vc_kmeans(x, 10, 0, 3, o, c, lab, &inertia, &it), VC_ERR_INVALID);
    assert_non_null(strstr(vc_last_error(), "d must"));
    assert_int_equal(vc_kmeans(x, 10, 3, 2, o, c, lab, &inertia, &it), VC_ERR_INVALID);
    assert_non_null(strstr(vc_last_error(), "stride"));
    assert_int_equal(vc_kmeans(x, 3, 3, 3, o, c, lab, &inertia, &it), VC_ERR_INVALID);
    assert_non_null(strstr(vc_last_error(), "n < k") || strstr(vc_last_error(), "cannot make"));
    x[7 * 3 + 2] = NAN;
    assert_int_equal(vc_kmeans(x, 10, 3, 3, o, c, lab, &inertia, &it), VC_ERR_RANGE);
    assert_non_null(strstr(vc_last_error(), "row 7, column 2"));
    x[7 * 3 + 2] = 3e30f; /* finite, but its square overflows */
    assert_int_equal(vc_kmeans(x, 10, 3, 3, o, c, lab, &inertia, &it), VC_ERR_RANGE);
    assert_non_null(strstr(vc_last_error(), "row 7"));
    x[7 * 3 + 2] = 23;
    /* cancellation through the progress callback */
    assert_int_equal(vc_options_set_progress(o, cancel_at_half, NULL), VC_OK);
    assert_int_equal(vc_options_set_int(o, "kmeans.n_init", 2), VC_OK);
    assert_int_equal(vc_kmeans(x, 10, 3, 3, o, c, lab, &inertia, &it), VC_ERR_CANCELLED);
    /* outputs untouched by every failure */
    for (size_t t = 0; t < 12; t++)
        assert_true(c[t] == -1);
    for (size_t i = 0; i < 10; i++)
        assert_int_equal(lab[i], 55);
    assert_true(inertia == -7 && it == 77);
    /* and the success after them clears the message */
    assert_int_equal(vc_options_set_progress(o, NULL, NULL), VC_OK);
    assert_int_equal(vc_kmeans(x, 10, 3, 3, o, c, lab, &inertia, &it), VC_OK);
    assert_string_equal(vc_last_error(), "");
    assert_int_equal(vc_options_set(o, "kmeans.algorithm", "fastest"), VC_ERR_RANGE);
    assert_int_equal(vc_options_set(o, "kmeans.init", "kmeans||"), VC_ERR_RANGE);
    vc_options_free(o);
}

/* The internal entry point other folders use: k as argument, a pool. */
static void test_internal_run(void **state)
{
    (void)state;
    const size_t n = 3000, d = 4;
    float *x = make_blobs(n, d, 3, 8.0, 0.3, 2, NULL);
    vci_pool *pool;
    assert_int_equal(vci_pool_new(&pool, 2), VC_OK);
    float c[3 * 4];
    uint32_t *lab = malloc(n * sizeof *lab);
    assert_non_null(lab);
    double inertia;
    uint32_t it;
    assert_int_equal(vci_kmeans_run(x, n, d, d, 3, NULL, pool, c, lab, &inertia, &it),
                     VC_OK);
    double check;
    assert_int_equal(vc_score_calinski_harabasz(x, n, d, d, lab, &check), VC_OK);
    assert_true(check > 1000); /* well separated */
    assert_int_equal(vci_kmeans_run(x, n, d, d, 0, NULL, pool, c, lab, NULL, NULL),
                     VC_ERR_INVALID);
    vci_pool_free(pool);
    free(lab);
    free(x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand_six_points),
        cmocka_unit_test(test_k1),
        cmocka_unit_test(test_n_equals_k),
        cmocka_unit_test(test_duplicates),
        cmocka_unit_test(test_empty_cluster_repair),
        cmocka_unit_test(test_pruned_equals_plain),
        cmocka_unit_test(test_thread_determinism),
        cmocka_unit_test(test_planted_blobs),
        cmocka_unit_test(test_choose_k),
        cmocka_unit_test(test_choose_k_gap),
        cmocka_unit_test(test_silhouette),
        cmocka_unit_test(test_db_ch),
        cmocka_unit_test(test_ari_nmi),
        cmocka_unit_test(test_score_errors),
        cmocka_unit_test(test_step_api),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_internal_run),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
