/*
 * test_portrait.c - portrait columns against values computed by hand on
 * the small fixture (see fixtures.h), edge cases (no events, no category,
 * no attributes), standardisation and tags.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fixtures.h"

typedef struct fx {
    vc_dataset *ds;
    vc_portraits *pt;
    float row[3][512];
} fx;

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    f->ds = fixture_small();
    vc_options *o;
    vc_options_new(&o);
    vc_options_set_float(o, "portrait.half_life_days", 0); /* no decay */
    assert_int_equal(vc_portrait_build(&f->pt, f->ds, o), VC_OK);
    vc_options_free(o);
    assert_true(vc_portraits_column_count(f->pt) < 512);
    for (size_t u = 0; u < 3; u++)
        assert_int_equal(vc_portraits_row(f->pt, u, f->row[u], 512), VC_OK);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    vc_portraits_free(f->pt);
    vc_dataset_free(f->ds);
    free(f);
    return 0;
}

static double col(const fx *f, size_t user, const char *path)
{
    size_t c;
    if (vc_portraits_find_column(f->pt, path, &c) != VC_OK)
        fail_msg("no column %s: %s", path, vc_last_error());
    return f->row[user][c];
}

#define NEAR(a, b) assert_true(fabs((double)(a) - (double)(b)) < 1e-4)

static void test_model_layer_by_hand(void **state)
{
    const fx *f = *state;
    NEAR(col(f, 0, "model/category_share/Drama"), 0.625);
    NEAR(col(f, 0, "model/category_share/Comedy"), 0.375);
    NEAR(col(f, 0, "model/rating/mean"), 4.0);
    NEAR(col(f, 0, "model/rating/spread"), sqrt(1.5));
    NEAR(col(f, 0, "model/category_rating/Drama"), (2 + 5 * (2.0 / 3)) / 8);
    NEAR(col(f, 0, "model/category_rating/Comedy"), (-2 + 5 * (-1.0 / 3)) / 7);
    NEAR(col(f, 0, "model/activity/events"), log1p(4));
    NEAR(col(f, 0, "model/activity/per_week"), 4);
    NEAR(col(f, 0, "model/activity/recency_days"), 3 + 2.0 / 24);
    NEAR(col(f, 0, "model/activity/tenure_days"), 6 + 2.0 / 24);
    double h = -(0.625 * log(0.625) + 0.375 * log(0.375)) / log(2);
    NEAR(col(f, 0, "model/concentration/entropy"), h);
    NEAR(col(f, 0, "model/time_of_day/night"), 0.25);
    NEAR(col(f, 0, "model/time_of_day/morning"), 0.25);
    NEAR(col(f, 0, "model/time_of_day/afternoon"), 0.25);
    NEAR(col(f, 0, "model/time_of_day/evening"), 0.25);
    NEAR(col(f, 0, "model/weekday/weekend"), 0.5);
    /* u2: an item without category gives no share */
    NEAR(col(f, 1, "model/category_share/Comedy"), 1.0);
    NEAR(col(f, 1, "model/category_share/Drama"), 0.0);
    NEAR(col(f, 1, "model/activity/per_week"), 1.0); /* two events, two weeks */
}

static void test_predictive_by_hand(void **state)
{
    const fx *f = *state;
    double gap = (6 + 2.0 / 24) / 3, rec = 3 + 2.0 / 24;
    double risk = 1 - exp(-rec / gap);
    NEAR(col(f, 0, "predictive/churn/risk"), risk);
    NEAR(col(f, 0, "predictive/return/propensity_7d"), (1 - risk) * (1 - exp(-7 / gap)));
    double aff = col(f, 0, "predictive/category_affinity/Drama");
    assert_true(aff >= 0 && aff <= 1.0001);
}

static void test_user_without_events(void **state)
{
    const fx *f = *state;
    NEAR(col(f, 2, "model/activity/events"), 0);
    NEAR(col(f, 2, "model/activity/recency_days"), 9 + 4.0 / 24);
    NEAR(col(f, 2, "model/rating/mean"), 20.0 / 6);
    NEAR(col(f, 2, "model/category_share/Drama"), 0);
    assert_int_equal(vc_portraits_tag_count(f->pt, 2), 0);
}

