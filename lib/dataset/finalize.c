/*
 * finalize.c - turn the events already indexed plus the staged ones into
 * the CSR indexes of dataset.h: events by user sorted by (time, item) with
 * arrival order breaking ties, events by item, per-type counts, and the
 * item -> categories CSR.
 *
 * Invariants: the result depends only on the data (never on the pool
 * size); on failure the data set is left exactly as it was.
 */
#include "dataset.h"

/* One event's sort key: (time, item); ties keep their position. */
typedef struct sort_rec {
    uint64_t key;
    uint32_t pos;
} sort_rec;

static inline bool rec_less(const sort_rec *a, const sort_rec *b)
{
    return a->key < b->key || (a->key == b->key && a->pos < b->pos);
}

/* Stable bottom-up merge sort of n records using tmp (n records). */
static void merge_sort(sort_rec *a, sort_rec *tmp, size_t n)
{
    /* insertion sort runs of 16, then merge */
    const size_t run = 16;
    for (size_t b = 0; b < n; b += run) {
        size_t e = VCI_MIN(n, b + run);
        for (size_t i = b + 1; i < e; i++) {
            sort_rec r = a[i];
            size_t j = i;
            while (j > b && rec_less(&r, &a[j - 1])) {
                a[j] = a[j - 1];
                j--;
            }
            a[j] = r;
        }
    }
    sort_rec *src = a, *dst = tmp;
    for (size_t w = run; w < n; w *= 2) {
        for (size_t b = 0; b < n; b += 2 * w) {
            size_t m = VCI_MIN(n, b + w), e = VCI_MIN(n, b + 2 * w);
            size_t i = b, j = m, k = b;
            while (i < m && j < e)
                dst[k++] = rec_less(&src[j], &src[i]) ? src[j++] : src[i++];
            while (i < m)
                dst[k++] = src[i++];
            while (j < e)
                dst[k++] = src[j++];
        }
        sort_rec *t = src;
        src = dst;
        dst = t;
    }
    if (src != a)
        memcpy(a, src, n * sizeof *a);
}

/* The new event arrays being built. */
typedef struct csr_build {
    uint64_t *start;   /* [nusers + 1] */
    uint32_t *item;
    float *value;
    uint32_t *time;
    uint8_t *type;
    float *amount;
    size_t n;
    /* sorting */
    uint32_t nusers;
    size_t users_per_task;
    size_t max_run;        /* longest user range */
    unsigned nworkers;
    sort_rec **recs;       /* [nworkers] scratch of 2 * max_run records */
    unsigned char **moved; /* [nworkers] scratch of max_run * 4 bytes */
} csr_build;

static bool range_sorted(const csr_build *b, size_t lo, size_t hi)
{
    for (size_t e = lo + 1; e < hi; e++)
        if (b->time[e] < b->time[e - 1] ||
            (b->time[e] == b->time[e - 1] && b->item[e] < b->item[e - 1]))
            return false;
    return true;
}

#define PERMUTE(arr, type_)                                   \
    do {                                                      \
        type_ *t_ = (type_ *)scratch;                         \
        for (size_t k = 0; k < n; k++)                        \
            t_[k] = (arr)[lo + r[k].pos];                     \
        memcpy((arr) + lo, t_, n * sizeof(type_));            \
    } while (0)

static vc_status sort_users_task(void *ctx, size_t task, unsigned worker)
{
    csr_build *b = ctx;
    size_t u0 = task * b->users_per_task;
    size_t u1 = VCI_MIN((size_t)b->nusers, u0 + b->users_per_task);
    for (size_t u = u0; u < u1; u++) {
        size_t lo = b->start[u], hi = b->start[u + 1], n = hi - lo;
        if (n < 2 || range_sorted(b, lo, hi))
            continue;
        sort_rec *r = b->recs[worker];
        unsigned char *scratch = b->moved[worker];
        for (size_t k = 0; k < n; k++)
            r[k] = (sort_rec){((uint64_t)b->time[lo + k] << 32) | b->item[lo + k],
                              (uint32_t)k};
        merge_sort(r, r + n, n);
        PERMUTE(b->item, uint32_t);
        PERMUTE(b->value, float);
        PERMUTE(b->time, uint32_t);
        PERMUTE(b->type, uint8_t);
        PERMUTE(b->amount, float);
    }
    return VC_OK;
}

static void free_build(csr_build *b)
{
    vci_free(b->start);
    vci_free(b->item);
    vci_free(b->value);
    vci_free(b->time);
    vci_free(b->type);
    vci_free(b->amount);
    for (unsigned w = 0; b->recs && w < b->nworkers; w++)
        vci_free(b->recs[w]);
    for (unsigned w = 0; b->moved && w < b->nworkers; w++)
        vci_free(b->moved[w]);
    vci_free(b->recs);
    vci_free(b->moved);
}

