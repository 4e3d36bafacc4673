/*
 * community.h - the internal layout of vc_communities: global segments and
 * topic sub-communities built from portraits, overlapping memberships,
 * personas and tags.
 *
 * Invariants once built:
 *  - communities [0, nglobal) are the global segments, then the
 *    sub-communities of each topic, topic by topic; within each clustering
 *    communities are ordered by size, largest first;
 *  - memberships by user: mem_comm/mem_strength[mem_start[u] ..
 *    mem_start[u+1]), strongest first; by community: comm_user /
 *    comm_strength[comm_start[c] .. comm_start[c+1]), strongest first (ties
 *    by user index); strengths within one clustering sum to 1 for a user
 *    before the community.min_strength cut; every clustered user keeps its
 *    nearest community;
 *  - centroid_raw[c * ncols ..] is the mean readable portrait of the hard
 *    members of c; centroid_feat[c * stride ..] the k-means centroid in
 *    feature space with the clustering's topic weighting undone.
 * Communities borrow the portraits (and so the data set).
 */
#ifndef VCOMM_COMMUNITY_H
#define VCOMM_COMMUNITY_H

#include <pthread.h>
#include <stdatomic.h>

#include "core.h"
#include "portrait.h"

typedef struct vci_community {
    uint32_t topic;       /* UINT32_MAX for a global segment */
    uint32_t size;        /* hard members */
    float share;          /* size / users clustered in its clustering */
    float silhouette;     /* mean over its sampled members */
    size_t name;          /* offsets in strings */
    size_t persona;
    uint32_t tag_begin, tag_end;  /* into tag_id / tag_weight */
    float temperature;    /* T of the membership strengths of its clustering */
    uint32_t reserved;    /* 0 (keeps the record 48 bytes in model files) */
} vci_community;

struct vci_prior;
/* The lazy index of updated communities cm from old, the index of their
 * previous state, whose memberships prior gives (NULL after a refresh:
 * nothing carries over). */
typedef vc_status (*vci_index_refit_fn)(const vc_communities *cm, const void *old,
                                        const vc_options *opts,
                                        const struct vci_prior *prior, void **out);

struct vc_communities {
    const vc_portraits *pt;
    vci_strpool strings;
    uint32_t ncomm, nglobal, cap;
    vci_community *comm;
    uint32_t ncols, stride;
    float *centroid_raw;    /* [ncomm * ncols] */
    float *centroid_feat;   /* [ncomm * stride] (aligned) */

    uint32_t *mem_start;    /* [nusers + 1] */
    uint32_t *mem_comm;
    float *mem_strength;
    uint32_t *comm_start;   /* [ncomm + 1] */
    uint32_t *comm_user;
    float *comm_strength;
    size_t mem_room;        /* entries mem_comm, mem_strength, comm_user and
                               comm_strength have room for (an assignment
                               rewrites them in place) */

    uint32_t *tag_id;       /* portrait tag ids */
    float *tag_weight;
    size_t ntag, tag_cap;

    /* the portraits as the memberships reflect them (update.c): their
     * users and their version */
    uint32_t nusers, pt_version;

    /* Indexes later stages derive from the communities on first use
     * (lib/recommend): built once under lazy_mu, then read-only. */
    pthread_mutex_t lazy_mu;
    _Atomic(void *) lazy_index;
    void (*lazy_free)(void *index);
    /* the index of updated communities from the old one (update.c) */
    vci_index_refit_fn lazy_refit;
};

/* One clustering (global, or the members of a topic) while it is built. */
typedef struct vci_clustering {
    uint32_t topic;        /* UINT32_MAX = global */
    uint32_t *users;       /* [n] the users clustered */
    size_t n;
    uint32_t k;
    float *x;              /* [n * stride] their (topic-weighted) features */
    float *centroids;      /* [k * stride] */
    uint32_t *labels;      /* [n] */
    float *colscale;       /* [stride] column weights applied to x */
} vci_clustering;

/** Add the communities of one finished clustering: sizes, centroids,
 *  soft memberships (appended to the staging lists), silhouettes. */
typedef struct vci_membership_list {
    uint32_t *user, *comm;
    float *strength;
    size_t n, cap;
} vci_membership_list;

vc_status vci_membership_add(vc_communities *cm, const vci_clustering *cl,
                             uint32_t first_comm, const vc_options *opts,
                             vci_membership_list *list);
/** Turn the staged memberships into both CSR indexes (with room for an
 *  eighth more entries, untouched until an assignment needs it). */
vc_status vci_membership_index(vc_communities *cm,
                               const vci_membership_list *list);
/** Build one CSR index (start over nkeys keys; ids, strengths strongest
 *  first, ties by id) from the list, keyed by key[] with the other id
 *  other[]; ids and strengths have room for max(room, l->n) entries. */
vc_status vci_membership_csr(const vci_membership_list *l, const uint32_t *key,
                             const uint32_t *other, size_t nkeys, size_t room,
                             uint32_t **start_out, uint32_t **ids_out, float **str_out);

