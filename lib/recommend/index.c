/*
 * index.c - the recommender index derived from a vc_communities (see
 * recommend.h), built once on first use, and refitted when the
 * communities are updated.
 *
 * For community c with members u of strength w_u, and an event of u on
 * item i with value r and time t:
 *   pop_sum[c][i]    = sum w_u * 2^(-(t_ref - t) / half_life)
 *   rate_sum[c][i]   = sum w_u * r,   weight_sum[c][i] = sum w_u
 *                      (over the members who have i, each once: its latest
 *                      event on i)
 *   total[c]         = sum w_u over all members
 *   pop[c][i]   = pop_sum * 2^(-(time_last - t_ref) / half_life) / total
 *   mean[c][i]  = (rate_sum + prior * mean_i) / (weight_sum + prior)
 *   score[c][i] = pop[c][i] * max(0, 1 + quality * (mean[c][i] - mean_all)
 *                 / rating range)                  (explicit data)
 *   score[c][i] = pop[c][i]                        (implicit data)
 * (the sums are counted in double and kept in float) where mean_i is the
 * item's mean rating shrunk toward the global mean,
 * prior = recommend.prior, quality = recommend.quality_weight and t_ref
 * the data set's end when the sums were first counted (so pop is the
 * members' share decayed by age at time_last).
 *
 * The sums are what an update changes: after vc_cluster_assign only the
 * touched users (new events, recomputed portrait, new user) move, so the
 * refit takes their old contribution out (old memberships, their events
 * without the ones the data set's change log says were added since) and
 * puts the new one in, then redoes pop/mean/score from the sums. The
 * touched users' norms and embeddings are computed aside and written into
 * the old index's per-user arrays, which the new index takes over as its
 * last step (a million untouched rows are not copied). Anything
 * else (a refresh, a log that no longer reaches back, another half-life,
 * sums missing from an old model file) counts everything again.
 */
#include <math.h>

#include "recommend.h"

#define DAY 86400.0
/* re-base t_ref before the decay factors of new events pass 2^MAX_SHIFT */
#define MAX_SHIFT 60.0

void vci_rec_index_free(void *p)
{
    vci_rec_index *ix = p;
    if (!ix)
        return;
    void *arrays[] = {ix->score, ix->pop, ix->mean, ix->user_norm, ix->user_scale,
                      ix->item_pop, ix->pop_sum, ix->rate_sum, ix->weight_sum,
                      ix->total};
    for (size_t k = 0; k < VCI_ARRAY_LEN(arrays); k++)
        vci_free(arrays[k]);
    vci_aligned_free(ix->user_emb);
    vci_aligned_free(ix->item_emb);
    vci_rec_pools_free(ix->pools);
    vci_free(ix);
}

/* Decay of an event at time t relative to t_ref. */
static double decay(const vci_rec_index *ix, int64_t t)
{
    return ix->half_life > 0 ? exp2(-(double)(ix->t_ref - t) / ix->half_life) : 1.0;
}

/* ---- counting every member ------------------------------------------------------ */

typedef struct count_ctx {
    const vc_communities *cm;
    vci_rec_index *ix;
    uint32_t *stamp;          /* [nitems * workers] last user + 1 */
    double *acc;              /* [3 * nitems * workers] the sums being counted */
} count_ctx;

/* One community's sums over all its members (counted in double, kept in
 * float). */
static vc_status community_task(void *ctx, size_t c, unsigned worker)
{
    const count_ctx *b = ctx;
    const vc_communities *cm = b->cm;
    const vc_dataset *ds = cm->pt->ds;
    vci_rec_index *ix = b->ix;
    size_t ni = ix->nitems;
    double *pop = b->acc + (size_t)worker * 3 * ni, *rsum = pop + ni, *wn = rsum + ni;
    uint32_t *stamp = b->stamp + (size_t)worker * ni;
    memset(stamp, 0, ni * sizeof *stamp);
    memset(pop, 0, 3 * ni * sizeof *pop);
    double total = 0;
    for (uint32_t m = cm->comm_start[c]; m < cm->comm_start[c + 1]; m++) {
        uint32_t u = cm->comm_user[m];
        double w = cm->comm_strength[m];
        total += w;
        /* newest first so a repeated item counts its latest event */
        for (uint64_t e = ds->user_start[u + 1]; e-- > ds->user_start[u];) {
            uint32_t it = ds->ev_item[e];
            if (stamp[it] == u + 1)
                continue;
            stamp[it] = u + 1;
            pop[it] += w * decay(ix, vci_ds_time(ds, e));
            rsum[it] += w * ds->ev_value[e];
            wn[it] += w;
        }
    }
    for (size_t i = 0; i < ni; i++) {
        ix->pop_sum[c * ni + i] = (float)pop[i];
        if (ix->rate_sum) {
            ix->rate_sum[c * ni + i] = (float)rsum[i];
            ix->weight_sum[c * ni + i] = (float)wn[i];
        }
    }
    ix->total[c] = total;
    return VC_OK;
}

