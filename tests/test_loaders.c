/*
 * test_loaders.c - every loader on small fixtures the test writes: exact
 * counts and spot values per format (ML-1M codes to labels and latin-1 to
 * UTF-8, ML-100K genre flags, ML-latest RFC 4180 titles and tags, merchant
 * CSV with files, synonyms, a column mapping and the purchase rules), CRLF,
 * BOM and trailing blank lines, load.on_error=skip, truth.csv and
 * load.format.
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

static vc_dataset *load(const char *path, const char *const *settings)
{
    vc_options *o;
    ok(vc_options_new(&o));
    for (size_t i = 0; settings && settings[i]; i++)
        ok(vc_options_set_pair(o, settings[i]));
    vc_dataset *ds = NULL;
    vc_status s = vc_dataset_load(&ds, path, o);
    vc_options_free(o);
    if (s != VC_OK)
        fail_msg("loading %s: %s", path, vc_last_error());
    return ds;
}

static vc_status load_status(const char *path, const char *const *settings)
{
    vc_options *o;
    ok(vc_options_new(&o));
    for (size_t i = 0; settings && settings[i]; i++)
        ok(vc_options_set_pair(o, settings[i]));
    vc_dataset *ds = (vc_dataset *)1;
    vc_status s = vc_dataset_load(&ds, path, o);
    vc_options_free(o);
    if (s == VC_OK)
        vc_dataset_free(ds);
    else
        assert_null(ds);
    return s;
}

static size_t user(const vc_dataset *ds, const char *id)
{
    size_t u;
    ok(vc_dataset_user_index(ds, id, &u));
    return u;
}

static size_t item(const vc_dataset *ds, const char *id)
{
    size_t i;
    ok(vc_dataset_item_index(ds, id, &i));
    return i;
}

static const char *attr(const vc_dataset *ds, const char *uid, const char *name)
{
    size_t u = user(ds, uid);
    for (size_t a = 0; a < vc_dataset_attr_count(ds); a++)
        if (strcmp(vc_dataset_attr_name(ds, a), name) == 0)
            return vc_dataset_user_attr(ds, u, a);
    return NULL;
}

static void cats_are(const vc_dataset *ds, const char *iid, const char *want)
{
    uint32_t c[16];
    size_t n;
    char got[256] = "";
    ok(vc_dataset_item_categories(ds, item(ds, iid), c, 16, &n));
    for (size_t k = 0; k < n; k++) {
        if (k)
            strcat(got, "|");
        strcat(got, vc_dataset_category_name(ds, c[k]));
    }
    assert_string_equal(got, want);
}

static void event_is(const vc_dataset *ds, const char *uid, size_t k,
                     const char *iid, double value, int64_t time)
{
    size_t it;
    double v;
    int64_t t;
    ok(vc_dataset_user_event(ds, user(ds, uid), k, &it, NULL, &v, NULL, &t));
    assert_string_equal(vc_dataset_item_id(ds, it), iid);
    assert_true(fabs(v - value) < 1e-6);
    assert_int_equal(t, time);
}

static void test_ml1m(void **state)
{
    (void)state;
    char *d = tu_mkdtemp();
    free(tu_write(d, "users.dat", "\xEF\xBB\xBF" "1::F::1::10::48067\r\n"
                                  "2::M::56::16::70072\r\n3::M::25::12::55117\r\n", -1));
    free(tu_write(d, "movies.dat", "1::Toy Story (1995)::Animation|Children's|Comedy\n"
                                   "2::Mis\xE9rables, Les (1995)::Drama|Musical\n"
                                   "3::Star Trek: Insurrection::(no genres listed)\n"
                                   "4::Odd::Title (1999)::Drama\n", -1));
    free(tu_write(d, "ratings.dat", "1::2::5::978300760\n1::1::3::978300000\n"
                                    "2::3::4::978298000\n3::2::1::978200000\n"
                                    "3::4::2::978200000\n\n\n", -1));
    vc_dataset *ds = load(d, NULL);
    assert_string_equal(vc_dataset_format(ds), "ml-1m");
    assert_int_equal(vc_dataset_user_count(ds), 3);
    assert_int_equal(vc_dataset_item_count(ds), 4);
    assert_int_equal(vc_dataset_event_count(ds), 5);
    assert_string_equal(attr(ds, "1", "age"), "Under 18");
    assert_string_equal(attr(ds, "1", "occupation"), "K-12 student");
    assert_string_equal(attr(ds, "2", "age"), "56+");
    assert_string_equal(attr(ds, "2", "occupation"), "self-employed");
    assert_string_equal(attr(ds, "3", "occupation"), "programmer");
    assert_string_equal(attr(ds, "3", "gender"), "M");
    assert_string_equal(attr(ds, "1", "zip"), "48067");
    assert_string_equal(vc_dataset_item_title(ds, item(ds, "2")),
                        "Mis\xC3\xA9rables, Les (1995)");
    assert_string_equal(vc_dataset_item_title(ds, item(ds, "4")), "Odd::Title (1999)");
    cats_are(ds, "1", "Animation|Children's|Comedy");
    cats_are(ds, "3", "");
    event_is(ds, "1", 0, "1", 3, 978300000);
    event_is(ds, "1", 1, "2", 5, 978300760);
    event_is(ds, "3", 0, "2", 1, 978200000);  /* same time: item order */
    event_is(ds, "3", 1, "4", 2, 978200000);
    vc_dataset_free(ds);
    /* a single file of the directory loads the directory */
    char *f = tu_path(d, "ratings.dat");
    ds = load(f, NULL);
    assert_int_equal(vc_dataset_event_count(ds), 5);
    vc_dataset_free(ds);
    free(f);
    /* ratings only: users and items come from the events */
    char *p = tu_path(d, "users.dat");
    remove(p);
    free(p);
    p = tu_path(d, "movies.dat");
    remove(p);
    free(p);
    ds = load(d, NULL);
    assert_int_equal(vc_dataset_user_count(ds), 3);
    assert_int_equal(vc_dataset_item_count(ds), 4);
    assert_string_equal(vc_dataset_item_id(ds, 0), "2"); /* first appearance */
    vc_dataset_free(ds);
    tu_rmdir(d, 1);
}

