/*
 * access.c - the public read-only accessors of vc_communities.
 * All are safe to call from many threads on one built community set.
 */
#include <math.h>

#include "community.h"

static bool valid(const vc_communities *cm, size_t c)
{
    return cm && c < cm->ncomm;
}

VC_API size_t vc_communities_count(const vc_communities *cm)
{
    return cm ? cm->ncomm : 0;
}

VC_API size_t vc_communities_global_count(const vc_communities *cm)
{
    return cm ? cm->nglobal : 0;
}

VC_API const vc_portraits *vc_communities_portraits(const vc_communities *cm)
{
    return cm ? cm->pt : NULL;
}

VC_API const char *vc_community_name(const vc_communities *cm, size_t c)
{
    return valid(cm, c) ? vci_strpool_str(&cm->strings, cm->comm[c].name) : NULL;
}

VC_API const char *vc_community_topic(const vc_communities *cm, size_t c)
{
    if (!valid(cm, c) || cm->comm[c].topic == UINT32_MAX)
        return NULL;
    return vci_topic_name(&cm->pt->topics, cm->comm[c].topic);
}

VC_API const char *vc_community_persona(const vc_communities *cm, size_t c)
{
    return valid(cm, c) ? vci_strpool_str(&cm->strings, cm->comm[c].persona) : NULL;
}

VC_API size_t vc_community_size(const vc_communities *cm, size_t c)
{
    return valid(cm, c) ? cm->comm[c].size : 0;
}

VC_API double vc_community_silhouette(const vc_communities *cm, size_t c)
{
    return valid(cm, c) ? cm->comm[c].silhouette : NAN;
}

VC_API size_t vc_community_tag_count(const vc_communities *cm, size_t c)
{
    return valid(cm, c) ? cm->comm[c].tag_end - cm->comm[c].tag_begin : 0;
}

VC_API vc_status vc_community_tag(const vc_communities *cm, size_t c,
                                  size_t k, const char **tag, float *share)
{
    vci_clear_error();
    if (k >= vc_community_tag_count(cm, c))
        return vci_error(VC_ERR_RANGE, "community %zu has no tag %zu", c, k);
    uint32_t i = cm->comm[c].tag_begin + (uint32_t)k;
    const vc_portraits *pt = cm->pt;
    if (tag)
        *tag = vci_strpool_str(&pt->tag_names, pt->tag_name[cm->tag_id[i]]);
    if (share)
        *share = cm->tag_weight[i];
    return VC_OK;
}

/* Copy a CSR segment into caller arrays (either may be NULL). */
static vc_status copy_segment(const uint32_t *ids, const float *str,
                              uint32_t begin, uint32_t end, uint32_t *out_ids,
                              float *out_str, size_t cap, size_t *count)
{
    size_t n = end - begin;
    if (count)
        *count = n;
    size_t m = VCI_MIN(n, cap);
    if (out_ids)
        memcpy(out_ids, ids + begin, m * sizeof *out_ids);
    if (out_str)
        memcpy(out_str, str + begin, m * sizeof *out_str);
    if (n > cap && (out_ids || out_str))
        return vci_error(VC_ERR_BUFFER, "%zu entries do not fit in %zu", n, cap);
    return VC_OK;
}

VC_API vc_status vc_community_members(const vc_communities *cm, size_t c,
                                      uint32_t *users, float *strengths,
                                      size_t cap, size_t *count)
{
    vci_clear_error();
    VCI_REQUIRE(cm, "vc_community_members: communities are NULL");
    if (c >= cm->ncomm)
        return vci_error(VC_ERR_RANGE, "community %zu out of range (%u)", c, cm->ncomm);
    return copy_segment(cm->comm_user, cm->comm_strength, cm->comm_start[c],
                        cm->comm_start[c + 1], users, strengths, cap, count);
}

VC_API vc_status vc_user_communities(const vc_communities *cm, size_t user,
                                     uint32_t *comms, float *strengths,
                                     size_t cap, size_t *count)
{
    vci_clear_error();
    VCI_REQUIRE(cm, "vc_user_communities: communities are NULL");
    if (user >= cm->nusers)
        return vci_error(VC_ERR_RANGE, "user %zu out of range (%u)", user,
                         cm->nusers);
    return copy_segment(cm->mem_comm, cm->mem_strength, cm->mem_start[user],
                        cm->mem_start[user + 1], comms, strengths, cap, count);
}

VC_API vc_status vc_community_centroid(const vc_communities *cm, size_t c,
                                       float *out, size_t cap)
{
    vci_clear_error();
    VCI_REQUIRE(cm && out, "vc_community_centroid: NULL argument");
    if (c >= cm->ncomm)
        return vci_error(VC_ERR_RANGE, "community %zu out of range (%u)", c, cm->ncomm);
    if (cap < cm->ncols)
        return vci_error(VC_ERR_BUFFER, "centroid needs %u floats, got %zu",
                         cm->ncols, cap);
    memcpy(out, cm->centroid_raw + c * cm->ncols, cm->ncols * sizeof *out);
    return VC_OK;
}

VC_API vc_status vc_communities_find(const vc_communities *cm,
                                     const char *name, size_t *c)
{
    vci_clear_error();
    VCI_REQUIRE(cm && name && c, "vc_communities_find: NULL argument");
    for (uint32_t i = 0; i < cm->ncomm; i++)
        if (strcmp(vc_community_name(cm, i), name) == 0) {
            *c = i;
            return VC_OK;
        }
    return vci_error(VC_ERR_NOT_FOUND, "no community named '%s'", name);
}
