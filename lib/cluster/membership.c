/*
 * membership.c - overlapping membership strengths and per-community
 * silhouettes of one clustering, and the two CSR membership indexes.
 *
 * Strength of user u for community j of a clustering with squared
 * distances d_j to its centroids: exp(-(d_j - d_min) / T) normalised over
 * the clustering's communities, T = community.softness x the median of
 * d_min over the clustering's users. Memberships below
 * community.min_strength are dropped, except the nearest community.
 * Silhouettes use an evenly spaced sample of at most 1000 of the
 * clustering's users (Euclidean distances in the clustering's space).
 * Both CSR indexes list memberships strongest first (ties by id); an
 * assignment replaces the touched users' memberships in place
 * (membership_replace.c), which keeps that order without sorting everyone
 * again.
 */
#include <math.h>
#include <stdlib.h>

#include "community.h"
#include "kernels.h"

#define BLOCK 512
#define SIL_SAMPLE 1000

static int cmp_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

vc_status vci_membership_append(vci_membership_list *l, uint32_t user, uint32_t comm,
                                float strength)
{
    if (l->n == l->cap) {
        size_t cap = l->cap < 64 ? 64 : l->cap * 2;
        uint32_t *u = vci_array_realloc(l->user, cap, sizeof *u);
        if (!u)
            return VC_ERR_NOMEM;
        l->user = u;
        uint32_t *c = vci_array_realloc(l->comm, cap, sizeof *c);
        if (!c)
            return VC_ERR_NOMEM;
        l->comm = c;
        float *s = vci_array_realloc(l->strength, cap, sizeof *s);
        if (!s)
            return VC_ERR_NOMEM;
        l->strength = s;
        l->cap = cap;
    }
    l->user[l->n] = user;
    l->comm[l->n] = comm;
    l->strength[l->n++] = strength;
    return VC_OK;
}

vc_status vci_membership_soft(vci_membership_list *list, uint32_t user,
                              uint32_t first_comm, const float *d, size_t k,
                              uint32_t best, double temp, double min_strength)
{
    double sum = 0;
    for (size_t j = 0; j < k; j++)
        sum += exp(-((double)d[j] - d[best]) / temp);
    for (size_t j = 0; j < k; j++) {
        double st = exp(-((double)d[j] - d[best]) / temp) / sum;
        if (j == best || st >= min_strength)
            VCI_CHECK(vci_membership_append(list, user, first_comm + (uint32_t)j, (float)st));
    }
    return VC_OK;
}

vc_status vci_membership_add(vc_communities *cm, const vci_clustering *cl,
                             uint32_t first_comm, const vc_options *opts,
                             vci_membership_list *list)
{
    const vci_kernels *kern = vci_kernels_select(opts);
    size_t n = cl->n, k = cl->k;
    float *d = vci_calloc(BLOCK * k, sizeof *d);
    float *dmin = vci_calloc(n, sizeof *dmin);
    if (!d || !dmin) {
        vci_free(d);
        vci_free(dmin);
        return VC_ERR_NOMEM;
    }
    vci_kern_nearest(kern, cl->x, n, cm->stride, cl->centroids, k, cm->stride,
                     cm->ncols, NULL, dmin);
    qsort(dmin, n, sizeof *dmin, cmp_float);
    double softness = vci_opt_float(opts, VCI_OPT_COMMUNITY_SOFTNESS);
    double min_strength = vci_opt_float(opts, VCI_OPT_COMMUNITY_MIN_STRENGTH);
    double temp = softness * VCI_MAX((double)dmin[n / 2], 1e-6);
    for (size_t j = 0; j < k; j++)
        cm->comm[first_comm + j].temperature = (float)temp;
    vc_status s = VC_OK;
    for (size_t b = 0; b < n && s == VC_OK; b += BLOCK) {
        size_t m = VCI_MIN((size_t)BLOCK, n - b);
        vci_kern_sqdist(kern, cl->x + b * cm->stride, m, cm->stride, cl->centroids,
                        k, cm->stride, cm->ncols, d, k);
        for (size_t i = 0; i < m && s == VC_OK; i++)
            s = vci_membership_soft(list, cl->users[b + i], first_comm, d + i * k, k,
                                    cl->labels[b + i], temp, min_strength);
    }
    vci_free(d);
    vci_free(dmin);
    return s;
}

