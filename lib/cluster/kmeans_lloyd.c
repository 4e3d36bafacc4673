/*
 * kmeans_lloyd.c - Lloyd iterations, plain or pruned with Hamerly's bounds
 * (one upper bound to the own centroid, one lower bound to the others per
 * point) or Elkan's (a lower bound per point and centroid).
 *
 * One iteration: assign every block of points (kernels on the points whose
 * bounds do not prove their label), move each relabelled point between the
 * per-block partial sums (double) of its old and new cluster, add the
 * blocks up in block order, repair empty clusters, move the centroids to
 * the means.
 *
 * Invariants:
 *  - Exactness: a point keeps its label without computing distances only
 *    when the bounds prove, with a margin covering the kernel's rounding
 *    (vci_kern_sqdist_err), that the kernel would compute a strictly
 *    smaller value for its centroid than for any other; so the pruned
 *    variants give exactly the labels, sums and centroids of plain Lloyd.
 *  - Determinism: blocks depend on n, k, d only; a block's partial sums
 *    are updated in point order by the points that change label (the same
 *    points, in the same order, in every variant), and totals are summed
 *    in block order; the repair of empty clusters is sequential on the
 *    calling thread.
 */
#include <math.h>
#include <stdlib.h>

#include "kmeans_impl.h"

/* Centroids per task of the per-centroid passes. */
#define CENTROID_TASK 64

typedef struct lloyd {
    const vci_km_input *in;
    uint32_t k;
    size_t d;
    vci_km_algo algo;
    float *c, *cn;          /* current and next centroids, k x d */
    vci_cpack pk;           /* c, packed */
    uint32_t *labels;       /* n */
    bool first;             /* no bounds yet: compute everything */
    uint32_t untightened;   /* passes without tightening */

    size_t block, nblocks;  /* Lloyd blocks */
    double *bsum;           /* nblocks x k x d partial sums */
    double *bq;             /* nblocks x k: sum of |x|^2 */
    uint64_t *bcnt;         /* nblocks x k */
    uint8_t *bdirty;        /* partial sums to recompute from scratch
                               (the repair moved a point) */
    uint64_t *bchanged;     /* label changes this pass */
    uint64_t *bcomputed;    /* points whose distances were computed */
    uint64_t *btight;       /* tightened upper bounds, and how many of */
    uint64_t *btight_ok;    /* them then proved the label */
    bool tighten;           /* tighten failing bounds this pass (it pays
                               only when it often proves the label) */
    bool accumulate;        /* this pass also refreshes partial sums */

    double *sum, *q;        /* totals: k x d, k */
    uint64_t *cnt;          /* k */

    /* bounds */
    double *upper;          /* n: >= distance to the own centroid */
    double *lower;          /* Hamerly: n, <= distance to any other */
    float *elower;          /* Elkan: n x k, <= distance to each */
    double *delta;          /* k: movement of each centroid last update */
    double delta_max, delta_max2;
    uint32_t delta_arg;
    double *half;           /* k: half the distance to the nearest other */
    double *cdist;          /* Elkan: k x k lower bounds of centroid distances */
    float *cnorm;           /* k squared norms of c (kernel's) */
} lloyd;

/* ---- bounds ------------------------------------------------------------------ */

/* Relative error bound of vci_kern_sqdist_direct (positive terms only). */
static inline double direct_err(size_t d)
{
    return 2.0 * ((double)d + 4.0) * 5.9604644775390625e-8;
}

/* Whether lower bound lo (to every competitor) and upper bound up (to the
 * own centroid) prove the kernel's strict preference, rounding included. */
static inline bool proves(double lo, double up, double err)
{
    return lo > up && (lo - up) * (lo + up) > 2.0 * err;
}

static inline double max2(double a, double b)
{
    return a > b ? a : b;
}

/* Upper bound of the true distance from a computed squared value. */
static inline double upper_of(double computed, double err)
{
    return sqrt(computed + err);
}

static inline double lower_of(double computed, double err)
{
    double v = computed - err;
    return v > 0 ? sqrt(v) : 0;
}

/* ---- the assignment pass -------------------------------------------------------- */

/*
 * Give point i (of block task) label nl. The block's partial sums follow
 * incrementally (the point leaves its old cluster, joins the new one), in
 * point order, unless the block is recomputed from scratch this pass;
 * plain and pruned passes move the same points in the same order, so their
 * sums stay identical.
 */
