/*
 * recommend.h - community-based recommendation, targeting and evaluation.
 *
 * The recommender index (index.c) is derived from a vc_communities on first
 * use and cached in it (built once under the communities' lazy mutex, then
 * read-only, so queries from many threads are safe):
 *  - per community c and item i: pop[c][i], the strength- and time-decay
 *    weighted share of the community's members who interacted with i, and
 *    (explicit data) mean[c][i], the members' mean rating shrunk toward the
 *    item's mean with recommend.prior pseudo-ratings; score[c][i] combines
 *    them (see index.c);
 *  - per user: the norm of its interaction vector (for cosine) and a
 *    unit-length taste embedding of recommend.rank dimensions (embed.c),
 *    compared with the SIMD kernels to find neighbours;
 *  - per community (pools.c, on the index's first use): its
 *    recommend.pool strongest members' embeddings packed for the kernels.
 */
#ifndef VCOMM_RECOMMEND_H
#define VCOMM_RECOMMEND_H

#include "community.h"
#include "core.h"
#include "kernels.h"

/* The neighbour pools of an index (pools.c): per community its
 * recommend.pool strongest members' embeddings, packed for the kernels. */
typedef struct vci_rec_pools {
    uint32_t ncomm;
    uint32_t per_comm;          /* the recommend.pool they were built for */
    const vci_kernels *kern;    /* the kernels they were packed for */
    uint32_t *n;                /* [ncomm] members packed */
    uint32_t **user;            /* [ncomm] those members, strongest first */
    float **emb;                /* [ncomm] their embeddings, aligned rows */
    vci_cpack *pack;            /* [ncomm] emb packed for inner products */
} vci_rec_pools;

typedef struct vci_rec_index {
    uint32_t ncomm, nitems, nusers;
    float *score;         /* [ncomm * nitems] */
    float *pop;           /* [ncomm * nitems] */
    float *mean;          /* [ncomm * nitems] or NULL (implicit data) */
    float *user_norm;     /* [nusers] */
    float *item_pop;      /* [nitems] global share of users */
    float *user_emb;      /* [nusers * emb_stride], 64-byte aligned, unit rows */
    float *user_scale;    /* [nusers] length of the user's row before scaling */
    float *item_emb;      /* [nitems * emb_stride], aligned: item factors */
    uint32_t rank, emb_stride;
    float max_value;      /* largest event value (rating scale) */
    bool explicit_ratings;
    /* the sums behind pop and mean (index.c), kept so that an update
     * applies the touched users' changes instead of recounting; NULL in an
     * index loaded from a model file that does not store them */
    float *pop_sum;       /* [ncomm * nitems] decayed to t_ref */
    float *rate_sum;      /* [ncomm * nitems] or NULL (implicit data) */
    float *weight_sum;    /* [ncomm * nitems] or NULL (implicit data) */
    double *total;        /* [ncomm] members' strengths */
    int64_t t_ref;        /* time the decay of pop_sum refers to */
    double half_life;     /* seconds, as the sums were counted (0 = none) */
    uint32_t ds_generation; /* the data set generation the sums reflect */
    /* derived on the index's first use (vci_rec_index_get, under the
     * communities' lazy mutex): pools is valid once pools_ready is set,
     * and may be NULL (queries then gather the pool members' rows) */
    vci_rec_pools *pools;
    _Atomic(bool) pools_ready;
} vci_rec_index;

/** Build the pools of ix (the index of cm) for opts' recommend.pool and
 *  kernel; *out = NULL (not an error) when the pools would be too large to
 *  pack or the index has no embeddings. */
vc_status vci_rec_pools_build(vci_rec_pools **out, const vc_communities *cm,
                              const vci_rec_index *ix, const vc_options *opts);
void vci_rec_pools_free(vci_rec_pools *p);

/** Largest recommend.rank. */
#define VCI_REC_MAX_RANK 128

/** Fill ix->user_emb, user_scale, item_emb, rank, emb_stride (embed.c); needs ix->max_value and
 *  ix->explicit_ratings. */
vc_status vci_rec_embed(vci_rec_index *ix, const vc_dataset *ds,
                        const vc_options *opts, vci_pool *pool);

/** Taste embeddings from the item factors of an earlier index (old):
 *  every user's e_u = A_u V / |A_u V| with V = old's item factors (zero for
 *  items added since), as vci_rec_embed computes them after fitting V. */
