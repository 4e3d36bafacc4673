/*
 * dataset.c - creating, feeding and freeing a vc_dataset: users, items,
 * attributes, categories, event types and the staging of events. Loaders,
 * the synthetic generator and the public feeding API all build through the
 * vci_ds_* calls here.
 *
 * Invariants: the parallel per-user arrays (user_key, user_attr, planted)
 * hold user_cap users, the per-item arrays (item_key, item_title,
 * item_price, item_catlist) item_cap items; a capacity only grows after
 * every array of its group grew, so a failed growth leaves the data set
 * consistent. user_attr has stride nattrs. Every call either succeeds or
 * leaves the data set unchanged.
 */
#include <math.h>

#include "dataset.h"

static const char *const predefined_types[] = {
    "rating", "view", "like", "collect", "search", "comment", "purchase"};

#define VCI_MAX_TYPES 256

/* ---- growth of parallel arrays -------------------------------------------- */

typedef struct grow_arr {
    void **ptr;
    size_t elem;
} grow_arr;

/* Grow every array to hold need elements; *cap changes only when all did.
 * New elements are zeroed. */
static vc_status grow_all(const grow_arr *arrs, size_t narr, size_t *cap,
                          size_t need)
{
    if (need <= *cap)
        return VC_OK;
    size_t grown = *cap < 16 ? 16 : *cap + *cap / 2;
    if (grown < need)
        grown = need;
    for (size_t i = 0; i < narr; i++) {
        if (!arrs[i].ptr)
            continue;
        void *p = vci_array_realloc(*arrs[i].ptr, grown, arrs[i].elem);
        if (!p)
            return VC_ERR_NOMEM;
        memset((char *)p + *cap * arrs[i].elem, 0, (grown - *cap) * arrs[i].elem);
        *arrs[i].ptr = p;
    }
    *cap = grown;
    return VC_OK;
}

/* A data set assembled from a model file has exact-size arrays and zero
 * capacities: its counts are its capacities. */
void vci_ds_adopt_counts(vc_dataset *ds)
{
    if (!ds->indexed_known) {
        ds->indexed_users = ds->nusers;
        ds->indexed_items = ds->nitems;
        ds->indexed_known = true;
    }
    ds->user_cap = VCI_MAX(ds->user_cap, (size_t)ds->nusers);
    ds->item_cap = VCI_MAX(ds->item_cap, (size_t)ds->nitems);
    ds->attr_cap = VCI_MAX(ds->attr_cap, (size_t)ds->nattrs);
    ds->cat_cap = VCI_MAX(ds->cat_cap, (size_t)ds->ncats);
    ds->type_cap = VCI_MAX(ds->type_cap, (size_t)ds->ntypes);
    ds->ev_cap = VCI_MAX(ds->ev_cap, ds->nevents);
}

static vc_status grow_users(vc_dataset *ds, size_t need)
{
    vci_ds_adopt_counts(ds);
    /* user_attr grows separately (stride nattrs) */
    grow_arr arrs[] = {{(void **)&ds->user_key, sizeof *ds->user_key},
                       {ds->planted ? (void **)&ds->planted : NULL, sizeof *ds->planted}};
    size_t cap = ds->user_cap;
    VCI_CHECK(grow_all(arrs, VCI_ARRAY_LEN(arrs), &cap, need));
    if (ds->nattrs && cap > ds->user_cap) {
        size_t cells;
        if (!vci_mul_ok(cap, ds->nattrs, &cells))
            return vci_error(VC_ERR_NOMEM, "too many users");
        size_t *p = vci_array_realloc(ds->user_attr, cells, sizeof *p);
        if (!p)
            return VC_ERR_NOMEM;
        size_t old = (size_t)ds->user_cap * ds->nattrs;
        memset(p + old, 0, (cells - old) * sizeof *p);
        ds->user_attr = p;
    }
    ds->user_cap = cap;
    return VC_OK;
}

static vc_status grow_items(vc_dataset *ds, size_t need)
{
    vci_ds_adopt_counts(ds);
    size_t old = ds->item_cap;
    grow_arr arrs[] = {{(void **)&ds->item_key, sizeof *ds->item_key},
                       {(void **)&ds->item_title, sizeof *ds->item_title},
                       {ds->item_price ? (void **)&ds->item_price : NULL, sizeof(float)},
                       {(void **)&ds->item_catlist, sizeof *ds->item_catlist}};
    VCI_CHECK(grow_all(arrs, VCI_ARRAY_LEN(arrs), &ds->item_cap, need));
    for (size_t i = old; ds->item_price && i < ds->item_cap; i++)
        ds->item_price[i] = NAN;
    return VC_OK;
}