vc_status vci_community_silhouettes(vc_communities *cm,
                                    const vci_clustering *cl,
                                    uint32_t first_comm, uint64_t seed)
{
    (void)seed; /* the sample is evenly spaced, hence deterministic */
    size_t n = cl->n, k = cl->k, m = VCI_MIN(n, (size_t)SIL_SAMPLE);
    if (k < 2 || m < 2)
        return VC_OK;
    float *xs = vci_aligned_calloc(m * cm->stride, sizeof *xs);
    uint32_t *lab = vci_calloc(m, sizeof *lab);
    float *dist = vci_calloc(m * m, sizeof *dist);
    double *mean = vci_calloc(k, sizeof *mean), *cnt = vci_calloc(k, sizeof *cnt);
    double *sil = vci_calloc(k, sizeof *sil), *nsil = vci_calloc(k, sizeof *nsil);
    vc_status s = xs && lab && dist && mean && cnt && sil && nsil ? VC_OK : VC_ERR_NOMEM;
    if (s == VC_OK) {
        for (size_t i = 0; i < m; i++) {
            size_t src = i * n / m;
            memcpy(xs + i * cm->stride, cl->x + src * cm->stride, cm->stride * sizeof *xs);
            lab[i] = cl->labels[src];
        }
        const vci_kernels *kern = vci_kernels_select(NULL);
        vci_kern_sqdist(kern, xs, m, cm->stride, xs, m, cm->stride, cm->ncols, dist, m);
        for (size_t i = 0; i < m; i++) {
            for (size_t j = 0; j < k; j++)
                mean[j] = cnt[j] = 0;
            for (size_t q = 0; q < m; q++) {
                if (q == i)
                    continue;
                mean[lab[q]] += sqrt((double)dist[i * m + q]);
                cnt[lab[q]] += 1;
            }
            if (cnt[lab[i]] == 0)
                continue; /* a singleton scores 0 by convention */
            double a = mean[lab[i]] / cnt[lab[i]], b = INFINITY;
            for (size_t j = 0; j < k; j++)
                if (j != lab[i] && cnt[j] > 0)
                    b = fmin(b, mean[j] / cnt[j]);
            double si = isfinite(b) && fmax(a, b) > 0 ? (b - a) / fmax(a, b) : 0;
            sil[lab[i]] += si;
            nsil[lab[i]] += 1;
        }
        for (size_t j = 0; j < k; j++)
            cm->comm[first_comm + j].silhouette = nsil[j] > 0 ? (float)(sil[j] / nsil[j]) : 0;
    }
    vci_aligned_free(xs);
    vci_free(lab);
    vci_free(dist);
    vci_free(mean);
    vci_free(cnt);
    vci_free(sil);
    vci_free(nsil);
    return s;
}

typedef struct member { uint32_t id; float strength; } member;

static int by_strength(const void *a, const void *b)
{
    const member *x = a, *y = b;
    if (x->strength != y->strength)
        return x->strength > y->strength ? -1 : 1;
    return (x->id > y->id) - (x->id < y->id);
}

vc_status vci_membership_csr(const vci_membership_list *l, const uint32_t *key,
                             const uint32_t *other, size_t nkeys, size_t room,
                             uint32_t **start_out, uint32_t **ids_out, float **str_out)
{
    uint32_t *start = vci_calloc(nkeys + 1, sizeof *start);
    uint32_t *ids = vci_calloc(VCI_MAX(room, l->n) + 1, sizeof *ids);
    float *str = vci_calloc(VCI_MAX(room, l->n) + 1, sizeof *str);
    member *tmp = vci_calloc(l->n + 1, sizeof *tmp);
    uint32_t *fill = vci_calloc(nkeys + 1, sizeof *fill);
    if (!start || !ids || !str || !tmp || !fill) {
        vci_free(start);
        vci_free(ids);
        vci_free(str);
        vci_free(tmp);
        vci_free(fill);
        return VC_ERR_NOMEM;
    }
    for (size_t i = 0; i < l->n; i++)
        start[key[i] + 1]++;
    for (size_t c = 0; c < nkeys; c++)
        start[c + 1] += start[c];
    for (size_t i = 0; i < l->n; i++) {
        uint32_t pos = start[key[i]] + fill[key[i]]++;
        tmp[pos] = (member){other[i], l->strength[i]};
    }
    for (size_t c = 0; c < nkeys; c++)
        qsort(tmp + start[c], start[c + 1] - start[c], sizeof *tmp, by_strength);
    for (size_t i = 0; i < l->n; i++) {
        ids[i] = tmp[i].id;
        str[i] = tmp[i].strength;
    }
    vci_free(tmp);
    vci_free(fill);
    *start_out = start;
    *ids_out = ids;
    *str_out = str;
    return VC_OK;
}

vc_status vci_membership_index(vc_communities *cm,
                               const vci_membership_list *list)
{
    size_t room = vci_ev_room(list->n);
    VCI_CHECK(vci_membership_csr(list, list->user, list->comm, cm->nusers, room,
                                 &cm->mem_start, &cm->mem_comm, &cm->mem_strength));
    VCI_CHECK(vci_membership_csr(list, list->comm, list->user, cm->ncomm, room,
                                 &cm->comm_start, &cm->comm_user, &cm->comm_strength));
    cm->mem_room = room;
    return VC_OK;
}