static inline void relabel(lloyd *L, size_t task, size_t i, uint32_t nl,
                           uint64_t *changed)
{
    uint32_t ol = L->labels[i];
    if (ol == nl)
        return;
    (*changed)++;
    L->labels[i] = nl;
    if (!L->accumulate || L->first || L->bdirty[task])
        return;
    const size_t k = L->k, d = L->d;
    const float *x = vci_km_row(L->in, i);
    double *so = L->bsum + (task * k + ol) * d, *sn = L->bsum + (task * k + nl) * d;
    for (size_t p = 0; p < d; p++) {
        so[p] -= x[p];
        sn[p] += x[p];
    }
    L->bcnt[task * k + ol]--;
    L->bcnt[task * k + nl]++;
    L->bq[task * k + ol] -= L->in->xnorm[i];
    L->bq[task * k + nl] += L->in->xnorm[i];
}

typedef struct work {
    const float *rows[VCI_KM_ROWS];
    size_t idx[VCI_KM_ROWS];
    float xn[VCI_KM_ROWS], d1[VCI_KM_ROWS], d2[VCI_KM_ROWS];
    uint32_t lab[VCI_KM_ROWS];
} work;

/* Plain: nearest centroid of every point. */
static void assign_plain(lloyd *L, size_t task, size_t b, size_t m, work *w,
                         uint64_t *changed)
{
    const vci_km_input *in = L->in;
    vci_km_rows(in, b, m, w->rows);
    vci_kern_nearest_rows(&L->pk, w->rows, m, in->xnorm + b, w->lab, NULL);
    for (size_t i = 0; i < m; i++)
        relabel(L, task, b + i, w->lab[i], changed);
}

/* Top-2 of the listed points; new labels and Hamerly bounds. */
static void recompute_hamerly(lloyd *L, size_t task, size_t m, work *w,
                              uint64_t *changed)
{
    const vci_km_input *in = L->in;
    for (size_t t = 0; t < m; t++)
        w->xn[t] = in->xnorm[w->idx[t]];
    vci_kern_top2_rows(&L->pk, w->rows, m, w->xn, w->lab, w->d1, w->d2);
    for (size_t t = 0; t < m; t++) {
        size_t i = w->idx[t];
        double err = vci_kern_sqdist_err(L->d, w->xn[t], L->pk.cnorm_max);
        relabel(L, task, i, w->lab[t], changed);
        L->upper[i] = upper_of(w->d1[t], err);
        L->lower[i] = lower_of(w->d2[t], err);
    }
}

static void assign_hamerly(lloyd *L, size_t task, size_t b, size_t m,
                           work *w, uint64_t *changed, uint64_t *computed,
                           uint64_t *tight, uint64_t *tight_ok)
{
    const vci_km_input *in = L->in;
    size_t nr = 0;
    for (size_t i = b; i < b + m; i++) {
        if (!L->first) {
            uint32_t a = L->labels[i];
            double up = L->upper[i] + L->delta[a];
            double lo = L->lower[i] -
                        (a == L->delta_arg ? L->delta_max2 : L->delta_max);
            double err = vci_kern_sqdist_err(L->d, in->xnorm[i], L->pk.cnorm_max);
            double bound = max2(lo, 2 * L->half[a] - up);
            bool ok = proves(bound, up, err);
            if (!ok && L->tighten) { /* tighten the upper bound */
                double dd = vci_kern_sqdist_direct(in->kern, vci_km_row(in, i),
                                                   L->c + (size_t)a * L->d, L->d);
                up = sqrt(dd * (1 + direct_err(L->d))) + 1e-300;
                bound = max2(lo, 2 * L->half[a] - up);
                ok = proves(bound, up, err);
                (*tight)++;
                *tight_ok += ok;
            }
            L->upper[i] = up;
            L->lower[i] = lo;
            if (ok)
                continue;
        }
        w->rows[nr] = vci_km_row(in, i);
        w->idx[nr++] = i;
    }
    if (nr)
        recompute_hamerly(L, task, nr, w, changed);
    *computed += nr;
}

/* A float lower bound never above v (v >= 0). */
static inline float lower_float(double v)
{
    return (float)(v * (1 - 4.8e-7));
}

/*
 * Elkan: a point keeps its label when, for every other centroid, its own
 * lower bound or the centroid-centroid distance proves it farther; the
 * points that cannot be proved get every distance at once (one kernel
 * call for the listed rows: SIMD-friendly, same values as plain Lloyd),
 * which also refreshes all their lower bounds.
 */