/* ---- create and free ------------------------------------------------------ */

static vc_status add_type_name(vc_dataset *ds, const char *name, size_t n)
{
    if (ds->ntypes >= VCI_MAX_TYPES)
        return vci_error(VC_ERR_RANGE, "more than %d event types", VCI_MAX_TYPES);
    vci_ds_adopt_counts(ds);
    VCI_CHECK(vci_reserve((void **)&ds->type_name, &ds->type_cap,
                          (size_t)ds->ntypes + 1, sizeof *ds->type_name));
    size_t off;
    VCI_CHECK(vci_strpool_add(&ds->strings, name, n, &off));
    ds->type_name[ds->ntypes++] = off;
    return VC_OK;
}

vc_status vci_dataset_create(vc_dataset **out, const char *format)
{
    vc_dataset *ds = vci_calloc(1, sizeof *ds);
    if (!ds)
        return VC_ERR_NOMEM;
    vci_strpool_init(&ds->strings);
    vci_idmap_init(&ds->user_map);
    vci_idmap_init(&ds->item_map);
    vci_idmap_init(&ds->cat_map);
    ds->format = format;
    ds->indexed_known = true;
    ds->finalised = true;   /* nothing to index yet */
    vc_status s = VC_OK;
    for (size_t t = 0; t < VCI_ARRAY_LEN(predefined_types) && s == VC_OK; t++)
        s = add_type_name(ds, predefined_types[t], strlen(predefined_types[t]));
    /* the CSR of an empty data set: no user, no item */
    if (s == VC_OK) {
        ds->user_start = vci_calloc(1, sizeof *ds->user_start);
        ds->item_start = vci_calloc(1, sizeof *ds->item_start);
        ds->item_cat_start = vci_calloc(1, sizeof *ds->item_cat_start);
        ds->type_count = vci_calloc(VCI_MAX_TYPES, sizeof *ds->type_count);
        if (!ds->user_start || !ds->item_start || !ds->item_cat_start || !ds->type_count)
            s = VC_ERR_NOMEM;
    }
    if (s != VC_OK) {
        vc_dataset_free(ds);
        return s;
    }
    *out = ds;
    return VC_OK;
}

void vci_event_block_free(vci_event_block *b)
{
    vci_free(b->user);
    vci_free(b->item);
    vci_free(b->value);
    vci_free(b->time);
    vci_free(b->type);
    vci_free(b->amount);
    memset(b, 0, sizeof *b);
}

vc_status vci_event_block_alloc(vci_event_block *b, size_t n, bool with_type,
                                bool with_amount, uint8_t single_type)
{
    memset(b, 0, sizeof *b);
    size_t m = vci_ev_room(n); /* the data set may adopt the arrays */
    b->user = vci_array_realloc(NULL, m, sizeof *b->user);
    b->item = vci_array_realloc(NULL, m, sizeof *b->item);
    b->value = vci_array_realloc(NULL, m, sizeof *b->value);
    b->time = vci_array_realloc(NULL, m, sizeof *b->time);
    if (with_type)
        b->type = vci_array_realloc(NULL, m, sizeof *b->type);
    if (with_amount)
        b->amount = vci_array_realloc(NULL, m, sizeof *b->amount);
    if (!b->user || !b->item || !b->value || !b->time || (with_type && !b->type) ||
        (with_amount && !b->amount)) {
        vci_event_block_free(b);
        return VC_ERR_NOMEM;
    }
    b->single_type = single_type;
    b->n = n;
    b->cap = m;
    return VC_OK;
}

static void free_staged(vci_staged_events *st)
{
    for (size_t k = 0; k < st->nblocks; k++)
        vci_event_block_free(&st->blocks[k]);
    vci_free(st->blocks);
    memset(st, 0, sizeof *st);
}

void vci_event_log_free(vci_event_log *log)
{
    void *arrays[] = {log->user, log->item, log->gen, log->time, log->value};
    for (size_t i = 0; i < VCI_ARRAY_LEN(arrays); i++)
        vci_free(arrays[i]);
    memset(log, 0, sizeof *log);
}

