/*
 * finalize.c - turn the events already indexed plus the staged ones into
 * the CSR indexes of dataset.h: events by user sorted by (time, item) with
 * arrival order breaking ties, events by item, per-type counts, and the
 * item -> categories CSR.
 *
 * Three ways in: in general the events are scattered into new arrays by
 * user; when nothing is indexed yet and one staged block already comes in
 * user order (a MovieLens ratings file, synthetic data), its arrays are
 * taken over and sorted in place, which saves a copy of every event; when
 * events are added to indexed ones with the same time base and columns
 * (an append of newer events), the arrays grow and every user's events
 * move up in place, so only the touched users are sorted again and no
 * fresh copy of the whole data set is made.
 * Events merged into an indexed data set also go to its change log
 * (dataset.h), which the recommender index reads to update incrementally.
 *
 * Invariants: the result depends only on the data (never on the pool
 * size); on failure the data set is left as it was: everything that can
 * fail (allocation, cancellation) happens before the staged events are
 * touched.
 */
#include "dataset.h"

/* ---- sorting one user's events ---------------------------------------------- */

/* Sort key of the k-th event of a user: time << 32 | k. Keys are unique,
 * so the order is stable; runs of equal time are then ordered by item. */
static void merge_sort_u64(uint64_t *a, uint64_t *tmp, size_t n)
{
    const size_t run = 16;
    for (size_t b = 0; b < n; b += run) {
        size_t e = VCI_MIN(n, b + run);
        for (size_t i = b + 1; i < e; i++) {
            uint64_t r = a[i];
            size_t j = i;
            while (j > b && r < a[j - 1]) {
                a[j] = a[j - 1];
                j--;
            }
            a[j] = r;
        }
    }
    uint64_t *src = a, *dst = tmp;
    for (size_t w = run; w < n; w *= 2) {
        for (size_t b = 0; b < n; b += 2 * w) {
            size_t m = VCI_MIN(n, b + w), e = VCI_MIN(n, b + 2 * w);
            size_t i = b, j = m, k = b;
            while (i < m && j < e)
                dst[k++] = src[j] < src[i] ? src[j++] : src[i++];
            while (i < m)
                dst[k++] = src[i++];
            while (j < e)
                dst[k++] = src[j++];
        }
        uint64_t *t = src;
        src = dst;
        dst = t;
    }
    if (src != a)
        memcpy(a, src, n * sizeof *a);
}

/* Within runs of equal time, order by item (then position): insertion
 * sort, as such runs are short. */
static void order_ties(uint64_t *keys, size_t n, const uint32_t *item)
{
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && keys[j] >> 32 == keys[i] >> 32)
            j++;
        for (size_t a = i + 1; a < j; a++) {
            uint64_t k = keys[a];
            uint32_t it = item[(uint32_t)k];
            size_t b = a;
            while (b > i && (item[(uint32_t)keys[b - 1]] > it ||
                             (item[(uint32_t)keys[b - 1]] == it &&
                              (uint32_t)keys[b - 1] > (uint32_t)k))) {
                keys[b] = keys[b - 1];
                b--;
            }
            keys[b] = k;
        }
        i = j;
    }
}

/* The new event arrays being built. */
typedef struct csr_build {
    uint64_t *start;       /* [nusers + 1] */
    uint32_t *item;
    float *value;
    uint32_t *time;
    uint8_t *type;         /* NULL: every event has single_type */
    float *amount;         /* NULL: every amount is 0 */
    uint8_t single_type;
    size_t n;
    size_t cap;            /* room of the event columns (>= n) */
    /* sorting scratch, per worker: 2 * max_run keys and max_run words */
    uint32_t nusers;
    size_t max_run;
    unsigned nworkers;
    uint64_t **keys;
    unsigned char **moved;
} csr_build;

#define USERS_PER_TASK 4096

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
            t_[k] = (arr)[lo + (uint32_t)keys[k]];            \
        memcpy((arr) + lo, t_, n * sizeof(type_));            \
    } while (0)