/* Earliest and latest time of every event, old and staged. */
static vc_status time_span(const vc_dataset *ds, int64_t *base, int64_t *last)
{
    const vci_staged_events *st = &ds->staged;
    bool any = false;
    int64_t lo = 0, hi = 0;
    if (ds->nevents) {
        lo = ds->time_base;
        hi = ds->time_last;
        any = true;
    }
    for (size_t e = 0; e < st->n; e++) {
        int64_t t = st->time[e];
        if (!any || t < lo)
            lo = t;
        if (!any || t > hi)
            hi = t;
        any = true;
    }
    if (any && (uint64_t)hi - (uint64_t)lo > UINT32_MAX)
        return vci_error(VC_ERR_RANGE, "event times span more than 136 years "
                                       "(%lld to %lld Unix seconds)",
                         (long long)lo, (long long)hi);
    *base = lo;
    *last = hi;
    return VC_OK;
}

/* Place the old and staged events of every user in the new arrays, in
 * arrival order (old ones first). */
static vc_status scatter(const vc_dataset *ds, csr_build *b, int64_t base)
{
    const vci_staged_events *st = &ds->staged;
    uint32_t nu = ds->nusers;
    uint64_t *cur = vci_calloc((size_t)nu + 1, sizeof *cur);
    if (!cur)
        return VC_ERR_NOMEM;
    for (uint32_t u = 0; u < ds->indexed_users && u < nu; u++)
        cur[u + 1] = ds->user_start[u + 1] - ds->user_start[u];
    for (size_t e = 0; e < st->n; e++)
        cur[st->user[e] + 1]++;
    for (uint32_t u = 0; u < nu; u++)
        cur[u + 1] += cur[u];
    memcpy(b->start, cur, ((size_t)nu + 1) * sizeof *cur);
    int64_t shift = ds->nevents ? ds->time_base - base : 0;
    for (uint32_t u = 0; u < ds->indexed_users && u < nu; u++) {
        for (uint64_t e = ds->user_start[u]; e < ds->user_start[u + 1]; e++) {
            uint64_t p = cur[u]++;
            b->item[p] = ds->ev_item[e];
            b->value[p] = ds->ev_value[e];
            b->time[p] = (uint32_t)((int64_t)ds->ev_time[e] + shift);
            b->type[p] = (uint8_t)vci_ds_type(ds, e);
            b->amount[p] = vci_ds_amount(ds, e);
        }
    }
    for (size_t e = 0; e < st->n; e++) {
        uint64_t p = cur[st->user[e]]++;
        b->item[p] = st->item[e];
        b->value[p] = st->value[e];
        b->time[p] = (uint32_t)(st->time[e] - base);
        b->type[p] = st->type[e];
        b->amount[p] = st->amount[e];
    }
    vci_free(cur);
    return VC_OK;
}

static vc_status sort_users(csr_build *b, vci_pool *pool,
                            const vci_progress *progress)
{
    b->max_run = 0;
    for (uint32_t u = 0; u < b->nusers; u++)
        b->max_run = VCI_MAX(b->max_run, (size_t)(b->start[u + 1] - b->start[u]));
    if (b->max_run < 2)
        return VC_OK;
    b->nworkers = vci_pool_size(pool);
    b->recs = vci_calloc(b->nworkers, sizeof *b->recs);
    b->moved = vci_calloc(b->nworkers, sizeof *b->moved);
    if (!b->recs || !b->moved)
        return VC_ERR_NOMEM;
    for (unsigned w = 0; w < b->nworkers; w++) {
        b->recs[w] = vci_calloc(2 * b->max_run, sizeof(sort_rec));
        b->moved[w] = vci_calloc(b->max_run, sizeof(uint32_t));
        if (!b->recs[w] || !b->moved[w])
            return VC_ERR_NOMEM;
    }
    b->users_per_task = 4096;
    size_t ntasks = ((size_t)b->nusers + b->users_per_task - 1) / b->users_per_task;
    return vci_parallel_for(pool, ntasks, sort_users_task, b, progress);
}

/* Items: event indices by item, in increasing order. */
static vc_status index_items(uint32_t nitems, const csr_build *b,
                             uint64_t **start_out, uint32_t **events_out)
{
    uint64_t *start = vci_calloc((size_t)nitems + 1, sizeof *start);
    uint32_t *events = vci_calloc(VCI_MAX(b->n, (size_t)1), sizeof *events);
    if (!start || !events) {
        vci_free(start);
        vci_free(events);
        return VC_ERR_NOMEM;
    }
    for (size_t e = 0; e < b->n; e++)
        start[b->item[e] + 1]++;
    for (uint32_t i = 0; i < nitems; i++)
        start[i + 1] += start[i];
    uint64_t *fill = vci_calloc((size_t)nitems + 1, sizeof *fill);
    if (!fill) {
        vci_free(start);
        vci_free(events);
        return VC_ERR_NOMEM;
    }
    memcpy(fill, start, ((size_t)nitems + 1) * sizeof *fill);
    for (size_t e = 0; e < b->n; e++)
        events[fill[b->item[e]]++] = (uint32_t)e;
    vci_free(fill);
    *start_out = start;
    *events_out = events;
    return VC_OK;
}