static void test_ml100k(void **state)
{
    (void)state;
    char *d = tu_mkdtemp();
    free(tu_write(d, "u.user", "1|24|M|technician|85711\n2|53|F|other|94043\n", -1));
    free(tu_write(d, "u.genre", "unknown|0\nAction|1\nAdventure|2\nAnimation|3\n"
                                "Children's|4\nComedy|5\nCrime|6\nDocumentary|7\n"
                                "Drama|8\nFantasy|9\nFilm-Noir|10\nHorror|11\n"
                                "Musical|12\nMystery|13\nRomance|14\nSci-Fi|15\n"
                                "Thriller|16\nWar|17\nWestern|18\n\n", -1));
    free(tu_write(d, "u.item",
                  "1|Toy Story (1995)|01-Jan-1995||http://x|0|0|0|1|1|1|0|0|0|0|0|0|0|0|0|0|0|0|0\n"
                  "2|Mis\xE9rables (1995)|01-Jan-1995||http://y|0|0|0|0|0|0|0|0|1|0|0|0|0|0|1|0|0|0|0\n",
                  -1));
    free(tu_write(d, "u.data", "1\t2\t4\t874965758\n2\t1\t5\t874965000\n1\t1\t3\t874965000\n", -1));
    vc_dataset *ds = load(d, NULL);
    assert_string_equal(vc_dataset_format(ds), "ml-100k");
    assert_int_equal(vc_dataset_user_count(ds), 2);
    assert_int_equal(vc_dataset_item_count(ds), 2);
    assert_int_equal(vc_dataset_event_count(ds), 3);
    assert_int_equal(vc_dataset_category_count(ds), 19);
    cats_are(ds, "1", "Animation|Children's|Comedy");
    cats_are(ds, "2", "Drama|Romance");
    assert_string_equal(vc_dataset_item_title(ds, item(ds, "2")), "Mis\xC3\xA9rables (1995)");
    assert_string_equal(attr(ds, "1", "age"), "24");
    assert_string_equal(attr(ds, "2", "occupation"), "other");
    assert_string_equal(attr(ds, "2", "gender"), "F");
    event_is(ds, "1", 0, "1", 3, 874965000);
    event_is(ds, "1", 1, "2", 4, 874965758);
    vc_dataset_free(ds);
    tu_rmdir(d, 1);
}

static void test_ml_latest(void **state)
{
    (void)state;
    char *d = tu_mkdtemp();
    free(tu_write(d, "movies.csv",
                  "movieId,title,genres\n1,Toy Story (1995),Adventure|Animation\n"
                  "2,\"American President, The (1995)\",Comedy|Drama|Romance\n"
                  "3,\"Say \"\"Hi\"\" (2001)\",(no genres listed)\n", -1));
    free(tu_write(d, "ratings.csv", "userId,movieId,rating,timestamp\r\n1,1,4.0,964982703\r\n"
                                    "1,3,3.5,964981247\r\n2,2,0.5,964982224\r\n", -1));
    free(tu_write(d, "tags.csv", "userId,movieId,tag,timestamp\n2,1,\"pixar, funny\",1445714994\n"
                                 "7,2,politics,1445714996\n", -1));
    vc_dataset *ds = load(d, NULL);
    assert_string_equal(vc_dataset_format(ds), "ml-latest");
    assert_int_equal(vc_dataset_item_count(ds), 3);
    assert_int_equal(vc_dataset_user_count(ds), 3);
    assert_int_equal(vc_dataset_event_count(ds), 5);
    assert_string_equal(vc_dataset_item_title(ds, item(ds, "2")), "American President, The (1995)");
    assert_string_equal(vc_dataset_item_title(ds, item(ds, "3")), "Say \"Hi\" (2001)");
    cats_are(ds, "2", "Comedy|Drama|Romance");
    cats_are(ds, "3", "");
    event_is(ds, "1", 0, "3", 3.5, 964981247);
    event_is(ds, "2", 0, "2", 0.5, 964982224);
    size_t type;
    ok(vc_dataset_user_event(ds, user(ds, "2"), 1, NULL, &type, NULL, NULL, NULL));
    assert_string_equal(vc_dataset_event_type_name(ds, type), "tag");
    vc_dataset_free(ds);
    tu_rmdir(d, 1);
}

