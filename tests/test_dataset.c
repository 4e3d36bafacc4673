/*
 * test_dataset.c - the data set store through the public feeding API:
 * indices in order of first appearance, id lookups both ways, attributes,
 * categories, events sorted by (time, item) with arrival order breaking
 * ties, the by-item index, appending after finalisation, accessors' error
 * cases, and the memory budget per event.
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
#include "vcomm.h"

static void ok(vc_status s)
{
    if (s != VC_OK)
        fail_msg("unexpected status %d: %s", s, vc_last_error());
}

static void check_event(const vc_dataset *ds, size_t u, size_t k, const char *item,
                        double value, int64_t time)
{
    size_t it, type;
    double v, amount;
    int64_t t;
    ok(vc_dataset_user_event(ds, u, k, &it, &type, &v, &amount, &t));
    assert_string_equal(vc_dataset_item_id(ds, it), item);
    assert_true(v == value);
    assert_int_equal(t, time);
}

static void test_small_fixture(void **state)
{
    (void)state;
    vc_dataset *ds = fixture_small();
    assert_int_equal(vc_dataset_user_count(ds), 3);
    assert_int_equal(vc_dataset_item_count(ds), 5);
    assert_int_equal(vc_dataset_event_count(ds), 6);
    assert_int_equal(vc_dataset_category_count(ds), 2);
    assert_string_equal(vc_dataset_format(ds), "api");
    assert_string_equal(vc_dataset_user_id(ds, 1), "u2");
    size_t idx;
    ok(vc_dataset_user_index(ds, "u3", &idx));
    assert_int_equal(idx, 2);
    ok(vc_dataset_item_index(ds, "m4", &idx));
    assert_int_equal(idx, 3);
    assert_int_equal(vc_dataset_item_index(ds, "nope", &idx), VC_ERR_NOT_FOUND);
    assert_non_null(strstr(vc_last_error(), "nope"));
    /* attributes */
    assert_int_equal(vc_dataset_attr_count(ds), 2);
    assert_string_equal(vc_dataset_attr_name(ds, 0), "gender");
    assert_string_equal(vc_dataset_user_attr(ds, 1, 1), "40");
    assert_null(vc_dataset_user_attr(ds, 2, 0));
    /* categories: m2 is Drama|Comedy, m4 none */
    uint32_t cats[4];
    size_t n;
    ok(vc_dataset_item_categories(ds, 1, cats, 4, &n));
    assert_int_equal(n, 2);
    assert_string_equal(vc_dataset_category_name(ds, cats[0]), "Drama");
    assert_string_equal(vc_dataset_category_name(ds, cats[1]), "Comedy");
    ok(vc_dataset_item_categories(ds, 3, cats, 4, &n));
    assert_int_equal(n, 0);
    assert_int_equal(vc_dataset_item_categories(ds, 1, cats, 1, &n), VC_ERR_BUFFER);
    assert_int_equal(n, 2);
    /* u1's events in time order though fed out of order */
    assert_int_equal(vc_dataset_user_event_count(ds, 0), 4);
    check_event(ds, 0, 0, "m1", 5, T0 + 10 * 3600);
    check_event(ds, 0, 1, "m2", 4, T0 + DAY + 20 * 3600);
    check_event(ds, 0, 2, "m3", 2, T0 + 5 * DAY + 3 * 3600);
    check_event(ds, 0, 3, "m5", 5, T0 + 6 * DAY + 12 * 3600);
    assert_int_equal(vc_dataset_user_event_count(ds, 2), 0);
    assert_int_equal(vc_dataset_item_event_count(ds, 2), 2); /* m3: u1 and u2 */
    int64_t first, last;
    ok(vc_dataset_time_range(ds, &first, &last));
    assert_int_equal(first, T0 + 10 * 3600);
    assert_int_equal(last, T0 + 9 * DAY + 14 * 3600);
    uint64_t counts[16];
    ok(vc_dataset_type_counts(ds, counts, 16));
    assert_int_equal(counts[VC_EVENT_RATING], 6);
    assert_int_equal(counts[VC_EVENT_VIEW], 0);
    assert_int_equal(vc_dataset_type_counts(ds, counts, 3), VC_ERR_BUFFER);
    assert_int_equal(vc_dataset_user_event(ds, 0, 4, NULL, NULL, NULL, NULL, NULL),
                     VC_ERR_RANGE);
    assert_int_equal(vc_dataset_user_event(ds, 3, 0, NULL, NULL, NULL, NULL, NULL),
                     VC_ERR_RANGE);
    vc_dataset_free(ds);
}