void vci_ds_free_staged(vc_dataset *ds)
{
    free_staged(&ds->staged);
}

VC_API void vc_dataset_free(vc_dataset *ds)
{
    if (!ds)
        return;
    vci_strpool_free(&ds->strings);
    vci_idmap_free(&ds->user_map);
    vci_idmap_free(&ds->item_map);
    vci_idmap_free(&ds->cat_map);
    void *arrays[] = {ds->user_key, ds->attr_name, ds->user_attr, ds->planted,
                      ds->item_key, ds->item_title, ds->item_price,
                      ds->item_cat_start, ds->item_cats, ds->cat_name,
                      ds->type_name, ds->item_catlist, ds->catpool,
                      ds->user_start, ds->ev_item, ds->ev_value, ds->ev_time,
                      ds->ev_type, ds->ev_amount, ds->item_start,
                      ds->item_events, ds->type_count, ds->user_gen};
    for (size_t i = 0; i < VCI_ARRAY_LEN(arrays); i++)
        vci_free(arrays[i]);
    free_staged(&ds->staged);
    vci_event_log_free(&ds->log);
    vci_free(ds);
}

/* ---- users and attributes ------------------------------------------------- */

bool vci_ds_find_user(const vc_dataset *ds, const char *id, size_t n,
                      uint32_t *user)
{
    return vci_idmap_get(&ds->user_map, id, n, user);
}

bool vci_ds_find_item(const vc_dataset *ds, const char *id, size_t n,
                      uint32_t *item)
{
    return vci_idmap_get(&ds->item_map, id, n, item);
}

static vc_status check_id(const char *what, const char *id, size_t n)
{
    (void)id;
    if (n == 0)
        return vci_error(VC_ERR_INVALID, "empty %s id", what);
    if (n > 4096)
        return vci_error(VC_ERR_RANGE, "%s id of %zu bytes is too long", what, n);
    return VC_OK;
}

vc_status vci_ds_user(vc_dataset *ds, const char *id, size_t n,
                      uint32_t *user, bool *added)
{
    if (vci_idmap_get(&ds->user_map, id, n, user)) {
        if (added)
            *added = false;
        return VC_OK;
    }
    VCI_CHECK(check_id("user", id, n));
    if (ds->nusers >= UINT32_MAX - 1)
        return vci_error(VC_ERR_RANGE, "more than %u users", UINT32_MAX - 2);
    VCI_CHECK(grow_users(ds, (size_t)ds->nusers + 1));
    size_t len = ds->strings.len, off;
    VCI_CHECK(vci_strpool_add(&ds->strings, id, n, &off));
    vc_status s = vci_idmap_put(&ds->user_map, id, n, ds->nusers);
    if (s != VC_OK) {
        ds->strings.len = len;  /* drop the unused string */
        return s;
    }
    uint32_t u = ds->nusers++;
    ds->user_key[u] = off;
    for (uint32_t a = 0; a < ds->nattrs; a++)
        ds->user_attr[(size_t)u * ds->nattrs + a] = 0;
    if (ds->planted)
        ds->planted[u] = 0;
    ds->finalised = false;
    *user = u;
    if (added)
        *added = true;
    return VC_OK;
}

vc_status vci_ds_attr(vc_dataset *ds, const char *name, size_t n,
                      uint32_t *attr)
{
    for (uint32_t a = 0; a < ds->nattrs; a++) {
        size_t off = ds->attr_name[a];
        if (vci_strpool_strlen(&ds->strings, off) == n &&
            memcmp(vci_strpool_str(&ds->strings, off), name, n) == 0) {
            *attr = a;
            return VC_OK;
        }
    }
    if (n == 0)
        return vci_error(VC_ERR_INVALID, "empty attribute name");
    if (ds->nattrs >= 4096)
        return vci_error(VC_ERR_RANGE, "more than 4096 user attributes");
    vci_ds_adopt_counts(ds);
    /* re-lay the attribute matrix with one more column */
    uint32_t na = ds->nattrs + 1;
    size_t cells;
    if (!vci_mul_ok(VCI_MAX(ds->user_cap, (size_t)1), na, &cells))
        return vci_error(VC_ERR_NOMEM, "too many attributes");
    size_t *m = vci_calloc(cells, sizeof *m);
    if (!m)
        return VC_ERR_NOMEM;
    vc_status s = vci_reserve((void **)&ds->attr_name, &ds->attr_cap, na,
                              sizeof *ds->attr_name);
    size_t off = 0;
    if (s == VC_OK)
        s = vci_strpool_add(&ds->strings, name, n, &off);
    if (s != VC_OK) {
        vci_free(m);
        return s;
    }
    for (size_t u = 0; u < ds->nusers; u++)
        for (uint32_t a = 0; a < ds->nattrs; a++)
            m[u * na + a] = ds->user_attr[u * ds->nattrs + a];
    vci_free(ds->user_attr);
    ds->user_attr = m;
    ds->attr_name[ds->nattrs] = off;
    *attr = ds->nattrs++;
    return VC_OK;
}

