/*
 * test_recommend.c - vc_recommend, vc_recommend_all, vc_target_* and
 * vc_eval_run on planted synthetic data: no item the user has, exclusions
 * and category filters honoured, scores best first with reasons, batch
 * results equal single queries for any thread count, targeting skips
 * owners, and the evaluation ranks the community recommender far above
 * popularity where communities are planted. The taste embeddings are
 * checked on a matrix of known structure (two disjoint groups).
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_recommend_rules),
        cmocka_unit_test(test_category_filter),
        cmocka_unit_test(test_batch_equals_single_any_threads),
        cmocka_unit_test(test_targeting),
        cmocka_unit_test(test_eval_beats_popularity),
    };
    const struct CMUnitTest plain[] = {
        cmocka_unit_test(test_embeddings_known_structure),
    };
    int failed = cmocka_run_group_tests(tests, setup, teardown);
    return failed + cmocka_run_group_tests(plain, NULL, NULL);
}
