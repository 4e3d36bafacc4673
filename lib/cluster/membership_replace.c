/*
 * membership_replace.c - replace the memberships of some users in both
 * CSR membership indexes, in place: the arrays are rewritten where they
 * are instead of being merged into fresh ones (an assignment of 1% of a
 * million users would otherwise fault in ~230 MB of new memory, which
 * costs more than the merge itself).
 *
 * The users' side: the entries of users that keep their memberships move
 * as runs (consecutive such users move by the same offset), runs that move
 * down first, lowest first, then runs that move up, highest first; no run
 * then lands on entries not yet moved. The replaced users' new entries go
 * into the gaps last. The communities' side: each community's list drops
 * the replaced users' entries (kept in order), the kept lists move the
 * same way as the users' runs, and each list then merges the new entries
 * in from its end, which keeps it strongest first (ties by user).
 *
 * Invariants: both layouts index arrays with room for the larger of the
 * two; replacing cannot fail and allocates nothing; replacing back with
 * the entries it removed (vci_member_replace.removed) restores the arrays
 * exactly.
 */
#include "community.h"

void vci_member_set_free(vci_member_set *s)
{
    vci_free(s->user_start);
    vci_free(s->user_comm);
    vci_free(s->user_strength);
    vci_free(s->comm_start);
    vci_free(s->comm_user);
    vci_free(s->comm_strength);
    memset(s, 0, sizeof *s);
}

/* Whether user u's memberships are replaced (users the current layout
 * lacks have none to keep). */
static bool replaced(const vci_member_replace *r, uint32_t u)
{
    return u >= r->cur_nusers || r->replaced[u];
}

static uint32_t cur_len(const vci_member_replace *r, uint32_t u)
{
    return r->cur_mem_start[u + 1] - r->cur_mem_start[u];
}

size_t vci_member_replace_plan(const vci_member_replace *r)
{
    const vci_member_set *w = r->with;
    vci_member_set *rm = r->removed;
    uint32_t *out = r->out_mem_start, *cout = r->out_comm_start;
    out[0] = 0;
    for (uint32_t u = 0; u < r->out_nusers; u++)
        out[u + 1] = out[u] + (replaced(r, u) ? w->user_start[u + 1] - w->user_start[u]
                                              : cur_len(r, u));
    /* per community: current + new entries, less the removed ones (counted
     * down from the replaced users' side; uint32_t arithmetic wraps back) */
    cout[0] = 0;
    for (uint32_t c = 0; c < r->ncomm; c++)
        cout[c + 1] = (r->cur_comm_start[c + 1] - r->cur_comm_start[c]) +
                      (w->comm_start[c + 1] - w->comm_start[c]);
    if (rm) {
        rm->user_start[0] = 0;
        memset(rm->comm_start, 0, ((size_t)r->ncomm + 1) * sizeof *rm->comm_start);
    }
    for (uint32_t u = 0; u < r->cur_nusers; u++) {
        bool gone = replaced(r, u);
        if (rm)
            rm->user_start[u + 1] = rm->user_start[u] + (gone ? cur_len(r, u) : 0);
        if (!gone)
            continue;
        for (uint32_t i = r->cur_mem_start[u]; i < r->cur_mem_start[u + 1]; i++) {
            cout[r->mem_comm[i] + 1]--;
            if (rm)
                rm->comm_start[r->mem_comm[i] + 1]++;
        }
    }
    for (uint32_t c = 0; c < r->ncomm; c++) {
        cout[c + 1] += cout[c];
        if (rm)
            rm->comm_start[c + 1] += rm->comm_start[c];
    }
    return out[r->out_nusers];
}

/* Move n entries of both arrays from index from to index to. */
static void move2(uint32_t *id, float *strength, uint32_t from, uint32_t to, uint32_t n)
{
    if (from == to || n == 0)
        return;
    memmove(id + to, id + from, (size_t)n * sizeof *id);
    memmove(strength + to, strength + from, (size_t)n * sizeof *strength);
}

