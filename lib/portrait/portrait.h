/*
 * portrait.h - the internal layout of vc_portraits and the pieces that
 * build it: topics (categories, or keywords derived from item text), the
 * column schema, the fact / model / predictive layers, tags, and the
 * standardised feature matrix the cluster and recommend stages read.
 *
 * Invariants once built:
 *  - raw[u * ncols + c] is the readable value of column c for user u
 *    (shares in [0,1], days, ratings ...); feat rows are 64-byte aligned,
 *    stride floats apart (stride = ncols rounded up to 16, padding zero),
 *    feat = (raw - col_mean) / col_std * col_weight (0 for constant columns);
 *  - the columns of one group are contiguous and groups of one layer are
 *    contiguous, in layer order fact, model, predictive;
 *  - tags of user u are tag_id/tag_weight[tag_start[u] .. tag_start[u+1]),
 *    heaviest first;
 *  - raw, feat and row_version may hold room for more than nusers rows (an
 *    update grows them before it commits); rows from nusers on mean
 *    nothing.
 * The portraits borrow the data set: it must outlive them.
 */
#ifndef VCOMM_PORTRAIT_H
#define VCOMM_PORTRAIT_H

#include "core.h"
#include "dataset.h"

/* ---- topics (topics.c) ---------------------------------------------------- */

/* What "category" means for portraits and communities: the data set's
 * categories when it has any, otherwise keywords derived from item titles. */
typedef struct vci_topics {
    uint32_t ntopics;
    size_t *name;            /* [ntopics] offsets into *pool */
    const vci_strpool *pool; /* the data set's strings or own_names */
    vci_strpool own_names;
    uint32_t *item_start;    /* [nitems + 1] CSR */
    uint32_t *item_topic;
    bool derived;            /* keywords rather than categories */
} vci_topics;

vc_status vci_topics_build(vci_topics *t, const vc_dataset *ds,
                           const vc_options *opts);
/** The item CSR of t extended from old_nitems to ds->nitems items, keeping
 *  the topic set (new items get the topics among their categories, or the
 *  topic words of their titles). New arrays into *start / *topic. */
vc_status vci_topics_extend(const vci_topics *t, uint32_t old_nitems,
                            const vc_dataset *ds, uint32_t **start,
                            uint32_t **topic);
void vci_topics_free(vci_topics *t);
static inline const char *vci_topic_name(const vci_topics *t, uint32_t k)
{
    return vci_strpool_str(t->pool, t->name[k]);
}

/* ---- schema (schema.c) ----------------------------------------------------- */

typedef enum vci_layer {
    VCI_LAYER_FACT = 0,
    VCI_LAYER_MODEL = 1,
    VCI_LAYER_PREDICTIVE = 2
} vci_layer;

extern const char *const vci_layer_names[3];

typedef struct vci_column {
    vci_layer layer;
    size_t group;   /* offset in the schema's strings: "category_share" */
    size_t name;    /* "Drama" */
    float weight;   /* group weight / sqrt(columns in group) * layer weight */
} vci_column;

typedef struct vci_schema {
    vci_column *cols;
    uint32_t ncols, cap;
    vci_strpool strings;
} vci_schema;

void vci_schema_init(vci_schema *s);
void vci_schema_free(vci_schema *s);
/** Append a column; *index receives its number. */
vc_status vci_schema_add(vci_schema *s, vci_layer layer, const char *group,
                         const char *name, uint32_t *index);
/** Set each column's weight from group weights (set per column by the
 *  caller as the group's weight) and the layer weights. */
void vci_schema_balance(vci_schema *s, const double layer_weight[3]);

/* ---- the portraits --------------------------------------------------------- */

typedef struct vci_tag_def {
    size_t name;    /* offset in strings */
} vci_tag_def;

/* Where the layers put the columns other stages look up by meaning. */
typedef struct vci_column_map {
    uint32_t share;        /* first of ntopics category_share columns */
    uint32_t rating;       /* first of ntopics category_rating, or UINT32_MAX */
    uint32_t affinity;     /* first of ntopics category_affinity */
    uint32_t events, per_week, recency, tenure;
    uint32_t rating_mean, rating_spread;  /* UINT32_MAX when implicit */
    uint32_t monetary, frequency;         /* UINT32_MAX without purchases */
    uint32_t entropy, weekend, night;
    uint32_t churn, propensity;
    uint32_t fact_begin, fact_end;        /* fact layer columns */
} vci_column_map;

struct vc_portraits {
    const vc_dataset *ds;
    vci_topics topics;
    vci_schema schema;
    vci_column_map map;
    uint32_t nusers, ncols, stride;
    float *raw;        /* [nusers * ncols] */
    float *feat;       /* [nusers * stride], aligned */
    float *col_mean;   /* [ncols] of raw */
    float *col_std;    /* [ncols] of raw */
    double z_clip;     /* the portrait.z_clip feat was standardised with */
    bool explicit_ratings;
    bool purchases;