static vc_status count_all(const vc_communities *cm, vci_rec_index *ix, vci_pool *pool)
{
    size_t workers = vci_pool_size(pool), ni = VCI_MAX(ix->nitems, 1u);
    count_ctx b = {cm, ix, vci_calloc(workers * ni, sizeof *b.stamp),
                   vci_calloc(workers * 3 * ni, sizeof *b.acc)};
    vc_status s = b.stamp && b.acc ? vci_parallel_for(pool, cm->ncomm, community_task, &b, NULL)
                                   : VC_ERR_NOMEM;
    vci_free(b.stamp);
    vci_free(b.acc);
    return s;
}

/* ---- applying the touched users' changes ---------------------------------------- */

/* The change log's entries since the index's generation, grouped by user. */
typedef struct user_log {
    size_t *start;   /* [nusers + 1] */
    size_t *entry;   /* log entry indices */
} user_log;

static void user_log_free(user_log *l)
{
    vci_free(l->start);
    vci_free(l->entry);
}

static vc_status user_log_build(const vc_dataset *ds, uint32_t since, user_log *l)
{
    const vci_event_log *log = &ds->log;
    l->start = vci_calloc((size_t)ds->nusers + 2, sizeof *l->start);
    l->entry = vci_calloc(log->n + 1, sizeof *l->entry);
    if (!l->start || !l->entry)
        return VC_ERR_NOMEM;
    for (size_t k = 0; k < log->n; k++)
        if (log->gen[k] > since)
            l->start[log->user[k] + 2]++;
    for (uint32_t u = 0; u < ds->nusers; u++)
        l->start[u + 2] += l->start[u + 1];
    for (size_t k = 0; k < log->n; k++)
        if (log->gen[k] > since)
            l->entry[l->start[log->user[k] + 1]++] = k;
    return VC_OK;
}

/* Whether event e of user u is one the log lists as added (each log entry
 * accounts for one event). */
static bool logged(const vc_dataset *ds, const user_log *l, bool *used, uint32_t u,
                   uint64_t e)
{
    const vci_event_log *log = &ds->log;
    for (size_t k = l->start[u]; k < l->start[u + 1]; k++) {
        size_t x = l->entry[k];
        if (!used[k] && log->item[x] == ds->ev_item[e] &&
            log->time[x] == vci_ds_time(ds, e) && log->value[x] == ds->ev_value[e]) {
            used[k] = true;
            return true;
        }
    }
    return false;
}

/* One worker's part of the deltas: the communities c with c % nworkers
 * == worker, so every cell is changed by one worker, in user order (the
 * sums do not depend on the thread count). */
typedef struct delta_ctx {
    const vc_dataset *ds;
    vci_rec_index *ix;
    const user_log *log;
    bool *used;        /* [log entries] matched while reading a user's old events */
    uint32_t *seen;    /* [nitems] pass number that saw the item, new events */
    uint32_t *seen_old;/* [nitems] the same, old events */
    uint32_t pass;
    uint32_t worker, nworkers;
} delta_ctx;

/* Where community c is in comm[0..n), n if it is not. */
static size_t find_comm(const uint32_t *comm, size_t n, uint32_t c)
{
    size_t j = 0;
    while (j < n && comm[j] != c)
        j++;
    return j;
}

enum { DELTA_BATCH = 64 };

/* One pass over user u's events, latest first, for m communities (cells
 * cell0[q] + item) with strengths wo[q] before and wn[q] now: an item
 * counts once per side, with the user's latest event of it on that side
 * (before: without the events the log lists as added), and where both
 * sides take the same event one change carries both. */
