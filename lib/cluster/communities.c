/*
 * communities.c - vc_cluster_run: global segments over every user's
 * portrait, then, for each topic with at least community.min_members
 * engaged users, sub-communities of those users with the topic's columns
 * weighted up (community.topic_weight). k is fixed (community.k,
 * community.topic_k) or, when 0, chosen in [2, community.k_max] (topics:
 * community.topic_k_max) on a sample of community.sample users by
 * community.k_criterion (global; default the gap statistic's rule) or
 * community.topic_k_criterion (topics; default the best silhouette).
 * Every clustering keeps the best of community.n_init k-means restarts.
 *
 * Invariant: on error nothing is returned and everything is freed; the
 * result depends only on the portraits and the options (never on threads).
 */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "community.h"
#include "kmeans.h"

typedef struct run_ctx {
    vc_communities *cm;
    const vc_options *opts;
    vci_pool *pool;
    vci_membership_list list;
    const vc_communities *warm;  /* refresh: the communities to continue */
} run_ctx;

static vc_status run_kmeans(const run_ctx *r, const float *x, size_t n,
                            uint32_t k, float *centroids, uint32_t *labels,
                            double *inertia)
{
    const vc_communities *cm = r->cm;
    return vci_kmeans_run(x, n, cm->ncols, cm->stride, k, r->opts, r->pool,
                          centroids, labels, inertia, NULL);
}

/* The k in [2, kmax] chosen on a sample of x by the gap statistic's rule
 * (kmeans_choose.c) when gap is true, else by the best silhouette. */
static vc_status choose_k(const run_ctx *r, const float *x, size_t n,
                          uint32_t kmax, bool gap, uint32_t *best_k)
{
    const vc_communities *cm = r->cm;
    size_t sample = (size_t)vci_opt_int(r->opts, VCI_OPT_COMMUNITY_SAMPLE);
    uint64_t seed = (uint64_t)vci_opt_int(r->opts, VCI_OPT_SEED);
    size_t m = VCI_MIN(n, sample);
    kmax = (uint32_t)VCI_MIN((size_t)kmax, m > 1 ? m - 1 : 1);
    *best_k = VCI_MIN(2u, kmax);
    if (kmax <= 2)
        return VC_OK;
    /* an evenly spaced sample keeps the choice deterministic and cheap */
    float *xs = vci_aligned_calloc(m * cm->stride, sizeof *xs);
    uint32_t *labels = vci_calloc(m, sizeof *labels);
    float *cent = vci_calloc((size_t)kmax * cm->ncols, sizeof *cent);
    vc_status s = xs && labels && cent ? VC_OK : VC_ERR_NOMEM;
    for (size_t i = 0; i < m && s == VC_OK; i++)
        memcpy(xs + i * cm->stride, x + (i * n / m) * cm->stride,
               cm->stride * sizeof *xs);
    if (gap && s == VC_OK)
        s = vci_gap_choose_k(xs, m, cm->ncols, cm->stride, 2, kmax, r->opts, r->pool, best_k,
                             NULL);
    double best = -2;
    for (uint32_t k = 2; k <= kmax && s == VC_OK && !gap; k++) {
        double inertia, sil = -1;
        s = run_kmeans(r, xs, m, k, cent, labels, &inertia);
        if (s == VC_OK)
            s = vci_silhouette(xs, m, cm->ncols, cm->stride, labels, k, 2000,
                               seed, r->pool, &sil);
        if (s == VC_OK && sil > best + 1e-9) {
            best = sil;
            *best_k = k;
        }
    }
    vci_aligned_free(xs);
    vci_free(labels);
    vci_free(cent);
    return s;
}

/* Relabel so that cluster 0 is the largest (ties by old label). */
static void order_by_size(vci_clustering *cl, size_t ncols, size_t stride,
                          uint32_t *sizes, uint32_t *perm, float *tmp)
{
    for (uint32_t j = 0; j < cl->k; j++) {
        sizes[j] = 0;
        perm[j] = j;
    }
    for (size_t i = 0; i < cl->n; i++)
        sizes[cl->labels[i]]++;
    for (uint32_t a = 1; a < cl->k; a++) { /* insertion sort, k is small */
        uint32_t v = perm[a], b = a;
        while (b > 0 && sizes[perm[b - 1]] < sizes[v]) {
            perm[b] = perm[b - 1];
            b--;
        }
        perm[b] = v;
    }
    uint32_t *rank = sizes; /* reuse: rank[old] = new */
    uint32_t *inv = perm + cl->k;
    for (uint32_t j = 0; j < cl->k; j++)
        inv[perm[j]] = j;
    for (uint32_t j = 0; j < cl->k; j++)
        rank[j] = inv[j];
    for (size_t i = 0; i < cl->n; i++)
        cl->labels[i] = rank[cl->labels[i]];
    memcpy(tmp, cl->centroids, (size_t)cl->k * stride * sizeof *tmp);
    for (uint32_t j = 0; j < cl->k; j++)
        memcpy(cl->centroids + (size_t)rank[j] * stride, tmp + (size_t)j * stride,
               ncols * sizeof *tmp);
}

