/*
 * test_concurrency.c - many threads query one set of built handles at once
 * (suite 'concurrency'): a data set, its portraits and communities, and the
 * same three loaded from a model file. Every thread walks every accessor
 * (the fingerprints of tests/testutil.h), recommends for every user,
 * targets every item and category, makes calls that fail, and some run
 * vc_recommend_all (a thread pool inside each caller), in its own order; every answer must equal the one computed on one thread before.
 *
 * Invariants checked: built handles are immutable and safe to share (no
 * answer differs, ThreadSanitizer reports no race: meson setup build-tsan
 * -Db_sanitize=thread); the recommender index that the first queries build
 * lazily is built once and seen whole by every thread (the communities are
 * fresh, so the threads race to build it); vc_last_error() stays
 * per-thread. Data are small so the test stays quick under TSan.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fixtures.h"
#include "testutil.h"
#include "vcomm.h"

#define THREADS 8
#define REC_N 10
#define ROUNDS 2

/* One set of handles and what a single thread saw on it. */
typedef struct handles {
    const char *name;
    const vc_dataset *ds;
    const vc_portraits *pt;
    const vc_communities *cm;
    uint64_t fp_ds, fp_pt, fp_cm;
    uint64_t *rec;     /* [users] fingerprint of vc_recommend */
    uint64_t *item;    /* [items] of vc_target_item */
    uint64_t *cat;     /* [categories] of vc_target_category */
    uint64_t all;      /* of vc_recommend_all's whole output */
} handles;

static struct {
    const vc_options *opts;
    handles sets[2];
    size_t nsets;
    pthread_barrier_t start;
    atomic_long mismatches, checks;
} shared;

static uint64_t recommend_fp(const handles *h, size_t u)
{
    vc_recs *r = NULL;
    vc_status s = vc_recommend(&r, h->cm, u, REC_N, NULL, 0, shared.opts);
    uint64_t fp = s == VC_OK ? tu_fp_recs(r) : (uint64_t)s;
    vc_recs_free(r);
    return fp;
}

static uint64_t target_item_fp(const handles *h, size_t i)
{
    vc_recs *r = NULL;
    vc_status s = vc_target_item(&r, h->cm, i, REC_N, shared.opts);
    uint64_t fp = s == VC_OK ? tu_fp_recs(r) : (uint64_t)s;
    vc_recs_free(r);
    return fp;
}

static uint64_t target_category_fp(const handles *h, size_t c)
{
    vc_recs *r = NULL;
    vc_status s = vc_target_category(&r, h->cm, vc_dataset_category_name(h->ds, c), REC_N,
                                     shared.opts);
    uint64_t fp = s == VC_OK ? tu_fp_recs(r) : (uint64_t)s;
    vc_recs_free(r);
    return fp;
}

static int fold_rec(size_t user, size_t rank, size_t item, double score, void *ud)
{
    uint64_t *h = ud;
    uint64_t v[3] = {user, rank, item};
    *h = tu_fp_bytes(tu_fp_bytes(*h, v, sizeof v), &score, sizeof score);
    return 0;
}

/* vc_recommend_all runs its own thread pool inside each caller's thread. */
static uint64_t recommend_all_fp(const handles *h)
{
    uint64_t fp = TU_FP_INIT;
    vc_status s = vc_recommend_all(h->cm, REC_N, shared.opts, fold_rec, &fp);
    return s == VC_OK ? fp : (uint64_t)s;
}

static void expect(uint64_t got, uint64_t want, const char *what, const handles *h, size_t k)
{
    atomic_fetch_add(&shared.checks, 1);
    if (got != want) {
        atomic_fetch_add(&shared.mismatches, 1);
        fprintf(stderr, "# %s: %s %zu differs from the single-thread answer\n", h->name,
                what, k);
    }
}

/* A call that fails sets this thread's message, whatever others do. */
static void expect_own_error(const handles *h, size_t tid)
{
    size_t user = vc_dataset_user_count(h->ds) + tid;
    vc_recs *r = NULL;
    vc_status s = vc_recommend(&r, h->cm, user, REC_N, NULL, 0, shared.opts);
    char want[64];
    snprintf(want, sizeof want, "user %zu out of range", user);
    expect(s == VC_ERR_RANGE && r == NULL && strstr(vc_last_error(), want) != NULL, 1,
           "error message of an out-of-range user", h, user);
}

static void query_all(const handles *h, size_t tid)
{
    size_t nu = vc_dataset_user_count(h->ds), ni = vc_dataset_item_count(h->ds);
    size_t nc = vc_dataset_category_count(h->ds);
    /* each thread starts elsewhere, so different queries overlap */
    for (size_t k = 0; k < nu; k++) {
        size_t u = (k + tid * 37) % nu;
        expect(recommend_fp(h, u), h->rec[u], "recommendations of user", h, u);
    }
    expect_own_error(h, tid);
    for (size_t k = 0; k < ni; k++) {
        size_t i = (k + tid * 11) % ni;
        expect(target_item_fp(h, i), h->item[i], "targeting of item", h, i);
    }
    for (size_t c = 0; c < nc; c++)
        expect(target_category_fp(h, c), h->cat[c], "targeting of category", h, c);
    if (tid % 3 == 0)
        expect(recommend_all_fp(h), h->all, "vc_recommend_all output", h, 0);
    expect(tu_fp_dataset(h->ds), h->fp_ds, "data set accessors", h, 0);
    expect(tu_fp_portraits(h->pt), h->fp_pt, "portrait accessors", h, 0);
    expect(tu_fp_communities(h->cm), h->fp_cm, "community accessors", h, 0);
}

