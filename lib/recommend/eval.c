/*
 * eval.c - vc_eval_run: split a data set, build portraits and communities
 * on the training part, and measure the community recommender against the
 * baselines (popularity, global user-kNN, item-kNN) on the held-out part.
 *
 * Relevant items of a user: held-out items not in its training events
 * with a rating >= eval.relevant_rating (explicit data) or any held-out
 * event (implicit data). Users without relevant items are not evaluated.
 * Metrics are means over evaluated users (metrics.c), plus catalogue
 * coverage (distinct recommended items / items), novelty (mean
 * -log2((training users of the item + 1) / (users + 1)) of recommended
 * items) and query_us (mean thread CPU time of one top-k query: all
 * the queries of a method are run first, timed in chunks, then scored).
 * target_lift: for the eval.target_items items with most held-out users,
 * the held-out users of the item among the 50 users vc_target_item picks,
 * divided by the number expected from 50 random users lacking the item.
 */
#include <math.h>
#include <stdlib.h>
#include <time.h>

#include "eval.h"
#include "recommend.h"
#include "recs.h"

enum { M_PRECISION, M_RECALL, M_NDCG, M_HIT_RATE, M_MAP, M_COVERAGE,
       M_NOVELTY, M_QUERY_US, M_COUNT };
static const char *const metric_names[M_COUNT] = {
    "precision", "recall", "ndcg", "hit_rate", "map", "coverage", "novelty",
    "query_us"};

enum { METHOD_COMMUNITY, METHOD_POPULARITY, METHOD_USER_KNN, METHOD_ITEM_KNN,
       METHOD_MAX };
static const char *const method_names[METHOD_MAX] = {
    "community", "popularity", "user-knn", "item-knn"};

struct vc_eval {
    size_t nmethods;
    uint32_t method[METHOD_MAX];
    double value[METHOD_MAX][M_COUNT];
    size_t users;
    double target_lift;
};

typedef struct eval_ctx {
    const vc_dataset *ds;
    vci_split sp;
    vc_portraits *pt;
    vc_communities *cm;
    const vci_rec_index *ix;
    vci_baselines *base;
    vci_rec_scratch scratch;
    vci_rec_item *items;
    uint32_t *users;        /* the evaluated users */
    uint32_t *lists;        /* [users * k]: their top-k lists */
    size_t *counts;         /* [users]: each list's length */
    uint32_t *rel;
    uint8_t *recommended;
    size_t k;
    float relevant_rating;
    bool explicit_ratings;
} eval_ctx;

/* CPU time of the calling thread: a query's cost, unaffected by other
 * processes sharing the machine. */
static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

static bool has_item(const vc_dataset *ds, uint32_t u, uint32_t item)
{
    for (uint64_t e = ds->user_start[u]; e < ds->user_start[u + 1]; e++)
        if (ds->ev_item[e] == item)
            return true;
    return false;
}

/* The relevant items of u, sorted and unique. */
static size_t relevant(const eval_ctx *c, uint32_t u)
{
    size_t n = 0;
    for (uint64_t t = c->sp.test_start[u]; t < c->sp.test_start[u + 1]; t++) {
        if (c->explicit_ratings && c->sp.test_value[t] < c->relevant_rating)
            continue;
        if (!has_item(c->sp.train, u, c->sp.test_item[t]))
            c->rel[n++] = c->sp.test_item[t];
    }
    qsort(c->rel, n, sizeof *c->rel, cmp_u32);
    size_t w = 0;
    for (size_t i = 0; i < n; i++)
        if (w == 0 || c->rel[w - 1] != c->rel[i])
            c->rel[w++] = c->rel[i];
    return w;
}