static void test_fact_layer(void **state)
{
    const fx *f = *state;
    NEAR(col(f, 0, "fact/gender/F"), 1);
    NEAR(col(f, 0, "fact/gender/M"), 0);
    NEAR(col(f, 1, "fact/gender/M"), 1);
    NEAR(col(f, 0, "fact/age/25-34"), 1);
    NEAR(col(f, 1, "fact/age/35-44"), 1);
    NEAR(col(f, 2, "fact/age/25-34"), 0); /* missing attribute: all zero */
    NEAR(col(f, 2, "fact/gender/F"), 0);
}

static void test_schema_and_features(void **state)
{
    const fx *f = *state;
    size_t nc = vc_portraits_column_count(f->pt);
    const char *layer, *group, *name, *prev = "fact";
    int order[3] = {0, 1, 2}, last = 0;
    for (size_t c = 0; c < nc; c++) {
        assert_int_equal(vc_portraits_column(f->pt, c, &layer, &group, &name), VC_OK);
        int l = strcmp(layer, "fact") == 0 ? order[0]
                : strcmp(layer, "model") == 0 ? order[1] : order[2];
        assert_true(l >= last); /* layers are contiguous and ordered */
        last = l;
        prev = layer;
    }
    (void)prev;
    assert_int_equal(vc_portraits_column(f->pt, nc, NULL, NULL, NULL), VC_ERR_RANGE);
    /* features are centred per column */
    float feat[3][512];
    for (size_t u = 0; u < 3; u++)
        assert_int_equal(vc_portraits_features(f->pt, u, feat[u], 512), VC_OK);
    for (size_t c = 0; c < nc; c++)
        NEAR(feat[0][c] + feat[1][c] + feat[2][c], 0);
    float small[2];
    assert_int_equal(vc_portraits_row(f->pt, 0, small, 2), VC_ERR_BUFFER);
    assert_int_equal(vc_portraits_row(f->pt, 3, feat[0], 512), VC_ERR_RANGE);
}

static void test_errors(void **state)
{
    (void)state;
    vc_portraits *pt = (vc_portraits *)1;
    assert_int_equal(vc_portrait_build(&pt, NULL, NULL), VC_ERR_INVALID);
    assert_null(pt);
    vc_dataset *ds;
    assert_int_equal(vc_dataset_new(&ds), VC_OK);
    assert_int_equal(vc_dataset_add_event(ds, "a", "b", "view", 1, 0, 1000), VC_OK);
    /* not finalised */
    assert_int_equal(vc_portrait_build(&pt, ds, NULL), VC_ERR_STATE);
    assert_int_equal(vc_dataset_finalize(ds), VC_OK);
    /* implicit data, no categories, no attributes, no titles: still works */
    assert_int_equal(vc_portrait_build(&pt, ds, NULL), VC_OK);
    size_t c;
    assert_int_equal(vc_portraits_find_column(pt, "model/rating/mean", &c), VC_ERR_NOT_FOUND);
    assert_int_equal(vc_portraits_find_column(pt, "model/activity/events", &c), VC_OK);
    vc_portraits_free(pt);
    vc_dataset_free(ds);
}

static void test_tags_on_synthetic(void **state)
{
    (void)state;
    vc_dataset *ds = fixture_synth(600, 4, 3);
    vc_portraits *pt;
    assert_int_equal(vc_portrait_build(&pt, ds, NULL), VC_OK);
    size_t lovers = 0, tagged = 0;
    for (size_t u = 0; u < vc_portraits_user_count(pt); u++) {
        float prev = 2;
        for (size_t k = 0; k < vc_portraits_tag_count(pt, u); k++) {
            const char *tag;
            float w;
            assert_int_equal(vc_portraits_tag(pt, u, k, &tag, &w), VC_OK);
            assert_true(w > 0 && w <= 1 && w <= prev); /* heaviest first */
            prev = w;
            lovers += strstr(tag, " lover") != NULL;
        }
        tagged += vc_portraits_tag_count(pt, u) > 0;
    }
    assert_true(lovers > 100); /* planted tastes show up as "X lover" */
    assert_true(tagged > 300);
    vc_portraits_free(pt);
    vc_dataset_free(ds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_model_layer_by_hand),
        cmocka_unit_test(test_predictive_by_hand),
        cmocka_unit_test(test_user_without_events),
        cmocka_unit_test(test_fact_layer),
        cmocka_unit_test(test_schema_and_features),
    };
    const struct CMUnitTest more[] = {
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_tags_on_synthetic),
    };
    int fails = cmocka_run_group_tests(tests, setup, teardown);
    return fails + cmocka_run_group_tests(more, NULL, NULL);
}
