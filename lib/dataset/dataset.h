/*
 * dataset.h - the internal layout of vc_dataset, read directly by the
 * portrait, cluster and recommend stages (they never go through the public
 * accessors on hot paths).
 *
 * Invariants once finalised (ds->finalised):
 *  - users 0..nusers-1, items 0..nitems-1, in order of first appearance;
 *  - events are stored in CSR order by user: user u owns event indices
 *    [user_start[u], user_start[u+1]), sorted by (time, item);
 *  - by-item index: item i's events are item_events[item_start[i] ..
 *    item_start[i+1]), event indices in increasing order;
 *  - ev_type is NULL when every event has type ev_single_type; ev_amount is
 *    NULL when every amount is 0; times are ev_time[e] + time_base;
 *  - strings (ids, titles, names, attribute values) live in ds->strings and
 *    are addressed by offsets (0 = none).
 * A finalised data set is never modified by readers; adding an event after
 * finalisation clears ds->finalised until the next vci_dataset_finalize().
 */
#ifndef VCOMM_DATASET_H
#define VCOMM_DATASET_H

#include <math.h>

#include "core.h"

/* Events waiting for finalisation, in arrival order: a list of blocks.
 * The feeding API appends to a growable block with every column; a loader
 * hands over whole blocks it filled itself, where type NULL means every
 * event has single_type and amount NULL means every amount is 0. */
typedef struct vci_event_block {
    uint32_t *user;
    uint32_t *item;
    float *value;
    int64_t *time;
    uint8_t *type;
    float *amount;
    uint8_t single_type;
    bool growable;       /* the feeding API's block (all columns present) */
    size_t n, cap;
} vci_event_block;

/* Events merged into an already indexed data set (the change log that
 * lets the recommender index update its sums for the touched users
 * instead of recounting everything): entry k was indexed by generation
 * gen[k], times are absolute. The log holds every event indexed by a
 * generation > base, so a consumer last brought up to date at generation
 * g can use it when g >= base. It starts afresh (base = the generation
 * that indexed the first events, or outgrew the log) rather than grow
 * past an eighth of the events. */
typedef struct vci_event_log {
    uint32_t *user, *item, *gen;
    int64_t *time;
    float *value;
    size_t n, cap;
    uint32_t base;
} vci_event_log;

typedef struct vci_staged_events {
    vci_event_block *blocks;
    size_t nblocks, cap;
    size_t n;            /* events in all blocks */
} vci_staged_events;

struct vc_dataset {
    vci_strpool strings;   /* every string of the data set */
    const char *format;    /* static: "ml-1m", "ml-100k", ... */

    /* users */
    uint32_t nusers;
    vci_idmap user_map;    /* external id -> index */
    size_t *user_key;      /* [nusers] offset of the external id */
    uint32_t nattrs;
    size_t *attr_name;     /* [nattrs] offsets */
    size_t *user_attr;     /* [nusers * nattrs] value offsets, 0 = missing */
    size_t user_cap, attr_cap;
    uint32_t *planted;     /* [nusers] planted community, or NULL */

    /* items */
    uint32_t nitems;
    vci_idmap item_map;
    size_t *item_key;      /* [nitems] */
    size_t *item_title;    /* [nitems], 0 = none */
    float *item_price;     /* [nitems], NAN = unknown */
    uint32_t *item_cat_start; /* [nitems + 1] CSR into item_cats */
    uint32_t *item_cats;
    size_t item_cap;

    /* categories and event types */
    uint32_t ncats;
    vci_idmap cat_map;
    size_t *cat_name;      /* [ncats] */
    uint32_t ntypes;       /* >= 7: the predefined types come first */
    size_t *type_name;     /* [ntypes] */
    size_t cat_cap, type_cap;

    /* item categories while building: item_catlist[i] is an offset into
     * catpool where [count, cat...] is stored (0 = none); finalize turns
     * them into the item_cat_start/item_cats CSR. NULL in a loaded model
     * (rebuilt from the CSR when the data set is fed again). */
    uint32_t *item_catlist;
    uint32_t *catpool;
    size_t catpool_len, catpool_cap;

    /* events, CSR by user (valid when finalised) */
    size_t nevents;
    uint64_t *user_start;  /* [nusers + 1] */
    uint32_t *ev_item;     /* [nevents] */
    float *ev_value;       /* [nevents] */
    uint32_t *ev_time;     /* [nevents] seconds since time_base */
    uint8_t *ev_type;      /* [nevents] or NULL (all ev_single_type) */
    float *ev_amount;      /* [nevents] or NULL (all 0) */
    uint8_t ev_single_type;
    int64_t time_base, time_last;
    uint64_t *item_start;  /* [nitems + 1] */
    uint32_t *item_events; /* [nevents] event indices by item */
    /* events the event columns (ev_*) and item_events have room for
     * (>= nevents): allocations keep an eighth more, never touched until
     * used, so appended events usually fit without moving the arrays */
    size_t ev_cap;
    uint64_t *type_count;  /* [ntypes] */

    vci_staged_events staged;
    bool finalised;
    /* Change tracking for incremental portraits: generation counts the
     * finalisations that indexed something; user_gen[u] (user_gen_len
     * entries) is the generation that last changed user u's events or
     * attributes. NULL (all 0) in a data set assembled from a model file
     * until its first finalisation. */
    uint32_t generation;
    uint32_t *user_gen;
    size_t user_gen_len;
    vci_event_log log;
    /* users and items the CSR indexes cover (those that existed at the
     * last finalisation); indexed_known is false only in a data set
     * assembled from a model file until its first feeding call. */
    uint32_t indexed_users, indexed_items;
    bool indexed_known;