/* Memberships of some users, in both orders (membership_replace.c). */
typedef struct vci_member_set {
    uint32_t *user_start;     /* [nusers + 1] (users outside the set: none) */
    uint32_t *user_comm;
    float *user_strength;
    uint32_t *comm_start;     /* [ncomm + 1] */
    uint32_t *comm_user;      /* strongest first, ties by user */
    float *comm_strength;
} vci_member_set;

void vci_member_set_free(vci_member_set *s);

/* Replacing the memberships of some users in the two CSR indexes, in
 * place. The arrays have room for both layouts' entries; users the
 * current layout lacks count as replaced, and so must (flagged) every user
 * the new layout lacks. */
typedef struct vci_member_replace {
    uint32_t *mem_comm, *comm_user;      /* the arrays, rewritten */
    float *mem_strength, *comm_strength;
    uint32_t ncomm;
    const uint32_t *cur_mem_start;       /* [cur_nusers + 1] their layout now */
    const uint32_t *cur_comm_start;      /* [ncomm + 1] */
    uint32_t cur_nusers;
    const uint8_t *replaced;             /* [cur_nusers] the users replaced */
    const vci_member_set *with;          /* their new memberships (users
                                            over out_nusers) */
    uint32_t out_nusers;
    uint32_t *out_mem_start;             /* [out_nusers + 1] the new layout */
    uint32_t *out_comm_start;            /* [ncomm + 1] */
    vci_member_set *removed;             /* NULL, or gets the replaced users'
                                            memberships now (users over
                                            cur_nusers; arrays allocated by
                                            the caller to the plan's sizes) */
} vci_member_replace;

/** Write the new layout (out_mem_start, out_comm_start; the starts of
 *  removed) and return the entries it holds; reads only the replaced
 *  users' entries. */
size_t vci_member_replace_plan(const vci_member_replace *r);
/** Rewrite the arrays into the planned layout (two threads; cannot fail;
 *  allocates nothing). */
void vci_member_replace_run(const vci_member_replace *r, vci_pool *pool);

/* The memberships of communities as they were before an assignment
 * (what an index refit takes out): the saved ones of the reassigned users,
 * the current ones of everyone else. */
typedef struct vci_prior {
    const vc_communities *cm;     /* the communities now */
    uint32_t nusers, pt_version;  /* what they reflected before */
    const uint8_t *reassigned;    /* [nusers] */
    const vci_member_set *saved;  /* the reassigned users' memberships before */
} vci_prior;

/** User u's memberships before (none for a user that was not there). */
static inline uint32_t vci_prior_of(const vci_prior *p, uint32_t u, const uint32_t **comm,
                                    const float **strength)
{
    *comm = NULL;
    *strength = NULL;
    if (u >= p->nusers)
        return 0;
    const vci_member_set *s = p->saved;
    const vc_communities *cm = p->cm;
    uint32_t b = p->reassigned[u] ? s->user_start[u] : cm->mem_start[u];
    uint32_t e = p->reassigned[u] ? s->user_start[u + 1] : cm->mem_start[u + 1];
    *comm = (p->reassigned[u] ? s->user_comm : cm->mem_comm) + b;
    *strength = (p->reassigned[u] ? s->user_strength : cm->mem_strength) + b;
    return e - b;
}

/** Per-community silhouette over a sample of the clustering. */
vc_status vci_community_silhouettes(vc_communities *cm,
                                    const vci_clustering *cl,
                                    uint32_t first_comm, uint64_t seed);
/** Names, personas and tags of every community (persona.c; pool: the
 *  threads that count the members' tags, may be NULL). */
vc_status vci_personas_build(vc_communities *cm, vci_pool *pool);

/** Append one membership. */
vc_status vci_membership_append(vci_membership_list *list, uint32_t user,
                                uint32_t comm, float strength);
/** Append user's memberships of one clustering given the squared distances
 *  d[0..k) to its centroids (best = the nearest) and its temperature. */
vc_status vci_membership_soft(vci_membership_list *list, uint32_t user,
                              uint32_t first_comm, const float *d, size_t k,
                              uint32_t best, double temp, double min_strength);

/** The topics on which user u has at least min_events events, into
 *  topics[0..*n) (count and topics are scratch of ntopics entries; count
 *  must be zero and is left zero). */
void vci_engaged_topics(const vc_portraits *pt, uint32_t u, uint32_t min_events,
                        uint32_t *count, uint32_t *topics, size_t *n);

/** An empty communities object over pt (the mutex initialised). */
vc_status vci_communities_new(vc_communities **out, const vc_portraits *pt);
/** Cluster as vc_cluster_run does into the empty cm; with warm, every
 *  clustering of warm is run again from its centroids (same topics, same
 *  k, community ids kept) instead of being chosen and seeded. */
vc_status vci_communities_run(vc_communities *cm, const vc_options *opts,
                              const vc_communities *warm);
/** Exchange the contents of a and b (everything but the lazy mutex). */
void vci_communities_swap(vc_communities *a, vc_communities *b);
/** VC_ERR_STATE unless cm reflects its portraits and they their data set
 *  (fn names the caller in the message). */
vc_status vci_communities_current(const vc_communities *cm, const char *fn);

#endif /* VCOMM_COMMUNITY_H */