vc_status vci_ds_set_user_attr(vc_dataset *ds, uint32_t user, uint32_t attr,
                               const char *value, size_t n)
{
    size_t off = 0;
    if (n)
        VCI_CHECK(vci_strpool_add(&ds->strings, value, n, &off));
    ds->user_attr[(size_t)user * ds->nattrs + attr] = off;
    if (user < ds->user_gen_len)
        ds->user_gen[user] = ds->generation + 1; /* changed at the next finalisation */
    return VC_OK;
}

vc_status vci_ds_set_planted(vc_dataset *ds, const uint32_t *labels)
{
    uint32_t *p = vci_calloc(VCI_MAX(ds->user_cap, (size_t)1), sizeof *p);
    if (!p)
        return VC_ERR_NOMEM;
    memcpy(p, labels, (size_t)ds->nusers * sizeof *p);
    vci_free(ds->planted);
    ds->planted = p;
    return VC_OK;
}

/* ---- items and categories ------------------------------------------------- */

/* After loading a model the categories exist only as a CSR: make the
 * per-item lists that feeding edits. */
static vc_status ensure_catlists(vc_dataset *ds)
{
    if (ds->item_catlist || ds->nitems == 0)
        return VC_OK;
    vci_ds_adopt_counts(ds);
    size_t cap = VCI_MAX((size_t)ds->nitems, ds->item_cap);
    uint32_t *lists = vci_calloc(cap, sizeof *lists);
    size_t links = ds->item_cat_start[ds->nitems];
    uint32_t *pool = vci_calloc(1 + ds->nitems + links, sizeof *pool);
    if (!lists || !pool) {
        vci_free(lists);
        vci_free(pool);
        return VC_ERR_NOMEM;
    }
    size_t len = 1;
    for (uint32_t i = 0; i < ds->nitems; i++) {
        uint32_t b = ds->item_cat_start[i], e = ds->item_cat_start[i + 1];
        if (b == e)
            continue;
        lists[i] = (uint32_t)len;
        pool[len++] = e - b;
        for (uint32_t k = b; k < e; k++)
            pool[len++] = ds->item_cats[k];
    }
    ds->item_catlist = lists;
    ds->catpool = pool;
    ds->catpool_len = len;
    ds->catpool_cap = 1 + ds->nitems + links;
    ds->item_cap = cap;
    return VC_OK;
}

vc_status vci_ds_item(vc_dataset *ds, const char *id, size_t n,
                      uint32_t *item, bool *added)
{
    if (vci_idmap_get(&ds->item_map, id, n, item)) {
        if (added)
            *added = false;
        return VC_OK;
    }
    VCI_CHECK(check_id("item", id, n));
    if (ds->nitems >= UINT32_MAX - 1)
        return vci_error(VC_ERR_RANGE, "more than %u items", UINT32_MAX - 2);
    VCI_CHECK(ensure_catlists(ds));
    VCI_CHECK(grow_items(ds, (size_t)ds->nitems + 1));
    size_t len = ds->strings.len, off;
    VCI_CHECK(vci_strpool_add(&ds->strings, id, n, &off));
    vc_status s = vci_idmap_put(&ds->item_map, id, n, ds->nitems);
    if (s != VC_OK) {
        ds->strings.len = len;
        return s;
    }
    uint32_t i = ds->nitems++;
    ds->item_key[i] = off;
    ds->item_title[i] = 0;
    ds->item_catlist[i] = 0;
    if (ds->item_price)
        ds->item_price[i] = NAN;
    ds->finalised = false;
    *item = i;
    if (added)
        *added = true;
    return VC_OK;
}