static vc_status query(eval_ctx *c, uint32_t method, uint32_t u,
                       const vc_options *opts, uint32_t *list, size_t *n)
{
    if (method != METHOD_COMMUNITY)
        return vci_baseline_query(c->base, (vci_baseline)(method - 1), u, c->k,
                                  list, n);
    VCI_CHECK(vci_recommend_user(c->cm, c->ix, opts, u, c->k, NULL, 0, UINT32_MAX,
                                 &c->scratch, c->items, n));
    for (size_t j = 0; j < *n; j++)
        list[j] = c->items[j].item;
    return VC_OK;
}

/* Progress of the methods' loop: method m of METHOD_MAX, user u of n. */
static vc_status method_progress(const vci_progress *prog, uint32_t m, uint32_t u,
                                 uint32_t n)
{
    return vci_progress_report(prog, ((double)m + (double)u / VCI_MAX(n, 1u)) / METHOD_MAX);
}

/* The users to evaluate (those with relevant items, at most
 * eval.max_users of them) into c->users; returns their number. */
static size_t evaluated_users(eval_ctx *c, const vc_options *opts)
{
    size_t max_users = (size_t)vci_opt_int(opts, VCI_OPT_EVAL_MAX_USERS);
    size_t n = 0;
    for (uint32_t u = 0; u < c->sp.train->nusers; u++) {
        if (max_users && n >= max_users)
            break;
        if (relevant(c, u) > 0)
            c->users[n++] = u;
    }
    return n;
}

/* The top-k lists of the n evaluated users into c->lists / c->counts, in
 * chunks of 256 queries timed as a whole (a per-query clock read costs
 * about as much as the cheapest query), progress reported between
 * chunks; *us = thread CPU time of all the queries in microseconds. */
static vc_status run_queries(eval_ctx *c, uint32_t method, size_t n,
                             const vc_options *opts, const vci_progress *prog,
                             double *us)
{
    *us = 0;
    for (size_t b = 0; b < n; b += 256) {
        VCI_CHECK(method_progress(prog, method, (uint32_t)b, (uint32_t)n));
        size_t e = VCI_MIN(n, b + 256);
        double t0 = now_us();
        for (size_t i = b; i < e; i++)
            VCI_CHECK(query(c, method, c->users[i], opts, c->lists + i * c->k,
                            &c->counts[i]));
        *us += now_us() - t0;
    }
    return VC_OK;
}

static vc_status run_method(eval_ctx *c, uint32_t method, const vc_options *opts,
                            const vci_progress *prog, double *out, size_t *users)
{
    const vc_dataset *tr = c->sp.train;
    double sum[M_COUNT] = {0}, time, novelty = 0;
    size_t recs = 0;
    size_t evaluated = evaluated_users(c, opts);
    VCI_CHECK(run_queries(c, method, evaluated, opts, prog, &time));
    memset(c->recommended, 0, VCI_MAX(tr->nitems, 1u));
    for (size_t q = 0; q < evaluated; q++) {
        const uint32_t *list = c->lists + q * c->k;
        size_t n = c->counts[q];
        size_t nrel = relevant(c, c->users[q]);
        vci_metrics m;
        vci_rank_metrics(list, n, c->k, c->rel, nrel, &m);
        sum[M_PRECISION] += m.precision;
        sum[M_RECALL] += m.recall;
        sum[M_NDCG] += m.ndcg;
        sum[M_HIT_RATE] += m.hit_rate;
        sum[M_MAP] += m.map;
        for (size_t j = 0; j < n; j++) {
            uint32_t it = list[j];
            c->recommended[it] = 1;
            double users_of = (double)(tr->item_start[it + 1] - tr->item_start[it]);
            novelty += -log2((users_of + 1) / ((double)tr->nusers + 1));
            recs++;
        }
    }
    size_t covered = 0;
    for (uint32_t i = 0; i < tr->nitems; i++)
        covered += c->recommended[i];
    double d = (double)VCI_MAX(evaluated, 1);
    for (int m = 0; m <= M_MAP; m++)
        out[m] = sum[m] / d;
    out[M_COVERAGE] = tr->nitems ? (double)covered / tr->nitems : 0;
    out[M_NOVELTY] = recs ? novelty / (double)recs : 0;
    out[M_QUERY_US] = time / d;
    *users = evaluated;
    return VC_OK;
}