static void delta_pass(delta_ctx *d, uint32_t u, bool had, size_t m, const size_t *cell0,
                       const double *wo, const double *wn)
{
    const vc_dataset *ds = d->ds;
    vci_rec_index *ix = d->ix;
    uint32_t pass = ++d->pass;
    for (size_t k = d->log->start[u]; k < d->log->start[u + 1]; k++)
        d->used[k] = false;
    for (uint64_t e = ds->user_start[u + 1]; e-- > ds->user_start[u];) {
        uint32_t it = ds->ev_item[e];
        bool now = d->seen[it] != pass;
        d->seen[it] = pass;
        bool before = had && d->seen_old[it] != pass && !logged(ds, d->log, d->used, u, e);
        if (before)
            d->seen_old[it] = pass;
        if (!now && !before)
            continue;
        double dec = decay(ix, vci_ds_time(ds, e)), value = ds->ev_value[e];
        for (size_t q = 0; q < m; q++) {
            double w = (now ? wn[q] : 0) - (before ? wo[q] : 0);
            size_t cell = cell0[q] + it;
            ix->pop_sum[cell] += (float)(w * dec);
            if (ix->rate_sum) {
                ix->rate_sum[cell] += (float)(w * value);
                ix->weight_sum[cell] += (float)w;
            }
        }
    }
}

/* Change the sums by user u's contribution now (memberships nc/ns x nn)
 * less its contribution before (oc/os x on), for this worker's
 * communities: those of either list, DELTA_BATCH at a time (one batch, in
 * practice: a user has a few dozen memberships at most). */
static void contribute(delta_ctx *d, uint32_t u, const uint32_t *oc, const float *os,
                       size_t on, const uint32_t *nc, const float *ns, size_t nn)
{
    vci_rec_index *ix = d->ix;
    size_t cell0[DELTA_BATCH], m = 0;
    double wo[DELTA_BATCH], wn[DELTA_BATCH];
    for (size_t j = 0; j < nn + on; j++) {
        bool now = j < nn; /* the new list, then the old one's other communities */
        uint32_t c = now ? nc[j] : oc[j - nn];
        if (c % d->nworkers != d->worker || (!now && find_comm(nc, nn, c) < nn))
            continue;
        size_t o = now ? find_comm(oc, on, c) : j - nn;
        wn[m] = now ? ns[j] : 0;
        wo[m] = o < on ? os[o] : 0;
        ix->total[c] += wn[m] - wo[m];
        cell0[m++] = (size_t)c * ix->nitems;
        if (m == DELTA_BATCH) {
            delta_pass(d, u, on > 0, m, cell0, wo, wn);
            m = 0;
        }
    }
    if (m)
        delta_pass(d, u, on > 0, m, cell0, wo, wn);
}

/* The users whose contribution changed: new, with events logged since the
 * index's generation, or reassigned (portrait row newer than the old
 * communities saw). */
static bool is_touched(const vci_prior *prior, const vci_rec_index *old,
                       const user_log *log, uint32_t u)
{
    const vc_portraits *pt = prior->cm->pt;
    return u >= old->nusers || u >= prior->nusers || log->start[u + 1] > log->start[u] ||
           (pt->row_version && pt->row_version[u] > prior->pt_version);
}

static vc_status touched_users(const vci_prior *prior, const vci_rec_index *old,
                               const user_log *log, uint32_t nusers, uint32_t **out,
                               size_t *n)
{
    size_t count = 0;
    for (uint32_t u = 0; u < nusers; u++)
        count += is_touched(prior, old, log, u);
    uint32_t *list = vci_malloc((count + 1) * sizeof *list);
    if (!list)
        return VC_ERR_NOMEM;
    *n = 0;
    for (uint32_t u = 0; u < nusers; u++)
        if (is_touched(prior, old, log, u))
            list[(*n)++] = u;
    *out = list;
    return VC_OK;
}

/* The per-cell arrays of an index (NULL where it has none). */
static float **cell_array(vci_rec_index *ix, size_t k)
{
    float **a[] = {&ix->pop_sum, &ix->rate_sum, &ix->weight_sum, &ix->score, &ix->pop,
                   &ix->mean};
    return a[k];
}
#define CELL_ARRAYS 6