/* The users' side. */
static void replace_users(const vci_member_replace *r)
{
    const vci_member_set *w = r->with;
    vci_member_set *rm = r->removed;
    const uint32_t *cur = r->cur_mem_start, *out = r->out_mem_start;
    uint32_t both = VCI_MIN(r->cur_nusers, r->out_nusers);
    if (rm) /* the replaced users' entries, before anything moves */
        for (uint32_t u = 0; u < r->cur_nusers; u++)
            if (replaced(r, u)) {
                uint32_t b = cur[u], n = cur_len(r, u);
                memcpy(rm->user_comm + rm->user_start[u], r->mem_comm + b,
                       (size_t)n * sizeof *r->mem_comm);
                memcpy(rm->user_strength + rm->user_start[u], r->mem_strength + b,
                       (size_t)n * sizeof *r->mem_strength);
            }
    /* runs moving down, lowest first */
    for (uint32_t u = 0; u < both;) {
        if (replaced(r, u)) {
            u++;
            continue;
        }
        uint32_t a = u;
        while (u < both && !replaced(r, u))
            u++;
        if (out[a] < cur[a])
            move2(r->mem_comm, r->mem_strength, cur[a], out[a], cur[u] - cur[a]);
    }
    /* runs moving up, highest first */
    for (uint32_t u = both; u > 0;) {
        if (replaced(r, u - 1)) {
            u--;
            continue;
        }
        uint32_t e = u;
        while (u > 0 && !replaced(r, u - 1))
            u--;
        if (out[u] > cur[u])
            move2(r->mem_comm, r->mem_strength, cur[u], out[u], cur[e] - cur[u]);
    }
    for (uint32_t u = 0; u < r->out_nusers; u++)
        if (replaced(r, u)) {
            uint32_t b = w->user_start[u], n = w->user_start[u + 1] - b;
            memcpy(r->mem_comm + out[u], w->user_comm + b, (size_t)n * sizeof *r->mem_comm);
            memcpy(r->mem_strength + out[u], w->user_strength + b,
                   (size_t)n * sizeof *r->mem_strength);
        }
}

/* Whether membership (u, x) comes after (v, y): weaker, or as strong and a
 * higher user. */
static bool after(uint32_t u, float x, uint32_t v, float y)
{
    return x != y ? x < y : u > v;
}

/* The communities' side. */
static void replace_comms(const vci_member_replace *r)
{
    const vci_member_set *w = r->with;
    vci_member_set *rm = r->removed;
    const uint32_t *cur = r->cur_comm_start, *out = r->out_comm_start;
    uint32_t *id = r->comm_user;
    float *str = r->comm_strength;
    /* each list keeps its other users' entries, at its start */
    for (uint32_t c = 0; c < r->ncomm; c++) {
        uint32_t k = cur[c], g = rm ? rm->comm_start[c] : 0;
        for (uint32_t i = cur[c]; i < cur[c + 1]; i++) {
            if (replaced(r, id[i])) {
                if (rm) {
                    rm->comm_user[g] = id[i];
                    rm->comm_strength[g++] = str[i];
                }
                continue;
            }
            id[k] = id[i];
            str[k++] = str[i];
        }
    }
    /* the kept parts: n(c) entries from cur[c] to out[c], down then up */
    #define KEPT(c) (out[(c) + 1] - out[c] - (w->comm_start[(c) + 1] - w->comm_start[c]))
    for (uint32_t c = 0; c < r->ncomm; c++)
        if (out[c] < cur[c])
            move2(id, str, cur[c], out[c], KEPT(c));
    for (uint32_t c = r->ncomm; c > 0; c--)
        if (out[c - 1] > cur[c - 1])
            move2(id, str, cur[c - 1], out[c - 1], KEPT(c - 1));
    /* the new entries merged in from the end of each list */
    for (uint32_t c = 0; c < r->ncomm; c++) {
        uint32_t i = out[c] + KEPT(c), k = out[c + 1];
        uint32_t jb = w->comm_start[c], j = w->comm_start[c + 1];
        while (j > jb) {
            bool take_kept = i > out[c] && after(id[i - 1], str[i - 1], w->comm_user[j - 1],
                                                 w->comm_strength[j - 1]);
            k--;
            if (take_kept) {
                id[k] = id[i - 1];
                str[k] = str[--i];
            } else {
                id[k] = w->comm_user[j - 1];
                str[k] = w->comm_strength[--j];
            }
        }
    }
    #undef KEPT
}

static vc_status side_task(void *ctx, size_t side, unsigned worker)
{
    (void)worker;
    if (side == 0)
        replace_users(ctx);
    else
        replace_comms(ctx);
    return VC_OK;
}

void vci_member_replace_run(const vci_member_replace *r, vci_pool *pool)
{
    /* two tasks that never fail, no progress: the loop cannot fail (the two
     * sides share nothing written) */
    (void)vci_parallel_for(pool, 2, side_task, (void *)r, NULL);
}