vc_status vci_ds_set_item_title(vc_dataset *ds, uint32_t item,
                                const char *title, size_t n)
{
    size_t off = 0;
    if (n)
        VCI_CHECK(vci_strpool_add(&ds->strings, title, n, &off));
    ds->item_title[item] = off;
    return VC_OK;
}

vc_status vci_ds_set_item_price(vc_dataset *ds, uint32_t item, double price)
{
    if (!ds->item_price) {
        if (isnan(price))
            return VC_OK;
        float *p = vci_malloc(VCI_MAX(ds->item_cap, (size_t)1) * sizeof *p);
        if (!p)
            return VC_ERR_NOMEM;
        for (size_t i = 0; i < VCI_MAX(ds->item_cap, (size_t)1); i++)
            p[i] = NAN;
        ds->item_price = p;
    }
    ds->item_price[item] = (float)price;
    return VC_OK;
}

vc_status vci_ds_category(vc_dataset *ds, const char *name, size_t n,
                          uint32_t *cat)
{
    if (vci_idmap_get(&ds->cat_map, name, n, cat))
        return VC_OK;
    if (n == 0)
        return vci_error(VC_ERR_INVALID, "empty category name");
    if (ds->ncats >= UINT32_MAX - 1)
        return vci_error(VC_ERR_RANGE, "too many categories");
    vci_ds_adopt_counts(ds);
    VCI_CHECK(vci_reserve((void **)&ds->cat_name, &ds->cat_cap,
                          (size_t)ds->ncats + 1, sizeof *ds->cat_name));
    size_t len = ds->strings.len, off;
    VCI_CHECK(vci_strpool_add(&ds->strings, name, n, &off));
    vc_status s = vci_idmap_put(&ds->cat_map, name, n, ds->ncats);
    if (s != VC_OK) {
        ds->strings.len = len;
        return s;
    }
    ds->cat_name[ds->ncats] = off;
    *cat = ds->ncats++;
    return VC_OK;
}

vc_status vci_ds_set_item_category_list(vc_dataset *ds, uint32_t item,
                                        const uint32_t *cats, size_t n)
{
    VCI_CHECK(ensure_catlists(ds));
    if (n == 0) {
        ds->item_catlist[item] = 0;
        ds->finalised = false;
        return VC_OK;
    }
    size_t start = ds->catpool_len ? ds->catpool_len : 1;
    if (start + n + 1 > UINT32_MAX)
        return vci_error(VC_ERR_RANGE, "too many item categories");
    VCI_CHECK(vci_reserve((void **)&ds->catpool, &ds->catpool_cap, start + n + 1,
                          sizeof *ds->catpool));
    uint32_t *p = ds->catpool + start;
    uint32_t m = 0;
    for (size_t k = 0; k < n; k++) {
        bool dup = false;
        for (uint32_t j = 0; j < m && !dup; j++)
            dup = p[1 + j] == cats[k];
        if (!dup)
            p[1 + m++] = cats[k];
    }
    p[0] = m;
    ds->catpool_len = start + 1 + m;
    ds->item_catlist[item] = (uint32_t)start;
    ds->finalised = false;
    return VC_OK;
}

vc_status vci_ds_set_item_categories(vc_dataset *ds, uint32_t item,
                                     const char *text, size_t n, char sep)
{
    uint32_t small[32];
    uint32_t *cats = small;
    size_t ncat = 0, cap = VCI_ARRAY_LEN(small);
    vc_status s = VC_OK;
    size_t i = 0;
    while (i <= n && s == VC_OK) {
        size_t j = i;
        while (j < n && text[j] != sep)
            j++;
        size_t b = i, e = j;
        while (b < e && (text[b] == ' ' || text[b] == '\t'))
            b++;
        while (e > b && (text[e - 1] == ' ' || text[e - 1] == '\t'))
            e--;
        if (e > b) {
            uint32_t c;
            s = vci_ds_category(ds, text + b, e - b, &c);
            if (s == VC_OK && ncat == cap) {
                uint32_t *bigger = vci_array_realloc(cats == small ? NULL : cats,
                                                     cap * 2, sizeof *cats);
                if (!bigger)
                    s = VC_ERR_NOMEM;
                else {
                    if (cats == small)
                        memcpy(bigger, small, sizeof small);
                    cats = bigger;
                    cap *= 2;
                }
            }
            if (s == VC_OK)
                cats[ncat++] = c;
        }
        i = j + 1;
    }
    if (s == VC_OK)
        s = vci_ds_set_item_category_list(ds, item, cats, ncat);
    if (cats != small)
        vci_free(cats);
    return s;
}

