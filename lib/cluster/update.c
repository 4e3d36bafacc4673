/*
 * update.c - communities after their portraits were updated
 * (vc_portrait_update):
 *  - vc_cluster_assign places the users whose portrait rows changed (and
 *    new users) into the existing communities: soft memberships from the
 *    distances to the fixed centroids, with each clustering's temperature;
 *    topic sub-communities for the topics the user is now engaged in.
 *    Everyone else keeps their memberships. Sizes, shares, mean portraits,
 *    personas and tags follow the new memberships; centroids and
 *    silhouettes stay.
 *  - vc_cluster_refresh re-runs every clustering from its current
 *    centroids (one warm-started k-means each: same topics, same k,
 *    community j stays community j) over all users.
 * Both refit the recommender index if one was built, keeping its item
 * factors (lazy_refit), so serving needs no new factorisation.
 *
 * Invariant: the new state is built in a separate object and swapped in
 * only on success; on error the communities are exactly as before. An
 * assignment rewrites the membership arrays in place (what it replaces is
 * kept aside, and written back should a later step fail), so that the
 * new state needs no second copy of them.
 */
#include <math.h>

#include "community.h"
#include "kernels.h"

/* One clustering of the communities: [first, first + k) share a topic. */
typedef struct clustering_range { uint32_t topic, first, k; } clustering_range;

typedef struct assign_ctx {
    const vc_communities *cm;   /* the communities as they were */
    vc_communities *nw;         /* being built */
    const vc_options *opts;
    clustering_range *ranges;
    uint32_t nranges;
    uint32_t *topic_range;      /* [ntopics] range index, UINT32_MAX = none */
    float *scale;               /* [stride] column weights of a topic range (per task) */
    float *d;                   /* [max k] squared distances (per task) */
} assign_ctx;

static bool touched(const vc_communities *cm, uint32_t u)
{
    const vc_portraits *pt = cm->pt;
    return u >= cm->nusers || (pt->row_version && pt->row_version[u] > cm->pt_version);
}

/* The clusterings of cm in order (global first). */
static vc_status find_ranges(assign_ctx *a)
{
    const vc_communities *cm = a->cm;
    uint32_t nt = cm->pt->topics.ntopics;
    a->ranges = vci_calloc((size_t)cm->ncomm + 1, sizeof *a->ranges);
    a->topic_range = vci_calloc((size_t)nt + 1, sizeof *a->topic_range);
    if (!a->ranges || !a->topic_range)
        return VC_ERR_NOMEM;
    for (uint32_t t = 0; t < nt; t++)
        a->topic_range[t] = UINT32_MAX;
    for (uint32_t c = 0; c < cm->ncomm; c++) {
        if (c == 0 || cm->comm[c].topic != cm->comm[c - 1].topic) {
            a->ranges[a->nranges++] = (clustering_range){cm->comm[c].topic, c, 0};
            if (cm->comm[c].topic != UINT32_MAX)
                a->topic_range[cm->comm[c].topic] = a->nranges - 1;
        }
        a->ranges[a->nranges - 1].k++;
    }
    return VC_OK;
}

/* Soft memberships of user u in one clustering: squared distances in the
 * clustering's space (features times the topic weighting). */
static vc_status assign_one(assign_ctx *a, const clustering_range *r, uint32_t u,
                            vci_membership_list *list)
{
    const vc_communities *cm = a->cm;
    const vc_portraits *pt = cm->pt;
    const vci_column_map *m = &pt->map;
    for (uint32_t c = 0; c < cm->ncols; c++)
        a->scale[c] = 1.0f;
    if (r->topic != UINT32_MAX) {
        float w = (float)vci_opt_float(a->opts, VCI_OPT_COMMUNITY_TOPIC_WEIGHT);
        a->scale[m->share + r->topic] = w;
        a->scale[m->affinity + r->topic] = w;
        if (m->rating != UINT32_MAX)
            a->scale[m->rating + r->topic] = w;
    }
    const float *f = vci_pt_feat(pt, u);
    uint32_t best = 0;
    for (uint32_t j = 0; j < r->k; j++) {
        const float *cf = cm->centroid_feat + (size_t)(r->first + j) * cm->stride;
        double d4[4] = {0, 0, 0, 0}; /* four chains: the adds overlap */
        uint32_t c = 0;
        for (; c + 4 <= cm->ncols; c += 4)
            for (uint32_t q = 0; q < 4; q++) {
                double t = (double)(f[c + q] - cf[c + q]) * a->scale[c + q];
                d4[q] += t * t;
            }
        for (; c < cm->ncols; c++) {
            double t = (double)(f[c] - cf[c]) * a->scale[c];
            d4[0] += t * t;
        }
        a->d[j] = (float)((d4[0] + d4[1]) + (d4[2] + d4[3]));
        if (a->d[j] < a->d[best])
            best = j;
    }
    return vci_membership_soft(list, u, r->first, a->d, r->k, best,
                               cm->comm[r->first].temperature,
                               vci_opt_float(a->opts, VCI_OPT_COMMUNITY_MIN_STRENGTH));
}