/* old's sums into ix, re-based if the data set's end moved many
 * half-lives past t_ref: ix takes old's cell arrays over when it has none
 * of its own (same items; the last step that touches old, nothing may fail
 * after it), or else they are copied (ix may have more items). */
static void carry_sums(vci_rec_index *old, vci_rec_index *ix, int64_t time_last)
{
    size_t oni = old->nitems, ni = ix->nitems;
    if (!ix->pop_sum) {
        for (size_t k = 0; k < CELL_ARRAYS; k++) {
            *cell_array(ix, k) = *cell_array(old, k);
            *cell_array(old, k) = NULL;
        }
    } else {
        for (size_t c = 0; c < ix->ncomm; c++) {
            memcpy(ix->pop_sum + c * ni, old->pop_sum + c * oni, oni * sizeof(float));
            if (ix->rate_sum) {
                memcpy(ix->rate_sum + c * ni, old->rate_sum + c * oni, oni * sizeof(float));
                memcpy(ix->weight_sum + c * ni, old->weight_sum + c * oni,
                       oni * sizeof(float));
            }
        }
    }
    memcpy(ix->total, old->total, ix->ncomm * sizeof *ix->total);
    ix->t_ref = old->t_ref;
    if (ix->half_life > 0 && (double)(time_last - ix->t_ref) / ix->half_life > MAX_SHIFT) {
        double f = exp2(-(double)(time_last - ix->t_ref) / ix->half_life);
        for (size_t k = 0; k < ix->ncomm * ni; k++)
            ix->pop_sum[k] = (float)(ix->pop_sum[k] * f);
        ix->t_ref = time_last;
    }
}

/* Whether old's sums can be carried into an index of cm (assigned from
 * the memberships prior gives) with these options. */
static bool can_carry(const vc_communities *cm, const vci_prior *prior,
                      const vci_rec_index *old, double half_life)
{
    const vc_dataset *ds = cm->pt->ds;
    return prior && old->pop_sum && old->total && old->half_life == half_life &&
           old->ncomm == cm->ncomm && old->nitems <= ds->nitems &&
           old->nusers <= ds->nusers && old->nusers == prior->nusers &&
           (old->rate_sum != NULL) == (cm->pt->explicit_ratings != 0) &&
           old->ds_generation >= ds->log.base && old->ds_generation <= ds->generation;
}

/* The touched users' new per-user rows, computed aside: installed into
 * old's arrays (taken over by the new index) only once nothing can fail. */
typedef struct user_rows {
    uint32_t *users;
    size_t n;
    float *norm, *emb, *scale;   /* [n], [n * emb_stride], [n] */
} user_rows;

static void user_rows_free(user_rows *r)
{
    vci_free(r->users);
    vci_free(r->norm);
    vci_free(r->emb);
    vci_free(r->scale);
}

/* old's per-user arrays grown to nusers rows (content kept; on failure
 * old stays valid with what grew so far). */
static vc_status grow_user_arrays(vci_rec_index *old, size_t nusers)
{
    if (nusers <= old->nusers)
        return VC_OK;
    size_t stride = old->emb_stride;
    float *emb = vci_aligned_resize(old->user_emb, (size_t)old->nusers * stride,
                                    nusers * stride, sizeof *emb);
    if (!emb)
        return VC_ERR_NOMEM;
    old->user_emb = emb;
    float *scale = vci_array_realloc(old->user_scale, nusers, sizeof *scale);
    if (!scale)
        return VC_ERR_NOMEM;
    old->user_scale = scale;
    float *norm = vci_array_realloc(old->user_norm, nusers, sizeof *norm);
    if (!norm)
        return VC_ERR_NOMEM;
    old->user_norm = norm;
    return VC_OK;
}

/* The sums of ix from old's: the touched users' old part out, their new
 * part in; the norms and embeddings of the touched users only, into
 * rows (installed by install_rows). */
typedef struct carry_ctx {
    const vc_communities *cm;
    const vci_prior *prior;
    vci_rec_index *ix;
    const user_log *log;
    const user_rows *rows;
    bool *used;        /* [workers * (log entries + 1)] */
    uint32_t *seen;    /* [workers * 2 * nitems] */
    unsigned nworkers;
} carry_ctx;

