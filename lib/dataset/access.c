/*
 * access.c - the public read accessors of a vc_dataset. They never modify
 * the data set, so any number of threads may call them at once on a
 * finalised one. Event queries need a finalised data set; counts, names and
 * attributes are valid at any time.
 */
#include <math.h>

#include "dataset.h"

VC_API size_t vc_dataset_user_count(const vc_dataset *ds)
{
    return ds ? ds->nusers : 0;
}

VC_API size_t vc_dataset_item_count(const vc_dataset *ds)
{
    return ds ? ds->nitems : 0;
}

VC_API size_t vc_dataset_event_count(const vc_dataset *ds)
{
    return ds && ds->finalised ? ds->nevents : 0;
}

VC_API size_t vc_dataset_category_count(const vc_dataset *ds)
{
    return ds ? ds->ncats : 0;
}

VC_API size_t vc_dataset_event_type_count(const vc_dataset *ds)
{
    return ds ? ds->ntypes : 0;
}

VC_API size_t vc_dataset_attr_count(const vc_dataset *ds)
{
    return ds ? ds->nattrs : 0;
}

VC_API const char *vc_dataset_user_id(const vc_dataset *ds, size_t user)
{
    return ds && user < ds->nusers ? vci_ds_str(ds, ds->user_key[user]) : NULL;
}

VC_API const char *vc_dataset_item_id(const vc_dataset *ds, size_t item)
{
    return ds && item < ds->nitems ? vci_ds_str(ds, ds->item_key[item]) : NULL;
}

VC_API const char *vc_dataset_item_title(const vc_dataset *ds, size_t item)
{
    return ds && item < ds->nitems ? vci_ds_str(ds, ds->item_title[item]) : NULL;
}

VC_API const char *vc_dataset_category_name(const vc_dataset *ds,
                                            size_t category)
{
    return ds && category < ds->ncats ? vci_ds_str(ds, ds->cat_name[category])
                                      : NULL;
}

VC_API const char *vc_dataset_event_type_name(const vc_dataset *ds,
                                              size_t type)
{
    return ds && type < ds->ntypes ? vci_ds_str(ds, ds->type_name[type]) : NULL;
}

VC_API const char *vc_dataset_attr_name(const vc_dataset *ds, size_t attr)
{
    return ds && attr < ds->nattrs ? vci_ds_str(ds, ds->attr_name[attr]) : NULL;
}

VC_API const char *vc_dataset_user_attr(const vc_dataset *ds, size_t user,
                                        size_t attr)
{
    if (!ds || user >= ds->nusers || attr >= ds->nattrs)
        return NULL;
    return vci_ds_str(ds, ds->user_attr[user * ds->nattrs + attr]);
}

VC_API double vc_dataset_item_price(const vc_dataset *ds, size_t item)
{
    if (!ds || item >= ds->nitems || !ds->item_price)
        return NAN;
    return ds->item_price[item];
}

static vc_status find(const vci_idmap *map, const char *what, const char *id,
                      size_t *out)
{
    uint32_t v;
    if (!vci_idmap_get(map, id, strlen(id), &v))
        return vci_error(VC_ERR_NOT_FOUND, "unknown %s '%s'", what, id);
    *out = v;
    return VC_OK;
}

VC_API vc_status vc_dataset_user_index(const vc_dataset *ds,
                                       const char *user_id, size_t *user)
{
    vci_clear_error();
    VCI_REQUIRE(ds && user_id && user, "vc_dataset_user_index: NULL argument");
    return find(&ds->user_map, "user", user_id, user);
}

VC_API vc_status vc_dataset_item_index(const vc_dataset *ds,
                                       const char *item_id, size_t *item)
{
    vci_clear_error();
    VCI_REQUIRE(ds && item_id && item, "vc_dataset_item_index: NULL argument");
    return find(&ds->item_map, "item", item_id, item);
}

VC_API vc_status vc_dataset_category_index(const vc_dataset *ds,
                                           const char *name,
                                           size_t *category)
{
    vci_clear_error();
    VCI_REQUIRE(ds && name && category,
                "vc_dataset_category_index: NULL argument");
    return find(&ds->cat_map, "category", name, category);
}

VC_API vc_status vc_dataset_item_categories(const vc_dataset *ds,
                                            size_t item, uint32_t *cats,
                                            size_t cap, size_t *count)
{
    vci_clear_error();
    VCI_REQUIRE(ds && count && (cats || cap == 0),
                "vc_dataset_item_categories: NULL argument");
    if (item >= ds->nitems)
        return vci_error(VC_ERR_RANGE, "item index %zu out of range (%u items)",
                         item, ds->nitems);
    const uint32_t *list;
    size_t n;
    if (ds->item_catlist) {
        uint32_t l = ds->item_catlist[item];
        n = l ? ds->catpool[l] : 0;
        list = l ? ds->catpool + l + 1 : NULL;
    } else {
        n = ds->item_cat_start[item + 1] - ds->item_cat_start[item];
        list = ds->item_cats + ds->item_cat_start[item];
    }
    *count = n;
    if (n && cap)
        memcpy(cats, list, VCI_MIN(n, cap) * sizeof *cats);
    if (n > cap)
        return vci_error(VC_ERR_BUFFER, "item %zu has %zu categories, room for %zu",
                         item, n, cap);
    return VC_OK;
}

VC_API size_t vc_dataset_user_event_count(const vc_dataset *ds, size_t user)
{
    if (!ds || !ds->finalised || user >= ds->nusers)
        return 0;
    return (size_t)(ds->user_start[user + 1] - ds->user_start[user]);
}