typedef struct item_users { uint32_t item, users; } item_users;

static int by_users_desc(const void *a, const void *b)
{
    const item_users *x = a, *y = b;
    if (x->users != y->users)
        return x->users > y->users ? -1 : 1;
    return (x->item > y->item) - (x->item < y->item);
}

static vc_status target_lift(eval_ctx *c, const vc_options *opts, double *lift)
{
    const vc_dataset *tr = c->sp.train;
    size_t want = (size_t)vci_opt_int(opts, VCI_OPT_EVAL_TARGET_ITEMS);
    item_users *iu = vci_calloc(VCI_MAX(tr->nitems, 1u), sizeof *iu);
    if (!iu)
        return VC_ERR_NOMEM;
    for (uint32_t i = 0; i < tr->nitems; i++)
        iu[i].item = i;
    for (uint32_t u = 0; u < tr->nusers; u++)
        for (uint64_t t = c->sp.test_start[u]; t < c->sp.test_start[u + 1]; t++)
            if (!has_item(tr, u, c->sp.test_item[t]))
                iu[c->sp.test_item[t]].users++;
    qsort(iu, tr->nitems, sizeof *iu, by_users_desc);
    double hits = 0, expected = 0;
    vc_status s = VC_OK;
    for (size_t j = 0; j < VCI_MIN(want, (size_t)tr->nitems) && s == VC_OK; j++) {
        if (iu[j].users < 5)
            break;
        vc_recs *r = NULL;
        s = vc_target_item(&r, c->cm, iu[j].item, 50, opts);
        for (size_t k = 0; s == VC_OK && k < r->n; k++) {
            uint32_t u = r->entry[k].id;
            for (uint64_t t = c->sp.test_start[u]; t < c->sp.test_start[u + 1]; t++)
                if (c->sp.test_item[t] == iu[j].item) {
                    hits++;
                    break;
                }
        }
        if (s == VC_OK) {
            double lacking = (double)tr->nusers -
                             (double)(tr->item_start[iu[j].item + 1] - tr->item_start[iu[j].item]);
            expected += lacking > 0 ? 50.0 * iu[j].users / lacking : 0;
        }
        vc_recs_free(r);
    }
    vci_free(iu);
    *lift = expected > 0 ? hits / expected : 0;
    return s;
}

static vc_status run(vc_eval *ev, eval_ctx *c, const vc_options *opts)
{
    const char *split = vci_opt_string(opts, VCI_OPT_EVAL_SPLIT);
    vci_progress prog = vci_progress_of(opts, "eval");
    VCI_CHECK(vci_progress_report(&prog, 0.0)); /* the stages below nest in it */
    VCI_CHECK(vci_split_make(&c->sp, c->ds, split, (uint64_t)vci_opt_int(opts, VCI_OPT_SEED),
                             opts));
    const vc_dataset *tr = c->sp.train;
    c->explicit_ratings = vci_ds_is_explicit(tr);
    c->relevant_rating = (float)vci_opt_float(opts, VCI_OPT_EVAL_RELEVANT_RATING);
    VCI_CHECK(vc_portrait_build(&c->pt, tr, opts));
    VCI_CHECK(vc_cluster_run(&c->cm, c->pt, opts));
    VCI_CHECK(vci_rec_index_get(c->cm, opts, &c->ix));
    VCI_CHECK(vci_rec_scratch_init(&c->scratch, tr->nitems, opts));
    VCI_CHECK(vci_baselines_new(&c->base, tr, true));
    c->items = vci_calloc(c->k, sizeof *c->items);
    c->users = vci_calloc(VCI_MAX(tr->nusers, 1u), sizeof *c->users);
    c->lists = vci_calloc(VCI_MAX(tr->nusers, 1u) * VCI_MAX(c->k, 1), sizeof *c->lists);
    c->counts = vci_calloc(VCI_MAX(tr->nusers, 1u), sizeof *c->counts);
    c->rel = vci_calloc(VCI_MAX(c->ds->nevents, 1), sizeof *c->rel);
    c->recommended = vci_calloc(VCI_MAX(tr->nitems, 1u), 1);
    if (!c->items || !c->users || !c->lists || !c->counts || !c->rel || !c->recommended)
        return VC_ERR_NOMEM;
    for (uint32_t m = 0; m < METHOD_MAX; m++) {
        if (m == METHOD_ITEM_KNN && !vci_baselines_has_item_knn(c->base))
            continue;
        ev->method[ev->nmethods] = m;
        VCI_CHECK(run_method(c, m, opts, &prog, ev->value[ev->nmethods], &ev->users));
        ev->nmethods++;
        VCI_CHECK(method_progress(&prog, m + 1, 0, 1));
    }
    return target_lift(c, opts, &ev->target_lift);
}

