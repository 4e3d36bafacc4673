/*
 * test_real_data.c - the real data sets in ../shared/data, when present
 * (each test skips, saying so, when its data set is absent): exact counts
 * from the data sets' documentation and spot values.
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

/* 1 when the title has non-ASCII bytes (then valid UTF-8 is checked). */
static int non_ascii(const char *s)
{
    int any = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x80)
            continue;
        any = 1;
        int n = *p >= 0xF0 ? 3 : *p >= 0xE0 ? 2 : 1;
        assert_true(*p >= 0xC2);
        for (int k = 1; k <= n; k++)
            assert_true((p[k] & 0xC0) == 0x80);
        p += n;
    }
    return any;
}

static vc_dataset *load(const char *sub)
{
    const char *dir = tu_shared_data(sub);
    if (!dir)
        return NULL;
    vc_dataset *ds;
    if (vc_dataset_load(&ds, dir, NULL) != VC_OK)
        fail_msg("%s: %s", dir, vc_last_error());
    return ds;
}

static void test_ml100k(void **state)
{
    (void)state;
    vc_dataset *ds = load("ml-100k");
    if (!ds)
        skip();
    assert_int_equal(vc_dataset_user_count(ds), 943);
    assert_int_equal(vc_dataset_item_count(ds), 1682);
    assert_int_equal(vc_dataset_event_count(ds), 100000);
    assert_int_equal(vc_dataset_category_count(ds), 19);
    int64_t first, last;
    assert_int_equal(vc_dataset_time_range(ds, &first, &last), VC_OK);
    assert_int_equal(first, 874724710);
    assert_int_equal(last, 893286638);
    /* ratings by star, from the data set's README */
    size_t stars[6] = {0};
    for (size_t u = 0; u < 943; u++)
        for (size_t k = 0; k < vc_dataset_user_event_count(ds, u); k++) {
            double v;
            vc_dataset_user_event(ds, u, k, NULL, NULL, &v, NULL, NULL);
            stars[(int)v]++;
        }
    assert_int_equal(stars[1], 6110);
    assert_int_equal(stars[4], 34174);
    assert_int_equal(stars[5], 21201);
    size_t i;
    assert_int_equal(vc_dataset_item_index(ds, "1", &i), VC_OK);
    assert_string_equal(vc_dataset_item_title(ds, i), "Toy Story (1995)");
    /* 9 latin-1 titles come out as UTF-8 */
    size_t utf8 = 0;
    for (size_t k = 0; k < 1682; k++)
        utf8 += non_ascii(vc_dataset_item_title(ds, k));
    assert_int_equal(utf8, 9);
    vc_dataset_free(ds);
}

static void test_ml1m_part(void **state)
{
    (void)state;
    vc_dataset *ds = load("ml-1m-part");
    if (!ds)
        skip();
    assert_int_equal(vc_dataset_user_count(ds), 2998);
    assert_int_equal(vc_dataset_item_count(ds), 3883);
    assert_int_equal(vc_dataset_event_count(ds), 487515);
    assert_int_equal(vc_dataset_category_count(ds), 18);
    size_t u;
    assert_int_equal(vc_dataset_user_index(ds, "1", &u), VC_OK);
    assert_string_equal(vc_dataset_user_attr(ds, u, 0), "F");
    assert_string_equal(vc_dataset_user_attr(ds, u, 1), "Under 18");
    assert_string_equal(vc_dataset_user_attr(ds, u, 2), "K-12 student");
    assert_int_equal(vc_dataset_user_event_count(ds, u), 53);
    size_t utf8 = 0;
    for (size_t k = 0; k < 3883; k++)
        utf8 += non_ascii(vc_dataset_item_title(ds, k));
    assert_int_equal(utf8, 50);
    vc_dataset_free(ds);
}

static void test_retail(void **state)
{
    (void)state;
    vc_dataset *ds = load("retail/online-retail");
    if (!ds)
        skip();
    /* the README's count of rows with a customer, quantity > 0, price > 0 */
    assert_int_equal(vc_dataset_event_count(ds), 397884);
    assert_int_equal(vc_dataset_user_count(ds), 4338);
    assert_int_equal(vc_dataset_item_count(ds), 3665);
    assert_int_equal(vc_dataset_dropped_rows(ds), 541909 - 397884);
    assert_string_equal(vc_dataset_format(ds), "merchant");
    int64_t first, last;
    assert_int_equal(vc_dataset_time_range(ds, &first, &last), VC_OK);
    assert_int_equal(first, 1291191960);   /* 2010-12-01 08:26:00 */
    assert_int_equal(last, 1323435000);    /* 2011-12-09 12:50:00 */
    vc_dataset_free(ds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ml100k),
        cmocka_unit_test(test_ml1m_part),
        cmocka_unit_test(test_retail),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