static vc_status grow_communities(vc_communities *cm, uint32_t extra)
{
    size_t need = (size_t)cm->ncomm + extra, cap = cm->cap;
    if (need <= cap)
        return VC_OK;
    size_t newcap = VCI_MAX(need, cap * 2);
    vci_community *c = vci_array_realloc(cm->comm, newcap, sizeof *c);
    if (!c)
        return VC_ERR_NOMEM;
    cm->comm = c;
    float *raw = vci_array_realloc(cm->centroid_raw, newcap * VCI_MAX(cm->ncols, 1), sizeof *raw);
    if (!raw)
        return VC_ERR_NOMEM;
    cm->centroid_raw = raw;
    float *feat = vci_aligned_calloc(newcap * cm->stride, sizeof *feat);
    if (!feat)
        return VC_ERR_NOMEM;
    if (cm->centroid_feat)
        memcpy(feat, cm->centroid_feat, (size_t)cm->ncomm * cm->stride * sizeof *feat);
    vci_aligned_free(cm->centroid_feat);
    cm->centroid_feat = feat;
    cm->cap = (uint32_t)newcap;
    return VC_OK;
}

/* Labels of the nearest of the k init centroids (a warm start with fewer
 * points than clusters: nothing to iterate). */
static void nearest_labels(const vc_communities *cm, const vci_clustering *cl,
                           const float *init, uint32_t k)
{
    for (size_t i = 0; i < cl->n; i++) {
        const float *x = cl->x + i * cm->stride;
        double best = INFINITY;
        for (uint32_t j = 0; j < k; j++) {
            double d = 0;
            for (uint32_t c = 0; c < cm->ncols; c++) {
                double t = x[c] - init[(size_t)j * cm->ncols + c];
                d += t * t;
            }
            if (d < best) {
                best = d;
                cl->labels[i] = j;
            }
        }
    }
}

/* Cluster cl->users (rows already in cl->x) and append its communities:
 * k fixed (kfix), chosen in [2, kmax] by the criterion named crit, or
 * (init != NULL) kfix clusters continued from init (k * ncols), keeping
 * their order. */
