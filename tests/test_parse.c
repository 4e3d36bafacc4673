/*
 * test_parse.c - the field parsers of lib/io: integers, numbers, every
 * time format against values computed by hand (and the civil-date
 * conversion against a day-by-day walk), UTF-8 validation, ISO-8859-1
 * conversion, id cleaning, the line splitter and the RFC 4180 tokenizer.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "io.h"

#define S(x) x, sizeof(x) - 1

static void test_int(void **state)
{
    (void)state;
    int64_t v;
    assert_true(vci_parse_int(S("0"), &v) && v == 0);
    assert_true(vci_parse_int(S("-42"), &v) && v == -42);
    assert_true(vci_parse_int(S("+7"), &v) && v == 7);
    assert_true(vci_parse_int(S("9223372036854775807"), &v) && v == INT64_MAX);
    assert_true(vci_parse_int(S("-9223372036854775808"), &v) && v == INT64_MIN);
    assert_false(vci_parse_int(S("9223372036854775808"), &v));
    assert_false(vci_parse_int(S(""), &v));
    assert_false(vci_parse_int(S("-"), &v));
    assert_false(vci_parse_int(S("12a"), &v));
    assert_false(vci_parse_int(S(" 1"), &v));
    assert_false(vci_parse_int(S("1.0"), &v));
}

static void test_number(void **state)
{
    (void)state;
    double v;
    assert_true(vci_parse_number(S("4"), &v) && v == 4);
    assert_true(vci_parse_number(S("3.5"), &v) && v == 3.5);
    assert_true(vci_parse_number(S("-0.25"), &v) && v == -0.25);
    assert_true(vci_parse_number(S(".5"), &v) && v == 0.5);
    assert_true(vci_parse_number(S("1e3"), &v) && v == 1000);
    assert_true(vci_parse_number(S("2.55"), &v) && v == 2.55);
    assert_true(vci_parse_number(S("0.1"), &v) && v == 0.1);
    assert_true(vci_parse_number(S("12345678901234567890"), &v) && v == 12345678901234567890.0);
    assert_true(vci_parse_number(S("1.23456789012345678"), &v) && v == 1.23456789012345678);
    assert_false(vci_parse_number(S("."), &v));
    assert_false(vci_parse_number(S("-"), &v));
    assert_false(vci_parse_number(S(""), &v));
    assert_false(vci_parse_number(S("nan"), &v));
    assert_false(vci_parse_number(S("inf"), &v));
    assert_false(vci_parse_number(S("1e999"), &v));
    assert_false(vci_parse_number(S("0x10"), &v));
    assert_false(vci_parse_number(S("1,5"), &v));
    assert_false(vci_parse_number(S("4 "), &v));
}

static void test_civil_dates(void **state)
{
    (void)state;
    assert_int_equal(vci_days_from_civil(1970, 1, 1), 0);
    assert_int_equal(vci_days_from_civil(2000, 3, 1), 11017);
    assert_int_equal(vci_days_from_civil(1969, 12, 31), -1);
    /* walk day by day from 1899 to 2101 */
    static const unsigned mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int64_t day = vci_days_from_civil(1899, 1, 1);
    for (int64_t y = 1899; y <= 2101; y++)
        for (unsigned m = 1; m <= 12; m++) {
            unsigned n = mdays[m - 1] +
                         (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
            for (unsigned d = 1; d <= n; d++, day++) {
                assert_int_equal(vci_days_from_civil(y, m, d), day);
                int64_t yy;
                unsigned mm, dd;
                vci_civil_from_days(day, &yy, &mm, &dd);
                assert_true(yy == y && mm == m && dd == d);
            }
        }
}

