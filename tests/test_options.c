/* test_options.c - the options object and registry: defaults, typed
 * setters/getters, unknown names and wrong types, ranges, text parsing,
 * formatting round trips, copies, and a documented registry. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "core.h"

static vc_options *new_opts(void)
{
    vc_options *o = NULL;
    assert_int_equal(vc_options_new(&o), VC_OK);
    assert_non_null(o);
    return o;
}

static void test_defaults(void **state)
{
    (void)state;
    vc_options *o = new_opts();
    int64_t i = -1;
    assert_int_equal(vc_options_get_int(o, "threads", &i), VC_OK);
    assert_int_equal(i, 0);
    assert_int_equal(vc_options_get_int(o, "seed", &i), VC_OK);
    assert_int_equal(i, 42);
    double f = 0;
    assert_int_equal(vc_options_get_float(o, "kmeans.tol", &f), VC_OK);
    assert_true(f == 0.0001);
    const char *s = NULL;
    assert_int_equal(vc_options_get_string(o, "load.on_error", &s), VC_OK);
    assert_string_equal(s, "fail");
    int b = -1;
    assert_int_equal(vc_options_get_bool(o, "load.keep_cancellations", &b), VC_OK);
    assert_int_equal(b, 0);
    /* NULL options read the defaults too */
    assert_int_equal(vc_options_get_int(NULL, "kmeans.k", &i), VC_OK);
    assert_int_equal(i, 8);
    assert_int_equal(vci_opt_int(NULL, VCI_OPT_KMEANS_K), 8);
    assert_int_equal(vci_opt_int(o, VCI_OPT_SEED), 42);
    vc_options_free(o);
}

static void test_unknown_name(void **state)
{
    (void)state;
    vc_options *o = new_opts();
    assert_int_equal(vc_options_set_int(o, "kmeans.kk", 3), VC_ERR_OPTION);
    assert_non_null(strstr(vc_last_error(), "'kmeans.kk'"));
    assert_non_null(strstr(vc_last_error(), "did you mean 'kmeans.k'"));
    assert_int_equal(vc_options_set(o, "no.such.thing.at.all", "1"), VC_ERR_OPTION);
    assert_non_null(strstr(vc_last_error(), "unknown option 'no.such.thing.at.all'"));
    int64_t v;
    assert_int_equal(vc_options_get_int(o, "bogus", &v), VC_ERR_OPTION);
    size_t idx;
    assert_int_equal(vc_option_find("bogus", &idx), VC_ERR_OPTION);
    assert_int_equal(vc_option_find("seed", &idx), VC_OK);
    const char *name;
    assert_int_equal(vc_option_info(idx, &name, NULL, NULL, NULL), VC_OK);
    assert_string_equal(name, "seed");
    /* a success clears the message */
    assert_int_equal(vc_options_set_int(o, "kmeans.k", 3), VC_OK);
    assert_string_equal(vc_last_error(), "");
    vc_options_free(o);
}

static void test_wrong_type(void **state)
{
    (void)state;
    vc_options *o = new_opts();
    assert_int_equal(vc_options_set_string(o, "threads", "4"), VC_ERR_OPTION);
    assert_non_null(strstr(vc_last_error(), "'threads' is an integer, not a string"));
    assert_int_equal(vc_options_set_float(o, "kmeans.k", 2.5), VC_ERR_OPTION);
    assert_int_equal(vc_options_set_bool(o, "seed", 1), VC_ERR_OPTION);
    double f;
    assert_int_equal(vc_options_get_float(o, "load.format", &f), VC_ERR_OPTION);
    const char *s;
    assert_int_equal(vc_options_get_string(o, "seed", &s), VC_ERR_OPTION);
    /* widening that is documented: int into float option, float read of int */
    assert_int_equal(vc_options_set_int(o, "kmeans.tol", 0), VC_OK);
    assert_int_equal(vc_options_get_float(o, "kmeans.tol", &f), VC_OK);
    assert_true(f == 0.0);
    assert_int_equal(vc_options_get_float(o, "kmeans.k", &f), VC_OK);
    assert_true(f == 8.0);
    assert_int_equal(vc_options_set_int(o, "load.keep_cancellations", 1), VC_OK);
    assert_int_equal(vc_options_set_int(o, "load.keep_cancellations", 2), VC_ERR_RANGE);
    vc_options_free(o);
}