/* The memberships of the touched users of one fixed chunk, in user order
 * (the chunks' lists are joined in chunk order, so the result does not
 * depend on the thread count). */
#define ASSIGN_CHUNKS 16

typedef struct memberships_ctx {
    const assign_ctx *a;
    const uint32_t *users;          /* the touched users */
    size_t n;
    vci_membership_list *lists;     /* [ASSIGN_CHUNKS] */
} memberships_ctx;

static vc_status memberships_task(void *ctx, size_t chunk, unsigned worker)
{
    (void)worker;
    const memberships_ctx *m = ctx;
    const vc_portraits *pt = m->a->cm->pt;
    uint32_t nt = pt->topics.ntopics;
    assign_ctx a = *m->a; /* own scratch */
    a.scale = vci_calloc(a.cm->stride + 1, sizeof *a.scale);
    a.d = vci_calloc((size_t)a.cm->ncomm + 1, sizeof *a.d);
    uint32_t *count = vci_calloc((size_t)nt + 1, sizeof *count);
    uint32_t *topics = vci_calloc((size_t)nt + 1, sizeof *topics);
    vc_status s = a.scale && a.d && count && topics ? VC_OK : VC_ERR_NOMEM;
    uint32_t min_events = (uint32_t)vci_opt_int(a.opts, VCI_OPT_COMMUNITY_MIN_EVENTS);
    vci_membership_list *list = &m->lists[chunk];
    for (size_t k = m->n * chunk / ASSIGN_CHUNKS;
         k < m->n * (chunk + 1) / ASSIGN_CHUNKS && s == VC_OK; k++) {
        uint32_t u = m->users[k];
        if (a.nranges && a.ranges[0].topic == UINT32_MAX)
            s = assign_one(&a, &a.ranges[0], u, list);
        size_t n = 0;
        if (s == VC_OK)
            vci_engaged_topics(pt, u, min_events, count, topics, &n);
        for (size_t i = 0; i < n && s == VC_OK; i++)
            if (a.topic_range[topics[i]] != UINT32_MAX)
                s = assign_one(&a, &a.ranges[a.topic_range[topics[i]]], u, list);
    }
    vci_free(a.scale);
    vci_free(a.d);
    vci_free(count);
    vci_free(topics);
    return s;
}

/* The touched users' memberships (flagged in touched[nusers]); everyone
 * else keeps theirs. */
static vc_status memberships(assign_ctx *a, vci_membership_list *list, uint8_t *touched_flags,
                             size_t *moved)
{
    const vc_communities *cm = a->cm;
    const vc_portraits *pt = cm->pt;
    size_t n = 0;
    for (uint32_t u = 0; u < pt->nusers; u++) {
        touched_flags[u] = touched(cm, u);
        n += touched_flags[u];
    }
    uint32_t *users = vci_malloc((n + 1) * sizeof *users);
    vci_membership_list *lists = vci_calloc(ASSIGN_CHUNKS, sizeof *lists);
    vci_pool *pool = NULL;
    vc_status s = users && lists ? vci_pool_for_options(&pool, a->opts) : VC_ERR_NOMEM;
    for (uint32_t u = 0, k = 0; u < pt->nusers && s == VC_OK; u++)
        if (touched_flags[u])
            users[k++] = u;
    *moved = n;
    memberships_ctx m = {a, users, n, lists};
    if (s == VC_OK)
        s = vci_parallel_for(pool, ASSIGN_CHUNKS, memberships_task, &m, NULL);
    for (size_t c = 0; c < ASSIGN_CHUNKS && s == VC_OK; c++)
        for (size_t i = 0; i < lists[c].n && s == VC_OK; i++)
            s = vci_membership_append(list, lists[c].user[i], lists[c].comm[i],
                                      lists[c].strength[i]);
    for (size_t c = 0; lists && c < ASSIGN_CHUNKS; c++) {
        vci_free(lists[c].user);
        vci_free(lists[c].comm);
        vci_free(lists[c].strength);
    }
    vci_pool_free(pool);
    vci_free(lists);
    vci_free(users);
    return s;
}

