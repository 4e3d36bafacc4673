/* test_hashmap.c - the id map against a naive reference (a plain array
 * indexed by the key's number) over 10^6 random operations with deletes
 * and growth; the string pool; the hash function. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

enum { UNIVERSE = 400000, OPS = 1000000 };

/* Key text of number k: varying length and shared prefixes. */
static size_t key_of(uint32_t k, char *buf)
{
    int pad = (int)(k % 23);
    return (size_t)snprintf(buf, 64, "%u:%.*s", k, pad, "uuuuuuuuuuuuuuuuuuuuuuuuu");
}

static void test_against_reference(void **state)
{
    (void)state;
    int64_t *ref = malloc(UNIVERSE * sizeof *ref);
    assert_non_null(ref);
    for (size_t i = 0; i < UNIVERSE; i++)
        ref[i] = -1;
    size_t ref_count = 0;
    vci_idmap map;
    vci_idmap_init(&map);
    vci_rng r;
    vci_rng_seed(&r, 2024, 0);
    char key[64];
    for (uint32_t op = 0; op < OPS; op++) {
        uint32_t k = (uint32_t)vci_rng_below(&r, UNIVERSE);
        size_t n = key_of(k, key);
        uint32_t kind = (uint32_t)vci_rng_below(&r, 10);
        uint32_t v;
        if (kind < 4) { /* put */
            assert_int_equal(vci_idmap_put(&map, key, n, op), VC_OK);
            ref_count += ref[k] < 0;
            ref[k] = op;
        } else if (kind < 6) { /* get_or_add */
            bool added;
            size_t off;
            assert_int_equal(vci_idmap_get_or_add(&map, key, n, op, &v, &off, &added), VC_OK);
            assert_int_equal(added, ref[k] < 0);
            if (added) {
                ref[k] = op;
                ref_count++;
            }
            assert_int_equal(v, (uint32_t)ref[k]);
            assert_int_equal(vci_strpool_strlen(&map.keys, off), n);
            assert_memory_equal(vci_strpool_str(&map.keys, off), key, n);
        } else if (kind < 8) { /* remove */
            assert_int_equal(vci_idmap_remove(&map, key, n), ref[k] >= 0);
            ref_count -= ref[k] >= 0;
            ref[k] = -1;
        } else { /* get */
            bool found = vci_idmap_get(&map, key, n, &v);
            assert_int_equal(found, ref[k] >= 0);
            if (found)
                assert_int_equal(v, (uint32_t)ref[k]);
        }
        assert_int_equal(map.count, ref_count);
    }
    for (uint32_t k = 0; k < UNIVERSE; k++) {
        size_t n = key_of(k, key);
        uint32_t v;
        bool found = vci_idmap_get(&map, key, n, &v);
        assert_int_equal(found, ref[k] >= 0);
        if (found)
            assert_int_equal(v, (uint32_t)ref[k]);
    }
    /* remove everything: the map ends empty and still works */
    for (uint32_t k = 0; k < UNIVERSE; k++) {
        size_t n = key_of(k, key);
        assert_int_equal(vci_idmap_remove(&map, key, n), ref[k] >= 0);
    }
    assert_int_equal(map.count, 0);
    assert_int_equal(vci_idmap_put(&map, "x", 1, 5), VC_OK);
    uint32_t v;
    assert_true(vci_idmap_get(&map, "x", 1, &v));
    assert_int_equal(v, 5);
    vci_idmap_free(&map);
    free(ref);
}

static void test_empty_and_binary_keys(void **state)
{
    (void)state;
    vci_idmap map;
    vci_idmap_init(&map);
    uint32_t v;
    assert_false(vci_idmap_get(&map, "a", 1, &v));
    assert_false(vci_idmap_remove(&map, "a", 1));
    assert_int_equal(vci_idmap_put(&map, "", 0, 1), VC_OK);
    assert_int_equal(vci_idmap_put(&map, "a\0b", 3, 2), VC_OK);
    assert_int_equal(vci_idmap_put(&map, "a\0c", 3, 3), VC_OK);
    assert_true(vci_idmap_get(&map, "", 0, &v));
    assert_int_equal(v, 1);
    assert_true(vci_idmap_get(&map, "a\0c", 3, &v));
    assert_int_equal(v, 3);
    assert_false(vci_idmap_get(&map, "a", 1, &v));
    assert_int_equal(vci_idmap_reserve(&map, 1000), VC_OK);
    assert_true(vci_idmap_get(&map, "a\0b", 3, &v));
    assert_int_equal(v, 2);
    vci_idmap_free(&map);
}

static void test_strpool(void **state)
{
    (void)state;
    vci_strpool p;
    vci_strpool_init(&p);
    size_t offs[1000];
    char buf[64];
    for (int i = 0; i < 1000; i++) {
        int n = snprintf(buf, sizeof buf, "item-%d", i * 7);
        assert_int_equal(vci_strpool_add(&p, buf, (size_t)n, &offs[i]), VC_OK);
        assert_true(offs[i] != 0);
    }
    for (int i = 0; i < 1000; i++) {
        int n = snprintf(buf, sizeof buf, "item-%d", i * 7);
        assert_string_equal(vci_strpool_str(&p, offs[i]), buf);
        assert_int_equal(vci_strpool_strlen(&p, offs[i]), n);
    }
    size_t e;
    assert_int_equal(vci_strpool_add(&p, "", 0, &e), VC_OK);
    assert_string_equal(vci_strpool_str(&p, e), "");
    vci_strpool_free(&p);
}

static void test_hash(void **state)
{
    (void)state;
    assert_true(vci_hash_bytes("abc", 3, 1) == vci_hash_bytes("abc", 3, 1));
    assert_true(vci_hash_bytes("abc", 3, 1) != vci_hash_bytes("abd", 3, 1));
    assert_true(vci_hash_bytes("abc", 3, 1) != vci_hash_bytes("abc", 3, 2));
    assert_true(vci_hash_bytes("", 0, 1) != vci_hash_bytes("\0", 1, 1));
    /* unaligned input hashes the same bytes the same way */
    char buf[40];
    memcpy(buf + 1, "0123456789abcdefghij", 20);
    assert_true(vci_hash_bytes(buf + 1, 20, 9) ==
                vci_hash_bytes("0123456789abcdefghij", 20, 9));
    /* low bits spread: 4096 sequential keys fill most of 4096 buckets */
    static unsigned char used[4096];
    unsigned distinct = 0;
    for (int i = 0; i < 4096; i++) {
        int n = snprintf(buf, sizeof buf, "%d", i);
        unsigned b = (unsigned)(vci_hash_bytes(buf, (size_t)n, 0) & 4095);
        distinct += !used[b];
        used[b] = 1;
    }
    assert_true(distinct > 2400); /* expected ~2589 for a random function */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_against_reference),
        cmocka_unit_test(test_empty_and_binary_keys),
        cmocka_unit_test(test_strpool),
        cmocka_unit_test(test_hash),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