/* Categories: the CSR of the per-item lists. */
static vc_status index_categories(const vc_dataset *ds, uint32_t **start_out,
                                  uint32_t **cats_out)
{
    uint32_t ni = ds->nitems;
    uint32_t *start = vci_calloc((size_t)ni + 1, sizeof *start);
    if (!start)
        return VC_ERR_NOMEM;
    for (uint32_t i = 0; i < ni; i++) {
        uint32_t l = ds->item_catlist ? ds->item_catlist[i] : 0;
        start[i + 1] = start[i] + (l ? ds->catpool[l] : 0);
    }
    uint32_t *cats = vci_calloc(VCI_MAX(start[ni], 1u), sizeof *cats);
    if (!cats) {
        vci_free(start);
        return VC_ERR_NOMEM;
    }
    for (uint32_t i = 0; i < ni; i++) {
        uint32_t l = ds->item_catlist ? ds->item_catlist[i] : 0;
        if (l)
            memcpy(cats + start[i], ds->catpool + l + 1,
                   ds->catpool[l] * sizeof *cats);
    }
    *start_out = start;
    *cats_out = cats;
    return VC_OK;
}

vc_status vci_dataset_finalize(vc_dataset *ds, vci_pool *pool,
                               const vci_progress *progress)
{
    vci_ds_adopt_counts(ds);
    if (ds->finalised && ds->staged.n == 0 && ds->indexed_users == ds->nusers &&
        ds->indexed_items == ds->nitems)
        return VC_OK;
    int64_t base = 0, last = 0;
    VCI_CHECK(time_span(ds, &base, &last));
    csr_build b;
    memset(&b, 0, sizeof b);
    b.n = ds->nevents + ds->staged.n;
    b.nusers = ds->nusers;
    size_t n1 = VCI_MAX(b.n, (size_t)1);
    b.start = vci_calloc((size_t)ds->nusers + 1, sizeof *b.start);
    b.item = vci_calloc(n1, sizeof *b.item);
    b.value = vci_calloc(n1, sizeof *b.value);
    b.time = vci_calloc(n1, sizeof *b.time);
    b.type = vci_calloc(n1, sizeof *b.type);
    b.amount = vci_calloc(n1, sizeof *b.amount);
    uint64_t *item_start = NULL, *type_count = NULL;
    uint32_t *item_events = NULL, *cat_start = NULL, *cats = NULL;
    vc_status s = b.start && b.item && b.value && b.time && b.type && b.amount
                      ? VC_OK : VC_ERR_NOMEM;
    if (s == VC_OK)
        s = scatter(ds, &b, base);
    if (s == VC_OK)
        s = sort_users(&b, pool, progress);
    if (s == VC_OK)
        s = index_items(ds->nitems, &b, &item_start, &item_events);
    if (s == VC_OK)
        s = index_categories(ds, &cat_start, &cats);
    if (s == VC_OK) {
        type_count = vci_calloc(VCI_MAX(ds->ntypes, 1u), sizeof *type_count);
        if (!type_count)
            s = VC_ERR_NOMEM;
    }
    if (s != VC_OK) {
        free_build(&b);
        vci_free(item_start);
        vci_free(item_events);
        vci_free(cat_start);
        vci_free(cats);
        return s;
    }
    /* commit: nothing below can fail */
    bool single = true, zero_amount = true;
    for (size_t e = 0; e < b.n; e++) {
        type_count[b.type[e]]++;
        single = single && b.type[e] == b.type[0];
        zero_amount = zero_amount && b.amount[e] == 0.0f;
    }
    vci_free(ds->user_start);
    vci_free(ds->ev_item);
    vci_free(ds->ev_value);
    vci_free(ds->ev_time);
    vci_free(ds->ev_type);
    vci_free(ds->ev_amount);
    vci_free(ds->item_start);
    vci_free(ds->item_events);
    vci_free(ds->item_cat_start);
    vci_free(ds->item_cats);
    vci_free(ds->type_count);
    ds->user_start = b.start;
    ds->ev_item = b.item;
    ds->ev_value = b.value;
    ds->ev_time = b.time;
    ds->ev_single_type = b.n ? b.type[0] : VC_EVENT_RATING;
    if (single) {
        vci_free(b.type);
        ds->ev_type = NULL;
    } else {
        ds->ev_type = b.type;
    }
    if (zero_amount) {
        vci_free(b.amount);
        ds->ev_amount = NULL;
    } else {
        ds->ev_amount = b.amount;
    }
    b.start = NULL;
    b.item = NULL;
    b.value = NULL;
    b.time = NULL;
    b.type = NULL;
    b.amount = NULL;
    free_build(&b);
    ds->nevents = b.n;
    ds->time_base = base;
    ds->time_last = last;
    ds->item_start = item_start;
    ds->item_events = item_events;
    ds->item_cat_start = cat_start;
    ds->item_cats = cats;
    ds->type_count = type_count;
    vci_ds_free_staged(ds);
    ds->indexed_users = ds->nusers;
    ds->indexed_items = ds->nitems;
    ds->finalised = true;
    return VC_OK;
}

bool vci_ds_is_explicit(const vc_dataset *ds)
{
    if (!ds->nevents)
        return false;
    return ds->type_count[VC_EVENT_RATING] * 2 > ds->nevents;
}