/* Sizes, shares and mean readable portraits from the hard memberships (a
 * user's strongest community in each clustering), summed over fixed chunks
 * of users (added in chunk order: the result does not depend on the
 * thread count). A chunk lists its hard memberships branch-free, a batch
 * at a time, and adds the rows with the kernels' accumulate (double, in
 * row order). */
#define RECOUNT_CHUNKS 16
#define RECOUNT_BATCH 4096

typedef struct recount_ctx {
    const vc_communities *nw;
    const vci_kernels *kern;
    double *acc;          /* [RECOUNT_CHUNKS * ncomm * ncols] row sums */
    uint32_t *size;       /* [RECOUNT_CHUNKS * ncomm] hard members */
    uint32_t *seen;       /* [workers * (ntopics + 1)] user + 1 per clustering */
} recount_ctx;

static vc_status recount_task(void *ctx, size_t chunk, unsigned worker)
{
    const recount_ctx *r = ctx;
    const vc_communities *nw = r->nw;
    const vc_portraits *pt = nw->pt;
    size_t nkeys = (size_t)pt->topics.ntopics + 1;
    double *acc = r->acc + chunk * nw->ncomm * nw->ncols;
    uint32_t *size = r->size + chunk * nw->ncomm, *seen = r->seen + worker * nkeys;
    size_t cap = VCI_MAX((size_t)RECOUNT_BATCH, (size_t)nw->ncomm); /* >= one user's */
    const float **rows = vci_malloc((cap + 1) * sizeof *rows);
    uint32_t *label = vci_malloc((cap + 1) * sizeof *label);
    if (!rows || !label) {
        vci_free(rows);
        vci_free(label);
        return VC_ERR_NOMEM;
    }
    memset(seen, 0, nkeys * sizeof *seen);
    uint32_t ub = (uint32_t)((uint64_t)pt->nusers * chunk / RECOUNT_CHUNKS);
    uint32_t ue = (uint32_t)((uint64_t)pt->nusers * (chunk + 1) / RECOUNT_CHUNKS);
    size_t m = 0;
    for (uint32_t u = ub; u < ue; u++) {
        if (m + (nw->mem_start[u + 1] - nw->mem_start[u]) > cap) {
            vci_kern_accumulate(r->kern, acc, nw->ncols, rows, label, m);
            m = 0;
        }
        const float *row = vci_pt_raw(pt, u);
        for (uint32_t i = nw->mem_start[u]; i < nw->mem_start[u + 1]; i++) {
            uint32_t c = nw->mem_comm[i], t = nw->comm[c].topic;
            uint32_t key = t == UINT32_MAX ? 0 : t + 1;
            /* strongest first: the first one of its clustering is the hard
             * one; every membership is written, the hard ones kept */
            bool hard = seen[key] != u + 1;
            seen[key] = u + 1;
            size[c] += hard;
            rows[m] = row;
            label[m] = c;
            m += hard;
        }
    }
    vci_kern_accumulate(r->kern, acc, nw->ncols, rows, label, m);
    vci_free(rows);
    vci_free(label);
    return VC_OK;
}