VC_API vc_status vc_eval_run(vc_eval **out, const vc_dataset *ds,
                             const vc_options *opts)
{
    vci_clear_error();
    VCI_REQUIRE(out && ds, "vc_eval_run: NULL argument");
    *out = NULL;
    if (!ds->finalised)
        return vci_error(VC_ERR_STATE, "vc_eval_run: the data set is not finalised");
    vc_eval *ev = vci_calloc(1, sizeof *ev);
    if (!ev)
        return VC_ERR_NOMEM;
    eval_ctx c = {0};
    c.ds = ds;
    c.k = (size_t)vci_opt_int(opts, VCI_OPT_EVAL_K);
    vc_status s = run(ev, &c, opts);
    vci_free(c.items);
    vci_free(c.users);
    vci_free(c.lists);
    vci_free(c.counts);
    vci_free(c.rel);
    vci_free(c.recommended);
    vci_rec_scratch_free(&c.scratch);
    vci_baselines_free(c.base);
    vc_communities_free(c.cm);
    vc_portraits_free(c.pt);
    vci_split_free(&c.sp);
    if (s != VC_OK) {
        vci_free(ev);
        return s;
    }
    *out = ev;
    return VC_OK;
}

VC_API void vc_eval_free(vc_eval *ev)
{
    vci_free(ev);
}

VC_API size_t vc_eval_method_count(const vc_eval *ev)
{
    return ev ? ev->nmethods : 0;
}

VC_API const char *vc_eval_method_name(const vc_eval *ev, size_t m)
{
    return ev && m < ev->nmethods ? method_names[ev->method[m]] : NULL;
}

VC_API size_t vc_eval_metric_count(void)
{
    return M_COUNT;
}

VC_API const char *vc_eval_metric_name(size_t metric)
{
    return metric < M_COUNT ? metric_names[metric] : NULL;
}

VC_API vc_status vc_eval_metric(const vc_eval *ev, size_t m,
                                const char *metric, double *value)
{
    vci_clear_error();
    VCI_REQUIRE(ev && metric && value, "vc_eval_metric: NULL argument");
    if (m >= ev->nmethods)
        return vci_error(VC_ERR_RANGE, "method %zu out of range (%zu)", m, ev->nmethods);
    for (size_t i = 0; i < M_COUNT; i++)
        if (strcmp(metric_names[i], metric) == 0) {
            *value = ev->value[m][i];
            return VC_OK;
        }
    return vci_error(VC_ERR_NOT_FOUND, "no metric '%s'", metric);
}

VC_API size_t vc_eval_user_count(const vc_eval *ev)
{
    return ev ? ev->users : 0;
}

VC_API double vc_eval_target_lift(const vc_eval *ev)
{
    return ev ? ev->target_lift : NAN;
}