static void *worker(void *arg)
{
    size_t tid = (size_t)(uintptr_t)arg;
    pthread_barrier_wait(&shared.start);
    for (int round = 0; round < ROUNDS; round++)
        for (size_t s = 0; s < shared.nsets; s++)
            query_all(&shared.sets[(s + tid) % shared.nsets], tid);
    return NULL;
}

/* The single-thread answers. The communities' recommender index is not
 * built here (the threads race to build it); the reference comes from
 * the twin communities ref_cm, built alike. */
static void reference(handles *h, const vc_communities *ref_cm)
{
    handles ref = *h;
    ref.cm = ref_cm;
    size_t nu = vc_dataset_user_count(h->ds), ni = vc_dataset_item_count(h->ds);
    size_t nc = vc_dataset_category_count(h->ds);
    h->rec = calloc(nu, sizeof *h->rec);
    h->item = calloc(ni, sizeof *h->item);
    h->cat = calloc(nc ? nc : 1, sizeof *h->cat);
    assert_true(h->rec && h->item && h->cat);
    for (size_t u = 0; u < nu; u++)
        h->rec[u] = recommend_fp(&ref, u);
    for (size_t i = 0; i < ni; i++)
        h->item[i] = target_item_fp(&ref, i);
    for (size_t c = 0; c < nc; c++)
        h->cat[c] = target_category_fp(&ref, c);
    h->all = recommend_all_fp(&ref);
    h->fp_ds = tu_fp_dataset(h->ds);
    h->fp_pt = tu_fp_portraits(h->pt);
    h->fp_cm = tu_fp_communities(ref_cm);
    assert_true(h->fp_cm == tu_fp_communities(h->cm));
    assert_int_equal(tu_fp_errors, 0);
}

static void run_threads(void)
{
    pthread_t t[THREADS];
    atomic_store(&shared.mismatches, 0);
    atomic_store(&shared.checks, 0);
    assert_int_equal(pthread_barrier_init(&shared.start, NULL, THREADS), 0);
    for (size_t i = 0; i < THREADS; i++)
        assert_int_equal(pthread_create(&t[i], NULL, worker, (void *)(uintptr_t)i), 0);
    for (size_t i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    pthread_barrier_destroy(&shared.start);
    printf("# %d threads, %ld answers compared, %ld differ\n", THREADS,
           atomic_load(&shared.checks), atomic_load(&shared.mismatches));
    assert_int_equal(atomic_load(&shared.mismatches), 0);
    assert_int_equal(tu_fp_errors, 0);
}

static void ok(vc_status s)
{
    if (s != VC_OK)
        fail_msg("%s", vc_last_error());
}

static void test_shared_handles(void **state)
{
    (void)state;
    vc_options *o = fixture_tiny_options();
    ok(vc_options_set_int(o, "threads", 2)); /* the builds use the pool too */
    shared.opts = o;
    vc_dataset *ds = fixture_synth_sized(160, 60, 12, 3, 5);
    vc_portraits *pt;
    vc_communities *cm, *twin;
    ok(vc_portrait_build(&pt, ds, o));
    ok(vc_cluster_run(&cm, pt, o));
    ok(vc_cluster_run(&twin, pt, o));

    /* a model file of the twin (saving builds its index), loaded fresh */
    char *dir = tu_mkdtemp(), *path = tu_path(dir, "model.vcm");
    ok(vc_model_save(twin, path, o));
    vc_model *m;
    ok(vc_model_load(&m, path, NULL));

    shared.sets[0] = (handles){"built", ds, pt, cm, 0, 0, 0, NULL, NULL, NULL, 0};
    shared.sets[1] = (handles){"model", vc_model_dataset(m), vc_model_portraits(m),
                               vc_model_communities(m), 0, 0, 0, NULL, NULL, NULL, 0};
    shared.nsets = 2;
    reference(&shared.sets[0], twin);
    reference(&shared.sets[1], twin);
    /* the loaded model answers as the built communities do */
    assert_true(shared.sets[1].fp_cm == shared.sets[0].fp_cm);
    assert_memory_equal(shared.sets[1].rec, shared.sets[0].rec,
                        vc_dataset_user_count(ds) * sizeof *shared.sets[0].rec);

    run_threads();

    for (size_t s = 0; s < shared.nsets; s++) {
        free(shared.sets[s].rec);
        free(shared.sets[s].item);
        free(shared.sets[s].cat);
    }
    vc_model_free(m);
    tu_rmdir(dir, 1);
    free(path);
    vc_communities_free(twin);
    vc_communities_free(cm);
    vc_portraits_free(pt);
    vc_dataset_free(ds);
    vc_options_free(o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_shared_handles)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