    /* load.on_error = skip bookkeeping; rows dropped by the merchant rules */
    uint64_t skipped;
    uint64_t dropped;
    size_t first_skip;     /* offset of the first skip message, 0 = none */
};

/** The generation that last changed user u (0 when never tracked). */
static inline uint32_t vci_ds_user_gen(const vc_dataset *ds, uint32_t u)
{
    return u < ds->user_gen_len ? ds->user_gen[u] : 0;
}

static inline const char *vci_ds_str(const vc_dataset *ds, size_t off)
{
    return off ? vci_strpool_str(&ds->strings, off) : NULL;
}

static inline uint32_t vci_ds_type(const vc_dataset *ds, size_t e)
{
    return ds->ev_type ? ds->ev_type[e] : ds->ev_single_type;
}

static inline float vci_ds_amount(const vc_dataset *ds, size_t e)
{
    return ds->ev_amount ? ds->ev_amount[e] : 0.0f;
}

static inline int64_t vci_ds_time(const vc_dataset *ds, size_t e)
{
    return ds->time_base + (int64_t)ds->ev_time[e];
}

/** True when the data set's events are explicit ratings (mostly type
 *  rating), so that "relevant" means a rating >= 4. */
bool vci_ds_is_explicit(const vc_dataset *ds);

/* ---- building (dataset.c) -------------------------------------------------
 * The loaders, the synthetic generator and the public feeding API all build
 * through these. Ids and names are byte ranges (not NUL-terminated). Each
 * call either succeeds or leaves the data set as it was. */

/** An empty data set of the given (static) format name. */
vc_status vci_dataset_create(vc_dataset **out, const char *format);
/** Index of a user, added (no attributes) when new; *added may be NULL. */
vc_status vci_ds_user(vc_dataset *ds, const char *id, size_t n,
                      uint32_t *user, bool *added);
vc_status vci_ds_item(vc_dataset *ds, const char *id, size_t n,
                      uint32_t *item, bool *added);
/** Lookups without adding. */
bool vci_ds_find_user(const vc_dataset *ds, const char *id, size_t n,
                      uint32_t *user);
bool vci_ds_find_item(const vc_dataset *ds, const char *id, size_t n,
                      uint32_t *item);
/** Index of an attribute name, added when new. */
vc_status vci_ds_attr(vc_dataset *ds, const char *name, size_t n,
                      uint32_t *attr);
/** Set (n > 0) or clear (n == 0) a user's attribute value. */
vc_status vci_ds_set_user_attr(vc_dataset *ds, uint32_t user, uint32_t attr,
                               const char *value, size_t n);
/** Set an item's title (n == 0 clears it). */
vc_status vci_ds_set_item_title(vc_dataset *ds, uint32_t item,
                                const char *title, size_t n);
/** Set an item's unit price (NAN = unknown). */
vc_status vci_ds_set_item_price(vc_dataset *ds, uint32_t item, double price);
/** Index of a category, added when new. */
vc_status vci_ds_category(vc_dataset *ds, const char *name, size_t n,
                          uint32_t *cat);
/** Replace an item's categories with the sep-separated names of text
 *  (empty names are ignored, duplicates kept once). */
vc_status vci_ds_set_item_categories(vc_dataset *ds, uint32_t item,
                                     const char *text, size_t n, char sep);
/** Replace an item's categories with category indices. */
vc_status vci_ds_set_item_category_list(vc_dataset *ds, uint32_t item,
                                        const uint32_t *cats, size_t n);
/** Index of an event type by name (predefined or custom, added when new;
 *  at most 256 types). */
vc_status vci_ds_event_type(vc_dataset *ds, const char *name, size_t n,
                            uint32_t *type);
/** Room for more staged events (then vci_ds_stage cannot fail). */
vc_status vci_ds_stage_reserve(vc_dataset *ds, size_t more);
/** Stage one event (indices must be valid; value and amount finite). */
vc_status vci_ds_stage(vc_dataset *ds, uint32_t user, uint32_t item,
                       uint32_t type, float value, float amount,
                       int64_t time);
/** A block of n events with the given columns (NULL type / amount as in
 *  vci_event_block), allocated for the caller to fill. */
vc_status vci_event_block_alloc(vci_event_block *b, size_t n, bool with_type,
                                bool with_amount, uint8_t single_type);
void vci_event_block_free(vci_event_block *b);
/** Append a filled block (indices valid, b->n events); the data set takes
 *  its arrays over (*b is cleared), also on failure (then freed). */
vc_status vci_ds_stage_block(vc_dataset *ds, vci_event_block *b);
/** Attach planted community labels (copied, nusers entries). */
vc_status vci_ds_set_planted(vc_dataset *ds, const uint32_t *labels);

/** Take a model-assembled data set's counts as its capacities and
 *  indexed extent (a no-op for a data set built here). */
void vci_ds_adopt_counts(vc_dataset *ds);
/** Room for n events plus an eighth for later appends (see ev_cap). */
static inline size_t vci_ev_room(size_t n)
{
    return VCI_MAX(n + n / 8, (size_t)1);
}

/** Free the change log's arrays. */
void vci_event_log_free(vci_event_log *log);
/** Release the staging area. */
void vci_ds_free_staged(vc_dataset *ds);

/** Build the CSR indexes from the events already indexed (if any) and the
 *  staged ones (see the invariants); pool may be NULL. */
vc_status vci_dataset_finalize(vc_dataset *ds, vci_pool *pool,
                               const vci_progress *progress);

#endif /* VCOMM_DATASET_H */