static vc_status cluster_and_add(run_ctx *r, vci_clustering *cl, uint32_t kfix,
                                 uint32_t kmax, const char *crit, const float *init)
{
    vc_communities *cm = r->cm;
    const vc_portraits *pt = cm->pt;
    if (cl->n == 0 && !init)
        return VC_OK;
    uint32_t k = kfix;
    if (k == 0)
        VCI_CHECK(choose_k(r, cl->x, cl->n, kmax, strcmp(crit, "gap") == 0, &k));
    if (!init)
        k = (uint32_t)VCI_MIN((size_t)k, cl->n);
    cl->k = k;
    float *cent = vci_calloc((size_t)k * cm->ncols, sizeof *cent);
    cl->centroids = vci_aligned_calloc((size_t)k * cm->stride, sizeof *cl->centroids);
    cl->labels = vci_calloc(VCI_MAX(cl->n, (size_t)1), sizeof *cl->labels);
    uint32_t *sizes = vci_calloc(k, sizeof *sizes);
    uint32_t *perm = vci_calloc(2 * (size_t)k, sizeof *perm);
    float *tmp = vci_calloc((size_t)k * cm->stride, sizeof *tmp);
    double inertia;
    vc_status s = cent && cl->centroids && cl->labels && sizes && perm && tmp
                      ? VC_OK : VC_ERR_NOMEM;
    if (s == VC_OK && !init)
        s = run_kmeans(r, cl->x, cl->n, k, cent, cl->labels, &inertia);
    else if (s == VC_OK && cl->n >= k)
        s = vci_kmeans_warm(cl->x, cl->n, cm->ncols, cm->stride, k, r->opts, r->pool,
                            init, cent, cl->labels, &inertia);
    else if (s == VC_OK) {
        memcpy(cent, init, (size_t)k * cm->ncols * sizeof *cent);
        nearest_labels(cm, cl, init, k);
    }
    if (s == VC_OK) {
        for (uint32_t j = 0; j < k; j++)
            memcpy(cl->centroids + (size_t)j * cm->stride, cent + (size_t)j * cm->ncols,
                   cm->ncols * sizeof *cent);
        if (!init)
            order_by_size(cl, cm->ncols, cm->stride, sizes, perm, tmp);
        s = grow_communities(cm, k);
    }
    uint32_t first = cm->ncomm;
    for (uint32_t j = 0; j < k && s == VC_OK; j++) {
        vci_community *c = &cm->comm[first + j];
        memset(c, 0, sizeof *c);
        c->topic = cl->topic;
        c->temperature = 1.0f; /* set from the members (membership.c) */
        float *craw = cm->centroid_raw + (size_t)(first + j) * cm->ncols;
        memset(craw, 0, cm->ncols * sizeof *craw);
        float *cf = cm->centroid_feat + (size_t)(first + j) * cm->stride;
        for (uint32_t col = 0; col < cm->ncols; col++) {
            float scale = cl->colscale ? cl->colscale[col] : 1.0f;
            cf[col] = cl->centroids[(size_t)j * cm->stride + col] / scale;
        }
    }
    if (s == VC_OK) {
        /* sizes and mean readable rows of the hard members */
        double *acc = vci_calloc((size_t)k * cm->ncols + 1, sizeof *acc);
        if (!acc)
            s = VC_ERR_NOMEM;
        for (size_t i = 0; i < cl->n && s == VC_OK; i++) {
            uint32_t j = cl->labels[i];
            cm->comm[first + j].size++;
            const float *row = vci_pt_raw(pt, cl->users[i]);
            for (uint32_t col = 0; col < cm->ncols; col++)
                acc[(size_t)j * cm->ncols + col] += row[col];
        }
        for (uint32_t j = 0; j < k && s == VC_OK; j++) {
            vci_community *c = &cm->comm[first + j];
            c->share = (float)c->size / (float)cl->n;
            for (uint32_t col = 0; col < cm->ncols; col++)
                cm->centroid_raw[(size_t)(first + j) * cm->ncols + col] =
                    (float)(acc[(size_t)j * cm->ncols + col] / VCI_MAX(c->size, 1u));
        }
        vci_free(acc);
    }
    if (s == VC_OK) {
        cm->ncomm += k;
        s = cl->n ? vci_membership_add(cm, cl, first, r->opts, &r->list) : VC_OK;
    }
    if (s == VC_OK)
        s = vci_community_silhouettes(cm, cl, first,
                                      (uint64_t)vci_opt_int(r->opts, VCI_OPT_SEED));
    vci_free(cent);
    vci_free(sizes);
    vci_free(perm);
    vci_free(tmp);
    return s;
}

static void clustering_free(vci_clustering *cl, bool owns_x)
{
    vci_free(cl->users);
    if (owns_x)
        vci_aligned_free(cl->x);
    vci_aligned_free(cl->centroids);
    vci_free(cl->labels);
    vci_free(cl->colscale);
    memset(cl, 0, sizeof *cl);
}

/* The warm start of the clustering of warm's communities [first, first +
 * k): their centroids in the clustering's space (scaled by colscale),
 * packed k x ncols. */
static vc_status warm_start(const vc_communities *warm, uint32_t first, uint32_t k,
                            const float *colscale, float **out)
{
    float *init = vci_calloc((size_t)VCI_MAX(k, 1u) * warm->ncols, sizeof *init);
    if (!init)
        return VC_ERR_NOMEM;
    for (uint32_t j = 0; j < k; j++)
        for (uint32_t c = 0; c < warm->ncols; c++)
            init[(size_t)j * warm->ncols + c] =
                warm->centroid_feat[(size_t)(first + j) * warm->stride + c] *
                (colscale ? colscale[c] : 1.0f);
    *out = init;
    return VC_OK;
}