static void test_merchant_files(void **state)
{
    (void)state;
    char *d = tu_mkdtemp();
    free(tu_write(d, "users.csv", "user,gender,age,city\nc1,F,31,Leeds\nc2,M,,York\nc3,F,45,\n", -1));
    free(tu_write(d, "items.csv", "item,title,category,price\np1,Mug,Kitchen|Gifts,4.5\n"
                                  "p2,\"Lamp, brass\",Home,30\np3,Card,,\n", -1));
    free(tu_write(d, "events.csv",
                  "user,item,event,value,time\n"
                  "c1,p1,view,1,2011-01-02 10:00:00\n"
                  "c1,p1,purchase,2,2011-01-02T10:05:00Z\n"
                  "c2,p2,Add To Cart,1,1293962400\n"
                  "c2,p3,click,1,1/2/2011 9:00\n"
                  "c3,p2,wishlist,1,2011-01-03\n", -1));
    vc_dataset *ds = load(d, NULL);
    assert_string_equal(vc_dataset_format(ds), "merchant");
    assert_int_equal(vc_dataset_user_count(ds), 3);
    assert_int_equal(vc_dataset_item_count(ds), 3);
    assert_int_equal(vc_dataset_event_count(ds), 5);
    assert_string_equal(attr(ds, "c1", "city"), "Leeds");
    assert_string_equal(attr(ds, "c1", "age"), "31");
    assert_null(attr(ds, "c2", "age"));
    assert_string_equal(vc_dataset_item_title(ds, item(ds, "p2")), "Lamp, brass");
    assert_true(vc_dataset_item_price(ds, item(ds, "p1")) == 4.5);
    assert_true(isnan(vc_dataset_item_price(ds, item(ds, "p3"))));
    cats_are(ds, "p1", "Kitchen|Gifts");
    uint64_t counts[16];
    ok(vc_dataset_type_counts(ds, counts, 16));
    assert_int_equal(counts[VC_EVENT_VIEW], 2);      /* view and click */
    assert_int_equal(counts[VC_EVENT_PURCHASE], 1);
    assert_int_equal(counts[VC_EVENT_COLLECT], 1);   /* Add To Cart */
    assert_int_equal(vc_dataset_event_type_count(ds), 8); /* + wishlist */
    event_is(ds, "c2", 0, "p3", 1, 1293958800);      /* 2011-01-02 09:00 */
    event_is(ds, "c2", 1, "p2", 1, 1293962400);
    vc_dataset_free(ds);
    tu_rmdir(d, 1);
}

/* An export in the shape of the UCI Online Retail file. */
static const char retail[] =
    "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
    "536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,2010-12-01 08:26:00,2.55,17850.0,United Kingdom\n"
    "536365,71053,WHITE METAL LANTERN,6,2010-12-01 08:26:00,3.39,17850.0,United Kingdom\n"
    "536366,22633,HAND WARMER UNION JACK,6,2010-12-01 08:28:00,1.85,,United Kingdom\n"
    "C536379,D,Discount,-1,2010-12-01 09:41:00,27.5,14527.0,United Kingdom\n"
    "536381,82567,\"AIRLINE LOUNGE,METAL SIGN\",2,2010-12-01 09:41:00,2.1,15311.0,United Kingdom\n"
    "536414,22139,,56,2010-12-01 11:52:00,0.0,,United Kingdom\n"
    "536520,85123A,WHITE HANGING HEART T-LIGHT HOLDER,1,2010-12-01 12:43:00,2.95,14729.0,EIRE\n"
    "536521,71053,WHITE METAL LANTERN,0,2010-12-01 12:44:00,3.39,14729.0,EIRE\n";

