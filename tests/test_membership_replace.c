/*
 * test_membership_replace.c - the in-place replacement of some users'
 * memberships in both CSR indexes (lib/cluster/membership_replace.c),
 * against indexes built from scratch (vci_membership_csr) over the same
 * memberships: random layouts, random replaced users, fewer or more users
 * after (the new layout longer and shorter than the old), strengths with
 * ties. Replacing back with the removed entries gives the arrays back
 * byte for byte, and the removed entries are the replaced users' old ones.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "community.h"

/* A small deterministic generator (tests only). */
static uint64_t next(uint64_t *s)
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return *s >> 33;
}

/* Random memberships of users [0, nusers) over ncomm communities, each user
 * in 0..maxper distinct communities; strengths from a few values, so that
 * ties (ordered by id) occur. Users not in keep (when given) get none. */
static void random_list(vci_membership_list *l, uint32_t nusers, uint32_t ncomm,
                        uint32_t maxper, const uint8_t *keep, uint64_t *rng)
{
    memset(l, 0, sizeof *l);
    for (uint32_t u = 0; u < nusers; u++) {
        if (keep && !keep[u])
            continue;
        uint32_t n = (uint32_t)(next(rng) % (maxper + 1));
        uint32_t first = (uint32_t)(next(rng) % ncomm);
        for (uint32_t k = 0; k < n && k < ncomm; k++) {
            float strength = (float)(1 + next(rng) % 4) / 4.0f;
            assert_int_equal(vci_membership_append(l, u, (first + k) % ncomm, strength),
                             VC_OK);
        }
    }
}

static void list_free(vci_membership_list *l)
{
    free(l->user);
    free(l->comm);
    free(l->strength);
}

/* Both CSR indexes of a list. */
typedef struct csr {
    uint32_t *mem_start, *mem_comm, *comm_start, *comm_user;
    float *mem_strength, *comm_strength;
} csr;

static void build(csr *c, const vci_membership_list *l, uint32_t nusers, uint32_t ncomm)
{
    assert_int_equal(vci_membership_csr(l, l->user, l->comm, nusers, 0, &c->mem_start,
                                        &c->mem_comm, &c->mem_strength), VC_OK);
    assert_int_equal(vci_membership_csr(l, l->comm, l->user, ncomm, 0, &c->comm_start,
                                        &c->comm_user, &c->comm_strength), VC_OK);
}

static void csr_free(csr *c)
{
    void *p[] = {c->mem_start, c->mem_comm, c->comm_start, c->comm_user, c->mem_strength,
                 c->comm_strength};
    for (size_t i = 0; i < sizeof p / sizeof p[0]; i++)
        vci_free(p[i]);
}

static void expect_equal(const uint32_t *start, const uint32_t *ids, const float *str,
                         const uint32_t *want_start, const uint32_t *want_ids,
                         const float *want_str, uint32_t nkeys)
{
    assert_memory_equal(start, want_start, ((size_t)nkeys + 1) * sizeof *start);
    size_t n = want_start[nkeys];
    if (n) {
        assert_memory_equal(ids, want_ids, n * sizeof *ids);
        assert_memory_equal(str, want_str, n * sizeof *str);
    }
}

/* The set of the listed memberships of the flagged users (the others'
 * dropped), over nusers users. */
static void subset(vci_member_set *set, const vci_membership_list *l, const uint8_t *flag,
                   uint32_t nusers, uint32_t ncomm)
{
    vci_membership_list sub = {0};
    for (size_t i = 0; i < l->n; i++)
        if (flag[l->user[i]])
            assert_int_equal(vci_membership_append(&sub, l->user[i], l->comm[i],
                                                   l->strength[i]), VC_OK);
    assert_int_equal(vci_membership_csr(&sub, sub.user, sub.comm, nusers, 0, &set->user_start,
                                        &set->user_comm, &set->user_strength), VC_OK);
    assert_int_equal(vci_membership_csr(&sub, sub.comm, sub.user, ncomm, 0, &set->comm_start,
                                        &set->comm_user, &set->comm_strength), VC_OK);
    vci_free(sub.user);
    vci_free(sub.comm);
    vci_free(sub.strength);
}

/* One random case: cur_nu users now, out_nu after, share/8 of them
 * replaced (every user beyond the shorter layout too). */