static vc_status recount(vc_communities *nw, const vc_options *opts)
{
    const vc_portraits *pt = nw->pt;
    size_t cells = (size_t)nw->ncomm * nw->ncols, nkeys = (size_t)pt->topics.ntopics + 1;
    vci_pool *pool = NULL;
    recount_ctx r = {nw, vci_kernels_select(opts),
                     vci_calloc(RECOUNT_CHUNKS * cells + 1, sizeof *r.acc),
                     vci_calloc(RECOUNT_CHUNKS * (size_t)nw->ncomm + 1, sizeof *r.size), NULL};
    uint32_t *clustered = vci_calloc(nkeys + 1, sizeof *clustered);
    vc_status s = r.acc && r.size && clustered ? vci_pool_for_options(&pool, opts)
                                               : VC_ERR_NOMEM;
    if (s == VC_OK) {
        r.seen = vci_calloc((size_t)vci_pool_size(pool) * nkeys + 1, sizeof *r.seen);
        s = r.seen ? vci_parallel_for(pool, RECOUNT_CHUNKS, recount_task, &r, NULL)
                   : VC_ERR_NOMEM;
    }
    for (uint32_t c = 0; c < nw->ncomm && s == VC_OK; c++) {
        vci_community *cc = &nw->comm[c];
        cc->size = 0;
        for (size_t k = 0; k < RECOUNT_CHUNKS; k++)
            cc->size += r.size[k * nw->ncomm + c];
        clustered[cc->topic == UINT32_MAX ? 0 : cc->topic + 1] += cc->size;
    }
    for (uint32_t c = 0; c < nw->ncomm && s == VC_OK; c++) {
        vci_community *cc = &nw->comm[c];
        uint32_t key = cc->topic == UINT32_MAX ? 0 : cc->topic + 1;
        cc->share = clustered[key] ? (float)cc->size / (float)clustered[key] : 0.0f;
        if (cc->size == 0)
            continue; /* an emptied community keeps its last mean portrait */
        for (uint32_t col = 0; col < nw->ncols; col++) {
            double sum = 0;
            for (size_t k = 0; k < RECOUNT_CHUNKS; k++)
                sum += r.acc[k * cells + (size_t)c * nw->ncols + col];
            nw->centroid_raw[(size_t)c * nw->ncols + col] = (float)(sum / cc->size);
        }
    }
    vci_pool_free(pool);
    vci_free(r.acc);
    vci_free(r.size);
    vci_free(r.seen);
    vci_free(clustered);
    return s;
}

/* nw's communities as cm's: records (names and personas are redone),
 * centroids. */
static vc_status copy_communities(const vc_communities *cm, vc_communities *nw)
{
    size_t n = VCI_MAX(cm->ncomm, 1u);
    nw->comm = vci_calloc(n, sizeof *nw->comm);
    nw->centroid_raw = vci_calloc(n * VCI_MAX(cm->ncols, 1u), sizeof *nw->centroid_raw);
    nw->centroid_feat = vci_aligned_calloc(n * cm->stride, sizeof *nw->centroid_feat);
    if (!nw->comm || !nw->centroid_raw || !nw->centroid_feat)
        return VC_ERR_NOMEM;
    memcpy(nw->comm, cm->comm, cm->ncomm * sizeof *nw->comm);
    memcpy(nw->centroid_raw, cm->centroid_raw, (size_t)cm->ncomm * cm->ncols * sizeof(float));
    memcpy(nw->centroid_feat, cm->centroid_feat, (size_t)cm->ncomm * cm->stride * sizeof(float));
    nw->ncomm = nw->cap = cm->ncomm;
    nw->nglobal = cm->nglobal;
    return VC_OK;
}

/* The recommender index of nw, refitted from cm's when cm had one (prior:
 * the memberships nw was assigned from, so the index's sums carry over;
 * NULL after a refresh). */
static vc_status refit_index(const vc_communities *cm, vc_communities *nw,
                             const vc_options *opts, const vci_prior *prior)
{
    void *old = atomic_load(&((vc_communities *)cm)->lazy_index);
    if (!old || !cm->lazy_refit)
        return VC_OK;
    void *ix = NULL;
    VCI_CHECK(cm->lazy_refit(nw, old, opts, prior, &ix));
    nw->lazy_free = cm->lazy_free;
    nw->lazy_refit = cm->lazy_refit;
    atomic_store(&nw->lazy_index, ix);
    return VC_OK;
}

/* What an assignment replaces in the membership indexes: the touched
 * users (flags), their new memberships (fresh) and, once replaced, their
 * old ones (saved). */
typedef struct reassignment {
    uint8_t *flags;
    vci_member_set fresh, saved;
    vci_member_replace fwd;
} reassignment;

static void reassignment_free(reassignment *r)
{
    vci_free(r->flags);
    vci_member_set_free(&r->fresh);
    vci_member_set_free(&r->saved);
}

/* Array *a of size-byte entries grown to room for n of them (content
 * kept). */
static vc_status grow(void **a, size_t n, size_t size)
{
    void *p = vci_array_realloc(*a, n + 1, size);
    if (!p)
        return VC_ERR_NOMEM;
    *a = p;
    return VC_OK;
}