static void test_ties_and_types(void **state)
{
    (void)state;
    vc_dataset *ds;
    ok(vc_dataset_new(&ds));
    /* same time: by item index; same time and item: arrival order */
    ok(vc_dataset_add_event(ds, "a", "y", "view", 1, 0, 100));
    ok(vc_dataset_add_event(ds, "a", "x", "view", 2, 0, 100));
    ok(vc_dataset_add_event(ds, "a", "x", "purchase", 3, 9.5, 100));
    ok(vc_dataset_add_event(ds, "a", "y", "wishlist", 4, 0, 50));
    ok(vc_dataset_finalize(ds));
    /* items: y = 0, x = 1 */
    check_event(ds, 0, 0, "y", 4, 50);
    check_event(ds, 0, 1, "y", 1, 100);
    check_event(ds, 0, 2, "x", 2, 100);
    check_event(ds, 0, 3, "x", 3, 100);
    size_t type;
    double amount;
    ok(vc_dataset_user_event(ds, 0, 3, NULL, &type, NULL, &amount, NULL));
    assert_int_equal(type, VC_EVENT_PURCHASE);
    assert_true(amount == 9.5);
    ok(vc_dataset_user_event(ds, 0, 0, NULL, &type, NULL, NULL, NULL));
    assert_string_equal(vc_dataset_event_type_name(ds, type), "wishlist");
    assert_int_equal(vc_dataset_event_type_count(ds), 8);
    vc_dataset_free(ds);
}

static void test_append_after_finalize(void **state)
{
    (void)state;
    vc_dataset *ds = fixture_small();
    /* new events for an old user, a new user and a new item, earlier than
     * anything seen so far (the time base moves) */
    ok(vc_dataset_add_event(ds, "u2", "m1", "rating", 4, 0, T0 + 3 * DAY));
    ok(vc_dataset_add_event(ds, "u9", "m9", "rating", 3, 0, T0 - DAY));
    assert_int_equal(vc_dataset_event_count(ds), 0); /* not finalised */
    ok(vc_dataset_finalize(ds));
    assert_int_equal(vc_dataset_user_count(ds), 4);
    assert_int_equal(vc_dataset_item_count(ds), 6);
    assert_int_equal(vc_dataset_event_count(ds), 8);
    check_event(ds, 1, 0, "m3", 3, T0 + 2 * DAY + 13 * 3600);
    check_event(ds, 1, 1, "m1", 4, T0 + 3 * DAY);
    check_event(ds, 1, 2, "m4", 1, T0 + 9 * DAY + 14 * 3600);
    check_event(ds, 3, 0, "m9", 3, T0 - DAY);
    check_event(ds, 0, 3, "m5", 5, T0 + 6 * DAY + 12 * 3600); /* old ones intact */
    assert_int_equal(vc_dataset_item_event_count(ds, 0), 2);
    int64_t first, last;
    ok(vc_dataset_time_range(ds, &first, &last));
    assert_int_equal(first, T0 - DAY);
    /* finalising twice is a no-op */
    ok(vc_dataset_finalize(ds));
    assert_int_equal(vc_dataset_event_count(ds), 8);
    vc_dataset_free(ds);
}