static vc_status sort_users_task(void *ctx, size_t task, unsigned worker)
{
    csr_build *b = ctx;
    size_t u0 = task * USERS_PER_TASK;
    size_t u1 = VCI_MIN((size_t)b->nusers, u0 + USERS_PER_TASK);
    for (size_t u = u0; u < u1; u++) {
        size_t lo = b->start[u], hi = b->start[u + 1], n = hi - lo;
        if (n < 2 || range_sorted(b, lo, hi))
            continue;
        uint64_t *keys = b->keys[worker];
        unsigned char *scratch = b->moved[worker];
        for (size_t k = 0; k < n; k++)
            keys[k] = ((uint64_t)b->time[lo + k] << 32) | k;
        merge_sort_u64(keys, keys + n, n);
        order_ties(keys, n, b->item + lo);
        PERMUTE(b->item, uint32_t);
        PERMUTE(b->value, float);
        PERMUTE(b->time, uint32_t);
        if (b->type)
            PERMUTE(b->type, uint8_t);
        if (b->amount)
            PERMUTE(b->amount, float);
    }
    return VC_OK;
}

/* Scratch for sorting (needs b->start). */
static vc_status sort_prepare(csr_build *b, vci_pool *pool)
{
    b->max_run = 0;
    for (uint32_t u = 0; u < b->nusers; u++)
        b->max_run = VCI_MAX(b->max_run, (size_t)(b->start[u + 1] - b->start[u]));
    if (b->max_run < 2)
        return VC_OK;
    b->nworkers = vci_pool_size(pool);
    b->keys = vci_calloc(b->nworkers, sizeof *b->keys);   /* NULL-filled */
    b->moved = vci_calloc(b->nworkers, sizeof *b->moved);
    if (!b->keys || !b->moved)
        return VC_ERR_NOMEM;
    for (unsigned w = 0; w < b->nworkers; w++) {
        b->keys[w] = vci_array_realloc(NULL, 2 * b->max_run, sizeof(uint64_t));
        b->moved[w] = vci_array_realloc(NULL, b->max_run, sizeof(uint32_t));
        if (!b->keys[w] || !b->moved[w])
            return VC_ERR_NOMEM;
    }
    return VC_OK;
}

static vc_status sort_run(csr_build *b, vci_pool *pool, const vci_progress *progress)
{
    if (b->max_run < 2)
        return VC_OK;
    size_t ntasks = ((size_t)b->nusers + USERS_PER_TASK - 1) / USERS_PER_TASK;
    return vci_parallel_for(pool, ntasks, sort_users_task, b, progress);
}

static void free_sort_scratch(csr_build *b)
{
    for (unsigned w = 0; b->keys && w < b->nworkers; w++)
        vci_free(b->keys[w]);
    for (unsigned w = 0; b->moved && w < b->nworkers; w++)
        vci_free(b->moved[w]);
    vci_free(b->keys);
    vci_free(b->moved);
    b->keys = NULL;
    b->moved = NULL;
}

static void free_build(csr_build *b)
{
    vci_free(b->start);
    vci_free(b->item);
    vci_free(b->value);
    vci_free(b->time);
    vci_free(b->type);
    vci_free(b->amount);
    free_sort_scratch(b);
}

/* ---- what the staged events look like --------------------------------------------- */

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
    for (size_t k = 0; k < st->nblocks; k++) {
        const vci_event_block *blk = &st->blocks[k];
        for (size_t e = 0; e < blk->n; e++) {
            int64_t t = blk->time[e];
            if (!any || t < lo)
                lo = t;
            if (!any || t > hi)
                hi = t;
            any = true;
        }
    }
    if (any && (uint64_t)hi - (uint64_t)lo > UINT32_MAX)
        return vci_error(VC_ERR_RANGE, "event times span more than 136 years "
                                       "(%lld to %lld Unix seconds)",
                         (long long)lo, (long long)hi);
    *base = lo;
    *last = hi;
    return VC_OK;
}

/* Whether the events need type / amount columns: not when every event,
 * old and staged, has one type / a zero amount. */
static void uniform_columns(const vc_dataset *ds, bool *need_type,
                            bool *need_amount, uint8_t *single)
{
    const vci_staged_events *st = &ds->staged;
    bool have = ds->nevents > 0;
    uint8_t t0 = have ? (uint8_t)vci_ds_type(ds, 0) : 0;
    *need_type = ds->nevents && ds->ev_type;
    *need_amount = ds->nevents && ds->ev_amount;
    for (size_t k = 0; k < st->nblocks && !(*need_type && *need_amount); k++) {
        const vci_event_block *blk = &st->blocks[k];
        for (size_t e = 0; e < blk->n && !*need_type; e++) {
            uint8_t t = blk->type ? blk->type[e] : blk->single_type;
            if (!have) {
                t0 = t;
                have = true;
            }
            *need_type = t != t0;
        }
        for (size_t e = 0; blk->amount && e < blk->n && !*need_amount; e++)
            *need_amount = blk->amount[e] != 0.0f;
    }
    *single = have ? t0 : VC_EVENT_RATING;
}