static void recompute_elkan(lloyd *L, size_t task, size_t m, work *w,
                            uint64_t *changed, float *vals)
{
    const vci_km_input *in = L->in;
    const size_t k = L->k;
    for (size_t t = 0; t < m; t++)
        w->xn[t] = in->xnorm[w->idx[t]];
    vci_kern_block_rows(&L->pk, w->rows, m, w->xn, vals, k);
    for (size_t t = 0; t < m; t++) {
        size_t i = w->idx[t];
        const float *v = vals + t * k;
        float *lo = L->elower + i * k;
        double err = vci_kern_sqdist_err(L->d, w->xn[t], L->pk.cnorm_max);
        uint32_t best = 0;
        for (uint32_t j = 1; j < k; j++)
            if (v[j] < v[best])
                best = j;
        for (size_t j = 0; j < k; j++)
            lo[j] = lower_float(lower_of(v[j], err));
        relabel(L, task, i, best, changed);
        L->upper[i] = upper_of(v[best], err);
    }
}

/* Whether every centroid but a is proved farther than up. */
static bool elkan_proves(const lloyd *L, const float *lo, uint32_t a,
                         double up, double err)
{
    const double *cd = L->cdist + (size_t)a * L->k;
    for (size_t j = 0; j < L->k; j++)
        if (j != a && !proves(max2(lo[j], cd[j] - up), up, err))
            return false;
    return true;
}

static void assign_elkan(lloyd *L, size_t task, size_t b, size_t m, work *w,
                         uint64_t *changed, uint64_t *computed,
                         uint64_t *tight, uint64_t *tight_ok, float *vals)
{
    const vci_km_input *in = L->in;
    const size_t k = L->k, d = L->d;
    size_t nr = 0;
    for (size_t i = b; i < b + m; i++) {
        if (!L->first) {
            float *lo = L->elower + i * k;
            for (size_t j = 0; j < k; j++)
                lo[j] = lower_float((double)lo[j] - L->delta[j]);
            uint32_t a = L->labels[i];
            double err = vci_kern_sqdist_err(d, in->xnorm[i], L->pk.cnorm_max);
            double up = L->upper[i] + L->delta[a];
            bool ok = elkan_proves(L, lo, a, up, err);
            if (!ok && L->tighten) { /* tighten the upper bound, try again */
                double dd = vci_kern_sqdist_direct(in->kern, vci_km_row(in, i),
                                                   L->c + (size_t)a * d, d);
                up = sqrt(dd * (1 + direct_err(d))) + 1e-300;
                ok = elkan_proves(L, lo, a, up, err);
                (*tight)++;
                *tight_ok += ok;
            }
            L->upper[i] = up;
            if (ok)
                continue;
        }
        w->rows[nr] = vci_km_row(in, i);
        w->idx[nr++] = i;
    }
    if (nr)
        recompute_elkan(L, task, nr, w, changed, vals);
    *computed += nr;
}

/* Per-block partial sums, counts and squared norms, from scratch. */
static void block_sums(lloyd *L, size_t task, size_t first, size_t end,
                       work *w)
{
    const vci_km_input *in = L->in;
    const size_t k = L->k, d = L->d;
    double *s = L->bsum + task * k * d, *q = L->bq + task * k;
    uint64_t *cnt = L->bcnt + task * k;
    memset(s, 0, k * d * sizeof *s);
    memset(q, 0, k * sizeof *q);
    memset(cnt, 0, k * sizeof *cnt);
    for (size_t b = first; b < end; b += VCI_KM_ROWS) {
        size_t m = VCI_MIN((size_t)VCI_KM_ROWS, end - b);
        vci_km_rows(in, b, m, w->rows);
        vci_kern_accumulate(in->kern, s, d, w->rows, L->labels + b, m);
        for (size_t i = b; i < b + m; i++) {
            cnt[L->labels[i]]++;
            q[L->labels[i]] += in->xnorm[i];
        }
    }
}

