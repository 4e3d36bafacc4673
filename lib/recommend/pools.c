/*
 * pools.c - the neighbour pools of a recommender index: for every
 * community its recommend.pool strongest members (the community's member
 * list is stored strongest first), their taste embeddings copied into one
 * aligned block and packed for the kernels' inner products. A query then
 * scores a pool with one kernel call of the user's embedding against the
 * packed members (every vector lane busy), instead of packing the user
 * and gathering the members' rows one by one.
 *
 * Members without events (user_norm 0) are left out: a query gives them
 * similarity -INFINITY and never picks them, so the pools hold the rest.
 * Invariants: user[c] lists, in member order, the members with events
 * among the first min(members of c, per_comm); row j of emb[c] is the
 * embedding of user[c][j]; packs are built with `kern`.
 * The pools are derived data: built on the index's first use
 * (vci_rec_index_get), never saved, rebuilt with every new index.
 */
#include "recommend.h"

/* Pools are packed only up to this many members per community (beyond,
 * queries gather the members' rows as they did before the pools). */
#define MAX_POOL_PACKED 4096

void vci_rec_pools_free(vci_rec_pools *p)
{
    if (!p)
        return;
    for (uint32_t c = 0; c < p->ncomm; c++) {
        vci_cpack_free(&p->pack[c]);
        vci_aligned_free(p->emb[c]);
        vci_free(p->user[c]);
    }
    vci_free(p->n);
    vci_free(p->user);
    vci_free(p->emb);
    vci_free(p->pack);
    vci_free(p);
}

static vc_status pack_community(vci_rec_pools *p, const vc_communities *cm,
                                const vci_rec_index *ix, uint32_t c)
{
    uint32_t b = cm->comm_start[c];
    uint32_t m = (uint32_t)VCI_MIN((size_t)(cm->comm_start[c + 1] - b), (size_t)p->per_comm);
    uint32_t n = 0;
    for (uint32_t j = 0; j < m; j++)
        n += ix->user_norm[cm->comm_user[b + j]] > 0;
    p->n[c] = n;
    if (n == 0)
        return VC_OK;
    p->user[c] = vci_calloc(n, sizeof *p->user[c]);
    p->emb[c] = vci_aligned_calloc((size_t)n * ix->emb_stride, sizeof(float));
    if (!p->user[c] || !p->emb[c])
        return VC_ERR_NOMEM;
    n = 0;
    for (uint32_t j = 0; j < m; j++) {
        uint32_t v = cm->comm_user[b + j];
        if (!(ix->user_norm[v] > 0))
            continue;
        p->user[c][n] = v;
        memcpy(p->emb[c] + (size_t)n * ix->emb_stride,
               ix->user_emb + (size_t)v * ix->emb_stride, ix->emb_stride * sizeof(float));
        n++;
    }
    return vci_cpack_init(&p->pack[c], p->kern, VCI_PACK_DOT, p->emb[c], n,
                          ix->emb_stride, ix->rank);
}

vc_status vci_rec_pools_build(vci_rec_pools **out, const vc_communities *cm,
                              const vci_rec_index *ix, const vc_options *opts)
{
    *out = NULL;
    int64_t per_comm = vci_opt_int(opts, VCI_OPT_RECOMMEND_POOL);
    if (!ix->user_emb || ix->rank == 0 || per_comm > MAX_POOL_PACKED)
        return VC_OK; /* queries gather the rows instead */
    vci_rec_pools *p = vci_calloc(1, sizeof *p);
    if (!p)
        return VC_ERR_NOMEM;
    p->per_comm = (uint32_t)per_comm;
    p->kern = vci_kernels_select(opts);
    size_t nc = VCI_MAX(cm->ncomm, 1u);
    p->n = vci_calloc(nc, sizeof *p->n);
    p->user = vci_calloc(nc, sizeof *p->user);
    p->emb = vci_calloc(nc, sizeof *p->emb);
    p->pack = vci_calloc(nc, sizeof *p->pack);
    vc_status s = p->n && p->user && p->emb && p->pack ? VC_OK : VC_ERR_NOMEM;
    if (s == VC_OK)
        p->ncomm = cm->ncomm;
    for (uint32_t c = 0; s == VC_OK && c < cm->ncomm; c++)
        s = pack_community(p, cm, ix, c);
    if (s != VC_OK) {
        vci_rec_pools_free(p);
        return s;
    }
    *out = p;
    return VC_OK;
}