/* Events per user (old and staged) as CSR starts. */
static vc_status user_starts(const vc_dataset *ds, csr_build *b)
{
    const vci_staged_events *st = &ds->staged;
    uint32_t nu = ds->nusers;
    uint64_t *start = vci_calloc((size_t)nu + 1, sizeof *start);
    if (!start)
        return VC_ERR_NOMEM;
    for (uint32_t u = 0; u < ds->indexed_users && u < nu; u++)
        start[u + 1] = ds->user_start[u + 1] - ds->user_start[u];
    for (size_t k = 0; k < st->nblocks; k++)
        for (size_t e = 0; e < st->blocks[k].n; e++)
            start[st->blocks[k].user[e] + 1]++;
    for (uint32_t u = 0; u < nu; u++)
        start[u + 1] += start[u];
    b->start = start;
    return VC_OK;
}

/* ---- the general way: scatter into new arrays --------------------------------------- */

static vc_status alloc_columns(csr_build *b, bool need_type, bool need_amount)
{
    size_t n1 = b->cap = vci_ev_room(b->n);
    b->item = vci_array_realloc(NULL, n1, sizeof *b->item);
    b->value = vci_array_realloc(NULL, n1, sizeof *b->value);
    b->time = vci_array_realloc(NULL, n1, sizeof *b->time);
    if (need_type)
        b->type = vci_array_realloc(NULL, n1, sizeof *b->type);
    if (need_amount)
        b->amount = vci_array_realloc(NULL, n1, sizeof *b->amount);
    return b->item && b->value && b->time && (!need_type || b->type) &&
                   (!need_amount || b->amount)
               ? VC_OK : VC_ERR_NOMEM;
}

/* The staged events of every user at cur[user] onwards, in arrival order
 * (cannot fail). */
static void scatter_staged(const vc_dataset *ds, csr_build *b, int64_t base, uint64_t *cur)
{
    const vci_staged_events *st = &ds->staged;
    for (size_t k = 0; k < st->nblocks; k++) {
        const vci_event_block *blk = &st->blocks[k];
        for (size_t e = 0; e < blk->n; e++) {
            uint64_t p = cur[blk->user[e]]++;
            b->item[p] = blk->item[e];
            b->value[p] = blk->value[e];
            b->time[p] = (uint32_t)(blk->time[e] - base);
            if (b->type)
                b->type[p] = blk->type ? blk->type[e] : blk->single_type;
            if (b->amount)
                b->amount[p] = blk->amount ? blk->amount[e] : 0.0f;
        }
    }
}

/* Old then staged events of every user into the new arrays, in arrival
 * order (needs b->start; cannot fail). */
static void scatter(const vc_dataset *ds, csr_build *b, int64_t base, uint64_t *cur)
{
    uint32_t nu = ds->nusers;
    memcpy(cur, b->start, ((size_t)nu + 1) * sizeof *cur);
    int64_t shift = ds->nevents ? ds->time_base - base : 0;
    for (uint32_t u = 0; u < ds->indexed_users && u < nu; u++) {
        for (uint64_t e = ds->user_start[u]; e < ds->user_start[u + 1]; e++) {
            uint64_t p = cur[u]++;
            b->item[p] = ds->ev_item[e];
            b->value[p] = ds->ev_value[e];
            b->time[p] = (uint32_t)((int64_t)ds->ev_time[e] + shift);
            if (b->type)
                b->type[p] = (uint8_t)vci_ds_type(ds, e);
            if (b->amount)
                b->amount[p] = vci_ds_amount(ds, e);
        }
    }
    scatter_staged(ds, b, base, cur);
}

/* ---- the incremental way: grow the arrays, move the events up in place ------------ */

/* Whether the staged events fit the indexed ones as they are: same time
 * base, same type and amount columns. */