static vc_status assign_task(void *vctx, size_t task, unsigned worker)
{
    (void)worker;
    lloyd *L = vctx;
    size_t first = task * L->block;
    size_t end = VCI_MIN(L->in->n, first + L->block);
    work w;
    float *vals = NULL;
    if (L->algo == VCI_KM_ELKAN &&
        !(vals = vci_malloc((size_t)VCI_KM_ROWS * L->k * sizeof *vals)))
        return VC_ERR_NOMEM;
    uint64_t changed = 0, computed = 0, tight = 0, tight_ok = 0;
    for (size_t b = first; b < end; b += VCI_KM_ROWS) {
        size_t m = VCI_MIN((size_t)VCI_KM_ROWS, end - b);
        switch (L->algo) {
        case VCI_KM_HAMERLY:
            assign_hamerly(L, task, b, m, &w, &changed, &computed, &tight,
                           &tight_ok);
            break;
        case VCI_KM_ELKAN:
            assign_elkan(L, task, b, m, &w, &changed, &computed, &tight,
                         &tight_ok, vals);
            break;
        default:
            assign_plain(L, task, b, m, &w, &changed);
            computed += m;
            break;
        }
    }
    vci_free(vals);
    L->bchanged[task] = changed;
    L->bcomputed[task] = computed;
    L->btight[task] = tight;
    L->btight_ok[task] = tight_ok;
    if (L->accumulate && (L->first || L->bdirty[task])) {
        block_sums(L, task, first, end, &w);
        L->bdirty[task] = 0;
    }
    return VC_OK;
}

/* ---- per-centroid passes ---------------------------------------------------------- */

static size_t centroid_tasks(const lloyd *L)
{
    return (L->k + CENTROID_TASK - 1) / CENTROID_TASK;
}

/* Totals of centroids [j0, j1): partial sums added in block order. */
static vc_status reduce_task(void *vctx, size_t task, unsigned worker)
{
    (void)worker;
    lloyd *L = vctx;
    const size_t k = L->k, d = L->d;
    size_t j0 = task * CENTROID_TASK, j1 = VCI_MIN(k, j0 + CENTROID_TASK);
    double *s = L->sum + j0 * d;
    memset(s, 0, (j1 - j0) * d * sizeof *s);
    for (size_t j = j0; j < j1; j++) {
        L->q[j] = 0;
        L->cnt[j] = 0;
    }
    for (size_t b = 0; b < L->nblocks; b++) {
        const double *bs = L->bsum + (b * k + j0) * d;
        for (size_t t = 0; t < (j1 - j0) * d; t++)
            s[t] += bs[t];
        for (size_t j = j0; j < j1; j++) {
            L->q[j] += L->bq[b * k + j];
            L->cnt[j] += L->bcnt[b * k + j];
        }
    }
    return VC_OK;
}

/* New centroids (means) and how far each moved. */
static vc_status update_task(void *vctx, size_t task, unsigned worker)
{
    (void)worker;
    lloyd *L = vctx;
    const size_t d = L->d;
    size_t j0 = task * CENTROID_TASK, j1 = VCI_MIN((size_t)L->k, j0 + CENTROID_TASK);
    for (size_t j = j0; j < j1; j++) {
        const float *old = L->c + j * d;
        float *nw = L->cn + j * d;
        double mv = 0;
        for (size_t p = 0; p < d; p++) {
            nw[p] = L->cnt[j] ? (float)(L->sum[j * d + p] / (double)L->cnt[j]) : old[p];
            double t = (double)nw[p] - old[p];
            mv += t * t;
        }
        /* inflated: a bound must not shrink by rounding */
        L->delta[j] = sqrt(mv) * (1 + 1e-12) + (mv > 0 ? 1e-300 : 0);
    }
    return VC_OK;
}

/* half[j] = half the distance from centroid j to its nearest other (lower
 * bound); Elkan also keeps every pairwise half distance. */
static vc_status half_task(void *vctx, size_t task, unsigned worker)
{
    (void)worker;
    lloyd *L = vctx;
    const size_t k = L->k, d = L->d;
    size_t j0 = task * CENTROID_TASK, j1 = VCI_MIN(k, j0 + CENTROID_TASK);
    float *dist = vci_malloc((j1 - j0) * k * sizeof *dist);
    if (!dist)
        return VC_ERR_NOMEM;
    const float *rows[CENTROID_TASK];
    for (size_t j = j0; j < j1; j++)
        rows[j - j0] = L->c + j * d;
    vci_kern_block_rows(&L->pk, rows, j1 - j0, L->cnorm + j0, dist, k);
    double err = vci_kern_sqdist_err(d, L->pk.cnorm_max, L->pk.cnorm_max);
    for (size_t j = j0; j < j1; j++) {
        double h = INFINITY;
        for (size_t t = 0; t < k; t++) {
            if (t == j)
                continue;
            double v = 0.5 * lower_of(dist[(j - j0) * k + t], err) * (1 - 1e-12);
            if (L->cdist)
                L->cdist[j * k + t] = 2 * v;
            h = v < h ? v : h;
        }
        L->half[j] = h;
    }
    vci_free(dist);
    return VC_OK;
}