    /* what the rows reflect (update.c): the data set's generation, items
     * and end of time when they were last computed; version counts the
     * updates, row_version[u] (NULL = all 0) the update that last
     * recomputed row u */
    uint32_t ds_generation, nitems;
    int64_t time_last;
    uint32_t version;
    uint32_t *row_version;

    /* tags */
    vci_strpool tag_names;
    size_t *tag_name;  /* [ntags] offsets */
    uint32_t ntags, tag_cap;
    uint32_t *tag_start; /* [nusers + 1] */
    uint32_t *tag_id;
    float *tag_weight;
    size_t tag_room;     /* entries tag_id and tag_weight have room for (an
                            update writes its tags there when they fit) */
};

/* The layer builders (fact.c, behaviour.c, predictive.c): each first adds
 * its columns to the schema (plan), then fills raw for every user (fill). */
vc_status vci_fact_plan(vc_portraits *pt, void **state);
vc_status vci_fact_fill(vc_portraits *pt, void *state, vci_pool *pool);
/** The fact columns of the given users, planned again on the data set as
 *  it is now and matched to pt's columns by group and name, into rows
 *  (row i: users[i], ncols floats, zero beforehand). */
vc_status vci_fact_fill_users(const vc_portraits *pt, const uint32_t *users, size_t n,
                              float *rows);
void vci_fact_free(void *state);

vc_status vci_behaviour_plan(vc_portraits *pt, const vc_options *opts);
/* The population statistics behind the behaviour layer's rating columns:
 * the mean rating and, per topic, the mean deviation of ratings from their
 * user's own mean (explicit data; zeros otherwise). */
typedef struct vci_behaviour_pop {
    double rating_mean;
    double *topic_dev;   /* [ntopics] */
} vci_behaviour_pop;

vc_status vci_behaviour_population(const vc_portraits *pt, vci_behaviour_pop *pop);
void vci_behaviour_pop_free(vci_behaviour_pop *pop);
/** Fill the behaviour columns of users[0..n) (every user when users is
 *  NULL) into rows (row i: the i-th user, ncols floats, zero beforehand). */
vc_status vci_behaviour_fill(const vc_portraits *pt, const vc_options *opts,
                             vci_pool *pool, const vci_progress *progress,
                             const vci_behaviour_pop *pop, const uint32_t *users,
                             size_t n, float *rows);

/* The raw rows of users [0, nusers) as a computation sees them: user
 * users[i] (users increasing, n of them) has the row side + i * ncols,
 * every other user its row of raw. An update reads the rows it is about to
 * commit this way (update.c); vci_rows_of(pt) is pt's own rows. */
typedef struct vci_rows {
    const float *raw;
    uint32_t nusers, ncols;
    const uint32_t *users;
    size_t n;
    const float *side;
} vci_rows;

/* What the predictive layer learns from every user (predictive.c). */
typedef struct vci_predictive_fit {
    size_t rank;        /* 0: affinity is the share itself */
    double *mean;       /* [ntopics] mean share */
    double *by_topic;   /* [ntopics * rank] the leading eigenvectors of the */
    double *by_rank;    /* [rank * ntopics] shares' covariance, both ways */
    double median_gap;  /* days, for users with fewer than two events */
} vci_predictive_fit;

vc_status vci_predictive_plan(vc_portraits *pt);
/** Fit the affinity factorisation and the median gap on rows (their
 *  fact and behaviour columns). */
vc_status vci_predictive_fit_on(vci_predictive_fit *f, const vc_portraits *pt,
                                const vci_rows *rows, const vc_options *opts,
                                vci_pool *pool);
void vci_predictive_fit_free(vci_predictive_fit *f);
/** The two halves of vci_predictive_fit_on, for a caller that runs them
 *  side by side (they set different fields of f, zeroed beforehand): the
 *  affinity factorisation (its covariance on pool's workers; NULL: on the
 *  calling thread) and the median gap. */
vc_status vci_predictive_fit_affinity(vci_predictive_fit *f, const vc_portraits *pt,
                                      const vci_rows *rows, const vc_options *opts,
                                      vci_pool *pool);
vc_status vci_predictive_fit_churn(vci_predictive_fit *f, const vc_portraits *pt,
                                   const vci_rows *rows);
/** The predictive columns of user u's raw row from its behaviour columns;
 *  cannot fail. */
void vci_predictive_apply(const vc_portraits *pt, const vci_predictive_fit *f,
                          uint32_t u, float *row);