static void test_updates_and_errors(void **state)
{
    (void)state;
    vc_dataset *ds;
    ok(vc_dataset_new(&ds));
    const char *names[] = {"gender", "country"};
    const char *v1[] = {"F", "UK"}, *v2[] = {"M"};
    ok(vc_dataset_add_user(ds, "a", names, v1, 2));
    ok(vc_dataset_add_user(ds, "a", names, v2, 1)); /* overwrites gender only */
    assert_string_equal(vc_dataset_user_attr(ds, 0, 0), "M");
    assert_string_equal(vc_dataset_user_attr(ds, 0, 1), "UK");
    ok(vc_dataset_add_item(ds, "i", "Title", "A|B| |A", 2.5));
    ok(vc_dataset_add_item(ds, "i", NULL, "C", NAN));   /* replaces categories */
    uint32_t cats[4];
    size_t n;
    ok(vc_dataset_item_categories(ds, 0, cats, 4, &n));
    assert_int_equal(n, 1);
    assert_string_equal(vc_dataset_category_name(ds, cats[0]), "C");
    assert_string_equal(vc_dataset_item_title(ds, 0), "Title");
    assert_true(vc_dataset_item_price(ds, 0) == 2.5);
    assert_true(isnan(vc_dataset_item_price(ds, 7)));
    assert_int_equal(vc_dataset_add_item(ds, "j", NULL, NULL, -1), VC_ERR_RANGE);
    assert_int_equal(vc_dataset_add_event(ds, "a", "i", "view", NAN, 0, 0), VC_ERR_RANGE);
    assert_int_equal(vc_dataset_add_event(ds, "a", "i", "", 1, 0, 0), VC_ERR_INVALID);
    assert_int_equal(vc_dataset_add_event(ds, "", "i", "view", 1, 0, 0), VC_ERR_INVALID);
    assert_int_equal(vc_dataset_add_event(NULL, "a", "i", "view", 1, 0, 0), VC_ERR_INVALID);
    assert_int_equal(vc_dataset_add_user(ds, "b", names, NULL, 1), VC_ERR_INVALID);
    assert_int_equal(vc_dataset_user_count(ds), 1);  /* nothing half-added */
    assert_int_equal(vc_dataset_user_event(ds, 0, 0, NULL, NULL, NULL, NULL, NULL),
                     VC_ERR_STATE); /* fed, not finalised */
    /* a time span beyond 136 years cannot be indexed */
    ok(vc_dataset_add_event(ds, "a", "i", "view", 1, 0, 0));
    ok(vc_dataset_add_event(ds, "a", "i", "view", 1, 0, (int64_t)5e9));
    assert_int_equal(vc_dataset_finalize(ds), VC_ERR_RANGE);
    assert_int_equal(vc_dataset_time_range(ds, &(int64_t){0}, &(int64_t){0}), VC_ERR_STATE);
    vc_dataset_free(ds);
    vc_dataset_free(NULL);
    assert_int_equal(vc_dataset_user_count(NULL), 0);
    assert_null(vc_dataset_user_id(NULL, 0));
}

/* Many users with events in random order: every user's list is sorted,
 * the by-item counts add up, and ratings cost at most 16 bytes an event
 * plus the per-user and per-item indexes. */
static void test_random_against_reference(void **state)
{
    (void)state;
    vc_dataset *ds;
    ok(vc_dataset_new(&ds));
    enum { USERS = 300, ITEMS = 200, EVENTS = 20000 };
    unsigned seed = 12345;
    static int64_t sum_time[USERS];
    static unsigned per_item[ITEMS];
    char u[16], it[16];
    for (int k = 0; k < EVENTS; k++) {
        seed = seed * 1103515245u + 12345u;
        unsigned a = (seed >> 8) % USERS;
        seed = seed * 1103515245u + 12345u;
        unsigned b = (seed >> 8) % ITEMS;
        seed = seed * 1103515245u + 12345u;
        int64_t t = 1000000 + (seed >> 10) % 100000;
        snprintf(u, sizeof u, "u%u", a);
        snprintf(it, sizeof it, "i%u", b);
        ok(vc_dataset_add_event(ds, u, it, "rating", 1 + k % 5, 0, t));
        sum_time[a] += t;
    }
    ok(vc_dataset_finalize(ds));
    assert_int_equal(vc_dataset_event_count(ds), EVENTS);
    size_t total = 0;
    for (size_t x = 0; x < vc_dataset_user_count(ds); x++) {
        size_t n = vc_dataset_user_event_count(ds, x);
        int64_t prev = INT64_MIN, s = 0;
        size_t prev_item = 0;
        for (size_t k = 0; k < n; k++) {
            size_t item;
            int64_t t;
            ok(vc_dataset_user_event(ds, x, k, &item, NULL, NULL, NULL, &t));
            assert_true(t > prev || (t == prev && item >= prev_item));
            prev = t;
            prev_item = item;
            s += t;
            per_item[item]++;
        }
        unsigned orig = (unsigned)atoi(vc_dataset_user_id(ds, x) + 1);
        assert_int_equal(s, sum_time[orig]);
        total += n;
    }
    assert_int_equal(total, EVENTS);
    for (size_t i = 0; i < vc_dataset_item_count(ds); i++)
        assert_int_equal(vc_dataset_item_event_count(ds, i), per_item[i]);
    /* 16 bytes an event + ids, maps and CSR offsets */
    size_t budget = 16 * (size_t)EVENTS + 160 * (USERS + ITEMS) + 4096;
    assert_true(vc_dataset_memory_bytes(ds) <= budget);
    vc_dataset_free(ds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_small_fixture),
        cmocka_unit_test(test_ties_and_types),
        cmocka_unit_test(test_append_after_finalize),
        cmocka_unit_test(test_updates_and_errors),
        cmocka_unit_test(test_random_against_reference),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