static void test_times(void **state)
{
    (void)state;
    int64_t t;
    /* 2010-12-01 08:26:00 UTC = 1291191960 */
    assert_true(vci_parse_time(S("2010-12-01 08:26:00"), &t) && t == 1291191960);
    assert_true(vci_parse_time(S("2010-12-01 08:26"), &t) && t == 1291191960);
    assert_true(vci_parse_time(S("2010-12-01T08:26:00Z"), &t) && t == 1291191960);
    assert_true(vci_parse_time(S("2010-12-01T09:26:00+01:00"), &t) && t == 1291191960);
    assert_true(vci_parse_time(S("2010-12-01T03:26:00-0500"), &t) && t == 1291191960);
    assert_true(vci_parse_time(S("2010-12-01T08:26:00.250Z"), &t) && t == 1291191960);
    assert_true(vci_parse_time(S("2010-12-01"), &t) && t == 1291161600);
    assert_true(vci_parse_time(S("12/1/2010 8:26"), &t) && t == 1291191960);
    assert_true(vci_parse_time(S("12/01/2010 08:26:00"), &t) && t == 1291191960);
    assert_true(vci_parse_time(S("12/1/2010 8:26 AM"), &t) && t == 1291191960);
    assert_true(vci_parse_time(S("12/1/2010 8:26 PM"), &t) && t == 1291191960 + 12 * 3600);
    assert_true(vci_parse_time(S("12/1/2010"), &t) && t == 1291161600);
    assert_true(vci_parse_time(S("1291191960"), &t) && t == 1291191960);
    assert_true(vci_parse_time(S("1291191960.75"), &t) && t == 1291191960);
    assert_true(vci_parse_time(S(" 978300760 "), &t) && t == 978300760);
    assert_true(vci_parse_time(S("2000-02-29 00:00"), &t));
    assert_false(vci_parse_time(S("2001-02-29 00:00"), &t));
    assert_false(vci_parse_time(S("2010-13-01 00:00"), &t));
    assert_false(vci_parse_time(S("2010-12-32"), &t));
    assert_false(vci_parse_time(S("2010-12-01 25:00"), &t));
    assert_false(vci_parse_time(S("2010-12-01 08:61"), &t));
    assert_false(vci_parse_time(S("2010-12-01x"), &t));
    assert_false(vci_parse_time(S("13/1/2010 8:26"), &t));
    assert_false(vci_parse_time(S("yesterday"), &t));
    assert_false(vci_parse_time(S(""), &t));
}

static void test_text(void **state)
{
    (void)state;
    assert_int_equal(vci_utf8_check(S("plain")), 5);
    assert_int_equal(vci_utf8_check(S("Mis\xC3\xA9rables")), 11);
    assert_int_equal(vci_utf8_check(S("Mis\xE9rables")), 3);      /* latin-1 */
    assert_int_equal(vci_utf8_check(S("\xC0\x80")), 0);           /* overlong */
    assert_int_equal(vci_utf8_check(S("\xED\xA0\x80")), 0);       /* surrogate */
    assert_int_equal(vci_utf8_check(S("ab\xF0\x9F\x98")), 2);     /* truncated */
    assert_int_equal(vci_utf8_check("a\0b", 3), 1);                /* NUL */
    char *buf = NULL;
    size_t cap = 0;
    vci_span out;
    assert_int_equal(vci_latin1_text(S("Mis\xE9rables"), &buf, &cap, &out), VC_OK);
    assert_int_equal(out.n, 11);
    assert_memory_equal(out.s, "Mis\xC3\xA9rables", 11);
    assert_int_equal(vci_latin1_text(S("d\xC3\xA9j\xC3\xA0"), &buf, &cap, &out), VC_OK);
    assert_int_equal(out.n, 6);   /* already UTF-8: kept */
    vci_free(buf);
}

