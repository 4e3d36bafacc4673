/*
 * drift.c - the drift report: what changed in the communities between a
 * snapshot (vc_drift_begin) and a later state of the same communities
 * (vc_drift_end), typically around vc_cluster_assign / vc_cluster_refresh.
 *
 * A user's hard community in a clustering (global segments, or one
 * topic's sub-communities) is its strongest membership there.
 *  - movers: users present in both states whose hard community in some
 *    clustering changed (from / to UINT32_MAX = not in that clustering),
 *    ordered by user;
 *  - per community: hard members before and after; it grew (shrank) when
 *    the size changed by at least drift.change of the size before (and by
 *    at least one user); it split when at least drift.split of its members
 *    before went to one other community of its clustering while at least
 *    drift.split stayed; new when it had no members before.
 * Invariant: the community ids of both states must be the same ones (as
 * assign and refresh keep them); a state with another community count is
 * VC_ERR_STATE.
 */
#include <math.h>

#include "community.h"

struct vc_drift {
    uint32_t ncomm, nusers;
    uint32_t *topic;        /* [ncomm] clustering key of each community */
    uint32_t *start;        /* [nusers + 1] hard communities of each user */
    uint32_t *hard;
    bool ended;
    /* the report */
    uint32_t *before, *after, *flags, *split_into; /* [ncomm] */
    size_t nmovers, movers_cap;
    uint32_t *mover;        /* [nmovers * 3]: user, from, to */
};

VC_API void vc_drift_free(vc_drift *dr)
{
    if (!dr)
        return;
    void *arrays[] = {dr->topic, dr->start, dr->hard, dr->before, dr->after,
                      dr->flags, dr->split_into, dr->mover};
    for (size_t i = 0; i < VCI_ARRAY_LEN(arrays); i++)
        vci_free(arrays[i]);
    vci_free(dr);
}

/* The hard communities of every user of cm, as a CSR (by clustering order
 * of first appearance in the user's memberships: strongest first). */
static vc_status hard_memberships(const vc_communities *cm, uint32_t **start_out,
                                  uint32_t **hard_out)
{
    uint32_t nt = cm->pt->topics.ntopics;
    uint32_t *start = vci_calloc((size_t)cm->nusers + 1, sizeof *start);
    uint32_t *hard = vci_calloc((size_t)cm->mem_start[cm->nusers] + 1, sizeof *hard);
    uint32_t *seen = vci_calloc((size_t)nt + 2, sizeof *seen);
    if (!start || !hard || !seen) {
        vci_free(start);
        vci_free(hard);
        vci_free(seen);
        return VC_ERR_NOMEM;
    }
    uint32_t n = 0;
    for (uint32_t u = 0; u < cm->nusers; u++) {
        for (uint32_t i = cm->mem_start[u]; i < cm->mem_start[u + 1]; i++) {
            uint32_t t = cm->comm[cm->mem_comm[i]].topic, key = t == UINT32_MAX ? 0 : t + 1;
            if (seen[key] == u + 1)
                continue;
            seen[key] = u + 1;
            hard[n++] = cm->mem_comm[i];
        }
        start[u + 1] = n;
    }
    vci_free(seen);
    *start_out = start;
    *hard_out = hard;
    return VC_OK;
}

VC_API vc_status vc_drift_begin(vc_drift **out, const vc_communities *cm)
{
    vci_clear_error();
    VCI_REQUIRE(out, "vc_drift_begin: out is NULL");
    *out = NULL;
    VCI_REQUIRE(cm, "vc_drift_begin: communities are NULL");
    vc_drift *dr = vci_calloc(1, sizeof *dr);
    if (!dr)
        return VC_ERR_NOMEM;
    dr->ncomm = cm->ncomm;
    dr->nusers = cm->nusers;
    dr->topic = vci_calloc((size_t)cm->ncomm + 1, sizeof *dr->topic);
    vc_status s = dr->topic ? hard_memberships(cm, &dr->start, &dr->hard) : VC_ERR_NOMEM;
    for (uint32_t c = 0; c < cm->ncomm && s == VC_OK; c++)
        dr->topic[c] = cm->comm[c].topic;
    if (s != VC_OK) {
        vc_drift_free(dr);
        return s;
    }
    *out = dr;
    return VC_OK;
}