static bool growable(const vc_dataset *ds, int64_t base, bool need_type, bool need_amount,
                     uint8_t single_type)
{
    return ds->nevents > 0 && ds->item_events && base == ds->time_base &&
           need_type == (ds->ev_type != NULL) && need_amount == (ds->ev_amount != NULL) &&
           (need_type || single_type == ds->ev_single_type);
}

/* Each event column (and the by-item index) of the data set grown to n
 * entries. On failure the data set keeps valid arrays, some larger. */
static vc_status grow_columns(vc_dataset *ds, csr_build *b)
{
    b->cap = ds->ev_cap;
    if (b->n <= ds->ev_cap)
        return VC_OK; /* the room kept for appends is enough */
    size_t n = vci_ev_room(b->n);
    void **cols[] = {(void **)&ds->ev_item, (void **)&ds->ev_value, (void **)&ds->ev_time,
                     (void **)&ds->item_events, (void **)&ds->ev_type,
                     (void **)&ds->ev_amount};
    size_t sizes[] = {sizeof *ds->ev_item, sizeof *ds->ev_value, sizeof *ds->ev_time,
                      sizeof *ds->item_events, sizeof *ds->ev_type,
                      sizeof *ds->ev_amount};
    for (size_t k = 0; k < VCI_ARRAY_LEN(cols); k++) {
        if (!*cols[k])
            continue;
        void *p = vci_array_realloc(*cols[k], n, sizes[k]);
        if (!p)
            return VC_ERR_NOMEM;
        *cols[k] = p;
    }
    ds->ev_cap = b->cap = n;
    return VC_OK;
}

/* b works on the data set's own (grown) columns. */
static void borrow_columns(const vc_dataset *ds, csr_build *b)
{
    b->item = ds->ev_item;
    b->value = ds->ev_value;
    b->time = ds->ev_time;
    b->type = ds->ev_type;
    b->amount = ds->ev_amount;
}

#define MOVE_UP(arr) memmove((arr) + to, (arr) + from, len * sizeof *(arr))

/* Every user's indexed events moved up to its new start (last user first,
 * as starts only grow), then the staged events into the gaps (cannot
 * fail; cur is scratch of nusers + 1 entries). */
static void move_up(const vc_dataset *ds, csr_build *b, int64_t base, uint64_t *cur)
{
    for (uint32_t u = ds->nusers; u-- > 0;) {
        uint64_t from = 0, len = 0, to = b->start[u];
        if (u < ds->indexed_users) {
            from = ds->user_start[u];
            len = ds->user_start[u + 1] - from;
        }
        if (to != from && len) {
            MOVE_UP(b->item);
            MOVE_UP(b->value);
            MOVE_UP(b->time);
            if (b->type)
                MOVE_UP(b->type);
            if (b->amount)
                MOVE_UP(b->amount);
        }
        cur[u] = to + len;
    }
    scatter_staged(ds, b, base, cur);
}

/* ---- the quick way: take over one block already in user order --------------------- */

static bool adoptable(const vc_dataset *ds)
{
    if (ds->nevents || ds->staged.nblocks != 1)
        return false;
    const vci_event_block *blk = &ds->staged.blocks[0];
    for (size_t e = 1; e < blk->n; e++)
        if (blk->user[e] < blk->user[e - 1])
            return false;
    return true;
}

/* Take the staged block's arrays (cannot fail: b already holds the type /
 * amount arrays the result needs when the block lacks them). Times become
 * uint32 offsets in place, through byte copies, then the block shrinks. */
static void adopt(vc_dataset *ds, csr_build *b, int64_t base)
{
    vci_event_block *blk = &ds->staged.blocks[0];
    unsigned char *bytes = (unsigned char *)blk->time;
    for (size_t e = 0; e < blk->n; e++) {
        int64_t t;
        memcpy(&t, bytes + 8 * e, sizeof t);
        uint32_t rel = (uint32_t)(t - base);
        memcpy(bytes + 4 * e, &rel, sizeof rel);
    }
    void *shrunk = vci_realloc(bytes, b->cap * sizeof(uint32_t));
    b->time = shrunk ? shrunk : (void *)bytes;
    b->item = blk->item;
    b->value = blk->value;
    if (b->type && blk->type) {
        vci_free(b->type);
        b->type = blk->type;
        blk->type = NULL;
    } else if (b->type) {
        memset(b->type, blk->single_type, blk->n);
    }
    if (b->amount && blk->amount) {
        vci_free(b->amount);
        b->amount = blk->amount;
        blk->amount = NULL;
    } else if (b->amount) {
        for (size_t e = 0; e < blk->n; e++)
            b->amount[e] = 0.0f;
    }
    blk->item = NULL;
    blk->value = NULL;
    blk->time = NULL;
}