static void test_ranges_and_text(void **state)
{
    (void)state;
    vc_options *o = new_opts();
    int64_t i;
    assert_int_equal(vc_options_set_int(o, "threads", -1), VC_ERR_RANGE);
    assert_non_null(strstr(vc_last_error(), "'threads' must be in [0..1024]"));
    assert_int_equal(vc_options_set_int(o, "kmeans.k", 0), VC_ERR_RANGE);
    assert_int_equal(vc_options_get_int(o, "kmeans.k", &i), VC_OK);
    assert_int_equal(i, 8); /* unchanged after the error */
    assert_int_equal(vc_options_set_float(o, "kmeans.tol", 2.0), VC_ERR_RANGE);
    assert_int_equal(vc_options_set_string(o, "load.on_error", "ignore"), VC_ERR_RANGE);
    assert_non_null(strstr(vc_last_error(), "fail|skip"));

    assert_int_equal(vc_options_set(o, "threads", "4"), VC_OK);
    assert_int_equal(vc_options_get_int(o, "threads", &i), VC_OK);
    assert_int_equal(i, 4);
    assert_int_equal(vc_options_set(o, "threads", "4x"), VC_ERR_PARSE);
    assert_int_equal(vc_options_set(o, "threads", ""), VC_ERR_PARSE);
    assert_int_equal(vc_options_set(o, "threads", " 4"), VC_ERR_PARSE);
    assert_int_equal(vc_options_set(o, "threads", "99999999999999999999"), VC_ERR_PARSE);
    assert_int_equal(vc_options_set(o, "kmeans.tol", "1e-3"), VC_OK);
    assert_int_equal(vc_options_set(o, "kmeans.tol", "nan"), VC_ERR_PARSE);
    int b;
    assert_int_equal(vc_options_set(o, "load.keep_cancellations", "Yes"), VC_OK);
    assert_int_equal(vc_options_get_bool(o, "load.keep_cancellations", &b), VC_OK);
    assert_int_equal(b, 1);
    assert_int_equal(vc_options_set(o, "load.keep_cancellations", "off"), VC_OK);
    assert_int_equal(vc_options_get_bool(o, "load.keep_cancellations", &b), VC_OK);
    assert_int_equal(b, 0);
    assert_int_equal(vc_options_set(o, "load.keep_cancellations", "maybe"), VC_ERR_PARSE);
    assert_int_equal(vc_options_set_pair(o, "kmeans.k=12"), VC_OK);
    assert_int_equal(vc_options_get_int(o, "kmeans.k", &i), VC_OK);
    assert_int_equal(i, 12);
    assert_int_equal(vc_options_set_pair(o, "kmeans.k"), VC_ERR_PARSE);
    assert_int_equal(vc_options_set_pair(o, "=3"), VC_ERR_PARSE);
    assert_int_equal(vc_options_set_pair(o, "load.columns=user=CustomerID,item=StockCode"), VC_OK);
    const char *s;
    assert_int_equal(vc_options_get_string(o, "load.columns", &s), VC_OK);
    assert_string_equal(s, "user=CustomerID,item=StockCode");
    vc_options_free(o);
}

static void test_format_and_copy(void **state)
{
    (void)state;
    vc_options *o = new_opts();
    char buf[64];
    size_t need = 0;
    assert_int_equal(vc_options_set_float(o, "kmeans.tol", 0.1), VC_OK);
    assert_int_equal(vc_options_format(o, "kmeans.tol", buf, sizeof buf, &need), VC_OK);
    assert_string_equal(buf, "0.1");
    assert_int_equal(need, 3);
    assert_int_equal(vc_options_format(o, "kmeans.tol", buf, 2, &need), VC_ERR_BUFFER);
    assert_string_equal(buf, "0");
    assert_int_equal(vc_options_format(NULL, "load.keep_cancellations", buf, sizeof buf, NULL), VC_OK);
    assert_string_equal(buf, "false");

    assert_int_equal(vc_options_set_string(o, "load.format", "ml-100k"), VC_OK);
    vc_options *c = NULL;
    assert_int_equal(vc_options_copy(&c, o), VC_OK);
    assert_int_equal(vc_options_set_string(o, "load.format", "merchant"), VC_OK);
    const char *s;
    assert_int_equal(vc_options_get_string(c, "load.format", &s), VC_OK);
    assert_string_equal(s, "ml-100k");
    vc_options_free(o);
    assert_int_equal(vc_options_get_string(c, "load.format", &s), VC_OK);
    assert_string_equal(s, "ml-100k");
    vc_options_free(c);
    vc_options_free(NULL);
    assert_int_equal(vc_options_new(NULL), VC_ERR_INVALID);
    assert_int_equal(vc_options_set_int(NULL, "threads", 1), VC_ERR_INVALID);
}