static vc_status global_segments(run_ctx *r)
{
    const vc_portraits *pt = r->cm->pt;
    vci_clustering cl = {UINT32_MAX, NULL, pt->nusers, 0, pt->feat, NULL, NULL, NULL};
    cl.users = vci_calloc(VCI_MAX(pt->nusers, 1u), sizeof *cl.users);
    if (!cl.users)
        return VC_ERR_NOMEM;
    for (uint32_t u = 0; u < pt->nusers; u++)
        cl.users[u] = u;
    uint32_t k = (uint32_t)vci_opt_int(r->opts, VCI_OPT_COMMUNITY_K);
    float *init = NULL;
    vc_status s = VC_OK;
    if (r->warm) {
        k = r->warm->nglobal;
        s = warm_start(r->warm, 0, k, NULL, &init);
    }
    if (s == VC_OK && (!r->warm || k > 0))
        s = cluster_and_add(r, &cl, k, (uint32_t)vci_opt_int(r->opts, VCI_OPT_COMMUNITY_K_MAX),
                            vci_opt_string(r->opts, VCI_OPT_COMMUNITY_K_CRITERION), init);
    r->cm->nglobal = r->cm->ncomm;
    vci_free(init);
    clustering_free(&cl, false);
    return s;
}

/* engaged[t] lists the users with >= min_events events on topic t. */
typedef struct engaged { uint32_t *users; size_t n, cap; } engaged;

void vci_engaged_topics(const vc_portraits *pt, uint32_t u, uint32_t min_events,
                        uint32_t *count, uint32_t *topics, size_t *n)
{
    const vc_dataset *ds = pt->ds;
    const vci_topics *tp = &pt->topics;
    size_t nt = 0, kept = 0;
    for (uint64_t e = ds->user_start[u]; e < ds->user_start[u + 1]; e++) {
        uint32_t it = ds->ev_item[e];
        for (uint32_t k = tp->item_start[it]; k < tp->item_start[it + 1]; k++) {
            uint32_t t = tp->item_topic[k];
            if (count[t]++ == 0)
                topics[nt++] = t;
        }
    }
    for (size_t i = 0; i < nt; i++) {
        uint32_t t = topics[i];
        if (count[t] >= min_events)
            topics[kept++] = t;
        count[t] = 0;
    }
    *n = kept;
}

static vc_status find_engaged(const vc_portraits *pt, uint32_t min_events,
                              engaged *eng)
{
    const vci_topics *tp = &pt->topics;
    uint32_t *count = vci_calloc(tp->ntopics + 1, sizeof *count);
    uint32_t *topics = vci_calloc(tp->ntopics + 1, sizeof *topics);
    vc_status s = count && topics ? VC_OK : VC_ERR_NOMEM;
    for (uint32_t u = 0; u < pt->nusers && s == VC_OK; u++) {
        size_t n;
        vci_engaged_topics(pt, u, min_events, count, topics, &n);
        for (size_t i = 0; i < n && s == VC_OK; i++) {
            engaged *g = &eng[topics[i]];
            s = vci_reserve((void **)&g->users, &g->cap, g->n + 1, sizeof *g->users);
            if (s == VC_OK)
                g->users[g->n++] = u;
        }
    }
    vci_free(count);
    vci_free(topics);
    return s;
}

/* Sub-communities of one topic; warm_first / warm_k: the range of warm's
 * communities to continue (refresh). */
static vc_status topic_communities(run_ctx *r, uint32_t topic, engaged *eng,
                                   uint32_t warm_first, uint32_t warm_k)
{
    vc_communities *cm = r->cm;
    const vc_portraits *pt = cm->pt;
    const vci_column_map *m = &pt->map;
    vci_clustering cl = {topic, eng->users, eng->n, 0, NULL, NULL, NULL, NULL};
    eng->users = NULL; /* the clustering owns them now */
    cl.x = vci_aligned_calloc(VCI_MAX(cl.n, (size_t)1) * cm->stride, sizeof *cl.x);
    cl.colscale = vci_calloc(cm->stride, sizeof *cl.colscale);
    vc_status s = cl.x && cl.colscale ? VC_OK : VC_ERR_NOMEM;
    if (s == VC_OK) {
        float w = (float)vci_opt_float(r->opts, VCI_OPT_COMMUNITY_TOPIC_WEIGHT);
        for (uint32_t c = 0; c < cm->stride; c++)
            cl.colscale[c] = 1.0f;
        cl.colscale[m->share + topic] = w;
        cl.colscale[m->affinity + topic] = w;
        if (m->rating != UINT32_MAX)
            cl.colscale[m->rating + topic] = w;
        for (size_t i = 0; i < cl.n; i++) {
            const float *f = vci_pt_feat(pt, cl.users[i]);
            float *dst = cl.x + i * cm->stride;
            for (uint32_t c = 0; c < cm->ncols; c++)
                dst[c] = f[c] * cl.colscale[c];
        }
    }
    float *init = NULL;
    uint32_t k = (uint32_t)vci_opt_int(r->opts, VCI_OPT_COMMUNITY_TOPIC_K);
    if (s == VC_OK && r->warm) {
        k = warm_k;
        s = warm_start(r->warm, warm_first, k, cl.colscale, &init);
    }
    if (s == VC_OK)
        s = cluster_and_add(r, &cl, k,
                            (uint32_t)vci_opt_int(r->opts, VCI_OPT_COMMUNITY_TOPIC_K_MAX),
                            vci_opt_string(r->opts, VCI_OPT_COMMUNITY_TOPIC_K_CRITERION), init);
    vci_free(init);
    clustering_free(&cl, true);
    return s;
}

