/*
 * update.c - vc_portrait_update: bring built portraits up to date with a
 * data set that has grown (events appended, users and items added) without
 * rebuilding them.
 *
 * What is recomputed:
 *  - the rows of touched users (new, or with events or attributes changed
 *    since the portraits last saw the data set): fact and behaviour layers
 *    in full, with the population statistics of the data set as it is now;
 *  - for every other user, the columns that move with the end of the data
 *    set: recency (shifted by the time the data set's end moved) and the
 *    predictive layer, which is cheap and refitted on all rows (affinity
 *    factorisation, churn, return propensity);
 *  - the feature cells of what changed (every cell of a touched row, the
 *    moving columns of the others), standardised with the column means and
 *    deviations of the build, which stay fixed so the communities' space
 *    does not move (the other cells would come out the same); should the
 *    update run with another portrait.z_clip than the feature rows were
 *    made with, every cell;
 *  - every user's tags (their thresholds are population quantiles).
 * What stays: the schema (a category or attribute value that appeared
 * since the build gets no column until a rebuild), the topic set (new
 * items are mapped onto it) and the standardisation.
 *
 * How: in two phases, so the work is proportional to the touched users
 * plus a few passes over a handful of columns (and, for the population
 * statistics and the fact plan, over the data set), and no full-size
 * matrix is allocated or copied.
 *  1. compute: everything that can fail, into side buffers sized by what
 *     changes: the touched users' raw rows (ntouched x ncols; the fact
 *     layer and the behaviour layer's population statistics side by side,
 *     then the behaviour rows), the topics of new items, the predictive
 *     fit (factorisation and median gap, fitted on the rows as they will
 *     be: touched rows from the side buffer, the others from pt->raw), the
 *     tags' arrays and thresholds; last, raw, feat and row_version grow to
 *     the data set's users;
 *  2. commit: in place, with no allocation and nothing that can fail, in
 *     parallel over blocks of users: each row takes its new values
 *     (touched rows copied from the side buffer, the others' recency
 *     shifted), its predictive columns and the features of what changed,
 *     then the block's tags are counted; then the tags are placed, derived
 *     (into the old tag arrays when they are long enough) and installed,
 *     and the item topics and the scalars.
 *
 * Invariant: on error the portraits are exactly as before. Before the
 * commit the only change to pt is the growth of raw, feat and row_version
 * (realloc: the first nusers rows keep their values; nusers is unchanged,
 * so nothing reads the room beyond them, which the next update grows again
 * and fills) and, once nothing else can fail, a NULL row_version replaced
 * by zeros (what NULL means).
 */
#include <math.h>

#include "portrait.h"

#define DAY 86400.0

/* What the compute phase makes for the commit. */
typedef struct update {
    vc_portraits *pt;
    const vc_dataset *ds;
    uint32_t nusers;            /* the data set's users: rows after the commit */
    uint32_t *touched;          /* the users whose rows are recomputed, increasing */
    size_t ntouched;
    float *rows;                /* [ntouched * ncols] their raw rows (not the
                                   predictive columns, applied at commit) */
    uint32_t *item_start;       /* the topics CSR extended to new items, */
    uint32_t *item_topic;       /* NULL when no item was added */
    vci_predictive_fit fit;
    vci_tag_build tags;
    vci_pool *pool;
    double shift, span;         /* days the data set's end moved; its span */
    double zmax;                /* this update's portrait.z_clip */
    bool all_cells;             /* z_clip changed: standardise every cell */
} update;

static void update_free(update *up)
{
    vci_free(up->touched);
    vci_free(up->rows);
    vci_free(up->item_start);
    vci_free(up->item_topic);
    vci_predictive_fit_free(&up->fit);
    vci_tags_discard(&up->tags);
    vci_pool_free(up->pool);
}

/* ---- compute: everything that can fail --------------------------------------- */

static bool is_touched(const vc_portraits *pt, uint32_t u)
{
    return u >= pt->nusers || vci_ds_user_gen(pt->ds, u) > pt->ds_generation;
}

/* The users whose rows must be recomputed. */
static vc_status find_touched(update *up)
{
    size_t n = 0;
    for (uint32_t u = 0; u < up->nusers; u++)
        n += is_touched(up->pt, u);
    up->touched = vci_malloc(VCI_MAX(n, 1) * sizeof *up->touched);
    if (!up->touched)
        return VC_ERR_NOMEM;
    for (uint32_t u = 0; u < up->nusers; u++)
        if (is_touched(up->pt, u))
            up->touched[up->ntouched++] = u;
    return VC_OK;
}

/* Items added since the build get topics. */
static vc_status extend_topics(update *up)
{
    const vc_portraits *pt = up->pt;
    if (up->ds->nitems == pt->nitems)
        return VC_OK;
    return vci_topics_extend(&pt->topics, pt->nitems, up->ds, &up->item_start,
                             &up->item_topic);
}

/* The fact layer (planned again on every user) and the behaviour layer's
 * population statistics (over every event) both read the whole data set
 * and do not depend on each other: they run side by side. */