static int cb(const char *stage, double f, void *ud)
{
    (void)stage;
    (void)f;
    return *(int *)ud;
}

static void test_progress(void **state)
{
    (void)state;
    vc_options *o = new_opts();
    int answer = 0;
    assert_int_equal(vc_options_set_progress(o, cb, &answer), VC_OK);
    vci_progress p = vci_progress_of(o, "load");
    assert_int_equal(vci_progress_report(&p, 0.5), VC_OK);
    answer = 1;
    assert_int_equal(vci_progress_report(&p, 0.6), VC_ERR_CANCELLED);
    assert_non_null(strstr(vc_last_error(), "'load'"));
    vci_progress none = vci_progress_of(NULL, "x");
    assert_int_equal(vci_progress_report(&none, 1.0), VC_OK);
    vc_options_free(o);
}

/* Every entry has a unique name, a type, a doc, and a default that parses,
 * lies in range and formats back to an equal value. */
static void test_registry_complete(void **state)
{
    (void)state;
    size_t n = vc_option_count();
    assert_true(n >= 10);
    vc_options *o = new_opts();
    for (size_t i = 0; i < n; i++) {
        const char *name, *def, *doc;
        vc_option_type type = 0;
        assert_int_equal(vc_option_info(i, &name, &type, &def, &doc), VC_OK);
        assert_true(strlen(name) > 0);
        assert_true(type >= VC_OPTION_INT && type <= VC_OPTION_STRING);
        assert_true(strlen(doc) > 10);
        assert_int_equal(vc_options_set(o, name, def), VC_OK);
        char buf[256];
        assert_int_equal(vc_options_format(o, name, buf, sizeof buf, NULL), VC_OK);
        assert_int_equal(vc_options_set(o, name, buf), VC_OK);
        for (size_t j = 0; j < i; j++) {
            const char *other;
            assert_int_equal(vc_option_info(j, &other, NULL, NULL, NULL), VC_OK);
            assert_string_not_equal(name, other);
        }
        size_t idx;
        assert_int_equal(vc_option_find(name, &idx), VC_OK);
        assert_int_equal(idx, i);
    }
    assert_int_equal(vc_option_info(n, NULL, NULL, NULL, NULL), VC_ERR_NOT_FOUND);
    vc_options_free(o);
}

static void test_status_strings(void **state)
{
    (void)state;
    for (int s = VC_OK; s >= VC_ERR_UNSUPPORTED; s--) {
        const char *t = vc_status_str(s);
        assert_non_null(t);
        assert_string_not_equal(t, "unknown error");
    }
    assert_string_equal(vc_status_str(-1000), "unknown error");
    assert_string_equal(vc_status_str(VC_ERR_NOMEM), "out of memory");
    /* long messages are truncated, never overflow */
    char big[3000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    vci_error(VC_ERR_PARSE, "%s", big);
    assert_int_equal(strlen(vc_last_error()), VCI_ERROR_MAX - 1);
    vci_parse_error("ratings.dat", 1042, "expected %d fields, got %d", 4, 3);
    assert_string_equal(vc_last_error(), "ratings.dat:1042: expected 4 fields, got 3");
    assert_int_equal(vc_version(), VC_VERSION_NUMBER);
    assert_string_equal(vc_version_string(), VC_VERSION_STRING);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_unknown_name),
        cmocka_unit_test(test_wrong_type),
        cmocka_unit_test(test_ranges_and_text),
        cmocka_unit_test(test_format_and_copy),
        cmocka_unit_test(test_progress),
        cmocka_unit_test(test_registry_complete),
        cmocka_unit_test(test_status_strings),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