/* ---- empty clusters ----------------------------------------------------------------- */

typedef struct far_ctx {
    const lloyd *L;
    double *dist;
} far_ctx;

static vc_status far_task(void *vctx, size_t task, unsigned worker)
{
    (void)worker;
    far_ctx *ctx = vctx;
    const lloyd *L = ctx->L;
    const vci_km_input *in = L->in;
    size_t first = task * VCI_KM_BLOCK, end = VCI_MIN(in->n, first + VCI_KM_BLOCK);
    for (size_t i = first; i < end; i++)
        ctx->dist[i] = vci_kern_sqdist_direct(
            in->kern, vci_km_row(in, i), L->c + (size_t)L->labels[i] * L->d, L->d);
    return VC_OK;
}

typedef struct far_point {
    double dist;
    size_t idx;
} far_point;

/* Farthest first, lowest index on ties. */
static int cmp_far(const void *a, const void *b)
{
    const far_point *x = a, *y = b;
    if (x->dist != y->dist)
        return x->dist > y->dist ? -1 : 1;
    return (x->idx > y->idx) - (x->idx < y->idx);
}

/*
 * Give every empty cluster the point farthest from its centroid (as
 * scikit-learn), taken from a cluster that keeps at least one point;
 * totals, labels and bounds follow, and the moved points' blocks are
 * marked so their partial sums are recomputed next pass.
 */
static vc_status repair_empty(lloyd *L, size_t nempty)
{
    const vci_km_input *in = L->in;
    const size_t n = in->n, d = L->d;
    double *dist = vci_malloc(n * sizeof *dist);
    far_point *order = vci_malloc(n * sizeof *order);
    vc_status s = dist && order ? VC_OK : VC_ERR_NOMEM;
    far_ctx fc = {L, dist};
    if (s == VC_OK)
        s = vci_parallel_for(in->pool, vci_km_nblocks(n, VCI_KM_BLOCK), far_task,
                             &fc, NULL);
    if (s == VC_OK) {
        for (size_t i = 0; i < n; i++) {
            order[i].dist = dist[i];
            order[i].idx = i;
        }
        qsort(order, n, sizeof *order, cmp_far);
        size_t next = 0;
        for (uint32_t j = 0; j < L->k && nempty; j++) {
            if (L->cnt[j])
                continue;
            while (next < n && L->cnt[L->labels[order[next].idx]] <= 1)
                next++;
            if (next == n)
                break;
            size_t i = order[next++].idx;
            uint32_t a = L->labels[i];
            const float *x = vci_km_row(in, i);
            for (size_t p = 0; p < d; p++) {
                L->sum[(size_t)a * d + p] -= x[p];
                L->sum[(size_t)j * d + p] = x[p];
            }
            L->q[a] -= in->xnorm[i];
            L->q[j] = in->xnorm[i];
            L->cnt[a]--;
            L->cnt[j] = 1;
            L->labels[i] = j;
            L->bdirty[i / L->block] = 1;
            if (L->upper) {
                L->upper[i] = INFINITY;
                if (L->algo == VCI_KM_HAMERLY)
                    L->lower[i] = 0;
                else
                    for (size_t t = 0; t < L->k; t++)
                        L->elower[i * L->k + t] = 0;
            }
            nempty--;
        }
    }
    vci_free(dist);
    vci_free(order);
    return s;
}

/* ---- the loop ------------------------------------------------------------------------ */

static void free_lloyd(lloyd *L)
{
    vci_cpack_free(&L->pk);
    vci_free(L->cn);
    vci_free(L->bsum);
    vci_free(L->bq);
    vci_free(L->bcnt);
    vci_free(L->bdirty);
    vci_free(L->bchanged);
    vci_free(L->bcomputed);
    vci_free(L->btight);
    vci_free(L->btight_ok);
    vci_free(L->sum);
    vci_free(L->q);
    vci_free(L->cnt);
    vci_free(L->upper);
    vci_free(L->lower);
    vci_free(L->elower);
    vci_free(L->delta);
    vci_free(L->half);
    vci_free(L->cdist);
    vci_free(L->cnorm);
}