typedef struct layers_ctx {
    const update *up;
    const vc_portraits *cur;
    vci_behaviour_pop pop;
} layers_ctx;

static vc_status layers_task(void *ctx, size_t task, unsigned worker)
{
    (void)worker;
    layers_ctx *c = ctx;
    const update *up = c->up;
    if (task == 0)
        return vci_fact_fill_users(c->cur, up->touched, up->ntouched, up->rows);
    return vci_behaviour_population(c->cur, &c->pop);
}

/* The fact and behaviour columns of the touched rows, into up->rows. */
static vc_status compute_rows(update *up, const vc_options *opts)
{
    const vc_portraits *pt = up->pt;
    size_t cells;
    if (!vci_mul_ok(VCI_MAX(up->ntouched, 1), VCI_MAX(pt->ncols, 1u), &cells))
        return vci_error(VC_ERR_NOMEM, "portrait matrix too large");
    up->rows = vci_calloc(cells, sizeof *up->rows);
    if (!up->rows)
        return VC_ERR_NOMEM;
    /* the portraits as the layers see them: topics extended to new items */
    vc_portraits cur = *pt;
    if (up->item_start) {
        cur.topics.item_start = up->item_start;
        cur.topics.item_topic = up->item_topic;
    }
    layers_ctx c = {up, &cur, {0, NULL}};
    vc_status s = vci_parallel_for(up->pool, 2, layers_task, &c, NULL);
    vci_progress prog = vci_progress_of(opts, "portraits");
    if (s == VC_OK)
        s = vci_behaviour_fill(&cur, opts, up->pool, &prog, &c.pop, up->touched,
                               up->ntouched, up->rows);
    vci_behaviour_pop_free(&c.pop);
    return s;
}

/* raw, feat and row_version get room for the data set's users; the first
 * pt->nusers rows keep their values (see the invariant above). A NULL
 * row_version becomes an array only once nothing else can fail here, so a
 * failure leaves no new block behind. */
static vc_status grow(update *up)
{
    vc_portraits *pt = up->pt;
    size_t nu = VCI_MAX(up->nusers, 1u), raw_cells, feat_cells;
    if (!vci_mul_ok(nu, VCI_MAX(pt->ncols, 1u), &raw_cells) ||
        !vci_mul_ok(nu, VCI_MAX(pt->stride, 16u), &feat_cells))
        return vci_error(VC_ERR_NOMEM, "portrait matrix too large");
    uint32_t *fresh = NULL;
    if (!pt->row_version) {
        fresh = vci_calloc(nu, sizeof *fresh); /* zeros: what NULL meant */
        if (!fresh)
            return VC_ERR_NOMEM;
    } else if (up->nusers > pt->nusers) {
        uint32_t *version = vci_array_realloc(pt->row_version, nu, sizeof *version);
        if (!version)
            return VC_ERR_NOMEM;
        pt->row_version = version;
    }
    if (up->nusers > pt->nusers) {
        float *raw = vci_array_realloc(pt->raw, raw_cells, sizeof *raw);
        if (raw)
            pt->raw = raw;
        /* the grown part zeroed: the padding of the new feature rows */
        float *feat = raw ? vci_aligned_resize(pt->feat, (size_t)pt->nusers * pt->stride,
                                               feat_cells, sizeof *feat)
                          : NULL;
        if (!feat) {
            vci_free(fresh);
            return VC_ERR_NOMEM;
        }
        pt->feat = feat;
    }
    if (fresh)
        pt->row_version = fresh;
    return VC_OK;
}

/* The affinity factorisation, the median gap and the tags' preparation
 * read every row as it will be, independently: side by side (the
 * covariance then runs on its task's worker alone). */
typedef struct fits_ctx {
    update *up;
    const vci_rows *rows;
    const vc_options *opts;
} fits_ctx;

static vc_status fits_task(void *ctx, size_t task, unsigned worker)
{
    (void)worker;
    const fits_ctx *c = ctx;
    update *up = c->up;
    if (task == 0)
        return vci_predictive_fit_affinity(&up->fit, up->pt, c->rows, c->opts, NULL);
    if (task == 1)
        return vci_predictive_fit_churn(&up->fit, up->pt, c->rows);
    return vci_tags_prepare(&up->tags, up->pt, c->rows);
}

static vc_status compute(update *up, const vc_options *opts)
{
    vc_portraits *pt = up->pt;
    up->shift = (double)(up->ds->time_last - pt->time_last) / DAY;
    up->span = (double)(up->ds->time_last - up->ds->time_base) / DAY;
    up->zmax = vci_opt_float(opts, VCI_OPT_PORTRAIT_Z_CLIP);
    up->all_cells = !(up->zmax == pt->z_clip);
    VCI_CHECK(find_touched(up));
    VCI_CHECK(extend_topics(up));
    VCI_CHECK(vci_pool_for_options(&up->pool, opts));
    VCI_CHECK(compute_rows(up, opts));
    vci_rows view = {pt->raw, up->nusers, pt->ncols, up->touched, up->ntouched, up->rows};
    fits_ctx c = {up, &view, opts};
    VCI_CHECK(vci_parallel_for(up->pool, 3, fits_task, &c, NULL));
    return grow(up);
}

