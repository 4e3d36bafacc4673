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

    uint32_t *tag_id;       /* portrait tag ids */
    float *tag_weight;
    size_t ntag, tag_cap;

    /* Indexes later stages derive from the communities on first use
     * (lib/recommend): built once under lazy_mu, then read-only. */
    pthread_mutex_t lazy_mu;
    _Atomic(void *) lazy_index;
    void (*lazy_free)(void *index);
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
/** Turn the staged memberships into both CSR indexes. */
vc_status vci_membership_index(vc_communities *cm,
                               const vci_membership_list *list);
/** Per-community silhouette over a sample of the clustering. */
vc_status vci_community_silhouettes(vc_communities *cm,
                                    const vci_clustering *cl,
                                    uint32_t first_comm, uint64_t seed);
/** Names, personas and tags of every community (persona.c). */
vc_status vci_personas_build(vc_communities *cm);

#endif /* VCOMM_COMMUNITY_H */