vc_status vci_rec_embed_fold(vci_rec_index *ix, const vc_dataset *ds,
                             const vci_rec_index *old, vci_pool *pool);
/** The same for the listed users only, row k of users[k] into emb[k *
 *  emb_stride] and scale[k] (ix gets old's item factors; its user arrays
 *  are not touched). */
vc_status vci_rec_embed_fold_rows(vci_rec_index *ix, const vc_dataset *ds,
                                  const vci_rec_index *old, const uint32_t *users,
                                  size_t nusers, float *emb, float *scale, vci_pool *pool);

/** The length of user u's interaction vector (for cosine: user_norm). */
float vci_rec_user_norm(const vc_dataset *ds, const vci_rec_index *ix, uint32_t u);

/** Free an index (the communities' lazy_free hook). */
void vci_rec_index_free(void *index);
/** The index of updated communities from the index of their previous
 *  state (the communities' lazy_refit hook): the item factors kept; with
 *  prior (the memberships cm was assigned from, same community set), the
 *  community sums carried over with only the touched users' changes,
 *  otherwise counted anew. */
vc_status vci_rec_index_refit(const vc_communities *cm, const void *old,
                              const vc_options *opts, const vci_prior *prior,
                              void **out);

/** The index of cm, built on first call. */
vc_status vci_rec_index_get(const vc_communities *cm, const vc_options *opts,
                            const vci_rec_index **out);

/** A user's interaction value for an event: the rating scaled to (0, 1]
 *  for explicit data, 1 otherwise. */
static inline float vci_rec_value(const vci_rec_index *ix, float v)
{
    return ix->explicit_ratings && ix->max_value > 0 ? v / ix->max_value : 1.0f;
}

/* Per-thread scratch of a query (query.c). */
typedef struct vci_rec_scratch {
    float *comm;      /* [nitems] community score */
    float *nb;        /* [nitems] neighbour score */
    uint16_t *nbcnt;  /* [nitems] neighbours who have the item */
    float *uvec;      /* [nitems] the user's interaction vector */
    uint8_t *seen;    /* [nitems] excluded items */
    uint32_t *nbitem; /* [nitems] items with a neighbour score, first-touch order */
    size_t nnbitem;
    uint32_t *pool;   /* candidate neighbours */
    float *sim;
    size_t pool_cap, sim_cap;
    uint32_t *nbr;    /* [recommend.neighbours] chosen neighbours */
    size_t nbr_cap;
    float max_comm, max_nb; /* over the items still allowed */
    uint32_t *mark;      /* [nusers] stamp of the query that pooled a user */
    uint32_t stamp;
    const float **rows;  /* pool members' embeddings */
    size_t rows_cap;
    const vci_kernels *kern;
    vci_cpack pack;      /* the querying user's embedding */
    bool packed;
} vci_rec_scratch;

vc_status vci_rec_scratch_init(vci_rec_scratch *s, size_t nitems,
                               const vc_options *opts);
void vci_rec_scratch_free(vci_rec_scratch *s);

/* One recommended item with the evidence behind it. */
typedef struct vci_rec_item {
    uint32_t item;
    float score;
    uint32_t community;   /* the community contributing most */
    uint16_t neighbours;  /* neighbours who interacted with it */
    bool by_neighbours;   /* the neighbour part dominates the score */
} vci_rec_item;

/**
 * Top-n for a user into out[0..*count). exclude: extra item indices never
 * recommended (may be NULL); category: only items of this topic (UINT32_MAX
 * = any).
 */
vc_status vci_recommend_user(const vc_communities *cm,
                             const vci_rec_index *ix, const vc_options *opts,
                             uint32_t user, size_t n, const uint32_t *exclude,
                             size_t nexclude, uint32_t category,
                             vci_rec_scratch *scratch, vci_rec_item *out,
                             size_t *count);

/** Write a readable reason for a recommended item into buf. */
void vci_rec_reason(const vc_communities *cm, const vci_rec_index *ix,
                    const vci_rec_item *r, char *buf, size_t size);

/** Select the n best of score[0..m) (NAN / -INF never chosen) into
 *  idx[0..*count), best first, ties by lower index. Allocates only for
 *  n > VCI_TOP_N_LOCAL (VC_ERR_NOMEM). */
#define VCI_TOP_N_LOCAL 64
vc_status vci_top_n(const float *score, size_t m, size_t n, uint32_t *idx,
                    size_t *count);

#endif /* VCOMM_RECOMMEND_H */
