/*
 * test_synth.c - the synthetic generator: sizes as asked, determinism by
 * seed and across thread counts, planted communities that show in the
 * data (each community's favourite genre is over-represented in its
 * events), and the round trip through vc_dataset_write_ml1m and
 * vc_dataset_load (same users, attributes, items, categories, events and
 * planted labels).
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

#include "testutil.h"
#include "vcomm.h"

static void ok(vc_status s)
{
    if (s != VC_OK)
        fail_msg("unexpected status %d: %s", s, vc_last_error());
}

static vc_dataset *synth(int users, int items, int epu, int comms, int seed, int threads)
{
    vc_options *o;
    ok(vc_options_new(&o));
    ok(vc_options_set_int(o, "synth.users", users));
    ok(vc_options_set_int(o, "synth.items", items));
    ok(vc_options_set_int(o, "synth.events_per_user", epu));
    ok(vc_options_set_int(o, "synth.communities", comms));
    ok(vc_options_set_int(o, "seed", seed));
    ok(vc_options_set_int(o, "threads", threads));
    vc_dataset *ds;
    ok(vc_dataset_synthesize(&ds, o));
    vc_options_free(o);
    return ds;
}

/* Every event of a and b equal, in order. */
static void assert_same_events(const vc_dataset *a, const vc_dataset *b)
{
    assert_int_equal(vc_dataset_user_count(a), vc_dataset_user_count(b));
    assert_int_equal(vc_dataset_event_count(a), vc_dataset_event_count(b));
    for (size_t u = 0; u < vc_dataset_user_count(a); u++) {
        size_t ub;
        ok(vc_dataset_user_index(b, vc_dataset_user_id(a, u), &ub));
        size_t n = vc_dataset_user_event_count(a, u);
        assert_int_equal(n, vc_dataset_user_event_count(b, ub));
        for (size_t k = 0; k < n; k++) {
            size_t ia, ib;
            double va, vb;
            int64_t ta, tb;
            ok(vc_dataset_user_event(a, u, k, &ia, NULL, &va, NULL, &ta));
            ok(vc_dataset_user_event(b, ub, k, &ib, NULL, &vb, NULL, &tb));
            assert_string_equal(vc_dataset_item_id(a, ia), vc_dataset_item_id(b, ib));
            assert_true(va == vb);
            assert_int_equal(ta, tb);
        }
    }
}

static void test_sizes_and_determinism(void **state)
{
    (void)state;
    vc_dataset *a = synth(700, 300, 40, 5, 11, 1);
    vc_dataset *b = synth(700, 300, 40, 5, 11, 2);
    vc_dataset *c = synth(700, 300, 40, 5, 12, 2);
    assert_int_equal(vc_dataset_user_count(a), 700);
    assert_int_equal(vc_dataset_item_count(a), 300);
    assert_int_equal(vc_dataset_category_count(a), 18);
    assert_string_equal(vc_dataset_format(a), "synthetic");
    size_t ne = vc_dataset_event_count(a);
    assert_true(ne > 700 * 20 && ne < 700 * 120);
    assert_same_events(a, b);
    assert_true(vc_dataset_event_count(c) != ne);   /* another seed, other data */
    uint32_t la, lb;
    for (size_t u = 0; u < 700; u++) {
        ok(vc_dataset_planted_community(a, u, &la));
        ok(vc_dataset_planted_community(b, u, &lb));
        assert_int_equal(la, lb);
        assert_true(la < 5);
        /* every user has distinct items, ratings 1..5 */
        size_t n = vc_dataset_user_event_count(a, u);
        assert_true(n >= 1 && n <= 150);
        for (size_t k = 0; k < n; k++) {
            double v;
            ok(vc_dataset_user_event(a, u, k, NULL, NULL, &v, NULL, NULL));
            assert_true(v >= 1 && v <= 5 && v == floor(v));
        }
    }
    vc_dataset_free(a);
    vc_dataset_free(b);
    vc_dataset_free(c);
}

