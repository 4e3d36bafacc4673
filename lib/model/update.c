/*
 * update.c - vc_model_update: the feedback loop on a loaded model. New
 * events are appended to the model's data set, the touched portraits are
 * recomputed, and the communities are updated (assignment into the
 * existing communities, or a warm-started refresh), with a drift report of
 * what moved. The recommender index is refitted on the way (item factors
 * kept), so the model can be saved and served at once.
 *
 * Invariant: a malformed events file changes nothing; after a later error
 * (out of memory) queries on the model fail with VC_ERR_STATE instead of
 * answering from half-updated parts.
 */
#include "model.h"

VC_API vc_status vc_model_update(vc_model *m, const char *events,
                                 const vc_options *opts, unsigned flags,
                                 vc_drift **drift, size_t *added,
                                 size_t *updated)
{
    vci_clear_error();
    if (drift)
        *drift = NULL;
    if (added)
        *added = 0;
    if (updated)
        *updated = 0;
    VCI_REQUIRE(m && events, "vc_model_update: NULL model or events path");
    VCI_REQUIRE((flags & ~(unsigned)VC_UPDATE_REFRESH) == 0,
                "vc_model_update: unknown flags 0x%x", flags);
    const vc_options *o = opts ? opts : m->opts;
    vc_drift *dr = NULL;
    if (drift)
        VCI_CHECK(vc_drift_begin(&dr, m->cm));
    vc_status s = vc_dataset_append(m->ds, events, o, added);
    if (s == VC_OK)
        s = vc_portrait_update(m->pt, o, updated);
    if (s == VC_OK && (flags & VC_UPDATE_REFRESH))
        s = vc_cluster_refresh(m->cm, o);
    else if (s == VC_OK)
        s = vc_cluster_assign(m->cm, o, NULL);
    if (s == VC_OK && dr)
        s = vc_drift_end(dr, m->cm, o);
    if (s != VC_OK) {
        vc_drift_free(dr);
        return s;
    }
    if (drift)
        *drift = dr;
    return VC_OK;
}