static vc_status alloc_lloyd(lloyd *L)
{
    const size_t n = L->in->n, k = L->k, d = L->d, nb = L->nblocks;
    size_t kd = k * d, nbkd, nk;
    if (!vci_mul_ok(nb, kd, &nbkd) || !vci_mul_ok(n, k, &nk))
        return vci_error(VC_ERR_NOMEM, "k-means: %zu x %zu x %zu too large", n, k, d);
    L->cn = vci_malloc(kd * sizeof *L->cn);
    L->bsum = vci_malloc(nbkd * sizeof *L->bsum);
    L->bq = vci_malloc(nb * k * sizeof *L->bq);
    L->bcnt = vci_malloc(nb * k * sizeof *L->bcnt);
    L->bdirty = vci_calloc(nb, 1);
    L->bchanged = vci_calloc(nb, sizeof *L->bchanged);
    L->bcomputed = vci_calloc(nb, sizeof *L->bcomputed);
    L->btight = vci_calloc(nb, sizeof *L->btight);
    L->btight_ok = vci_calloc(nb, sizeof *L->btight_ok);
    L->sum = vci_malloc(kd * sizeof *L->sum);
    L->q = vci_malloc(k * sizeof *L->q);
    L->cnt = vci_malloc(k * sizeof *L->cnt);
    L->delta = vci_calloc(k, sizeof *L->delta);
    L->half = vci_calloc(k, sizeof *L->half);
    L->cnorm = vci_malloc(k * sizeof *L->cnorm);
    bool ok = L->cn && L->bsum && L->bq && L->bcnt && L->bdirty && L->bchanged &&
              L->bcomputed && L->btight && L->btight_ok && L->sum && L->q && L->cnt && L->delta && L->half &&
              L->cnorm;
    if (ok && L->algo == VCI_KM_HAMERLY) {
        ok = (L->upper = vci_malloc(n * sizeof *L->upper)) &&
             (L->lower = vci_malloc(n * sizeof *L->lower));
    } else if (ok && L->algo == VCI_KM_ELKAN) {
        ok = (L->upper = vci_malloc(n * sizeof *L->upper)) &&
             (L->elower = vci_malloc(nk * sizeof *L->elower)) &&
             (L->cdist = vci_malloc(k * k * sizeof *L->cdist));
    }
    return ok ? VC_OK : VC_ERR_NOMEM;
}

static vc_status assign_pass(lloyd *L, bool accumulate, uint64_t *changed,
                             uint64_t *computed)
{
    L->accumulate = accumulate;
    VCI_CHECK(vci_parallel_for(L->in->pool, L->nblocks, assign_task, L, NULL));
    *changed = 0;
    uint64_t tight = 0, tight_ok = 0;
    for (size_t b = 0; b < L->nblocks; b++) {
        *changed += L->bchanged[b];
        *computed += L->bcomputed[b];
        tight += L->btight[b];
        tight_ok += L->btight_ok[b];
    }
    /* keep tightening while it proves at least a quarter of the labels it
     * is tried on; retry every 8th pass (a deterministic choice: the
     * counts do not depend on the threads) */
    if (tight)
        L->tighten = 4 * tight_ok >= tight;
    else if (++L->untightened % 8 == 0)
        L->tighten = true;
    L->first = false;
    return VC_OK;
}

/* Repack the current centroids and refresh what the bounds need. */
static vc_status centroids_changed(lloyd *L)
{
    vci_cpack_update(&L->pk, L->c, L->d);
    if (L->algo == VCI_KM_LLOYD)
        return VC_OK;
    const float *rows[CENTROID_TASK];
    for (size_t j0 = 0; j0 < L->k; j0 += CENTROID_TASK) {
        size_t m = VCI_MIN((size_t)CENTROID_TASK, (size_t)L->k - j0);
        for (size_t j = 0; j < m; j++)
            rows[j] = L->c + (j0 + j) * L->d;
        vci_kern_sqnorms(L->in->kern, rows, m, L->d, L->cnorm + j0);
    }
    L->delta_max = L->delta_max2 = 0;
    L->delta_arg = 0;
    for (uint32_t j = 0; j < L->k; j++) {
        if (L->delta[j] > L->delta_max) {
            L->delta_max2 = L->delta_max;
            L->delta_max = L->delta[j];
            L->delta_arg = j;
        } else if (L->delta[j] > L->delta_max2) {
            L->delta_max2 = L->delta[j];
        }
    }
    return vci_parallel_for(L->in->pool, centroid_tasks(L), half_task, L, NULL);
}