/* ---- the other indexes ---------------------------------------------------------- */

typedef struct index_parts {
    uint64_t *item_start;   /* [nitems + 1] */
    uint32_t *item_events;  /* [n] */
    uint32_t *cat_start;    /* [nitems + 1] */
    uint32_t *cats;
    uint64_t *type_count;   /* [ntypes] */
} index_parts;

static void free_parts(index_parts *p)
{
    vci_free(p->item_start);
    vci_free(p->item_events);
    vci_free(p->cat_start);
    vci_free(p->cats);
    vci_free(p->type_count);
    memset(p, 0, sizeof *p);
}

/* Allocate every other index (events: an array of n to reuse for the
 * events by item, or NULL); the categories CSR is filled here. */
static vc_status alloc_parts(const vc_dataset *ds, size_t n, uint32_t *events,
                             index_parts *p)
{
    uint32_t ni = ds->nitems;
    memset(p, 0, sizeof *p);
    p->item_start = vci_calloc((size_t)ni + 1, sizeof *p->item_start);
    p->item_events = events ? events
                            : vci_array_realloc(NULL, VCI_MAX(n, (size_t)1),
                                                sizeof *p->item_events);
    /* n: the room of the event columns */
    p->cat_start = vci_calloc((size_t)ni + 1, sizeof *p->cat_start);
    p->type_count = vci_calloc(VCI_MAX(ds->ntypes, 1u), sizeof *p->type_count);
    if (!p->item_start || !p->item_events || !p->cat_start || !p->type_count) {
        return VC_ERR_NOMEM; /* the caller frees what was allocated */
    }
    for (uint32_t i = 0; i < ni; i++) {
        uint32_t l = ds->item_catlist ? ds->item_catlist[i] : 0;
        p->cat_start[i + 1] = p->cat_start[i] + (l ? ds->catpool[l] : 0);
    }
    p->cats = vci_calloc(VCI_MAX(p->cat_start[ni], 1u), sizeof *p->cats);
    if (!p->cats) {
        return VC_ERR_NOMEM; /* the caller frees what was allocated */
    }
    for (uint32_t i = 0; i < ni; i++) {
        uint32_t l = ds->item_catlist ? ds->item_catlist[i] : 0;
        if (l)
            memcpy(p->cats + p->cat_start[i], ds->catpool + l + 1,
                   ds->catpool[l] * sizeof *p->cats);
    }
    return VC_OK;
}

/* Events by item in increasing order, and per-type counts (cannot fail;
 * cur is scratch of nitems + 1 entries). */
static void fill_parts(uint32_t nitems, const csr_build *b, index_parts *p,
                       uint64_t *cur)
{
    uint64_t *start = p->item_start;
    for (size_t e = 0; e < b->n; e++)
        start[b->item[e] + 1]++;
    for (uint32_t i = 0; i < nitems; i++)
        start[i + 1] += start[i];
    memcpy(cur, start, ((size_t)nitems + 1) * sizeof *cur);
    for (size_t e = 0; e < b->n; e++)
        p->item_events[cur[b->item[e]]++] = (uint32_t)e;
    if (b->type)
        for (size_t e = 0; e < b->n; e++)
            p->type_count[b->type[e]]++;
    else
        p->type_count[b->single_type] = b->n;
}

/* Room for a change generation per user (new entries 0). */
static vc_status grow_user_gen(vc_dataset *ds)
{
    if (ds->user_gen_len >= ds->nusers)
        return VC_OK;
    uint32_t *g = vci_array_realloc(ds->user_gen, VCI_MAX(ds->nusers, 1u), sizeof *g);
    if (!g)
        return VC_ERR_NOMEM;
    memset(g + ds->user_gen_len, 0, (ds->nusers - ds->user_gen_len) * sizeof *g);
    ds->user_gen = g;
    ds->user_gen_len = ds->nusers;
    return VC_OK;
}

/* A new generation: users with staged events and users new since the last
 * finalisation changed in it (attribute edits were marked when made).
 * Runs before the staged blocks are taken over. */