/* ---- commit: in place, cannot fail ------------------------------------------- */

/* Row u of an untouched user: recency moves with the data set's end (a
 * user without events has the whole span). */
static void shift_recency(const update *up, uint32_t u, float *row)
{
    const vc_dataset *ds = up->ds;
    uint32_t c = up->pt->map.recency;
    bool active = ds->user_start[u + 1] > ds->user_start[u];
    row[c] = active ? (float)(row[c] + up->shift) : (float)up->span;
}

/* The new raw row of user u (next: its position in touched, or that of
 * the next touched user) and the features of what changed. */
static void commit_row(const update *up, uint32_t u, size_t *next)
{
    vc_portraits *pt = up->pt;
    const vci_column_map *m = &pt->map;
    float *row = pt->raw + (size_t)u * pt->ncols;
    bool touched = *next < up->ntouched && up->touched[*next] == u;
    if (touched) {
        memcpy(row, up->rows + (*next)++ * pt->ncols, pt->ncols * sizeof *row);
        pt->row_version[u] = pt->version + 1;
    } else {
        shift_recency(up, u, row);
    }
    vci_predictive_apply(pt, &up->fit, u, row);
    if (touched || up->all_cells) {
        vci_portrait_standardise_cols(pt, up->zmax, u, 0, pt->ncols);
        return;
    }
    vci_portrait_standardise_cols(pt, up->zmax, u, m->recency, m->recency + 1);
    vci_portrait_standardise_cols(pt, up->zmax, u, m->affinity,
                                  m->affinity + pt->topics.ntopics);
    vci_portrait_standardise_cols(pt, up->zmax, u, m->churn, m->churn + 1);
    vci_portrait_standardise_cols(pt, up->zmax, u, m->propensity, m->propensity + 1);
}

/* The rows of the users of one tag block, then the count of their tags:
 * tasks write disjoint rows. */
static vc_status commit_task(void *ctx, size_t task, unsigned worker)
{
    (void)worker;
    const update *up = ctx;
    uint32_t begin = (uint32_t)(task * VCI_TAG_BLOCK);
    uint32_t end = (uint32_t)VCI_MIN((size_t)begin + VCI_TAG_BLOCK, (size_t)up->nusers);
    size_t lo = 0, hi = up->ntouched; /* the first touched user >= begin */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (up->touched[mid] < begin)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (uint32_t u = begin; u < end; u++)
        commit_row(up, u, &lo);
    vci_tags_count_block(&up->tags, up->pt, task);
    return VC_OK;
}

static void commit(update *up)
{
    vc_portraits *pt = up->pt;
    const vc_dataset *ds = up->ds;
    /* tasks never fail and nothing reports progress: the parallel loop
     * allocates nothing and cannot fail either */
    (void)vci_parallel_for(up->pool, vci_tags_blocks(up->nusers), commit_task, up, NULL);
    vci_tags_fill(&up->tags, pt, up->pool);
    pt->nusers = up->nusers;
    if (up->item_start) {
        vci_free(pt->topics.item_start);
        vci_free(pt->topics.item_topic);
        pt->topics.item_start = up->item_start;
        pt->topics.item_topic = up->item_topic;
        up->item_start = up->item_topic = NULL;
    }
    pt->nitems = ds->nitems;
    pt->time_last = ds->time_last;
    pt->ds_generation = ds->generation;
    pt->z_clip = up->zmax;
    vci_tags_install(&up->tags, pt);
    pt->version++;
}

VC_API vc_status vc_portrait_update(vc_portraits *pt, const vc_options *opts,
                                    size_t *updated)
{
    vci_clear_error();
    if (updated)
        *updated = 0;
    VCI_REQUIRE(pt, "vc_portrait_update: portraits are NULL");
    const vc_dataset *ds = pt->ds;
    if (!ds->finalised)
        return vci_error(VC_ERR_STATE, "vc_portrait_update: the data set is not "
                                       "finalised (call vc_dataset_finalize)");
    if (ds->nusers < pt->nusers || ds->nitems < pt->nitems)
        return vci_error(VC_ERR_STATE, "vc_portrait_update: the data set has fewer "
                                       "users or items than the portraits");
    if (ds->generation == pt->ds_generation && ds->nusers == pt->nusers)
        return VC_OK;
    update up;
    memset(&up, 0, sizeof up);
    up.pt = pt;
    up.ds = ds;
    up.nusers = ds->nusers;
    vci_strpool_init(&up.tags.names);
    vc_status s = compute(&up, opts);
    if (s == VC_OK) {
        commit(&up);
        if (updated)
            *updated = up.ntouched;
    }
    update_free(&up);
    return s;
}