/* One update from the totals; returns the inertia of (labels, new means). */
static vc_status update(lloyd *L, double *inertia_est)
{
    size_t nempty = 0;
    for (uint32_t j = 0; j < L->k; j++)
        nempty += L->cnt[j] == 0;
    if (nempty)
        VCI_CHECK(repair_empty(L, nempty));
    VCI_CHECK(vci_parallel_for(L->in->pool, centroid_tasks(L), update_task, L, NULL));
    float *t = L->c;
    L->c = L->cn;
    L->cn = t;
    double est = 0;
    for (uint32_t j = 0; j < L->k; j++) {
        if (!L->cnt[j])
            continue;
        double ss = 0;
        for (size_t p = 0; p < L->d; p++)
            ss += L->sum[(size_t)j * L->d + p] * L->sum[(size_t)j * L->d + p];
        est += L->q[j] - ss / (double)L->cnt[j];
    }
    *inertia_est = est > 0 ? est : 0;
    return centroids_changed(L);
}

vc_status vci_km_lloyd(const vci_km_input *in, uint32_t k, vci_km_algo algo,
                       uint32_t max_iter, double tol, float *centroids,
                       uint32_t *labels, vci_km_stats *stats, double p0,
                       double p1)
{
    lloyd L;
    memset(&L, 0, sizeof L);
    L.in = in;
    L.k = k;
    L.d = in->d;
    L.algo = algo == VCI_KM_MINIBATCH ? VCI_KM_LLOYD : algo;
    L.labels = labels;
    L.first = true;
    L.tighten = true;
    L.block = vci_km_lloyd_block(in->n, k, in->d);
    L.nblocks = vci_km_nblocks(in->n, L.block);
    vc_status s = alloc_lloyd(&L);
    /* centroids is the caller's buffer: the final values end up there */
    float *user_c = centroids;
    L.c = user_c;
    if (s == VC_OK)
        s = vci_cpack_init(&L.pk, in->kern, VCI_PACK_L2, L.c, k, L.d, L.d);
    if (s == VC_OK)
        s = centroids_changed(&L);
    for (size_t i = 0; i < in->n && s == VC_OK; i++)
        labels[i] = UINT32_MAX; /* every label counts as changed once */

    uint64_t changed = 0, computed = 0;
    uint32_t it = 0;
    bool stable = false;
    double prev = INFINITY;
    while (s == VC_OK && it < max_iter) {
        it++;
        s = assign_pass(&L, true, &changed, &computed);
        if (s != VC_OK)
            break;
        if (changed == 0) { /* the means would not move: converged */
            stable = true;
            break;
        }
        s = vci_parallel_for(in->pool, centroid_tasks(&L), reduce_task, &L, NULL);
        double est = 0;
        if (s == VC_OK)
            s = update(&L, &est);
        if (s == VC_OK)
            s = vci_km_progress(in, p0, p1, (double)it / max_iter);
        if (s == VC_OK && tol > 0 && isfinite(prev) && prev - est <= tol * prev)
            break;
        prev = est;
    }
    /* labels of the final centroids */
    if (s == VC_OK && !stable)
        s = assign_pass(&L, false, &changed, &computed);
    if (s == VC_OK && L.c != user_c)
        memcpy(user_c, L.c, (size_t)k * L.d * sizeof *user_c);
    if (L.c != user_c) { /* keep free_lloyd's buffer the allocated one */
        L.cn = L.c;
    }
    L.c = user_c;
    if (s == VC_OK)
        s = vci_km_inertia(in, user_c, labels, &stats->inertia);
    if (s == VC_OK) {
        stats->iterations = it;
        stats->computed = computed;
    }
    free_lloyd(&L);
    return s;
}

vci_km_algo vci_km_auto_algo(size_t n, size_t k, size_t d)
{
    /* measured (docs/performance.md): below about 4096 multiply-adds per
     * point a full pass costs less than keeping the bounds; above, Hamerly
     * halves the iteration time even on heavily overlapping clusters.
     * Elkan's n x k bounds never paid off on the shapes measured. */
    (void)n;
    return k > 1 && (double)k * (double)d >= 4096 ? VCI_KM_HAMERLY : VCI_KM_LLOYD;
}
