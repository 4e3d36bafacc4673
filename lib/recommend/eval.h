/*
 * eval.h - offline evaluation: held-out splits, baseline recommenders and
 * ranking metrics (split.c, baselines.c, metrics.c, eval.c).
 */
#ifndef VCOMM_EVAL_H
#define VCOMM_EVAL_H

#include "core.h"
#include "dataset.h"

/* A split: the training data set (same user and item indices as the
 * original) and each user's held-out events. */
typedef struct vci_split {
    vc_dataset *train;
    uint64_t *test_start;   /* [nusers + 1] */
    uint32_t *test_item;
    float *test_value;
} vci_split;

/** Split by spec "temporal:F" (each user's last fraction F of events),
 *  "random:F" (a random fraction, by the seed) or "last:N" (each user's
 *  last N events). Users keep at least one training event. */
vc_status vci_split_make(vci_split *sp, const vc_dataset *ds,
                         const char *spec, uint64_t seed,
                         const vc_options *opts);
void vci_split_free(vci_split *sp);

/* Baselines over a training set (baselines.c). */
typedef struct vci_baselines vci_baselines;
vc_status vci_baselines_new(vci_baselines **out, const vc_dataset *train,
                            bool item_knn);
void vci_baselines_free(vci_baselines *b);
typedef enum vci_baseline {
    VCI_BASE_POPULARITY, VCI_BASE_USER_KNN, VCI_BASE_ITEM_KNN
} vci_baseline;
/** Top-n unseen items of user u by the baseline into idx[0..*count).
 *  Not thread-safe (uses the object's scratch). */
vc_status vci_baseline_query(vci_baselines *b, vci_baseline which, uint32_t u,
                             size_t n, uint32_t *idx, size_t *count);
bool vci_baselines_has_item_knn(const vci_baselines *b);

/* Ranking metrics at k of one user's list (metrics.c). */
typedef struct vci_metrics {
    double precision, recall, ndcg, hit_rate, map;
} vci_metrics;
/** rel: the relevant items, sorted ascending (nrel > 0). */
void vci_rank_metrics(const uint32_t *list, size_t nlist, size_t k,
                      const uint32_t *rel, size_t nrel, vci_metrics *out);

#endif /* VCOMM_EVAL_H */
