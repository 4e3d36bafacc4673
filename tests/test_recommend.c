/*
 * test_recommend.c - vc_recommend, vc_recommend_all, vc_target_* and
 * vc_eval_run on planted synthetic data: no item the user has, exclusions
 * and category filters honoured, scores best first with reasons, batch
 * results equal single queries for any thread count, targeting skips
 * owners, and the evaluation ranks the community recommender far above
 * popularity where communities are planted. The taste embeddings are
 * checked on a matrix of known structure (two disjoint groups). Queries
 * through the index's packed neighbour pools equal queries that gather
 * the pool members' rows, and the top-n selection equals a full sort.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fixtures.h"
#include "recommend.h"

typedef struct fx {
    vc_dataset *ds;
    vc_portraits *pt;
    vc_communities *cm;
} fx;

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    f->ds = fixture_synth(800, 5, 3);
    assert_int_equal(vc_portrait_build(&f->pt, f->ds, NULL), VC_OK);
    assert_int_equal(vc_cluster_run(&f->cm, f->pt, NULL), VC_OK);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    vc_communities_free(f->cm);
    vc_portraits_free(f->pt);
    vc_dataset_free(f->ds);
    free(f);
    return 0;
}

static bool user_has(const vc_dataset *ds, size_t u, size_t item)
{
    for (uint64_t e = ds->user_start[u]; e < ds->user_start[u + 1]; e++)
        if (ds->ev_item[e] == item)
            return true;
    return false;
}

static void test_recommend_rules(void **state)
{
    fx *f = *state;
    for (size_t u = 0; u < 800; u += 37) {
        vc_recs *r;
        assert_int_equal(vc_recommend(&r, f->cm, u, 10, NULL, 0, NULL), VC_OK);
        assert_int_equal(vc_recs_count(r), 10);
        double prev = INFINITY;
        uint32_t first = 0;
        for (size_t k = 0; k < 10; k++) {
            size_t item;
            double score;
            const char *reason;
            assert_int_equal(vc_recs_get(r, k, &item, &score, &reason), VC_OK);
            assert_false(user_has(f->ds, u, item));
            assert_true(score <= prev);
            prev = score;
            assert_true(strlen(reason) > 10);
            if (k == 0)
                first = (uint32_t)item;
        }
        vc_recs_free(r);
        /* excluding the first choice drops it and keeps n */
        assert_int_equal(vc_recommend(&r, f->cm, u, 10, &first, 1, NULL), VC_OK);
        for (size_t k = 0; k < vc_recs_count(r); k++) {
            size_t item;
            vc_recs_get(r, k, &item, NULL, NULL);
            assert_int_not_equal(item, first);
        }
        assert_int_equal(vc_recs_count(r), 10);
        vc_recs_free(r);
    }
}

static void test_category_filter(void **state)
{
    fx *f = *state;
    vc_options *o;
    vc_options_new(&o);
    const char *cat = vc_dataset_category_name(f->ds, 0);
    assert_int_equal(vc_options_set_string(o, "recommend.category", cat), VC_OK);
    vc_recs *r;
    assert_int_equal(vc_recommend(&r, f->cm, 5, 20, NULL, 0, o), VC_OK);
    assert_true(vc_recs_count(r) > 0);
    for (size_t k = 0; k < vc_recs_count(r); k++) {
        size_t item, nc;
        uint32_t cats[64];
        vc_recs_get(r, k, &item, NULL, NULL);
        assert_int_equal(vc_dataset_item_categories(f->ds, item, cats, 64, &nc), VC_OK);
        bool found = false;
        for (size_t j = 0; j < nc; j++)
            found |= cats[j] == 0;
        assert_true(found);
    }
    vc_recs_free(r);
    assert_int_equal(vc_options_set_string(o, "recommend.category", "No Such Genre"), VC_OK);
    assert_int_equal(vc_recommend(&r, f->cm, 5, 20, NULL, 0, o), VC_ERR_NOT_FOUND);
    assert_non_null(strstr(vc_last_error(), "No Such Genre"));
    vc_options_free(o);
}

typedef struct collected {
    size_t n;
    size_t user[8000], item[8000];
    double score[8000];
} collected;

static int collect(size_t user, size_t rank, size_t item, double score, void *ud)
{
    (void)rank;
    collected *c = ud;
    if (c->n < 8000) {
        c->user[c->n] = user;
        c->item[c->n] = item;
        c->score[c->n] = score;
        c->n++;
    }
    return 0;
}

