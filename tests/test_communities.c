/*
 * test_communities.c - vc_cluster_run on planted synthetic data (the
 * global segments recover the plant: ARI >= 0.9 at default settings,
 * checked with a slow reference ARI), membership invariants, results
 * identical for any thread count, and small edge cases (no attributes, a
 * category with one user, users without events).
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

/* Adjusted Rand index by the pair-counting definition, O(n^2): the slow
 * reference, independent of the library's contingency-table version. */
static double slow_ari(const uint32_t *a, const uint32_t *b, size_t n)
{
    double both = 0, sa = 0, sb = 0, pairs = (double)n * (n - 1) / 2;
    for (size_t i = 0; i < n; i++)
        for (size_t j = i + 1; j < n; j++) {
            int x = a[i] == a[j], y = b[i] == b[j];
            both += x && y;
            sa += x;
            sb += y;
        }
    double expected = sa * sb / pairs;
    return (both - expected) / ((sa + sb) / 2 - expected);
}

/* The global segment of every user: its strongest global community. */
static void global_labels(const vc_communities *cm, size_t nusers, uint32_t *out)
{
    size_t ng = vc_communities_global_count(cm);
    uint32_t comms[256];
    float str[256];
    for (size_t u = 0; u < nusers; u++) {
        size_t count;
        assert_int_equal(vc_user_communities(cm, u, comms, str, 256, &count), VC_OK);
        out[u] = UINT32_MAX;
        for (size_t j = 0; j < count && out[u] == UINT32_MAX; j++)
            if (comms[j] < ng)
                out[u] = comms[j];
        assert_true(out[u] != UINT32_MAX);
    }
}

typedef struct built {
    vc_dataset *ds;
    vc_portraits *pt;
    vc_communities *cm;
} built;

static void build(built *b, vc_dataset *ds, const vc_options *o)
{
    b->ds = ds;
    assert_int_equal(vc_portrait_build(&b->pt, ds, o), VC_OK);
    assert_int_equal(vc_cluster_run(&b->cm, b->pt, o), VC_OK);
}

static void release(built *b)
{
    vc_communities_free(b->cm);
    vc_portraits_free(b->pt);
    vc_dataset_free(b->ds);
}

static void test_planted_communities_recovered(void **state)
{
    (void)state;
    /* the synthesizer's defaults (6040 users, 8 communities), and smaller */
    static const int cases[][3] = {{6040, 8, 42}, {1500, 6, 11}};
    for (size_t t = 0; t < 2; t++) {
        built b;
        build(&b, fixture_synth(cases[t][0], cases[t][1], cases[t][2]), NULL);
        size_t n = vc_dataset_user_count(b.ds);
        uint32_t *truth = calloc(n, sizeof *truth), *found = calloc(n, sizeof *found);
        for (size_t u = 0; u < n; u++) {
            uint32_t c;
            assert_int_equal(vc_dataset_planted_community(b.ds, u, &c), VC_OK);
            truth[u] = (uint32_t)c;
        }
        global_labels(b.cm, n, found);
        double ari = slow_ari(truth, found, n);
        printf("planted %d communities, %zu users: %zu segments, ARI %.4f\n",
               cases[t][1], n, vc_communities_global_count(b.cm), ari);
        assert_true(ari >= 0.9);
        free(truth);
        free(found);
        release(&b);
    }
}

static void test_membership_invariants(void **state)
{
    (void)state;
    built b;
    build(&b, fixture_synth(600, 4, 5), NULL);
    size_t n = vc_dataset_user_count(b.ds), nc = vc_communities_count(b.cm);
    size_t ng = vc_communities_global_count(b.cm);
    assert_true(ng >= 2 && ng <= nc);
    size_t global_total = 0;
    for (size_t c = 0; c < ng; c++) {
        global_total += vc_community_size(b.cm, c);
        assert_null(vc_community_topic(b.cm, c));
        size_t found;
        assert_int_equal(vc_communities_find(b.cm, vc_community_name(b.cm, c), &found), VC_OK);
        assert_int_equal(found, c);
    }
    assert_int_equal(global_total, n);
    for (size_t c = 0; c < nc; c++) {
        size_t count;
        vc_status s = vc_community_members(b.cm, c, NULL, NULL, 0, &count);
        assert_true(s == VC_OK || s == VC_ERR_BUFFER);
        assert_true(count >= vc_community_size(b.cm, c));
        uint32_t *users = calloc(count + 1, sizeof *users);
        float *str = calloc(count + 1, sizeof *str);
        assert_int_equal(vc_community_members(b.cm, c, users, str, count, &count), VC_OK);
        for (size_t i = 0; i < count; i++) {
            assert_true(users[i] < n);
            assert_true(str[i] > 0 && str[i] <= 1.0f + 1e-6f);
            if (i)
                assert_true(str[i] <= str[i - 1]);
        }
        const char *persona = vc_community_persona(b.cm, c);
        assert_non_null(persona);
        assert_true(strlen(persona) > 0);
        double sil = vc_community_silhouette(b.cm, c);
        assert_true(sil >= -1 && sil <= 1);
        free(users);
        free(str);
    }
    for (size_t u = 0; u < n; u++) {
        uint32_t comms[256];
        float str[256];
        size_t count;
        assert_int_equal(vc_user_communities(b.cm, u, comms, str, 256, &count), VC_OK);
        assert_true(count >= 1);
        for (size_t j = 1; j < count; j++)
            assert_true(str[j] <= str[j - 1]);
    }
    release(&b);
}