/* Room in cm's membership arrays for links entries (an eighth more when
 * they must grow: growing copies them). */
static vc_status make_room(vc_communities *cm, size_t links)
{
    if (links <= cm->mem_room)
        return VC_OK;
    size_t room = vci_ev_room(links);
    VCI_CHECK(grow((void **)&cm->mem_comm, room, sizeof *cm->mem_comm));
    VCI_CHECK(grow((void **)&cm->mem_strength, room, sizeof *cm->mem_strength));
    VCI_CHECK(grow((void **)&cm->comm_user, room, sizeof *cm->comm_user));
    VCI_CHECK(grow((void **)&cm->comm_strength, room, sizeof *cm->comm_strength));
    cm->mem_room = room;
    return VC_OK;
}

/* Everything the in-place replacement needs, allocated (cm unchanged but
 * for room in its membership arrays). */
static vc_status plan_reassignment(vc_communities *cm, vc_communities *nw,
                                   const vci_membership_list *list, reassignment *r)
{
    vci_member_set *f = &r->fresh, *sv = &r->saved;
    VCI_CHECK(vci_membership_csr(list, list->user, list->comm, nw->nusers, 0,
                                 &f->user_start, &f->user_comm, &f->user_strength));
    VCI_CHECK(vci_membership_csr(list, list->comm, list->user, cm->ncomm, 0,
                                 &f->comm_start, &f->comm_user, &f->comm_strength));
    nw->mem_start = vci_calloc((size_t)nw->nusers + 1, sizeof *nw->mem_start);
    nw->comm_start = vci_calloc((size_t)cm->ncomm + 1, sizeof *nw->comm_start);
    sv->user_start = vci_calloc((size_t)cm->nusers + 1, sizeof *sv->user_start);
    sv->comm_start = vci_calloc((size_t)cm->ncomm + 1, sizeof *sv->comm_start);
    if (!nw->mem_start || !nw->comm_start || !sv->user_start || !sv->comm_start)
        return VC_ERR_NOMEM;
    r->fwd = (vci_member_replace){
        .mem_comm = cm->mem_comm, .mem_strength = cm->mem_strength,
        .comm_user = cm->comm_user, .comm_strength = cm->comm_strength, .ncomm = cm->ncomm, .cur_mem_start = cm->mem_start,
        .cur_comm_start = cm->comm_start, .cur_nusers = cm->nusers, .replaced = r->flags,
        .with = f, .out_nusers = nw->nusers, .out_mem_start = nw->mem_start,
        .out_comm_start = nw->comm_start, .removed = sv};
    size_t links = vci_member_replace_plan(&r->fwd), gone = sv->user_start[cm->nusers];
    sv->user_comm = vci_malloc((gone + 1) * sizeof *sv->user_comm);
    sv->user_strength = vci_malloc((gone + 1) * sizeof *sv->user_strength);
    sv->comm_user = vci_malloc((gone + 1) * sizeof *sv->comm_user);
    sv->comm_strength = vci_malloc((gone + 1) * sizeof *sv->comm_strength);
    if (!sv->user_comm || !sv->user_strength || !sv->comm_user || !sv->comm_strength)
        return VC_ERR_NOMEM;
    VCI_CHECK(make_room(cm, links));
    /* the arrays may have moved */
    r->fwd.mem_comm = cm->mem_comm;
    r->fwd.mem_strength = cm->mem_strength;
    r->fwd.comm_user = cm->comm_user;
    r->fwd.comm_strength = cm->comm_strength;
    return VC_OK;
}

/* nw's membership arrays are cm's, borrowed: forget them. */
static void forget_arrays(vc_communities *nw)
{
    nw->mem_comm = nw->comm_user = NULL;
    nw->mem_strength = nw->comm_strength = NULL;
    nw->mem_room = 0;
}

/* Place the touched users into cm's communities: nw is built with cm's
 * membership arrays rewritten in place (the touched users' entries
 * replaced), then swapped in; should anything after the rewrite fail, the
 * arrays are rewritten back (cannot fail) and cm is as it was. */