static void test_batch_equals_single_any_threads(void **state)
{
    fx *f = *state;
    static collected all[2];
    for (int t = 0; t < 2; t++) {
        vc_options *o;
        vc_options_new(&o);
        vc_options_set_int(o, "threads", t == 0 ? 1 : 3);
        all[t].n = 0;
        assert_int_equal(vc_recommend_all(f->cm, 10, o, collect, &all[t]), VC_OK);
        vc_options_free(o);
    }
    assert_int_equal(all[0].n, 8000);
    assert_int_equal(all[1].n, 8000);
    assert_memory_equal(all[0].item, all[1].item, sizeof all[0].item);
    assert_memory_equal(all[0].score, all[1].score, sizeof all[0].score);
    for (size_t u = 0; u < 800; u += 97) {
        vc_recs *r;
        assert_int_equal(vc_recommend(&r, f->cm, u, 10, NULL, 0, NULL), VC_OK);
        for (size_t k = 0; k < 10; k++) {
            size_t item;
            double score;
            vc_recs_get(r, k, &item, &score, NULL);
            assert_int_equal(all[0].user[u * 10 + k], u);
            assert_int_equal(all[0].item[u * 10 + k], item);
            assert_true(fabs(all[0].score[u * 10 + k] - score) < 1e-6);
        }
        vc_recs_free(r);
    }
}

static void test_targeting(void **state)
{
    fx *f = *state;
    vc_recs *r;
    for (size_t item = 0; item < 30; item += 7) {
        assert_int_equal(vc_target_item(&r, f->cm, item, 25, NULL), VC_OK);
        assert_true(vc_recs_count(r) > 0);
        double prev = INFINITY;
        for (size_t k = 0; k < vc_recs_count(r); k++) {
            size_t u;
            double score;
            vc_recs_get(r, k, &u, &score, NULL);
            assert_false(user_has(f->ds, u, item));
            assert_true(score <= prev);
            prev = score;
        }
        vc_recs_free(r);
    }
    assert_int_equal(vc_target_category(&r, f->cm, vc_dataset_category_name(f->ds, 1), 10, NULL),
                     VC_OK);
    assert_int_equal(vc_recs_count(r), 10);
    vc_recs_free(r);
    assert_int_equal(vc_target_item(&r, f->cm, 1u << 30, 10, NULL), VC_ERR_RANGE);
    assert_int_equal(vc_target_category(&r, f->cm, "Nope", 10, NULL), VC_ERR_NOT_FOUND);
}

static void test_eval_beats_popularity(void **state)
{
    fx *f = *state;
    vc_eval *ev;
    assert_int_equal(vc_eval_run(&ev, f->ds, NULL), VC_OK);
    double comm = -1, pop = -1;
    for (size_t k = 0; k < vc_eval_method_count(ev); k++) {
        double v;
        assert_int_equal(vc_eval_metric(ev, k, "ndcg", &v), VC_OK);
        assert_true(v >= 0 && v <= 1);
        if (strcmp(vc_eval_method_name(ev, k), "community") == 0)
            comm = v;
        if (strcmp(vc_eval_method_name(ev, k), "popularity") == 0)
            pop = v;
    }
    printf("ndcg@10 community %.4f popularity %.4f, targeting lift %.2f\n", comm, pop,
           vc_eval_target_lift(ev));
    assert_true(comm > 1.5 * pop);
    assert_true(vc_eval_target_lift(ev) > 2);
    vc_eval_free(ev);
}

/* Two groups of users on disjoint items: every embedding of a group is the
 * same unit vector, and the two groups' vectors are orthogonal. */
static void test_embeddings_known_structure(void **state)
{
    (void)state;
    vc_dataset *ds;
    assert_int_equal(vc_dataset_new(&ds), VC_OK);
    char u[16], it[16];
    for (int user = 0; user < 30; user++)
        for (int k = 0; k < 5; k++) {
            snprintf(u, sizeof u, "u%d", user);
            snprintf(it, sizeof it, "i%d", (user % 2) * 5 + k);
            assert_int_equal(vc_dataset_add_event(ds, u, it, "view", 1, 0, 1000 + user * 10 + k),
                             VC_OK);
        }
    assert_int_equal(vc_dataset_finalize(ds), VC_OK);
    vci_rec_index ix = {0};
    ix.nitems = (uint32_t)ds->nitems;
    ix.nusers = (uint32_t)ds->nusers;
    ix.max_value = 1;
    vc_options *o;
    vc_options_new(&o);
    vc_options_set_int(o, "recommend.rank", 4);
    assert_int_equal(vci_rec_embed(&ix, ds, o, NULL), VC_OK);
    vc_options_free(o);
    for (uint32_t a = 0; a < ds->nusers; a++)
        for (uint32_t b = 0; b < ds->nusers; b++) {
            const float *x = ix.user_emb + a * ix.emb_stride, *y = ix.user_emb + b * ix.emb_stride;
            double dot = 0;
            for (uint32_t j = 0; j < ix.rank; j++)
                dot += (double)x[j] * y[j];
            /* users a, b share a group when they share their first item */
            bool same = ds->ev_item[ds->user_start[a]] / 5 == ds->ev_item[ds->user_start[b]] / 5;
            assert_true(fabs(dot - (same ? 1.0 : 0.0)) < 1e-4);
        }
    vci_aligned_free(ix.user_emb);
    vci_aligned_free(ix.item_emb);
    vci_free(ix.user_scale);
    vc_dataset_free(ds);
}


