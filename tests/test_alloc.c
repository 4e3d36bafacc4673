/*
 * test_alloc.c - allocation goes through vc_set_allocator hooks; every
 * failing allocation surfaces as VC_ERR_NOMEM without leaks or damage;
 * aligned blocks are 64-byte aligned and zeroed; growth helpers detect
 * overflow.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "core.h"

/* Counting allocator that fails the fail_at-th request (1-based; 0 never). */
static struct {
    long live;
    long requests;
    long fail_at;
} counter;

static void *count_malloc(size_t n, void *ud)
{
    assert_ptr_equal(ud, &counter);
    if (++counter.requests == counter.fail_at)
        return NULL;
    void *p = malloc(n);
    if (p)
        counter.live++;
    return p;
}

static void *count_realloc(void *ptr, size_t n, void *ud)
{
    assert_ptr_equal(ud, &counter);
    if (++counter.requests == counter.fail_at)
        return NULL;
    return realloc(ptr, n);
}

static void count_free(void *ptr, void *ud)
{
    assert_ptr_equal(ud, &counter);
    if (ptr)
        counter.live--;
    free(ptr);
}

static int install(void **state)
{
    (void)state;
    memset(&counter, 0, sizeof counter);
    return vc_set_allocator(count_malloc, count_realloc, count_free, &counter);
}

static int uninstall(void **state)
{
    (void)state;
    return vc_set_allocator(NULL, NULL, NULL, NULL);
}

static void test_hooks_see_every_block(void **state)
{
    (void)state;
    vc_options *o;
    assert_int_equal(vc_options_new(&o), VC_OK);
    assert_true(counter.live > 0);
    assert_int_equal(vc_options_set_string(o, "load.columns", "user=a,item=b"), VC_OK);
    vc_options *c;
    assert_int_equal(vc_options_copy(&c, o), VC_OK);
    vc_options_free(o);
    vc_options_free(c);
    assert_int_equal(counter.live, 0);
}

/* Run a small scenario failing the i-th allocation for every i. */
static vc_status scenario(void)
{
    vc_options *o = NULL, *c = NULL;
    vc_status s = vc_options_new(&o);
    if (s == VC_OK)
        s = vc_options_set_string(o, "load.columns", "user=CustomerID,item=StockCode");
    if (s == VC_OK)
        s = vc_options_set(o, "kmeans.k", "12");
    if (s == VC_OK)
        s = vc_options_copy(&c, o);
    if (s == VC_OK) {
        const char *v;
        s = vc_options_get_string(c, "load.columns", &v);
        if (s == VC_OK && strcmp(v, "user=CustomerID,item=StockCode") != 0)
            s = VC_ERR_INTERNAL;
    }
    vc_options_free(c);
    vc_options_free(o);
    return s;
}

static void test_every_failure_is_clean(void **state)
{
    (void)state;
    int failures = 0;
    for (long i = 1;; i++) {
        counter.requests = 0;
        counter.fail_at = i;
        vc_status s = scenario();
        assert_int_equal(counter.live, 0);
        if (counter.requests < i) {
            assert_int_equal(s, VC_OK); /* ran past the last allocation */
            break;
        }
        assert_int_equal(s, VC_ERR_NOMEM);
        assert_non_null(strstr(vc_last_error(), "out of memory"));
        failures++;
    }
    assert_true(failures >= 3);
    /* a failed set leaves the earlier value intact */
    vc_options *o;
    counter.fail_at = 0;
    assert_int_equal(vc_options_new(&o), VC_OK);
    assert_int_equal(vc_options_set_string(o, "load.columns", "user=a"), VC_OK);
    counter.requests = 0;
    counter.fail_at = 1;
    assert_int_equal(vc_options_set_string(o, "load.columns", "user=b"), VC_ERR_NOMEM);
    counter.fail_at = 0;
    const char *v;
    assert_int_equal(vc_options_get_string(o, "load.columns", &v), VC_OK);
    assert_string_equal(v, "user=a");
    vc_options_free(o);
    assert_int_equal(counter.live, 0);
}

static void test_partial_hooks_rejected(void **state)
{
    (void)state;
    assert_int_equal(vc_set_allocator(count_malloc, NULL, count_free, NULL),
                     VC_ERR_INVALID);
    assert_non_null(strstr(vc_last_error(), "all three"));
    /* the installed hooks are still the counting ones */
    void *p = vci_malloc(10);
    assert_int_equal(counter.live, 1);
    vci_free(p);
    assert_int_equal(counter.live, 0);
}