/* A topic to cluster; warm_first / warm_k: its communities in the warm
 * start (refresh). */
typedef struct topic_size { uint32_t topic; size_t n; uint32_t warm_first, warm_k; } topic_size;

/* The topic clusterings of warm, in its order. */
static size_t warm_topics(const vc_communities *warm, topic_size *order)
{
    size_t n = 0;
    for (uint32_t c = warm->nglobal; c < warm->ncomm; c++) {
        if (c == warm->nglobal || warm->comm[c].topic != warm->comm[c - 1].topic)
            order[n++] = (topic_size){warm->comm[c].topic, 0, c, 0};
        order[n - 1].warm_k++;
    }
    return n;
}

static int by_size_desc(const void *a, const void *b)
{
    const topic_size *x = a, *y = b;
    if (x->n != y->n)
        return x->n > y->n ? -1 : 1;
    return (x->topic > y->topic) - (x->topic < y->topic);
}

static vc_status all_topics(run_ctx *r, const vci_progress *prog)
{
    const vc_portraits *pt = r->cm->pt;
    uint32_t nt = pt->topics.ntopics;
    engaged *eng = vci_calloc(nt + 1, sizeof *eng);
    topic_size *order = vci_calloc(nt + 1, sizeof *order);
    vc_status s = eng && order ? VC_OK : VC_ERR_NOMEM;
    if (s == VC_OK)
        s = find_engaged(pt, (uint32_t)vci_opt_int(r->opts, VCI_OPT_COMMUNITY_MIN_EVENTS), eng);
    size_t min_members = (size_t)vci_opt_int(r->opts, VCI_OPT_COMMUNITY_MIN_MEMBERS);
    size_t max_topics = (size_t)vci_opt_int(r->opts, VCI_OPT_COMMUNITY_MAX_TOPICS);
    size_t chosen = 0;
    if (s == VC_OK && r->warm) {
        chosen = warm_topics(r->warm, order);
    } else {
        for (uint32_t t = 0; t < nt && s == VC_OK; t++)
            if (eng[t].n >= min_members)
                order[chosen++] = (topic_size){t, eng[t].n, 0, 0};
        if (chosen) /* order is NULL when its allocation failed */
            qsort(order, chosen, sizeof *order, by_size_desc);
        if (max_topics && chosen > max_topics)
            chosen = max_topics;
    }
    for (size_t i = 0; i < chosen && s == VC_OK; i++) {
        s = topic_communities(r, order[i].topic, &eng[order[i].topic], order[i].warm_first,
                              order[i].warm_k);
        if (s == VC_OK)
            s = vci_progress_report(prog, (double)(i + 1) / (double)chosen);
    }
    for (uint32_t t = 0; eng && t < nt; t++)
        vci_free(eng[t].users);
    vci_free(eng);
    vci_free(order);
    return s;
}

/* The caller's options with kmeans.n_init replaced by community.n_init. */
static vc_status clustering_options(const vc_options *opts, vc_options **out)
{
    VCI_CHECK(vc_options_copy(out, opts));
    vc_status s = vc_options_set_int(*out, "kmeans.n_init",
                                     vci_opt_int(opts, VCI_OPT_COMMUNITY_N_INIT));
    if (s != VC_OK) {
        vc_options_free(*out);
        *out = NULL;
    }
    return s;
}

