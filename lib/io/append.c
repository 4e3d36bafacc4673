/*
 * append.c - vc_dataset_append: add the events (and the users, items and
 * attributes they bring) of a file or directory to an existing data set,
 * then finalise it.
 *
 * The input is read in full into a data set of its own first (any format
 * vc_dataset_load reads, with its checks and "path:line: what" errors), so
 * a malformed input changes nothing. Then users and items are matched by
 * external id (new ones are added; new items bring their title, price and
 * categories), attribute values given in the input overwrite the user's,
 * event types are matched by name, and the events are staged and indexed.
 * Invariant: only running out of memory during the merge can leave the
 * data set with some of the new users or items (and no new events).
 */
#include <math.h>

#include "io.h"

typedef struct merge_maps {
    uint32_t *user, *item, *type, *attr, *cat;
} merge_maps;

static void maps_free(merge_maps *m)
{
    vci_free(m->user);
    vci_free(m->item);
    vci_free(m->type);
    vci_free(m->attr);
    vci_free(m->cat);
}

static void name_of(const vc_dataset *src, size_t off, const char **s, size_t *n)
{
    *s = vci_ds_str(src, off);
    *n = *s ? strlen(*s) : 0;
}

static vc_status merge_dictionaries(vc_dataset *ds, const vc_dataset *src, merge_maps *m)
{
    const char *s;
    size_t n;
    for (uint32_t t = 0; t < src->ntypes; t++) {
        name_of(src, src->type_name[t], &s, &n);
        VCI_CHECK(vci_ds_event_type(ds, s, n, &m->type[t]));
    }
    for (uint32_t a = 0; a < src->nattrs; a++) {
        name_of(src, src->attr_name[a], &s, &n);
        VCI_CHECK(vci_ds_attr(ds, s, n, &m->attr[a]));
    }
    for (uint32_t c = 0; c < src->ncats; c++) {
        name_of(src, src->cat_name[c], &s, &n);
        VCI_CHECK(vci_ds_category(ds, s, n, &m->cat[c]));
    }
    return VC_OK;
}

static vc_status merge_users(vc_dataset *ds, const vc_dataset *src, merge_maps *m)
{
    const char *s;
    size_t n;
    for (uint32_t u = 0; u < src->nusers; u++) {
        name_of(src, src->user_key[u], &s, &n);
        VCI_CHECK(vci_ds_user(ds, s, n, &m->user[u], NULL));
        for (uint32_t a = 0; a < src->nattrs; a++) {
            size_t off = src->user_attr[(size_t)u * src->nattrs + a];
            if (!off)
                continue;
            name_of(src, off, &s, &n);
            VCI_CHECK(vci_ds_set_user_attr(ds, m->user[u], m->attr[a], s, n));
        }
    }
    return VC_OK;
}

static vc_status merge_items(vc_dataset *ds, const vc_dataset *src, merge_maps *m,
                             uint32_t *cats)
{
    const char *s;
    size_t n;
    for (uint32_t i = 0; i < src->nitems; i++) {
        bool added;
        name_of(src, src->item_key[i], &s, &n);
        VCI_CHECK(vci_ds_item(ds, s, n, &m->item[i], &added));
        if (!added)
            continue; /* a known item keeps what the data set says of it */
        if (src->item_title[i]) {
            name_of(src, src->item_title[i], &s, &n);
            VCI_CHECK(vci_ds_set_item_title(ds, m->item[i], s, n));
        }
        if (src->item_price && !isnan(src->item_price[i]))
            VCI_CHECK(vci_ds_set_item_price(ds, m->item[i], src->item_price[i]));
        uint32_t nc = 0;
        for (uint32_t k = src->item_cat_start[i]; k < src->item_cat_start[i + 1]; k++)
            cats[nc++] = m->cat[src->item_cats[k]];
        if (nc)
            VCI_CHECK(vci_ds_set_item_category_list(ds, m->item[i], cats, nc));
    }
    return VC_OK;
}

static vc_status merge(vc_dataset *ds, const vc_dataset *src)
{
    merge_maps m = {0};
    m.user = vci_calloc((size_t)src->nusers + 1, sizeof *m.user);
    m.item = vci_calloc((size_t)src->nitems + 1, sizeof *m.item);
    m.type = vci_calloc((size_t)src->ntypes + 1, sizeof *m.type);
    m.attr = vci_calloc((size_t)src->nattrs + 1, sizeof *m.attr);
    m.cat = vci_calloc((size_t)src->ncats + 1, sizeof *m.cat);
    uint32_t *cats = vci_calloc((size_t)src->ncats + 1, sizeof *cats);
    vc_status s = m.user && m.item && m.type && m.attr && m.cat && cats ? VC_OK : VC_ERR_NOMEM;
    if (s == VC_OK)
        s = merge_dictionaries(ds, src, &m);
    if (s == VC_OK)
        s = merge_users(ds, src, &m);
    if (s == VC_OK)
        s = merge_items(ds, src, &m, cats);
    if (s == VC_OK)
        s = vci_ds_stage_reserve(ds, src->nevents);
    for (uint32_t u = 0; u < src->nusers && s == VC_OK; u++)
        for (uint64_t e = src->user_start[u]; e < src->user_start[u + 1] && s == VC_OK; e++)
            s = vci_ds_stage(ds, m.user[u], m.item[src->ev_item[e]],
                             m.type[vci_ds_type(src, e)], src->ev_value[e],
                             vci_ds_amount(src, e), vci_ds_time(src, e));
    maps_free(&m);
    vci_free(cats);
    return s;
}

VC_API vc_status vc_dataset_append(vc_dataset *ds, const char *path,
                                   const vc_options *opts, size_t *added)
{
    vci_clear_error();
    if (added)
        *added = 0;
    VCI_REQUIRE(ds && path, "vc_dataset_append: NULL data set or path");
    vc_dataset *src = NULL;
    VCI_CHECK(vci_load_events_file(&src, path, ds->format, opts));
    vc_status s = merge(ds, src);
    if (s == VC_OK) {
        vci_pool *pool = NULL;
        vci_progress fin = vci_progress_of(opts, "index");
        s = vci_pool_for_options(&pool, opts);
        if (s == VC_OK)
            s = vci_dataset_finalize(ds, pool, &fin);
        vci_pool_free(pool);
    }
    if (s == VC_OK && added)
        *added = src->nevents;
    vc_dataset_free(src);
    return s;
}