static vc_status assign(vc_communities *cm, vc_communities *nw, const vc_options *opts,
                        size_t *moved)
{
    assign_ctx a = {cm, nw, opts, NULL, 0, NULL, NULL, NULL};
    vci_membership_list list = {0};
    reassignment r;
    memset(&r, 0, sizeof r);
    r.flags = vci_calloc((size_t)nw->nusers + 1, sizeof *r.flags);
    vc_status s = r.flags ? find_ranges(&a) : VC_ERR_NOMEM;
    if (s == VC_OK)
        s = copy_communities(cm, nw);
    if (s == VC_OK)
        s = memberships(&a, &list, r.flags, moved);
    if (s == VC_OK)
        s = plan_reassignment(cm, nw, &list, &r);
    vci_pool *pool = NULL;
    if (s == VC_OK)
        s = vci_pool_for_options(&pool, opts);
    if (s == VC_OK) {
        vci_member_replace_run(&r.fwd, pool);
        nw->mem_comm = cm->mem_comm;
        nw->mem_strength = cm->mem_strength;
        nw->comm_user = cm->comm_user;
        nw->comm_strength = cm->comm_strength;
        nw->mem_room = cm->mem_room;
        s = recount(nw, opts);
        if (s == VC_OK)
            s = vci_personas_build(nw, pool);
        vci_prior prior = {nw, cm->nusers, cm->pt_version, r.flags, &r.saved};
        if (s == VC_OK)
            s = refit_index(cm, nw, opts, &prior);
        if (s == VC_OK) {
            vci_communities_swap(cm, nw);
        } else { /* back: the saved entries replace the new ones */
            vci_member_replace back = r.fwd;
            back.cur_mem_start = nw->mem_start;
            back.cur_comm_start = nw->comm_start;
            back.cur_nusers = nw->nusers;
            back.with = &r.saved;
            back.out_nusers = cm->nusers;
            back.out_mem_start = cm->mem_start;   /* rewritten as they are */
            back.out_comm_start = cm->comm_start;
            back.removed = NULL;
            vci_member_replace_plan(&back);
            vci_member_replace_run(&back, pool);
        }
        forget_arrays(nw);
    }
    vci_pool_free(pool);
    vci_free(list.user);
    vci_free(list.comm);
    vci_free(list.strength);
    reassignment_free(&r);
    vci_free(a.ranges);
    vci_free(a.topic_range);
    return s;
}

static vc_status check_portraits(const vc_communities *cm, const char *fn)
{
    const vc_portraits *pt = cm->pt;
    if (pt->ds_generation != pt->ds->generation || pt->nusers != pt->ds->nusers)
        return vci_error(VC_ERR_STATE, "%s: the portraits do not reflect their data set "
                                       "(call vc_portrait_update first)", fn);
    if (pt->nusers < cm->nusers || pt->ncols != cm->ncols)
        return vci_error(VC_ERR_STATE, "%s: these communities were not built on "
                                       "these portraits", fn);
    return VC_OK;
}

/* Builds the new state in nw and, on success only, swaps it into cm (nw
 * then holds the old state, to free). */
typedef vc_status (*update_fn)(vc_communities *cm, vc_communities *nw,
                               const vc_options *opts, size_t *moved);

static vc_status refresh(vc_communities *cm, vc_communities *nw, const vc_options *opts,
                         size_t *moved)
{
    (void)moved;
    VCI_CHECK(vci_communities_run(nw, opts, cm));
    VCI_CHECK(refit_index(cm, nw, opts, NULL));
    vci_communities_swap(cm, nw);
    return VC_OK;
}

static vc_status update(vc_communities *cm, const vc_options *opts, update_fn fn,
                        const char *name, size_t *moved)
{
    vci_clear_error();
    VCI_REQUIRE(cm, "%s: communities are NULL", name);
    VCI_CHECK(check_portraits(cm, name));
    vc_communities *nw;
    VCI_CHECK(vci_communities_new(&nw, cm->pt));
    size_t n = 0;
    vc_status s = fn(cm, nw, opts, &n);
    if (s == VC_OK && moved)
        *moved = n;
    vc_communities_free(nw); /* the old state after a swap */
    return s;
}

VC_API vc_status vc_cluster_assign(vc_communities *cm, const vc_options *opts,
                                   size_t *assigned)
{
    if (assigned)
        *assigned = 0;
    return update(cm, opts, assign, "vc_cluster_assign", assigned);
}

VC_API vc_status vc_cluster_refresh(vc_communities *cm, const vc_options *opts)
{
    return update(cm, opts, refresh, "vc_cluster_refresh", NULL);
}