static void test_same_for_any_thread_count(void **state)
{
    (void)state;
    built b[2];
    for (int t = 0; t < 2; t++) {
        vc_options *o;
        vc_options_new(&o);
        vc_options_set_int(o, "threads", t == 0 ? 1 : 3);
        build(&b[t], fixture_synth(500, 5, 9), o);
        vc_options_free(o);
    }
    size_t nc = vc_communities_count(b[0].cm);
    assert_int_equal(nc, vc_communities_count(b[1].cm));
    for (size_t c = 0; c < nc; c++) {
        assert_string_equal(vc_community_persona(b[0].cm, c), vc_community_persona(b[1].cm, c));
        size_t n0, n1;
        vc_community_members(b[0].cm, c, NULL, NULL, 0, &n0);
        vc_community_members(b[1].cm, c, NULL, NULL, 0, &n1);
        assert_int_equal(n0, n1);
        uint32_t *u0 = calloc(n0 + 1, 4), *u1 = calloc(n1 + 1, 4);
        float *s0 = calloc(n0 + 1, 4), *s1 = calloc(n1 + 1, 4);
        vc_community_members(b[0].cm, c, u0, s0, n0, &n0);
        vc_community_members(b[1].cm, c, u1, s1, n1, &n1);
        assert_memory_equal(u0, u1, n0 * 4);
        assert_memory_equal(s0, s1, n0 * 4);
        free(u0), free(u1), free(s0), free(s1);
    }
    release(&b[0]);
    release(&b[1]);
}

/* 40 users in two tastes, no attributes, one user without events, a
 * category only one user touched. */
static vc_dataset *small_edge_set(void)
{
    vc_dataset *ds;
    assert_int_equal(vc_dataset_new(&ds), VC_OK);
    char user[16], item[16];
    for (int i = 0; i < 20; i++) {
        snprintf(item, sizeof item, "i%d", i);
        assert_int_equal(vc_dataset_add_item(ds, item, NULL, i < 10 ? "Drama" : "Comedy", NAN), VC_OK);
    }
    assert_int_equal(vc_dataset_add_item(ds, "lonely", NULL, "Opera", NAN), VC_OK);
    assert_int_equal(vc_dataset_add_item(ds, "bare", NULL, NULL, NAN), VC_OK);
    for (int u = 0; u < 40; u++) {
        snprintf(user, sizeof user, "u%d", u);
        for (int k = 0; k < 6; k++) {
            snprintf(item, sizeof item, "i%d", (u % 2) * 10 + (u + k) % 10);
            assert_int_equal(vc_dataset_add_event(ds, user, item, "rating", 1 + (u + k) % 5, 0,
                                                  1000000 + 3600 * (u * 7 + k)), VC_OK);
        }
    }
    assert_int_equal(vc_dataset_add_event(ds, "u3", "lonely", "rating", 5, 0, 2000000), VC_OK);
    assert_int_equal(vc_dataset_add_event(ds, "u4", "bare", "rating", 2, 0, 2000000), VC_OK);
    assert_int_equal(vc_dataset_add_user(ds, "silent", NULL, NULL, 0), VC_OK);
    assert_int_equal(vc_dataset_finalize(ds), VC_OK);
    return ds;
}

static void test_edge_cases(void **state)
{
    (void)state;
    vc_options *o;
    vc_options_new(&o);
    vc_options_set_int(o, "community.min_members", 1);
    built b;
    build(&b, small_edge_set(), o);
    size_t n = vc_dataset_user_count(b.ds);
    assert_int_equal(n, 41);
    uint32_t *labels = calloc(n, sizeof *labels);
    global_labels(b.cm, n, labels); /* every user, the silent one too */
    /* the two tastes never share a segment when k is 2 */
    release(&b);
    vc_options_set_int(o, "community.k", 2);
    build(&b, small_edge_set(), o);
    global_labels(b.cm, n, labels);
    for (size_t u = 2; u < 40; u++) {
        size_t idx;
        char id[16];
        snprintf(id, sizeof id, "u%zu", u);
        assert_int_equal(vc_dataset_user_index(b.ds, id, &idx), VC_OK);
        size_t ref;
        snprintf(id, sizeof id, "u%zu", u % 2);
        assert_int_equal(vc_dataset_user_index(b.ds, id, &ref), VC_OK);
        assert_int_equal(labels[idx], labels[ref]);
    }
    size_t u0, u1;
    vc_dataset_user_index(b.ds, "u0", &u0);
    vc_dataset_user_index(b.ds, "u1", &u1);
    assert_int_not_equal(labels[u0], labels[u1]);
    /* a topic community for the category one user touched */
    size_t c;
    assert_int_equal(vc_communities_find(b.cm, "Opera 1", &c), VC_OK);
    assert_int_equal(vc_community_size(b.cm, c), 1);
    free(labels);
    release(&b);
    vc_options_free(o);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    vc_communities *cm = (vc_communities *)1;
    assert_int_equal(vc_cluster_run(&cm, NULL, NULL), VC_ERR_INVALID);
    assert_null(cm);
    assert_non_null(strstr(vc_last_error(), "NULL"));
    vc_communities_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_planted_communities_recovered),
        cmocka_unit_test(test_membership_invariants),
        cmocka_unit_test(test_same_for_any_thread_count),
        cmocka_unit_test(test_edge_cases),
        cmocka_unit_test(test_bad_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
