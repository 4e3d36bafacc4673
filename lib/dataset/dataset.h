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

/* Events waiting for finalisation (the loader's and the feeding API's
 * staging area), in arrival order. */
typedef struct vci_staged_events {
    uint32_t *user;
    uint32_t *item;
    uint8_t *type;
    float *value;
    float *amount;
    int64_t *time;
    size_t n, cap;
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
    uint64_t *type_count;  /* [ntypes] */

    vci_staged_events staged;
    bool finalised;

    /* load.on_error = skip bookkeeping */
    uint64_t skipped;
    size_t first_skip;     /* offset of the first skip message, 0 = none */
};

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

/** Build the CSR indexes from the staged events (see the invariants). */
vc_status vci_dataset_finalize(vc_dataset *ds, const vc_options *opts);

#endif /* VCOMM_DATASET_H */