static vc_status carry_task(void *ctx, size_t task, unsigned worker)
{
    (void)worker;
    const carry_ctx *c = ctx;
    const vc_dataset *ds = c->cm->pt->ds;
    size_t ni = VCI_MAX(ds->nitems, 1u);
    uint32_t *seen = c->seen + task * 2 * ni;
    delta_ctx d = {ds, c->ix, c->log, c->used + task * (ds->log.n + 1), seen, seen + ni, 0,
                   (uint32_t)task, c->nworkers};
    const vc_communities *cm = c->cm;
    for (size_t k = 0; k < c->rows->n; k++) {
        uint32_t u = c->rows->users[k];
        const uint32_t *comm;
        const float *strength;
        uint32_t n = vci_prior_of(c->prior, u, &comm, &strength);
        uint32_t b = cm->mem_start[u], e = cm->mem_start[u + 1];
        contribute(&d, u, comm, strength, n, cm->mem_comm + b, cm->mem_strength + b, e - b);
        if (task == 0)
            c->rows->norm[k] = vci_rec_user_norm(ds, c->ix, u);
    }
    return VC_OK;
}

/* The sums of ix from old's: the touched users' old part out, their new
 * part in; the norms and embeddings of the touched users only, into
 * rows (installed by install_rows). */
static vc_status carry(const vc_communities *cm, const vci_prior *prior,
                       vci_rec_index *old, vci_rec_index *ix, vci_pool *pool,
                       user_rows *rows)
{
    const vc_dataset *ds = cm->pt->ds;
    user_log log = {NULL, NULL};
    unsigned nw = vci_pool_size(pool);
    carry_ctx c = {cm, prior, ix, &log, rows, NULL, NULL, nw};
    vc_status s = user_log_build(ds, old->ds_generation, &log);
    if (s == VC_OK)
        s = touched_users(prior, old, &log, ds->nusers, &rows->users, &rows->n);
    size_t n = rows->n;
    c.used = vci_calloc((size_t)nw * (ds->log.n + 1), sizeof *c.used);
    c.seen = vci_calloc((size_t)nw * 2 * VCI_MAX(ds->nitems, 1u), sizeof *c.seen);
    rows->norm = vci_calloc(n + 1, sizeof *rows->norm);
    rows->emb = vci_calloc((n + 1) * old->emb_stride + 1, sizeof *rows->emb);
    rows->scale = vci_calloc(n + 1, sizeof *rows->scale);
    if (s == VC_OK && (!c.used || !c.seen || !rows->norm || !rows->emb || !rows->scale))
        s = VC_ERR_NOMEM;
    if (s == VC_OK)
        s = grow_user_arrays(old, ds->nusers);
    if (s == VC_OK)
        s = vci_rec_embed_fold_rows(ix, ds, old, rows->users, n, rows->emb, rows->scale,
                                    pool);
    if (s == VC_OK) {
        carry_sums(old, ix, ds->time_last);
        s = vci_parallel_for(pool, nw, carry_task, &c, NULL);
    }
    user_log_free(&log);
    vci_free(c.used);
    vci_free(c.seen);
    return s;
}

/* ix takes old's per-user arrays over (old keeps none) and writes the
 * touched users' new rows into them (cannot fail). */
static void install_rows(vci_rec_index *ix, vci_rec_index *old, const user_rows *rows)
{
    ix->user_emb = old->user_emb;
    ix->user_scale = old->user_scale;
    ix->user_norm = old->user_norm;
    old->user_emb = NULL;
    old->user_scale = NULL;
    old->user_norm = NULL;
    for (size_t k = 0; k < rows->n; k++) {
        uint32_t u = rows->users[k];
        ix->user_norm[u] = rows->norm[k];
        ix->user_scale[u] = rows->scale[k];
        memcpy(ix->user_emb + (size_t)u * ix->emb_stride, rows->emb + k * ix->emb_stride,
               ix->emb_stride * sizeof *ix->user_emb);
    }
}

/* ---- from the sums to the scores ------------------------------------------------ */