static void test_aligned_and_overflow(void **state)
{
    (void)state;
    for (size_t n = 0; n < 200; n += 13) {
        unsigned char *p = vci_aligned_calloc(n, 3);
        assert_non_null(p);
        assert_int_equal((uintptr_t)p % VCI_ALIGN, 0);
        for (size_t k = 0; k < n * 3; k++)
            assert_int_equal(p[k], 0);
        vci_aligned_free(p);
    }
    assert_null(vci_calloc(SIZE_MAX / 2, 3));
    assert_null(vci_aligned_calloc(SIZE_MAX / 2, 3));
    assert_null(vci_array_realloc(NULL, SIZE_MAX / 4, 8));
    size_t out;
    assert_false(vci_mul_ok(SIZE_MAX / 2, 3, &out));
    assert_true(vci_mul_ok(1000, 1000, &out));
    assert_int_equal(out, 1000000);
    assert_int_equal(counter.live, 0);
}

/* Resizing an aligned block keeps its content (realloc may move it to a
 * differently aligned address), zeroes what it grew by, and a failure
 * leaves the block as it was. */
static void test_aligned_resize(void **state)
{
    (void)state;
    size_t n = 5;
    unsigned char *p = vci_aligned_resize(NULL, 0, n, 3);
    assert_non_null(p);
    for (size_t k = 0; k < n * 3; k++)
        p[k] = (unsigned char)(k * 7 + 1);
    for (size_t grown = 9; grown < 100000; grown = grown * 3 + 1) {
        unsigned char *q = vci_aligned_resize(p, n, grown, 3);
        assert_non_null(q);
        assert_int_equal((uintptr_t)q % VCI_ALIGN, 0);
        for (size_t k = 0; k < n * 3; k++)
            assert_int_equal(q[k], (unsigned char)(k * 7 + 1));
        for (size_t k = n * 3; k < grown * 3; k++) {
            assert_int_equal(q[k], 0);
            q[k] = (unsigned char)(k * 7 + 1);
        }
        p = q;
        n = grown;
    }
    counter.requests = 0;
    counter.fail_at = 1;
    assert_null(vci_aligned_resize(p, n, n * 2, 3));
    counter.fail_at = 0;
    for (size_t k = 0; k < n * 3; k++)
        assert_int_equal(p[k], (unsigned char)(k * 7 + 1));
    assert_null(vci_aligned_resize(p, n, SIZE_MAX / 2, 3));
    unsigned char *q = vci_aligned_resize(p, n, 4, 3); /* shrinking keeps a prefix */
    assert_non_null(q);
    assert_int_equal((uintptr_t)q % VCI_ALIGN, 0);
    for (size_t k = 0; k < 12; k++)
        assert_int_equal(q[k], (unsigned char)(k * 7 + 1));
    vci_aligned_free(q);
    assert_int_equal(counter.live, 0);
}

static void test_reserve_and_strings(void **state)
{
    (void)state;
    int *v = NULL;
    size_t cap = 0;
    for (size_t i = 0; i < 1000; i++) {
        assert_int_equal(vci_reserve((void **)&v, &cap, i + 1, sizeof *v), VC_OK);
        assert_true(cap >= i + 1);
        v[i] = (int)i;
    }
    for (size_t i = 0; i < 1000; i++)
        assert_int_equal(v[i], (int)i);
    /* a failing growth keeps the old block and capacity */
    size_t old_cap = cap;
    int *old = v;
    counter.requests = 0;
    counter.fail_at = 1;
    assert_int_equal(vci_reserve((void **)&v, &cap, cap + 1, sizeof *v), VC_ERR_NOMEM);
    counter.fail_at = 0;
    assert_ptr_equal(v, old);
    assert_int_equal(cap, old_cap);
    assert_int_equal(v[999], 999);
    vci_free(v);

    char *s = vci_strndup("abcdef", 3);
    assert_string_equal(s, "abc");
    char *t = vci_strdup("xyz");
    assert_string_equal(t, "xyz");
    vci_free(s);
    vci_free(t);
    assert_int_equal(counter.live, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_hooks_see_every_block, install, uninstall),
        cmocka_unit_test_setup_teardown(test_every_failure_is_clean, install, uninstall),
        cmocka_unit_test_setup_teardown(test_partial_hooks_rejected, install, uninstall),
        cmocka_unit_test_setup_teardown(test_aligned_and_overflow, install, uninstall),
        cmocka_unit_test_setup_teardown(test_aligned_resize, install, uninstall),
        cmocka_unit_test_setup_teardown(test_reserve_and_strings, install, uninstall),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