static void test_merchant_mapping(void **state)
{
    (void)state;
    char *d = tu_mkdtemp();
    char *f = tu_write(d, "online_retail.csv", retail, -1);
    /* synonyms alone find every column */
    vc_dataset *ds = load(d, NULL);
    assert_int_equal(vc_dataset_user_count(ds), 3);
    assert_int_equal(vc_dataset_item_count(ds), 3);
    assert_int_equal(vc_dataset_event_count(ds), 4);
    assert_int_equal(vc_dataset_dropped_rows(ds), 4); /* no user x2, cancel, qty 0 */
    assert_string_equal(vc_dataset_user_id(ds, 0), "17850");
    assert_string_equal(attr(ds, "14729", "country"), "EIRE");
    assert_true(fabs(vc_dataset_item_price(ds, item(ds, "85123A")) - 2.55) < 1e-6);
    size_t type;
    double v, amount;
    ok(vc_dataset_user_event(ds, user(ds, "17850"), 0, NULL, &type, &v, &amount, NULL));
    assert_int_equal(type, VC_EVENT_PURCHASE);
    assert_true(v == 6);
    assert_true(fabs(amount - 6 * 2.55) < 1e-4);
    assert_string_equal(vc_dataset_item_title(ds, item(ds, "82567")), "AIRLINE LOUNGE,METAL SIGN");
    vc_dataset_free(ds);
    /* the explicit mapping of the documentation, on the file itself */
    const char *map[] = {"load.columns=user=CustomerID,item=StockCode,time=InvoiceDate,"
                         "quantity=Quantity,price=UnitPrice,title=Description", NULL};
    ds = load(f, map);
    assert_int_equal(vc_dataset_event_count(ds), 4);
    vc_dataset_free(ds);
    /* cancellations kept as their own type */
    const char *keep[] = {"load.keep_cancellations=true", NULL};
    ds = load(f, keep);
    assert_int_equal(vc_dataset_event_count(ds), 5);
    assert_int_equal(vc_dataset_event_type_count(ds), 8);
    assert_string_equal(vc_dataset_event_type_name(ds, 7), "cancel");
    ok(vc_dataset_user_event(ds, user(ds, "14527"), 0, NULL, &type, &v, &amount, NULL));
    assert_int_equal(type, 7);
    assert_true(v == 1 && fabs(amount + 27.5) < 1e-4);
    vc_dataset_free(ds);
    /* a mapping that names a missing column, or an unknown field */
    const char *bad[] = {"load.columns=user=Customer", NULL};
    assert_int_equal(load_status(f, bad), VC_ERR_PARSE);
    assert_non_null(strstr(vc_last_error(), "'Customer'"));
    assert_non_null(strstr(vc_last_error(), "online_retail.csv:1"));
    const char *unknown[] = {"load.columns=usr=CustomerID", NULL};
    assert_int_equal(load_status(f, unknown), VC_ERR_OPTION);
    assert_non_null(strstr(vc_last_error(), "'usr'"));
    free(f);
    tu_rmdir(d, 1);
}

static void test_skip_and_truth(void **state)
{
    (void)state;
    char *d = tu_mkdtemp();
    free(tu_write(d, "u.data", "1\t1\t4\t100\n1\t2\tx\t101\n2\t1\t9\t102\n2\t2\t3\t103\n", -1));
    free(tu_write(d, "truth.csv", "user,community\n1,0\n2,5\n", -1));
    assert_int_equal(load_status(d, NULL), VC_ERR_PARSE);
    assert_non_null(strstr(vc_last_error(), "u.data:2: rating 'x' is not a number"));
    const char *skip[] = {"load.on_error=skip", NULL};
    vc_dataset *ds = load(d, skip);
    assert_int_equal(vc_dataset_event_count(ds), 2);
    assert_int_equal(vc_dataset_skipped_lines(ds), 2);
    assert_non_null(strstr(vc_dataset_first_skip_reason(ds), "u.data:2:"));
    uint32_t label;
    ok(vc_dataset_planted_community(ds, user(ds, "2"), &label));
    assert_int_equal(label, 5);
    vc_dataset_free(ds);
    /* forcing another format names the file it misses */
    const char *force[] = {"load.format=ml-1m", NULL};
    assert_int_equal(load_status(d, force), VC_ERR_IO);
    assert_non_null(strstr(vc_last_error(), "ratings.dat"));
    tu_rmdir(d, 1);
    /* nothing there at all */
    assert_int_equal(load_status("/nonexistent/vcomm", NULL), VC_ERR_IO);
    d = tu_mkdtemp();
    assert_int_equal(load_status(d, NULL), VC_ERR_FORMAT);
    tu_rmdir(d, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ml1m),
        cmocka_unit_test(test_ml100k),
        cmocka_unit_test(test_ml_latest),
        cmocka_unit_test(test_merchant_files),
        cmocka_unit_test(test_merchant_mapping),
        cmocka_unit_test(test_skip_and_truth),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