static void one_case(uint32_t cur_nu, uint32_t out_nu, uint32_t ncomm, unsigned share,
                     uint64_t seed, unsigned threads)
{
    uint64_t rng = seed;
    uint32_t most = cur_nu > out_nu ? cur_nu : out_nu;
    uint8_t *flag = calloc(most + 1, 1);
    for (uint32_t u = 0; u < most; u++)
        flag[u] = u >= cur_nu || u >= out_nu || next(&rng) % 8 < share;
    vci_membership_list old_l, fresh_l;
    random_list(&old_l, cur_nu, ncomm, 5, NULL, &rng);
    uint8_t *in_out = calloc(most + 1, 1);
    for (uint32_t u = 0; u < out_nu; u++)
        in_out[u] = flag[u];
    random_list(&fresh_l, out_nu, ncomm, 6, in_out, &rng);

    /* the reference: the old memberships of the users kept, the fresh ones
     * of the replaced users, built from scratch */
    vci_membership_list want_l = {0};
    for (size_t i = 0; i < old_l.n; i++)
        if (!flag[old_l.user[i]])
            assert_int_equal(vci_membership_append(&want_l, old_l.user[i], old_l.comm[i],
                                                   old_l.strength[i]), VC_OK);
    for (size_t i = 0; i < fresh_l.n; i++)
        assert_int_equal(vci_membership_append(&want_l, fresh_l.user[i], fresh_l.comm[i],
                                               fresh_l.strength[i]), VC_OK);
    csr old, want;
    build(&old, &old_l, cur_nu, ncomm);
    build(&want, &want_l, out_nu, ncomm);
    vci_member_set fresh = {0}, removed = {0}, removed_want = {0};
    subset(&fresh, &fresh_l, in_out, out_nu, ncomm);
    subset(&removed_want, &old_l, flag, cur_nu, ncomm);

    /* the arrays, with room for both layouts, and a copy of them as built */
    size_t cap = (old_l.n > want_l.n ? old_l.n : want_l.n) + 1;
    csr a = old;
    a.mem_comm = vci_array_realloc(old.mem_comm, cap, 4);
    a.mem_strength = vci_array_realloc(old.mem_strength, cap, 4);
    a.comm_user = vci_array_realloc(old.comm_user, cap, 4);
    a.comm_strength = vci_array_realloc(old.comm_strength, cap, 4);
    assert_true(a.mem_comm && a.mem_strength && a.comm_user && a.comm_strength);
    size_t bytes = (old_l.n + 1) * 4;
    void *copy[4] = {malloc(bytes), malloc(bytes), malloc(bytes), malloc(bytes)};
    memcpy(copy[0], a.mem_comm, bytes);
    memcpy(copy[1], a.mem_strength, bytes);
    memcpy(copy[2], a.comm_user, bytes);
    memcpy(copy[3], a.comm_strength, bytes);

    uint32_t *out_start = calloc((size_t)out_nu + 1, 4), *out_cstart = calloc(ncomm + 1, 4);
    removed.user_start = calloc((size_t)cur_nu + 1, 4);
    removed.comm_start = calloc(ncomm + 1, 4);
    vci_member_replace r = {a.mem_comm, a.comm_user, a.mem_strength, a.comm_strength, ncomm,
                            old.mem_start, old.comm_start, cur_nu, flag, &fresh, out_nu,
                            out_start, out_cstart, &removed};
    size_t links = vci_member_replace_plan(&r);
    assert_int_equal(links, want_l.n);
    size_t gone = removed.user_start[cur_nu];
    removed.user_comm = malloc(gone * 4 + 4);
    removed.user_strength = malloc(gone * 4 + 4);
    removed.comm_user = malloc(gone * 4 + 4);
    removed.comm_strength = malloc(gone * 4 + 4);
    vci_pool *pool = NULL;
    if (threads > 1)
        assert_int_equal(vci_pool_new(&pool, threads), VC_OK);
    vci_member_replace_run(&r, pool);
    expect_equal(out_start, a.mem_comm, a.mem_strength, want.mem_start, want.mem_comm,
                 want.mem_strength, out_nu);
    expect_equal(out_cstart, a.comm_user, a.comm_strength, want.comm_start, want.comm_user,
                 want.comm_strength, ncomm);
    expect_equal(removed.user_start, removed.user_comm, removed.user_strength,
                 removed_want.user_start, removed_want.user_comm, removed_want.user_strength,
                 cur_nu);
    expect_equal(removed.comm_start, removed.comm_user, removed.comm_strength,
                 removed_want.comm_start, removed_want.comm_user,
                 removed_want.comm_strength, ncomm);

    /* and back: the removed entries replace the new ones */
    uint32_t *back_start = calloc((size_t)cur_nu + 1, 4), *back_cstart = calloc(ncomm + 1, 4);
    vci_member_replace b = {a.mem_comm, a.comm_user, a.mem_strength, a.comm_strength, ncomm,
                            out_start, out_cstart, out_nu, flag, &removed, cur_nu,
                            back_start, back_cstart, NULL};
    assert_int_equal(vci_member_replace_plan(&b), old_l.n);
    vci_member_replace_run(&b, pool);
    assert_memory_equal(back_start, old.mem_start, ((size_t)cur_nu + 1) * 4);
    assert_memory_equal(back_cstart, old.comm_start, ((size_t)ncomm + 1) * 4);
    assert_memory_equal(copy[0], a.mem_comm, old_l.n * 4);
    assert_memory_equal(copy[1], a.mem_strength, old_l.n * 4);
    assert_memory_equal(copy[2], a.comm_user, old_l.n * 4);
    assert_memory_equal(copy[3], a.comm_strength, old_l.n * 4);

    vci_pool_free(pool);
    for (size_t i = 0; i < 4; i++)
        free(copy[i]);
    free(out_start);
    free(out_cstart);
    free(back_start);
    free(back_cstart);
    csr_free(&a);
    csr_free(&want);
    vci_member_set_free(&fresh);
    vci_member_set_free(&removed);
    vci_member_set_free(&removed_want);
    list_free(&old_l);
    list_free(&fresh_l);
    vci_free(want_l.user);
    vci_free(want_l.comm);
    vci_free(want_l.strength);
    free(flag);
    free(in_out);
}

static void test_against_rebuild(void **state)
{
    (void)state;
    uint64_t seed = 1;
    for (unsigned share = 0; share <= 8; share++)
        for (int k = 0; k < 6; k++) {
            one_case(200, 200, 9, share, seed++, 1);
            one_case(200, 230, 9, share, seed++, 2); /* users added */
            one_case(230, 200, 9, share, seed++, 1); /* the layout back from more users */
            one_case(40, 41, 1, share, seed++, 2);   /* one community */
        }
}

static void test_edges(void **state)
{
    (void)state;
    one_case(0, 5, 4, 8, 7, 1);   /* no users before */
    one_case(5, 0, 4, 8, 8, 1);   /* none after */
    one_case(0, 0, 3, 0, 9, 1);
    one_case(1, 1, 1, 8, 10, 1);
    one_case(300, 300, 40, 1, 11, 2); /* few replaced, many communities */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_against_rebuild),
        cmocka_unit_test(test_edges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