/* ---- event types and staging ---------------------------------------------- */

vc_status vci_ds_event_type(vc_dataset *ds, const char *name, size_t n,
                            uint32_t *type)
{
    for (uint32_t t = 0; t < ds->ntypes; t++) {
        size_t off = ds->type_name[t];
        if (vci_strpool_strlen(&ds->strings, off) == n &&
            memcmp(vci_strpool_str(&ds->strings, off), name, n) == 0) {
            *type = t;
            return VC_OK;
        }
    }
    if (n == 0)
        return vci_error(VC_ERR_INVALID, "empty event type name");
    VCI_CHECK(add_type_name(ds, name, n));
    *type = ds->ntypes - 1;
    return VC_OK;
}

static vc_status check_event_total(const vc_dataset *ds, size_t more)
{
    size_t need = ds->staged.n + more;
    if (need < more || need > UINT32_MAX - 2 || ds->nevents + need > UINT32_MAX - 2)
        return vci_error(VC_ERR_RANGE, "more than %u events", UINT32_MAX - 2);
    return VC_OK;
}

/* The growable block the feeding API appends to (made when missing). */
static vc_status feeding_block(vc_dataset *ds, vci_event_block **out)
{
    vci_staged_events *st = &ds->staged;
    if (st->nblocks && st->blocks[st->nblocks - 1].growable) {
        *out = &st->blocks[st->nblocks - 1];
        return VC_OK;
    }
    VCI_CHECK(vci_reserve((void **)&st->blocks, &st->cap, st->nblocks + 1,
                          sizeof *st->blocks));
    vci_event_block *b = &st->blocks[st->nblocks];
    VCI_CHECK(vci_event_block_alloc(b, 0, true, true, 0));
    b->growable = true;
    st->nblocks++;
    *out = b;
    return VC_OK;
}

vc_status vci_ds_stage_reserve(vc_dataset *ds, size_t more)
{
    VCI_CHECK(check_event_total(ds, more));
    vci_event_block *b;
    VCI_CHECK(feeding_block(ds, &b));
    size_t need = b->n + more;
    if (need <= b->cap)
        return VC_OK;
    size_t cap = VCI_MAX(need, b->cap + b->cap / 2);
    void **arrays[] = {(void **)&b->user, (void **)&b->item, (void **)&b->value,
                       (void **)&b->time, (void **)&b->type, (void **)&b->amount};
    size_t sizes[] = {sizeof *b->user, sizeof *b->item, sizeof *b->value,
                      sizeof *b->time, sizeof *b->type, sizeof *b->amount};
    for (size_t k = 0; k < VCI_ARRAY_LEN(arrays); k++) {
        void *p = vci_array_realloc(*arrays[k], cap, sizes[k]);
        if (!p)
            return VC_ERR_NOMEM;   /* cap unchanged: arrays stay consistent */
        *arrays[k] = p;
    }
    b->cap = cap;
    return VC_OK;
}

vc_status vci_ds_stage(vc_dataset *ds, uint32_t user, uint32_t item,
                       uint32_t type, float value, float amount, int64_t time)
{
    VCI_CHECK(vci_ds_stage_reserve(ds, 1));
    vci_event_block *b = &ds->staged.blocks[ds->staged.nblocks - 1];
    size_t e = b->n++;
    b->user[e] = user;
    b->item[e] = item;
    b->type[e] = (uint8_t)type;
    b->value[e] = value;
    b->amount[e] = amount;
    b->time[e] = time;
    ds->staged.n++;
    ds->finalised = false;
    return VC_OK;
}

vc_status vci_ds_stage_block(vc_dataset *ds, vci_event_block *b)
{
    vci_staged_events *st = &ds->staged;
    vc_status s = check_event_total(ds, b->n);
    if (s == VC_OK)
        s = vci_reserve((void **)&st->blocks, &st->cap, st->nblocks + 1,
                        sizeof *st->blocks);
    if (s != VC_OK) {
        vci_event_block_free(b);
        return s;
    }
    b->growable = false;
    st->blocks[st->nblocks++] = *b;
    st->n += b->n;
    memset(b, 0, sizeof *b);
    ds->finalised = false;
    return VC_OK;
}