static vc_status item_stats(const vc_dataset *ds, vci_rec_index *ix,
                            double prior, double **item_mean,
                            double *global_mean)
{
    size_t ni = ds->nitems;
    double *sum = vci_calloc(ni + 1, sizeof *sum);
    double *cnt = vci_calloc(ni + 1, sizeof *cnt);
    if (!sum || !cnt) {
        vci_free(sum);
        vci_free(cnt);
        return VC_ERR_NOMEM;
    }
    double all = 0;
    float maxv = 0;
    for (size_t e = 0; e < ds->nevents; e++) {
        sum[ds->ev_item[e]] += ds->ev_value[e];
        cnt[ds->ev_item[e]] += 1;
        all += ds->ev_value[e];
        maxv = VCI_MAX(maxv, ds->ev_value[e]);
    }
    *global_mean = ds->nevents ? all / (double)ds->nevents : 0;
    for (size_t i = 0; i < ni; i++) {
        ix->item_pop[i] = ds->nusers ? (float)(cnt[i] / ds->nusers) : 0.0f;
        sum[i] = (sum[i] + prior * *global_mean) / (cnt[i] + prior);
    }
    ix->max_value = maxv;
    vci_free(cnt);
    *item_mean = sum;
    return VC_OK;
}

/* pop, mean and score of every community and item from the sums. */
static void scores(vci_rec_index *ix, const double *item_mean, double global_mean,
                   int64_t time_last, const vc_options *opts)
{
    double prior = vci_opt_float(opts, VCI_OPT_RECOMMEND_PRIOR);
    double quality = vci_opt_float(opts, VCI_OPT_RECOMMEND_QUALITY_WEIGHT);
    double range = ix->max_value > 0 ? ix->max_value : 1;
    double age = ix->half_life > 0 ? exp2(-(double)(time_last - ix->t_ref) / ix->half_life)
                                   : 1.0;
    size_t ni = ix->nitems;
    for (size_t c = 0; c < ix->ncomm; c++) {
        double total = ix->total[c];
        for (size_t i = 0; i < ni; i++) {
            size_t k = c * ni + i;
            double p = total > 0 ? VCI_MAX((double)ix->pop_sum[k], 0.0) * age / total : 0;
            ix->pop[k] = (float)p;
            if (!ix->mean) {
                ix->score[k] = ix->pop[k];
                continue;
            }
            double wn = VCI_MAX((double)ix->weight_sum[k], 0.0);
            double m = (ix->rate_sum[k] + prior * item_mean[i]) / (wn + prior);
            ix->mean[k] = (float)m;
            double q = 1 + quality * (m - global_mean) / range;
            ix->score[k] = (float)(ix->pop[k] * VCI_MAX(q, 0.0));
        }
    }
}

float vci_rec_user_norm(const vc_dataset *ds, const vci_rec_index *ix, uint32_t u)
{
    double s = 0;
    for (uint64_t e = ds->user_start[u]; e < ds->user_start[u + 1]; e++) {
        double v = vci_rec_value(ix, ds->ev_value[e]);
        s += v * v;
    }
    return (float)sqrt(s);
}

/* ---- the index -------------------------------------------------------------------- */

/* An index of cm, its cell arrays allocated when cells (else they come
 * from the index it is carried from). */
static vc_status alloc_index(const vc_communities *cm, bool cells, vci_rec_index **out)
{
    const vc_portraits *pt = cm->pt;
    const vc_dataset *ds = pt->ds;
    vci_rec_index *ix = vci_calloc(1, sizeof *ix);
    if (!ix)
        return VC_ERR_NOMEM;
    ix->ncomm = cm->ncomm;
    ix->nitems = ds->nitems;
    ix->nusers = ds->nusers;
    ix->explicit_ratings = pt->explicit_ratings;
    size_t n = (size_t)VCI_MAX(cm->ncomm, 1u) * VCI_MAX(ds->nitems, 1u);
    bool ex = pt->explicit_ratings;
    *out = ix;
    for (size_t k = 0; cells && k < CELL_ARRAYS; k++) {
        float **a = cell_array(ix, k);
        if (!ex && (a == &ix->mean || a == &ix->rate_sum || a == &ix->weight_sum))
            continue;
        if (!(*a = vci_calloc(n, sizeof **a)))
            return VC_ERR_NOMEM;
    }
    ix->total = vci_calloc(VCI_MAX(cm->ncomm, 1u), sizeof *ix->total);
    ix->item_pop = vci_calloc(VCI_MAX(ds->nitems, 1u), sizeof *ix->item_pop);
    if (!ix->total || !ix->item_pop)
        return VC_ERR_NOMEM;
    ix->ds_generation = ds->generation;
    ix->t_ref = ds->time_last;
    return VC_OK;
}