static void assert_same_items(const vci_rec_item *a, size_t na, const vci_rec_item *b,
                              size_t nb)
{
    assert_int_equal(na, nb);
    for (size_t j = 0; j < na; j++) {
        assert_int_equal(a[j].item, b[j].item);
        assert_true(a[j].score == b[j].score);
        assert_int_equal(a[j].community, b[j].community);
        assert_int_equal(a[j].neighbours, b[j].neighbours);
        assert_int_equal(a[j].by_neighbours, b[j].by_neighbours);
    }
}

/* Every user's top-20 through the packed pools equals the one through the
 * gathered rows (the path taken without pools): same items, same scores,
 * same evidence. */
static void test_packed_pools_equal_gathered_rows(void **state)
{
    fx *f = *state;
    const vci_rec_index *ix;
    assert_int_equal(vci_rec_index_get(f->cm, NULL, &ix), VC_OK);
    assert_non_null(ix->pools);
    assert_int_equal(ix->pools->per_comm, 150);
    vci_rec_scratch s;
    assert_int_equal(vci_rec_scratch_init(&s, ix->nitems, NULL), VC_OK);
    vci_rec_item a[20], b[20];
    size_t na, nb;
    vci_rec_index *w = (vci_rec_index *)ix; /* only for this comparison */
    vci_rec_pools *pools = w->pools;
    size_t with_neighbours = 0;
    for (uint32_t u = 0; u < 800; u++) {
        assert_int_equal(vci_recommend_user(f->cm, ix, NULL, u, 20, NULL, 0, UINT32_MAX, &s,
                                            a, &na), VC_OK);
        w->pools = NULL;
        assert_int_equal(vci_recommend_user(f->cm, ix, NULL, u, 20, NULL, 0, UINT32_MAX, &s,
                                            b, &nb), VC_OK);
        w->pools = pools;
        assert_same_items(a, na, b, nb);
        with_neighbours += na > 0 && a[0].neighbours > 0;
    }
    assert_true(with_neighbours > 400); /* the neighbours did contribute */
    /* a query with another pool size than the pools were packed for
     * gathers the rows: still valid and deterministic */
    vc_options *o;
    vc_options_new(&o);
    vc_options_set_int(o, "recommend.pool", 40);
    assert_int_equal(vci_recommend_user(f->cm, ix, o, 5, 20, NULL, 0, UINT32_MAX, &s, a, &na),
                     VC_OK);
    assert_int_equal(vci_recommend_user(f->cm, ix, o, 5, 20, NULL, 0, UINT32_MAX, &s, b, &nb),
                     VC_OK);
    assert_same_items(a, na, b, nb);
    vc_options_free(o);
    vci_rec_scratch_free(&s);
}

typedef struct ranked { float v; uint32_t i; } ranked;

static int best_first(const void *x, const void *y)
{
    const ranked *a = x, *b = y;
    if (a->v != b->v)
        return a->v > b->v ? -1 : 1;
    return (a->i > b->i) - (a->i < b->i);
}

/* vci_top_n equals sorting (value descending, index ascending) without
 * -INFINITY and NaN, for lists shorter and longer than its stack buffer,
 * with many ties. */
static void test_top_n_equals_sort(void **state)
{
    (void)state;
    enum { M = 1000 };
    static float score[M];
    static ranked ref[M];
    static uint32_t idx[M];
    srand(7);
    const size_t ns[] = {1, 7, 10, 20, 64, 65, 200, 999, 1000, 1200};
    for (int round = 0; round < 40; round++) {
        size_t m = round % 4 == 0 ? 13 : M;
        size_t nref = 0;
        for (size_t i = 0; i < m; i++) {
            int r = rand() % 100;
            score[i] = r < 5 ? -INFINITY : r < 8 ? NAN : (float)(rand() % (round % 2 ? 30 : 100000));
            if (score[i] > -INFINITY)
                ref[nref++] = (ranked){score[i], (uint32_t)i};
        }
        qsort(ref, nref, sizeof *ref, best_first);
        for (size_t q = 0; q < sizeof ns / sizeof *ns; q++) {
            size_t k = 12345;
            assert_int_equal(vci_top_n(score, m, ns[q], idx, &k), VC_OK);
            assert_int_equal(k, ns[q] < nref ? ns[q] : nref);
            for (size_t j = 0; j < k; j++)
                assert_int_equal(idx[j], ref[j].i);
        }
    }
    size_t k = 5;
    assert_int_equal(vci_top_n(score, M, 0, idx, &k), VC_OK);
    assert_int_equal(k, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_recommend_rules),
        cmocka_unit_test(test_category_filter),
        cmocka_unit_test(test_batch_equals_single_any_threads),
        cmocka_unit_test(test_targeting),
        cmocka_unit_test(test_eval_beats_popularity),
        cmocka_unit_test(test_packed_pools_equal_gathered_rows),
    };
    const struct CMUnitTest plain[] = {
        cmocka_unit_test(test_embeddings_known_structure),
        cmocka_unit_test(test_top_n_equals_sort),
    };
    int failed = cmocka_run_group_tests(tests, setup, teardown);
    return failed + cmocka_run_group_tests(plain, NULL, NULL);
}