/* ---- the public feeding API ----------------------------------------------- */

VC_API vc_status vc_dataset_new(vc_dataset **out)
{
    vci_clear_error();
    VCI_REQUIRE(out, "vc_dataset_new: out is NULL");
    return vci_dataset_create(out, "api");
}

VC_API vc_status vc_dataset_add_user(vc_dataset *ds, const char *user_id,
                                     const char *const *names,
                                     const char *const *values,
                                     size_t nattrs)
{
    vci_clear_error();
    VCI_REQUIRE(ds && user_id, "vc_dataset_add_user: NULL data set or user id");
    VCI_REQUIRE(nattrs == 0 || (names && values),
                "vc_dataset_add_user: NULL attribute names or values");
    for (size_t a = 0; a < nattrs; a++)
        VCI_REQUIRE(names[a] && *names[a],
                    "vc_dataset_add_user: attribute %zu has no name", a);
    /* resolve every attribute before touching the user, so a failure
     * leaves nothing half-set (an added attribute name is harmless) */
    uint32_t small[16];
    uint32_t *ids = nattrs <= 16 ? small : vci_calloc(nattrs, sizeof *ids);
    if (!ids)
        return VC_ERR_NOMEM;
    vc_status s = VC_OK;
    for (size_t a = 0; a < nattrs && s == VC_OK; a++)
        s = vci_ds_attr(ds, names[a], strlen(names[a]), &ids[a]);
    uint32_t u = 0;
    if (s == VC_OK)
        s = vci_ds_user(ds, user_id, strlen(user_id), &u, NULL);
    for (size_t a = 0; a < nattrs && s == VC_OK; a++)
        s = vci_ds_set_user_attr(ds, u, ids[a], values[a] ? values[a] : "",
                                 values[a] ? strlen(values[a]) : 0);
    if (ids != small)
        vci_free(ids);
    return s;
}

VC_API vc_status vc_dataset_add_item(vc_dataset *ds, const char *item_id,
                                     const char *title,
                                     const char *categories, double price)
{
    vci_clear_error();
    VCI_REQUIRE(ds && item_id, "vc_dataset_add_item: NULL data set or item id");
    if (!isnan(price) && (!isfinite(price) || price < 0))
        return vci_error(VC_ERR_RANGE, "vc_dataset_add_item: item '%s': price %g "
                                       "is not a finite non-negative number",
                         item_id, price);
    uint32_t i;
    VCI_CHECK(vci_ds_item(ds, item_id, strlen(item_id), &i, NULL));
    if (title)
        VCI_CHECK(vci_ds_set_item_title(ds, i, title, strlen(title)));
    if (categories)
        VCI_CHECK(vci_ds_set_item_categories(ds, i, categories,
                                             strlen(categories), '|'));
    if (!isnan(price))
        VCI_CHECK(vci_ds_set_item_price(ds, i, price));
    return VC_OK;
}

VC_API vc_status vc_dataset_add_event(vc_dataset *ds, const char *user_id,
                                      const char *item_id, const char *type,
                                      double value, double amount,
                                      int64_t time)
{
    vci_clear_error();
    VCI_REQUIRE(ds && user_id && item_id && type,
                "vc_dataset_add_event: NULL data set, user, item or type");
    VCI_REQUIRE(*type, "vc_dataset_add_event: empty event type");
    if (!isfinite(value) || !isfinite(amount) || fabs(value) > 3e38 ||
        fabs(amount) > 3e38)
        return vci_error(VC_ERR_RANGE, "vc_dataset_add_event: user '%s', item '%s': "
                                       "value %g or amount %g is not finite",
                         user_id, item_id, value, amount);
    uint32_t t, u, i;
    VCI_CHECK(vci_ds_stage_reserve(ds, 1));
    VCI_CHECK(vci_ds_event_type(ds, type, strlen(type), &t));
    VCI_CHECK(vci_ds_user(ds, user_id, strlen(user_id), &u, NULL));
    VCI_CHECK(vci_ds_item(ds, item_id, strlen(item_id), &i, NULL));
    return vci_ds_stage(ds, u, i, t, (float)value, (float)amount, time);
}

VC_API vc_status vc_dataset_finalize(vc_dataset *ds)
{
    vci_clear_error();
    VCI_REQUIRE(ds, "vc_dataset_finalize: NULL data set");
    return vci_dataset_finalize(ds, NULL, NULL);
}