static void mark_changed(vc_dataset *ds)
{
    uint32_t g = ++ds->generation;
    const vci_staged_events *st = &ds->staged;
    for (size_t k = 0; k < st->nblocks; k++)
        for (size_t e = 0; e < st->blocks[k].n; e++)
            ds->user_gen[st->blocks[k].user[e]] = g;
    for (uint32_t u = ds->indexed_users; u < ds->nusers; u++)
        ds->user_gen[u] = g;
}

/* ---- the change log ------------------------------------------------------------------ */

/* Whether this finalisation's staged events go into the log (the data set
 * had events indexed, so someone may have been built on them, and the log
 * stays under an eighth of the events); otherwise the log starts afresh. */
static bool log_keeps(const vc_dataset *ds)
{
    size_t n = ds->log.n + ds->staged.n;
    return ds->nevents > 0 && n <= (ds->nevents + ds->staged.n) / 8;
}

/* Room in the log for the staged events (the arrays only grow; the
 * capacity is raised once all of them did). */
static vc_status log_reserve(vc_dataset *ds, bool keep)
{
    vci_event_log *log = &ds->log;
    size_t need = log->n + ds->staged.n;
    if (!keep || need <= log->cap)
        return VC_OK;
    size_t cap = VCI_MAX(need, 2 * log->cap);
    void **arrays[] = {(void **)&log->user, (void **)&log->item, (void **)&log->gen,
                       (void **)&log->time, (void **)&log->value};
    size_t sizes[] = {sizeof *log->user, sizeof *log->item, sizeof *log->gen,
                      sizeof *log->time, sizeof *log->value};
    for (size_t k = 0; k < VCI_ARRAY_LEN(arrays); k++) {
        void *p = vci_array_realloc(*arrays[k], cap, sizes[k]);
        if (!p)
            return VC_ERR_NOMEM;
        *arrays[k] = p;
    }
    log->cap = cap;
    return VC_OK;
}

/* The staged events into the log, or a fresh log (cannot fail after
 * log_reserve). */
static void log_record(vc_dataset *ds, bool keep)
{
    vci_event_log *log = &ds->log;
    if (!keep) {
        log->n = 0;
        log->base = ds->generation;
        return;
    }
    const vci_staged_events *st = &ds->staged;
    for (size_t k = 0; k < st->nblocks; k++) {
        const vci_event_block *blk = &st->blocks[k];
        for (size_t e = 0; e < blk->n; e++, log->n++) {
            log->user[log->n] = blk->user[e];
            log->item[log->n] = blk->item[e];
            log->gen[log->n] = ds->generation;
            log->time[log->n] = blk->time[e];
            log->value[log->n] = blk->value[e];
        }
    }
}

/* Replace the data set's indexes with the new ones (cannot fail). */
static void commit(vc_dataset *ds, csr_build *b, index_parts *p, int64_t base,
                   int64_t last, bool keep_log)
{
    void *old[] = {ds->user_start, ds->ev_item, ds->ev_value, ds->ev_time,
                   ds->ev_type, ds->ev_amount, ds->item_start, ds->item_events,
                   ds->item_cat_start, ds->item_cats, ds->type_count};
    void *nw[] = {b->start, b->item, b->value, b->time, b->type, b->amount,
                  p->item_start, p->item_events, p->cat_start, p->cats, p->type_count};
    for (size_t k = 0; k < VCI_ARRAY_LEN(old); k++)
        if (old[k] != nw[k]) /* grown in place: kept */
            vci_free(old[k]);
    ds->user_start = b->start;
    ds->ev_item = b->item;
    ds->ev_value = b->value;
    ds->ev_time = b->time;
    ds->ev_type = b->type;
    ds->ev_amount = b->amount;
    ds->ev_single_type = b->single_type;
    ds->nevents = b->n;
    ds->ev_cap = b->cap;
    ds->time_base = base;
    ds->time_last = last;
    ds->item_start = p->item_start;
    ds->item_events = p->item_events;
    ds->item_cat_start = p->cat_start;
    ds->item_cats = p->cats;
    ds->type_count = p->type_count;
    free_sort_scratch(b);
    memset(b, 0, sizeof *b);
    memset(p, 0, sizeof *p);
    log_record(ds, keep_log);
    vci_ds_free_staged(ds);
    ds->indexed_users = ds->nusers;
    ds->indexed_items = ds->nitems;
    ds->finalised = true;
}