/* The hard community of a user in the clustering with key topic, or
 * UINT32_MAX. */
static uint32_t hard_in(const vc_drift *dr, const uint32_t *start, const uint32_t *hard,
                        uint32_t u, uint32_t topic)
{
    for (uint32_t i = start[u]; i < start[u + 1]; i++)
        if (dr->topic[hard[i]] == topic)
            return hard[i];
    return UINT32_MAX;
}

static vc_status add_mover(vc_drift *dr, uint32_t u, uint32_t from, uint32_t to)
{
    VCI_CHECK(vci_reserve((void **)&dr->mover, &dr->movers_cap, (dr->nmovers + 1) * 3,
                          sizeof *dr->mover));
    dr->mover[dr->nmovers * 3] = u;
    dr->mover[dr->nmovers * 3 + 1] = from;
    dr->mover[dr->nmovers * 3 + 2] = to;
    dr->nmovers++;
    return VC_OK;
}

/* Movers and the flow between communities (flow[from * ncomm + to]). */
static vc_status compare(vc_drift *dr, const uint32_t *start, const uint32_t *hard,
                         uint32_t nusers, uint32_t *flow)
{
    uint32_t nc = dr->ncomm;
    for (uint32_t u = 0; u < VCI_MIN(nusers, dr->nusers); u++) {
        /* every clustering the user is in, before or after, by first community */
        for (int side = 0; side < 2; side++) {
            const uint32_t *st = side ? start : dr->start, *hd = side ? hard : dr->hard;
            for (uint32_t i = st[u]; i < st[u + 1]; i++) {
                uint32_t t = dr->topic[hd[i]];
                uint32_t from = hard_in(dr, dr->start, dr->hard, u, t);
                uint32_t to = hard_in(dr, start, hard, u, t);
                if (side == 1 && from != UINT32_MAX)
                    continue; /* counted from the before side */
                if (from != UINT32_MAX && to != UINT32_MAX)
                    flow[(size_t)from * nc + to]++;
                if (from != to)
                    VCI_CHECK(add_mover(dr, u, from, to));
            }
        }
    }
    return VC_OK;
}

static void judge(vc_drift *dr, const uint32_t *flow, const vc_options *opts)
{
    double change = vci_opt_float(opts, VCI_OPT_DRIFT_CHANGE);
    double split = vci_opt_float(opts, VCI_OPT_DRIFT_SPLIT);
    uint32_t nc = dr->ncomm;
    for (uint32_t c = 0; c < nc; c++) {
        double b = dr->before[c], a = dr->after[c];
        uint32_t f = 0;
        if (b == 0 && a > 0)
            f |= VC_DRIFT_NEW;
        else if (a - b >= VCI_MAX(change * b, 1.0))
            f |= VC_DRIFT_GREW;
        else if (b - a >= VCI_MAX(change * b, 1.0))
            f |= VC_DRIFT_SHRANK;
        dr->split_into[c] = UINT32_MAX;
        uint32_t moved = 0, stayed = flow[(size_t)c * nc + c];
        for (uint32_t d = 0; d < nc; d++)
            if (d != c && flow[(size_t)c * nc + d] > moved) {
                moved = flow[(size_t)c * nc + d];
                dr->split_into[c] = d;
            }
        if (b > 0 && moved >= split * b && stayed >= split * b)
            f |= VC_DRIFT_SPLIT;
        else
            dr->split_into[c] = UINT32_MAX;
        dr->flags[c] = f;
    }
}