/* The index of cm; with old, the taste embeddings fold the users into
 * old's item factors instead of fitting new ones, and with prior too (cm
 * assigned from the memberships it gives) the sums carry over where they
 * can. */
static vc_status build(const vc_communities *cm, const vc_options *opts,
                       const vci_rec_index *old, const vci_prior *prior,
                       vci_rec_index **out)
{
    const vc_dataset *ds = cm->pt->ds;
    vci_rec_index *ix = NULL;
    vci_pool *pool = NULL;
    double *item_mean = NULL, global_mean = 0;
    double half_life = vci_opt_float(opts, VCI_OPT_RECOMMEND_HALF_LIFE_DAYS) * DAY;
    bool carried = old && can_carry(cm, prior, old, half_life);
    /* a carried index with the same items takes old's cell arrays over */
    vc_status s = alloc_index(cm, !carried || old->nitems != ds->nitems, &ix);
    if (s == VC_OK) {
        ix->half_life = half_life;
        s = item_stats(ds, ix, vci_opt_float(opts, VCI_OPT_RECOMMEND_PRIOR), &item_mean,
                       &global_mean);
    }
    if (s == VC_OK)
        s = vci_pool_for_options(&pool, opts);
    user_rows rows = {NULL, 0, NULL, NULL, NULL};
    if (s == VC_OK && carried) {
        s = carry(cm, prior, (vci_rec_index *)old, ix, pool, &rows);
    } else if (s == VC_OK) {
        ix->user_norm = vci_calloc(VCI_MAX(ds->nusers, 1u), sizeof *ix->user_norm);
        s = ix->user_norm ? count_all(cm, ix, pool) : VC_ERR_NOMEM;
        for (uint32_t u = 0; s == VC_OK && u < ds->nusers; u++)
            ix->user_norm[u] = vci_rec_user_norm(ds, ix, u);
        if (s == VC_OK)
            s = old ? vci_rec_embed_fold(ix, ds, old, pool) : vci_rec_embed(ix, ds, opts, pool);
    }
    if (s == VC_OK) {
        scores(ix, item_mean, global_mean, ds->time_last, opts);
        if (carried) /* the last step: nothing fails after it */
            install_rows(ix, (vci_rec_index *)old, &rows);
    }
    user_rows_free(&rows);
    vci_pool_free(pool);
    vci_free(item_mean);
    if (s != VC_OK) {
        vci_rec_index_free(ix);
        return s;
    }
    *out = ix;
    return VC_OK;
}

vc_status vci_rec_index_refit(const vc_communities *cm, const void *old,
                              const vc_options *opts, const vci_prior *prior,
                              void **out)
{
    vci_rec_index *ix = NULL;
    VCI_CHECK(build(cm, opts, old, prior, &ix));
    *out = ix;
    return VC_OK;
}

vc_status vci_rec_index_get(const vc_communities *cm, const vc_options *opts,
                            const vci_rec_index **out)
{
    vc_communities *m = (vc_communities *)cm; /* only the lazy cache changes */
    VCI_CHECK(vci_communities_current(cm, "recommender"));
    vci_rec_index *ix = atomic_load(&m->lazy_index);
    if (ix && atomic_load(&ix->pools_ready)) {
        *out = ix;
        return VC_OK;
    }
    pthread_mutex_lock(&m->lazy_mu);
    vc_status s = VC_OK;
    ix = atomic_load(&m->lazy_index);
    if (!ix) {
        s = build(cm, opts, NULL, NULL, &ix);
        if (s == VC_OK) {
            m->lazy_free = vci_rec_index_free;
            m->lazy_refit = vci_rec_index_refit;
            atomic_store(&m->lazy_index, ix);
        }
    }
    if (s == VC_OK && !atomic_load(&ix->pools_ready)) {
        /* an index built here, refitted or loaded from a model file gets
         * its pools once; without them queries are slower, not wrong */
        if (vci_rec_pools_build(&ix->pools, cm, ix, opts) != VC_OK)
            vci_clear_error();
        atomic_store(&ix->pools_ready, true);
    }
    pthread_mutex_unlock(&m->lazy_mu);
    *out = ix;
    return s;
}