static void test_planted_tastes_show(void **state)
{
    (void)state;
    enum { COMMS = 6 };
    vc_dataset *ds = synth(1200, 2000, 50, COMMS, 5, 0);
    size_t ncat = vc_dataset_category_count(ds);
    double *by = calloc(COMMS * ncat, sizeof *by), all[32] = {0}, tot[COMMS] = {0}, sum = 0;
    for (size_t u = 0; u < vc_dataset_user_count(ds); u++) {
        uint32_t c;
        ok(vc_dataset_planted_community(ds, u, &c));
        for (size_t k = 0; k < vc_dataset_user_event_count(ds, u); k++) {
            size_t it, n;
            uint32_t cats[4];
            ok(vc_dataset_user_event(ds, u, k, &it, NULL, NULL, NULL, NULL));
            ok(vc_dataset_item_categories(ds, it, cats, 4, &n));
            for (size_t j = 0; j < n; j++) {
                by[c * ncat + cats[j]]++;
                all[cats[j]]++;
                tot[c]++;
                sum++;
            }
        }
    }
    for (int c = 0; c < COMMS; c++) {
        double best = 0;
        for (size_t g = 0; g < ncat; g++) {
            double lift = (by[c * ncat + g] / tot[c]) / (all[g] / sum);
            best = fmax(best, lift);
        }
        printf("# community %d: best genre lift %.2f\n", c, best);
        assert_true(best > 1.8);   /* a favourite genre stands out */
    }
    free(by);
    vc_dataset_free(ds);
}

static void test_write_and_load_back(void **state)
{
    (void)state;
    vc_dataset *a = synth(300, 200, 30, 4, 3, 0);
    char *d = tu_mkdtemp();
    ok(vc_dataset_write_ml1m(a, d));
    vc_dataset *b;
    ok(vc_dataset_load(&b, d, NULL));
    assert_string_equal(vc_dataset_format(b), "ml-1m");
    assert_int_equal(vc_dataset_item_count(b), vc_dataset_item_count(a));
    assert_same_events(a, b);
    for (size_t u = 0; u < 300; u += 17) {
        size_t ub;
        ok(vc_dataset_user_index(b, vc_dataset_user_id(a, u), &ub));
        for (size_t at = 0; at < vc_dataset_attr_count(a); at++)
            assert_string_equal(vc_dataset_user_attr(a, u, at), vc_dataset_user_attr(b, ub, at));
        uint32_t la, lb;
        ok(vc_dataset_planted_community(a, u, &la));
        ok(vc_dataset_planted_community(b, ub, &lb));
        assert_int_equal(la, lb);
    }
    for (size_t i = 0; i < 200; i += 13) {
        size_t ib, na, nb;
        uint32_t ca[4], cb[4];
        ok(vc_dataset_item_index(b, vc_dataset_item_id(a, i), &ib));
        assert_string_equal(vc_dataset_item_title(a, i), vc_dataset_item_title(b, ib));
        ok(vc_dataset_item_categories(a, i, ca, 4, &na));
        ok(vc_dataset_item_categories(b, ib, cb, 4, &nb));
        assert_int_equal(na, nb);
        for (size_t k = 0; k < na; k++)
            assert_string_equal(vc_dataset_category_name(a, ca[k]),
                                vc_dataset_category_name(b, cb[k]));
    }
    vc_dataset_free(b);
    /* a data set with string ids cannot be ML-1M */
    vc_dataset *m;
    ok(vc_dataset_new(&m));
    ok(vc_dataset_add_event(m, "alice", "1", "rating", 4, 0, 100));
    ok(vc_dataset_finalize(m));
    assert_int_equal(vc_dataset_write_ml1m(m, d), VC_ERR_INVALID);
    assert_non_null(strstr(vc_last_error(), "'alice'"));
    vc_dataset_free(m);
    tu_rmdir(d, 1);
    vc_dataset_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sizes_and_determinism),
        cmocka_unit_test(test_planted_tastes_show),
        cmocka_unit_test(test_write_and_load_back),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