VC_API vc_status vc_dataset_user_event(const vc_dataset *ds, size_t user,
                                       size_t k, size_t *item, size_t *type,
                                       double *value, double *amount,
                                       int64_t *time)
{
    vci_clear_error();
    VCI_REQUIRE(ds, "vc_dataset_user_event: NULL data set");
    if (!ds->finalised)
        return vci_error(VC_ERR_STATE, "vc_dataset_user_event: the data set is not "
                                       "finalised (call vc_dataset_finalize)");
    if (user >= ds->nusers)
        return vci_error(VC_ERR_RANGE, "user index %zu out of range (%u users)",
                         user, ds->nusers);
    size_t n = (size_t)(ds->user_start[user + 1] - ds->user_start[user]);
    if (k >= n)
        return vci_error(VC_ERR_RANGE, "event %zu of user %zu out of range (%zu events)",
                         k, user, n);
    size_t e = (size_t)ds->user_start[user] + k;
    if (item)
        *item = ds->ev_item[e];
    if (type)
        *type = vci_ds_type(ds, e);
    if (value)
        *value = ds->ev_value[e];
    if (amount)
        *amount = vci_ds_amount(ds, e);
    if (time)
        *time = vci_ds_time(ds, e);
    return VC_OK;
}

VC_API size_t vc_dataset_item_event_count(const vc_dataset *ds, size_t item)
{
    if (!ds || !ds->finalised || item >= ds->nitems)
        return 0;
    return (size_t)(ds->item_start[item + 1] - ds->item_start[item]);
}

VC_API vc_status vc_dataset_type_counts(const vc_dataset *ds,
                                        uint64_t *counts, size_t cap)
{
    vci_clear_error();
    VCI_REQUIRE(ds && (counts || cap == 0), "vc_dataset_type_counts: NULL argument");
    if (!ds->finalised)
        return vci_error(VC_ERR_STATE, "vc_dataset_type_counts: the data set is "
                                       "not finalised");
    if (cap < ds->ntypes)
        return vci_error(VC_ERR_BUFFER, "%u event types, room for %zu",
                         ds->ntypes, cap);
    memcpy(counts, ds->type_count, ds->ntypes * sizeof *counts);
    return VC_OK;
}

VC_API vc_status vc_dataset_time_range(const vc_dataset *ds, int64_t *first,
                                       int64_t *last)
{
    vci_clear_error();
    VCI_REQUIRE(ds && first && last, "vc_dataset_time_range: NULL argument");
    if (!ds->finalised)
        return vci_error(VC_ERR_STATE, "vc_dataset_time_range: the data set is "
                                       "not finalised");
    *first = ds->nevents ? ds->time_base : 0;
    *last = ds->nevents ? ds->time_last : 0;
    return VC_OK;
}

static size_t map_bytes(const vci_idmap *m)
{
    return (m->mask ? (m->mask + 1) * sizeof *m->slots : 0) + m->keys.cap;
}

VC_API size_t vc_dataset_memory_bytes(const vc_dataset *ds)
{
    if (!ds)
        return 0;
    size_t b = sizeof *ds + ds->strings.cap + map_bytes(&ds->user_map) +
               map_bytes(&ds->item_map) + map_bytes(&ds->cat_map);
    size_t nu = ds->nusers, ni = ds->nitems, ne = ds->nevents;
    b += nu * (sizeof *ds->user_key + ds->nattrs * sizeof *ds->user_attr +
               (ds->planted ? sizeof *ds->planted : 0) + sizeof *ds->user_start);
    b += ni * (sizeof *ds->item_key + sizeof *ds->item_title +
               (ds->item_price ? sizeof *ds->item_price : 0) +
               sizeof *ds->item_cat_start + sizeof *ds->item_start);
    b += ds->nitems ? ds->item_cat_start[ds->nitems] * sizeof *ds->item_cats : 0;
    b += ne * (sizeof *ds->ev_item + sizeof *ds->ev_value + sizeof *ds->ev_time +
               sizeof *ds->item_events + (ds->ev_type ? 1 : 0) +
               (ds->ev_amount ? sizeof *ds->ev_amount : 0));
    b += (ds->ncats + ds->ntypes + ds->nattrs) * sizeof(size_t);
    return b;
}

VC_API uint64_t vc_dataset_skipped_lines(const vc_dataset *ds)
{
    return ds ? ds->skipped : 0;
}

VC_API uint64_t vc_dataset_dropped_rows(const vc_dataset *ds)
{
    return ds ? ds->dropped : 0;
}

VC_API const char *vc_dataset_first_skip_reason(const vc_dataset *ds)
{
    return ds && ds->first_skip ? vci_ds_str(ds, ds->first_skip) : NULL;
}

VC_API const char *vc_dataset_format(const vc_dataset *ds)
{
    return ds && ds->format ? ds->format : NULL;
}

VC_API vc_status vc_dataset_planted_community(const vc_dataset *ds,
                                              size_t user, uint32_t *label)
{
    vci_clear_error();
    VCI_REQUIRE(ds && label, "vc_dataset_planted_community: NULL argument");
    if (!ds->planted)
        return vci_error(VC_ERR_NOT_FOUND, "the data set has no planted communities");
    if (user >= ds->nusers)
        return vci_error(VC_ERR_RANGE, "user index %zu out of range (%u users)",
                         user, ds->nusers);
    *label = ds->planted[user];
    return VC_OK;
}