/** Fit on pt's rows and apply to every row. */
vc_status vci_predictive_fill(vc_portraits *pt, const vc_options *opts, vci_pool *pool);

/** Column means and standard deviations of raw (build.c). */
vc_status vci_portrait_column_stats(vc_portraits *pt);
/** feat of every user from raw, col_mean, col_std and the weights, z-scores
 *  clipped at portrait.z_clip, which pt->z_clip records (build.c). */
void vci_portrait_standardise(vc_portraits *pt, const vc_options *opts);
/** feat of columns [first, end) of user u, z-scores clipped at zmax. */
void vci_portrait_standardise_cols(vc_portraits *pt, double zmax, uint32_t u,
                                   uint32_t first, uint32_t end);

/** Free the per-user arrays (raw, feat, row versions, tags) (build.c). */
void vci_portrait_free_rows(vc_portraits *pt);

/* Tags being derived (tags.c), in steps so that an update can derive them
 * while it commits its rows in place:
 *  - vci_tags_prepare makes every allocation (the tag index sized for the
 *    most tags a user can get) and the thresholds (population quantiles
 *    of the rows, on columns an update's commit leaves as they are);
 *  - vci_tags_count_block counts the tags of users [block * VCI_TAG_BLOCK,
 *    (block + 1) * VCI_TAG_BLOCK) from pt->raw; blocks are independent, so
 *    they may run in parallel;
 *  - vci_tags_fill places every user's tags from the counts (in pt's old
 *    tag arrays, grown when need be and possible, else in the bound) and writes
 *    them, block by block in parallel;
 *  - vci_tags_install installs the tags in pt (its old tags freed; tb left
 *    empty).
 * Count, fill and install cannot fail. Between fill and install pt's tag
 * arrays hold nothing valid. */
#define VCI_TAG_BLOCK 4096
typedef struct vci_tag_build {
    uint32_t nusers, ntags;
    size_t per_user;       /* the most tags a user can get */
    size_t old_room;       /* pt->tag_room when prepared */
    bool reused;           /* the tags went into pt's old arrays, */
    size_t reused_room;    /* which have room for this many (vci_tags_fill) */
    vci_strpool names;
    size_t *name;          /* [ntags] */
    uint32_t *start;       /* [nusers + 1] */
    uint32_t *id;          /* [nusers * per_user] */
    float *weight;         /* [nusers * per_user] */
    float heavy, light, spender;  /* event and spending quantiles */
    double rating_mean;
    double *pop_share;     /* [ntopics + 1] mean share per topic */
} vci_tag_build;

static inline size_t vci_tags_blocks(uint32_t nusers)
{
    return ((size_t)nusers + VCI_TAG_BLOCK - 1) / VCI_TAG_BLOCK;
}
vc_status vci_tags_prepare(vci_tag_build *tb, const vc_portraits *pt, const vci_rows *rows);
void vci_tags_count_block(const vci_tag_build *tb, const vc_portraits *pt, size_t block);
void vci_tags_fill(vci_tag_build *tb, vc_portraits *pt, vci_pool *pool);
void vci_tags_install(vci_tag_build *tb, vc_portraits *pt);
void vci_tags_discard(vci_tag_build *tb);
/** Derive every user's tags from raw: prepare, count every block (in
 *  parallel), fill, install. */
vc_status vci_tags_build(vc_portraits *pt, vci_pool *pool);

/** Eigen-decomposition of the symmetric n x n matrix a (destroyed) by
 *  cyclic Jacobi rotations (eigen.c): eigenvalues into w (unsorted),
 *  eigenvectors as the columns of v (n x n, row-major). Stops when the
 *  off-diagonal sum of squares is below tol, or after 60 sweeps. */
void vci_jacobi_eigen(double *a, size_t n, double *w, double *v, double tol);

static inline const float *vci_pt_raw(const vc_portraits *pt, uint32_t u)
{
    return pt->raw + (size_t)u * pt->ncols;
}
static inline const float *vci_pt_feat(const vc_portraits *pt, uint32_t u)
{
    return pt->feat + (size_t)u * pt->stride;
}

static inline vci_rows vci_rows_of(const vc_portraits *pt)
{
    return (vci_rows){pt->raw, pt->nusers, pt->ncols, NULL, 0, NULL};
}

/* The row of user u, for users read in increasing order: *next (0 before
 * the first user) is the position in r->users. */
static inline const float *vci_rows_next(const vci_rows *r, uint32_t u, size_t *next)
{
    if (*next < r->n && r->users[*next] == u)
        return r->side + (*next)++ * (size_t)r->ncols;
    return r->raw + (size_t)u * r->ncols;
}

#endif /* VCOMM_PORTRAIT_H */
