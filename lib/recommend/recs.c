/*
 * recs.c - vc_recs, the ranked result of vc_recommend and vc_target: ids
 * (items or users), scores and readable reasons.
 * Invariant: entries are best first; reasons live in the result's pool.
 */
#include "recs.h"

vc_status vci_recs_new(vc_recs **out, size_t cap)
{
    vc_recs *r = vci_calloc(1, sizeof *r);
    if (!r)
        return VC_ERR_NOMEM;
    vci_strpool_init(&r->reasons);
    r->entry = vci_calloc(VCI_MAX(cap, 1), sizeof *r->entry);
    if (!r->entry) {
        vci_free(r);
        return VC_ERR_NOMEM;
    }
    *out = r;
    return VC_OK;
}

vc_status vci_recs_add(vc_recs *r, uint32_t id, float score,
                       const char *reason)
{
    vci_rec_entry *e = &r->entry[r->n];
    e->id = id;
    e->score = score;
    VCI_CHECK(vci_strpool_add(&r->reasons, reason, strlen(reason), &e->reason));
    r->n++;
    return VC_OK;
}

VC_API void vc_recs_free(vc_recs *r)
{
    if (!r)
        return;
    vci_strpool_free(&r->reasons);
    vci_free(r->entry);
    vci_free(r);
}

VC_API size_t vc_recs_count(const vc_recs *r)
{
    return r ? r->n : 0;
}

VC_API vc_status vc_recs_get(const vc_recs *r, size_t k, size_t *id,
                             double *score, const char **reason)
{
    vci_clear_error();
    VCI_REQUIRE(r, "vc_recs_get: result is NULL");
    if (k >= r->n)
        return vci_error(VC_ERR_RANGE, "entry %zu out of range (%zu)", k, r->n);
    if (id)
        *id = r->entry[k].id;
    if (score)
        *score = r->entry[k].score;
    if (reason)
        *reason = vci_strpool_str(&r->reasons, r->entry[k].reason);
    return VC_OK;
}