/* Columns for the quick way: only those the block lacks. */
static vc_status quick_columns(const vc_dataset *ds, csr_build *b, bool need_type,
                               bool need_amount)
{
    const vci_event_block *blk = &ds->staged.blocks[0];
    b->cap = VCI_MAX(blk->cap, (size_t)1); /* the block's room becomes the data set's */
    if (need_type && !blk->type && !(b->type = vci_array_realloc(NULL, b->cap, 1)))
        return VC_ERR_NOMEM;
    if (need_amount && !blk->amount &&
        !(b->amount = vci_array_realloc(NULL, b->cap, sizeof(float))))
        return VC_ERR_NOMEM;
    if (need_type && blk->type && !b->type)
        b->type = vci_malloc(1);   /* a marker, replaced by the block's */
    if (need_amount && blk->amount && !b->amount)
        b->amount = vci_malloc(sizeof(float));
    if ((need_type && !b->type) || (need_amount && !b->amount))
        return VC_ERR_NOMEM;
    return VC_OK;
}

typedef enum build_way { WAY_SCATTER, WAY_ADOPT, WAY_GROW } build_way;

vc_status vci_dataset_finalize(vc_dataset *ds, vci_pool *pool,
                               const vci_progress *progress)
{
    vci_ds_adopt_counts(ds);
    if (ds->finalised && ds->staged.n == 0 && ds->indexed_users == ds->nusers &&
        ds->indexed_items == ds->nitems)
        return VC_OK;
    int64_t base = 0, last = 0;
    VCI_CHECK(time_span(ds, &base, &last));
    bool need_type, need_amount, keep_log = log_keeps(ds);
    csr_build b;
    index_parts parts;
    memset(&b, 0, sizeof b);
    memset(&parts, 0, sizeof parts);
    uniform_columns(ds, &need_type, &need_amount, &b.single_type);
    build_way way = adoptable(ds) ? WAY_ADOPT
                    : growable(ds, base, need_type, need_amount, b.single_type) ? WAY_GROW
                                                                                : WAY_SCATTER;
    b.n = ds->nevents + ds->staged.n;
    b.nusers = ds->nusers;
    uint64_t *cur = vci_calloc((size_t)VCI_MAX(ds->nusers, ds->nitems) + 1, sizeof *cur);
    vc_status s = cur ? grow_user_gen(ds) : VC_ERR_NOMEM;
    if (s == VC_OK) {
        /* marks are conservative: after a failure the users stay staged */
        mark_changed(ds);
        s = user_starts(ds, &b);
    }
    if (s == VC_OK && way == WAY_ADOPT)
        s = quick_columns(ds, &b, need_type, need_amount);
    else if (s == VC_OK && way == WAY_GROW)
        s = grow_columns(ds, &b);
    else if (s == VC_OK)
        s = alloc_columns(&b, need_type, need_amount);
    if (s == VC_OK)
        s = sort_prepare(&b, pool);
    if (s == VC_OK)
        s = alloc_parts(ds, b.cap, way == WAY_GROW ? ds->item_events : NULL, &parts);
    if (s == VC_OK)
        s = log_reserve(ds, keep_log);
    if (s == VC_OK && way == WAY_SCATTER) {
        scatter(ds, &b, base, cur);
        s = sort_run(&b, pool, progress);
    }
    if (s != VC_OK) {
        if (way == WAY_GROW && parts.item_events == ds->item_events)
            parts.item_events = NULL; /* the data set's own */
        free_build(&b);
        free_parts(&parts);
        vci_free(cur);
        return s;
    }
    /* from here on nothing may fail (no progress: it could cancel) */
    if (way == WAY_ADOPT) {
        adopt(ds, &b, base);
        sort_run(&b, pool, NULL);
    } else if (way == WAY_GROW) {
        borrow_columns(ds, &b);
        move_up(ds, &b, base, cur);
        sort_run(&b, pool, NULL);
    }
    fill_parts(ds->nitems, &b, &parts, cur);
    vci_free(cur);
    commit(ds, &b, &parts, base, last, keep_log);
    return VC_OK;
}

bool vci_ds_is_explicit(const vc_dataset *ds)
{
    if (!ds->nevents || !ds->type_count)
        return false;
    return ds->type_count[VC_EVENT_RATING] * 2 > ds->nevents;
}