vc_status vci_communities_run(vc_communities *cm, const vc_options *user_opts,
                              const vc_communities *warm)
{
    vc_options *opts;
    VCI_CHECK(clustering_options(user_opts, &opts));
    run_ctx r = {cm, opts, NULL, {0}, warm};
    vci_progress prog = vci_progress_of(opts, "communities");
    vc_status s = vci_progress_report(&prog, 0.0); /* k-means reports nest in it */
    if (s == VC_OK)
        s = vci_pool_for_options(&r.pool, opts);
    if (s == VC_OK)
        s = global_segments(&r);
    if (s == VC_OK)
        s = all_topics(&r, &prog);
    if (s == VC_OK)
        s = vci_membership_index(cm, &r.list);
    if (s == VC_OK)
        s = vci_personas_build(cm, r.pool);
    vci_free(r.list.user);
    vci_free(r.list.comm);
    vci_free(r.list.strength);
    vci_pool_free(r.pool);
    vc_options_free(opts);
    return s;
}

vc_status vci_communities_new(vc_communities **out, const vc_portraits *pt)
{
    vc_communities *cm = vci_calloc(1, sizeof *cm);
    if (!cm)
        return VC_ERR_NOMEM;
    cm->pt = pt;
    cm->ncols = pt->ncols;
    cm->stride = pt->stride;
    cm->nusers = pt->nusers;
    cm->pt_version = pt->version;
    vci_strpool_init(&cm->strings);
    pthread_mutex_init(&cm->lazy_mu, NULL);
    *out = cm;
    return VC_OK;
}

void vci_communities_swap(vc_communities *a, vc_communities *b)
{
    /* the contents are every field before the lazy cache's mutex */
    unsigned char tmp[offsetof(vc_communities, lazy_mu)];
    memcpy(tmp, a, sizeof tmp);
    memcpy(a, b, sizeof tmp);
    memcpy(b, tmp, sizeof tmp);
    void *ix = atomic_load(&a->lazy_index);
    atomic_store(&a->lazy_index, atomic_load(&b->lazy_index));
    atomic_store(&b->lazy_index, ix);
    void (*fn)(void *) = a->lazy_free;
    a->lazy_free = b->lazy_free;
    b->lazy_free = fn;
    vci_index_refit_fn refit = a->lazy_refit;
    a->lazy_refit = b->lazy_refit;
    b->lazy_refit = refit;
}

vc_status vci_communities_current(const vc_communities *cm, const char *fn)
{
    const vc_portraits *pt = cm->pt;
    if (pt->ds_generation != pt->ds->generation || pt->nusers != pt->ds->nusers ||
        !pt->ds->finalised)
        return vci_error(VC_ERR_STATE, "%s: the data set changed after the portraits "
                                       "were built (call vc_dataset_finalize and "
                                       "vc_portrait_update)", fn);
    if (cm->pt_version != pt->version || cm->nusers != pt->nusers)
        return vci_error(VC_ERR_STATE, "%s: the portraits changed after the communities "
                                       "were built (call vc_cluster_assign or "
                                       "vc_cluster_refresh)", fn);
    return VC_OK;
}

VC_API vc_status vc_cluster_run(vc_communities **out, const vc_portraits *pt,
                                const vc_options *opts)
{
    vci_clear_error();
    VCI_REQUIRE(out, "vc_cluster_run: out is NULL");
    *out = NULL;
    VCI_REQUIRE(pt, "vc_cluster_run: portraits are NULL");
    vc_communities *cm;
    VCI_CHECK(vci_communities_new(&cm, pt));
    vc_status s = vci_communities_run(cm, opts, NULL);
    if (s != VC_OK) {
        vc_communities_free(cm);
        return s;
    }
    *out = cm;
    return VC_OK;
}

VC_API void vc_communities_free(vc_communities *cm)
{
    if (!cm)
        return;
    if (cm->lazy_index && cm->lazy_free)
        cm->lazy_free(cm->lazy_index);
    pthread_mutex_destroy(&cm->lazy_mu);
    vci_strpool_free(&cm->strings);
    vci_free(cm->comm);
    vci_free(cm->centroid_raw);
    vci_aligned_free(cm->centroid_feat);
    vci_free(cm->mem_start);
    vci_free(cm->mem_comm);
    vci_free(cm->mem_strength);
    vci_free(cm->comm_start);
    vci_free(cm->comm_user);
    vci_free(cm->comm_strength);
    vci_free(cm->tag_id);
    vci_free(cm->tag_weight);
    vci_free(cm);
}