static void test_ids_and_split(void **state)
{
    (void)state;
    vci_span id;
    assert_true(vci_clean_id((vci_span){S(" 17850.0 ")}, &id));
    assert_int_equal(id.n, 5);
    assert_memory_equal(id.s, "17850", 5);
    assert_true(vci_clean_id((vci_span){S("85123A")}, &id) && id.n == 6);
    assert_true(vci_clean_id((vci_span){S("A.0")}, &id) && id.n == 3);
    assert_false(vci_clean_id((vci_span){S("  ")}, &id));
    vci_span f[6];
    assert_int_equal(vci_split(S("1::Toy Story::Comedy"), "::", 2, f, 6), 3);
    assert_int_equal(f[1].n, 9);
    assert_int_equal(vci_split(S("a||b|"), "|", 1, f, 6), 4);
    assert_int_equal(f[1].n, 0);
    assert_int_equal(f[3].n, 0);
    assert_int_equal(vci_split(S(""), "|", 1, f, 6), 1);
    assert_int_equal(vci_split(S("a:b"), "::", 2, f, 6), 1);
    assert_int_equal(vci_split(S("a|b|c|d"), "|", 1, f, 2), 4); /* counts past max */
}

static int csv_all(const char *text, size_t n, char out[][32], size_t *nf,
                   uint64_t *line, char *err)
{
    vci_csv c;
    vci_csv_init(&c, text, n, ',');
    int r = vci_csv_next(&c);
    *nf = c.nfields;
    *line = c.line;
    for (size_t i = 0; r == 1 && i < c.nfields && i < 8; i++) {
        memcpy(out[i], c.fields[i].s, c.fields[i].n);
        out[i][c.fields[i].n] = '\0';
    }
    if (r == -1)
        strcpy(err, c.err);
    vci_csv_free(&c);
    return r;
}

static void test_csv(void **state)
{
    (void)state;
    char f[8][32], err[160];
    size_t nf;
    uint64_t line;
    assert_int_equal(csv_all(S("a,b,c\n"), f, &nf, &line, err), 1);
    assert_int_equal(nf, 3);
    assert_string_equal(f[2], "c");
    assert_int_equal(csv_all(S("\xEF\xBB\xBFx,\"y, z\",\"say \"\"hi\"\"\"\r\n"), f, &nf,
                             &line, err), 1);
    assert_int_equal(nf, 3);
    assert_string_equal(f[0], "x");
    assert_string_equal(f[1], "y, z");
    assert_string_equal(f[2], "say \"hi\"");
    assert_int_equal(csv_all(S("\"multi\nline\",2"), f, &nf, &line, err), 1);
    assert_string_equal(f[0], "multi\nline");
    assert_string_equal(f[1], "2");
    assert_int_equal(csv_all(S("a,,\n"), f, &nf, &line, err), 1);
    assert_int_equal(nf, 3);
    assert_string_equal(f[1], "");
    assert_int_equal(csv_all(S("7\" record,x"), f, &nf, &line, err), 1);
    assert_string_equal(f[0], "7\" record");
    assert_int_equal(csv_all(S("\"open,x\n"), f, &nf, &line, err), -1);
    assert_non_null(strstr(err, "unterminated"));
    assert_int_equal(csv_all(S("\"a\"b,c\n"), f, &nf, &line, err), -1);
    assert_non_null(strstr(err, "closing quote"));
    assert_int_equal(csv_all(S("\n\n"), f, &nf, &line, err), 0);

    /* line numbers across blank lines and quoted line breaks */
    const char text[] = "h1,h2\n\n\"a\nb\",1\nc,2\n";
    vci_csv c;
    vci_csv_init(&c, text, sizeof text - 1, ',');
    assert_int_equal(vci_csv_next(&c), 1);
    assert_int_equal(c.line, 1);
    assert_int_equal(vci_csv_next(&c), 1);
    assert_int_equal(c.line, 3);
    assert_int_equal(vci_csv_next(&c), 1);
    assert_int_equal(c.line, 5);
    assert_int_equal(vci_csv_next(&c), 0);
    vci_csv_free(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_int),
        cmocka_unit_test(test_number),
        cmocka_unit_test(test_civil_dates),
        cmocka_unit_test(test_times),
        cmocka_unit_test(test_text),
        cmocka_unit_test(test_ids_and_split),
        cmocka_unit_test(test_csv),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
