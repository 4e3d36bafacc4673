/*
 * access.c - the public read-only accessors of vc_portraits.
 * All are safe to call from many threads on one built portrait set.
 */
#include <stdio.h>

#include "portrait.h"

VC_API size_t vc_portraits_user_count(const vc_portraits *pt)
{
    return pt ? pt->nusers : 0;
}

VC_API size_t vc_portraits_column_count(const vc_portraits *pt)
{
    return pt ? pt->ncols : 0;
}

VC_API const vc_dataset *vc_portraits_dataset(const vc_portraits *pt)
{
    return pt ? pt->ds : NULL;
}

VC_API vc_status vc_portraits_column(const vc_portraits *pt, size_t col,
                                     const char **layer, const char **group,
                                     const char **name)
{
    vci_clear_error();
    VCI_REQUIRE(pt, "vc_portraits_column: portraits are NULL");
    if (col >= pt->ncols)
        return vci_error(VC_ERR_RANGE, "column %zu out of range (%u columns)",
                         col, pt->ncols);
    const vci_column *c = &pt->schema.cols[col];
    if (layer)
        *layer = vci_layer_names[c->layer];
    if (group)
        *group = vci_strpool_str(&pt->schema.strings, c->group);
    if (name)
        *name = vci_strpool_str(&pt->schema.strings, c->name);
    return VC_OK;
}

VC_API vc_status vc_portraits_find_column(const vc_portraits *pt,
                                          const char *path, size_t *col)
{
    vci_clear_error();
    VCI_REQUIRE(pt && path && col, "vc_portraits_find_column: NULL argument");
    char buf[512];
    for (uint32_t c = 0; c < pt->ncols; c++) {
        const vci_column *k = &pt->schema.cols[c];
        snprintf(buf, sizeof buf, "%s/%s/%s", vci_layer_names[k->layer],
                 vci_strpool_str(&pt->schema.strings, k->group),
                 vci_strpool_str(&pt->schema.strings, k->name));
        if (strcmp(buf, path) == 0) {
            *col = c;
            return VC_OK;
        }
    }
    return vci_error(VC_ERR_NOT_FOUND, "no portrait column '%s'", path);
}

static vc_status copy_row(const vc_portraits *pt, size_t user, const float *src,
                          float *out, size_t cap)
{
    VCI_REQUIRE(out, "portrait row: out is NULL");
    if (user >= pt->nusers)
        return vci_error(VC_ERR_RANGE, "user %zu out of range (%u users)", user,
                         pt->nusers);
    if (cap < pt->ncols)
        return vci_error(VC_ERR_BUFFER, "portrait row needs %u floats, got %zu",
                         pt->ncols, cap);
    memcpy(out, src, pt->ncols * sizeof *out);
    return VC_OK;
}

VC_API vc_status vc_portraits_row(const vc_portraits *pt, size_t user,
                                  float *out, size_t cap)
{
    vci_clear_error();
    VCI_REQUIRE(pt, "vc_portraits_row: portraits are NULL");
    return copy_row(pt, user, user < pt->nusers ? vci_pt_raw(pt, (uint32_t)user) : NULL,
                    out, cap);
}

VC_API vc_status vc_portraits_features(const vc_portraits *pt, size_t user,
                                       float *out, size_t cap)
{
    vci_clear_error();
    VCI_REQUIRE(pt, "vc_portraits_features: portraits are NULL");
    return copy_row(pt, user, user < pt->nusers ? vci_pt_feat(pt, (uint32_t)user) : NULL,
                    out, cap);
}

VC_API size_t vc_portraits_tag_count(const vc_portraits *pt, size_t user)
{
    if (!pt || user >= pt->nusers)
        return 0;
    return pt->tag_start[user + 1] - pt->tag_start[user];
}

VC_API vc_status vc_portraits_tag(const vc_portraits *pt, size_t user,
                                  size_t k, const char **tag, float *weight)
{
    vci_clear_error();
    VCI_REQUIRE(pt, "vc_portraits_tag: portraits are NULL");
    if (k >= vc_portraits_tag_count(pt, user))
        return vci_error(VC_ERR_RANGE, "tag %zu of user %zu out of range", k, user);
    uint32_t i = pt->tag_start[user] + (uint32_t)k;
    if (tag)
        *tag = vci_strpool_str(&pt->tag_names, pt->tag_name[pt->tag_id[i]]);
    if (weight)
        *weight = pt->tag_weight[i];
    return VC_OK;
}