VC_API vc_status vc_drift_end(vc_drift *dr, const vc_communities *cm,
                              const vc_options *opts)
{
    vci_clear_error();
    VCI_REQUIRE(dr && cm, "vc_drift_end: NULL drift or communities");
    if (dr->ended)
        return vci_error(VC_ERR_STATE, "vc_drift_end: this report is already complete");
    if (cm->ncomm != dr->ncomm)
        return vci_error(VC_ERR_STATE, "vc_drift_end: %u communities now, %u in the "
                         "snapshot (rebuilt rather than updated?)", cm->ncomm, dr->ncomm);
    uint32_t nc = dr->ncomm, *start = NULL, *hard = NULL;
    size_t cells;
    /* a retry after a failed end starts over */
    vci_free(dr->before);
    vci_free(dr->after);
    vci_free(dr->flags);
    vci_free(dr->split_into);
    dr->nmovers = 0;
    if (!vci_mul_ok(VCI_MAX(nc, 1u), VCI_MAX(nc, 1u), &cells))
        return VC_ERR_NOMEM;
    uint32_t *flow = vci_calloc(cells, sizeof *flow);
    dr->before = vci_calloc((size_t)nc + 1, sizeof *dr->before);
    dr->after = vci_calloc((size_t)nc + 1, sizeof *dr->after);
    dr->flags = vci_calloc((size_t)nc + 1, sizeof *dr->flags);
    dr->split_into = vci_calloc((size_t)nc + 1, sizeof *dr->split_into);
    vc_status s = flow && dr->before && dr->after && dr->flags && dr->split_into
                      ? hard_memberships(cm, &start, &hard) : VC_ERR_NOMEM;
    if (s == VC_OK) {
        for (uint32_t i = 0; i < dr->start[dr->nusers]; i++)
            dr->before[dr->hard[i]]++;
        for (uint32_t i = 0; i < start[cm->nusers]; i++)
            dr->after[hard[i]]++;
        s = compare(dr, start, hard, cm->nusers, flow);
    }
    if (s == VC_OK) {
        judge(dr, flow, opts);
        dr->ended = true;
    } else {
        dr->nmovers = 0;
    }
    vci_free(flow);
    vci_free(start);
    vci_free(hard);
    return s;
}

VC_API size_t vc_drift_mover_count(const vc_drift *dr)
{
    return dr && dr->ended ? dr->nmovers : 0;
}

VC_API vc_status vc_drift_mover(const vc_drift *dr, size_t i, size_t *user,
                                uint32_t *from, uint32_t *to)
{
    vci_clear_error();
    VCI_REQUIRE(dr, "vc_drift_mover: drift is NULL");
    if (!dr->ended || i >= dr->nmovers)
        return vci_error(VC_ERR_RANGE, "mover %zu out of range (%zu)", i,
                         dr->ended ? dr->nmovers : 0);
    if (user)
        *user = dr->mover[i * 3];
    if (from)
        *from = dr->mover[i * 3 + 1];
    if (to)
        *to = dr->mover[i * 3 + 2];
    return VC_OK;
}

VC_API size_t vc_drift_community_count(const vc_drift *dr)
{
    return dr && dr->ended ? dr->ncomm : 0;
}

VC_API vc_status vc_drift_community(const vc_drift *dr, size_t c, size_t *before,
                                    size_t *after, unsigned *flags,
                                    uint32_t *split_into)
{
    vci_clear_error();
    VCI_REQUIRE(dr, "vc_drift_community: drift is NULL");
    if (!dr->ended || c >= dr->ncomm)
        return vci_error(VC_ERR_RANGE, "community %zu out of range (%u)", c,
                         dr->ended ? dr->ncomm : 0);
    if (before)
        *before = dr->before[c];
    if (after)
        *after = dr->after[c];
    if (flags)
        *flags = dr->flags[c];
    if (split_into)
        *split_into = dr->split_into[c];
    return VC_OK;
}
